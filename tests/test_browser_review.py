"""Post-editing in a real browser: paste an article, correct the flagged year in the review table,
and see the flag cleared, the English box updated and the downloads holding the edit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import pytest
import support
from test_review import YEAR_AR, YEAR_ARTICLE, YEAR_ENGLISH, YEAR_RIGHT, YEAR_WRONG, wrong_year_marian  # noqa: F401

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
    from web.ui import CSS, build_app

    demo = build_app(year_service, max_queue=4, concurrency=1)
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True, css=CSS)
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
        expect(flags).to_contain_text("• Numbers: ", timeout=120_000)
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
        edited = data["edited_note"]
        assert txt.read_text("utf-8") == (f"{fixed}\n\n{review.SUMMARY_NOTES}\n" + "\n".join(notes)
                                          + f"\n\n{edited}\n")
        paragraphs = [p.text for p in docx.Document(download(page, "translation.docx", tmp_path)).paragraphs]
        assert paragraphs[:-1] == [*fixed.split("\n\n"), review.SUMMARY_NOTES, *notes, edited]
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


def translated(page, url: str):
    """The page at ``url`` with :data:`YEAR_ARTICLE` translated and the review table open for edits."""
    from playwright.sync_api import expect

    page.goto(url)
    page.locator("#arabic-input textarea").fill(YEAR_ARTICLE)
    page.get_by_role("button", name="Translate", exact=True).click()
    expect(page.locator("#english-output textarea")).to_have_value(YEAR_ENGLISH, timeout=120_000)
    expect(page.locator('#downloads a[download="translation.txt"]')).to_be_visible(timeout=120_000)
    return page.locator("#review-table")


def cell_menu(page, cell) -> None:
    """Open the menu of a table cell (select the cell, then press its ⋮ button)."""
    cell.click()
    cell.locator(".cell-menu-button").click()


@pytest.mark.browser
def test_no_table_action_loses_an_edit_and_undo_takes_the_last_one_back(year_url) -> None:
    from playwright.sync_api import expect

    fixed = YEAR_ENGLISH.replace(YEAR_WRONG, YEAR_RIGHT)
    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        table = translated(page, year_url)
        english, status = page.locator("#english-output textarea"), page.locator("#review-status")
        edit_cell(table.get_by_test_id("cell-1-2"), YEAR_RIGHT)
        expect(english).to_have_value(fixed, timeout=60_000)

        # the cell menu offers no column action; rows added or deleted come back as they were
        cell_menu(page, table.get_by_test_id("cell-1-2"))
        expect(page.get_by_text("Add row above")).to_be_visible()
        assert page.get_by_text("Add column to the left").count() == 0
        assert page.get_by_text("Delete column").count() == 0
        page.get_by_text("Add row above").click()
        expect(status).to_contain_text("1 row that is not a sentence", timeout=60_000)
        expect(status).to_contain_text("1 edited.")
        expect(english).to_have_value(fixed)
        expect(table.get_by_test_id("cell-1-2")).to_contain_text(YEAR_RIGHT)
        cell_menu(page, table.get_by_test_id("cell-0-2"))
        page.get_by_text("Delete row").click()
        expect(table.get_by_test_id("cell-0-2")).to_contain_text(YEAR_ENGLISH.split(" The ministry")[0], timeout=60_000)
        expect(english).to_have_value(fixed)
        expect(table.get_by_test_id("cell-1-2")).to_contain_text(YEAR_RIGHT)

        # Undo takes back the last edit, and only that one
        edit_cell(table.get_by_test_id("cell-0-2"), "First.")
        expect(english).to_have_value(fixed.replace(YEAR_ENGLISH.split(" The ministry")[0], "First."), timeout=60_000)
        expect(status).to_contain_text("2 edited.")
        page.locator("#undo-edit").click()
        expect(english).to_have_value(fixed, timeout=60_000)
        expect(status).to_contain_text("Edit undone.")
        expect(table.get_by_test_id("cell-1-2")).to_contain_text(YEAR_RIGHT)
        page.locator("#undo-edit").click()
        expect(english).to_have_value(YEAR_ENGLISH, timeout=60_000)
        expect(table.get_by_test_id("cell-1-3")).not_to_have_text("edited")

        # translating again keeps the edit of a sentence whose Arabic did not change ...
        edit_cell(table.get_by_test_id("cell-1-2"), YEAR_RIGHT)
        expect(english).to_have_value(fixed, timeout=60_000)
        page.get_by_role("button", name="Translate", exact=True).click()
        expect(status).to_contain_text("1 edit kept from before.", timeout=120_000)
        expect(english).to_have_value(fixed)
        expect(table.get_by_test_id("cell-1-3")).to_contain_text("edited")

        # ... and says which edits were replaced when their Arabic changed
        page.locator("#arabic-input textarea").fill(YEAR_ARTICLE.replace(YEAR_AR + "\n\n", "\n\n"))
        page.get_by_role("button", name="Translate", exact=True).click()
        expect(status).to_contain_text(f"1 edit replaced: the Arabic changed, so it was not kept: “{YEAR_AR}” → "
                                       f"“{YEAR_RIGHT}”.", timeout=120_000)

        # ... and Undo takes the re-translation back: the article and its edit as they were
        page.locator("#undo-edit").click()
        expect(status).to_contain_text("Translation undone", timeout=60_000)
        expect(english).to_have_value(fixed)
        expect(page.locator("#arabic-input textarea")).to_have_value(YEAR_ARTICLE)
        expect(table.get_by_test_id("cell-1-2")).to_contain_text(YEAR_RIGHT)
        expect(table.get_by_test_id("cell-1-3")).to_contain_text("edited")


@pytest.mark.browser
def test_next_flagged_selects_the_flagged_sentence_and_counts_those_left(year_url) -> None:
    from playwright.sync_api import expect

    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        table = translated(page, year_url)
        flags = table.get_by_test_id("cell-1-4")
        expect(flags).to_have_text(re.compile(r"\s*• Numbers: 2020 in the Arabic is missing; 2002 is not in the "
                                              r"Arabic\n" + re.escape(review.ALTERNATIVES_LINE) + r"\s*"))
        assert flags.evaluate("cell => getComputedStyle(cell).whiteSpace") == "pre-line"  # one flag a line
        where = page.locator("#flag-position")
        for button in ("#next-flagged", "#previous-flagged", "#next-flagged"):
            page.locator(button).click()
            expect(where).to_have_text("Sentence 2: flagged 1 of 1.")
            expect(table.get_by_test_id("cell-1-2")).to_have_attribute("aria-selected", "true")
            expect(table.get_by_test_id("cell-1-2")).to_be_in_viewport()
        expect(page.locator("#review-status")).to_contain_text("5 sentences, 1 to double-check.")
        edit_cell(table.get_by_test_id("cell-1-2"), YEAR_RIGHT)
        expect(page.locator("#review-status")).to_contain_text("5 sentences, 0 to double-check.", timeout=60_000)
        page.locator("#next-flagged").click()
        expect(where).to_have_text("No flagged sentence left.")


NARROWER_THAN_A_WORD = """table => [...table.querySelectorAll('[role=gridcell], [role=columnheader]')]
  .filter((cell) => cell.getClientRects().length).map((cell) => {
  const style = getComputedStyle(cell);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const words = cell.innerText.replace("\\u22ee", "").split(/\\s+/).filter(Boolean);
  const longest = Math.max(0, ...words.map((word) => context.measureText(word).width));
  return [cell.innerText.trim().slice(0, 20), cell.getBoundingClientRect().width, longest];
}).filter(([, width, longest]) => width < longest)"""


@pytest.mark.browser
def test_on_a_phone_no_cell_is_narrower_than_a_word_and_arabic_reads_right_to_left(year_url) -> None:
    from playwright.sync_api import expect

    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        table = translated(page, year_url)
        assert table.evaluate(NARROWER_THAN_A_WORD) == []
        # each sentence a card: no sideways scroll, its Arabic, English and flags stacked the card's width
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        assert table.evaluate("t => { const v = t.querySelector('.virtual-table-viewport');"
                              " return v.scrollWidth <= v.clientWidth; }")
        boxes = [table.get_by_test_id(f"cell-1-{column}").bounding_box() for column in (1, 2, 4)]
        card = table.get_by_test_id("cell-1-1").locator("xpath=..").bounding_box()
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
        assert all(box["width"] > card["width"] * 0.8 and box["x"] + box["width"] <= 390 for box in boxes)
        assert table.locator(".header-table").is_hidden()
        edit_cell(table.get_by_test_id("cell-1-2"), YEAR_RIGHT)  # editing works on a card
        expect(page.locator("#english-output textarea")).to_have_value(
            YEAR_ENGLISH.replace(YEAR_WRONG, YEAR_RIGHT), timeout=60_000)
        expect(table.get_by_test_id("cell-1-3")).to_contain_text("edited")
        fonts = table.evaluate("t => [...t.querySelectorAll('[role=columnheader] span')].map("
                               "(e) => getComputedStyle(e).fontFamily)")
        assert fonts and not [font for font in fonts if "mono" in font.lower()]
        for cell in (table.get_by_test_id("cell-1-1"), table.get_by_test_id("cell-1-1").locator("span").first):
            direction, font = cell.evaluate("e => [getComputedStyle(e).direction, getComputedStyle(e).fontFamily]")
            assert direction == "rtl" and "mono" not in font.lower() and "Naskh" in font
        page.get_by_text("Glossary: house spellings of names and terms").first.click()
        glossary = page.locator("#glossary-table")
        expect(glossary.get_by_test_id("cell-0-0")).to_be_visible()
        for column in (0, 3):  # Arabic and Arabic house form
            direction, font = glossary.get_by_test_id(f"cell-0-{column}").evaluate(
                "e => [getComputedStyle(e).direction, getComputedStyle(e).fontFamily]")
            assert direction == "rtl" and "mono" not in font.lower()
        assert glossary.get_by_test_id("cell-0-1").evaluate("e => getComputedStyle(e).direction") == "ltr"
        artifacts = ROOT / "artifacts"
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / "review-phone.png"), full_page=True)


@pytest.mark.browser
def test_the_editor_picks_one_of_the_models_alternatives_and_can_undo_it(year_url) -> None:
    from playwright.sync_api import expect

    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        table = translated(page, year_url)
        table.get_by_test_id("cell-1-2").click()
        page.locator("#show-alternatives").click()
        choices = page.locator("#alternatives label")
        expect(choices.first).to_contain_text(f"{YEAR_WRONG} [• Numbers: ", timeout=60_000)
        assert choices.count() >= 2
        other = choices.nth(1).inner_text().rsplit(" [", 1)[0].strip()
        choices.nth(1).click()
        page.locator("#use-alternative").click()
        expect(table.get_by_test_id("cell-1-2")).to_contain_text(other, timeout=60_000)
        expect(table.get_by_test_id("cell-1-3")).to_contain_text("edited")
        page.locator("#undo-edit").click()
        expect(page.locator("#english-output textarea")).to_have_value(YEAR_ENGLISH, timeout=60_000)


@pytest.mark.browser
def test_selecting_a_flagged_sentence_shows_its_alternatives_without_another_click(year_url) -> None:
    from playwright.sync_api import expect

    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        table = translated(page, year_url)
        expect(table.get_by_test_id("cell-1-4")).to_contain_text(review.ALTERNATIVES_LINE)
        expect(table.get_by_test_id("cell-0-4")).not_to_contain_text("Alternatives")
        choices = page.locator("#alternatives label")
        table.get_by_test_id("cell-0-2").click()  # not flagged: nothing offered until asked
        page.wait_for_timeout(1500)
        assert choices.count() == 0
        table.get_by_test_id("cell-1-2").click()  # flagged: its candidates at once
        expect(choices.first).to_contain_text(f"{YEAR_WRONG} [• Numbers: ", timeout=60_000)
        expect(page.locator("#alternatives")).to_contain_text("Sentence 2: the model's candidates")
