"""Which files a client may name: only those it uploaded to this server.

The app's upload route stores each uploaded file in Gradio's upload folder and hands its path back;
the client then names that path in the call that uses the file. A client could name any other path
instead (``/etc/passwd``, another app's files), and Gradio reads whatever a request names into its
cache before a handler runs. So:

- :class:`Uploads` remembers every path the upload route handed out in this process (for
  :data:`~translate.config.SCRATCH_MAX_AGE_S`, as long as Gradio keeps the file);
- :class:`UploadGuard` refuses, before Gradio sees it, any request that names a file (a JSON object
  with a ``"path"``) other than those: no ``..``, other spelling, link or folder gets through;
- the handlers check each path again and read it through :meth:`Uploads.read`, which never follows
  a link and never reads more than its limit.

Every refusal is the same message (:data:`REFUSED`), whatever the path and whether or not it exists.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

from translate.config import SCRATCH_MAX_AGE_S
from translate.errors import TranslateError
from translate.files import InputProblem, inside, read_at_most

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REFUSED = "This request names a file that was not uploaded to this server, or no longer is: upload the file again."
TOO_DEEP = "Invalid request: the JSON body is nested too deeply."
MAX_REMEMBERED = 100_000  # paths remembered at most (the oldest are forgotten first)


class UploadRefused(TranslateError):
    """A request named a file that it did not upload here (always the message :data:`REFUSED`)."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


class Uploads:
    """The paths the upload route handed out, each with its real location, for ``max_age`` seconds."""

    def __init__(self, *, max_age: float = SCRATCH_MAX_AGE_S) -> None:
        self.max_age = max_age
        self._paths: dict[str, tuple[str, float]] = {}  # path as handed out → (real path, when)
        self._lock = threading.Lock()

    def add(self, paths: Iterable[str]) -> None:
        """Remember ``paths``, exactly as the upload route handed them out."""
        now = time.monotonic()
        with self._lock:
            for path in paths:
                self._paths.pop(path, None)
                self._paths[path] = (os.path.realpath(path), now)
            while self._paths:  # oldest first: forget the expired ones and the surplus
                oldest, (_, when) = next(iter(self._paths.items()))
                if now - when <= self.max_age and len(self._paths) <= MAX_REMEMBERED:
                    break
                del self._paths[oldest]

    def check(self, path: object) -> str:
        """``path`` if it is a file the upload route handed out, still a regular file at the same real
        place (not replaced by a link, nor moved under one); else :class:`UploadRefused`."""
        with self._lock:
            entry = self._paths.get(path) if isinstance(path, str) else None
        if entry is None or time.monotonic() - entry[1] > self.max_age:
            raise UploadRefused()
        try:
            info = os.lstat(path)
        except (OSError, ValueError):
            raise UploadRefused() from None
        if not stat.S_ISREG(info.st_mode) or os.path.realpath(path) != entry[0]:
            raise UploadRefused()
        return path

    def read(self, path: object, *, max_bytes: int) -> bytes:
        """The bytes of the uploaded file ``path`` (see :meth:`check`), opened without following a link
        and without blocking. Raises :class:`UploadRefused`, or :class:`InputProblem` for a file larger
        than ``max_bytes``."""
        checked = self.check(path)
        try:
            handle = os.open(checked, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError:
            raise UploadRefused() from None
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode):
                raise UploadRefused()
            if info.st_size > max_bytes:
                raise InputProblem("failed", f"the file is {info.st_size:,} bytes; the limit is {max_bytes:,} "
                                             "bytes per file")
            return read_at_most(handle, max_bytes)
        except OSError as error:
            raise InputProblem("failed", f"cannot read the file ({error.strerror})") from None
        finally:
            os.close(handle)


def named_files(value: Any) -> Iterator[object]:
    """The ``"path"`` of every JSON object in ``value`` that has one (how Gradio names a file), found
    without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "path" in item:
                yield item["path"]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


async def _answer(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message, "detail": message}).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class UploadGuard:
    """Remember what the upload routes (``upload_paths``) hand out inside ``folder``, and answer 403 with
    :data:`REFUSED` to any other request (but those to ``other_paths``, which read no files) whose body is
    JSON naming a file they did not hand out. A body that is not JSON goes on as it came (the app refuses
    it); JSON nested too deeply to read gets 400."""

    def __init__(self, app: ASGIApp, uploads: Uploads, upload_paths: Iterable[str], folder: str | Path,
                 other_paths: Iterable[str] = ()) -> None:
        self.app, self.uploads, self.upload_paths = app, uploads, frozenset(upload_paths)
        self.folder, self.other_paths = Path(os.path.realpath(folder)), frozenset(other_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS")
                or scope["path"] in self.other_paths):
            await self.app(scope, receive, send)
        elif scope["path"] in self.upload_paths:
            await self.app(scope, receive, self._recording(send))
        else:
            await self._checked(scope, receive, send)

    def _recording(self, send: Send) -> Send:
        """``send``, remembering the paths in a successful upload's JSON answer."""
        status, chunks = 0, []

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and status == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    try:
                        handed_out = json.loads(b"".join(chunks))
                    except ValueError:
                        handed_out = None
                    if isinstance(handed_out, list):
                        self.uploads.add(path for path in handed_out
                                         if isinstance(path, str) and inside(Path(os.path.realpath(path)), self.folder))
            await send(message)
        return recording_send

    async def _checked(self, scope: Scope, receive: Receive, send: Send) -> None:
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        if messages[-1]["type"] == "http.request" and body:
            try:
                payload = json.loads(body)
            except RecursionError:
                await _answer(send, 400, TOO_DEEP)
                return
            except ValueError:
                payload = None
            for path in named_files(payload):
                try:
                    self.uploads.check(path)
                except UploadRefused:
                    log.warning("refused a request to %s naming a file not uploaded here", scope["path"])
                    await _answer(send, 403, REFUSED)
                    return
        replay = iter(messages)

        async def replaying_receive() -> Message:
            return next(replay, None) or await receive()

        await self.app(scope, replaying_receive, send)

