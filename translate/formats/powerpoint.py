"""PowerPoint presentations (.pptx): the text of every slide (text boxes, placeholders, grouped
shapes, tables) and its speaker notes is translated in place, each paragraph's formatting and
links projected onto the English by the rule of :mod:`translate.formats.runs`."""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence

from translate.errors import TranslateError
from translate.formats.archive import check_entities, open_archive
from translate.formats.base import Parsed
from translate.formats.runs import Tally, project
from translate.text import has_arabic

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P, _R, _BR, _RPR, _T, _END = f"{_A}p", f"{_A}r", f"{_A}br", f"{_A}rPr", f"{_A}t", f"{_A}endParaRPr"
_PPR = f"{_A}pPr"


def parse_pptx(data: bytes, name: str) -> Parsed:
    """Translate the slides' paragraphs, then each slide's speaker notes. The article to summarise
    is the slides' text; charts and SmartArt diagrams holding Arabic are noted as left as they were."""
    with open_archive(data, name) as archive:
        check_entities(archive, name)
        untranslated = sorted({entry.split("/")[1] for entry in archive.namelist()
                               if entry.startswith(("ppt/charts/", "ppt/diagrams/")) and entry.endswith(".xml")
                               and has_arabic(archive.read(entry).decode("utf-8", "replace"))})
    _, paragraphs = _load(data, name)
    units = tuple(p.text for p in paragraphs)
    article = tuple(i for i, p in enumerate(paragraphs) if p.on_slide)
    notes = tuple(f"The {'charts' if what == 'charts' else 'SmartArt diagrams'} hold Arabic text that was left "
                  "untranslated." for what in untranslated)
    projected: list[str] = []

    def render(translations: Sequence[str]) -> bytes:
        presentation, paragraphs = _load(data, name)
        tally = Tally()
        for unit, (paragraph, translation) in enumerate(zip(paragraphs, translations, strict=True)):
            paragraph.replace(translation, tally, unit)
        projected[:] = tally.note()
        out = io.BytesIO()
        presentation.save(out)
        return out.getvalue()

    return Parsed(units, (article,), render, notes, rendered_notes=projected)


def _load(data: bytes, name: str) -> tuple:
    import pptx

    try:
        presentation = pptx.Presentation(io.BytesIO(data))
    except Exception as error:  # python-pptx raises zip, XML and package errors
        raise TranslateError(f"{name} is not a valid .pptx file ({type(error).__name__}).") from None
    paragraphs = []
    for slide in presentation.slides:
        paragraphs += [_Paragraph(p, on_slide=True) for p in slide.element.iter(_P)]
    for slide in presentation.slides:
        if slide.has_notes_slide:
            paragraphs += [_Paragraph(p, on_slide=False) for p in slide.notes_slide.element.iter(_P)]
    return presentation, [p for p in paragraphs if has_arabic(p.text)]


class _Paragraph:
    """An ``a:p`` element: its runs and line breaks as (text, formatting) and how to put a
    translation in their place."""

    def __init__(self, element, *, on_slide: bool) -> None:
        self.element, self.on_slide = element, on_slide
        self.parts = [child for child in element if child.tag in (_R, _BR)]
        self.runs: list[tuple[str, bytes]] = []
        key = b""
        for child in self.parts:
            if child.tag == _R:
                key = _key(child)
                self.runs.append(("".join(t.text or "" for t in child.iter(_T)), key))
            else:
                self.runs.append(("\n", key))  # a line break goes with the run before it
        self.text = "".join(text for text, _ in self.runs)

    def replace(self, translation: str, tally: Tally, unit: int) -> None:
        pieces = project(self.runs, translation, tally, unit, is_link=lambda key: b"hlinkClick" in key)
        anchor = self.parts[0]
        runs = [child for child in self.parts if child.tag == _R]
        for piece in pieces:
            source = self.parts[piece.run] if self.parts[piece.run].tag == _R else None
            for number, line in enumerate(piece.text.split("\n")):
                if number:
                    anchor.addprevious(anchor.makeelement(_BR, {}))
                if line:
                    anchor.addprevious(_run(anchor, source if source is not None else runs[0] if runs else None, line))
        for child in self.parts:
            self.element.remove(child)
        properties = self.element.find(_PPR)
        if properties is not None and properties.get("rtl") == "1":
            del properties.attrib["rtl"]


def _key(run) -> bytes:
    from lxml import etree

    properties = run.find(_RPR)
    if properties is None:
        return b""
    properties = copy.deepcopy(properties)
    for key in ("lang", "altLang", "dirty", "err"):  # not formatting
        properties.attrib.pop(key, None)
    return etree.tostring(properties)


def _run(near, source, text: str):
    """A new ``a:r`` (made by ``near``'s document) with ``source``'s properties, the language set to
    English, and ``text``."""
    run = near.makeelement(_R, {})
    if source is not None and source.find(_RPR) is not None:
        properties = copy.deepcopy(source.find(_RPR))
        if properties.get("lang"):
            properties.set("lang", "en-US")
        properties.attrib.pop("altLang", None)
        run.append(properties)
    text_element = run.makeelement(_T, {})
    text_element.text = text
    run.append(text_element)
    return run
