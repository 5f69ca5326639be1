"""Summary support in a real browser: each summary sentence lists its source sentence numbers; choosing one
reaches that row of the review table, and a summary sentence stating a number the article does not is
highlighted with what is wrong."""

from __future__ import annotations

import pytest
import support
from test_support import WRONG_NUMBER_EN, inventing_mt5  # noqa: F401 - the fixture imported

from summarize import Summarizer
from translate import testing as factory
from translate.translator import Translator


@pytest.fixture(scope="module")
def inventing_url(memorised_marian, inventing_mt5):  # noqa: F811 - the fixture imported above
    from web.service import Service
    from web.ui import build_app

    service = Service(Translator(str(memorised_marian), beams=1), Summarizer(str(inventing_mt5)))
    service.warm()
    demo = build_app(service, max_queue=4, concurrency=1)
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield url
    demo.close()
    service.close()


@pytest.mark.browser
def test_choosing_a_source_number_reaches_the_review_row(inventing_url) -> None:
    from playwright.sync_api import expect

    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(inventing_url)
        page.locator("#arabic-input textarea").fill(factory.ARTICLE_AR)
        page.get_by_role("button", name="Translate", exact=True).click()
        expect(page.locator("#summary-en textarea")).to_have_value(WRONG_NUMBER_EN, timeout=120_000)
        sources = page.locator("#summary-support")
        english = sources.locator(".support-block").first
        flagged = english.locator("li").first
        expect(flagged).to_have_attribute("data-flags", "numbers", timeout=60_000)
        expect(flagged).to_contain_text("numbers: 30 percent is not in the article (sentence 3 says 3.5 percent)")
        expect(english.locator("li").nth(1)).not_to_have_attribute("data-flags", "numbers")

        table = page.locator("#review-table")
        expect(table.get_by_test_id(f"cell-{len(factory.PAIRS) - 1}-2")).to_have_text(factory.PAIRS[-1][1],
                                                                                       timeout=60_000)
        english.locator("li").nth(1).get_by_role("button", name="4", exact=True).click()
        target = page.locator("#review-table .support-target")
        expect(target).to_have_count(1)
        expect(target.get_by_test_id("cell-3-0")).to_have_text("4")
        expect(target).to_contain_text(factory.PAIRS[3][1])
        expect(target).to_be_in_viewport()

        flagged.get_by_role("button", name="3", exact=True).click()
        expect(target).to_have_count(1)
        expect(target.get_by_test_id("cell-2-0")).to_have_text("3")
        expect(target).to_contain_text(factory.PAIRS[2][1])
