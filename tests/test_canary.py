"""The int8 guard: a compute type whose canary disagrees with the model is replaced by the next safe one
(or kept, with a warning, when asked for), float32 disagreeing is an error, and a Marian model whose start
embedding is not zero converts faithfully."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from translate import canary
from translate import engines as engines_module
from translate import testing as factory
from translate.errors import TranslateError
from translate.translator import Translator

ARTICLE = "\n\n".join(a for a, _ in factory.PAIRS)
ENGLISH = [e for _, e in factory.PAIRS]


@pytest.fixture()
def perturbed(monkeypatch, random_marian):
    """Make the conversions of the types in ``broken`` hold other weights (a random model's, same vocabulary):
    a conversion that does not reproduce the model, as a kernel that saturates would not either."""
    real = engines_module.converted_model

    def install(*broken: str) -> None:
        monkeypatch.setattr(engines_module, "converted_model",
                            lambda name, quantization: real(str(random_marian) if quantization in broken else name,
                                                            quantization))

    return install


def test_a_compute_type_that_disagrees_falls_back_and_says_so(memorised_marian, perturbed) -> None:
    perturbed("int8")
    translator = Translator(str(memorised_marian), engine="ctranslate2", beams=4)
    result = translator.translate(ARTICLE)
    assert [s.target for s in result.segments] == ENGLISH  # float32 took over: the memorised text, exactly
    signature = translator.signature()
    assert signature["compute_type"] == "float32"
    check = signature["compute_check"]
    assert check["requested"] == "int8"
    assert [v["compute_type"] for v in check["canary"]] == ["int8", "float32"]
    assert check["canary"][0]["agreement"] < canary.AGREEMENT <= check["canary"][1]["agreement"]
    assert translator.compute_notice.startswith("The CTranslate2 engine's int8 results on this CPU differ")
    assert translator.compute_notice.endswith("using float32 instead.")


def test_an_explicit_compute_type_is_obeyed_with_the_warning(memorised_marian, perturbed) -> None:
    perturbed("int8")
    translator = Translator(str(memorised_marian), engine="ctranslate2", beams=4, compute_type="int8")
    translator.translate(ARTICLE)
    assert translator.signature()["compute_type"] == "int8"
    assert [v["compute_type"] for v in translator.signature()["compute_check"]["canary"]] == ["int8"]
    assert "kept because it was asked for" in translator.compute_notice


def test_a_conversion_that_float32_cannot_reproduce_is_refused(memorised_marian, perturbed) -> None:
    perturbed("int8", "float32")
    translator = Translator(str(memorised_marian), engine="ctranslate2", beams=4)
    with pytest.raises(TranslateError, match=r"does not reproduce the model's outputs.*--engine transformers"):
        translator.translate(ARTICLE)


def test_a_faithful_compute_type_is_kept_without_a_warning(memorised_marian) -> None:
    translator = Translator(str(memorised_marian), engine="ctranslate2", beams=4, compute_type="float32")
    assert [s.target for s in translator.translate(ARTICLE).segments] == ENGLISH
    assert translator.signature()["compute_check"]["canary"] == [{"compute_type": "float32", "agreement": 1.0}]
    assert translator.compute_notice is None


def test_the_reference_is_made_once_and_kept_beside_the_conversions(memorised_marian, tmp_path, monkeypatch) -> None:
    from translate.config import cache_dir
    from translate.loading import load_model

    loaded = load_model(str(memorised_marian))
    first = canary.reference(loaded, cache_dir() / "canary")
    stored = list((cache_dir() / "canary").glob("canary-marian-memorised-*.json"))
    assert len(stored) == 1
    assert len(first.sources) == len(canary.canary_sentences()) == 30
    assert all(len(scores) == len(target) + 1 for scores, target in zip(first.log_probs, first.targets, strict=True))
    monkeypatch.setattr(canary, "_make_reference", lambda loaded: pytest.fail("the reference was made again"))
    assert canary.reference(loaded, cache_dir() / "canary") == first
    assert json.loads(stored[0].read_text("utf-8"))["targets"] == first.targets


def _start_embedding_marian(folder: Path) -> Path:
    """A random Marian whose ``<pad>`` (decoder start) embedding is not zero, as fine-tuning with tied
    embeddings leaves it."""
    import torch
    from transformers import MarianMTModel

    factory.build_marian(folder, source_texts=factory.ARABIC_TEXTS, target_texts=factory.ENGLISH_TEXTS, seed=5)
    model = MarianMTModel.from_pretrained(folder)
    with torch.no_grad():
        model.get_input_embeddings().weight[model.config.pad_token_id] = torch.randn(model.config.d_model)
    model.save_pretrained(folder)
    return folder


def test_a_marian_start_embedding_that_is_not_zero_converts_faithfully(tmp_path) -> None:
    import ctranslate2

    from translate.config import cache_dir
    from translate.loading import load_model

    loaded = load_model(str(_start_embedding_marian(tmp_path / "tuned")))
    reference = canary.reference(loaded, cache_dir() / "canary")
    converted = engines_module.converted_model(loaded.name, "float32")
    verdict = canary.score(ctranslate2.Translator(str(converted), compute_type="float32"), "float32", reference)
    assert (verdict.agreement, verdict.worst < 1e-3) == (1.0, True)
    translator = Translator(loaded.name, engine="ctranslate2", compute_type="float32", beams=1)
    twin = Translator(loaded.name, engine="transformers", beams=1)
    article = "\n\n".join(factory.ARABIC_TEXTS[:4])
    assert [s.target for s in translator.translate(article).segments] == [
        s.target for s in twin.translate(article).segments]


@pytest.mark.parametrize("name", ["memorised_marian", "memorised_marian_en_ar", "memorised_mt5", "memorised_bart"])
def test_memorised_models_win_every_step_by_the_margin(request, name: str) -> None:
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    folder = request.getfixturevalue(name)
    pairs = {
        "memorised_marian": factory.PAIRS,
        "memorised_marian_en_ar": [(e, a) for a, e in factory.PAIRS],
        "memorised_mt5": [(factory.summariser_input(factory.ARTICLE_AR), factory.SUMMARY_AR),
                          (factory.summariser_input(factory.ARTICLE_EN), factory.SUMMARY_EN)],
        "memorised_bart": [(factory.summariser_input(factory.ARTICLE_EN), factory.SUMMARY_EN)],
    }[name]
    tokenizer, model = AutoTokenizer.from_pretrained(folder), AutoModelForSeq2SeqLM.from_pretrained(folder).eval()
    batch = tokenizer([s for s, _ in pairs], text_target=[t for _, t in pairs], padding=True, return_tensors="pt")
    batch["labels"][batch["labels"] == tokenizer.pad_token_id] = -100
    with torch.no_grad():
        margins = factory.token_margins(model, batch)
    assert len(margins) == int((batch["labels"] != -100).sum())
    assert min(margins) >= factory.MARGIN


def test_the_cpu_summary_names_the_int8_backend() -> None:
    summary = canary.cpu_summary()
    assert "CTranslate2" in summary and ("MKL" in summary or "oneDNN" in summary)


def test_the_command_line_warns_once_in_its_own_words(memorised_marian, perturbed, tmp_path, capsys) -> None:
    from translate.__main__ import main

    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    perturbed("int8")
    assert main([str(article), "--model", str(memorised_marian), "--engine", "ctranslate2"]) == 0
    out, err = capsys.readouterr()
    assert out.split("\n\n")[:2] == ENGLISH[:2]
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and warnings[0].endswith("using float32 instead.")


def test_the_summary_command_warns_for_each_model_once(memorised_marian, memorised_mt5, perturbed, tmp_path,
                                                       capsys) -> None:
    from summarize.__main__ import main

    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    perturbed("int8")  # the translator's int8 folder holds other weights; the summariser's is its own
    assert main([str(article), "--model", str(memorised_marian), "--summary-model", str(memorised_mt5),
                 "--engine", "ctranslate2", "--json"]) == 0
    out, err = capsys.readouterr()
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == len(set(warnings)) >= 1  # the translator's, and the summariser's where its int8 failed
    assert warnings[0].endswith("using float32 instead.")
    signature = json.loads(out)["signature"]
    assert signature["translation"]["compute_type"] == "float32"
    assert (len(warnings) == 2) == (signature["summary"]["compute_type"] == "float32")


def test_the_batch_job_warns_once_and_records_the_choice(memorised_marian, perturbed, tmp_path, capsys) -> None:
    from translate.batch.__main__ import main

    source = tmp_path / "in"
    source.mkdir()
    for name in ("a.txt", "b.txt"):
        (source / name).write_text(ARTICLE, encoding="utf-8")
    perturbed("int8")
    assert main([str(source), str(tmp_path / "out"), "--model", str(memorised_marian), "--engine", "ctranslate2",
                 "--no-summary"]) == 0
    err = capsys.readouterr().err
    assert len([line for line in err.splitlines() if line.startswith("warning: ")]) == 1
    records = [json.loads(line) for line in (tmp_path / "out" / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert [r["status"] for r in records] == ["done", "done"]
    assert (tmp_path / "out" / "a.en.txt").read_text("utf-8").strip() == "\n\n".join(ENGLISH)
    review = json.loads((tmp_path / "out" / "a.review.json").read_text("utf-8"))
    assert review["signature"]["translation"]["compute_check"]["requested"] == "int8"
    assert review["signature"]["translation"]["compute_type"] == "float32"


def test_the_app_says_each_warning_once(memorised_marian, perturbed) -> None:
    from web.service import Service

    perturbed("int8")
    service = Service(Translator(str(memorised_marian), engine="ctranslate2", beams=1), None)
    try:
        service.warm()
        notices = service.compute_notices()
        assert len(notices) == 1 and notices[0].endswith("using float32 instead.")
        assert service.unsaid_notices() == notices  # the first page to translate shows it
        assert service.unsaid_notices() == []  # and no page after it
    finally:
        service.close()


def test_a_verdict_is_kept_for_the_machine_and_read_back(memorised_marian, perturbed, monkeypatch) -> None:
    perturbed("int8")
    first = Translator(str(memorised_marian), engine="ctranslate2", beams=1)
    first.translate(ARTICLE)
    monkeypatch.setattr(canary, "score", lambda *args: pytest.fail("the canary was scored again on this machine"))
    again = Translator(str(memorised_marian), engine="ctranslate2", beams=1, threads=1)  # another engine, same machine
    again.translate(ARTICLE)
    assert again.signature()["compute_check"] == first.signature()["compute_check"]
    assert again.signature()["compute_type"] == "float32"
    monkeypatch.setattr(canary, "cpu_summary", lambda: "another CPU")  # another machine scores for itself
    with pytest.raises(pytest.fail.Exception, match="scored again"):
        Translator(str(memorised_marian), engine="ctranslate2", beams=1, threads=1, inter_threads=2).translate(ARTICLE)
