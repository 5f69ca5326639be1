"""Bilingual summaries with both strategies, long articles and flags."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_engines import RecordingTranslator

from summarize import Summarizer
from summarize.summarizer import Generation, summary_flags
from translate import TranslateError, Translator
from translate import testing as factory

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


SUMMARISERS = {"native": ("memorised_mt5", None), "translate-back": ("memorised_bart", "memorised_marian_en_ar")}


def _summarizer(request, strategy: str, **options) -> Summarizer:
    model, arabic = SUMMARISERS[strategy]
    arabic_model = str(request.getfixturevalue(arabic)) if arabic else None
    return Summarizer(str(request.getfixturevalue(model)), strategy=strategy, arabic_model=arabic_model, **options)


@pytest.mark.parametrize("strategy", list(SUMMARISERS))
@pytest.mark.parametrize(("beams", "max_new_tokens"), [(1, 84), (4, 84), (1, 6), (4, 6)],
                         ids=["greedy", "beam4", "greedy-cut", "beam4-cut"])
def test_ctranslate2_summaries_equal_transformers_summaries(request, strategy: str, beams: int,
                                                            max_new_tokens: int) -> None:
    generation = Generation(beams=beams, max_new_tokens=max_new_tokens)
    reference = _summarizer(request, strategy, generation=generation)
    fast = _summarizer(request, strategy, generation=generation, engine="ctranslate2", compute_type="float32")
    expected = reference.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    summary = fast.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    assert summary.english == expected.english
    assert fast.generated_tokens == reference.generated_tokens
    if max_new_tokens == 84:
        assert (summary.english, summary.arabic, summary.flags) == (factory.SUMMARY_EN, factory.SUMMARY_AR, ())
        assert summary == expected
    else:  # cut short: both engines flag it (translate-back's Arabic of a fragment is not memorised)
        assert "english:truncated" in summary.flags and "english:truncated" in expected.flags
        if strategy == "native":
            assert summary == expected


def test_a_wider_memorising_mt5_summarises_alike_on_both_engines(memorised_wide_mt5) -> None:
    """With real alternatives to weigh under beam search and the n-gram guard, CTranslate2 at patience 1
    stopped with four short hypotheses here ("... Monday. The announcent."); the default searches as
    long as transformers does and writes the same summaries."""
    reference = Summarizer(str(memorised_wide_mt5))
    converted = Summarizer(str(memorised_wide_mt5), engine="ctranslate2", compute_type="float32")
    expected = reference.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    assert (expected.english, expected.arabic, expected.flags) == (factory.SUMMARY_EN, factory.SUMMARY_AR, ())
    assert converted.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN) == expected
    assert converted.signature()["generation"]["patience"] == 2


@pytest.mark.parametrize("strategy", list(SUMMARISERS))
@pytest.mark.parametrize("beams", [1, 4], ids=["greedy", "beam4"])
def test_int8_summaries_keep_the_memorised_text(request, strategy: str, beams: int) -> None:
    """int8 as asked by default: faithful on this CPU, or replaced by the guard's float32."""
    summarizer = _summarizer(request, strategy, engine="ctranslate2", generation=Generation(beams=beams))
    summary = summarizer.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    assert (summary.english, summary.arabic, summary.flags) == (factory.SUMMARY_EN, factory.SUMMARY_AR, ())
    signature = summarizer.signature()
    assert signature["compute_check"]["requested"] == "int8" and signature["compute_type"] in ("int8", "float32")


@pytest.mark.parametrize("strategy", list(SUMMARISERS))
def test_ctranslate2_summaries_never_load_torch_weights(request, strategy: str, tmp_path) -> None:
    import shutil

    model, arabic = SUMMARISERS[strategy]
    copies = {}
    for name in filter(None, (model, arabic)):  # private copies: no other test has loaded their weights
        copies[name] = tmp_path / name
        shutil.copytree(request.getfixturevalue(name), copies[name])
    summarizer = Summarizer(str(copies[model]), strategy=strategy, engine="ctranslate2",
                            arabic_model=str(copies[arabic]) if arabic else None)
    summary = summarizer.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    assert (summary.english, summary.arabic) == (factory.SUMMARY_EN, factory.SUMMARY_AR)
    assert "model" not in vars(summarizer.loaded)
    if arabic:
        assert "model" not in vars(summarizer.back_translator.loaded)


@pytest.mark.parametrize("strategy", list(SUMMARISERS))
def test_summary_conversion_is_cached_and_redone_when_the_model_changes(request, strategy: str, tmp_path) -> None:
    import shutil

    from translate.engines import converted_model

    model, arabic = SUMMARISERS[strategy]
    copy = tmp_path / f"{model}-cached"  # a name of its own in the session's conversion cache
    shutil.copytree(request.getfixturevalue(model), copy)
    arabic_model = str(request.getfixturevalue(arabic)) if arabic else None

    def summarise() -> str:
        summarizer = Summarizer(str(copy), strategy=strategy, arabic_model=arabic_model, engine="ctranslate2",
                                compute_type="float32")
        return summarizer.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN).english

    assert summarise() == factory.SUMMARY_EN
    folder = converted_model(str(copy), "float32")
    converted = folder.joinpath("model.bin").stat().st_mtime_ns
    siblings = sorted(folder.parent.glob(f"{copy.name}-float32-*"))
    assert siblings == [folder]
    assert summarise() == factory.SUMMARY_EN  # a second summariser reuses the converted folder
    assert folder.joinpath("model.bin").stat().st_mtime_ns == converted
    assert sorted(folder.parent.glob(f"{copy.name}-float32-*")) == [folder]
    (copy / "config.json").write_text((copy / "config.json").read_text() + " ")
    assert summarise() == factory.SUMMARY_EN
    assert len(list(folder.parent.glob(f"{copy.name}-float32-*"))) == 2  # the changed model converted again


def test_a_summariser_that_cannot_convert_is_an_error_naming_it(memorised_mt5, tmp_path) -> None:
    import shutil

    copy = tmp_path / "broken-mt5"
    shutil.copytree(memorised_mt5, copy)
    for weights in copy.glob("*.safetensors"):
        weights.unlink()
    summarizer = Summarizer(str(copy), engine="ctranslate2")
    with pytest.raises(TranslateError, match=r"Could not convert the model '.*broken-mt5' for the CTranslate2"):
        summarizer.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_exact_length_runs_every_summary_to_the_cap(memorised_mt5, engine: str) -> None:
    summarizer = Summarizer(str(memorised_mt5), engine=engine, compute_type="float32",
                            generation=Generation(beams=2, max_new_tokens=40, exact_length=True))
    summary = summarizer.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    assert summarizer.generated_tokens == 2 * 40
    assert {"english:truncated", "arabic:truncated"} <= set(summary.flags)


@pytest.mark.parametrize(("settings", "engine", "compute_type", "arabic_engine"), [
    ({}, "transformers", "float32", None),
    ({"engine": "ctranslate2"}, "ctranslate2", "int8", None),
    ({"summary_engine": "ctranslate2"}, "ctranslate2", "int8", None),
    ({"engine": "ctranslate2", "summary_engine": "transformers"}, "transformers", "float32", None),
    ({"summary_engine": "ctranslate2", "summary_strategy": "translate-back"}, "ctranslate2", "int8", "ctranslate2"),
    ({"summary_engine": "ctranslate2", "compute_type": "float32", "summary_strategy": "translate-back"},
     "ctranslate2", "float32", "ctranslate2"),
], ids=["default", "engine", "summary-engine", "summary-engine-overrides", "translate-back", "compute-type"])
def test_signature_reports_the_engine_that_runs(request, settings, engine, compute_type, arabic_engine) -> None:
    from translate.config import RunConfig

    back = settings.get("summary_strategy") == "translate-back"
    model, arabic = SUMMARISERS["translate-back" if back else "native"]
    config = RunConfig(summary_model=str(request.getfixturevalue(model)), device="cpu",
                       arabic_model=str(request.getfixturevalue(arabic)) if back else None, **settings)
    signature = Summarizer.from_config(config).signature()
    asked = signature.get("compute_check", {}).get("requested", signature["compute_type"])
    assert (signature["engine"], asked) == (engine, compute_type)
    if back:
        assert signature["arabic_model"]["engine"] == arabic_engine
        assert signature["arabic_model"]["compute_check"]["requested"] == compute_type
    else:
        assert signature["arabic_model"] is None


def test_native_summaries_are_one_batch_that_the_app_splits_between_threads(memorised_mt5, monkeypatch) -> None:
    from translate import config as config_module
    from translate import engines as module
    from translate.config import RunConfig

    made = []
    build = module.ctranslate2_translator
    monkeypatch.setattr(module, "ctranslate2_translator",
                        lambda *args, **options: made.append(RecordingTranslator(build(*args, **options))) or made[-1])
    monkeypatch.setattr(config_module, "available_cores", lambda: 2)
    config = RunConfig(engine="ctranslate2", compute_type="float32", summary_model=str(memorised_mt5), device="cpu")
    app, batch_job = Summarizer.from_config(config, interactive=True), Summarizer.from_config(config)
    assert (app.threads, app.inter_threads, batch_job.threads, batch_job.inter_threads) == (1, 2, 0, 1)
    for summarizer in (app, batch_job):
        summary = summarizer.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
        assert (summary.english, summary.arabic, summary.flags) == (factory.SUMMARY_EN, factory.SUMMARY_AR, ())
    assert [call["texts"] for call in made[0].calls] == [2]  # English and Arabic together
    assert made[0].calls[0]["max_batch_size"] == 1  # one text per inter thread
    assert [call["texts"] for call in made[1].calls] == [2] and "max_batch_size" not in made[1].calls[0]
    assert app.signature() == batch_job.signature()


def test_chunked_and_whole_texts_share_their_batches(random_mt5) -> None:
    long_english = "\n\n".join([factory.ARTICLE_EN] * 6)
    summarizer = Summarizer(str(random_mt5), long_input="chunks", generation=Generation(max_new_tokens=12, beams=1))
    batches = []
    engine = summarizer.engine
    generate = engine.generate
    engine.generate = lambda sources, *args, **options: batches.append(len(sources)) or generate(sources, *args,
                                                                                                 **options)
    summary = summarizer.summarize(arabic=factory.ARTICLE_AR, english=long_english)
    parts = int(summary.coverage.split()[1])
    assert parts > 1 and re.fullmatch(r"chunks: \d+ parts summarised, then combined", summary.coverage)
    assert batches == [parts + 1, 1]  # every English part and the whole Arabic text, then the combining pass
    assert summary.english and summary.arabic
