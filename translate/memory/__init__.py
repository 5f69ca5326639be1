"""A persistent translation memory: the newsroom's corrections and the model's past output.

Public API (everything a front end needs):

- ``memory_key(arabic) -> str``: the normalised Arabic used as the key (NFKC presentation
  forms, no invisible marks, diacritics or tatweel, whitespace collapsed to single spaces).
- ``Entry``: one stored translation (``source``, ``target``, ``origin`` "machine" or "edited",
  ``editor``, ``when`` ISO-8601 UTC, ``signature`` of the model and settings, ``terms``: the
  glossary terms, Arabic → house English, that applied to the sentence when it was stored).
- ``Change``: one line of a sentence's history (``action`` "edit", "import" or "revert").
- ``open_memory(url) -> Memory``: ``sqlite:///PATH`` or ``postgresql://...``. A corrupt,
  locked or unreadable database, or an unreachable server, raises ``TranslateError`` naming
  the memory; it never yields a silent empty memory.
- ``Memory``:
    ``exact(source, *, signature, terms) -> Entry | None``
        an edited entry stored with the same ``terms`` wins; else a machine entry with the
        same ``signature`` and ``terms``. Entries stored with other terms are stale (the
        glossary changed for a word of that sentence): ignored, and stale machine entries
        are deleted.
    ``exact_many(requests, *, signature) -> dict[str, Entry]``
        the same for ``(source, terms)`` pairs at once; keys are the sources as given,
        only hits are present.
    ``fuzzy(source, *, threshold=0.85, limit=3) -> list[tuple[Entry, float]]``
        edited entries whose key is at least ``threshold`` similar (0..1), best first,
        never the exact key itself.
    ``save_edit(source, target, *, editor, signature, terms, when=None) -> Entry``
        the later edit is current; every edit stays in the history with who and when.
    ``save_machine(items, *, signature) -> int``
        ``items`` are ``(source, target, terms)`` triples; returns how many were written.
    ``revert(source, *, editor=None) -> bool``
        removes the edited entry (the history keeps a "revert" line).
    ``history(source) -> list[Change]``, oldest first.
    ``stats() -> dict``, ``prune(*, older_than_days=None, max_entries=None) -> int``
        (machine entries only), ``import_tmx(path, *, editor_default=None) -> int``,
        ``export_tmx(path) -> int``, ``close()``; a ``Memory`` is also a context manager.

Every method raises ``TranslateError`` (naming the memory) when the database fails.
"""

from __future__ import annotations

from translate.memory.records import Change, Entry, memory_key
from translate.memory.store import Memory, open_memory

__all__ = ["Change", "Entry", "Memory", "memory_key", "open_memory"]
