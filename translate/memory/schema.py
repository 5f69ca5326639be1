"""One schema for every backend, as numbered migrations recorded in a version table.

SQL is written with ``?`` placeholders and ``{autoid}``/``{without_rowid}`` markers; each
backend fills them in (see ``Dialect``)."""

from __future__ import annotations

from dataclasses import dataclass

VERSION_TABLE = "memory_schema"

# MIGRATIONS[n] takes the schema from version n to n + 1. Append, never edit a shipped one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE edited (
            key TEXT PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL, editor TEXT,
            created TEXT NOT NULL, signature TEXT NOT NULL, terms TEXT NOT NULL)""",
        """CREATE TABLE machine (
            key TEXT NOT NULL, signature TEXT NOT NULL, source TEXT NOT NULL,
            target TEXT NOT NULL, created TEXT NOT NULL, terms TEXT NOT NULL,
            PRIMARY KEY (key, signature))""",
        "CREATE INDEX machine_created ON machine (created)",
        """CREATE TABLE history (
            id {autoid}, key TEXT NOT NULL, action TEXT NOT NULL, source TEXT NOT NULL,
            target TEXT, editor TEXT, created TEXT NOT NULL, signature TEXT NOT NULL,
            terms TEXT NOT NULL)""",
        "CREATE INDEX history_key ON history (key, id)",
        # The inverted word index of edited entries, with each key's length, for fuzzy lookups.
        """CREATE TABLE words (
            word TEXT NOT NULL, length INTEGER NOT NULL, key TEXT NOT NULL,
            PRIMARY KEY (word, length, key)){without_rowid}""",
        "CREATE INDEX words_key ON words (key)",
        # How many edited entries hold each word, so a lookup reads the rarest words' lists.
        "CREATE TABLE word_counts (word TEXT PRIMARY KEY, entries INTEGER NOT NULL)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class Dialect:
    """How one backend spells the few things SQL does not share."""

    name: str
    placeholder: str
    autoid: str
    without_rowid: str

    def sql(self, text: str) -> str:
        """``text`` with this backend's placeholders and markers."""
        text = text.replace("{autoid}", self.autoid).replace("{without_rowid}", self.without_rowid)
        return text.replace("?", self.placeholder)


SQLITE = Dialect("sqlite", "?", "INTEGER PRIMARY KEY AUTOINCREMENT", " WITHOUT ROWID")
POSTGRESQL = Dialect("postgresql", "%s", "BIGSERIAL PRIMARY KEY", "")
