"""Progress shown to a person: a tqdm bar on standard error when it is a terminal, nothing otherwise."""

from __future__ import annotations

import sys
from collections.abc import Callable

Progress = Callable[[int, int], None]  # called with (done, total)


def terminal_progress(description: str, unit: str, *, leave: bool = False) -> Progress | None:
    """A ``(done, total)`` callback drawing a progress bar when stderr is a terminal, else None."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(desc=description, unit=unit, file=sys.stderr, leave=leave)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update
