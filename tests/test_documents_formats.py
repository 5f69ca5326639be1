"""Readers and writers of the documents newsrooms receive (PDF, ODT/ODP, PPTX, EPUB, SRT, and the
formatting kept in .docx): what is translated, what formatting survives and where, and what is
refused, with the peak memory of each refusal measured. Documents are built here with the writing
libraries or by hand; translations are given, so every test shows which English went where."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pptx
import pytest
from lxml import etree
from pptx.util import Inches

import translate.formats.archive as archive
import translate.formats.pdf as pdf_format
from translate.errors import TranslateError
from translate.formats import parse
from translate.formats.subtitles import FILLER
from translate.testing import PAIRS
from translate.testing_pdf import Line, article_pages, build_pdf

P = PAIRS
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_NAMESPACES = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0", "text": TEXT_NS,
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
}
_DECLARE = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in ODF_NAMESPACES.items())


# --- builders (used by the end-to-end tests too) ----------------------------------------------------

def zipped(entries: dict[str, str | bytes], *, stored_first: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for index, (name, data) in enumerate(entries.items()):
            compression = zipfile.ZIP_STORED if index == 0 and stored_first else zipfile.ZIP_DEFLATED
            target.writestr(name, data, compress_type=compression)
    return out.getvalue()


def make_odt(body: str, *, header: str = "", presentation: bool = False) -> bytes:
    """An OpenDocument text (or presentation) file whose body XML is ``body``."""
    kind = "presentation" if presentation else "text"
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_DECLARE} office:version="1.3">'
               '<office:automatic-styles><style:style style:name="B" style:family="text"><style:text-properties '
               'fo:font-weight="bold"/></style:style><style:style style:name="P1" style:family="paragraph">'
               '<style:paragraph-properties style:writing-mode="rl-tb"/></style:style></office:automatic-styles>'
               f'<office:body><office:{kind}>{body}</office:{kind}></office:body></office:document-content>')
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_DECLARE} office:version="1.3">'
              '<office:master-styles><style:master-page style:name="Standard"><style:header><text:p>'
              f'{header}</text:p></style:header></style:master-page></office:master-styles></office:document-styles>')
    mimetype = f"application/vnd.oasis.opendocument.{kind}"
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                f'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
                f'"{mimetype}"/></manifest:manifest>')
    return zipped({"mimetype": mimetype, "content.xml": content, "styles.xml": styles,
                   "META-INF/manifest.xml": manifest})


def make_epub(pages: list[str], *, title: str, toc: str) -> bytes:
    """An EPUB 3 book with ``pages`` (XHTML bodies) in its spine, a navigation page and a toc.ncx."""
    def xhtml(body: str) -> str:
        return ('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml" '
                f'xmlns:epub="http://www.idpf.org/2007/ops" dir="rtl"><head><title>x</title></head><body>{body}'
                '</body></html>')

    items = "".join(f'<item id="p{i}" href="text/page%20{i}.xhtml" media-type="application/xhtml+xml"/>'
                    for i in range(len(pages)))
    spine = "".join(f'<itemref idref="p{i}"/>' for i in range(len(pages)))
    opf = ('<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
           'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
           f'<dc:identifier id="id">x</dc:identifier><dc:title>{title}</dc:title><dc:language>ar</dc:language>'
           f'</metadata><manifest>{items}<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" '
           'properties="nav"/><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
           '<item id="css" href="style.css" media-type="text/css"/>'
           f'</manifest><spine toc="ncx">{spine}</spine></package>')
    ncx = ('<?xml version="1.0" encoding="utf-8"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
           f'<navMap><navPoint id="n1"><navLabel><text>{toc}</text></navLabel><content src="text/page%200.xhtml"/>'
           '</navPoint></navMap></ncx>')
    container = ('<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:'
                 'container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-'
                 'package+xml"/></rootfiles></container>')
    entries: dict[str, str | bytes] = {"mimetype": "application/epub+zip", "META-INF/container.xml": container,
                                       "OEBPS/content.opf": opf, "OEBPS/toc.ncx": ncx,
                                       "OEBPS/nav.xhtml": xhtml(f'<nav epub:type="toc"><ol><li><a href="text/page%200'
                                                                f'.xhtml">{toc}</a></li></ol></nav>'),
                                       "OEBPS/style.css": "p { color: black }"}
    for index, body in enumerate(pages):
        entries[f"OEBPS/text/page {index}.xhtml"] = xhtml(body)
    return zipped(entries)


def make_pptx(slides: list[tuple[list[list[tuple[str, dict]]], str]]) -> bytes:
    """A presentation: per slide, text-box paragraphs of ``(text, {"bold": ..., "link": ...})`` runs and
    speaker notes."""
    presentation = pptx.Presentation()
    for paragraphs, notes in slides:
        slide = presentation.slides.add_slide(presentation.slide_layouts[6])
        frame = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(8), Inches(3)).text_frame
        for number, runs in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            for text, style in runs:
                run = paragraph.add_run()
                run.text = text
                run.font.bold = style.get("bold")
                if style.get("link"):
                    run.hyperlink.address = style["link"]
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


SRT = (f"1\r\n00:00:01,000 --> 00:00:03,500\r\n<i>قال وزير الخارجية إن المحادثات</i>\r\n\r\n"
       f"2\r\n00:00:03,600 --> 00:00:06,250\r\nستستأنف الأسبوع المقبل في القاهرة.\r\n\r\n"
       f"3\r\n00:00:07,000 --> 00:00:09,000\r\n♪ ♪\r\n\r\n"
       f"4\r\n01:02:03,004 --> 01:02:05,000\r\n{P[3][0]}\r\n")


def peak_of(action: Callable[[], object]) -> tuple[BaseException | None, int]:
    """The error ``action`` raised (None if none) and the peak of memory allocated meanwhile, in bytes."""
    tracemalloc.start()
    try:
        action()
        error = None
    except TranslateError as caught:
        error = caught
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return error, peak


def odf_texts(data: bytes, entry: str = "content.xml") -> list[str]:
    tree = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(entry))
    return ["".join(p.itertext()) for p in tree.iter(f"{{{TEXT_NS}}}p", f"{{{TEXT_NS}}}h")]


# --- ODT and ODP ------------------------------------------------------------------------------------

def test_odt_keeps_headings_lists_tables_boxes_headers_and_puts_bold_and_links_on_aligned_words() -> None:
    body = (f'<text:h text:outline-level="1">{P[4][0]}</text:h>'
            f'<text:p text:style-name="P1"><text:span text:style-name="B">القاهرة:</text:span> ارتفعت أسعار النفط '
            'بنسبة <text:span text:style-name="B">3.5</text:span> في المئة يوم الاثنين.</text:p>'
            f'<text:list><text:list-item><text:p>{P[1][0]}</text:p></text:list-item></text:list>'
            f'<table:table><table:table-row><table:table-cell><text:p>{P[3][0]}</text:p></table:table-cell>'
            '</table:table-row></table:table>'
            f'<text:p>{P[7][0]} <text:a xlink:type="simple" xlink:href="https://example.org/match">{P[6][0]}</text:a>'
            '</text:p>'
            f'<text:p><draw:frame><draw:text-box><text:p>{P[5][0]}</text:p></draw:text-box></draw:frame></text:p>')
    data = make_odt(body, header="نشرة الأخبار")
    parsed = parse(Path("a.odt"), data)
    assert parsed.units == (P[4][0], "القاهرة: ارتفعت أسعار النفط بنسبة 3.5 في المئة يوم الاثنين.", P[1][0],
                            P[3][0], f"{P[7][0]} {P[6][0]}", P[5][0], "نشرة الأخبار")
    assert parsed.articles == ((0, 1, 2, 3, 4),)  # not the text box, not the header
    english = [P[4][1], "Cairo: Oil prices rose by 3.5 percent on Monday.", P[1][1], P[3][1],
               f"{P[7][1]} {P[6][1]}", P[5][1], "News bulletin"]
    out = parsed.render(english)
    assert odf_texts(out) == [*english[:5], english[5], english[5]]  # the frame's paragraph, inside another
    assert odf_texts(out, "styles.xml") == ["News bulletin"]
    content = etree.fromstring(zipfile.ZipFile(io.BytesIO(out)).read("content.xml"))
    bold = [span.text for span in content.iter(f"{{{TEXT_NS}}}span")]
    assert bold == ["Cairo:", "3.5"]  # the dateline by its colon, the number by itself
    links = [(a.text, a.get("{http://www.w3.org/1999/xlink}href")) for a in content.iter(f"{{{TEXT_NS}}}a")]
    assert links == [(P[6][1], "https://example.org/match")]  # a whole sentence takes a whole sentence
    assert [h.get(f"{{{TEXT_NS}}}outline-level") for h in content.iter(f"{{{TEXT_NS}}}h")] == ["1"]
    assert len(list(content.iter(f"{{{TEXT_NS}}}list-item"))) == 1
    assert b'style:writing-mode="lr-tb"' in zipfile.ZipFile(io.BytesIO(out)).read("content.xml")
    first = zipfile.ZipFile(io.BytesIO(out)).infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert parsed.all_notes == ("Formatting inside 2 paragraph(s) (bold, italics, links ...) was projected onto "
                                "the translation: 3 put on the aligned English words (whole sentences, numbers, "
                                "Latin names or a leading label).",)


def test_odp_slides_and_speaker_notes_are_translated() -> None:
    body = (f'<draw:page><draw:frame><draw:text-box><text:p>{P[0][0]}</text:p></draw:text-box></draw:frame>'
            f'<presentation:notes><draw:frame><draw:text-box><text:p>{P[2][0]}</text:p></draw:text-box></draw:frame>'
            '</presentation:notes></draw:page>')
    parsed = parse(Path("a.odp"), make_odt(body, presentation=True))
    assert parsed.units == (P[0][0], P[2][0])
    assert odf_texts(parsed.render([P[0][1], P[2][1]])) == [P[0][1], P[2][1]]


# --- PowerPoint -------------------------------------------------------------------------------------

def test_pptx_runs_links_tables_and_notes_keep_their_formatting() -> None:
    data = make_pptx([
        ([[("أعلنت وزارة الصحة تسجيل ", {}), ("120", {"bold": True}), (" حالة جديدة.", {})],
          [(P[8][0], {"link": "https://example.org/aid"})]], P[9][0]),
    ])
    presentation = pptx.Presentation(io.BytesIO(data))
    table = presentation.slides[0].shapes.add_table(1, 1, Inches(1), Inches(4), Inches(4), Inches(1)).table
    table.cell(0, 0).text = P[5][0]
    buffer = io.BytesIO()
    presentation.save(buffer)
    parsed = parse(Path("brief.pptx"), buffer.getvalue())
    assert parsed.units == (P[3][0], P[8][0], P[5][0], P[9][0])
    assert parsed.articles == ((0, 1, 2),)  # the speaker notes are not summarised
    result = pptx.Presentation(io.BytesIO(parsed.render([P[3][1], P[8][1], P[5][1], P[9][1]])))
    slide = result.slides[0]
    box = slide.shapes[0].text_frame
    assert [p.text for p in box.paragraphs] == [P[3][1], P[8][1]]
    assert [(run.text, run.font.bold) for run in box.paragraphs[0].runs] == [
        ("The health ministry announced ", None), ("120", True), (" new cases.", None)]
    assert [(run.text, run.hyperlink.address) for run in box.paragraphs[1].runs] == [
        (P[8][1], "https://example.org/aid")]
    assert slide.shapes[1].table.cell(0, 0).text == P[5][1]
    assert slide.notes_slide.notes_text_frame.text == P[9][1]


# --- Word: formatting projected ---------------------------------------------------------------------

def test_docx_bold_number_and_complex_script_bold_land_on_the_aligned_words() -> None:
    document = docx.Document()
    document.add_heading(P[4][0], level=1)
    paragraph = document.add_paragraph("ارتفعت أسعار النفط بنسبة ")
    paragraph.add_run("3.5").bold = True
    paragraph.add_run(" في المئة يوم الاثنين.")
    second = document.add_paragraph()
    second.add_run(P[1][0])
    italic = second.add_run(" " + P[2][0])
    italic.font.italic = True
    run = document.add_paragraph().add_run(P[7][0])
    run._r.get_or_add_rPr().append(docx.oxml.parse_xml(  # bold for Arabic script only, as Word writes it
        '<w:bCs xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'))
    out = io.BytesIO()
    document.save(out)
    parsed = parse(Path("a.docx"), out.getvalue())
    english = [P[4][1], P[2][1], f"{P[1][1]} {P[2][1]}", P[7][1]]
    result = docx.Document(io.BytesIO(parsed.render(english)))
    paragraphs = [p for p in result.paragraphs if p.text]
    assert [p.text for p in paragraphs] == english
    assert paragraphs[0].style.name == "Heading 1"
    assert [(r.text, r.bold) for r in paragraphs[1].runs] == [("Oil prices rose by ", None), ("3.5", True),
                                                             (" percent on Monday.", None)]
    assert [(r.text, r.italic) for r in paragraphs[2].runs] == [(P[1][1] + " ", None), (P[2][1], True)]
    assert paragraphs[3].runs[0].bold  # w:bCs became w:b too, so the English shows bold


# --- EPUB -------------------------------------------------------------------------------------------

def test_epub_pages_toc_and_title_are_translated_and_the_rest_copied() -> None:
    data = make_epub([f"<h1>{P[4][0]}</h1><p>{P[0][0]}</p>", f'<p>{P[6][0]} <svg xmlns="http://www.w3.org/2000/svg" '
                      'viewBox="0 0 1 1"/></p>'], title="تقرير", toc="الفصل الأول")
    parsed = parse(Path("report.epub"), data)
    assert parsed.units == (P[4][0], P[0][0], P[6][0], "الفصل الأول", "الفصل الأول", "تقرير")
    assert parsed.articles == ((0, 1, 2),)
    out = zipfile.ZipFile(io.BytesIO(parsed.render([P[4][1], P[0][1], P[6][1], "Chapter one", "Chapter one",
                                                    "Report"])))
    page = out.read("OEBPS/text/page 0.xhtml").decode()
    assert f"<h1>{P[4][1]}</h1><p>{P[0][1]}</p>" in page and 'dir="ltr"' in page
    assert 'viewBox="0 0 1 1"' in out.read("OEBPS/text/page 1.xhtml").decode()  # XML keeps its case
    assert "<text>Chapter one</text>" in out.read("OEBPS/toc.ncx").decode()
    opf = out.read("OEBPS/content.opf").decode()
    assert "<dc:title>Report</dc:title>" in opf and "<dc:language>en</dc:language>" in opf
    assert out.read("OEBPS/style.css") == b"p { color: black }"
    assert out.infolist()[0].filename == "mimetype" and out.infolist()[0].compress_type == zipfile.ZIP_STORED


# --- SRT --------------------------------------------------------------------------------------------

def test_srt_keeps_numbers_and_timings_and_shares_a_spanning_sentence_over_its_cues() -> None:
    parsed = parse(Path("clip.srt"), SRT.encode())
    assert parsed.units == (P[0][0], P[3][0])
    out = parsed.render([P[0][1], P[3][1]]).decode()
    assert out == ("1\r\n00:00:01,000 --> 00:00:03,500\r\n<i>The foreign minister said the</i>\r\n\r\n"
                   "2\r\n00:00:03,600 --> 00:00:06,250\r\ntalks would resume next week in Cairo.\r\n\r\n"
                   "3\r\n00:00:07,000 --> 00:00:09,000\r\n♪ ♪\r\n\r\n"
                   f"4\r\n01:02:03,004 --> 01:02:05,000\r\n{P[3][1]}\r\n")
    assert parsed.notes[0].startswith("1 sentence(s) ran over several cues")


def test_srt_a_short_translation_leaves_no_cue_empty() -> None:
    parsed = parse(Path("clip.srt"), SRT.encode())
    out = parsed.render(["Talks.", P[3][1]]).decode().split("\r\n\r\n")
    assert out[0].endswith("<i>Talks.</i>") and out[1].endswith(FILLER)


@pytest.mark.parametrize(("text", "message"), [
    ("1\n00:00:01,000 -> 00:00:02,000\nقال\n", "broken timing in cue 1"),
    ("1\n00:00:05,000 --> 00:00:02,000\nقال\n", "cue 1: it ends before it starts"),
    ("1\n00:00:01,000 --> 00:00:02,000\nقال\n\nقال الوزير\n", "cue 2 does not start with its number"),
    ("1\n00:00:01,000 --> 00:00:02,000\nقال\n\n2\n00:61:00,000 --> 00:62:00,000\nقال\n", "broken timing in cue 2"),
], ids=["arrow", "ends-before-start", "no-number", "minutes-past-59"])
def test_srt_with_broken_timings_is_refused_saying_which_cue(text: str, message: str) -> None:
    with pytest.raises(TranslateError, match=message):
        parse(Path("clip.srt"), text.encode())


# --- PDF --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shaped", [True, False], ids=["presentation-forms-visual-order", "plain-logical-order"])
def test_arabic_pdf_text_comes_out_in_logical_order_without_running_headers(shaped: bool) -> None:
    paragraphs = [a for a, _ in P[:6]]
    data = build_pdf(article_pages(paragraphs, heading="عاجل أخبار اليوم", header="وكالة الأنباء العربية",
                                   pages=3), shaped=shaped)
    parsed = parse(Path("release.pdf"), data)
    assert parsed.units == ("عاجل أخبار اليوم", P[0][0], P[3][0], P[1][0], P[4][0], P[2][0], P[5][0])
    assert parsed.notes[0] == "6 running header(s), footer(s) or page number(s) were dropped."
    assert ("The text was stored in visual order (letters reversed); it was put back in reading order."
            in parsed.notes) is shaped
    english = ["Breaking news today", P[0][1], P[3][1], P[1][1], P[4][1], P[2][1], P[5][1]]
    document = docx.Document(io.BytesIO(parsed.render(english)))
    assert [(p.text, p.style.name) for p in document.paragraphs] == [
        ("Breaking news today", "Heading 1"), *((e, "Normal") for e in english[1:])]
    outputs = dict(parsed.also)
    assert outputs[".txt"](english).decode() == "\n\n".join(english) + "\n"
    from pdfminer.high_level import extract_text

    assert " ".join(extract_text(io.BytesIO(outputs[".pdf"](english))).split()) == " ".join(english)


def test_a_pdf_without_a_text_layer_is_refused_as_a_scan() -> None:
    data = build_pdf([[]])
    with pytest.raises(TranslateError, match=r"has no text layer \(a scanned document\?\).*OCR is not done"):
        parse(Path("scan.pdf"), data)


# --- hostile inputs ---------------------------------------------------------------------------------

def zip_bomb(kind: str) -> bytes:
    """A document archive with 64 MB of zeros inside (it packs to about 64 KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("mimetype", f"application/{kind}", compress_type=zipfile.ZIP_STORED)
        info = zipfile.ZipInfo("content.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w") as handle:
            for _ in range(64):
                handle.write(bytes(1 << 20))
    return out.getvalue()


def entity_attack(kind: str) -> bytes:
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              f'<office:document-content {_DECLARE}><office:body><office:text><text:p>&lol2; قال</text:p>'
              '</office:text></office:body></office:document-content>')
    if kind == ".odt":
        return zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": laughs})
    if kind == ".epub":
        data = make_epub([f"<p>{P[0][0]}</p>"], title="x", toc="x")
        source = zipfile.ZipFile(io.BytesIO(data))
        entries = {i.filename: source.read(i) for i in source.infolist()}
        entries["OEBPS/text/page 0.xhtml"] = laughs.encode()
        return zipped(entries)
    document = docx.Document() if kind == ".docx" else None
    data = io.BytesIO()
    if document is not None:
        document.add_paragraph(P[0][0])
        document.save(data)
        entry = "word/document.xml"
    else:
        data = io.BytesIO(make_pptx([([[(P[0][0], {})]], "")]))
        entry = "ppt/slides/slide1.xml"
    source = zipfile.ZipFile(io.BytesIO(data.getvalue()))
    entries = {i.filename: source.read(i) for i in source.infolist()}
    entries[entry] = entries[entry].replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1)
    return zipped(entries, stored_first=False)


def pdf_bomb(nested: bool) -> bytes:
    import zlib

    inner = zlib.compressobj(9)
    packed = b"".join(inner.compress(bytes(1 << 20)) for _ in range(64)) + inner.flush()
    if nested:  # FlateDecode twice: the outer layer is small, the inner one unpacks to 64 MB
        packed = zlib.compress(packed, 9)
    filters = "[/FlateDecode /FlateDecode]" if nested else "/FlateDecode"
    bomb = b"<< /Length %d /Filter %s >>\nstream\n" % (len(packed), filters.encode()) + packed + b"\nendstream"
    return build_pdf(article_pages([P[0][0]]), extra_objects=[bomb])


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    page.drawString(72, 720, "Protected")
    page.save()
    return out.getvalue()


HOSTILE = [
    ("bomb.odt", lambda: zip_bomb("vnd.oasis.opendocument.text"), "would unpack to 67,1"),
    ("bomb.odp", lambda: zip_bomb("vnd.oasis.opendocument.presentation"), "would unpack to 67,1"),
    ("bomb.pptx", lambda: zip_bomb("pptx"), "would unpack to 67,1"),
    ("bomb.epub", lambda: zip_bomb("epub+zip"), "would unpack to 67,1"),
    ("bomb.pdf", lambda: pdf_bomb(nested=False), "looks like a decompression bomb"),
    ("nested-bomb.pdf", lambda: pdf_bomb(nested=True), "looks like a decompression bomb"),
    ("locked.pdf", encrypted_pdf, "is encrypted"),
    ("long.pdf", lambda: build_pdf([[Line("قال", 700)]] * 2_000), "has more than 500 pages"),
    ("cut.pdf", lambda: truncated(build_pdf(article_pages([P[0][0]] * 3))), "is not a valid .pdf file|no text layer"),
    ("cut.odt", lambda: truncated(make_odt(f"<text:p>{P[0][0]}</text:p>")), "is not a valid .odt file"),
    ("cut.pptx", lambda: truncated(make_pptx([([[(P[0][0], {})]], "")])), "is not a valid .pptx file"),
    ("cut.epub", lambda: truncated(make_epub([f"<p>{P[0][0]}</p>"], title="x", toc="x")),
     "is not a valid .epub file"),
    ("laughs.odt", lambda: entity_attack(".odt"), "declares XML entities"),
    ("laughs.epub", lambda: entity_attack(".epub"), "declares XML entities"),
    ("external.docx", lambda: entity_attack(".docx"), "declares XML entities"),
    ("external.pptx", lambda: entity_attack(".pptx"), "declares XML entities"),
    ("not-a-pdf.pdf", lambda: b"%!PS-Adobe-3.0\n" + bytes(100), "has no PDF header"),
]


@pytest.mark.parametrize(("name", "make", "reason"), HOSTILE, ids=[name for name, _, _ in HOSTILE])
def test_hostile_documents_are_refused_with_bounded_memory(monkeypatch, name: str, make, reason: str) -> None:
    limit = 16 * 1024 * 1024  # the limits made small, so that a bomb is far past them
    monkeypatch.setattr(archive, "ARCHIVE_MAX_UNPACKED", limit)
    monkeypatch.setattr(pdf_format, "PDF_MAX_UNPACKED", limit)
    data = make()
    error, peak = peak_of(lambda: parse(Path(name), data))
    assert error is not None and re.search(reason, str(error)), error
    assert f"'{name}'" in str(error)
    assert peak < 2 * limit, f"peak {peak:,} bytes"
