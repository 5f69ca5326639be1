"""Speed benchmark: this project's engines against the usual one-sentence-at-a-time approach.

Builds random-weight models with the exact architecture of the published Marian ar→en models
(the hub is not needed), then, on the same news-length articles, measures in one run:

- usual:   transformers ``generate`` on one sentence at a time (what most demos do);
- project: ``Translator`` with the transformers engine;
- project: ``Translator`` with the CTranslate2 engine (int8 on CPU, float16 on GPU);
- bare:    ``ctranslate2.Translator.translate_batch`` on the same pre-tokenised sentences, in the
           same batches (the ceiling: no segmentation, checks or bookkeeping).

Every contender generates exactly the same number of tokens for each sentence (the minimum and
maximum output lengths are equal), so tokens per second compare like with like. Tokens are counted
from each contender's outputs (each cut at its sentence's cap, as the project does), never assumed. Each contender
runs in its own process (greedy, then beam search), so its peak memory is its own (the beam-search
row shows the peak of the whole process). The fastest of up to three runs counts; the batched
contenders run twice unless a run takes over 15 s (the first doubles as the warm-up), and the usual
approach, many small calls, is warmed up on one sentence.

    python bench/speed.py --quick      # Marian-base shape, a few articles: a few minutes on 2 cores
    python bench/speed.py              # both shapes, more articles
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue as queue_module
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Architecture settings copied from the published config.json files.
SHAPES = {
    "opus-mt-ar-en (base)": dict(d_model=512, layers=6, heads=8, ffn=2048, vocab=62834, positions=512,
                                 activation="swish"),
    "opus-mt-tc-big-ar-en (big)": dict(d_model=1024, layers=6, heads=16, ffn=4096, vocab=61109, positions=1024,
                                       activation="relu"),
}
LENGTH = (1.2, 2)  # output tokens = 1.2 × input tokens + 2, for every contender


def build_model(folder: Path, shape: dict, *, source: str = "ar") -> Path:
    """A random-weight Marian model of ``shape`` (ar→en, or en→ar with ``source="en"``) with a real
    sentencepiece tokenizer, padded to the published vocabulary size so the output layer costs what
    it costs in the real model."""
    import json as _json

    from translate import testing as factory

    if (folder / "config.json").exists():
        return folder
    texts = (factory.ARABIC_TEXTS, factory.ENGLISH_TEXTS)
    factory.build_marian(
        folder, source_texts=texts[source != "ar"], target_texts=texts[source == "ar"],
        d_model=shape["d_model"], layers=shape["layers"], heads=shape["heads"], ffn=shape["ffn"],
        max_positions=shape["positions"],
        config_overrides={"activation_function": shape["activation"],
                          "decoder_layers": shape.get("decoder_layers", shape["layers"])},
    )
    vocab = _json.loads((folder / "vocab.json").read_text("utf-8"))
    vocab.pop("<pad>")
    for i in range(len(vocab), shape["vocab"] - 1):
        vocab[f"▁filler{i}"] = i
    vocab["<pad>"] = shape["vocab"] - 1
    (folder / "vocab.json").write_text(_json.dumps(vocab, ensure_ascii=False), "utf-8")
    from transformers import AutoModelForSeq2SeqLM, MarianConfig, MarianMTModel, MarianTokenizer

    for stale in ("tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"):
        (folder / stale).unlink(missing_ok=True)
    MarianTokenizer(str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"),
                    model_max_length=shape["positions"]).save_pretrained(folder)

    config = MarianConfig.from_pretrained(folder)
    config.update(dict(vocab_size=shape["vocab"], decoder_vocab_size=shape["vocab"], pad_token_id=shape["vocab"] - 1,
                       decoder_start_token_id=shape["vocab"] - 1))
    model = MarianMTModel(config)
    factory._zero_pad_embedding(model)
    model.generation_config.bad_words_ids = [[shape["vocab"] - 1]]
    model.generation_config.pad_token_id = model.generation_config.decoder_start_token_id = shape["vocab"] - 1
    model.save_pretrained(folder)
    AutoModelForSeq2SeqLM.from_pretrained(folder)  # fails loudly if the folder is inconsistent
    return folder


def articles(count: int, seed: int = 7) -> list[str]:
    """News-length articles (3–4 paragraphs, 10–14 sentences of 6–40 words) from Arabic news words."""
    from translate import testing as factory

    words = " ".join(factory.ARABIC_TEXTS[:-2]).replace(".", "").replace("؟", "").split()
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        paragraphs = []
        for _ in range(rng.randint(3, 4)):
            sentences = [" ".join(rng.choices(words, k=rng.choice([6, 9, 14, 20, 28, 40]))) + "."
                         for _ in range(rng.randint(3, 4))]
            paragraphs.append(" ".join(sentences))
        out.append("\n\n".join(paragraphs))
    return out


def _threads(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def best_of(work, *, least: int = 1, most: int = 3, budget_s: float = 5.0, warm_s: float = 15.0) -> dict:
    """Time ``work`` (which returns the tokens it produced) ``least`` times while the runs so far took
    under ``warm_s``, and again while they took under ``budget_s`` (at most ``most`` runs); the
    fastest run counts, as with timeit."""
    runs = []
    while not runs or (len(runs) < least and sum(runs) < warm_s) or (sum(runs) < budget_s and len(runs) < most):
        start = time.perf_counter()
        tokens = work()
        runs.append(time.perf_counter() - start)
    return {"seconds": min(runs), "tokens": tokens, "runs": len(runs)}


def forced(beams: int = 4):
    """The project's decoding with every output forced to its cap (:data:`LENGTH`), as every contender runs."""
    from translate.engines import Decoding
    from translate.translator import NO_REPEAT_NGRAM_SIZE

    return Decoding(beams, NO_REPEAT_NGRAM_SIZE, length_ratio=LENGTH[0], length_extra=LENGTH[1], exact_length=True)


def _cap(source_tokens: int) -> int:
    return forced().cap(source_tokens, 10_000)


def run_usual(model_dir: str, docs: list[str], beams: list[int], device: str, threads: int) -> list[dict]:
    """transformers generate, one sentence at a time, same sentences and lengths as the others."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from translate.text import layout

    _threads(threads)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).to(device).eval()
    if device == "cuda":
        model.half()
    sentences = [p for d in docs for _, p in layout(d, lambda t: len(tokenizer(t)["input_ids"]), 256).flat()]

    def one(sentence: str, beam: int) -> int:
        ids = tokenizer(sentence, return_tensors="pt").to(device)
        length = _cap(ids["input_ids"].shape[1])
        with torch.inference_mode():
            out = model.generate(**ids, num_beams=beam, min_new_tokens=length, max_new_tokens=length, do_sample=False)
        return generated_tokens(out[0, 1:].tolist(), model.generation_config.eos_token_id)

    results = []
    for beam in beams:
        one(sentences[0], beam)  # warm-up: the work is many small calls, so one is enough
        results.append(best_of(lambda beam=beam: sum(one(sentence, beam) for sentence in sentences)) | _peak())
    return results


def run_project(model_dir: str, docs: list[str], beams: list[int], device: str, threads: int,
                engine: str) -> list[dict]:
    """This project's Translator over whole documents (segmentation, batching, checks included)."""
    from translate import Translator

    project = Translator(model_dir, engine=engine, device=device, threads=threads, decoding=forced(), cache_size=0)

    def work(translator) -> int:
        before = translator.engine.generated_tokens
        translator.translate_batch(docs)
        return translator.engine.generated_tokens - before

    results = []
    for beam in beams:
        translator = project.with_decoding(beams=beam)  # the same model, engine and cache
        results.append(best_of(lambda translator=translator: work(translator), least=2) | _peak())  # warm-up first
    return results


def run_bare_ct2(model_dir: str, docs: list[str], beams: list[int], device: str, threads: int) -> list[dict]:
    """ctranslate2.Translator.translate_batch on pre-tokenised sentences in the project's batches."""
    import ctranslate2

    from translate import Translator
    from translate.engines import converted_model

    project = Translator(model_dir, engine="ctranslate2", device=device, threads=threads, cache_size=0)
    compute_type = "float16" if device == "cuda" else "int8"
    tokenizer = project.loaded.tokenizer
    pieces = [p for d in docs for _, p in project.layout(d).flat()]
    encoded = tokenizer(pieces)["input_ids"]
    batches = [[tokenizer.convert_ids_to_tokens(encoded[i]) for i in batch] for batch in project.batches(encoded)]
    translator = ctranslate2.Translator(str(converted_model(model_dir, compute_type)), device=device,
                                        compute_type=compute_type, intra_threads=threads)

    def work(beam: int) -> int:
        tokens = 0
        for batch in batches:
            caps = [_cap(len(source)) for source in batch]
            results = translator.translate_batch(batch, beam_size=beam, min_decoding_length=max(caps),
                                                 max_decoding_length=max(caps), max_input_length=0,
                                                 no_repeat_ngram_size=project.generation.no_repeat_ngram_size)
            # every row runs to the batch's longest cap; what is kept is cut at its own cap, as the project does
            tokens += sum(min(len(r.hypotheses[0]), cap) for r, cap in zip(results, caps, strict=True))
        return tokens

    return [best_of(lambda beam=beam: work(beam), least=2) | _peak() for beam in beams]


def generated_tokens(ids: list[int], eos: int | list[int] | None) -> int:
    """Tokens in one generated output (the decoder start left out), up to and with its end token."""
    ends = set(eos) if isinstance(eos, list) else {eos}
    return next((i + 1 for i, token in enumerate(ids) if token in ends), len(ids))


def _peak() -> dict:
    """The process's peak resident memory so far, in MB."""
    return {"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _contender(name: str, *args) -> list[dict]:
    functions = {"usual": run_usual, "project-transformers": run_project, "project-ctranslate2": run_project,
                 "bare-ctranslate2": run_bare_ct2}
    extra = () if name in ("usual", "bare-ctranslate2") else (name.split("-", 1)[1],)
    return functions[name](*args, *extra)


def _child(function, args: tuple, queue) -> None:
    queue.put(function(*args))


def isolated(function, *args):
    """Run ``function(*args)`` in a fresh process (its memory is its own) and return its result."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(function, args, queue))
    process.start()
    while True:
        try:
            result = queue.get(timeout=5)
            break
        except queue_module.Empty:  # check the process is still alive
            if not process.is_alive():
                raise RuntimeError(f"{function.__name__}{args[:1]} failed (exit code {process.exitcode})") from None
    process.join()
    return result


def measure(name: str, *args) -> list[dict]:
    """Run one contender (greedy, then beam search) in a fresh process and return its figures."""
    return isolated(_contender, name, *args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Marian-base shape and 2 articles")
    parser.add_argument("--articles", type=int, help="how many articles (default 2 quick, 6 full)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    shapes = list(SHAPES)[:1] if args.quick else list(SHAPES)
    docs = articles(args.articles or (2 if args.quick else 6))
    work = Path(os.environ.get("KHABAR_BENCH_DIR", Path(tempfile.gettempdir()) / "khabar-bench"))
    os.environ.setdefault("KHABAR_CACHE_DIR", str(work / "cache"))
    cpu = torch.get_num_threads()
    print(f"device: {device} ({torch.cuda.get_device_name() if device == 'cuda' else f'{os.cpu_count()} CPU cores'}), "
          f"threads {args.threads} (torch default {cpu}); {len(docs)} articles; output = "
          f"{LENGTH[0]} × input tokens + {LENGTH[1]}, forced for every contender")
    figures = []
    for shape_name in shapes:
        model_dir = str(build_model(work / shape_name.split()[0], SHAPES[shape_name]))
        names = ("usual", "project-transformers", "project-ctranslate2", "bare-ctranslate2")
        measured = {name: measure(name, model_dir, docs, [1, 4], device, args.threads) for name in names}
        for index, beams in enumerate((1, 4)):
            rows = {name: measured[name][index] for name in names}
            base, ceiling = rows["usual"], rows["bare-ctranslate2"]
            print(f"\n{shape_name}, {'greedy' if beams == 1 else f'beam {beams}'}")
            print(f"{'contender':<22}{'tokens/s':>10}{'articles/min':>14}{'peak MB':>10}{'× usual':>9}"
                  f"{'× bare CT2':>12}")
            for name, row in rows.items():
                rate = row["tokens"] / row["seconds"]
                row.update(shape=shape_name, beams=beams, contender=name, tokens_per_s=rate,
                           articles_per_min=len(docs) / row["seconds"] * 60,
                           vs_usual=rate / (base["tokens"] / base["seconds"]),
                           vs_bare=rate / (ceiling["tokens"] / ceiling["seconds"]))
                print(f"{name:<22}{rate:>10.1f}{row['articles_per_min']:>14.2f}{row['peak_mb']:>10.0f}"
                      f"{row['vs_usual']:>9.2f}{row['vs_bare']:>12.2f}")
                figures.append(row)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
