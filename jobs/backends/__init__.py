"""Where a folder run's workers run: ``local`` (one worker in this process, :class:`jobs.batch.LocalBackend`)
or ``ray`` (an actor pool on Ray Data, :class:`jobs.backends.ray.RayBackend`, on this machine or a cluster).

The driver (:class:`jobs.batch.Run`) stays the same for both: it plans, decides what to skip and appends
every record to the manifest. This module declares the backend options once (:func:`add_arguments`) and opens
the chosen backend for a run (:func:`open_backend`); it imports nothing from Ray until ``ray`` is chosen.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from typing import Any

from jobs.backends.settings import (
    BACKEND_NAMES,
    CPUS_PER_WORKER,
    GPUS_PER_WORKER,
    RAY_OPTIONS,
    WORKERS,
    BackendSetting,
)
from jobs.batch import LocalBackend

__all__ = ["BACKEND_NAMES", "CPUS_PER_WORKER", "GPUS_PER_WORKER", "RAY_OPTIONS", "WORKERS", "BackendSetting",
           "add_arguments", "open_backend"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``--backend`` and the Ray options on ``parser`` (once, for the batch command)."""
    parser.add_argument("--backend", choices=BACKEND_NAMES, default="local",
                        help="where the workers run: local (in this process, the default) or ray (a Ray Data "
                        "actor pool on this machine or a cluster)")
    group = parser.add_argument_group("Ray (with --backend ray)")
    group.add_argument("--address", help="an existing Ray cluster: auto (the one started with 'ray start' here) or "
                       "ray://HOST:10001; default: start a local Ray instance for this run")
    group.add_argument("--workers", type=int, help=f"actors, each loading the models once (default {WORKERS})")
    group.add_argument("--cpus-per-worker", type=float,
                       help=f"CPUs reserved per actor, fractions allowed (default {CPUS_PER_WORKER})")
    group.add_argument("--gpus-per-worker", type=float,
                       help=f"GPUs reserved per actor, fractions allowed (default {GPUS_PER_WORKER:g})")


@contextlib.contextmanager
def open_backend(args: argparse.Namespace, config: Any) -> Iterator[Any]:
    """The backend ``args`` ask for, ready to run; for Ray, connected (or started) and checked, and shut
    down on leaving, also on Ctrl-C.

    Raises :class:`BackendSetting` for Ray options without ``--backend ray``, a bad value, or a pool the
    cluster cannot place."""
    given = [name for name in RAY_OPTIONS if getattr(args, name, None) is not None]
    if args.backend == "local":
        if given:
            options = ", ".join("--" + name.replace("_", "-") for name in given)
            raise BackendSetting(f"{options} only apply with --backend ray")
        yield LocalBackend()
        return
    from jobs.backends.ray import RayBackend

    backend = RayBackend(config, **{name: getattr(args, name) for name in given})
    with backend:
        yield backend
