"""The CTranslate2 engine gives what the transformers engine gives."""

from __future__ import annotations

import pytest
from test_translator import shuffled_article

from translate import TranslateError, Translator
from translate import testing as factory
from translate.engines import Decoding, converted_model


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


def test_int8_as_asked_by_default_translates_the_memorised_article_on_every_cpu(memorised_marian) -> None:
    """int8 is the CPU default; where this CPU's int8 kernels disagree with the model, the guard's float32
    writes the text, and says so."""
    article, english, _ = shuffled_article(12)
    translator = Translator(str(memorised_marian), beams=4, engine="ctranslate2")
    result = translator.translate(article)
    assert result.text == english
    assert [s.target for s in result.segments] == [dict(factory.PAIRS)[s.source] for s in result.segments]
    signature = translator.signature()
    assert signature["compute_check"]["requested"] == "int8"
    assert signature["compute_type"] in ("int8", "float32")
    assert (translator.compute_notice is None) == (signature["compute_type"] == "int8")


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
    translator = Translator(str(memorised_marian), engine=engine, compute_type="float32", cache_size=0,
                            decoding=Decoding(1, 4, length_ratio=1.0, length_extra=3, exact_length=True))
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


# device, model type, GPU has bfloat16 → transformers dtype, CTranslate2 compute type
PRECISION = [
    ("cpu", "marian", None, "float32", "int8"),
    ("cpu", "mt5", None, "float32", "int8"),
    ("cpu", "bart", None, "float32", "int8"),
    ("mps", "t5", None, "float32", "int8"),
    ("cuda", "marian", True, "float16", "float16"),
    ("cuda", "bart", True, "float16", "float16"),
    ("cuda", "m2m_100", False, "float16", "float16"),
    ("cuda", "mt5", True, "bfloat16", "int8_bfloat16"),
    ("cuda:1", "t5", True, "bfloat16", "int8_bfloat16"),
    ("cuda", "umt5", True, "bfloat16", "int8_bfloat16"),
    ("cuda", "mt5", False, "float32", "int8_float32"),
]


@pytest.mark.parametrize(("device", "model_type", "bf16", "dtype", "compute_type"), PRECISION,
                         ids=[f"{d}-{m}-{'bf16' if b else 'no-bf16' if b is False else 'any'}"
                              for d, m, b, *_ in PRECISION])
def test_precision_by_device_and_model_family(device, model_type, bf16, dtype, compute_type) -> None:
    from translate.models import ctranslate2_compute_type, resolve_dtype

    assert resolve_dtype(device, model_type, bf16_supported=bf16) == dtype
    assert ctranslate2_compute_type(device, model_type, bf16_supported=bf16) == compute_type


@pytest.mark.parametrize(("env", "device", "dtype", "compute_type"), [
    ({"KHABAR_DTYPE": "float32"}, "cuda", "float32", "float32"),
    ({"KHABAR_DTYPE": "float16"}, "cuda", "float16", "float16"),
    ({"KHABAR_DTYPE": "bfloat16"}, "cpu", "bfloat16", "int8"),
    ({"KHABAR_COMPUTE_TYPE": "bfloat16"}, "cuda", "bfloat16", "bfloat16"),
    ({"KHABAR_DTYPE": "float32", "KHABAR_COMPUTE_TYPE": "int8_float16"}, "cuda", "float32", "int8_float16"),
], ids=["dtype-cuda", "dtype-float16-overrides-t5-rule", "dtype-leaves-cpu-int8", "compute-type", "both"])
def test_environment_overrides_the_precision(monkeypatch, env, device, dtype, compute_type) -> None:
    from translate.config import RunConfig
    from translate.models import ctranslate2_compute_type, resolve_dtype

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    config = RunConfig.resolved()  # the environment is read here, once
    assert resolve_dtype(device, "mt5", config.dtype, bf16_supported=True) == dtype
    assert ctranslate2_compute_type(device, "mt5", config.compute_type, dtype=config.dtype,
                                    bf16_supported=True) == compute_type


def test_unknown_dtype_is_refused(monkeypatch) -> None:
    from translate.config import RunConfig
    from translate.models import resolve_dtype

    with pytest.raises(TranslateError, match="Unknown dtype 'fp16'"):
        resolve_dtype("cuda", "marian", "fp16", bf16_supported=True)
    monkeypatch.setenv("KHABAR_DTYPE", "fp16")
    with pytest.raises(TranslateError, match="Unknown dtype 'fp16'"):
        RunConfig.resolved()


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_engines_count_the_tokens_they_generate(memorised_marian, engine: str) -> None:
    translator = Translator(str(memorised_marian), beams=1, engine=engine, compute_type="float32", cache_size=0)
    result = translator.translate(factory.ARTICLE_AR)
    assert result.text == factory.ARTICLE_EN
    tokenizer = translator.loaded.tokenizer
    expected = sum(len(tokenizer(text_target=english)["input_ids"]) for _, english in factory.PAIRS)  # with </s>
    assert translator.engine.generated_tokens == expected
    hypotheses = translator.translate_pieces([factory.PAIRS[0][0]])
    assert hypotheses[0].tokens == len(tokenizer(text_target=factory.PAIRS[0][1])["input_ids"])


def test_a_conversion_finished_first_by_another_process_is_kept(tmp_path) -> None:
    from translate.engines import _publish

    theirs, mine = tmp_path / "cache" / "model-int8-key", tmp_path / "staging" / "model"
    for folder, owner in ((theirs, "theirs"), (mine, "mine")):
        folder.mkdir(parents=True)
        (folder / "model.bin").write_text(owner)
    _publish(mine, theirs)  # the rename fails (the folder is there and not empty): theirs is kept
    assert (theirs / "model.bin").read_text() == "theirs"
    broken = tmp_path / "cache" / "half-written"
    (broken / "junk").parent.mkdir(parents=True)
    (broken / "junk").write_text("x")
    with pytest.raises(OSError):  # a folder in the way that is no finished conversion is an error
        _publish(mine, broken)


def test_an_explicit_dtype_reaches_ctranslate2_on_cuda_only(random_marian, monkeypatch) -> None:
    from translate.models import ctranslate2_compute_type

    translator = Translator(str(random_marian), engine="ctranslate2", dtype="bfloat16", device="cpu")
    assert translator.effective_compute_type == "int8"  # CPU: CTranslate2 stays int8
    monkeypatch.setattr(translator, "device", "cuda")
    assert ctranslate2_compute_type("cuda", "marian", None, dtype="bfloat16") == "bfloat16"
    assert translator.effective_compute_type == "bfloat16"


THREADS = [  # (front end, engine, summary engine, device, --threads, --inter-threads, cores) → (intra, inter);
    # intra 0: one batch at a time on the libraries' own default number of threads
    ("app", "ctranslate2", None, "cpu", 0, 0, 1, (0, 1)),
    ("app", "ctranslate2", None, "cpu", 0, 0, 2, (1, 2)),
    ("app", "ctranslate2", None, "cpu", 0, 0, 8, (4, 2)),
    ("batch", "ctranslate2", None, "cpu", 0, 0, 1, (0, 1)),
    ("batch", "ctranslate2", None, "cpu", 0, 0, 2, (0, 1)),
    ("batch", "ctranslate2", None, "cpu", 0, 0, 8, (0, 1)),
    ("app", "ctranslate2", None, "cpu", 4, 0, 8, (2, 2)),
    ("app", "ctranslate2", None, "cpu", 0, 1, 8, (0, 1)),
    ("app", "ctranslate2", None, "cpu", 0, 4, 2, (1, 4)),
    ("batch", "ctranslate2", None, "cpu", 6, 2, 8, (3, 2)),
    ("batch", "ctranslate2", None, "cpu", 0, 2, 2, (1, 2)),
    ("app", "ctranslate2", None, "cuda", 0, 0, 8, (0, 1)),
    ("app", "ctranslate2", None, "cuda:1", 0, 2, 8, (4, 2)),
    ("app", "transformers", None, "cpu", 0, 0, 8, (0, 1)),
    ("app", "ctranslate2", "transformers", "cpu", 0, 0, 8, (0, 1)),
    ("app", "transformers", "ctranslate2", "cpu", 0, 0, 8, (0, 1)),
]


@pytest.mark.parametrize(("front", "engine", "summary_engine", "device", "threads", "inter", "cores", "expected"),
                         THREADS, ids=[f"{r[0]}-{r[1]}-sum:{r[2]}-{r[3]}-t{r[4]}-i{r[5]}-{r[6]}cores"
                                       for r in THREADS])
def test_threads_by_front_end_and_cores(front, engine, summary_engine, device, threads, inter, cores,
                                        expected) -> None:
    from translate.config import RunConfig, threads_for

    config = RunConfig(engine=engine, summary_engine=summary_engine, device=device, threads=threads,
                       inter_threads=inter)
    assert threads_for(config, interactive=front == "app", cores=cores) == expected


def test_inter_threads_option_environment_and_limits(monkeypatch) -> None:
    import argparse

    from translate.config import RunConfig, add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert RunConfig.from_args(parser.parse_args([])).inter_threads == 0
    assert RunConfig.from_args(parser.parse_args(["--inter-threads", "3"])).inter_threads == 3
    monkeypatch.setenv("KHABAR_INTER_THREADS", "2")
    assert RunConfig.from_args(parser.parse_args([])).inter_threads == 2
    with pytest.raises(TranslateError, match="inter threads"):
        RunConfig(inter_threads=-1)
    with pytest.raises(TranslateError, match="inter threads"):
        Translator("default", inter_threads=-1)


@pytest.mark.parametrize(("size", "inter", "options"), [
    (1, 2, {}), (10, 1, {}), (10, 2, {"max_batch_size": 5, "batch_type": "examples"}),
    (11, 2, {"max_batch_size": 6, "batch_type": "examples"}), (3, 4, {"max_batch_size": 1, "batch_type": "examples"}),
], ids=["one-text", "one-inter", "even", "odd", "more-inter-than-texts"])
def test_a_batch_is_split_between_inter_threads(size, inter, options) -> None:
    from translate.engines import split_batch

    assert split_batch(size, inter) == options


class RecordingTranslator:
    """A ``ctranslate2.Translator`` that records the options of every ``translate_batch`` call."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.calls: list[dict] = []

    def translate_batch(self, *args, **options):
        self.calls.append({"texts": len(args[0]), **options})
        return self.inner.translate_batch(*args, **options)

    def __getattr__(self, name: str):  # score_batch (the canary) and the rest: the real translator's
        return getattr(self.inner, name)


def test_inter_threads_split_the_batch_and_keep_every_output(memorised_marian) -> None:
    articles = [shuffled_article(seed)[0] for seed in (21, 22, 23)]
    one = Translator(str(memorised_marian), engine="ctranslate2", compute_type="float32", beams=1)
    two = Translator(str(memorised_marian), engine="ctranslate2", compute_type="float32", beams=1, inter_threads=2)
    assert two.engine.translator.num_translators == 2
    two.engine.translator = RecordingTranslator(two.engine.translator)
    reference, parallel = one.translate_batch(articles), two.translate_batch(articles)
    calls = two.engine.translator.calls  # repeated sentences are translated once
    assert [call["texts"] for call in calls] == [len(factory.PAIRS)]
    assert [call["max_batch_size"] for call in calls] == [(len(factory.PAIRS) + 1) // 2]
    for expected, got in zip(reference, parallel, strict=True):
        assert [s.target for s in got.segments] == [s.target for s in expected.segments]
        assert [s.flags for s in got.segments] == [s.flags for s in expected.segments]
        assert got.text == expected.text
    english = {a: e for a, e in factory.PAIRS}
    assert all(s.target == english[s.source] for r in parallel for s in r.segments)
    assert two.signature() == one.signature()


def test_the_app_runs_two_batches_at_once_and_the_batch_job_one(memorised_marian, monkeypatch) -> None:
    import torch

    from translate import config as config_module
    from translate.config import RunConfig
    from web.service import Service

    monkeypatch.setattr(config_module, "available_cores", lambda: 2)
    before = torch.get_num_threads()
    config = RunConfig(model=str(memorised_marian), engine="ctranslate2", device="cpu", summary=False)
    try:
        service = Service.from_config(config)
        assert (service.translator.threads, service.translator.inter_threads) == (1, 2)
        service.close()
        torch.set_num_threads(2)
        batch = Translator.from_config(config)  # the libraries' default: torch's (2 here), one batch at a time
        assert (batch.threads, batch.inter_threads) == (2, 1)
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("family", ["mt5", "t5-scaled", "t5-unscaled"])
def test_converted_t5_family_models_score_tokens_as_transformers_does(random_mt5, tmp_path, family: str) -> None:
    """CTranslate2 gives every token of a sequence the log-probability transformers gives it, so both
    engines rank beams alike. transformers 5 marks every T5-family model as tied, which made the
    converter scale mT5's outputs (which transformers never scales) and T5 v1.1's."""
    import json
    import shutil

    import ctranslate2
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, T5Config, T5ForConditionalGeneration

    from translate.engines import converted_model

    folder = random_mt5
    if family != "mt5":  # a T5 with the same tokenizer: original T5 scales its outputs, T5 v1.1 does not
        folder = tmp_path / family
        shape = json.loads((random_mt5 / "config.json").read_text())
        torch.manual_seed(5)
        config = T5Config(vocab_size=shape["vocab_size"], d_model=32, d_kv=16, d_ff=64, num_layers=2, num_heads=2,
                          relative_attention_num_buckets=8, dropout_rate=0.0, feed_forward_proj="gated-gelu",
                          decoder_start_token_id=0, tie_word_embeddings=family == "t5-scaled")
        T5ForConditionalGeneration(config).save_pretrained(folder)
        for name in ("tokenizer.json", "tokenizer_config.json"):
            shutil.copy(random_mt5 / name, folder / name)
    tokenizer, model = AutoTokenizer.from_pretrained(folder), AutoModelForSeq2SeqLM.from_pretrained(folder).eval()
    if family != "mt5":
        assert model.config.scale_decoder_outputs == (family == "t5-scaled")
    source, target = (tokenizer(text)["input_ids"] for text in factory.ENGLISH_TEXTS[:2])  # each ends with </s>
    with torch.inference_mode():
        logits = model(input_ids=torch.tensor([source]), decoder_input_ids=torch.tensor([[0, *target[:-1]]])).logits
    expected = torch.log_softmax(logits[0].float(), -1)[torch.arange(len(target)), torch.tensor(target)].tolist()
    converted = ctranslate2.Translator(str(converted_model(str(folder), "float32")), device="cpu",
                                       compute_type="float32")
    scored = converted.score_batch([tokenizer.convert_ids_to_tokens(source)],
                                   [tokenizer.convert_ids_to_tokens(target[:-1])])[0]
    assert scored.log_probs == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize("beams", [1, 4])
def test_random_mt5_summaries_are_the_same_on_both_engines(random_mt5, beams: int) -> None:
    """Without the n-gram guard, float32 summaries of a random mT5 (near ties everywhere) agree word for word."""
    from summarize import Summarizer
    from summarize.summarizer import Generation

    generation = Generation(beams=beams, max_new_tokens=24, no_repeat_ngram_size=0)
    engines = [Summarizer(str(random_mt5), generation=generation, min_words=1, engine=engine, compute_type="float32")
               for engine in ("transformers", "ctranslate2")]
    texts = [text for pair in zip(factory.ENGLISH_TEXTS[:6], factory.ARABIC_TEXTS[:6], strict=True) for text in pair]
    reference, converted = (summarizer._generate(texts) for summarizer in engines)
    assert converted == reference


@pytest.mark.parametrize("use", ["translation", "summary"])
def test_one_decoding_gives_the_same_hypotheses_on_both_engines_for_both_uses(request, use: str) -> None:
    """The one generation stack: the same Decoding gives the same hypotheses on transformers and CTranslate2
    (float32), for translations (a cap per source) and for summaries (one budget, the model's shortest
    output); n-best keeps the best and adds the next."""
    from dataclasses import replace

    from summarize.summarizer import Generation
    from translate.engines import CTranslate2Engine, TransformersEngine
    from translate.loading import load_model

    if use == "translation":
        loaded = load_model(str(request.getfixturevalue("memorised_marian")), "cpu")
        decoding, texts = Decoding(4, 4), [arabic for arabic, _ in factory.PAIRS]
        expected = [english for _, english in factory.PAIRS]
    else:
        loaded = load_model(str(request.getfixturevalue("memorised_mt5")), "cpu")
        decoding = Generation().decoding(loaded)
        texts = [factory.summariser_input(factory.ARTICLE_EN), factory.summariser_input(factory.ARTICLE_AR)]
        expected = [factory.SUMMARY_EN, factory.SUMMARY_AR]
    sources = loaded.tokenizer(texts)["input_ids"]
    caps = [decoding.cap(len(ids), loaded.window) for ids in sources]
    engines = TransformersEngine(loaded), CTranslate2Engine(loaded, compute_type="float32")
    reference, converted = (engine.generate(sources, caps, decoding) for engine in engines)
    assert [h.text for h in reference] == expected
    assert [(h.text, h.truncated, h.tokens) for h in converted] == [(h.text, h.truncated, h.tokens) for h in reference]
    assert [h.score for h in converted] == pytest.approx([h.score for h in reference], abs=2e-3)
    for engine in engines:
        ranked = engine.generate(sources, caps, replace(decoding, num_hypotheses=2))
        assert [h.text for h in ranked] == expected and all(len(h.alternatives) == 1 for h in ranked)


@pytest.mark.parametrize("engine_name", ["transformers", "ctranslate2"])
def test_n_best_puts_the_memorised_translation_first_then_distinct_candidates(memorised_marian, engine_name) -> None:
    """The engines' n-best (transformers ``num_return_sequences``, CTranslate2 ``num_hypotheses``): the
    memorised translation leads, followed by ``count - 1`` other candidates of the same beam search, each
    distinct and scored below it."""
    from dataclasses import replace

    from translate.engines import CTranslate2Engine, TransformersEngine
    from translate.loading import load_model

    loaded = load_model(str(memorised_marian), "cpu")
    engine = (TransformersEngine(loaded) if engine_name == "transformers"
              else CTranslate2Engine(loaded, compute_type="float32"))
    texts = [arabic for arabic, _ in factory.PAIRS[:4]]
    sources = loaded.tokenizer(texts)["input_ids"]
    decoding = Decoding(4, 4)
    caps = [decoding.cap(len(ids), loaded.window) for ids in sources]
    ranked = engine.generate(sources, caps, replace(decoding, num_hypotheses=4))
    for hypothesis, (_, english) in zip(ranked, factory.PAIRS[:4], strict=True):
        assert hypothesis.text == english
        assert len(hypothesis.alternatives) == 3
        texts_found = [hypothesis.text, *(a.text for a in hypothesis.alternatives)]
        assert len(set(texts_found)) == 4 and all(texts_found)
        assert all(a.score < hypothesis.score for a in hypothesis.alternatives)
        assert all(a.alternatives == () for a in hypothesis.alternatives)
