"""Which language a text is in: Arabic, or another language written in the Arabic script
(Persian, Urdu, Pashto, Kurdish, ...) that an Arabic model would translate badly.

The identifier is py3langid's naive Bayes model, shipped inside its package (nothing is
downloaded). It is loaded on first use, once per process, and only a sample of a long text
is read, so checking an article costs a few milliseconds.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

# The model's labels that are one language for a reader of the news: Arabic dialects (Moroccan,
# Egyptian) are Arabic; Southern and Central Kurdish are Kurdish; Southern Uzbek is Uzbek.
_ALIASES = {"ary": "ar", "arz": "ar", "sdh": "ku", "uzs": "uz"}
# The model's languages written in the Arabic script: a text in that script is judged among these.
_ARABIC_SCRIPT = ("ar", "ary", "arz", "fa", "ur", "ps", "ku", "sdh", "ug", "uzs")
NAMES = {"ar": "Arabic", "fa": "Persian", "ur": "Urdu", "ps": "Pashto", "ku": "Kurdish", "ug": "Uyghur",
         "uz": "Uzbek", "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
         "pt": "Portuguese", "nl": "Dutch", "tr": "Turkish", "ru": "Russian", "he": "Hebrew", "el": "Greek",
         "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "hi": "Hindi", "id": "Indonesian", "ms": "Malay",
         "sw": "Swahili", "am": "Amharic", "so": "Somali", "ha": "Hausa", "uk": "Ukrainian", "pl": "Polish"}

_SCRIPT_LETTER = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9]")
_NOT_SCRIPT = re.compile(r"[^\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\s]+")
_PARAGRAPHS = re.compile(r"\n\s*")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")

SAMPLE_PARAGRAPHS = 40  # at most this many paragraphs are read, spread over the text ...
SAMPLE_CHARS = 1_000  # ... and at most this many characters of each
MIN_LETTERS = 12  # a paragraph with fewer Arabic-script letters is too short to judge
MIN_CONFIDENCE = 0.9  # a paragraph is another language only when the model is this sure it is not Arabic
# A paragraph is kept as written (not translated) when it is clearly another language than the source:
KEEP_MIN_LETTERS = 30  # it has this many letters at least (a byline or a name alone is never judged) ...
KEEP_MAX_SOURCE_SCRIPT = 0.1  # ... at most this share of them in the source's script (Arabic, or Latin) ...
KEEP_MIN_CONFIDENCE = 0.8  # ... and the identifier is this sure of another language

_lock = threading.Lock()
_model: Any = None


def _identifier() -> Any:
    """The language model, loaded once (about half a second) on first use."""
    global _model
    with _lock:
        if _model is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _model


def _ranked(text: str, among: tuple[str, ...] | None = None) -> list[tuple[str, float]]:
    """Languages by probability (aliases merged), best first; ``among`` restricts the candidates."""
    scores: dict[str, float] = defaultdict(float)
    for label, probability in _identifier().rank(text):
        if among is None or label in among:
            scores[_ALIASES.get(label, label)] += probability
    total = sum(scores.values())
    if total <= 0:
        return []
    return sorted(((label, p / total) for label, p in scores.items()), key=lambda item: -item[1])


def _sample(text: str) -> list[tuple[int, str]]:
    """Paragraphs worth judging (1-based number, first characters), spread evenly over the text."""
    paragraphs = [(n, p) for n, p in enumerate((p for p in _PARAGRAPHS.split(text) if p.strip()), start=1)]
    if len(paragraphs) > SAMPLE_PARAGRAPHS:
        step = len(paragraphs) / SAMPLE_PARAGRAPHS
        paragraphs = [paragraphs[int(i * step)] for i in range(SAMPLE_PARAGRAPHS)]
    return [(n, p[:SAMPLE_CHARS]) for n, p in paragraphs]


def identify(text: str) -> tuple[str, int]:
    """The most likely language of ``text`` (ISO 639-1 code where there is one) and the model's
    confidence from 0 to 100; ``("und", 0)`` when the text has no letters to judge."""
    sample = "\n".join(p for _, p in _sample(text))
    if not any(character.isalpha() for character in sample):
        return "und", 0
    among = _ARABIC_SCRIPT if _script_share(sample) >= 0.5 else None
    ranked = _ranked(sample, among)
    if not ranked:
        return "und", 0
    language, probability = ranked[0]
    return language, round(100 * probability)


def identify_among(text: str, languages: Collection[str]) -> tuple[str, float] | None:
    """The most likely of ``languages`` (codes) for ``text`` and the model's probability for it, 0 to 100,
    not spread over ``languages`` alone: Persian offered only Arabic and English comes back as Arabic with a
    low confidence. None when the text has no letters to judge or none of ``languages`` is possible."""
    sample = "\n".join(p for _, p in _sample(text))
    if not any(character.isalpha() for character in sample):
        return None
    among = _ARABIC_SCRIPT if _script_share(sample) >= 0.5 else None
    ranked = [(code, p) for code, p in _ranked(sample, among) if code in languages]
    if not ranked and among is not None:
        ranked = [(code, p) for code, p in _ranked(sample) if code in languages]
    if not ranked:
        return None
    language, probability = ranked[0]
    return language, round(100 * probability, 2)


def _script_share(text: str) -> float:
    letters = sum(1 for character in text if character.isalpha())
    return len(_SCRIPT_LETTER.findall(text)) / letters if letters else 0.0


def _paragraph_languages(text: str) -> list[tuple[int, str, int, str]]:
    """(paragraph number, language, Arabic-script letters, paragraph) for each judged paragraph; a
    paragraph counts as another language than Arabic only when the model is sure it is not Arabic,
    and then as the likeliest of the others."""
    judged = []
    for number, paragraph in _sample(text):
        script = _NOT_SCRIPT.sub(" ", paragraph)  # names and numbers in Latin script say nothing here
        letters = len(_SCRIPT_LETTER.findall(script))
        if letters < MIN_LETTERS:
            continue
        ranked = dict(_ranked(script, _ARABIC_SCRIPT))
        others = [(p, language) for language, p in ranked.items() if language != "ar"]
        language = "ar"
        if others and 1.0 - ranked.get("ar", 0.0) >= MIN_CONFIDENCE:
            language = max(others)[1]
        judged.append((number, language, letters, paragraph))
    return judged


def kept_language(paragraph: str, source: str = "ar") -> str | None:
    """The language of ``paragraph`` when it is clearly another language than ``source`` (the
    translator's source language), so that it is kept as written rather than sent to the model; None
    when it is ``source``, too short to judge or not clearly anything. For an Arabic source the paragraph
    must be written almost wholly outside the Arabic script: Latin names, acronyms and short quotes in an
    Arabic paragraph keep it Arabic, and Persian or Urdu paragraphs are warned about by :func:`assess`,
    not kept. For an English source (translate-back) the rule is the mirror: the paragraph must be written
    almost wholly outside the Latin script (an Arabic quote), so that a garbled English sentence that the
    identifier takes for another Latin-script language is still translated."""
    sample = paragraph[:SAMPLE_CHARS]
    letters = sum(1 for character in sample if character.isalpha())
    if letters < KEEP_MIN_LETTERS:
        return None
    share = _script_share(sample)
    own = share if source == "ar" else len(_LATIN_LETTER.findall(sample)) / letters
    if own > KEEP_MAX_SOURCE_SCRIPT:
        return None
    ranked = _ranked(sample, _ARABIC_SCRIPT if share >= 0.5 else None)
    if not ranked:
        return None
    language, probability = ranked[0]
    return language if language != source and probability >= KEEP_MIN_CONFIDENCE else None


def name(language: str) -> str:
    """The English name of a language code (the code itself when it has no name here)."""
    return NAMES.get(language, language)


@dataclass(frozen=True)
class Assessment:
    """What the language check found: a refusal, or the paragraphs in another language."""

    problem: str | None  # the refusal message when most of the text is another language
    foreign: tuple[tuple[int, str, str], ...]  # (paragraph number, language code, paragraph) otherwise

    def warnings(self) -> list[str]:
        """One warning per other language found, naming its paragraphs."""
        by_language: dict[str, list[int]] = defaultdict(list)
        for number, language, _ in self.foreign:
            by_language[language].append(number)
        warnings = []
        for language, numbers in by_language.items():
            which = "paragraph" if len(numbers) == 1 else "paragraphs"
            listed = ", ".join(str(n) for n in numbers)
            warnings.append(f"Part of the text looks like {name(language)} ({which} {listed}), not Arabic; "
                            "it is translated as if it were Arabic.")
        return warnings


@functools.lru_cache(maxsize=16)
def assess(text: str) -> Assessment:
    """Judge ``text`` paragraph by paragraph (a sample of a long text): refuse it when most of its
    Arabic-script letters are clearly another language, else list the paragraphs that are. Cached:
    the app checks an article before translating it, then warns about its mixed paragraphs."""
    judged = _paragraph_languages(text)
    total = sum(letters for _, _, letters, _ in judged)
    shares: dict[str, float] = defaultdict(float)
    for _, language, letters, _ in judged:
        shares[language] += letters / total
    other, share = max(((lang, s) for lang, s in shares.items() if lang != "ar"), key=lambda item: item[1],
                       default=("ar", 0.0))
    if other != "ar" and share > shares.get("ar", 0.0):
        return Assessment(f"The text looks like {name(other)}, not Arabic: this tool translates Arabic into "
                          f"English, and an Arabic model would translate {name(other)} badly.", ())
    return Assessment(None, tuple((n, lang, p) for n, lang, _, p in judged if lang != "ar"))


def language_problem(text: str) -> str | None:
    """A message refusing ``text`` when most of its Arabic-script text is clearly another
    language than Arabic (e.g. "The text looks like Persian, not Arabic ..."), else None."""
    return assess(text).problem


def language_warnings(text: str) -> list[str]:
    """Warnings for mixed text: one per other language found in some paragraphs, naming them.

    Text that :func:`language_problem` refuses gets no warnings (the refusal says it all).
    """
    return assess(text).warnings()
