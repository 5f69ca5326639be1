"""Word documents (.docx): every paragraph is translated in place, its formatting (bold, italics,
links ...) projected onto the English by the rule of :mod:`translate.formats.runs`."""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence

from translate.errors import TranslateError
from translate.formats.archive import check_entities, open_archive
from translate.formats.base import Parsed
from translate.formats.runs import Tally, project
from translate.text import has_arabic

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_R, _W_HYPERLINK, _W_TEXTBOX = f"{_W}p", f"{_W}r", f"{_W}hyperlink", f"{_W}txbxContent"
_W_RPR = f"{_W}rPr"
_WP_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_TEXT_TAGS = frozenset(f"{_W}{tag}" for tag in ("t", "tab", "br", "cr", "noBreakHyphen", "ptab"))
# Arabic text is often bold, italic or sized through the complex-script properties only; English needs
# the plain ones.
_COMPLEX_SCRIPT = (("bCs", "b"), ("iCs", "i"), ("szCs", "sz"))


def parse_docx(data: bytes, name: str) -> Parsed:
    """Translate every paragraph of a .docx in place: the body with its tables and text boxes,
    headers, footers, footnotes and endnotes, and the pictures' alternative text and titles. The
    article to summarise is the body's paragraphs outside text boxes."""
    with open_archive(data, name) as archive:
        check_entities(archive, name)
    _, paragraphs, notes = _load(data, name)
    units = tuple(p.text for p in paragraphs)
    article = tuple(i for i, p in enumerate(paragraphs) if p.in_article)
    projected: list[str] = []

    def render(translations: Sequence[str]) -> bytes:
        document, paragraphs, _ = _load(data, name)  # a fresh copy: each rendering starts from the source
        tally = Tally()
        for unit, (paragraph, translation) in enumerate(zip(paragraphs, translations, strict=True)):
            paragraph.replace(translation, tally, unit)
        projected[:] = tally.note()
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    return Parsed(units, (article,), render, tuple(notes), rendered_notes=projected)


def open_docx(data: bytes, name: str):
    """The python-docx document of ``data`` (its footnotes and endnotes readable as XML); the caller has
    checked the archive (:func:`translate.formats.archive.check_archive`)."""
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.part import PartFactory, XmlPart

    for content_type in (CT.WML_FOOTNOTES, CT.WML_ENDNOTES):  # python-docx reads these as opaque bytes
        PartFactory.part_type_for.setdefault(content_type, XmlPart)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises zip, XML and package errors
        raise TranslateError(f"{name} is not a valid .docx file ({type(error).__name__}).") from None


def _load(data: bytes, name: str) -> tuple:
    """The python-docx document, its paragraphs (and alternative texts) that hold Arabic, in reading
    order, and notes on Arabic text left untranslated."""
    from docx.opc.constants import CONTENT_TYPE as CT

    document = open_docx(data, name)
    stories = {CT.WML_DOCUMENT_MAIN: 0, CT.WML_HEADER: 1, CT.WML_FOOTER: 2, CT.WML_FOOTNOTES: 3, CT.WML_ENDNOTES: 4}
    untranslated = {CT.WML_COMMENTS: "the comments", CT.DML_CHART: "a chart", CT.DML_DIAGRAM_DATA: "a SmartArt diagram"}
    parts = sorted(document.part.package.iter_parts(), key=lambda p: (stories.get(p.content_type, 9), p.partname))
    paragraphs: list[_DocxParagraph | _DocxAltText] = []
    notes: list[str] = []
    for part in parts:
        if part.content_type in stories:
            root = part.element.body if part.content_type == CT.WML_DOCUMENT_MAIN else part.element
            in_body = part.content_type == CT.WML_DOCUMENT_MAIN
            paragraphs += [p for p in (_DocxParagraph(e, in_body) for e in root.iter(_W_P)) if has_arabic(p.text)]
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
    return document, paragraphs, notes


class _DocxParagraph:
    """One ``w:p`` element: its own text runs (not those of a text box inside it), its text, and
    how to put a translation in place of that text."""

    def __init__(self, element, in_body: bool) -> None:
        self.element = element
        self.in_article = in_body and not any(a.tag == _W_TEXTBOX for a in element.iterancestors())
        self.runs = [run for run in element.iter(_W_R) if run.text and _owner(run) is element]
        self.text = "".join(run.text for run in self.runs)

    def _key(self, run) -> tuple:
        link = _link_of(run, self.element)
        properties = run.find(_W_RPR)
        return (None if properties is None else _xml(properties), None if link is None else id(link))

    def replace(self, translation: str, tally: Tally, unit: int) -> None:
        """Put ``translation`` in place of the runs' text: one new run per projected piece, with the
        formatting (and link) of the source run it aligns with; other run content (pictures, fields,
        page breaks) stays where it was; the paragraph becomes left-to-right."""
        from lxml import etree

        if not self.runs:
            return
        pieces = project([(run.text, self._key(run)) for run in self.runs], translation, tally, unit,
                         is_link=lambda key: key[1] is not None)
        anchor = self.runs[0]
        link = _link_of(anchor, self.element)
        anchor = link if link is not None else anchor
        marker = etree.Comment("translation")  # holds the place while the old runs are emptied
        anchor.addprevious(marker)
        built: list = []
        current_link, holder = None, None
        for piece in pieces:
            source = self.runs[piece.run]
            run = _styled_run(source)
            _put_text(run, piece.text)
            link = _link_of(source, self.element)
            if link is None:
                built.append(run)
                current_link = None
                continue
            if link is not current_link:
                holder = copy.copy(link)
                holder.clear()
                holder.attrib.update(link.attrib)
                built.append(holder)
                current_link = link
            holder.append(run)
        for run in self.runs:
            _clear_text(run)
            if all(child.tag == _W_RPR for child in run):
                run.getparent().remove(run)
        for old in list(self.element.iter(_W_HYPERLINK)):
            if len(old) == 0:  # every run of the link was text
                old.getparent().remove(old)
        for element in built:
            marker.addprevious(element)
        marker.getparent().remove(marker)
        for element in list(self.element.iter(f"{_W}bidi", f"{_W}rtl")):
            element.getparent().remove(element)


class _DocxAltText:
    """A picture's alternative text (``descr``) or title on its ``wp:docPr`` element."""

    in_article = False

    def __init__(self, element, key: str) -> None:
        self.element, self.key = element, key
        self.text = element.get(key)

    def replace(self, translation: str, tally: Tally, unit: int) -> None:
        self.element.set(self.key, translation)


def _owner(run):
    """The paragraph a run belongs to (the nearest ``w:p`` above it)."""
    return next(run.iterancestors(_W_P), None)


def _link_of(run, paragraph):
    """The ``w:hyperlink`` of ``paragraph`` that holds ``run``, or None."""
    for ancestor in run.iterancestors():
        if ancestor is paragraph:
            return None
        if ancestor.tag == _W_HYPERLINK:
            return ancestor
    return None


def _xml(element) -> bytes:
    from lxml import etree

    return etree.tostring(element)


def _styled_run(source):
    """A new empty run with a copy of ``source``'s run properties, complex-script bold, italics and
    size also set for Latin text."""
    from docx.oxml import OxmlElement

    run = OxmlElement("w:r")
    properties = source.find(_W_RPR)
    if properties is not None:
        properties = copy.deepcopy(properties)
        for complex_tag, plain_tag in _COMPLEX_SCRIPT:
            found = properties.find(f"{_W}{complex_tag}")
            if found is not None and properties.find(f"{_W}{plain_tag}") is None:
                plain = copy.deepcopy(found)
                plain.tag = f"{_W}{plain_tag}"
                found.addprevious(plain)
        for element in list(properties.iter(f"{_W}rtl")):
            element.getparent().remove(element)
        run.append(properties)
    return run


def _clear_text(run) -> None:
    """Remove a run's text children (keeping page and column breaks, drawings and fields)."""
    for child in list(run):
        if child.tag in _TEXT_TAGS and child.get(f"{_W}type") not in ("page", "column"):
            run.remove(child)


def _put_text(run, text: str) -> None:
    """Append ``text`` to ``run``: ``w:t`` elements, with ``w:br`` for line breaks and ``w:tab`` for tabs."""
    from docx.oxml import OxmlElement

    for number, line in enumerate(text.split("\n")):
        if number:
            run.append(OxmlElement("w:br"))
        for position, piece in enumerate(line.split("\t")):
            if position:
                run.append(OxmlElement("w:tab"))
            if piece:
                element = OxmlElement("w:t")
                element.text = piece
                element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                run.append(element)
