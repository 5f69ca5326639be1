"""The Translator: documents in, translated documents with per-sentence scores and flags out."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from translate.cache import LRUCache
from translate.checks import KEPT_DETAIL, NOT_ARABIC, check
from translate.config import MIN_SCORE, RunConfig, digest, threads_for
from translate.engines import Decoding, Engine, Generating, Hypothesis
from translate.errors import TranslateError
from translate.glossary import GLOSSARY, Glossary, as_glossary
from translate.language import kept_language, name
from translate.loading import load_model
from translate.models import LoadedModel, resolve_device, resolve_model, set_threads
from translate.native import choose_engine
from translate.progress import Progress
from translate.recall import MemoryUse, mark
from translate.text import LATIN_LETTER, Layout, has_arabic, layout

NO_REPEAT_NGRAM_SIZE = 4  # no 4-gram twice in one translation
MAX_BATCH_SIZE = 64  # sentences in one generation batch, whatever the token budget allows
MAX_PADDING = 0.5  # the most of a batch's tokens that may be padding before a new batch begins
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
    memory: dict[str, Any] | None = None  # the English came from the translation memory: origin, editor, when


@dataclass(frozen=True)
class Remembered(Hypothesis):
    """A translation found in the translation memory (``memory``: its origin, editor and when)."""

    memory: dict[str, Any] = field(default_factory=dict)


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
    (``model``, or ``arabic_model`` for translate-back), named in load errors. ``memory`` is the open
    translation memory (:func:`translate.recall.open_run_memory`), or None: the front ends open it; a
    library caller passes one to use it.
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
        memory: MemoryUse | None = None,
        **settings: Any,
    ) -> None:
        config = config.replace(**settings) if config is not None else RunConfig.resolved(**settings)
        # first: a bad glossary fails before any model is looked at
        self.glossary = as_glossary(glossary if glossary is not None else config.glossary)
        self.config = config
        self.option = option  # the setting that chose the model, named in load errors
        self.model_name = resolve_model(model or config.model, option=option)
        self.device = resolve_device(config.device)
        # a native CTranslate2 model picks that engine when none was chosen (engine_reason says so)
        self.engine_name, self.engine_reason = choose_engine(self.model_name, config.engine, config.engine_given)
        intra, self.inter_threads = threads_for(config, interactive=interactive)  # inter: not in the signature
        self.threads = set_threads(intra)
        self.batch_tokens = config.batch_tokens
        self.max_batch_size = MAX_BATCH_SIZE
        self.max_padding = MAX_PADDING
        self._max_input_tokens = max_input_tokens
        self.strip_diacritics = not config.keep_diacritics
        self.min_score = MIN_SCORE
        self.compute_type, self.dtype = config.compute_type, config.dtype
        self.generation = decoding or Decoding(config.beams, NO_REPEAT_NGRAM_SIZE)
        self.source_language, self.target_language = languages
        self.cache: LRUCache[Hypothesis] = LRUCache(cache_size)
        self._engine: Engine | None = None
        self.memory = memory

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
            **({"engine_reason": self.engine_reason} if self.engine_reason else {}),
            **self.precision(),
            "languages": f"{self.source_language}-{self.target_language}",
            "decoding": {"beams": decoding.beams, "no_repeat_ngram_size": decoding.no_repeat_ngram_size,
                         "length": [decoding.length_ratio, decoding.length_extra]},
            "keep_diacritics": not self.strip_diacritics,
            "min_score": self.min_score,
            "glossary": self.glossary.digest if self.glossary is not None else None,
        }

    def memory_signature(self) -> str:
        """What the memory's machine entries are kept under: :meth:`signature` without the glossary (the
        terms of each sentence stand for it), as a short digest."""
        return digest({k: v for k, v in self.signature().items() if k != "glossary"})

    def terms(self, piece: str) -> dict[str, str]:
        """The glossary terms in ``piece``: each entry's first Arabic spelling and its English house form."""
        if self.glossary is None:
            return {}
        return {entry.arabic[0]: entry.english for entry in self.glossary.find(piece)}

    @property
    def memory_notice(self) -> str | None:
        """A warning for the user when the translation memory failed during the run (else None)."""
        return self.memory.notice if self.memory is not None else None

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
        kept = [self.kept_paragraphs(item) for item in layouts]
        pieces = [piece for item, keep in zip(layouts, kept, strict=True)
                  for paragraph, piece in item.flat() if paragraph not in keep]
        hypotheses = iter(self.translate_pieces(pieces, progress=progress))
        return [self._document(item, hypotheses, keep) for item, keep in zip(layouts, kept, strict=True)]

    def translate_progressively(self, text: str, *, step_pieces: int = 16) -> Iterator[Translation]:
        """Yield the translation of ``text`` growing paragraph by paragraph, ending with the whole document.

        The first paragraphs (at least ``step_pieces`` pieces) are translated first, on their own, so they reach
        the reader soon; the rest go in the usual length-sorted, token-budgeted batches across paragraphs (as
        one call would batch them), and each yield adds the paragraphs whose every piece is then done."""
        whole = self.layout(text)
        if not whole.pieces:
            yield Translation("", ())
            return
        keep = self.kept_paragraphs(whole)  # paragraphs kept as written: nothing of theirs is generated
        wanted = [[] if index in keep else paragraph for index, paragraph in enumerate(whole.pieces)]
        first, size = 0, 0
        while first < len(wanted) and (size < step_pieces or first == 0):
            size += len(wanted[first])
            first += 1
        done: dict[str, Hypothesis] = {}
        head = [piece for paragraph in wanted[:first] for piece in paragraph]
        done.update(zip(head, self.translate_pieces(head), strict=True))
        shown = first
        yield self._first_paragraphs(whole, shown, wanted, done, keep)
        rest = list(dict.fromkeys(p for paragraph in wanted[first:] for p in paragraph if p not in done))
        for group in self._groups(rest):
            done.update(zip(group, self.translate_pieces(group), strict=True))
            ready = shown
            while ready < len(wanted) and all(p in done for p in wanted[ready]):
                ready += 1
            if ready > shown:
                shown = ready
                yield self._first_paragraphs(whole, shown, wanted, done, keep)
        if shown < len(wanted):  # the rest needed no generation (kept as written, or repeats of done pieces)
            yield self._first_paragraphs(whole, len(wanted), wanted, done, keep)

    def _first_paragraphs(self, whole: Layout, count: int, wanted: list[list[str]], done: dict[str, Hypothesis],
                          kept: dict[int, str]) -> Translation:
        """The translation of ``whole``'s first ``count`` paragraphs, from the ``done`` pieces ``wanted``."""
        hypotheses = iter([done[piece] for paragraph in wanted[:count] for piece in paragraph])
        return self._document(Layout(whole.pieces[:count], whole.separators[: count - 1]), hypotheses, kept)

    def _groups(self, pieces: list[str]) -> Iterator[list[str]]:
        """``pieces`` (distinct) in the groups one :meth:`translate_pieces` call would generate as one batch each:
        those with nothing to translate or already cached first, in one group, then the rest by :meth:`batches`."""
        ready = [p for p in pieces if not self._translatable(p) or self.cache.get(self._cache_key(p)) is not None]
        todo = [p for p in pieces if p not in set(ready)]
        if ready:
            yield ready
        if todo:
            loaded = self.loaded
            prefix = loaded.source_prefix(self.target_language)
            encoded = loaded.tokenizer([prefix + p for p in todo], add_special_tokens=True)["input_ids"]
            for batch in self.batches(encoded):
                yield [todo[i] for i in batch]

    def translate_pieces(self, pieces: Sequence[str], *, progress: Progress | None = None) -> list[Hypothesis]:
        """Translate sentence pieces: copies for pieces with nothing to translate, the translation memory's
        English (an editor's, else the model's from an earlier run), the cache for pieces seen before, and
        length-sorted, token-budgeted batches for the rest (written to the memory when it keeps machine
        translations)."""
        results: dict[str, Hypothesis] = {
            piece: Hypothesis(piece, 0.0, False) for piece in pieces if not self._translatable(piece)}
        results.update(self._remembered([piece for piece in dict.fromkeys(pieces) if piece not in results]))
        for piece in pieces:
            if piece not in results:
                cached = self.cache.get(self._cache_key(piece))
                if cached is not None:
                    results[piece] = cached
        todo = sorted({p for p in pieces if p not in results}, key=len, reverse=True)
        if todo:
            self._generate(todo, results, progress)
            self._remember(todo, results)
        elif progress:
            progress(len(pieces), len(pieces))
        return [results[piece] for piece in pieces]

    def _remembered(self, pieces: Sequence[str]) -> dict[str, Remembered]:
        """The memory's English of each of ``pieces`` that has one (an edited entry with the same terms, else
        a machine entry of this model and settings with the same terms). The memory keeps no score: 0.0."""
        if self.memory is None or not self.memory.working or not pieces:
            return {}
        found = self.memory.exact_many([(piece, self.terms(piece)) for piece in pieces],
                                       signature=self.memory_signature())
        return {piece: Remembered(entry.target, 0.0, False, memory=mark(entry)) for piece, entry in found.items()}

    def _remember(self, pieces: Sequence[str], results: dict[str, Hypothesis]) -> None:
        """Write the model's English of ``pieces`` to the memory, when it keeps machine translations: only
        those complete and confident (the memory keeps no score, so a reused one raises neither flag)."""
        if self.memory is None or not self.memory.write_machine or not self.memory.working:
            return
        kept = [(piece, results[piece].text, self.terms(piece)) for piece in pieces
                if not results[piece].truncated and results[piece].score >= self.min_score]
        self.memory.save_machine(kept, signature=self.memory_signature())

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
        first, each batch's padded tokens within the token budget, and a new batch begun where a piece would
        leave more than ``max_padding`` of the batch's tokens as padding (so short pieces do not wait for a long
        one; see :func:`padding_fraction`)."""
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]), reverse=True)
        batch: list[int] = []
        real = 0  # tokens of the pieces in the batch, padding left out
        for index in order:
            length = len(encoded[index])
            width = len(encoded[batch[0]]) if batch else length
            padded = width * (len(batch) + 1)
            if batch and (padded > self.batch_tokens or len(batch) >= self.max_batch_size
                          or 1 - (real + length) / padded > self.max_padding):
                yield batch
                batch, real = [], 0
            batch.append(index)
            real += length
        if batch:
            yield batch

    def alternatives(self, pieces: Sequence[str], count: int = 3) -> list[tuple[Segment, ...]]:
        """For each sentence piece, up to ``count`` distinct candidate translations from one beam search
        (its n-best list, best first; beams widened to ``count`` when fewer), each with its glossary
        corrections, checks and flags. A piece with nothing to translate has one candidate: itself."""
        if count < 1:
            raise TranslateError("The number of alternatives must be 1 or more.")
        n_best = self.with_decoding(beams=max(self.generation.beams, count), num_hypotheses=count)
        n_best.memory = None  # the model's own candidates; the memory's are offered beside them
        found = []
        for piece, best in zip(pieces, n_best.translate_pieces(pieces), strict=True):
            candidates: dict[str, Segment] = {}
            for hypothesis in (best, *best.alternatives):
                candidate = self._segment(piece, 0, hypothesis)
                candidates.setdefault(candidate.target, candidate)
            found.append(tuple(candidates.values())[:count])
        return found

    def kept_paragraphs(self, item: Layout) -> dict[int, str]:
        """The paragraphs of ``item`` that are clearly another language than the source (index → language
        code, see :func:`translate.language.kept_language`): kept as written, never sent to the model."""
        source = self.source_language
        found = {index: kept_language(" ".join(pieces), source) for index, pieces in enumerate(item.pieces)}
        return {index: language for index, language in found.items() if language is not None}

    def _kept(self, piece: str, paragraph: int, language: str) -> Segment:
        """The segment of ``piece`` in a paragraph of ``language`` kept as written, flagged as such."""
        return Segment(piece, piece, paragraph, 0.0, (NOT_ARABIC,), {NOT_ARABIC: KEPT_DETAIL.format(name(language))})

    def _segment(self, piece: str, paragraph: int, hyp: Hypothesis) -> Segment:
        """The segment of ``piece`` translated as ``hyp``: glossary forms put in, then checked. An editor's
        English from the memory is checked again as any edit is: its terms verified, never rewritten, and
        no confidence or length-cap flag."""
        if isinstance(hyp, Remembered) and hyp.memory.get("origin") == "edited":
            details = check(piece, hyp.text) if self._translatable(piece) else {}
            missing = self.glossary.missing(self.glossary.find(piece), hyp.text) if self.glossary else []
            if missing:
                details[GLOSSARY] = "; ".join(f"{entry.english} missing" for entry in missing)
            house = self.glossary.house_forms(piece, hyp.text) if self.glossary else {}
            return Segment(piece, hyp.text, paragraph, round(hyp.score, 4), tuple(details), details,
                           house_forms=house, memory=dict(hyp.memory))
        target, missing, house = hyp.text, None, {}
        if self.glossary is not None and self._translatable(piece):
            target, missing, house = self.glossary.applied(piece, target)
        details = check(piece, target, truncated=hyp.truncated, score=hyp.score,
                        min_score=self.min_score) if self._translatable(piece) else {}
        if missing:
            details[GLOSSARY] = missing
        remembered = dict(hyp.memory) if isinstance(hyp, Remembered) else None
        return Segment(piece, target, paragraph, round(hyp.score, 4), tuple(details), details,
                       house_forms=house, memory=remembered)

    def _document(self, item: Layout, hypotheses: Iterator[Hypothesis], kept: dict[int, str]) -> Translation:
        """The translation of ``item``: its pieces' ``hypotheses`` in order, except in ``kept`` paragraphs."""
        segments = [self._kept(piece, paragraph, kept[paragraph]) if paragraph in kept
                    else self._segment(piece, paragraph, next(hypotheses)) for paragraph, piece in item.flat()]
        return Translation(item.assemble([s.target for s in segments]), tuple(segments))


def padding_fraction(encoded: Sequence[list[int]], batches: Sequence[Sequence[int]]) -> float:
    """The share of the tokens in ``batches`` (indices into ``encoded``) that are padding: each batch is as wide
    as its longest piece."""
    padded = sum(max(len(encoded[i]) for i in batch) * len(batch) for batch in batches if batch)
    real = sum(len(encoded[i]) for batch in batches for i in batch)
    return 1 - real / padded if padded else 0.0
