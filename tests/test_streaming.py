"""Streaming (the Paste tab): the first paragraph on its own, the rest in length-sorted batches across
paragraphs, each paragraph yielded once all its pieces are done; and the padding cap of the batches."""

from __future__ import annotations

import itertools

import pytest

from translate import Translator
from translate import testing as factory
from translate.translator import padding_fraction

P = factory.PAIRS
PARAGRAPHS = [f"{P[0][0]} {P[1][0]}", P[2][0], f"{P[3][0]} {P[4][0]} {P[5][0]}", f"{P[6][0]} {P[7][0]}", P[8][0]]
ENGLISH = [f"{P[0][1]} {P[1][1]}", P[2][1], f"{P[3][1]} {P[4][1]} {P[5][1]}", f"{P[6][1]} {P[7][1]}", P[8][1]]


@pytest.fixture(params=[4096, 48], ids=["one-batch", "small-batches"])
def translator(request, memorised_marian) -> Translator:
    return Translator(str(memorised_marian), beams=1, batch_tokens=request.param, cache_size=0)


def test_paragraphs_arrive_in_order_and_end_as_one_call(translator) -> None:
    article = "\n\n".join(PARAGRAPHS)
    steps = list(translator.translate_progressively(article, step_pieces=1))
    assert steps[0].text == ENGLISH[0]
    assert steps[-1] == translator.translate(article)
    assert steps[-1].text == "\n\n".join(ENGLISH)
    for earlier, later in itertools.pairwise(steps):
        assert later.text.startswith(earlier.text + "\n\n")
        shown = later.text.count("\n\n") + 1
        assert later.text == "\n\n".join(ENGLISH[:shown])


def test_first_yield_comes_before_the_rest_is_translated(translator) -> None:
    calls: list[int] = []
    engine = translator.engine
    generate = engine.generate
    engine.generate = lambda sources, *args, **kwargs: calls.append(len(sources)) or generate(sources, *args, **kwargs)
    try:
        stream = translator.translate_progressively("\n\n".join(PARAGRAPHS), step_pieces=1)
        first = next(stream)
        assert first.text == ENGLISH[0]
        assert sum(calls) == 2  # the first paragraph's two sentences only
        list(stream)
        assert sum(calls) == 9
    finally:
        engine.generate = generate


def test_small_batches_stream_more_than_one_update(memorised_marian) -> None:
    translator = Translator(str(memorised_marian), beams=1, batch_tokens=48, cache_size=0)
    steps = list(translator.translate_progressively("\n\n".join(PARAGRAPHS), step_pieces=1))
    assert len(steps) >= 3


def test_empty_text_yields_one_empty_translation(memorised_marian) -> None:
    steps = list(Translator(str(memorised_marian), beams=1).translate_progressively("  \n\n "))
    assert [s.text for s in steps] == [""]


@pytest.mark.parametrize(("lengths", "cap", "expected"), [
    ([168, 29, 29, 29], 1.0, [[0, 1, 2, 3]]),  # no cap: one batch, most of it padding
    ([168, 29, 29, 29], 0.5, [[0, 1], [2, 3]]),
    ([30, 29, 28, 27], 0.5, [[0, 1, 2, 3]]),
], ids=["uncapped", "capped", "even"])
def test_batches_cap_the_padding(memorised_marian, lengths, cap, expected) -> None:
    translator = Translator(str(memorised_marian), beams=1)
    translator.max_padding = cap
    encoded = [[7] * n for n in lengths]
    batches = list(translator.batches(encoded))
    assert batches == expected
    assert all(1 - sum(lengths[i] for i in b) / (max(lengths[i] for i in b) * len(b)) <= cap for b in batches)


def test_padding_fraction() -> None:
    assert padding_fraction([[1] * 4, [1] * 2], [[0, 1]]) == pytest.approx(0.25)
    assert padding_fraction([[1] * 4, [1] * 2], [[0], [1]]) == 0.0


@pytest.mark.parametrize("tail", ["repeat", "english"])
def test_the_stream_ends_with_the_whole_article_when_its_end_needs_no_generation(translator, tail) -> None:
    english = ("The spokesman said the ministry would publish its full report on the new budget next week, "
               "after the cabinet meets on Tuesday to approve it.")
    last = PARAGRAPHS[0] if tail == "repeat" else english
    article = "\n\n".join([PARAGRAPHS[0], last])
    steps = list(translator.translate_progressively(article, step_pieces=1))
    assert steps[-1] == translator.translate(article)
    assert steps[-1].text == "\n\n".join([ENGLISH[0], ENGLISH[0] if tail == "repeat" else english])
