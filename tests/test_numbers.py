"""Typed quantities: what is read from Arabic and English text, and what a comparison says."""

from __future__ import annotations

import doctest
from collections import Counter
from decimal import Decimal

import pytest

import translate.numbers as numbers
from translate.errors import TranslateError
from translate.numbers import Kind, Sides, compare, details, read_quantities
from translate.numbers import lexicon as lexicon_module


def _ids(rows: list[tuple]) -> list[str]:
    return [str(row[-1]) for row in rows]


NUMBER_VALUES = [
    ("1,234.5", {"1234.5": 1}, "grouped decimal"),
    ("3.50", {"3.5": 1}, "trailing zero"),
    ("12\u00a0000 and 45\u2009300 and 8\u202f750", {"12000": 1, "45300": 1, "8750": 1}, "no-break and thin spaces"),
    ("٣٬٥٠٠ و٢٫٥", {"3500": 1, "2.5": 1}, "arabic separators"),
    ("٣٬٥٠٠ و 3,500 و ۳۵۰۰", {"3500": 3}, "three scripts"),
    ("١٠ آلاف", {"10000": 1}, "arabic scale"),
    ("10 thousand, 10k, 10,000", {"10000": 3}, "english scale"),
    ("$5m, 5bn, 2.5 million, 300mn", {"5000000": 1, "5000000000": 1, "2500000": 1, "300000000": 1}, "suffixes"),
    ("a 100m sprint", {"100": 1}, "metres not millions"),
    ("1.500.000 و250.000", {"1500000": 1, "250000": 1}, "dot-grouped thousands"),
    ("خمسة وعشرون", {"25": 1}, "units before tens"),
    ("مئة وخمسة وعشرون", {"125": 1}, "hundred and more"),
    ("ثلاثة آلاف وخمسمئة", {"3500": 1}, "thousands and hundreds"),
    ("عام ألفين وعشرين", {"2020": 1}, "year in words"),
    ("مليون ونصف المليون ومليونا ونصف مليون", {"1500000": 2}, "a million and a half"),
    ("مليار و200 مليون", {"1200000000": 1}, "billion and digits"),
    ("أحد عشر ألفا", {"11000": 1}, "eleven thousand"),
    ("ثمانية عشر وثماني عشرة والثامن عشر", {"18": 3}, "eighteen three ways"),
    ("twenty-five, one hundred and twenty, two thousand and twenty", {"25": 1, "120": 1, "2020": 1}, "english words"),
    ("a dozen, two dozen, half a million, two and a half million",
     {"12": 1, "24": 1, "500000": 1, "2500000": 1}, "dozens and halves"),
    ("عشرات الآلاف ومئات وآلاف وملايين", {}, "arabic soft counts"),
    ("dozens, hundreds, thousands, tens of thousands", {}, "english soft counts"),
    ("الحادي والعشرين، الحادي عشر، التاسع عشر", {"21": 1, "11": 1, "19": 1}, "arabic ordinals"),
    ("21st, twenty-first", {"21": 2}, "english ordinals"),
    ("Louis XIV", {"14": 1}, "roman numeral"),
    ("بين 5 و7 ملايين", {"5000000": 1, "7000000": 1}, "arabic range"),
    ("5-7 million", {"5000000": 1, "7000000": 1}, "english range"),
    ("+961 1 234 567", {"+9611234567": 1}, "phone"),
    ("ISO-3166, G20, F-16", {"3166": 1, "20": 1, "16": 1}, "codes"),
    ("7 و7", {"7": 2}, "repeated"),
    ("5 في المئة و100 بالمئة", {"5": 1, "100": 1}, "percent"),
    ("يوم الاثنين", {}, "monday is not two"),
    ("15.5.2023", {"15": 1, "2023": 1}, "numeric date: day and year"),
    ("ثلاثة أرباع، two-thirds, a third of", {}, "fractions"),
    ("نصف مليون ومليونان ونصف", {"500000": 1, "2500000": 1}, "halves of millions"),
    ("الساعة العاشرة والنصف", {"10:30": 1}, "half past ten"),
]


@pytest.mark.parametrize(("text", "expected", "name"), NUMBER_VALUES, ids=_ids(NUMBER_VALUES))
def test_number_values_reads_values_as_a_multiset(text: str, expected: dict[str, int], name: str) -> None:
    assert numbers.number_values(text) == Counter(expected)


OPTIONAL = ["one of the officials", "the two sides", "for the second time", "the first visit", "الأول", "ثانية",
            "the 1990s", "COVID-19", "صدر في 5 رمضان 1445 هـ", "عام ١٤٤٥ هـ", "نصف السكان", "قمة ثلاثية",
            "a decade", "الطرفان"]


@pytest.mark.parametrize("text", OPTIONAL)
def test_optional_and_soft_values_are_left_out_of_the_multiset(text: str) -> None:
    assert numbers.number_values(text) == Counter()


def test_numbers_is_the_set_of_values() -> None:
    assert numbers.numbers("قتل 7 أشخاص و7 آخرون في عام ٢٠٢٠") == {"7", "2020"}
    assert numbers.numbers("3.50 and ثلاثة") == {"3.5", "3"}


def _main(text: str, language: str) -> tuple[Kind, Decimal, Decimal | None, str]:
    found = read_quantities(text, language)
    assert len(found) == 1, found
    q = found[0]
    return q.kind, q.value, q.high, q.unit


KINDS = [
    ("اعتقلت الشرطة 120 شخصا", "ar", (Kind.COUNT, Decimal(120), None, ""), "count"),
    ("أصيب العشرات", "ar", (Kind.COUNT, Decimal(10), Decimal(99), ""), "soft count"),
    ("tens of thousands marched", "en", (Kind.COUNT, Decimal(10000), Decimal(99000), ""), "soft count with scale"),
    ("احتل المركز الثالث", "ar", (Kind.ORDINAL, Decimal(3), None, ""), "ordinal"),
    ("يعيش ثلث السكان", "ar", (Kind.FRACTION, Decimal(1) / 3, None, ""), "fraction"),
    ("one in five children", "en", (Kind.FRACTION, Decimal("0.2"), None, ""), "one in five"),
    ("خمس الميزانية", "ar", (Kind.FRACTION, Decimal("0.2"), None, ""), "a fifth, not five"),
    ("خمس سنوات", "ar", (Kind.DURATION, Decimal(5), None, "year"), "five years, not a fifth"),
    ("ارتفعت 3.5 في المئة", "ar", (Kind.PERCENT, Decimal("3.5"), None, "percent"), "percent"),
    ("by 50 basis points", "en", (Kind.PERCENTAGE_POINT, Decimal(50), None, "bp"), "basis points"),
    ("بقيمة 5 مليارات دولار", "ar", (Kind.MONEY, Decimal(5 * 10**9), None, "USD"), "dollars"),
    ("a SR3m contract", "en", (Kind.MONEY, Decimal(3 * 10**6), None, "SAR"), "riyal sign"),
    ("120 million Kuwaiti dirhams", "en", (Kind.MONEY, Decimal(120 * 10**6), None, "dirham"), "nationality"),
    ("مساحة 1200 هكتار", "ar", (Kind.MEASURE, Decimal(1200), None, "hectare"), "measure"),
    ("5 درجات تحت الصفر", "ar", (Kind.MEASURE, Decimal(-5), None, "degree"), "below zero"),
    ("a temperature of -7C", "en", (Kind.MEASURE, Decimal(-7), None, "celsius"), "minus sign"),
    ("weighed 6.6 pounds", "en", (Kind.MEASURE, Decimal("6.6"), None, "lb"), "pounds of weight"),
    ("الساعة 20:00", "ar", (Kind.TIME, Decimal(1200), None, ""), "24-hour clock"),
    ("في الثالثة عصرا", "ar", (Kind.TIME, Decimal(900), None, ""), "afternoon"),
    ("at 8 pm", "en", (Kind.TIME, Decimal(1200), None, ""), "pm"),
    ("at a quarter to five", "en", (Kind.TIME, Decimal(285), None, "12h"), "quarter to"),
    ("استمر 3 ساعات", "ar", (Kind.DURATION, Decimal(3), None, "hour"), "duration"),
    ("استمر يومين", "ar", (Kind.DURATION, Decimal(2), None, "day"), "dual"),
    ("a six-month sentence", "en", (Kind.DURATION, Decimal(6), None, "month"), "hyphenated"),
    ("يوم الأربعاء", "ar", (Kind.WEEKDAY, Decimal(3), None, ""), "weekday"),
    ("أول أمس", "ar", (Kind.RELATIVE_DAY, Decimal(-2), None, "day"), "day before yesterday"),
    ("next week", "en", (Kind.RELATIVE_DAY, Decimal(1), None, "week"), "next week"),
    ("في ستينيات القرن الماضي", "ar", (Kind.DECADE, Decimal(1960), None, ""), "decade with century"),
    ("في الأربعينيات من عمره", "ar", (Kind.AGE, Decimal(40), Decimal(49), ""), "age by decade"),
    ("في العقد السابع من عمرها", "ar", (Kind.AGE, Decimal(60), Decimal(69), ""), "seventh decade of life"),
    ("a 34-year-old man", "en", (Kind.AGE, Decimal(34), None, ""), "n-year-old"),
    ("فاز بهدفين دون رد", "ar", (Kind.SCORE, Decimal(2), Decimal(0), ""), "two-nil in arabic"),
    ("beat them two-nil", "en", (Kind.SCORE, Decimal(2), Decimal(0), ""), "two-nil"),
    ("scored a hat-trick", "en", (Kind.COUNT, Decimal(3), None, "goal"), "hat-trick"),
    ("ارتفعت إلى ثلاثة أضعاف", "ar", (Kind.MULTIPLIER, Decimal(3), None, ""), "threefold"),
    ("في 2024/10/07", "ar", None, "numeric date"),
]


@pytest.mark.parametrize(("text", "language", "expected", "name"), KINDS, ids=_ids(KINDS))
def test_each_kind_is_read(text: str, language: str, expected: tuple | None, name: str) -> None:
    if expected is None:  # a numeric date: its day, month and year
        parts = [(q.kind, q.value, q.unit) for q in read_quantities(text, language)]
        assert parts == [(Kind.DATE, 7, "day"), (Kind.DATE, 10, "month"), (Kind.DATE, 2024, "year")]
        return
    assert _main(text, language) == expected


MONTHS = [
    ("في 15 أيلول/سبتمبر 2023", {9}, "double form is one month"),
    ("بين أيلول وحزيران", {9, 6}, "and-prefix"),
    ("في تموز وآب", {7, 8}, "august with madda"),
    ("قال أب الضحية", set(), "father"),
    ("مارس الرئيس ضغوطا", set(), "verb"),
    ("في مارس الماضي", {3}, "march with a date word"),
    ("سيارات نيسان", set(), "nissan"),
    ("كانون الثاني وتشرين الأول", {1, 10}, "levantine two-word names"),
    ("The minister said prices may rise. May be.", set(), "modal"),
    ("in May, on Sept. 12 and Jan. 3, mid-July", {5, 9, 1, 7}, "english and abbreviations"),
    ("Theresa May", set(), "surname"),
    ("in April and May", {4, 5}, "a month next to a month"),
    ("انخفضت إلى صفر تقريبا", set(), "safar is zero here"),
]


@pytest.mark.parametrize(("text", "months", "name"), MONTHS, ids=_ids(MONTHS))
def test_month_names_are_read_in_both_scripts(text: str, months: set[int], name: str) -> None:
    found = {int(q.value) for q in read_quantities(text) if q.kind is Kind.DATE and q.unit == "month"}
    assert found == months


def test_hijri_months_are_read_apart_from_gregorian_ones() -> None:
    found = [(q.unit, int(q.value)) for q in read_quantities("في شهر رمضان من عام 1445 هـ", "ar")
             if q.kind is Kind.DATE and q.unit.endswith("month")]
    assert found == [("hijri month", 9)]


COMPARISONS = [
    ("استمر الحصار 3 ساعات.", "The siege lasted 3 days.",
     {"numbers": "unit: 3 hours in the Arabic, 3 days in the English"}, "unit changed"),
    ("رفع البنك الفائدة 2 نقطة مئوية.", "The bank raised rates by 2 percent.",
     {"numbers": "unit: 2 percentage points in the Arabic, 2 percent in the English"}, "points to percent"),
    ("قدم قرضا بقيمة 300 مليون دولار.", "It granted a loan of 300 million euros.",
     {"numbers": "unit: $300 million in the Arabic, €300 million in the English"}, "currency changed"),
    ("انخفضت الحرارة إلى 5 درجات تحت الصفر.", "Temperatures fell to 5 degrees.",
     {"numbers": "sign: −5 degrees in the Arabic, 5 degrees in the English"}, "below zero dropped"),
    ("يبعد الموقع 10 كيلومترات.", "The site is 6.2 miles away.", {"converted": "10 km ≈ 6.2 miles"},
     "converted"),
    ("سجلت الحرارة 45 درجة مئوية.", "Temperatures hit 45C (113F).", {"converted": "45 °C ≈ 113 °F"},
     "converted and kept"),
    ("سجلت الحرارة 45 درجة مئوية.", "Temperatures hit 45C (131F).",
     {"numbers": "wrong conversion: 45 °C is about 113 °F, not 131 °F"}, "wrong conversion"),
    ("رصدت 15 مليار ريال سعودي.", "It earmarked 15 billion Saudi riyals ($4 billion).",
     {"converted": "15 billion Saudi riyals ≈ $4 billion"}, "pegged currency"),
    ("قدمت 100 مليون يورو.", "It gave $108 million.",
     {"converted": "€100 million ≈ $108 million (exchange rate not checked)"}, "floating currency"),
    ("قتل 4 جنود و9 مدنيين.", "Nine soldiers and four civilians were killed.",
     {"numbers": "swapped: 4 soldiers and 9 civilians in the Arabic, 4 civilians and 9 soldiers in the English"},
     "swapped"),
    ("أصيب العشرات في الاشتباكات.", "Hundreds were injured in the clashes.",
     {"numbers": "dozens in the Arabic is missing; hundreds is not in the Arabic"}, "soft count"),
    ("يعاني ثلث السكان.", "One in three people suffers.", {}, "one in three"),
    ("يذهب خمس الميزانية إلى الدفاع.", "Twenty percent of the budget goes to defence.", {}, "a fifth is 20 percent"),
    ("ارتفع بنسبة 100 في المئة.", "It doubled.", {}, "doubled"),
    ("أمهلتهم 48 ساعة.", "It gave them two days.", {}, "48 hours are two days"),
    ("بقي شاغرا عشر سنوات.", "It stayed vacant for a decade.", {}, "ten years are a decade"),
    ("يبدأ حظر التجول الساعة 20:00.", "The curfew begins at 8 pm.", {}, "24-hour and 12-hour clock"),
    ("انطلقت في الثالثة عصرا.", "It set off at 3 am.",
     {"numbers": "15:00 in the Arabic is missing; 03:00 is not in the Arabic"}, "am for pm"),
    ("أعلنت النتائج بتاريخ 2024/10/07.", "Results were announced on 7 October 2024.", {}, "numeric date"),
    ("أعلنت النتائج بتاريخ 2024/10/07.", "Results were announced on 7 November 2024.",
     {"dates": "October in the Arabic is missing; November is not in the Arabic"}, "numeric date month"),
    ("فاز بهدف نظيف.", "He won 1-0.", {}, "one-nil"),
    ("فاز بثلاثية نظيفة.", "They won 3-1.", {"numbers": "3-0 in the Arabic is missing; 3-1 is not in the Arabic"},
     "score changed"),
    ("حل في المركز الثاني.", "He finished first.",
     {"numbers": "2nd in the Arabic is missing; 1st is not in the Arabic"}, "ordinal changed"),
    ("في الثمانينيات.", "In the 1970s.",
     {"numbers": "the '80s in the Arabic is missing; the 1970s is not in the Arabic"}, "decade changed"),
    ("أعلن أمس الأربعاء.", "He announced on Wednesday.", {}, "yesterday becomes the weekday"),
    ("أعلن أمس الأربعاء.", "He announced on Thursday.",
     {"dates": "Wednesday in the Arabic is missing; Thursday is not in the Arabic"}, "weekday changed"),
    ("التقى الوزير نظيره أول أمس.", "The minister met his counterpart yesterday.",
     {"dates": "the day before yesterday in the Arabic is missing; yesterday is not in the Arabic"}, "relative day"),
    ("استقال وزير.", "Two ministers resigned.", {"numbers": "2 is not in the Arabic"}, "singular read as two"),
    ("استقال وزيران.", "Two ministers resigned.", {}, "a dual supports two"),
    ("أضرب العمال يومين.", "Workers struck for one day.",
     {"numbers": "2 days in the Arabic is missing; 1 day is not in the Arabic"}, "dual read as one"),
]


@pytest.mark.parametrize(("arabic", "english", "expected", "name"), COMPARISONS, ids=_ids(COMPARISONS))
def test_a_comparison_says_what_differs(arabic: str, english: str, expected: dict[str, str], name: str) -> None:
    assert numbers.check_pair(arabic, english) == expected


def test_a_summary_may_leave_out_but_not_add() -> None:
    article = read_quantities("قتل 12 شخصا وأصيب 40 في الانفجار.", "ar")
    faithful = read_quantities("Twelve people were killed.", "en")
    added = read_quantities("Twelve people were killed and 14 injured.", "en")
    assert compare(article, faithful, report_missing=False) == []
    assert details(compare(article, added, report_missing=False)) == {"numbers": "14 is not in the Arabic"}
    assert details(compare(article, faithful)) == {"numbers": "40 in the Arabic is missing"}


def test_details_name_the_sides_they_compare() -> None:
    found = compare(read_quantities("3 hours", "en"), read_quantities("3 days", "en"),
                    sides=Sides("the article", "the summary"))
    assert details(found) == {"numbers": "unit: 3 hours in the article, 3 days in the summary"}


def test_a_quantity_keeps_where_it_was_read() -> None:
    text = "قال إن 120 شخصا قتلوا"
    (q,) = read_quantities(text, "ar")
    assert (q.kind, q.text, text[q.start:q.start + 3]) == (Kind.COUNT, "120", "120")


def test_the_package_example_runs() -> None:
    result = doctest.testmod(numbers, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 1 and result.failed == 0


def test_a_broken_word_list_is_a_clear_error(tmp_path, monkeypatch) -> None:
    for path in lexicon_module.DATA.glob("*.tsv"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "units.tsv").write_text("unit\tkind\nkm\tmeasure\textra\n", encoding="utf-8")
    monkeypatch.setattr(lexicon_module, "DATA", tmp_path)
    lexicon_module.lexicon.cache_clear()
    try:
        with pytest.raises(TranslateError, match=r"units\.tsv has 3 columns on row 2, not 2"):
            lexicon_module.lexicon()
        (tmp_path / "units.tsv").unlink()
        with pytest.raises(TranslateError, match=r"cannot read the word list units\.tsv"):
            lexicon_module.lexicon()
    finally:
        lexicon_module.lexicon.cache_clear()
