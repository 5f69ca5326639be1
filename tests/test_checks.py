"""Each fidelity flag fires on a faulty pair and stays quiet on a clean one, and says what is wrong."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from translate import checks

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


def test_a_dropped_repeated_number_is_caught() -> None:
    source = "قتل 7 أشخاص في الهجوم الأول و7 في الهجوم الثاني."
    details = checks.check(source, "Seven people were killed in the first attack and others in the second.")
    assert details[checks.NUMBERS] == "7 in the Arabic is missing"


def test_long_digit_strings_are_compared_digit_for_digit() -> None:
    details = checks.check("رقم الحساب 123456789012345678901234567890", "Account 123456789012345678901234567891")
    assert details[checks.NUMBERS] == ("123456789012345678901234567890 in the Arabic is missing; "
                                       "123456789012345678901234567891 is not in the Arabic")
    assert checks.check("قتل 7 ثم 7 ثم 7", "Seven were killed")[checks.NUMBERS] == "7 (×2) in the Arabic is missing"


def test_dates_and_converted_flags_follow_numbers_in_the_flag_order() -> None:
    assert checks.ALL_FLAGS[:3] == (checks.NUMBERS, checks.DATES, checks.CONVERTED)


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("وقعت الحادثة في عام 2020.", "The incident happened in 2002.",
         {checks.NUMBERS: "2020 in the Arabic is missing; 2002 is not in the Arabic"}),
        ("خصصت الحكومة 20 مليون دولار.", "The government allocated $20 billion.",
         {checks.NUMBERS: "$20 million in the Arabic is missing; $20 billion is not in the Arabic"}),
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
         {checks.NUMBERS: "2 days in the Arabic is missing", checks.LENGTH: "English is 0.2× the Arabic length"}),
        ("استمر حصار المستشفى 3 ساعات.", "The siege of the hospital lasted 3 days.",
         {checks.NUMBERS: "unit: 3 hours in the Arabic, 3 days in the English"}),
        ("يبعد الموقع 10 كيلومترات عن الحدود.", "The site is 6.2 miles from the border.",
         {checks.CONVERTED: "10 km ≈ 6.2 miles"}),
        ("أعلن الوزير أمس الأربعاء خطة جديدة.", "The minister announced a new plan on Thursday.",
         {checks.DATES: "Wednesday in the Arabic is missing; Thursday is not in the Arabic"}),
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
