"""The translation memory as the front ends use it: opened once from the run configuration, looked up and
written through calls that never stop a translation.

A memory that fails mid-run (its file removed, its server stopped) is left alone for the rest of the
process: the translation goes on from the model, and :attr:`MemoryUse.notice` holds one warning naming the
memory, which the front end shows once (as it shows the int8 guard's notice).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from translate.config import RunConfig, memory_url, redact
from translate.errors import TranslateError

log = logging.getLogger(__name__)

T = TypeVar("T")


def open_run_memory(config: RunConfig) -> MemoryUse | None:
    """The memory ``config`` names (``KHABAR_MEMORY``, ``--no-memory``), opened now; None when it is off.
    Raises :class:`TranslateError` naming the memory for a corrupt or locked file or an unreachable server."""
    url = memory_url(config.memory)
    if url is None:
        return None
    from translate.memory import open_memory

    shown = redact(url)
    try:
        memory = open_memory(url)
    except TranslateError as error:
        message = str(error)
        raise TranslateError(message if shown in message else f"translation memory {shown}: {message}") from None
    return MemoryUse(memory, name=shown, write_machine=config.memory_machine)


def mark(entry: Any) -> dict[str, Any]:
    """What a segment says of the memory entry its English came from: origin, editor and when (ISO 8601)."""
    when = entry.when
    return {"origin": entry.origin, "editor": entry.editor,
            "when": when.isoformat(timespec="seconds") if isinstance(when, datetime) else when}


class MemoryUse:
    """One open memory (``memory``: a :class:`translate.memory.Memory`), its name fit to show, and whether
    the model's own translations are written to it (``write_machine``). Shared by a translator and its
    copies (:meth:`Translator.with_glossary`), and by the web app's edits."""

    def __init__(self, memory: Any, *, name: str, write_machine: bool = False) -> None:
        self.memory = memory
        self.name = name
        self.write_machine = write_machine
        self.notice: str | None = None  # set once, when the memory fails
        self._lock = threading.Lock()

    @property
    def working(self) -> bool:
        """Whether the memory has not failed in this process."""
        return self.notice is None

    def _call(self, what: Callable[[], T], fallback: T) -> T:
        """``what()``, or ``fallback`` once the memory has failed (the failure said once, in :attr:`notice`)."""
        if not self.working:
            return fallback
        try:
            return what()
        except TranslateError as error:
            with self._lock:
                if self.notice is None:
                    self.notice = (f"The translation memory {self.name} failed ({error}); translating with the "
                                   "model alone, and edits are not remembered until the server restarts.")
                    log.warning("%s", self.notice)
            return fallback

    def exact_many(self, requests: Sequence[tuple[str, dict[str, str]]], *, signature: str) -> dict[str, Any]:
        """For (sentence, its glossary terms) pairs, the entry whose English each sentence takes (see
        :meth:`translate.memory.Memory.exact`), by sentence; sentences without one are left out."""
        if not requests:
            return {}
        return self._call(lambda: dict(self.memory.exact_many(list(requests), signature=signature)), {})

    def fuzzy(self, source: str, *, threshold: float = 0.85, limit: int = 3) -> list[tuple[Any, float]]:
        """Edited entries whose Arabic is at least ``threshold`` similar, with their similarity, best first."""
        return self._call(lambda: list(self.memory.fuzzy(source, threshold=threshold, limit=limit)), [])

    def save_machine(self, items: Sequence[tuple[str, str, dict[str, str]]], *, signature: str) -> None:
        """Remember the model's English of sentences, (Arabic, English, terms) triples (only when
        :attr:`write_machine`)."""
        if self.write_machine and items:
            self._call(lambda: self.memory.save_machine(list(items), signature=signature), None)

    def save_edit(self, source: str, target: str, *, editor: str | None, signature: str,
                  terms: dict[str, str]) -> None:
        """Remember an editor's English of a sentence."""
        self._call(lambda: self.memory.save_edit(source, target, editor=editor, signature=signature, terms=terms),
                   None)

    def revert(self, source: str, *, editor: str | None = None) -> None:
        """Forget the edited English of a sentence (``editor`` put the machine's back)."""
        self._call(lambda: self.memory.revert(source, editor=editor), None)

    def close(self) -> None:
        """Close the memory (a failure to close is logged: what was written is already committed)."""
        try:
            self.memory.close()
        except TranslateError as error:
            log.warning("closing the translation memory %s: %s", self.name, error)
