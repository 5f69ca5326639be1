"""The one generation stack: translations and summaries alike go through :class:`Decoding` (how to search)
and an :class:`Engine` (transformers or CTranslate2), which turns batches of source token ids into
hypotheses with a mean token log-probability. What the engines must agree on (forced first token, beams,
patience, length penalty, n-gram guard, length limits, the model's shortest output) is decided here once;
the Translator and the Summarizer above them do segmentation, batching and flags."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from translate import canary
from translate.config import cache_dir
from translate.errors import TranslateError
from translate.models import LoadedModel, generation_precision, model_revision

CONVERSION_RULES = 3  # this project's fixes to CTranslate2's converters; a change converts every model again

@dataclass(frozen=True)
class Hypothesis:
    """One generated output."""

    text: str
    score: float  # mean log-probability of its tokens (the end token included); nan when not asked for
    truncated: bool  # generation stopped at its token cap, not at an end token
    tokens: int = 0  # tokens generated and kept (a forced first token and the end token included)
    alternatives: tuple[Hypothesis, ...] = ()  # the next best, with Decoding.num_hypotheses > 1


@dataclass(frozen=True)
class Decoding:
    """How to decode: the same settings mean the same output on every engine.

    Two length rules: translations are capped per source (``length_ratio`` x source tokens +
    ``length_extra``, within the window), the end token and a forced first token not counted, and the search
    may run past the cap so that a cut is seen; summaries (``max_new_tokens``) have one budget that counts
    every generated token, the end token and a forced first token included.
    """

    beams: int = 4
    no_repeat_ngram_size: int = 0
    target_start_token: str | None = None  # forced first output token (NLLB/M2M100 language, BART's <s>)
    length_ratio: float = 2.0  # an output may have length_ratio * input tokens + length_extra tokens
    length_extra: int = 10
    exact_length: bool = False  # benchmarks: every output runs to its cap, so all engines do equal work
    length_penalty: float = 1.0
    patience: int = 1  # CTranslate2's beam search stops once beams x patience hypotheses are finished
    min_length: int = 1  # CTranslate2's shortest output (transformers reads the model's generation config)
    max_new_tokens: int | None = None  # summaries: the budget of every generated token
    num_hypotheses: int = 1  # the best and the next best (Hypothesis.alternatives)

    def cap(self, source_tokens: int, window: int) -> int:
        """The most tokens generated for a source of ``source_tokens`` tokens."""
        if self.max_new_tokens is not None:
            return self.max_new_tokens
        return max(1, min(window - 2, math.ceil(self.length_ratio * source_tokens) + self.length_extra))


class Engine(Protocol):
    """Generates one hypothesis per source, in order."""

    name: str
    generated_tokens: int

    def generate(self, sources: Sequence[list[int]], caps: Sequence[int], decoding: Decoding, *,
                 scores: bool = True) -> list[Hypothesis]:
        """``sources`` are token ids with special tokens; ``caps`` (:meth:`Decoding.cap`) bound each output's
        length; ``scores=False`` leaves out the mean log-probabilities (nan), which cost transformers a pass."""
        ...


def _finish(tokenizer, ids: list[int], log_probs: list[float] | None, cap: int, eos: int, skip: int) -> Hypothesis:
    """Cut ids (after a forced first token) at the end token or the cap and score what is kept."""
    end = ids.index(eos) + 1 if eos in ids else len(ids)
    truncated = eos not in ids[:end] or end - 1 > cap
    end = min(end, cap) if truncated else end
    kept = log_probs[:end] if log_probs is not None else None
    score = math.nan if kept is None else sum(kept) / len(kept) if kept else float("-inf")
    return Hypothesis(tokenizer.decode(ids[:end], skip_special_tokens=True).strip(), score, truncated, end + skip)


def _content_cap(decoding: Decoding, cap: int, skip: int) -> int:
    """The tokens an output may keep after a forced first token: a translation's cap, or what a summary's
    budget leaves (which holds its end token)."""
    return cap - skip if decoding.max_new_tokens is not None else cap


def _ranked(hypotheses: list[Hypothesis], count: int) -> list[Hypothesis]:
    """Every ``count`` consecutive hypotheses (best first) as one hypothesis with its alternatives."""
    if count == 1:
        return hypotheses
    return [replace(hypotheses[i], alternatives=tuple(hypotheses[i + 1 : i + count]))
            for i in range(0, len(hypotheses), count)]


class TransformersEngine:
    """``model.generate`` from transformers."""

    name = "transformers"

    def __init__(self, loaded: LoadedModel) -> None:
        self.loaded = loaded
        self.generated_tokens = 0  # tokens kept in every output so far (see Hypothesis.tokens)
        loaded.model  # noqa: B018 - load the weights now, so that a broken model fails here

    def generate(self, sources: Sequence[list[int]], caps: Sequence[int], decoding: Decoding, *,
                 scores: bool = True) -> list[Hypothesis]:
        import torch

        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        width = max(len(ids) for ids in sources)
        pad = tokenizer.pad_token_id
        input_ids = torch.tensor([ids + [pad] * (width - len(ids)) for ids in sources], device=self.loaded.device)
        mask = torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids in sources], device=self.loaded.device)
        config = copy.deepcopy(model.generation_config)
        skip = 1 if decoding.target_start_token else 0  # the forced first token is not output
        if decoding.target_start_token:
            config.forced_bos_token_id = tokenizer.convert_tokens_to_ids(decoding.target_start_token)
        longest = max(caps)
        if decoding.max_new_tokens is not None:  # one budget, every token counted
            most, least = longest, longest if decoding.exact_length else None
        else:  # a cap on the output, with room past it to see a cut
            most = longest + skip + (0 if decoding.exact_length else 1)
            least = longest + skip if decoding.exact_length else None
        count = decoding.num_hypotheses
        with torch.inference_mode():
            sequences = model.generate(
                generation_config=config,
                input_ids=input_ids,
                attention_mask=mask,
                num_beams=decoding.beams,
                num_return_sequences=count,
                do_sample=False,
                min_new_tokens=least,
                max_new_tokens=most,
                no_repeat_ngram_size=decoding.no_repeat_ngram_size,
                length_penalty=decoding.length_penalty,
                early_stopping=True,
            )
            if count > 1:
                input_ids, mask = input_ids.repeat_interleave(count, 0), mask.repeat_interleave(count, 0)
            log_probs = self._token_log_probs(input_ids, mask, sequences) if scores else [None] * len(sequences)
        eos = model.generation_config.eos_token_id
        eos = eos[0] if isinstance(eos, list) else eos
        generated = sequences[:, 1 + skip :].tolist()
        hypotheses = [
            _finish(tokenizer, ids, row[skip : skip + len(ids)] if row is not None else None,
                    _content_cap(decoding, cap, skip), eos, skip)
            for ids, row, cap in zip(generated, log_probs, [c for c in caps for _ in range(count)], strict=True)
        ]
        self.generated_tokens += sum(h.tokens for h in hypotheses[::count])
        return _ranked(hypotheses, count)

    def _token_log_probs(self, input_ids, mask, sequences, max_floats: int = 32_000_000) -> list[list[float]]:
        """The model's log-probability of each generated token, by one teacher-forced pass in
        slices of rows (so memory stays bounded; generate's own scores keep every step's logits)."""
        model = self.loaded.model
        vocab = model.config.get_text_config().vocab_size if hasattr(model.config, "get_text_config") else None
        rows = max(1, max_floats // (sequences.shape[1] * (vocab or 65_536)))
        out: list[list[float]] = []
        for start in range(0, sequences.shape[0], rows):
            chosen = sequences[start : start + rows]
            logits = model(input_ids=input_ids[start : start + rows], attention_mask=mask[start : start + rows],
                           decoder_input_ids=chosen[:, :-1]).logits
            picked = logits.float().log_softmax(-1).gather(-1, chosen[:, 1:].unsqueeze(-1)).squeeze(-1)
            out += picked.tolist()
        return out


class CTranslate2Engine:
    """``ctranslate2.Translator.translate_batch`` over a converted copy of the model."""

    name = "ctranslate2"

    def __init__(self, loaded: LoadedModel, *, compute_type: str | None = None, threads: int = 0,
                 inter_threads: int = 1, explicit: bool = False) -> None:
        self.loaded = loaded
        self.requested = compute_type or ("float16" if loaded.device.startswith("cuda") else "int8")
        self.inter_threads = inter_threads
        self.translator, self.compute_type, self.verdicts = guarded_translator(
            loaded, self.requested, threads=threads, inter_threads=inter_threads, explicit=explicit)
        self.generated_tokens = 0  # tokens kept in every output so far (see Hypothesis.tokens)

    @property
    def notice(self) -> str | None:
        """Why this engine runs in another compute type than was asked for, or why the one asked for
        (with --compute-type) may write other words than the model; None when the canary agreed."""
        failed = [v for v in self.verdicts if not v.passed]
        if not failed:
            return None
        found = "; ".join(v.describe() for v in self.verdicts)
        if self.compute_type == self.requested:
            return (f"The CTranslate2 engine's {self.requested} results on this CPU differ from the model's "
                    f"({found}); kept because it was asked for. Translations may differ from the model's.")
        return (f"The CTranslate2 engine's {self.requested} results on this CPU differ from the model's "
                f"({found}); using {self.compute_type} instead.")

    @property
    def check(self) -> dict:
        """The compute type asked for and the canary's verdicts, as the run signature records them."""
        return {"requested": self.requested,
                "canary": [{"compute_type": v.compute_type, "agreement": round(v.agreement, 3)}
                           for v in self.verdicts]}

    def generate(self, sources: Sequence[list[int]], caps: Sequence[int], decoding: Decoding, *,
                 scores: bool = True) -> list[Hypothesis]:
        tokenizer = self.loaded.tokenizer
        tokens = [tokenizer.convert_ids_to_tokens(ids) for ids in sources]
        prefix = [[decoding.target_start_token]] * len(tokens) if decoding.target_start_token else None
        skip = 1 if prefix else 0
        longest = max(caps)
        if decoding.max_new_tokens is not None:  # one budget, every token counted (the prefix too)
            most = longest
            least = longest if decoding.exact_length else decoding.min_length
        else:  # a cap on the output after the prefix, with room past it for the end token and a cut
            most = longest + skip + (0 if decoding.exact_length else 2)
            least = longest + skip if decoding.exact_length else decoding.min_length
        count = decoding.num_hypotheses
        results = self.translator.translate_batch(
            tokens,
            prefix,
            beam_size=decoding.beams,
            patience=decoding.patience,
            num_hypotheses=count,
            min_decoding_length=least,
            max_decoding_length=most,
            max_input_length=0,
            no_repeat_ngram_size=decoding.no_repeat_ngram_size,
            length_penalty=decoding.length_penalty,
            return_scores=True,
            return_end_token=True,
            return_logits_vocab=False,
            **split_batch(len(tokens), self.inter_threads),
        )
        eos = tokenizer.eos_token_id
        hypotheses = []
        for result, cap in zip(results, caps, strict=True):
            for rank in range(count):
                ids = tokenizer.convert_tokens_to_ids(result.hypotheses[rank])[skip:]
                # CTranslate2 reports the length-normalised total, i.e. the mean token log-probability
                # (over everything it generated, so a truncated output's score covers more than is kept).
                mean = result.scores[rank]
                hypotheses.append(_finish(tokenizer, ids, [mean] * len(ids) if scores else None,
                                          _content_cap(decoding, cap, skip), eos, skip))
        self.generated_tokens += sum(h.tokens for h in hypotheses[::count])
        return _ranked(hypotheses, count)


class Generating:
    """What a Translator and a Summarizer share: one model (``loaded``), the precision it generates in, and
    its engine, built on first use. The class that uses it sets ``engine_name``, ``device``, ``compute_type``,
    ``dtype``, ``threads``, ``inter_threads`` and ``_engine`` (None), and defines ``loaded``."""

    engine_name: str
    device: str
    compute_type: str | None
    dtype: str | None
    threads: int
    inter_threads: int
    _engine: Engine | None
    loaded: LoadedModel

    @property
    def effective_compute_type(self) -> str:
        """The precision generation runs in: CTranslate2's quantization, or the weights' dtype."""
        return generation_precision(self.engine_name, self.device, self.loaded.config.model_type, self.compute_type,
                                    self.dtype)

    @property
    def engine(self) -> Engine:
        """The generation back end (built now if this is the first use)."""
        if self._engine is None:
            self._engine = build_engine(self.engine_name, self.loaded, self.effective_compute_type,
                                        threads=self.threads, inter_threads=self.inter_threads,
                                        explicit=self.compute_type is not None)
        return self._engine

    def precision(self) -> dict:
        """The signature's precision entries: the compute type generation runs in and, on CTranslate2, the
        one asked for and the canary's verdicts (the engine is built to know them)."""
        if self.engine_name != "ctranslate2":
            return {"compute_type": self.effective_compute_type}
        engine = self.engine
        return {"compute_type": engine.compute_type, "compute_check": engine.check}

    @property
    def compute_notice(self) -> str | None:
        """A warning for the user when the int8 guard changed or doubted the compute type (else None)."""
        return getattr(self._engine, "notice", None)


def build_engine(name: str, loaded: LoadedModel, compute_type: str, *, threads: int = 0, inter_threads: int = 1,
                 explicit: bool = False) -> Engine:
    """The engine called ``name`` over ``loaded``: CTranslate2 at ``compute_type`` (or the next safe one, unless
    ``explicit``) with its threads, or transformers."""
    if name == "ctranslate2":
        return CTranslate2Engine(loaded, compute_type=compute_type, threads=threads, inter_threads=inter_threads,
                                 explicit=explicit)
    if loaded.native:
        from translate.native import refusal

        raise TranslateError(refusal(loaded.name))
    return TransformersEngine(loaded)


def guarded_translator(loaded: LoadedModel, compute_type: str, *, threads: int = 0, inter_threads: int = 1,
                       explicit: bool = False) -> tuple[Any, str, list[canary.Verdict]]:
    """A ``ctranslate2.Translator`` whose outputs agree with the model's on this machine: ``compute_type``
    if its canary agrees (:mod:`translate.canary`), else the next safe type (``int8_float32``, then
    ``float32``). An ``explicit`` compute type is kept whatever the canary says. Returns the translator,
    its compute type and the verdict of each type tried. Even float32 disagreeing means the conversion
    does not reproduce the model: an error."""
    reference: canary.Reference | None = None  # made after the first conversion: a model that cannot
    tried: list[canary.Verdict] = []  # convert is reported as such
    seen: set[str] = set()
    last: tuple[Any, str] | None = None
    candidates = (compute_type,) if explicit else (compute_type, *canary.FALLBACKS.get(compute_type, ()))
    for candidate in candidates:
        runs_as = "int8_float32" if candidate == "int8" and not loaded.device.startswith("cuda") else candidate
        if runs_as in seen:  # on CPU, CTranslate2 runs int8 as int8_float32: the same kernels, tried once
            continue
        seen.add(runs_as)
        translator = ctranslate2_translator(loaded, candidate, threads=threads, inter_threads=inter_threads)
        # the conversion the verdict is kept for: a native folder's own digest, else the cached copy's name
        conversion = f"{loaded.folder.name}-{loaded.revision}" if loaded.native else \
            converted_model(loaded.name, candidate).name  # found in the cache: the translator's own folder
        reference = reference or canary.reference(loaded, cache_dir() / "canary")
        verdict = canary.checked(translator, candidate, reference, cache_dir() / "canary", conversion)
        tried.append(verdict)
        if verdict.passed:
            return translator, candidate, tried
        if candidate == "float32" and not loaded.native:  # a native folder's reference is its own float32
            raise TranslateError(f"The CTranslate2 conversion of '{loaded.name}' does not reproduce the model's "
                                 f"outputs ({'; '.join(v.describe() for v in tried)}). "
                                 "Use --engine transformers for this model.")
        last = translator, candidate
        if explicit:
            break
    assert last is not None  # the first candidate is always tried
    return (*last, tried)


def split_batch(size: int, inter_threads: int) -> dict:
    """``translate_batch`` options that cut a batch of ``size`` into ``inter_threads`` sub-batches,
    which CTranslate2 runs in parallel (one per inter thread) and returns in the original order."""
    if inter_threads <= 1 or size <= 1:
        return {}
    return {"max_batch_size": math.ceil(size / inter_threads), "batch_type": "examples"}


def ctranslate2_translator(loaded: LoadedModel, compute_type: str, *, threads: int = 0, inter_threads: int = 1):
    """A ``ctranslate2.Translator`` over the converted copy of ``loaded`` (converted on first use; the
    torch weights are never loaded), or over a native CTranslate2 folder as it is.
    ``threads`` per batch, ``inter_threads`` batches at once."""
    import ctranslate2

    if loaded.device == "mps":
        raise TranslateError("The CTranslate2 engine runs on cpu or cuda, not mps; use --device cpu.")
    device = "cuda" if loaded.device.startswith("cuda") else "cpu"
    index = int(loaded.device.split(":", 1)[1]) if loaded.device.startswith("cuda:") else 0
    folder = loaded.folder if loaded.native else converted_model(loaded.name, compute_type)
    return ctranslate2.Translator(str(folder), device=device, device_index=index, compute_type=compute_type,
                                  intra_threads=threads, inter_threads=inter_threads)


def _model_fingerprint(name: str) -> dict:
    """Which exact weights ``name`` is, as the run signature says (:func:`translate.models.model_revision`):
    a local folder's content hash (so a folder changed in place is converted again), a hub id's
    snapshot commit."""
    folder = Path(name)
    return {"model": str(folder.resolve()) if folder.is_dir() else name, "revision": model_revision(name)}


def _use_full_m2m100_vocabulary() -> None:
    """Make CTranslate2's M2M100/NLLB converter read every token id from the tokenizer.

    Its own loader looks for language tokens under ``additional_special_tokens``, which
    transformers 5 tokenizers no longer list, and then writes too short a vocabulary.
    """
    from ctranslate2.converters import transformers as converters

    class FullVocabularyLoader(converters.M2M100Loader):
        def get_vocabulary(self, model, tokenizer):
            tokens = tokenizer.convert_ids_to_tokens(list(range(model.config.vocab_size)))
            return [
                token if token is not None and (token != tokenizer.unk_token or i == tokenizer.unk_token_id)
                else f"madeupword{i}"
                for i, token in enumerate(tokens)
            ]

    converters.register_loader("M2M100Config")(FullVocabularyLoader)


def _use_post_norm_bart() -> None:
    """Let CTranslate2's BART converter read transformers 5 configurations.

    It reads ``config.normalize_before``, which transformers 5 no longer defines (its BART is
    always post-norm, as the attribute's old default said); configurations saved with it keep it.
    """
    from ctranslate2.converters import transformers as converters

    class PostNormBartLoader(converters.BartLoader):
        def get_model_spec(self, model):
            if not hasattr(model.config, "normalize_before"):
                model.config.normalize_before = False
            return super().get_model_spec(model)

    converters.register_loader("BartConfig")(PostNormBartLoader)


def _t5_scales_outputs(config) -> bool:
    """Whether transformers scales this T5-family model's decoder output by ``d_model ** -0.5`` before
    the vocabulary projection: T5 when ``scale_decoder_outputs`` says so, mT5 never, UMT5 when its
    embeddings are tied (which transformers 5 always sets)."""
    if config.model_type == "mt5":
        return False
    return bool(getattr(config, "scale_decoder_outputs", config.tie_word_embeddings))


def _scale_t5_outputs_as_transformers_does() -> None:
    """Make CTranslate2's T5 and mT5 converters scale the decoder output exactly when transformers does.

    They scale whenever ``tie_word_embeddings`` is set, which transformers 5 sets for every T5-family
    model; its mT5 never scales, so a converted mT5 (the default summariser) would score every token
    with logits 28 times too flat: the same greedy output, but other beams, scores and summaries.
    """
    from ctranslate2.converters import transformers as converters
    from ctranslate2.specs import model_spec

    def scaled_as_transformers(base: type) -> type:
        class Loader(base):
            def get_model_spec(self, model):
                spec = super().get_model_spec(model)
                scales = _t5_scales_outputs(model.config)
                spec.decoder.scale_outputs = model.config.d_model**-0.5 if scales else model_spec.OPTIONAL
                return spec

        return Loader

    converters.register_loader("T5Config")(scaled_as_transformers(converters.T5Loader))
    converters.register_loader("MT5Config")(scaled_as_transformers(converters.MT5Loader))


def _start_marian_from_its_start_embedding() -> None:
    """Make CTranslate2's Marian converter keep the decoder's real first input.

    Transformers starts a Marian decoder from the ``<pad>`` token's embedding; CTranslate2 starts it from
    zeros. Published opus-mt models keep that row at zero, but a model fine-tuned with tied embeddings
    moves it (the output layer's gradient reaches it), and its CTranslate2 copy then writes other words
    ("he next meeting" for "The next meeting"). The decoder's first step is its only one at position 0,
    so adding the scaled ``<pad>`` embedding to position 0's encoding gives CTranslate2 the same input.
    """
    from ctranslate2.converters import transformers as converters

    class StartEmbeddingMarianLoader(converters.MarianMTLoader):
        def get_model_spec(self, model):
            import torch

            spec = super().get_model_spec(model)
            decoder = model.get_decoder()
            start = decoder.embed_tokens.weight[model.config.decoder_start_token_id].detach().float()
            scale = getattr(decoder, "embed_scale", None)
            if scale is None:
                scale = model.config.d_model**0.5 if model.config.scale_embedding else 1.0
            encodings = torch.as_tensor(spec.decoder.position_encodings.encodings).detach().float().clone()
            encodings[0] += start * float(scale)
            spec.decoder.position_encodings.encodings = encodings
            return spec

    converters.register_loader("MarianConfig")(StartEmbeddingMarianLoader)


@functools.cache
def _register_converter_fixes() -> None:
    """This project's fixes to CTranslate2's converters (:data:`CONVERSION_RULES`), registered once."""
    _start_marian_from_its_start_embedding()
    _use_full_m2m100_vocabulary()
    _use_post_norm_bart()
    _scale_t5_outputs_as_transformers_does()


def _publish(converted: Path, target: Path) -> None:
    """Rename a finished conversion into the cache; when another process (an app and a batch run,
    two Ray actors) finished the same conversion first, keep theirs."""
    try:
        os.replace(converted, target)
    except OSError:
        if not (target / "model.bin").is_file():
            raise


def converted_model(name: str, quantization: str) -> Path:
    """Convert ``name`` to CTranslate2 once and cache it, keyed by the model files and settings."""
    import ctranslate2

    key = json.dumps([_model_fingerprint(name), quantization, ctranslate2.__version__, CONVERSION_RULES],
                     sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    target = cache_dir() / "ctranslate2" / f"{Path(name).name}-{quantization}-{digest}"
    if (target / "model.bin").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".convert-", dir=target.parent))
    try:
        from ctranslate2.converters import TransformersConverter

        _register_converter_fixes()
        TransformersConverter(name, low_cpu_mem_usage=True).convert(
            str(staging / "model"), quantization=quantization, force=True
        )
        _publish(staging / "model", target)
    except Exception as error:  # the converter raises many types for unsupported models
        raise TranslateError(
            f"Could not convert the model '{name}' for the CTranslate2 engine: {str(error)[:300]}. "
            "Use --engine transformers for this model."
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
