"""The int8 guard's cost and verdicts on this machine.

Builds random-weight models with the shape of the published Marian ar→en models (as bench/speed.py does),
then measures in one run, for each compute type: loading the CTranslate2 model (the baseline), scoring
the canary (:mod:`translate.canary`), and the canary's agreement with the transformers engine's float32
reference. The one-off costs (making the reference, converting) are printed too. With ``--mkl`` each
compute type is measured again with ``CT2_USE_MKL=1`` (MKL's int8 kernels on any x86-64 CPU).

    python bench/canary.py --quick     # the base shape only
    python bench/canary.py             # base and big (the default model's shape)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import speed  # noqa: E402 - the Marian builder of the published shapes is shared


def measure(model: str, compute_type: str) -> dict:
    """In this process: load time, canary time and verdict for ``model`` at ``compute_type``."""
    import ctranslate2

    from translate import canary
    from translate.config import cache_dir
    from translate.engines import converted_model
    from translate.loading import load_model

    loaded = load_model(model)
    started = time.perf_counter()
    reference = canary.reference(loaded, cache_dir() / "canary")
    made = time.perf_counter() - started
    started = time.perf_counter()
    folder = converted_model(model, compute_type)
    converted = time.perf_counter() - started
    started = time.perf_counter()
    translator = ctranslate2.Translator(str(folder), compute_type=compute_type)
    load = time.perf_counter() - started
    canary.score(translator, compute_type, reference)  # warm-up: first calls allocate
    started = time.perf_counter()
    verdict = canary.score(translator, compute_type, reference)
    scored = time.perf_counter() - started
    return {"reference_s": made, "convert_s": converted, "load_s": load, "canary_s": scored,
            "agreement": verdict.agreement, "worst": verdict.worst}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the base shape only")
    parser.add_argument("--mkl", action="store_true", help="measure again with CT2_USE_MKL=1")
    parser.add_argument("--measure", nargs=2, metavar=("MODEL", "COMPUTE_TYPE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    from translate.canary import AGREEMENT, TOLERANCE, cpu_summary

    print(f"CPU: {cpu_summary()}; {os.cpu_count()} cores")
    print(f"a token agrees within {TOLERANCE} nats; a compute type passes at {AGREEMENT:.0%} of tokens\n")
    shapes = list(speed.SHAPES)[:1] if args.quick else list(speed.SHAPES)
    with tempfile.TemporaryDirectory() as work:
        env = {**os.environ, "KHABAR_CACHE_DIR": str(Path(work) / "cache")}
        print(f"{'shape':28} {'type':13} {'backend':8} {'load s':>7} {'canary s':>9} {'canary/load':>11} "
              f"{'agree':>6} {'worst':>7}")
        for shape in shapes:
            model = speed.build_model(Path(work) / shape.split()[0], speed.SHAPES[shape])
            for compute_type in ("float32", "int8"):
                for mkl in (False, True) if args.mkl else (False,):
                    run_env = {**env, "CT2_USE_MKL": "1"} if mkl else env
                    done = subprocess.run([sys.executable, __file__, "--measure", str(model), compute_type],
                                          env=run_env, capture_output=True, text=True, check=True)
                    row = json.loads(done.stdout.strip().splitlines()[-1])
                    backend = "MKL" if mkl else "default"
                    print(f"{shape:28} {compute_type:13} {backend:8} {row['load_s']:7.2f} {row['canary_s']:9.2f} "
                          f"{row['canary_s'] / row['load_s']:11.2f} {row['agreement']:6.1%} {row['worst']:7.2f}")
                    if row["reference_s"] > 0.5 or row["convert_s"] > 0.5:
                        print(f"{'':28} once per model: reference {row['reference_s']:.1f} s, "
                              f"conversion {row['convert_s']:.1f} s")


if __name__ == "__main__":
    main()
