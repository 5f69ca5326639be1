"""Fidelity checks on a (source, translation) pair; each returns whether its flag applies."""

from __future__ import annotations

import re
from collections.abc import Iterable

from translate.config import MIN_SCORE
from translate.text import ARABIC_LETTER, normalize

NUMBERS = "numbers"
UNTRANSLATED = "untranslated"
LENGTH = "length"
REPETITION = "repetition"
TRUNCATED = "truncated"
LOW_CONFIDENCE = "low_confidence"
ALL_FLAGS = (NUMBERS, UNTRANSLATED, LENGTH, REPETITION, TRUNCATED, LOW_CONFIDENCE)

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3]{2,}")
_MIN_CHARS_FOR_LENGTH = 25
LENGTH_BOUNDS = (0.5, 3.0)  # English characters per Arabic character; news usually 1.0 - 1.6


def numbers(text: str) -> set[str]:
    """Numbers in ``text`` with Western digits, thousands separators removed: ``٣٬٥٠٠`` → ``3500``."""
    found = set()
    for match in _NUMBER.finditer(text.translate(_DIGITS)):
        value = match.group()
        if _THOUSANDS.match(value):
            value = value.replace(",", "")
        found.add(value.replace(",", ".").lstrip("0") or "0")
    return found


def numbers_differ(source: str, target: str) -> bool:
    """The numbers of the source and the translation are not the same set."""
    return numbers(source) != numbers(target)


def untranslated(source: str, target: str) -> bool:
    """Arabic words left in the translation, or a translation that just repeats the source."""
    if not ARABIC_LETTER.search(source):
        return False
    return bool(_ARABIC_WORD.search(target)) or normalize(target) == normalize(source)


def length_off(source: str, target: str) -> bool:
    """The translation is implausibly short or long for the source (sources of 25+ characters)."""
    if len(source) < _MIN_CHARS_FOR_LENGTH:
        return False
    ratio = len(target) / len(source)
    return not LENGTH_BOUNDS[0] <= ratio <= LENGTH_BOUNDS[1]


def repeats(target: str) -> bool:
    """The translation loops: a word or phrase of up to 6 words three times in a row, or a
    phrase of 3+ words four times anywhere."""
    words = re.findall(r"\w+", target.lower())
    for size in range(1, 7):
        for start in range(len(words) - 3 * size + 1):
            gram = words[start : start + size]
            if gram == words[start + size : start + 2 * size] == words[start + 2 * size : start + 3 * size]:
                return True
    for size in range(3, 7):
        grams = [tuple(words[i : i + size]) for i in range(len(words) - size + 1)]
        if any(grams.count(gram) >= 4 for gram in set(grams)):
            return True
    return False


def check(source: str, target: str, *, truncated: bool = False, score: float = 0.0,
          min_score: float = MIN_SCORE) -> dict[str, str]:
    """Every flag that applies to one translated piece, in :data:`ALL_FLAGS` order, each with a
    short detail saying what is wrong."""
    raised: Iterable[tuple[str, bool, str]] = (
        (NUMBERS, numbers_differ(source, target), "the numbers differ"),
        (UNTRANSLATED, untranslated(source, target), "Arabic left in the English"),
        (LENGTH, length_off(source, target), f"length ratio {len(target) / max(1, len(source)):.1f}"),
        (REPETITION, repeats(target), "the output repeats itself"),
        (TRUNCATED, truncated, "stopped at its length cap"),
        (LOW_CONFIDENCE, score < min_score, f"confidence {confidence(score)}/100"),
    )
    return {name: detail for name, applies, detail in raised if applies}


def flags_for(source: str, target: str, *, truncated: bool = False, score: float = 0.0,
              min_score: float = MIN_SCORE) -> tuple[str, ...]:
    """The names of the flags :func:`check` raises."""
    return tuple(check(source, target, truncated=truncated, score=score, min_score=min_score))


def confidence(score: float) -> int:
    """A 0–100 confidence figure from a mean token log-probability (the geometric-mean token probability)."""
    import math

    return max(0, min(100, round(100 * math.exp(score)))) if score > float("-inf") else 0
