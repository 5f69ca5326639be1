"""Real LibreTranslate clients against a live server: browsers (CORS), libretranslatepy, deep-translator, the npm
``libretranslate`` client, replays of Weblate's, Nextcloud's and Crow Translate's requests, and checks written
after what LibreTranslate's own API tests check."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support import browser, live

from translate import Translator
from translate import testing as factory
from web.service import Service

P = factory.PAIRS
ROOT = Path(__file__).resolve().parents[1]
NPM_CLIENT = Path(os.environ.get("KHABAR_NPM_CLIENT_DIR") or ROOT / ".ci" / "npm")  # where .ci/run installs it


@contextlib.contextmanager
def api_server(service: Service, *, ui: bool = False) -> Iterator[str]:
    """The API (beside the editors' page with ``ui``) served live; yields its URL without the final slash."""
    from web.server import create_app

    with live(create_app(service, ui=ui)) as url:
        yield url.rstrip("/")


@pytest.fixture(scope="module")
def translator(memorised_marian) -> Translator:
    return Translator(str(memorised_marian), beams=1)


@pytest.fixture(scope="module")
def url(translator) -> Iterator[str]:
    with api_server(Service(translator, None)) as address:
        yield address


# --- CORS ------------------------------------------------------------------------------------------

PREFLIGHT = {"Origin": "https://cms.example.org", "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "content-type"}


@pytest.mark.parametrize("ui", [False, True], ids=["no-ui", "with-ui"])
def test_a_preflight_and_answers_carry_cors_headers_with_or_without_the_page(translator, ui: bool) -> None:
    with api_server(Service(translator, None), ui=ui) as address:
        preflight = httpx.options(f"{address}/translate", headers=PREFLIGHT, timeout=30)
        assert preflight.status_code == 200, preflight.text
        assert preflight.headers["access-control-allow-origin"] == "*"
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
        plain = httpx.options(f"{address}/languages", timeout=30)
        assert plain.status_code == 204 and "GET" in plain.headers["allow"]
        answer = httpx.post(f"{address}/translate", json={"q": P[3][0], "source": "ar", "target": "en"},
                            headers={"Origin": "https://cms.example.org"}, timeout=60)
        assert answer.json() == {"translatedText": P[3][1]}
        assert answer.headers["access-control-allow-origin"] == "*"
        error = httpx.post(f"{address}/translate", json={"source": "ar"}, headers={"Origin": "https://x.example"},
                           timeout=30)
        assert error.status_code == 400 and error.headers["access-control-allow-origin"] == "*"


def test_cors_origins_can_be_limited_or_switched_off(translator, monkeypatch) -> None:
    monkeypatch.setenv("KHABAR_CORS_ORIGINS", "https://cms.example.org, http://localhost:3000")
    with api_server(Service(translator, None)) as address:
        allowed = httpx.options(f"{address}/translate", headers=PREFLIGHT, timeout=30)
        assert allowed.headers["access-control-allow-origin"] == "https://cms.example.org"
        refused = httpx.options(f"{address}/translate", headers=PREFLIGHT | {"Origin": "https://evil.example"},
                                timeout=30)
        assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
    monkeypatch.setenv("KHABAR_CORS_ORIGINS", "none")
    with api_server(Service(translator, None)) as address:
        answer = httpx.get(f"{address}/languages", headers={"Origin": "https://cms.example.org"}, timeout=30)
        assert answer.status_code == 200 and "access-control-allow-origin" not in answer.headers


def test_a_bad_cors_origin_stops_the_app_at_start_in_one_line(translator, monkeypatch) -> None:
    from translate.errors import TranslateError
    from web.server import create_app

    monkeypatch.setenv("KHABAR_CORS_ORIGINS", "cms.example.org/path")
    with pytest.raises(TranslateError, match="KHABAR_CORS_ORIGINS"):
        create_app(Service(translator, None), ui=False)
    done = subprocess.run([sys.executable, "app.py", "--no-ui"], cwd=ROOT, timeout=120, capture_output=True,
                          env={**os.environ, "KHABAR_CORS_ORIGINS": "https://ok.example, cms.example.org/path"})
    assert done.returncode == 2
    assert done.stderr.decode().strip().splitlines() == [
        "error: KHABAR_CORS_ORIGINS takes *, none, or origins such as https://cms.example.org (scheme, host and "
        "port only), not 'cms.example.org/path'."]


FETCH = """async ([api, body]) => {
  try {
    const answer = await fetch(api + "/translate", {method: "POST", headers: {"Content-Type": "application/json"},
                                                    body: JSON.stringify(body)});
    return {status: answer.status, json: await answer.json()};
  } catch (error) {
    return {failed: String(error)};
  }
}"""


def page_app() -> object:
    """A page on another origin (another port) that a browser loads before it calls the API."""
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    async def page(request: object) -> HTMLResponse:
        return HTMLResponse("<!doctype html><title>another site</title><p>calls the API</p>")

    return Starlette(routes=[Route("/", page)])


def test_a_page_on_another_origin_reads_the_api_in_chromium(translator, monkeypatch) -> None:
    body = {"q": [P[4][0], "2024"], "source": "ar", "target": "en"}
    with browser() as chromium, live(page_app()) as site:
        page = chromium.new_page()
        with api_server(Service(translator, None)) as api:
            page.goto(site)
            answer = page.evaluate(FETCH, [api, body])
            assert answer == {"status": 200, "json": {"translatedText": [P[4][1], "2024"], "khabar": {
                "passed_through": [1], "reasons": ["no Arabic text to translate"]}}}
        monkeypatch.setenv("KHABAR_CORS_ORIGINS", "https://only.example.org")
        with api_server(Service(translator, None)) as api:
            page.goto(site)
            refused = page.evaluate(FETCH, [api, body])
            assert "failed" in refused and "fetch" in refused["failed"].lower()


# --- LibreTranslate's own API checks (tests/test_api), in our words, against the live server -----------

def test_translate_a_form_text(url) -> None:
    answer = httpx.post(f"{url}/translate", data={"q": P[0][0], "source": "ar", "target": "en", "format": "text"},
                        timeout=60)
    assert answer.status_code == 200 and answer.json()["translatedText"] == P[0][1]


def test_translate_a_json_batch(url) -> None:
    answer = httpx.post(f"{url}/translate", json={"q": [P[1][0], P[2][0]], "source": "ar", "target": "en",
                                                  "format": "text"}, timeout=60)
    assert answer.status_code == 200 and answer.json()["translatedText"] == [P[1][1], P[2][1]]


@pytest.mark.parametrize(("fields", "error"), [
    ({"q": P[0][0], "source": "ar", "target": "zz", "format": "text"}, "zz is not supported"),
    ({"source": "ar", "target": "en", "format": "text"}, "Invalid request: missing q parameter"),
], ids=["unsupported-language", "missing-q"])
def test_translate_refusals(url, fields: dict, error: str) -> None:
    answer = httpx.post(f"{url}/translate", data=fields, timeout=60)
    assert (answer.status_code, answer.json()) == (400, {"error": error})


def test_languages_health_spec_and_settings(url) -> None:
    languages = httpx.get(f"{url}/languages", timeout=30)
    assert languages.status_code == 200 and {"code", "name"} <= set(languages.json()[0])
    assert httpx.get(f"{url}/health", timeout=30).json() == {"status": "ok"}
    assert httpx.get(f"{url}/spec", timeout=30).status_code == 200
    assert httpx.get(f"{url}/frontend/settings", timeout=30).status_code == 200


@pytest.mark.parametrize(("method", "path"), [("post", "/languages"), ("post", "/health"), ("post", "/spec"),
                                              ("get", "/detect"), ("get", "/translate")])
def test_a_wrong_method_is_405(url, method: str, path: str) -> None:
    answer = getattr(httpx, method)(f"{url}{path}", timeout=30)
    assert answer.status_code == 405
    assert answer.json() == {"error": f"Method {method.upper()} is not allowed on {path}"}


def test_detect_a_language_and_refuse_an_empty_request(url) -> None:
    found = httpx.post(f"{url}/detect", data={"q": P[5][0]}, timeout=60)
    assert found.status_code == 200 and {"confidence", "language"} <= set(found.json()[0])
    empty = httpx.post(f"{url}/detect", timeout=30)
    assert empty.status_code == 400 and "error" in empty.json()


# --- real clients -----------------------------------------------------------------------------------

@pytest.fixture()
def keyed_url(translator, monkeypatch) -> Iterator[str]:
    monkeypatch.setenv("KHABAR_API_KEYS", "k-one")
    with api_server(Service(translator, None)) as address:
        yield address


def test_libretranslatepy_with_numbers_placeholders_and_a_key(url, keyed_url) -> None:
    from libretranslatepy import LibreTranslateAPI

    client = LibreTranslateAPI(url + "/")
    assert client.translate("2024", "ar", "en") == "2024"
    assert client.translate(f"%s: {P[6][0]}", "ar", "en") == f"%s: {P[6][1]}"
    assert client.detect(P[2][0])[0]["language"] == "ar"
    keyed = LibreTranslateAPI(keyed_url + "/", api_key="k-one")
    assert keyed.translate(P[7][0], "ar", "en") == P[7][1]


def test_deep_translator_libretranslator(url, keyed_url) -> None:
    from deep_translator import LibreTranslator

    client = LibreTranslator(source="ar", target="en", api_key="any key: none is set", custom_url=f"{url}/")
    assert client.translate(P[0][0]) == P[0][1]
    assert client.translate_batch([P[3][0], f"{P[4][0]} {{name}}"]) == [P[3][1], f"{P[4][1]} {{name}}"]
    keyed = LibreTranslator(source="ar", target="en", api_key="k-one", custom_url=f"{keyed_url}/")
    assert keyed.translate(P[8][0]) == P[8][1]
    wrong = LibreTranslator(source="ar", target="en", api_key="wrong", custom_url=f"{keyed_url}/")
    from deep_translator.exceptions import AuthorizationException

    with pytest.raises(AuthorizationException):
        wrong.translate(P[8][0])


NODE_CALL = """
const [packageDir, apiurl, query, apiKey] = process.argv.slice(1);  // node -e SCRIPT ARGS...
const { translate } = require(packageDir);
translate({query, source: "ar", target: "en", apiurl, apiKey})
  .then((text) => process.stdout.write(JSON.stringify(text)))
  .catch((error) => { console.error(String(error)); process.exit(1); });
"""
REQUIRE_CLIENTS = bool(os.environ.get("KHABAR_REQUIRE_BROWSER"))  # CI: read before the session clears KHABAR_*


def npm_client() -> Path:
    """The npm ``libretranslate`` package that .ci/run installs; the test is skipped without it or node, except
    in CI (``KHABAR_REQUIRE_BROWSER``), where it fails."""
    package = NPM_CLIENT / "node_modules" / "libretranslate"
    node = shutil.which("node")
    if node is None or not (package / "package.json").is_file():
        message = f"node and the npm libretranslate client (npm install --prefix {NPM_CLIENT} libretranslate@1.0.1)"
        if REQUIRE_CLIENTS:
            pytest.fail(f"{message} are required in CI")
        pytest.skip(f"{message} are not installed")
    assert json.loads((package / "package.json").read_text())["version"] == "1.0.1"
    return package


def run_node(package: Path, address: str, text: str, key: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(["node", "-e", NODE_CALL, str(package), address, text, key], capture_output=True,
                          text=True, timeout=120)


def test_the_npm_libretranslate_client(url, keyed_url) -> None:
    package = npm_client()
    for text, expected in [(P[9][0], P[9][1]), ("2024", "2024"), (f"{P[2][0]} %s", f"{P[2][1]} %s")]:
        done = run_node(package, url, text)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == expected
    keyed = run_node(package, keyed_url, P[5][0], "k-one")  # it sends the key as apiKey
    assert keyed.returncode == 0, keyed.stderr
    assert json.loads(keyed.stdout) == P[5][1]


# --- replays of what Weblate, Nextcloud and Crow Translate send -----------------------------------------

def test_weblate_batch_with_placeholders_numbers_and_its_own_masks(url) -> None:
    texts = ["%s", "2024", P[0][0], f"[X7X] {P[1][0]}", "Weblate", f"{P[3][0]} %(count)d"]
    answer = httpx.post(f"{url}/translate", json={"api_key": "", "q": texts, "source": "ar", "target": "en"},
                        timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.json()["translatedText"] == ["%s", "2024", P[0][1], f"[X7X] {P[1][1]}", "Weblate",
                                               f"{P[3][1]} %(count)d"]


def test_weblates_check_on_saving_the_service_names_the_missing_pair(url) -> None:
    answer = httpx.post(f"{url}/translate", json={"api_key": "", "q": ["test"], "source": "en", "target": "de"},
                        timeout=60)
    assert (answer.status_code, answer.json()) == (400, {"error": "en is not supported"})


def test_nextcloud_requests_text_detection_and_a_file(url) -> None:
    with httpx.Client(timeout=60) as client:
        client.post(f"{url}/")  # its connection test: any answer will do
        assert client.get(f"{url}/frontend/settings").json()["filesTranslation"] is True
        assert [language["code"] for language in client.get(f"{url}/languages").json()] == ["ar", "en"]
        detected = client.post(f"{url}/detect", params={"q": P[6][0]})
        assert detected.json()[0]["language"] == "ar"
        text = client.post(f"{url}/translate", files={"q": (None, f"<p>{P[6][0]}</p>"), "format": (None, "html"),
                                                      "source": (None, "ar"), "target": (None, "en")})
        assert text.json() == {"translatedText": f"<p>{P[6][1]}</p>"}
        sent = client.post(f"{url}/translate_file", files={
            "file": ("story.txt", f"{P[0][0]}\n\n{P[1][0]}".encode(), "text/plain"), "format": (None, "html"),
            "source": (None, "ar"), "target": (None, "en")})
        assert sent.status_code == 200, sent.text
        link = sent.json()["translatedFileUrl"]
        for _ in range(2):  # fetched again (a retry, a second user) the file is still there
            download = client.get(link)
            assert download.status_code == 200
            assert download.text.strip().split("\n\n") == [P[0][1], P[1][1]]
            assert download.headers["content-disposition"] == "attachment; filename*=UTF-8''story_en.txt"


def crow_chunks(text: str, size: int = 120) -> list[str]:
    """``text`` cut as Crow Translate cuts it: chunks of at most ``size`` characters, ended after the last
    sentence end that fits, else at the last space."""
    chunks, rest = [], text
    while len(rest) > size:
        ends = [i + 1 for i, char in enumerate(rest[:size]) if char in ".!?؟" and rest[i + 1:i + 2] == " "]
        cut = ends[-1] if ends else (rest.rfind(" ", 0, size) if rest.rfind(" ", 0, size) > 0 else size)
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip()
    return [*chunks, rest] if rest else chunks


def test_crow_translate_chunks_with_an_empty_key(url) -> None:
    chunks = [*crow_chunks(" ".join([P[0][0], P[1][0], P[2][0]])), "2024", "%s"]
    assert chunks[:2] == [f"{P[0][0]} {P[1][0]}", P[2][0]] and all(len(chunk) <= 120 for chunk in chunks)
    answers = [httpx.post(f"{url}/translate", data={"q": chunk, "source": "ar", "target": "en", "api_key": ""},
                          timeout=60) for chunk in chunks]
    assert [answer.status_code for answer in answers] == [200] * 4
    assert [answer.json()["translatedText"] for answer in answers] == [f"{P[0][1]} {P[1][1]}", P[2][1], "2024", "%s"]
