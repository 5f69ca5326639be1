"""PDF files written by hand for tests and benchmarks, as Arabic PDFs come from many producers:
Arabic letters as presentation forms (U+FB50–U+FEFF) laid out in visual order, left to right,
mapped to Unicode by a ``ToUnicode`` table. No font file is needed: a text layer is all a reader
extracts. Nothing here is used at run time."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

PAGE_WIDTH, PAGE_HEIGHT = 595, 842


@dataclass(frozen=True)
class Line:
    """One line of text (logical Arabic, as typed) at ``(x, y)`` points from the page's bottom left."""

    text: str
    y: float
    size: float = 12
    x: float = 72


def visual(text: str) -> str:
    """``text`` shaped into presentation forms and put in visual order, as many producers store it."""
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(text))


def _cmap(codes: dict[str, int]) -> bytes:
    entries = "\n".join(f"<{code:02X}> <{ord(char):04X}>" for char, code in codes.items())
    return (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Khabar def "
            b"1 begincodespacerange <00> <FF> endcodespacerange\n"
            + f"{len(codes)} beginbfchar\n{entries}\nendbfchar\n".encode()
            + b"endcmap CMapName currentdict /CMap defineresource pop end end")


def build_pdf(pages: Sequence[Sequence[Line]], *, shaped: bool = True, compress: bool = True,
              extra_objects: Sequence[bytes] = ()) -> bytes:
    """A PDF of ``pages``; ``shaped`` writes presentation forms in visual order (else plain letters in
    logical order); ``extra_objects`` are appended as further numbered objects (e.g. a stream bomb)."""
    strings = [[visual(line.text) if shaped else line.text for line in page] for page in pages]
    chars = sorted({char for page in strings for text in page for char in text})
    if len(chars) > 254:
        raise ValueError("too many different characters for a one-byte font")
    codes = {char: index + 1 for index, char in enumerate(chars)}
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes, extra: bytes = b"") -> bytes:
        if compress:
            data = zlib.compress(data)
            extra += b" /Filter /FlateDecode"
        return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"

    catalog = add(b"")  # filled in below, once the page tree's number is known
    tree = add(b"")
    to_unicode = add(stream(_cmap(codes)))
    widths = " ".join("250" if char == " " else "500" for char in chars)
    descriptor = add(b"<< /Type /FontDescriptor /FontName /ArabicSans /Flags 32 /FontBBox [0 -200 1000 800] "
                     b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>")
    font = add(f"<< /Type /Font /Subtype /Type1 /BaseFont /ArabicSans /FirstChar 1 /LastChar {len(chars)} "
               f"/Widths [{widths}] /FontDescriptor {descriptor} 0 R /ToUnicode {to_unicode} 0 R >>".encode())
    kids = []
    for page, texts in zip(pages, strings, strict=True):
        commands = []
        for line, text in zip(page, texts, strict=True):
            encoded = "".join(f"{codes[char]:02X}" for char in text)
            commands.append(f"BT /F1 {line.size} Tf {line.x} {line.y} Td <{encoded}> Tj ET")
        content = add(stream("\n".join(commands).encode()))
        kids.append(add(f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
                        f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>".encode()
    objects[tree - 1] = (f"<< /Type /Pages /Count {len(kids)} /Kids [{' '.join(f'{k} 0 R' for k in kids)}] >>"
                         .encode())
    for body in extra_objects:
        add(body)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, start)
    return bytes(out)


def article_pages(paragraphs: Sequence[str], *, heading: str | None = None, header: str | None = None,
                  pages: int = 1, width: int = 60) -> list[list[Line]]:
    """Pages laid out as a press release: an optional heading (larger type) on the first page, the
    paragraphs wrapped at ``width`` characters, right-aligned-ish, with an optional running header
    and a page number on every page. Paragraph ``i`` goes on page ``i % pages``."""
    laid: list[list[Line]] = [[] for _ in range(pages)]
    cursor = [PAGE_HEIGHT - 110.0] * pages
    if heading is not None:
        laid[0].append(Line(heading, cursor[0], size=20))
        cursor[0] -= 40
    for index, paragraph in enumerate(paragraphs):
        page = index % pages
        words, current = paragraph.split(), ""
        lines = []
        for word in words:
            if current and len(current) + 1 + len(word) > width:
                lines.append(current)
                current = word
            else:
                current = f"{current} {word}".strip()
        lines.append(current)
        for text in lines:
            laid[page].append(Line(text, cursor[page]))
            cursor[page] -= 15
        cursor[page] -= 15  # a blank line between paragraphs
    for number, page_lines in enumerate(laid, start=1):
        if header is not None:
            page_lines.insert(0, Line(header, PAGE_HEIGHT - 50, size=9))
        page_lines.append(Line(str(number), 40, size=9, x=PAGE_WIDTH / 2))
    return laid
