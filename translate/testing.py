"""Tiny seq2seq models built offline for tests and benchmarks: real sentencepiece/BPE tokenizers, random
or memorised weights, and the fixed news sentences they learn (nothing here is used at run time).

torch, transformers and sentencepiece are imported by the builders only, so the texts and pairs below can
be imported (and the tests collected) without the machine-learning stack."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

# Fixed news sentence pairs that the memorising model learns by heart.
PAIRS: tuple[tuple[str, str], ...] = (
    ("قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة.",
     "The foreign minister said the talks would resume next week in Cairo."),
    ("وأضاف أن الحكومة تعمل على خطة جديدة لدعم الاقتصاد.",
     "He added that the government is working on a new plan to support the economy."),
    ("ارتفعت أسعار النفط بنسبة 3.5 في المئة يوم الاثنين.", "Oil prices rose by 3.5 percent on Monday."),
    ("أعلنت وزارة الصحة تسجيل 120 حالة جديدة.", "The health ministry announced 120 new cases."),
    ("وصل الرئيس إلى العاصمة في زيارة رسمية تستغرق يومين.",
     "The president arrived in the capital on a two-day official visit."),
    ("تواصل الأمطار الغزيرة هطولها على المدن الساحلية.", "Heavy rain continues to fall on coastal cities."),
    ("افتتح المعرض الدولي للكتاب أبوابه أمام الزوار صباح اليوم.",
     "The international book fair opened its doors to visitors this morning."),
    ("فاز المنتخب الوطني على نظيره بهدفين مقابل هدف واحد.", "The national team beat its rival two goals to one."),
    ("هل ستصل المساعدات قبل نهاية الشهر؟", "Will the aid arrive before the end of the month?"),
    ("قال المتحدث: «سنواصل العمل».", 'The spokesman said: "We will continue working."'),
)
ARABIC_EXTRA = (
    "أكد المتحدث باسم الأمم المتحدة أن المساعدات ستصل قريبا",
    "٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹ ، ؛ ؟ « » “ ” ... ! ( ) : - % ٪ ـ",
    "ضظغثذشخجچپ ئءؤإآىة",
)
ENGLISH_EXTRA = (
    "A United Nations spokesman confirmed that aid would arrive soon.",
    "0123456789 , ; ? \" ' ... ! ( ) : - % ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz",
)
ARABIC_TEXTS = tuple(a for a, _ in PAIRS) + ARABIC_EXTRA
ENGLISH_TEXTS = tuple(e for _, e in PAIRS) + ENGLISH_EXTRA


def train_sentencepiece(texts: Sequence[str], prefix: Path, vocab_size: int) -> Path:
    """Train a small unigram sentencepiece model on ``texts``; return the .model path."""
    import sentencepiece as spm

    corpus = prefix.with_suffix(".txt")
    corpus.write_text("\n".join(texts), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        character_coverage=1.0,
        model_type="unigram",
        hard_vocab_limit=False,
        minloglevel=2,
        num_threads=1,
    )
    return prefix.with_suffix(".model")


def _pieces(model_path: Path) -> list[tuple[str, float]]:
    import sentencepiece as spm

    proc = spm.SentencePieceProcessor(model_file=str(model_path))
    return [
        (proc.id_to_piece(i), proc.get_score(i))
        for i in range(proc.get_piece_size())
        if not (proc.is_control(i) or proc.is_unknown(i))
    ]


def build_marian(
    folder: Path,
    *,
    source_texts: Sequence[str],
    target_texts: Sequence[str],
    d_model: int = 32,
    layers: int = 2,
    heads: int = 2,
    ffn: int = 64,
    vocab_size: int = 400,
    max_positions: int = 512,
    seed: int = 0,
    config_overrides: dict | None = None,
) -> Path:
    """Save a random Marian model with real source/target sentencepiece models to ``folder``.

    The vocabulary is laid out like the published opus-mt models: ``</s>`` 0, ``<unk>`` 1,
    ``<pad>`` last, with ``pad_token_id == decoder_start_token_id``.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    work = folder / "_spm"
    work.mkdir(exist_ok=True)
    source_spm = train_sentencepiece(source_texts, work / "source", vocab_size)
    target_spm = train_sentencepiece(target_texts, work / "target", vocab_size)
    tokens = ["</s>", "<unk>"]
    seen = set(tokens)
    for piece, _ in _pieces(source_spm) + _pieces(target_spm):
        if piece not in seen:
            seen.add(piece)
            tokens.append(piece)
    tokens.append("<pad>")
    vocab_file = work / "vocab.json"
    vocab_file.write_text(json.dumps({t: i for i, t in enumerate(tokens)}, ensure_ascii=False), "utf-8")
    tokenizer = MarianTokenizer(str(source_spm), str(target_spm), str(vocab_file), model_max_length=max_positions)
    pad = len(tokens) - 1
    settings = dict(
        vocab_size=len(tokens),
        decoder_vocab_size=len(tokens),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        max_position_embeddings=max_positions,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        bos_token_id=None,
        activation_function="swish",
        scale_embedding=True,
        dropout=0.0,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
    )
    settings.update(config_overrides or {})
    torch.manual_seed(seed)
    model = MarianMTModel(MarianConfig(**settings))
    _zero_pad_embedding(model)
    model.generation_config.num_beams = 1
    model.generation_config.bad_words_ids = [[pad]]
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    for leftover in work.iterdir():
        leftover.unlink()
    work.rmdir()
    return folder


def _zero_pad_embedding(model) -> None:
    """Real Marian checkpoints keep the ``<pad>`` embedding at zero; decoding starts from it."""
    import torch

    if model.config.model_type == "marian":
        with torch.no_grad():
            model.get_input_embeddings().weight[model.config.pad_token_id].zero_()


MARGIN = 5.0  # nats: every memorised token beats the runner-up by this much, so rounding and int8 cannot flip it


def token_margins(model, batch) -> list[float]:
    """For each target token of ``batch`` (teacher-forced), its log-probability minus the best other
    token's: how far the memorised choice is from flipping."""
    import torch

    with torch.no_grad():
        log_probs = model(**batch).logits.float().log_softmax(-1)
    labels = batch["labels"]
    keep = labels != -100
    gold = log_probs.gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    others = log_probs.scatter(-1, labels.clamp(min=0).unsqueeze(-1), float("-inf")).max(-1).values
    return (gold - others)[keep].tolist()


def memorise(folder: Path, pairs: Sequence[tuple[str, str]], *, max_steps: int = 4000, lr: float = 3e-3,
             no_repeat_ngram_size: int = 4, margin: float = MARGIN) -> Path:
    """Train the seq2seq model in ``folder`` until it reproduces ``pairs`` exactly, under greedy
    search and under beam search (4 beams) with the given n-gram guard, and every memorised token
    wins by ``margin`` nats over the runner-up (:func:`token_margins`); then save it in place.

    Training is seeded and full-batch, so it converges alike on every x86-64 CPU; the margin makes the
    outputs the same on every CPU and in int8."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSeq2SeqLM.from_pretrained(folder)
    sources = [s for s, _ in pairs]
    targets = [t for _, t in pairs]
    batch = tokenizer(sources, text_target=targets, padding=True, return_tensors="pt")
    batch["labels"][batch["labels"] == tokenizer.pad_token_id] = -100
    inputs = tokenizer(sources, padding=True, return_tensors="pt")
    torch.manual_seed(0)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    smallest = float("-inf")
    for step in range(1, max_steps + 1):
        model.train()
        model(**batch).loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # no step so large that training jumps away
        optimiser.step()
        optimiser.zero_grad()
        _zero_pad_embedding(model)
        if step % 25:
            continue
        model.eval()
        smallest = min(token_margins(model, batch))
        if smallest < margin:
            continue
        with torch.no_grad():
            exact = all(
                tokenizer.batch_decode(
                    model.generate(**inputs, num_beams=beams, max_new_tokens=80, early_stopping=True,
                                   no_repeat_ngram_size=no_repeat_ngram_size),
                    skip_special_tokens=True,
                ) == targets
                for beams in (1, 4)
            )
        if exact:
            model.save_pretrained(folder)
            return folder
    raise RuntimeError(f"the model did not learn the pairs by a margin of {margin} nats in {max_steps} steps "
                       f"(smallest margin {smallest:.2f})")


def build_m2m100(folder: Path, *, source_texts: Sequence[str], target_texts: Sequence[str], seed: int = 0) -> Path:
    """Save a random tiny M2M100 model with a real (shared) sentencepiece model to ``folder``."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    work = folder / "_spm"
    work.mkdir(exist_ok=True)
    model_file = train_sentencepiece(list(source_texts) + list(target_texts), work / "spm", 500)
    tokens = ["<s>", "<pad>", "</s>", "<unk>"] + [p for p, _ in _pieces(model_file)]
    vocab_file = work / "vocab.json"
    vocab_file.write_text(json.dumps({t: i for i, t in enumerate(tokens)}, ensure_ascii=False), "utf-8")
    tokenizer = M2M100Tokenizer(str(vocab_file), str(model_file), src_lang="ar", tgt_lang="en")
    torch.manual_seed(seed)
    config = M2M100Config(
        vocab_size=len(tokens) + len(tokenizer.lang_token_to_id) + tokenizer.num_madeup_words,
        d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=2, decoder_attention_heads=2,
        encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=256, pad_token_id=1, bos_token_id=0,
        eos_token_id=2, decoder_start_token_id=2, dropout=0.0, scale_embedding=True,
    )
    model = M2M100ForConditionalGeneration(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    shutil.rmtree(work)
    return folder


def build_mt5(folder: Path, *, texts: Sequence[str], seed: int = 0, d_model: int = 32, heads: int = 2,
              buckets: int = 8) -> Path:
    """Save a random tiny mT5 model (``d_model`` wide, 2 layers) with a sentencepiece-based tokenizer to ``folder``."""
    import torch
    from transformers import MT5Config, MT5ForConditionalGeneration, T5Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    work = folder / "_spm"
    work.mkdir(exist_ok=True)
    model_file = train_sentencepiece(texts, work / "spiece", 600)
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), *_pieces(model_file)]
    tokenizer = T5Tokenizer(vocab=vocab, extra_ids=0, model_max_length=512)
    for text in texts:
        ids = tokenizer(text)["input_ids"]
        if tokenizer.decode(ids, skip_special_tokens=True) != text:
            raise RuntimeError(f"the tiny mT5 tokenizer does not round-trip {text!r}")
    torch.manual_seed(seed)
    config = MT5Config(
        vocab_size=len(vocab), d_model=d_model, d_kv=d_model // heads, d_ff=2 * d_model, num_layers=2,
        num_decoder_layers=2, num_heads=heads,
        relative_attention_num_buckets=buckets, dropout_rate=0.0, pad_token_id=0, eos_token_id=1,
        decoder_start_token_id=0, tie_word_embeddings=False,
    )
    MT5ForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    shutil.rmtree(work)
    return folder


def build_bart(folder: Path, *, texts: Sequence[str], seed: int = 0) -> Path:
    """Save a random tiny BART model with a byte-level BPE tokenizer trained on ``texts``."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(list(texts), vocab_size=500, min_frequency=1, special_tokens=specials)
    vocab = bpe.get_vocab()
    work = folder / "_bpe"
    work.mkdir(exist_ok=True)
    bpe.save_model(str(work))
    lines = (work / "merges.txt").read_text("utf-8").splitlines()[1:]
    merges = [tuple(line.split(" ")) for line in lines if line]
    shutil.rmtree(work)
    tokenizer = BartTokenizer(vocab=vocab, merges=merges, model_max_length=1024)
    torch.manual_seed(seed)
    config = BartConfig(
        vocab_size=len(vocab), d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=1024,
        pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2, forced_bos_token_id=0,
        dropout=0.0,
    )
    BartForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


# A whole article made of the memorised pairs, and the summaries the memorising summarisers learn.
ARTICLE_AR = "\n\n".join(" ".join(a for a, _ in PAIRS[i : i + 3]) for i in range(0, len(PAIRS), 3))
ARTICLE_EN = "\n\n".join(" ".join(e for _, e in PAIRS[i : i + 3]) for i in range(0, len(PAIRS), 3))
SUMMARY_AR = PAIRS[2][0] + " " + PAIRS[3][0]
SUMMARY_EN = PAIRS[2][1] + " " + PAIRS[3][1]


def summariser_input(article: str) -> str:
    """The text a summariser sees for ``article``: its sentences joined by spaces."""
    return " ".join(article.split())
