"""Summarizer: an article (Arabic and its English translation) in, a BilingualSummary out."""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from summarize.support import Aligner, SentenceSupport, central, sentences_of, support_summary
from translate.config import ARABIC_MODEL_PRESETS, SUMMARY_PRESETS, SUMMARY_STRATEGIES, RunConfig, threads_for
from translate.engines import Decoding, Engine, Generating
from translate.errors import TranslateError
from translate.glossary import Glossary, as_glossary
from translate.loading import load_model
from translate.models import LoadedModel, resolve_device, resolve_model
from translate.numbers import numbers
from translate.text import arabic_share, normalize, split_paragraphs, split_sentences
from translate.translator import Translator

PRESETS = SUMMARY_PRESETS
STRATEGIES = SUMMARY_STRATEGIES
_SETTING_NAMES = {"model": "summary_model", "strategy": "summary_strategy", "engine": "summary_engine"}


@dataclass(frozen=True)
class BilingualSummary:
    """A short summary in both languages, with fidelity flags and what part of the article it covers."""

    english: str
    arabic: str
    flags: tuple[str, ...]  # e.g. ("english:numbers", "arabic:script", "english:truncated")
    strategy: str
    coverage: str  # "whole article", "lead: first 12 of 30 sentences" or "chunks: 3 parts"
    # each summary sentence with the article sentences behind it (numbered from 1 as the review table's rows)
    english_sentences: tuple[SentenceSupport, ...] = field(default_factory=tuple)
    arabic_sentences: tuple[SentenceSupport, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Generation:
    """How summaries are generated."""

    max_new_tokens: int = 84
    beams: int = 4
    no_repeat_ngram_size: int = 3
    length_penalty: float = 1.0
    max_sentences: int = 3
    exact_length: bool = False  # benchmarks: every summary runs to max_new_tokens, so all engines do equal work
    # CTranslate2's beam search stops once beams × patience hypotheses are finished, and counts some that
    # transformers' does not, so at 1 it can stop sooner and keep a summary cut short; 2 searches about as long.
    patience: int = 2

    @classmethod
    def from_config(cls, config: RunConfig) -> Generation:
        """The generation settings a run configuration gives."""
        return cls(max_new_tokens=config.max_tokens, beams=config.summary_beams, max_sentences=config.sentences)

    def decoding(self, loaded: LoadedModel) -> Decoding:
        """These settings as the generation stack's :class:`Decoding` for ``loaded``: its forced first token
        (BART's ``<s>``) and its own shortest output, so that both engines write what transformers writes."""
        forced = getattr(loaded.config, "forced_bos_token_id", None)
        return Decoding(self.beams, self.no_repeat_ngram_size,
                        loaded.tokenizer.convert_ids_to_tokens(forced) if forced is not None else None,
                        exact_length=self.exact_length, length_penalty=self.length_penalty, patience=self.patience,
                        min_length=_min_new_tokens(loaded), max_new_tokens=self.max_new_tokens)


class Summarizer(Generating):
    """Writes 1–3 sentence summaries in English and Arabic.

    ``native`` (default): one multilingual model summarises each language's text.
    ``translate-back``: an English model summarises the translation, then an en→ar model
    translates that summary into Arabic.
    ``extractive``: no model; the article's most central sentences (TextRank over the overlap graph of
    :mod:`summarize.support`), their English translations and their Arabic originals.

    Every summary sentence carries the article sentences behind it and its checks
    (:mod:`summarize.support`).

    Its settings come worked out in a :class:`~translate.config.RunConfig` (``summary_model``, ``summary_strategy``,
    ``summary_engine``, ``arabic_model``, ``long_input``, ``max_tokens``, ``summary_beams``, ``sentences``,
    ``device`` ...); without one, they are worked out once here by ``RunConfig.resolved`` from ``settings``
    (``strategy`` and ``engine`` stand for ``summary_strategy`` and ``summary_engine``), the ``KHABAR_*``
    environment and the defaults. With the ``ctranslate2`` engine every model of the strategy runs converted
    (int8 on CPU), and the torch weights are never loaded. ``generation`` replaces the generation settings;
    ``interactive`` marks the app and HTTP API, whose threads differ (:func:`translate.config.threads_for`):
    there the two ``native`` summaries, one batch, run side by side.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        config: RunConfig | None = None,
        glossary: Glossary | str | Path | None = None,
        generation: Generation | None = None,
        min_words: int = 30,
        interactive: bool = False,
        arabic_translator: Translator | None = None,
        **settings: Any,
    ) -> None:
        settings = {_SETTING_NAMES.get(name, name): value for name, value in settings.items()}
        config = config.replace(**settings) if config is not None else RunConfig.resolved(**settings)
        self.glossary = as_glossary(glossary if glossary is not None else config.glossary)
        self.config = config
        self.strategy = config.summary_strategy
        default = "default" if self.strategy == "native" else "english"
        self.model_name = resolve_model(model or config.summary_model or default, presets=PRESETS,
                                        option="summary_model")
        self.arabic_model = config.arabic_model
        self.device = resolve_device(config.device)
        self.generation = generation or Generation.from_config(config)
        self.long_input = config.long_input
        self.min_words = min_words
        self.engine_name = config.effective_summary_engine
        self.compute_type, self.dtype = config.compute_type, config.dtype
        # CTranslate2 batches at once: the native pair, a long article's chunks
        self.threads, self.inter_threads = threads_for(config, interactive=interactive)
        self._back_translator: Translator | None = arabic_translator  # None: built from arabic_model on first use
        self._engine: Engine | None = None

    @classmethod
    def from_config(cls, config: RunConfig, *, interactive: bool = False) -> Summarizer:
        """The summariser a run configuration describes."""
        return cls(config=config, interactive=interactive)

    def with_glossary(self, glossary: Glossary | str | Path | None) -> Summarizer:
        """This summariser with another glossary (or none), sharing its models: a shallow copy, made
        once the models built on first use (the CTranslate2 translator, translate-back's en→ar
        translator) are built, so that no copy builds its own."""
        if self.strategy == "translate-back":
            self.back_translator  # noqa: B018 - property that builds it
        if self.strategy != "extractive":
            self.engine  # noqa: B018 - property that builds it
        twin = copy.copy(self)
        twin.glossary = as_glossary(glossary)
        return twin

    def signature(self) -> dict:
        """What decides this summariser's output: strategy, models and revisions, generation settings."""
        glossary = self.glossary.digest if self.glossary is not None else None
        if self.strategy == "extractive":
            return {"strategy": self.strategy, "model": None, "generation": {"max_sentences":
                    self.generation.max_sentences}, "glossary": glossary}
        arabic = None
        if self.strategy == "translate-back":
            back = self.back_translator
            arabic = {"model": back.model_name, "revision": back.loaded.revision, "engine": back.engine_name,
                      **back.precision()}
        return {"strategy": self.strategy, "model": self.model_name, "revision": self.loaded.revision,
                "arabic_model": arabic, "engine": self.engine_name, **self.precision(),
                "generation": asdict(self.generation), "long_input": self.long_input,
                "glossary": glossary}

    @property
    def uses_model(self) -> bool:
        """Whether this summariser generates with a model (the ``extractive`` strategy does not)."""
        return self.strategy != "extractive"

    @property
    def loaded(self) -> LoadedModel:
        """The summarisation model (loaded on first use, once per process)."""
        return load_model(self.model_name, self.device, self.dtype, option="summary_model")

    @property
    def back_translator(self) -> Translator:
        """The en→ar translator of the ``translate-back`` strategy: the summaries' engine and threads."""
        if self._back_translator is None:
            name = resolve_model(self.arabic_model, presets=ARABIC_MODEL_PRESETS, option="arabic_model")
            config = self.config.replace(engine=self.engine_name, inter_threads=self.inter_threads, glossary=None)
            self._back_translator = Translator(name, config=config, languages=("en", "ar"), option="arabic_model")
        return self._back_translator

    @property
    def compute_notice(self) -> str | None:
        """The int8 guard's warnings for the summariser and translate-back's en→ar model (None: none)."""
        back = self._back_translator.compute_notice if self._back_translator is not None else None
        found = [notice for notice in (getattr(self._engine, "notice", None), back) if notice]
        return " ".join(found) or None

    @property
    def generated_tokens(self) -> int:
        """Tokens in every raw summary so far (end tokens included)."""
        return self._engine.generated_tokens if self._engine is not None else 0

    def summarize(self, *, arabic: str, english: str,
                  sentences: Sequence[tuple[str, str]] | None = None) -> BilingualSummary:
        """Summarise an article given in Arabic and in its English translation. ``sentences`` are its
        (Arabic, English) sentence pairs as translated (the review table's rows): summary sentences cite
        them by number. Without them each language's text is split into sentences on its own."""
        words = len(normalize(arabic).split())
        if words < self.min_words:
            raise TranslateError(
                f"The article is too short to summarise ({words} words; at least {self.min_words} are needed)."
            )
        if sentences is not None:
            arabic_sentences, english_sentences = [a for a, _ in sentences], [e for _, e in sentences]
        else:
            arabic_sentences, english_sentences = sentences_of(arabic), sentences_of(english)
        terms = self.glossary.find(arabic) if self.glossary is not None else []
        truncated: list[str] = []
        if self.strategy == "extractive":
            english_summary, arabic_summary = self._extract(arabic_sentences, english_sentences, terms)
            coverage = "whole article"
        else:
            texts = [english, arabic] if self.strategy == "native" else [english]
            summaries = self._summarise(texts)  # native: both languages in the same batches
            (english_summary, english_cut), coverage = summaries[0]
            truncated += ["english:truncated"] if english_cut else []
            if self.strategy == "native":
                (arabic_summary, arabic_cut), _ = summaries[1]
                truncated += ["arabic:truncated"] if arabic_cut else []
        english_summary = self.glossary.correct(terms, english_summary) if terms else english_summary
        if self.strategy == "translate-back":
            arabic_summary = self.back_translator.translate(english_summary).text
        flags = summary_flags(english_summary, arabic_summary, sources=(arabic, english)) + tuple(truncated)
        if self.glossary is not None:
            arabic_summary, missing = self.glossary.check_summary(terms, english_summary, arabic_summary)
            flags += ("english:glossary",) if missing else ()
        supported = {language: support_summary(text, article, language[:2], glossary=self.glossary, named=terms)
                     for language, text, article in (("english", english_summary, english_sentences),
                                                     ("arabic", arabic_summary, arabic_sentences))}
        flags += tuple(f"{language}:{flag}" for language, found in supported.items()
                       for sentence in found for flag in sentence.flags)
        return BilingualSummary(english_summary, arabic_summary, tuple(dict.fromkeys(flags)), self.strategy,
                                coverage, supported["english"], supported["arabic"])

    def _extract(self, arabic: Sequence[str], english: Sequence[str], terms: Sequence) -> tuple[str, str]:
        """The extractive summaries: the most central sentences, in article order, in both languages (each
        language chosen on its own when the two are not sentence by sentence)."""
        limit = self.generation.max_sentences
        english_side = Aligner(english, "en", glossary=self.glossary, named=terms)
        arabic_side = Aligner(arabic, "ar", glossary=self.glossary, named=terms)
        if len(arabic) == len(english):
            chosen = central([english_side, arabic_side], limit)
            return " ".join(english[i] for i in chosen), " ".join(arabic[i] for i in chosen)
        return (" ".join(english[i] for i in central([english_side], limit)),
                " ".join(arabic[i] for i in central([arabic_side], limit)))

    def _summarise(self, texts: Sequence[str]) -> list[tuple[tuple[str, bool], str]]:
        """For each text, its summary (and whether it hit the token cap) and the part of it the summary
        covers. Every text's first pass is one batch, and so is every chunked text's combining pass."""
        budget = self.loaded.window - 2
        plans = []  # (inputs of the first pass, coverage, whether the partial summaries are combined)
        for text in texts:
            sentences = [s for p in split_paragraphs(normalize(text))[0] for s in split_sentences(p)]
            chunks = _chunks(sentences, self.loaded.count_tokens, budget)
            if len(chunks) == 1 and len(chunks[0]) == len(sentences):
                plans.append(([" ".join(sentences)], "whole article", False))
            elif self.long_input == "lead":
                plans.append(([" ".join(chunks[0])], f"lead: first {len(chunks[0])} of {len(sentences)} sentences",
                              False))
            else:
                plans.append(([" ".join(chunk) for chunk in chunks],
                              f"chunks: {len(chunks)} parts summarised, then combined", True))
        first = iter(self._generate([piece for inputs, _, _ in plans for piece in inputs]))
        passes = [[next(first) for _ in inputs] for inputs, _, _ in plans]
        combining = [i for i, (_, _, combine) in enumerate(plans) if combine]
        combined = iter(self._generate([
            " ".join(_chunks([summary for summary, _ in passes[i]], self.loaded.count_tokens, budget)[0])
            for i in combining]))
        return [(next(combined) if combine else passes[i][0], coverage)
                for i, (_, coverage, combine) in enumerate(plans)]

    def _generate(self, texts: Sequence[str]) -> list[tuple[str, bool]]:
        """Summaries of ``texts`` (first sentences kept), each with whether it hit the token cap: one batch."""
        if not texts:
            return []
        loaded = self.loaded
        decoding = self.generation.decoding(loaded)
        sources = loaded.tokenizer(list(texts))["input_ids"]
        caps = [decoding.cap(len(ids), loaded.window) for ids in sources]
        hypotheses = self.engine.generate(sources, caps, decoding, scores=False)
        return [(_first_sentences(normalize(h.text), self.generation.max_sentences), h.truncated) for h in hypotheses]


@functools.cache
def _min_new_tokens(loaded: LoadedModel) -> int:
    """The shortest output the model's generation settings allow (transformers' ``min_length``
    counts the decoder start token), read without loading the weights."""
    from transformers import GenerationConfig

    try:
        config = GenerationConfig.from_pretrained(loaded.name, local_files_only=True)
    except OSError:  # no generation_config.json: the model configuration's values apply
        config = GenerationConfig.from_model_config(loaded.config)
    return max((config.min_length or 0) - 1, config.min_new_tokens or 0, 0)


def _chunks(sentences: Sequence[str], count_tokens, budget: int) -> list[list[str]]:
    """Consecutive sentences grouped so that each group fits ``budget`` tokens (a sentence too
    long on its own is cut at words: the summariser reads its beginning)."""
    groups: list[list[str]] = [[]]
    used = 0
    for sentence in sentences:
        size = count_tokens(sentence) + 1
        if size > budget:
            words = sentence.split()
            sentence = " ".join(words[: max(1, len(words) * budget // size)])
            size = budget
        if groups[-1] and used + size > budget:
            groups.append([])
            used = 0
        groups[-1].append(sentence)
        used += size
    return groups


def _first_sentences(summary: str, limit: int) -> str:
    sentences = [s for p in split_paragraphs(summary)[0] for s in split_sentences(p)]
    return " ".join(sentences[:limit])


def summary_flags(english: str, arabic: str, *, sources: Sequence[str]) -> tuple[str, ...]:
    """``<language>:numbers`` for a number found in no source, ``<language>:script`` for a summary
    in the wrong script, ``<language>:empty`` for an empty one."""
    known = set().union(*(numbers(source) for source in sources))
    flags = []
    for language, summary in (("english", english), ("arabic", arabic)):
        if not summary.strip():
            flags.append(f"{language}:empty")
            continue
        if numbers(summary) - known:
            flags.append(f"{language}:numbers")
        share = arabic_share(summary)
        if (language == "english" and share > 0.5) or (language == "arabic" and share < 0.5):
            flags.append(f"{language}:script")
    return tuple(flags)
