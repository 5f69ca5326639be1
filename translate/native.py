"""Native CTranslate2 model folders: ``model.bin`` with its vocabularies and SentencePiece models, as quickmt
publishes them (``src.spm.model``/``tgt.spm.model`` or ``joint.spm.model``) and as OPUS-MT's CTranslate2 exports
keep them (``source.spm``/``target.spm``). Such a folder runs on the CTranslate2 engine as it is, never
converted; :class:`NativeModel` gives the rest of the library what a :class:`~translate.models.LoadedModel` gives."""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from translate.errors import TranslateError
from translate.models import _LANGUAGE_CODES, LoadedModel, _folder_revision, _hub_reachable, option_names

# SentencePiece models, (source, target), in the order looked for: quickmt's, quickmt's joint one, OPUS-MT's.
SPM_LAYOUTS = (("src.spm.model", "tgt.spm.model"), ("joint.spm.model", "joint.spm.model"),
               ("source.spm", "target.spm"))
# Vocabularies as CTranslate2 writes them (JSON since 3.0, one token a line before); one shared or two.
VOCABULARY_LAYOUTS = (("shared_vocabulary.json",), ("source_vocabulary.json", "target_vocabulary.json"),
                      ("shared_vocabulary.txt",), ("source_vocabulary.txt", "target_vocabulary.txt"))
DEFAULT_WINDOW = 512  # CTranslate2 folders do not record the longest input; OPUS-MT and quickmt train within it


def is_native_folder(name: str) -> bool:
    """Whether ``name`` is a local folder holding a CTranslate2 ``model.bin``."""
    return Path(name).is_dir() and (Path(name) / "model.bin").is_file()


def is_native(name: str) -> bool:
    """Whether ``name`` (a resolved model: folder or hub id) is a native CTranslate2 model: a folder with
    ``model.bin``, or a hub id whose cached snapshot or file list has one (the hub asked only when nothing of
    it is cached). A folder with CTranslate2's vocabularies or quickmt's SentencePiece models but no
    ``model.bin`` is an error."""
    folder = Path(name)
    if folder.is_dir():
        if is_native_folder(name):
            return True
        # files only CTranslate2 folders have (a transformers Marian folder has source.spm/target.spm too)
        marks = {n for names in (*SPM_LAYOUTS[:2], *VOCABULARY_LAYOUTS) for n in names}
        if any((folder / n).is_file() for n in marks):
            raise TranslateError(f"The CTranslate2 model folder '{name}' has no model.bin.")
        return False
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(name, "model.bin")
        if isinstance(cached, str):
            return True
        if cached is not None or isinstance(try_to_load_from_cache(name, "config.json"), str):
            return False  # known to have no model.bin, or a transformers model already downloaded
    except Exception:  # a malformed id: the usual loader reports it
        return False
    return _hub_lists_model_bin(name)


@functools.cache
def _hub_lists_model_bin(name: str) -> bool:
    """Whether the hub's file list of ``name`` has ``model.bin``, asked once per process (every translator
    made for the model asks: an offline machine waits for the connection once, not each time)."""
    if not _hub_reachable():
        return False
    try:
        from huggingface_hub import list_repo_files

        return "model.bin" in list_repo_files(name)
    except Exception:  # an unknown or private repository: the usual loader reports it
        return False


def local_folder(name: str) -> Path:
    """The folder of the native model ``name``: itself, or a hub id's snapshot (downloaded now if not cached)."""
    if Path(name).is_dir():
        return Path(name)
    from huggingface_hub import snapshot_download

    try:
        try:
            return Path(snapshot_download(name, local_files_only=True))
        except Exception:  # not (fully) cached yet
            return Path(snapshot_download(name))
    except Exception as error:  # hub errors of many types
        raise TranslateError(f"Could not download the CTranslate2 model '{name}' from the Hugging Face hub: "
                             f"{str(error)[:300]}. Without internet access, download it on another machine "
                             "and pass the path of its folder with --model.") from error


def choose_engine(name: str, engine: str, given: bool) -> tuple[str, str | None]:
    """The engine for model ``name``: ``engine``, except that a native CTranslate2 model runs on CTranslate2
    (picked when the engine was left at its default, with the reason returned; an error when transformers
    was asked for)."""
    if engine == "ctranslate2" or not is_native(name):
        return engine, None
    if given:
        raise TranslateError(refusal(name))
    return "ctranslate2", "the model is a native CTranslate2 folder"


def _first_present(folder: Path, layouts: tuple[tuple[str, ...], ...], what: str, option: str) -> tuple[Path, ...]:
    for names in layouts:
        if all((folder / name).is_file() for name in names):
            return tuple(folder / name for name in names)
    wanted = " or ".join(" + ".join(names) for names in layouts)
    raise TranslateError(f"The CTranslate2 model folder '{folder}' ({option_names(option)}) has no {what}: "
                         f"it needs {wanted} beside model.bin.")


def _read_vocabulary(path: Path) -> list[str]:
    if path.suffix == ".json":
        return list(json.loads(path.read_text(encoding="utf-8")))
    return path.read_text(encoding="utf-8").split("\n")[:-1]


class NativeTokenizer:
    """The tokenizer interface the engines use, over two SentencePiece models: token strings get ids from one
    table shared by both sides (the ids never reach CTranslate2, which takes token strings). Special tokens
    are those CTranslate2's ``config.json`` names, and it adds the source's own (``add_source_eos``) itself."""

    def __init__(self, source_spm: Path, target_spm: Path, vocabulary: list[str], config: dict[str, Any],
                 window: int = DEFAULT_WINDOW) -> None:
        import sentencepiece

        self.source = sentencepiece.SentencePieceProcessor(model_file=str(source_spm))
        self.target = self.source if target_spm == source_spm else \
            sentencepiece.SentencePieceProcessor(model_file=str(target_spm))
        self.eos_token = config.get("eos_token") or "</s>"
        self.unk_token = config.get("unk_token") or "<unk>"
        self.special = {self.eos_token, self.unk_token, config.get("bos_token") or "<s>",
                        config.get("decoder_start_token") or "<s>", "<pad>", "<blank>"}
        self.model_max_length = window
        self._lock = threading.Lock()
        self._tokens: list[str] = []
        self._ids: dict[str, int] = {}
        for token in [*vocabulary, *sorted(self.special)]:
            self._intern(token)
        self.pad_token_id = self._ids["<pad>"]

    def _intern(self, token: str) -> int:
        found = self._ids.get(token)
        if found is None:
            with self._lock:
                found = self._ids.setdefault(token, len(self._tokens))
                if found == len(self._tokens):
                    self._tokens.append(token)
        return found

    @property
    def eos_token_id(self) -> int:
        return self._ids[self.eos_token]

    def get_vocab(self) -> dict[str, int]:
        return dict(self._ids)

    def __call__(self, texts: str | list[str], add_special_tokens: bool = True) -> dict[str, Any]:
        """Token ids of each text's source pieces (``add_special_tokens`` is accepted and has nothing to add:
        CTranslate2 adds the source's special tokens its ``config.json`` asks for)."""
        one = isinstance(texts, str)
        pieces = self.source.encode([texts] if one else list(texts), out_type=str)
        ids = [[self._intern(piece) for piece in row] for row in pieces]
        return {"input_ids": ids[0] if one else ids}

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self._tokens[i] for i in ids]

    def convert_tokens_to_ids(self, tokens: list[str] | str) -> list[int] | int:
        if isinstance(tokens, str):
            return self._intern(tokens)
        return [self._intern(token) for token in tokens]

    def decode(self, ids: list[int], skip_special_tokens: bool = True) -> str:
        """The target text of ``ids``, by the target SentencePiece model."""
        tokens = [self._tokens[i] for i in ids]
        if skip_special_tokens:
            tokens = [token for token in tokens if token not in self.special]
        return self.target.decode(tokens)


class NativeModel(LoadedModel):
    """A native CTranslate2 folder, loaded once per process like a :class:`LoadedModel`: its tokenizer now, its
    weights by the CTranslate2 engine (``folder`` is what it opens). The transformers engine cannot run it."""

    native = True

    def __init__(self, name: str, folder: Path, tokenizer: NativeTokenizer, files: tuple[Path, ...], device: str,
                 dtype: str | None = None, *, option: str = "model") -> None:
        super().__init__(name, tokenizer, SimpleNamespace(model_type="ctranslate2"), device, dtype, option=option)
        self.folder, self.files = folder, files

    @property
    def revision(self) -> str:
        """A hash of the files that decide the output: ``model.bin``, ``config.json``, the SentencePiece models
        and the vocabularies (kept per state of their names, sizes and modification times)."""
        root = self.folder.resolve()
        state = tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in self.files))
        return _folder_revision(str(root), state)

    @property
    def model(self) -> Any:
        raise TranslateError(refusal(self.name))

    @property
    def window(self) -> int:
        return self.tokenizer.model_max_length

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.source.encode(text, out_type=str))

    def source_prefix(self, target_language: str) -> str:
        """``>>eng<< `` for multi-target OPUS-MT exports whose vocabulary has such tokens, else nothing."""
        token = f">>{_LANGUAGE_CODES['marian'].get(target_language, target_language)}<<"
        return token + " " if token in self.tokenizer.get_vocab() else ""


def refusal(name: str) -> str:
    """The message for the transformers engine asked to run a native CTranslate2 folder."""
    return (f"'{name}' is a CTranslate2 model folder; use --engine ctranslate2 "
            "(or leave the engine unset: such a folder picks it).")


@functools.cache
def load_native(name: str, device: str = "cpu", dtype: str | None = None, *, option: str = "model") -> NativeModel:
    """Read a native CTranslate2 folder (or the snapshot of a hub id that is one) once per process; a missing
    ``model.bin``, vocabulary or SentencePiece model is an error that names it."""
    folder = local_folder(name)
    if not (folder / "model.bin").is_file():
        raise TranslateError(f"The CTranslate2 model folder '{folder}' ({option_names(option)}) has no model.bin.")
    config_path = folder / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
    vocabularies = _first_present(folder, VOCABULARY_LAYOUTS, "vocabulary", option)
    spms = _first_present(folder, SPM_LAYOUTS, "SentencePiece model", option)
    tokens = [token for path in vocabularies for token in _read_vocabulary(path)]
    tokenizer = NativeTokenizer(spms[0], spms[1], tokens, config)
    files = (folder / "model.bin", *([config_path] if config_path.is_file() else []), *vocabularies, *set(spms))
    return NativeModel(name, folder, tokenizer, files, device, dtype, option=option)
