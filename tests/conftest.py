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
