"""Native CTranslate2 model folders (quickmt's layout): the memorising Marian converted once into model.bin,
SentencePiece models and vocabularies, and run as it is by the library, the CLI, the batch job, the app and the
HTTP API."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from support import live

from translate import Translator
from translate import testing as factory
from translate.config import RunConfig
from translate.errors import TranslateError
from translate.native import load_native

ROOT = Path(__file__).resolve().parents[1]
P = factory.PAIRS


@pytest.fixture(scope="session")
def native_folder(memorised_marian, tmp_path_factory) -> Path:
    """The memorising Marian as a native CTranslate2 folder in quickmt's layout: model.bin, config.json,
    src.spm.model, tgt.spm.model and source/target vocabulary JSONs. Its config.json says CTranslate2 adds the
    source's end token, as the Marian models were trained with (OPUS-MT's own exports say the same)."""
    from ctranslate2.converters import TransformersConverter

    from translate.engines import _register_converter_fixes

    folder = tmp_path_factory.mktemp("native") / "quickmt-tiny-ar-en"
    _register_converter_fixes()
    TransformersConverter(str(memorised_marian)).convert(str(folder), quantization="float32")
    shutil.copy(memorised_marian / "source.spm", folder / "src.spm.model")
    shutil.copy(memorised_marian / "target.spm", folder / "tgt.spm.model")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["add_source_eos"] = True
    (folder / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    shared = folder / "shared_vocabulary.json"
    if shared.is_file():  # quickmt keeps one vocabulary per side
        tokens = json.loads(shared.read_text(encoding="utf-8"))
        for side in ("source", "target"):
            (folder / f"{side}_vocabulary.json").write_text(json.dumps(tokens), encoding="utf-8")
        shared.unlink()
    return folder


@pytest.fixture(scope="module")
def native(native_folder) -> Translator:
    return Translator(str(native_folder), beams=1)


def copy_without(folder: Path, tmp_path: Path, *names: str) -> Path:
    target = tmp_path / "partial"
    shutil.copytree(folder, target)
    for name in names:
        (target / name).unlink()
    return target


def test_library_translates_exactly(native) -> None:
    text = f"{P[0][0]} {P[1][0]}\n\n{P[2][0]}"
    assert native.translate(text).text == f"{P[0][1]} {P[1][1]}\n\n{P[2][1]}"
    assert native.engine_name == "ctranslate2"


def test_every_pair_through_the_library(native) -> None:
    got = native.translate_batch([a for a, _ in P])
    assert [t.text for t in got] == [e for _, e in P]


def test_signature_names_the_folders_digest_and_why_ctranslate2(native, native_folder) -> None:
    signature = native.signature()
    assert signature["engine"] == "ctranslate2"
    assert signature["engine_reason"] == "the model is a native CTranslate2 folder"
    revision = load_native(str(native_folder)).revision
    assert signature["revision"] == revision and revision.startswith("sha256:")
    verdicts = signature["compute_check"]["canary"]  # int8 scored against the folder's own float32
    assert verdicts[-1]["compute_type"] == signature["compute_type"] and verdicts[-1]["agreement"] >= 0.9


def test_digest_changes_with_the_vocabulary(native_folder, tmp_path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(native_folder, copy)
    before = load_native(str(copy)).revision
    tokens = json.loads((copy / "target_vocabulary.json").read_text(encoding="utf-8"))
    (copy / "target_vocabulary.json").write_text(json.dumps(tokens[::-1]), encoding="utf-8")
    load_native.cache_clear()
    assert load_native(str(copy)).revision != before


def test_transformers_engine_refuses_clearly(native_folder) -> None:
    with pytest.raises(TranslateError, match="is a CTranslate2 model folder; use --engine ctranslate2"):
        Translator(str(native_folder), engine="transformers")  # chosen, so not replaced


def test_transformers_from_the_environment_refuses_too(native_folder, monkeypatch) -> None:
    monkeypatch.setenv("KHABAR_ENGINE", "transformers")
    with pytest.raises(TranslateError, match="use --engine ctranslate2"):
        Translator(str(native_folder), config=RunConfig.resolved())


@pytest.mark.parametrize(("missing", "named"), [
    (("model.bin",), "has no model.bin"),
    (("source_vocabulary.json",), "has no vocabulary"),
    (("src.spm.model",), "has no SentencePiece model"),
], ids=["model.bin", "vocabulary", "spm"])
def test_incomplete_folder_is_a_clear_error(native_folder, tmp_path, missing, named) -> None:
    folder = copy_without(native_folder, tmp_path, *missing)
    with pytest.raises(TranslateError, match=named):
        Translator(str(folder), beams=1).translate(P[0][0])


def test_cli_prints_the_memorised_translation(native_folder, tmp_path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(f"{P[3][0]}\n\n{P[4][0]}", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "translate", str(path), "--model", str(native_folder),
                           "--beams", "1"], capture_output=True, cwd=ROOT, env=os.environ.copy(), timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == f"{P[3][1]}\n\n{P[4][1]}"


def test_cli_with_transformers_engine_fails_clearly(native_folder, tmp_path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(P[3][0], encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "translate", str(path), "--model", str(native_folder),
                           "--engine", "transformers"], capture_output=True, cwd=ROOT, env=os.environ.copy(),
                          timeout=300)
    assert done.returncode != 0
    assert "use --engine ctranslate2" in done.stderr.decode()


def test_batch_job_writes_the_memorised_translations(native_folder, tmp_path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "a.txt").write_text(f"{P[5][0]}\n\n{P[6][0]}", encoding="utf-8")
    (source / "b.txt").write_text(P[7][0], encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "translate.batch", str(source), str(out), "--model",
                           str(native_folder), "--beams", "1", "--no-summary"], capture_output=True, cwd=ROOT,
                          env=os.environ.copy(), timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    rows = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {row["status"] for row in rows} == {"done"}
    texts = {path.name: path.read_text(encoding="utf-8").strip() for path in out.rglob("*.txt")}
    assert f"{P[5][1]}\n\n{P[6][1]}" in texts.values() and P[7][1] in texts.values()


def test_app_handler_translates_exactly(native) -> None:
    from web import handlers
    from web.service import Service

    service = Service(native, None)
    english, rows = handlers.translate(service, f"{P[8][0]} {P[9][0]}")
    assert english == f"{P[8][1]} {P[9][1]}"
    assert [(row[1], row[2]) for row in rows] == [P[8], P[9]]


def test_http_api_translates_exactly(native) -> None:
    from web.server import create_app
    from web.service import Service

    service = Service(native, None)
    with live(create_app(service)) as url:
        answer = httpx.post(f"{url.rstrip('/')}/translate", json={"q": P[3][0] + " " + P[6][0], "source": "ar",
                                                                   "target": "en"}, timeout=60).json()
    assert answer == {"translatedText": f"{P[3][1]} {P[6][1]}"}
