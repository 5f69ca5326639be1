"""What an editor waits for in the Paste tab: the first paragraph against the whole translation.

The app streams the translation one paragraph at a time (``translate_progressively(step_pieces=1)``): the
first paragraph alone, then the rest in length-sorted batches across paragraphs, each paragraph shown once done.
This measures, on news-length articles (3–4 paragraphs, 10–14 sentences), with a random-weight model of
the published Marian-base shape (opus-mt-ar-en; the hub is not needed) and the same forced output
length as ``bench/speed.py``:

- first:  seconds until the first paragraph's English is ready;
- whole:  seconds until the whole article is ready, streamed by paragraph;
- at once: seconds for the whole article in one call (``translate``), what the app did before streaming.

    python bench/first_paragraph.py [--articles 4] [--beams 4] [--engine transformers] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import speed  # noqa: E402 - the Marian builder, the articles and the forced output length are shared


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=4)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--engine", choices=("transformers", "ctranslate2"), default="transformers")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    from translate import Translator

    with tempfile.TemporaryDirectory() as folder:
        shape = speed.SHAPES["opus-mt-ar-en (base)"]
        model = speed.build_model(Path(folder) / "marian-base", shape)
        translator = Translator(str(model), engine=args.engine, device="cpu", threads=args.threads,
                                decoding=speed.forced(args.beams), cache_size=0)
        docs = speed.articles(args.articles)
        translator.translate(docs[0])  # warm-up: load the model, first calls
        firsts, streamed, whole = [], [], []
        for doc in docs:
            start = time.perf_counter()
            steps = 0
            for steps, _ in enumerate(translator.translate_progressively(doc, step_pieces=1), start=1):
                if steps == 1:
                    firsts.append(time.perf_counter() - start)
            streamed.append(time.perf_counter() - start)
            start = time.perf_counter()
            translator.translate(doc)
            whole.append(time.perf_counter() - start)
            print(f"article: {doc.count(chr(10) * 2) + 1} paragraphs, {steps} updates; first {firsts[-1]:.2f} s, "
                  f"whole streamed {streamed[-1]:.2f} s, at once {whole[-1]:.2f} s")
    first, stream, once = (statistics.median(v) for v in (firsts, streamed, whole))
    from translate.canary import cpu_summary

    print(f"median over {len(docs)} articles ({args.engine}, beam {args.beams}, {args.threads} threads, "
          f"Marian-base shape, random weights; {cpu_summary()}):")
    print(f"  first paragraph  {first:.2f} s  ({first / stream:.0%} of the streamed whole)")
    print(f"  whole, streamed  {stream:.2f} s")
    print(f"  whole, at once   {once:.2f} s  (streaming costs {stream / once - 1:+.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
