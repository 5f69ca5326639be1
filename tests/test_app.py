"""The web app through a real client, under load, and in a real browser."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import zipfile
from pathlib import Path

import factory
import pytest
from gradio_client import Client, handle_file
from test_batch import make_docx

from app import MAX_CHARS, Service, build_app
from summarize import Summarizer
from translate import Translator

ROOT = Path(__file__).resolve().parents[1]
P = factory.PAIRS


@pytest.fixture(scope="module")
def served(memorised_marian, memorised_mt5):
    service = Service(Translator(str(memorised_marian), beams=1), Summarizer(str(memorised_mt5)))
    service.warm()
    demo = build_app(service, max_queue=4, concurrency=1)
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", max_file_size="10mb", quiet=True)
    yield url
    demo.close()


@pytest.fixture(scope="module")
def client(served) -> Client:
    return Client(served, verbose=False)


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
    assert Path(txt).read_text("utf-8") == factory.ARTICLE_EN + "\n"
    assert "10 sentences, 0 to double-check" in status


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The input is empty"),
        ("   \n ", "The input is empty"),
        ("This article is written in English.", "does not look like Arabic"),
        ("قال الوزير " * (MAX_CHARS // 5), "limit is 100,000"),
    ],
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
    assert [Path(f).name for f in files] == ["one.en.txt"]
    with pytest.raises(Exception, match="Upload at least one file"):
        client.predict([], False, api_name="/translate_files")


def test_twenty_simultaneous_requests_complete_or_are_told_busy(served) -> None:
    def one(i: int) -> str:
        try:
            english, _ = Client(served, verbose=False).predict(P[i % len(P)][0], api_name="/translate")
        except Exception as error:  # the client raises the server's "queue is full" answer
            return f"error: {error}"
        return english

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(one, range(20), timeout=240))
    assert len(results) == 20
    answered = [r for i, r in enumerate(results) if r == P[i % len(P)][1]]
    refused = [r for r in results if r.startswith("error:")]
    assert len(answered) + len(refused) == 20, results
    assert answered, "some requests must be served"
    assert all("queue" in r.lower() or "busy" in r.lower() or "full" in r.lower() for r in refused), refused


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
def test_real_browser_shows_translation_summaries_and_review(served) -> None:
    if chromium() is None:
        if os.environ.get("KHABAR_REQUIRE_BROWSER"):
            pytest.fail("chromium is required for the browser test (KHABAR_REQUIRE_BROWSER is set)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(served)
        box = page.locator("#arabic-input textarea")
        box.fill(factory.ARTICLE_AR)
        assert box.evaluate("e => getComputedStyle(e).direction") == "rtl"
        page.get_by_role("button", name="Translate", exact=True).click()
        english = page.locator("#english-output textarea")
        expect(english).to_have_value(factory.ARTICLE_EN, timeout=120_000)
        expect(page.locator("#summary-en textarea")).to_have_value(factory.SUMMARY_EN, timeout=120_000)
        expect(page.locator("#summary-ar textarea")).to_have_value(factory.SUMMARY_AR, timeout=120_000)
        table = page.locator("#review-table")
        for _, english_sentence in P[:3]:
            expect(table).to_contain_text(english_sentence.split(":")[0])
        artifacts = ROOT / "artifacts"
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / "app.png"), full_page=True)
        browser.close()
    assert (artifacts / "app.png").stat().st_size > 10_000


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("auth", ["", "editor:secret"])
def test_app_script_serves_the_page(memorised_marian, memorised_mt5, auth: str) -> None:
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    env = {**os.environ, "KHABAR_BEAMS": "1", "KHABAR_AUTH": auth}
    process = subprocess.Popen([sys.executable, "app.py", "--model", str(memorised_marian), "--summary-model",
                                str(memorised_mt5), "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=5)
                break
            except OSError as error:
                status = getattr(error, "code", None)
                if status == 401:  # behind a login
                    page = None
                    break
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "the app did not start"
                time.sleep(0.5)
        if auth:
            assert page is None
            with pytest.raises(Exception, match=r"401|login|auth"):
                Client(f"http://127.0.0.1:{port}/", verbose=False).predict(P[0][0], api_name="/translate")
            logged_in = Client(f"http://127.0.0.1:{port}/", auth=("editor", "secret"), verbose=False)
            assert logged_in.predict(P[0][0], api_name="/translate")[0] == P[0][1]
        else:
            assert "Khabar" in page.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_app_script_refuses_a_malformed_auth_setting(tmp_path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env={**os.environ, "KHABAR_AUTH": "nopassword"},
                          capture_output=True, timeout=120)
    assert done.returncode == 2
    assert b"KHABAR_AUTH must be user:password" in done.stderr


@pytest.mark.parametrize("path", ["/etc/passwd", "../../../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd"])
def test_server_files_are_not_readable_through_the_app(served, path: str) -> None:
    import urllib.error
    import urllib.request

    for prefix in ("gradio_api/file=", "file=", "gradio_api/file/"):
        try:
            body = urllib.request.urlopen(f"{served.rstrip('/')}/{prefix}{path}", timeout=10).read()
        except urllib.error.HTTPError as error:
            assert error.code in (403, 404, 400), error.code
            continue
        assert b"root:" not in body
