"""Readers and writers per file type: each parses a file into texts to translate and renders
the translated file in the same format."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from translate.encodings import decode
from translate.errors import TranslateError
from translate.text import has_arabic

SUPPORTED = (".txt", ".md", ".html", ".htm", ".docx", ".jsonl")


@dataclass(frozen=True)
class Parsed:
    """A parsed file: the texts to translate, the articles to summarise (as indices into
    ``units``), and a function that renders the output file from one translation per unit."""

    units: tuple[str, ...]
    articles: tuple[tuple[int, ...], ...]
    render: Callable[[Sequence[str]], bytes]


def parse(path: Path, data: bytes, *, text_field: str = "text") -> Parsed:
    """Parse ``data`` read from ``path`` according to its extension."""
    suffix = path.suffix.lower()
    name = f"'{path.name}'"
    if suffix == ".docx":
        return _parse_docx(data, name)
    text = decode(data, name=name)
    if suffix == ".jsonl":
        return _parse_jsonl(text, text_field)
    if suffix in (".html", ".htm"):
        return _parse_html(text)
    if suffix == ".md":
        return _parse_markdown(text)
    if suffix == ".txt":
        return Parsed((text,), ((0,),), lambda t: (t[0] + "\n").encode("utf-8"))
    raise TranslateError(f"Unsupported file type '{suffix}': supported are {', '.join(SUPPORTED)}.")


_MARKDOWN_PREFIX = re.compile(r"^(\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)*)(.*)$")


def _parse_markdown(text: str) -> Parsed:
    """Translate each line's text after its heading, list or quote markers; leave code blocks alone."""
    lines = text.splitlines()
    slots: list[tuple[int, str]] = []  # (line index, marker prefix)
    units: list[str] = []
    in_code = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        prefix, content = _MARKDOWN_PREFIX.match(line).groups()
        if not in_code and has_arabic(content):
            slots.append((index, prefix))
            units.append(content)

    def render(translations: Sequence[str]) -> bytes:
        out = list(lines)
        for (index, prefix), translation in zip(slots, translations, strict=True):
            out[index] = prefix + translation
        return ("\n".join(out) + "\n").encode("utf-8")

    return Parsed(tuple(units), (tuple(range(len(units))),), render)


_SKIPPED_TAGS = {"script", "style", "code", "pre", "noscript", "template", "textarea"}


def _parse_html(text: str) -> Parsed:
    """Translate the text between tags; markup, attributes, scripts and code stay as they are."""
    from bs4 import BeautifulSoup, NavigableString
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    soup = BeautifulSoup(text, "html.parser")
    special = (Comment, Declaration, Doctype, ProcessingInstruction)
    nodes = [
        node for node in soup.find_all(string=True)
        if isinstance(node, NavigableString) and not isinstance(node, special)
        and not any(parent.name in _SKIPPED_TAGS for parent in node.parents) and has_arabic(node)
    ]
    units = tuple(str(node).strip() for node in nodes)

    def render(translations: Sequence[str]) -> bytes:
        for node, translation in zip(nodes, translations, strict=True):
            original = str(node)
            lead = original[: len(original) - len(original.lstrip())]
            trail = original[len(original.rstrip()) :]
            node.replace_with(lead + translation + trail)
        for tag in soup.find_all(attrs={"dir": True}):
            tag["dir"] = "ltr"
        if soup.html is not None:
            soup.html["lang"] = "en"
        return str(soup).encode("utf-8")

    return Parsed(units, (tuple(range(len(units))),), render)


def _parse_jsonl(text: str, field: str) -> Parsed:
    """One article per line in ``field``; every other field is copied through."""
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise TranslateError(f"line {number} is not valid JSON ({error.msg}).") from None
        if not isinstance(record, dict) or not isinstance(record.get(field), str):
            raise TranslateError(f"line {number} has no text field '{field}'.")
        records.append(record)
    if not records:
        raise TranslateError("the file has no records.")

    def render(translations: Sequence[str]) -> bytes:
        lines = [json.dumps({**r, field: t}, ensure_ascii=False) for r, t in zip(records, translations, strict=True)]
        return ("\n".join(lines) + "\n").encode("utf-8")

    return Parsed(tuple(r[field] for r in records), tuple((i,) for i in range(len(records))), render)


def _docx_paragraphs(container) -> list:
    """Every paragraph of a document body or table cell, tables (nested ones too) included."""
    paragraphs = list(container.paragraphs)
    for table in container.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += _docx_paragraphs(cell)
    return paragraphs


def _parse_docx(data: bytes, name: str) -> Parsed:
    """Translate paragraphs and table cells in place, keeping each paragraph's first run's style."""
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises zip, XML and package errors
        raise TranslateError(f"{name} is not a valid .docx file ({type(error).__name__}).") from None
    seen: set[int] = set()
    paragraphs = []
    for paragraph in _docx_paragraphs(document):
        if id(paragraph._p) not in seen and has_arabic(paragraph.text):  # merged cells repeat paragraphs
            seen.add(id(paragraph._p))
            paragraphs.append(paragraph)
    units = tuple(p.text for p in paragraphs)

    def render(translations: Sequence[str]) -> bytes:
        for paragraph, translation in zip(paragraphs, translations, strict=True):
            runs = paragraph.runs
            if runs:
                runs[0].text = translation
                for run in runs[1:]:
                    run.text = ""
            else:
                paragraph.add_run(translation)
            for element in list(paragraph._p.iter(qn("w:bidi"), qn("w:rtl"))):
                element.getparent().remove(element)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    return Parsed(units, (tuple(range(len(units))),), render)
