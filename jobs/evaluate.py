"""Quality on your own articles: ``python -m translate.evaluate SOURCES REFERENCES``
(:mod:`translate.evaluate.__main__`).

Translates every source article with one or more models and scores the output against human
references with sacrebleu (corpus BLEU, chrF++ and TER on whole documents, chrF++ per document
and per aligned sentence), then measures how well each flag picks out the bad sentences and how
well the numbers check agrees with the references. Writes a text summary, and optionally a
self-contained HTML report (:mod:`jobs.report`) and a JSON file with the same figures.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import fmean
from typing import TYPE_CHECKING, Any

from translate.align import align, sentences
from translate.checks import ALL_FLAGS, NUMBERS, confidence
from translate.config import FILE_MAX_BYTES, VERSION, RunConfig
from translate.encodings import decode
from translate.errors import TranslateError
from translate.files import describe, read_named_file
from translate.formats import SUPPORTED, document_text, parse
from translate.numbers import numbers
from translate.progress import Progress
from translate.text import has_arabic, normalize

if TYPE_CHECKING:
    from translate.translator import Translation

log = logging.getLogger(__name__)

PAIR_TYPES = (".tsv", ".jsonl")  # a single file of (Arabic, English) sentence pairs
DOCUMENTS_PER_BATCH = 8  # documents whose sentences are translated together
WORST = 20  # sentences listed in the report's worst list



@dataclass(frozen=True)
class Document:
    """An Arabic source and its English reference. ``sentence``: the reference is one sentence pair
    (from a pairs file), so the whole output is scored against it without alignment."""

    name: str
    source: str
    reference: str
    sentence: bool = False


@dataclass(frozen=True)
class Inputs:
    """The paired documents, and every file that could not be paired (missing, extra, skipped)."""

    documents: tuple[Document, ...]
    problems: tuple[str, ...] = ()


# --- reading --------------------------------------------------------------------------------------

def _files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """Every regular file under ``folder`` by relative path (hidden entries and links to folders
    skipped), and a problem line for each other entry (a FIFO, a device, a broken link), which is
    never opened."""
    files, problems = {}, []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in path.relative_to(folder).parts) or path.is_dir():
            continue
        if path.is_file():
            files[name] = path
        else:
            kind = describe(path.stat().st_mode) if path.exists() else "a broken link"
            problems.append(f"{name}: skipped, {kind}")
    return files, problems


def _read(path: Path) -> bytes:
    """A named file's bytes: only a regular file, and never more than the batch job's limit."""
    return read_named_file(path, what="file", max_bytes=FILE_MAX_BYTES)


def reference_units(path: Path, data: bytes, *, text_field: str = "text") -> tuple[str, ...]:
    """The English text of a reference file, read by the batch job's readers (:func:`translate.formats.document_text`):
    one unit per record for .jsonl, else the whole document."""
    return document_text(path, data, text_field=text_field)


def source_units(path: Path, data: bytes, *, text_field: str = "text") -> tuple[str, ...]:
    """The Arabic text of a source file, read as the batch job reads it: one unit per .jsonl record,
    else the whole document."""
    parsed = parse(path, data, text_field=text_field)
    if path.suffix.lower() == ".jsonl":
        return parsed.units
    return ("\n\n".join(parsed.units),)


def _units(reader: Callable[..., tuple[str, ...]], path: Path, text_field: str) -> tuple[str, ...]:
    """``reader``'s units of one file, with an error naming the file's whole path."""
    data = _read(path)  # its errors name the path
    try:
        return reader(path, data, text_field=text_field)
    except TranslateError as error:
        raise TranslateError(f"{path}: {error}") from None


def read_folders(sources: Path, references: Path, *, text_field: str = "text") -> Inputs:
    """Pair the articles under ``sources`` with the references under ``references`` by relative path."""
    (source_files, odd_sources), (reference_files, odd_references) = _files(sources), _files(references)
    if not reference_files:
        raise TranslateError(f"The references folder '{references}' holds no files.")
    if not source_files:
        raise TranslateError(f"The sources folder '{sources}' holds no files.")
    documents: list[Document] = []
    problems = [f"{name}: no reference (expected '{references / name}')"
                for name in source_files if name not in reference_files]
    problems += [f"{name}: a reference with no source article" for name in reference_files
                 if name not in source_files]
    problems += odd_sources + [f"reference {problem}" for problem in odd_references]
    for name, path in source_files.items():
        if name not in reference_files:
            continue
        if path.suffix.lower() not in SUPPORTED:
            problems.append(f"{name}: skipped, unsupported file type (supported: {', '.join(SUPPORTED)})")
            continue
        arabic = _units(source_units, path, text_field)
        english = _units(reference_units, reference_files[name], text_field)
        if len(arabic) != len(english):
            raise TranslateError(f"{name}: the source holds {len(arabic)} records but the reference {len(english)}.")
        for index, (source, reference) in enumerate(zip(arabic, english, strict=True), start=1):
            label = name if len(arabic) == 1 else f"{name} record {index}"
            if not has_arabic(source):
                problems.append(f"{label}: skipped, no Arabic text in the source")
            elif not normalize(reference):
                problems.append(f"{label}: skipped, the reference is empty")
            else:
                documents.append(Document(label, source, reference))
    if not documents:
        raise TranslateError("No source article could be paired with a reference: "
                             + "; ".join(problems[:5]) + ("" if len(problems) <= 5 else " ..."))
    return Inputs(tuple(documents), tuple(problems))


def read_pairs(path: Path) -> Inputs:
    """Sentence pairs from a two-column TSV (Arabic, tab, English) or a JSONL file of
    ``{"source": ..., "reference": ...}`` records."""
    text = decode(read_named_file(path, what="pairs file", max_bytes=FILE_MAX_BYTES), name=f"'{path.name}'")
    documents = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"'{path.name}' line {number}"
        if path.suffix.lower() == ".tsv":
            columns = line.split("\t")
            if len(columns) != 2:
                raise TranslateError(f"{where} has {len(columns)} column{'s' * (len(columns) != 1)}; each line "
                                     "needs 2: the Arabic sentence, a tab, then its English reference.")
        else:
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise TranslateError(f"{where} is not valid JSON ({error.msg}).") from None
            if not isinstance(record, dict) or not all(isinstance(record.get(k), str) for k in ("source", "reference")):
                raise TranslateError(f"{where} needs the text fields 'source' and 'reference'.")
            columns = [record["source"], record["reference"]]
        source, reference = (column.strip() for column in columns)
        if not source or not reference:
            raise TranslateError(f"{where} has an empty {'source' if not source else 'reference'}.")
        if not has_arabic(source):
            raise TranslateError(f"{where}: the source holds no Arabic text.")
        documents.append(Document(f"{path.name}:{number}", source, reference, sentence=True))
    if not documents:
        raise TranslateError(f"'{path.name}' holds no sentence pairs.")
    return Inputs(tuple(documents))


def read_inputs(sources: Path, references: Path | None, *, text_field: str = "text") -> Inputs:
    """Folders paired by relative path, or one pairs file (then ``references`` is None)."""
    if sources.is_dir():
        if references is None:
            raise TranslateError("Give REFERENCES: the folder of English references, the same tree as SOURCES.")
        if not references.is_dir():
            raise TranslateError(f"REFERENCES '{references}' is not a folder: give the folder of English "
                                 "references, the same tree as SOURCES.")
        return read_folders(sources, references, text_field=text_field)
    if not sources.exists():
        raise TranslateError(f"There is no file or folder '{sources}'.")
    if sources.suffix.lower() not in PAIR_TYPES:
        raise TranslateError(f"'{sources.name}' is neither a folder nor a pairs file ({', '.join(PAIR_TYPES)}).")
    if references is not None:
        raise TranslateError("A pairs file holds its own references: give no REFERENCES with it.")
    return read_pairs(sources)


# --- scoring --------------------------------------------------------------------------------------

def flat(text: str) -> str:
    """A document on one line, as sacrebleu scores it."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Unit:
    """An aligned sentence (or 2–1 / 1–2 bead): what was translated, the output, the reference."""

    document: str
    source: str
    output: str
    reference: str
    flags: tuple[str, ...]
    score: float  # mean token log-probability of the output
    chrf: float  # segment chrF++

    @property
    def confidence(self) -> int:
        return confidence(self.score)


@dataclass(frozen=True)
class DocumentScore:
    name: str
    chrf: float
    outputs: int  # output sentences
    outputs_aligned: int
    references: int  # reference sentences
    references_aligned: int


@dataclass
class ModelResult:
    """Every figure for one model."""

    model: str
    label: str
    signature: dict[str, Any]
    bleu: float
    chrf: float
    ter: float
    seconds: float  # translation time for all documents (model loading excluded)
    documents: list[DocumentScore]
    units: list[Unit]
    flags: dict[str, dict[str, Any]] = field(default_factory=dict)
    numbers: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, str] = field(default_factory=dict)  # sacrebleu's signature of each metric

    @property
    def seconds_per_article(self) -> float:
        return self.seconds / len(self.documents) if self.documents else 0.0

    @property
    def alignment(self) -> dict[str, int]:
        """Sentences aligned, over all documents."""
        return {key: sum(getattr(d, key) for d in self.documents)
                for key in ("outputs", "outputs_aligned", "references", "references_aligned")}

    def worst(self, count: int = WORST) -> list[Unit]:
        """The ``count`` sentences with the lowest chrF++ (reading order among equals)."""
        return sorted(self.units, key=lambda u: u.chrf)[:count]

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model, "label": self.label, "signature": self.signature,
            "bleu": self.bleu, "chrf": self.chrf, "ter": self.ter,
            "seconds": self.seconds, "seconds_per_article": self.seconds_per_article,
            "alignment": self.alignment, "flags": self.flags, "numbers": self.numbers,
            "documents": [asdict(d) for d in self.documents],
            "worst": [{**asdict(u), "confidence": u.confidence} for u in self.worst()],
            "segments": [{**asdict(u), "confidence": u.confidence} for u in self.units],
        }


def metrics() -> tuple[Any, Any, Any]:
    """sacrebleu's BLEU, chrF++ and TER with their default settings."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    return BLEU(), CHRF(word_order=2), TER()


def units_of(document: Document, translation: Translation, chrf: Any) -> tuple[list[Unit], DocumentScore]:
    """Segment-level units of one translated document: its aligned sentences, scored with chrF++."""
    segments = list(translation.segments)

    def unit(chosen: Sequence[Any], reference: str) -> Unit:
        output = flat(" ".join(s.target for s in chosen))
        flags = tuple(dict.fromkeys(f for s in chosen for f in s.flags))
        score = fmean(s.score for s in chosen) if chosen else 0.0
        return Unit(document.name, " ".join(s.source for s in chosen), output, reference, flags, score,
                    chrf.sentence_score(output, [reference]).score)

    if document.sentence:
        reference = flat(document.reference)
        units = [unit(segments, reference)]
        return units, DocumentScore(document.name, units[0].chrf, 1, 1, 1, 1)
    references = sentences(document.reference)
    beads = align([len(s.target) for s in segments], [len(r) for r in references])
    units = [unit([segments[i] for i in b.outputs], " ".join(references[j] for j in b.references))
             for b in beads if b.aligned]
    document_chrf = chrf.sentence_score(flat(translation.text), [flat(document.reference)]).score
    return units, DocumentScore(document.name, document_chrf, len(segments),
                                sum(len(b.outputs) for b in beads if b.aligned), len(references),
                                sum(len(b.references) for b in beads if b.aligned))


def _mean(values: Sequence[float]) -> float | None:
    return fmean(values) if values else None


def flag_precision(units: Sequence[Unit]) -> dict[str, dict[str, Any]]:
    """Per flag: how many sentences carry it, their mean chrF++ against the unflagged ones, the share
    of flagged sentences that are in the worst decile (chance is 0.1), and the share of the worst
    decile that the flag catches. ``any`` counts sentences with at least one flag."""
    worst_count = math.ceil(len(units) / 10)
    worst = {id(u) for u in sorted(units, key=lambda u: u.chrf)[:worst_count]}
    seen = [f for u in units for f in u.flags]
    names = [*ALL_FLAGS, *sorted(set(seen) - set(ALL_FLAGS)), "any"]
    table = {}
    for name in names:
        flagged = [u for u in units if (u.flags if name == "any" else name in u.flags)]
        unflagged = [u for u in units if not (u.flags if name == "any" else name in u.flags)]
        caught = sum(id(u) in worst for u in flagged)
        table[name] = {
            "count": len(flagged),
            "mean_chrf_flagged": _mean([u.chrf for u in flagged]),
            "mean_chrf_unflagged": _mean([u.chrf for u in unflagged]),
            "in_worst_decile": caught / len(flagged) if flagged else None,
            "worst_decile_caught": caught / worst_count if worst_count else None,
        }
    return table


def numbers_check(units: Sequence[Unit]) -> dict[str, Any]:
    """The numbers flag judged against the references: a sentence is wrong when a number of the
    reference is missing from the output, or the output has a number the reference lacks."""
    missing = extra = wrong = flagged = caught = 0
    for u in units:
        expected, found = numbers(u.reference), numbers(u.output)
        missing += len(expected - found)
        extra += len(found - expected)
        is_wrong, is_flagged = expected != found, NUMBERS in u.flags
        wrong += is_wrong
        flagged += is_flagged
        caught += is_wrong and is_flagged
    return {"sentences": len(units), "sentences_wrong": wrong, "flagged": flagged, "flagged_and_wrong": caught,
            "numbers_missing": missing, "numbers_extra": extra,
            "precision": caught / flagged if flagged else None, "recall": caught / wrong if wrong else None}


def score_model(model: str, label: str, documents: Sequence[Document], translations: Sequence[Translation],
                seconds: float, signature: dict[str, Any]) -> ModelResult:
    """Every figure for one model's translations of ``documents``."""
    bleu, chrf, ter = metrics()
    hypotheses = [flat(t.text) for t in translations]
    references = [flat(d.reference) for d in documents]
    units: list[Unit] = []
    scores: list[DocumentScore] = []
    for document, translation in zip(documents, translations, strict=True):
        found, score = units_of(document, translation, chrf)
        units += found
        scores.append(score)
    corpus = [metric.corpus_score(hypotheses, [references]).score for metric in (bleu, chrf, ter)]
    return ModelResult(
        model, label, signature, *corpus, seconds, scores, units, flag_precision(units), numbers_check(units),
        {"BLEU": str(bleu.get_signature()), "chrF++": str(chrf.get_signature()), "TER": str(ter.get_signature())},
    )


# --- running --------------------------------------------------------------------------------------

def labels(models: Sequence[str]) -> list[str]:
    """Short, distinct names for models: a folder's or hub id's last part, else the name given."""
    short = [Path(m).name or m for m in models]
    return short if len(set(short)) == len(short) else list(models)


@dataclass
class Evaluation:
    """The figures of every model on the same documents."""

    sources: str
    references: str | None
    inputs: Inputs
    models: list[ModelResult]

    @property
    def metrics(self) -> dict[str, str]:
        """sacrebleu's signature of each metric (the same for every model), so scores can be compared."""
        return self.models[0].metrics if self.models else {}

    @property
    def ranking(self) -> list[ModelResult]:
        """Best first: by corpus chrF++, then BLEU."""
        return sorted(self.models, key=lambda r: (-r.chrf, -r.bleu))

    def as_dict(self) -> dict[str, Any]:
        return {
            "khabar": VERSION, "sources": self.sources, "references": self.references,
            "documents": len(self.inputs.documents), "problems": list(self.inputs.problems),
            "metrics": self.metrics, "ranking": [r.label for r in self.ranking],
            "models": [r.as_dict() for r in self.models],
        }


def translate_documents(config: RunConfig, documents: Sequence[Document],
                        tick: Callable[[int], None] | None = None) -> tuple[list[Translation], float, dict[str, Any]]:
    """Translate ``documents`` with the model ``config`` names; returns the translations, the seconds
    spent translating (loading excluded) and the translator's signature."""
    from translate.translator import Translator

    translator = Translator.from_config(config)
    translator.engine  # noqa: B018 - load the model now, so that loading is not timed
    translations: list[Translation] = []
    started = time.perf_counter()
    for start in range(0, len(documents), DOCUMENTS_PER_BATCH):
        group = documents[start : start + DOCUMENTS_PER_BATCH]
        translations += translator.translate_batch([d.source for d in group])
        if tick:
            tick(len(group))
    return translations, time.perf_counter() - started, translator.signature()


def evaluate(inputs: Inputs, configs: Sequence[RunConfig], *, sources: str = "", references: str | None = None,
             progress: Progress | None = None) -> Evaluation:
    """Translate ``inputs`` with each configuration's model and score every one."""
    total = len(inputs.documents) * len(configs)
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, total)

    results = []
    for config, label in zip(configs, labels([c.model for c in configs]), strict=True):
        log.info("translating %d documents with %s", len(inputs.documents), config.model)
        translations, seconds, signature = translate_documents(config, inputs.documents, tick)
        results.append(score_model(config.model, label, inputs.documents, translations, seconds, signature))
    return Evaluation(sources, references, inputs, results)
