"""One run configuration for every front end: its options, its defaults, its limits, and the signature
that says which model and settings made an output.

This is the only module that reads the environment. Precedence is argument > ``KHABAR_*`` environment
variable > default, resolved in :meth:`RunConfig.from_args` (front ends) and :meth:`RunConfig.resolved`
(library callers that give no configuration); the library takes the resolved :class:`RunConfig` and never
reads the environment itself. Front ends call :func:`add_arguments` and :meth:`RunConfig.from_args`; none
re-declares an option.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from translate.errors import TranslateError

T = TypeVar("T", str, int, float)
ENV_PREFIX = "KHABAR_"

VERSION = "0.3.0"  # also in pyproject.toml (a test checks they agree); recorded in every output

# --- limits, defined once -------------------------------------------------------------------------
ARTICLE_MAX_CHARS = 100_000  # one pasted article (app, HTTP API), checked before and after normalising
CLI_MAX_CHARS = 1_000_000  # one article given to the command line
TOKENS_PER_CHAR = 0.5  # usual model tokens per Arabic character; the token bound is 4x the usual count
ARTICLE_MAX_TOKENS = int(4 * TOKENS_PER_CHAR * ARTICLE_MAX_CHARS)
FILE_MAX_BYTES = 10 * 1024 * 1024  # one input file (batch job default, app uploads)
FILE_MAX_CHARS = 200_000  # text characters in one uploaded file (app, HTTP API)
FILES_PER_CALL = 20  # files translated in one call of the app's Files tab ...
FILES_PER_UPLOAD = FILES_PER_CALL  # ... and sent in one upload request
ARCHIVE_MAX_RATIO = 50  # a zip-based document (.docx .odt .odp .pptx .epub) unpacks to at most 50x its size ...
ARCHIVE_MAX_UNPACKED = 200 * 1024 * 1024  # ... and at most 200 MB ...
ARCHIVE_MAX_ENTRIES = 2_000  # ... in at most this many archive entries
PDF_MAX_PAGES = 500  # pages of one PDF
PDF_MAX_UNPACKED = 200 * 1024 * 1024  # bytes all the streams of one PDF may decompress to
SRT_MAX_CUES = 20_000  # subtitle cues in one .srt file
DOCUMENT_TYPES = (".docx", ".odt", ".odp", ".pptx", ".epub", ".srt", ".pdf")  # documents with their layout
INPUT_TYPES = (".txt", ".md", ".html", ".htm", ".jsonl", *DOCUMENT_TYPES)  # the batch job reads these
UPLOAD_TYPES = (".txt", ".md", ".html", ".htm", *DOCUMENT_TYPES)  # the app and HTTP API accept these
REQUEST_MAX_BYTES = 4 * ARTICLE_MAX_CHARS + 64 * 1024  # an HTTP body (UTF-8 Arabic is 2 bytes a char)
QUEUE_SIZE = 16  # requests waiting for the models (app and HTTP API together)
SCRATCH_MAX_AGE_S = 3600  # the app's temporary files are removed after an hour
GLOSSARY_UPLOAD_MAX_ENTRIES = 10_000  # entries in a glossary file or table sent with a request (the server's own: any)
BODY_TIMEOUT_S = 60  # a request's whole body must arrive within this time (a slow client holds no connection longer)
FAILURES_BEFORE_WAIT = 5  # failed logins, or wrong API keys, from one client before it must wait ...
FAILURE_MAX_WAIT_S = 15 * 60  # ... 1 s after the 5th failure, doubling with each further one, at most this
STOP_TIMEOUT_S = 5.0  # after SIGTERM or Ctrl-C the app has ended within this time (a translation running is abandoned)
RAY_CONNECT_TIMEOUT_S = 30.0  # the batch job gives up reaching a Ray cluster (--address) after this long

# --- thresholds, defined once ---------------------------------------------------------------------
MIN_SCORE = -1.5  # mean token log-probability below which a sentence is flagged low_confidence
# CTranslate2 batches run at once by the app and the HTTP API on CPU (one article at a time, its batch
# split between them). Measured on 2 cores (README, Speed: "Threads"): 1 intra-op thread x 2 batches at
# once waited 1.3-1.9x less per article than 2 x 1; the batch job is better with all cores on one batch.
APP_INTER_THREADS = 2

ENGINES = ("transformers", "ctranslate2")
SUMMARY_STRATEGIES = ("native", "translate-back", "extractive")
LONG_INPUT = ("lead", "chunks")
DTYPES = ("auto", "float32", "float16", "bfloat16")
DEVICES = ("auto", "cpu", "cuda", "mps")  # and cuda:N

# --- model presets: names a user may give instead of a hub id or folder ---------------------------
PRESETS: dict[str, str] = {  # ar→en translation
    "default": "Helsinki-NLP/opus-mt-tc-big-ar-en",
    "fast": "Helsinki-NLP/opus-mt-ar-en",
    "nllb": "facebook/nllb-200-distilled-600M",
    "quick": "quickmt/quickmt-ar-en",  # a native CTranslate2 folder: runs on the ctranslate2 engine only
}
SUMMARY_PRESETS: dict[str, str] = {
    "default": "csebuetnlp/mT5_multilingual_XLSum",
    "english": "sshleifer/distilbart-cnn-12-6",
}
ARABIC_MODEL_PRESETS: dict[str, str] = {"default": "Helsinki-NLP/opus-mt-tc-big-en-ar"}  # en→ar, translate-back


def setting(name: str, argument: T | None, default: T) -> T:
    """Return ``argument`` if given, else the ``KHABAR_<NAME>`` environment variable, else ``default``.

    The environment value is converted to the type of ``default``; a value that does not convert is a
    :class:`TranslateError` naming the variable.
    """
    if argument is not None:
        return argument
    raw = os.environ.get(ENV_PREFIX + name.upper())
    if raw is None or raw.strip() == "":
        return default
    try:
        return type(default)(raw.strip())
    except ValueError:
        raise TranslateError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {type(default).__name__}.") from None


def cache_dir() -> Path:
    """Where converted models are cached: ``KHABAR_CACHE_DIR`` or ``~/.cache/khabar`` (read on each call, so
    that every process, Ray actors included, uses its own machine's setting)."""
    return Path(setting("cache_dir", None, str(Path.home() / ".cache" / "khabar"))).expanduser()


def hub_endpoint() -> str | None:
    """The model hub's host (``HF_ENDPOINT``'s, else huggingface.co), or None when ``HF_HUB_OFFLINE`` is set."""
    from urllib.parse import urlparse

    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return None
    return urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname or "huggingface.co"


def ctranslate2_forces_mkl() -> bool:
    """Whether ``CT2_USE_MKL=1`` makes CTranslate2 use MKL's int8 kernels on a CPU that is not Intel's."""
    return os.environ.get("CT2_USE_MKL", "") == "1"


def quiet_ray() -> None:
    """Ray's own settings, unless the user gave them: no usage statistics leave the machine, and Ray's core
    logs stay in its session folder."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")


def resolve_device(device: str = "auto") -> str:
    """``auto`` picks cuda, then mps, then cpu; any other name is checked against what is there."""
    import torch

    chosen = device.lower()
    if chosen == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if chosen not in DEVICES and not chosen.startswith("cuda:"):
        raise TranslateError(f"Unknown device '{chosen}': use auto, cpu, cuda or mps.")
    if chosen.startswith("cuda") and not torch.cuda.is_available():
        raise TranslateError("The device 'cuda' was asked for, but no CUDA GPU is available here; use --device cpu.")
    return chosen


@dataclass(frozen=True)
class RunConfig:
    """Everything that decides what a run produces (and how fast), resolved once."""

    model: str = "default"  # preset, hub id or local folder
    engine: str = "transformers"
    device: str = "auto"
    compute_type: str | None = None  # CTranslate2 quantization; None picks int8 on CPU, float16/bfloat16 on GPU
    dtype: str = "auto"  # transformers weights precision; auto picks by device and model family
    beams: int = 4
    batch_tokens: int = 4096
    threads: int = 0  # 0: the library's default
    inter_threads: int = 0  # CTranslate2 batches at once; 0: the front end's default (see threads_for)
    keep_diacritics: bool = False
    glossary: str | None = None  # path of a glossary file
    summary: bool = True
    summary_strategy: str = "native"
    summary_model: str | None = None  # None: the strategy's default preset
    summary_engine: str | None = None  # None: the same as engine
    arabic_model: str | None = None  # en→ar model of translate-back; None: its default preset
    sentences: int = 3
    max_tokens: int = 84
    summary_beams: int = 4
    long_input: str = "lead"
    memory: str | None = None  # translation memory: a database URL or "off"; None: the default (memory_url)
    memory_machine: bool = False  # the batch job also writes the model's translations to the memory

    def __post_init__(self) -> None:
        checks = (
            (self.engine in ENGINES, f"Unknown engine '{self.engine}': use {' or '.join(ENGINES)}."),
            (self.summary_engine in (None, *ENGINES),
             f"Unknown summary engine '{self.summary_engine}': use {' or '.join(ENGINES)}."),
            (self.summary_strategy in SUMMARY_STRATEGIES,
             f"Unknown summary strategy '{self.summary_strategy}': use {' or '.join(SUMMARY_STRATEGIES)}."),
            (self.long_input in LONG_INPUT,
             f"Unknown way to handle long articles '{self.long_input}': use lead or chunks."),
            (self.dtype in DTYPES, f"Unknown dtype '{self.dtype}': use {', '.join(DTYPES)}."),
            (self.beams >= 1 and self.summary_beams >= 1, "The number of beams must be 1 or more."),
            (self.threads >= 0, "The number of threads must be 1 or more."),
            (self.inter_threads >= 0, "The number of inter threads must be 1 or more."),
            (self.batch_tokens >= 16, "The batch token budget must be at least 16."),
            (self.sentences >= 1, "A summary needs at least 1 sentence."),
            (self.max_tokens >= 8, "A summary needs at least 8 tokens."),
            (self.memory is None or self.memory.lower() == "off" or self.memory.startswith(MEMORY_SCHEMES),
             f"KHABAR_MEMORY takes off, sqlite:///PATH or postgresql://..., not {redact(self.memory or '')!r}."),
        )
        for ok, message in checks:
            if not ok:
                raise TranslateError(message)

    @property
    def engine_given(self) -> bool:
        """Whether the engine was chosen (an argument or ``KHABAR_ENGINE``), not left at its default: a native
        CTranslate2 model then picks its engine (see :func:`translate.native.choose_engine`)."""
        return self.__dict__.get("_engine_given", self.engine != "transformers")

    @property
    def effective_summary_engine(self) -> str:
        """The engine the summaries use."""
        return self.summary_engine or self.engine

    @classmethod
    def resolved(cls, **arguments: Any) -> RunConfig:
        """A configuration from keyword arguments (None = not given), ``KHABAR_*`` variables and defaults."""
        values: dict[str, Any] = {}
        given_engine = arguments.get("engine")
        for item in fields(cls):
            given = arguments.pop(item.name, None)
            default = item.default
            if isinstance(default, bool):
                env = setting(item.name, None, "")
                values[item.name] = given if given is not None else (
                    env.lower() in ("1", "true", "yes", "on") if env else default)
            elif default is None:
                value = setting(item.name, given, "")
                values[item.name] = value if value != "" else None
            else:
                values[item.name] = setting(item.name, given, default)
        if arguments:
            raise TypeError(f"unknown settings: {', '.join(sorted(arguments))}")
        if values["glossary"] is not None:
            values["glossary"] = str(Path(values["glossary"]).expanduser())
        engine_given = given_engine is not None or bool(os.environ.get(f"{ENV_PREFIX}ENGINE", "").strip())
        return cls(**values)._with_engine_given(engine_given)

    def _with_engine_given(self, given: bool) -> RunConfig:
        object.__setattr__(self, "_engine_given", given)
        return self

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> RunConfig:
        """The configuration from arguments parsed with :func:`add_arguments`."""
        given = {item.name: getattr(args, item.name, None) for item in fields(cls)}
        given["keep_diacritics"] = True if getattr(args, "keep_diacritics", False) else None
        given["summary"] = False if getattr(args, "no_summary", False) else None
        given["memory"] = "off" if getattr(args, "no_memory", False) else None
        given["memory_machine"] = True if getattr(args, "memory_machine", False) else None
        return cls.resolved(**given)

    def replace(self, **changes: Any) -> RunConfig:
        """A copy with some settings changed."""
        return replace(self, **changes)._with_engine_given("engine" in changes or self.engine_given)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def add_arguments(parser: argparse.ArgumentParser, *, summary: bool = True, several_models: bool = False) -> None:
    """Declare the run configuration's options on ``parser`` (once for every front end); ``several_models``:
    the front end takes ``--model`` more than once (the evaluation)."""
    model = parser.add_argument_group("translation")
    repeat = "; give it several times to compare models" if several_models else ""
    model.add_argument("--model", help=f"translation model: preset ({', '.join(PRESETS)}), hub id or local "
                       f"folder [KHABAR_MODEL, default 'default']{repeat}")
    model.add_argument("--engine", choices=ENGINES, help="generation engine [KHABAR_ENGINE, default transformers]")
    model.add_argument("--device", help="auto, cpu, cuda or mps [KHABAR_DEVICE, default auto]")
    model.add_argument("--compute-type", help="CTranslate2 quantization, e.g. int8, float16, bfloat16 "
                       "[KHABAR_COMPUTE_TYPE, default by device and model]")
    model.add_argument("--dtype", choices=DTYPES, help="transformers weights precision [KHABAR_DTYPE, default auto]")
    model.add_argument("--beams", type=int, help="beam size, 1 for greedy [KHABAR_BEAMS, default 4]")
    model.add_argument("--batch-tokens", type=int, help="padded source tokens per batch [KHABAR_BATCH_TOKENS, "
                       "default 4096]")
    model.add_argument("--threads", type=int, help="CPU threads [KHABAR_THREADS, default all cores]")
    model.add_argument("--inter-threads", type=int, help="CTranslate2 batches run at once, each with "
                       "--threads/inter threads [KHABAR_INTER_THREADS, default 2 in the app and HTTP API on "
                       "CPU with CTranslate2, else 1]")
    model.add_argument("--keep-diacritics", action="store_true", default=False,
                       help="do not strip Arabic diacritics [KHABAR_KEEP_DIACRITICS]")
    model.add_argument("--glossary", help="house-style glossary file (.tsv or .csv) [KHABAR_GLOSSARY]")
    model.add_argument("--no-memory", action="store_true", default=False,
                       help="neither read nor write the translation memory [KHABAR_MEMORY=off]")
    if not summary:
        return
    group = parser.add_argument_group("summaries")
    switch = group.add_mutually_exclusive_group()
    switch.add_argument("--summary-model", help="summary model: preset, hub id or folder [KHABAR_SUMMARY_MODEL]")
    switch.add_argument("--no-summary", action="store_true", help="translate only [KHABAR_SUMMARY=0]")
    group.add_argument("--summary-strategy", choices=SUMMARY_STRATEGIES,
                       help="native (one model, both languages), translate-back (English model, then en→ar) "
                       "or extractive (the most central sentences; no model) [KHABAR_SUMMARY_STRATEGY, default native]")
    group.add_argument("--summary-engine", choices=ENGINES, help="engine for summaries [KHABAR_SUMMARY_ENGINE, "
                       "default: the same as --engine]")
    group.add_argument("--arabic-model", help="en→ar model for translate-back [KHABAR_ARABIC_MODEL]")
    group.add_argument("--sentences", type=int, help="most sentences per summary [KHABAR_SENTENCES, default 3]")
    group.add_argument("--max-tokens", type=int, help="longest summary in tokens [KHABAR_MAX_TOKENS, default 84]")
    group.add_argument("--summary-beams", type=int, help="beam size for summaries [KHABAR_SUMMARY_BEAMS, "
                       "default 4]")
    group.add_argument("--long-input", choices=LONG_INPUT, help="an article longer than the summariser's window: "
                       "summarise its lead, or chunks then their summaries [KHABAR_LONG_INPUT, default lead]")


def add_memory_writing(parser: argparse.ArgumentParser) -> None:
    """Declare ``--memory-machine`` (the batch job's: save the model's translations in the memory too)."""
    parser.add_argument("--memory-machine", action="store_true", default=False,
                        help="also save the model's translations in the translation memory, so that a later run "
                        "reuses them [KHABAR_MEMORY_MACHINE]")


# --- the translation memory's place ---------------------------------------------------------------

MEMORY_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")
MEMORY_FILE = "memory.sqlite3"


def data_dir() -> Path:
    """Where khabar keeps its data: ``KHABAR_DATA_DIR``, else ``$XDG_DATA_HOME/khabar``, else
    ``~/.local/share/khabar`` (not created here)."""
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    default = Path(xdg) / "khabar" if xdg else Path.home() / ".local" / "share" / "khabar"
    return Path(setting("data_dir", None, str(default))).expanduser()


def memory_url(value: str | None = None) -> str | None:
    """The translation memory's database URL: ``value`` (a :class:`RunConfig`'s ``memory``), else
    ``KHABAR_MEMORY``, else ``sqlite:///<data folder>/memory.sqlite3``; None when it is ``off``. Raises
    :class:`TranslateError` for anything else than ``off``, ``sqlite:///PATH`` or ``postgresql://...``."""
    raw = (value if value is not None else setting("memory", None, "")).strip()
    if raw.lower() == "off":
        return None
    if not raw:
        return f"sqlite:///{data_dir() / MEMORY_FILE}"
    if not raw.startswith(MEMORY_SCHEMES) or raw in MEMORY_SCHEMES:
        raise TranslateError(f"KHABAR_MEMORY takes off, sqlite:///PATH or postgresql://..., not {redact(raw)!r}.")
    return raw


def redact(url: str) -> str:
    """A database URL without its password, fit to show (``postgresql://user:***@host/db``)."""
    return re.sub(r":[^:@/]+@", ":***@", url)


# --- the server's and the batch job's own settings (KHABAR_* variables) ------------------------------

def public_url(value: str | None = None) -> str | None:
    """The address clients reach the server at (``KHABAR_PUBLIC_URL``, e.g. ``https://khabar.example.org``),
    from which the HTTP API builds its download links; None when unset (links then name the address the
    request came in on, never the client's ``Host`` header). Raises :class:`TranslateError` for a value
    that is not an http(s) address."""
    raw = (setting("public_url", None, "") if value is None else value).strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or "@" in raw:
        raise TranslateError(f"KHABAR_PUBLIC_URL must be an http(s) address such as https://khabar.example.org, "
                             f"not {raw!r}.")
    return raw.rstrip("/")


def cors_origins(value: str | None = None) -> tuple[str, ...]:
    """The web pages (origins) allowed to read the HTTP API's answers in a browser (``KHABAR_CORS_ORIGINS``):
    ``*`` for any, as LibreTranslate answers (the default), comma-separated origins such as
    ``https://cms.example.org``, or ``none`` for no cross-origin reading. Raises :class:`TranslateError`
    for an origin that is not ``scheme://host[:port]``."""
    raw = (setting("cors_origins", None, "*") if value is None else value).strip()
    if raw.lower() == "none":
        return ()
    origins = tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())
    if "*" in origins:
        return ("*",)
    for origin in origins:
        parts = urlsplit(origin)
        try:
            port_ok = parts.port is None or parts.port > 0
        except ValueError:
            port_ok = False
        if (parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query
                or parts.fragment or "@" in origin or not port_ok):
            raise TranslateError(f"KHABAR_CORS_ORIGINS takes *, none, or origins such as https://cms.example.org "
                                 f"(scheme, host and port only), not {origin!r}.")
    return origins or ("*",)


def ray_connect_timeout(value: float | None = None) -> float:
    """Seconds the batch job waits to reach a Ray cluster (``KHABAR_RAY_CONNECT_TIMEOUT``, default
    :data:`RAY_CONNECT_TIMEOUT_S`)."""
    seconds = setting("ray_connect_timeout", value, RAY_CONNECT_TIMEOUT_S)
    if not 0 < seconds < float("inf"):
        raise TranslateError(f"KHABAR_RAY_CONNECT_TIMEOUT must be a number of seconds above 0, not {seconds!r}.")
    return seconds


def available_cores() -> int:
    """The CPU cores this process may use (its affinity, capped by ``OMP_NUM_THREADS`` when set)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    cap = os.environ.get("OMP_NUM_THREADS", "")
    return max(1, min(cores, int(cap))) if cap.isdigit() and int(cap) > 0 else max(1, cores)


def threads_for(config: RunConfig, *, interactive: bool, cores: int | None = None) -> tuple[int, int]:
    """(intra-op threads per batch, CTranslate2 batches at once) for a front end.

    ``--threads`` (else every core) is the total: it is split between ``inter`` batches. An explicit
    ``--inter-threads`` wins. Otherwise the app and the HTTP API (``interactive``) run
    ``APP_INTER_THREADS`` batches at once on CPU when CTranslate2 does all the generating (torch's
    thread count is per process, so a transformers engine beside it keeps every thread); the batch
    job, CUDA and the transformers engine run one batch at a time.
    """
    total = config.threads or cores or available_cores()
    if config.inter_threads:
        inter = config.inter_threads
    elif interactive and _ctranslate2_only(config) and not _device(config).startswith("cuda"):
        inter = min(APP_INTER_THREADS, total)
    else:
        inter = 1
    if inter == 1 and not config.threads:
        return 0, 1  # one batch at a time on every core: the libraries' own default (torch counts physical cores)
    return max(1, total // inter), inter


def _ctranslate2_only(config: RunConfig) -> bool:
    return config.engine == "ctranslate2" and (not config.summary or config.effective_summary_engine == "ctranslate2")


def _device(config: RunConfig) -> str:
    return config.device if config.device != "auto" else resolve_device(config.device)


def config_from_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> RunConfig:
    """:meth:`RunConfig.from_args`, with a bad setting reported as a usage error (exit code 2)."""
    try:
        return RunConfig.from_args(args)
    except TranslateError as error:
        parser.error(str(error))
        raise  # parser.error exits; this line is never reached


def digest(payload: Any) -> str:
    """A short stable hash of a JSON-able value."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def signature(translator: Any, summarizer: Any = None) -> dict[str, Any]:
    """What made an output: the project version, the translation model (id and revision), engine,
    compute type, decoding settings and glossary, and the summary model and strategy (or None)."""
    return {
        "khabar": VERSION,
        "translation": translator.signature(),
        "summary": summarizer.signature() if summarizer is not None else None,
    }
