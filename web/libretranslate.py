"""A LibreTranslate-compatible HTTP API (the contract of LibreTranslate 1.9) over the Service, so
that tools which speak it (Weblate, Nextcloud, Crow Translate, libretranslatepy, CMS plugins)
can use Khabar unchanged.

``install(app, service)`` adds the routes to a FastAPI app. Errors are ``{"error": "..."}`` with
LibreTranslate's status codes; with ``"segments": true`` in a JSON request the answer also holds
every sentence's score, flags and their details.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from translate.config import (
    ARTICLE_MAX_CHARS,
    ARTICLE_MAX_TOKENS,
    FILE_MAX_BYTES,
    FILE_MAX_CHARS,
    REQUEST_MAX_BYTES,
    UPLOAD_TYPES,
    VERSION,
    public_url,
    setting,
    signature,
)
from translate.errors import TranslateError
from translate.formats.signing import sign_output
from translate.language import language_problem
from translate.placeholders import Masked, mask
from translate.text import ARABIC_LETTER, arabic_share, has_arabic, normalize
from translate.translator import Translation
from web.service import STOPPING, Busy, Service
from web.throttle import Throttle

log = logging.getLogger(__name__)

LANGUAGES = [{"code": "ar", "name": "Arabic", "targets": ["en"]}, {"code": "en", "name": "English", "targets": []}]
SOURCES = ("ar", "auto")
TARGETS = ("en",)
FORMATS = ("text", "html")
SERVED = tuple(language["code"] for language in LANGUAGES)  # what /detect may answer
ALTERNATIVES_LIMIT = 3  # as LibreTranslate's default --alternatives-limit
NO_ARABIC = "no Arabic text to translate"
NOT_ARABIC = "mostly not Arabic: another language is returned unchanged"
# A text whose letters are less than this share Arabic is another language quoting an Arabic word or name
# ("The talks in القاهرة were postponed"); above it, a short string naming a product in Latin letters
# ("تنزيل تطبيق Nextcloud Desktop") is still Arabic to translate, its Latin words copied by the model.
MIN_ARABIC_SHARE = 0.25


class ApiError(Exception):
    """An error answered as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


def api_keys() -> frozenset[str]:
    """The keys from ``KHABAR_API_KEYS``: comma-separated, or the path of a file with one key a line."""
    raw = setting("api_keys", None, "").strip()
    if not raw:
        return frozenset()
    path = Path(raw).expanduser()
    if path.is_file():
        try:
            lines = path.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise TranslateError(f"Cannot read the API keys file '{raw}': {error}.") from None
        keys = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    else:
        keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        raise TranslateError("KHABAR_API_KEYS is set but holds no key.")
    return frozenset(keys)


@dataclass
class Downloads:
    """Translated files waiting to be fetched: random, unguessable names mapped to files. A file is served
    as often as it is asked for, until the service's clean-up removes it (an hour at most), as LibreTranslate
    serves its files until its own clean-up."""

    files: dict[str, tuple[Path, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: Path, filename: str) -> str:
        name = secrets.token_urlsafe(24) + path.suffix
        with self.lock:
            for gone in [key for key, (file, _) in self.files.items() if not file.exists()]:
                del self.files[gone]  # removed by the clean-up
            self.files[name] = (path, filename)
        return name

    def get(self, name: str) -> tuple[bytes, str] | None:
        """The file's bytes and download name, or None for a name never given or a file cleaned up."""
        with self.lock:
            entry = self.files.get(name)
        if entry is None:
            return None
        path, filename = entry
        try:
            return path.read_bytes(), filename
        except OSError:  # removed by the clean-up
            with self.lock:
                self.files.pop(name, None)
            return None


async def request_fields(request: Request, *, file_limit: int = 0) -> tuple[dict[str, Any], bool]:
    """The request's fields from the query string and a JSON, urlencoded or multipart body, and
    whether the body was JSON (only JSON may send a list ``q``)."""
    limit = REQUEST_MAX_BYTES + file_limit
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"Invalid request: the request is larger than the {limit:,}-byte limit")
    fields: dict[str, Any] = dict(request.query_params)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method == "GET":
        return fields, False
    if kind == "application/json":
        body = await request.body()
        if len(body) > limit:
            raise ApiError(413, f"Invalid request: the request is larger than the {limit:,}-byte limit")
        try:
            parsed = json.loads(body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ApiError(400, "Invalid request: the body is not valid JSON") from None
        except RecursionError:
            raise ApiError(400, "Invalid request: the JSON body is nested too deeply") from None
        if not isinstance(parsed, dict):
            raise ApiError(400, "Invalid request: the JSON body must be an object")
        return {**fields, **parsed}, True
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form = await request.form(max_files=1, max_fields=32, max_part_size=REQUEST_MAX_BYTES)
        except HTTPException as error:
            raise ApiError(400, f"Invalid request: {error.detail}") from None
        except MultiPartException as error:
            raise ApiError(400, f"Invalid request: {error.message}") from None
        fields.update({key: value for key, value in form.items()})
    return fields, False


def texts_of(fields: dict[str, Any], from_json: bool) -> tuple[list[str], bool]:
    """The texts of ``q`` and whether ``q`` was a list (JSON list, or a JSON-encoded list in a form field)."""
    q = fields.get("q")
    if isinstance(q, str) and not from_json and q.lstrip().startswith("["):
        try:
            decoded = json.loads(q)
        except json.JSONDecodeError:
            decoded = None
        if isinstance(decoded, list) and all(isinstance(item, str) for item in decoded):
            q = decoded
    if isinstance(q, list):
        if not q or not any(isinstance(item, str) and item.strip() for item in q):
            raise ApiError(400, "Invalid request: missing q parameter")
        if not all(isinstance(item, str) for item in q):
            raise ApiError(400, "Invalid request: q must be a string or a list of strings")
        return list(q), True
    if not isinstance(q, str) or not q.strip():
        raise ApiError(400, "Invalid request: missing q parameter")
    return [q], False


def check_languages(fields: dict[str, Any]) -> str:
    """Validate ``source`` and ``target``; return the source."""
    for name in ("source", "target"):
        value = fields.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ApiError(400, f"Invalid request: missing {name} parameter")
    source, target = fields["source"].strip().lower(), fields["target"].strip().lower()
    if source not in SOURCES:
        raise ApiError(400, f"{source} is not supported")
    if target not in TARGETS:
        raise ApiError(400, f"{target} is not supported")
    return source


def detect(text: str, fallback: str = "") -> dict[str, Any]:
    """LibreTranslate's detection record for ``text``: the likeliest of the languages this server lists
    (:data:`SERVED`), with a confidence from 0.0 to 100.0. Text with no letters is judged by ``fallback``
    (the whole request's text), and else is English with confidence 0.0, as LibreTranslate answers for
    text it cannot translate."""
    from translate.language import identify_among

    found = identify_among(text, SERVED) or (identify_among(fallback, SERVED) if fallback else None)
    language, confidence = found or ("en", 0.0)
    return {"language": language, "confidence": float(confidence)}


@dataclass
class Item:
    """One text of a request, ready for the models: ``prepared`` (a normalised string, or a parsed HTML
    document), or None when it is returned unchanged (``reason`` says why, for Khabar's report)."""

    text: str
    prepared: Any = None
    masked: Masked | None = None
    reason: str | None = None

    @property
    def size(self) -> int:
        """Characters to translate once normalised."""
        if self.prepared is None:
            return 0
        if isinstance(self.prepared, str):
            return len(self.prepared)
        return sum(len(normalize(unit)) for unit in self.prepared.units)


@dataclass
class Result:
    """One text's answer: its translation, alternatives, sentences, and the placeholders the model lost."""

    text: str
    alternatives: list[str] = field(default_factory=list)
    segments: list[dict[str, Any]] = field(default_factory=list)
    lost: tuple[str, ...] = ()


class LibreTranslateApi:
    """The route handlers, bound to one Service."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.keys = api_keys()
        self.public_url = public_url()
        self.downloads = Downloads()
        self.wrong_keys = Throttle()

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` on a worker thread. When the server begins to shut down meanwhile, the
        request is answered 503 at once and the work is abandoned (the process does not wait for it)."""
        work = asyncio.ensure_future(run_in_threadpool(function, *args))
        while not work.done():
            if self.service.stopping.is_set():
                work.add_done_callback(_abandoned)
                raise ApiError(503, STOPPING)
            await asyncio.wait({work}, timeout=0.2)
        return work.result()

    def authorise(self, request: Request, fields: dict[str, Any]) -> None:
        """Check the request's ``api_key`` (or ``apiKey``, as the npm client names it) when keys are set. After
        a few wrong keys from one client address it waits, as failed logins do (see
        :class:`web.throttle.Throttle`), and gets 429 meanwhile."""
        if not self.keys:
            return
        address = request.client.host if request.client else "unknown"
        wait = self.wrong_keys.wait(address)
        if wait:
            raise ApiError(429, f"Slowdown: too many invalid API keys from this address; try again in {wait} "
                                "seconds", {"Retry-After": str(wait)})
        key = fields.get("api_key") or fields.get("apiKey")  # the npm client sends apiKey
        if not isinstance(key, str) or key.strip() == "" or key not in self.keys:
            if self.wrong_keys.failed(address) == self.wrong_keys.free:
                log.warning("%d invalid API keys from %s: throttling its requests", self.wrong_keys.free, address)
            raise ApiError(403, "Invalid API key")
        self.wrong_keys.succeeded(address)

    async def languages(self, request: Request) -> Any:
        return LANGUAGES

    async def health(self, request: Request) -> Any:
        return {"status": "ok"}

    async def settings(self, request: Request) -> Any:
        return {
            "charLimit": ARTICLE_MAX_CHARS, "frontendTimeout": 500, "apiKeys": bool(self.keys),
            "keyRequired": bool(self.keys), "suggestions": False, "filesTranslation": True,
            "supportedFilesFormat": list(file_formats()),
            "language": {"source": {"code": "ar", "name": "Arabic"}, "target": {"code": "en", "name": "English"}},
        }

    async def spec(self, request: Request) -> Any:
        fields, _ = await request_fields(request)
        self.authorise(request, fields)
        return openapi_document()

    async def suggest(self, request: Request) -> Any:
        fields, _ = await request_fields(request)
        self.authorise(request, fields)
        raise ApiError(403, "Suggestions are disabled on this server.")

    async def detect(self, request: Request) -> Any:
        fields, from_json = await request_fields(request)
        self.authorise(request, fields)
        texts, _ = texts_of(fields, from_json)
        return [await self.run(detect, "\n".join(texts))]

    async def translate(self, request: Request) -> Any:
        fields, from_json = await request_fields(request)
        self.authorise(request, fields)
        texts, is_list = texts_of(fields, from_json)
        source = check_languages(fields)
        form = str(fields.get("format") or "text").strip().lower()
        if form not in FORMATS:
            raise ApiError(400, f"{form} format is not supported")
        count = _alternatives(fields.get("alternatives"))
        for text in texts:  # each text on its own, as LibreTranslate counts
            if len(text) > ARTICLE_MAX_CHARS:
                raise ApiError(400, f"Invalid request: request ({len(text)}) exceeds text limit ({ARTICLE_MAX_CHARS})")
        items, results = await self.run(self._translate, texts, form, count)
        answer: dict[str, Any] = {"translatedText": [r.text for r in results] if is_list else results[0].text}
        if source == "auto":
            whole = "\n".join(texts)
            detected = [await self.run(detect, text, whole) for text in texts]
            answer["detectedLanguage"] = detected if is_list else detected[0]
        if count:
            alternatives = [r.alternatives for r in results]
            answer["alternatives"] = alternatives if is_list else alternatives[0]
        if from_json and fields.get("segments") is True:
            segments = [r.segments for r in results]
            answer["segments"] = segments if is_list else segments[0]
        report = khabar_report(items, results)
        if report:
            answer["khabar"] = report
        return answer

    def _translate(self, texts: list[str], form: str, count: int = 0) -> tuple[list[Item], list[Result]]:
        """Translate each text (its markup kept for html, its placeholders kept for text); a text with no
        Arabic, or clearly in another language, comes back unchanged. Every text is checked first, and
        their length once normalised, then all are translated in one turn on the models."""
        items = [self._item(text, form) for text in texts]
        total = sum(item.size for item in items)
        if total > FILE_MAX_CHARS:
            raise ApiError(400, f"Invalid request: the texts hold {total:,} characters together once normalised; "
                                f"one request may hold {FILE_MAX_CHARS:,}")
        with self.service.slot():
            plain = [item for item in items if isinstance(item.prepared, str)]
            translated = dict(zip(map(id, plain), self.service.translator.translate_batch(
                [item.prepared for item in plain]), strict=True))  # in one batch: many short strings go fast
            return items, [self._result(item, translated.get(id(item)), count) for item in items]

    def _item(self, text: str, form: str) -> Item:
        """``text`` checked and prepared (see :class:`Item`). Only its length can fail the request."""
        if not text.strip():
            return Item(text)
        if form == "html":
            try:
                parsed = self._document(Path("q.html"), text.encode("utf-8"), require_arabic=False)
            except TranslateError as error:  # another language, by the HTML reader's check
                return Item(text, reason=str(error))
            if not any(has_arabic(unit) for unit in parsed.units):
                return Item(text, reason=NO_ARABIC)
            item = Item(text, parsed)
            if item.size > ARTICLE_MAX_CHARS:
                raise ApiError(400, f"Invalid request: request ({item.size:,} characters once normalised) exceeds "
                                    f"text limit ({ARTICLE_MAX_CHARS})")
            return item
        masked = mask(text)
        cleaned = normalize(masked.text, strip_diacritics=not self.service.config.keep_diacritics)
        if len(cleaned) > ARTICLE_MAX_CHARS:
            raise ApiError(400, f"Invalid request: request ({len(cleaned):,} characters once normalised: ligatures "
                                f"such as ﷺ expand into whole words) exceeds text limit ({ARTICLE_MAX_CHARS})")
        if not has_arabic(cleaned):
            return Item(text, masked=masked, reason=NO_ARABIC)
        if arabic_share(cleaned) < MIN_ARABIC_SHARE:
            return Item(text, masked=masked, reason=NOT_ARABIC)
        problem = language_problem(cleaned)
        if problem is not None:
            return Item(text, masked=masked, reason=problem)
        tokens = self.service.translator.loaded.count_tokens(cleaned)
        if tokens > ARTICLE_MAX_TOKENS:
            raise ApiError(400, f"Invalid request: the text is about {tokens:,} model tokens long; the limit is "
                                f"{ARTICLE_MAX_TOKENS:,}")
        return Item(text, cleaned, masked)

    def _result(self, item: Item, translation: Translation | None, count: int) -> Result:
        """The answer for one prepared text: its ``translation`` (a plain text's, made with the others) with
        its placeholders put back, and ``count`` alternatives; the text itself when it is not translated."""
        if item.prepared is None:
            return Result(item.text)
        if translation is None:
            text, lost = self._render_html(item.prepared)
            return Result(text, lost=lost)
        masked = item.masked or Masked(item.prepared)
        translator = self.service.translator
        restored = masked.restore(translation.text)
        segments = [segment_record(s, masked) for s in translation.segments]
        alternatives: list[str] = []
        if count:
            pieces = translator.layout(item.prepared)
            candidates = translator.alternatives([piece for _, piece in pieces.flat()], count + 1)
            for rank in range(count + 1):
                chosen = [found[min(rank, len(found) - 1)].target for found in candidates]
                text = masked.restore(pieces.assemble(chosen)).text
                if text != restored.text and text not in alternatives:
                    alternatives.append(text)
            alternatives = alternatives[:count]
        return Result(restored.text, alternatives, segments, restored.lost)

    def _render_html(self, parsed: Any) -> tuple[str, tuple[str, ...]]:
        """An HTML text translated, its markup and the placeholders in its text kept."""
        masked = [mask(unit) for unit in parsed.units]
        translations = self.service.translator.translate_batch([m.text for m in masked])
        restored = [m.restore(t.text) for m, t in zip(masked, translations, strict=True)]
        lost = tuple(p for r in restored for p in r.lost)
        return parsed.render([r.text for r in restored]).decode("utf-8"), lost

    def _document(self, path: Path, data: bytes, *, require_arabic: bool = True) -> Any:
        """A file in one of the batch job's formats, parsed and checked (its text's length, Arabic in it)."""
        from translate.formats import parse

        parsed = parse(path, data)
        if sum(len(unit) for unit in parsed.units) > FILE_MAX_CHARS:
            raise ApiError(400, f"Invalid request: the file holds more than {FILE_MAX_CHARS:,} characters of text")
        if require_arabic and not any(has_arabic(unit) for unit in parsed.units):
            raise ApiError(400, "Invalid request: no Arabic text found to translate")
        return parsed

    def _render(self, parsed: Any, suffix: str = "") -> bytes:
        """A parsed document translated, its markup kept, written as a ``suffix`` file where it can be."""
        translations = self.service.translator.translate_batch(list(parsed.units))
        render = dict(parsed.also).get(suffix, parsed.render)  # a PDF comes back as a PDF
        return render([t.text for t in translations])

    async def translate_file(self, request: Request) -> Any:
        fields, _ = await request_fields(request, file_limit=FILE_MAX_BYTES)
        self.authorise(request, fields)
        upload = fields.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(400, "Invalid request: missing file parameter")
        check_languages(fields)
        filename = Path(readable_name(upload.filename or "file.txt")).name
        suffix = Path(filename).suffix.lower()
        if suffix not in file_formats():
            raise ApiError(400, "Invalid request: file format not supported")
        data = await upload.read(FILE_MAX_BYTES + 1)
        if not data:
            raise ApiError(400, "Invalid request: empty file")
        if len(data) > FILE_MAX_BYTES:
            raise ApiError(400, f"Invalid request: the file is larger than the {FILE_MAX_BYTES:,}-byte limit")
        output = await self.run(self._translate_file, Path(filename), data)
        name = self.downloads.add(output, f"{Path(filename).stem}_en{suffix}")
        return {"translatedFileUrl": f"{self.public_url or own_address(request)}/download_file/{name}"}

    def _translate_file(self, path: Path, data: bytes) -> Path:
        parsed = self._document(path, data)
        with self.service.slot():
            translated = self._render(parsed, path.suffix.lower())
        output = self.service.scratch() / f"translated{path.suffix.lower()}"
        output.write_bytes(sign_output(output.name, translated, signature(self.service.translator)))
        return output

    async def download_file(self, request: Request) -> Any:
        found = self.downloads.get(request.path_params["name"])
        if found is None:
            raise ApiError(404, "Not found: the file does not exist or was removed by the hourly clean-up")
        data, filename = found
        disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
        return Response(data, media_type="application/octet-stream", headers={"Content-Disposition": disposition})

    async def docs(self, request: Request) -> Any:
        """Swagger UI over :meth:`spec`, as LibreTranslate serves at ``/docs``."""
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(openapi_url="/spec", title="Khabar API (LibreTranslate-compatible)")


def file_formats() -> tuple[str, ...]:
    """The file types ``/translate_file`` takes: those the document readers read (:data:`translate.formats.SUPPORTED`)
    and the app accepts as uploads (not .jsonl, a batch job's format)."""
    from translate.formats import SUPPORTED

    return tuple(suffix for suffix in SUPPORTED if suffix in UPLOAD_TYPES)


def khabar_report(items: list[Item], results: list[Result]) -> dict[str, Any]:
    """Khabar's extension of the answer (LibreTranslate clients ignore it): the indexes of the texts returned
    unchanged and why, and of those where the model lost a placeholder (added at the end of the text)."""
    report: dict[str, Any] = {}
    passed = [(index, item.reason) for index, item in enumerate(items) if item.reason is not None]
    if passed:
        report["passed_through"] = [index for index, _ in passed]
        report["reasons"] = [reason for _, reason in passed]
    lost = [index for index, result in enumerate(results) if result.lost]
    if lost:
        report["placeholders_added"] = lost
    return report


def own_address(request: Request) -> str:
    """``scheme://host:port`` of the address this request came in on (the server's own socket), never
    the client's ``Host`` header, which anyone can set; with ``KHABAR_PUBLIC_URL`` unset, links use it."""
    host, port = request.scope.get("server") or ("127.0.0.1", 80)
    host = f"[{host}]" if ":" in host else host
    return f"{request.url.scheme}://{host}:{port}"


def readable_name(name: str) -> str:
    """An uploaded file's name as its sender wrote it. Names that are not UTF-8 reach us decoded as
    Latin-1 (``ÎÈÑ.txt``); when their bytes read as Windows-1256 Arabic (``خبر.txt``: every byte above
    ASCII an Arabic character, two letters at least) that is what the sender meant, else the name stays
    as it came (``café.txt``)."""
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name  # decoded as UTF-8 already
    arabic = raw.decode("cp1256", errors="replace")
    foreign = [char for char, byte in zip(arabic, raw, strict=True) if byte >= 0x80]
    letters = sum(bool(ARABIC_LETTER.match(char)) for char in foreign)
    if letters >= 2 and all("\u0600" <= char <= "\u06ff" or char in "\u200c\u200d" for char in foreign):
        return arabic
    return name


def _abandoned(work: asyncio.Future) -> None:
    """Collect the outcome of work abandoned at shutdown, so that it is not reported as never retrieved."""
    if not work.cancelled() and work.exception() is not None:
        log.info("work abandoned at shutdown ended with %r", work.exception())


def _alternatives(value: Any) -> int:
    """How many alternatives a request asks for (0 to :data:`ALTERNATIVES_LIMIT`), in LibreTranslate's words."""
    try:
        count = max(0, int(value or 0))
    except (TypeError, ValueError, OverflowError):  # Infinity, NaN, 1e400, text
        raise ApiError(400, "Invalid request: alternatives parameter is not a number") from None
    if count > ALTERNATIVES_LIMIT:
        raise ApiError(400, f"Invalid request: alternatives parameter must be <= {ALTERNATIVES_LIMIT}")
    return count


def segment_record(segment: Any, masked: Masked | None = None) -> dict[str, Any]:
    """One sentence as Khabar's extra answer shows it (with the placeholders ``masked`` took out put back)."""
    put_back = masked.restore_part if masked is not None and masked.tokens else str
    return {"source": put_back(segment.source), "target": put_back(segment.target), "score": segment.score,
            "flags": list(segment.flags), "details": dict(segment.details),
            "memory": dict(segment.memory) if getattr(segment, "memory", None) else None}


def _answer(handler: Callable[[Request], Awaitable[Any]]) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler: its value as JSON, :class:`ApiError` and user errors as ``{"error": ...}``,
    and anything unexpected as a logged 500 with a JSON body (never a traceback)."""

    async def endpoint(request: Request) -> Response:
        try:
            value = await handler(request)
        except ApiError as error:
            return JSONResponse({"error": error.message}, status_code=error.status, headers=error.headers)
        except Busy as error:
            return JSONResponse({"error": f"Slowdown: {error}"}, status_code=429)
        except TranslateError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        except Exception:
            log.exception("unexpected error in %s", request.url.path)
            return JSONResponse({"error": "Internal server error: the request could not be completed."},
                                status_code=500)
        return value if isinstance(value, Response) else JSONResponse(value)

    endpoint.__name__ = handler.__name__
    return endpoint


async def _method_not_allowed(request: Request) -> Response:
    return JSONResponse({"error": f"Method {request.method} is not allowed on {request.url.path}"}, status_code=405)


ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def install(app: FastAPI, service: Service) -> LibreTranslateApi:
    """Add the LibreTranslate-compatible routes to ``app``; wrong methods answer 405 with a JSON body."""
    api = LibreTranslateApi(service)
    routes: list[tuple[str, Callable[[Request], Awaitable[Any]], tuple[str, ...]]] = [
        ("/languages", api.languages, ("GET",)),
        ("/translate", api.translate, ("POST",)),
        ("/detect", api.detect, ("POST",)),
        ("/translate_file", api.translate_file, ("POST",)),
        ("/download_file/{name:path}", api.download_file, ("GET",)),
        ("/frontend/settings", api.settings, ("GET",)),
        ("/health", api.health, ("GET",)),
        ("/spec", api.spec, ("GET",)),
        ("/suggest", api.suggest, ("POST",)),
        ("/docs", api.docs, ("GET",)),
    ]
    for path, handler, methods in routes:
        app.add_api_route(path, _answer(handler), methods=list(methods), include_in_schema=False)
        others = [m for m in ALL_METHODS if m not in methods]
        app.add_api_route(path, _method_not_allowed, methods=others, include_in_schema=False)
    return api


def openapi_document() -> dict[str, Any]:
    """A compact OpenAPI 3 description of the LibreTranslate-compatible routes."""
    text_fields = {
        "q": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "source": {"type": "string", "enum": list(SOURCES)}, "target": {"type": "string", "enum": list(TARGETS)},
        "format": {"type": "string", "enum": list(FORMATS)}, "api_key": {"type": "string"},
        "alternatives": {"type": "integer", "minimum": 0, "maximum": ALTERNATIVES_LIMIT},
        "segments": {"type": "boolean"},
    }
    body = {"content": {kind: {"schema": {"type": "object", "properties": text_fields}} for kind in (
        "application/json", "application/x-www-form-urlencoded", "multipart/form-data")}}
    error = {"description": "error", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"error": {"type": "string"}}}}}}
    errors = {"400": error, "403": error, "429": error, "500": error}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Khabar (LibreTranslate-compatible API)", "version": VERSION},
        "paths": {
            "/translate": {"post": {"summary": "Translate Arabic text into English", "requestBody": body,
                                    "responses": {"200": {"description": "translatedText"}, **errors}}},
            "/detect": {"post": {"summary": "Detect the language of q", "requestBody": body,
                                 "responses": {"200": {"description": "[{language, confidence}]"}, **errors}}},
            "/languages": {"get": {"summary": "Supported languages", "responses": {"200": {"description": "list"}}}},
            "/translate_file": {"post": {"summary": f"Translate a file ({', '.join(file_formats())})",
                                         "responses": {"200": {"description": "translatedFileUrl"}, **errors}}},
            "/download_file/{name}": {"get": {"summary": "Download a translated file (until the hourly clean-up)",
                                              "responses": {"200": {"description": "the file"}, "404": error}}},
            "/frontend/settings": {"get": {"summary": "Server settings",
                                           "responses": {"200": {"description": "settings"}}}},
            "/health": {"get": {"summary": "Health check", "responses": {"200": {"description": "ok"}}}},
            "/suggest": {"post": {"summary": "Suggestions (disabled)", "responses": {"403": error}}},
        },
    }
