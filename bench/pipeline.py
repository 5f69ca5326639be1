"""End-to-end benchmark: the editor's whole wait, from a pasted article to both summaries.

Builds random-weight models with the published shapes of the default models (the hub is not needed):

- translation: opus-mt-tc-big-ar-en (Marian big);
- ``native`` summaries: mT5_multilingual_XLSum, i.e. mT5-base (d_model 768, 12+12 layers, gated-GELU
  FFN 2048, 12 heads, vocabulary 250,112, untied output layer);
- ``translate-back`` summaries: distilbart-cnn-12-6 (d_model 1024, 12+6 layers, FFN 4096, vocabulary
  50,264), then opus-mt-tc-big-en-ar (the Marian big shape again) for the Arabic.

For each strategy, three contenders each run in their own process holding all of that strategy's
models (what ``app.py`` holds), on the same news-length articles:

- usual:        transformers ``generate``, one sentence at a time, then each summary with ``generate``;
- transformers: this project's Translator and Summarizer on the transformers engine (float32 on CPU);
- ctranslate2:  the same on the CTranslate2 engine (int8 on CPU), torch weights never loaded.

Per article: time to the first paragraph (the app shows the translation paragraph by paragraph),
to the whole translation, the time the summaries take, the total (paste to both summaries), and the
peak resident memory of the process. Lengths are forced, so every contender generates exactly the
same tokens: each translated piece 1.2 × its input tokens + 2, each summary ``SUMMARY_TOKENS``, and
translate-back's Arabic :func:`back_tokens` for the first English summary sentence. Tokens are counted
from the outputs and compared across contenders; a mismatch stops the run. The summarisers read the
same fixed English article (the length of a translation), not each contender's random-weight
translation, so that their inputs are equal too. Models are converted to CTranslate2 before the
timed processes start (conversion is a first-use cost, cached on disk).

A second part compares CTranslate2's threads on CPU: ``intra_threads`` (threads inside one batch)
against ``inter_threads`` (batches in parallel), for one article (the app) and for many (the batch job).

    python bench/pipeline.py --quick     # small shapes, 1 short article: CI-sized, checks consistency
    python bench/pipeline.py             # published shapes, 600-word articles (--articles N)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import speed  # noqa: E402 - the Marian builder and the forced translation length are shared

MARIAN_BIG = speed.SHAPES["opus-mt-tc-big-ar-en (big)"]
FULL = {
    "ar-en": MARIAN_BIG,
    "en-ar": MARIAN_BIG,
    "mt5": dict(d_model=768, d_kv=64, heads=12, d_ff=2048, layers=12, vocab=250_112),
    "bart": dict(d_model=1024, encoder_layers=12, decoder_layers=6, heads=16, ffn=4096, vocab=50_264,
                 positions=1024),
}
QUICK = {
    "ar-en": dict(d_model=64, layers=2, heads=2, ffn=128, vocab=2_000, positions=512, activation="relu"),
    "en-ar": dict(d_model=64, layers=2, heads=2, ffn=128, vocab=2_000, positions=512, activation="relu"),
    "mt5": dict(d_model=64, d_kv=16, heads=4, d_ff=128, layers=2, vocab=4_000),
    "bart": dict(d_model=64, encoder_layers=2, decoder_layers=2, heads=2, ffn=128, vocab=3_000, positions=1024),
}
# quickmt-ar-en (a native CTranslate2 folder): a deep encoder and a shallow decoder with separate 32k
# SentencePiece vocabularies, as quickmt's model cards describe them. Its eole-config.yaml could not be read from
# the machine this was written on; check hidden_size, enc_layers, dec_layers, heads and transformer_ff there.
QUICKMT = dict(d_model=1024, layers=12, decoder_layers=2, heads=16, ffn=4096, vocab=32_000, positions=1024,
               activation="relu")
QUICK_QUICKMT = dict(QUICK["ar-en"], layers=2, decoder_layers=1)
STRATEGIES = {"native": ("ar-en", "mt5"), "translate-back": ("ar-en", "bart", "en-ar")}
CONTENDERS = ("ctranslate2", "transformers", "usual")  # fastest first: a stopped run keeps the most figures
BEAMS = 4  # the app's default for translation and summaries
SUMMARY_TOKENS = 84  # the default summary length (RunConfig.max_tokens)

def back_tokens(summary_tokens: int) -> int:
    """translate-back's forced Arabic length: the translation length rule applied to a whole summary."""
    return math.ceil(speed.LENGTH[0] * summary_tokens) + speed.LENGTH[1]

QUICK_SUMMARY_TOKENS = 16
REAL_TOKENS_PER_WORD = 1.5  # opus-mt's sentencepiece on Arabic news (an estimate: the hub is not reachable here)


def _filler(index: int) -> str:
    """A four-letter word for vocabulary slot ``index`` (never produced by tokenising real text)."""
    letters = ""
    for _ in range(4):
        index, digit = divmod(index, 26)
        letters += chr(ord("a") + digit)
    return letters


def build_mt5(folder: Path, shape: dict) -> Path:
    """A random-weight mT5 of ``shape`` with the test tokenizer, its vocabulary padded to the shape's."""
    from transformers import MT5Config, MT5ForConditionalGeneration, T5Tokenizer

    from translate import testing as factory

    if (folder / "config.json").exists():
        return folder
    factory.build_mt5(folder, texts=factory.ARABIC_TEXTS + factory.ENGLISH_TEXTS)
    pieces = [tuple(item) for item in json.loads((folder / "tokenizer.json").read_text("utf-8"))["model"]["vocab"]]
    known = {piece for piece, _ in pieces}
    fillers = (f"▁{_filler(i)}" for i in range(10 * shape["vocab"]))
    pieces += [(piece, -100.0) for piece in fillers if piece not in known][: shape["vocab"] - len(pieces)]
    tokenizer = T5Tokenizer(vocab=pieces, extra_ids=0, model_max_length=512)
    text = factory.ARABIC_TEXTS[0]
    if tokenizer.decode(tokenizer(text)["input_ids"], skip_special_tokens=True) != text:
        raise RuntimeError("the padded mT5 tokenizer does not round-trip Arabic text")
    config = MT5Config(
        vocab_size=shape["vocab"], d_model=shape["d_model"], d_kv=shape["d_kv"], d_ff=shape["d_ff"],
        num_layers=shape["layers"], num_decoder_layers=shape["layers"], num_heads=shape["heads"],
        relative_attention_num_buckets=32, feed_forward_proj="gated-gelu", tie_word_embeddings=False,
        dropout_rate=0.0, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
    )
    config.tie_word_embeddings = False  # transformers 5 forces True in the constructor; mT5's head is its own
    for stale in folder.glob("*.safetensors"):
        stale.unlink()
    MT5ForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_bart(folder: Path, shape: dict) -> Path:
    """A random-weight BART of ``shape`` with the test BPE tokenizer, its vocabulary padded to the shape's."""
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    from translate import testing as factory

    if (folder / "config.json").exists():
        return folder
    factory.build_bart(folder, texts=factory.ENGLISH_TEXTS)
    model = json.loads((folder / "tokenizer.json").read_text("utf-8"))["model"]
    vocab = dict(model["vocab"])
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
    fillers = (f"Ġ{_filler(i)}" for i in range(10 * shape["vocab"]))
    for piece in fillers:
        if len(vocab) >= shape["vocab"]:
            break
        vocab.setdefault(piece, len(vocab))
    tokenizer = BartTokenizer(vocab=vocab, merges=merges, model_max_length=shape["positions"])
    config = BartConfig(
        vocab_size=shape["vocab"], d_model=shape["d_model"], encoder_layers=shape["encoder_layers"],
        decoder_layers=shape["decoder_layers"], encoder_attention_heads=shape["heads"],
        decoder_attention_heads=shape["heads"], encoder_ffn_dim=shape["ffn"], decoder_ffn_dim=shape["ffn"],
        max_position_embeddings=shape["positions"], activation_function="gelu", pad_token_id=1, bos_token_id=0,
        eos_token_id=2, decoder_start_token_id=2, forced_bos_token_id=0, dropout=0.0,
    )
    for stale in folder.glob("*.safetensors"):
        stale.unlink()
    BartForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_models(work: Path, shapes: dict) -> dict[str, str]:
    """Every model of both strategies, built once into ``work``."""
    return {
        "ar-en": str(speed.build_model(work / "ar-en", shapes["ar-en"])),
        "en-ar": str(speed.build_model(work / "en-ar", shapes["en-ar"], source="en")),
        "mt5": str(build_mt5(work / "mt5", shapes["mt5"])),
        "bart": str(build_bart(work / "bart", shapes["bart"])),
    }


def _words(texts) -> list[str]:
    return " ".join(texts).replace(".", "").replace("؟", "").replace("?", "").split()


def _text(rng: random.Random, vocabulary: list[str], paragraphs: list[list[int]], ratio: float) -> str:
    return "\n\n".join(" ".join(" ".join(rng.choices(vocabulary, k=max(3, round(n * ratio)))) + "." for n in lengths)
                       for lengths in paragraphs)


def articles(count: int, words: int = 600, seed: int = 11) -> list[tuple[str, str]]:
    """``count`` (Arabic article, English text) pairs: about ``words`` Arabic words in 1–8 paragraphs of
    sentences of 8–40 words, and an English text of the same sentences with 1.2× the words (the length
    of a translation) that the summarisers read."""
    from translate import testing as factory

    arabic, english = _words(factory.ARABIC_TEXTS[:-2]), _words(factory.ENGLISH_TEXTS[:-1])
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        lengths: list[int] = []
        while sum(lengths) < words:
            lengths.append(min(rng.choice([8, 12, 16, 20, 28, 40]), words - sum(lengths)))
        if len(lengths) > 1 and lengths[-1] < 3:  # no sentence of fewer than 3 words
            last = lengths.pop()
            lengths[-1] += last
        count_paragraphs = max(1, min(8, len(lengths) // 3))
        cut = [round(i * len(lengths) / count_paragraphs) for i in range(count_paragraphs + 1)]
        paragraphs = [lengths[cut[i]:cut[i + 1]] for i in range(count_paragraphs)]
        out.append((_text(rng, arabic, paragraphs, 1.0), _text(rng, english, paragraphs, 1.2)))
    return out


def article_words(model: str, words: int) -> int:
    """How many of the test vocabulary's words make as many ar→en source tokens as ``words`` words of
    real news do: the published tokenizer takes about ``REAL_TOKENS_PER_WORD`` tokens per Arabic word,
    the test tokenizer, trained on a few sentences, splits words more finely."""
    from transformers import AutoTokenizer

    sample = articles(1, words=600, seed=1)[0][0]
    ratio = len(AutoTokenizer.from_pretrained(model)(sample)["input_ids"]) / len(sample.split())
    return max(30, round(words * REAL_TOKENS_PER_WORD / ratio))


# --- the contenders ---------------------------------------------------------------------------------


def _status_mb(field: str) -> float | None:
    """A memory figure of this process from ``/proc/self/status`` (``VmRSS``, ``VmHWM``), in MB."""
    status = Path("/proc/self/status")
    for line in status.read_text().splitlines() if status.is_file() else ():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


def _rss_mb() -> float:
    """The process's resident memory now, in MB."""
    found = _status_mb("VmRSS")
    return found if found is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_mb(seen: float = 0.0) -> float:
    """This process's own peak resident memory, in MB: ``VmHWM``, which starts afresh with the process's own
    program. ``ru_maxrss`` does not: it survives ``exec``, so a contender spawned by the process that built
    the models reported the builder's peak (the same figure for every contender). The kernel updates the
    high-water mark lazily, so a resident size ``seen`` earlier can exceed it: the larger is the peak."""
    found = _status_mb("VmHWM")
    return max(seen, found if found is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


class Project:
    """This project's Translator and Summarizer, on one engine, with forced lengths and the app's threads
    (:func:`translate.config.threads_for`: on CPU with CTranslate2, two batches at once)."""

    def __init__(self, engine: str, strategy: str, models: dict[str, str], summary_tokens: int, threads: int,
                 device: str = "cpu") -> None:
        from dataclasses import replace

        from summarize import Summarizer
        from summarize.summarizer import Generation
        from translate import Translator
        from translate.config import RunConfig, threads_for

        config = RunConfig(engine=engine, device=device, threads=threads, beams=BEAMS, summary_strategy=strategy)
        intra, inter = threads_for(config, interactive=True)
        self.translator = Translator(models["ar-en"], config=config, interactive=True, decoding=speed.forced(BEAMS),
                                     cache_size=0)
        self.threads = {"threads": intra, "inter_threads": inter}
        self.back = None
        if strategy == "translate-back":
            self.back = Translator(models["en-ar"], config=config, interactive=True, languages=("en", "ar"),
                                   decoding=replace(speed.forced(BEAMS), length_ratio=0.0,
                                                    length_extra=back_tokens(summary_tokens)), cache_size=0)
        summary_model = models["mt5"] if strategy == "native" else models["bart"]
        self.summarizer = Summarizer(
            summary_model, config=config, interactive=True, arabic_translator=self.back,
            generation=Generation(max_new_tokens=summary_tokens, beams=BEAMS, max_sentences=1, exact_length=True))

    def run(self, arabic: str, english: str) -> dict:
        start = time.perf_counter()
        translation_before = self.translator.engine.generated_tokens
        first = None
        for partial in self.translator.translate_progressively(arabic, step_pieces=1):  # as the app does
            first = first or time.perf_counter() - start
            pieces = len(partial.segments)
        translated = time.perf_counter() - start
        summary_before = self.summarizer.generated_tokens
        back_before = self.back.engine.generated_tokens if self.back else 0
        self.summarizer.summarize(arabic=arabic, english=english)
        total = time.perf_counter() - start
        return {"first_paragraph_s": first, "translation_s": translated, "summaries_s": total - translated,
                "total_s": total, "pieces": pieces,
                "translation_tokens": self.translator.engine.generated_tokens - translation_before,
                "summary_tokens": self.summarizer.generated_tokens - summary_before,
                "back_tokens": (self.back.engine.generated_tokens - back_before) if self.back else 0}


class Usual:
    """transformers ``generate`` on one sentence at a time, then each summary with ``generate``."""

    def __init__(self, strategy: str, models: dict[str, str], summary_tokens: int, threads: int,
                 device: str = "cpu") -> None:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        from translate import Translator

        torch.set_num_threads(threads)

        def load(name: str):  # as a model card shows it: the checkpoint's dtype (float32), moved to the device
            return AutoTokenizer.from_pretrained(name), AutoModelForSeq2SeqLM.from_pretrained(name).to(device).eval()

        self.strategy, self.summary_tokens = strategy, summary_tokens
        self.layout = Translator(models["ar-en"], device="cpu").layout  # the same pieces as the project
        self.translation = load(models["ar-en"])
        self.summary = load(models["mt5"] if strategy == "native" else models["bart"])
        self.back = load(models["en-ar"]) if strategy == "translate-back" else None

    @staticmethod
    def _generate(loaded, text: str, tokens: int, *, max_length: int | None = None, **options) -> tuple[str, int]:
        import torch

        tokenizer, model = loaded
        ids = tokenizer(text, return_tensors="pt", truncation=max_length is not None, max_length=max_length)
        ids = ids.to(model.device)
        with torch.inference_mode():
            out = model.generate(**ids, num_beams=BEAMS, min_new_tokens=tokens, max_new_tokens=tokens,
                                 do_sample=False, **options)
        row = out[0, 1:].tolist()
        return tokenizer.decode(row, skip_special_tokens=True), speed.generated_tokens(
            row, model.generation_config.eos_token_id)

    def run(self, arabic: str, english: str) -> dict:
        from translate.text import normalize, split_paragraphs, split_sentences

        start = time.perf_counter()
        first = None
        translation_tokens = pieces = 0
        layout = self.layout(arabic)
        for paragraph in layout.pieces:
            for piece in paragraph:
                cap = speed._cap(len(self.translation[0](piece)["input_ids"]))
                translation_tokens += self._generate(self.translation, piece, cap)[1]
                pieces += 1
            first = first or time.perf_counter() - start
        translated = time.perf_counter() - start
        window = self.summary[0].model_max_length
        options = {"no_repeat_ngram_size": 3, "max_length": window}
        summary_count = back_count = 0
        if self.strategy == "native":
            for text in (english, arabic):
                summary_count += self._generate(self.summary, " ".join(text.split()), self.summary_tokens,
                                                **options)[1]
        else:
            summary, summary_count = self._generate(self.summary, " ".join(english.split()), self.summary_tokens,
                                                    **options)
            sentences = [s for p in split_paragraphs(normalize(summary))[0] for s in split_sentences(p)]
            back_count = self._generate(self.back, sentences[0], back_tokens(self.summary_tokens))[1]
        total = time.perf_counter() - start
        return {"first_paragraph_s": first, "translation_s": translated, "summaries_s": total - translated,
                "total_s": total, "pieces": pieces, "translation_tokens": translation_tokens,
                "summary_tokens": summary_count, "back_tokens": back_count}


def run_contender(contender: str, strategy: str, models: dict[str, str], docs: list[tuple[str, str]],
                  summary_tokens: int, threads: int, device: str = "cpu") -> dict:
    """One contender over every article, after a warm-up article; with the process's memory (on CUDA
    also the peak of torch's GPU allocations, which do not include CTranslate2's)."""
    if contender == "usual":
        runner = Usual(strategy, models, summary_tokens, threads, device)
    else:
        runner = Project(contender, strategy, models, summary_tokens, threads, device)
    warm = articles(1, words=60, seed=99)[0]
    runner.run(*warm)  # loads every model and warms the engines; not timed
    held = _rss_mb()
    rows = [runner.run(arabic, english) for arabic, english in docs]
    torch_weights = None
    if isinstance(runner, Project):  # whether any torch weights were loaded (the CTranslate2 path must not)
        loaded = [runner.translator.loaded, runner.summarizer.loaded] + ([runner.back.loaded] if runner.back else [])
        torch_weights = any("model" in vars(item) for item in loaded)
    threads_used = runner.threads if isinstance(runner, Project) else {"threads": threads, "inter_threads": 1}
    gpu_torch_mb = None
    if device.startswith("cuda"):
        import torch

        gpu_torch_mb = torch.cuda.max_memory_allocated() / 2**20 if torch.cuda.is_initialized() else 0.0
    return {"contender": contender, "strategy": strategy, "device": device, "articles": rows, "held_mb": held,
            "peak_mb": _peak_mb(held), "torch_weights": torch_weights,
            "threads": threads_used, "gpu_torch_peak_mb": gpu_torch_mb}


# --- model shapes: tc-big against quickmt, both as native CTranslate2 folders ------------------------

def write_native(model: str, folder: Path) -> Path:
    """The Marian ``model`` written as a native CTranslate2 folder in quickmt's layout (``model.bin`` in int8,
    ``config.json``, ``src.spm.model``, ``tgt.spm.model``, source and target vocabulary JSONs), once."""
    import shutil

    if (folder / "model.bin").is_file():
        return folder
    from ctranslate2.converters import TransformersConverter

    from translate.engines import _register_converter_fixes

    _register_converter_fixes()
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    TransformersConverter(model, low_cpu_mem_usage=True).convert(str(staging), quantization="int8", force=True)
    shutil.copy(Path(model) / "source.spm", staging / "src.spm.model")
    shutil.copy(Path(model) / "target.spm", staging / "tgt.spm.model")
    config = json.loads((staging / "config.json").read_text("utf-8"))
    config["add_source_eos"] = True  # the Marian models end their sources with </s>; CTranslate2 adds it
    (staging / "config.json").write_text(json.dumps(config, indent=2), "utf-8")
    shared = staging / "shared_vocabulary.json"
    if shared.is_file():
        for side in ("source", "target"):
            shutil.copy(shared, staging / f"{side}_vocabulary.json")
        shared.unlink()
    os.replace(staging, folder)
    return folder


def run_shape(shape: str, model: str, docs: list[tuple[str, str]], threads: int) -> dict:
    """One model shape (a native folder) on the CTranslate2 engine, as the app runs it: per article the time to
    the first paragraph and to the whole translation streamed, the same article in one call (with and without
    the padding cap), the padding share of its batches, and the process's own peak memory."""
    import copy

    from translate import Translator
    from translate.canary import cpu_summary
    from translate.config import RunConfig
    from translate.translator import padding_fraction

    config = RunConfig(engine="ctranslate2", device="cpu", threads=threads, beams=BEAMS)
    translator = Translator(model, config=config, interactive=True, decoding=speed.forced(BEAMS), cache_size=0)
    uncapped = copy.copy(translator)
    uncapped.max_padding = 1.0
    translator.translate(articles(1, words=60, seed=99)[0][0])  # loads the model, runs the canary; not timed
    held = _rss_mb()
    rows = []
    for arabic, _ in docs:
        before = translator.engine.generated_tokens
        start = time.perf_counter()
        first = None
        for _ in translator.translate_progressively(arabic, step_pieces=1):  # as the app does
            first = first or time.perf_counter() - start
        streamed = time.perf_counter() - start
        tokens = translator.engine.generated_tokens - before
        start = time.perf_counter()
        translator.translate(arabic)
        once = time.perf_counter() - start
        start = time.perf_counter()
        uncapped.translate(arabic)
        once_uncapped = time.perf_counter() - start
        pieces = [piece for _, piece in translator.layout(arabic).flat()]
        encoded = translator.loaded.tokenizer(pieces)["input_ids"]
        rows.append({"first_paragraph_s": first, "streamed_s": streamed, "one_call_s": once,
                     "one_call_uncapped_s": once_uncapped, "translation_tokens": tokens,
                     "padding": padding_fraction(encoded, list(translator.batches(encoded))),
                     "padding_uncapped": padding_fraction(encoded, list(uncapped.batches(encoded)))})
    return {"shape": shape, "articles": rows, "held_mb": held, "peak_mb": _peak_mb(held),
            "compute_type": translator.signature()["compute_type"], "cpu": cpu_summary(),
            "threads": f"{translator.threads}×{translator.inter_threads}"}


def compare_shapes(shapes: dict[str, str], docs: list[tuple[str, str]], threads: int) -> list[dict]:
    """:func:`run_shape` for each native folder, each in its own process; the same tokens for all, or an error."""
    results = [isolated(run_shape, name, folder, docs, threads) for name, folder in shapes.items()]
    tokens = {r["shape"]: [a["translation_tokens"] for a in r["articles"]] for r in results}
    if len({tuple(t) for t in tokens.values()}) != 1:
        raise SystemExit(f"unequal work across model shapes: {tokens}")
    return results


def print_shapes(results: list[dict]) -> None:
    print(f"\nmodel shapes, CTranslate2 {results[0]['compute_type']}, native folders, beam {BEAMS}, forced equal "
          f"tokens; seconds per article, median (min–max); {results[0]['cpu']}")
    print(f"{'shape':<26}{'threads':>8}{'first paragraph':>18}{'whole, streamed':>18}{'one call':>18}"
          f"{'one call, no cap':>18}{'padding':>9}{'no cap':>8}{'peak MB':>9}")
    for row in results:
        a = row["articles"]
        cells = "".join(f"{_spread([x[key] for x in a]):>18}"
                        for key in ("first_paragraph_s", "streamed_s", "one_call_s", "one_call_uncapped_s"))
        padding = statistics.mean(x["padding"] for x in a), statistics.mean(x["padding_uncapped"] for x in a)
        print(f"{row['shape']:<26}{row['threads']:>8}{cells}{padding[0]:>9.0%}{padding[1]:>8.0%}"
              f"{row['peak_mb']:>9.0f}")
    base, quick = results[0]["articles"], results[-1]["articles"]
    speedup = [b["streamed_s"] / q["streamed_s"] for b, q in zip(base, quick, strict=True)]
    print(f"whole translation, {results[0]['shape']} ÷ {results[-1]['shape']}: {_ratios(speedup)} (target ≥ 2.5)")
    for row in results:
        ratio = [x["streamed_s"] / x["one_call_s"] for x in row["articles"]]
        capped = [x["one_call_uncapped_s"] / x["one_call_s"] for x in row["articles"]]
        print(f"{row['shape']}: streamed ÷ one call {_ratios(ratio)} (target ≤ 1.05); one call without ÷ with "
              f"the padding cap {_ratios(capped)}")


def _ratios(values: list[float]) -> str:
    middle = f"{statistics.median(values):.2f}×"
    return middle if len(values) == 1 else f"{middle} ({min(values):.2f}–{max(values):.2f})"


# --- threads ---------------------------------------------------------------------------------------


def compare_threads(models: dict[str, str], docs: list[tuple[str, str]], summary_tokens: int) -> list[dict]:
    """CTranslate2 int8 on 2 cores: 2 intra threads and 1 batch at a time, against 1 intra thread and
    2 batches at once, for one article at a time (the app) and all articles at once (the batch job),
    and for the two native summaries of one article."""
    import ctranslate2

    from translate import Translator
    from translate.engines import converted_model, split_batch
    from translate.loading import load_model

    project = Translator(models["ar-en"], engine="ctranslate2", device="cpu", cache_size=0)
    tokenizer = project.loaded.tokenizer
    encoded = [[tokenizer.convert_ids_to_tokens(tokenizer(p)["input_ids"]) for _, p in project.layout(a).flat()]
               for a, _ in docs]
    summariser = load_model(models["mt5"], "cpu").tokenizer
    summary_inputs = [[summariser.convert_ids_to_tokens(summariser(" ".join(t.split()), truncation=True,
                                                                   max_length=512)["input_ids"]) for t in pair]
                      for pair in docs]
    rows = []
    for intra, inter in ((2, 1), (1, 2)):
        translator = ctranslate2.Translator(str(converted_model(models["ar-en"], "int8")), device="cpu",
                                            compute_type="int8", intra_threads=intra, inter_threads=inter)
        mt5 = ctranslate2.Translator(str(converted_model(models["mt5"], "int8")), device="cpu",
                                     compute_type="int8", intra_threads=intra, inter_threads=inter)

        def translate(batch: list[list[str]], translator=translator, inter=inter) -> int:
            length = max(speed._cap(len(tokens)) for tokens in batch)
            results = translator.translate_batch(batch, beam_size=BEAMS, min_decoding_length=length,
                                                 max_decoding_length=length, max_input_length=0,
                                                 **split_batch(len(batch), inter))
            return sum(len(r.hypotheses[0]) for r in results)

        translate(encoded[0][:2])  # warm-up
        start = time.perf_counter()
        tokens = sum(translate(doc) for doc in encoded)
        app = time.perf_counter() - start
        start = time.perf_counter()
        every = [tokens for doc in encoded for tokens in doc]
        length = max(speed._cap(len(tokens)) for tokens in every)
        results = translator.translate_batch(every, beam_size=BEAMS, min_decoding_length=length,
                                             max_decoding_length=length, max_input_length=0, max_batch_size=16)
        batch_job = time.perf_counter() - start
        start = time.perf_counter()
        for pair in summary_inputs:  # one batch, as the summariser sends it, split between the inter threads
            mt5.translate_batch(pair, beam_size=BEAMS, min_decoding_length=summary_tokens,
                                max_decoding_length=summary_tokens, max_input_length=0,
                                **split_batch(len(pair), inter))
        summaries = time.perf_counter() - start
        rows.append({"intra_threads": intra, "inter_threads": inter, "app_s_per_article": app / len(docs),
                     "app_tokens": tokens, "batch_job_s": batch_job,
                     "batch_job_tokens": sum(len(r.hypotheses[0]) for r in results),
                     "summaries_s_per_article": summaries / len(docs)})
    return rows


# --- running and reporting -------------------------------------------------------------------------


isolated = speed.isolated  # each contender in a fresh process, its memory its own


def check_consistency(results: list[dict], summary_tokens: int) -> None:
    """Every contender of a strategy did the same work: the same pieces and tokens for every article,
    the summaries and translate-back's Arabic at their forced lengths, and every token counted."""
    for strategy in dict.fromkeys(r["strategy"] for r in results):
        rows = [r for r in results if r["strategy"] == strategy]
        keys = ("pieces", "translation_tokens", "summary_tokens", "back_tokens")
        for index in range(len(rows[0]["articles"])):
            work = {r["contender"]: tuple(r["articles"][index][k] for k in keys) for r in rows}
            if len(set(work.values())) != 1:
                raise RuntimeError(f"{strategy}, article {index + 1}: unequal work {work}")
            pieces, translation, summary, back = next(iter(work.values()))
            expected = (2 * summary_tokens, 0) if strategy == "native" else (
                summary_tokens, back_tokens(summary_tokens))
            if translation < pieces or (summary, back) != expected:
                raise RuntimeError(f"{strategy}, article {index + 1}: tokens {work} are not the forced lengths")
        for row in rows:
            if row["contender"] == "ctranslate2" and row["torch_weights"]:
                raise RuntimeError(f"{strategy}: the CTranslate2 contender loaded torch weights")


def _spread(values: list[float]) -> str:
    return (f"{statistics.median(values):.1f}" if len(values) == 1 else
            f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})")


def summarise(results: list[dict]) -> dict:
    """Per strategy: each contender's figures, and the ratios the targets are stated in (with their
    spread over articles)."""
    report = {}
    for strategy in dict.fromkeys(r["strategy"] for r in results):
        rows = {r["contender"]: r for r in results if r["strategy"] == strategy}

        def ratios(key: str, slow: str, fast: str, rows: dict = rows) -> list[float]:
            return [s[key] / f[key] for s, f in zip(rows[slow]["articles"], rows[fast]["articles"], strict=True)]

        report[strategy] = {
            "summaries_speedup": ratios("summaries_s", "transformers", "ctranslate2"),
            "whole_wait_speedup": ratios("total_s", "usual", "ctranslate2"),
            "memory_ratio": rows["ctranslate2"]["peak_mb"] / rows["transformers"]["peak_mb"],
            "memory_ratio_vs_usual": rows["ctranslate2"]["peak_mb"] / rows["usual"]["peak_mb"],
            "loaded_torch_weights": {name: row["torch_weights"] for name, row in rows.items()},
        }
    return report


COLUMNS = {"first_paragraph_s": "first paragraph", "translation_s": "translation", "summaries_s": "summaries",
           "total_s": "total"}


def print_report(results: list[dict], report: dict, threads: list[dict] | None) -> None:
    for strategy in report:
        print(f"\n{strategy}: seconds per article, median (min–max); memory in MB; threads per batch × batches")
        print(f"{'contender':<14}{'threads':>8}" + "".join(f"{title:>21}" for title in COLUMNS.values())
              + f"{'held MB':>9}{'peak MB':>9}")
        for row in (r for r in results if r["strategy"] == strategy):
            figures = "".join(f"{_spread([a[key] for a in row['articles']]):>21}" for key in COLUMNS)
            split = f"{row['threads']['threads']}×{row['threads']['inter_threads']}"
            print(f"{row['contender']:<14}{split:>8}{figures}{row['held_mb']:>9.0f}{row['peak_mb']:>9.0f}")
        gpu = {r["contender"]: r.get("gpu_torch_peak_mb") for r in results if r["strategy"] == strategy}
        if any(value is not None for value in gpu.values()):
            print("peak GPU memory of torch's allocations (CTranslate2's are not counted): "
                  + ", ".join(f"{name} {value:,.0f} MB" for name, value in gpu.items()))
        ratios = report[strategy]
        print(f"summaries, transformers ÷ ctranslate2: {_spread(ratios['summaries_speedup'])}× (target ≥ 3)")
        print(f"whole wait, usual ÷ ctranslate2:       {_spread(ratios['whole_wait_speedup'])}× (target ≥ 4)")
        print(f"peak memory, ctranslate2 ÷ transformers: {ratios['memory_ratio']:.2f} (target ≤ 0.5)")
    if threads:
        print("\nCTranslate2 threads (int8, beam 4, forced lengths)")
        print(f"{'intra':>6}{'inter':>6}{'app s/article':>15}{'batch job s':>13}{'2 summaries s':>15}")
        for row in threads:
            print(f"{row['intra_threads']:>6}{row['inter_threads']:>6}{row['app_s_per_article']:>15.2f}"
                  f"{row['batch_job_s']:>13.2f}{row['summaries_s_per_article']:>15.2f}")


def _device_name(device: str) -> str:
    """The device in words: the GPU's name on CUDA."""
    if not device.startswith("cuda"):
        return "CPU"
    import torch

    return f"{torch.cuda.get_device_name(torch.device(device))} ({device})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small shapes and one short article (CI)")
    parser.add_argument("--articles", type=int, help="how many articles (default 1 quick, 3 full)")
    parser.add_argument("--words", type=int, help="Arabic news words per article (default 60 quick, 600 full), "
                        "in test-vocabulary words that make as many source tokens")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--strategies", nargs="+", choices=list(STRATEGIES), default=list(STRATEGIES),
                        help="the summary strategies to measure (default both)")
    parser.add_argument("--no-threads", action="store_true", help="skip the intra/inter threads comparison")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (cuda:N): where the contenders run; the "
                        "threads comparison is for CPUs and is skipped on CUDA")
    parser.add_argument("--no-shapes", action="store_true", help="skip the tc-big against quickmt shapes part")
    parser.add_argument("--shapes-only", action="store_true", help="only the tc-big against quickmt shapes part")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    from translate.errors import TranslateError
    from translate.models import resolve_device

    try:
        device = resolve_device(args.device)
    except TranslateError as error:
        parser.error(str(error))

    shapes = QUICK if args.quick else FULL
    summary_tokens = QUICK_SUMMARY_TOKENS if args.quick else SUMMARY_TOKENS
    work = Path(os.environ.get("KHABAR_BENCH_DIR", Path(tempfile.gettempdir()) / "khabar-bench")) / (
        "pipeline-quick" if args.quick else "pipeline")
    os.environ.setdefault("KHABAR_CACHE_DIR", str(work / "cache"))
    models = {"ar-en": str(speed.build_model(work / "ar-en", shapes["ar-en"]))} if args.shapes_only else \
        build_models(work, shapes)
    words = args.words or (60 if args.quick else 600)
    docs = articles(args.articles or (1 if args.quick else 3), words=article_words(models["ar-en"], words))
    from transformers import AutoTokenizer

    source_tokens = [len(AutoTokenizer.from_pretrained(models["ar-en"])(a)["input_ids"]) for a, _ in docs]
    from translate.canary import cpu_summary

    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{cpu_summary()}; load average {load}")
    print(f"{_device_name(device)}; {os.cpu_count()} CPU cores, threads {args.threads}; {len(docs)} articles "
          f"the size of {words}-word news "
          f"({len(docs[0][0].split())} test words, {min(source_tokens)}–{max(source_tokens)} source tokens); "
          f"beams {BEAMS}; forced lengths: translation {speed.LENGTH[0]} × input + {speed.LENGTH[1]} tokens, "
          f"summaries {summary_tokens}, translate-back's Arabic {back_tokens(summary_tokens)}", flush=True)
    from transformers import AutoConfig

    from translate.engines import converted_model
    from translate.models import ctranslate2_compute_type

    for name in [] if args.shapes_only else models.values():  # a first-use cost, kept out of the timed processes
        converted_model(name, ctranslate2_compute_type(device, AutoConfig.from_pretrained(name).model_type))
    results = []
    for strategy in [] if args.shapes_only else args.strategies:
        for contender in CONTENDERS:
            results.append(isolated(run_contender, contender, strategy, models, docs, summary_tokens, args.threads,
                                    device))
            print(f"  {strategy} / {contender}: {json.dumps(results[-1])}", flush=True)
            if args.json:  # figures so far, in case a long run is stopped
                Path(args.json).write_text(json.dumps({"results": results}, indent=2))
    if results:
        check_consistency(results, summary_tokens)
    on_cpu = device == "cpu"
    skip_threads = args.no_threads or args.shapes_only or not on_cpu
    threads = None if skip_threads else isolated(compare_threads, models, docs, summary_tokens)
    compared = None
    if not args.no_shapes and on_cpu:
        tc_big = write_native(models["ar-en"], work / "native-tc-big")
        quickmt_model = speed.build_model(work / "quickmt-ar-en", QUICK_QUICKMT if args.quick else QUICKMT)
        compared = compare_shapes({"tc-big": str(tc_big), "quickmt": str(write_native(str(quickmt_model),
                                                                                      work / "native-quickmt"))},
                                docs, args.threads)
    report = summarise(results)
    if results:
        print_report(results, report, threads)
    if compared:
        print_shapes(compared)
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "report": report, "threads": threads,
                                               "shapes": compared}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
