"""Safe file-system work for folder runs: read only regular files, never through links that leave
the input folder and never past a byte limit; write outputs atomically, never through links, with the
user's umask; lock an output folder; recognise and remove only this project's own temporary files.

Rules (stated in the README's batch section):

- Inputs: only regular files are read. FIFOs, devices, sockets and folders are skipped with a reason,
  and they are never opened (a FIFO would block the run). A link is read only when it leads to a
  regular file inside the input folder (and outside the output folder); a link that leads elsewhere,
  a broken link and a link to a folder are skipped. Reading stops at ``max_bytes + 1`` bytes, whatever
  size the file claims.
- Outputs: every folder between the output root and a file must be a real folder (a link there is
  refused); a file is written to a temporary file beside it (``.NAME.<pid>.<random>.khabar-tmp``,
  mode ``0o666`` less the umask) and renamed over the final name, which replaces a link sitting there
  rather than writing through it.
- Temporary files: only names of that shape whose process is no longer alive are removed.
- File names that are not valid UTF-8 are kept as bytes: in JSON the name is written readably with
  ``\\xNN`` for each stray byte, and losslessly as hexadecimal bytes (see :func:`name_to_json`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from translate.errors import TranslateError

log = logging.getLogger(__name__)

TEMP_MARK = ".khabar-tmp"
LOCK_NAME = ".khabar.lock"
_TEMP_NAME = re.compile(r"\..+\.(\d+)\.[0-9a-f]{12}" + re.escape(TEMP_MARK), re.DOTALL)
_CHUNK = 1 << 20
_FULL = (errno.ENOSPC, errno.EDQUOT)


class InputProblem(Exception):
    """An input that is not read: ``status`` is ``skipped`` (not an article file) or ``failed``."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


class OutputProblem(Exception):
    """An output that cannot be written safely (a link or a file where a folder should be)."""


class DiskFull(TranslateError):
    """The disk (or the user's quota) is full: the run stops, keeping what was done."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(f"the disk is full while writing {path}; what was done so far is kept in the manifest")
        self.path = path


class FolderInUse(TranslateError):
    """Another run holds the output folder's lock."""

    def __init__(self, folder: Path, pid: int | None) -> None:
        holder = f"pid {pid}" if pid is not None else "pid unknown"
        super().__init__(f"OUT_DIR is in use by another run ({holder}): {folder}")
        self.pid = pid


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or below it (both absolute, links already resolved)."""
    return path == folder or folder in path.parents


def describe(mode: int) -> str:
    """What kind of file-system entry ``mode`` is, in words."""
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a link"))
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def check_input(path: Path, *, root: Path, exclude: Path | None = None) -> Path:
    """The regular file to read for ``path`` (a file or link found under ``root``), without opening it.

    Raises :class:`InputProblem` for anything else: a FIFO, device, socket or folder, a link leading
    outside ``root`` or into ``exclude``, or a broken link."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise InputProblem("failed", "the file disappeared during the run") from None
    except OSError as error:
        raise InputProblem("failed", f"cannot read the file: {error.strerror}") from None
    target = path
    if stat.S_ISLNK(info.st_mode):
        target = Path(os.path.realpath(path))
        if not inside(target, root):
            raise InputProblem("skipped", "a link that leads outside IN_DIR (such links are not followed)")
        if exclude is not None and inside(target, exclude):
            raise InputProblem("skipped", "a link that leads into OUT_DIR (such links are not followed)")
        try:
            info = os.stat(target, follow_symlinks=False)
        except FileNotFoundError:
            raise InputProblem("skipped", "a broken link (its target does not exist)") from None
        except OSError as error:
            raise InputProblem("skipped", f"a link that cannot be followed: {error.strerror}") from None
        if stat.S_ISDIR(info.st_mode):
            raise InputProblem("skipped", "a link to a folder (folders behind links are not read)")
    if not stat.S_ISREG(info.st_mode):
        raise InputProblem("skipped", f"not a regular file: {describe(info.st_mode)}")
    return target


def read_input(path: Path, *, root: Path, max_bytes: int, exclude: Path | None = None) -> bytes:
    """The bytes of the regular file at ``path`` (see :func:`check_input`), read with a descriptor that
    never blocks and never follows a link, and never more than ``max_bytes + 1`` bytes of it.

    Raises :class:`InputProblem`, also for a file of more than ``max_bytes`` bytes."""
    target = check_input(path, root=root, exclude=exclude)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_NOCTTY | os.O_CLOEXEC
    try:
        handle = os.open(target, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputProblem("skipped", "a link that appeared during the run (links are checked first)") from None
        raise InputProblem("failed", f"cannot read the file: {error.strerror}") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):  # replaced between the check and the open
            raise InputProblem("skipped", f"not a regular file: {describe(info.st_mode)}")
        if info.st_size > max_bytes:
            raise InputProblem("failed", f"file is larger than the {max_bytes:,}-byte limit")
        return read_at_most(handle, max_bytes)
    except OSError as error:
        raise InputProblem("failed", f"cannot read the file: {error.strerror}") from None
    finally:
        os.close(handle)


def read_named_file(path: Path, *, what: str, max_bytes: int, folder_hint: str = "") -> bytes:
    """The bytes of a file a person named (a command's input, a glossary): a link is followed, but only
    a regular file is read (never a FIFO or a device, which could block or never end), and never more
    than ``max_bytes + 1`` bytes of it. Raises :class:`TranslateError` saying what is wrong with ``what``."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise TranslateError(f"There is no {what} '{path}'.") from None
    except OSError as error:
        raise TranslateError(f"Cannot read the {what} '{path}': {error.strerror}.") from None
    if stat.S_ISDIR(info.st_mode):
        raise TranslateError(f"The {what} '{path}' is a folder, not a file.{folder_hint}")
    if not stat.S_ISREG(info.st_mode):
        raise TranslateError(f"The {what} '{path}' is not a regular file ({describe(info.st_mode)}).")
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        try:
            return read_at_most(handle, max_bytes)
        finally:
            os.close(handle)
    except InputProblem:
        raise TranslateError(f"The {what} '{path}' is larger than the {max_bytes:,}-byte limit.") from None
    except OSError as error:
        raise TranslateError(f"Cannot read the {what} '{path}': {error.strerror}.") from None


def read_standard_input(*, max_bytes: int, stream: BinaryIO | None = None) -> bytes:
    """The bytes of standard input (or ``stream``), read in chunks and never more than ``max_bytes + 1``
    of them (a pipe may bring any amount). Raises :class:`TranslateError` past the limit or when it
    cannot be read."""
    stream = sys.stdin.buffer if stream is None else stream
    parts: list[bytes] = []
    left = max_bytes + 1
    try:
        while left > 0:
            part = stream.read(min(_CHUNK, left))
            if not part:
                return b"".join(parts)
            parts.append(part)
            left -= len(part)
    except OSError as error:
        raise TranslateError(f"Cannot read standard input: {error.strerror or error}.") from None
    raise TranslateError(f"Standard input is larger than the {max_bytes:,}-byte limit.")


def read_at_most(handle: int, max_bytes: int) -> bytes:
    """Read from the descriptor ``handle`` until its end, or raise :class:`InputProblem` once more than
    ``max_bytes`` bytes came."""
    parts: list[bytes] = []
    left = max_bytes + 1
    while left > 0:
        part = os.read(handle, min(_CHUNK, left))
        if not part:
            return b"".join(parts)
        parts.append(part)
        left -= len(part)
    raise InputProblem("failed", f"file is larger than the {max_bytes:,}-byte limit")


# --- names in JSON ----------------------------------------------------------------------------------

def raw_name(name: str) -> bytes:
    """The bytes the file system holds for ``name`` (as ``os`` functions gave it)."""
    return os.fsencode(name)


def name_to_json(name: str) -> tuple[str, str | None]:
    """``(text, hex)``: ``text`` is valid UTF-8 (stray bytes shown as ``\\xNN``); ``hex`` is None when
    the name is valid UTF-8, else the name's bytes in hexadecimal, which restore it exactly."""
    data = raw_name(name)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return data.decode("utf-8", "backslashreplace"), data.hex()


def name_from_json(text: str, hex_bytes: str | None) -> str:
    """The name :func:`name_to_json` described, as ``os`` functions take it."""
    return os.fsdecode(bytes.fromhex(hex_bytes)) if hex_bytes else text


# --- outputs ----------------------------------------------------------------------------------------

def temporary_name(name: str) -> str:
    """A name for a temporary file beside ``name``, unique to this process and marked as ours."""
    return f".{name}.{os.getpid()}.{secrets.token_hex(6)}{TEMP_MARK}"


def open_folder(root: Path, parts: Sequence[str], *, create: bool = True) -> int:
    """A descriptor of ``root/parts...``, created if needed; every part must be a real folder."""
    handle = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for index, part in enumerate(parts):
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o777, dir_fd=handle)
            try:
                child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=handle)
            except OSError as error:
                if error.errno not in (errno.ELOOP, errno.ENOTDIR):
                    raise
                where = "/".join(parts[: index + 1])
                raise OutputProblem(f"OUT_DIR/{where} is a link or a file, not a folder; outputs are never "
                                    "written through links") from None
            os.close(handle)
            handle = child
    except BaseException:
        os.close(handle)
        raise
    return handle


def write_files(root: Path, outputs: Sequence[tuple[str, bytes]]) -> None:
    """Write each ``(relative path, data)`` under ``root``: all to temporary files first, synced, then
    each renamed into place, so a full disk leaves the earlier outputs as they were.

    Raises :class:`DiskFull` when the disk is full, :class:`OutputProblem` for a link in the way,
    ``OSError`` for other write errors."""
    folders: list[int] = []
    pending: list[tuple[int, str, str]] = []  # (folder descriptor, temporary name, final name), not yet renamed
    relative = ""
    try:
        for relative, data in outputs:
            *parts, name = relative.split("/")
            folder = open_folder(root, parts)
            folders.append(folder)
            temporary = temporary_name(name)
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666,
                             dir_fd=folder)
            pending.append((folder, temporary, name))
            try:
                _write_all(handle, data)
                os.fsync(handle)
            finally:
                os.close(handle)
        while pending:
            folder, temporary, name = pending[0]
            os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
            pending.pop(0)
        for folder in folders:
            os.fsync(folder)
    except OSError as error:
        if error.errno in _FULL:
            raise DiskFull(root / relative) from error
        raise
    finally:
        for folder, temporary, _ in pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary, dir_fd=folder)
        for folder in folders:
            os.close(folder)


def _write_all(handle: int, data: bytes) -> None:
    """``os.write`` until every byte is written."""
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view):]


def remove_file(root: Path, relative: str) -> bool:
    """Remove the regular file ``root/relative`` if it is there, never following a link on the way."""
    *folders, name = relative.split("/")
    try:
        folder = open_folder(root, folders, create=False)
    except (OutputProblem, FileNotFoundError):
        return False
    try:
        if not stat.S_ISREG(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
            return False
        os.unlink(name, dir_fd=folder)
        return True
    except FileNotFoundError:
        return False
    finally:
        os.close(folder)


def is_output(root: Path, relative: str) -> bool:
    """Whether ``root/relative`` is a regular file reached through real folders only."""
    *folders, name = relative.split("/")
    try:
        folder = open_folder(root, folders, create=False)
    except (OutputProblem, OSError):
        return False
    try:
        return stat.S_ISREG(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
    except OSError:
        return False
    finally:
        os.close(folder)


def pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (one owned by another user counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_temporaries(root: Path, exclude: Iterable[Path] = ()) -> list[Path]:
    """This project's temporary files under ``root`` (links not followed, ``exclude`` subtrees left
    out) whose writing process is no longer alive."""
    skip = {Path(p) for p in exclude}
    found = []
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d not in skip]
        for name in names:
            match = _TEMP_NAME.fullmatch(name)
            if match is None or pid_alive(int(match.group(1))):
                continue
            try:
                if stat.S_ISREG(os.lstat(here / name).st_mode):
                    found.append(here / name)
            except FileNotFoundError:  # removed meanwhile
                continue
    return found


def remove_stale_temporaries(root: Path, exclude: Iterable[Path] = ()) -> None:
    """Remove the files of :func:`stale_temporaries`, left by a run or worker stopped mid-write."""
    for stale in stale_temporaries(root, exclude):
        log.info("removing %s, left by a run or worker that was stopped mid-write", stale)
        stale.unlink(missing_ok=True)


# --- the manifest's lines and the folder lock -------------------------------------------------------

def read_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 text file split on ``\\n`` only (names may hold U+2028, U+0085, ``\\r``);
    an absent file has none. A link is refused."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return []
    except OSError as error:
        raise TranslateError(f"cannot read {path}: {error.strerror}") from None
    with os.fdopen(handle, "rb") as stream:
        return [line for line in stream.read().decode("utf-8", "replace").split("\n") if line]


def append_line(path: Path, line: str) -> None:
    """Append ``line`` and a newline, synced; on failure the file is cut back to its old length, so a
    reader never sees half a line. Raises :class:`DiskFull` or :class:`TranslateError`."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as error:
        raise TranslateError(f"cannot write {path}: {error.strerror}") from None
    try:
        size = os.fstat(handle).st_size
        try:
            _write_all(handle, (line + "\n").encode("utf-8"))
            os.fsync(handle)
        except OSError as error:
            os.ftruncate(handle, size)
            if error.errno in _FULL:
                raise DiskFull(path) from error
            raise TranslateError(f"cannot write {path}: {error.strerror}") from None
    finally:
        os.close(handle)


class FolderLock:
    """An exclusive ``flock`` on ``FOLDER/.khabar.lock`` holding the owner's pid, for a whole run."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.handle: int | None = None

    def acquire(self) -> FolderLock:
        try:
            handle = os.open(self.folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        except OSError as error:
            raise TranslateError(f"cannot lock OUT_DIR {self.folder}: {error.strerror}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(handle, 32, 0).decode("ascii", "replace").strip()
            os.close(handle)
            raise FolderInUse(self.folder, int(text) if text.isdigit() else None) from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        self.handle = handle
        return self

    def release(self) -> None:
        if self.handle is not None:
            os.close(self.handle)  # closing the last descriptor releases the lock
            self.handle = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()
