"""The memory's records and its key: what a stored translation is, and how Arabic is keyed."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from translate.text import normalize

ORIGINS = ("machine", "edited")
_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def memory_key(arabic: str) -> str:
    """The normalised Arabic used as the key: no invisible marks, diacritics or tatweel,
    presentation forms as plain letters, and every run of whitespace as one space."""
    return _WHITESPACE.sub(" ", normalize(arabic)).strip()


def key_words(key: str) -> set[str]:
    """The distinct words of a key (two letters or more), used to pre-select fuzzy matches."""
    return {word for word in _WORD.findall(key) if len(word) >= 2}


def terms_text(terms: Mapping[str, str]) -> str:
    """Glossary terms as canonical JSON, so equal terms are equal strings."""
    return json.dumps(dict(terms), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def now() -> str:
    """The current time as ISO-8601 UTC to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Entry:
    """One stored translation of one Arabic sentence."""

    source: str
    target: str
    origin: str  # "machine" or "edited"
    editor: str | None
    when: str  # ISO-8601 UTC, e.g. 2026-12-03T10:07:17Z
    signature: str  # the model and settings that made it (for edits: the editor's translator)
    terms: dict[str, str] = field(default_factory=dict)  # glossary terms that applied

    @property
    def key(self) -> str:
        """The normalised Arabic this entry is stored under."""
        return memory_key(self.source)


@dataclass(frozen=True)
class Change:
    """One line of a sentence's history: an edit, an imported entry or a revert."""

    action: str  # "edit", "import" or "revert"
    source: str
    target: str | None
    editor: str | None
    when: str
    signature: str
    terms: dict[str, str] = field(default_factory=dict)
