"""Golden outputs: what the command line, the summary command, the batch job and the HTTP API write for
the memorising models, byte for byte, signatures included, compared with the files under
``tests/data/golden/``.

Only what truly varies between runs is normalised: the temporary folders and the tiny models' folders
(each replaced by a name), the models' revisions (checked against the folders first, then named) and the
manifest's ``settings`` digests, which hash those folders' paths. The
golden files belong to the tiny models' builders (``translate/testing.py``): when a builder changes
on purpose, write them again with ``KHABAR_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and
read the diff (only scores may move; text, flags and the rest of every signature must not).
"""

from __future__ import annotations

import io
import json
import os
import re
import runpy
import sys
from pathlib import Path

import pytest

from translate import testing as factory

GOLDEN = Path(__file__).parent / "data" / "golden"
UPDATE = os.environ.get("KHABAR_UPDATE_GOLDEN") == "1"

ARTICLE_MD = "# " + factory.PAIRS[0][0] + "\n\n- " + factory.PAIRS[1][0] + "\n- " + factory.PAIRS[2][0] + "\n"
ARTICLE_HTML = (f'<html dir="rtl"><head><title>{factory.PAIRS[4][0]}</title></head><body>'
                f'<p>{factory.PAIRS[5][0]} <b>{factory.PAIRS[6][0]}</b></p><p>{factory.PAIRS[7][0]}</p></body></html>')
ARTICLES_JSONL = "".join(json.dumps({"id": i, "text": factory.PAIRS[i][0]}, ensure_ascii=False) + "\n" for i in (8, 9))


def run_command(module: str, argv: list[str], capsys) -> tuple[int, str]:
    """``python -m module argv...`` in this process: its exit code and standard output."""
    saved = sys.argv
    sys.argv = [module, *argv]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=False)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        sys.argv = saved
    return code, capsys.readouterr().out


class Normaliser:
    """Replaces temporary and model folders by names, and model revisions (checked first) by names."""

    def __init__(self, tmp_path: Path, models: dict[str, Path]) -> None:
        from translate.models import model_revision

        self.replacements = [(str(folder), f"<{name}>") for name, folder in models.items()]
        self.replacements += [(model_revision(str(folder)), f"<{name} revision>") for name, folder in models.items()]
        self.replacements.append((str(tmp_path), "<tmp>"))

    def __call__(self, text: str) -> str:
        for old, new in self.replacements:
            text = text.replace(old, new)
        return re.sub(r'"settings": "[0-9a-f]{16}"', '"settings": "<settings digest>"', text)


def compare(outputs: dict[str, str]) -> None:
    """Each output against its golden file (or, with ``KHABAR_UPDATE_GOLDEN=1``, written as the golden file)."""
    if UPDATE:
        for name, text in outputs.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, encoding="utf-8")
    for name, text in outputs.items():
        assert (GOLDEN / name).is_file(), f"no golden file {name}"
        assert text == (GOLDEN / name).read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.fixture()
def normalise(tmp_path, memorised_marian, memorised_mt5) -> Normaliser:
    return Normaliser(tmp_path, {"marian": memorised_marian, "mt5": memorised_mt5})


def test_the_command_line_writes_the_golden_json(tmp_path, memorised_marian, normalise, capsys) -> None:
    article = tmp_path / "article.txt"
    article.write_text(factory.ARTICLE_AR, encoding="utf-8")
    code, out = run_command("translate", [str(article), "--json", "--model", str(memorised_marian)], capsys)
    assert code == 0
    compare({"cli/translate.json": normalise(out)})


def test_the_summary_command_writes_the_golden_json(tmp_path, memorised_marian, memorised_mt5, normalise,
                                                    capsys) -> None:
    article = tmp_path / "article.txt"
    article.write_text(factory.ARTICLE_AR, encoding="utf-8")
    code, out = run_command("summarize", [str(article), "--json", "--model", str(memorised_marian),
                                          "--summary-model", str(memorised_mt5)], capsys)
    assert code == 0
    compare({"cli/summarize.json": normalise(out)})


def test_the_batch_job_writes_the_golden_outputs_and_manifest(tmp_path, memorised_marian, memorised_mt5, normalise,
                                                              capsys) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    (source / "world").mkdir(parents=True)
    (source / "article.txt").write_text(factory.ARTICLE_AR, encoding="utf-8")
    (source / "world" / "notes.md").write_text(ARTICLE_MD, encoding="utf-8")
    (source / "world" / "page.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (source / "wire.jsonl").write_text(ARTICLES_JSONL, encoding="utf-8")
    (source / "empty.txt").write_text("", encoding="utf-8")
    (source / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    code, _ = run_command("translate.batch", [str(source), str(out), "--model", str(memorised_marian),
                                              "--summary-model", str(memorised_mt5)], capsys)
    assert code == 1  # the empty file failed; everything else is done or skipped
    written = sorted(path.relative_to(out).as_posix() for path in out.rglob("*")
                     if path.is_file() and not path.name.startswith("."))  # not the lock file
    assert len(written) == 13, written  # 4 articles x (translation, summary, review) and the manifest
    compare({f"batch/{name}": normalise((out / name).read_text(encoding="utf-8")) for name in written})


def test_the_http_api_answers_the_golden_json_and_files(memorised_marian, normalise) -> None:
    from fastapi.testclient import TestClient

    from translate import Translator
    from web.server import create_app
    from web.service import Service

    service = Service(Translator(str(memorised_marian)), None)
    try:
        client = TestClient(create_app(service, ui=False))
        answers = {
            "api/translate-list.json": client.post("/translate", json={
                "q": [factory.PAIRS[0][0], factory.ARTICLE_AR], "source": "ar", "target": "en", "segments": True}),
            "api/translate-html.json": client.post("/translate", data={
                "q": ARTICLE_HTML, "source": "auto", "target": "en", "format": "html"}),
        }
        outputs = {}
        for name, answer in answers.items():
            assert answer.status_code == 200, answer.text
            outputs[name] = normalise(answer.text)
        for name, data in (("article.txt", factory.ARTICLE_AR), ("page.html", ARTICLE_HTML)):
            upload = client.post("/translate_file", data={"source": "ar", "target": "en"},
                                 files={"file": (name, io.BytesIO(data.encode("utf-8")))})
            assert upload.status_code == 200, upload.text
            url = upload.json()["translatedFileUrl"]
            download = client.get(url[url.index("/download_file/"):])
            assert download.status_code == 200
            outputs[f"api/file-{name}"] = download.content.decode("utf-8")
        compare(outputs)
    finally:
        service.close()
