"""The int8 guard: CTranslate2's int8 kernels differ by CPU (MKL on Intel, oneDNN elsewhere, whose
u8 x s8 products can saturate without VNNI), so a quantized model can write other words on another
machine. A few dozen short Arabic sentences shipped with the project (``data/canary_ar.txt``) are
translated once by the transformers engine in float32, and the token log-probabilities of those outputs
kept beside the conversions (the reference); a native CTranslate2 folder, which has no torch weights, is its
own reference in float32 (so its int8 is checked against its float32 kernels, not against the trained model).
The first time the CTranslate2 engine loads a model on a
machine it scores the same outputs at its compute type (the verdict is kept for that machine); when too
few tokens agree with the reference, the engine falls back to the next safe compute type (see
:func:`translate.engines.guarded_translator`)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.config import ctranslate2_forces_mkl
from translate.errors import TranslateError

CANARY_TEXT = Path(__file__).parent / "data" / "canary_ar.txt"
TOLERANCE = 0.5  # nats: a token agrees when its log-probability is within this of the reference's
AGREEMENT = 0.9  # the least share of agreeing tokens a compute type must reach (measured: docs/engines.md)
MAX_OUTPUT_TOKENS = 24  # each reference output is cut here: a canary tests the kernels, not long texts
FALLBACKS = {"int8": ("int8_float32", "float32"), "int8_float32": ("float32",),
             "int8_float16": ("float16", "float32"), "int8_bfloat16": ("bfloat16", "float32")}


@dataclass(frozen=True)
class Verdict:
    """How a compute type fared on the canary: the share of tokens that agree with the reference and
    the largest difference seen (nats)."""

    compute_type: str
    agreement: float
    worst: float

    @property
    def passed(self) -> bool:
        return self.agreement >= AGREEMENT

    def describe(self) -> str:
        return f"{self.compute_type}: {self.agreement:.0%} of canary tokens agree (worst {self.worst:.2f} nats)"


def canary_sentences() -> list[str]:
    """The shipped canary sentences (comment lines left out)."""
    lines = CANARY_TEXT.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Reference:
    """Source and output tokens of each canary sentence, and the float32 log-probability of each
    output token (the end token included), from the transformers engine."""

    sources: list[list[str]]
    targets: list[list[str]]
    log_probs: list[list[float]]


def _write_json(path: Path, payload: Any) -> None:
    """Write ``payload`` to ``path`` atomically (processes sharing the cache never read half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(dir=path.parent, prefix=".canary-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(payload, out)
    os.replace(staging, path)


def _key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def reference(loaded: Any, folder: Path) -> Reference:
    """The canary reference of ``loaded`` (a :class:`translate.models.LoadedModel`), read from ``folder``
    or made now (the model's torch weights loaded once in float32, on CPU, apart from ``loaded``)."""
    key = _key(loaded.name, loaded.revision, CANARY_TEXT.read_text("utf-8"), MAX_OUTPUT_TOKENS,
               loaded.target_start_token("en"))
    path = folder / f"canary-{Path(loaded.name).name}-{key}.json"
    if path.is_file():
        data = json.loads(path.read_text("utf-8"))
        return Reference(data["sources"], data["targets"], data["log_probs"])
    made = _make_native_reference(loaded) if getattr(loaded, "native", False) else _make_reference(loaded)
    _write_json(path, {"sources": made.sources, "targets": made.targets, "log_probs": made.log_probs})
    return made


def checked(translator: Any, compute_type: str, ref: Reference, folder: Path, conversion: str) -> Verdict:
    """The canary's verdict on ``translator`` (the conversion folder ``conversion`` at ``compute_type``): scored
    once per machine and kept in ``folder``, keyed by this CPU as CTranslate2 sees it (:func:`cpu_summary`),
    the conversion and the reference; a later load on the same machine reads it back."""
    key = _key(cpu_summary(), conversion, compute_type, ref.targets, TOLERANCE)
    path = folder / f"verdict-{key}.json"
    if path.is_file():
        data = json.loads(path.read_text("utf-8"))
        return Verdict(data["compute_type"], data["agreement"], data["worst"])
    verdict = score(translator, compute_type, ref)
    _write_json(path, {"compute_type": verdict.compute_type, "agreement": verdict.agreement, "worst": verdict.worst})
    return verdict


def _make_reference(loaded: Any) -> Reference:
    import torch
    from transformers import AutoModelForSeq2SeqLM

    from translate.models import _from_pretrained

    tokenizer = loaded.tokenizer
    model = _from_pretrained(AutoModelForSeq2SeqLM, loaded.name, loaded.option, dtype=torch.float32).eval()
    start = loaded.target_start_token("en")
    sentences = [loaded.source_prefix("en") + text for text in canary_sentences()]
    batch = tokenizer(sentences, padding=True, return_tensors="pt")
    options: dict[str, Any] = {"forced_bos_token_id": tokenizer.convert_tokens_to_ids(start)} if start else {}
    with torch.inference_mode():
        generated = model.generate(**batch, num_beams=1, do_sample=False, max_new_tokens=MAX_OUTPUT_TOKENS,
                                   min_new_tokens=None, bad_words_ids=None, **options)
    eos, pad = model.generation_config.eos_token_id, tokenizer.pad_token_id
    eos = eos[0] if isinstance(eos, list) else eos
    # tokens the model is never let generate (Marian's <pad>, which CTranslate2 leaves out of its vocabulary)
    banned = [ids[0] for ids in model.generation_config.bad_words_ids or [] if len(ids) == 1]
    sources, targets, scores = [], [], []
    for row, ids in enumerate(batch["input_ids"].tolist()):
        kept = [i for i in generated[row, 1:].tolist() if i not in (pad, eos)]
        decoder = torch.tensor([[generated[row, 0].item(), *kept]])
        labels = torch.tensor([[*kept, eos]])
        length = int(batch["attention_mask"][row].sum())
        with torch.inference_mode():
            logits = model(input_ids=torch.tensor([ids[:length]]), decoder_input_ids=decoder).logits.float()
            logits[..., banned] = float("-inf")
            picked = logits.log_softmax(-1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)[0]
        sources.append(tokenizer.convert_ids_to_tokens(ids[:length]))
        targets.append(tokenizer.convert_ids_to_tokens(kept))
        scores.append(picked.tolist())
    del model
    return Reference(sources, targets, scores)


def _make_native_reference(loaded: Any) -> Reference:
    """The reference of a native CTranslate2 folder (:mod:`translate.native`), which has no torch weights: its
    own greedy outputs and their log-probabilities from CTranslate2 in float32 on CPU. It checks the int8 kernels
    against the same folder's float32 ones, not against the model as trained."""
    import ctranslate2

    tokenizer = loaded.tokenizer
    sentences = [loaded.source_prefix("en") + text for text in canary_sentences()]
    sources = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(sentences)["input_ids"]]
    translator = ctranslate2.Translator(str(loaded.folder), device="cpu", compute_type="float32")
    results = translator.translate_batch(sources, beam_size=1, max_decoding_length=MAX_OUTPUT_TOKENS,
                                         max_input_length=0)
    targets = [result.hypotheses[0] for result in results]
    scored = translator.score_batch(sources, targets, max_input_length=0)
    del translator
    return Reference(sources, targets, [list(result.log_probs) for result in scored])


def score(translator: Any, compute_type: str, ref: Reference) -> Verdict:
    """Score the reference outputs with a ``ctranslate2.Translator`` and compare token by token."""
    results = translator.score_batch(ref.sources, ref.targets, max_input_length=0)
    agree = total = 0
    worst = 0.0
    for result, expected in zip(results, ref.log_probs, strict=True):
        if len(result.log_probs) != len(expected):
            raise TranslateError("The CTranslate2 conversion does not read the model's vocabulary as transformers "
                                 "does; use --engine transformers for this model.")
        for got, want in zip(result.log_probs, expected, strict=True):
            gap = abs(got - want) if math.isfinite(got) and math.isfinite(want) else math.inf
            worst = max(worst, gap)
            agree += gap <= TOLERANCE
            total += 1
    return Verdict(compute_type, agree / total if total else 1.0, worst)


def cpu_summary() -> str:
    """This machine's CPU as CTranslate2 sees it: model, the vector extensions its kernels choose from
    (AVX-512 before AVX2), and its int8 matrix backend (MKL on Intel or with ``CT2_USE_MKL=1``, else oneDNN,
    whose u8 x s8 products can saturate without VNNI)."""
    import platform

    import ctranslate2

    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").is_file() else ""
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    model = fields.get("model name", platform.processor() or platform.machine())
    flags = set(fields.get("flags", "").split())
    isa = "AVX512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "AVX" if "avx" in flags else "generic"
    vnni = "VNNI" if flags & {"avx512_vnni", "avx_vnni"} else "no VNNI"
    intel = fields.get("vendor_id") == "GenuineIntel"
    backend = "MKL" if intel or ctranslate2_forces_mkl() else "oneDNN"
    return f"{model}; CTranslate2 {ctranslate2.__version__}: ISA {isa} ({vnni}), int8 GEMM {backend}"
