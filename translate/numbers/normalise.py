"""When two quantities say the same thing: in the same unit or restated in another one of the
same system (48 hours = two days, a third = 33 percent, doubled = up 100 percent), loosely (a
bare number against the same number with a unit), or converted between systems (10 km ≈ 6.2
miles, 45 °C = 113 °F, 15 billion Saudi riyals = $4 billion at the peg)."""

from __future__ import annotations

from decimal import Decimal

from translate.numbers.lexicon import Currency, Unit, lexicon
from translate.numbers.model import Kind, Quantity

_BARE = frozenset((Kind.COUNT, Kind.ORDINAL, Kind.MULTIPLIER, Kind.AGE))
_NOT_NUMERIC = frozenset((Kind.TIME, Kind.SCORE, Kind.WEEKDAY, Kind.RELATIVE_DAY, Kind.DECADE))
SAME_SHARE = Decimal("1e-9")
SHARE_TOLERANCE = Decimal("0.0075")  # a fraction and a percent agree within 0.75 points (2/3 ≈ 67 %)
MEASURE_TOLERANCE = Decimal("0.005")  # the same measure in units of one system: within 0.5 %
DURATION_TOLERANCE = Decimal("0.02")  # 12 months = a year, 52 weeks = a year
CONVERSION_TOLERANCE = Decimal("0.06")  # a conversion rounds: 10 km ≈ 6.2 miles, 400 ha ≈ 1,000 acres
PEG_TOLERANCE = Decimal("0.03")  # a pegged currency converted: within 3 %


def unit_of(q: Quantity) -> Unit | None:
    return lexicon().unit_by_id.get(q.unit) if q.kind in (Kind.MEASURE, Kind.DURATION, Kind.PERCENTAGE_POINT) else None


def currency_of(q: Quantity) -> Currency | None:
    return lexicon().currency_by_code.get(q.unit) if q.kind is Kind.MONEY else None


def readings(q: Quantity) -> tuple[Decimal, ...]:
    return (q.value,) if q.alternative is None else (q.value, q.alternative)


def bare(q: Quantity) -> bool:
    """A number that says nothing of what it is: a count, an ordinal, a day or year of a date."""
    return q.kind in _BARE or (q.kind is Kind.DATE and q.unit in ("day", "year"))


def numeric(q: Quantity) -> bool:
    return q.kind not in _NOT_NUMERIC and not (q.kind is Kind.DATE and "month" in q.unit)


def share(q: Quantity) -> Decimal:
    return q.value / 100 if q.kind is Kind.PERCENT else q.value


def base_value(q: Quantity, unit: Unit, value: Decimal | None = None) -> Decimal:
    return (q.value if value is None else value) * unit.factor + unit.offset


def _close(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    if a == b:
        return True
    scale = max(abs(a), abs(b))
    return scale > 0 and abs(a - b) / scale <= tolerance


def currencies_agree(a: Currency, b: Currency) -> bool:
    """Two currencies agree when they are one, or one is a family the other belongs to."""
    return a.code == b.code or a.code in b.families or b.code in a.families


def _values_equal(a: Quantity, b: Quantity) -> bool:
    return any(x == y for x in readings(a) for y in readings(b))


def _overlap(a: Quantity, b: Quantity) -> bool:
    return a.low <= b.top and b.low <= a.top


def same(a: Quantity, b: Quantity) -> bool:
    """The two quantities say the same thing, in the same unit or restated in its own system."""
    if a.soft or b.soft:
        return a.soft and b.soft and _overlap(a, b) and (not a.unit or not b.unit or _units_agree(a, b))
    ka, kb = a.kind, b.kind
    if ka is not kb:
        return _equivalent(a, b) or _equivalent(b, a)
    if ka in (Kind.COUNT, Kind.ORDINAL, Kind.MULTIPLIER):
        return _values_equal(a, b)
    if ka is Kind.PERCENT:
        return _values_equal(a, b)
    if ka is Kind.FRACTION:
        return abs(a.value - b.value) < SAME_SHARE  # 2/3 read as two thirds: 2 × 0.333…
    if ka is Kind.PERCENTAGE_POINT:
        ua, ub = unit_of(a), unit_of(b)
        return ua is not None and ub is not None and base_value(a, ua) == base_value(b, ub)
    if ka is Kind.MEASURE or ka is Kind.DURATION:
        ua, ub = unit_of(a), unit_of(b)
        if ua is None or ub is None or ua.dimension != ub.dimension or ua.system != ub.system:
            return False
        tolerance = DURATION_TOLERANCE if ka is Kind.DURATION else MEASURE_TOLERANCE
        return any(_close(base_value(a, ua, x), base_value(b, ub, y), tolerance)
                   for x in readings(a) for y in readings(b))
    if ka is Kind.MONEY:
        ca, cb = currency_of(a), currency_of(b)
        return ca is not None and cb is not None and currencies_agree(ca, cb) and _values_equal(a, b)
    if ka is Kind.TIME:
        if a.unit == "12h" or b.unit == "12h":
            return a.value % 720 == b.value % 720
        return a.value == b.value
    if ka is Kind.SCORE:
        return a.value == b.value and a.high == b.high
    if ka is Kind.DECADE:
        return a.value == b.value or ((a.value < 100 or b.value < 100) and a.value % 100 == b.value % 100)
    if ka is Kind.AGE:
        return _overlap(a, b)
    if ka is Kind.DATE:
        return a.unit == b.unit and a.value == b.value
    return a.unit == b.unit and a.value == b.value  # weekday, relative day


def _equivalent(a: Quantity, b: Quantity) -> bool:
    """Different kinds that say the same: a third = 33 percent, up 100 percent = doubled, aged
    45 = 45 years."""
    if a.kind is Kind.FRACTION and b.kind is Kind.PERCENT:
        return abs(share(a) - share(b)) <= SHARE_TOLERANCE
    if a.kind is Kind.PERCENT and b.kind is Kind.MULTIPLIER:
        return a.value > 0 and a.value == (b.value - 1) * 100
    if a.kind is Kind.FRACTION and b.kind is Kind.MULTIPLIER:
        return a.value == b.value
    if a.kind is Kind.AGE and b.kind is Kind.DURATION:
        return b.unit == "year" and _overlap(a, b)
    return False


def _units_agree(a: Quantity, b: Quantity) -> bool:
    if a.kind is Kind.MONEY and b.kind is Kind.MONEY:
        ca, cb = currency_of(a), currency_of(b)
        return ca is not None and cb is not None and currencies_agree(ca, cb)
    ua, ub = unit_of(a), unit_of(b)
    return ua is not None and ub is not None and ua.dimension == ub.dimension


def loosely(a: Quantity, b: Quantity) -> bool:
    """The same number, where one side says no more than the number (120 against 120 people,
    15,000 against 15,000 lira, the 90th minute against الدقيقة 90)."""
    if a.soft or b.soft:
        return False
    if a.kind is Kind.TIME and bare(b):
        return _clock_hour(a, b)
    if b.kind is Kind.TIME and bare(a):
        return _clock_hour(b, a)
    if not (numeric(a) and numeric(b)) or not (bare(a) or bare(b)):
        return False
    return _values_equal(a, b)


def _clock_hour(clock: Quantity, number: Quantity) -> bool:
    hours = clock.value / 60
    return number.value in (hours, hours - 12) and hours == hours.to_integral_value()


def unit_changed(a: Quantity, b: Quantity) -> bool:
    """The same number with a different unit: 3 hours and 3 days, $300 million and 300 million
    euros, 2 percentage points and 2 percent."""
    if a.soft or b.soft or not _values_equal(a, b) or bare(a) or bare(b):
        return False
    if not (numeric(a) and numeric(b)):
        return False
    if a.kind is Kind.MONEY and b.kind is Kind.MONEY:
        ca, cb = currency_of(a), currency_of(b)
        return ca is not None and cb is not None and not currencies_agree(ca, cb)
    units = {Kind.PERCENT, Kind.PERCENTAGE_POINT, Kind.MEASURE, Kind.DURATION, Kind.MONEY, Kind.FRACTION}
    if a.kind not in units or b.kind not in units:
        return False
    return a.kind is not b.kind or a.unit != b.unit


def sign_changed(a: Quantity, b: Quantity) -> bool:
    """The same number with the sign dropped or added: −5 °C and 5 °C."""
    return a.value == -b.value != 0 and (a.kind is b.kind or bare(a) or bare(b)) and numeric(a) and numeric(b)


def converted(a: Quantity, b: Quantity) -> tuple[Decimal, bool] | None:
    """When ``b`` restates ``a`` in a unit of another system or another currency: the value ``a``
    converts to in ``b``'s unit, and whether the conversion can be checked (a floating
    exchange rate cannot); None when the two cannot be converted."""
    if a.soft or b.soft:
        return None
    if a.kind is Kind.MONEY and b.kind is Kind.MONEY:
        ca, cb = currency_of(a), currency_of(b)
        if ca is None or cb is None or currencies_agree(ca, cb):
            return None
        if ca.per_usd is not None and cb.per_usd is not None:
            return a.value / ca.per_usd * cb.per_usd, True
        return a.value, False
    if a.kind is not b.kind or a.kind not in (Kind.MEASURE, Kind.DURATION):
        return None
    ua, ub = unit_of(a), unit_of(b)
    if ua is None or ub is None or ua.dimension != ub.dimension or ua.system == ub.system:
        return None
    return (base_value(a, ua) - ub.offset) / ub.factor, True


def conversion_holds(expected: Decimal, got: Decimal, dimension: str) -> bool:
    """A converted value agrees with the exact conversion: within a degree for a temperature,
    within the rounding of a news report otherwise."""
    if dimension == "temperature":
        return abs(expected - got) <= 1
    if abs(expected - got) <= Decimal("0.5") and abs(expected) < 10:
        return True  # 3 kg ≈ 6.6 lb
    return _close(expected, got, PEG_TOLERANCE if dimension == "money" else CONVERSION_TOLERANCE)
