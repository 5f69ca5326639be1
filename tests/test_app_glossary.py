"""The app's glossary: an uploaded glossary file and the Paste tab's glossary table join the server's
glossary for one article, through a real client against a live app, with a tiny model whose memorised
English uses spellings other than the house style."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import support
from gradio_client import Client, handle_file
from support import live
from test_browser_review import edit_cell
from test_glossary import ARTICLE, HOUSE_STYLE, PAIRS, names_marian  # noqa: F401 - the fixture, used below

from jobs.batch import Run
from summarize import Summarizer
from translate import Translator
from translate.glossary import COLUMNS, GLOSSARY, Glossary
from web import handlers
from web import review as review_module
from web.server import create_app
from web.service import Service

KIM = ["كيم جونغ أون|كيم جونج أون|كيم يونغ أون", "Kim Jong Un", "Kim Jong-un|Kim Jong-Un", "", ""]
MACHINE = f"{PAIRS[0][1]} {PAIRS[1][1]}\n\n{PAIRS[2][1]} {PAIRS[3][1]}"  # the model's own spellings
WITH_KIM = ("Kim Jong Un met Putin in Vladivostok. He said the talks were good.\n\n"
            "A U.N. spokesman called Kim Jong Un's visit important. Heavy rain fell on the city.")
HOUSE = WITH_KIM.replace("U.N.", "United Nations")  # the whole house style of HOUSE_STYLE
FRESH = PAIRS[3][0].replace("المدينة", "القرية")  # a sentence no other test translates


def table(*rows: list[str]) -> dict:
    """The glossary table as the client sends it: the given rows, then an empty one."""
    return {"headers": [c.capitalize() for c in COLUMNS], "data": [*rows, [""] * len(COLUMNS)], "metadata": None}


def flags(table_payload: dict) -> list[str]:
    """The flags in the review table's flags column: its flag lines only, not the house forms it names nor
    the note that a flagged sentence's alternatives show on selection."""
    return ["\n".join(line for line in row[4].split("\n") if line.startswith(review_module.FLAG_MARK))
            for row in table_payload["data"]]


@pytest.fixture(scope="module")
def served(names_marian, memorised_mt5):  # noqa: F811 - the fixture imported above
    service = Service(Translator(str(names_marian), beams=1), Summarizer(str(memorised_mt5)))
    with support.served(service, max_queue=4) as url:
        yield url, service


@pytest.fixture(scope="module")
def client(served) -> Client:
    return Client(served[0], verbose=False)


@pytest.fixture()
def house_file(tmp_path) -> Path:
    path = tmp_path / "house.tsv"
    path.write_text("\n".join(HOUSE_STYLE) + "\n", encoding="utf-8")
    return path



def test_the_api_keeps_its_parameters_and_descriptions(client) -> None:
    """The handlers are bound to the service: the API shows the page's inputs only, named as before."""
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {name: [p["parameter_name"] for p in e["parameters"]] for name, e in endpoints.items()} == {
        "/article": ["text", "with_summary", "glossary_file", "glossary_rows"],
        "/review": ["text", "rows", "glossary_file", "glossary_rows"],
        "/translate_files": ["paths", "with_summary", "glossary_file"],
        "/translate": ["text"],
        "/summarize": ["text"],
    }
    assert [p["parameter_has_default"] for p in endpoints["/article"]["parameters"]] == [False, True, True, True]
    assert endpoints["/translate"]["description"] == handlers.translate.__doc__
    assert endpoints["/article"]["description"].startswith("The paste tab: stream the translation")

def test_without_a_glossary_the_app_writes_the_models_spellings(client) -> None:
    english, review, *_ = client.predict(ARTICLE, False, api_name="/article")
    assert english == MACHINE
    assert flags(review) == [""] * 4


def test_a_table_row_gives_the_house_form_for_this_article(client) -> None:
    english, review, *_ = client.predict(ARTICLE, False, None, table(KIM), api_name="/article")
    assert english == WITH_KIM
    assert [row[2] for row in review["data"]] == ["Kim Jong Un met Putin in Vladivostok.",
                                                  "He said the talks were good.",
                                                  "A U.N. spokesman called Kim Jong Un's visit important.",
                                                  "Heavy rain fell on the city."]
    assert flags(review) == ["", "• Glossary: Kim Jong Un missing", "", ""]  # the second sentence drops the name
    assert review["data"][0][4] == "✓ House form: Kim Jong Un (for Arabic كيم جونغ أون)"
    assert client.predict(ARTICLE, False, api_name="/article")[0] == MACHINE  # for that article only


def test_an_uploaded_glossary_file_gives_the_house_forms(client, house_file) -> None:
    upload = handle_file(str(house_file))
    english, review, *_ = client.predict(ARTICLE, False, glossary_file=upload, api_name="/article")
    assert english == HOUSE
    assert flags(review) == ["", "• Glossary: Kim Jong Un missing", "", ""]


def test_the_files_tab_takes_a_glossary_file_for_its_files(client, house_file, tmp_path) -> None:
    import zipfile

    article = tmp_path / "story.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    files, status = client.predict([handle_file(str(article))], False, handle_file(str(house_file)),
                                   api_name="/translate_files")
    assert status == "1 of 1 files translated. No summaries: Write summaries was switched off."
    outputs = {Path(file).name: Path(file) for file in files}
    assert outputs["story.en.txt"].read_text("utf-8").strip() == HOUSE
    review = json.loads(outputs["story.review.json"].read_text("utf-8"))
    assert review["signature"]["translation"]["glossary"] == Glossary.load(house_file).digest
    plain, _ = client.predict([handle_file(str(article)), handle_file(str(article))], False,
                              api_name="/translate_files")  # without the glossary: the model's spellings, zipped
    with zipfile.ZipFile(plain[0]) as bundle:
        assert bundle.read("story.en.txt").decode("utf-8").strip() == MACHINE
        review = json.loads(bundle.read("story.review.json"))
    assert review["signature"]["translation"]["glossary"] is None
    bad = tmp_path / "bad.tsv"
    bad.write_text("بوتين\tPutin\tPoutine\tبوتين\tAP\textra\n", encoding="utf-8")
    with pytest.raises(Exception, match=re.escape("Glossary bad.tsv, line 1: expected 2 to 5 columns")):
        client.predict([handle_file(str(article))], False, handle_file(str(bad)), api_name="/translate_files")


def test_the_file_and_the_table_combine(client, tmp_path) -> None:
    un = tmp_path / "un.csv"
    un.write_text("arabic,english,english variants\nالأمم المتحدة,United Nations,U.N.|UN\n", encoding="utf-8")
    english, *_ = client.predict(ARTICLE, False, handle_file(str(un)), table(KIM), api_name="/article")
    assert english == HOUSE


def test_the_servers_glossary_applies_without_any_upload_and_the_table_adds_to_it(names_marian,  # noqa: F811
                                                                                   house_file) -> None:
    service = Service(Translator(str(names_marian), beams=1, glossary=house_file), None)
    try:
        with live(create_app(service, max_queue=4)) as url:
            client = Client(url, verbose=False)
            assert client.predict(ARTICLE, False, api_name="/article")[0] == HOUSE
            rain = ["أمطار", "downpour", "rain"]
            english, *_ = client.predict(ARTICLE, False, glossary_rows=table(rain), api_name="/article")
            assert english == HOUSE.replace("Heavy rain", "Heavy downpour")
            with pytest.raises(Exception, match=re.escape(
                    "Glossary table, row 1: the Arabic term 'بوتين' has the English form 'Poutine' here but "
                    "'Putin' in Glossary house.tsv, line 3.")):
                client.predict(ARTICLE, False, None, table(["بوتين", "Poutine"]), api_name="/article")
    finally:
        service.close()


@pytest.mark.parametrize(
    ("file_lines", "rows", "message"),
    [
        (HOUSE_STYLE, [["فلاديفوستوك", "Vladivostock"]],
         "Glossary table, row 1: the Arabic term 'فلاديفوستوك' has the English form 'Vladivostock' here but "
         "'Vladivostok' in Glossary house.tsv, line 5."),
        (["بوتين\tPutin\tPoutine\tبوتين\tAP\textra"], [], "Glossary house.tsv, line 1: expected 2 to 5 columns"),
        (None, [["بوتين", ""]], "Glossary table, row 1: empty English house form for 'بوتين'."),
        (None, [["Putin", "بوتين"]], "Glossary table, row 1: the Arabic term 'Putin' has no Arabic letters"),
    ],
    ids=["table-conflicts-with-file", "file-with-six-columns", "row-without-english", "row-columns-swapped"],
)
def test_a_bad_glossary_is_refused_with_its_own_message_and_nothing_is_translated(
        client, served, tmp_path, file_lines: list[str] | None, rows: list[list[str]], message: str) -> None:
    upload = None
    if file_lines is not None:
        (tmp_path / "house.tsv").write_text("\n".join(file_lines) + "\n", encoding="utf-8")
        upload = handle_file(str(tmp_path / "house.tsv"))
    cached = len(served[1].translator.cache)
    job = client.submit(FRESH, False, upload, table(*rows), api_name="/article")
    with pytest.raises(Exception, match=re.escape(message)):
        job.result(timeout=120)
    assert job.outputs() == []  # not even a first paragraph
    assert len(served[1].translator.cache) == cached


def test_the_download_is_signed_with_the_requests_glossary(client) -> None:
    *_, files, _ = client.predict(ARTICLE, True, None, table(KIM), api_name="/article")
    data = json.loads(Path(next(f for f in files if f.endswith(".json"))).read_text("utf-8"))
    digest = Glossary.from_rows([KIM]).digest
    assert data["text"] == WITH_KIM
    assert data["signature"]["translation"]["glossary"] == digest
    assert data["signature"]["summary"]["glossary"] == digest
    *_, files, _ = client.predict(ARTICLE, False, api_name="/article")
    data = json.loads(Path(next(f for f in files if f.endswith(".json"))).read_text("utf-8"))
    assert data["signature"]["translation"]["glossary"] is None


def test_the_review_endpoint_checks_edits_against_the_requests_glossary(client) -> None:
    _, review, *_ = client.predict(ARTICLE, False, None, table(KIM), api_name="/article")
    rows = review["data"]
    rows[1][2] = "Kim Jong-un said the talks were good."  # an edit in a variant spelling: kept, and flagged
    english, checked, files, status = client.predict(ARTICLE, rows, None, table(KIM), api_name="/review")
    assert english.split("\n\n")[0] == "Kim Jong Un met Putin in Vladivostok. Kim Jong-un said the talks were good."
    assert [row[4] for row in checked] == ["", f"{GLOSSARY}: Kim Jong Un missing", "", ""]
    assert status == "4 sentences, 1 to double-check. 1 edited."
    data = json.loads(Path(next(f for f in files if f.endswith(".json"))).read_text("utf-8"))
    assert data["signature"]["translation"]["glossary"] == Glossary.from_rows([KIM]).digest
    rows[1][2] = "Kim Jong Un said the talks were good."
    _, checked, _, status = client.predict(ARTICLE, rows, None, table(KIM), api_name="/review")
    assert [row[4] for row in checked] == [""] * 4
    assert status == "4 sentences, 0 to double-check. 1 edited."
    _, checked, _, _ = client.predict(ARTICLE, rows, api_name="/review")  # without the glossary: nothing to check
    assert [row[4] for row in checked] == [""] * 4


def test_edits_in_the_table_are_checked_with_the_glossary_the_article_was_translated_with(served) -> None:
    """The handlers are plain functions: the paste tab's run, then an edit in its review table."""
    _, service = served
    *_, state = list(handlers.run_article(service, ARTICLE, False, None, [KIM]))[-1]
    assert state.glossary == Glossary.from_rows([KIM])
    rows = [list(row) for row in handlers.review_rows(state.session.machine)]
    assert rows[1][2] == "He said the talks were good."
    assert rows[1][4].split("\n")[0] == f"{GLOSSARY}: Kim Jong Un missing"
    rows[1][2] = "Kim Jong Un said the talks were good."
    english, review, files, status = handlers.apply_edits(service, state, rows)
    assert english.split("\n\n")[0] == "Kim Jong Un met Putin in Vladivostok. Kim Jong Un said the talks were good."
    assert flags(review) == ["", "", "", ""]
    assert status == "4 sentences, 0 to double-check. 1 edited."
    rows[1][2] = "Kim Jong-un said the talks were good."
    _, review, files, status = handlers.apply_edits(service, state, rows)
    assert flags(review) == ["", "• Glossary: Kim Jong Un missing", "", ""]
    data = json.loads(Path(next(f for f in files if f.endswith(".json"))).read_text("utf-8"))
    assert data["signature"]["translation"]["glossary"] == state.glossary.digest


def test_the_batch_job_and_the_app_write_the_same_english_with_the_same_glossary(client, names_marian,  # noqa: F811
                                                                                  house_file, tmp_path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "article.txt").write_text(ARTICLE, encoding="utf-8")
    result = Run(source, out, Translator(str(names_marian), beams=1, glossary=house_file), None).execute()
    assert [r.status for r in result.records] == ["done"]
    batch = (out / "article.en.txt").read_text("utf-8")
    app, *_ = client.predict(ARTICLE, False, glossary_file=handle_file(str(house_file)), api_name="/article")
    assert batch == app + "\n" == HOUSE + "\n"


@pytest.mark.browser
def test_an_editor_types_a_name_into_the_glossary_table_in_a_real_browser(served) -> None:
    from playwright.sync_api import expect

    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(served[0])
        page.locator("#arabic-input textarea").fill(ARTICLE)
        page.get_by_text("Glossary: house spellings of names and terms").click()
        glossary = page.locator("#glossary-table")
        for column, text in enumerate(KIM[:3]):
            edit_cell(glossary.get_by_test_id(f"cell-0-{column}"), text)
        expect(glossary.get_by_test_id("cell-0-2")).to_contain_text("Kim Jong-un")
        page.get_by_role("button", name="Translate", exact=True).click()
        expect(page.locator("#english-output textarea")).to_have_value(WITH_KIM, timeout=120_000)
        review = page.locator("#review-table")
        expect(review.get_by_test_id("cell-1-4")).to_contain_text("• Glossary: Kim Jong Un missing", timeout=60_000)
        edit_cell(review.get_by_test_id("cell-1-2"), "Kim Jong Un said the talks were good.")
        expect(review.get_by_test_id("cell-1-4")).not_to_contain_text("Glossary", timeout=60_000)
        expect(page.locator("#review-status")).to_contain_text("4 sentences, 0 to double-check. 1 edited.")


def test_an_uploaded_glossary_is_built_before_the_turn_on_the_models_and_freed_after(served, tmp_path,
                                                                                    monkeypatch) -> None:
    """A glossary upload never holds the models: while another request has them, a glossary over the
    entry limit is refused at once; and once a request ends, its glossary is gone from memory."""
    import gc
    import threading
    import weakref

    import gradio as gr
    from test_glossary import big_glossary

    from translate.config import GLOSSARY_UPLOAD_MAX_ENTRIES
    from web.ui import bound, taking_turns

    _, service = served
    article, house, huge = tmp_path / "story.txt", tmp_path / "house.tsv", tmp_path / "huge.tsv"
    article.write_text(ARTICLE, encoding="utf-8")
    house.write_text("\n".join(HOUSE_STYLE) + "\n", encoding="utf-8")
    huge.write_bytes(big_glossary(GLOSSARY_UPLOAD_MAX_ENTRIES + 1))
    service.uploads.add([str(article), str(house), str(huge)])  # as the upload route does
    files_tab = taking_turns(service, bound(handlers.translate_files, service))
    outcome: list[str] = []

    def refused_while_the_models_are_busy() -> None:
        try:
            files_tab([str(article)], False, str(huge))
        except gr.Error as error:
            outcome.append(error.message)

    with service.slot():  # another request holds the models
        attempt = threading.Thread(target=refused_while_the_models_are_busy, daemon=True)
        attempt.start()
        attempt.join(60)
        assert not attempt.is_alive(), "the glossary waited for the models"
    assert outcome == [f"Glossary huge.tsv holds more than {GLOSSARY_UPLOAD_MAX_ENTRIES:,} entries: the limit for a "
                       "glossary sent with a request. Send the terms of these articles only, or make it the "
                       "server's own glossary."]
    built: list[weakref.ref] = []
    parse = Glossary.parse.__func__

    def watched(cls, *args, **kwargs):
        glossary = parse(cls, *args, **kwargs)
        built.append(weakref.ref(glossary))
        return glossary

    monkeypatch.setattr(Glossary, "parse", classmethod(watched))
    _, status = files_tab([str(article)], False, str(house))
    assert status.startswith("1 of 1 files translated.") and len(built) == 1
    gc.collect()
    assert built[0]() is None  # the request's glossary went with the request
