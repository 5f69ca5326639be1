"""The models behind the web front ends, loaded once per process and shared by the app and the API."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from summarize import Summarizer
from translate.config import QUEUE_SIZE, SCRATCH_MAX_AGE_S, RunConfig
from translate.errors import TranslateError
from translate.translator import Translator


class Busy(TranslateError):
    """Too many requests are already waiting for the models."""


class Service:
    """The translator and summariser of one run configuration, a turn-taking slot for using them,
    and a scratch folder for request files."""

    def __init__(self, translator: Translator, summarizer: Summarizer | None, *, config: RunConfig | None = None,
                 max_waiting: int = QUEUE_SIZE) -> None:
        self.translator = translator
        self.summarizer = summarizer
        self.config = config or RunConfig.resolved(summary=summarizer is not None)
        self.workdir = Path(tempfile.mkdtemp(prefix="khabar-app-"))
        self.max_waiting = max_waiting
        self._turn = threading.Lock()
        self._count = threading.Lock()
        self._waiting = 0

    @classmethod
    def from_config(cls, config: RunConfig) -> Service:
        """The service a run configuration describes (models are loaded by :meth:`warm`)."""
        summarizer = Summarizer.from_config(config) if config.summary else None
        return cls(Translator.from_config(config), summarizer, config=config)

    def warm(self) -> None:
        """Load every model now, so no request waits for it."""
        self.translator.engine  # noqa: B018 - property that loads the model
        if self.summarizer is not None:
            self.summarizer.loaded.model  # noqa: B018

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

    def scratch(self) -> Path:
        """A fresh folder for one request's files (see :meth:`clean`)."""
        self.clean()
        return Path(tempfile.mkdtemp(dir=self.workdir))

    def clean(self, max_age: float = SCRATCH_MAX_AGE_S) -> None:
        """Remove request folders older than ``max_age`` seconds."""
        for old in self.workdir.iterdir():
            if time.time() - old.stat().st_mtime > max_age:
                shutil.rmtree(old, ignore_errors=True)

    def close(self) -> None:
        """Remove every file the service made."""
        shutil.rmtree(self.workdir, ignore_errors=True)
