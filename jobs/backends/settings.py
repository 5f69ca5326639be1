"""The backends' defaults and their one error, apart from :mod:`jobs.backends` so that every backend can use
them without importing the module that chooses between the backends."""

from __future__ import annotations

from translate.errors import TranslateError

BACKEND_NAMES = ("local", "ray")
WORKERS = 2  # actors in the Ray pool
CPUS_PER_WORKER = 0.5  # fractional: whole CPUs on a small machine leave Ray Data's own tasks none
GPUS_PER_WORKER = 0.0
RAY_OPTIONS = ("address", "workers", "cpus_per_worker", "gpus_per_worker")


class BackendSetting(TranslateError):
    """A backend setting that cannot work (e.g. more workers than the cluster can place): a usage error."""
