"""Comparing the quantities of a source and its translation, and saying what differs in an
editor's words.

Quantities are paired first when they say the same thing (:func:`~translate.numbers.normalise.same`),
then loosely (a bare number against the same number with a unit). What is left is explained:
a restatement in another system (the ``converted`` flag: ``10 km ≈ 6.2 miles``), a wrong
conversion, a changed unit (``unit: 3 hours in the Arabic, 3 days in the English``), a dropped
sign, numbers that traded places, or plain values missing and added. Optional quantities (one,
first, half, today, a Hijri day) are reported only when the other side has a different one of
the same kind; a dropped "yesterday" is not reported when the other side names the weekday.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from translate.numbers.lexicon import lexicon
from translate.numbers.mentions import concept_axis
from translate.numbers.model import Exactness, Kind, Quantity
from translate.numbers.normalise import (
    conversion_holds,
    converted,
    currency_of,
    loosely,
    same,
    sign_changed,
    unit_changed,
    unit_of,
)

NUMBERS = "numbers"
DATES = "dates"
CONVERTED = "converted"
_DATE_KINDS = frozenset((Kind.WEEKDAY, Kind.RELATIVE_DAY))


@dataclass(frozen=True, slots=True)
class Finding:
    """One difference, under the flag an editor knows it by (``numbers``, ``dates`` or
    ``converted``)."""

    flag: str
    detail: str


@dataclass(frozen=True, slots=True)
class Sides:
    """How details name the two texts."""

    source: str = "the Arabic"
    target: str = "the English"


def flag_of(q: Quantity) -> str:
    """``dates`` for months, weekdays and days named from today; ``numbers`` for the rest."""
    if q.kind in _DATE_KINDS or (q.kind is Kind.DATE and q.unit.endswith("month")):
        return DATES
    return NUMBERS


def compare(source: Sequence[Quantity], target: Sequence[Quantity], *, report_missing: bool = True,
            sides: Sides = Sides()) -> list[Finding]:
    """What differs between the quantities of a source and of its translation. With
    ``report_missing=False`` only what the target adds or changes is reported (a summary may
    leave out what its article says, but not say what it does not)."""
    free_s = list(range(len(source)))
    free_t = list(range(len(target)))
    pairs: list[tuple[int, int]] = []
    for agree in (same, loosely):
        for si in sorted(free_s, key=lambda k: source[k].optional):  # firm quantities pair first
            for ti in sorted(free_t, key=lambda k: target[k].optional):
                if agree(source[si], target[ti]):
                    pairs.append((si, ti))
                    free_s.remove(si)
                    free_t.remove(ti)
                    break
    findings: list[Finding] = []
    findings += _conversions(source, target, free_s, free_t)
    findings += _changes(source, target, free_s, free_t, sides)
    findings += _swaps(source, target, pairs, sides)
    left_s = _reported(source, free_s, target, free_t) if report_missing else []
    left_t = _reported(target, free_t, source, free_s)
    for flag in (NUMBERS, DATES):
        missing = [source[k] for k in left_s if flag_of(source[k]) == flag]
        extra = [target[k] for k in left_t if flag_of(target[k]) == flag]
        if missing or extra:
            findings.append(Finding(flag, _say(missing, extra, sides)))
    return findings


def details(findings: Sequence[Finding]) -> dict[str, str]:
    """The findings as one detail per flag, in the order the flags were found."""
    out: dict[str, list[str]] = {}
    for finding in findings:
        out.setdefault(finding.flag, []).append(finding.detail)
    return {flag: "; ".join(parts) for flag, parts in out.items()}


def _conversions(source: Sequence[Quantity], target: Sequence[Quantity], free_s: list[int],
                 free_t: list[int]) -> list[Finding]:
    """Target amounts that restate a source amount in another system or currency: an unpaired
    source amount, or one the target also keeps ("700 km (435 miles)")."""
    findings = []
    for ti in list(free_t):
        t = target[ti]
        for si in free_s + [si for si in range(len(source)) if si not in free_s]:
            s = source[si]
            result = converted(s, t)
            if result is None:
                continue
            expected, checked = result
            if t.value == s.value and s.kind is Kind.MONEY:
                continue  # the same amount in another currency: a changed unit, not a conversion
            if not checked:
                if expected == t.value:
                    continue
                findings.append(Finding(CONVERTED, f"{show(s)} ≈ {show(t)} (exchange rate not checked)"))
            elif conversion_holds(expected, t.value, _dimension(t)):
                findings.append(Finding(CONVERTED, f"{show(s)} ≈ {show(t)}"))
            elif t.value == s.value:
                continue  # 10 km and 10 miles: a changed unit
            else:
                shown = show(Quantity(t.kind, _round(expected), unit=t.unit))
                findings.append(Finding(NUMBERS, f"wrong conversion: {show(s)} is about {shown}, not {show(t)}"))
            free_t.remove(ti)
            if si in free_s:
                free_s.remove(si)
            break
    return findings


def _dimension(q: Quantity) -> str:
    if q.kind is Kind.MONEY:
        return "money"
    unit = unit_of(q)
    return unit.dimension if unit is not None else ""


def _changes(source: Sequence[Quantity], target: Sequence[Quantity], free_s: list[int], free_t: list[int],
             sides: Sides) -> list[Finding]:
    """The same number with another unit or sign."""
    findings = []
    for test, label in ((unit_changed, "unit"), (sign_changed, "sign")):
        for si in list(free_s):
            for ti in free_t:
                s, t = source[si], target[ti]
                if test(s, t):
                    said = f"{label}: {show(s)} in {sides.source}, {show(t)} in {sides.target}"
                    findings.append(Finding(flag_of(s), said))
                    free_s.remove(si)
                    free_t.remove(ti)
                    break
    return findings


def _swaps(source: Sequence[Quantity], target: Sequence[Quantity], pairs: list[tuple[int, int]],
           sides: Sides) -> list[Finding]:
    """Two numbers that traded what they count: 87 for and 12 against, read as 12 for and 87
    against; 4 soldiers and 9 civilians, read as 9 soldiers and 4 civilians."""
    crossed: list[tuple[str, Quantity, str, Quantity, str]] = []  # axis, source, its concept, target, its concept
    for si, ti in pairs:
        s, t = source[si], target[ti]
        theirs = {concept_axis(c): c for c in t.concepts}
        for concept in s.concepts:
            axis = concept_axis(concept)
            if axis in theirs and theirs[axis] != concept:
                crossed.append((axis, s, concept, t, theirs[axis]))
    findings = []
    used: set[int] = set()
    for a, (axis, s1, c1, t1, d1) in enumerate(crossed):
        for b in range(a + 1, len(crossed)):
            axis2, s2, c2, t2, d2 = crossed[b]
            if a in used or b in used or axis2 != axis or s1.value == s2.value or (c1, d1) != (d2, c2):
                continue
            used.update((a, b))
            before = f"{show(s1)} {c1} and {show(s2)} {c2}"
            after = f"{show(t1)} {d1} and {show(t2)} {d2}"
            findings.append(Finding(NUMBERS, f"swapped: {before} in {sides.source}, {after} in {sides.target}"))
    return findings


def _conflict_key(q: Quantity) -> tuple[str, str]:
    if q.kind in (Kind.MEASURE, Kind.DURATION, Kind.PERCENTAGE_POINT):
        unit = unit_of(q)
        return q.kind.value, unit.dimension if unit is not None else ""
    if q.kind in (Kind.FRACTION, Kind.PERCENT, Kind.MULTIPLIER):
        return "share", ""
    if q.kind in (Kind.DATE, Kind.RELATIVE_DAY):
        return q.kind.value, q.unit
    return q.kind.value, ""


def _reported(mine: Sequence[Quantity], free: list[int], theirs: Sequence[Quantity],
              their_free: list[int]) -> list[int]:
    """The unpaired quantities worth reporting: all but the optional ones that nothing on the
    other side contradicts, and a day named from today when the other side names the weekday."""
    conflicts = {_conflict_key(theirs[k]) for k in their_free}
    weekday = any(q.kind is Kind.WEEKDAY for q in theirs)
    out = []
    for k in free:
        q = mine[k]
        if q.kind is Kind.RELATIVE_DAY and q.unit == "day" and weekday:
            continue
        if q.optional and (q.exactness is Exactness.APPROXIMATE or _conflict_key(q) not in conflicts):
            continue  # an optional word, or a dual noun: reported only against a different one
        out.append(k)
    return out


def _say(missing: list[Quantity], extra: list[Quantity], sides: Sides) -> str:
    parts = []
    if missing:
        shown = _listed(missing)
        parts.append(f"{', '.join(shown)} in {sides.source} {'is' if len(shown) == 1 else 'are'} missing")
    if extra:
        shown = _listed(extra)
        parts.append(f"{', '.join(shown)} {'is' if len(shown) == 1 else 'are'} not in {sides.source}")
    return "; ".join(parts)


def _listed(quantities: list[Quantity]) -> list[str]:
    counts = Counter(show(q) for q in quantities)
    return [text + (f" (×{count})" if count > 1 else "") for text, count in counts.items()]


# --- how a detail writes a quantity -----------------------------------------------------------

_BIG = ((Decimal(10**12), "trillion"), (Decimal(10**9), "billion"), (Decimal(10**6), "million"))
_WEEKDAYS = ("", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_HIJRI = ("", "Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Awwal", "Jumada al-Thani",
          "Rajab", "Shaban", "Ramadan", "Shawwal", "Dhu al-Qadah", "Dhu al-Hijjah")
_DAYS = {-2: "the day before yesterday", -1: "yesterday", 0: "today", 1: "tomorrow", 2: "the day after tomorrow"}
_FRACTIONS = {2: "half", 3: "third", 4: "quarter", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth",
              9: "ninth", 10: "tenth"}
_SOFT = ((Decimal(3), "a few"), (Decimal(10), "dozens"), (Decimal(100), "hundreds"), (Decimal(1000), "thousands"),
         (Decimal(10**4), "tens of thousands"), (Decimal(10**5), "hundreds of thousands"),
         (Decimal(10**6), "millions"), (Decimal(10**7), "tens of millions"), (Decimal(10**8), "hundreds of millions"),
         (Decimal(10**9), "billions"))
_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}


def number(value: Decimal) -> str:
    """A value as an editor reads it: ``2020``, ``45,300``, ``2.5 billion``, ``−5``."""
    if value < 0:
        return "−" + number(-value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if not text.isdigit() or len(text) > 24:
        return text
    for scale, name in _BIG:
        count = value / scale
        if count >= 1 and count == count.quantize(Decimal("0.001")):
            return f"{number(count)} {name}"
    return f"{int(text):,}" if len(text) > 4 else text


def _round(value: Decimal) -> Decimal:
    """A converted value rounded as a report would give it: three significant figures."""
    if value == 0:
        return value
    digits = len(str(int(abs(value)))) if abs(value) >= 1 else 0
    return round(value, max(0, 3 - digits)) if digits < 3 else round(value, 0) if digits == 3 else value.quantize(
        Decimal(10) ** (digits - 3)).normalize()


def show(q: Quantity) -> str:
    """A quantity in an editor's words: ``3 hours``, ``$20 million``, ``a third``, ``8 pm``."""
    kind, value = q.kind, q.value
    if q.soft:
        return _soft(q)
    if kind is Kind.COUNT:
        if q.unit == "phone":
            return "+" + format(value, "f")
        if q.unit in ("time", "goal"):
            unit = lexicon().unit_by_id[q.unit]
            return f"{number(value)} {unit.singular if value == 1 else unit.plural}"
        return number(value)
    if kind is Kind.ORDINAL:
        return _ordinal(value)
    if kind is Kind.FRACTION:
        return _fraction(value)
    if kind is Kind.PERCENT:
        return f"{number(value)} percent"
    if kind in (Kind.PERCENTAGE_POINT, Kind.MEASURE, Kind.DURATION):
        unit = unit_of(q)
        if unit is None:
            return number(value)
        name = unit.singular if value == 1 else unit.plural
        return f"{number(value)}{'' if name.startswith('°') else ' '}{name}" if not name.startswith("°") else \
            f"{number(value)} {name}"
    if kind is Kind.MONEY:
        currency = currency_of(q)
        if currency is not None and currency.code in _SIGNS:
            return f"{_SIGNS[currency.code]}{number(value)}"
        name = currency.plural if currency is not None and value != 1 else (currency.singular if currency else q.unit)
        return f"{number(value)} {name}"
    if kind is Kind.TIME:
        hours, minutes = divmod(int(value), 60)
        return f"{hours:02d}:{minutes:02d}" if q.unit != "12h" else f"{hours}:{minutes:02d}"
    if kind is Kind.DATE:
        if q.unit == "month":
            return _MONTHS[int(value)] if 1 <= value <= 12 else number(value)
        if q.unit == "hijri month":
            return _HIJRI[int(value)] if 1 <= value <= 12 else number(value)
        return number(value)
    if kind is Kind.WEEKDAY:
        return _WEEKDAYS[int(value)]
    if kind is Kind.RELATIVE_DAY:
        if q.unit == "day":
            return _DAYS.get(int(value), f"{number(value)} days from today")
        return {-1: "last ", 0: "this ", 1: "next "}.get(int(value), f"{number(value)} ") + q.unit
    if kind is Kind.DECADE:
        return f"the {number(value)}s" if value >= 100 else f"the '{int(value):02d}s"
    if kind is Kind.AGE:
        return f"aged {number(value)}" if q.high is None else f"in their {number(value)}s"
    if kind is Kind.SCORE:
        return f"{number(value)}-{number(q.top)}"
    if kind is Kind.MULTIPLIER:
        return {2: "doubled", 3: "tripled", 4: "quadrupled"}.get(int(value), f"{number(value)}-fold") \
            if value == value.to_integral_value() else f"{number(value)}-fold"
    return number(value)  # pragma: no cover - every kind is written above


def _ordinal(value: Decimal) -> str:
    n = int(value)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _fraction(value: Decimal) -> str:
    share = Fraction(value).limit_denominator(1000)
    name = _FRACTIONS.get(share.denominator)
    if name is None or share.numerator > 9:
        return f"{share.numerator} in {share.denominator}"
    if share.numerator == 1:
        return "half" if share.denominator == 2 else f"a {name}"
    return f"{number(Decimal(share.numerator))} {name}s"


def _soft(q: Quantity) -> str:
    low = q.low
    name = "some"
    for bound, words in _SOFT:
        if low >= bound:
            name = words
    unit = unit_of(q)
    currency = currency_of(q)
    if unit is not None:
        return f"{name} of {unit.plural}"
    if currency is not None:
        return f"{name} of {currency.plural}"
    return name
