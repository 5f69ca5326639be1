"""The batch job on Ray Data (``--backend ray``): the same driver, the same worker, an actor pool in between.

- The driver (:class:`jobs.batch.Run`) plans the inputs, decides what to skip and records bad files, as
  locally. It cuts the jobs left to translate into the local worker's own batches (``--group-size`` texts,
  the same files together), so that every sentence is translated beside the same neighbours as locally and
  the outputs are the same to the last digit of every score. Each batch goes to Ray as one row
  (``ray.data.from_items``), one block per batch, so that every actor gets work while batches remain and a
  lost actor costs one batch.
- ``map_batches`` runs :class:`ArticleWorker` on an actor pool (``ActorPoolStrategy(size=N)``). Each actor
  builds the translator and summariser from the run configuration once, checks that they have the driver's
  signature, and runs a :class:`jobs.batch.Worker`, which writes each file's outputs atomically into OUT_DIR
  (a shared filesystem, at the same path on every node, on a cluster) and returns its manifest records.
- The driver alone appends the records to the manifest, under the lock on OUT_DIR that :class:`Run` holds. A
  record for an input already recorded in this run is dropped, so a batch that Ray retried is recorded once.
- Faults: Ray restarts an actor that dies and retries its batch (:data:`TASK_RETRIES` times); temporary files the
  dead actor left are removed at the end of the run. A driver stopped mid-run resumes from the manifest like a
  local run. Ray started for the run is shut down when it ends, also on Ctrl-C; a local instance ends with the
  driver even when it is killed: its actors watch the driver's process, and :mod:`jobs.backends.reaper`
  ends Ray's other processes, so none holds memory afterwards.
- A cluster named with ``--address`` that cannot be reached within ``KHABAR_RAY_CONNECT_TIMEOUT`` seconds
  (:data:`~translate.config.RAY_CONNECT_TIMEOUT_S`), or a local instance that cannot start, stops the run with
  one line (exit code 2) instead of Ray retrying for ever or a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import ray

from jobs.backends.settings import CPUS_PER_WORKER, GPUS_PER_WORKER, WORKERS, BackendSetting
from jobs.batch import Job, Record, Worker, WorkerSpec
from summarize import Summarizer
from translate.config import RunConfig, cache_dir, digest, quiet_ray, ray_connect_timeout, signature
from translate.engines import converted_model
from translate.errors import TranslateError
from translate.files import remove_stale_temporaries
from translate.recall import open_run_memory
from translate.translator import Translator

__all__ = ["TASK_RETRIES", "ArticleWorker", "RayBackend", "check_fits"]

log = logging.getLogger(__name__)

TASK_RETRIES = 3  # a batch whose actor dies is retried this many times (then the run stops with an error)
LOCAL_OBJECT_STORE_BYTES = 128 * 1024 * 1024  # rows and records are small: paths and manifest lines
QUIET = ("ray", "ray.data", "ray.util", "ray._private")


def check_fits(nodes: list[dict], workers: int, cpus: float, gpus: float) -> None:
    """Raise :class:`BackendSetting` unless ``workers`` actors of ``cpus`` CPUs and ``gpus`` GPUs each fit on
    the alive ``nodes`` (as ``ray.nodes()`` lists them): Ray would wait for them for ever."""
    fit = 0
    total_cpus = total_gpus = 0.0
    for node in nodes:
        if not node.get("Alive", True):
            continue
        have = node.get("Resources", {})
        total_cpus += have.get("CPU", 0.0)
        total_gpus += have.get("GPU", 0.0)
        limits = [have.get(kind, 0.0) / need for kind, need in (("CPU", cpus), ("GPU", gpus)) if need > 0]
        fit += int(min(limits) + 1e-9) if limits else workers
    if gpus > 0 and total_gpus == 0:
        raise BackendSetting(f"--gpus-per-worker {gpus:g} asks for GPUs, but the Ray cluster has none; "
                             "leave it at 0 to run on CPUs")
    if fit < workers:
        need = f"{cpus:g} CPU" + (f" and {gpus:g} GPU" if gpus else "")
        raise BackendSetting(f"cannot schedule {workers} workers with {need} each: the Ray cluster has "
                             f"{total_cpus:g} CPUs" + (f" and {total_gpus:g} GPUs" if gpus else "") +
                             f", room for {fit} such workers; lower --workers or --cpus-per-worker "
                             "(fractions such as 0.5 are allowed)")


def batch_row(jobs: list[Job]) -> str:
    """A batch of jobs as one JSON text; every text and path as hexadecimal bytes, so names that are not
    UTF-8 travel exactly."""
    def encode(value: Any) -> Any:
        if value is None:
            return None
        return ["path" if isinstance(value, Path) else "text", os.fsencode(value).hex()]
    return json.dumps([{item.name: encode(getattr(job, item.name)) for item in dataclasses.fields(Job)}
                       for job in jobs])


def row_batch(text: str) -> list[Job]:
    """The jobs :func:`batch_row` wrote."""
    def decode(value: Any) -> Any:
        if value is None:
            return None
        kind, data = value
        name = os.fsdecode(bytes.fromhex(data))
        return Path(name) if kind == "path" else name
    return [Job(**{key: decode(value) for key, value in job.items()}) for job in json.loads(text)]


def differences(mine: Any, theirs: Any, where: str = "") -> list[str]:
    """The dotted keys where two signatures differ."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return [found for key in sorted(set(mine) | set(theirs), key=str)
                for found in differences(mine.get(key), theirs.get(key), f"{where}.{key}" if where else str(key))]
    return [] if mine == theirs else [f"{where or 'signature'} {theirs!r} here, {mine!r} on the driver"]


@contextlib.contextmanager
def node_lock() -> Iterator[None]:
    """Hold an exclusive lock on this node's model cache (``KHABAR_CACHE_DIR``), waiting for it."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handle = os.open(folder / ".khabar-actors.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def convert_once(translator: Any, summarizer: Any | None) -> None:
    """Convert for CTranslate2 (or find in the cache) every model the run uses on that engine."""
    if translator.engine_name == "ctranslate2":
        translator.engine  # noqa: B018 - converted and loaded here, once
    if summarizer is not None and summarizer.uses_model and summarizer.engine_name == "ctranslate2":
        converted_model(summarizer.loaded.name, summarizer.effective_compute_type)
        if summarizer.strategy == "translate-back" and summarizer.back_translator.engine_name == "ctranslate2":
            summarizer.back_translator.engine  # noqa: B018


def follow(driver: int, every: float = 1.0) -> None:
    """End this process as soon as the process ``driver`` (on this machine) is gone, checked every ``every``
    seconds on a daemon thread: an actor of a local instance then never outlives a driver that was killed."""
    def watch() -> None:
        while True:
            time.sleep(every)
            try:
                os.kill(driver, 0)
            except (ProcessLookupError, PermissionError):  # gone (or its number taken by another user's process)
                os._exit(0)

    threading.Thread(target=watch, name="khabar-follow-driver", daemon=True).start()


def start_reaper() -> None:
    """Start :mod:`jobs.backends.reaper` for this process: whatever is left of the local instance it
    starts is ended as soon as this process is, even by SIGKILL."""
    subprocess.Popen([sys.executable, "-m", "jobs.backends.reaper", str(os.getpid())],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)  # Ctrl-C on the terminal reaches the driver, not the reaper


def reachable(address: str, timeout: float) -> None:
    """Raise :class:`BackendSetting` unless something accepts a connection at ``address`` (``HOST:PORT`` or
    ``ray://HOST:PORT``) within ``timeout`` seconds: Ray itself would retry for ever."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # not HOST:PORT: Ray says what is wrong with it
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            return
    except TimeoutError:
        reason = f"nothing answered within {timeout:g} s"
    except OSError as error:
        reason = error.strerror or str(error)
    raise BackendSetting(f"cannot reach the Ray cluster at {address}: {reason} (KHABAR_RAY_CONNECT_TIMEOUT sets "
                         "how long to wait)")


class ArticleWorker:
    """One actor of the pool: builds the models from the run configuration once, then translates batches of
    jobs (rows made by :func:`batch_row`, each one batch of the local worker) and returns their manifest lines.
    With ``driver`` (the driver's process on this machine, for a local instance) it ends when the driver does."""

    def __init__(self, config: RunConfig, spec: WorkerSpec, driver: int | None = None) -> None:
        if driver is not None:
            follow(driver)
        translator = Translator.from_config(config, memory=open_run_memory(config))
        summarizer = Summarizer.from_config(config) if config.summary else None
        with node_lock():  # the actors of a node would convert the same model into its cache at once
            convert_once(translator, summarizer)
        here = signature(translator, summarizer)
        if digest(here) != digest(spec.made_by):
            raise TranslateError("this worker would not make what the driver planned (" +
                                 "; ".join(differences(spec.made_by, here)) + "); give the driver the same "
                                 "settings the workers get, e.g. --device, --dtype or --compute-type explicitly")
        self.worker = Worker.from_spec(translator, summarizer, spec)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        lines = [record.to_json() for text in batch.column("jobs").to_pylist()
                 for record in self.worker.process(row_batch(text))]
        return pa.table({"record": pa.array(lines, type=pa.string())})


class RayBackend:
    """A Ray Data actor pool (``--backend ray``); use it as a context manager around the run."""

    def __init__(self, config: RunConfig, *, address: str | None = None, workers: int = WORKERS,
                 cpus_per_worker: float = CPUS_PER_WORKER, gpus_per_worker: float = GPUS_PER_WORKER) -> None:
        if workers < 1:
            raise BackendSetting("--workers must be 1 or more")
        if cpus_per_worker < 0 or gpus_per_worker < 0:
            raise BackendSetting("--cpus-per-worker and --gpus-per-worker cannot be negative")
        self.config, self.address, self.workers = config, address, workers
        self.cpus, self.gpus = cpus_per_worker, gpus_per_worker
        self.started = False  # whether this backend started (or connected) Ray, and so shuts it down
        self.local = False  # whether that is a local instance of this run (its actors then follow this process)

    def __enter__(self) -> RayBackend:
        for name in QUIET:
            logging.getLogger(name).setLevel(logging.ERROR)
        if not ray.is_initialized():
            self._init()
        try:
            check_fits(ray.nodes(), self.workers, self.cpus, self.gpus)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _init(self) -> None:
        quiet_ray()  # nothing leaves the machine unless asked; Ray's core logs stay in its session folder
        quiet = {"log_to_driver": False, "logging_level": logging.ERROR}
        try:
            if self.address:
                try:
                    timeout = ray_connect_timeout()
                except TranslateError as error:
                    raise BackendSetting(str(error)) from None
                if self.address != "auto":
                    reachable(self.address, timeout)
                ray.init(address=self.address, **quiet)
            else:
                start_reaper()
                ray.init(address="local", include_dashboard=False, object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                         **quiet)  # a new instance, even where "ray start" runs one
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray instance"
            raise BackendSetting(f"cannot connect to {where}: {error}") from None
        except OSError as error:  # e.g. Ray's temporary folder (RAY_TMPDIR, else /tmp/ray) cannot be written
            ray.shutdown()
            where = f"connect to the Ray cluster at {self.address}" if self.address else "start a local Ray instance"
            raise BackendSetting(f"cannot {where}: {error.strerror or error}; Ray's temporary folder (RAY_TMPDIR, "
                                 "default /tmp/ray) must be a folder this user can write") from None
        self.started = True
        self.local = not self.address

    def close(self) -> None:
        """Shut Ray down if this backend started or connected it (a caller's own Ray is left running)."""
        if self.started:
            self.started = False
            ray.shutdown()

    def run(self, worker: Worker, jobs: Iterable[Job]) -> Iterator[Record]:
        """Send the jobs to the actor pool; yield each record once, as its batch comes back.

        Only the worker's spec (folders, signature, limits) and its batches are used: each actor builds its own
        models."""
        todo = list(jobs)  # the driver records bad and unchanged files while this is read
        if not todo:
            return
        seen: set[str] = set()
        try:
            for row in self._dataset(worker, todo).iter_rows():
                record = Record.from_json(row["record"])
                if record.input in seen:
                    log.info("dropped a second record for %s (a retried batch)", record.input)
                    continue
                seen.add(record.input)
                yield record
        except ray.exceptions.RayError as error:
            raise _worker_error(error) from None
        finally:
            remove_stale_temporaries(worker.out_dir, exclude=[worker.in_dir])
        for job in todo:
            if job.relative not in seen:  # never expected: said rather than lost
                yield Record(job.relative, job.sha256, "failed", "no worker returned a record for this file",
                             signature=worker.made_by)

    def _dataset(self, worker: Worker, todo: list[Job]) -> Any:
        from ray.data import ActorPoolStrategy

        for handler in logging.getLogger("ray.data").handlers:  # Ray Data's own file logs are kept
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                handler.setLevel(logging.ERROR)
        rows = [{"jobs": batch_row(batch)} for batch in worker.batches(todo)]
        config = self.config if self.config.threads else self.config.replace(threads=max(1, int(self.cpus)))
        with warnings.catch_warnings():  # max_task_retries has no named parameter in Ray Data 2.60
            warnings.simplefilter("ignore", ray.util.annotations.RayDeprecationWarning)
            dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
                ArticleWorker, compute=ActorPoolStrategy(size=min(self.workers, len(rows))),  # no idle actors
                batch_size=1, batch_format="pyarrow",
                num_cpus=self.cpus, num_gpus=self.gpus or None, max_task_retries=TASK_RETRIES,
                fn_constructor_args=(config, worker.spec),
                fn_constructor_kwargs={"driver": os.getpid() if self.local else None})
        dataset.context.enable_progress_bars = False  # the driver shows files done out of total
        dataset.context.print_on_execution_start = False  # (this dataset's own settings, not the process's)
        return dataset


def _worker_error(error: BaseException) -> TranslateError:
    """The error to stop the run with: a worker's own :class:`TranslateError` (a full disk, a model that
    cannot load, another signature), found in the Ray error's causes or in the traceback text Ray keeps of
    an actor that died in its constructor; else Ray's own message."""
    seen: set[int] = set()
    inner: BaseException | None = error
    while isinstance(inner, BaseException) and id(inner) not in seen:
        if isinstance(inner, TranslateError):
            return inner
        seen.add(id(inner))
        inner = getattr(inner, "cause", None) or inner.__cause__
    said = re.findall(r"TranslateError: (.+)", str(error))
    if said:
        return TranslateError(said[-1].strip())
    lines = [line for line in str(error).strip().splitlines() if line.strip()]
    return TranslateError(f"the Ray job stopped: {lines[-1].strip() if lines else type(error).__name__}; the "
                          "manifest keeps what was done, run again to resume")
