"""A number written out in words, or in digits with scale words, read word by word in either
language: خمسة وعشرون، ثلاثة آلاف وخمسمئة، مليار و200 مليون، مليون ونصف المليون, two hundred and
twenty, 2.5 million, half a million. Arabic puts units before tens (خمسة وعشرون), English after
(twenty-five); both join the parts of a number with "and" (و) and multiply by scale words."""

from __future__ import annotations

from decimal import Decimal

from translate.numbers.lexicon import NumberWord

ZERO, ONE, TWO, HALF = Decimal(0), Decimal(1), Decimal(2), Decimal("0.5")
SCALE_ROLES = frozenset(("scale", "scale_plural", "scale_or_dual"))


class Chain:
    """A written-out number read word by word (خمسة وعشرون، ثلاثة آلاف وخمسمئة، two hundred and
    twenty, 2.5 million, مليار و200 مليون): ``total`` holds what scale words have multiplied,
    ``segment`` the part below the last scale, ``last`` the role of the previous word."""

    __slots__ = ("base", "last", "ordinal", "scale", "segment", "total", "weak", "words")

    def __init__(self) -> None:
        self.total = ZERO
        self.segment: Decimal | None = None
        self.last = ""
        self.scale: Decimal | None = None
        self.base = ZERO
        self.ordinal = False
        self.weak = True
        self.words = 0

    def value(self) -> Decimal:
        if not self.total:  # no rounding of long digit strings (accounts, IDs) by Decimal arithmetic
            return self.segment or ZERO
        return self.total + (self.segment or ZERO)

    def take(self, word: NumberWord, joined: bool, arabic: bool, following: NumberWord | None) -> bool:
        """Take one more word; False when it starts something else."""
        role, value, last = word.role, word.value, self.last
        if not last:
            return self._first(word)
        if role in SCALE_ROLES:
            if joined or last in ("scale", "times", "adjective") or self.segment is None:
                return last == "half_start" and self._scale(value, HALF) and self._took(word)
            if self.scale is not None and value >= self.scale:
                return False
            if role == "scale_plural" and not 3 <= self.segment <= 10:
                return False
            return self._scale(value, self.segment) and self._took(word)
        if role == "half":
            if not joined:
                return False
            if last == "scale" and self.scale is not None:
                self.total += self.scale * HALF
                self.last = "halfscale"
            elif last in ("digit", "number", "teen", "tens") and self.scale is None and self.segment is not None:
                self.segment += HALF
                self.last = "half"
            else:
                return False
            return self._took(word)
        segment = self.segment or ZERO
        ones, tens = segment % 10, segment % 100
        if role == "hundred":
            if joined or last not in ("digit", "teen", "a", "number") or not 0 < segment < 20:
                return False
            self.segment = segment * 100
            self.last = "hundreds"
        elif role == "hundreds":
            if not (joined and last == "scale"):
                return False
            self.segment, self.last = value, "hundreds"
        elif role == "number":
            if not (joined and last == "scale") or following is None or following.role not in SCALE_ROLES:
                return False
            if self.scale is None or following.value >= self.scale:
                return False
            self.segment, self.last = value, "number"
        elif role == "ten":
            if not joined and last == "digit" and 0 < tens < 10 and arabic:
                self.segment = segment + 10  # ثلاثة عشر, الخامس عشر
                self.last = "teen"
            elif joined and (last == "hundreds" or last == "scale") and tens == 0:
                self.segment = (segment if last == "hundreds" else ZERO) + value
                self.last = "teen"
            else:
                return False
        elif role == "teen":
            if arabic or last not in ("hundreds", "scale") or tens:
                return False
            self.segment = (segment if last == "hundreds" else ZERO) + value
            self.last = "teen"
        elif role == "tens":
            if arabic:
                if not joined:
                    return False
                if last == "digit" and 0 < tens < 10:
                    self.segment = segment + value  # خمسة وعشرون
                elif last in ("hundreds", "scale") and tens == 0:
                    self.segment = (segment if last == "hundreds" else ZERO) + value
                else:
                    return False
            elif last in ("hundreds", "scale") and tens == 0:
                self.segment = (segment if last == "hundreds" else ZERO) + value
            else:
                return False
            self.last = "tens"
        elif role == "digit":
            if arabic:
                if not joined or last not in ("hundreds", "scale") or ones:
                    return False
                self.segment = (segment if last == "hundreds" else ZERO) + value
            elif last == "tens" and not ones:
                self.segment = segment + value  # twenty-five, twenty five
            elif last in ("hundreds", "scale") and not tens:
                self.segment = (segment if last == "hundreds" else ZERO) + value
            else:
                return False
            self.last = "digit"
        else:
            return False
        return self._took(word)

    def _scale(self, multiplier: Decimal, count: Decimal) -> bool:
        self.total += count * multiplier
        self.base = count
        self.segment, self.scale, self.last = None, multiplier, "scale"
        self.weak = False
        return True

    def _took(self, word: NumberWord) -> bool:
        self.words += 1
        self.ordinal = self.ordinal or word.form == "ordinal"
        self.weak = self.weak and word.form == "weak"
        return True

    def _first(self, word: NumberWord) -> bool:
        role, value = word.role, word.value
        if role == "number":
            self.segment, self.last = value, "number"
            self.weak = False
            return True
        if role in ("digit", "teen", "tens", "hundreds", "times", "adjective"):
            self.segment = value
            self.last = role
        elif role == "ten":
            self.segment, self.last = value, "ten"
        elif role == "hundred":
            self.segment, self.last = value, "hundreds"
        elif role in ("scale", "scale_or_dual"):
            if value == 12:  # dozen needs a count or "a"
                return False
            if role == "scale_or_dual":  # ألفا alone: two thousand
                self.total, self.scale, self.base = value * 2, value, TWO
            else:
                self.total, self.scale, self.base = value, value, ONE
            self.last = "scale"
        elif role == "scale_dual":
            self.total, self.scale, self.base = value, value / 2, TWO
            self.last = "scale"
        elif role == "half":
            self.segment, self.last = value, "half_start"
        elif role == "a":
            self.segment, self.last = ONE, "a"
            return True
        else:
            return False
        return self._took(word)
