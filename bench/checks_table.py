"""How well the numbers, dates and converted checks agree with labelled tables of (Arabic,
English) pairs, per category, and how fast they run.

The tables: ``tests/data/fidelity_pairs.tsv`` (id, arabic, english, expected) and the
quantities table in its two halves, ``tests/data/quantities_dev.tsv`` (the development half,
the one the checks were tuned on) and ``tests/data/quantities_heldout.tsv`` (set aside before
tuning), with the columns id, category, arabic, english, expected. Expected flags are
comma-separated, empty for a faithful pair.

For each table it prints, per category and in all: the rows that should be flagged and the
misses among them (an expected flag not raised), the clean rows and the false alarms among
them (any flag raised), and the flagged rows that got a wrong extra flag. Then the checks per
second on one core (CPU time of the process, so a busy shared machine does not skew it), against
a baseline measured in the same run: normalising both sides, which every check must do.

    python bench/checks_table.py                  # all three tables, speed
    python bench/checks_table.py --list dev       # and every disagreement of the dev half
    python bench/checks_table.py --table other.tsv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate.checks import CONVERTED, DATES, NUMBERS, check  # noqa: E402
from translate.text import normalize  # noqa: E402

DATA = ROOT / "tests" / "data"
FIDELITY = DATA / "fidelity_pairs.tsv"
DEV = DATA / "quantities_dev.tsv"
HELDOUT = DATA / "quantities_heldout.tsv"
TABLES = {"fidelity": FIDELITY, "dev": DEV, "heldout": HELDOUT}
JUDGED = (NUMBERS, DATES, CONVERTED)


@dataclass(frozen=True)
class Row:
    id: str
    category: str
    arabic: str
    english: str
    expected: frozenset[str]


def load(path: Path) -> list[Row]:
    """The rows of a labelled table: a header line (id, [category,] arabic, english, expected),
    then tab-separated rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if header not in (["id", "arabic", "english", "expected"], ["id", "category", "arabic", "english", "expected"]):
            raise SystemExit(f"error: {path} does not start with the header id, [category,] arabic, english, expected")
        rows = []
        for number, fields in enumerate(reader, 2):
            if len(fields) != len(header):
                raise SystemExit(f"error: {path}:{number} has {len(fields)} columns, not {len(header)}")
            if len(fields) == 4:
                fields = [fields[0], "all", *fields[1:]]
            flags = frozenset(f.strip() for f in fields[4].split(",") if f.strip())
            rows.append(Row(fields[0], fields[1], fields[2], fields[3], flags))
    return rows


def split_halves(rows: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """A development half and a held-out half of a table whose rows are (id, category, arabic,
    english, expected): within each category, and within its flagged and its clean rows, the rows
    sorted by the SHA-256 of their id go to the two halves in turn. The same rows always split
    the same way, whatever their order in the file."""
    dev: list[list[str]] = []
    held: list[list[str]] = []
    strata: dict[tuple[str, bool], list[list[str]]] = {}
    for row in rows:
        strata.setdefault((row[1], bool(row[4].strip())), []).append(row)
    for key in sorted(strata):
        ordered = sorted(strata[key], key=lambda row: hashlib.sha256(row[0].encode("utf-8")).hexdigest())
        for index, row in enumerate(ordered):
            (dev if index % 2 == 0 else held).append(row)
    order = {row[0]: index for index, row in enumerate(rows)}
    return sorted(dev, key=lambda row: order[row[0]]), sorted(held, key=lambda row: order[row[0]])


def judged_flags(arabic: str, english: str) -> frozenset[str]:
    """The numbers, dates and converted flags the checks raise on one pair."""
    return frozenset(check(arabic, english)) & frozenset(JUDGED)


@dataclass
class Tally:
    flagged: int = 0
    misses: int = 0
    clean: int = 0
    false_alarms: int = 0
    wrong_extra: int = 0
    failures: list[tuple[Row, frozenset[str]]] = field(default_factory=list)

    def add(self, row: Row, raised: frozenset[str]) -> None:
        if row.expected:
            self.flagged += 1
            missed = not row.expected <= raised
            extra = bool(raised - row.expected)
            self.misses += missed
            self.wrong_extra += extra and not missed
            if missed or extra:
                self.failures.append((row, raised))
        else:
            self.clean += 1
            if raised:
                self.false_alarms += 1
                self.failures.append((row, raised))

    @property
    def miss_rate(self) -> float:
        return self.misses / self.flagged if self.flagged else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.clean if self.clean else 0.0


def score(rows: Iterable[Row]) -> dict[str, Tally]:
    """Per category, and in all (``"all"``): what the checks got right and wrong."""
    tallies: dict[str, Tally] = {"all": Tally()}
    for row in rows:
        raised = judged_flags(row.arabic, row.english)
        tallies.setdefault(row.category, Tally()).add(row, raised)
        if row.category != "all":
            tallies["all"].add(row, raised)
    return tallies


def report(name: str, tallies: dict[str, Tally]) -> list[str]:
    lines = [f"{name}: {tallies['all'].flagged + tallies['all'].clean} rows",
             f"  {'category':<16}{'misses':>14}{'false alarms':>16}{'wrong extra':>13}"]
    for category in sorted(tallies, key=lambda c: (c == "all", c)):
        t = tallies[category]
        lines.append(f"  {category:<16}{t.misses:>5}/{t.flagged:<3}{t.miss_rate:>6.0%}"
                     f"{t.false_alarms:>7}/{t.clean:<3}{t.false_alarm_rate:>6.0%}{t.wrong_extra:>10}")
    return lines


def failures(tallies: dict[str, Tally]) -> list[str]:
    lines = []
    for row, raised in tallies["all"].failures:
        detail = check(row.arabic, row.english)
        said = "; ".join(f"{flag}: {detail[flag]}" for flag in JUDGED if flag in detail)
        lines.append(f"  {row.id}: expected {sorted(row.expected) or '-'}, got {sorted(raised) or '-'}  {said}")
    return lines


def pin_to_one_core() -> str:
    """Run on one core where the system allows it; say which."""
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def rate(pairs: Sequence[tuple[str, str]], work: Callable[[str, str], object],
         seconds: float = 2.0) -> tuple[float, float]:
    """Pairs per CPU second for ``work`` (the process's own CPU time, so that other programs on a
    shared machine do not count) and per wall-clock second, over whole passes of ``pairs``
    lasting at least ``seconds`` of CPU time."""
    done, cpu, wall = 0, time.process_time(), time.perf_counter()
    while True:
        for arabic, english in pairs:
            work(arabic, english)
        done += len(pairs)
        elapsed = time.process_time() - cpu
        if elapsed >= seconds:
            return done / elapsed, done / (time.perf_counter() - wall)


def speed(rows: Sequence[Row]) -> list[str]:
    pinned = pin_to_one_core()
    pairs = [(row.arabic, row.english) for row in rows]
    for arabic, english in pairs:  # load the word lists, warm the caches
        check(arabic, english)
    baseline, baseline_wall = rate(pairs, lambda a, e: (normalize(a), normalize(e)))
    checks, checks_wall = rate(pairs, check)
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    per = "pairs per CPU second,"
    return [f"speed on one core ({pinned}; {_cpu()}, Python {platform.python_version()}{load}):",
            f"  checks (all flags):        {checks:>8,.0f} {per} {checks_wall:>8,.0f} per wall second",
            f"  baseline (normalise both): {baseline:>8,.0f} {per} {baseline_wall:>8,.0f} per wall second",
            f"  checks cost {baseline / checks:.1f}× the baseline"]


def _cpu() -> str:
    """The processor's model name where the system says it."""
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text(encoding="utf-8").splitlines() if cpuinfo.is_file() else []
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return names[0] if names else platform.processor() or platform.machine()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", type=Path, action="append", help="a labelled TSV (default: the three tables)")
    parser.add_argument("--list", choices=sorted(TABLES), action="append", default=[],
                        help="also list every disagreement of this table")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    args = parser.parse_args(argv)
    tables = {path.stem: path for path in args.table} if args.table else TABLES
    every: list[Row] = []
    for name, path in tables.items():
        rows = load(path)
        every += rows
        tallies = score(rows)
        print("\n".join(report(name, tallies)))
        if name in args.list or args.table:
            print("\n".join(failures(tallies)))
        print()
    if not args.no_speed:
        print("\n".join(speed(every)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
