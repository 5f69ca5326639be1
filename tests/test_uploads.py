"""Only files a client uploaded to this server can be read through the app: a hostile client names
server files, links, folders, FIFOs and other spellings of paths in the HTTP API, and gets one and
the same refusal for all of them, whether they exist or not."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import gradio as gr
import httpx
import pytest
from test_server import live

from translate import Translator
from translate import testing as factory
from web import handlers
from web.server import create_app
from web.service import Service
from web.uploads import REFUSED, TOO_DEEP, UploadRefused, Uploads, named_files

ROOT = Path(__file__).resolve().parents[1]
P = factory.PAIRS
SECRET = "قال الوزير إن الاقتصاد ينمو."  # Arabic, so a file holding it would be translated if it were read


@pytest.fixture(scope="module")
def app_with_folder(memorised_marian, tmp_path_factory) -> Iterator[tuple[str, Service, Path]]:
    """The app served with its own upload folder; yields (URL, service, upload folder)."""
    folder = tmp_path_factory.mktemp("uploads")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADIO_TEMP_DIR", str(folder))
        service = Service(Translator(str(memorised_marian), beams=1), None)
        try:
            with live(create_app(service)) as url:
                yield url, service, folder
        finally:
            service.close()


@pytest.fixture(scope="module")
def served(app_with_folder) -> str:
    return app_with_folder[0]


def upload(url: str, name: str, data: bytes) -> str:
    """Upload one file as the page does; returns the path the server hands back."""
    answer = httpx.post(url + "gradio_api/upload", files={"files": (name, data)}, timeout=60)
    assert answer.status_code == 200, answer.text
    (path,) = answer.json()
    return path


def file_data(path: object, name: str = "story.txt") -> dict:
    return {"path": path, "meta": {"_type": "gradio.FileData"}, "orig_name": name}


def call(url: str, api: str, data: list) -> httpx.Response:
    return httpx.post(url + f"gradio_api/call/{api}", json={"data": data}, timeout=60)


def result(url: str, api: str, answer: httpx.Response) -> str:
    """The event stream of an accepted call, as text."""
    assert answer.status_code == 200, answer.text
    return httpx.get(url + f"gradio_api/call/{api}/{answer.json()['event_id']}", timeout=120).text


@pytest.fixture()
def secret_file(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def hostile_paths(url: str, folder: Path, secret: Path, tmp_path: Path) -> dict[str, object]:
    """Every way a client might name a file it did not upload here."""
    uploaded = upload(url, "story.txt", P[0][0].encode())
    here = Path(uploaded).parent
    planted = folder / "planted.txt"
    planted.symlink_to(secret)
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    other = tmp_path / "gradio-other" / ("0" * 64)  # another Gradio app's temporary folder
    other.mkdir(parents=True)
    (other / "story.txt").write_text(SECRET, encoding="utf-8")
    relative = os.path.relpath(secret, here)
    return {
        "/etc/passwd": "/etc/passwd",
        "system temp file": str(secret),
        "project file": str(ROOT / "examples" / "article_ar.txt"),
        "project file, relative": "examples/article_ar.txt",
        "symlink planted in the upload folder": str(planted),
        "dot-dot from an upload": f"{here}/{relative}",
        "dot-dot back to an upload": f"{here}/../{here.name}/story.txt",
        "dot segment": f"{here}/./story.txt",
        "double slash": uploaded.replace("/", "//", 1),
        "another gradio folder": str(other / "story.txt"),
        "url-encoded": uploaded.replace("/", "%2F"),
        "url-encoded dot-dot": f"{here}/%2e%2e/%2e%2e/{secret.name}",
        "NUL byte": uploaded + "\x00.txt",
        "the upload folder": str(folder),
        "a folder holding an upload": str(here),
        "FIFO in the upload folder": str(fifo),
        "/dev/zero": "/dev/zero",
        "/proc/self/environ": "/proc/self/environ",
        "http URL": "http://127.0.0.1:9/story.txt",
        "file URL": f"file://{secret}",
        "a number": 7,
        "null": None,
        "missing file": str(tmp_path / "no-such-file.txt"),
        "missing file in the upload folder": str(here / "other.txt"),
    }


def test_every_hostile_path_gets_the_same_refusal_and_nothing_is_read(app_with_folder, secret_file,
                                                                      tmp_path) -> None:
    url, _, folder = app_with_folder
    paths = hostile_paths(url, folder, secret_file, tmp_path)
    answers = {}
    for case, path in paths.items():
        for where, api, data in [
                ("file", "translate_files", [[file_data(path)], False, None]),
                ("files tab glossary", "translate_files", [[file_data(upload(url, "ok.txt", P[1][0].encode()))],
                                                           False, file_data(path, "house.tsv")]),
                ("paste tab glossary", "article", [P[0][0], False, file_data(path, "house.tsv"), None])]:
            answer = call(url, api, data)
            answers[(case, where)] = (answer.status_code, answer.json())
    assert len(answers) == 3 * len(paths)
    assert {key: value for key, value in answers.items() if value != (403, {"error": REFUSED, "detail": REFUSED})} == {}
    copies = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink() and SECRET in p.read_text(
        "utf-8", errors="replace")]
    assert copies == []  # nothing was copied into Gradio's cache either


def test_a_file_uploaded_here_is_translated(served) -> None:
    path = upload(served, "story.txt", P[0][0].encode())
    events = result(served, "translate_files", call(served, "translate_files", [[file_data(path)], False, None]))
    assert "1 of 1 files translated." in events


def test_an_upload_replaced_by_a_link_or_a_fifo_is_refused(served, secret_file) -> None:
    for replace in (lambda path: path.symlink_to(secret_file), os.mkfifo):
        path = Path(upload(served, "story.txt", P[2][0].encode()))
        path.unlink()
        replace(path)
        answer = call(served, "translate_files", [[file_data(str(path))], False, None])
        assert (answer.status_code, answer.json()["error"]) == (403, REFUSED)


def test_the_queue_route_and_nested_objects_are_checked_too(served) -> None:
    join = httpx.post(served + "gradio_api/queue/join", json={
        "data": [[file_data("/etc/passwd")], False, None], "fn_index": 0, "session_hash": "abc"}, timeout=30)
    assert (join.status_code, join.json()["error"]) == (403, REFUSED)
    hidden = call(served, "translate", [{"deep": [{"path": "/etc/passwd"}]}])
    assert (hidden.status_code, hidden.json()["error"]) == (403, REFUSED)
    plain_text = httpx.post(served + "gradio_api/call/translate_files", timeout=30, headers={
        "content-type": "text/plain"}, content=b'{"data": [[{"path": "/etc/passwd"}], false, null]}')
    assert (plain_text.status_code, plain_text.json()["error"]) == (403, REFUSED)
    deep = httpx.post(served + "gradio_api/call/translate", timeout=30, headers={"content-type": "application/json"},
                      content=b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert (deep.status_code, deep.json()["error"]) == (400, TOO_DEEP)


def test_the_handler_refuses_a_path_not_uploaded_even_when_called_alone(app_with_folder, secret_file) -> None:
    _, service, _ = app_with_folder
    with pytest.raises(gr.Error, match="not uploaded to this server"):
        handlers.translate_files(service, [str(secret_file)], False)
    with pytest.raises(gr.Error, match="not uploaded to this server"):
        handlers.request_glossary(service, str(secret_file))


def test_files_per_call_are_capped(app_with_folder) -> None:
    url, service, _ = app_with_folder
    paths = [upload(url, f"s{i}.txt", P[i % len(P)][0].encode()) for i in range(21)]
    with pytest.raises(gr.Error, match="21 files were sent; the limit is 20 at a time"):
        handlers.translate_files(service, paths, False)
    events = result(url, "translate_files", call(url, "translate_files", [[file_data(p) for p in paths], False, None]))
    assert "21 files were sent; the limit is 20 at a time" in events


# --- the registry alone --------------------------------------------------------------------------------

def test_a_remembered_upload_expires_and_links_on_the_way_are_refused(tmp_path) -> None:
    uploads = Uploads(max_age=0.2)
    (tmp_path / "real").mkdir()
    story = tmp_path / "real" / "story.txt"
    story.write_text(SECRET, encoding="utf-8")
    uploads.add([str(story)])
    assert uploads.read(str(story), max_bytes=1000) == SECRET.encode()
    (tmp_path / "real").rename(tmp_path / "moved")
    (tmp_path / "real").symlink_to(tmp_path / "moved")  # the folder is now a link to where it went
    with pytest.raises(UploadRefused):
        uploads.check(str(story))
    (tmp_path / "real").unlink()
    (tmp_path / "moved").rename(tmp_path / "real")
    assert uploads.check(str(story)) == str(story)
    time.sleep(0.3)
    with pytest.raises(UploadRefused):
        uploads.check(str(story))


def test_files_are_found_in_any_nesting_without_recursion() -> None:
    nested: object = {"path": "/a"}
    for _ in range(50_000):
        nested = [nested]
    assert list(named_files({"data": [nested, {"x": {"path": None}}]})) == [None, "/a"]
