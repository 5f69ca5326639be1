"""``python app.py`` as an operator starts it: help and bad settings answer before any heavy library is
imported, a failed start leaves no temporary folder, and a good start says where it serves."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from support import free_port

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers", "gradio", "ctranslate2")


def run_app(*args: str, env: dict[str, str] | None = None) -> tuple[int, list[str], set[str]]:
    """Run ``app.py`` to its end: (exit code, its stderr lines, the top-level modules it imported)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "app.py", *args], cwd=ROOT, capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=300)
    lines = done.stderr.decode().splitlines()
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in lines if line.startswith("import time:")}
    return done.returncode, [line for line in lines if not line.startswith("import time:")], imported


def ours(folder: Path) -> list[str]:
    """The app's own temporary folders in ``folder`` (libraries such as torch leave their own caches there)."""
    return [path.name for path in folder.iterdir() if path.name.startswith("khabar-")]


def first_line(process: subprocess.Popen, patience: float = 300) -> str:
    """The first line ``process`` writes to its standard output ("" if none comes: no test hangs for ever)."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=patience)
    except queue.Empty:
        return ""


def test_help_answers_without_the_heavy_libraries() -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "app.py", "--help"], cwd=ROOT, capture_output=True,
                          timeout=300)
    assert done.returncode == 0
    assert "--summary-model" in done.stdout.decode() and "--no-ui" in done.stdout.decode()
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.decode().splitlines() if "|" in line}
    assert "translate.config" in imported  # the check below reads real import lines
    assert not imported & set(HEAVY)


@pytest.mark.parametrize(
    ("env", "code", "message"),
    [({"KHABAR_AUTH": ":"}, 2, "error: KHABAR_AUTH must be user:password"),
     ({"KHABAR_PUBLIC_URL": "evil.example/x"}, 2, "error: KHABAR_PUBLIC_URL must be an http(s) address"),
     ({"KHABAR_PORT": "eighty"}, 2, "error: KHABAR_PORT='eighty' is not a valid int."),
     ({"KHABAR_HOST": "192.0.2.1"}, 2, "error: Cannot listen on 192.0.2.1:7860: Cannot assign requested address."),
     ({"KHABAR_BEAMS": "0"}, 2, "app.py: error: The number of beams must be 1 or more."),
     ({"KHABAR_MODEL": "./no-such-folder"}, 1, "error: There is no model folder at './no-such-folder' "
                                               "(--model or KHABAR_MODEL)")],
    ids=["auth", "public-url", "port", "host", "beams", "model-folder"],
)
def test_a_bad_setting_is_one_line_before_the_heavy_libraries(tmp_path, env: dict[str, str], code: int,
                                                              message: str) -> None:
    returncode, lines, imported = run_app(env={**env, "TMPDIR": str(tmp_path)})
    assert returncode == code
    assert lines[-1].startswith(message), lines
    assert len([line for line in lines if "error" in line]) == 1, lines
    assert not imported & {"torch", "gradio", "ctranslate2"}, imported
    assert ours(tmp_path) == []


def test_a_port_in_use_is_said_before_the_models_load(random_marian, tmp_path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        returncode, lines, imported = run_app("--model", str(random_marian), "--port", str(port),
                                              env={"TMPDIR": str(tmp_path)})
    assert returncode == 2
    assert lines == [f"error: Cannot listen on 127.0.0.1:{port}: Address already in use."]
    assert not imported & {"torch", "gradio", "ctranslate2"}, imported


@pytest.mark.parametrize("broken", ["--model", "--summary-model"])
def test_a_model_that_does_not_load_leaves_no_temporary_folder(random_marian, random_mt5, tmp_path,
                                                                broken: str) -> None:
    temp, uploads, empty = tmp_path / "tmp", tmp_path / "gradio", tmp_path / "not-a-model"
    temp.mkdir()
    empty.mkdir()
    models = {"--model": str(random_marian), "--summary-model": str(random_mt5), broken: str(empty)}
    returncode, lines, _ = run_app(*[item for pair in models.items() for item in pair], "--port", str(free_port()),
                                   env={"TMPDIR": str(temp), "GRADIO_TEMP_DIR": str(uploads)})
    assert returncode == 1
    option = broken.lstrip("-").replace("-", "_").upper()
    assert lines[-1] == (f"error: '{empty}' is not a saved model folder: it has no config.json "
                         f"({broken} or KHABAR_{option})."), lines
    assert ours(temp) == []  # no khabar-app-* scratch folder
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_a_good_start_prints_where_it_serves(random_marian, random_mt5, tmp_path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = free_port()
    env = {**os.environ, "TMPDIR": str(temp), "GRADIO_TEMP_DIR": str(tmp_path / "gradio")}
    process = subprocess.Popen([sys.executable, "app.py", "--model", str(random_marian), "--summary-model",
                                str(random_mt5), "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        line = first_line(process)
        assert line == f"ready at http://127.0.0.1:{port}\n"
        assert httpx.get(f"http://127.0.0.1:{port}/languages", timeout=30).status_code == 200  # serving already
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert ours(temp) == []
