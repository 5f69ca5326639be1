"""Normalising, splitting and reassembling Arabic text."""

from __future__ import annotations

import pytest

from translate.errors import TranslateError
from translate.text import (
    Layout,
    check_article,
    estimate_tokens,
    fit_window,
    layout,
    normalize,
    split_paragraphs,
    split_sentences,
)

SPLIT_CASES = [
    # (paragraph, expected sentences)
    ("قال الوزير إن المحادثات ستستأنف. وأضاف أن الحكومة تعمل على خطة.",
     ["قال الوزير إن المحادثات ستستأنف.", "وأضاف أن الحكومة تعمل على خطة."]),
    ("هل ستنجح الخطة؟ لا أحد يعرف! لكن الأمل قائم…",
     ["هل ستنجح الخطة؟", "لا أحد يعرف!", "لكن الأمل قائم…"]),
    ("ارتفعت الأسعار بنسبة 3.5 في المئة.", ["ارتفعت الأسعار بنسبة 3.5 في المئة."]),
    ("ارتفع المؤشر ٢٫٥ نقطة. وانخفض الدولار.", ["ارتفع المؤشر ٢٫٥ نقطة.", "وانخفض الدولار."]),
    ("وقع الحادث في عام 2019. وما زالت التحقيقات جارية.",
     ["وقع الحادث في عام 2019.", "وما زالت التحقيقات جارية."]),
    ("بلغ النمو 2019.5 نقطة في المؤشر.", ["بلغ النمو 2019.5 نقطة في المؤشر."]),
    ("وقال د. محمد علي إن النتائج مشجعة.", ["وقال د. محمد علي إن النتائج مشجعة."]),
    ("التقى أ. سامي بالطلاب. ثم غادر القاعة.", ["التقى أ. سامي بالطلاب.", "ثم غادر القاعة."]),
    ("التقى الوزير بمسؤولين من U.S. Department of State أمس.",
     ["التقى الوزير بمسؤولين من U.S. Department of State أمس."]),
    ("صرح Mr. Smith للصحفيين بأن الاتفاق قريب.", ["صرح Mr. Smith للصحفيين بأن الاتفاق قريب."]),
    ("نقلت الوكالة عن J. K. Rowling قولها إنها سعيدة.", ["نقلت الوكالة عن J. K. Rowling قولها إنها سعيدة."]),
    ("قال الرئيس: «سنبني المدارس. ونحن ملتزمون». وأضاف أن العمل بدأ.",
     ["قال الرئيس: «سنبني المدارس. ونحن ملتزمون».", "وأضاف أن العمل بدأ."]),
    ("قال المتحدث: “لن نتراجع. هذا قرار نهائي.” ثم انتهى المؤتمر.",
     ["قال المتحدث: “لن نتراجع. هذا قرار نهائي.”", "ثم انتهى المؤتمر."]),
    ('وكتب على حسابه: "الوضع مستقر. لا داعي للقلق." وأغلق الهاتف.',
     ['وكتب على حسابه: "الوضع مستقر. لا داعي للقلق."', "وأغلق الهاتف."]),
    ("وصل الوفد.وبدأت المحادثات فورا.", ["وصل الوفد.", "وبدأت المحادثات فورا."]),
    ("1. البند الأول يتعلق بالميزانية.", ["1. البند الأول يتعلق بالميزانية."]),
    ("انخفضت الصادرات؛ وارتفعت الواردات.", ["انخفضت الصادرات؛", "وارتفعت الواردات."]),
    ("ماذا حدث؟! لا أحد يعلم.", ["ماذا حدث؟!", "لا أحد يعلم."]),
    ("زار الموقع www.example.com أكثر من مليون شخص.", ["زار الموقع www.example.com أكثر من مليون شخص."]),
    ("بلغت الخسائر ١٬٥٠٠٬٠٠٠ دولار. وهو رقم قياسي.", ["بلغت الخسائر ١٬٥٠٠٬٠٠٠ دولار.", "وهو رقم قياسي."]),
    ("أعلنت شركة Apple Inc. عن أرباحها.", ["أعلنت شركة Apple Inc. عن أرباحها."]),
    ("قال إن الاجتماع سيعقد في 10 a.m. غدا.", ["قال إن الاجتماع سيعقد في 10 a.m. غدا."]),
    ("عنوان بلا نقطة في آخره", ["عنوان بلا نقطة في آخره"]),
    ("(أ ف ب) - قتل ثلاثة أشخاص في انفجار. وأصيب آخرون.",
     ["(أ ف ب) - قتل ثلاثة أشخاص في انفجار.", "وأصيب آخرون."]),
    ("قال: «نعم». ومضى.", ["قال: «نعم».", "ومضى."]),
    ("جاء ذلك في بيان (نشر مساء أمس). وتابع البيان أن الوضع هادئ.",
     ["جاء ذلك في بيان (نشر مساء أمس).", "وتابع البيان أن الوضع هادئ."]),
    ("The minister arrived. Talks began.", ["The minister arrived.", "Talks began."]),
]


@pytest.mark.parametrize(("paragraph", "expected"), SPLIT_CASES)
def test_split_sentences(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


NORMALIZE_CASES = [
    ("\ufeffقال الوزير", "قال الوزير"),  # byte-order mark
    ("قال\u200f الوزير\u200e", "قال الوزير"),  # direction marks
    ("الــــوزيــر", "الوزير"),  # tatweel
    ("السَّلامُ عَلَيْكُم", "السلام عليكم"),  # diacritics
    ("مرحبا\u00a0\u00a0بكم\tجميعا", "مرحبا بكم جميعا"),  # odd spaces
    ("سطر\r\nآخر\r\n\r\nفقرة", "سطر\nآخر\n\nفقرة"),  # Windows line ends, paragraph break kept
    ("\u202bنص\u202c \u2067معزول\u2069", "نص معزول"),  # embeddings and isolates
    ("\ufefb\ufe8e", "لاا"),  # presentation forms become letters
    ("  \n\n  قال الوزير  \n\n\n  ", "قال الوزير"),
    ("قال\u061c الوزير\u200b", "قال الوزير"),
    ("ارتفع ٣٫٥٪", "ارتفع ٣٫٥٪"),  # digits and separators are kept as they are
]


@pytest.mark.parametrize(("raw", "expected"), NORMALIZE_CASES)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_diacritics_can_be_kept() -> None:
    assert normalize("السَّلامُ", strip_diacritics=False) == "السَّلامُ"


def test_paragraph_breaks_are_exact() -> None:
    paragraphs, separators = split_paragraphs("أ ب.\nج د.\n\nه و.")
    assert paragraphs == ["أ ب.", "ج د.", "ه و."]
    assert separators == ["\n", "\n\n"]
    item = Layout((("a",), ("b", "c"), ("d",)), ("\n", "\n\n"))
    assert item.assemble(["A", "B", "C", "D"]) == "A\nB C\n\nD"


def count_words(text: str) -> int:
    return len(text.split())


def test_long_sentence_splits_at_clause_marks_first() -> None:
    sentence = "، ".join(["كلمة واحدة ثانية"] * 6) + "."
    pieces = fit_window(sentence, count_words, 7)
    assert all(count_words(p) <= 7 for p in pieces)
    assert " ".join(pieces) == sentence
    assert all(p.endswith(("،", ".")) for p in pieces)


def test_long_sentence_without_marks_splits_at_spaces() -> None:
    sentence = " ".join(f"كلمة{i}" for i in range(50))
    pieces = fit_window(sentence, count_words, 8)
    assert [count_words(p) for p in pieces] == [8] * 6 + [2]
    assert " ".join(pieces) == sentence


def test_one_enormous_word_is_cut_between_characters() -> None:
    pieces = fit_window("ب" * 100, len, 30)
    assert all(len(p) <= 30 for p in pieces)
    assert "".join(pieces) == "ب" * 100


def test_3000_word_paragraph_without_full_stop_keeps_every_word() -> None:
    words = [f"كلمة{i}" for i in range(3000)]
    paragraph = " ".join(words[:1500]) + "، " + " ".join(words[1500:])
    item = layout(paragraph, count_words, 200)
    pieces = [piece for _, piece in item.flat()]
    assert len(pieces) >= 15
    assert all(count_words(p) <= 200 for p in pieces)
    assert " ".join(pieces).replace("،", "").split() == words


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("  \n\u200f\n ", "empty"),
        ("This is an English article.", "does not look like Arabic"),
        ("قال الوزير" * 20, "limit is 100"),
    ],
)
def test_check_article_refuses_bad_input(text: str, message: str) -> None:
    with pytest.raises(TranslateError, match=message):
        check_article(text, max_chars=100)


def test_check_article_accepts_arabic_with_some_latin() -> None:
    assert check_article("قال الوزير إن شركة Apple ستفتتح فرعا.", max_chars=100).startswith("قال")


QURANIC_CASES = [
    # (raw, normalised) — Quranic annotation marks go with the other diacritics
    ("بِسْمِ ٱللَّهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ", "بسم الله الرحمن الرحيم"),  # alef wasla, superscript alef
    ("ذَٰلِكَ ٱلْكِتَٰبُ لَا رَيْبَ ۛ فِيهِ ۛ هُدًى", "ذلك الكتب لا ريب فيه هدى"),  # three dots; dagger alef goes
    ("قَالُوٓا۟ ءَامَنَّا", "قالوا ءامنا"),  # small high rounded zero, maddah on a waw
    ("وَمَا أُنزِلَ مِن قَبْلِكَ ۚ وَمَآ", "وما أنزل من قبلك ومآ"),  # small high jeem; alef madda is a letter
    ("بِهِۦ وَيَسْتَحْيِۦ", "به ويستحي"),  # small waw and small yeh
    ("۞ إِنَّ ٱللَّهَ ۩", "إن الله"),  # rub el hizb, place of sajdah
    ("النبي محمد \ufdfa قال", "النبي محمد صلى الله عليه وسلم قال"),  # ligature expands to words
    ("\ufdf2 أكبر", "الله أكبر"),  # Allah ligature: no shadda or superscript alef left
    ("قال\u0610 الرسول", "قال الرسول"),  # honorific sign above
]


@pytest.mark.parametrize(("raw", "expected"), QURANIC_CASES,
                         ids=["basmala", "three-dots", "rounded-zero", "small-jeem", "small-waw-yeh",
                              "hizb-sajdah", "salla-ligature", "allah-ligature", "honorific-sign"])
def test_quranic_marks_are_normalised_like_diacritics(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_keep_diacritics_keeps_quranic_marks_and_alef_wasla() -> None:
    raw = "بِسْمِ ٱللَّهِ ٱلرَّحْمَٰنِ ۛ"
    assert normalize(raw, strip_diacritics=False) == raw


def test_check_article_counts_the_raw_length_before_normalising() -> None:
    # normalising would make this short, but a huge input is refused before any work is done
    with pytest.raises(TranslateError, match="The input is 1,010 characters long; the limit is 1,000"):
        check_article("قال الوزير" + "\u200b" * 1_000, max_chars=1_000)


def test_check_article_counts_the_length_again_after_normalising() -> None:
    text = "\ufdfa " * 40  # 80 characters that become 40 × 18 + 39
    with pytest.raises(TranslateError, match=r"759 characters long once normalised .*the limit is 100"):
        check_article(text, max_chars=100)
    assert check_article("\ufdfa " * 4, max_chars=100) == " ".join(["صلى الله عليه وسلم"] * 4)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("قال الوزير", 3), ("الاقتصاد", 2), ("قال: «نعم».", 6), ("2024", 1), ("😀😀", 2), ("", 0)],
    ids=["two-words", "long-word", "punctuation", "number", "symbols", "empty"],
)
def test_estimate_tokens(text: str, expected: int) -> None:
    assert estimate_tokens(text) == expected


def test_check_article_bounds_model_tokens() -> None:
    text = "قال الوزير إن المحادثات ستستأنف."
    assert check_article(text, max_chars=1_000, max_tokens=100) == text
    with pytest.raises(TranslateError, match="about 10 model tokens long; the limit is 9"):
        check_article(text, max_chars=1_000, max_tokens=9)
    with pytest.raises(TranslateError, match="about 32 model tokens long; the limit is 10"):
        check_article(text, max_chars=1_000, max_tokens=10, count_tokens=len)


def test_check_article_keeps_diacritics_when_asked() -> None:
    assert check_article("السَّلامُ عَلَيْكُم يا أصدقاء", max_chars=100, strip_diacritics=False) == \
        "السَّلامُ عَلَيْكُم يا أصدقاء"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("وزیر امور خارجه ایران روز دوشنبه گفت که گفتگوها با کشورهای اروپایی هفته آینده از سر گرفته خواهد شد.",
         "Persian"),
        ("پاکستان کے وزیر اعظم نے کہا ہے کہ حکومت مہنگائی پر قابو پانے کے لیے نئے اقدامات کرے گی۔", "Urdu"),
    ],
    ids=["persian", "urdu"],
)
def test_check_article_refuses_other_languages_in_arabic_script(text: str, language: str) -> None:
    with pytest.raises(TranslateError, match=f"looks like {language}, not Arabic"):
        check_article(text, max_chars=1_000)
