"""Fidelity checks on a (source, translation) pair: each flag that applies, with a short detail
saying what is wrong.

The numbers, dates and converted checks compare the typed quantities :mod:`translate.numbers`
reads from each side (a restatement in another unit system or currency is ``converted``, a
note for the editor rather than an error); the others look at the translation itself (Arabic
left in, an implausible length, a loop), at how the translation ended and at the model's
confidence. The glossary flag is raised by
:mod:`translate.glossary`; it is listed here so that every flag has its place in
:data:`ALL_FLAGS`. :data:`NOT_ARABIC` marks a sentence kept as written, not translated, so it is
no check and stands apart.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from translate.config import MIN_SCORE
from translate.glossary import GLOSSARY
from translate.numbers import CONVERTED, DATES, NUMBERS, check_pair
from translate.script import ARABIC_LETTER, ARABIC_WORD
from translate.text import normalize

UNTRANSLATED = "untranslated"
LENGTH = "length"
REPETITION = "repetition"
TRUNCATED = "truncated"
LOW_CONFIDENCE = "low_confidence"
ALL_FLAGS = (NUMBERS, DATES, CONVERTED, UNTRANSLATED, LENGTH, REPETITION, TRUNCATED, LOW_CONFIDENCE, GLOSSARY)
# Not a check of a translation: the flag of a sentence whose paragraph is clearly another language than the
# source, kept as written and never sent to the model (see translate.language.kept_language).
NOT_ARABIC = "not_arabic"
KEPT_DETAIL = "{} paragraph, kept as written"  # the detail of NOT_ARABIC, with the language's name

_MIN_CHARS_FOR_LENGTH = 25
LENGTH_BOUNDS = (0.5, 3.0)  # English characters per Arabic character; news usually 1.0 - 1.6


def untranslated_words(source: str, target: str) -> str:
    """What of the source is left untranslated: the Arabic words in the translation, or a note
    that the translation repeats the source; empty when nothing is."""
    if not ARABIC_LETTER.search(source):
        return ""
    if normalize(target) == normalize(source):
        return "the English repeats the Arabic"
    words = list(dict.fromkeys(ARABIC_WORD.findall(target)))
    if not words:
        return ""
    shown = " ".join(words[:6]) + (" …" if len(words) > 6 else "")
    return f"Arabic left in: {shown}"


def length_off(source: str, target: str) -> bool:
    """The translation is implausibly short or long for the source (sources of 25+ characters)."""
    if len(source) < _MIN_CHARS_FOR_LENGTH:
        return False
    ratio = len(target) / len(source)
    return not LENGTH_BOUNDS[0] <= ratio <= LENGTH_BOUNDS[1]


_WORDS = re.compile(r"\w+")


def repeated_phrase(target: str) -> str:
    """The phrase a looping translation repeats: a word or phrase of up to 6 words three times in
    a row, or a phrase of 3+ words four times anywhere; empty when the text does not loop."""
    words = _WORDS.findall(target.lower())
    for size in range(1, 7):
        for start in range(len(words) - 3 * size + 1):
            gram = words[start : start + size]
            if gram == words[start + size : start + 2 * size] == words[start + 2 * size : start + 3 * size]:
                return " ".join(gram)
    for size in range(3, 7):
        counts = Counter(tuple(words[i : i + size]) for i in range(len(words) - size + 1))
        for gram, count in counts.items():
            if count >= 4:
                return " ".join(gram)
    return ""


def check(source: str, target: str, *, truncated: bool = False, score: float = 0.0,
          min_score: float = MIN_SCORE) -> dict[str, str]:
    """Every flag that applies to one translated piece, in :data:`ALL_FLAGS` order, each with a
    short detail saying what is wrong."""
    quantities = check_pair(source, target)
    found = {
        NUMBERS: quantities.get(NUMBERS, ""),
        DATES: quantities.get(DATES, ""),
        CONVERTED: quantities.get(CONVERTED, ""),
        UNTRANSLATED: untranslated_words(source, target),
        LENGTH: (f"English is {len(target) / max(1, len(source)):.1f}× the Arabic length"
                 if length_off(source, target) else ""),
        REPETITION: (f"repeats “{phrase}”" if (phrase := repeated_phrase(target)) else ""),
        TRUNCATED: "stopped at its length cap" if truncated else "",
        LOW_CONFIDENCE: f"confidence {confidence(score)}/100" if score < min_score else "",
    }
    return {name: detail for name, detail in found.items() if detail}


def flags_for(source: str, target: str, *, truncated: bool = False, score: float = 0.0,
              min_score: float = MIN_SCORE) -> tuple[str, ...]:
    """The names of the flags :func:`check` raises."""
    return tuple(check(source, target, truncated=truncated, score=score, min_score=min_score))


def confidence(score: float) -> int:
    """A 0–100 confidence figure from a mean token log-probability (the geometric-mean token probability)."""
    return max(0, min(100, round(100 * math.exp(score)))) if score > float("-inf") else 0


def kept_paragraphs(segments: Iterable[Any]) -> dict[int, str]:
    """The paragraphs (1-based) whose sentences were kept as written (:data:`NOT_ARABIC`), each with
    its language's name, from a translation's segments."""
    suffix = KEPT_DETAIL.format("")
    return {s.paragraph + 1: s.details.get(NOT_ARABIC, "").removesuffix(suffix).strip() or "another language"
            for s in segments if NOT_ARABIC in s.flags}


def kept_note(segments: Iterable[Any]) -> str:
    """The paragraphs kept as written, in words for a status line or report ("Kept as written, not
    translated: paragraph 3 (English); paragraphs 5, 6 (French)."); empty when there are none."""
    by_language: dict[str, list[int]] = defaultdict(list)
    for number, language in kept_paragraphs(segments).items():
        by_language[language].append(number)
    parts = [f"{'paragraph' if len(numbers) == 1 else 'paragraphs'} {', '.join(map(str, numbers))} ({language})"
             for language, numbers in by_language.items()]
    return f"Kept as written, not translated: {'; '.join(parts)}." if parts else ""
