"""The translation memory in a real browser: an editor corrects a sentence in the Paste tab's review table,
then translates another article holding that sentence, and sees the correction there, marked memory."""

from __future__ import annotations

import pytest
import support
from test_browser_review import edit_cell

from translate import testing as factory
from translate.config import RunConfig
from translate.recall import open_run_memory
from translate.translator import Translator

P = factory.PAIRS
EDITED = "The foreign minister said talks would resume in Cairo next week."


@pytest.fixture(scope="module")
def memory_url(memorised_marian, tmp_path_factory):
    from web.service import Service
    from web.ui import CSS, build_app

    url = f"sqlite:///{tmp_path_factory.mktemp('memory') / 'memory.sqlite3'}"
    memory = open_run_memory(RunConfig.resolved(memory=url))
    service = Service(Translator(str(memorised_marian), beams=1, memory=memory), None)
    service.warm()
    demo = build_app(service, max_queue=4, concurrency=1)
    _, address, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True, css=CSS)
    yield address, service
    demo.close()
    service.close()


def translate(page, article: str, english: str) -> None:
    from playwright.sync_api import expect

    page.locator("#arabic-input textarea").fill(article)
    page.get_by_role("button", name="Translate", exact=True).click()
    expect(page.locator("#english-output textarea")).to_have_value(english, timeout=120_000)
    expect(page.locator('#downloads a[download="translation.txt"]')).to_be_visible(timeout=120_000)


@pytest.mark.browser
def test_an_edit_in_the_review_table_is_reused_in_the_next_article_marked_memory(memory_url) -> None:
    from playwright.sync_api import expect

    url, service = memory_url
    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(url)
        translate(page, f"{P[1][0]} {P[0][0]}", f"{P[1][1]} {P[0][1]}")
        table = page.locator("#review-table")
        edit_cell(table.get_by_test_id("cell-1-2"), EDITED)
        expect(page.locator("#english-output textarea")).to_have_value(f"{P[1][1]} {EDITED}", timeout=60_000)

        translate(page, f"{P[3][0]}\n\n{P[0][0]}", f"{P[3][1]}\n\n{EDITED}")
        expect(table.get_by_test_id("cell-1-2")).to_have_text(EDITED, timeout=60_000)
        expect(table.get_by_test_id("cell-1-4")).to_contain_text("Memory: edited on 20")
        expect(table.get_by_test_id("cell-0-4")).to_have_text("")
    assert service.translator.translate(P[0][0]).segments[0].memory["origin"] == "edited"
