"""Helpers the test files share: a live server, a headless Chromium (or the test's skip or failure without
one), a translator the test can hold at a gate, and the app served over a service."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from translate import Translator

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    """A TCP port that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def live(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` with the server's own uvicorn settings on a free port of ``host``, in a thread; yields its
    URL (ending in ``/``) and stops the server on leaving."""
    import uvicorn

    from web.server import server_config

    server = uvicorn.Server(server_config(app, host=host, port=free_port(), log_level="warning",
                                          timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://{host}:{server.config.port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextlib.contextmanager
def served(service: Any, **options: Any) -> Iterator[str]:
    """The whole app (editors' page and HTTP API, :func:`web.server.create_app` with ``options``) over
    ``service``, its models loaded first, served live; the service is closed on leaving."""
    from web.server import create_app

    service.warm()
    try:
        with live(create_app(service, **options)) as url:
            yield url
    finally:
        service.close()


def chromium() -> str | None:
    """Debian's Chromium, if it is installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium under Playwright. Without Chromium the test is skipped, or fails where
    ``KHABAR_REQUIRE_BROWSER`` is set (CI), so that no browser test passes unseen there."""
    path = chromium()
    if path is None:
        if os.environ.get("KHABAR_REQUIRE_BROWSER"):
            pytest.fail("chromium is required for the browser test (KHABAR_REQUIRE_BROWSER is set)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class GatedTranslator(Translator):
    """A real translator with a gate: while ``hold_on`` is set (``""`` holds every piece), a translation of
    pieces holding it sets ``held`` and waits until ``release`` is set, so that the test sees what happens
    meanwhile (a page part-way, a queue filling up)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hold_on: str | None = None
        self.held, self.release = threading.Event(), threading.Event()

    def translate_pieces(self, pieces, *, progress=None):
        if self.hold_on is not None and any(self.hold_on in piece for piece in pieces):
            self.held.set()
            assert self.release.wait(120), "the test never released the translator"
        return super().translate_pieces(pieces, progress=progress)


def send_while_held(translator: GatedTranslator, send: Callable[[int], None], total: int,
                    settled: Callable[[], bool]) -> None:
    """Send request 0 and hold it at ``translator``'s gate; then send requests 1 to ``total - 1`` at once, wait
    until ``settled()`` (the refusals are back while the gate is shut), open the gate and wait for them all."""
    translator.held.clear()
    translator.release.clear()
    translator.hold_on = ""  # every translation waits at the gate
    try:
        with concurrent.futures.ThreadPoolExecutor(total) as pool:
            first = pool.submit(send, 0)
            assert translator.held.wait(120), "the first request never reached the translator"
            others = [pool.submit(send, i) for i in range(1, total)]
            wait_for(settled, timeout=120)
            translator.release.set()
            for future in [first, *others]:
                future.result(timeout=300)
    finally:
        translator.hold_on = None
        translator.release.set()


def wait_for(predicate: Any, timeout: float = 60) -> None:
    """Wait until ``predicate()`` is true (failing after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)
