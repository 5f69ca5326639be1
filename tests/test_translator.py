"""The Translator end to end on tiny models built by the tests."""

from __future__ import annotations

import itertools
import random

import pytest

from translate import TranslateError, Translator
from translate import testing as factory
from translate.checks import NOT_ARABIC, TRUNCATED, kept_note
from translate.loading import load_model
from translate.models import PRESETS, resolve_model

ARABIC = dict(factory.PAIRS)


def shuffled_article(seed: int) -> tuple[str, str, list[int]]:
    """An article of 4 paragraphs made of the memorised sentences in shuffled order, the English
    document the model must return, and each sentence's paragraph index."""
    pairs = list(factory.PAIRS)
    random.Random(seed).shuffle(pairs)
    sizes = [3, 1, 4, 2]
    separators = ["\n\n", "\n", "\n\n"]
    arabic, english, paragraph_of = [], [], []
    start = 0
    for index, size in enumerate(sizes):
        group = pairs[start : start + size]
        start += size
        arabic.append(" ".join(a for a, _ in group))
        english.append(" ".join(e for _, e in group))
        paragraph_of += [index] * size
    def join(parts: list[str]) -> str:
        return parts[0] + "".join(sep + part for sep, part in zip(separators, parts[1:], strict=True))

    return join(arabic), join(english), paragraph_of


@pytest.mark.parametrize("seed", [1, 2])
def test_memorised_article_comes_back_exactly(memorised_marian, seed: int) -> None:
    article, english, paragraph_of = shuffled_article(seed)
    result = Translator(str(memorised_marian), beams=1).translate(article)
    assert result.text == english
    assert [s.paragraph for s in result.segments] == paragraph_of
    assert all(s.target == ARABIC[s.source] for s in result.segments)
    assert all(s.flags == () for s in result.segments)
    assert all(-1.0 < s.score <= 0.0 for s in result.segments)


@pytest.mark.parametrize("beams", [1, 4])
def test_results_do_not_depend_on_batch_size(memorised_marian, beams: int) -> None:
    article, english, _ = shuffled_article(3)
    runs = []
    for max_batch_size in (1, 3, 64):
        translator = Translator(str(memorised_marian), beams=beams, cache_size=0)
        translator.max_batch_size = max_batch_size
        runs.append(translator.translate(article))
    assert all(run.text == english for run in runs)
    assert [[s.target for s in run.segments] for run in runs] == [[s.target for s in runs[0].segments]] * 3
    for run in runs[1:]:
        assert [s.score for s in run.segments] == pytest.approx([s.score for s in runs[0].segments], abs=1e-3)


def test_translate_batch_batches_across_documents_and_keeps_them_apart(memorised_marian) -> None:
    translator = Translator(str(memorised_marian), beams=1)
    calls = []
    engine = translator.engine
    original = engine.generate
    engine.generate = lambda sources, caps, decoding: calls.append(len(sources)) or original(sources, caps, decoding)
    documents = [shuffled_article(seed)[0] for seed in (4, 5, 6)] + [""]
    results = translator.translate_batch(documents)
    assert [r.text for r in results[:3]] == [shuffled_article(seed)[1] for seed in (4, 5, 6)]
    assert results[3].text == "" and results[3].segments == ()
    assert calls == [len(factory.PAIRS)]  # 30 sentences, 10 distinct: one batch


def test_sentences_without_arabic_are_copied_not_generated(memorised_marian) -> None:
    first, english = factory.PAIRS[0]
    result = Translator(str(memorised_marian), beams=1).translate(f"(AFP)\n\n{first} 2024.\n\nReuters")
    assert result.text == f"(AFP)\n\n{english} 2024.\n\nReuters"
    assert [s.score for s in result.segments] == [0.0, pytest.approx(result.segments[1].score), 0.0, 0.0]


ENGLISH_PARAGRAPH = ("The term intifada (انتفاضة) means uprising, and it was first used widely during the "
                    "protests of 1987. It is still heard today.")
FRENCH_PARAGRAPH = "Le ministre a déclaré que les négociations reprendraient la semaine prochaine au Caire."


def test_paragraphs_in_another_language_are_kept_as_written_and_flagged(memorised_marian) -> None:
    (first, english), (second, english2) = factory.PAIRS[:2]
    translator = Translator(str(memorised_marian), beams=1)
    sent: list[str] = []
    original = translator.translate_pieces
    translator.translate_pieces = lambda pieces, **kw: sent.extend(pieces) or original(pieces, **kw)
    article = f"{first}\n\n{ENGLISH_PARAGRAPH}\n{FRENCH_PARAGRAPH}\n\n{second} (AFP)"
    result = translator.translate(article)
    assert result.text == f"{english}\n\n{ENGLISH_PARAGRAPH}\n{FRENCH_PARAGRAPH}\n\n{english2} (AFP)"
    assert sent == [first, second, "(AFP)"]  # the English sentence with an Arabic word is not sent either
    kept = [s for s in result.segments if s.flags]
    assert [s.paragraph for s in kept] == [1, 1, 2]
    assert all(s.flags == (NOT_ARABIC,) and s.target == s.source and s.score == 0.0 for s in kept)
    assert [s.details[NOT_ARABIC] for s in kept] == ["English paragraph, kept as written"] * 2 + [
        "French paragraph, kept as written"]
    steps = list(translator.translate_progressively(article, step_pieces=1))
    assert steps[-1] == result
    assert kept_note(result.segments) == "Kept as written, not translated: paragraph 2 (English); paragraph 3 (French)."
    assert kept_note(result.segments[:1]) == ""


def test_short_latin_text_in_arabic_sentences_is_still_translated(memorised_marian) -> None:
    mixed = "قال وزير الخارجية لوكالة Reuters وصحيفة The Guardian إن محادثات NATO ستستأنف في 2025."
    result = Translator(str(memorised_marian), beams=1).translate(f"{mixed}\n\nBy John Smith, Reuters")
    assert [NOT_ARABIC in s.flags for s in result.segments] == [False, False]
    assert result.segments[0].score < 0.0 and result.segments[1].target == "By John Smith, Reuters"


def test_en_ar_translator_keeps_arabic_paragraphs_not_french(memorised_marian_en_ar) -> None:
    arabic, english = factory.PAIRS[0]
    translator = Translator(str(memorised_marian_en_ar), beams=1, languages=("en", "ar"))
    quote = factory.PAIRS[1][0]
    result = translator.translate(f"{english}\n\n{quote}\n\n{FRENCH_PARAGRAPH}")
    assert result.segments[0].target == arabic and not result.segments[0].flags
    assert result.segments[1].target == quote
    assert result.segments[1].details == {NOT_ARABIC: "Arabic paragraph, kept as written"}
    assert NOT_ARABIC not in result.segments[2].flags and result.segments[2].score < 0.0  # sent to the model


def test_progressive_translation_grows_paragraph_by_paragraph(memorised_marian) -> None:
    article, english, _ = shuffled_article(7)
    translator = Translator(str(memorised_marian), beams=1, batch_tokens=48)  # small batches: several updates
    steps = list(translator.translate_progressively(article, step_pieces=2))
    assert len(steps) >= 3
    assert steps[-1].text == english
    for earlier, later in itertools.pairwise(steps):
        assert later.text.startswith(earlier.text)
        assert len(later.segments) > len(earlier.segments)


def test_3000_word_paragraph_is_translated_piece_by_piece(random_marian) -> None:
    words = [a for a, _ in factory.PAIRS for a in a.rstrip(".؟").split()]
    paragraph = " ".join((words * 80)[:3000])  # no full stop anywhere
    translator = Translator(str(random_marian), beams=1, max_input_tokens=96, batch_tokens=8192)
    result = translator.translate(paragraph)
    loaded = translator.loaded
    assert len(result.segments) > 10
    assert " ".join(s.source for s in result.segments).split() == paragraph.split()
    assert all(loaded.count_tokens(s.source) <= 96 for s in result.segments)
    assert all(s.target and s.paragraph == 0 for s in result.segments)
    assert result.text == " ".join(s.target for s in result.segments)


def test_random_model_output_is_flagged_not_hidden(random_marian) -> None:
    result = Translator(str(random_marian), beams=1).translate(factory.PAIRS[3][0])
    (segment,) = result.segments
    assert segment.flags  # a random model's output cannot pass the checks
    if TRUNCATED in segment.flags:
        assert segment.target


def test_m2m100_family_uses_language_tokens(random_m2m100) -> None:
    translator = Translator(str(random_m2m100), beams=2)
    assert translator.loaded.family == "m2m100"
    assert translator.decoding.target_start_token == "__en__"
    result = translator.translate(factory.PAIRS[0][0] + "\n\n" + factory.PAIRS[1][0])
    assert [s.paragraph for s in result.segments] == [0, 1]
    assert all("__en__" not in s.target for s in result.segments)


def test_cache_serves_repeated_sentences_without_model_work(memorised_marian) -> None:
    translator = Translator(str(memorised_marian), beams=1)
    article, english, _ = shuffled_article(8)
    first = translator.translate(article)
    calls = []
    translator.engine.generate = lambda *args: calls.append(args) or []
    second = translator.translate(article + "\n\n" + factory.PAIRS[0][0])
    assert calls == []
    assert second.text == english + "\n\n" + factory.PAIRS[0][1]
    assert [s.score for s in second.segments[:10]] == [s.score for s in first.segments]
    assert translator.cache.hits == 10  # the repeated sentence is looked up once per call


def test_cache_is_bounded(memorised_marian) -> None:
    translator = Translator(str(memorised_marian), beams=1, cache_size=3)
    translator.translate(shuffled_article(9)[0])
    assert len(translator.cache) == 3


def test_presets_and_environment_choose_the_model(monkeypatch, memorised_marian) -> None:
    from translate.config import RunConfig

    assert resolve_model("fast") == PRESETS["fast"]
    assert resolve_model(None) == PRESETS["default"]
    monkeypatch.setenv("KHABAR_MODEL", str(memorised_marian))
    assert resolve_model(RunConfig.resolved().model) == str(memorised_marian)
    assert Translator().model_name == str(memorised_marian)
    assert resolve_model(RunConfig.resolved(model="nllb").model) == PRESETS["nllb"]  # an argument beats the environment


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("Helsinki-NLP/no-such-model", "Could not load the model 'Helsinki-NLP/no-such-model'.*local folder|folder"),
        ("./no/such/folder", "There is no model folder at './no/such/folder'"),
    ],
)
def test_unloadable_models_give_a_clear_error(model: str, message: str) -> None:
    with pytest.raises(TranslateError, match=message):
        Translator(model).translate(factory.PAIRS[0][0])


def test_folder_without_model_gives_a_clear_error(tmp_path) -> None:
    with pytest.raises(TranslateError, match="not a saved model folder"):
        load_model(str(tmp_path))


@pytest.mark.parametrize(
    ("settings", "message"),
    [({"engine": "fast"}, "Unknown engine"), ({"beams": 0}, "beams"), ({"device": "tpu"}, "Unknown device")],
)
def test_bad_settings_are_refused(memorised_marian, settings, message: str) -> None:
    with pytest.raises(TranslateError, match=message):
        Translator(str(memorised_marian), **settings)


def test_bad_environment_value_is_refused(monkeypatch, memorised_marian) -> None:
    monkeypatch.setenv("KHABAR_BEAMS", "four")
    with pytest.raises(TranslateError, match="KHABAR_BEAMS"):
        Translator(str(memorised_marian))


def test_the_test_session_cannot_reach_the_network() -> None:
    import socket

    with pytest.raises(RuntimeError, match="tests must stay offline"), socket.create_connection(("1.1.1.1", 443), 2):
        pass


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_alternatives_come_from_one_beam_best_first_and_distinct(memorised_marian, engine: str) -> None:
    translator = Translator(str(memorised_marian), engine=engine, compute_type="float32", beams=4)
    sources = [arabic for arabic, _ in factory.PAIRS[:3]]
    found = translator.alternatives([*sources, "2024 (AP)"], 3)
    assert len(found) == 4
    for (arabic, english), candidates in zip(factory.PAIRS[:3], found, strict=False):
        assert candidates[0].target == english  # the memorised translation leads
        assert candidates[0].source == arabic and not candidates[0].flags
        assert 2 <= len(candidates) <= 3
        assert len({c.target for c in candidates}) == len(candidates)
    assert [c.target for c in found[3]] == ["2024 (AP)"]  # nothing to translate: one candidate, itself
    assert translator.translate(factory.PAIRS[0][0]).text == factory.PAIRS[0][1]  # the usual output is unchanged
    with pytest.raises(TranslateError, match="alternatives"):
        translator.alternatives(sources, 0)
