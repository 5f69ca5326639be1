"""The CTranslate2 engine gives what the transformers engine gives."""

from __future__ import annotations

import factory
import pytest
from test_translator import shuffled_article

from translate import TranslateError, Translator
from translate.engines import converted_model


@pytest.mark.parametrize("model", ["memorised_marian", "random_marian", "random_m2m100"])
def test_greedy_output_is_identical_in_float32(model: str, request) -> None:
    folder = str(request.getfixturevalue(model))
    article = shuffled_article(11)[0]
    reference = Translator(folder, beams=1).translate(article)
    fast = Translator(folder, beams=1, engine="ctranslate2", compute_type="float32").translate(article)
    assert [s.target for s in fast.segments] == [s.target for s in reference.segments]
    assert [s.flags for s in fast.segments] == [s.flags for s in reference.segments]
    finished = [i for i, s in enumerate(reference.segments) if "truncated" not in s.flags]
    assert [fast.segments[i].score for i in finished] == pytest.approx(
        [reference.segments[i].score for i in finished], abs=2e-3
    )
    assert fast.text == reference.text


def test_int8_translates_the_memorised_article(memorised_marian) -> None:
    article, english, _ = shuffled_article(12)
    result = Translator(str(memorised_marian), beams=4, engine="ctranslate2", compute_type="int8").translate(article)
    assert len(result.segments) == len(factory.PAIRS)
    assert result.text.count("\n") == english.count("\n")
    assert sum(s.target == dict(factory.PAIRS)[s.source] for s in result.segments) >= 8


def test_conversion_is_cached_and_redone_when_the_model_changes(random_marian, tmp_path) -> None:
    import shutil

    copy = tmp_path / "model"
    shutil.copytree(random_marian, copy)
    first = converted_model(str(copy), "float32")
    assert converted_model(str(copy), "float32") == first
    mtime = first.joinpath("model.bin").stat().st_mtime_ns
    (copy / "config.json").write_text((copy / "config.json").read_text() + " ")
    second = converted_model(str(copy), "float32")
    assert second != first
    assert first.joinpath("model.bin").stat().st_mtime_ns == mtime


def test_conversion_failure_is_a_clear_error(tmp_path) -> None:
    (tmp_path / "config.json").write_text('{"model_type": "nonsense"}')
    with pytest.raises(TranslateError, match="Could not convert the model"):
        converted_model(str(tmp_path), "int8")


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_exact_length_runs_every_output_to_its_cap(memorised_marian, engine: str) -> None:
    translator = Translator(str(memorised_marian), beams=1, engine=engine, compute_type="float32",
                            output_length=(1.0, 3), exact_length=True, cache_size=0)
    result = translator.translate(factory.PAIRS[3][0] + " " + factory.PAIRS[9][0])
    tokenizer = translator.loaded.tokenizer
    for segment in result.segments:
        cap = translator.decoding.cap(len(tokenizer(segment.source)["input_ids"]), translator.loaded.window)
        assert len(tokenizer(text_target=segment.target, add_special_tokens=False)["input_ids"]) >= cap - 2
        assert "truncated" in segment.flags


def test_ctranslate2_engine_keeps_no_torch_weights_in_memory(memorised_marian, tmp_path) -> None:
    import shutil

    copy = tmp_path / "model"
    shutil.copytree(memorised_marian, copy)
    translator = Translator(str(copy), beams=1, engine="ctranslate2", compute_type="float32")
    assert translator.translate(factory.PAIRS[4][0]).text == factory.PAIRS[4][1]
    assert "model" not in vars(translator.loaded)  # the weights were never loaded into torch
    Translator(str(copy), beams=1).translate(factory.PAIRS[4][0])
    assert "model" in vars(translator.loaded)  # the transformers engine loads them on first use
