"""Typed quantities in Arabic and English news, for the numbers, dates and conversion checks.

A small pipeline: :func:`read_quantities` reads the mentions of a text (numbers in digits or
words with their units, soft counts, fractions, clock times, dates, weekdays, days named from
today, decades, ages, scores) into :class:`Quantity` records of a :class:`Kind`;
:mod:`~translate.numbers.normalise` says when two of them agree; :func:`compare` pairs the
quantities of a source and a translation and explains what is left as :class:`Finding` records
under the ``numbers``, ``dates`` or ``converted`` flag. The words it knows are data:
``translate/data/*.tsv``.

    >>> arabic = read_quantities("استمر الحصار 3 ساعات", "ar")
    >>> english = read_quantities("The siege lasted 3 days", "en")
    >>> details(compare(arabic, english))
    {'numbers': 'unit: 3 hours in the Arabic, 3 days in the English'}
"""

from __future__ import annotations

from collections import Counter

from translate.numbers.compare import CONVERTED, DATES, NUMBERS, Finding, Sides, compare, details, number, show
from translate.numbers.mentions import read_quantities
from translate.numbers.model import Exactness, Kind, Quantity
from translate.numbers.normalise import numeric

__all__ = [
    "CONVERTED",
    "DATES",
    "NUMBERS",
    "Exactness",
    "Finding",
    "Kind",
    "Quantity",
    "Sides",
    "check_pair",
    "compare",
    "details",
    "number_values",
    "numbers",
    "read_quantities",
    "show",
]


def check_pair(source: str, target: str, *, source_language: str = "ar", target_language: str = "en",
               report_missing: bool = True) -> dict[str, str]:
    """The ``numbers``, ``dates`` and ``converted`` details for a source and its translation
    (empty when their quantities agree)."""
    return details(compare(read_quantities(source, source_language), read_quantities(target, target_language),
                           report_missing=report_missing))


def _value_text(q: Quantity) -> str:
    if q.kind is Kind.TIME:
        hours, minutes = divmod(int(q.value), 60)
        return f"{hours}:{minutes:02d}"
    if q.unit == "phone":
        return "+" + format(q.value, "f")
    if q.kind is Kind.SCORE:
        return f"{number(q.value)}-{number(q.top)}"
    text = format(q.value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def number_values(text: str) -> Counter[str]:
    """The firm numeric values of ``text`` as a multiset of normalised strings, whatever the
    script: ``"١٠ آلاف و10,000"`` → ``Counter({"10000": 2})``. Soft counts, optional words
    (one, first, half), the English "two" (an Arabic dual says it without a number),
    fractions, months, weekdays and decades are left out."""
    values: Counter[str] = Counter()
    for q in read_quantities(text):
        if q.optional or q.soft or q.kind in (Kind.FRACTION, Kind.MULTIPLIER, Kind.DECADE):
            continue
        if q.kind is Kind.COUNT and q.value == 2 and q.text.lower() == "two":
            continue
        if (not numeric(q) and q.kind not in (Kind.TIME, Kind.SCORE)) or (q.kind is Kind.AGE and q.high is not None):
            continue
        values[_value_text(q)] += 1
    return values


def numbers(text: str) -> set[str]:
    """The firm numeric values of ``text`` as a set: ``٣٬٥٠٠`` → ``3500``, ``3.50`` → ``3.5``,
    ``خمسة وعشرون`` → ``25``, ``2.5 million`` → ``2500000``."""
    return set(number_values(text))
