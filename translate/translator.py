"""The Translator: documents in, translated documents with per-sentence scores and flags out."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.cache import LRUCache
from translate.checks import check
from translate.config import ENGINES, MIN_SCORE, RunConfig, threads_for
from translate.engines import CTranslate2Engine, Decoding, Engine, Hypothesis, TransformersEngine
from translate.errors import TranslateError
from translate.glossary import GLOSSARY, Glossary, as_glossary
from translate.models import (
    LoadedModel,
    generation_precision,
    load_model,
    resolve_device,
    resolve_model,
    set_threads,
)
from translate.progress import Progress
from translate.settings import setting
from translate.text import LATIN_LETTER, Layout, has_arabic, layout


@dataclass(frozen=True)
class Segment:
    """One source sentence (or piece of a long one) and its translation."""

    source: str
    target: str
    paragraph: int  # index of the paragraph it belongs to
    score: float  # mean token log-probability of the target (0.0 when copied unchanged)
    flags: tuple[str, ...] = ()
    details: dict[str, str] = field(default_factory=dict)  # flag → what is wrong, for the editor


@dataclass(frozen=True)
class Translation:
    """A translated document: its text (paragraph breaks kept) and its segments in order."""

    text: str
    segments: tuple[Segment, ...]

    @property
    def flagged(self) -> tuple[Segment, ...]:
        """The segments with at least one flag."""
        return tuple(s for s in self.segments if s.flags)


class Translator:
    """Translates documents with one model, loaded on first use and kept for the process.

    Settings follow argument > ``KHABAR_*`` environment variable > default.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        device: str | None = None,
        engine: str | None = None,
        beams: int | None = None,
        threads: int | None = None,
        inter_threads: int = 1,
        batch_tokens: int | None = None,
        max_batch_size: int = 64,
        max_input_tokens: int | None = None,
        no_repeat_ngram_size: int = 4,
        strip_diacritics: bool = True,
        min_score: float = MIN_SCORE,
        compute_type: str | None = None,
        dtype: str | None = None,
        output_length: tuple[float, int] = (2.0, 10),
        exact_length: bool = False,
        cache_size: int = 20_000,
        source_language: str = "ar",
        target_language: str = "en",
        model_env: str = "model",
        glossary: Glossary | str | Path | None = None,
    ) -> None:
        self.glossary = as_glossary(glossary)  # first: a bad glossary fails before anything is loaded
        self.model_name = resolve_model(model, env=model_env)
        self.device = resolve_device(device)
        self.engine_name = setting("engine", engine, "transformers")
        if self.engine_name not in ENGINES:
            raise TranslateError(f"Unknown engine '{self.engine_name}': use {' or '.join(ENGINES)}.")
        self.beams = setting("beams", beams, 4)
        if self.beams < 1:
            raise TranslateError("The number of beams must be 1 or more.")
        self.threads = set_threads(threads)
        if inter_threads < 1:
            raise TranslateError("The number of inter threads must be 1 or more.")
        self.inter_threads = inter_threads  # CTranslate2 batches at once (not in the signature: same outputs)
        self.batch_tokens = setting("batch_tokens", batch_tokens, 4096)
        self.max_batch_size = max_batch_size
        self._max_input_tokens = max_input_tokens
        self.no_repeat_ngram_size = no_repeat_ngram_size
        self.strip_diacritics = strip_diacritics
        self.min_score = min_score
        self.compute_type = compute_type
        self.dtype = dtype
        self.output_length = output_length
        self.exact_length = exact_length
        self.source_language = source_language
        self.target_language = target_language
        self.cache: LRUCache[Hypothesis] = LRUCache(cache_size)
        self._engine: Engine | None = None

    @classmethod
    def from_config(cls, config: RunConfig, *, interactive: bool = False, **options: Any) -> Translator:
        """The translator a run configuration describes (``options`` for settings it does not hold);
        ``interactive`` for the app and HTTP API, whose threads differ (:func:`translate.config.threads_for`)."""
        intra, inter = threads_for(config, interactive=interactive)
        return cls(config.model, device=config.device, engine=config.engine, beams=config.beams,
                   threads=intra, inter_threads=inter, batch_tokens=config.batch_tokens,
                   strip_diacritics=not config.keep_diacritics, compute_type=config.compute_type,
                   dtype=config.dtype, **{"glossary": config.glossary, **options})

    def with_glossary(self, glossary: Glossary | str | Path | None) -> Translator:
        """This translator with another glossary (or none), sharing its model, engine and cache."""
        twin = copy.copy(self)
        twin.glossary = as_glossary(glossary)
        return twin

    @property
    def loaded(self) -> LoadedModel:
        """The tokenizer and model (loaded now if this is the first use)."""
        loaded = load_model(self.model_name, self.device, self.dtype)
        loaded.set_source_language(self.source_language)
        return loaded

    @property
    def effective_compute_type(self) -> str:
        """The precision generation runs in: CTranslate2's quantization, or the weights' dtype."""
        return generation_precision(self.engine_name, self.device, self.loaded.config.model_type, self.compute_type,
                                    self.dtype)

    def signature(self) -> dict[str, Any]:
        """What decides this translator's output: model and revision, engine, precision, decoding."""
        decoding = self.decoding
        return {
            "model": self.model_name,
            "revision": self.loaded.revision,
            "engine": self.engine_name,
            "compute_type": self.effective_compute_type,
            "languages": f"{self.source_language}-{self.target_language}",
            "decoding": {"beams": decoding.beams, "no_repeat_ngram_size": decoding.no_repeat_ngram_size,
                         "length": [decoding.length_ratio, decoding.length_extra]},
            "keep_diacritics": not self.strip_diacritics,
            "min_score": self.min_score,
            "glossary": self.glossary.digest if self.glossary is not None else None,
        }

    @property
    def engine(self) -> Engine:
        """The generation back end (built now if this is the first use)."""
        if self._engine is None:
            if self.engine_name == "ctranslate2":
                self._engine = CTranslate2Engine(self.loaded, compute_type=self.effective_compute_type,
                                                 threads=self.threads, inter_threads=self.inter_threads)
            else:
                self._engine = TransformersEngine(self.loaded)
        return self._engine

    @property
    def max_input_tokens(self) -> int:
        """Longest piece sent to the model: half the window by default, so the output fits too."""
        window = self.loaded.window
        return min(self._max_input_tokens or window // 2, window - 8)

    @property
    def decoding(self) -> Decoding:
        """The decoding settings, shared by every engine."""
        return Decoding(self.beams, self.no_repeat_ngram_size, self.loaded.target_start_token(self.target_language),
                        *self.output_length, self.exact_length)

    def layout(self, text: str) -> Layout:
        """Cut ``text`` into paragraphs of pieces that fit the model's window."""
        loaded = self.loaded
        prefix = loaded.source_prefix(self.target_language)
        budget = self.max_input_tokens - (loaded.count_tokens(prefix) if prefix else 0)
        return layout(text, loaded.count_tokens, budget, strip_diacritics=self.strip_diacritics)

    def translate(self, text: str, *, progress: Progress | None = None) -> Translation:
        """Translate one document. Paragraph breaks are kept; every sentence gets a segment."""
        return self.translate_batch([text], progress=progress)[0]

    def translate_batch(self, texts: Sequence[str], *, progress: Progress | None = None) -> list[Translation]:
        """Translate many documents, batching their sentences together. Empty texts give empty results."""
        layouts = [self.layout(text) for text in texts]
        pieces = [piece for item in layouts for _, piece in item.flat()]
        hypotheses = iter(self.translate_pieces(pieces, progress=progress))
        return [self._document(item, [next(hypotheses) for _ in item.flat()]) for item in layouts]

    def translate_progressively(self, text: str, *, step_pieces: int = 16) -> Iterator[Translation]:
        """Yield the translation of ``text`` growing paragraph by paragraph (at least ``step_pieces``
        pieces a step), ending with the whole document."""
        whole = self.layout(text)
        done: list[Hypothesis] = []
        end = 0
        while end < len(whole.pieces):
            start, size = end, 0
            while end < len(whole.pieces) and (size < step_pieces or end == start):
                size += len(whole.pieces[end])
                end += 1
            chunk = [piece for paragraph in whole.pieces[start:end] for piece in paragraph]
            done += self.translate_pieces(chunk)
            yield self._document(Layout(whole.pieces[:end], whole.separators[: end - 1]), done)
        if not whole.pieces:
            yield Translation("", ())

    def translate_pieces(self, pieces: Sequence[str], *, progress: Progress | None = None) -> list[Hypothesis]:
        """Translate sentence pieces: copies for pieces with nothing to translate, the cache for
        pieces seen before, and length-sorted, token-budgeted batches for the rest."""
        results: dict[str, Hypothesis] = {}
        for piece in pieces:
            if piece not in results:
                copied = None if self._translatable(piece) else Hypothesis(piece, 0.0, False)
                cached = copied or self.cache.get(self._cache_key(piece))
                if cached is not None:
                    results[piece] = cached
        todo = sorted({p for p in pieces if p not in results}, key=len, reverse=True)
        if todo:
            self._generate(todo, results, progress)
        elif progress:
            progress(len(pieces), len(pieces))
        return [results[piece] for piece in pieces]

    def _translatable(self, piece: str) -> bool:
        if self.source_language == "ar":
            return has_arabic(piece)
        return LATIN_LETTER.search(piece) is not None or has_arabic(piece)

    def _cache_key(self, piece: str) -> tuple:
        return (self.model_name, self.engine_name, self.compute_type, self.decoding, self.target_language, piece)

    def _generate(self, todo: list[str], results: dict[str, Hypothesis], progress: Progress | None) -> None:
        loaded = self.loaded
        prefix = loaded.source_prefix(self.target_language)
        encoded = loaded.tokenizer([prefix + piece for piece in todo], add_special_tokens=True)["input_ids"]
        order = sorted(range(len(todo)), key=lambda i: len(encoded[i]), reverse=True)
        window = loaded.window
        done = 0
        for batch in self._batches(order, encoded):
            sources = [encoded[i] for i in batch]
            decoding = self.decoding
            caps = [decoding.cap(len(ids), window) for ids in sources]
            for i, hypothesis in zip(batch, self.engine.generate(sources, caps, decoding), strict=True):
                results[todo[i]] = hypothesis
                self.cache.put(self._cache_key(todo[i]), hypothesis)
            done += len(batch)
            if progress:
                progress(done, len(todo))

    def _batches(self, order: list[int], encoded: list[list[int]]) -> Iterator[list[int]]:
        """Group indices (longest first) so that padded tokens stay within the token budget."""
        batch: list[int] = []
        for index in order:
            width = max(len(encoded[batch[0]]), len(encoded[index])) if batch else len(encoded[index])
            if batch and (width * (len(batch) + 1) > self.batch_tokens or len(batch) >= self.max_batch_size):
                yield batch
                batch = []
            batch.append(index)
        if batch:
            yield batch

    def _document(self, item: Layout, hypotheses: Sequence[Hypothesis]) -> Translation:
        segments = []
        for (paragraph, piece), hyp in zip(item.flat(), hypotheses, strict=True):
            target, missing = hyp.text, None
            if self.glossary is not None and self._translatable(piece):
                target, missing = self.glossary.apply(piece, target)
            details = check(piece, target, truncated=hyp.truncated, score=hyp.score,
                            min_score=self.min_score) if self._translatable(piece) else {}
            if missing:
                details[GLOSSARY] = missing
            segments.append(Segment(piece, target, paragraph, round(hyp.score, 4), tuple(details), details))
        return Translation(item.assemble([s.target for s in segments]), tuple(segments))
