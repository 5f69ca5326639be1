"""Each fidelity flag fires on a faulty pair and stays quiet on a clean one."""

from __future__ import annotations

import pytest

from translate import checks

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
    assert checks.numbers(text) == expected
