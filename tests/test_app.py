"""The web app through a real client, under load, and in a real browser."""

from __future__ import annotations

import io
import json
import os
import re
import threading
import zipfile
from pathlib import Path

import pytest
import support
from gradio_client import Client, handle_file
from support import GatedTranslator, free_port, send_while_held
from test_batch import make_docx

from summarize import Summarizer
from translate import Translator
from translate import testing as factory
from translate.config import ARTICLE_MAX_CHARS, FILE_MAX_CHARS
from web import handlers
from web.handlers import unique_names
from web.service import Service

ROOT = Path(__file__).resolve().parents[1]
P = factory.PAIRS
PARAGRAPHS_EN = factory.ARTICLE_EN.split("\n\n")


@pytest.fixture(scope="module")
def served(memorised_marian, memorised_mt5):
    service = Service(GatedTranslator(str(memorised_marian), beams=1), Summarizer(str(memorised_mt5)))
    with support.served(service, max_queue=4) as url:
        yield url, service


@pytest.fixture(scope="module")
def served_url(served) -> str:
    return served[0]


@pytest.fixture(scope="module")
def client(served_url) -> Client:
    return Client(served_url, verbose=False)


def test_translate_endpoint(client) -> None:
    english, rows = client.predict(factory.ARTICLE_AR, api_name="/translate")
    assert english == factory.ARTICLE_EN
    assert [row["2"] if isinstance(row, dict) else row[2] for row in rows] == [e for _, e in P]


def test_summarize_endpoint(client) -> None:
    assert client.predict(factory.ARTICLE_AR, api_name="/summarize") == (factory.SUMMARY_EN, factory.SUMMARY_AR, "")


def test_article_endpoint_gives_everything_with_downloads(client) -> None:
    english, table, summary_en, summary_ar, files, status = client.predict(factory.ARTICLE_AR, True,
                                                                           api_name="/article")
    assert english == factory.ARTICLE_EN
    assert (summary_en, summary_ar) == (factory.SUMMARY_EN, factory.SUMMARY_AR)
    assert len(table["data"]) == len(P)
    assert sorted(Path(f).name for f in files) == ["translation.docx", "translation.json", "translation.txt"]
    txt = next(f for f in files if f.endswith(".txt"))
    assert Path(txt).read_text("utf-8") == factory.ARTICLE_EN + "\n\nEdited by the editor: none of the 10 sentences.\n"
    assert "10 sentences, 0 to double-check" in status


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The input is empty"),
        ("   \n ", "The input is empty"),
        ("This article is written in English.", "does not look like Arabic"),
        ("قال الوزير " * (ARTICLE_MAX_CHARS // 11 + 1), "limit is 100,000"),
        ("قال " + "ﷺ" * 6000, "limit is 100,000"),  # 6,004 characters that normalise to 108,004
    ],
    ids=["empty", "blank", "english", "too-long", "too-long-once-normalised"],
)
@pytest.mark.parametrize("endpoint", ["/translate", "/summarize"])
def test_bad_input_gets_a_clear_error(client, text: str, message: str, endpoint: str) -> None:
    with pytest.raises(Exception, match=message):
        client.predict(text, api_name=endpoint)


def test_short_article_summary_is_refused(client) -> None:
    with pytest.raises(Exception, match="too short to summarise"):
        client.predict(P[0][0], api_name="/summarize")


def test_files_tab_translates_uploads_into_one_zip(client, tmp_path) -> None:
    (tmp_path / "one.txt").write_text(factory.ARTICLE_AR, encoding="utf-8")
    (tmp_path / "two.docx").write_bytes(make_docx([P[1][0]], P[3][0]))
    (tmp_path / "bad.txt").write_bytes(b"")
    files, status = client.predict([handle_file(str(tmp_path / n)) for n in ("one.txt", "two.docx", "bad.txt")],
                                   True, api_name="/translate_files")
    assert len(files) == 1 and files[0].endswith("translations.zip")
    with zipfile.ZipFile(files[0]) as archive:
        names = set(archive.namelist())
        assert {"one.en.txt", "one.summary.json", "two.en.docx", "manifest.jsonl"} <= names
        assert archive.read("one.en.txt").decode() == factory.ARTICLE_EN + "\n"
    assert "2 of 3 files translated" in status and "bad.txt: the file is empty" in status


def test_files_tab_single_file_and_nothing_uploaded(client, tmp_path) -> None:
    (tmp_path / "one.txt").write_text(P[2][0], encoding="utf-8")
    files, _ = client.predict([handle_file(str(tmp_path / "one.txt"))], False, api_name="/translate_files")
    assert sorted(Path(f).name for f in files) == ["one.en.txt", "one.review.json"]
    with pytest.raises(Exception, match="Upload at least one file"):
        client.predict([], False, api_name="/translate_files")


def test_twenty_simultaneous_requests_are_answered_or_told_the_queue_is_full(served) -> None:
    """One request holds the models at the gate; of the nineteen sent at once meanwhile, the queue (4) takes
    four and refuses fifteen at once; the five taken are answered once the gate opens."""
    url, service = served
    outcomes: dict[int, str] = {}

    def one(i: int) -> None:
        try:
            english, _ = Client(url, verbose=False).predict(P[i % len(P)][0], api_name="/translate")
        except Exception as error:  # the client raises the server's "queue is full" answer
            outcomes[i] = f"error: {error}"
            return
        outcomes[i] = english

    send_while_held(service.translator, one, 20, lambda: len(outcomes) >= 15)
    refused = {i: r for i, r in outcomes.items() if r.startswith("error:")}
    answered = {i: r for i, r in outcomes.items() if i not in refused}
    assert (len(answered), len(refused)) == (5, 15), outcomes
    assert 0 in answered and all(english == P[i % len(P)][1] for i, english in answered.items())
    assert all("queue is full" in r.lower() for r in refused.values()), refused


@pytest.mark.browser
def test_real_browser_shows_translation_summaries_and_review(served) -> None:
    url, service = served
    from playwright.sync_api import expect

    translator = service.translator
    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(url)
        box = page.locator("#arabic-input textarea")
        box.fill(factory.ARTICLE_AR)
        assert box.evaluate("e => getComputedStyle(e).direction") == "rtl"
        translator.hold_on, translator.release = P[-1][0], threading.Event()  # the last paragraph waits
        try:
            page.get_by_role("button", name="Translate", exact=True).click()
            english = page.locator("#english-output textarea")
            # streaming: the first paragraph is on the page while the rest (batched with the last) waits
            expect(english).to_have_value(PARAGRAPHS_EN[0], timeout=120_000)
            assert translator.held.is_set()
        finally:
            translator.hold_on = None
            translator.release.set()
        expect(english).to_have_value(factory.ARTICLE_EN, timeout=120_000)
        expect(page.locator("#summary-en textarea")).to_have_value(factory.SUMMARY_EN, timeout=120_000)
        expect(page.locator("#summary-ar textarea")).to_have_value(factory.SUMMARY_AR, timeout=120_000)
        table = page.locator("#review-table")
        for _, english_sentence in P[:3]:
            expect(table).to_contain_text(english_sentence.split(":")[0])
        artifacts = ROOT / "artifacts"
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / "app.png"), full_page=True)
        # two uploads named story.txt (from different folders): both translated, neither lost
        page.get_by_role("tab", name="Files").click()
        page.locator("#uploads input[type=file]").set_input_files([
            {"name": "story.txt", "mimeType": "text/plain", "buffer": P[0][0].encode()},
            {"name": "story.txt", "mimeType": "text/plain", "buffer": P[1][0].encode()},
        ])
        page.get_by_role("button", name="Translate files", exact=True).click()
        files_status = page.get_by_text("2 of 2 files translated")
        expect(files_status).to_be_visible(timeout=120_000)
        expect(files_status).to_contain_text("story (2).txt (uploaded as story.txt)")
    assert (artifacts / "app.png").stat().st_size > 10_000


@pytest.mark.parametrize(("auth", "options"), [("editor:secret", []), ("", ["--no-ui"])], ids=["login", "no-ui"])
def test_app_script_serves_the_app_and_the_api(memorised_marian, memorised_mt5, auth: str, options: list[str]) -> None:
    import subprocess
    import sys

    import httpx
    from test_server import wait_until_serving

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "KHABAR_BEAMS": "1", "KHABAR_AUTH": auth}
    process = subprocess.Popen([sys.executable, "app.py", "--model", str(memorised_marian), "--summary-model",
                                str(memorised_mt5), "--port", str(port), *options], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(process, url)
        api = httpx.post(url + "translate", json={"q": P[0][0], "source": "ar", "target": "en"}, timeout=60)
        assert api.json() == {"translatedText": P[0][1]}
        if options:  # API only: no page, no Gradio routes
            assert httpx.get(url, timeout=10).status_code == 404
            assert httpx.get(url + "config", timeout=10).status_code == 404
        else:
            assert httpx.get(url + "config", timeout=10).status_code == 401  # behind a login
            with pytest.raises(Exception, match=r"401|login|auth"):
                Client(url, verbose=False).predict(P[0][0], api_name="/translate")
            logged_in = Client(url, auth=("editor", "secret"), verbose=False)
            assert logged_in.predict(P[0][0], api_name="/translate")[0] == P[0][1]
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("path", ["/etc/passwd", "../../../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd"])
def test_server_files_are_not_readable_through_the_app(served_url, path: str) -> None:
    import urllib.error
    import urllib.request

    for prefix in ("gradio_api/file=", "file=", "gradio_api/file/"):
        try:
            body = urllib.request.urlopen(f"{served_url.rstrip('/')}/{prefix}{path}", timeout=10).read()
        except urllib.error.HTTPError as error:
            assert error.code in (403, 404, 400), error.code
            continue
        assert b"root:" not in body


@pytest.mark.parametrize(("names", "expected"), [
    (["story.txt", "story.txt"], ["story.txt", "story (2).txt"]),
    (["a.txt", "b.docx", "a.txt", "A.TXT"], ["a.txt", "b.docx", "a (2).txt", "A (3).TXT"]),
    (["story.txt", "story (2).txt", "story.txt"], ["story.txt", "story (2).txt", "story (3).txt"]),
], ids=["pair", "case-insensitive", "taken-number"])
def test_every_upload_gets_its_own_name(names: list[str], expected: list[str]) -> None:
    assert unique_names(names) == expected


def test_two_uploads_with_the_same_name_are_both_translated(client, tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text(P[0][0], encoding="utf-8")
    (tmp_path / "b" / "story.txt").write_text(P[1][0], encoding="utf-8")
    files, status = client.predict([handle_file(str(tmp_path / d / "story.txt")) for d in "ab"], False,
                                   api_name="/translate_files")
    assert "2 of 2 files translated" in status and "story (2).txt (uploaded as story.txt)" in status
    with zipfile.ZipFile(files[0]) as archive:
        assert archive.read("story.en.txt").decode() == P[0][1] + "\n"
        assert archive.read("story (2).en.txt").decode() == P[1][1] + "\n"
        records = [json.loads(line) for line in archive.read("manifest.jsonl").decode().splitlines()]
    assert [(r["input"], r["uploaded_as"], r["status"]) for r in records] == [
        ("story.txt", "story.txt", "done"), ("story (2).txt", "story.txt", "done")]



@pytest.mark.parametrize("odd", ["\u2028", "\u0085"], ids=["line-separator", "next-line"])
def test_names_holding_unicode_line_breaks_keep_their_records(served, tmp_path, odd: str) -> None:
    """The Files tab's handler, called alone: the zip's manifest has one record per file, whatever the names."""
    _, service = served
    name = f"a{odd}b.txt"
    (tmp_path / name).write_text(P[0][0], encoding="utf-8")
    (tmp_path / "plain.txt").write_text(P[1][0], encoding="utf-8")
    paths = [str(tmp_path / name), str(tmp_path / "plain.txt")]
    service.uploads.add(paths)  # as the upload route does: the handler reads only files uploaded here
    files, status = handlers.translate_files(service, paths, False)
    assert status == "2 of 2 files translated. No summaries: Write summaries was switched off."
    with zipfile.ZipFile(files[0]) as archive:
        assert archive.read(f"a{odd}b.en.txt").decode() == P[0][1] + "\n"
        records = [json.loads(line) for line in archive.read("manifest.jsonl").decode().split("\n") if line]
    assert [(r["input"], r["uploaded_as"], r["status"], sorted(r["outputs"])) for r in records] == [
        (name, name, "done", [f"a{odd}b.en.txt", f"a{odd}b.review.json"]),
        ("plain.txt", "plain.txt", "done", ["plain.en.txt", "plain.review.json"])]

def docx_bomb() -> bytes:
    """A valid .docx with 40 MB of zeros packed inside: it unpacks to a thousand times its size."""
    source = io.BytesIO(make_docx([P[2][0]], P[3][0]))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            bomb.writestr(item, original.read(item.filename))
        bomb.writestr("word/media/padding.bin", b"\0" * (40 * 1024 * 1024))
    return out.getvalue()


def test_files_tab_refuses_oversized_text_and_docx_bombs_and_says_which(client, tmp_path) -> None:
    (tmp_path / "good.txt").write_text(P[0][0], encoding="utf-8")
    (tmp_path / "long.txt").write_text("قال الوزير\n" * (FILE_MAX_CHARS // 11 + 1), encoding="utf-8")
    (tmp_path / "bomb.docx").write_bytes(docx_bomb())
    assert (tmp_path / "bomb.docx").stat().st_size < 200_000
    files, status = client.predict([handle_file(str(tmp_path / n)) for n in ("good.txt", "long.txt", "bomb.docx")],
                                   False, api_name="/translate_files")
    assert "1 of 3 files translated" in status
    assert re.search(r"long\.txt: the file holds 200,0\d\d characters of text; the limit is 200,000 characters per "
                     "file", status), status
    assert "bomb.docx: " in status
    with zipfile.ZipFile(files[0]) as archive:
        assert archive.read("good.en.txt").decode() == P[0][1] + "\n"
        records = {r["input"]: r for r in map(json.loads, archive.read("manifest.jsonl").decode().splitlines())}
    assert {name: r["status"] for name, r in records.items()} == {
        "good.txt": "done", "long.txt": "failed", "bomb.docx": "failed"}


def test_article_streams_the_first_paragraph_then_whole_paragraphs(client) -> None:
    job = client.submit(factory.ARTICLE_AR, False, api_name="/article")
    final = job.result(timeout=120)
    updates = [output[0] for output in job.outputs()]
    assert final[0] == factory.ARTICLE_EN
    assert updates[0] == PARAGRAPHS_EN[0]  # the first paragraph alone, first
    growing = list(dict.fromkeys(updates))
    prefixes = ["\n\n".join(PARAGRAPHS_EN[: i + 1]) for i in range(len(PARAGRAPHS_EN))]
    assert len(growing) >= 2 and growing[-1] == factory.ARTICLE_EN
    assert all(update in prefixes for update in growing)  # whole paragraphs only, in order
    assert [prefixes.index(update) for update in growing] == sorted(prefixes.index(update) for update in growing)


def test_article_bound_in_model_tokens(client, monkeypatch) -> None:
    import web.service

    monkeypatch.setattr(web.service, "ARTICLE_MAX_TOKENS", 20)
    with pytest.raises(Exception, match=r"model tokens long; the limit is 20\b"):
        client.predict(factory.ARTICLE_AR, api_name="/translate")
    monkeypatch.undo()
    assert client.predict(P[0][0], api_name="/translate")[0] == P[0][1]


def test_paste_tab_warns_about_mixed_languages_and_refuses_persian(client) -> None:
    from test_language import OTHER

    mixed = "\n\n".join([f"{P[0][0]} {P[1][0]}", OTHER["persian"][0], f"{P[2][0]} {P[3][0]}"])
    english, *_, status = client.predict(mixed, False, api_name="/article")
    assert english.split("\n\n")[0] == f"{P[0][1]} {P[1][1]}"
    assert "Part of the text looks like Persian (paragraph 2), not Arabic" in status
    with pytest.raises(Exception, match="looks like Persian"):
        client.predict(OTHER["persian"][0], api_name="/translate")


@pytest.mark.parametrize(("keep", "expected"), [(False, "قال الوزير"), (True, "قَالَ الوَزِيرُ")],
                         ids=["stripped", "kept"])
def test_the_app_keeps_diacritics_when_configured(memorised_marian, keep: bool, expected: str) -> None:
    from translate.config import RunConfig

    service = Service(Translator(str(memorised_marian), keep_diacritics=keep), None,
                      config=RunConfig.resolved(keep_diacritics=keep, summary=False))
    try:
        assert service.article("قَالَ الوَزِيرُ") == expected
    finally:
        service.close()


def test_the_files_status_names_each_summary_skipped_and_why(served, tmp_path) -> None:
    _, service = served
    (tmp_path / "long.txt").write_text(factory.ARTICLE_AR, encoding="utf-8")
    (tmp_path / "short.txt").write_text(P[0][0], encoding="utf-8")
    paths = [str(tmp_path / "long.txt"), str(tmp_path / "short.txt")]
    service.uploads.add(paths)
    _, status = handlers.translate_files(service, paths, True)
    words = len(P[0][0].split())
    assert status == (f"2 of 2 files translated. No summary for short.txt: The article is too short to summarise "
                      f"({words} words; at least {service.summarizer.min_words} are needed).")


def test_the_paste_status_says_why_there_is_no_summary(served) -> None:
    _, service = served
    *_, status, _ = list(handlers.run_article(service, P[0][0], True))[-1]
    assert status.endswith(f"No summary: The article is too short to summarise ({len(P[0][0].split())} words; "
                           f"at least {service.summarizer.min_words} are needed).")
    *_, status, _ = list(handlers.run_article(service, P[0][0], False))[-1]
    assert status.endswith("No summary: Write a summary was switched off.")


def test_files_left_out_for_their_size_are_listed_in_the_files_status(served, tmp_path) -> None:
    from translate.config import FILE_MAX_BYTES

    _, service = served
    (tmp_path / "story.txt").write_text(P[0][0], encoding="utf-8")
    paths = [str(tmp_path / "story.txt")]
    service.uploads.add(paths)
    big = json.dumps([{"name": "big.txt", "size": FILE_MAX_BYTES + 1}, {"name": "small.txt", "size": 10}])
    reason = f"big.txt: not uploaded: the file is {FILE_MAX_BYTES + 1:,} bytes; the limit is {FILE_MAX_BYTES:,} bytes"
    _, status = handlers.translate_files(service, paths, False, None, big)
    assert status.startswith(f"1 of 3 files translated. Problems: {reason} per file; small.txt: not uploaded: it "
                             "was chosen with a file over the size limit; upload it again without it.")
    assert handlers.translate_files(service, [], False, None, big)[1].startswith(
        f"No file translated. Problems: {reason} per file; small.txt: not uploaded")
    assert handlers.too_large("not json") == handlers.too_large('{"name": "x"}') == []
    assert handlers.too_large(json.dumps([{"name": "small.txt", "size": 10}])) == []  # all uploaded


@pytest.mark.browser
def test_the_files_status_lists_a_file_the_page_left_out_for_its_size(served_url) -> None:
    from playwright.sync_api import expect

    from translate.config import FILE_MAX_BYTES

    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(served_url)
        page.get_by_role("tab", name="Files").click()
        page.locator("#uploads input[type=file]").set_input_files([
            {"name": "story.txt", "mimeType": "text/plain", "buffer": P[0][0].encode()},
            {"name": "big.txt", "mimeType": "text/plain", "buffer": b"a" * (FILE_MAX_BYTES + 1)},
        ])
        page.get_by_role("button", name="Translate files", exact=True).click()  # the page uploaded neither
        status = page.locator("#files-status")
        expect(status).to_contain_text(f"No file translated. Problems: story.txt: not uploaded: it was chosen with "
                                       f"a file over the size limit; upload it again without it; big.txt: not "
                                       f"uploaded: the file is {FILE_MAX_BYTES + 1:,} bytes", timeout=120_000)
