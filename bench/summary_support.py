"""Summary support: how well the ``unsupported`` threshold separates the written cases, and what aligning a
summary costs beside writing it.

    python bench/summary_support.py [--articles 5] [--d-model 256]

1. Threshold: the coverage of every case of ``tests/data/support_cases.tsv`` (summary sentences written
   against two articles, marked supported or not); the accuracy of each threshold on the dev part, and of
   the library's :data:`summarize.support.UNSUPPORTED_BELOW` on the dev and the held-out parts.
2. Time: per article, the summaries written by a small random mT5 (the default generation settings: up to
   84 new tokens, 4 beams; random weights rarely stop early) and the support and checks of both summaries
   against the article's sentences, measured in the same run; the ratio is what aligning adds. The real
   mT5 summariser is ~580M parameters, far slower than this one, so the real ratio is smaller.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from summarize.support import UNSUPPORTED_BELOW, Aligner
from translate import testing as factory

CASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "support_cases.tsv"


@dataclass(frozen=True)
class Case:
    part: str  # "dev" or "held-out"
    article: str
    language: str
    supported: bool
    sentence: str


def load_cases(path: Path = CASES) -> tuple[dict[tuple[str, str], list[str]], list[Case]]:
    """The articles' sentences by (name, language) and the cases of ``path``."""
    articles: dict[tuple[str, str], list[str]] = {
        ("pairs", "ar"): [a for a, _ in factory.PAIRS], ("pairs", "en"): [e for _, e in factory.PAIRS]}
    cases = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells[0] == "article":
            articles.setdefault((cells[1], cells[2]), []).append(cells[3])
        else:
            cases.append(Case(cells[0], cells[1], cells[2], cells[3] == "yes", cells[4]))
    return articles, cases


def coverages(articles: dict[tuple[str, str], list[str]], cases: list[Case]) -> list[float]:
    """Each case's coverage by its article's sentences."""
    aligners = {key: Aligner(sentences, key[1]) for key, sentences in articles.items()}
    return [aligners[(case.article, case.language)].support(case.sentence)[2] for case in cases]


def accuracy(cases: list[Case], covered: list[float], threshold: float) -> float:
    """The share of ``cases`` whose supported mark the threshold gets right."""
    right = sum((value >= threshold) == case.supported for case, value in zip(cases, covered, strict=True))
    return right / len(cases) if cases else 0.0


def threshold_report() -> None:
    articles, cases = load_cases()
    covered = coverages(articles, cases)
    parts = {part: [(c, v) for c, v in zip(cases, covered, strict=True) if c.part == part]
             for part in ("dev", "held-out")}
    dev = parts["dev"]
    print(f"cases: {len(dev)} dev, {len(parts['held-out'])} held-out")
    print("threshold  dev accuracy")
    for step in range(5, 70, 5):
        threshold = step / 100
        print(f"{threshold:9.2f}  {accuracy([c for c, _ in dev], [v for _, v in dev], threshold):.2f}")
    for part, rows in parts.items():
        print(f"UNSUPPORTED_BELOW={UNSUPPORTED_BELOW}: {part} accuracy "
              f"{accuracy([c for c, _ in rows], [v for _, v in rows], UNSUPPORTED_BELOW):.2f}")
    supported = [v for c, v in zip(cases, covered, strict=True) if c.supported]
    unsupported = [v for c, v in zip(cases, covered, strict=True) if not c.supported]
    print(f"coverage: supported min {min(supported):.2f} median {statistics.median(supported):.2f}; "
          f"unsupported max {max(unsupported):.2f} median {statistics.median(unsupported):.2f}")


def timing_report(articles: int, d_model: int) -> None:
    from summarize.summarizer import Summarizer
    from summarize.support import support_summary

    with tempfile.TemporaryDirectory() as folder:
        model = factory.build_mt5(Path(folder) / "mt5", texts=factory.ARABIC_TEXTS + factory.ENGLISH_TEXTS,
                                  d_model=d_model, heads=4)
        summarizer = Summarizer(str(model), device="cpu")
        arabic_sentences = [a for a, _ in factory.PAIRS]
        english_sentences = [e for _, e in factory.PAIRS]
        summarizer.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)  # warm up, loads
        support_summary(factory.SUMMARY_EN, english_sentences, "en")
        generating, aligning = [], []
        for _ in range(articles):
            start = time.perf_counter()
            summary = summarizer.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
            middle = time.perf_counter()
            support_summary(summary.english or factory.SUMMARY_EN, english_sentences, "en")
            support_summary(summary.arabic or factory.SUMMARY_AR, arabic_sentences, "ar")
            end = time.perf_counter()
            aligning.append(end - middle)
            generating.append(middle - start - aligning[-1])  # summarize() aligns too: its share taken off
    gen, align = statistics.median(generating), statistics.median(aligning)
    print(f"articles: {articles} of {len(factory.PAIRS)} sentences; tiny mT5 d_model={d_model}")
    print(f"summary generation (both languages): {gen * 1000:.1f} ms per article")
    print(f"support and checks (both summaries): {align * 1000:.2f} ms per article")
    print(f"ratio: {align / gen:.2%} of the generation time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5)
    parser.add_argument("--d-model", type=int, default=256)
    args = parser.parse_args()
    threshold_report()
    timing_report(args.articles, args.d_model)


if __name__ == "__main__":
    main()
