"""Each fidelity flag fires on a faulty pair and stays quiet on a clean one, and says what is wrong."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from translate import checks
from translate import numbers as reading

TABLE = Path(__file__).parent / "data" / "fidelity_pairs.tsv"

CLEAN = [
    ("ارتفعت أسعار النفط بنسبة 3.5 في المئة يوم الاثنين.", "Oil prices rose by 3.5 percent on Monday."),
    ("أعلنت وزارة الصحة تسجيل ١٢٠ حالة جديدة.", "The health ministry announced 120 new cases."),
    ("بلغت الخسائر ١٬٥٠٠٬٠٠٠ دولار في عام ۲۰۲۳.", "Losses reached $1,500,000 in 2023."),
    ("ارتفع المؤشر ٢٫٥ نقطة.", "The index rose 2.5 points."),
    ("وصل الرئيس إلى العاصمة في زيارة رسمية تستغرق يومين.",
     "The president arrived in the capital on a two-day official visit."),
]


@pytest.mark.parametrize(("source", "target"), CLEAN)
def test_clean_pairs_raise_no_flag(source: str, target: str) -> None:
    assert checks.flags_for(source, target, score=-0.3) == ()


@pytest.mark.parametrize(
    ("source", "target", "flag"),
    [
        ("ارتفعت الأسعار بنسبة 3.5 في المئة.", "Prices rose by 5.3 percent.", checks.NUMBERS),
        ("أعلنت الوزارة تسجيل ١٢٠ حالة.", "The ministry announced new cases.", checks.NUMBERS),
        ("قال الوزير إن الاجتماع مهم.", "The minister said 2 meetings are important.", checks.NUMBERS),
        ("قال الوزير إن الاجتماع سيعقد غدا في القاهرة.", "The minister said الاجتماع will be held tomorrow.",
         checks.UNTRANSLATED),
        ("قال الوزير إن الاجتماع سيعقد غدا.", "قال الوزير إن الاجتماع سيعقد غدا.", checks.UNTRANSLATED),
        ("وصل الرئيس إلى العاصمة في زيارة رسمية تستغرق يومين.", "He came.", checks.LENGTH),
        ("وصل الرئيس إلى العاصمة في زيارة رسمية.", "The president arrived " + "in the capital " * 9, checks.LENGTH),
        ("قال الوزير إن الاجتماع مهم.", "The minister said the the the meeting is important.", checks.REPETITION),
        ("قال الوزير إن الاجتماع مهم.", "The meeting is, the meeting is, the meeting is important.", checks.REPETITION),
    ],
)
def test_faulty_pairs_raise_their_flag(source: str, target: str, flag: str) -> None:
    assert flag in checks.flags_for(source, target)


def test_truncated_and_low_confidence_come_from_generation() -> None:
    source, target = CLEAN[0]
    assert checks.flags_for(source, target, truncated=True) == (checks.TRUNCATED,)
    assert checks.flags_for(source, target, score=-2.5) == (checks.LOW_CONFIDENCE,)
    assert checks.flags_for(source, target, score=-2.5, min_score=-3.0) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٣٬٥٠٠ و 3,500 و ۳۵۰۰", {"3500"}),
        ("٢٫٥ and 2.5", {"2.5"}),
        ("no numbers", set()),
        ("عام 2019 و 07", {"2019", "7"}),
    ],
)
def test_numbers_map_arabic_digits_to_western(text: str, expected: set[str]) -> None:
    assert reading.numbers(text) == expected


def _table() -> list[tuple[str, str, str, frozenset[str]]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == ["id", "arabic", "english", "expected"]
    return [(i, ar, en, frozenset(f for f in flags.split(",") if f)) for i, ar, en, flags in rows[1:]]


PAIRS = _table()


def test_the_labelled_table_is_large_and_mixed() -> None:
    assert len(PAIRS) >= 150
    assert len({row[0] for row in PAIRS}) == len(PAIRS)
    expected = Counter(flag for row in PAIRS for flag in row[3])
    assert set(expected) == {checks.NUMBERS, checks.DATES}
    assert expected[checks.NUMBERS] >= 40 and expected[checks.DATES] >= 15
    assert sum(1 for row in PAIRS if not row[3]) >= 150


@pytest.mark.parametrize(("arabic", "english", "expected"), [row[1:] for row in PAIRS], ids=[row[0] for row in PAIRS])
def test_labelled_pairs_raise_exactly_their_number_and_date_flags(arabic: str, english: str,
                                                                  expected: frozenset[str]) -> None:
    details = checks.check(arabic, english)
    assert {checks.NUMBERS, checks.DATES} & set(details) == expected, details


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.5", {"1234.5": 1}),
        ("3.50", {"3.5": 1}),
        ("12\u00a0000 and 45\u2009300 and 8\u202f750", {"12000": 1, "45300": 1, "8750": 1}),
        ("٣٬٥٠٠ و٢٫٥", {"3500": 1, "2.5": 1}),
        ("١٠ آلاف", {"10000": 1}),
        ("10 thousand, 10k, 10,000", {"10000": 3}),
        ("$5m, 5bn, 2.5 million, 300mn", {"5000000": 1, "5000000000": 1, "2500000": 1, "300000000": 1}),
        ("a 100m sprint", {"100": 1}),
        ("خمسة وعشرون", {"25": 1}),
        ("مئة وخمسة وعشرون", {"125": 1}),
        ("ثلاثة آلاف وخمسمئة", {"3500": 1}),
        ("عام ألفين وعشرين", {"2020": 1}),
        ("مليون ونصف المليون", {"1500000": 1}),
        ("مليار و200 مليون", {"1200000000": 1}),
        ("أحد عشر ألفا", {"11000": 1}),
        ("ثمانية عشر وثماني عشرة والثامن عشر", {"18": 3}),
        ("twenty-five, one hundred and twenty, two thousand and twenty", {"25": 1, "120": 1, "2020": 1}),
        ("a dozen, two dozen, half a million, two and a half million",
         {"12": 1, "24": 1, "500000": 1, "2500000": 1}),
        ("عشرات الآلاف ومئات وآلاف وملايين", {}),
        ("dozens, hundreds, thousands, tens of thousands", {}),
        ("الحادي والعشرين، الحادي عشر، التاسع عشر", {"21": 1, "11": 1, "19": 1}),
        ("21st, twenty-first, XIV after Louis", {"21": 2}),
        ("Louis XIV", {"14": 1}),
        ("بين 5 و7 ملايين", {"5000000": 1, "7000000": 1}),
        ("5-7 million", {"5000000": 1, "7000000": 1}),
        ("+961 1 234 567", {"+9611234567": 1}),
        ("ISO-3166, G20, F-16", {"3166": 1, "20": 1, "16": 1}),
        ("7 و7", {"7": 2}),
        ("5 في المئة و100 بالمئة", {"5": 1, "100": 1}),
        ("يوم الاثنين", {}),
        ("15.5.2023", {"15": 1, "5": 1, "2023": 1}),
        ("ثلاثة أرباع، two-thirds, a third of", {}),
        ("نصف مليون ومليونان ونصف", {"500000": 1, "2500000": 1}),
        ("الساعة العاشرة والنصف", {"10": 1}),
    ],
)
def test_number_values_reads_values_as_a_multiset(text: str, expected: dict[str, int]) -> None:
    assert reading.number_values(text) == Counter(expected)


@pytest.mark.parametrize(
    "text",
    ["one of the officials", "the two sides", "for the second time", "the first visit", "الأول",
     "ثانية", "the 1990s", "COVID-19", "صدر في 5 رمضان 1445 هـ", "عام ١٤٤٥ هـ", "نصف السكان", "قمة ثلاثية",
     "a decade"],
)
def test_soft_values_are_left_out_of_the_multiset(text: str) -> None:
    assert reading.number_values(text) == Counter()


def test_numbers_is_the_set_of_values() -> None:
    assert reading.numbers("قتل 7 أشخاص و7 آخرون في عام ٢٠٢٠") == {"7", "2020"}
    assert reading.numbers("3.50 and ثلاثة") == {"3.5", "3"}


def test_a_dropped_repeated_number_is_caught() -> None:
    source = "قتل 7 أشخاص في الهجوم الأول و7 في الهجوم الثاني."
    details = checks.check(source, "Seven people were killed in the first attack and others in the second.")
    assert details[checks.NUMBERS] == "7 in the Arabic is missing"


def test_long_digit_strings_are_compared_digit_for_digit() -> None:
    details = checks.check("رقم الحساب 123456789012345678901234567890", "Account 123456789012345678901234567891")
    assert details[checks.NUMBERS] == ("123456789012345678901234567890 in the Arabic is missing; "
                                       "123456789012345678901234567891 is not in the Arabic")
    assert checks.check("قتل 7 ثم 7 ثم 7", "Seven were killed")[checks.NUMBERS] == "7 (×2) in the Arabic is missing"


def test_dates_flag_follows_numbers_in_the_flag_order() -> None:
    assert checks.ALL_FLAGS.index(checks.DATES) == checks.ALL_FLAGS.index(checks.NUMBERS) + 1


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("وقعت الحادثة في عام 2020.", "The incident happened in 2002.",
         {checks.NUMBERS: "2020 in the Arabic is missing; 2002 is not in the Arabic"}),
        ("خصصت الحكومة 20 مليون دولار.", "The government allocated $20 billion.",
         {checks.NUMBERS: "20 million in the Arabic is missing; 20 billion is not in the Arabic"}),
        ("نزح 45\u2009300 شخص.", "Some 45,000 people were displaced.",
         {checks.NUMBERS: "45,300 in the Arabic is missing; 45,000 is not in the Arabic"}),
        ("قال الوزير إن الاجتماعات مهمة.", "The minister said 2 and 3 meetings matter.",
         {checks.NUMBERS: "2, 3 are not in the Arabic"}),
        ("عقد الاجتماع في 15 أيار 2023.", "The meeting was held on June 15, 2023.",
         {checks.DATES: "May in the Arabic is missing; June is not in the Arabic"}),
        ("بدأ الحج في الثامن من ذي الحجة.", "The Hajj began on the eighth of Muharram.",
         {checks.DATES: "Dhu al-Hijjah in the Arabic is missing; Muharram is not in the Arabic"}),
        ("قال الوزير إن الاجتماع سيعقد غدا في القاهرة.", "The minister said الاجتماع will be held tomorrow.",
         {checks.UNTRANSLATED: "Arabic left in: الاجتماع"}),
        ("قال الوزير إن الاجتماع سيعقد غدا.", "قال الوزير إن الاجتماع سيعقد غدا.",
         {checks.UNTRANSLATED: "the English repeats the Arabic"}),
        ("وصل الرئيس إلى العاصمة في زيارة رسمية تستغرق يومين.", "He came.",
         {checks.LENGTH: "English is 0.2× the Arabic length"}),
        ("قال الوزير إن الاجتماع مهم.", "The minister said the the the meeting is important.",
         {checks.REPETITION: "repeats “the”"}),
    ],
)
def test_each_flag_says_what_is_wrong(source: str, target: str, expected: dict[str, str]) -> None:
    assert checks.check(source, target, score=-0.3) == expected


def test_generation_flags_say_what_happened() -> None:
    source, target = CLEAN[0]
    assert checks.check(source, target, truncated=True, score=-2.5) == {
        checks.TRUNCATED: "stopped at its length cap",
        checks.LOW_CONFIDENCE: f"confidence {checks.confidence(-2.5)}/100",
    }
    assert checks.confidence(-2.5) == 8


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("في 15 أيلول/سبتمبر 2023", {9}),
        ("بين أيلول وحزيران", {9, 6}),
        ("في تموز وآب", {7, 8}),
        ("قال أب الضحية", set()),
        ("مارس الرئيس ضغوطا", set()),
        ("في مارس الماضي", {3}),
        ("سيارات نيسان", set()),
        ("كانون الثاني وتشرين الأول", {1, 10}),
        ("The minister said prices may rise. May be.", set()),
        ("in May, on Sept. 12 and Jan. 3, mid-July", {5, 9, 1, 7}),
        ("Theresa May", set()),
        ("في شهر رمضان من عام 1445 هـ", set()),
    ],
)
def test_month_names_are_read_in_both_scripts(text: str, months: set[int]) -> None:
    assert reading.read(text).months == frozenset(months)
