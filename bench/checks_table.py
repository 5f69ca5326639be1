"""How well the numbers and dates checks agree with a labelled table of (Arabic, English) pairs.

Reads ``tests/data/fidelity_pairs.tsv`` (id, arabic, english, expected flags), runs
:func:`translate.checks.check` on every row, and prints, for ``numbers``, ``dates`` and both
together: precision, recall and the false-alarm rate (flags raised on rows that should not have
them, over those rows), followed by every miss and false alarm.

    python bench/checks_table.py
    python bench/checks_table.py --table other.tsv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate.checks import DATES, NUMBERS, check  # noqa: E402

TABLE = ROOT / "tests" / "data" / "fidelity_pairs.tsv"
JUDGED = (NUMBERS, DATES)


class Row(NamedTuple):
    id: str
    arabic: str
    english: str
    expected: frozenset[str]


def load(path: Path = TABLE) -> list[Row]:
    """The rows of a labelled table: a header line, then id, Arabic, English, expected flags
    (comma-separated, possibly empty), tab-separated."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if header != ["id", "arabic", "english", "expected"]:
            raise SystemExit(f"error: {path} does not start with the header id, arabic, english, expected")
        rows = []
        for number, fields in enumerate(reader, 2):
            if len(fields) != 4:
                raise SystemExit(f"error: {path}:{number} has {len(fields)} columns, not 4")
            flags = frozenset(f.strip() for f in fields[3].split(",") if f.strip())
            rows.append(Row(fields[0], fields[1], fields[2], flags))
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
    """The numbers and dates flags the checks raise on one pair."""
    return frozenset(check(arabic, english)) & frozenset(JUDGED)


def scores(rows: list[Row], flags: tuple[str, ...]) -> dict[str, float | int]:
    """Precision, recall and false-alarm rate for ``flags`` over ``rows`` (one decision per row
    and flag)."""
    tp = fp = fn = negatives = 0
    for row in rows:
        raised = judged_flags(row.arabic, row.english)
        for flag in flags:
            expected, got = flag in row.expected, flag in raised
            tp += expected and got
            fp += got and not expected
            fn += expected and not got
            negatives += not expected
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "false_alarm_rate": fp / negatives if negatives else 0.0,
        "true_positives": tp, "false_alarms": fp, "misses": fn, "negatives": negatives,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", type=Path, default=TABLE, help="labelled TSV (default: %(default)s)")
    args = parser.parse_args(argv)
    rows = load(args.table)
    print(f"{len(rows)} rows, {sum(1 for r in rows if r.expected)} with an expected flag")
    print(f"{'flag':<16}{'precision':>10}{'recall':>8}{'false alarms':>14}  counts")
    for name, flags in ((NUMBERS, (NUMBERS,)), (DATES, (DATES,)), ("both", JUDGED)):
        s = scores(rows, flags)
        print(f"{name:<16}{s['precision']:>10.1%}{s['recall']:>8.1%}{s['false_alarm_rate']:>14.1%}  "
              f"{s['true_positives']} caught, {s['misses']} missed, {s['false_alarms']} false alarms "
              f"in {s['negatives']} clean decisions")
    for row in rows:
        raised = judged_flags(row.arabic, row.english)
        if raised != row.expected:
            detail = check(row.arabic, row.english)
            said = "; ".join(f"{flag}: {detail[flag]}" for flag in JUDGED if flag in detail)
            print(f"  {row.id}: expected {sorted(row.expected) or '-'}, got {sorted(raised) or '-'}  {said}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
