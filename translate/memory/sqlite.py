"""The SQLite backend: one file, WAL mode, safe with several processes writing."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from translate.errors import TranslateError
from translate.memory.schema import SQLITE

BUSY_TIMEOUT_MS = 10_000


class _Transaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._connection.execute(sql, params).fetchall()

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._connection.execute(sql, params).rowcount

    def run_many(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        self._connection.executemany(sql, params)


class SQLiteBackend:
    """A memory in one SQLite file (created with mode 0600, its folder created as needed)."""

    dialect = SQLITE
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"translation memory sqlite:///{path}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
            self._connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as error:
            raise TranslateError(f"Cannot open the {self.name}: {error}") from None
        self._lock = threading.RLock()
        try:
            self._connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = self._connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            self._connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as error:
            self._connection.close()
            raise TranslateError(f"Cannot open the {self.name}: {error}") from None
        if str(mode).lower() != "wal":
            self._connection.close()
            raise TranslateError(f"The {self.name} cannot use WAL mode (journal mode {mode}).")

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[_Transaction]:
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield _Transaction(self._connection)
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def lock_schema(self, tx: _Transaction) -> None:
        """BEGIN IMMEDIATE already holds the write lock."""

    def retryable(self, error: BaseException) -> bool:
        text = str(error).lower()
        return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)

    def close(self) -> None:
        with self._lock:
            self._connection.close()
