"""Glossary benchmark: what a 300-entry glossary adds to translating articles with the transformers engine.

Builds the random-weight Marian-base model of ``bench/speed.py`` (the hub is not needed) and the
news-length articles of that benchmark, and a 300-entry glossary: the 46 entries of
``examples/glossary.tsv``, 30 entries for words the articles use (so that terms are found,
corrected and verified in most sentences), and made-up names for the rest. Then, in one process:

- the same :class:`Translator` with no glossary and with the glossary (``with_glossary``: same
  model, same engine), runs alternating, the fastest of ``--runs`` each; every output runs to its
  length cap, so both do the same generation work;
- the glossary's own work on every translated sentence (find, correct, verify), timed alone;
- the time to load and compile the glossary.

    python bench/glossary.py               # 2 articles, beam 4: a few minutes on 2 cores
    python bench/glossary.py --beams 1     # greedy: the model is faster, so the share is larger
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

ENTRIES = 300
LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"


def glossary_rows(article_words: list[str], size: int = ENTRIES, seed: int = 3) -> list[list[str]]:
    """The starter glossary's rows, entries for 30 article words, and made-up two-word names up to ``size``."""
    from translate.glossary import Glossary, fold
    from translate.text import has_arabic

    starter = Glossary.load(ROOT / "examples" / "glossary.tsv")
    rows = starter.rows()
    taken = {row[0] for row in rows}
    words = sorted({fold(w): w for w in article_words if len(w) > 2 and has_arabic(w) and not starter.find(w)}.values())
    for index, word in enumerate(words[:30]):
        rows.append([word, f"Word{index}", f"Variant{index}|Other Variant{index}", "", "benchmark"])
    rng = random.Random(seed)
    while len(rows) < size:
        name = " ".join("".join(rng.choices(LETTERS, k=rng.randint(4, 7))) for _ in range(2))
        if name not in taken:
            taken.add(name)
            rows.append([name, f"Name{len(rows)}", f"Name-{len(rows)}", "", "benchmark"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2, help="how many articles (default 2)")
    parser.add_argument("--beams", type=int, default=4, help="beam size (default 4, the translator's default)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each contender (default 3)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    import torch
    from speed import SHAPES, articles, build_model, forced

    from translate import Translator
    from translate.glossary import Glossary

    device = "cuda" if torch.cuda.is_available() else "cpu"
    work = Path(os.environ.get("KHABAR_BENCH_DIR", Path(tempfile.gettempdir()) / "khabar-bench"))
    os.environ.setdefault("KHABAR_CACHE_DIR", str(work / "cache"))
    shape = "opus-mt-ar-en (base)"
    model_dir = str(build_model(work / shape.split()[0], SHAPES[shape]))
    docs = articles(args.articles)

    rows = glossary_rows([w.strip(".") for d in docs for w in d.split()])
    start = time.perf_counter()
    glossary = Glossary.from_rows(rows)
    compile_s = time.perf_counter() - start

    plain = Translator(model_dir, engine="transformers", device=device, threads=args.threads,
                       decoding=forced(args.beams), cache_size=0)
    styled = plain.with_glossary(glossary)
    plain.translate_batch(docs)  # warm-up: loads the model and builds the engine for both
    times: dict[str, list[float]] = {"none": [], "glossary": []}
    results = {}
    for _ in range(args.runs):
        for name, translator in (("none", plain), ("glossary", styled)):
            start = time.perf_counter()
            results[name] = translator.translate_batch(docs)
            times[name].append(time.perf_counter() - start)

    segments = [s for r in results["glossary"] for s in r.segments]
    pairs = [(s.source, s.target) for r in results["none"] for s in r.segments]
    start = time.perf_counter()
    for source, target in pairs:
        glossary.apply(source, target)
    apply_s = time.perf_counter() - start
    with_terms = sum(bool(glossary.find(s.source)) for s in segments)
    flagged = sum("glossary" in s.flags for s in segments)

    none, styled_s = min(times["none"]), min(times["glossary"])
    name = torch.cuda.get_device_name() if device == "cuda" else f"{os.cpu_count()} CPU cores"
    print(f"device: {device} ({name}), threads {args.threads}; {shape}, random weights, beams {args.beams}; "
          f"{len(docs)} articles, {len(segments)} sentences; best of {args.runs} runs each")
    print(f"glossary: {len(glossary)} entries, loaded and compiled in {compile_s * 1000:.1f} ms; terms found in "
          f"{with_terms} of {len(segments)} sentences, {flagged} flagged")
    print(f"{'translation':<34}{'seconds':>10}")
    print(f"{'no glossary':<34}{none:>10.3f}")
    print(f"{'300-entry glossary':<34}{styled_s:>10.3f}")
    print(f"{'glossary work alone (all sentences)':<34}{apply_s:>10.4f}")
    print(f"ratio with/without: {styled_s / none:.3f}; the glossary's own work is {100 * apply_s / none:.2f} % "
          "of the translation time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
