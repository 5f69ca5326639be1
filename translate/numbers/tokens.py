"""A text as tokens for reading quantities: every script's digits as Western digits, the Arabic
decimal and thousands separators and the no-break and thin spaces between digit groups read as
separators, the text normalised as :func:`translate.text.normalize` does it, then split into
numbers (with their notation read), numeric dates, clock times, phone numbers, words and signs."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from translate.script import ARABIC_LETTER
from translate.text import normalize

_PREPARE = str.maketrans(
    {
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Extended (Persian) digits
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": ",",  # Arabic thousands separator
        "\u2212": "-",  # minus sign
        "\u2013": "-",  # en dash: 5–7, 2–1
    }
)
_GROUP_SPACE = re.compile(r"(?<=\d)[\u00a0\u202f\u2009](?=\d{3}(?!\d))")  # 12 000 (no-break or thin space)
_GROUP_PLAIN_SPACE = re.compile(r"(?<![\d.,+])\b([1-9]\d{0,2}) (\d{3})(?![\d.,:/])")  # 82 400
_TOKEN = re.compile(
    rf"(?P<ar>{ARABIC_LETTER.pattern}+)"
    r"|(?P<lat>[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)*)"
    r"|(?P<phone>\+\d(?:[ ().,\-]{0,2}\d){6,})"
    r"|(?P<ymd>(?<!\d)\d{4}(?P<s1>[/.\-])\d{1,2}(?P=s1)\d{1,2})(?![\d/.\-]\d)"
    r"|(?P<dmy>(?<!\d)\d{1,2}(?P<s2>[/.\-])\d{1,2}(?P=s2)(?:\d{4}|\d{2}))(?![\d/.\-]\d)"
    r"|(?P<clock>(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d)(?![\d:])"
    r"|(?P<my>(?<!\d)(?:0?[1-9]|1[0-2])/(?:1[89]|20)\d\d)(?![\d/])"
    r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d{1,3}(?:\.\d{3}){2,}(?![\d.])|\d+\.\d+|\d+,\d{1,2}(?![\d,])|\d+)"
    r"(?P<suffix>[A-Za-z]{1,3}(?![A-Za-z]))?"
    r"|(?P<p>[^\s\w]|_)"
)
_FOLD = str.maketrans("أإآٱىة", "اااايه")
_DATE_SEPARATORS = re.compile(r"[/.\-]")


def fold(word: str) -> str:
    """An Arabic word with hamza seats, alif maqsura and ta marbuta folded, for look-up."""
    return word.translate(_FOLD)


class Token(NamedTuple):
    kind: str  # num, ar, lat, p, phone, date, clock
    text: str  # as written (normalised)
    key: str  # look-up key: folded Arabic, lower-case Latin
    start: int  # character offsets in the normalised text
    end: int
    value: Decimal | None = None  # a number's value
    alternative: Decimal | None = None  # a second reading (12.500: 12.5 or 12500)
    suffix: str = ""  # letters written against a number: 21st, 2.5m, 45C, 1990s
    parts: tuple[int | None, ...] = ()  # a date's day, month, year; a clock's hour, minute


def prepare(text: str) -> str:
    """``text`` with Western digits, separators read, and :func:`translate.text.normalize` applied."""
    text = _GROUP_SPACE.sub(",", text.translate(_PREPARE))
    return normalize(_GROUP_PLAIN_SPACE.sub(r"\1,\2", text))


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` (prepared with :func:`prepare`)."""
    return list(_tokens(prepare(text)))


def _tokens(text: str) -> list[Token]:
    out = []
    append = out.append
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "ar":
            raw = m.group()
            append(Token("ar", raw, raw.translate(_FOLD), m.start(), m.end()))
        elif kind == "lat":
            raw = m.group()
            key = raw.lower().replace("’", "'")
            append(Token("lat", raw, key[:-2] if key.endswith("'s") else key, m.start(), m.end()))  # Monday's
        elif kind == "num" or kind == "suffix":
            append(_number(m.group("num"), m.group("suffix") or "", m.start(), m.end()))
        elif kind in ("ymd", "dmy", "s1", "s2", "my"):
            raw = m.group()
            numbers = [int(p) for p in _DATE_SEPARATORS.split(raw)]
            if m.group("ymd"):
                parts: tuple[int | None, ...] = (numbers[2], numbers[1], numbers[0])
            elif m.group("dmy"):
                year = numbers[2] + (2000 if numbers[2] < 50 else 1900) if numbers[2] < 100 else numbers[2]
                parts = (numbers[0], numbers[1], year)
            else:
                parts = (None, numbers[0], numbers[1])
            append(Token("date", raw, raw, m.start(), m.end(), parts=parts))
        elif kind == "clock":
            raw = m.group()
            hour, minute = raw.split(":")
            append(Token("clock", raw, raw, m.start(), m.end(), parts=(int(hour), int(minute))))
        else:
            raw = m.group()
            append(Token(kind or "p", raw, raw, m.start(), m.end()))
    return out


def _number(text: str, suffix: str, start: int, end: int) -> Token:
    """A number token: ``1,234.5``, ``1.500.000`` (dot-grouped), ``2,5`` (comma decimal),
    ``12.500`` (12.5, or 12,500 when written with dots for thousands)."""
    alternative = None
    if text.count(".") >= 2:
        digits = text.replace(".", "")
    elif "," in text and "." not in text and re.fullmatch(r"\d+,\d{1,2}", text):
        digits = text.replace(",", ".")
    else:
        digits = text.replace(",", "")
        if re.fullmatch(r"\d{1,3}\.\d{2}0", text):  # 12.500, 250.000: thousands written with a dot
            alternative = Decimal(text.replace(".", ""))
    try:
        value = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        value = Decimal(0)
    if alternative is not None and value == value.to_integral_value() and text.endswith(".000"):
        value, alternative = alternative, value  # 250.000 is 250,000 before it is 250
    return Token("num", text, text, start, end, value, alternative, suffix)


@lru_cache(maxsize=4096)
def phrase_keys(phrase: str) -> tuple[str, ...]:
    """The look-up keys of a word or phrase from a word list, tokenised as text is."""
    return tuple(t.key for t in _tokens(normalize(phrase.translate(_PREPARE))))
