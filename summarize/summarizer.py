"""Summarizer: an article (Arabic and its English translation) in, a BilingualSummary out."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from translate.config import ENGINES, LONG_INPUT, SUMMARY_STRATEGIES, RunConfig, threads_for
from translate.engines import ctranslate2_translator, split_batch
from translate.errors import TranslateError
from translate.glossary import Glossary, as_glossary
from translate.models import LoadedModel, generation_precision, load_model, resolve_device, resolve_model
from translate.numbers import numbers
from translate.settings import setting
from translate.text import arabic_share, normalize, split_paragraphs, split_sentences
from translate.translator import Translator

PRESETS: dict[str, str] = {
    "default": "csebuetnlp/mT5_multilingual_XLSum",
    "english": "sshleifer/distilbart-cnn-12-6",
}
ARABIC_MODEL_PRESETS: dict[str, str] = {"default": "Helsinki-NLP/opus-mt-tc-big-en-ar"}
STRATEGIES = SUMMARY_STRATEGIES


@dataclass(frozen=True)
class BilingualSummary:
    """A short summary in both languages, with fidelity flags and what part of the article it covers."""

    english: str
    arabic: str
    flags: tuple[str, ...]  # e.g. ("english:numbers", "arabic:script", "english:truncated")
    strategy: str
    coverage: str  # "whole article", "lead: first 12 of 30 sentences" or "chunks: 3 parts"


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


class Summarizer:
    """Writes 1–3 sentence summaries in English and Arabic.

    ``native`` (default): one multilingual model summarises each language's text.
    ``translate-back``: an English model summarises the translation, then an en→ar model
    translates that summary into Arabic.

    ``engine`` (argument > ``KHABAR_SUMMARY_ENGINE`` > ``KHABAR_ENGINE`` > transformers): with
    ``ctranslate2`` every model of the strategy runs converted (int8 on CPU), and the torch weights
    are never loaded.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        strategy: str | None = None,
        arabic_model: str | None = None,
        device: str | None = None,
        glossary: Glossary | str | Path | None = None,
        generation: Generation | None = None,
        long_input: str = "lead",
        min_words: int = 30,
        engine: str | None = None,
        compute_type: str | None = None,
        dtype: str | None = None,
        threads: int = 0,
        inter_threads: int = 1,
        arabic_translator: Translator | None = None,
    ) -> None:
        self.glossary = as_glossary(glossary)
        self.strategy = setting("summary_strategy", strategy, "native")
        if self.strategy not in STRATEGIES:
            raise TranslateError(f"Unknown summary strategy '{self.strategy}': use {' or '.join(STRATEGIES)}.")
        default = "default" if self.strategy == "native" else "english"
        self.model_name = resolve_model(model or setting("summary_model", None, default), presets=PRESETS)
        self.arabic_model = arabic_model
        self.device = resolve_device(device)
        self.generation = generation or Generation()
        if long_input not in LONG_INPUT:
            raise TranslateError(f"Unknown way to handle long articles '{long_input}': use lead or chunks.")
        self.long_input = long_input
        self.min_words = min_words
        self.engine_name = setting("summary_engine", engine, "") or setting("engine", None, "transformers")
        if self.engine_name not in ENGINES:
            raise TranslateError(f"Unknown summary engine '{self.engine_name}': use {' or '.join(ENGINES)}.")
        self.compute_type = compute_type
        self.dtype = dtype
        self.threads = threads
        self.inter_threads = inter_threads  # CTranslate2 batches at once: the native pair, a long article's chunks
        self.generated_tokens = 0  # tokens in every raw summary so far (end tokens included)
        self._back_translator: Translator | None = arabic_translator  # None: built from arabic_model on first use
        self._converted: tuple | None = None  # (CTranslate2 translator, shortest output), built on first use

    @classmethod
    def from_config(cls, config: RunConfig, *, interactive: bool = False) -> Summarizer:
        """The summariser a run configuration describes; ``interactive`` for the app and HTTP API, whose
        threads differ (:func:`translate.config.threads_for`): there the two ``native`` summaries, one
        batch, run side by side."""
        threads, inter_threads = threads_for(config, interactive=interactive)
        return cls(config.summary_model, strategy=config.summary_strategy, arabic_model=config.arabic_model,
                   device=config.device, long_input=config.long_input, glossary=config.glossary,
                   generation=Generation(max_new_tokens=config.max_tokens, beams=config.summary_beams,
                                         max_sentences=config.sentences),
                   engine=config.effective_summary_engine, compute_type=config.compute_type, dtype=config.dtype,
                   threads=threads, inter_threads=inter_threads)

    def with_glossary(self, glossary: Glossary | str | Path | None) -> Summarizer:
        """This summariser with another glossary (or none), sharing its models: a shallow copy, made
        once the models built on first use (the CTranslate2 translator, translate-back's en→ar
        translator) are built, so that no copy builds its own."""
        if self.strategy == "translate-back":
            self.back_translator  # noqa: B018 - property that builds it
        if self.engine_name == "ctranslate2":
            self._converted_model()
        twin = copy.copy(self)
        twin.glossary = as_glossary(glossary)
        return twin

    def signature(self) -> dict:
        """What decides this summariser's output: strategy, models and revisions, generation settings."""
        arabic = None
        if self.strategy == "translate-back":
            back = self.back_translator
            arabic = {"model": back.model_name, "revision": back.loaded.revision, "engine": back.engine_name,
                      "compute_type": back.effective_compute_type}
        return {"strategy": self.strategy, "model": self.model_name, "revision": self.loaded.revision,
                "arabic_model": arabic, "engine": self.engine_name, "compute_type": self.effective_compute_type,
                "generation": asdict(self.generation), "long_input": self.long_input,
                "glossary": self.glossary.digest if self.glossary is not None else None}

    @property
    def effective_compute_type(self) -> str:
        """The precision summaries run in: CTranslate2's quantization, or the weights' dtype."""
        return generation_precision(self.engine_name, self.device, self.loaded.config.model_type, self.compute_type,
                                    self.dtype)

    @property
    def loaded(self) -> LoadedModel:
        """The summarisation model (loaded on first use, once per process)."""
        return load_model(self.model_name, self.device, self.dtype)

    @property
    def back_translator(self) -> Translator:
        """The en→ar translator of the ``translate-back`` strategy."""
        if self._back_translator is None:
            name = resolve_model(self.arabic_model, env="arabic_model", presets=ARABIC_MODEL_PRESETS)
            self._back_translator = Translator(name, device=self.device, source_language="en", target_language="ar",
                                               engine=self.engine_name, compute_type=self.compute_type,
                                               dtype=self.dtype, threads=self.threads or None,
                                               inter_threads=self.inter_threads)
        return self._back_translator

    def summarize(self, *, arabic: str, english: str) -> BilingualSummary:
        """Summarise an article given in Arabic and in its English translation."""
        words = len(normalize(arabic).split())
        if words < self.min_words:
            raise TranslateError(
                f"The article is too short to summarise ({words} words; at least {self.min_words} are needed)."
            )
        texts = [english, arabic] if self.strategy == "native" else [english]
        summaries = self._summarise(texts)  # native: both languages in the same batches
        (english_summary, english_cut), coverage = summaries[0]
        terms = self.glossary.find(arabic) if self.glossary is not None else []
        english_summary = self.glossary.correct(terms, english_summary) if terms else english_summary
        truncated = ["english:truncated"] if english_cut else []
        if self.strategy == "native":
            (arabic_summary, arabic_cut), _ = summaries[1]
            truncated += ["arabic:truncated"] if arabic_cut else []
        else:
            arabic_summary = self.back_translator.translate(english_summary).text
        flags = summary_flags(english_summary, arabic_summary, sources=(arabic, english)) + tuple(truncated)
        if self.glossary is not None:
            arabic_summary, missing = self.glossary.check_summary(terms, english_summary, arabic_summary)
            flags += ("english:glossary",) if missing else ()
        return BilingualSummary(english_summary, arabic_summary, flags, self.strategy, coverage)

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
        """Summaries of ``texts`` (first sentences kept), each with whether it hit the token cap."""
        if not texts:
            return []
        tokenizer = self.loaded.tokenizer
        generate = self._generate_ctranslate2 if self.engine_name == "ctranslate2" else self._generate_torch
        outputs = generate(texts)
        eos = tokenizer.eos_token_id
        results = []
        for ids in outputs:
            end = ids.index(eos) + 1 if eos in ids else len(ids)
            self.generated_tokens += end
            summary = tokenizer.decode(ids[:end], skip_special_tokens=True)
            results.append((_first_sentences(normalize(summary), self.generation.max_sentences), eos not in ids))
        return results

    def _generate_torch(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids generated by transformers ``generate`` (the decoder start token left out)."""
        import torch

        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        settings = self.generation
        batch = tokenizer(list(texts), padding=True, return_tensors="pt").to(self.loaded.device)
        with torch.inference_mode():
            out = model.generate(
                **batch,
                num_beams=settings.beams,
                min_new_tokens=settings.max_new_tokens if settings.exact_length else None,
                max_new_tokens=settings.max_new_tokens,
                no_repeat_ngram_size=settings.no_repeat_ngram_size,
                length_penalty=settings.length_penalty,
                early_stopping=True,
                do_sample=False,
            )
        return [row[1:] for row in out.tolist()]

    def _converted_model(self) -> tuple:
        """The CTranslate2 translator over the converted model and the model's shortest output, built once."""
        if self._converted is None:
            self._converted = (ctranslate2_translator(self.loaded, self.effective_compute_type, threads=self.threads,
                                                      inter_threads=self.inter_threads), _min_new_tokens(self.loaded))
        return self._converted

    def _generate_ctranslate2(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids generated by CTranslate2 with the settings transformers would use: the same
        decoder start (from the converted config), forced first token, beams, n-gram guard, length
        penalty and length limits (the model's own minimum length included)."""
        loaded = self.loaded
        tokenizer, settings = loaded.tokenizer, self.generation
        translator, min_new_tokens = self._converted_model()
        forced = getattr(loaded.config, "forced_bos_token_id", None)
        prefix = [[tokenizer.convert_ids_to_tokens(forced)]] * len(texts) if forced is not None else None
        sources = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(list(texts))["input_ids"]]
        results = translator.translate_batch(
            sources,
            prefix,
            beam_size=settings.beams,
            min_decoding_length=settings.max_new_tokens if settings.exact_length else min_new_tokens,
            max_decoding_length=settings.max_new_tokens,
            max_input_length=0,
            no_repeat_ngram_size=settings.no_repeat_ngram_size,
            length_penalty=settings.length_penalty,
            patience=settings.patience,
            return_end_token=True,
            **split_batch(len(sources), self.inter_threads),
        )
        return [tokenizer.convert_tokens_to_ids(result.hypotheses[0]) for result in results]


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
