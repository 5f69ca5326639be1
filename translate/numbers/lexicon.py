"""The word lists of ``translate/data/*.tsv`` as look-up tables, loaded once on first use.

Each list is a tab-separated file with ``#`` comment lines, a header line, and forms separated
by ``|``. Forms are tokenised and folded the way text is (:mod:`translate.numbers.tokens`), so
an Arabic form may be written with or without hamza seats, and a phrase is a sequence of token
keys. Arabic words in text are looked up with and without their attached particles
(و ف ب ل ك and the article): :func:`stems`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from translate.errors import TranslateError
from translate.numbers.tokens import Token, phrase_keys

DATA = Path(__file__).resolve().parents[1] / "data"

# Particles that attach to an Arabic word, longest first: و (and), ف (so), ب (with, by), ل (for),
# ك (like), the article, and their combinations.
_PREFIXES = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال", "وب", "ول", "وك", "فب", "فل", "و", "ب", "ل", "ف", "ك")
_SHORT_PREFIXES = frozenset("بلفك")  # a stem left by one of these needs three letters (لست is not ل + ست)


@lru_cache(maxsize=65536)
def stems(key: str) -> tuple[tuple[str, str], ...]:
    """A folded Arabic word and the stems left when a particle is taken off, as (particle,
    stem): ``والثالث`` → ``("", "والثالث"), ("وال", "ثالث"), ("و", "الثالث")``."""
    out = [("", key)]
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            stem = key[len(prefix):]
            if len(stem) >= (3 if prefix in _SHORT_PREFIXES else 2):
                out.append((prefix, stem))
    return tuple(out)


def definite(prefix: str) -> bool:
    """The particle carries the article (ال, وال, بال, لل …)."""
    return "ال" in prefix or prefix == "لل"


def first_keys(token: Token) -> tuple[tuple[str, str], ...]:
    """The keys a word list may know a token by: its stems for an Arabic word, else its key."""
    return stems(token.key) if token.kind == "ar" else (("", token.key),)


@dataclass(frozen=True, slots=True)
class NumberWord:
    value: Decimal
    role: str  # digit, times, ten, teen, tens, hundred, hundreds, scale, scale_dual, scale_plural, scale_or_dual, half
    form: str  # cardinal, ordinal, weak, suffix


@dataclass(frozen=True, slots=True)
class FractionWord:
    value: Decimal
    role: str  # fraction, fraction_plural, multiplier, multiplier_plural
    needs: str  # -, definite, of


@dataclass(frozen=True, slots=True)
class SoftWord:
    low: Decimal
    high: Decimal
    needs: str  # -, article, scale


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of measure or time, percent, points, or a thing counted (times, goals)."""

    id: str
    kind: str  # measure, duration, percent, percentage_point, count
    dimension: str
    factor: Decimal
    offset: Decimal
    system: str
    singular: str
    plural: str


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    families: frozenset[str]
    per_usd: Decimal | None
    singular: str
    plural: str


@dataclass(frozen=True, slots=True)
class UnitForm:
    """A form of a unit or currency in text; ``count`` is 1 for a singular, 2 for an Arabic dual
    (يومين), 0 for a plural or an English form."""

    unit: Unit | Currency
    count: int = 0


@dataclass(frozen=True, slots=True)
class Month:
    calendar: str  # gregorian, hijri
    number: int
    context: str  # no; yes: only next to a number, a date word or another month; number: only next to a number


@dataclass(frozen=True, slots=True)
class Relative:
    offset: int
    unit: str  # day, week, month, year
    weak: bool


@dataclass(frozen=True, slots=True)
class Score:
    first: int | None  # goals of each side; None for a count of goals ("3 goals")
    second: int | None
    goals: int | None
    after_verb: bool


@dataclass(frozen=True, slots=True)
class Concept:
    name: str
    axis: str
    side: str  # after or before: where the word stands from the number it names


class Phrases:
    """Phrases of one or more words, found at a token by their longest match."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], Any]]] = {}

    def add(self, phrase: str, payload: Any) -> None:
        keys = phrase_keys(phrase)
        if keys:
            entries = self._by_first.setdefault(keys[0], [])
            entries.append((keys[1:], payload))
            entries.sort(key=lambda entry: -len(entry[0]))

    def match(self, tokens: Sequence[Token], i: int) -> tuple[int, Any, str] | None:
        """The longest phrase that starts at token ``i``: (end, payload, particle taken off the
        first word), or None."""
        for prefix, key in first_keys(tokens[i]):
            for rest, payload in self._by_first.get(key, ()):
                end = i + 1 + len(rest)
                if end <= len(tokens) and all(tokens[i + 1 + k].key == word for k, word in enumerate(rest)):
                    return end, payload, prefix
        return None

    def every_match(self, tokens: Sequence[Token], i: int) -> Iterator[tuple[int, Any]]:
        """Every phrase that starts at token ``i``: (end, payload)."""
        for _, key in first_keys(tokens[i]):
            for rest, payload in self._by_first.get(key, ()):
                end = i + 1 + len(rest)
                if end <= len(tokens) and all(tokens[i + 1 + k].key == word for k, word in enumerate(rest)):
                    yield end, payload

    def first_keys(self) -> frozenset[str]:
        return frozenset(self._by_first)


@dataclass
class Lexicon:
    numbers: dict[str, NumberWord] = field(default_factory=dict)
    fractions: dict[str, FractionWord] = field(default_factory=dict)
    soft: dict[str, SoftWord] = field(default_factory=dict)
    decades: dict[str, int] = field(default_factory=dict)
    units: Phrases = field(default_factory=Phrases)
    currency_prefixes: dict[str, Currency] = field(default_factory=dict)
    months: Phrases = field(default_factory=Phrases)
    weekdays: Phrases = field(default_factory=Phrases)
    relative: Phrases = field(default_factory=Phrases)
    scores: Phrases = field(default_factory=Phrases)
    score_verbs: Phrases = field(default_factory=Phrases)
    markers: Phrases = field(default_factory=Phrases)  # payload: the marker's meaning
    marker_words: dict[str, frozenset[str]] = field(default_factory=dict)  # meaning → its one-word forms
    concepts: Phrases = field(default_factory=Phrases)
    unit_by_id: dict[str, Unit] = field(default_factory=dict)
    axis_of: dict[str, str] = field(default_factory=dict)
    known: frozenset[str] = frozenset()  # every key a word list starts with: other words are skipped fast
    currency_by_code: dict[str, Currency] = field(default_factory=dict)



def _rows(name: str) -> Iterator[dict[str, str]]:
    path = DATA / name
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            lines = [line for line in handle if line.strip() and not line.startswith("#")]
    except OSError as error:
        raise TranslateError(f"cannot read the word list {name}: {error.strerror}") from error
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    for number, fields in enumerate(reader, 2):
        if len(fields) < len(header):
            fields += [""] * (len(header) - len(fields))
        if len(fields) != len(header):
            raise TranslateError(f"the word list {name} has {len(fields)} columns on row {number}, not {len(header)}")
        yield dict(zip(header, (f.strip() for f in fields), strict=True))


def _forms(text: str) -> list[str]:
    return [form.strip() for form in text.split("|") if form.strip()]


def _word_key(form: str) -> str:
    keys = phrase_keys(form)
    return keys[0] if len(keys) == 1 else " ".join(keys)


def _decimal(text: str) -> Decimal:
    if "/" in text:
        share = Fraction(text)
        return Decimal(share.numerator) / Decimal(share.denominator)
    return Decimal(text)


@cache
def lexicon() -> Lexicon:
    """Every word list, read once."""
    lex = Lexicon()
    for row in _rows("number_words.tsv"):
        for form in _forms(row["forms"]):
            lex.numbers[_word_key(form)] = NumberWord(Decimal(row["value"]), row["role"], row["form"])
    for row in _rows("fractions.tsv"):
        for form in _forms(row["forms"]):
            lex.fractions[_word_key(form)] = FractionWord(_decimal(row["value"]), row["role"], row["needs"])
    for row in _rows("soft_counts.tsv"):
        for form in _forms(row["forms"]):
            lex.soft[_word_key(form)] = SoftWord(Decimal(row["low"]), Decimal(row["high"]), row["needs"])
    for row in _rows("decades.tsv"):
        for form in _forms(row["forms"]):
            key = _word_key(form)
            lex.decades[key] = int(row["value"])
            if key.startswith("ال"):
                lex.decades[key[2:]] = int(row["value"])  # ستينيات القرن الماضي
    for row in _rows("units.tsv"):
        singular, _, plural = row["name"].partition("|")
        unit = Unit(row["unit"], row["kind"], row["dimension"], Decimal(row["factor"]), Decimal(row["offset"] or 0),
                    row["system"], singular, plural or singular)
        lex.unit_by_id[unit.id] = unit
        for form in _forms(row["english"]) + _forms(row["arabic_plural"]):
            lex.units.add(form, UnitForm(unit))
        for form in _forms(row["arabic"]):
            lex.units.add(form, UnitForm(unit, 1))
        for form in _forms(row["arabic_dual"]):
            lex.units.add(form, UnitForm(unit, 2))
    for row in _rows("currencies.tsv"):
        singular, _, plural = row["name"].partition("|")
        currency = Currency(row["code"], frozenset(_forms(row["families"])),
                            Decimal(row["per_usd"]) if row["per_usd"] else None, singular, plural or singular)
        lex.currency_by_code[currency.code] = currency
        for form in _forms(row["english"]) + _forms(row["arabic"]):
            lex.units.add(form, UnitForm(currency))
        for form in _forms(row["arabic_dual"]):
            lex.units.add(form, UnitForm(currency, 2))
        for form in _forms(row["prefix"]):
            lex.currency_prefixes[form] = currency
    for row in _rows("months.tsv"):
        month = Month(row["calendar"], int(row["number"]), row["context"])
        for form in _forms(row["forms"]):
            lex.months.add(form, month)
    for row in _rows("weekdays.tsv"):
        for form in _forms(row["forms"]):
            lex.weekdays.add(form, int(row["number"]))
    for row in _rows("relative_days.tsv"):
        relative = Relative(int(row["offset"]), row["unit"], row["weak"] == "yes")
        for form in _forms(row["forms"]):
            lex.relative.add(form, relative)
    for row in _rows("scores.tsv"):
        for form in _forms(row["phrase"]):
            if row["score"] == "verb":
                lex.score_verbs.add(form, True)
                continue
            after_verb = row["context"] == "after a scoring verb"
            if row["score"].endswith("goals"):
                score = Score(None, None, int(row["score"].split()[0]), after_verb)
            else:
                first, second = row["score"].split("-")
                score = Score(int(first), int(second), None, after_verb)
            lex.scores.add(form, score)
    words: dict[str, set[str]] = {}
    for row in _rows("markers.tsv"):
        for form in _forms(row["phrase"]):
            lex.markers.add(form, row["meaning"])
            keys = phrase_keys(form)
            if len(keys) == 1:
                words.setdefault(row["meaning"], set()).add(keys[0])
    lex.marker_words = {meaning: frozenset(keys) for meaning, keys in words.items()}
    for row in _rows("counted.tsv"):
        concept = Concept(row["concept"], row["axis"], row["side"])
        lex.axis_of[concept.name] = concept.axis
        for form in _forms(row["forms"]):
            lex.concepts.add(form, concept)
    phrases = (lex.units, lex.months, lex.weekdays, lex.relative, lex.scores, lex.score_verbs, lex.markers,
               lex.concepts)
    lex.known = frozenset().union(lex.numbers, lex.fractions, lex.soft, lex.decades, lex.currency_prefixes,
                                  *(p.first_keys() for p in phrases))
    return lex
