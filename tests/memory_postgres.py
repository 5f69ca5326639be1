"""A throwaway PostgreSQL cluster for the memory tests, from the distribution's binaries.

``KHABAR_TEST_POSTGRES`` (a URL) uses a running server instead. When neither works the tests
fail in CI (``CI`` or ``KHABAR_REQUIRE_BROWSER`` set: PostgreSQL must be tested for real) and are
skipped elsewhere. Both variables are read at import, before the session clears ``KHABAR_*``."""

from __future__ import annotations

import atexit
import functools
import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

TABLES = ("memory_schema", "edited", "machine", "history", "words", "word_counts")
GIVEN_URL = os.environ.get("KHABAR_TEST_POSTGRES")
REQUIRED = bool(os.environ.get("CI") or os.environ.get("KHABAR_REQUIRE_BROWSER"))


@dataclass
class Cluster:
    """A PostgreSQL server on a unix socket in its own temporary folder."""

    folder: Path
    bin: Path

    @property
    def url(self) -> str:
        return f"postgresql:///postgres?host={self.folder}&user=postgres"

    def _as_owner(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(prefix + list(command), capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        result = self._as_owner(
            str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-l", str(self.folder / "log"), "-w",
            "-o", f"-k {self.folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off", "start",
        )  # fmt: skip
        if result.returncode != 0:
            log = (self.folder / "log").read_text(errors="replace") if (self.folder / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {result.stderr.strip()} {log[-500:]}")

    def stop(self) -> None:
        self._as_owner(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def new_cluster() -> Cluster:
    """Create and start a cluster; raises RuntimeError when that is not possible here."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb)")
    folder = Path(tempfile.mkdtemp(prefix="khabar-pg-"))
    cluster = Cluster(folder, Path(found[-1]).parent)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    result = cluster._as_owner(
        str(cluster.bin / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "--auth=trust",
        "-E", "UTF8", "--no-locale", "--no-sync",
    )  # fmt: skip
    if result.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {result.stderr.strip()[-500:]}")
    try:
        cluster.start()
    except RuntimeError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return cluster


def unavailable(reason: str) -> None:
    """Fail in CI, skip elsewhere."""
    message = f"PostgreSQL is not available for the memory tests: {reason}"
    if REQUIRED:
        pytest.fail(message)
    pytest.skip(message)


@functools.cache
def _shared() -> tuple[str | None, str]:
    if GIVEN_URL:
        return GIVEN_URL, ""
    try:
        cluster = new_cluster()
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        return None, str(error)
    atexit.register(cluster.remove)
    return cluster.url, ""


def shared_url() -> str:
    """The URL of a server shared by the session's tests, its memory tables dropped."""
    url, reason = _shared()
    if url is None:
        unavailable(reason)
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
            for table in TABLES:
                connection.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    except psycopg.Error as error:
        unavailable(f"cannot connect to {url}: {error}")
    return url
