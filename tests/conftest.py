"""Test session setup: no network, caches in temporary folders, tiny models built once."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import factory
import pytest

_LOOPBACK = ("127.", "::1", "localhost")


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
    }
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise RuntimeError(f"a test tried to reach the network ({address!r}); tests must stay offline")
        return real_connect(sock, address)

    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        for key in [k for k in os.environ if k.startswith("KHABAR_") and k not in env]:
            patch.delenv(key)
        patch.setattr(socket.socket, "connect", guarded_connect)
        yield


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def memorised_marian(models_dir) -> Path:
    """A tiny Marian ar→en model that translates :data:`factory.PAIRS` exactly."""
    folder = factory.build_marian(models_dir / "marian-memorised", source_texts=factory.ARABIC_TEXTS,
                                  target_texts=factory.ENGLISH_TEXTS)
    return factory.memorise(folder, factory.PAIRS)


@pytest.fixture(scope="session")
def random_marian(models_dir) -> Path:
    """A tiny Marian ar→en model with random weights."""
    return factory.build_marian(models_dir / "marian-random", source_texts=factory.ARABIC_TEXTS,
                                target_texts=factory.ENGLISH_TEXTS, seed=1)


@pytest.fixture(scope="session")
def random_m2m100(models_dir) -> Path:
    """A tiny M2M100 model (language tokens, forced first token) with random weights."""
    return factory.build_m2m100(models_dir / "m2m100-random", source_texts=factory.ARABIC_TEXTS,
                                target_texts=factory.ENGLISH_TEXTS)


@pytest.fixture(scope="session")
def memorised_mt5(models_dir) -> Path:
    """A tiny mT5 that writes :data:`factory.SUMMARY_AR` / ``SUMMARY_EN`` for the test article."""
    folder = factory.build_mt5(models_dir / "mt5-memorised", texts=factory.ARABIC_TEXTS + factory.ENGLISH_TEXTS)
    return factory.memorise(folder, [
        (factory.summariser_input(factory.ARTICLE_AR), factory.SUMMARY_AR),
        (factory.summariser_input(factory.ARTICLE_EN), factory.SUMMARY_EN),
    ], no_repeat_ngram_size=3)


@pytest.fixture(scope="session")
def memorised_bart(models_dir) -> Path:
    """A tiny English BART that writes :data:`factory.SUMMARY_EN` for the English test article."""
    folder = factory.build_bart(models_dir / "bart-memorised", texts=factory.ENGLISH_TEXTS)
    return factory.memorise(folder, [(factory.summariser_input(factory.ARTICLE_EN), factory.SUMMARY_EN)],
                            no_repeat_ngram_size=3)


@pytest.fixture(scope="session")
def memorised_marian_en_ar(models_dir) -> Path:
    """A tiny Marian en→ar model that translates the English of :data:`factory.PAIRS` back exactly."""
    folder = factory.build_marian(models_dir / "marian-en-ar", source_texts=factory.ENGLISH_TEXTS,
                                  target_texts=factory.ARABIC_TEXTS)
    return factory.memorise(folder, [(e, a) for a, e in factory.PAIRS])


@pytest.fixture(scope="session")
def random_mt5(models_dir) -> Path:
    return factory.build_mt5(models_dir / "mt5-random", texts=factory.ARABIC_TEXTS + factory.ENGLISH_TEXTS, seed=3)


@pytest.fixture(scope="session")
def random_bart(models_dir) -> Path:
    return factory.build_bart(models_dir / "bart-random", texts=factory.ENGLISH_TEXTS, seed=3)
