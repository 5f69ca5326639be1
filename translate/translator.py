"""The Translator: documents in, translated documents with per-sentence scores and flags out."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from translate.cache import LRUCache
from translate.checks import check
from translate.config import MIN_SCORE, RunConfig, threads_for
from translate.engines import Decoding, Engine, Generating, Hypothesis
from translate.errors import TranslateError
from translate.glossary import GLOSSARY, Glossary, as_glossary
from translate.models import LoadedModel, load_model, resolve_device, resolve_model, set_threads
from translate.progress import Progress
from translate.text import LATIN_LETTER, Layout, has_arabic, layout

NO_REPEAT_NGRAM_SIZE = 4  # no 4-gram twice in one translation
MAX_BATCH_SIZE = 64  # sentences in one generation batch, whatever the token budget allows
CACHE_SIZE = 20_000  # translations of sentences seen before, kept per translator


@dataclass(frozen=True)
class Segment:
    """One source sentence (or piece of a long one) and its translation."""

    source: str
    target: str
    paragraph: int  # index of the paragraph it belongs to
    score: float  # mean token log-probability of the target (0.0 when copied unchanged)
    flags: tuple[str, ...] = ()
    details: dict[str, str] = field(default_factory=dict)  # flag → what is wrong, for the editor
    house_forms: dict[str, str] = field(default_factory=dict)  # glossary house form in the target → its Arabic


@dataclass(frozen=True)
class Translation:
    """A translated document: its text (paragraph breaks kept) and its segments in order."""

    text: str
    segments: tuple[Segment, ...]

    @property
    def flagged(self) -> tuple[Segment, ...]:
        """The segments with at least one flag."""
        return tuple(s for s in self.segments if s.flags)


class Translator(Generating):
    """Translates documents with one model, loaded on first use and kept for the process.

    Its settings come worked out in a :class:`~translate.config.RunConfig`; without one, they are worked out
    once here by :meth:`RunConfig.resolved <translate.config.RunConfig.resolved>` from ``settings`` (any of
    its fields: ``engine``, ``beams``, ``device`` ...), the ``KHABAR_*`` environment and the defaults.
    ``model`` (a preset, hub id or folder) and ``glossary`` (a :class:`Glossary` or its file) override the
    configuration's. ``decoding`` replaces the decoding settings (benchmarks), ``languages`` is the
    (source, target) pair, ``interactive`` marks the app and HTTP API, whose threads differ
    (:func:`translate.config.threads_for`). ``option`` is the setting that chose the model
    (``model``, or ``arabic_model`` for translate-back), named in load errors.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        config: RunConfig | None = None,
        glossary: Glossary | str | Path | None = None,
        decoding: Decoding | None = None,
        languages: tuple[str, str] = ("ar", "en"),
        interactive: bool = False,
        cache_size: int = CACHE_SIZE,
        max_input_tokens: int | None = None,
        option: str = "model",
        **settings: Any,
    ) -> None:
        config = config.replace(**settings) if config is not None else RunConfig.resolved(**settings)
        # first: a bad glossary fails before any model is looked at
        self.glossary = as_glossary(glossary if glossary is not None else config.glossary)
        self.config = config
        self.option = option  # the setting that chose the model, named in load errors
        self.model_name = resolve_model(model or config.model, option=option)
        self.device = resolve_device(config.device)
        self.engine_name = config.engine
        intra, self.inter_threads = threads_for(config, interactive=interactive)  # inter: not in the signature
        self.threads = set_threads(intra)
        self.batch_tokens = config.batch_tokens
        self.max_batch_size = MAX_BATCH_SIZE
        self._max_input_tokens = max_input_tokens
        self.strip_diacritics = not config.keep_diacritics
        self.min_score = MIN_SCORE
        self.compute_type, self.dtype = config.compute_type, config.dtype
        self.generation = decoding or Decoding(config.beams, NO_REPEAT_NGRAM_SIZE)
        self.source_language, self.target_language = languages
        self.cache: LRUCache[Hypothesis] = LRUCache(cache_size)
        self._engine: Engine | None = None

    @classmethod
    def from_config(cls, config: RunConfig, *, interactive: bool = False, **options: Any) -> Translator:
        """The translator a run configuration describes (``options``: the keyword arguments of the class)."""
        return cls(config=config, interactive=interactive, **options)

    def with_decoding(self, **changes: Any) -> Translator:
        """This translator with other decoding settings (e.g. ``beams``), sharing its model, engine and cache."""
        twin = copy.copy(self)
        twin.generation = replace(self.generation, **changes)
        return twin

    def with_glossary(self, glossary: Glossary | str | Path | None) -> Translator:
        """This translator with another glossary (or none), sharing its model, engine and cache."""
        twin = copy.copy(self)
        twin.glossary = as_glossary(glossary)
        return twin

    @property
    def loaded(self) -> LoadedModel:
        """The tokenizer and model (loaded now if this is the first use)."""
        loaded = load_model(self.model_name, self.device, self.dtype, option=self.option)
        loaded.set_source_language(self.source_language)
        return loaded

    def signature(self) -> dict[str, Any]:
        """What decides this translator's output: model and revision, engine, precision, decoding."""
        decoding = self.decoding
        return {
            "model": self.model_name,
            "revision": self.loaded.revision,
            "engine": self.engine_name,
            **self.precision(),
            "languages": f"{self.source_language}-{self.target_language}",
            "decoding": {"beams": decoding.beams, "no_repeat_ngram_size": decoding.no_repeat_ngram_size,
                         "length": [decoding.length_ratio, decoding.length_extra]},
            "keep_diacritics": not self.strip_diacritics,
            "min_score": self.min_score,
            "glossary": self.glossary.digest if self.glossary is not None else None,
        }

    @property
    def max_input_tokens(self) -> int:
        """Longest piece sent to the model: half the window by default, so the output fits too."""
        window = self.loaded.window
        return min(self._max_input_tokens or window // 2, window - 8)

    @property
    def decoding(self) -> Decoding:
        """The decoding settings, shared by every engine, with this model's forced first token."""
        return replace(self.generation, target_start_token=self.loaded.target_start_token(self.target_language))

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
        window = loaded.window
        done = 0
        for batch in self.batches(encoded):
            sources = [encoded[i] for i in batch]
            decoding = self.decoding
            caps = [decoding.cap(len(ids), window) for ids in sources]
            for i, hypothesis in zip(batch, self.engine.generate(sources, caps, decoding), strict=True):
                results[todo[i]] = hypothesis
                self.cache.put(self._cache_key(todo[i]), hypothesis)
            done += len(batch)
            if progress:
                progress(done, len(todo))

    def batches(self, encoded: Sequence[list[int]]) -> Iterator[list[int]]:
        """The indices of ``encoded`` (token ids) in the batches this translator generates them in: longest
        first, each batch's padded tokens within the token budget."""
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]), reverse=True)
        batch: list[int] = []
        for index in order:
            width = max(len(encoded[batch[0]]), len(encoded[index])) if batch else len(encoded[index])
            if batch and (width * (len(batch) + 1) > self.batch_tokens or len(batch) >= self.max_batch_size):
                yield batch
                batch = []
            batch.append(index)
        if batch:
            yield batch

    def alternatives(self, pieces: Sequence[str], count: int = 3) -> list[tuple[Segment, ...]]:
        """For each sentence piece, up to ``count`` distinct candidate translations from one beam search
        (its n-best list, best first; beams widened to ``count`` when fewer), each with its glossary
        corrections, checks and flags. A piece with nothing to translate has one candidate: itself."""
        if count < 1:
            raise TranslateError("The number of alternatives must be 1 or more.")
        n_best = self.with_decoding(beams=max(self.generation.beams, count), num_hypotheses=count)
        found = []
        for piece, best in zip(pieces, n_best.translate_pieces(pieces), strict=True):
            candidates: dict[str, Segment] = {}
            for hypothesis in (best, *best.alternatives):
                candidate = self._segment(piece, 0, hypothesis)
                candidates.setdefault(candidate.target, candidate)
            found.append(tuple(candidates.values())[:count])
        return found

    def _segment(self, piece: str, paragraph: int, hyp: Hypothesis) -> Segment:
        """The segment of ``piece`` translated as ``hyp``: glossary forms put in, then checked."""
        target, missing, house = hyp.text, None, {}
        if self.glossary is not None and self._translatable(piece):
            target, missing, house = self.glossary.applied(piece, target)
        details = check(piece, target, truncated=hyp.truncated, score=hyp.score,
                        min_score=self.min_score) if self._translatable(piece) else {}
        if missing:
            details[GLOSSARY] = missing
        return Segment(piece, target, paragraph, round(hyp.score, 4), tuple(details), details, house)

    def _document(self, item: Layout, hypotheses: Sequence[Hypothesis]) -> Translation:
        segments = [self._segment(piece, paragraph, hyp)
                    for (paragraph, piece), hyp in zip(item.flat(), hypotheses, strict=True)]
        return Translation(item.assemble([s.target for s in segments]), tuple(segments))
