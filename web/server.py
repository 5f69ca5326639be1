"""One HTTP server for the editors' app and the LibreTranslate-compatible API.

:func:`create_app` builds a FastAPI app with the API routes and, unless ``ui=False``, the Gradio
app mounted at ``/``. Requests are refused before any work when their body is too large, failed
logins are throttled per client address, and without a login the page carries no API description.
:func:`serve` runs it with uvicorn and removes every temporary file on SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate.config import (
    BODY_TIMEOUT_S,
    FAILURE_MAX_WAIT_S,
    FAILURES_BEFORE_WAIT,
    FILE_MAX_BYTES,
    FILES_PER_UPLOAD,
    QUEUE_SIZE,
    REQUEST_MAX_BYTES,
    STOP_TIMEOUT_S,
    cors_origins,
)
from translate.errors import TranslateError
from web.service import STOPPING, Service
from web.throttle import Throttle
from web.uploads import UploadGuard

if TYPE_CHECKING:
    import fastapi
    import gradio as gr

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PATHS = ("/gradio_api/upload", "/upload")  # Gradio's file uploads
FILE_PATHS = ("/translate_file",)  # the API's one-file upload
LOGIN_PATHS = ("/login", "/login/")
AUTH_ENV, AUTH_FILE_ENV = "KHABAR_AUTH", "KHABAR_AUTH_FILE"


def body_limit(path: str) -> int:
    """The largest request body accepted on ``path``, in bytes."""
    if path in UPLOAD_PATHS:
        return FILES_PER_UPLOAD * FILE_MAX_BYTES + 64 * 1024
    if path in FILE_PATHS:
        return FILE_MAX_BYTES + 64 * 1024
    return REQUEST_MAX_BYTES


async def answer_json(send: Send, status: int, payload: dict, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    """Send a whole JSON response."""
    body = json.dumps(payload).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse a request body over :func:`body_limit` with 413, from its Content-Length before reading it,
    or as soon as the bytes streamed so far pass the limit; and a body still arriving ``timeout`` seconds
    after the request began with 408 (a client sending a byte a second holds no connection for ever).
    The app then sees the client disconnect."""

    def __init__(self, app: ASGIApp, limit: Callable[[str], int] = body_limit, timeout: float = BODY_TIMEOUT_S
                 ) -> None:
        self.app, self.limit, self.timeout = app, limit, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["path"])
        message = {"error": f"The request is too large: the limit is {limit:,} bytes."}
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await answer_json(send, 413, message, [(b"connection", b"close")])
            return
        received, started, refused, whole = 0, False, False, False
        deadline = time.monotonic() + self.timeout

        async def limited_receive() -> Message:
            nonlocal received, refused, whole
            if refused:
                return {"type": "http.disconnect"}
            if whole:  # the body has arrived: the app waits for the client to go, as long as it takes
                return await receive()
            try:
                item = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                refused = True
                log.info("the body of a request to %s did not arrive within %g s", scope["path"], self.timeout)
                if not started:
                    await answer_json(send, 408, {"error": f"The request body did not arrive within {self.timeout:g} "
                                                           "seconds."}, [(b"connection", b"close")])
                return {"type": "http.disconnect"}
            if item["type"] == "http.request":
                whole = not item.get("more_body", False)
                received += len(item.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await answer_json(send, 413, message, [(b"connection", b"close")])
                    return {"type": "http.disconnect"}
            return item

        async def tracking_send(item: Message) -> None:
            nonlocal started
            if refused:  # the 413 has been sent: what the app answers to the disconnect is dropped
                return
            if item["type"] == "http.response.start":
                started = True
            await send(item)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not refused:
                raise
            log.debug("request on %s stopped after its body passed the limit", scope["path"], exc_info=True)


class LoginThrottle:
    """After :data:`FAILURES_BEFORE_WAIT` failed logins from one client address, that address waits
    1 s, then 2 s, 4 s ... (at most :data:`FAILURE_MAX_WAIT_S`) before its next try; tries while it waits
    get 429. A successful login clears the count. Other addresses are not affected."""

    def __init__(self, app: ASGIApp, *, free: int = FAILURES_BEFORE_WAIT, max_wait: float = FAILURE_MAX_WAIT_S
                 ) -> None:
        self.app, self.throttle = app, Throttle(free=free, max_wait=max_wait)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in LOGIN_PATHS:
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        wait = self.throttle.wait(address)
        if wait:
            await answer_json(send, 429, {
                "error": f"Too many failed logins from this address: try again in {wait} seconds.",
                "detail": f"Too many failed logins from this address: try again in {wait} seconds."},
                [(b"retry-after", str(wait).encode())])
            return
        status = 0

        async def watching_send(item: Message) -> None:
            nonlocal status
            if item["type"] == "http.response.start":
                status = item["status"]
            await send(item)

        await self.app(scope, receive, watching_send)
        if status == 200:
            self.throttle.succeeded(address)
        elif 400 <= status < 500 and self.throttle.failed(address) == self.throttle.free:
            log.warning("%d failed logins from %s: throttling its logins", self.throttle.free, address)


class ApiCors:
    """Cross-origin reading of the HTTP API's answers (``KHABAR_CORS_ORIGINS``, ``*`` by default as in
    LibreTranslate), for the API's ``paths`` only: the editors' page keeps Gradio's own rules. A browser's
    preflight ``OPTIONS`` is answered here, with or without the page mounted; any other ``OPTIONS`` on an
    API path gets 204 and the methods it takes."""

    def __init__(self, app: ASGIApp, paths: Sequence[str], origins: Sequence[str] | None = None) -> None:
        from starlette.middleware.cors import CORSMiddleware

        self.app = app
        self.exact = frozenset(path for path in paths if "{" not in path)
        self.prefixes = tuple(path.split("{")[0] for path in paths if "{" in path)
        origins = cors_origins() if origins is None else tuple(origins)
        self.cors = CORSMiddleware(app, allow_origins=list(origins), allow_methods=["GET", "POST"],
                                   allow_headers=["Authorization", "Content-Type"], max_age=600) if origins else None

    def _api(self, path: str) -> bool:
        return path in self.exact or path.startswith(self.prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._api(scope["path"]):
            await self.app(scope, receive, send)
            return
        preflight = scope["method"] == "OPTIONS" and b"access-control-request-method" in dict(scope["headers"])
        if scope["method"] == "OPTIONS" and (not preflight or self.cors is None):
            await send({"type": "http.response.start", "status": 204, "headers": [(b"allow", b"GET, POST, OPTIONS")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await (self.cors or self.app)(scope, receive, send)


DESCRIPTION_PATHS = ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc")  # FastAPI's, in Gradio's app
_API_INFO = re.compile(rb"window\.gradio_api_info = .*?;</script>", re.DOTALL)


class LoginGate:
    """With a login, the Gradio page served before logging in is the bare login page: the API
    description that Gradio embeds in every page is removed from it, and Gradio's OpenAPI description
    (:data:`DESCRIPTION_PATHS`) answers 401 as ``/config`` does."""

    def __init__(self, app: ASGIApp, gradio_app: Any) -> None:
        self.app, self.gradio_app = app, gradio_app

    def _logged_in(self, scope: Scope) -> bool:
        from starlette.requests import Request

        cookies = Request(scope).cookies
        cookie_id = self.gradio_app.cookie_id
        token = cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")
        return token is not None and token in self.gradio_app.tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["path"] not in ("/", *DESCRIPTION_PATHS)
                or self.gradio_app.auth is None or self._logged_in(scope)):
            await self.app(scope, receive, send)
            return
        if scope["path"] in DESCRIPTION_PATHS:
            await answer_json(send, 401, {"detail": "Not authenticated"})
            return
        if scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def buffering_send(item: Message) -> None:
            if item["type"] == "http.response.start":
                start.update(item)
                return
            if item["type"] != "http.response.body":
                await send(item)
                return
            chunks.append(item.get("body", b""))
            if item.get("more_body"):
                return
            body = _API_INFO.sub(b"window.gradio_api_info = {};</script>", b"".join(chunks))
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            if scope["method"] == "GET":
                headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body if scope["method"] == "GET" else b""})

        await self.app(scope, receive, buffering_send)


# --- logins -----------------------------------------------------------------------------------------

def parse_account(line: str, *, where: str) -> tuple[str, str]:
    """``user:password`` → (user, password); the password keeps its exact characters (spaces too)."""
    user, sep, password = line.partition(":")
    if not sep or not user.strip() or not password:
        raise TranslateError(f"{where} must be user:password, with a user name and a password.")
    if user != user.strip():
        raise TranslateError(f"{where}: the user name must not start or end with spaces.")
    return user, password


def accounts_from_env(environ: MutableMapping[str, str] | None = None) -> list[tuple[str, str]] | None:
    """The logins from ``KHABAR_AUTH`` (``user:password``) and ``KHABAR_AUTH_FILE`` (one ``user:password``
    a line; blank lines and lines starting with ``#`` are skipped), or None when neither is set."""
    environ = os.environ if environ is None else environ
    accounts: list[tuple[str, str]] = []
    single = environ.get(AUTH_ENV, "")
    if single:
        accounts.append(parse_account(single, where=AUTH_ENV))
    path = environ.get(AUTH_FILE_ENV, "")
    if path:
        try:
            lines = Path(path).expanduser().read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise TranslateError(f"Cannot read {AUTH_FILE_ENV} '{path}': {error}.") from None
        for number, line in enumerate(lines, 1):
            if line.strip() and not line.startswith("#"):
                accounts.append(parse_account(line, where=f"{AUTH_FILE_ENV} line {number}"))
        if not accounts:
            raise TranslateError(f"{AUTH_FILE_ENV} '{path}' holds no user:password line.")
    users = [user for user, _ in accounts]
    if len(set(users)) != len(users):
        raise TranslateError("The same user name is given twice in the logins.")
    return accounts or None


# --- the app ----------------------------------------------------------------------------------------

def create_app(service: Service, *, ui: bool = True, auth: list[tuple[str, str]] | None = None,
               blocks: gr.Blocks | None = None, css: str | None = None, max_queue: int = QUEUE_SIZE,
               ) -> fastapi.FastAPI:
    """The FastAPI app: LibreTranslate-compatible routes, and the Gradio app at ``/`` when ``ui``
    (``blocks``, or the one :func:`web.ui.build_app` makes), behind ``auth`` logins when given."""
    import fastapi

    from web import libretranslate

    app = fastapi.FastAPI(title="Khabar", docs_url=None, redoc_url=None, openapi_url=None)
    libretranslate.install(app, service)
    api_paths = [route.path for route in app.routes]
    if ui:
        import gradio as gr

        if blocks is None:
            from web.ui import CSS, build_app

            blocks, css = build_app(service, max_queue=max_queue), css or CSS
        gr.mount_gradio_app(app, blocks, path="/", auth=auth, max_file_size=FILE_MAX_BYTES, css=css,
                            footer_links=["api"], show_error=True)
        mounted = next(route.app for route in app.routes if getattr(route, "path", None) == "")
        app.add_middleware(UploadGuard, uploads=service.uploads, upload_paths=UPLOAD_PATHS,
                           folder=mounted.uploaded_file_dir, other_paths=api_paths)
        if auth:
            app.add_middleware(LoginGate, gradio_app=mounted)
            app.add_middleware(LoginThrottle)
    app.add_middleware(BodyLimit)
    app.add_middleware(ApiCors, paths=api_paths, origins=cors_origins())
    return app


def private_upload_folder() -> list[Path]:
    """Give Gradio a folder of its own for uploads and outputs (inside ``GRADIO_TEMP_DIR`` when set),
    so that everything it writes can be removed when the server stops. Call before building the Blocks.

    Returns the folders to remove at the end: that folder, and the empty ``vibe_edit_history`` folder
    that Gradio makes in the shared upload folder when it builds its app, if it was not there before."""
    base = os.environ.get("GRADIO_TEMP_DIR") or None
    shared = Path(base) if base else (Path(tempfile.gettempdir()) / "gradio").resolve()
    if base:
        shared.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="khabar-uploads-", dir=base))
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    stray = shared / "vibe_edit_history"
    return [folder] if stray.exists() else [folder, stray]


class Stopped(Exception):
    """SIGTERM arrived: stop serving."""


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signal.Signals(signum).name)


def server_config(app: ASGIApp, *, host: str, port: int, **options: Any):
    """uvicorn's settings for the server. The client address that logins are throttled by is the
    connection's, or, from a trusted reverse proxy (uvicorn's ``FORWARDED_ALLOW_IPS``: this machine
    unless set), the one the proxy names in ``X-Forwarded-For``; other clients cannot set it."""
    import uvicorn

    settings = {"timeout_graceful_shutdown": 3, "log_level": "info", **options}
    return uvicorn.Config(app, host=host, port=port, proxy_headers=True, **settings)


def serve(app: fastapi.FastAPI, service: Service, *, host: str, port: int,
          temporary: Sequence[Path] = (), ready: Callable[[str], None] | None = None) -> int:
    """Serve ``app`` until SIGTERM or SIGINT (Ctrl-C), cleaning old request files on a timer; then
    remove the service's scratch folder and the ``temporary`` folders. Returns the exit code (0).
    ``ready`` is called with the server's address (``http://host:port``) once it accepts connections.

    When the signal comes, the requests in flight are answered at once (503 in the HTTP API, a message
    in the app), and the process has ended :data:`STOP_TIMEOUT_S` seconds later at the most: a
    translation still running on a worker thread is abandoned rather than waited for."""
    import uvicorn

    def clean_up() -> None:
        service.close()
        for folder in temporary:
            shutil.rmtree(folder, ignore_errors=True)

    class StoppingServer(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            if not service.stopping.is_set():
                service.stop()
                blocks = _gradio_blocks(app)
                if blocks is not None:
                    asyncio.get_running_loop().call_soon_threadsafe(end_events, blocks, STOPPING)
                threading.Thread(target=_exit_after, args=(STOP_TIMEOUT_S, clean_up), name="khabar-stop",
                                 daemon=True).start()
            super().handle_exit(sig, frame)

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started and ready is not None:
                ready(_address(self, host, port))

    service.clean_every()
    server = StoppingServer(server_config(app, host=host, port=port))
    # uvicorn shuts down gracefully on both signals, then raises the signal again with the handlers
    # that were there before: SIGINT's raises KeyboardInterrupt, this one raises Stopped.
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except (KeyboardInterrupt, Stopped) as stop:
        log.info("stopping (%s)", type(stop).__name__)
    finally:
        signal.signal(signal.SIGTERM, previous)
        clean_up()
    return 0


def _address(server: Any, host: str, port: int) -> str:
    """``http://host:port`` of a started uvicorn server (its bound port when ``port`` is 0)."""
    bound = [sock.getsockname() for item in getattr(server, "servers", ()) for sock in (item.sockets or ())]
    if bound:
        port = bound[0][1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _gradio_blocks(app: Any) -> gr.Blocks | None:
    """The Gradio Blocks mounted at ``/`` in ``app``, if any."""
    mounted = next((route.app for route in getattr(app, "routes", ()) if getattr(route, "path", None) == ""), None)
    return mounted.get_blocks() if mounted is not None and hasattr(mounted, "get_blocks") else None


def end_events(blocks: gr.Blocks, message: str) -> None:
    """End every event of the app that is running or waiting with the error ``message``, so that the
    editors' pages say why their request stopped (run on the event loop)."""
    import gradio as gr
    from gradio.server_messages import ProcessCompletedMessage
    from gradio.utils import error_payload

    queue = blocks._queue
    running = [event for job in queue.active_jobs if job for event in job]
    waiting = [event for line in queue.event_queue_per_concurrency_id.values() for event in line.queue]
    payload = error_payload(gr.Error(message), True)
    for event in running + waiting:
        queue.send_message(event, ProcessCompletedMessage(output=payload, title="Error", success=False))


def _exit_after(seconds: float, clean_up: Callable[[], None]) -> None:
    """End the process ``seconds`` from now unless it has ended by then (a request still running on a
    worker thread would keep it alive until it finished), after ``clean_up``."""
    time.sleep(seconds)
    log.warning("requests still running after %g s are abandoned: stopping now", seconds)
    clean_up()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
