"""The server around the app and the HTTP API: body limits, logins, the shared turn, temporary files and signals."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import support
from gradio_client import Client, handle_file
from gradio_client.utils import Status
from support import GatedTranslator, free_port, live, wait_for

from translate import Translator
from translate import testing as factory
from translate.config import FAILURES_BEFORE_WAIT, FILE_MAX_BYTES, REQUEST_MAX_BYTES
from translate.errors import TranslateError
from web.server import accounts_from_env, body_limit, create_app
from web.service import Service

ROOT = Path(__file__).resolve().parents[1]
P = factory.PAIRS


@pytest.fixture(scope="module")
def service(memorised_marian) -> Iterator[Service]:
    service = Service(Translator(str(memorised_marian), beams=1), None)
    service.warm()
    yield service
    service.close()


# --- body limits ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def open_server(service) -> Iterator[str]:
    with live(create_app(service)) as url:
        yield url


@pytest.mark.parametrize(("path", "limit"), [
    ("/gradio_api/queue/join", REQUEST_MAX_BYTES),
    ("/translate", REQUEST_MAX_BYTES),
    ("/translate_file", FILE_MAX_BYTES + 64 * 1024),
    ("/gradio_api/upload", 20 * FILE_MAX_BYTES + 64 * 1024),
], ids=["gradio-queue", "api-translate", "api-file", "gradio-upload"])
def test_each_route_has_its_body_limit(path: str, limit: int) -> None:
    assert body_limit(path) == limit


@pytest.mark.parametrize("path", ["/gradio_api/queue/join", "/translate", "/gradio_api/run/translate"],
                         ids=["gradio-queue", "api-translate", "gradio-run"])
def test_oversized_body_is_refused_from_its_declared_length(open_server, path: str) -> None:
    body = b'{"data": ["' + "قال".encode() * (REQUEST_MAX_BYTES // 6 + 1) + b'"]}'
    answer = httpx.post(open_server.rstrip("/") + path, content=body, headers={"content-type": "application/json"},
                        timeout=30)
    assert answer.status_code == 413
    assert answer.json() == {"error": f"The request is too large: the limit is {REQUEST_MAX_BYTES:,} bytes."}


def test_oversized_streamed_body_is_refused_while_it_arrives(open_server) -> None:
    """A body sent in chunks, with no Content-Length (20 MB if nobody stops it), gets its 413 while it is still
    being sent: the client watches for the answer between chunks and stops at the first byte of it."""
    address = urlsplit(open_server)
    total, chunk = 320 * 65536, b"x" * 65536
    sent, answer = 0, b""
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        connection.sendall(b"POST /translate HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\n")
        while sent < total and not select.select([connection], [], [], 0)[0]:
            try:
                connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:  # the server closed the connection: its answer is already on its way
                break
            sent += len(chunk)
        with contextlib.suppress(OSError):
            while part := connection.recv(65536):
                answer += part
                if b"\r\n\r\n" in answer and answer.rstrip().endswith(b"}"):
                    break
    assert sent < total  # the server stopped it well before the end
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:200]
    assert json.loads(body) == {"error": f"The request is too large: the limit is {REQUEST_MAX_BYTES:,} bytes."}
    assert httpx.get(open_server.rstrip("/") + "/health", timeout=10).json() == {"status": "ok"}


def test_file_upload_route_takes_a_file_larger_than_a_request(open_server) -> None:
    data = ("قال الوزير.\n" * (2 * REQUEST_MAX_BYTES // 20)).encode()
    assert REQUEST_MAX_BYTES < len(data) < FILE_MAX_BYTES
    answer = httpx.post(open_server.rstrip("/") + "/gradio_api/upload", files={"files": ("big.txt", data)},
                        timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.json()[0].endswith("big.txt")


def test_files_over_the_per_file_limit_are_refused_by_the_upload(open_server) -> None:
    data = b"a" * (FILE_MAX_BYTES + 1)
    answer = httpx.post(open_server.rstrip("/") + "/gradio_api/upload", files={"files": ("huge.txt", data)},
                        timeout=60)
    assert answer.status_code == 413


# --- logins -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("environ", "expected"), [
    ({}, None),
    ({"KHABAR_AUTH": "editor:secret"}, [("editor", "secret")]),
    ({"KHABAR_AUTH": "editor: pass word "}, [("editor", " pass word ")]),
    ({"KHABAR_AUTH": "editor:a:b"}, [("editor", "a:b")]),
], ids=["none", "plain", "spaces-kept", "colon-in-password"])
def test_logins_from_the_environment(environ: dict, expected) -> None:
    assert accounts_from_env(environ) == expected


@pytest.mark.parametrize("value", [":", "user:", ":pass", "nopassword", " user:pass"],
                         ids=["colon", "no-password", "no-user", "no-colon", "spaced-user"])
def test_malformed_logins_are_refused(value: str) -> None:
    with pytest.raises(TranslateError, match="KHABAR_AUTH"):
        accounts_from_env({"KHABAR_AUTH": value})


def test_login_file_gives_each_editor_an_account(tmp_path) -> None:
    path = tmp_path / "logins"
    path.write_text("# newsroom\nsara:first pass\n\nomar:s3cret:x\n", encoding="utf-8")
    assert accounts_from_env({"KHABAR_AUTH_FILE": str(path)}) == [("sara", "first pass"), ("omar", "s3cret:x")]
    path.write_text("sara:one\nsara:two\n", encoding="utf-8")
    with pytest.raises(TranslateError, match="twice"):
        accounts_from_env({"KHABAR_AUTH_FILE": str(path)})
    path.write_text("sara\n", encoding="utf-8")
    with pytest.raises(TranslateError, match="line 1"):
        accounts_from_env({"KHABAR_AUTH_FILE": str(path)})


@pytest.mark.parametrize("value", [":", "user:", ":pass"], ids=["colon", "no-password", "no-user"])
def test_app_script_refuses_empty_credentials(value: str) -> None:
    done = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env={**os.environ, "KHABAR_AUTH": value},
                          capture_output=True, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: KHABAR_AUTH must be user:password"), lines


@pytest.fixture(scope="module")
def locked_server(service) -> Iterator[str]:
    accounts = [("editor", " pass word "), ("sara", "other")]
    with live(create_app(service, auth=accounts)) as url:
        yield url


def login(url: str, user: str, password: str, address: str = "127.0.0.1") -> httpx.Response:
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30) as client:
        return client.post(url.rstrip("/") + "/login", data={"username": user, "password": password})


def test_password_keeps_its_exact_characters(locked_server) -> None:
    assert login(locked_server, "sara", "other", "127.0.0.3").status_code == 200
    assert login(locked_server, "editor", "pass word", "127.0.0.3").status_code == 400
    assert login(locked_server, "editor", " pass word ", "127.0.0.3").json() == {"success": True}


def test_failed_logins_are_throttled_per_address(service) -> None:
    with live(create_app(service, auth=[("editor", " pass word ")])) as url:
        check_throttle(url)


def check_throttle(locked_server: str) -> None:
    statuses = [login(locked_server, "editor", f"guess {i}").status_code for i in range(100)]
    assert statuses[:FAILURES_BEFORE_WAIT] == [400] * FAILURES_BEFORE_WAIT
    assert statuses[FAILURES_BEFORE_WAIT] == 429
    assert statuses.count(429) > 80
    refused = login(locked_server, "editor", " pass word ")
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.json()["error"] and int(refused.headers["retry-after"]) >= 1
    other = login(locked_server, "editor", " pass word ", "127.0.0.2")
    assert other.status_code == 200 and other.json() == {"success": True}


def test_behind_a_proxy_logins_are_throttled_per_forwarded_client(service) -> None:
    def attempt(url: str, password: str, client: str, via: str = "127.0.0.1") -> int:
        with httpx.Client(transport=httpx.HTTPTransport(local_address=via), timeout=30) as http:
            return http.post(url + "login", data={"username": "editor", "password": password},
                             headers={"X-Forwarded-For": client}).status_code

    with live(create_app(service, auth=[("editor", "secret")])) as url:
        guesses = [attempt(url, f"guess {i}", "203.0.113.7") for i in range(FAILURES_BEFORE_WAIT + 1)]
        assert guesses == [400] * FAILURES_BEFORE_WAIT + [429]  # this machine is a trusted proxy by default
        assert attempt(url, "secret", "203.0.113.8") == 200  # another client behind the same proxy
        assert attempt(url, "secret", "203.0.113.7") == 429
        spoofed = [attempt(url, f"guess {i}", f"198.51.100.{i}", via="127.0.0.6")
                   for i in range(FAILURES_BEFORE_WAIT + 1)]
        assert spoofed[-1] == 429  # an untrusted client cannot name a new address for each try


PRIVATE = ["Translate an Arabic article", "translate_files", "/summarize", "Summarise an Arabic article"]


def test_without_login_the_page_is_only_the_login_page(locked_server) -> None:
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.4"), timeout=30) as client:
        page = client.get(locked_server)
        assert page.status_code == 200 and "window.gradio_api_info = {};" in page.text
        assert not [word for word in PRIVATE if word in page.text]
        for path, status in [("config", 401), ("info", 404), ("gradio_api/info", 401), ("gradio_api/openapi.json", 401),
                             ("gradio_api/info?all_endpoints=1", 401), ("?view=api", 200), ("openapi.json", 401),
                             ("docs", 401), ("redoc", 401)]:
            answer = client.get(locked_server + path)
            assert answer.status_code == status, (path, answer.status_code)
            assert not [word for word in PRIVATE if word in answer.text]
        assert client.post(locked_server + "login", data={"username": "sara", "password": "other"}).status_code == 200
        page = client.get(locked_server)
        assert "Translate an Arabic article" in page.text  # logged in: the page describes its API again
        assert client.get(locked_server + "config").status_code == 200
        assert client.get(locked_server + "openapi.json").status_code == 200


def test_client_logs_in_and_translates(locked_server) -> None:
    with pytest.raises(Exception, match=r"401|login|auth|[Cc]redentials"):
        Client(locked_server, verbose=False)
    client = Client(locked_server, auth=("sara", "other"), verbose=False)
    assert client.predict(P[0][0], api_name="/translate")[0] == P[0][1]


# --- the shared turn --------------------------------------------------------------------------------

def test_full_queue_refuses_exactly_the_extra_requests_and_the_api_shares_the_turn(memorised_marian) -> None:
    translator = GatedTranslator(str(memorised_marian), beams=1)
    service = Service(translator, None, max_waiting=2)
    queue_size, extra = 4, 4
    translator.hold_on = ""  # every translation waits at the gate
    try:
        with live(create_app(service, max_queue=queue_size)) as url:
            client = Client(url, verbose=False)
            first = client.submit(P[0][0], api_name="/translate")
            assert translator.held.wait(60), "the first request never reached the translator"
            jobs = []
            for i in range(1, queue_size + extra + 1):
                job = client.submit(P[i % len(P)][0], api_name="/translate")
                wait_for(lambda job=job: job.status().code in (Status.IN_QUEUE, Status.QUEUE_FULL, Status.FINISHED))
                jobs.append((i, job))
            # the HTTP API waits for the same turn: one waits, the next is told the server is busy
            api: dict[str, httpx.Response] = {}
            waiting = threading.Thread(target=lambda: api.setdefault("waiting", httpx.post(
                url + "translate", json={"q": P[5][0], "source": "ar", "target": "en"}, timeout=120)))
            waiting.start()
            wait_for(lambda: service._waiting == 2)
            busy = httpx.post(url + "translate", json={"q": P[6][0], "source": "ar", "target": "en"}, timeout=30)
            assert busy.status_code == 429 and busy.json()["error"].startswith("Slowdown")
            assert "waiting" not in api
            translator.release.set()
            assert first.result(timeout=120)[0] == P[0][1]
            refused, answered = [], []
            for i, job in jobs:
                try:
                    answered.append((i, job.result(timeout=120)[0]))
                except Exception as error:  # the client raises the queue's refusal
                    refused.append(str(error))
            waiting.join(120)
            assert api["waiting"].status_code == 200 and api["waiting"].json()["translatedText"] == P[5][1]
    finally:
        translator.release.set()
        service.close()
    assert len(refused) == extra, refused
    assert all("queue is full" in message.lower() for message in refused), refused
    assert answered == [(i, P[i % len(P)][1]) for i in range(1, queue_size + 1)]


# --- temporary files and signals --------------------------------------------------------------------

def test_old_request_folders_are_removed_on_a_timer(memorised_marian) -> None:
    service = Service(Translator(str(memorised_marian)), None)
    try:
        old, fresh = service.workdir / "old", service.workdir / "fresh"
        old.mkdir()
        fresh.mkdir()
        (old / "article.txt").write_text(P[0][0], encoding="utf-8")
        os.utime(old, (time.time() - 7200, time.time() - 7200))
        service.clean_every(0.05)
        wait_for(lambda: not old.exists(), timeout=30)
        assert fresh.is_dir()
    finally:
        service.close()
    assert not service.workdir.exists()


def wait_until_serving(process: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 180
    while True:
        try:
            httpx.get(url + "health", timeout=5)
            return
        except httpx.HTTPError:
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.5)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_app_script_removes_its_temporary_files_when_stopped(memorised_marian, memorised_mt5, tmp_path,
                                                            stop: signal.Signals) -> None:
    temp, uploads = tmp_path / "tmp", tmp_path / "gradio"
    temp.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "KHABAR_BEAMS": "1", "TMPDIR": str(temp), "GRADIO_TEMP_DIR": str(uploads)}
    process = subprocess.Popen([sys.executable, "app.py", "--model", str(memorised_marian), "--summary-model",
                                str(memorised_mt5), "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(process, url)
        article = tmp_path / "article.txt"
        article.write_text(factory.ARTICLE_AR, encoding="utf-8")
        client = Client(url, verbose=False)
        _, status = client.predict([handle_file(str(article))], False, api_name="/translate_files")
        assert "1 of 1 files translated" in status
        assert [p.name for p in temp.iterdir() if p.name.startswith("khabar-app-")]
        assert any(p.is_file() for p in uploads.rglob("*"))  # the upload and the output Gradio serves
        process.send_signal(stop)
        assert process.wait(timeout=60) == 0, process.stdout.read().decode()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not [p.name for p in temp.iterdir() if p.name.startswith("khabar-")]
    assert list(uploads.iterdir()) == []


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_during_a_slow_translation_ends_the_app_at_once_and_answers_the_requests(
        random_marian, tmp_path, stop: signal.Signals) -> None:
    """A service manager's stop: the app ends within seconds though a long translation is running, the
    API request in flight gets a JSON 503 and the page's request a message; no temporary file is left."""
    temp, uploads = tmp_path / "tmp", tmp_path / "gradio"
    temp.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "KHABAR_BEAMS": "8", "TMPDIR": str(temp), "GRADIO_TEMP_DIR": str(uploads)}
    process = subprocess.Popen([sys.executable, "app.py", "--model", str(random_marian), "--no-summary", "--port",
                                str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # A model with random weights writes every sentence to its longest; long, distinct sentences near the
    # size limit make each request several seconds of work even on a fast machine.
    sentence = " و ".join(text.rstrip(".؟!") for text in factory.ARABIC_TEXTS)
    article = "\n\n".join(f"{sentence} {number}" for number in range(150))
    api: dict[str, httpx.Response] = {}
    try:
        wait_until_serving(process, url)
        page = Client(url, verbose=False).submit(article, api_name="/translate")
        asking = threading.Thread(target=lambda: api.setdefault("answer", httpx.post(
            url + "translate", json={"q": article, "source": "ar", "target": "en"}, timeout=120)))
        asking.start()
        time.sleep(2)  # both requests are in flight: one translating, one waiting for its turn
        assert process.poll() is None and "answer" not in api
        stopped_at = time.monotonic()
        process.send_signal(stop)
        code = process.wait(timeout=60)
        took = time.monotonic() - stopped_at
        asking.join(30)
        with pytest.raises(Exception, match=r"The server is shutting down: try again in a moment\."):
            page.result(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = process.stdout.read().decode()
    assert took < 10, f"the app took {took:.0f} s to stop\n{output}"
    assert code == 0, output
    assert api["answer"].status_code == 503
    assert api["answer"].json() == {"error": "The server is shutting down: try again in a moment."}
    assert not [p.name for p in temp.iterdir() if p.name.startswith("khabar-")]
    assert list(uploads.iterdir()) == []


@pytest.mark.browser
def test_login_page_works_in_a_real_browser(locked_server) -> None:
    from playwright.sync_api import expect

    with support.browser() as browser:
        page = browser.new_page()
        page.goto(locked_server)
        page.get_by_label("username").fill("sara")
        page.get_by_label("password").fill("other")
        page.get_by_role("button", name="Login").click()
        expect(page.locator("#arabic-input textarea")).to_be_visible(timeout=60_000)
