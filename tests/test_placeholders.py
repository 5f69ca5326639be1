"""Placeholders survive translation: masked before the model, restored after, never dropped silently."""

from __future__ import annotations

import pytest

from translate.placeholders import PLACEHOLDER, mask, translate_masked

FOUND = [
    ("printf", "تم حذف %s من القائمة", ["%s"]),
    ("printf-number", "لديك %d رسائل و%.2f دولار", ["%d", "%.2f"]),
    ("positional", "نقل %1$s إلى %2$s", ["%1$s", "%2$s"]),
    ("python-named", "لديك %(count)d رسائل", ["%(count)d"]),
    ("brace", "مرحبا {name}، لديك {0} رسائل و{}", ["{name}", "{0}", "{}"]),
    ("format-spec", "السعر {price:.2f} دولار", ["{price:.2f}"]),
    ("double-brace", "مرحبا {{ user.name }}", ["{{ user.name }}"]),
    ("dollar", "مرحبا ${name}", ["${name}"]),
    ("entities", "الصحة &amp; التعليم&#1589;&#x627;", ["&amp;", "&#1589;", "&#x627;"]),
    ("ios", "مرحبا %@", ["%@"]),
    ("percent-sign", "%% من الأصوات", ["%%"]),
    ("weblate-mask", "حذف [X7X] من [X15X]", ["[X7X]", "[X15X]"]),
]
NOT_FOUND = [
    ("arabic-percent", "ارتفعت الأسعار بنسبة 50% في المئة"),
    ("arabic-percent-before", "ارتفعت الأسعار بنسبة %50 هذا العام"),
    ("arabic-percent-sign", "نسبة ٥٠٪ من الناخبين"),
    ("ampersand", "الصحة & التعليم"),
    ("braces-with-arabic", "{مرحبا}"),
]


@pytest.mark.parametrize(("text", "expected"), [row[1:] for row in FOUND], ids=[row[0] for row in FOUND])
def test_placeholders_are_found(text: str, expected: list[str]) -> None:
    assert PLACEHOLDER.findall(text) == expected
    assert mask(text).placeholders == tuple(expected)


@pytest.mark.parametrize("text", [row[1] for row in NOT_FOUND], ids=[row[0] for row in NOT_FOUND])
def test_ordinary_text_holds_no_placeholder(text: str) -> None:
    assert PLACEHOLDER.findall(text) == []
    assert mask(text).text == text


def test_placeholders_at_the_ends_never_reach_the_model() -> None:
    masked = mask("%s: تم حذف الملف {name}")
    assert (masked.prefix, masked.text, masked.suffix, masked.tokens) == ("%s: ", "تم حذف الملف", " {name}", ())
    assert masked.restore("The file was deleted").text == "%s: The file was deleted {name}"


def test_inner_placeholders_become_tokens_and_come_back() -> None:
    masked = mask("نقل %1$s إلى %2$s بنجاح")
    assert masked.text == "نقل QZ0 إلى QZ1 بنجاح"
    restored = masked.restore("Moved qz0 to QZ 1 successfully")
    assert restored.text == "Moved %1$s to %2$s successfully" and restored.lost == ()


def test_a_token_the_model_lost_is_added_at_the_end_and_reported() -> None:
    restored = mask("لديك %(count)d رسائل جديدة").restore("You have new messages")
    assert restored.text == "You have new messages %(count)d"
    assert restored.lost == ("%(count)d",)


def test_a_token_written_twice_comes_back_once() -> None:
    assert mask("حذف %s نهائيا").restore("Delete QZ0 QZ0 permanently").text == "Delete %s permanently"


def test_a_marker_already_in_the_text_is_not_used() -> None:
    masked = mask("رمز QZ0 و%s هنا")
    assert masked.marker != "QZ" and masked.tokens == ((f"{masked.marker}0", "%s"),)
    assert masked.restore(f"Code QZ0 and {masked.marker}0 here").text == "Code QZ0 and %s here"


@pytest.mark.parametrize("text", ["%s", "{name}", "%1$s %2$s", "  &amp; ", "{0}: {1}"],
                         ids=["printf", "brace", "two", "entity", "two-braces"])
def test_only_placeholders_come_back_unchanged_without_the_model(text: str) -> None:
    def never(_: str) -> str:
        raise AssertionError("the model was called")

    assert translate_masked(text, never).text == text


def test_translate_masked_calls_the_model_with_the_tokens() -> None:
    seen: list[str] = []

    def model(text: str) -> str:
        seen.append(text)
        return text.replace("تم حذف", "Deleted").replace("من", "from")

    assert translate_masked("تم حذف %s من {folder}.", model).text == "Deleted %s from {folder}."
    assert seen == ["تم حذف QZ0 من QZ1."]
