"""Where models come from: presets, hub ids or local folders, device and precision, and the
details that differ between model families (language codes, windows)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from translate.config import DTYPES, ENV_PREFIX, PRESETS, hub_endpoint, resolve_device
from translate.errors import TranslateError

__all__ = ["PRESETS", "LoadedModel", "ctranslate2_compute_type", "generation_precision", "load_transformers_model",
           "model_revision", "resolve_device", "resolve_dtype", "resolve_model", "set_threads"]

_HUB_ID = re.compile(r"[\w.-]+(/[\w.-]+)?")
# Each family's spelling of the languages this project uses.
_LANGUAGE_CODES = {
    "nllb": {"ar": "arb_Arab", "en": "eng_Latn"},
    "m2m100": {"ar": "ar", "en": "en"},
    "marian": {"ar": "ara", "en": "eng"},
}


def option_names(option: str) -> str:
    """How a user chooses the model of the run-configuration field ``option`` (e.g. ``summary_model``):
    ``--summary-model or KHABAR_SUMMARY_MODEL``."""
    return f"--{option.replace('_', '-')} or {ENV_PREFIX}{option.upper()}"


def resolve_model(name: str | None, *, presets: dict[str, str] = PRESETS, option: str = "model") -> str:
    """Turn a preset name, hub id or folder (None: the ``default`` preset) into a hub id or an absolute
    folder path; an error names ``option``, the setting that chose it (see :func:`option_names`)."""
    chosen = name or "default"
    if chosen in presets:
        return presets[chosen]
    folder = Path(chosen).expanduser()
    if folder.is_dir():
        return str(folder.resolve())
    if _HUB_ID.fullmatch(chosen) and not chosen.startswith("."):
        return chosen
    raise TranslateError(f"There is no model folder at '{chosen}' ({option_names(option)}). Give a preset "
                         f"({', '.join(presets)}), a hub id such as 'Helsinki-NLP/opus-mt-ar-en', "
                         "or the path of a local model folder.")


def set_threads(threads: int = 0) -> int:
    """Set how many CPU threads torch uses (0: torch's default); returns the number it uses."""
    import torch

    if threads < 0:
        raise TranslateError("The number of threads must be 1 or more.")
    if threads:
        torch.set_num_threads(threads)
    return torch.get_num_threads()


T5_FAMILY = ("t5", "mt5", "umt5")


def _bf16_supported(engine: str = "torch") -> bool:
    """Whether the CUDA GPU computes in bfloat16 natively (compute capability 8.0+). torch's
    default check also says yes for GPUs that only emulate it, slowly; CTranslate2 lists what it runs."""
    if engine == "ctranslate2":
        import ctranslate2

        return "bfloat16" in ctranslate2.get_supported_compute_types("cuda")
    import torch

    return torch.cuda.is_bf16_supported(including_emulation=False)


def _requested_dtype(requested: str | None) -> str:
    """``requested``, else ``auto``; an unknown name is an error."""
    chosen = requested or "auto"
    if chosen not in DTYPES:
        raise TranslateError(f"Unknown dtype '{chosen}': use {', '.join(DTYPES)}.")
    return chosen


def resolve_dtype(device: str, model_type: str, requested: str | None = None, *, bf16_supported: bool | None = None
                  ) -> str:
    """The precision to load weights in: ``requested`` unless ``auto`` (or None); else
    float32 on CPU/MPS, float16 on CUDA, except T5-family models, which overflow in float16 and
    get bfloat16 where the GPU supports it natively, else float32."""
    chosen = _requested_dtype(requested)
    if chosen != "auto":
        return chosen
    if not device.startswith("cuda"):
        return "float32"
    if model_type in T5_FAMILY:
        supported = _bf16_supported() if bf16_supported is None else bf16_supported
        return "bfloat16" if supported else "float32"
    return "float16"


def ctranslate2_compute_type(device: str, model_type: str, requested: str | None = None, *,
                             dtype: str | None = None, bf16_supported: bool | None = None) -> str:
    """CTranslate2's quantization: ``requested``; else on CPU int8; on CUDA an explicit ``dtype``, else
    float16, or for T5-family models, which overflow in float16, int8_bfloat16 where the GPU supports
    bfloat16 natively, else int8_float32."""
    if requested:
        return requested
    if not device.startswith("cuda"):
        return "int8"
    explicit = _requested_dtype(dtype)
    if explicit != "auto":
        return explicit
    if model_type in T5_FAMILY:
        supported = _bf16_supported("ctranslate2") if bf16_supported is None else bf16_supported
        return "int8_bfloat16" if supported else "int8_float32"
    return "float16"


def generation_precision(engine: str, device: str, model_type: str, compute_type: str | None = None,
                         dtype: str | None = None) -> str:
    """The precision a model generates in: CTranslate2's quantization on that engine, else the
    weights' dtype (see :func:`ctranslate2_compute_type` and :func:`resolve_dtype`)."""
    if engine == "ctranslate2":
        return ctranslate2_compute_type(device, model_type, compute_type, dtype=dtype)
    return resolve_dtype(device, model_type, dtype)


def model_revision(name: str) -> str:
    """Which exact weights ``name`` is: for a local folder, a hash of its files' names, sizes and
    contents; for a hub id, the commit of the snapshot in the local cache (``unknown`` if none).

    A folder's contents are hashed once per process for each state of its files (names, sizes,
    modification times), so a folder changed in place gets a new revision."""
    folder = Path(name)
    if folder.is_dir():
        files = tuple(sorted((p.relative_to(folder).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
                             for p in folder.rglob("*") if p.is_file()))
        return _folder_revision(str(folder.resolve()), files)
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(name, "config.json")
    except Exception:  # a malformed id or cache: the revision is simply not known
        cached = None
    if isinstance(cached, str) and "/snapshots/" in cached:
        return cached.split("/snapshots/")[1].split("/")[0]
    return "unknown"


@functools.lru_cache(maxsize=64)
def _folder_revision(folder: str, files: tuple[tuple[str, int, int], ...]) -> str:
    import hashlib

    outer = hashlib.sha256()
    for relative, size, _ in files:
        inner = hashlib.sha256()
        with (Path(folder) / relative).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                inner.update(block)
        outer.update(f"{relative}\0{size}\0{inner.hexdigest()}\n".encode())
    return "sha256:" + outer.hexdigest()[:16]


class LoadedModel:
    """A model's tokenizer and configuration, and its weights on ``device`` once first used
    (the CTranslate2 engine never needs them in memory)."""

    native = False  # a native CTranslate2 folder (translate.native.NativeModel) has no transformers weights

    def __init__(self, name: str, tokenizer: Any, config: Any, device: str, dtype: str | None = None, *,
                 option: str = "model") -> None:
        self.name, self.tokenizer, self.config, self.device = name, tokenizer, config, device
        self.requested_dtype = dtype
        self.option = option  # the setting that chose this model, named in load errors
        self.family = _family(config.model_type, tokenizer)

    @property
    def revision(self) -> str:
        """Which exact weights these are (see :func:`model_revision`)."""
        commit = getattr(self.config, "_commit_hash", None)
        return commit if commit and not Path(self.name).is_dir() else model_revision(self.name)

    @property
    def dtype(self) -> str:
        """The precision the weights load in (see :func:`resolve_dtype`)."""
        return resolve_dtype(self.device, self.config.model_type, self.requested_dtype)

    @functools.cached_property
    def model(self) -> Any:
        """The seq2seq model (precision by :func:`resolve_dtype`, safetensors preferred, never remote code)."""
        import torch
        from transformers import AutoModelForSeq2SeqLM

        dtype = getattr(torch, self.dtype)
        model = _from_pretrained(AutoModelForSeq2SeqLM, self.name, self.option, dtype=dtype)
        model.to(self.device).eval()
        # An end token forced at the length cap would hide truncation, which the checks must see.
        model.generation_config.forced_eos_token_id = None
        model.generation_config.max_length = None
        return model

    @property
    def window(self) -> int:
        """The most input tokens the model takes (specials included)."""
        limits = [self.tokenizer.model_max_length, getattr(self.config, "max_position_embeddings", None)]
        usable = [int(limit) for limit in limits if isinstance(limit, int) and 0 < limit < 100_000]
        return min(usable) if usable else 512

    def count_tokens(self, text: str) -> int:
        """Tokens in ``text`` without special tokens."""
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def language_code(self, language: str) -> str | None:
        """This family's code for an ISO language (``ar`` → ``arb_Arab`` for NLLB), if it uses codes."""
        codes = _LANGUAGE_CODES.get(self.family)
        return codes.get(language, language) if codes else None

    def source_prefix(self, target_language: str) -> str:
        """Text put before each source: multi-target Marian models need ``>>ara<< ``."""
        code = self.language_code(target_language)
        token = f">>{code}<<"
        if self.family == "marian" and token in self.tokenizer.get_vocab():
            return token + " "
        return ""

    def target_start_token(self, target_language: str) -> str | None:
        """The token that must open the output (NLLB/M2M100 language tokens), if any."""
        code = self.language_code(target_language)
        if self.family == "nllb":
            return code
        if self.family == "m2m100":
            return self.tokenizer.get_lang_token(code)
        return None

    def set_source_language(self, source_language: str) -> None:
        """Tell multilingual tokenizers which language the input is in."""
        if self.family in ("nllb", "m2m100"):
            self.tokenizer.src_lang = self.language_code(source_language)


def _family(model_type: str, tokenizer: Any) -> str:
    if model_type == "m2m_100":
        return "nllb" if "nllb" in type(tokenizer).__name__.lower() else "m2m100"
    if model_type in ("t5", "mt5", "umt5"):
        return "t5"
    if model_type in ("bart", "mbart"):
        return "bart"
    return model_type


def load_transformers_model(name: str, device: str = "cpu", dtype: str | None = None, *,
                            option: str = "model") -> LoadedModel:
    """Load a transformers model's tokenizer and configuration from a hub id or a local folder; the weights
    follow on first use of ``.model``. Errors name ``option``, the run-configuration setting that chose
    the model (``model``, ``summary_model``, ``arabic_model``). Callers use
    :func:`translate.loading.load_model`, which also reads native CTranslate2 folders and loads once."""
    import transformers
    from transformers import AutoConfig, AutoTokenizer

    if Path(name).is_dir() and not (Path(name) / "config.json").is_file():
        raise TranslateError(f"'{name}' is not a saved model folder: it has no config.json ({option_names(option)}).")
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    config = _from_pretrained(AutoConfig, name, option)
    return LoadedModel(name, _from_pretrained(AutoTokenizer, name, option), config, device, dtype, option=option)


def _from_pretrained(loader: Any, name: str, option: str, **options: Any) -> Any:
    """``loader.from_pretrained(name)``: local files first (no network for folders and models
    downloaded before), then the hub; any failure becomes a :class:`TranslateError`."""
    try:
        try:
            return loader.from_pretrained(name, trust_remote_code=False, local_files_only=True, **options)
        except OSError:
            if Path(name).is_dir() or not _hub_reachable():
                raise
            return loader.from_pretrained(name, trust_remote_code=False, **options)
    except Exception as error:  # transformers raises OSError, ValueError, hub errors, ...
        raise TranslateError(_load_failure(name, error, option)) from error


def _hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the model hub answers at all (so that an offline machine fails at once, not after retries)."""
    import socket

    host = hub_endpoint()
    if host is None:
        return False
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
    except OSError:
        return False
    return True


def _load_failure(name: str, error: Exception, option: str) -> str:
    """The message for a model that would not load, naming ``option``, the setting that chose it."""
    reason = str(error).strip().splitlines()[0].rstrip(".") if str(error).strip() else type(error).__name__
    if Path(name).is_dir():
        return (f"Could not load the model in '{name}' ({option_names(option)}): {reason[:300]}. The folder "
                "needs config.json, the tokenizer files and the weights, as saved by save_pretrained().")
    flag = "--" + option.replace("_", "-")
    return (f"Could not load the model '{name}' from the Hugging Face hub: {reason[:300]}. "
            "Check the id, or, without internet access, download the model on another machine and "
            f"pass the path of its folder with {option_names(option)} "
            f"(e.g. {flag} ./models/{name.rstrip('/').rsplit('/', 1)[-1]}).")
