"""PDF (.pdf): the text layer is read with pdfminer.six, put back in logical order, and written as a
new document (.docx, .txt and .pdf) with its paragraphs and headings.

- **Before parsing**, every compressed stream is inflated piece by piece (never whole) to count
  what it unpacks to; past :data:`~translate.config.PDF_MAX_UNPACKED` the file is refused as a
  stream bomb. Encrypted files, files over :data:`~translate.config.PDF_MAX_PAGES` pages, files
  using the LZW or RunLength filters (which cannot be counted this way) and malformed files are
  refused too; a PDF without a text layer (a scan) is refused, as OCR is not done.
- **Arabic order.** Many producers store Arabic as presentation forms (U+FB50–U+FEFF) in visual
  order. Whether a document is in visual order is judged from its words: in visual order a word's
  first character is a final form and its last an initial form (for plain letters: the article
  «ال» comes out at the end of words, as «لا»). Visual lines are reordered with the Unicode
  bidirectional algorithm (python-bidi, right-to-left paragraphs; numbers keep their order), then
  presentation forms become plain letters (NFKC).
- **Layout.** pdfminer's text boxes are the paragraphs; their lines are joined with a space. A box
  whose type is at least 1.25 times the body's size and that has at most two lines is a heading.
  Boxes in the top or bottom 12 % of a page that repeat on at least half the pages (digits
  aside) are running headers or footers, and a box there that is only a page number is one too:
  they are dropped, with a note.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from translate.config import PDF_MAX_PAGES, PDF_MAX_UNPACKED
from translate.errors import TranslateError
from translate.formats.base import Parsed
from translate.formats.writers import Block, write_docx, write_pdf, write_txt
from translate.text import has_arabic

_PIECE = 1 << 16  # bytes inflated at a time
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_ZLIB_HEADER = re.compile(rb"^\x78[\x01\x5e\x9c\xda]")
_UNCOUNTED_FILTERS = (b"LZWDecode", b"RunLengthDecode")
_MAX_DEPTH = 3  # FlateDecode filters chained on one stream that are counted
_PRESENTATION_FORMS = re.compile(r"[\ufb50-\ufdff\ufe70-\ufefc]+")
_PAGE_NUMBER = re.compile(r"^\W*(?:(?:page|صفحة|الصفحة)\s*)?[\d٠-٩]+(?:\s*(?:of|/|من)\s*[\d٠-٩]+)?\W*$", re.I)
_MARGIN = 0.12
_HEADING_RATIO = 1.25


class _TooBig(Exception):
    pass


def _inflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The zlib stream at the start of ``chunks``, inflated in pieces of at most ``_PIECE`` bytes;
    nothing when it is not one, and no more after its end or an error."""
    inflater = zlib.decompressobj()
    for chunk in chunks:
        while chunk:
            try:
                out = inflater.decompress(chunk, _PIECE)
            except zlib.error:
                return
            if out:
                yield out
            chunk = inflater.unconsumed_tail
        if inflater.eof:
            return


class _Budget:
    def __init__(self, limit: int) -> None:
        self.left = limit
        self.uncounted = False

    def spend(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            self.left -= len(piece)
            if self.left < 0:
                raise _TooBig
            if any(name in piece for name in _UNCOUNTED_FILTERS):
                self.uncounted = True
            yield piece


def _count(chunks: Iterable[bytes], budget: _Budget, depth: int = 1) -> None:
    pieces = budget.spend(_inflate(chunks))
    first = next(pieces, None)
    if first is None:
        return
    rest = itertools.chain([first], pieces)
    if depth < _MAX_DEPTH and _ZLIB_HEADER.match(first):
        _count(rest, budget, depth + 1)  # a filter chain: the inner layer is counted as the outer one unpacks
    for _ in rest:
        pass


def check_streams(data: bytes, name: str) -> None:
    """Refuse a PDF whose compressed streams unpack, all together, to more than
    :data:`PDF_MAX_UNPACKED` bytes, counted a piece at a time, or that uses a filter this count
    cannot follow (LZW, RunLength)."""
    budget = _Budget(PDF_MAX_UNPACKED)
    try:
        for match in _STREAM.finditer(data):
            start = match.end()
            _count((data[at : at + _PIECE] for at in range(start, len(data), _PIECE)), budget)
    except _TooBig:
        raise TranslateError(f"{name} holds compressed streams that unpack to more than {PDF_MAX_UNPACKED:,} bytes: "
                             "it looks like a decompression bomb and is refused unread.") from None
    if budget.uncounted or any(name_ in data for name_ in _UNCOUNTED_FILTERS):
        raise TranslateError(f"{name} uses LZW or RunLength compression, whose unpacked size cannot be checked "
                             "before reading; save it again as a current PDF and try again.")


@dataclass(frozen=True)
class _Box:
    page: int
    lines: tuple[str, ...]  # raw text as extracted, one per line
    size: float  # the box's usual type size
    margin: bool  # in the top or bottom margin of its page


def _boxes(data: bytes, name: str) -> tuple[list[_Box], int]:
    """The text boxes of every page, and the number of pages."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTChar, LTTextBox, LTTextLine
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except Exception as error:  # pdfminer raises its own errors for encryption, syntax and structure
        if any(word in f"{type(error).__name__} {error}".lower() for word in ("password", "encrypt")):
            raise TranslateError(f"{name} is encrypted (protected by a password); save an unprotected copy and "
                                 "try again.") from None
        raise TranslateError(f"{name} is not a valid .pdf file ({type(error).__name__}).") from None
    if document.encryption is not None:
        raise TranslateError(f"{name} is encrypted; save an unprotected copy and try again.")
    try:
        pages = list(itertools.islice(PDFPage.create_pages(document), PDF_MAX_PAGES + 1))
    except Exception as error:
        raise TranslateError(f"{name} is not a valid .pdf file ({type(error).__name__}).") from None
    if len(pages) > PDF_MAX_PAGES:
        raise TranslateError(f"{name} has more than {PDF_MAX_PAGES:,} pages; split it into smaller files.")
    if not pages:
        raise TranslateError(f"{name} is not a valid .pdf file (it has no pages).")
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    boxes: list[_Box] = []
    for number, page in enumerate(pages):
        try:
            interpreter.process_page(page)
        except Exception as error:
            raise TranslateError(f"{name} is not a valid .pdf file (page {number + 1}: "
                                 f"{type(error).__name__}).") from None
        layout = device.get_result()
        height = layout.height or 1
        for box in layout:
            if not isinstance(box, LTTextBox):
                continue
            lines = tuple(line.get_text().strip("\n") for line in box if isinstance(line, LTTextLine))
            sizes = Counter(round(char.size, 1) for line in box if isinstance(line, LTTextLine)
                            for char in line if isinstance(char, LTChar))
            if not any(text.strip() for text in lines):
                continue
            margin = box.y0 >= height * (1 - _MARGIN) or box.y1 <= height * _MARGIN
            boxes.append(_Box(number, lines, sizes.most_common(1)[0][0] if sizes else 0.0, margin))
    return boxes, len(pages)


def _form(char: str) -> str:
    """``initial``, ``medial``, ``final``, ``isolated`` or '' for a presentation form."""
    decomposition = unicodedata.decomposition(char)
    return decomposition[1:].split(">")[0] if decomposition.startswith("<") else ""


def in_visual_order(lines: Iterable[str]) -> bool:
    """Whether Arabic ``lines`` are stored in visual order (see the module's docstring)."""
    visual = logical = 0
    for line in lines:
        for word in re.findall(r"[\u0621-\u064a\ufb50-\ufdff\ufe70-\ufefc]{2,}", line):
            first, last = _form(word[0]), _form(word[-1])
            if first or last:
                visual += first == "final" or last == "initial"
                logical += first == "initial" or last == "final"
            else:
                visual += word.endswith("لا") and not word.startswith("ال")
                logical += word.startswith("ال") and not word.endswith("لا")
    return visual > logical


def logical_line(line: str, visual: bool) -> str:
    """One extracted line in logical order with plain letters."""
    from bidi import get_display

    if visual and has_arabic(unicodedata.normalize("NFKC", line)):
        line = get_display(line, base_dir="R")
    return _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), line)


def read_pdf(data: bytes, name: str) -> tuple[list[Block], tuple[str, ...]]:
    """The paragraphs and headings of a PDF in reading order, and notes on what was dropped."""
    if b"%PDF-" not in data[:1024]:
        raise TranslateError(f"{name} is not a valid .pdf file (it has no PDF header).")
    check_streams(data, name)
    boxes, pages = _boxes(data, name)
    if not boxes:
        raise TranslateError(f"{name} has no text layer (a scanned document?); text in pictures cannot be read, "
                             "as OCR is not done.")
    visual = in_visual_order(line for box in boxes for line in box.lines)
    texts = [" ".join(" ".join(logical_line(line, visual).split()) for line in box.lines) for box in boxes]
    repeated = Counter(re.sub(r"[\d٠-٩]+", "#", text) for box, text in zip(boxes, texts, strict=True) if box.margin)
    pages_of = {key: {box.page for box, text in zip(boxes, texts, strict=True)
                      if box.margin and re.sub(r"[\d٠-٩]+", "#", text) == key} for key in repeated}
    running = {key for key, on in pages_of.items() if pages > 1 and len(on) >= max(2, pages / 2)}
    sizes = Counter()
    for box, text in zip(boxes, texts, strict=True):
        sizes[box.size] += len(text)
    body = sizes.most_common(1)[0][0]
    blocks, dropped = [], 0
    for box, text in zip(boxes, texts, strict=True):
        if box.margin and (re.sub(r"[\d٠-٩]+", "#", text) in running or _PAGE_NUMBER.match(text)):
            dropped += 1
            continue
        blocks.append(Block(text, heading=box.size >= _HEADING_RATIO * body and len(box.lines) <= 2))
    notes = (f"{dropped} running header(s), footer(s) or page number(s) were dropped.",) if dropped else ()
    if visual:
        notes += ("The text was stored in visual order (letters reversed); it was put back in reading order.",)
    return blocks, notes


def parse_pdf(data: bytes, name: str) -> Parsed:
    """Translate each paragraph and heading of the text layer that holds Arabic; the others are
    copied. The translation is written as a .docx, with a .txt and a .pdf beside it."""
    blocks, notes = read_pdf(data, name)
    translated = [i for i, block in enumerate(blocks) if has_arabic(block.text)]

    def english(translations: Sequence[str]) -> list[Block]:
        out = list(blocks)
        for index, translation in zip(translated, translations, strict=True):
            out[index] = Block(translation, blocks[index].heading)
        return out

    units = tuple(blocks[i].text for i in translated)
    return Parsed(units, (tuple(range(len(units))),), lambda t: write_docx(english(t)), notes, output_type=".docx",
                  also=((".txt", lambda t: write_txt(english(t))), (".pdf", lambda t: write_pdf(english(t)))))
