"""Summary support: each summary sentence tied to the article sentences behind it, and checked."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import docx
import pytest
from conftest import built

from summarize import Summarizer
from summarize.support import (
    UNSUPPORTED_BELOW,
    Aligner,
    arabic_stem,
    arabic_terms,
    central,
    flagged_lines,
    support_summary,
)
from translate import TranslateError
from translate import testing as factory
from translate.glossary import Glossary
from translate.translator import Segment, Translation

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import summary_support as bench

ENGLISH = [e for _, e in factory.PAIRS]
ARABIC = [a for a, _ in factory.PAIRS]
REVERSED_AR = " ".join(reversed(ARABIC))
REVERSED_EN = " ".join(reversed(ENGLISH))
WRONG_NUMBER_EN = "Oil prices rose by 30 percent on Monday. The health ministry announced 120 new cases."
INVENTED_EN = "A volcano erupted in Iceland, scientists said."


@pytest.fixture(scope="session")
def inventing_mt5(models_dir) -> Path:
    """A tiny mT5 whose English summary of the test article states 30 percent (the article says 3.5), and
    whose English summary of the reversed article says what the article never does."""
    return built(models_dir / "mt5-inventing", lambda folder: factory.memorise(
        factory.build_mt5(folder, texts=factory.ARABIC_TEXTS + factory.ENGLISH_TEXTS + (WRONG_NUMBER_EN, INVENTED_EN)),
        [(factory.summariser_input(factory.ARTICLE_EN), WRONG_NUMBER_EN),
         (factory.summariser_input(factory.ARTICLE_AR), factory.SUMMARY_AR),
         (REVERSED_EN, INVENTED_EN),
         (REVERSED_AR, factory.SUMMARY_AR)], max_steps=4000, no_repeat_ngram_size=3))



def _pairs(order) -> list[tuple[str, str]]:
    return [factory.PAIRS[i] for i in order]


# --- summaries from memorising summarisers -----------------------------------------------------------

def test_a_number_the_article_does_not_state_is_flagged_with_its_support(inventing_mt5) -> None:
    summary = Summarizer(str(inventing_mt5)).summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN,
                                                       sentences=factory.PAIRS)
    assert summary.english == WRONG_NUMBER_EN
    wrong, right = summary.english_sentences
    assert wrong.support[0] == 3
    assert wrong.flags == ("numbers",)
    assert wrong.details == {"numbers": "30 percent is not in the article (sentence 3 says 3.5 percent)"}
    assert (right.support, right.scores, right.flags) == ((4,), (1.0,), ())
    assert [s.support for s in summary.arabic_sentences] == [(3,), (4,)]
    assert "english:numbers" in summary.flags and "english:unsupported" not in summary.flags


def test_a_summary_with_no_support_is_unsupported(inventing_mt5) -> None:
    summary = Summarizer(str(inventing_mt5)).summarize(arabic=REVERSED_AR, english=REVERSED_EN,
                                                       sentences=_pairs(reversed(range(len(factory.PAIRS)))))
    assert summary.english == INVENTED_EN
    (invented,) = summary.english_sentences
    assert invented.support == ()
    assert invented.flags == ("unsupported",)
    assert invented.details == {"unsupported": "no article sentence says this"}
    assert "english:unsupported" in summary.flags
    # the Arabic summary copies sentences 3 and 4, which the reversed article numbers 8 and 7
    assert [(s.support, s.flags) for s in summary.arabic_sentences] == [((8,), ()), ((7,), ())]


def test_a_summary_copying_article_sentences_is_supported_without_flags(memorised_mt5) -> None:
    summary = Summarizer(str(memorised_mt5)).summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN,
                                                       sentences=factory.PAIRS)
    assert summary.flags == ()
    for sentences in (summary.english_sentences, summary.arabic_sentences):
        assert [(s.support, s.scores, s.coverage, s.flags) for s in sentences] == [
            ((3,), (1.0,), 1.0, ()), ((4,), (1.0,), 1.0, ())]
    data = json.loads(json.dumps(asdict(summary), ensure_ascii=False))
    assert data["english_sentences"][0] == {"text": factory.PAIRS[2][1], "support": [3], "scores": [1.0],
                                            "coverage": 1.0, "flags": [], "details": {}}


def test_without_sentence_pairs_each_language_is_split_on_its_own(memorised_mt5) -> None:
    summary = Summarizer(str(memorised_mt5)).summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    assert [s.support for s in summary.english_sentences] == [(3,), (4,)]


# --- the extractive strategy --------------------------------------------------------------------------

BRIDGE = {language: bench.load_cases()[0][("bridge", language)] for language in ("ar", "en")}
OFF_TOPIC = (factory.PAIRS[5], factory.PAIRS[6])  # rain on the coast, the book fair
ARTICLE = [*zip(BRIDGE["ar"], BRIDGE["en"], strict=True), *OFF_TOPIC]  # four sentences on a bridge, two not


def _extractive(pairs: list[tuple[str, str]], sentences: int = 2):
    summarizer = Summarizer(strategy="extractive", sentences=sentences)
    return summarizer.summarize(arabic="\n\n".join(a for a, _ in pairs), english="\n\n".join(e for _, e in pairs),
                                sentences=pairs)


def test_extractive_chooses_the_most_central_sentences_in_both_languages() -> None:
    summary = _extractive(ARTICLE)
    assert summary.english == " ".join(BRIDGE["en"][i] for i in (0, 1))
    assert summary.arabic == " ".join(BRIDGE["ar"][i] for i in (0, 1))
    assert summary.strategy == "extractive" and summary.flags == ()
    assert [s.support[0] for s in summary.english_sentences] == [1, 2]
    assert [s.support[0] for s in summary.arabic_sentences] == [1, 2]


def test_extractive_support_follows_the_article_order() -> None:
    order = [4, 1, 5, 0, 3, 2]  # the same sentences, shuffled
    summary = _extractive([ARTICLE[i] for i in order])
    assert summary.english == " ".join(BRIDGE["en"][i] for i in (1, 0))  # article order: sentence 2 first
    assert [s.support[0] for s in summary.english_sentences] == [2, 4]
    assert [s.support[0] for s in summary.arabic_sentences] == [2, 4]
    assert all(s.flags == () for s in summary.english_sentences + summary.arabic_sentences)


def test_extractive_needs_no_model_and_signs_its_strategy() -> None:
    summarizer = Summarizer(strategy="extractive")
    assert not summarizer.uses_model
    assert summarizer.signature() == {"strategy": "extractive", "model": None,
                                      "generation": {"max_sentences": 3}, "glossary": None}
    assert summarizer.with_glossary(None).strategy == "extractive"


def test_extractive_is_a_choice_of_every_front_end() -> None:
    import argparse

    from translate.config import RunConfig, add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    config = RunConfig.from_args(parser.parse_args(["--summary-strategy", "extractive"]))
    assert config.summary_strategy == "extractive"
    assert Summarizer.from_config(config).strategy == "extractive"


def test_text_rank_on_a_one_sentence_article_and_fewer_sentences_than_asked() -> None:
    one = Aligner([ENGLISH[0]], "en")
    assert central([one], 3) == [0]
    assert central([Aligner([], "en")], 3) == []
    twice = ENGLISH * 2  # a repeated article: each sentence chosen once
    assert len({twice[i] for i in central([Aligner(twice, "en")], 3)}) == 3
    assert _extractive(ARTICLE, sentences=10).english == " ".join(e for _, e in ARTICLE)


# --- checks on summary sentences and bad input ----------------------------------------------------------

@pytest.mark.parametrize(("word", "stem"), [("والحكومة", "حكوم"), ("بالمدن", "مدن"), ("للسكان", "سكان"),
                                            ("وأضاف", "اضاف"), ("فالمنتخب", "منتخب"), ("كتاب", "كتاب")],
                         ids=["wa-al", "bi-al", "lil", "wa", "fa-al", "no-prefix"])
def test_arabic_stems(word: str, stem: str) -> None:
    from translate.glossary import fold

    assert arabic_stem(fold(word)) == stem


def test_arabic_numbers_in_any_digits_are_one_term() -> None:
    assert "#3.5" in arabic_terms("ارتفع النفط ٣٫٥ في المئة") and "#3.5" in arabic_terms("بنسبة 3.5")


def test_a_number_elsewhere_in_the_article_joins_the_support() -> None:
    (sentence,) = support_summary("The health ministry said oil rose 7 percent.", ENGLISH, "en")
    assert sentence.flags == ("numbers",)
    (found,) = support_summary("Oil prices rose on Monday as the ministry announced 120 cases.", ENGLISH, "en")
    assert found.flags == () and set(found.support[:2]) == {3, 4}


@pytest.mark.parametrize(("summary", "language", "flags"), [
    ("Oil rose 3.5 percent.", "ar", ("script",)),
    ("ارتفعت أسعار النفط", "en", ("script",)),
    ("Oil prices rose by 3.5 percent on Tuesday.", "en", ("dates",)),
    ("Talks will resume in Kairo next week, the foreign minister said.", "en", ("glossary",)),
], ids=["english-in-arabic", "arabic-in-english", "weekday", "glossary-variant"])
def test_sentence_checks(summary: str, language: str, flags: tuple[str, ...]) -> None:
    glossary = Glossary.from_rows([["القاهرة", "Cairo", "Kairo", "", ""]])
    named = glossary.find(" ".join(ARABIC))
    article = ARABIC if language == "ar" else ENGLISH
    (sentence,) = support_summary(summary, article, language, glossary=glossary, named=named)
    assert sentence.flags == flags
    assert all(sentence.details[flag] for flag in flags)


def test_bad_input_gives_a_clear_result() -> None:
    assert support_summary("", ENGLISH, "en") == ()
    assert support_summary("   ", ENGLISH, "en") == ()
    (alone,) = support_summary(ENGLISH[2], [ENGLISH[2]], "en")  # a one-sentence article
    assert (alone.support, alone.flags) == ((1,), ())
    longer = support_summary(" ".join(ENGLISH[:4]), ENGLISH[2:4], "en")  # a summary longer than its article
    assert [s.support for s in longer] == [(), (), (1,), (2,)]
    assert [s.flags for s in longer] == [("unsupported",), ("unsupported",), (), ()]
    (nothing,) = support_summary(ENGLISH[0], [], "en")  # no article sentences at all
    assert nothing.flags == ("unsupported",)


def test_short_articles_are_still_refused_by_the_extractive_strategy() -> None:
    with pytest.raises(TranslateError, match="too short to summarise"):
        Summarizer(strategy="extractive").summarize(arabic=ARABIC[0], english=ENGLISH[0])


def test_the_threshold_separates_the_written_cases() -> None:
    articles, cases = bench.load_cases()
    covered = bench.coverages(articles, cases)
    for part, least in (("dev", 1.0), ("held-out", 0.9)):
        chosen = [(c, v) for c, v in zip(cases, covered, strict=True) if c.part == part]
        assert len(chosen) >= 14
        assert bench.accuracy([c for c, _ in chosen], [v for _, v in chosen], UNSUPPORTED_BELOW) >= least


# --- the front ends ----------------------------------------------------------------------------------

FLAGGED = {"english_sentences": [{"text": WRONG_NUMBER_EN.split(". ")[0] + ".", "support": [3], "scores": [0.65],
                                  "coverage": 0.65, "flags": ["numbers"],
                                  "details": {"numbers": "30 percent is not in the article (sentence 3 says 3.5 "
                                                         "percent)"}}],
           "arabic_sentences": []}
NOTE = ("English summary sentence 1 (article sentences 3): numbers: 30 percent is not in the article "
        "(sentence 3 says 3.5 percent)")


def test_flagged_lines_and_the_downloads_note_flagged_summary_sentences(tmp_path) -> None:
    from web import review

    assert flagged_lines(FLAGGED) == [NOTE]
    assert flagged_lines(None) == [] and flagged_lines({"english_sentences": []}) == []
    segments = tuple(Segment(a, e, 0, -0.1) for a, e in factory.PAIRS[:2])
    translation = Translation(" ".join(e for _, e in factory.PAIRS[:2]), segments)
    txt, docx_path, data = review.export(tmp_path, translation, translation, summary=FLAGGED)
    closing = "Edited by the editor: none of the 2 sentences."
    assert Path(txt).read_text("utf-8") == f"{translation.text}\n\n{review.SUMMARY_NOTES}\n{NOTE}\n\n{closing}\n"
    texts = [p.text for p in docx.Document(docx_path).paragraphs]
    start = texts.index(review.SUMMARY_NOTES)
    assert texts[start:start + 3] == [review.SUMMARY_NOTES, NOTE, closing]
    assert json.loads(Path(data).read_text("utf-8"))["summary"]["english_sentences"][0]["support"] == [3]
    clean = tmp_path / "clean"
    clean.mkdir()
    txt, _, _ = review.export(clean, translation, translation, summary={"english_sentences": []})
    assert Path(txt).read_text("utf-8") == f"{translation.text}\n\n{closing}\n"


def test_the_paste_tab_lists_source_numbers_and_highlights_flagged_sentences() -> None:
    from web import review, summary_view

    shown = summary_view.html_of(FLAGGED)
    assert 'data-row="3"' in shown and review.FLAGGED_STYLE in shown and 'data-flags="numbers"' in shown
    assert "30 percent is not in the article" in shown
    assert summary_view.html_of(None) == "" and summary_view.render(None) == ""
    assert "&lt;b&gt;" in summary_view.html_of({"english_sentences": [{"text": "<b>", "support": [],
                                                                        "flags": [], "details": {}}]})


def test_the_batch_job_cites_review_rows_and_counts_flags(tmp_path, memorised_marian, inventing_mt5) -> None:
    import io

    from jobs.batch import Run
    from translate.translator import Translator

    source = tmp_path / "in"
    source.mkdir()
    (source / "story.txt").write_text(factory.ARTICLE_AR, encoding="utf-8")
    run = Run(source, tmp_path / "out", Translator(str(memorised_marian), beams=1), Summarizer(str(inventing_mt5)),
              log=io.StringIO())
    (record,) = run.execute().records
    assert record.status == "done"
    assert "english:numbers" in record.summary_flags
    summary = json.loads((tmp_path / "out" / "story.summary.json").read_text("utf-8"))
    review_rows = json.loads((tmp_path / "out" / "story.review.json").read_text("utf-8"))["sentences"]
    first = summary["english_sentences"][0]
    assert first["flags"] == ["numbers"] and first["support"][0] == 3
    assert review_rows[first["support"][0] - 1]["target"] == factory.PAIRS[2][1]
    manifest = [json.loads(line) for line in (tmp_path / "out" / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert "english:numbers" in manifest[0]["summary_flags"]


def test_regenerate_summaries_supports_against_the_edited_english(memorised_marian) -> None:
    from web import handlers, review
    from web.service import Service

    service = Service(__import__("translate").Translator(str(memorised_marian), beams=1),
                      Summarizer(strategy="extractive", sentences=10))
    try:
        article = factory.ARTICLE_AR
        machine = service.translator.translate(article)
        session = review.Session.start(article, machine)
        rows = review.rows(machine)
        rows[2][review.ENGLISH] = "Oil prices rose by 4 percent on Monday."
        state = handlers.Reviewing(session)
        english, _, _, _, state = handlers.regenerate_summaries(service, state, rows)
        assert "Oil prices rose by 4 percent on Monday." in english
        third = state.session.summary["english_sentences"][2]
        assert third["text"] == "Oil prices rose by 4 percent on Monday."
        assert third["support"][0] == 3 and not third["flags"]
        assert state.session.summary["of"] == review.EDITED
    finally:
        service.close()
