"""The new document types through every front end, translated by the memorising model: the batch
job (exact English out, a PDF written as .docx, .txt and .pdf, hostile files refused per file while
the run goes on), the HTTP API's ``/translate_file`` for LibreTranslate's nine formats, and the
Paste tab's .docx download."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import httpx
import pptx
import pytest
from test_documents_formats import SRT, make_epub, make_odt, make_pptx, odf_texts, pdf_bomb, zip_bomb
from test_libretranslate import api_server

from jobs.batch import Run
from translate import Translator
from translate.testing import PAIRS
from translate.testing_pdf import article_pages, build_pdf
from web.service import Service

P = PAIRS
PDF_PARAGRAPHS = [P[0][0], P[3][0]]


def documents() -> dict[str, bytes]:
    """One file of each new type, holding the model's sentences."""
    return {
        "release.pdf": build_pdf(article_pages(PDF_PARAGRAPHS, header="وكالة الأنباء", pages=2)),
        "story.odt": make_odt(f"<text:h>{P[4][0]}</text:h><text:p>{P[1][0]}</text:p>"),
        "slides.odp": make_odt(f"<draw:page><draw:frame><draw:text-box><text:p>{P[2][0]}</text:p></draw:text-box>"
                               "</draw:frame></draw:page>", presentation=True),
        "brief.pptx": make_pptx([([[("أعلنت وزارة الصحة تسجيل ", {}), ("120", {"bold": True}),
                                    (" حالة جديدة.", {})]], P[9][0])]),
        "book.epub": make_epub([f"<p>{P[6][0]}</p>"], title=P[7][0], toc=P[5][0]),
        "clip.srt": SRT.encode(),
    }


@pytest.fixture(scope="module")
def translator(memorised_marian) -> Translator:
    return Translator(str(memorised_marian), beams=1)


def test_batch_job_translates_each_new_type_and_refuses_hostile_files_per_file(tmp_path, translator,
                                                                              monkeypatch) -> None:
    import translate.formats.pdf as pdf_format

    monkeypatch.setattr(pdf_format, "PDF_MAX_UNPACKED", 16 * 1024 * 1024)  # the 64 MB bomb is far past it
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for name, data in documents().items():
        (source / name).write_bytes(data)
    (source / "bomb.epub").write_bytes(zip_bomb("epub+zip"))
    (source / "bomb.pdf").write_bytes(pdf_bomb(nested=True))
    (source / "locked.pdf").write_bytes(b"%PDF-1.4\n" + bytes(50))
    result = Run(source, out, translator, None, log=io.StringIO()).execute()
    records = {r.input: r for r in result.records}
    assert {name: r.status for name, r in records.items()} == {
        "book.epub": "done", "bomb.epub": "failed", "bomb.pdf": "failed", "brief.pptx": "done", "clip.srt": "done",
        "locked.pdf": "failed", "release.pdf": "done", "slides.odp": "done", "story.odt": "done"}
    assert "zip bomb" in records["bomb.epub"].reason and "decompression bomb" in records["bomb.pdf"].reason
    assert "not a valid .pdf file" in records["locked.pdf"].reason
    assert records["release.pdf"].outputs[:3] == ["release.en.docx", "release.en.txt", "release.en.pdf"]
    assert (out / "release.en.txt").read_text() == f"{P[0][1]}\n\n{P[3][1]}\n"
    assert [p.text for p in docx.Document(out / "release.en.docx").paragraphs] == [P[0][1], P[3][1]]
    assert "4 running header(s), footer(s) or page number(s) were dropped." in records["release.pdf"].notes
    assert odf_texts((out / "story.en.odt").read_bytes()) == [P[4][1], P[1][1]]
    assert odf_texts((out / "slides.en.odp").read_bytes()) == [P[2][1]]
    slide = pptx.Presentation(out / "brief.en.pptx").slides[0]
    runs = slide.shapes[0].text_frame.paragraphs[0].runs
    assert [(r.text, r.font.bold) for r in runs] == [("The health ministry announced ", None), ("120", True),
                                                      (" new cases.", None)]
    assert slide.notes_slide.notes_text_frame.text == P[9][1]
    assert any(note.startswith("Formatting inside 1 paragraph(s)") for note in records["brief.pptx"].notes)
    book = zipfile.ZipFile(out / "book.en.epub")
    assert f"<p>{P[6][1]}</p>" in book.read("OEBPS/text/page 0.xhtml").decode()
    assert f"<dc:title>{P[7][1]}</dc:title>" in book.read("OEBPS/content.opf").decode()
    subtitles = (out / "clip.en.srt").read_bytes().decode()
    assert subtitles.startswith("1\r\n00:00:01,000 --> 00:00:03,500\r\n<i>The foreign minister said the</i>\r\n")
    assert f"4\r\n01:02:03,004 --> 01:02:05,000\r\n{P[3][1]}\r\n" in subtitles
    review = json.loads((out / "brief.review.json").read_text())
    assert review["notes"] == records["brief.pptx"].notes


@pytest.fixture(scope="module")
def url(translator) -> Iterator[str]:
    with api_server(Service(translator, None)) as address:
        yield address


def _english_of(name: str, data: bytes) -> list[str]:
    """The text of a translated file, by type."""
    suffix = Path(name).suffix
    if suffix == ".pdf":
        from pdfminer.high_level import extract_text

        return [" ".join(extract_text(io.BytesIO(data)).split())]
    if suffix in (".odt", ".odp"):
        return [t for t in odf_texts(data) if t]
    if suffix == ".pptx":
        slide = pptx.Presentation(io.BytesIO(data)).slides[0]
        return [slide.shapes[0].text_frame.text, slide.notes_slide.notes_text_frame.text]
    if suffix == ".epub":
        return [zipfile.ZipFile(io.BytesIO(data)).read("OEBPS/text/page 0.xhtml").decode().split("<p>")[1]
                .split("</p>")[0]]
    if suffix == ".docx":
        return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    return [line for line in data.decode().splitlines() if line and not line[0].isdigit()]


API_CASES = {
    "release.pdf": [f"{P[0][1]} {P[3][1]}"],
    "story.odt": [P[4][1], P[1][1]],
    "slides.odp": [P[2][1]],
    "brief.pptx": [P[3][1], P[9][1]],
    "book.epub": [P[6][1]],
    "clip.srt": ["<i>The foreign minister said the</i>", "talks would resume next week in Cairo.", "♪ ♪", P[3][1]],
}


@pytest.mark.parametrize("name", list(API_CASES), ids=list(API_CASES))
def test_translate_file_answers_each_format_in_its_own_format(url, name: str) -> None:
    answer = httpx.post(f"{url}/translate_file", files={"file": (name, documents()[name])},
                        data={"source": "ar", "target": "en"}, timeout=120)
    assert answer.status_code == 200, answer.text
    download = httpx.get(answer.json()["translatedFileUrl"], timeout=30)
    assert download.status_code == 200
    assert Path(name).stem + "_en" + Path(name).suffix in download.headers["content-disposition"]
    assert _english_of(name, download.content) == API_CASES[name]


def test_translate_file_refuses_a_bomb_with_a_json_error(url) -> None:
    answer = httpx.post(f"{url}/translate_file", files={"file": ("bomb.pptx", zip_bomb("pptx"))},
                        data={"source": "ar", "target": "en"}, timeout=60)
    assert answer.status_code == 400 and "zip bomb" in answer.json()["error"]


def test_paste_tab_docx_keeps_paragraphs_and_headings(tmp_path, translator) -> None:
    from web import review

    article = f"عاجل من القاهرة\n\n{P[0][0]}\n\n{P[1][0]}"
    machine = translator.translate(article)
    files = review.export(tmp_path, machine, machine)
    document = docx.Document(next(f for f in files if f.endswith(".docx")))
    styles = [(p.text, p.style.name) for p in document.paragraphs]
    assert styles[1:3] == [(P[0][1], "Normal"), (P[1][1], "Normal")]
    assert styles[0][1] == "Heading 1"
    assert styles[3][0] == "Edited by the editor: none of the 3 sentences."  # then the small print
