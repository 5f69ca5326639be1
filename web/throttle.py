"""Failed tries per client address (logins, API keys): after a few, the address must wait before its next
try, 1 s, then 2 s, 4 s ... up to a longest wait; a success clears its count. Other addresses are not
affected."""

from __future__ import annotations

import threading
import time

from translate.config import FAILURE_MAX_WAIT_S, FAILURES_BEFORE_WAIT


class Throttle:
    """The failed tries of each client address, and how long each must still wait."""

    def __init__(self, *, free: int = FAILURES_BEFORE_WAIT, max_wait: float = FAILURE_MAX_WAIT_S) -> None:
        self.free, self.max_wait = free, max_wait
        self.failures: dict[str, tuple[int, float]] = {}  # address → (failed tries, may try again at)
        self.lock = threading.Lock()

    def wait(self, address: str) -> int:
        """Whole seconds ``address`` must still wait before its next try (0: it may try now)."""
        with self.lock:
            _, until = self.failures.get(address, (0, 0.0))
        left = until - time.monotonic()
        return max(1, round(left)) if left > 0 else 0

    def failed(self, address: str) -> int:
        """Count a failed try of ``address``; returns how many it has failed in a row."""
        with self.lock:
            count, _ = self.failures.get(address, (0, 0.0))
            count += 1
            wait = min(2.0 ** (count - self.free), self.max_wait) if count >= self.free else 0.0
            self.failures[address] = (count, time.monotonic() + wait)
            self._forget_old()
        return count

    def succeeded(self, address: str) -> None:
        """Clear the count of ``address``."""
        with self.lock:
            self.failures.pop(address, None)

    def _forget_old(self) -> None:
        """Keep the table small: forget addresses whose wait ended over an hour ago."""
        if len(self.failures) > 10_000:
            horizon = time.monotonic() - 3600
            for address in [a for a, (_, until) in self.failures.items() if until < horizon]:
                del self.failures[address]
