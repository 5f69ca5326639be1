"""The speed benchmark compares like with like: every contender produces the same tokens."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import pytest
import speed

from translate.config import APP_INTER_THREADS


def test_every_contender_generates_the_same_number_of_tokens(random_marian) -> None:
    docs = speed.articles(1)
    model = str(random_marian)
    contenders = [
        speed.run_usual(model, docs, [1, 2], "cpu", 1),
        speed.run_project(model, docs, [1, 2], "cpu", 1, "transformers"),
        speed.run_project(model, docs, [1, 2], "cpu", 1, "ctranslate2"),
        speed.run_bare_ct2(model, docs, [1, 2], "cpu", 1),
    ]
    for beam_index in (0, 1):
        results = [contender[beam_index] for contender in contenders]
        assert len({r["tokens"] for r in results}) == 1
        assert results[0]["tokens"] > 100
        assert all(r["seconds"] > 0 and 1 <= r["runs"] <= 3 and r["peak_mb"] > 0 for r in results)
        assert all(r["runs"] >= 2 for r in results[1:])


def test_articles_are_news_length_and_reproducible() -> None:
    docs = speed.articles(3)
    assert docs == speed.articles(3)
    for doc in docs:
        assert 3 <= doc.count("\n\n") + 1 <= 4
        assert 9 <= doc.count(".") <= 16


def test_pipeline_quick_mode_checks_that_every_contender_did_the_same_work(tmp_path, monkeypatch) -> None:
    import json

    import pipeline

    monkeypatch.setenv("KHABAR_BENCH_DIR", str(tmp_path))
    assert pipeline.main(["--quick", "--json", str(tmp_path / "figures.json")]) == 0
    figures = json.loads((tmp_path / "figures.json").read_text())
    results = figures["results"]
    assert {(r["strategy"], r["contender"]) for r in results} == {
        (strategy, contender) for strategy in pipeline.STRATEGIES for contender in pipeline.CONTENDERS}
    for strategy in pipeline.STRATEGIES:
        rows = [r for r in results if r["strategy"] == strategy]
        work = {tuple(a[k] for k in ("pieces", "translation_tokens", "summary_tokens", "back_tokens"))
                for r in rows for a in r["articles"]}
        assert len(work) == 1  # one article, the same work for every contender
        pieces, translation, summary, back = work.pop()
        assert pieces >= 2 and translation >= 1.2 * pieces
        tokens = pipeline.QUICK_SUMMARY_TOKENS
        assert (summary, back) == ((2 * tokens, 0) if strategy == "native" else (tokens, pipeline.back_tokens(tokens)))
        for row in rows:
            timing = row["articles"][0]
            assert 0 < timing["first_paragraph_s"] <= timing["translation_s"] < timing["total_s"]
            assert timing["summaries_s"] == pytest.approx(timing["total_s"] - timing["translation_s"])
            assert 0 < row["held_mb"] <= row["peak_mb"]
        weights = {r["contender"]: r["torch_weights"] for r in rows}
        assert weights == {"usual": None, "transformers": True, "ctranslate2": False}
        assert {r["device"] for r in rows} == {"cpu"} and {r["gpu_torch_peak_mb"] for r in rows} == {None}
        batches = {r["contender"]: r["threads"]["inter_threads"] for r in rows}  # the app's threads
        assert batches == {"usual": 1, "transformers": 1, "ctranslate2": min(APP_INTER_THREADS, os.cpu_count() or 1)}
        assert len(figures["report"][strategy]["whole_wait_speedup"]) == 1
    threads = figures["threads"]
    assert [(t["intra_threads"], t["inter_threads"]) for t in threads] == [(2, 1), (1, 2)]
    assert len({(t["app_tokens"], t["batch_job_tokens"]) for t in threads}) == 1
    shapes = figures["shapes"]  # tc-big against quickmt, both native CTranslate2 folders
    assert [s["shape"] for s in shapes] == ["tc-big", "quickmt"]
    assert len({tuple(a["translation_tokens"] for a in s["articles"]) for s in shapes}) == 1
    for shape in shapes:
        timing = shape["articles"][0]
        assert 0 < timing["first_paragraph_s"] <= timing["streamed_s"] and timing["one_call_s"] > 0
        assert 0 <= timing["padding"] <= timing["padding_uncapped"] < 1
        assert 0 < shape["held_mb"] <= shape["peak_mb"] and "CTranslate2" in shape["cpu"]
    peaks = {(r["strategy"], r["contender"]): r["peak_mb"] for r in results}
    assert len(set(peaks.values())) > 1  # each process's own peak, not the model builder's


def test_the_pipeline_benchmark_refuses_a_device_that_is_not_there(capsys, monkeypatch) -> None:
    import pipeline
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # a machine without a GPU
    with pytest.raises(SystemExit) as stop:
        pipeline.main(["--quick", "--device", "cuda"])
    assert stop.value.code == 2
    assert "The device 'cuda' was asked for, but no CUDA GPU is available here" in capsys.readouterr().err


def test_unequal_work_stops_the_pipeline_benchmark() -> None:
    import pipeline

    article = {"pieces": 3, "translation_tokens": 40, "summary_tokens": 32, "back_tokens": 0}
    rows = [{"strategy": strategy, "contender": contender, "torch_weights": contender == "transformers",
             "articles": [dict(article, summary_tokens=16, back_tokens=pipeline.back_tokens(16))
                          if strategy == "translate-back" else dict(article)]}
            for strategy in pipeline.STRATEGIES for contender in pipeline.CONTENDERS]
    pipeline.check_consistency(rows, 16)
    native = {row["contender"]: row for row in rows if row["strategy"] == "native"}
    native["usual"]["articles"][0]["translation_tokens"] = 39
    with pytest.raises(RuntimeError, match="native, article 1: unequal work"):
        pipeline.check_consistency(rows, 16)
    native["usual"]["articles"][0]["translation_tokens"] = 40
    native["ctranslate2"]["torch_weights"] = True
    with pytest.raises(RuntimeError, match="native: the CTranslate2 contender loaded torch weights"):
        pipeline.check_consistency(rows, 16)


def test_articles_for_the_pipeline_are_news_shaped_and_reproducible() -> None:
    import pipeline

    docs = pipeline.articles(2, words=240)
    assert docs == pipeline.articles(2, words=240)
    for arabic, english in docs:
        assert len(arabic.split()) == 240
        assert 3 <= arabic.count("\n\n") + 1 <= 8
        assert arabic.count(".") == english.count(".")
        assert 1.1 < len(english.split()) / len(arabic.split()) < 1.3
