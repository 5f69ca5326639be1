"""OpenDocument text and presentations (.odt, .odp): every paragraph and heading is translated in
place (body, lists, table cells, text boxes, slides, speaker notes, headers and footers), its
spans and links projected onto the English by the rule of :mod:`translate.formats.runs`.

The XML is read with lxml (entities refused, nothing loaded from outside); the archive is written
back with only ``content.xml`` and ``styles.xml`` replaced."""

from __future__ import annotations

import re
from collections.abc import Sequence

from translate.formats.archive import open_archive, parse_xml, read_entry, rewrite
from translate.formats.base import Parsed
from translate.formats.runs import Tally, project
from translate.text import has_arabic

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
PRESENTATION = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
_P, _H = f"{{{TEXT}}}p", f"{{{TEXT}}}h"
_SPAN, _A = f"{{{TEXT}}}span", f"{{{TEXT}}}a"
_S, _TAB, _BREAK = f"{{{TEXT}}}s", f"{{{TEXT}}}tab", f"{{{TEXT}}}line-break"
_SOFT_BREAK = f"{{{TEXT}}}soft-page-break"
_WRAPPERS = (_SPAN, _A)
_NOT_ARTICLE = {f"{{{TEXT}}}note", f"{{{PRESENTATION}}}notes", f"{{{OFFICE}}}annotation",
                "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}text-box"}
_ENTRIES = ("content.xml", "styles.xml")


def parse_odf(data: bytes, name: str) -> Parsed:
    """Translate the paragraphs of ``content.xml`` and of the master pages in ``styles.xml``
    (headers and footers). The article to summarise is the body's paragraphs outside notes,
    comments and text boxes (for a presentation: the slides' text)."""
    paragraphs, _ = _load(data, name)
    units = tuple(p.text for p in paragraphs)
    article = tuple(i for i, p in enumerate(paragraphs) if p.in_article)
    moved = sum(p.moved for p in paragraphs)
    notes = (f"{moved} footnote mark(s), picture(s) or field(s) inside a translated sentence were moved to the end "
             "of their paragraph.",) if moved else ()
    projected: list[str] = []

    def render(translations: Sequence[str]) -> bytes:
        paragraphs, trees = _load(data, name)
        tally = Tally()
        for unit, (paragraph, translation) in enumerate(zip(paragraphs, translations, strict=True)):
            paragraph.replace(translation, tally, unit)
        projected[:] = tally.note()
        changed = {entry: _serialise(tree) for entry, tree in trees.items()}
        with open_archive(data, name) as archive:
            return rewrite(archive, changed)

    return Parsed(units, (article,), render, notes, rendered_notes=projected)


def _load(data: bytes, name: str) -> tuple[list[_OdfParagraph], dict]:
    with open_archive(data, name) as archive:
        names = set(archive.namelist())
        trees = {entry: parse_xml(read_entry(archive, entry, name), name, entry) for entry in _ENTRIES
                 if entry in names or entry == "content.xml"}
    paragraphs = []
    for entry, tree in trees.items():
        if entry == "styles.xml":
            roots = tree.findall(f"{{{OFFICE}}}master-styles")
        else:
            roots = tree.findall(f"{{{OFFICE}}}body")
        for root in roots:
            for element in root.iter(_P, _H):
                paragraph = _OdfParagraph(element, in_body=entry == "content.xml")
                if has_arabic(paragraph.text):
                    paragraphs.append(paragraph)
        for properties in tree.iter(f"{{{STYLE}}}paragraph-properties", f"{{{STYLE}}}page-layout-properties"):
            for key, value in properties.attrib.items():
                if key.endswith("}writing-mode") and value.startswith("rl"):
                    properties.set(key, "lr-tb")  # the English reads left to right
    return paragraphs, trees


def _serialise(tree) -> bytes:
    from lxml import etree

    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


class _OdfParagraph:
    """A ``text:p`` or ``text:h``: its text as runs of (text, wrappers), and the elements inside it
    that are not text (notes, frames, bookmarks, fields), which stay."""

    def __init__(self, element, *, in_body: bool) -> None:
        self.element = element
        self.in_article = in_body and not any(a.tag in _NOT_ARTICLE for a in element.iterancestors())
        self.runs: list[tuple[str, tuple]] = []
        self.kept: list = []
        self._walk(element, ())
        self.text = "".join(text for text, _ in self.runs)
        last_text = max((i for i, (text, _) in enumerate(self.runs) if text.strip()), default=-1)
        self.moved = sum(1 for position in self._kept_at if position <= last_text)

    def _add(self, text: str | None, wrappers: tuple) -> None:
        if text:
            self.runs.append((text, wrappers))

    def _walk(self, element, wrappers: tuple) -> None:
        if element is self.element:
            self._kept_at: list[int] = []
        self._add(element.text, wrappers)
        for child in element:
            if not isinstance(child.tag, str):  # a comment or processing instruction
                pass
            elif child.tag in _WRAPPERS:
                self._walk(child, (*wrappers, (child.tag, tuple(sorted(child.attrib.items())))))
            elif child.tag == _S:
                self._add(" " * int(child.get(f"{{{TEXT}}}c", "1") or 1), wrappers)
            elif child.tag == _TAB:
                self._add("\t", wrappers)
            elif child.tag == _BREAK:
                self._add("\n", wrappers)
            elif child.tag != _SOFT_BREAK:
                self.kept.append(child)
                self._kept_at.append(len(self.runs))
            self._add(child.tail, wrappers)

    def replace(self, translation: str, tally: Tally, unit: int) -> None:
        """Empty the paragraph, then fill it with the projected pieces, each in copies of its source
        run's spans and links, and the kept elements after them."""
        pieces = project(self.runs, translation, tally, unit,
                         is_link=lambda wrappers: any(tag == _A for tag, _ in wrappers))
        for child in self.kept:
            child.getparent().remove(child)
        for child in list(self.element):
            self.element.remove(child)
        self.element.text = None
        for piece in pieces:
            parent = self.element
            for tag, attributes in self.runs[piece.run][1]:
                wrapper = parent.makeelement(tag, dict(attributes))
                parent.append(wrapper)
                parent = wrapper
            _append_text(parent, piece.text)
        for child in self.kept:
            child.tail = None
            self.element.append(child)


def _append_text(parent, text: str) -> None:
    """Append ``text`` to ``parent`` as ODF writes it: ``text:line-break``, ``text:tab`` and
    ``text:s`` for the spaces after the first of a row (ODF collapses repeated spaces)."""
    for token in re.split(r"(\n|\t| {2,})", text):
        if not token:
            continue
        if token == "\n":
            parent.append(parent.makeelement(_BREAK, {}))
        elif token == "\t":
            parent.append(parent.makeelement(_TAB, {}))
        elif token.startswith("  "):
            _append_plain(parent, " ")
            parent.append(parent.makeelement(_S, {f"{{{TEXT}}}c": str(len(token) - 1)}))
        else:
            _append_plain(parent, token)


def _append_plain(parent, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text
