"""The models behind the web front ends, loaded once per process and shared by the app and the API."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from summarize import Summarizer
from translate.config import ARTICLE_MAX_CHARS, ARTICLE_MAX_TOKENS, QUEUE_SIZE, SCRATCH_MAX_AGE_S, RunConfig
from translate.errors import TranslateError
from translate.recall import MemoryUse, open_run_memory
from translate.text import check_article
from translate.translator import Translator
from web.uploads import Uploads

log = logging.getLogger(__name__)


STOPPING = "The server is shutting down: try again in a moment."


class Busy(TranslateError):
    """Too many requests are already waiting for the models."""


class Service:
    """The translator and summariser of one run configuration, a turn-taking slot for using them,
    a scratch folder for request files, the files clients uploaded (:attr:`uploads`), and the translation
    memory the translator uses (opened once per process, closed by :meth:`close`)."""

    def __init__(self, translator: Translator, summarizer: Summarizer | None, *, config: RunConfig | None = None,
                 max_waiting: int = QUEUE_SIZE) -> None:
        self.translator = translator
        self.summarizer = summarizer
        self.config = config or RunConfig.resolved(summary=summarizer is not None)
        self.workdir = Path(tempfile.mkdtemp(prefix="khabar-app-"))
        self.uploads = Uploads()
        self.max_waiting = max_waiting
        self._turn = threading.Lock()
        self._count = threading.Lock()
        self._waiting = 0
        self._stop = threading.Event()
        self._cleaner: threading.Thread | None = None
        self.stopping = threading.Event()  # set by stop(): the server is shutting down
        self._said: set[str] = set()  # int8 guard warnings already shown in the page

    @classmethod
    def from_config(cls, config: RunConfig, *, memory: MemoryUse | None = None) -> Service:
        """The service a run configuration describes (models are loaded by :meth:`warm`). Nothing is made
        on disk until both models are named correctly, the translator's first (before torch is imported);
        then the translation memory is opened, unless given (``memory``) or off."""
        translator = Translator.from_config(config, interactive=True)
        summarizer = Summarizer.from_config(config, interactive=True) if config.summary else None
        translator.memory = memory if memory is not None else open_run_memory(config)
        return cls(translator, summarizer, config=config)

    @property
    def memory(self) -> MemoryUse | None:
        """The translation memory (None when it is off)."""
        return self.translator.memory

    def warm(self) -> None:
        """Load every model now, on its engine (CTranslate2's checked by its canary), so no request waits."""
        self.translator.engine  # noqa: B018 - property that loads the model
        if self.summarizer is not None and self.summarizer.uses_model:  # the extractive strategy has none
            self.summarizer.engine  # noqa: B018
            if self.summarizer.strategy == "translate-back":
                self.summarizer.back_translator.engine  # noqa: B018

    def compute_notices(self) -> list[str]:
        """The int8 guard's warnings for the models loaded so far (each once)."""
        found = [self.translator.compute_notice, self.summarizer.compute_notice if self.summarizer else None,
                 self.translator.memory_notice]
        return list(dict.fromkeys(notice for notice in found if notice))

    def unsaid_notices(self) -> list[str]:
        """The int8 guard's warnings not yet shown in the page: each is shown once per process."""
        with self._count:
            fresh = [notice for notice in self.compute_notices() if notice not in self._said]
            self._said.update(fresh)
        return fresh

    @property
    def busy(self) -> bool:
        """Whether a request holds or waits for the turn on the models."""
        with self._count:
            return self._waiting > 0

    def stop(self) -> None:
        """Say that the server is shutting down: requests in flight are answered at once (:data:`STOPPING`)."""
        self.stopping.set()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Take a turn on the models; raise :class:`Busy` at once when ``max_waiting`` requests already wait."""
        with self._count:
            if self._waiting >= self.max_waiting:
                raise Busy("The server is busy: too many requests are waiting. Try again in a moment.")
            self._waiting += 1
        try:
            with self._turn:
                yield
        finally:
            with self._count:
                self._waiting -= 1

    def article(self, text: str, *, max_chars: int = ARTICLE_MAX_CHARS) -> str:
        """The normalised article ready to translate, or :class:`TranslateError` saying why not: the raw
        length first (before any work), the length again once normalised, then the model tokens
        (``ARTICLE_MAX_TOKENS``, counted by the translator's tokenizer) and the language."""
        return check_article(text or "", max_chars=max_chars, strip_diacritics=not self.config.keep_diacritics,
                             max_tokens=ARTICLE_MAX_TOKENS, count_tokens=self.translator.loaded.count_tokens)

    def scratch(self) -> Path:
        """A fresh folder for one request's files (see :meth:`clean`; without the clean-up timer of
        :meth:`clean_every`, each new folder first removes the stale ones)."""
        if self._cleaner is None:
            self.clean()
        return Path(tempfile.mkdtemp(dir=self.workdir))

    def clean(self, max_age: float = SCRATCH_MAX_AGE_S) -> None:
        """Remove request folders older than ``max_age`` seconds."""
        if not self.workdir.is_dir():  # closed
            return
        for old in self.workdir.iterdir():
            try:
                stale = time.time() - old.stat().st_mtime > max_age
            except FileNotFoundError:  # removed by another clean-up meanwhile
                continue
            if stale:
                shutil.rmtree(old, ignore_errors=True)

    def clean_every(self, seconds: float = SCRATCH_MAX_AGE_S / 4) -> None:
        """Also run :meth:`clean` every ``seconds`` on a daemon thread, until :meth:`close`."""
        if self._cleaner is not None:
            return

        def loop() -> None:
            while not self._stop.wait(seconds):
                try:
                    self.clean()
                except OSError as error:  # a folder removed under our feet: try again next time
                    log.warning("clean-up of %s failed: %s", self.workdir, error)

        self._cleaner = threading.Thread(target=loop, name="khabar-clean-up", daemon=True)
        self._cleaner.start()

    def close(self) -> None:
        """Stop the clean-up timer and remove every file the service made."""
        self.stop()
        self._stop.set()
        shutil.rmtree(self.workdir, ignore_errors=True)
        if self.memory is not None:
            self.memory.close()
            self.translator.memory = None
