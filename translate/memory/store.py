"""The translation memory: exact and fuzzy lookups, edits with their history, machine entries."""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from rapidfuzz import fuzz, process

from translate.errors import TranslateError
from translate.memory.backend import Backend, Transaction, chunks
from translate.memory.records import Change, Entry, key_words, memory_key, now, terms_text
from translate.memory.schema import MIGRATIONS, SCHEMA_VERSION, VERSION_TABLE

T = TypeVar("T")
RETRIES = 8
FUZZY_CANDIDATES = 200  # keys sharing the most words that are scored by rapidfuzz
_CHUNK = 400  # keys per IN (...) list

_EDITED = "SELECT key, source, target, editor, created, signature, terms FROM edited"
_MACHINE = "SELECT key, source, target, created, signature, terms FROM machine"


def open_memory(url: str) -> Memory:
    """Open (creating and migrating as needed) the memory at ``url``.

    ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or ``postgresql://...``
    (``postgres://`` too). Raises ``TranslateError`` naming the memory when it cannot be used.
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "sqlite":
        from translate.memory.sqlite import SQLiteBackend

        parts = urlsplit(url)
        path = unquote(parts.path)
        if parts.netloc or not path.startswith("/") or path == "/":
            raise TranslateError(f"A SQLite memory URL is sqlite:///PATH, not {url!r}.")
        backend: Backend = SQLiteBackend(Path(path[1:]))  # sqlite:///rel.db, sqlite:////abs.db
    elif scheme in ("postgresql", "postgres"):
        from translate.memory.postgres import PostgresBackend

        backend = PostgresBackend(url)
    else:
        raise TranslateError(f"The translation memory must be a sqlite:///PATH or postgresql://... URL, not {url!r}.")
    memory = Memory(backend)
    try:
        memory.migrate()
    except TranslateError:
        backend.close()
        raise
    return memory


def _entry(row: Sequence[Any], origin: str) -> Entry:
    if origin == "edited":
        _key, source, target, editor, created, signature, terms = row
    else:
        _key, source, target, created, signature, terms = row
        editor = None
    return Entry(source, target, origin, editor, created, signature, json.loads(terms))


def _length_bounds(length: int, threshold: float) -> tuple[int, int]:
    """Lengths a string can have and still reach ``threshold`` similarity with one of ``length``."""
    return math.floor(length * threshold / (2 - threshold)), math.ceil(length * (2 - threshold) / threshold)


class Memory:
    """A translation memory over one backend. Thread-safe; one per process is enough."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._sql = backend.dialect.sql
        self.name = backend.name

    # -- plumbing ---------------------------------------------------------------------------
    def _do(self, work: Callable[[Transaction], T], *, write: bool) -> T:
        """Run ``work`` in one transaction, again on a transient conflict; errors as ours."""
        for attempt in range(RETRIES):
            try:
                with self._backend.transaction(write=write) as tx:
                    return work(tx)
            except self._backend.errors as error:
                if self._backend.retryable(error) and attempt < RETRIES - 1:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                raise TranslateError(f"The {self.name} failed: {reason}") from None
        raise AssertionError("unreachable")

    def migrate(self) -> int:
        """Bring the schema up to date; return its version."""

        def work(tx: Transaction) -> int:
            self._backend.lock_schema(tx)
            tx.run(self._sql(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)"))
            rows = tx.rows(self._sql(f"SELECT version FROM {VERSION_TABLE}"))
            version = rows[0][0] if rows else 0
            if not rows:
                tx.run(self._sql(f"INSERT INTO {VERSION_TABLE} (version) VALUES (0)"))
            if version > SCHEMA_VERSION:
                raise TranslateError(
                    f"The {self.name} has schema version {version}, newer than this program's "
                    f"{SCHEMA_VERSION}: upgrade the program."
                )
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    tx.run(self._sql(statement))
            tx.run(self._sql(f"UPDATE {VERSION_TABLE} SET version = ?"), (SCHEMA_VERSION,))
            return SCHEMA_VERSION

        return self._do(work, write=True)

    def close(self) -> None:
        """Close the connection."""
        self._backend.close()

    def __enter__(self) -> Memory:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # -- lookups ----------------------------------------------------------------------------
    def exact(self, source: str, *, signature: str, terms: Mapping[str, str]) -> Entry | None:
        """The stored translation of ``source`` for these glossary ``terms``, or None.

        An edited entry stored with the same terms wins over a machine entry with the same
        ``signature`` and terms. Machine entries stored with other terms are deleted."""
        return self.exact_many([(source, terms)], signature=signature).get(source)

    def exact_many(self, requests: Sequence[tuple[str, Mapping[str, str]]], *, signature: str) -> dict[str, Entry]:
        """``exact`` for many ``(source, terms)`` pairs at once: {source as given: Entry}."""
        wanted: dict[str, list[tuple[str, str]]] = {}
        for source, terms in requests:
            wanted.setdefault(memory_key(source), []).append((source, terms_text(terms)))
        keys = [key for key in wanted if key]
        if not keys:
            return {}

        def work(tx: Transaction) -> dict[str, Entry]:
            edited: dict[str, Sequence[Any]] = {}
            machine: dict[str, Sequence[Any]] = {}
            for part in chunks(keys, _CHUNK):
                marks = ",".join("?" * len(part))
                sql = (
                    f"SELECT 'edited', key, source, target, editor, created, signature, terms "
                    f"FROM edited WHERE key IN ({marks}) UNION ALL "
                    f"SELECT 'machine', key, source, target, NULL, created, signature, terms "
                    f"FROM machine WHERE signature = ? AND key IN ({marks})"
                )
                for row in tx.rows(self._sql(sql), [*part, signature, *part]):
                    (edited if row[0] == "edited" else machine)[row[1]] = row[1:]
            found: dict[str, Entry] = {}
            stale: list[str] = []
            for key, asked in wanted.items():
                for source, terms in asked:
                    row = edited.get(key)
                    if row is not None and row[6] == terms:
                        found[source] = _entry(row, "edited")
                        continue
                    row = machine.get(key)
                    if row is None:
                        continue
                    if row[6] == terms:
                        found[source] = _entry((row[0], *row[1:3], *row[4:]), "machine")
                    else:
                        stale.append(key)
            if stale:
                tx.run_many(
                    self._sql("DELETE FROM machine WHERE key = ? AND signature = ?"),
                    [(key, signature) for key in sorted(set(stale))],
                )
            return found

        return self._do(work, write=False)

    def fuzzy(self, source: str, *, threshold: float = 0.85, limit: int = 3) -> list[tuple[Entry, float]]:
        """Edited entries at least ``threshold`` similar to ``source`` (never its exact key),
        best first, with their similarity (0..1): rapidfuzz's ratio on the keys.

        Only keys that can share at least half of the query's words are scored: any such key
        holds one of the rarest ``n - ceil(n/2) + 1`` of its ``n`` words, so only those words'
        lists are read from the word index (and only keys of a length that can reach the
        threshold)."""
        key = memory_key(source)
        words = sorted(key_words(key))
        if not words or limit <= 0:
            return []
        shortest, longest = _length_bounds(len(key), threshold)

        def work(tx: Transaction) -> list[tuple[Entry, float]]:
            marks = ",".join("?" * len(words))
            counts = dict(tx.rows(self._sql(f"SELECT word, entries FROM word_counts WHERE word IN ({marks})"), words))
            rarest = sorted(words, key=lambda word: (counts.get(word, 0), word))[
                : len(words) - math.ceil(len(words) / 2) + 1
            ]
            rarest = [word for word in rarest if counts.get(word, 0) > 0]
            if not rarest:
                return []
            sql = (
                f"SELECT key FROM words WHERE word IN ({','.join('?' * len(rarest))}) AND length BETWEEN ? AND ? "
                f"AND key <> ? GROUP BY key ORDER BY COUNT(*) DESC, key LIMIT ?"
            )
            candidates = [
                row[0] for row in tx.rows(self._sql(sql), [*rarest, shortest, longest, key, FUZZY_CANDIDATES])
            ]
            scored = [
                (score / 100, candidate)
                for candidate, score, _ in process.extract(
                    key, candidates, scorer=fuzz.ratio, score_cutoff=threshold * 100, limit=None
                )
            ]
            scored.sort(key=lambda item: (-item[0], item[1]))
            best = scored[:limit]
            if not best:
                return []
            rows = tx.rows(self._sql(f"{_EDITED} WHERE key IN ({','.join('?' * len(best))})"), [k for _, k in best])
            by_key = {row[0]: _entry(row, "edited") for row in rows}
            return [(by_key[k], score) for score, k in best if k in by_key]

        return self._do(work, write=False)

    # -- writes -----------------------------------------------------------------------------
    def _write_edits(self, tx: Transaction, entries: Sequence[Entry], action: str) -> None:
        """Store edited ``entries`` (the last of a key is current), their history and word index."""
        current = {entry.key: entry for entry in entries}
        tx.run_many(
            self._sql(
                "INSERT INTO edited (key, source, target, editor, created, signature, terms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                "source = excluded.source, target = excluded.target, editor = excluded.editor, "
                "created = excluded.created, signature = excluded.signature, terms = excluded.terms"
            ),
            [(k, e.source, e.target, e.editor, e.when, e.signature, terms_text(e.terms)) for k, e in current.items()],
        )
        tx.run_many(
            self._sql(
                "INSERT INTO history (key, action, source, target, editor, created, signature, terms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            [(e.key, action, e.source, e.target, e.editor, e.when, e.signature, terms_text(e.terms)) for e in entries],
        )
        keys = sorted(current)
        self._unindex(tx, keys)
        postings = [(word, len(key), key) for key in keys for word in sorted(key_words(key))]
        tx.run_many(
            self._sql("INSERT INTO words (word, length, key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"), postings
        )
        tx.run_many(
            self._sql(
                "INSERT INTO word_counts (word, entries) VALUES (?, ?) "
                "ON CONFLICT (word) DO UPDATE SET entries = word_counts.entries + excluded.entries"
            ),
            sorted(Counter(word for word, _, _ in postings).items()),
        )

    def _unindex(self, tx: Transaction, keys: Sequence[str]) -> None:
        """Take ``keys`` out of the word index."""
        for part in chunks(keys, _CHUNK):
            marks = ",".join("?" * len(part))
            rows = tx.rows(self._sql(f"SELECT word FROM words WHERE key IN ({marks})"), part)
            words = Counter(row[0] for row in rows)
            if words:
                tx.run_many(
                    self._sql("UPDATE word_counts SET entries = entries - ? WHERE word = ?"),
                    [(count, word) for word, count in sorted(words.items())],
                )
                tx.run(self._sql(f"DELETE FROM words WHERE key IN ({marks})"), part)

    def save_edit(
        self,
        source: str,
        target: str,
        *,
        editor: str | None,
        signature: str,
        terms: Mapping[str, str],
        when: str | None = None,
    ) -> Entry:
        """Store an editor's translation of ``source`` as the current one, and in the history."""
        if not memory_key(source) or not target.strip():
            raise TranslateError("A memory entry needs Arabic text and its English.")
        entry = Entry(source, target, "edited", editor, when or now(), signature, dict(terms))
        self._do(lambda tx: self._write_edits(tx, [entry], "edit"), write=True)
        return entry

    def _write_machine(self, tx: Transaction, rows: Sequence[tuple[Any, ...]]) -> None:
        tx.run_many(
            self._sql(
                "INSERT INTO machine (key, signature, source, target, created, terms) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key, signature) DO UPDATE SET "
                "source = excluded.source, target = excluded.target, created = excluded.created, "
                "terms = excluded.terms"
            ),
            rows,
        )

    def save_machine(
        self, items: Iterable[tuple[str, str, Mapping[str, str]]], *, signature: str, when: str | None = None
    ) -> int:
        """Store the model's translations, ``(source, target, terms)`` each, in one transaction."""
        stamp = when or now()
        rows: dict[str, tuple[Any, ...]] = {}
        for source, target, terms in items:
            key = memory_key(source)
            if key and target.strip():
                rows[key] = (key, signature, source, target, stamp, terms_text(terms))
        if rows:
            self._do(lambda tx: self._write_machine(tx, list(rows.values())), write=True)
        return len(rows)

    def revert(self, source: str, *, editor: str | None = None) -> bool:
        """Remove the edited entry of ``source``; True when there was one."""
        key = memory_key(source)

        def work(tx: Transaction) -> bool:
            rows = tx.rows(self._sql("SELECT signature FROM edited WHERE key = ?"), (key,))
            if not rows:
                return False
            tx.run(self._sql("DELETE FROM edited WHERE key = ?"), (key,))
            self._unindex(tx, [key])
            tx.run(
                self._sql(
                    "INSERT INTO history (key, action, source, target, editor, created, signature, "
                    "terms) VALUES (?, 'revert', ?, NULL, ?, ?, ?, '{}')"
                ),
                (key, source, editor, now(), rows[0][0]),
            )
            return True

        return self._do(work, write=True)

    def history(self, source: str) -> list[Change]:
        """Every edit, import and revert of ``source``, oldest first."""
        rows = self._do(
            lambda tx: tx.rows(
                self._sql(
                    "SELECT action, source, target, editor, created, signature, terms FROM history "
                    "WHERE key = ? ORDER BY id"
                ),
                (memory_key(source),),
            ),
            write=False,
        )
        return [Change(a, s, t, e, c, sig, json.loads(terms)) for a, s, t, e, c, sig, terms in rows]

    # -- administration ---------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Counts of entries by origin, history lines and indexed words, and the schema version."""

        def work(tx: Transaction) -> dict[str, Any]:
            counts = {
                table: tx.rows(self._sql(f"SELECT COUNT(*) FROM {table}"))[0][0]
                for table in ("edited", "machine", "history", "words")
            }
            oldest = tx.rows(self._sql("SELECT MIN(created) FROM machine"))[0][0]
            version = tx.rows(self._sql(f"SELECT version FROM {VERSION_TABLE}"))[0][0]
            return {
                "memory": self.name,
                "backend": self._backend.dialect.name,
                "schema": version,
                "edited": counts["edited"],
                "machine": counts["machine"],
                "history": counts["history"],
                "indexed_words": counts["words"],
                "oldest_machine": oldest,
            }

        return self._do(work, write=False)

    def prune(self, *, older_than_days: float | None = None, max_entries: int | None = None) -> int:
        """Remove machine entries older than ``older_than_days`` and, beyond ``max_entries``,
        the oldest ones; edited entries are never pruned. Returns how many were removed."""
        if older_than_days is not None and older_than_days < 0:
            raise TranslateError("--older-than must be zero or more days.")
        if max_entries is not None and max_entries < 0:
            raise TranslateError("--max-entries must be zero or more.")

        def work(tx: Transaction) -> int:
            removed = 0
            if older_than_days is not None:
                cutoff = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - older_than_days * 86400))
                removed += tx.run(self._sql("DELETE FROM machine WHERE created < ?"), (cutoff,))
            if max_entries is not None:
                extra = tx.rows(self._sql("SELECT COUNT(*) FROM machine"))[0][0] - max_entries
                if extra > 0:
                    doomed = tx.rows(
                        self._sql("SELECT key, signature FROM machine ORDER BY created, key, signature LIMIT ?"),
                        (extra,),
                    )
                    tx.run_many(self._sql("DELETE FROM machine WHERE key = ? AND signature = ?"), doomed)
                    removed += len(doomed)
            return removed

        return self._do(work, write=True)

    def entries(self) -> list[Entry]:
        """Every current entry, edited and machine, in a stable order (key, origin, signature)."""

        def work(tx: Transaction) -> list[Entry]:
            edited = [(row[0], "edited", row[5], _entry(row, "edited")) for row in tx.rows(self._sql(_EDITED))]
            machine = [(row[0], "machine", row[4], _entry(row, "machine")) for row in tx.rows(self._sql(_MACHINE))]
            return [item[3] for item in sorted(edited + machine, key=lambda item: item[:3])]

        return self._do(work, write=False)

    def add_imported(self, entries: Sequence[Entry]) -> int:
        """Store ``entries`` (from a TMX file) in ONE transaction: all of them or none."""

        edited = [entry for entry in entries if entry.origin == "edited"]
        machine = [
            (entry.key, entry.signature, entry.source, entry.target, entry.when, terms_text(entry.terms))
            for entry in entries
            if entry.origin != "edited"
        ]

        def work(tx: Transaction) -> int:
            self._write_edits(tx, edited, "import")
            self._write_machine(tx, machine)
            return len(entries)

        return self._do(work, write=True)

    def import_tmx(self, path: str | Path, *, editor_default: str | None = None) -> int:
        """Import a TMX 1.4b file (validated first, then one transaction); returns the entries."""
        from translate.memory.tmx import read_tmx

        return self.add_imported(read_tmx(Path(path), editor_default=editor_default))

    def export_tmx(self, path: str | Path) -> int:
        """Write every current entry to a TMX 1.4b file, byte-stable; returns the entries."""
        from translate.memory.tmx import write_tmx

        entries = self.entries()
        write_tmx(Path(path), entries)
        return len(entries)
