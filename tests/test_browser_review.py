"""Post-editing in a real browser: paste an article, correct the flagged year in the review table,
and see the flag cleared, the English box updated and the downloads holding the edit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import pytest
import support
from test_review import YEAR_ARTICLE, YEAR_ENGLISH, YEAR_RIGHT, YEAR_WRONG, wrong_year_marian  # noqa: F401

from summarize import Summarizer
from summarize.support import flagged_lines
from translate.translator import Translator
from web import review

ROOT = Path(__file__).resolve().parents[1]
def edit_cell(cell, text: str, *, seconds: float = 60) -> None:
    """Type ``text`` into a table cell and press Enter. The review table is locked while an article is
    translated and opens when the run ends, so a double click may need repeating until the editor opens."""
    from playwright.sync_api import expect

    editor = cell.locator("textarea")
    for _ in range(int(seconds)):
        cell.dblclick()
        try:
            expect(editor).to_be_visible(timeout=1000)
            break
        except AssertionError:
            continue
    editor.fill(text)
    editor.press("Enter")


@pytest.fixture(scope="module")
def year_service(wrong_year_marian, memorised_mt5):  # noqa: F811 - the fixture imported above
    from web.service import Service

    service = Service(Translator(str(wrong_year_marian), beams=1), Summarizer(str(memorised_mt5)))
    service.warm()
    yield service
    service.close()


@pytest.fixture(scope="module")
def year_url(year_service):
    from web.ui import build_app

    demo = build_app(year_service, max_queue=4, concurrency=1)
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield url
    demo.close()


def download(page, name: str, folder: Path) -> Path:
    """Click the download link of ``name`` and save the file in ``folder``."""
    with page.expect_download() as info:
        page.locator(f'#downloads a[download="{name}"]').click()
    path = folder / name
    info.value.save_as(path)
    return path


@pytest.mark.browser
def test_editor_corrects_the_flagged_year_and_downloads_the_edit(year_url, year_service, tmp_path) -> None:
    from playwright.sync_api import expect

    fixed = YEAR_ENGLISH.replace(YEAR_WRONG, YEAR_RIGHT)
    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
        page.goto(year_url)
        page.locator("#arabic-input textarea").fill(YEAR_ARTICLE)
        page.get_by_role("button", name="Translate", exact=True).click()
        english = page.locator("#english-output textarea")
        expect(english).to_have_value(YEAR_ENGLISH, timeout=120_000)
        table = page.locator("#review-table")
        flags, confidence = table.get_by_test_id("cell-1-4"), table.get_by_test_id("cell-1-3")
        expect(flags).to_contain_text("numbers: ", timeout=120_000)
        expect(page.locator('#downloads a[download="translation.txt"]')).to_be_visible(timeout=120_000)
        assert re.fullmatch(r"\d{1,3}", confidence.inner_text().strip())

        edit_cell(table.get_by_test_id("cell-1-2"), YEAR_RIGHT)

        expect(english).to_have_value(fixed, timeout=60_000)
        expect(flags).to_have_text("", timeout=60_000)
        expect(confidence).to_have_text("edited")
        status = page.locator("#review-status")
        expect(status).to_contain_text("5 sentences, 0 to double-check. 1 edited.")
        expect(status).to_contain_text("press Regenerate summaries")
        data = json.loads(download(page, "translation.json", tmp_path).read_text("utf-8"))
        notes = flagged_lines(data["summary"])  # the memorised summary is of another article: flagged sentences
        assert notes
        txt = download(page, "translation.txt", tmp_path)
        assert txt.read_text("utf-8") == f"{fixed}\n\n{review.SUMMARY_NOTES}\n" + "\n".join(notes) + "\n"
        paragraphs = [p.text for p in docx.Document(download(page, "translation.docx", tmp_path)).paragraphs]
        assert paragraphs == [*fixed.split("\n\n"), review.SUMMARY_NOTES, *notes]
        assert (data["segments"][1]["machine"], data["segments"][1]["edited"]) == (YEAR_WRONG, YEAR_RIGHT)

        expected = year_service.summarizer.summarize(arabic=YEAR_ARTICLE, english=fixed)
        page.get_by_role("button", name="Regenerate summaries", exact=True).click()
        expect(page.locator("#summary-en textarea")).to_have_value(expected.english, timeout=120_000)
        expect(page.locator("#summary-ar textarea")).to_have_value(expected.arabic)
        expect(status).not_to_contain_text("press Regenerate summaries", timeout=60_000)
        data = json.loads(download(page, "translation.json", tmp_path).read_text("utf-8"))
        assert (data["summary"]["english"], data["summary"]["of"]) == (expected.english, "edited")

        artifacts = ROOT / "artifacts"
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / "review.png"), full_page=True)
    assert (artifacts / "review.png").stat().st_size > 10_000
