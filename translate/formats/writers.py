"""New documents from translated text: paragraphs and headings as .txt, .docx and .pdf (for readers
whose input format cannot be written back, such as PDF, and for the Paste tab's downloads)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

_SENTENCE_END = re.compile(r"[.!?؟…:;\"”»')\]]\s*$")
_HEADING_WORDS = 14


@dataclass(frozen=True)
class Block:
    """A paragraph, or a heading, of a document."""

    text: str
    heading: bool = False


def blocks_of(text: str, source: str | None = None) -> list[Block]:
    """The blocks of plain text: one per non-empty line. A short line that ends without a sentence
    mark, followed by more text, is a heading (a title typed above its article); with the
    ``source`` text it was translated from (as many non-empty lines), the source line decides."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    judged = [line.strip() for line in (source or "").split("\n") if line.strip()]
    if len(judged) != len(lines):
        judged = lines
    return [Block(line, heading=index + 1 < len(lines) and len(judged[index].split()) <= _HEADING_WORDS
                  and not _SENTENCE_END.search(judged[index])) for index, line in enumerate(lines)]


def write_txt(blocks: Sequence[Block]) -> bytes:
    """Blocks separated by blank lines."""
    return ("\n\n".join(block.text for block in blocks) + "\n").encode("utf-8")


def write_docx(blocks: Sequence[Block], small_print: Sequence[str] = ()) -> bytes:
    """A Word document: headings in Word's "Heading 1" style, paragraphs in "Normal", then the
    ``small_print`` lines in small grey type. Its properties name Khabar as author, never python-docx
    (:func:`translate.formats.signing.sign_docx` adds a run's signature)."""
    import docx
    from docx.shared import Pt, RGBColor

    from translate.formats.signing import MAKER

    document = docx.Document()
    properties = document.core_properties
    properties.author = properties.last_modified_by = MAKER
    properties.comments = f"Translated by {MAKER}"
    for block in blocks:
        if block.heading:
            document.add_heading(block.text, level=1)
        else:
            document.add_paragraph(block.text)
    for line in small_print:
        run = document.add_paragraph().add_run(line)
        run.font.size, run.font.color.rgb = Pt(8), RGBColor(0x66, 0x66, 0x66)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_pdf(blocks: Sequence[Block]) -> bytes:
    """A PDF (A4) in the Bitstream Vera fonts that reportlab ships (Latin script; letters they lack
    show as empty boxes): headings in bold, larger type."""
    from pathlib import Path

    import reportlab
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    fonts = Path(reportlab.__file__).parent / "fonts"
    for font, file in (("Vera", "Vera.ttf"), ("Vera-Bold", "VeraBd.ttf")):
        if font not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(font, str(fonts / file)))
    body = ParagraphStyle("body", fontName="Vera", fontSize=11, leading=15, spaceAfter=8)
    heading = ParagraphStyle("heading", fontName="Vera-Bold", fontSize=16, leading=20, spaceAfter=10)
    story = [Spacer(1, 4)]
    for block in blocks:
        text = escape(block.text).replace("\n", "<br/>")
        story.append(Paragraph(text, heading if block.heading else body))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="Translation", author="Khabar", invariant=1).build(story)
    return out.getvalue()
