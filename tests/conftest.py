"""Test session setup: no network, caches in temporary folders, tiny models built once."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from translate import testing as factory

_LOOPBACK = ("127.", "::1", "localhost")
_KEEP_MODELS = os.environ.get("KHABAR_TEST_MODELS")
_MODELS_START = "# --- the tiny models"  # where the model fixtures begin (see models_dir)
_TEST_GATES = ("KHABAR_REQUIRE_BROWSER",)  # read before the session fixture clears KHABAR_*


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    return isinstance(host, str) and host.startswith(_LOOPBACK)


@pytest.fixture(scope="session", autouse=True)
def offline(tmp_path_factory):
    """Point every cache at a temporary folder and make any non-loopback connection fail loudly."""
    home = tmp_path_factory.mktemp("home")
    env = {
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HOME": str(home / "hf"),
        "KHABAR_CACHE_DIR": str(home / "khabar"), "GRADIO_ANALYTICS_ENABLED": "False",
        "GRADIO_TEMP_DIR": str(home / "gradio"), "NO_PROXY": "*",
        # no translation memory unless a test opts in (KHABAR_MEMORY=sqlite:///... or a Translator's memory=)
        "KHABAR_MEMORY": "off", "KHABAR_DATA_DIR": str(home / "data"),
    }
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise RuntimeError(f"a test tried to reach the network ({address!r}); tests must stay offline")
        return real_connect(sock, address)

    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        # every setting cleared, but not the gate that makes a missing browser fail (CI) instead of skip
        for key in [k for k in os.environ if k.startswith("KHABAR_") and k not in env and k not in _TEST_GATES]:
            patch.delenv(key)
        patch.setattr(socket.socket, "connect", guarded_connect)
        yield


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """Where the tiny models are built: a fresh folder, or with ``KHABAR_TEST_MODELS`` set (local work,
    not CI) a folder kept between runs and keyed by the builders' source (``translate/testing.py`` and this
    file's model fixtures, below ``_MODELS_START``), so a changed builder rebuilds."""
    keep = _KEEP_MODELS
    if not keep:
        return tmp_path_factory.mktemp("models")
    source = Path(__file__).read_text(encoding="utf-8")
    builders = source[source.index("\n" + _MODELS_START):source.index("def pytest_report_header")]
    key = hashlib.sha256(Path(factory.__file__).read_bytes() + builders.encode()).hexdigest()[:12]
    folder = Path(keep) / key
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def built(folder: Path, build: Callable[[Path], Path]) -> Path:
    """``build(folder)``, unless a complete copy is already there; built aside and renamed into place,
    so that test runs sharing a kept models folder never see half a model."""
    if (folder / ".complete").is_file():
        return folder
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}-"))
    try:
        result = build(staging / folder.name)
        (result / ".complete").touch()
        if not (folder / ".complete").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(result, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


# --- the tiny models (their source keys the kept models folder) ----------------------------------

@pytest.fixture(scope="session")
def memorised_marian(models_dir) -> Path:
    """A tiny Marian ar→en model that translates :data:`factory.PAIRS` exactly."""
    return built(models_dir / "marian-memorised", lambda folder: factory.memorise(
        factory.build_marian(folder, source_texts=factory.ARABIC_TEXTS, target_texts=factory.ENGLISH_TEXTS),
        factory.PAIRS))


@pytest.fixture(scope="session")
def random_marian(models_dir) -> Path:
    """A tiny Marian ar→en model with random weights."""
    return built(models_dir / "marian-random", lambda folder: factory.build_marian(
        folder, source_texts=factory.ARABIC_TEXTS, target_texts=factory.ENGLISH_TEXTS, seed=1))


@pytest.fixture(scope="session")
def random_m2m100(models_dir) -> Path:
    """A tiny M2M100 model (language tokens, forced first token) with random weights."""
    return built(models_dir / "m2m100-random", lambda folder: factory.build_m2m100(
        folder, source_texts=factory.ARABIC_TEXTS, target_texts=factory.ENGLISH_TEXTS))


@pytest.fixture(scope="session")
def memorised_mt5(models_dir) -> Path:
    """A tiny mT5 that writes :data:`factory.SUMMARY_AR` / ``SUMMARY_EN`` for the test article."""
    return built(models_dir / "mt5-memorised", lambda folder: factory.memorise(
        factory.build_mt5(folder, texts=factory.ARABIC_TEXTS + factory.ENGLISH_TEXTS), [
            (factory.summariser_input(factory.ARTICLE_AR), factory.SUMMARY_AR),
            (factory.summariser_input(factory.ARTICLE_EN), factory.SUMMARY_EN),
        ], no_repeat_ngram_size=3))


@pytest.fixture(scope="session")
def memorised_bart(models_dir) -> Path:
    """A tiny English BART that writes :data:`factory.SUMMARY_EN` for the English test article."""
    return built(models_dir / "bart-memorised", lambda folder: factory.memorise(
        factory.build_bart(folder, texts=factory.ENGLISH_TEXTS),
        [(factory.summariser_input(factory.ARTICLE_EN), factory.SUMMARY_EN)], no_repeat_ngram_size=3))


@pytest.fixture(scope="session")
def memorised_marian_en_ar(models_dir) -> Path:
    """A tiny Marian en→ar model that translates the English of :data:`factory.PAIRS` back exactly."""
    return built(models_dir / "marian-en-ar", lambda folder: factory.memorise(
        factory.build_marian(folder, source_texts=factory.ENGLISH_TEXTS, target_texts=factory.ARABIC_TEXTS),
        [(e, a) for a, e in factory.PAIRS]))


@pytest.fixture(scope="session")
def memorised_wide_mt5(models_dir) -> Path:
    """The memorising mT5, 256 wide: beam search has real alternatives to weigh."""
    return built(models_dir / "mt5-memorised-wide", lambda folder: factory.memorise(
        factory.build_mt5(folder, texts=factory.ARABIC_TEXTS + factory.ENGLISH_TEXTS, d_model=256, heads=4), [
            (factory.summariser_input(factory.ARTICLE_AR), factory.SUMMARY_AR),
            (factory.summariser_input(factory.ARTICLE_EN), factory.SUMMARY_EN),
        ], lr=3e-4, no_repeat_ngram_size=3))


@pytest.fixture(scope="session")
def random_mt5(models_dir) -> Path:
    return built(models_dir / "mt5-random", lambda folder: factory.build_mt5(
        folder, texts=factory.ARABIC_TEXTS + factory.ENGLISH_TEXTS, seed=3))


@pytest.fixture(scope="session")
def random_bart(models_dir) -> Path:
    return built(models_dir / "bart-random", lambda folder: factory.build_bart(folder, texts=factory.ENGLISH_TEXTS,
                                                                               seed=3))


def pytest_report_header(config) -> str:
    """The CPU of this run as CTranslate2 sees it: its int8 results depend on it."""
    from translate.canary import cpu_summary

    return f"cpu: {cpu_summary()}"
