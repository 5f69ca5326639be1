"""What the store needs from a database: transactions that run SQL, and its errors sorted."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from translate.memory.schema import Dialect


class Transaction(Protocol):
    """One open transaction; SQL uses the dialect's placeholders already."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return all its rows."""

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement and return the rows it changed."""

    def run_many(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each parameter row."""


class Backend(Protocol):
    """A connection to one memory database."""

    name: str  # what error messages call it: "translation memory sqlite:///…", no password
    dialect: Dialect
    errors: tuple[type[BaseException], ...]  # the driver's errors, to be reported as ours

    def transaction(self, *, write: bool) -> AbstractContextManager[Transaction]:
        """A transaction, committed when the block ends and rolled back on an error."""

    def lock_schema(self, tx: Transaction) -> None:
        """Serialise schema migrations between processes, inside ``tx``."""

    def retryable(self, error: BaseException) -> bool:
        """True when ``error`` is a transient conflict worth running the transaction again."""

    def close(self) -> None:
        """Close the connection."""


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
