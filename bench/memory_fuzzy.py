"""The translation memory's fuzzy lookup on many edited entries, against a plain scan.

Builds synthetic Arabic news sentences (a Zipf-shaped vocabulary, 8 to 24 words) as edited
entries in a temporary SQLite memory, then times, in the same run, for the same queries:
``Memory.fuzzy`` (rapidfuzz over the keys that share the most words, from the word index) and
the baseline, rapidfuzz's ratio over every key held in memory (``process.extract``). Half the
queries are stored sentences with one word changed, half are new sentences. Prints the median
and p95 milliseconds per lookup, the ratio, and how many of the baseline's matches the index found.

    python bench/memory_fuzzy.py --quick   # 10,000 entries
    python bench/memory_fuzzy.py           # 100,000 entries
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from translate.memory import Entry, memory_key, open_memory  # noqa: E402

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوية"
COMMON = "في من على إلى أن الذي التي قال وزير الحكومة اليوم عن مع بعد".split()


def vocabulary(rng: random.Random, size: int = 8000) -> list[str]:
    """Common words first, then made-up words of three to seven letters (some with ال)."""
    words = list(COMMON)
    while len(words) < size:
        word = "".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 7)))
        words.append("ال" + word if rng.random() < 0.4 else word)
    return words


def sentences(rng: random.Random, words: list[str], count: int) -> list[str]:
    """``count`` sentences whose words follow a Zipf-shaped frequency."""
    weights = [1 / (rank + 1) for rank in range(len(words))]
    return [" ".join(rng.choices(words, weights, k=rng.randint(8, 24))) + "." for _ in range(count)]


def queries(rng: random.Random, words: list[str], stored: list[str], count: int) -> list[str]:
    """Half stored sentences with one word swapped, half new sentences."""
    near = []
    for sentence in rng.sample(stored, count // 2):
        parts = sentence[:-1].split(" ")
        parts[rng.randrange(len(parts))] = rng.choice(words)
        near.append(" ".join(parts) + ".")
    return near + sentences(rng, words, count - len(near))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(entries: int, lookups: int, seed: int = 7) -> dict[str, float]:
    """Build the memory, time both ways of looking up, and compare their matches."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    stored = list(dict.fromkeys(sentences(rng, words, entries)))
    asked = queries(rng, words, stored, lookups)
    with tempfile.TemporaryDirectory() as folder, open_memory(f"sqlite:///{folder}/bench.db") as memory:
        started = time.perf_counter()
        memory.add_imported(
            [
                Entry(s, f"Sentence {n}.", "edited", "bench", "2026-01-01T00:00:00Z", "bench", {})
                for n, s in enumerate(stored)
            ]
        )
        build_s = time.perf_counter() - started
        keys = [memory_key(s) for s in stored]
        indexed, scanned, found, expected = [], [], 0, 0
        for query in asked:
            key = memory_key(query)
            started = time.perf_counter()
            hits = memory.fuzzy(query, threshold=0.85, limit=3)
            indexed.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            baseline = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=85, limit=4)
            scanned.append((time.perf_counter() - started) * 1000)
            wanted = {choice for choice, _, _ in baseline if choice != key}
            expected += len(wanted)
            found += len(wanted & {entry.key for entry, _ in hits})
    return {
        "entries": len(stored),
        "lookups": len(asked),
        "build_s": build_s,
        "indexed_median_ms": statistics.median(indexed),
        "indexed_p95_ms": percentile(indexed, 0.95),
        "scan_median_ms": statistics.median(scanned),
        "scan_p95_ms": percentile(scanned, 0.95),
        "baseline_matches": expected,
        "indexed_found": found,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 entries instead of 100,000")
    parser.add_argument("--lookups", type=int, default=200)
    args = parser.parse_args(argv)
    result = measure(10_000 if args.quick else 100_000, args.lookups)
    print(f"entries: {result['entries']:,}  lookups: {result['lookups']}  (built in {result['build_s']:.1f} s)")
    print(f"word index + rapidfuzz: median {result['indexed_median_ms']:.2f} ms, p95 {result['indexed_p95_ms']:.2f} ms")
    print(f"plain scan (baseline):  median {result['scan_median_ms']:.2f} ms, p95 {result['scan_p95_ms']:.2f} ms")
    print(f"speed-up (median): {result['scan_median_ms'] / result['indexed_median_ms']:.1f}x")
    print(f"matches ≥ 85 %: the index found {result['indexed_found']} of the baseline's {result['baseline_matches']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
