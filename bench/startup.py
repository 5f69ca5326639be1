"""How long the web app takes to start, against the time Python takes to import its heavy libraries.

Each figure is the median wall time of ``--runs`` fresh processes of ``python app.py``:

- help:        ``app.py --help``;
- bad setting: ``app.py`` with a malformed ``KHABAR_AUTH``, until it exits with its one-line error;
- ready:       ``app.py`` with two tiny models (a random Marian translator and a random mT5 summariser,
               built here; the hub is not needed), until it prints ``ready at http://…``.

The baseline, measured in the same run, is ``python -c "import torch, transformers, gradio"``: what any
start that imports everything at the top pays before its own work.

    python bench/startup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
READY = "ready at http://"
TIMEOUT_S = 600


def environment(folder: Path) -> dict[str, str]:
    """The user's environment without KHABAR_* settings, offline, every cache and temporary file in ``folder``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("KHABAR_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HOME=str(folder / "hf"), TMPDIR=str(folder),
               KHABAR_CACHE_DIR=str(folder / "khabar"), GRADIO_TEMP_DIR=str(folder / "gradio"),
               GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
    return env


def timed_run(command: list[str], env: dict[str, str], expect: int) -> float:
    """Seconds until ``command`` exits; its exit code must be ``expect``."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=TIMEOUT_S)
    took = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}, not {expect}:\n{done.stderr.decode()}")
    return took


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_to_ready(models: tuple[Path, Path], env: dict[str, str]) -> float:
    """Seconds from starting the app with ``models`` until it prints its ready line; the app is then stopped."""
    command = [sys.executable, "app.py", "--model", str(models[0]), "--summary-model", str(models[1]),
               "--port", str(free_port())]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    try:
        for line in process.stdout:
            if line.startswith(READY):
                return time.perf_counter() - start
        raise SystemExit(f"the app exited with {process.wait()} before it was ready")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def build_models(folder: Path) -> tuple[Path, Path]:
    """A random tiny Marian ar→en model and a random tiny mT5, as the tests build them."""
    import transformers

    from translate import testing as factory

    transformers.utils.logging.disable_progress_bar()
    marian = factory.build_marian(folder / "marian", source_texts=factory.ARABIC_TEXTS,
                                  target_texts=factory.ENGLISH_TEXTS, seed=1)
    mt5 = factory.build_mt5(folder / "mt5", texts=factory.ARABIC_TEXTS + factory.ENGLISH_TEXTS, seed=3)
    return marian, mt5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per figure (the median is shown)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="khabar-bench-") as name:
        folder = Path(name)
        env = environment(folder)
        models = build_models(folder / "models")
        app = [sys.executable, "app.py"]
        figures = {
            "baseline: import torch, transformers, gradio": median_of(args.runs, lambda: timed_run(
                [sys.executable, "-c", "import torch, transformers, gradio"], env, 0)),
            "app.py --help": median_of(args.runs, lambda: timed_run([*app, "--help"], env, 0)),
            "app.py with a bad KHABAR_AUTH": median_of(args.runs, lambda: timed_run(
                app, {**env, "KHABAR_AUTH": ":"}, 2)),
            "app.py with two tiny models, until ready": median_of(args.runs, lambda: time_to_ready(models, env)),
        }
    baseline = next(iter(figures.values()))
    print(f"start-up, median of {args.runs} fresh processes ({os.cpu_count()} CPUs)")
    for label, seconds in figures.items():
        print(f"  {label:<45} {seconds:6.2f} s  {seconds / baseline:5.2f}x the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
