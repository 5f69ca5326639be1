"""Reading the quantities a text mentions, in Arabic or English: numbers in digits or words with
what they measure, soft counts, fractions, clock times, dates, weekdays, days named from today,
decades, ages and football scores, each as a typed :class:`~translate.numbers.model.Quantity`.

The reader works in passes over the tokens, each taking the tokens it reads so that no word is
read twice: first the fixed phrases that are quantities on their own (scores said in words,
yesterday, month and weekday names), then every number with the words around it that say what
it is (its unit, a percent sign, a clock, an age, a currency sign, a sign), then the words that
are quantities without a number (dozens, a third, doubled, the eighties, يومين, a week).
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import NamedTuple

from translate.numbers.chain import HALF, ONE, SCALE_ROLES, TWO, ZERO, Chain
from translate.numbers.lexicon import (
    Concept,
    Currency,
    Lexicon,
    NumberWord,
    Unit,
    UnitForm,
    definite,
    first_keys,
    lexicon,
    stems,
)
from translate.numbers.model import Exactness, Kind, Quantity
from translate.numbers.tokens import Token, tokenize
from translate.text import has_arabic

_CURRENCY_SIGNS = frozenset("$€£¥₪₺")
_CLOCK_MINUTES = {"والنصف": 30, "والربع": 15, "والثلث": 20}
_EN_CLOCK_BEFORE = {("half", "past"): 30, ("quarter", "past"): 15, ("quarter", "to"): -15}
_EN_SOFT_LINKS = frozenset(("of", "a", "an", "-"))  # half a million, a quarter of a point, half-century
_FINALS = frozenset(("النهائي", "نهائي", "النهائيه", "final", "finals", "-final", "time"))
_MONDAY = "الاثنين"
_CLAUSE_ENDS = frozenset(".,;:!?)")
_PRONOUNS = ("ها", "هم", "هما", "هن", "كم", "نا", "ه")  # attached pronouns: the word is definite
_GOAL_AGAINST = frozenset(("مقابل", "to", "against"))
_ROMAN = re.compile(r"X{0,3}(?:IX|IV|VI{0,3}|I{1,3}|V)|X{1,3}")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
_ADJECTIVES = frozenset(("full", "whole", "single", "further", "more", "past", "last", "entire", "additional",
                         "consecutive", "straight", "successive", "long"))
_UNIT_KINDS = {"measure": Kind.MEASURE, "duration": Kind.DURATION, "percent": Kind.PERCENT,
               "percentage_point": Kind.PERCENTAGE_POINT}


class _Num(NamedTuple):
    """A number read from digits or words, before it is typed."""

    value: Decimal
    start: int  # token indexes
    end: int
    ordinal: bool = False
    weak: bool = False  # one, واحد: may be dropped
    scale: Decimal | None = None  # the last scale word's multiplier (7 million: 10**6)
    base: Decimal = ZERO  # the count before that scale (7)
    alternative: Decimal | None = None
    times: bool = False  # once, twice
    approximate: bool = False  # a dozen, a couple


class _Reader:
    def __init__(self, text: str, language: str | None) -> None:
        self.tokens = tokenize(text)
        self.n = len(self.tokens)
        self.lex: Lexicon = lexicon()
        self.arabic_text = (language == "ar") if language else has_arabic(text)
        self.taken = [False] * self.n
        self.out: list[Quantity] = []
        self.month_at: dict[int, str] = {}  # token index of a month name → calendar
        self.hijri_edges: set[int] = set()
        self.concepts: dict[int, Concept] = {}  # token index → the concept a word names
        self._scan_markers()

    # --- looking around a token -------------------------------------------------------------

    def _scan_markers(self) -> None:
        """Where each marker word and concept word is, in one pass."""
        concepts, markers, known = self.lex.concepts, self.lex.markers, self.lex.known
        self.known = [tok.kind in ("num", "date", "clock", "phone") or tok.key in known or
                      (tok.kind == "ar" and any(key in known for _, key in stems(tok.key))) for tok in self.tokens]
        self.marks: list[dict[str, int]] = [{} for _ in range(self.n)]
        seen: set[str] = set()
        for i, tok in enumerate(self.tokens):
            if not self.known[i] or tok.kind in ("num", "date", "clock", "phone"):
                continue
            for end, meaning in markers.every_match(self.tokens, i):
                if end > self.marks[i].get(meaning, 0):
                    self.marks[i][meaning] = end
                seen.add(meaning)
            if tok.kind != "p":
                found = concepts.match(self.tokens, i)
                if found:
                    self.concepts[i] = found[1]
        self.meanings = frozenset(seen)
        self.score_context = "score_context" in seen
        self._units: dict[int, tuple[int, UnitForm] | None] = {}

    def _marker(self, meaning: str, i: int) -> int | None:
        """The end of a ``meaning`` marker that starts at token ``i``, or None."""
        return self.marks[i].get(meaning) if 0 <= i < self.n else None

    def _marker_ending(self, meaning: str, end: int, reach: int = 4) -> int | None:
        """The start of a ``meaning`` marker that ends at token ``end`` (within ``reach`` tokens)."""
        for start in range(max(0, end - reach), end):
            if self._marker(meaning, start) == end:
                return start
        return None

    def _take(self, start: int, end: int) -> None:
        for k in range(start, end):
            self.taken[k] = True

    def _add(self, kind: Kind, value: Decimal, start: int, end: int, **fields: object) -> Quantity:
        text = " ".join(t.text for t in self.tokens[start:end])
        quantity = Quantity(kind, value, start=self.tokens[start].start, text=text, **fields)  # type: ignore[arg-type]
        self.out.append(quantity)
        self._take(start, end)
        return quantity

    def _key(self, i: int) -> str:
        return self.tokens[i].key if 0 <= i < self.n else ""

    def _unit_at(self, i: int) -> tuple[int, UnitForm] | None:
        if not 0 <= i < self.n or self.taken[i] or not self.known[i]:
            return None
        if i not in self._units:
            found = self.lex.units.match(self.tokens, i)
            self._units[i] = (found[0], found[1]) if found else None
        return self._units[i]

    def _word(self, i: int) -> tuple[NumberWord, bool] | None:
        """The number word (or digits) at token ``i`` and whether و ("and") came attached."""
        if not 0 <= i < self.n or self.taken[i] or not self.known[i]:
            return None
        tok = self.tokens[i]
        if tok.kind == "num":
            return NumberWord(tok.value or ZERO, "number", "cardinal"), False
        if tok.kind == "lat":
            word = self.lex.numbers.get(tok.key)
            if word is None and tok.key in ("a", "an"):
                return NumberWord(ONE, "a", "weak"), False
            if word is None or word.form == "suffix":
                return None
            if word.form == "ordinal" and self._english_fraction(i):
                return None  # a third of, one-third
            return word, False
        if tok.kind != "ar":
            return None
        for prefix, stem in stems(tok.key):
            word = self.lex.numbers.get(stem)
            if word is None:
                continue
            if definite(prefix):
                if word.role in ("half", "scale_plural") or stem == "اثنين":
                    return None  # النصف, الآلاف, الاثنين (Monday): not counts
                if word.role == "hundred" and (prefix in ("بال", "لل") or self._key(i - 1) == "في"):
                    return None  # في المئة, بالمئة: percent
            share = self.lex.fractions.get(stem)
            if word.role in ("digit", "ten") and share is not None and share.needs == "definite" and not prefix \
                    and self._definite_next(i) and not self._after_number_word(i):
                return None  # خمس السكان: a fifth of the population (but السادس عشر الأردن: 16th)
            return word, prefix.startswith("و")
        return None

    def _after_number_word(self, i: int) -> bool:
        if i < 1 or self.tokens[i - 1].kind != "ar":
            return False
        return any(stem in self.lex.numbers for _, stem in stems(self.tokens[i - 1].key))

    def _english_fraction(self, i: int) -> bool:
        """"third" in "a third of", "one-third", "one third of": a share, not an ordinal."""
        word = self.lex.fractions.get(self._key(i))
        if word is None or word.needs != "of":
            return False
        before, after = self._key(i - 1), self._key(i + 1)
        if before == "-" and self._key(i - 2) in ("one", "a"):
            return True
        if before not in ("a", "one"):
            return False
        if after == "of" or i + 1 >= self.n or after in _CLAUSE_ENDS:
            return True  # a third of, fell by a third. (not a fifth-generation network)
        unit = self._unit_at(i + 1)
        return unit is not None and isinstance(unit[1].unit, Unit) and unit[1].unit.kind in ("duration", "measure")

    def _definite_next(self, i: int) -> bool:
        """The next word is definite: the article (خمس السكان), a pronoun (خمس قيمتها) or من."""
        if i + 1 >= self.n:
            return False
        nxt = self.tokens[i + 1]
        return nxt.kind == "ar" and (nxt.key.startswith("ال") or nxt.key == "من" or nxt.text.endswith(_PRONOUNS))

    # --- pass 1: fixed phrases --------------------------------------------------------------

    def _phrases(self) -> None:
        lex = self.lex
        for i in range(self.n):
            if self.taken[i] or not self.known[i] or self.tokens[i].kind not in ("ar", "lat"):
                continue
            found = lex.scores.match(self.tokens, i)
            if found and (not found[1].after_verb or self._after_score_verb(i)):
                score = found[1]
                if score.goals is not None:
                    self._add(Kind.COUNT, Decimal(score.goals), i, found[0], unit="goal")
                else:
                    self._add(Kind.SCORE, Decimal(max(score.first, score.second)), i, found[0],
                              high=Decimal(min(score.first, score.second)))
                continue
            found = lex.relative.match(self.tokens, i)
            if found:
                rel = found[1]
                self._add(Kind.RELATIVE_DAY, Decimal(rel.offset), i, found[0], unit=rel.unit, optional=rel.weak)
                continue
            if self._month(i) or self._weekday(i) or self._decade(i) or self._noon(i):
                continue

    def _noon(self, i: int) -> bool:
        """noon, midnight, منتصف الليل: a time of day without a number."""
        for meaning, minutes in (("noon", 720), ("midnight", 0)):
            stop = self._marker(meaning, i)
            if stop is not None:
                self._add(Kind.TIME, Decimal(minutes), i, stop)
                return True
        return False

    def _after_score_verb(self, i: int) -> bool:
        return any(self.lex.score_verbs.match(self.tokens, k) for k in range(max(0, i - 4), i))

    def _month(self, i: int) -> bool:
        found = self.lex.months.match(self.tokens, i)
        if not found:
            return False
        end, month, prefix = found
        tok = self.tokens[i]
        if tok.kind == "lat" and not tok.text[:1].isupper():
            return False
        if tok.kind == "ar" and month.calendar == "gregorian" and month.number == 8 \
                and tok.key[len(prefix):] == "اب" and not tok.text[len(prefix):].startswith("آ"):
            return False  # أب: father
        if month.context == "yes" and not self._month_context(i, end):
            return False
        if month.context == "number" and not self._number_next_to(i, end):
            return False
        hijri = month.calendar == "hijri"
        twin = self._month_before(i)
        if twin is not None and twin == (month.calendar, month.number):
            self._take(i, end)  # أيلول/سبتمبر, أيار (مايو): one month in two names
            for k in range(i, end):
                self.month_at[k] = month.calendar
            return True
        self._add(Kind.DATE, Decimal(month.number), i, end, unit="hijri month" if hijri else "month", optional=hijri)
        for k in range(i, end):
            self.month_at[k] = month.calendar
        if hijri:
            self.hijri_edges.update((i - 1, end))
        return True

    def _month_before(self, i: int) -> tuple[str, int] | None:
        """The month named just before token ``i`` (past a slash or bracket), if any."""
        k = i - 1
        while k >= 0 and self.tokens[k].text in ("/", "(", "-", ","):
            k -= 1
        if k < 0 or k not in self.month_at:
            return None
        for q in reversed(self.out):
            if q.kind is Kind.DATE and q.unit.endswith("month"):
                return ("hijri" if q.unit.startswith("hijri") else "gregorian", int(q.value))
        return None

    def _number_next_to(self, i: int, end: int) -> bool:
        """محرم and صفر are months only beside a number or شهر: 10 محرم, الأول من صفر, شهر صفر."""
        if (i >= 1 and self.tokens[i - 1].kind == "num") or (end < self.n and self.tokens[end].kind == "num"):
            return True
        if self._key(i - 1) in ("شهر", "لشهر", "بشهر"):
            return True
        k = i - 2 if self._key(i - 1) == "من" else i - 1
        return k >= 0 and self._word(k) is not None

    def _month_context(self, i: int, end: int) -> bool:
        """A month name that is also a common word counts next to a number, a date word or
        another month."""
        before, after = i - 1, end
        while before >= 0 and self.tokens[before].text in ("-", "/", "("):
            before -= 1
        if after + 1 < self.n and self.tokens[after].text == "." and self.tokens[i].kind == "lat":
            after += 1  # Jan. 3
        if (before >= 0 and self.tokens[before].kind in ("num", "date")) or (
                after < self.n and self.tokens[after].kind in ("num", "date")):
            return True
        if before >= 0:
            prev = self.tokens[before]
            keys = [key for _, key in first_keys(prev)]
            date_before = self.lex.marker_words.get("date_before", frozenset())
            if any(key in date_before for key in keys):
                return True
            if prev.kind == "ar" and self._word(before) is not None:
                return True  # الخامس رمضان: a day before a month
        if self._marker("date_after", after) is not None:
            return True
        for k, step in ((before, -1), (after, 1)):
            while 0 <= k < self.n and self.tokens[k].key in ("and", "or", "و", "او", "-", "/", ","):
                k += step  # April and May, بين شباط وآذار
            if k in self.month_at:
                return True
            if 0 <= k < self.n and self.tokens[k].kind in ("ar", "lat"):
                candidate = self.lex.months.match(self.tokens, k)
                if candidate and candidate[1].context == "no":
                    return True
        return False

    def _weekday(self, i: int) -> bool:
        found = self.lex.weekdays.match(self.tokens, i)
        if not found:
            return False
        end, number, prefix = found
        tok = self.tokens[i]
        if tok.kind == "ar" and tok.key[len(prefix):] == _MONDAY and (
                self._key(i + 1) == "من" or self._key(i - 1) in ("كلا", "كل")):
            return False  # الاثنين من: two of
        self._add(Kind.WEEKDAY, Decimal(number), i, end)
        return True

    # --- pass 2: numbers --------------------------------------------------------------------

    def _numbers(self) -> None:
        items: list[_Num] = []
        i = 0
        while i < self.n:
            tok = self.tokens[i]
            if self.taken[i]:
                i += 1
                continue
            if not self.known[i] and not (tok.kind == "lat" and tok.text.isupper()):
                i += 1
                continue
            if tok.kind == "date":
                self._date(i)
            elif tok.kind == "clock":
                self._clock_token(i)
            elif tok.kind == "phone":
                digits = "".join(c for c in tok.text if c.isdigit())
                self._add(Kind.COUNT, Decimal(digits), i, i + 1, unit="phone")
            else:
                item = self._chain(i)
                if item is not None:
                    items.append(item)
                    i = item.end
                    continue
            i += 1
        items = self._ranges(items)
        skip: set[int] = set()
        for index, item in enumerate(items):
            if index in skip or self.taken[item.start]:
                continue  # read with the number before it (5 درجات تحت الصفر)
            following = items[index + 1] if index + 1 < len(items) else None
            if following is not None and self._pair(item, following):
                skip.add(index + 1)
                continue
            if self._one_in(item):
                continue
            self._typed(item)
        self._share_units()

    def _chain(self, i: int) -> _Num | None:
        roman = self._roman(i)
        if roman is not None:
            return _Num(Decimal(roman), i, i + 1, ordinal=True, weak=roman <= 2)
        first = self._word(i)
        if first is None:
            return None
        word, _ = first
        tok = self.tokens[i]
        arabic = tok.kind == "ar"
        if word.role == "a":
            nxt = self._word(i + 1)
            if nxt is None or nxt[0].role not in ("hundred", "scale", "half") or nxt[0].form == "ordinal":
                if nxt is not None and nxt[0].role == "digit" and self._key(i + 1) == "couple":
                    return _Num(TWO, i, i + 2, weak=True, approximate=True)
                return None
        if tok.kind == "num":
            return self._digits(i)
        chain = Chain()
        j = i
        while j < self.n:
            info = self._word(j)
            if info is None:
                joiner = self._joiner(j, arabic)
                if joiner and chain.last:
                    k = j + 1
                    if self._key(k) == "a" and self._word(k + 1) and self._word(k + 1)[0].role == "half":
                        k += 1  # two and a half
                    nxt = self._word(k)
                    if nxt is not None and self._try(chain, nxt[0], True, arabic, k):
                        j = k + 1
                        continue
                break
            word, waw = info
            if not self._try(chain, word, waw, arabic, j):
                break
            j += 1
            if word.role == "half" and chain.last == "halfscale" and j < self.n:
                again = self._word(j)
                if again is not None and again[0].role == "scale" and again[0].value == chain.scale:
                    j += 1  # مليون ونصف مليون
                elif self.tokens[j].kind == "ar" and self.tokens[j].key.startswith("ال") and \
                        self.lex.numbers.get(self.tokens[j].key[2:], NumberWord(ZERO, "", "")).role == "scale":
                    j += 1  # مليون ونصف المليون
            if word.role == "times":
                break
        if not chain.words or chain.last in ("a", "half_start"):
            return None
        weak = chain.weak or (chain.ordinal and chain.value() <= 2 and chain.scale is None)
        times = word.role == "times" if chain.words == 1 else False
        return _Num(chain.value(), i, j, chain.ordinal, weak, chain.scale, chain.base, times=times,
                    approximate=chain.scale == 12)  # a dozen

    def _roman(self, i: int) -> int | None:
        """A Roman numeral after a name: Louis XIV, World War II, Mohammed VI."""
        tok = self.tokens[i]
        if self.taken[i] or tok.kind != "lat" or not _ROMAN.fullmatch(tok.text) or i == 0:
            return None
        prev = self.tokens[i - 1]
        if prev.kind != "lat" or not prev.text[:1].isupper() or prev.text.isupper():
            return None
        total = 0
        for a, b in zip(tok.text, tok.text[1:] + " ", strict=True):
            total += -_ROMAN_VALUES[a] if b != " " and _ROMAN_VALUES[b] > _ROMAN_VALUES[a] else _ROMAN_VALUES[a]
        return total

    def _try(self, chain: Chain, word: NumberWord, joined: bool, arabic: bool, j: int) -> bool:
        if word.role == "a" and chain.last:
            return chain.last == "half_start"  # half a million
        following = self._word(j + 1)
        return chain.take(word, joined, arabic, following[0] if following else None)

    def _joiner(self, j: int, arabic: bool) -> bool:
        tok = self.tokens[j]
        if tok.key in ("and", "و"):
            return True
        if tok.text == "-" and 0 < j < self.n - 1:
            prev, nxt = self.tokens[j - 1], self.tokens[j + 1]
            return prev.kind == nxt.kind == "lat" and prev.end == tok.start and tok.end == nxt.start
        return False

    def _digits(self, i: int) -> _Num:
        """A number in digits, with a scale after it (3 ملايين، 2.5 million, 10k, $5m)."""
        tok = self.tokens[i]
        value = tok.value or ZERO
        suffix = tok.suffix
        scale_word = self.lex.numbers.get(suffix.lower()) if suffix else None
        if scale_word is not None and scale_word.role == "scale" and (suffix.lower() != "m" or self._money_m(i)):
            return _Num(value * scale_word.value, i, i + 1, scale=scale_word.value, base=value,
                        alternative=tok.alternative)
        chain = Chain()
        chain.take(NumberWord(value, "number", "cardinal"), False, False, None)
        j = i + 1
        while j < self.n:
            info = self._word(j)
            if info is None:
                if self._joiner(j, True) and chain.last == "scale":
                    nxt = self._word(j + 1)
                    if nxt is not None and self._try(chain, nxt[0], True, True, j + 1):
                        j += 2
                        continue
                break
            word, waw = info
            if word.role not in SCALE_ROLES and word.role != "half" and not (waw and word.role == "number"):
                break
            if not self._try(chain, word, waw, True, j):
                break
            j += 1
        return _Num(chain.value(), i, j, scale=chain.scale, base=chain.base,
                    alternative=tok.alternative if j == i + 1 else None)

    def _money_m(self, i: int) -> bool:
        """2.5m is millions after a currency sign, or before a unit or a noun (2.5m refugees, 1m
        people); it is metres before a word of length or sport (a 100m sprint, 30m high)."""
        if self._currency_before(i) is not None:
            return True
        if i + 1 >= self.n:
            return False
        nxt = self.tokens[i + 1]
        if self._unit_at(i + 1) is not None:
            return True
        return nxt.kind == "lat" and nxt.text.islower() and self._marker("metre_context", i + 1) is None

    def _ranges(self, items: list[_Num]) -> list[_Num]:
        """``5 to 7 million`` and ``بين 5 و7 ملايين``: the first number takes the second's scale."""
        out = list(items)
        for k in range(len(out) - 1):
            a, b = out[k], out[k + 1]
            if a.scale is not None or b.scale is None or b.base <= 0 or not 0 < a.value <= b.base:
                continue
            if self._range_between(a.end, b.start):
                out[k] = a._replace(value=a.value * b.scale, scale=b.scale, base=a.value)
        return out

    def _range_between(self, end: int, start: int) -> bool:
        if start == end:
            tok = self.tokens[start]
            return tok.kind == "ar" and tok.key.startswith("و")
        return start - end == 1 and self._marker("range", end) == start

    # --- typing a number --------------------------------------------------------------------

    def _pair(self, a: _Num, b: _Num) -> bool:
        """Two numbers that make one quantity: a score (2-1, two-nil, بهدفين مقابل هدف), a
        share (9 من كل 10, one in five)."""
        between = [t.key for t in self.tokens[a.end:b.start]]
        small = a.value <= 30 and b.value <= 30 and a.scale is None and b.scale is None
        if small and between == ["-"] and not (a.ordinal or b.ordinal) and (self.score_context or a.value >= b.value):
            self._add(Kind.SCORE, max(a.value, b.value), a.start, b.end, high=min(a.value, b.value))
            return True
        per = self._marker("per_every", a.end)
        if per == b.start and a.scale is None and b.scale is None and 0 < a.value < b.value <= 1000 \
                and (b.value <= 10 or b.value in (100, 1000) or not self.arabic_text):
            self._add(Kind.FRACTION, a.value / b.value, a.start, b.end)
            return True
        return False

    def _one_in(self, num: _Num) -> bool:
        """طفل من كل خمسة أطفال (one child in five): a noun, "in every", a number is a share."""
        start = self._marker_ending("per_every", num.start, 3)
        if start is None or start < 1 or num.scale is not None or not 1 < num.value <= 100:
            return False
        noun = self.tokens[start - 1]
        if noun.kind != "ar" or self.taken[start - 1] or self._word(start - 1) is not None:
            return False
        self._add(Kind.FRACTION, ONE / num.value, start - 1, num.end)
        return True

    def _typed(self, num: _Num) -> None:
        """Say what kind of quantity a number is from the words around it, and add it."""
        i, end = num.start, num.end
        tok = self.tokens[i]
        value = num.value
        if tok.kind == "num" and tok.suffix.lower() in ("st", "nd", "rd", "th"):
            num = num._replace(ordinal=True)
        kind = Kind.ORDINAL if num.ordinal else Kind.COUNT
        optional = num.weak or (kind is Kind.ORDINAL and value <= 2 and num.scale is None)
        fields: dict[str, object] = {}
        if num.alternative is not None:
            fields["alternative"] = num.alternative
        if num.approximate:
            fields["exactness"] = Exactness.APPROXIMATE
        # a time of day
        clock = self._clock(num)
        if clock is not None:
            minutes, start, stop, twelve = clock
            self._add(Kind.TIME, Decimal(minutes), start, stop, unit="12h" if twelve else "")
            return
        # a decade in digits: 1990s, '90s
        if tok.suffix == "s" and value % 10 == 0 and (value >= 1000 or 10 <= value <= 90) and num.end == i + 1:
            if self._age_words_before(i):
                self._add(Kind.AGE, value % 100, i, end, high=value % 100 + 9)
            else:
                self._add(Kind.DECADE, value, i, end, optional=True)
            return
        # a share, a multiple: ثلاثة أرباع, two thirds, three-quarters, ثلاثة أضعاف, 3-fold
        k = end + (1 if self._key(end) == "-" else 0)
        share = self._fraction_word(k)
        if share is not None and share[1].role in ("fraction_plural", "multiplier_plural") and not num.ordinal:
            stop, word = share
            if word.role == "fraction_plural":
                self._add(Kind.FRACTION, value * word.value, i, stop)
            else:
                self._add(Kind.MULTIPLIER, value, i, stop)
            return
        if num.times:
            self._add(Kind.COUNT, value, i, end, unit="time", optional=optional)
            return
        # a sign
        negative = self._negative_before(i)
        start = negative if negative is not None else i
        if negative is not None:
            value = -value
        # an age: عن عمر ناهز 91 عاما, aged 91, 45-year-old, في الثالثة من عمرها, في العقد السابع من عمره
        age_end = self._marker("age_after", end)
        years = self._unit_at(end)
        if age_end is None and years is not None and isinstance(years[1].unit, Unit) and years[1].unit.id == "year":
            age_end = self._marker("age_after", years[0])
            if age_end is None and self._age_before(start):
                age_end = years[0]
        if age_end is not None or (self._age_before(start) and self._unit_at(end) is None):
            stop = age_end if age_end is not None else end
            if self._key(i - 1) in ("العقد", "عقد") and num.ordinal:
                low = (value - 1) * 10
                self._add(Kind.AGE, low, i - 1, stop, high=low + 9)
            else:
                self._add(Kind.AGE, value, start, stop)
            return
        # a unit, a currency, percent, points: after the number, or a sign before it
        currency_before = self._currency_before(start)
        unit_found = None if num.ordinal else self._unit_after(num)
        if currency_before is not None and (unit_found is None or isinstance(unit_found[1].unit, Currency)):
            code_start, currency = currency_before
            stop = end if unit_found is None else max(end, unit_found[0])
            self._add(Kind.MONEY, value, code_start, stop, unit=currency.code, optional=optional, **fields)
            return
        if unit_found is not None:
            stop, form = unit_found
            stop = max(stop, end)
            unit = form.unit
            if isinstance(unit, Currency):
                if unit.code == "pound" and self._marker_anywhere("mass_context"):
                    unit = self.lex.unit_by_id["lb"]  # weighed 6.6 pounds
                else:
                    self._add(Kind.MONEY, value, start, stop, unit=unit.code, optional=optional, **fields)
                    return
            kind_of = _UNIT_KINDS.get(unit.kind, kind)
            after = self._marker("negative_after", stop)
            if after is not None and unit.dimension == "temperature":
                value, stop = -abs(value), after
            half = self._and_a_half(stop)
            if half is not None:
                value, stop = value + HALF, half
            self._add(kind_of, value, start, stop, unit=unit.id, optional=optional, **fields)
            return
        after = self._marker("negative_after", end)
        if after is not None:
            self._add(Kind.MEASURE, -abs(value), start, after, unit="degree")
            return
        # a day or a year of a date
        month_side = self._month_near(i, end)
        hijri_year = self._marker("hijri_year", end)
        if month_side is not None or hijri_year is not None:
            hijri = month_side == "hijri" or hijri_year is not None or i in self.hijri_edges or end in self.hijri_edges
            part = "year" if value >= 100 else "day"
            self._add(Kind.DATE, value, start, hijri_year or end, unit=part, optional=hijri or optional)
            return
        if self._covid(i):
            optional = True
        self._add(kind, value, start, end, optional=optional, **fields)

    def _unit_after(self, num: _Num) -> tuple[int, UnitForm] | None:
        """The unit that says what a number measures: right after it (3 ساعات, 5 مليارات دولار,
        85 km), written against it (45C, 10km), hyphenated (six-month), after a nationality
        (120 million Kuwaiti dirhams), or a definite unit before it (الساعات الـ24)."""
        end = num.end
        if num.end == num.start + 1 and (suffix := self._suffix_unit(num.start)) is not None:
            return end, suffix
        found = self._unit_at(end)
        if found is not None:
            return found
        if self._key(end) in _ADJECTIVES and (found := self._unit_at(end + 1)) is not None:
            return found  # two full days, three consecutive years
        if self._key(end) == "-" and (found := self._unit_at(end + 1)) is not None:
            return found  # six-month, 85-kilometre
        if self._key(end) == "of" and num.approximate:
            return self._unit_at(end + 1)  # a couple of days
        if end + 1 < self.n and self.tokens[end].kind == "lat" and self.tokens[end].text[:1].isupper():
            found = self._unit_at(end + 1)
            if found is not None and isinstance(found[1].unit, Currency):
                return found  # 120 million Kuwaiti dirhams
        return self._unit_before(num.start)

    def _marker_anywhere(self, meaning: str) -> bool:
        return meaning in self.meanings

    def _clock(self, num: _Num) -> tuple[int, int, int, bool] | None:
        """A time of day: (minutes after midnight, first token, end token, whether am or pm is
        unknown)."""
        i, end = num.start, num.end
        tok = self.tokens[i]
        value = num.value
        if num.scale is not None:
            return None
        before = self._marker_ending("clock_before", i, 2)
        suffix = tok.suffix.lower() if tok.kind == "num" else ""
        utc = None
        hour, minute, start = int(value), 0, i if before is None else before
        if value != value.to_integral_value():  # 8.30pm, 8.30 p.m.
            fraction = tok.text.partition(".")[2]
            if tok.kind != "num" or len(fraction) != 2 or int(fraction) >= 60 or not (
                    suffix in ("am", "pm") or self._marker("am", end) or self._marker("pm", end)):
                return None
            minute = int(fraction)
        if tok.kind == "num" and len(tok.text) == 4 and tok.text[0] in "012" and int(tok.text[2:]) < 60 and \
                int(tok.text[:2]) < 24 and (utc := self._marker("utc", end)) is not None:
            return int(tok.text[:2]) * 60 + int(tok.text[2:]), i, utc, False  # 0630 GMT
        for (first, second), minutes in _EN_CLOCK_BEFORE.items() if not minute else ():
            if self._key(i - 1) == second and self._key(i - 2) == first:
                minute = minutes
                start = i - 2 - (1 if self._key(i - 3) == "a" else 0)
        stop = end
        if self._key(stop) in _CLOCK_MINUTES:
            minute, stop = _CLOCK_MINUTES[self._key(stop)], stop + 1
        elif self._key(stop) == "الا" and self._key(stop + 1) in ("ربعا", "ربع", "الربع"):
            minute, stop = -15, stop + 2
        elif self._key(stop) == "الا" and self._key(stop + 1) == "الثلث":
            minute, stop = -20, stop + 2
        period = None
        for meaning in ("am", "pm", "noon_pm", "night"):
            if suffix == meaning:  # 4pm
                period = meaning
                break
            found = self._marker(meaning, stop)
            if found is not None:
                period, stop = meaning, found
                break
        if period is None and self._key(stop) in ("o'clock", "oclock"):
            stop += 1
            period = "oclock"
        if before is None and period is None and (minute == 0 or value != value.to_integral_value()):
            return None
        if not 0 <= hour <= 24 or (before is not None and self.tokens[before].kind == "lat" and period is None):
            return None  # "at 8" alone is a number
        if minute < 0:
            hour, minute = hour - 1, 60 + minute
        if utc is None and (found := self._marker("utc", stop)) is not None:
            stop = found
        return _hour(hour, period) * 60 + minute, start, stop, period is None and hour <= 12

    def _clock_token(self, i: int) -> None:
        tok = self.tokens[i]
        hour, minute = tok.parts[0] or 0, tok.parts[1] or 0
        stop = i + 1
        period = None
        for meaning in ("am", "pm", "noon_pm", "night"):
            found = self._marker(meaning, stop)
            if found is not None:
                period, stop = meaning, found
                break
        twelve = period is None and hour <= 12 and not tok.text.startswith("0")  # 06:30 is a 24-hour clock
        if (found := self._marker("utc", stop)) is not None:
            stop = found
        start = self._marker_ending("clock_before", i, 2)
        start = i if start is None else start
        self._add(Kind.TIME, Decimal(_hour(hour, period) * 60 + minute), start, stop, unit="12h" if twelve else "")

    def _date(self, i: int) -> None:
        tok = self.tokens[i]
        day, month, year = tok.parts
        if not self.arabic_text and day is not None and month is not None and month > 12 >= day:
            day, month = month, day  # 10/25/2024
        if month is None or not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
            for part in tok.parts:
                if part is not None:
                    self._add(Kind.COUNT, Decimal(part), i, i + 1)
            return
        stop = self._marker("hijri_year", i + 1)
        hijri = stop is not None
        end = stop or i + 1
        if day is not None:
            self._add(Kind.DATE, Decimal(day), i, end, unit="day", optional=hijri)
        self._add(Kind.DATE, Decimal(month), i, end, unit="hijri month" if hijri else "month", optional=hijri)
        self._add(Kind.DATE, Decimal(year or 0), i, end, unit="year", optional=hijri)
        self._take(i, end)

    def _negative_before(self, i: int) -> int | None:
        start = self._marker_ending("negative_before", i, 2)
        if start is not None:
            return start
        if i >= 1 and self.tokens[i - 1].text == "-" and self.tokens[i - 1].end == self.tokens[i].start:
            if i < 2:
                return i - 1
            prev = self.tokens[i - 2]
            if prev.end < self.tokens[i - 1].start and prev.kind not in ("num",) and not self._is_number_word(i - 2):
                return i - 1
        return None

    def _is_number_word(self, i: int) -> bool:
        return self._word(i) is not None or (0 <= i < self.n and self.taken[i])

    def _age_before(self, i: int) -> bool:
        for start in range(max(0, i - 4), i):
            stop = self._marker("age_before", start)
            if stop is not None and i - stop <= 1:
                return True
        return False

    def _age_words_before(self, i: int) -> bool:
        """in his 40s, in her forties"""
        k = i - 1
        if self._key(k) in ("early", "mid", "late", "-"):
            k -= 1
        if self._key(k) in ("mid",):
            k -= 1
        return self._key(k) in ("his", "her", "their") and self._key(k - 1) == "in"

    def _currency_before(self, i: int) -> tuple[int, Currency] | None:
        prefixes = self.lex.currency_prefixes
        for k in (i - 1, i - 2):
            if k < 0 or self.taken[k]:
                continue
            tok = self.tokens[k]
            if tok.text in prefixes and (k == i - 1 or self.tokens[k + 1].text in _CURRENCY_SIGNS):
                start = k
                if tok.text == "$" and k >= 1 and self.tokens[k - 1].text == "US":
                    start = k - 1
                return start, prefixes[tok.text]
            if k == i - 1 and tok.kind == "lat" and tok.text.upper() in prefixes and tok.text.isupper():
                return k, prefixes[tok.text.upper()]
        return None

    def _suffix_unit(self, i: int) -> UnitForm | None:
        """A unit written against the digits: 45C, 10km, 40kg (not 21st, 1990s, 10k, $2.5m)."""
        tok = self.tokens[i]
        suffix = tok.suffix.lower()
        if not suffix or suffix in ("st", "nd", "rd", "th", "s", "k", "bn", "mn", "tn", "b", "am", "pm") or \
                (suffix == "m" and self._money_m(i)):
            return None
        found = self.lex.units.match([tok._replace(kind="lat", key=suffix)], 0)
        return found[1] if found else None

    def _unit_before(self, i: int) -> tuple[int, UnitForm] | None:
        """الساعات الـ24 الماضية: a definite unit, then the article written against the number."""
        if i >= 2 and self.tokens[i - 1].key == "ال":
            found = self.lex.units.match(self.tokens, i - 2)
            if found and found[0] == i - 1:
                return i + 1, found[1]
        return None

    def _and_a_half(self, k: int) -> int | None:
        """ساعة ونصف، عامين ونصف، an hour and a half"""
        if self._key(k) == "ونصف":
            return k + 1
        if self._key(k) == "and" and self._key(k + 1) == "a" and self._key(k + 2) == "half":
            return k + 3
        return None

    def _month_near(self, i: int, end: int) -> str | None:
        for k in (end, i - 1):
            if k in self.month_at:
                return self.month_at[k]
        if self._key(end) in ("of", "من") and end + 1 in self.month_at:
            return self.month_at[end + 1]
        if i - 2 >= 0 and self._key(i - 1) in (",",) and i - 2 in self.month_at:
            return self.month_at[i - 2]
        return None

    def _covid(self, i: int) -> bool:
        keys = [self._key(i - 1), self._key(i - 2)]
        return keys[0] in ("covid", "كوفيد") or (keys[0] == "-" and keys[1] in ("covid", "كوفيد"))

    def _share_units(self) -> None:
        """5 to 7 years, بين 2 و4 درجات: the first number of a range takes the second's unit."""
        ordered = sorted(range(len(self.out)), key=lambda k: self.out[k].start)
        for a_index, b_index in itertools.pairwise(ordered):
            a, b = self.out[a_index], self.out[b_index]
            if a.kind is not Kind.COUNT or a.unit or not b.unit or b.kind in (Kind.COUNT, Kind.ORDINAL):
                continue
            if a.value >= b.value and b.kind is not Kind.MEASURE:
                continue
            gap = self._tokens_between(a, b)
            if gap is not None and (not gap or (len(gap) == 1 and gap[0].key in self.lex.marker_words["range"])):
                self.out[a_index] = Quantity(b.kind, a.value, unit=b.unit, optional=a.optional, text=a.text,
                                             start=a.start, exactness=a.exactness)

    def _tokens_between(self, a: Quantity, b: Quantity) -> list[Token] | None:
        starts = [t.start for t in self.tokens]
        try:
            first = starts.index(a.start)
            second = starts.index(b.start)
        except ValueError:
            return None
        k = first
        while k < second and self.taken[k]:
            k += 1
        gap = self.tokens[k:second]
        if len(gap) == 1 and gap[0].kind == "ar" and gap[0].key.startswith("و"):
            return []
        if not gap and self.tokens[second].kind == "ar" and self.tokens[second].key.startswith("و"):
            return []
        return gap

    # --- pass 3: quantities said without a number -------------------------------------------

    def _words(self) -> None:
        i = 0
        while i < self.n:
            if self.taken[i] or self.tokens[i].kind not in ("ar", "lat"):
                i += 1
                continue
            if not self.known[i]:
                i = self._dual(i) or i + 1
                continue
            for read in (self._fraction, self._unit_alone, self._dual):
                stop = read(i)
                if stop:
                    i = stop
                    break
            else:
                i += 1

    def _fraction_word(self, i: int) -> tuple[int, object] | None:
        if not 0 <= i < self.n or self.taken[i]:
            return None
        tok = self.tokens[i]
        for _, stem in first_keys(tok):
            word = self.lex.fractions.get(stem)
            if word is not None:
                return i + 1, word
        return None

    def _fraction(self, i: int) -> int | None:
        tok = self.tokens[i]
        for prefix, stem in first_keys(tok):
            word = self.lex.fractions.get(stem)
            if word is None:
                continue
            if word.role in ("fraction_plural", "multiplier_plural"):
                return None
            nxt = self._key(i + 1)
            if nxt in _FINALS or (i + 1 < self.n and self._ordinal_word(i + 1)):
                return None  # ربع النهائي, الربع الأول, first half: not shares
            if word.needs == "definite" and not (definite(prefix) or self._definite_next(i)):
                return None
            if word.needs == "of" and not self._english_fraction(i):
                return None
            start = i - 1 if self._key(i - 1) in ("a", "one") or (self._key(i - 1) == "-") else i
            if self._key(i - 1) == "-" and self._key(i - 2) in ("one", "a"):
                start = i - 2
            if word.role == "multiplier":
                self._add(Kind.MULTIPLIER, word.value, i, i + 1, optional=word.needs == "weak")
                return i + 1
            # a share of a unit or a scale: نصف ساعة، ربع قرن، half an hour, a quarter of a point
            k = i + 1
            while tok.kind == "lat" and self._key(k) in _EN_SOFT_LINKS:
                k += 1
            scale = self._word(k)
            if scale is not None and scale[0].role == "scale" and not scale[1]:
                self._add(Kind.COUNT, word.value * scale[0].value, start, k + 1)
                return k + 1
            unit = self._unit_at(k)
            if unit is not None and isinstance(unit[1].unit, Unit) and unit[1].unit.kind != "count" \
                    and unit[1].count != 2:
                stop, form = unit
                kind = {"measure": Kind.MEASURE, "duration": Kind.DURATION, "percentage_point": Kind.PERCENTAGE_POINT,
                        "percent": Kind.PERCENT}[form.unit.kind]
                self._add(kind, word.value, start, stop, unit=form.unit.id)
                return stop
            self._add(Kind.FRACTION, word.value, start, i + 1, optional=word.value == HALF)
            return i + 1
        return None

    def _ordinal_word(self, i: int) -> bool:
        """An ordinal word, read or not: الربع الأول is a quarter of the year, not a share."""
        if not 0 <= i < self.n:
            return False
        if self._key(i) in ("الاخير", "الاخيره", "first", "second", "third", "fourth", "last", "final"):
            return True
        return any((word := self.lex.numbers.get(stem)) is not None and word.form == "ordinal"
                   for _, stem in first_keys(self.tokens[i]))

    def _soft(self, i: int) -> int | None:
        tok = self.tokens[i]
        for _, stem in first_keys(tok):
            word = self.lex.soft.get(stem)
            if word is None:
                continue
            if word.needs == "article" and self._key(i - 1) not in ("a",):
                return None
            if i >= 1 and (self.tokens[i - 1].kind == "num" or self._word(i - 1) is not None) and word.low >= 1000:
                return None  # ثلاثة آلاف: a scale after a count
            low, high, stop = word.low, word.high, i + 1
            k = stop
            while tok.kind == "lat" and self._key(k) in ("of",):
                k += 1
            more = self._soft_scale(k)
            if more is not None:
                low, high, stop = low * more[0], high * more[0], more[1]
            elif word.needs == "scale":
                return None
            start = i - 1 if self._key(i - 1) == "a" else i
            k = stop
            while self._key(k) in ("of", "من"):
                k += 1
            unit = self._unit_at(k)
            kind, unit_id = Kind.COUNT, ""
            if unit is not None and unit[1].count != 2:
                form = unit[1].unit
                if isinstance(form, Currency):
                    kind, unit_id = Kind.MONEY, form.code
                elif form.kind in ("duration", "measure"):
                    kind, unit_id = (Kind.DURATION if form.kind == "duration" else Kind.MEASURE), form.id
                stop = unit[0] if kind is not Kind.COUNT else stop
            self._add(kind, low, start, stop, high=high, unit=unit_id, exactness=Exactness.SOFT, optional=high < 10)
            return stop
        return None

    def _soft_scale(self, k: int) -> tuple[Decimal, int] | None:
        """The scale after a soft count: عشرات الآلاف, tens of thousands, a few hundred."""
        if not 0 <= k < self.n or self.taken[k]:
            return None
        for _, stem in first_keys(self.tokens[k]):
            soft = self.lex.soft.get(stem)
            if soft is not None and soft.needs == "-" and soft.low >= 100:
                return soft.low, k + 1
            word = self.lex.numbers.get(stem)
            if word is not None and word.role in ("scale", "hundred") and word.form != "suffix":
                return word.value, k + 1  # a few hundred, several dozen
        return None

    def _decade(self, i: int) -> int | None:
        tok = self.tokens[i]
        for _, stem in first_keys(tok):
            value = self.lex.decades.get(stem)
            if value is None:
                continue
            stop = i + 1
            age_end = self._marker("age_after", stop)
            if age_end is not None or self._age_words_before(i):
                self._add(Kind.AGE, Decimal(value), i, age_end or stop, high=Decimal(value + 9))
                return age_end or stop
            k = stop + (1 if self._key(stop) == "من" else 0)
            past = self._marker("decade_century_past", k)
            present = self._marker("decade_century_present", k)
            if past is not None:
                self._add(Kind.DECADE, Decimal(1900 + value), i, past, optional=True)
                return past
            if present is not None:
                self._add(Kind.DECADE, Decimal(2000 + value), i, present, optional=True)
                return present
            self._add(Kind.DECADE, Decimal(value), i, stop, optional=True)
            return stop
        return None

    def _unit_alone(self, i: int) -> int | None:
        """يومين (two days), ساعة ونصف (an hour and a half), لمدة عام (for a year), a week."""
        found = self._unit_at(i)
        if found is None:
            return None
        stop, form = found
        unit = form.unit
        if isinstance(unit, Currency) or unit.kind == "percent":
            return None
        kind = _UNIT_KINDS.get(unit.kind, Kind.COUNT)
        half = self._and_a_half(stop)
        if form.count == 2:
            start, value, optional = i, TWO, False
        elif self.tokens[i].kind == "lat":
            skip = 2 if self._key(i - 1) in _ADJECTIVES else 1
            before = self._key(i - skip)
            if before not in ("a", "an", "one", "another") and not (before == "the" and skip == 2):
                return None
            start, value, optional = i - skip, ONE, True
        elif form.count == 1 and (half is not None or (
                unit.kind == "duration" and self._marker_ending("duration_before", i, 2) is not None
                and not (stop < self.n and self.tokens[stop].kind == "num"))):
            start, value, optional = i, ONE, True
        else:
            return None
        if half is not None:
            value, stop, optional = value + HALF, half, False
        self._add(kind, value, start, stop, unit=unit.id, optional=optional)
        return stop

    def _dual(self, i: int) -> int | None:
        """An Arabic dual noun (الطرفان, وزيران, جرعتين) means two: it supports a "two" in the
        translation, and is never reported on its own (a plural in ـين looks the same)."""
        tok = self.tokens[i]
        if tok.kind != "ar":
            return None
        not_dual = self.lex.marker_words.get("not_dual", frozenset())
        for prefix, stem in stems(tok.key):
            if prefix and not (prefix.endswith("ال") or prefix in ("و", "ب", "ل", "ف", "لل")):
                continue
            if len(stem) >= 4 and stem.endswith(("ان", "ين")) and stem not in not_dual and tok.key not in not_dual:
                self._add(Kind.COUNT, TWO, i, i + 1, optional=True, exactness=Exactness.APPROXIMATE)
                return i + 1
        return None

    # --- pass 4: what counts count ----------------------------------------------------------

    def _concepts(self) -> list[Quantity]:
        """Each count with the nearest concept word of every axis (4 جنود: soldier; قتل 4: killed)."""
        if not self.concepts:
            return self.out
        index = {t.start: k for k, t in enumerate(self.tokens)}
        firsts = {index[q.start] for q in self.out if q.start in index}
        out = []
        for q in self.out:
            if q.kind not in (Kind.COUNT, Kind.MONEY, Kind.PERCENT, Kind.MEASURE) or q.start not in index:
                out.append(q)
                continue
            first = index[q.start]
            last = first
            while last + 1 < self.n and self.taken[last + 1] and last + 1 not in firsts:
                last += 1
            found: dict[str, tuple[int, str]] = {}
            for k, concept in self.concepts.items():
                if k > last:
                    distance, preferred = k - last, concept.side == "after"
                elif k < first:
                    distance, preferred = first - k, concept.side == "before"
                else:
                    continue
                if distance > (3 if preferred else 2) or self._number_between(first, last, k, firsts):
                    continue
                rank = distance + (0 if preferred else 3)
                if concept.axis not in found or rank < found[concept.axis][0]:
                    found[concept.axis] = (rank, concept.name)
            names = tuple(name for _, name in sorted(found.values()))
            out.append(q if not names else _with_concepts(q, names))
        return out

    def _number_between(self, first: int, last: int, k: int, firsts: set[int]) -> bool:
        low, high = (last + 1, k) if k > last else (k + 1, first)
        return any(m in firsts or self.tokens[m].kind == "num" for m in range(low, high))

    def _soft_counts(self) -> None:
        i = 0
        while i < self.n:
            readable = not self.taken[i] and self.known[i] and self.tokens[i].kind in ("ar", "lat")
            i = (self._soft(i) if readable else None) or i + 1

    def _goal_pairs(self) -> None:
        """بثلاثة أهداف مقابل هدفين, "two goals to one": two goal counts make a score."""
        index = {t.start: k for k, t in enumerate(self.tokens)}
        ordered = sorted(self.out, key=lambda q: q.start)
        for a, b in itertools.pairwise(ordered):
            if a.kind is not Kind.COUNT or a.unit != "goal" or b.kind is not Kind.COUNT or b.unit not in ("goal", ""):
                continue
            first, second = index[a.start], index[b.start]
            if not any(t.key in _GOAL_AGAINST for t in self.tokens[max(first + 1, second - 2):second]):
                continue
            self.out.remove(a)
            self.out.remove(b)
            self.out.append(Quantity(Kind.SCORE, max(a.value, b.value), min(a.value, b.value),
                                     text=f"{a.text} … {b.text}", start=a.start))
        for k, tok in enumerate(self.tokens):  # بهدفين مقابل هدف: a goal said without a number
            if tok.key not in _GOAL_AGAINST or k + 1 >= self.n or self.taken[k + 1]:
                continue
            found = self.lex.units.match(self.tokens, k + 1)
            if not found or not isinstance(found[1].unit, Unit) or found[1].unit.id != "goal" or found[1].count != 1:
                continue
            before = [q for q in self.out if q.kind is Kind.COUNT and q.unit == "goal" and q.start < tok.start]
            if before:
                a = before[-1]
                self.out.remove(a)
                self.out.append(Quantity(Kind.SCORE, max(a.value, ONE), min(a.value, ONE),
                                         text=f"{a.text} … {self.tokens[k + 1].text}", start=a.start))
                self._take(k + 1, found[0])

    def run(self) -> tuple[Quantity, ...]:
        self._phrases()
        self._soft_counts()
        self._numbers()
        self._words()
        self._goal_pairs()
        return tuple(sorted(self._concepts(), key=lambda q: q.start))


def _hour(hour: int, period: str | None) -> int:
    """The hour on a 24-hour clock, given the part of the day said after it."""
    if period == "am":
        return 0 if hour == 12 else hour
    if period == "pm":
        return hour + 12 if hour < 12 else hour
    if period == "noon_pm":  # ظهرا: 12 noon to 3 pm
        return hour + 12 if 1 <= hour <= 5 else hour
    if period == "night":  # ليلا: 7 pm to 4 am
        return hour + 12 if 6 <= hour <= 11 else (0 if hour == 12 else hour)
    return hour % 24


def _with_concepts(q: Quantity, concepts: tuple[str, ...]) -> Quantity:
    return Quantity(q.kind, q.value, q.high, q.unit, q.exactness, q.optional, concepts, q.alternative, q.text, q.start)


def read_quantities(text: str, language: str | None = None) -> tuple[Quantity, ...]:
    """The quantities ``text`` mentions, in reading order. ``language`` is ``"ar"`` or ``"en"``
    (it decides the order of a numeric date's day and month); by default, Arabic when the text
    has Arabic letters."""
    if not text:
        return ()
    return _Reader(text, language).run()


def concept_axis(concept: str) -> str:
    """The axis of a concept from ``counted.tsv`` (``who``, ``fate``, ``vote`` …)."""
    return lexicon().axis_of.get(concept, "")
