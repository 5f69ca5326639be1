"""Reading the numbers and months of a text in either script, for the numbers and dates checks
of :mod:`translate.checks`: :func:`read` gives a :class:`Reading`, and :func:`number_detail` and
:func:`date_detail` say what differs between the readings of a source and its translation.

Numbers are read in both scripts the same way: Arabic-Indic digits, thousands separators
(``,`` ``٬`` and no-break, narrow no-break and thin spaces), decimal points (``.`` ``٫``), scale
words (ألف / آلاف / مليون / مليار … and thousand / million / billion / bn / mn / k, and ``m`` after
a currency sign), number words (ثلاثة، خمسة وعشرون، مئتان … and three, twenty-five, a dozen …) and
ordinals (الثالث، الحادي والعشرين … and third, 21st, XIV). Each side becomes a multiset of values
(``3.50`` → ``3.5``, ``١٠ آلاف`` → ``10000``), and the two multisets are compared.

Some values are *soft*: they may be left out or added without raising a flag, because a faithful
translation often does so — the words for one and two and first and second on either side
(Arabic says "two days" with a dual noun, English says "one of"), number adjectives (قمة ثلاثية,
a decade), halves, decades (``1990s``), ``COVID-19``, and the days and years of Hijri dates (a day
or year next to a Hijri month, or a year marked هـ), which an English translation may drop or
convert. A soft value still matches the same value on the other side.

Month names are compared as sets: Levantine (كانون الثاني … كانون الأول), Egyptian/Gulf (يناير …
ديسمبر) and Maghrebi Arabic names, with attached و / ب / ل / ف, against English names and
abbreviations; a double form (أيلول/سبتمبر) is one month. Names that are also common words (May,
March, مارس "he practised", نيسان "Nissan", رمضان and رجب as first names) count only next to a
number, a date word or another month; آب is August but أب (father) is not. Hijri months are
compared only with Hijri months, and only when both sides name one.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

# --- reading text into tokens -----------------------------------------------------------------------

_PREP = str.maketrans(
    {
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": ",",  # Arabic thousands separator
        "\u0640": None,  # tatweel
        **{chr(c): None for c in range(0x064B, 0x0653)},  # diacritics
        **{chr(c): None for c in (*range(0x200B, 0x2010), 0x061C, *range(0x202A, 0x202F),
                                  *range(0x2066, 0x206A), 0xFEFF, 0x00AD, 0x2060)},
    }
)
_SEP = "\u00a0\u202f\u2009"  # no-break, narrow no-break and thin spaces: thousands separators
_TOKEN = re.compile(
    rf"(?P<phone>\+(?=(?:[ {_SEP}().\-]{{0,2}}\d){{7}})\d(?:[ {_SEP}().\-]{{0,2}}\d)*)"
    rf"|(?P<num>\d{{1,3}}(?:[,{_SEP}]\d{{3}})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+){{2,}}|\d+\.\d+"
    r"|\d+,\d{1,2}(?![\d,])|\d+)(?P<suffix>(?:st|nd|rd|th|s|k|K|bn|mn|tn|m)(?![A-Za-z]))?"
    r"|(?P<lat>[A-Za-z\u00c0-\u024f]+)"
    r"|(?P<ar>[\u0621-\u064a\u0671-\u06d3]+)"
    r"|(?P<p>[^\s\w]|_)"
)
_GROUPED = re.compile(rf"^\d{{1,3}}(?:[,{_SEP}]\d{{3}})+(?:\.\d+)?$")
_SEPARATORS = re.compile(rf"[,{_SEP}]")
_ROMAN = re.compile(r"^(?:X{0,3})(?:IX|IV|VI{0,3}|I{0,3})$")
_CURRENCY_SIGNS = frozenset("$£€¥")
_CURRENCY_WORDS = frozenset(
    "dollars dollar euros euro pounds pound riyals riyal dirhams dirham dinars dinar yuan barrels "
    "people tonnes tons".split()
)
_AR_KEY = str.maketrans("أإآٱىة", "اااايه")


def _ar_key(word: str) -> str:
    """An Arabic word with hamza seats, alif maqsura and ta marbuta folded, for dictionary look-up."""
    return word.translate(_AR_KEY)


class _Tok(NamedTuple):
    kind: str  # phone, num, lat, ar, p
    text: str
    start: int
    end: int
    suffix: str


def _tokens(text: str) -> list[_Tok]:
    tokens = []
    for m in _TOKEN.finditer(text.translate(_PREP)):
        if m.group("num") is not None:
            tokens.append(_Tok("num", m.group("num"), m.start(), m.end(), m.group("suffix") or ""))
        else:
            tokens.append(_Tok(m.lastgroup or "p", m.group(), m.start(), m.end(), ""))
    return tokens


# --- number words ------------------------------------------------------------------------------------


class _Word(NamedTuple):
    kind: str  # digit unit ten teen tens hundred hundreds scale a half adj joiner hyphen frac
    value: Decimal = Decimal(0)
    soft: bool = False
    mult: Decimal | None = None  # a scale word's multiplier after a count
    lang: str = "en"


_K, _M, _B, _T = Decimal(1000), Decimal(10**6), Decimal(10**9), Decimal(10**12)


def _en_words() -> dict[str, _Word]:
    words: dict[str, _Word] = {}
    units = "zero one two three four five six seven eight nine".split()
    for value, word in enumerate(units):
        words[word] = _Word("unit", Decimal(value), soft=value <= 2)
    teens = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
    for value, word in enumerate(teens, 10):
        words[word] = _Word("teen", Decimal(value))
    tens = "twenty thirty forty fifty sixty seventy eighty ninety".split()
    for value, word in zip(range(20, 100, 10), tens, strict=True):
        words[word] = _Word("tens", Decimal(value))
        words[word[:-1] + "ieth"] = _Word("tens", Decimal(value))
    ordinals = "first second third fourth fifth sixth seventh eighth ninth".split()
    for value, word in enumerate(ordinals, 1):
        words[word] = _Word("unit", Decimal(value), soft=value <= 2)
    for value, word in enumerate("tenth eleventh twelfth".split(), 10):
        words[word] = _Word("teen", Decimal(value))
    for value, word in enumerate(teens[3:], 13):
        words[word + "th"] = _Word("teen", Decimal(value))
    words["hundred"] = _Word("hundred", Decimal(100))
    for word, mult in (("thousand", _K), ("million", _M), ("billion", _B), ("trillion", _T),
                       ("dozen", Decimal(12)), ("bn", _B), ("mn", _M), ("tn", _T)):
        words[word] = _Word("scale", mult=mult)
    for word in ("thirds fourths fifths sixths sevenths eighths ninths tenths quarters halves").split():
        words[word] = _Word("frac")
    words["and"] = _Word("joiner")
    words["a"] = _Word("a", Decimal(1))
    words["half"] = _Word("half", Decimal("0.5"))
    words["decade"] = _Word("adj", Decimal(10), soft=True)  # a decade: ten years
    for word in ("centenary", "centennial"):
        words[word] = _Word("adj", Decimal(100), soft=True)
    return words


def _ar_words() -> dict[str, _Word]:
    def ar(kind: str, value: int | str, *spellings: str, soft: bool = False,
           mult: Decimal | None = None) -> None:
        for spelling in spellings:
            words[_ar_key(spelling)] = _Word(kind, Decimal(value), soft, mult, "ar")

    words: dict[str, _Word] = {}
    ar("unit", 0, "صفر", soft=True)
    ar("unit", 1, "واحد", "واحدة", "أحد", "إحدى", "أول", "أولى", "حادي", "حادية", soft=True)
    ar("unit", 2, "ثاني", "ثانية", "ثان", soft=True)
    ar("unit", 2, "اثنان", "اثنين", "اثنتان", "اثنتين", "اثنا", "اثني", "اثنتا", "اثنتي", "إثنان", "إثنين")
    for value, (cardinal, ordinal) in enumerate(
        (("ثلاث", "ثالث"), ("أربع", "رابع"), ("خمس", "خامس"), ("ست", "سادس"), ("سبع", "سابع"),
         ("ثمان", "ثامن"), ("تسع", "تاسع")), 3):
        ar("unit", value, cardinal, cardinal + "ة", ordinal, ordinal + "ة")
    ar("unit", 8, "ثماني", "ثمانية")
    ar("ten", 10, "عشر", "عشرة")
    ar("teen", 10, "عاشر", "عاشرة")
    for value, stem in zip(range(20, 100, 10), ("عشر", "ثلاث", "أربع", "خمس", "ست", "سبع", "ثمان", "تسع"),
                           strict=True):
        ar("tens", value, stem + "ون", stem + "ين")
    ar("hundred", 100, "مئة", "مائة")
    ar("hundreds", 200, "مئتان", "مئتين", "مئتا", "مئتي", "مائتان", "مائتين", "مائتا", "مائتي")
    for value, stem in enumerate(("ثلاث", "أربع", "خمس", "ست", "سبع", "ثمان", "تسع"), 3):
        ar("hundreds", value * 100, stem + "مئة", stem + "مائة")
    ar("hundreds", 800, "ثمانيمئة", "ثمانيمائة")
    for one, many, two, mult in (("ألف", "آلاف", ("ألفان", "ألفين", "ألفي"), _K),
                                 ("مليون", "ملايين", ("مليونان", "مليونين", "مليوني"), _M),
                                 ("مليار", "مليارات", ("ملياران", "مليارين", "ملياري"), _B),
                                 ("بليون", "بلايين", ("بليونان", "بليونين"), _B),
                                 ("تريليون", "تريليونات", ("تريليونان", "تريليونين"), _T)):
        ar("scale", mult, one, one + "ا", mult=mult)  # alone: one thousand / million ...
        ar("scale", 0, many, mult=mult)  # alone: thousands, not a number
        ar("scale", 2 * mult, *two)  # a dual: two thousand; never after a count
    ar("scale", 2000, "ألفا", mult=_K)  # ألفا: two thousand alone, a thousand after a count
    ar("half", "0.5", "نصف")
    ar("half", "0.25", "ربع")
    ar("frac", 0, "أرباع", "أثلاث", "أخماس", "أسداس", "أعشار")  # ثلاثة أرباع: three quarters
    for value, stems in ((2, "ثنائي"), (3, "ثلاثي"), (4, "رباعي"), (5, "خماسي خمسي"), (6, "سداسي"), (7, "سباعي")):
        for stem in stems.split():  # قمة ثلاثية: a three-way summit; خطة خمسية: a five-year plan
            ar("adj", value, stem, stem + "ة", soft=True)
    words["و"] = _Word("joiner", lang="ar")
    return words


_EN = _en_words()
_AR = _ar_words()
_AR_PREFIXES = ("وبال", "وال", "بال", "لل", "ال", "وب", "ول", "و", "ب", "ل", "ف", "ك")
_AR_MONDAY = _ar_key("اثنين")
_AR_FI = "في"
_HIJRI_YEAR_MARKS = frozenset(_ar_key(w) for w in ("ه", "هـ", "هجري", "هجرية", "للهجرة", "الهجري"))
_AR_CLOCK = {_ar_key("والنصف"): "30", _ar_key("والربع"): "15"}
_COVID = frozenset(("covid", _ar_key("كوفيد")))
_AR_DECADE = re.compile(r"^(?:ال)?(?:عشر|ثلاث|اربع|خمس|ست|سبع|ثمان|تسع)ين(?:ي)?ات$")  # الستينيات: the sixties
_AR_CENTURY = frozenset(_ar_key(w) for w in ("القرن", "للقرن", "بالقرن", "والقرن"))
_RANGE_WORDS = frozenset(_ar_key(w) for w in ("-", "–", "—", "to", "and", "or", "through", "و", "أو", "إلى", "حتى"))
_FRACTION_ORDINALS = frozenset("third fourth fifth sixth seventh eighth ninth tenth quarter".split())
_SUFFIX_SCALE = {"k": _K, "K": _K, "bn": _B, "mn": _M, "tn": _T, "m": _M}


class _Role(NamedTuple):
    word: _Word
    waw: bool  # the Arabic word came with و ("and") attached


def _ar_role(key: str, prev_key: str) -> _Role | None:
    word = _AR.get(key)
    if word is not None:
        return _Role(word, False)
    for prefix in _AR_PREFIXES:
        stem = key[len(prefix):]
        if not key.startswith(prefix) or len(stem) < (2 if prefix in ("و", "ال", "وال") else 3):  # الست, not لست
            continue
        word = _AR.get(stem)
        if word is None:
            continue
        definite = "ال" in prefix or prefix == "لل"
        if definite and (stem == _AR_MONDAY or word.kind == "half" or (word.kind == "scale" and not word.value)):
            return None  # الاثنين is Monday; الآلاف and النصف are not counts
        if definite and word.kind == "scale":
            return _Role(word._replace(soft=True), False)  # قرابة الألف, مسيرة المليون
        if word.kind == "hundred" and (prefix in ("بال", "لل") or (definite and prev_key == _AR_FI)):
            return None  # بالمئة / في المئة: per cent
        return _Role(word, prefix.startswith("و"))
    return None


def _digit_role(tok: _Tok, prev: _Tok | None, nxt: _Tok | None) -> _Role | None:
    text = tok.text
    try:
        if text.count(".") >= 2:
            return None  # 1.2.3 and 15.5.2023: read part by part below
        grouped = _GROUPED.match(text) is not None
        value = Decimal(_SEPARATORS.sub("", text) if grouped else text.replace(",", "."))
    except InvalidOperation:
        return None
    suffix, soft, mult = tok.suffix, False, None
    if suffix == "s":
        soft = True  # a decade: 1990s
    elif suffix in _SUFFIX_SCALE:
        money = (prev is not None and prev.text[-1:] in _CURRENCY_SIGNS and prev.end == tok.start) or (
            nxt is not None and nxt.text.lower() in _CURRENCY_WORDS)
        if suffix != "m" or money:
            mult = _SUFFIX_SCALE[suffix]
    return _Role(_Word("digit", value * mult if mult else value, soft, mult), False)


class _Item(NamedTuple):
    value: str
    soft: bool
    start: int  # token indexes
    end: int
    scale: Decimal | None
    base: Decimal  # the count before the last scale word: 7 in "7 million"


class _State:
    """A written-out number being read word by word: ``total`` holds the parts already multiplied by
    a scale word, ``group`` the part below the last scale (``مئة وخمسة`` so far: 105), ``last``
    what the previous word was (unit, teen, tens, hundred, scale, digit, end), which decides the
    words that may follow (Arabic puts units before tens: خمسة وعشرون; English after: twenty-five)."""

    __slots__ = ("base", "group", "last", "scale", "total", "words")

    def __init__(self) -> None:
        self.total = Decimal(0)
        self.group: Decimal | None = None
        self.last = ""
        self.scale: Decimal | None = None
        self.base = Decimal(0)
        self.words: list[_Word] = []

    def value(self) -> Decimal:
        if not self.total:  # no rounding of long digit strings (accounts, IDs) by Decimal arithmetic
            return self.group or Decimal(0)
        return self.total + (self.group or 0)

    def step(self, word: _Word, joined: bool, following: _Role | None) -> bool:
        """Take one more word of a written-out number; False when it starts something else."""
        kind, value, last, ar = word.kind, word.value, self.last, word.lang == "ar"
        if not last:
            return self._first(word)
        if kind == "scale":
            if joined or word.mult is None or self.group is None or last == "scale":
                return False
            if self.scale is not None and word.mult >= self.scale:
                return False
            self.base = self.group
            self.total += self.group * word.mult
            self.group, self.scale, self.last = None, word.mult, "scale"
        elif kind == "hundred":
            if joined or self.group is None or self.group >= 100 or last not in ("unit", "a", "digit", "teen", "tens"):
                return False
            self.group *= 100
            self.last = "hundred"
        elif kind == "ten" and not joined and last == "unit" and self.group is not None:
            self.group += 10  # Arabic عشر after a unit: a teen
            self.last = "teen"
        elif kind == "unit":
            if ar and not joined:
                return False
            if not ar and last == "tens" and not joined:
                self.group = (self.group or 0) + value
                self.last = "end"
            elif last == "hundred":
                self.group = (self.group or 0) + value
                self.last = "unit"
            elif last == "scale":
                self.group, self.last = value, "unit"
            else:
                return False
        elif kind in ("teen", "ten"):
            if ar and not joined:
                return False
            if last == "hundred":
                self.group = (self.group or 0) + value
            elif last == "scale":
                self.group = value
            else:
                return False
            self.last = "end"
        elif kind == "tens":
            if ar and not joined:
                return False
            if ar and last == "unit":
                self.group = (self.group or 0) + value
                self.last = "end"
            elif last == "hundred":
                self.group = (self.group or 0) + value
                self.last = "end" if ar else "tens"
            elif last == "scale":
                self.group = value
                self.last = "end" if ar else "tens"
            else:
                return False
        elif kind == "hundreds":
            if last != "scale" or (ar and not joined):
                return False
            self.group, self.last = value, "hundred"
        elif kind == "digit":  # مليار و200 مليون
            if last != "scale" or not joined or following is None or following.word.kind != "scale":
                return False
            mult = following.word.mult
            if mult is None or self.scale is None or mult >= self.scale or word.mult is not None:
                return False
            self.group, self.last = value, "digit"
        elif kind == "half" and joined:  # مليونان ونصف, two and a half
            if last == "scale" and self.scale is not None:
                self.total += self.scale * value
                self.last = "halfscale"
            elif last in ("unit", "digit") and self.scale is None and self.group is not None:
                self.group += value
                self.last = "digit"
            else:
                return False
        else:
            return False
        self.words.append(word)
        return True

    def _first(self, word: _Word) -> bool:
        kind = word.kind
        if kind in ("digit", "unit", "teen", "tens", "hundreds"):
            self.group = word.value
            self.last = {"digit": "digit", "hundreds": "hundred"}.get(kind, kind)
            if kind == "digit" and word.mult is not None:
                self.base, self.scale = word.value / word.mult, word.mult
        elif kind == "ten":
            self.group, self.last = word.value, "teen"
        elif kind == "hundred" and word.lang == "ar":
            self.group, self.last = word.value, "hundred"
        elif kind == "scale" and word.value:
            self.total, self.last = word.value, "scale"
            self.scale = word.mult or word.value / 2
            self.base = self.total / self.scale
        elif kind == "a":
            self.group, self.last = word.value, "a"
        elif kind == "adj":
            self.group, self.last = word.value, "end"
        else:
            return False
        self.words.append(word)
        return True


def _read(tokens: list[_Tok], skip: set[int]) -> list[_Item]:
    """The numbers of a token list, in order, as items with value, softness and position."""
    roles: list[_Role | None] = []
    keys: list[str] = []
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        key = _ar_key(tok.text) if tok.kind == "ar" else tok.text.lower()
        keys.append(key)
        role: _Role | None = None
        if i in skip:
            pass
        elif tok.kind == "num":
            role = _digit_role(tok, prev, nxt)
        elif tok.kind == "ar":
            role = _ar_role(key, keys[i - 1] if i else "")
        elif tok.kind == "lat":
            word = _EN.get(key)
            if word is not None:
                role = _Role(word, False)
                if key in _FRACTION_ORDINALS and prev is not None and (
                        (prev.text.lower() in ("a", "one") and nxt is not None and nxt.text.lower() == "of")
                        or (prev.text == "-" and i >= 2 and tokens[i - 2].text.lower() == "one")):
                    role = _Role(_Word("frac"), False)  # a third of, one-third
            elif len(key) >= 2 and tok.text.isupper() and _ROMAN.match(tok.text) and prev is not None \
                    and prev.kind == "lat" and prev.text[:1].isupper():
                value = _roman(tok.text)
                role = _Role(_Word("digit", Decimal(value), soft=value <= 2), False)
        elif tok.text == "-" and prev is not None and nxt is not None and prev.kind == nxt.kind == "lat" \
                and prev.end == tok.start and tok.end == nxt.start:
            role = _Role(_Word("hyphen"), False)
        roles.append(role)

    items: list[_Item] = []
    i, n = 0, len(tokens)
    while i < n:
        role = roles[i]
        if role is None or role.word.kind in ("joiner", "hyphen", "frac"):
            if role is None and tokens[i].kind == "num" and tokens[i].text.count(".") >= 2:
                items.extend(_Item(_fmt(Decimal(part)), False, i, i + 1, None, Decimal(0))
                             for part in tokens[i].text.split("."))
            elif tokens[i].kind == "phone":
                items.append(_Item("+" + re.sub(r"\D", "", tokens[i].text), False, i, i + 1, None, Decimal(0)))
            i += 1
            continue
        item = _chain(tokens, roles, i)
        if item is None:
            i += 1
            continue
        if item.end < n and roles[item.end] is not None and roles[item.end].word.kind == "frac":
            i = item.end + 1  # two thirds
            continue
        if item.end + 1 < n and roles[item.end] is not None and roles[item.end].word.kind == "hyphen" \
                and roles[item.end + 1] is not None and roles[item.end + 1].word.kind == "frac":
            i = item.end + 2  # two-thirds
            continue
        items.append(item)
        if role.waw and role.word.kind == "half" and role.word.value == Decimal("0.5") and item.soft:
            items.extend(_Item(value, True, i, i + 1, None, Decimal(0)) for value in ("1.5", "2.5"))  # عامين ونصف
        i = item.end
        minutes = _AR_CLOCK.get(keys[i]) if i < n else None
        if minutes and Decimal(item.value) <= 12:  # العاشرة والنصف: 10:30
            items.append(_Item(minutes, True, i, i + 1, None, Decimal(0)))
    return items


def _chain(tokens: list[_Tok], roles: list[_Role | None], i: int) -> _Item | None:
    """The number that starts at token ``i``, or None when none does."""
    first = roles[i]
    assert first is not None
    n = len(tokens)
    word = first.word
    if word.kind == "half":  # half a million, نصف مليون
        j = i + 1
        if word.lang == "en" and j < n and tokens[j].text.lower() == "a":
            j += 1
        nxt = roles[j] if j < n else None
        if nxt is None or nxt.word.kind != "scale" or nxt.word.mult is None or nxt.waw or (
                word.lang == "en" and j == i + 1):
            return _Item(_fmt(word.value), True, i, i + 1, None, Decimal(0))  # half the population, نصف نقطة
        mult = nxt.word.mult
        return _Item(_fmt(word.value * mult), False, i, j + 1, mult, word.value)
    if word.kind == "a":
        nxt = roles[i + 1] if i + 1 < n else None
        if nxt is None or nxt.word.lang != "en" or nxt.word.kind not in ("hundred", "scale"):
            return None
    state = _State()
    j, joined = i, False
    while j < n:
        role = roles[j]
        if role is None:
            break
        kind = role.word.kind
        if kind in ("joiner", "hyphen"):
            if not state.last or joined or j + 1 >= n or roles[j + 1] is None:
                break
            if kind == "hyphen" and (state.last != "tens" or roles[j + 1].word.kind != "unit"):
                break
            if kind == "joiner" and role.word.lang == "en" and j + 2 < n and tokens[j + 1].text.lower() == "a" \
                    and roles[j + 2] is not None and roles[j + 2].word.kind == "half":
                j += 1  # two and a half million
            probe = _copy(state)
            following = roles[j + 2] if j + 2 < n else None
            if not probe.step(roles[j + 1].word, kind == "joiner", following):
                break
            joined = kind == "joiner"
            j += 1
            continue
        following = roles[j + 1] if j + 1 < n else None
        if not state.step(role.word, joined or role.waw, following):
            break
        joined = False
        j += 1
        if role.word.kind == "half" and state.last == "halfscale" and j < n and _is_definite_scale(tokens[j]):
            j += 1  # مليون ونصف المليون
    if not state.words or state.last == "a":
        return None
    while j > i and roles[j - 1] is not None and roles[j - 1].word.kind in ("joiner", "hyphen"):
        j -= 1
    soft = state.scale is None and all(w.soft or w.kind == "half" for w in state.words)  # one, two and a half
    return _Item(_fmt(state.value()), soft, i, j, state.scale, state.base)


def _is_definite_scale(tok: _Tok) -> bool:
    key = _ar_key(tok.text)
    return tok.kind == "ar" and key.startswith("ال") and _AR.get(key[2:], _Word("")).kind == "scale"


def _copy(state: _State) -> _State:
    probe = _State()
    probe.total, probe.group, probe.last, probe.scale, probe.base = (
        state.total, state.group, state.last, state.scale, state.base)
    return probe


def _roman(text: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for a, b in zip(text, text[1:] + " ", strict=True):
        total += -values[a] if b != " " and values[b] > values[a] else values[a]
    return total


def _fmt(value: Decimal) -> str:
    """A value as digits, without trailing decimal zeros (``3.50`` → ``3.5``) and without rounding."""
    text = format(value, "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def _ranges(tokens: list[_Tok], items: list[_Item]) -> list[_Item]:
    """``5 to 7 million`` and ``بين 5 و7 ملايين``: the first number of a range takes the scale of
    the second."""
    out = list(items)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        if a.scale is not None or b.scale is None or b.base <= 0:
            continue
        between = [t.text.lower() for t in tokens[a.end:b.start]]
        waw = tokens[b.start].kind == "ar" and _ar_key(tokens[b.start].text).startswith("و")
        if not (between and len(between) == 1 and _ar_key(between[0]) in _RANGE_WORDS) and not (not between and waw):
            continue
        try:
            count = Decimal(a.value)
        except InvalidOperation:
            continue
        if 0 < count <= b.base:
            out[k] = a._replace(value=_fmt(count * b.scale), soft=False, scale=b.scale)
    return out


# --- months ---------------------------------------------------------------------------------------

_EN_MONTHS = {name: number for number, name in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
_EN_MONTH_ABBREVIATIONS = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8,
                           "Sep": 9, "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12}
_EN_NEEDS_CONTEXT = frozenset(("May", "March"))
_EN_DATE_WORDS = frozenset(
    "in of since until till by early late mid last next this from to through on during before after "
    "between end start beginning throughout around".split())
_EN_HIJRI = re.compile(
    r"\b(?:(Muharram)|(Safar)|(Rabi)|(Jumad[ae])|(Rajab)|(Sha['’]?ban)|(Ramadh?an)|(Shawwal)"
    r"|(Dhu[a-z'’\s-]{0,5}Qa['’]?dah?|Dhul[a-z'’\s-]{0,3}Qa['’]?dah?)|(Dhu[a-z'’\s-]{0,5}Hijj?ah?|Dhul[a-z'’\s-]{0,3}Hijj?ah?))\b")
_AR_MONTHS = {
    _ar_key(name): number
    for number, names in enumerate(
        (
            "يناير جانفي", "شباط فبراير فيفري", "آذار مارس", "نيسان أبريل إبريل أفريل", "أيار مايو ماي",
            "حزيران يونيو يونيه جوان", "تموز يوليو يوليه جويلية", "أغسطس أوت", "أيلول سبتمبر",
            "أكتوبر", "نوفمبر", "ديسمبر",
        ), 1)
    for name in names.split()
}
_AR_TWO_WORD_MONTHS = {  # first word → second word → month (Hijri months are numbered 101-112)
    _ar_key("كانون"): {_ar_key("الثاني"): 1, _ar_key("الأول"): 12},
    _ar_key("تشرين"): {_ar_key("الأول"): 10, _ar_key("الثاني"): 11},
    _ar_key("ربيع"): {_ar_key(w): 103 for w in ("الأول", "الثاني", "الآخر")},
    _ar_key("جمادى"): {_ar_key(w): 105 for w in ("الأولى", "الأول", "الآخرة", "الثانية", "الآخر")},
    _ar_key("ذو"): {_ar_key("القعدة"): 111, _ar_key("الحجة"): 112},
    _ar_key("ذي"): {_ar_key("القعدة"): 111, _ar_key("الحجة"): 112},
}
_AR_HIJRI = {_ar_key(name): number for name, number in (
    ("محرم", 101), ("صفر", 102), ("رجب", 107), ("شعبان", 108), ("رمضان", 109), ("شوال", 110))}
_AR_NEEDS_CONTEXT = frozenset(_ar_key(w) for w in ("مارس", "نيسان", "محرم", "صفر", "رجب", "شعبان", "رمضان", "ماي"))
_AR_DATE_BEFORE = frozenset(_ar_key(w) for w in (
    "في", "شهر", "منذ", "حتى", "خلال", "من", "إلى", "أوائل", "أواخر", "منتصف", "مطلع", "نهاية", "بداية",
    "أول", "آخر", "قبل", "بعد", "مع", "بحلول", "حلول", "مستهل", "غرة", "بشهر", "لشهر"))
_AR_DATE_AFTER = frozenset(_ar_key(w) for w in (
    "الماضي", "المقبل", "الجاري", "المنصرم", "القادم", "الحالي", "المبارك", "الكريم", "الفائت", "الحرام"))
_HIJRI_NAMES = {101: "Muharram", 102: "Safar", 103: "Rabi", 105: "Jumada", 107: "Rajab", 108: "Shaban",
                109: "Ramadan", 110: "Shawwal", 111: "Dhu al-Qadah", 112: "Dhu al-Hijjah"}
_MONTH_NAMES = {number: name for name, number in _EN_MONTHS.items()} | _HIJRI_NAMES


class _Month(NamedTuple):
    number: int  # 1-12 Gregorian, 101-112 Hijri
    start: int  # token indexes
    end: int


def _strip_particle(key: str) -> list[str]:
    """A word and the word without an attached و / ب / ل / ف (and their pairs)."""
    forms = [key]
    if key[:2] in ("وب", "ول", "وف", "فب", "فل") and len(key) > 4:
        forms.append(key[2:])
    if key[:1] in ("و", "ب", "ل", "ف") and len(key) > 3:
        forms.append(key[1:])
    return forms


def _months(tokens: list[_Tok]) -> list[_Month]:
    """Month names in text of either script (Gregorian 1-12, Hijri 101-112), in order."""
    found: list[tuple[_Month, bool]] = []  # (month, needs context)
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        if tok.kind == "lat":
            number = _EN_MONTHS.get(tok.text) or 0
            if not number and tok.text in _EN_MONTH_ABBREVIATIONS and i + 1 < n and (
                    tokens[i + 1].text == "." or tokens[i + 1].kind == "num"):
                number = _EN_MONTH_ABBREVIATIONS[tok.text]
            if number:
                found.append((_Month(number, i, i + 1), tok.text in _EN_NEEDS_CONTEXT))
        elif tok.kind == "ar":
            month = _ar_month(tokens, i)
            if month is not None:
                found.append(month)
                i = month[0].end
                continue
        i += 1
    months = []
    for k, (month, needs_context) in enumerate(found):
        if needs_context and not _date_context(tokens, month, found, k):
            continue
        months.append(month)
    return months


def _ar_month(tokens: list[_Tok], i: int) -> tuple[_Month, bool] | None:
    text = tokens[i].text
    if text in ("آب", "وآب", "بآب", "لآب", "فآب"):  # August; أب (father) and الآب are not months
        return _Month(8, i, i + 1), False
    for key in _strip_particle(_ar_key(text)):
        if key in _AR_MONTHS:
            return _Month(_AR_MONTHS[key], i, i + 1), key in _AR_NEEDS_CONTEXT
        if key in _AR_HIJRI:
            return _Month(_AR_HIJRI[key], i, i + 1), True
        if key in _AR_TWO_WORD_MONTHS and i + 1 < len(tokens):
            number = _AR_TWO_WORD_MONTHS[key].get(_ar_key(tokens[i + 1].text))
            if number:
                return _Month(number, i, i + 2), False
    return None


def _date_context(tokens: list[_Tok], month: _Month, found: list[tuple[_Month, bool]], k: int) -> bool:
    """A month name that is also a common word (May, March, مارس, نيسان, رمضان …) counts only
    next to a number, a date word or another month."""
    before = month.start - 1
    while before >= 0 and tokens[before].text in ("-", "–"):
        before -= 1
    after = month.end
    if (before >= 0 and tokens[before].kind == "num") or (after < len(tokens) and tokens[after].kind == "num"):
        return True
    if before >= 0:
        prev = tokens[before]
        if prev.kind == "lat" and prev.text.lower() in _EN_DATE_WORDS:
            return True
        if prev.kind == "ar" and any(key in _AR_DATE_BEFORE for key in _strip_particle(_ar_key(prev.text))):
            return True
    if after < len(tokens) and tokens[after].kind == "ar" and _ar_key(tokens[after].text) in _AR_DATE_AFTER:
        return True
    for other in (k - 1, k + 1):  # أيلول/سبتمبر, April-May
        if 0 <= other < len(found):
            near = found[other][0]
            gap = month.start - near.end if other < k else near.start - month.end
            if 0 <= gap <= 2 and all(t.kind == "p" or t.text.lower() in ("and", "or") or _ar_key(t.text) == "و"
                                     for t in tokens[min(near.end, month.end):max(near.start, month.start)]):
                return True
    return False


def _en_hijri(text: str) -> set[int]:
    found = set()
    for match in _EN_HIJRI.finditer(text):
        index = match.lastindex or 0
        found.add((101, 102, 103, 105, 107, 108, 109, 110, 111, 112)[index - 1])
    return found


# --- numbers and dates of one text ------------------------------------------------------------------


class Reading(NamedTuple):
    """What the checks read from one text: hard and soft numbers, Gregorian and Hijri months."""

    hard: Counter[str]
    soft: Counter[str]
    months: frozenset[int]
    hijri: frozenset[int]


def read(text: str) -> Reading:
    """The numbers (as normalised values) and months of ``text``, in either script."""
    tokens = _tokens(text)
    months = _months(tokens)
    skip = {i for month in months for i in range(month.start, month.end)}
    items = _ranges(tokens, _read(tokens, skip))
    hijri_edges: set[int] = set()
    for month in months:
        if month.number > 100:
            hijri_edges.update((month.start - 1, month.end))
    hard: Counter[str] = Counter()
    soft: Counter[str] = Counter()
    decade = any(t.kind == "ar" and _AR_DECADE.match(_ar_key(t.text)) for t in tokens)
    for item in items:
        nxt = tokens[item.end] if item.end < len(tokens) else None
        prev = tokens[item.start - 1] if item.start else None
        is_soft = item.soft or item.end - 1 in hijri_edges or item.start in hijri_edges or (
            decade and prev is not None and _ar_key(prev.text) in _AR_CENTURY)  # ستينيات القرن العشرين: 1960s
        if nxt is not None and nxt.kind == "ar" and _ar_key(nxt.text) in _HIJRI_YEAR_MARKS:
            is_soft = True  # ١٤٤٥ هـ
        if prev is not None and (prev.text.lower() in _COVID or (
                prev.kind == "p" and item.start >= 2 and tokens[item.start - 2].text.lower() in _COVID)):
            is_soft = True  # COVID-19
        (soft if is_soft else hard)[item.value] += 1
    gregorian = frozenset(m.number for m in months if m.number <= 12)
    hijri = frozenset(m.number for m in months if m.number > 100) | _en_hijri(text)
    return Reading(hard, soft, gregorian, hijri)


def number_values(text: str) -> Counter[str]:
    """The numbers of ``text`` as a multiset of normalised values (soft values left out):
    ``"١٠ آلاف و10,000"`` → ``Counter({"10000": 2})``."""
    return read(text).hard


def numbers(text: str) -> set[str]:
    """The numbers of ``text`` as a set of normalised values: ``٣٬٥٠٠`` → ``3500``,
    ``3.50`` → ``3.5``, ``خمسة وعشرون`` → ``25``, ``2.5 million`` → ``2500000``."""
    return set(number_values(text))


def _unmatched(mine: Reading, theirs: Reading) -> list[str]:
    """The values of ``mine`` that ``theirs`` lacks and that are not soft, with counts."""
    own = mine.hard + mine.soft
    other = theirs.hard + theirs.soft
    out = []
    for value, count in own.items():
        left = min(count - other[value] - mine.soft[value], mine.hard[value])
        if left > 0:
            out.append(_show(value) + (f" (×{left})" if left > 1 else ""))
    return out


_BIG = ((Decimal(10**12), "trillion"), (Decimal(10**9), "billion"), (Decimal(10**6), "million"))


def _show(value: str) -> str:
    """A value as an editor reads it: ``2020``, ``45,300``, ``2.5 billion``."""
    if not value.isdigit() or len(value) > 24:
        return value
    number = Decimal(value)
    for scale, name in _BIG:
        count = number / scale
        if count >= 1 and count == count.quantize(Decimal("0.001")):
            return f"{_fmt(count)} {name}"
    return f"{int(value):,}" if len(value) > 4 else value


def _say(missing: list[str], extra: list[str]) -> str:
    parts = []
    if missing:
        parts.append(f"{', '.join(missing)} in the Arabic {'is' if len(missing) == 1 else 'are'} missing")
    if extra:
        parts.append(f"{', '.join(extra)} {'is' if len(extra) == 1 else 'are'} not in the Arabic")
    return "; ".join(parts)


def number_detail(source: Reading, target: Reading) -> str:
    """What differs between the numbers of two readings; empty when nothing does."""
    return _say(_unmatched(source, target), _unmatched(target, source))


def date_detail(source: Reading, target: Reading) -> str:
    """The months that differ (Gregorian with Gregorian; Hijri with Hijri only when both sides
    name one); empty when none does."""
    missing = sorted(source.months - target.months)
    extra = sorted(target.months - source.months)
    if source.hijri and target.hijri:
        missing += sorted(source.hijri - target.hijri)
        extra += sorted(target.hijri - source.hijri)
    return _say([_MONTH_NAMES[m] for m in missing], [_MONTH_NAMES[m] for m in extra])
