"""File readers and writers: what is translated, what is kept as it was, what is refused, and the
notes on what an output does not carry over. Translations here are markers (``T0``, ``T1`` ...), so
every test shows exactly which text went where."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

import translate.formats.archive as archive
from translate.encodings import decode, utf16_without_bom
from translate.errors import TranslateError
from translate.formats import Parsed, parse
from translate.text import has_arabic

NEWS = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل."
MORE = "وأضاف أن الحكومة تعمل على خطة جديدة لدعم الاقتصاد."
LINK = "في بيان رسمي"


def markers(parsed: Parsed) -> list[str]:
    return [f"T{i}" for i in range(len(parsed.units))]


def rendered(parsed: Parsed, translations: Sequence[str] | None = None) -> str:
    return parsed.render(markers(parsed) if translations is None else translations).decode("utf-8")


# --- plain text and encodings ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "codec"),
    [
        ((NEWS + "\n\n" + MORE).encode("utf-16-le"), "utf-16-le"),
        ((NEWS + "\n\n" + MORE).encode("utf-16-be"), "utf-16-be"),
        ("قالالوزير".encode("utf-16-le"), "utf-16-le"),  # no ASCII at all: no NUL byte either
        ("The minister arrived.".encode("utf-16-le"), "utf-16-le"),
        (NEWS.encode("utf-8"), None),
        (NEWS.encode("cp1256"), None),
        (b"\x00" * 64, None),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", None),
    ],
    ids=["arabic-le", "arabic-be", "arabic-no-ascii", "english-le", "utf-8", "cp1256", "zeros", "png"],
)
def test_utf16_without_bom_is_recognised(data: bytes, codec: str | None) -> None:
    assert utf16_without_bom(data) == codec


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"], ids=["le", "be"])
def test_utf16_without_bom_is_read(codec: str) -> None:
    text = NEWS + "\r\n\r\n" + MORE
    parsed = parse(Path("a.txt"), text.encode(codec))
    assert parsed.units == (text,)


def test_utf16_without_bom_that_is_broken_says_what_it_is() -> None:
    data = (NEWS + " " + MORE).encode("utf-16-le") + "\ud800".encode("utf-16-le", "surrogatepass") + b"\x20\x00"
    with pytest.raises(TranslateError, match="UTF-16-LE text without a byte-order mark, but it is not valid"):
        decode(data, name="'a.txt'")


def test_txt_round_trip() -> None:
    parsed = parse(Path("a.txt"), f"{NEWS}\n\n{MORE}".encode())
    assert parsed.units == (f"{NEWS}\n\n{MORE}",) and parsed.articles == ((0,),) and parsed.notes == ()
    assert rendered(parsed, ["The talks.\n\nThe plan."]) == "The talks.\n\nThe plan.\n"


# --- Markdown -------------------------------------------------------------------------------------

MARKDOWN_CASES = [
    # (source, units, rendered with markers, note expected)
    (f"# {NEWS}\n\n- {MORE}\n", [NEWS, MORE], "# T0\n\n- T1\n", None),
    (f"{NEWS}\n\n```\nقال الوزير\n\nقال\n```\n\n{MORE}\n", [NEWS, MORE],
     "T0\n\n```\nقال الوزير\n\nقال\n```\n\nT1\n", None),
    (f"{NEWS}\n\n```python\nقال الوزير\n\n{MORE}\n\n> {NEWS}\n", [NEWS, MORE, NEWS],
     "T0\n\n```python\nقال الوزير\n\nT1\n\n> T2\n", "opened on line 3 is never closed: it was taken to end at "
     "the blank line on line 5"),
    (f"{NEWS}\n\n~~~\nقال الوزير\n```\n{MORE}\n", [NEWS], f"T0\n\n~~~\nقال الوزير\n```\n{MORE}\n",
     "opened on line 3 is never closed: it runs to the end of the file, which was left as it was"),
    (f"````\nقال\n```\nقال\n````\n{MORE}\n", [MORE], "````\nقال\n```\nقال\n````\nT0\n", None),
    (f"{NEWS}\r\n\r\n{MORE}\r\n", [NEWS, MORE], "T0\r\n\r\nT1\r\n", None),
    (f"{NEWS}\u2028{MORE}\n", [f"{NEWS}\u2028{MORE}"], "T0\n", None),
]


@pytest.mark.parametrize(("source", "units", "expected", "note"), MARKDOWN_CASES,
                         ids=["headings-lists", "closed-fence", "unclosed-fence-ends-at-paragraph",
                              "unclosed-fence-to-end", "longer-fence", "crlf", "line-separator-in-a-line"])
def test_markdown(source: str, units: list[str], expected: str, note: str | None) -> None:
    parsed = parse(Path("a.md"), source.encode())
    assert list(parsed.units) == units
    assert rendered(parsed) == expected
    if note is None:
        assert parsed.notes == ()
    else:
        assert len(parsed.notes) == 1 and note in parsed.notes[0]


# --- HTML -----------------------------------------------------------------------------------------

def test_html_keeps_cdata_comments_and_scripts_and_translates_alt_and_title() -> None:
    page = (f'<html dir="rtl"><head><title>{MORE}</title><meta name="description" content="{NEWS}">'
            '<meta name="author" content="أحمد"><style>p { color: red }</style></head><body>'
            f'<p>{NEWS}<![CDATA[ بيانات خام ]]></p><!-- تعليق -->'
            f'<img src="a.png" alt="{LINK}" title="{MORE}" class="x"><script>var s = "قال";</script>'
            f'<pre>قال الوزير</pre><a href="/x" title="رابط">{MORE}</a></body></html>')
    parsed = parse(Path("a.html"), page.encode())
    assert parsed.units == (MORE, NEWS, MORE, NEWS, LINK, MORE, "رابط")
    assert parsed.articles == ((0, 1, 2),)
    out = rendered(parsed)
    assert "<![CDATA[ بيانات خام ]]>" in out and "<!-- تعليق -->" in out
    assert 'var s = "قال";' in out and "<pre>قال الوزير</pre>" in out and 'content="أحمد"' in out
    assert '<meta content="T3" name="description"/>' in out
    assert 'alt="T4"' in out and 'title="T5"' in out and 'title="T6"' in out
    assert "<title>T0</title>" in out and "<p>T1<![CDATA[" in out and ">T2</a>" in out
    assert 'dir="ltr"' in out and 'lang="en"' in out


def test_a_sentence_cut_by_inline_markup_is_translated_whole() -> None:
    page = (f'<html><body><p class="lead"><b>القاهرة:</b> قتل <b>25</b> شخصا في <a href="/x">{LINK}</a> أمس.</p>'
            f'<p>{NEWS} <b>{MORE}</b></p><p>قال<br>الوزير</p></body></html>')
    parsed = parse(Path("a.html"), page.encode())
    assert parsed.units == (f"القاهرة: قتل 25 شخصا في {LINK} أمس.", NEWS, MORE, "قال", "الوزير")
    assert parsed.articles == ((0, 1, 2, 3, 4),)
    assert parsed.notes == ("1 sentence(s) cut by inline markup (links, bold ...) were translated whole; that markup "
                            "is not carried over (links: /x).",)
    out = rendered(parsed)
    assert '<p class="lead">T0</p>' in out  # the number and the link's words are inside the one translation
    assert "<p>T1 <b>T2</b></p>" in out  # whole sentences keep their markup
    assert "<p>T3<br/>T4</p>" in out


def test_a_cut_sentence_keeps_its_place_inside_markup_it_shares() -> None:
    page = f'<p><span class="quote">{NEWS}<br> قال <b>الوزير</b> إن المحادثات ستستأنف.</span></p>'
    parsed = parse(Path("a.html"), page.encode())
    assert parsed.units == (NEWS, "قال الوزير إن المحادثات ستستأنف.")
    assert rendered(parsed) == '<p><span class="quote">T0<br/> T1</span></p>'


def _random_markup(rng, depth: int = 0) -> str:
    words = ["قال", "الوزير", "إن", "25", "المحادثات", "ستستأنف.", "في", "القاهرة", "(AFP)", "أمس.", "Reuters"]
    parts = []
    for _ in range(rng.randint(1, 5)):
        kind = rng.random()
        if kind < 0.5 or depth > 2:
            parts.append(" ".join(rng.choices(words, k=rng.randint(1, 4))))
        elif kind < 0.9:
            tag = rng.choice(["b", "i", "a", "span", "em", "strong"] if kind < 0.8 else ["p", "div", "li", "td"])
            parts.append(f"<{tag}>{_random_markup(rng, depth + 1)}</{tag}>")
        else:
            parts.append("<br>")
    return rng.choice(["", " "]).join(parts)


def test_random_pages_get_every_translation_once_in_reading_order() -> None:
    import random

    for seed in range(400):
        rng = random.Random(seed)
        page = "<html><body>" + "".join(f"<p>{_random_markup(rng)}</p>" for _ in range(rng.randint(1, 3)))
        parsed = parse(Path("a.html"), (page + "</body></html>").encode())
        marks = [f"MARK{i}X" for i in range(len(parsed.units))]
        out = rendered(parsed, marks)
        places = [out.find(mark) for mark in marks]
        assert all(out.count(mark) == 1 for mark in marks), page
        assert places == sorted(places), page  # in the order the page reads
        assert not re.search(r"[\u0621-\u064a]", re.sub(r"<[^>]+>", " ", out)), page  # no Arabic left
        assert not re.search(r"<(a|b|i|em|span|strong)></\1>", out), page  # no tag left emptied


def test_inline_markup_that_holds_more_than_text_is_kept() -> None:
    page = f'<p>قال <a href="/x"><img src="a.png" alt="{LINK}"> الوزير</a> إن المحادثات ستستأنف.</p>'
    parsed = parse(Path("a.html"), page.encode())
    assert parsed.units == ("قال الوزير إن المحادثات ستستأنف.", LINK)
    assert rendered(parsed) == '<p>T0<a href="/x"><img alt="T1" src="a.png"/></a></p>'


def test_windows_1256_html_with_style_and_script_is_read() -> None:
    style = "<style>body { font-family: Arial, sans-serif; margin: 0 auto; color: #333; }</style>" * 4
    script = "<script>function track() { var analytics = window.analytics || []; }</script>" * 4
    page = (f'<html dir="rtl"><head><meta charset="windows-1256"><title>خبر</title>{style}{script}</head>'
            f"<body><p>{NEWS}</p></body></html>")
    parsed = parse(Path("page.htm"), page.encode("cp1256"))
    assert parsed.units == ("خبر", NEWS)


def test_windows_1256_page_of_english_is_still_refused() -> None:
    page = "<html><body><p>The minister said the talks would resume next week, in Cairo. é</p></body></html>"
    with pytest.raises(TranslateError, match="could not be decoded"):
        parse(Path("page.html"), page.encode("cp1256"))


# --- JSON lines -----------------------------------------------------------------------------------

def test_jsonl_non_finite_numbers_are_written_as_null_with_a_note() -> None:
    source = "\n".join([
        json.dumps({"id": 1, "text": NEWS, "score": 0.5}, ensure_ascii=False),
        f'{{"id": 2, "text": "{MORE}", "score": NaN, "range": [Infinity, -Infinity]}}',
        "",
        f'{{"id": 3, "text": "{NEWS}", "score": 1}}',
    ])
    parsed = parse(Path("a.jsonl"), source.encode())
    assert parsed.units == (NEWS, MORE, NEWS) and parsed.articles == ((0,), (1,), (2,))
    assert parsed.notes == ("NaN or Infinity values on line(s) 2 were written as null: strict JSON has no such "
                            "numbers.",)

    def strict(constant: str):
        raise AssertionError(f"{constant} in the output")

    records = [json.loads(line, parse_constant=strict) for line in rendered(parsed).split("\n") if line]
    assert records == [{"id": 1, "text": "T0", "score": 0.5}, {"id": 2, "text": "T1", "score": None,
                                                                "range": [None, None]},
                       {"id": 3, "text": "T2", "score": 1}]


def test_jsonl_line_separators_inside_strings_do_not_split_records() -> None:
    records = [{"id": 1, "text": f"{NEWS}\u2028{MORE}", "note": "a\x85b\u2029c"}, {"id": 2, "text": NEWS}]
    source = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    assert "\u2028" in source and "\x85" in source  # raw, as json.dumps writes them
    parsed = parse(Path("a.jsonl"), source.encode())
    assert parsed.units == (f"{NEWS}\u2028{MORE}", NEWS)
    out = rendered(parsed, ["one\u2028two", "three"])
    assert out.splitlines() == out.split("\n")[:-1]  # no reader splits a record
    assert [json.loads(line) for line in out.splitlines()] == [
        {"id": 1, "text": "one\u2028two", "note": "a\x85b\u2029c"}, {"id": 2, "text": "three"}]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (b'{"text": "\xd9\x82"}\n{not json\n', "line 2 is not valid JSON"),
        (b'{"body": "x"}\n', "line 1 has no text field 'text'"),
        (b"\n\n", "the file has no records"),
    ],
    ids=["broken-line", "no-field", "empty"],
)
def test_jsonl_refusals_name_the_line(source: bytes, message: str) -> None:
    with pytest.raises(TranslateError, match=message):
        parse(Path("a.jsonl"), source)


# --- Word documents -------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_link(paragraph, text: str, url: str) -> None:
    rid = paragraph.part.relate_to(url, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                                   "hyperlink", is_external=True)
    paragraph._p.append(parse_xml(f'<w:hyperlink xmlns:w="{W}" xmlns:r="{R}" r:id="{rid}"><w:r><w:rPr>'
                                  f'<w:rStyle w:val="Hyperlink"/></w:rPr><w:t>{text}</w:t></w:r></w:hyperlink>'))


def add_text_box(paragraph, text: str) -> None:
    """A text box as Word writes it: a DrawingML box with a VML fallback (the same text twice)."""
    paragraph._p.append(parse_xml(
        f'<w:r xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps">'
        f'<wps:txbx><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx>'
        '</mc:Choice><mc:Fallback><v:textbox><w:txbxContent><w:p><w:r><w:t>'
        f'{text}</w:t></w:r></w:p></w:txbxContent></v:textbox></mc:Fallback></mc:AlternateContent></w:r>'))


def with_part(data: bytes, partname: str, content_type: str, reltype: str, xml: str) -> bytes:
    """``data`` with one more part related from the main document (python-docx cannot add footnotes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", f'<Override PartName="/{partname}" ContentType="'
                                          f'{content_type}"/></Types>'.encode())
            if item.filename == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", f'<Relationship Id="rId99" Type="{reltype}" '
                                          f'Target="{partname.removeprefix("word/")}"/></Relationships>'.encode())
            target.writestr(item, content)
        target.writestr(partname, xml)
    return out.getvalue()


def document_text(data: bytes) -> str:
    """Every text of a .docx, all parts together."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    return " ".join(" ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", archive.read(n).decode()))
                    for n in archive.namelist() if n.endswith(".xml"))


def test_docx_hyperlink_text_is_replaced_once_and_keeps_its_url() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("قال الوزير ").bold = True
    add_link(paragraph, LINK, "https://example.org/statement")
    paragraph.add_run(" إن المحادثات ستستأنف.")
    add_link(document.add_paragraph(), MORE, "https://example.org/whole")  # a paragraph that is all link
    parsed = parse(Path("a.docx"), saved(document))
    assert parsed.units == (f"قال الوزير {LINK} إن المحادثات ستستأنف.", MORE)
    english = ["The minister said in an official statement.", "Whole link."]
    out = parse(Path("a.docx"), parsed.render(english))
    assert out.units == ()  # no Arabic left anywhere
    result = docx.Document(io.BytesIO(parsed.render(english)))
    assert [p.text for p in result.paragraphs] == english
    # nothing aligns the bold words or the link's: the link (first) takes the whole sentence, the bold is noted
    assert [(link.text, link.url) for link in result.paragraphs[0].hyperlinks] == [
        ("The minister said in an official statement.", "https://example.org/statement")]
    assert [(link.text, link.url) for link in result.paragraphs[1].hyperlinks] == [
        ("Whole link.", "https://example.org/whole")]
    assert parsed.notes == ()
    assert parsed.all_notes == ("Formatting inside 1 paragraph(s) (bold, italics, links ...) was projected onto the "
                                "translation: 0 put on the aligned English words (whole sentences, numbers, Latin "
                                "names or a leading label); 1 put on their whole sentence because the alignment was "
                                "unsure; 1 not carried over because other formatting took all their words.",)


def test_docx_headers_footers_footnotes_and_text_boxes_are_translated() -> None:
    document = docx.Document()
    document.add_paragraph(NEWS)
    add_text_box(document.add_paragraph(), "نص في مربع")
    document.add_table(rows=1, cols=1).rows[0].cells[0].text = MORE
    section = document.sections[0]
    section.header.paragraphs[0].text = "رأس الصفحة"
    section.footer.paragraphs[0].text = "تذييل الصفحة"
    footnotes = (f'<w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
                 f'</w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>حاشية سفلية</w:t></w:r></w:p>'
                 "</w:footnote></w:footnotes>")
    data = with_part(saved(document), "word/footnotes.xml",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                     "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes", footnotes)
    parsed = parse(Path("a.docx"), data)
    assert parsed.units == (NEWS, "نص في مربع", "نص في مربع", MORE, "رأس الصفحة", "تذييل الصفحة", "حاشية سفلية")
    assert parsed.articles == ((0, 3),)  # the body's own text, not boxes, headers or notes
    assert parsed.notes == ()
    out = parsed.render(markers(parsed))
    assert not has_arabic(document_text(out))
    assert document_text(out).split() == ["T0", "T1", "T2", "T3", "T4", "T5", "T6"]


def tiny_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def test_docx_picture_alt_text_and_title_are_translated() -> None:
    document = docx.Document()
    document.add_paragraph(NEWS)
    document.add_picture(io.BytesIO(tiny_png()))
    properties = document.inline_shapes[0]._inline.docPr
    properties.set("descr", LINK)
    properties.set("title", MORE)
    parsed = parse(Path("a.docx"), saved(document))
    assert parsed.units == (NEWS, LINK, MORE) and parsed.articles == ((0,),)
    result = docx.Document(io.BytesIO(parsed.render(markers(parsed))))
    picture = result.inline_shapes[0]._inline.docPr
    assert (picture.get("descr"), picture.get("title")) == ("T1", "T2")
    assert [p.text for p in result.paragraphs if p.text] == ["T0"]


def test_docx_comments_and_properties_left_untranslated_are_noted() -> None:
    document = docx.Document()
    run = document.add_paragraph(NEWS).runs[0]
    document.add_comment(run, text="راجع هذه الجملة", author="محرر")
    document.core_properties.title = "عنوان الخبر"
    parsed = parse(Path("a.docx"), saved(document))
    assert parsed.units == (NEWS,)
    assert parsed.notes == (
        "The document properties (title, subject or keywords) hold Arabic text that was left untranslated.",
        "The comments (word/comments.xml) hold(s) Arabic text that was left untranslated.",
    )


def zip_bytes(entries: dict[str, int], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip whose entries are that many zero bytes each, written in chunks (never all in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, size in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            with archive.open(info, "w", force_zip64=size > 2**31) as handle:
                for start in range(0, size, 1 << 20):
                    handle.write(bytes(min(1 << 20, size - start)))
    return out.getvalue()


@pytest.fixture
def no_python_docx(monkeypatch):
    """python-docx must not be reached: a refusal comes from the zip listing alone."""
    def refuse(*args, **kwargs):
        raise AssertionError("python-docx was called")

    monkeypatch.setattr(docx, "Document", refuse)


def test_docx_bomb_is_refused_from_the_archive_listing(no_python_docx) -> None:
    data = zip_bytes({"[Content_Types].xml": 100, "word/document.xml": 64 * 1024 * 1024})
    assert len(data) < 200_000
    with pytest.raises(TranslateError, match=r"'bomb.docx' would unpack to 67,108,964 bytes, more than 50 times "
                                             r"its size .*zip bomb"):
        parse(Path("bomb.docx"), data)


def test_docx_with_too_many_entries_is_refused(no_python_docx) -> None:
    data = zip_bytes({f"word/media/{n}.xml": 1 for n in range(2_001)}, compression=zipfile.ZIP_STORED)
    with pytest.raises(TranslateError, match=r"holds 2,001 archive entries; a \.docx may hold at most 2,000"):
        parse(Path("many.docx"), data)


def test_docx_over_the_unpacked_size_limit_is_refused(no_python_docx, monkeypatch) -> None:
    monkeypatch.setattr(archive, "ARCHIVE_MAX_UNPACKED", 4_000)
    data = zip_bytes({"word/document.xml": 5_000}, compression=zipfile.ZIP_STORED)
    with pytest.raises(TranslateError, match="would unpack to 5,000 bytes; the limit is 4,000"):
        parse(Path("big.docx"), data)


@pytest.mark.parametrize("data", [b"PK\x03\x04 this is not a zip", b"", b"plain text"],
                         ids=["truncated-zip", "empty", "text"])
def test_docx_that_is_not_a_zip_is_refused(no_python_docx, data: bytes) -> None:
    with pytest.raises(TranslateError, match=r"'x\.docx' is not a valid \.docx file"):
        parse(Path("x.docx"), data)


def test_small_docx_of_repetitive_text_passes_the_archive_check() -> None:
    document = docx.Document()
    long = " ".join([NEWS] * 60)
    for _ in range(500):
        document.add_paragraph(long)  # compresses over 50 times, yet unpacks to a few megabytes only
    data = saved(document)
    unpacked = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert unpacked > archive.ARCHIVE_MAX_RATIO * len(data)
    parsed = parse(Path("a.docx"), data)
    assert parsed.units == (long,) * 500


# --- language -------------------------------------------------------------------------------------

PERSIAN = "وزیر امور خارجه ایران روز دوشنبه گفت که گفتگوها با کشورهای اروپایی هفته آینده از سر گرفته خواهد شد."
URDU = "پاکستان کے وزیر اعظم نے کہا ہے کہ حکومت مہنگائی پر قابو پانے کے لیے نئے اقدامات کرے گی۔"


@pytest.mark.parametrize(
    ("name", "data", "language"),
    [
        ("a.txt", f"{PERSIAN}\n\n{PERSIAN}".encode(), "Persian"),
        ("a.md", f"# {URDU}\n\n{URDU}\n".encode(), "Urdu"),
        ("a.html", f"<p>{PERSIAN}</p><p>{NEWS}</p><p>{PERSIAN}</p>".encode(), "Persian"),
        ("a.jsonl", json.dumps({"text": URDU}, ensure_ascii=False).encode(), "Urdu"),
    ],
    ids=["txt", "md", "html", "jsonl"],
)
def test_files_in_another_arabic_script_language_are_refused(name: str, data: bytes, language: str) -> None:
    with pytest.raises(TranslateError, match=f"The text looks like {language}, not Arabic"):
        parse(Path(name), data)


def test_docx_in_persian_is_refused() -> None:
    document = docx.Document()
    document.add_paragraph(PERSIAN)
    with pytest.raises(TranslateError, match="looks like Persian"):
        parse(Path("a.docx"), saved(document))


def test_mixed_file_is_translated_with_a_note_quoting_the_other_language() -> None:
    text = "\n\n".join([NEWS, PERSIAN, MORE, NEWS, URDU, MORE])
    parsed = parse(Path("a.txt"), text.encode())
    assert parsed.units == (text,)
    assert parsed.notes == (
        "Some text looks like Persian, not Arabic, and was translated as if it were Arabic: "
        "«وزیر امور خارجه ایران روز دوشنبه گفت که…».",
        "Some text looks like Urdu, not Arabic, and was translated as if it were Arabic: "
        "«پاکستان کے وزیر اعظم نے کہا ہے کہ حکومت…».",
    )


# --- the .docx signature ----------------------------------------------------------------------------

SIGNATURE = {"khabar": "1.2.3", "summary": None, "glossary_terms": ["كيم جونغ أون"] * 40,
             "translation": {"model": "Helsinki-NLP/opus-mt-tc-big-ar-en", "engine": "ctranslate2",
                             "compute_type": "int8", "decoding": {"beams": 4}}}


def test_a_new_docx_names_khabar_and_carries_the_whole_signature() -> None:
    from translate.formats.signing import MAX_PROPERTY, read_signature, sign_docx
    from translate.formats.writers import Block, write_docx

    plain = docx.Document(io.BytesIO(write_docx([Block("Title", heading=True), Block("Text.")], ["small"])))
    assert (plain.core_properties.author, plain.core_properties.last_modified_by) == ("Khabar", "Khabar")
    assert [p.text for p in plain.paragraphs] == ["Title", "Text.", "small"]
    assert plain.paragraphs[-1].runs[0].font.size.pt == 8
    signed = sign_docx(write_docx([Block("Text.")]), SIGNATURE, new=True)
    properties = docx.Document(io.BytesIO(signed)).core_properties
    assert properties.author == properties.last_modified_by == "Khabar"
    assert properties.comments == ("Translated by Khabar 1.2.3 with Helsinki-NLP/opus-mt-tc-big-ar-en "
                                   "(ctranslate2, int8, 4 beams)")
    assert read_signature(signed) == SIGNATURE  # longer than one property: cut into several, joined again
    with zipfile.ZipFile(io.BytesIO(signed)) as package:
        custom = package.read("docProps/custom.xml").decode("utf-8")
        assert 'PartName="/docProps/custom.xml"' in package.read("[Content_Types].xml").decode()
        assert "relationships/custom-properties" in package.read("_rels/.rels").decode()
    values = re.findall(r"<vt:lpwstr>(.*?)</vt:lpwstr>", custom)
    assert len(values) > 1 and all(len(v) <= MAX_PROPERTY for v in values)
    assert "python-docx" not in zipfile.ZipFile(io.BytesIO(signed)).read("docProps/core.xml").decode()


def test_a_translated_docx_keeps_its_author_and_own_properties_and_is_signed_once() -> None:
    from translate.formats.signing import read_signature, sign_docx, sign_output

    document = docx.Document()
    document.core_properties.author, document.core_properties.comments = "Reporter", "Draft 2"
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out := io.BytesIO(), "w") as target:
        for item in source.infolist():  # the document's own custom property
            content = source.read(item)
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/docProps/custom.xml" ContentType='
                                          b'"application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
                                          b"</Types>")
            if item.filename == "_rels/.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.'
                                          b'openxmlformats.org/officeDocument/2006/relationships/custom-properties"'
                                          b' Target="docProps/custom.xml"/></Relationships>')
            target.writestr(item, content)
        target.writestr("docProps/custom.xml", '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://'
                        'schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.'
                        'openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-'
                        '101B-9397-08002B2CF9AE}" pid="2" name="Desk"><vt:lpwstr>Foreign</vt:lpwstr></property>'
                        '</Properties>')
    twice = sign_output("a.en.docx", sign_docx(out.getvalue(), {"run": 1}), {"run": 2})
    properties = docx.Document(io.BytesIO(twice)).core_properties
    assert (properties.author, properties.comments, properties.last_modified_by) == ("Reporter", "Draft 2", "Khabar")
    assert read_signature(twice) == {"run": 2}
    custom = zipfile.ZipFile(io.BytesIO(twice)).read("docProps/custom.xml").decode("utf-8")
    assert 'name="Desk"' in custom and custom.count("Khabar signature") == 1
    assert sign_output("a.en.txt", b"text", {"run": 2}) == b"text"
    assert read_signature(data) is None
