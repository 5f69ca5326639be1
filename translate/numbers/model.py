"""The typed quantity that the number and date checks compare: what kind of quantity a mention
is, its value or range, its unit, and how exact it is — and how a detail writes it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Kind(Enum):
    """What a mention of a quantity is."""

    COUNT = "count"  # 120 people, three countries, عشرات
    ORDINAL = "ordinal"  # third, الثالث, 21st, Louis XIV
    FRACTION = "fraction"  # a third, ثلثا, one in five
    PERCENT = "percent"  # 3.5 percent, ٧٪
    PERCENTAGE_POINT = "percentage point"  # 2 percentage points, 50 basis points, 120 points
    MONEY = "money"  # $20 million, 4 مليارات ريال
    MEASURE = "measure"  # 85 km, 1,200 hectares, −5 °C
    TIME = "time of day"  # 8 pm, الساعة 20:00, الثالثة عصرا
    DURATION = "duration"  # 3 hours, يومين, a decade
    DATE = "date"  # the day, month or year of a date
    WEEKDAY = "weekday"  # Monday, الاثنين
    RELATIVE_DAY = "relative day"  # yesterday, أول أمس, next week
    DECADE = "decade"  # the 1980s, الثمانينيات
    AGE = "age"  # aged 91, in his forties, في العقد السابع من عمره
    SCORE = "score"  # 2-0, بهدفين دون رد, two-nil
    MULTIPLIER = "multiplier"  # doubled, ثلاثة أضعاف


class Exactness(Enum):
    """How exactly a mention states its value."""

    EXACT = "exact"  # 40, forty, أربعون
    APPROXIMATE = "approximate"  # a dozen, a couple
    SOFT = "soft"  # dozens, hundreds, عشرات, بضعة: a range, never equal to an exact number


@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity read from a text.

    ``value`` is the value, or the low end of a range (``high`` is then its high end: a soft
    count, an age given by decade); a score keeps the two teams' goals in ``value`` and
    ``high``. ``unit`` is a unit or currency from ``translate/data`` (``hour``, ``km``, ``USD``,
    ``riyal``), a month's calendar (``gregorian``, ``hijri``) for a month, ``day`` or ``year``
    for those parts of a date, the unit of a relative day (``day``, ``week`` …), or empty.
    An ``optional`` quantity may be left out by a faithful translation (one, first, half, today,
    the day of a Hijri date); it is reported only when the other side gives a different one.
    ``concepts`` say what a count counts, one per axis of ``counted.tsv`` (``soldier``,
    ``killed``, ``for``): they show numbers that trade places. ``alternative`` is a second
    reading of an ambiguous notation (``12.500``: 12.5 or 12,500). ``text`` and ``start`` say
    where it was read.
    """

    kind: Kind
    value: Decimal
    high: Decimal | None = None
    unit: str = ""
    exactness: Exactness = Exactness.EXACT
    optional: bool = False
    concepts: tuple[str, ...] = ()
    alternative: Decimal | None = None
    text: str = ""
    start: int = 0

    @property
    def low(self) -> Decimal:
        """The value, or the low end of a range."""
        return self.value

    @property
    def top(self) -> Decimal:
        """The high end of a range, or the value."""
        return self.value if self.high is None else self.high

    @property
    def soft(self) -> bool:
        return self.exactness is Exactness.SOFT
