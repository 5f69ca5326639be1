import support
from test_browser_review import translated, year_service, year_url, NARROWER_THAN_A_WORD, edit_cell  # noqa
from test_review import wrong_year_marian, YEAR_RIGHT  # noqa

PROBE = "t => [t.querySelectorAll('[role=gridcell]').length, document.documentElement.scrollWidth, t.querySelector('.virtual-table-viewport').scrollWidth, t.querySelector('.virtual-body').getAttribute('style')]"


def test_explore(year_url):
    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        table = translated(page, year_url)
        print("base", table.evaluate(PROBE))
        print(table.evaluate("t => [...t.querySelectorAll('[role=gridcell]')].slice(5, 10).map(c => [c.dataset.col, c.getBoundingClientRect().width, c.getBoundingClientRect().top])"))
        print(table.evaluate(NARROWER_THAN_A_WORD))
        page.screenshot(path="/tmp/phone.png", full_page=True)
        edit_cell(table.get_by_test_id("cell-1-2"), YEAR_RIGHT)
        page.wait_for_timeout(3000)
        print(page.locator("#english-output textarea").input_value())
        print("after", table.evaluate(PROBE))
        page.screenshot(path="/tmp/phone2.png", full_page=True)
