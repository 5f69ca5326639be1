"""The PostgreSQL backend, for newsrooms that run several servers on one memory."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from translate.errors import TranslateError
from translate.memory.schema import POSTGRESQL

CONNECT_TIMEOUT_S = 5
_SCHEMA_LOCK = 0x6B686162  # "khab": the advisory lock that serialises migrations


def safe_url(url: str) -> str:
    """``url`` without its password, for messages."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.Error:
        return "postgresql://…"
    host = info.get("host", "")
    port = f":{info['port']}" if info.get("port") else ""
    user = f"{info['user']}@" if info.get("user") else ""
    if host.startswith("/"):
        return f"postgresql://{user}/{info.get('dbname', '')}?host={host}"
    return f"postgresql://{user}{host}{port}/{info.get('dbname', '')}"


class _Transaction:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._cursor.execute(sql, params)
        return self._cursor.fetchall()

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        self._cursor.execute(sql, params)
        return self._cursor.rowcount

    def run_many(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        self._cursor.executemany(sql, list(params))


class PostgresBackend:
    """A memory in a PostgreSQL database; reconnects on the next call after the server is back."""

    dialect = POSTGRESQL
    errors: tuple[type[BaseException], ...] = (psycopg.Error,)

    def __init__(self, url: str) -> None:
        self._url = url
        self.name = f"translation memory {safe_url(url)}"
        self._lock = threading.RLock()
        self._connection: psycopg.Connection[Any] | None = None
        self._connect()

    def _connect(self) -> psycopg.Connection[Any]:
        if self._connection is not None and not self._connection.closed:
            if not self._connection.broken:
                return self._connection
            self._connection.close()
        try:
            conninfo = make_conninfo(self._url, connect_timeout=CONNECT_TIMEOUT_S)
            self._connection = psycopg.connect(conninfo, autocommit=True)
        except psycopg.Error as error:
            self._connection = None
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise TranslateError(f"Cannot reach the {self.name}: {reason}") from None
        return self._connection

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[_Transaction]:
        with self._lock:
            connection = self._connect()
            with connection.transaction(), connection.cursor() as cursor:
                yield _Transaction(cursor)

    def lock_schema(self, tx: _Transaction) -> None:
        tx.rows("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))

    def retryable(self, error: BaseException) -> bool:
        return isinstance(error, (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected))

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
