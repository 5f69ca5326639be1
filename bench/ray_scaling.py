"""Scaling benchmark: the batch job on one machine, local backend against Ray Data with 2 actors.

Builds a random-weight model with the architecture of the published Marian ar→en base model (no hub
needed), converts it for the CTranslate2 engine once (int8 on CPU), writes the same short news articles to
a folder, and runs ``python -m translate.batch --engine ctranslate2`` on it once with ``--backend local`` and
once with ``--backend ray --workers 2``, each in its own process: the wall time includes loading the model
(and, for Ray, starting a local Ray instance and its actors, each loading the model). It prints articles per
minute for each, the ratio, and checks that both made the same outputs.

    python bench/ray_scaling.py                 # 80 articles: a few minutes on 2 cores
    python bench/ray_scaling.py --articles 200  # a longer run shows the steady rate better
"""

from __future__ import annotations

import argparse
import filecmp
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

GROUP = 8  # texts per batch, the same for both backends: 80 articles make 20 batches to share between actors
REPORT = re.compile(r"done (\d+) \(unchanged \d+\), failed (\d+).*?in ([\d.]+)s")


def write_articles(folder: Path, count: int, seed: int = 11) -> None:
    """``count`` short news articles (2 paragraphs of 2 sentences of 6–14 words) from Arabic news words."""
    from translate import testing as factory

    words = " ".join(factory.ARABIC_TEXTS[:-2]).replace(".", "").replace("؟", "").split()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        paragraphs = [" ".join(" ".join(rng.choices(words, k=rng.choice([6, 9, 14]))) + "." for _ in range(2))
                      for _ in range(2)]
        (folder / f"article{i:04}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")


def run(backend: list[str], source: Path, out: Path, model: Path, cache: Path) -> dict:
    """One cold run of the batch command; its wall time and the run's own report."""
    env = {key: value for key, value in os.environ.items() if key != "OMP_NUM_THREADS"}  # every core, as a user
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", KHABAR_CACHE_DIR=str(cache))
    command = [sys.executable, "-m", "translate.batch", str(source), str(out), "--model", str(model), "--beams", "1",
               "--engine", "ctranslate2", "--no-summary", "--group-size", str(GROUP), *backend]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    found = REPORT.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{' '.join(backend) or 'local'} run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return {"wall": wall, "done": int(found.group(1)), "failed": int(found.group(2)), "run": float(found.group(3))}


def same_outputs(one: Path, other: Path) -> bool:
    names = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file() and p.name != ".khabar.lock")
    if names != sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file() and p.name != ".khabar.lock"):
        return False
    return all(filecmp.cmp(one / name, other / name, shallow=False) for name in names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=80, help="articles to translate (default 80)")
    parser.add_argument("--workers", type=int, default=2, help="Ray actors (default 2)")
    args = parser.parse_args(argv)
    import speed

    with tempfile.TemporaryDirectory(prefix="khabar-ray-bench-") as scratch:
        folder = Path(scratch)
        model = speed.build_model(folder / "model", speed.SHAPES["opus-mt-ar-en (base)"])
        write_articles(folder / "in", args.articles)
        os.environ["KHABAR_CACHE_DIR"] = str(folder / "cache")
        from translate.engines import converted_model

        converted_model(str(model), "int8")  # once, before either run is timed
        results = {
            "local": run([], folder / "in", folder / "local", model, folder / "cache"),
            f"ray, {args.workers} actors": run(["--backend", "ray", "--workers", str(args.workers)], folder / "in",
                                               folder / "ray", model, folder / "cache"),
        }
        identical = same_outputs(folder / "local", folder / "ray")
    print(f"{args.articles} articles, Marian-base shape (random weights), CTranslate2 int8, greedy, "
          f"--group-size {GROUP}, {os.cpu_count()} CPU cores")
    print(f"{'backend':<16}{'wall s':>8}{'run s':>8}{'articles/min':>14}")
    for name, result in results.items():
        rate = result["done"] / result["wall"] * 60
        print(f"{name:<16}{result['wall']:>8.1f}{result['run']:>8.1f}{rate:>14.1f}")
    local, distributed = results.values()
    print(f"ray / local (articles per minute, wall): {local['wall'] / distributed['wall']:.2f}")
    print(f"outputs identical: {'yes' if identical else 'NO'}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
