"""The speed benchmark compares like with like: every contender produces the same tokens."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import speed


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
