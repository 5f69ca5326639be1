"""End what is left of a local Ray instance once the batch job's driver that started it is gone.

``python -m jobs.backends.reaper DRIVER_PID`` (started by :class:`jobs.backends.ray.RayBackend`, in a
session of its own) notes the driver's Ray processes every half second; when the driver has ended, after a clean
run, Ctrl-C or SIGKILL alike, it kills those still running. Ray's own agents otherwise notice the loss of their
raylet only about a minute later, and a killed driver runs no clean-up at all. It reads ``/proc`` (Linux);
elsewhere it ends at once.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

PROC = Path("/proc")
EVERY_S = 0.5


def stat_of(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of ``pid``, or None when it is gone."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        return fields[0], int(fields[1]), int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def ray_processes(driver: int) -> dict[int, int]:
    """The processes below ``driver`` that belong to Ray, each with its start time."""
    parents: dict[int, int] = {}
    starts: dict[int, int] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (found := stat_of(int(entry.name))) is not None:
            parents[int(entry.name)], starts[int(entry.name)] = found[1], found[2]
    below, frontier = {}, [driver]
    while frontier:
        parent = frontier.pop()
        for child in [c for c, p in parents.items() if p == parent]:
            frontier.append(child)
            try:
                command = (PROC / str(child) / "cmdline").read_bytes()
            except OSError:
                continue
            if b"ray" in command and child != os.getpid():
                below[child] = starts[child]
    return below


def alive(pid: int) -> bool:
    found = stat_of(pid)
    return found is not None and found[0] != "Z"


def main(argv: list[str] | None = None) -> int:
    driver = int((sys.argv[1:] if argv is None else argv)[0])
    if not PROC.is_dir():
        return 0
    known: dict[int, int] = {}
    while alive(driver):
        known.update(ray_processes(driver))
        time.sleep(EVERY_S)
    for pid, start in known.items():
        found = stat_of(pid)
        if found is not None and found[2] == start and found[0] != "Z":  # the same process, not a new one
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
    return 0


if __name__ == "__main__":
    sys.exit(main())
