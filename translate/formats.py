"""Readers and writers per file type: each parses a file into texts to translate and renders
the translated file in the same format.

What a reader leaves as it was, or cannot carry over, is said in :attr:`Parsed.notes` (one
line each), never dropped silently.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from translate.config import DOCX_MAX_ENTRIES, DOCX_MAX_RATIO, DOCX_MAX_UNPACKED, FILE_MAX_BYTES, INPUT_TYPES
from translate.encodings import decode
from translate.errors import TranslateError
from translate.language import assess
from translate.language import name as language_name
from translate.text import ends_sentence, has_arabic

SUPPORTED = INPUT_TYPES


@dataclass(frozen=True)
class Parsed:
    """A parsed file: the texts to translate, the articles to summarise (as indices into
    ``units``), a function that renders the output file from one translation per unit, and
    notes for the person who reads the output: what it does not carry over as it was (parts left
    untranslated, links merged into their sentence, an unclosed code fence, numbers strict JSON
    cannot hold) and parts that look like another language than Arabic."""

    units: tuple[str, ...]
    articles: tuple[tuple[int, ...], ...]
    render: Callable[[Sequence[str]], bytes]
    notes: tuple[str, ...] = ()


def parse(path: Path, data: bytes, *, text_field: str = "text") -> Parsed:
    """Parse ``data`` read from ``path`` according to its extension.

    A file whose Arabic-script text is mostly another language (Persian, Urdu ...) is refused by
    name; parts in another language inside an Arabic file are translated, with a note.
    """
    return _language_checked(_parse(path, data, text_field))


def document_text(path: Path, data: bytes, *, text_field: str = "text") -> tuple[str, ...]:
    """The readable text of a file in any language (an evaluation's English references), read by the same
    readers as :func:`parse`, the .docx archive guard included: one text per .jsonl record, else the whole
    document (Markdown without its markers and code, HTML without its markup, scripts and code, a .docx's
    paragraphs and then its tables' paragraphs)."""
    suffix = path.suffix.lower()
    name = f"'{path.name}'"
    if suffix == ".jsonl":
        return parse(path, data, text_field=text_field).units
    if suffix == ".docx":
        document = _open_docx(data, name)
        paragraphs = [p.text for p in document.paragraphs]
        paragraphs += [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
        return ("\n\n".join(p for p in paragraphs if p.strip()),)
    if suffix in (".html", ".htm"):
        from bs4 import BeautifulSoup
        from bs4.element import PreformattedString

        soup = BeautifulSoup(decode(data, name=name, prose=html_prose), "html.parser")
        texts = [node.strip() for node in soup.find_all(string=True) if not isinstance(node, PreformattedString)
                 and node.strip() and not any(parent.name in _SKIPPED_TAGS for parent in node.parents)]
        return ("\n\n".join(texts),)
    if suffix == ".md":
        lines = decode(data, name=name, prose=markdown_prose).split("\n")
        code, _ = _code_lines(lines)
        return ("\n".join(_MARKDOWN_PREFIX.match(line.removesuffix("\r")).group(2)
                          for index, line in enumerate(lines) if index not in code),)
    return (decode(data, name=name),)


def _parse(path: Path, data: bytes, text_field: str) -> Parsed:
    suffix = path.suffix.lower()
    name = f"'{path.name}'"
    if suffix == ".docx":
        return _parse_docx(data, name)
    if suffix not in SUPPORTED:
        raise TranslateError(f"Unsupported file type '{suffix}': supported are {', '.join(SUPPORTED)}.")
    if suffix in (".html", ".htm"):
        return _parse_html(decode(data, name=name, prose=html_prose))
    if suffix == ".md":
        return _parse_markdown(decode(data, name=name, prose=markdown_prose))
    text = decode(data, name=name)
    if suffix == ".jsonl":
        return _parse_jsonl(text, text_field)
    return Parsed((text,), ((0,),), lambda t: (t[0] + "\n").encode("utf-8"))


_EXCERPT = 40  # characters of a paragraph quoted in a note


def _language_checked(parsed: Parsed) -> Parsed:
    """``parsed``, refused when its text is another language, with a note per other language found."""
    found = assess("\n".join(parsed.units))  # judged by paragraph: each line of each unit
    if found.problem is not None:
        raise TranslateError(found.problem)
    if not found.foreign:
        return parsed
    excerpts: dict[str, list[str]] = {}
    for _, language, paragraph in found.foreign:
        excerpt = paragraph if len(paragraph) <= _EXCERPT else paragraph[:_EXCERPT].rsplit(" ", 1)[0] + "…"
        excerpts.setdefault(language, []).append(f"«{excerpt}»")
    notes = tuple(f"Some text looks like {language_name(language)}, not Arabic, and was translated as if it were "
                  f"Arabic: {', '.join(quoted[:3])}{' and more' if len(quoted) > 3 else ''}."
                  for language, quoted in excerpts.items())
    return replace(parsed, notes=parsed.notes + notes)


def _number_list(numbers: Sequence[int], most: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:most])
    return shown + (f" and {len(numbers) - most} more" if len(numbers) > most else "")


# --- Markdown -------------------------------------------------------------------------------------

_MARKDOWN_PREFIX = re.compile(r"^(\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)*)(.*)$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
_FENCED_BLOCK = re.compile(r"^\s*(`{3,}|~{3,}).*?^\s*\1[`~]*\s*$", re.S | re.M)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def markdown_prose(text: str) -> str:
    """The readable text of a Markdown file: without fenced code and link targets."""
    return _LINK_TARGET.sub("]", _FENCED_BLOCK.sub("", text))


def _code_lines(lines: Sequence[str]) -> tuple[set[int], list[str]]:
    """The indices of lines inside fenced code blocks (fences included), and notes.

    A fence closes with the same character, at least as long, and nothing else on the line. A
    fence that is never closed ends at the end of its paragraph (the next blank line), so the
    text after it is still translated; a note says so.
    """
    code: set[int] = set()
    notes: list[str] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None or (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            index += 1
            continue
        fence = opening.group(1)
        end = next((j for j in range(index + 1, len(lines)) if re.fullmatch(
            rf"\s*{re.escape(fence[0])}{{{len(fence)},}}\s*", lines[j])), None)
        if end is None:
            end = next((j for j in range(index + 1, len(lines)) if not lines[j].strip()), len(lines))
            if any(line.strip() for line in lines[end:]):
                notes.append(f"The code block opened on line {index + 1} is never closed: it was taken to end at "
                             f"the blank line on line {end + 1}, and the text after it was translated.")
            else:
                notes.append(f"The code block opened on line {index + 1} is never closed: it runs to the end of "
                             "the file, which was left as it was.")
            end -= 1
        code.update(range(index, end + 1))
        index = end + 1
    return code, notes


def _parse_markdown(text: str) -> Parsed:
    """Translate each line's text after its heading, list or quote markers; leave code blocks alone."""
    lines = text.split("\n")
    code, notes = _code_lines(lines)
    slots: list[tuple[int, str, str]] = []  # (line index, marker prefix, line end)
    units: list[str] = []
    for index, line in enumerate(lines):
        if index in code:
            continue
        ending = "\r" if line.endswith("\r") else ""
        prefix, content = _MARKDOWN_PREFIX.match(line.removesuffix("\r")).groups()
        if has_arabic(content):
            slots.append((index, prefix, ending))
            units.append(content)

    def render(translations: Sequence[str]) -> bytes:
        out = list(lines)
        for (index, prefix, ending), translation in zip(slots, translations, strict=True):
            out[index] = prefix + translation + ending
        return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")

    return Parsed(tuple(units), (tuple(range(len(units))),), render, tuple(notes))


# --- HTML -----------------------------------------------------------------------------------------

_SKIPPED_TAGS = {"script", "style", "code", "pre", "noscript", "template", "textarea"}
_INLINE_TAGS = {"a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark",
                "q", "s", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
_TRANSLATED_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
_TRANSLATED_META = {"description", "og:title", "og:description", "twitter:title", "twitter:description"}
_NOT_PROSE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[^>]*>", re.S | re.I)


def html_prose(text: str) -> str:
    """The readable text of an HTML page: without tags, comments, CDATA, styles and scripts."""
    return _NOT_PROSE.sub(" ", text)


def _parse_html(text: str) -> Parsed:
    """Translate the text between tags and the ``alt``, ``title``, ``aria-label`` and ``placeholder``
    attributes (and the page's description meta tags); markup, other attributes, CDATA sections,
    comments, scripts and code stay as they are. A sentence that inline markup (a link, bold ...)
    cuts into parts is translated whole, and that markup is dropped, with a note. The articles to
    summarise are the text only."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    runs = _text_runs(soup)
    attributes: list[tuple[object, str]] = []
    for tag in soup.find_all(True):
        if tag.name in _SKIPPED_TAGS or any(parent.name in _SKIPPED_TAGS for parent in tag.parents):
            continue
        names = list(_TRANSLATED_ATTRIBUTES)
        if tag.name == "meta" and (tag.get("name") or tag.get("property") or "").lower() in _TRANSLATED_META:
            names.append("content")
        attributes += [(tag, key) for key in names if isinstance(tag.get(key), str) and has_arabic(tag[key])]
    texts = ["".join(str(node) for node in run) for run in runs]
    units = tuple(" ".join(text.split()) if len(run) > 1 else text.strip() for run, text in zip(runs, texts,
                                                                                              strict=True))
    units += tuple(tag[key].strip() for tag, key in attributes)
    merged = [run for run in runs if len(run) > 1]
    links = [tag["href"] for run in merged for tag in _wrappers(run) if tag.name == "a" and tag.get("href")]
    notes = (f"{len(merged)} sentence(s) cut by inline markup (links, bold ...) were translated whole; that "
             "markup is not carried over" + (f" (links: {', '.join(links)})." if links else "."),) if merged else ()

    def render(translations: Sequence[str]) -> bytes:
        if len(translations) != len(units):
            raise ValueError("one translation is needed for every unit")
        for run, original, translation in zip(runs, texts, translations, strict=False):
            _replace_run(run, _keep_spaces(original, translation))
        for (tag, key), translation in zip(attributes, translations[len(runs):], strict=True):
            tag[key] = _keep_spaces(tag[key], translation)
        for tag in soup.find_all(attrs={"dir": True}):
            tag["dir"] = "ltr"
        if soup.html is not None:
            soup.html["lang"] = "en"
        return str(soup).encode("utf-8")

    return Parsed(units, (tuple(range(len(runs))),), render, notes)


def _text_runs(soup) -> list[list]:
    """The page's text nodes that hold Arabic, in runs that read as one text: nodes of the same block
    element, with only inline tags between them, joined while a node does not end its sentence."""
    from bs4.element import PreformattedString

    runs: list[list] = []
    previous = None
    for node in soup.find_all(string=True):
        if isinstance(node, PreformattedString) or any(parent.name in _SKIPPED_TAGS for parent in node.parents):
            continue  # comments, CDATA, doctype, scripts and code: left as they are
        if previous is not None and _continues(previous, node):
            runs[-1].append(node)
        else:
            runs.append([node])
        previous = node
    return [run for run in runs if any(has_arabic(node) for node in run)]


def _block(node):
    """The nearest ancestor of ``node`` that is not an inline tag."""
    return next(parent for parent in node.parents if parent.name not in _INLINE_TAGS)


def _continues(previous, node) -> bool:
    """Whether ``node`` continues the sentence of ``previous``."""
    from bs4.element import Tag

    if ends_sentence(str(previous)) or _block(previous) is not _block(node):
        return False
    for element in previous.next_elements:
        if element is node:
            return True
        if isinstance(element, Tag) and element.name not in _INLINE_TAGS | {"img", "wbr"}:  # <br>, a block ...
            return False
    return False


def _wrappers(run: list) -> list:
    """The inline tags around the nodes of ``run``, each once, the deepest first."""
    found = {id(parent): parent for node in run for parent in node.parents if parent.name in _INLINE_TAGS}
    return sorted(found.values(), key=lambda tag: len(list(tag.parents)), reverse=True)


def _replace_run(run: list, translation: str) -> None:
    """Put ``translation`` where ``run`` was: in its one node, or, for a sentence cut by inline tags,
    before its first node, outside the inline tags that hold only this sentence; the run's nodes go,
    and inline tags left empty too."""
    from bs4.element import NavigableString

    if len(run) == 1:
        run[0].replace_with(translation)
        return
    block, ours = _block(run[0]), {id(node) for node in run}
    anchor = run[0]  # climb out of the inline tags that hold nothing but this sentence
    while anchor.parent is not block and all(id(text) in ours for text in anchor.parent.find_all(string=True)):
        anchor = anchor.parent
    anchor.insert_before(NavigableString(translation))
    wrappers = _wrappers(run)
    for node in run:
        node.extract()
    for wrapper in wrappers:  # the deepest first, so a tag that held only emptied tags goes too
        if wrapper.parent is not None and not wrapper.get_text().strip() and not wrapper.find(True):
            wrapper.decompose()


def _keep_spaces(original: str, translation: str) -> str:
    """``translation`` with the leading and trailing whitespace of ``original``."""
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()) :]
    return lead + translation + trail


# --- JSON lines -----------------------------------------------------------------------------------

_JSON_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def _parse_jsonl(text: str, field: str) -> Parsed:
    """One article per line in ``field``; every other field is copied through.

    Records are split on ``\\n`` only: U+2028, U+2029 and U+0085 are valid inside JSON strings and
    are written back escaped, so no reader splits a record. ``NaN``, ``Infinity`` and ``-Infinity``
    (which Python writes but strict JSON has no place for) are written as ``null``, with a note.
    """
    records = []
    non_finite: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        found: list[str] = []
        try:
            record = json.loads(line, parse_constant=lambda constant, found=found: found.append(constant))
        except json.JSONDecodeError as error:
            raise TranslateError(f"line {number} is not valid JSON ({error.msg}).") from None
        if not isinstance(record, dict) or not isinstance(record.get(field), str):
            raise TranslateError(f"line {number} has no text field '{field}'.")
        if found:
            non_finite.append(number)
        records.append(record)
    if not records:
        raise TranslateError("the file has no records.")
    notes = ()
    if non_finite:
        notes = (f"NaN or Infinity values on line(s) {_number_list(non_finite)} were written as null: "
                 "strict JSON has no such numbers.",)

    def render(translations: Sequence[str]) -> bytes:
        lines = [json.dumps({**r, field: t}, ensure_ascii=False, allow_nan=False).translate(_JSON_LINE_BREAKS)
                 for r, t in zip(records, translations, strict=True)]
        return ("\n".join(lines) + "\n").encode("utf-8")

    return Parsed(tuple(r[field] for r in records), tuple((i,) for i in range(len(records))), render, notes)


# --- Word documents -------------------------------------------------------------------------------

_END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"


def check_archive(data: bytes, name: str) -> None:
    """Refuse a .docx whose zip archive declares too many entries or unpacks to too much
    (:data:`~translate.config.DOCX_MAX_ENTRIES`, ``DOCX_MAX_UNPACKED``, or ``DOCX_MAX_RATIO``
    times its size), from the archive's directory alone, before anything is unpacked. The ratio
    applies above ``FILE_MAX_BYTES`` only: unpacking to less than a plain file may hold is harmless,
    and small documents of repetitive text compress well beyond the ratio.

    The declared sizes are a real bound: Python's zip reader stops at an entry's declared size
    and fails on a CRC mismatch, so an archive that lies about its sizes fails as invalid.
    """
    end = data.rfind(_END_OF_CENTRAL_DIRECTORY, max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        raise TranslateError(f"{name} is not a valid .docx file (it is not a zip archive).")
    declared = struct.unpack_from("<H", data, end + 10)[0]  # 0xFFFF: a ZIP64 count, over any limit here
    if declared > DOCX_MAX_ENTRIES:
        raise TranslateError(f"{name} holds {declared:,} archive entries; a .docx may hold at most "
                             f"{DOCX_MAX_ENTRIES:,}. It is refused unread.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, struct.error) as error:
        raise TranslateError(f"{name} is not a valid .docx file ({error}).") from None
    if len(entries) > DOCX_MAX_ENTRIES:
        raise TranslateError(f"{name} holds {len(entries):,} archive entries; a .docx may hold at most "
                             f"{DOCX_MAX_ENTRIES:,}. It is refused unread.")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > DOCX_MAX_UNPACKED:
        raise TranslateError(f"{name} would unpack to {unpacked:,} bytes; the limit is {DOCX_MAX_UNPACKED:,}. "
                             "It is refused unread.")
    if unpacked > DOCX_MAX_RATIO * len(data) and unpacked > FILE_MAX_BYTES:
        raise TranslateError(f"{name} would unpack to {unpacked:,} bytes, more than {DOCX_MAX_RATIO} times its "
                             f"size ({len(data):,} bytes): it looks like a zip bomb and is refused unread.")


def _parse_docx(data: bytes, name: str) -> Parsed:
    """Translate every paragraph of a .docx in place: the body with its tables and text boxes,
    headers, footers, footnotes and endnotes, and the pictures' alternative text and titles. Each
    paragraph's translation goes into its first run (keeping that run's style). The article to
    summarise is the body's paragraphs outside text boxes."""
    from docx.opc.constants import CONTENT_TYPE as CT

    document = _open_docx(data, name)

    stories = {CT.WML_DOCUMENT_MAIN: 0, CT.WML_HEADER: 1, CT.WML_FOOTER: 2, CT.WML_FOOTNOTES: 3, CT.WML_ENDNOTES: 4}
    untranslated = {CT.WML_COMMENTS: "the comments", CT.DML_CHART: "a chart", CT.DML_DIAGRAM_DATA: "a SmartArt diagram"}
    parts = sorted(document.part.package.iter_parts(), key=lambda p: (stories.get(p.content_type, 9), p.partname))
    paragraphs: list[_DocxParagraph | _DocxAltText] = []
    notes: list[str] = []
    for part in parts:
        if part.content_type in stories:
            root = part.element.body if part.content_type == CT.WML_DOCUMENT_MAIN else part.element
            in_body = part.content_type == CT.WML_DOCUMENT_MAIN
            paragraphs += [p for p in (_DocxParagraph(e, part, in_body) for e in root.iter(_W_P)) if has_arabic(p.text)]
            paragraphs += [_DocxAltText(e, key) for e in root.iter(_WP_DOC_PR) for key in ("descr", "title")
                           if has_arabic(e.get(key) or "")]
        elif part.content_type in untranslated and has_arabic(part.blob.decode("utf-8", "replace")):
            what = untranslated[part.content_type]
            notes.append(f"{what[0].upper()}{what[1:]} ({part.partname.lstrip('/')}) hold(s) Arabic text that was "
                         "left untranslated.")
        elif part.content_type == CT.OPC_CORE_PROPERTIES:
            properties = part.core_properties
            if any(has_arabic(v or "") for v in (properties.title, properties.subject, properties.keywords)):
                notes.append("The document properties (title, subject or keywords) hold Arabic text that was left "
                             "untranslated.")
    links = [link for p in paragraphs for link in p.merged_links()]
    if links:
        notes.append(f"{len(links)} link(s) covered only part of a paragraph; their words are translated within "
                     f"the sentence and the link is gone: {', '.join(links)}.")
    units = tuple(p.text for p in paragraphs)
    article = tuple(i for i, p in enumerate(paragraphs) if p.in_article)

    def render(translations: Sequence[str]) -> bytes:
        for paragraph, translation in zip(paragraphs, translations, strict=True):
            paragraph.replace(translation)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    return Parsed(units, (article,), render, tuple(notes))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_R, _W_HYPERLINK, _W_TEXTBOX = f"{_W}p", f"{_W}r", f"{_W}hyperlink", f"{_W}txbxContent"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_WP_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_TEXT_TAGS = frozenset(f"{_W}{tag}" for tag in ("t", "tab", "br", "cr", "noBreakHyphen", "ptab"))


def _open_docx(data: bytes, name: str):
    """The python-docx document of ``data``, once :func:`check_archive` has let it through."""
    check_archive(data, name)
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.part import PartFactory, XmlPart

    for content_type in (CT.WML_FOOTNOTES, CT.WML_ENDNOTES):  # python-docx reads these as opaque bytes
        PartFactory.part_type_for.setdefault(content_type, XmlPart)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises zip, XML and package errors
        raise TranslateError(f"{name} is not a valid .docx file ({type(error).__name__}).") from None


class _DocxParagraph:
    """One ``w:p`` element: its own runs (not those of a text box inside it), its text, and how
    to put a translation in place of that text."""

    def __init__(self, element, part, in_body: bool) -> None:
        self.element, self.part = element, part
        self.in_article = in_body and not any(a.tag == _W_TEXTBOX for a in element.iterancestors())
        self.runs = [run for run in self._own(_W_R) if run.text]
        self.text = "".join(run.text for run in self.runs)

    def _own(self, tag: str) -> list:
        return [e for e in self.element.iter(tag) if next(e.iterancestors(_W_P), None) is self.element]

    def _target(self):
        """The run that receives the translation: the first outside a link, else the first."""
        return next((r for r in self.runs if not any(a.tag == _W_HYPERLINK for a in r.iterancestors())),
                    self.runs[0])

    def merged_links(self) -> list[str]:
        """Where the links go that lose their text when the translation is put in place."""
        target = self._target()
        found = []
        for link in self._own(_W_HYPERLINK):
            if target in link.iter(_W_R):
                continue
            if any(run in self.runs for run in link.iter(_W_R)):
                rid, anchor = link.get(_R_ID), link.get(f"{_W}anchor")
                if rid and rid in self.part.rels:
                    found.append(self.part.rels[rid].target_ref)
                else:
                    found.append(f"#{anchor}" if anchor else "(a link)")
        return found

    def replace(self, translation: str) -> None:
        """Put ``translation`` in the target run, empty the text of the other runs, and make the
        paragraph left-to-right."""
        target = self._target()
        for run in self.runs:
            at = _clear_text(run)
            if run is target:
                _put_text(run, translation, at)
        for element in list(self.element.iter(f"{_W}bidi", f"{_W}rtl")):
            element.getparent().remove(element)


class _DocxAltText:
    """A picture's alternative text (``descr``) or title on its ``wp:docPr`` element."""

    in_article = False

    def __init__(self, element, key: str) -> None:
        self.element, self.key = element, key
        self.text = element.get(key)

    def merged_links(self) -> list[str]:
        return []

    def replace(self, translation: str) -> None:
        self.element.set(self.key, translation)


def _clear_text(run) -> int:
    """Remove a run's text children (keeping page and column breaks, drawings and fields); return
    where the first one was."""
    first = None
    for child in list(run):
        if child.tag in _TEXT_TAGS and child.get(f"{_W}type") not in ("page", "column"):
            if first is None:
                first = run.index(child)
            run.remove(child)
    if first is None:
        first = 1 if len(run) and run[0].tag == f"{_W}rPr" else 0
    return first


def _put_text(run, text: str, at: int) -> None:
    """Insert ``text`` into ``run`` at child position ``at``: ``w:t`` elements, with ``w:br`` for line
    breaks and ``w:tab`` for tabs."""
    from docx.oxml import OxmlElement

    elements = []
    for number, line in enumerate(text.split("\n")):
        if number:
            elements.append(OxmlElement("w:br"))
        for position, piece in enumerate(line.split("\t")):
            if position:
                elements.append(OxmlElement("w:tab"))
            if piece:
                element = OxmlElement("w:t")
                element.text = piece
                element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                elements.append(element)
    for offset, element in enumerate(elements):
        run.insert(at + offset, element)
