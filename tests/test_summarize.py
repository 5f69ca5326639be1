"""Bilingual summaries with both strategies, long articles and flags."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import factory
import pytest

from summarize import Summarizer
from summarize.summarizer import Generation, summary_flags
from translate import TranslateError, Translator

ROOT = Path(__file__).resolve().parents[1]


def test_native_strategy_writes_both_summaries(memorised_mt5) -> None:
    summary = Summarizer(str(memorised_mt5)).summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    assert summary.english == factory.SUMMARY_EN
    assert summary.arabic == factory.SUMMARY_AR
    assert summary.flags == ()
    assert summary.strategy == "native"
    assert summary.coverage == "whole article"


def test_translate_back_strategy_translates_the_english_summary(memorised_bart, memorised_marian_en_ar) -> None:
    summarizer = Summarizer(str(memorised_bart), strategy="translate-back", arabic_model=str(memorised_marian_en_ar))
    summary = summarizer.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    assert summary.english == factory.SUMMARY_EN
    assert summary.arabic == factory.SUMMARY_AR
    assert summary.flags == ()
    assert summary.strategy == "translate-back"


def test_translation_feeds_the_summary_end_to_end(memorised_marian, memorised_mt5) -> None:
    english = Translator(str(memorised_marian), beams=1).translate(factory.ARTICLE_AR).text
    assert english == factory.ARTICLE_EN
    summary = Summarizer(str(memorised_mt5)).summarize(arabic=factory.ARTICLE_AR, english=english)
    assert (summary.english, summary.arabic) == (factory.SUMMARY_EN, factory.SUMMARY_AR)


@pytest.mark.parametrize(("long_input", "coverage"), [("lead", r"lead: first \d+ of 60 sentences"),
                                                      ("chunks", r"chunks: \d+ parts summarised, then combined")])
def test_long_articles_say_what_was_summarised(random_mt5, long_input: str, coverage: str) -> None:
    arabic = "\n\n".join([factory.ARTICLE_AR] * 6)
    english = "\n\n".join([factory.ARTICLE_EN] * 6)
    summarizer = Summarizer(str(random_mt5), long_input=long_input, generation=Generation(max_new_tokens=12, beams=1))
    summary = summarizer.summarize(arabic=arabic, english=english)
    assert re.fullmatch(coverage, summary.coverage)
    assert summary.english and summary.arabic
    if long_input == "lead":
        first = int(summary.coverage.split()[2])
        assert 10 < first < 60


def test_random_bart_translate_back_runs_end_to_end(random_bart, memorised_marian_en_ar) -> None:
    summarizer = Summarizer(str(random_bart), strategy="translate-back", arabic_model=str(memorised_marian_en_ar),
                            generation=Generation(max_new_tokens=16, beams=2))
    summary = summarizer.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    assert summary.english
    assert "english:truncated" in summary.flags or summary.english.endswith((".", "?", "!"))


@pytest.mark.parametrize("words", [0, 5, 29])
def test_short_articles_are_refused(memorised_mt5, words: int) -> None:
    arabic = " ".join(["كلمة"] * words)
    with pytest.raises(TranslateError, match="too short to summarise"):
        Summarizer(str(memorised_mt5)).summarize(arabic=arabic, english="Word " * words)


def test_length_is_adjustable(memorised_mt5) -> None:
    summarizer = Summarizer(str(memorised_mt5), generation=Generation(max_sentences=1))
    summary = summarizer.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    assert summary.english == factory.PAIRS[2][1]
    assert summary.arabic == factory.PAIRS[2][0]
    short = Summarizer(str(memorised_mt5), generation=Generation(max_new_tokens=4))
    cut = short.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    assert {"english:truncated", "arabic:truncated"} <= set(cut.flags)


@pytest.mark.parametrize(
    ("english", "arabic", "flags"),
    [
        ("Oil rose 3.5 percent.", "ارتفع النفط 3.5 في المئة.", ()),
        ("Oil rose 7 percent.", "ارتفع النفط ٣٫٥ في المئة.", ("english:numbers",)),
        ("Oil rose 3.5 percent.", "ارتفع النفط 9 في المئة.", ("arabic:numbers",)),
        ("النفط ارتفع", "ارتفع النفط.", ("english:script",)),
        ("Oil rose.", "Oil rose in Arabic.", ("arabic:script",)),
        ("", "ارتفع النفط.", ("english:empty",)),
    ],
)
def test_summary_flags(english: str, arabic: str, flags: tuple[str, ...]) -> None:
    sources = ("ارتفعت أسعار النفط بنسبة ٣٫٥ في المئة.", "Oil prices rose by 3.5 percent.")
    assert summary_flags(english, arabic, sources=sources) == flags


def test_unknown_strategy_is_refused() -> None:
    with pytest.raises(TranslateError, match="Unknown summary strategy"):
        Summarizer("x", strategy="abstractive")


def test_cli_prints_json_with_both_summaries(memorised_marian, memorised_mt5, tmp_path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(factory.ARTICLE_AR, encoding="utf-8")
    env = {**os.environ, "KHABAR_BEAMS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "summarize", str(path), "--json", "--summary-model", str(memorised_mt5),
         "--model", str(memorised_marian)],
        capture_output=True, cwd=ROOT, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout)
    assert result["english"] == factory.SUMMARY_EN
    assert result["arabic"] == factory.SUMMARY_AR
    assert result["flags"] == []
    assert result["coverage"] == "whole article"
    assert result["translation"] == factory.ARTICLE_EN
    plain = subprocess.run(
        [sys.executable, "-m", "summarize", str(path), "--summary-model", str(memorised_mt5),
         "--model", str(memorised_marian)], capture_output=True, cwd=ROOT, env=env, timeout=300,
    )
    assert plain.stdout.decode() == f"English: {factory.SUMMARY_EN}\nArabic: {factory.SUMMARY_AR}\n"


def test_cli_short_article_is_an_error(memorised_marian, memorised_mt5, tmp_path) -> None:
    path = tmp_path / "short.txt"
    path.write_text(factory.PAIRS[0][0], encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "summarize", str(path), "--summary-model", str(memorised_mt5),
         "--model", str(memorised_marian)], capture_output=True, cwd=ROOT, timeout=300,
        env={**os.environ, "KHABAR_BEAMS": "1"},
    )
    assert done.returncode == 1
    assert done.stderr.decode().startswith("error: The article is too short to summarise")
