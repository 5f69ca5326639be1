"""Language identification: Arabic is accepted (standard, dialects, with Latin names); other
languages in the Arabic script are refused by name; mixed text is warned about, not refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate import language
from translate.errors import TranslateError
from translate.language import identify, language_problem, language_warnings
from translate.text import check_article

ARABIC = {
    "standard": "قال وزير الخارجية إن المحادثات مع الجانب الآخر ستستأنف الأسبوع المقبل في القاهرة، مؤكدا أن "
                "الحكومة ملتزمة بالتوصل إلى اتفاق شامل ينهي الأزمة.",
    "short-headline": "ارتفاع أسعار الذهب في الأسواق المحلية",
    "egyptian": "الناس في الشارع بيقولوا إن الأسعار غليت قوي والمرتبات مش مكفية، وإحنا مش عارفين هنعمل إيه "
                "الشهر الجاي.",
    "levantine": "هلق الوضع كتير صعب بالمخيم، وما في كهربا ولا مي، والناس عم تستنى المساعدات من مبارح.",
    "english-names": "التقى الرئيس التنفيذي لشركة Microsoft ساتيا ناديلا مع Elon Musk في مدينة San Francisco "
                     "لبحث التعاون في مجال الذكاء الاصطناعي.",
    "iran-pakistan-names": "أعلن رئيس الوزراء الباكستاني شهباز شريف أن وزير الخارجية الإيراني عباس عراقجي سيزور "
                           "إسلام آباد وكابول الأسبوع المقبل.",
    "diacritics": "السَّلامُ عَلَيْكُمْ وَرَحْمَةُ اللهِ، أَعْلَنَتِ الوِزَارَةُ اليَوْمَ عَنْ خُطَّةٍ جَدِيدَةٍ.",
}

OTHER = {
    "persian": ("وزیر امور خارجه ایران روز دوشنبه گفت که گفتگوها با کشورهای اروپایی هفته آینده در ژنو از سر "
                "گرفته خواهد شد.", "fa", "Persian"),
    "persian-short": ("قیمت نفت امروز افزایش یافت.", "fa", "Persian"),
    "urdu": ("پاکستان کے وزیر اعظم نے کہا ہے کہ حکومت مہنگائی پر قابو پانے کے لیے نئے اقدامات کرے گی اور عوام "
             "کو ریلیف دیا جائے گا۔", "ur", "Urdu"),
    "urdu-short": ("آج تیل کی قیمتوں میں اضافہ ہوا۔", "ur", "Urdu"),
    "pashto": ("د افغانستان د بهرنیو چارو وزیر ویلي دي چې له ګاونډیو هیوادونو سره خبرې به راتلونکې اونۍ پیل "
               "شي.", "ps", "Pashto"),
    "kurdish-sorani": ("سەرۆکی هەرێمی کوردستان ڕایگەیاند کە دانوستانەکان لەگەڵ بەغدا لە هەفتەی داهاتوودا دەست "
                       "پێدەکەنەوە.", "ku", "Kurdish"),
}


@pytest.mark.parametrize("text", ARABIC.values(), ids=ARABIC.keys())
def test_arabic_is_accepted_without_warnings(text: str) -> None:
    assert identify(text)[0] == "ar"
    assert language_problem(text) is None
    assert language_warnings(text) == []
    assert check_article(text, max_chars=1_000, strip_diacritics=False)


@pytest.mark.parametrize(("text", "code", "name"), OTHER.values(), ids=OTHER.keys())
def test_other_languages_in_arabic_script_are_refused_by_name(text: str, code: str, name: str) -> None:
    assert identify(text)[0] == code
    problem = language_problem(text)
    assert problem is not None and problem.startswith(f"The text looks like {name}, not Arabic")
    assert language_warnings(text) == []  # the refusal says it all
    with pytest.raises(TranslateError, match=f"looks like {name}"):
        check_article(text, max_chars=1_000)


def test_mixed_text_is_warned_about_by_paragraph_not_refused() -> None:
    text = "\n\n".join([ARABIC["standard"], OTHER["persian"][0], ARABIC["egyptian"], ARABIC["english-names"],
                        OTHER["urdu"][0], ARABIC["levantine"], ARABIC["iran-pakistan-names"]])
    assert language_problem(text) is None
    assert language_warnings(text) == [
        "Part of the text looks like Persian (paragraph 2), not Arabic; it is translated as if it were Arabic.",
        "Part of the text looks like Urdu (paragraph 5), not Arabic; it is translated as if it were Arabic.",
    ]
    assert check_article(text, max_chars=10_000)


def test_mostly_persian_with_an_arabic_quote_is_refused() -> None:
    text = "\n".join([OTHER["persian"][0], ARABIC["short-headline"], OTHER["persian"][0]])
    assert language_problem(text).startswith("The text looks like Persian")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The foreign minister said the talks would resume next week in Cairo.", "en"),
        ("Le ministre des affaires étrangères a déclaré que les négociations reprendraient la semaine prochaine.",
         "fr"),
        ("123 456 — !?", "und"),
        ("", "und"),
    ],
    ids=["english", "french", "no-letters", "empty"],
)
def test_identify_other_scripts_and_nothing(text: str, code: str) -> None:
    found, confidence = identify(text)
    assert found == code
    assert (confidence == 0) == (code == "und") and 0 <= confidence <= 100


def test_confidence_is_a_percentage() -> None:
    code, confidence = identify(ARABIC["standard"])
    assert (code, confidence) == ("ar", 100)
    assert isinstance(confidence, int)


def test_short_fragments_are_not_judged() -> None:
    # too few letters to tell: never refused, whatever the script's spelling
    assert language_problem("گوگل") is None
    assert language_problem("قال: نعم") is None


def test_the_model_loads_once() -> None:
    assert language._identifier() is language._identifier()


def test_long_text_is_judged_on_a_bounded_sample(monkeypatch) -> None:
    read: list[str] = []
    real = language._ranked

    def counting(text, among=None):
        read.append(text)
        return real(text, among)

    monkeypatch.setattr(language, "_ranked", counting)
    paragraph = ARABIC["standard"] * 10
    text = "\n\n".join([paragraph] * 5_000)
    assert language_problem(text) is None
    assert len(read) == language.SAMPLE_PARAGRAPHS
    assert all(len(sample) <= language.SAMPLE_CHARS for sample in read)


def kept_cases(split: str) -> list[tuple[str, str, str]]:
    """(case, expected kept language or "-", paragraph) rows of one part of tests/data/kept_paragraphs.tsv."""
    rows = []
    for line in (Path(__file__).parent / "data" / "kept_paragraphs.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            part, case, kept, paragraph = line.split("\t")
            if part == split:
                rows.append((case, kept, paragraph))
    return rows


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_paragraphs_kept_as_written_match_the_table(split: str) -> None:
    cases = kept_cases(split)
    assert len(cases) >= 12
    wrong = [(case, kept, language.kept_language(paragraph) or "-") for case, kept, paragraph in cases
             if (language.kept_language(paragraph) or "-") != kept]
    assert wrong == []


def test_the_table_has_every_kind_of_paragraph() -> None:
    cases = {case for split in ("dev", "heldout") for case, _, _ in kept_cases(split)}
    for kind in ("ar-names", "ar-quote", "en", "fr", "arabizi", "mixed", "byline"):
        assert any(case.startswith(kind) for case in cases), kind


def test_kept_language_mirror_for_an_english_source() -> None:
    arabic = ARABIC["standard"]
    assert language.kept_language(arabic, "en") == "ar"
    assert language.kept_language("The foreign minister said the talks would resume next week.", "en") is None
    # another Latin-script language is not kept from English: a garbled English sentence could look like one
    french = "Le ministre des affaires étrangères a déclaré que les négociations reprendraient."
    assert language.kept_language(french, "en") is None and language.kept_language(french) == "fr"
    assert language.name("fr") == "French" and language.name("xx") == "xx"
