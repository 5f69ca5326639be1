"""Folders: translate (and summarise) every article under IN_DIR into OUT_DIR, losing nothing.

The batch job (``python -m translate.batch IN_DIR OUT_DIR``, :mod:`translate.batch.__main__`): outputs
mirror the input tree; a manifest (``OUT_DIR/manifest.jsonl``) records every input's hash, status, reason,
outputs, flag counts and the run's signature (which model and settings made it); a re-run skips what is done,
unchanged and made with the same settings, and redoes the rest (reason ``settings changed`` when only the
settings differ).

The run has three parts, so that another backend (e.g. Ray Data) can replace the middle one:

- the **driver** (:class:`Run`): holds the lock on OUT_DIR for the whole run, reads the manifest,
  plans the inputs, decides what to skip, records bad files at the file-system level, and appends
  every :class:`Record` it gets back to the manifest, which it compacts at the end;
- a **worker** (:class:`Worker`): holds the translator and summariser, takes :class:`Job` objects
  (plain data: paths and the digest the driver read) and returns one :class:`Record` per job after
  writing its outputs atomically; it never touches the manifest;
- a **backend** (:class:`LocalBackend`, ``--backend local``): feeds the jobs to a worker and passes
  each record back to the driver as soon as it is ready. A distributed backend builds a worker per
  actor with the same arguments and yields the records the workers return, in any order.

File-system rules (regular files only, links, byte limit, temporary files, names that are not
UTF-8) are in :mod:`translate.files`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any, Protocol

from translate.config import (
    ARABIC_MODEL_PRESETS,
    FILE_MAX_BYTES,
    INPUT_TYPES,
    VERSION,
    RunConfig,
    digest,
    signature,
)
from translate.errors import TranslateError
from translate.files import (
    TEMP_MARK,
    DiskFull,
    FolderLock,
    InputProblem,
    OutputProblem,
    append_line,
    inside,
    is_output,
    name_from_json,
    name_to_json,
    raw_name,
    read_input,
    read_lines,
    remove_file,
    remove_stale_temporaries,
    write_files,
)
from translate.formats import Parsed, output_type, parse
from translate.formats.signing import sign_output
from translate.models import model_revision, resolve_model
from translate.text import has_arabic

__all__ = ["MANIFEST", "TEMP_MARK", "Job", "LocalBackend", "Record", "Run", "RunResult", "Worker", "plan",
           "request_digest"]

log = logging.getLogger(__name__)

MANIFEST = "manifest.jsonl"
SETTINGS_CHANGED = "settings changed"
FILE_CHANGED = "the file changed"
SPEED_ONLY = ("threads", "inter_threads", "batch_tokens")  # settings that change how fast a run is, not its outputs


@dataclass
class Record:
    """What happened to one input file (one manifest line).

    ``input`` and ``outputs`` are names as the file system gives them (see :func:`name_to_json` for how
    names that are not UTF-8 are written). ``reason`` says why a file failed or was skipped, and for a
    file done again, why it was redone (``settings changed``, ``the file changed``). ``signature`` is
    the full signature of the run that made the outputs (:func:`translate.config.signature`); ``settings``
    the digest of what that run was asked for (:func:`request_digest`), known before any model loads.
    """

    input: str
    sha256: str | None
    status: str  # done, failed or skipped
    reason: str | None = None
    outputs: list[str] = field(default_factory=list)
    segments: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    summary_flags: list[str] = field(default_factory=list)
    summary_error: str | None = None  # the translation is kept when its summary fails
    notes: list[str] = field(default_factory=list)  # what the reader could not carry over as it was
    signature: dict[str, Any] | None = None
    settings: str | None = None
    memory: list[dict[str, Any]] = field(default_factory=list)  # sentences (from 1) whose English the memory gave

    def to_json(self) -> str:
        """One manifest line (valid UTF-8 JSON whatever the names)."""
        data = asdict(self)
        data["input"], raw = name_to_json(self.input)
        if raw is not None:
            data["input_bytes"] = raw
        outputs = [name_to_json(output) for output in self.outputs]
        data["outputs"] = [text for text, _ in outputs]
        if any(raw is not None for _, raw in outputs):
            data["outputs_bytes"] = [raw_name(output).hex() for output in self.outputs]
        for key in ("reason", "summary_error"):
            if data[key] is not None:
                data[key] = name_to_json(data[key])[0]
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> Record:
        """The record a manifest line holds; ValueError, TypeError or KeyError if it is not one."""
        data = json.loads(line)
        data["input"] = name_from_json(data["input"], data.pop("input_bytes", None))
        outputs = data.pop("outputs_bytes", None)
        if outputs:
            data["outputs"] = [name_from_json(text, raw) for text, raw in zip(data["outputs"], outputs, strict=True)]
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


@dataclass(frozen=True)
class Job:
    """An input file to translate and where its outputs go (plain data, safe to send to another process)."""

    relative: str  # the input's path under IN_DIR (POSIX separators)
    source: Path  # the input's path
    translation: str  # output paths under OUT_DIR (POSIX separators)
    summary: str
    review: str  # the per-sentence review: scores, flags and their details
    sha256: str | None = None  # the digest the driver read
    why: str | None = None  # why a file done before is redone: settings changed, the file changed
    problem: str | None = None  # set by the plan for a folder that could not be listed


@dataclass
class RunResult:
    """What a run did: one record per current input, in plan order, and the exit status."""

    records: list[Record]
    status: int  # 0 when nothing failed, else 1
    totals: Counter = field(default_factory=Counter)


class Manifest:
    """The JSON Lines manifest: appended to as files finish, compacted to one line per input.

    Lines are split on ``\\n`` only (names may hold U+2028, U+0085 or ``\\r``); a line cut short when a
    run was killed is ignored; the latest line for an input wins."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records: dict[str, Record] = {}
        for line in read_lines(path):
            try:
                record = Record.from_json(line)
            except (ValueError, TypeError, KeyError, AttributeError):
                log.warning("ignored a manifest line that is not a record: %.80s", line)
                continue
            self.records[record.input] = record

    def add(self, record: Record) -> None:
        """Record ``record`` durably (appended and synced before returning)."""
        append_line(self.path, record.to_json())
        self.records[record.input] = record

    def compact(self, inputs: list[str]) -> None:
        """Rewrite the manifest with the latest record of each current input, in order."""
        lines = [self.records[i].to_json() for i in inputs if i in self.records]
        text = "\n".join(lines) + "\n" if lines else ""
        write_files(self.path.parent, [(self.path.name, text.encode("utf-8"))])


def plan(in_dir: Path, out_dir: Path) -> list[Job]:
    """Every file and link under ``in_dir`` (``out_dir`` excluded, linked folders not entered) with its
    output paths under ``out_dir``; a folder that cannot be listed is a job with its ``problem``."""
    entries: list[Path] = []
    problems: dict[Path, str] = {}

    def unreadable(error: OSError) -> None:
        path = Path(error.filename)
        problems[path] = f"cannot read the folder: {error.strerror}"
        entries.append(path)

    for root, dirs, names in os.walk(in_dir, onerror=unreadable):
        here = Path(root)
        links = [d for d in dirs if (here / d).is_symlink()]
        dirs[:] = sorted(d for d in dirs if d not in links and here / d != out_dir)
        entries += [here / name for name in sorted(names + links)]
    stems = Counter((e.parent, e.stem) for e in entries)
    jobs = []
    for entry in entries:
        relative = entry.relative_to(in_dir)
        target = relative.parent
        summary_stem = entry.stem if stems[(entry.parent, entry.stem)] == 1 else entry.name
        suffix = output_type(entry.suffix)  # a PDF's is a .docx (a .txt and a .pdf beside it)
        english = f"{entry.stem}.en{entry.suffix}" if suffix == entry.suffix.lower() else f"{summary_stem}.en{suffix}"
        jobs.append(Job(relative.as_posix(), entry, (target / english).as_posix(),
                        (target / f"{summary_stem}.summary.json").as_posix(),
                        (target / f"{summary_stem}.review.json").as_posix(), problem=problems.get(entry)))
    return jobs


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def request_digest(translator: Any, summarizer: Any | None) -> str | None:
    """A digest of what a run is asked to make, known before any model loads: the project version, each
    model's settings (those in :data:`SPEED_ONLY` aside), name and revision, decoding and glossary. None
    for a translator without a run configuration. A re-run asked for the same over unchanged inputs that
    are all done has nothing to do, and :meth:`Run.execute` then loads no model."""
    parts = [translator] + ([summarizer] if summarizer is not None else [])
    if not all(isinstance(getattr(part, "config", None), RunConfig) for part in parts):
        return None
    models = [part.model_name for part in parts]
    if summarizer is not None and summarizer.strategy == "translate-back":
        models.append(resolve_model(summarizer.arabic_model, presets=ARABIC_MODEL_PRESETS))
    return digest({
        "khabar": VERSION,
        "settings": [{k: v for k, v in part.config.as_dict().items() if k not in SPEED_ONLY} for part in parts],
        "models": [[name, model_revision(name)] for name in models],
        "decoding": [asdict(part.generation) if is_dataclass(part.generation) else None for part in parts],
        "glossaries": [part.glossary.digest if part.glossary is not None else None for part in parts],
        "min_score": getattr(translator, "min_score", None),
    })


@dataclass(frozen=True)
class WorkerSpec:
    """What every worker of a run shares besides its models (plain data, safe to send to another process):
    the folders, the signature of the run, and the reading and batching limits."""

    in_dir: Path
    out_dir: Path
    made_by: dict[str, Any]
    text_field: str = "text"
    max_bytes: int = FILE_MAX_BYTES
    group_units: int = 64


class Worker:
    """Translates jobs and writes their outputs; returns one record per job and never reads or writes
    the manifest, so it can run in another process or on another machine."""

    def __init__(self, translator: Any, summarizer: Any | None, in_dir: Path, out_dir: Path, *,
                 made_by: dict[str, Any] | None = None, text_field: str = "text", max_bytes: int = FILE_MAX_BYTES,
                 group_units: int = 64) -> None:
        self.translator, self.summarizer = translator, summarizer
        self.in_dir, self.out_dir = in_dir, out_dir
        self.made_by = made_by if made_by is not None else signature(translator, summarizer)
        self.text_field, self.max_bytes, self.group_units = text_field, max_bytes, max(1, group_units)

    @classmethod
    def from_spec(cls, translator: Any, summarizer: Any | None, spec: WorkerSpec) -> Worker:
        """A worker with its own models and the run's shared settings."""
        return cls(translator, summarizer, spec.in_dir, spec.out_dir, made_by=spec.made_by,
                   text_field=spec.text_field, max_bytes=spec.max_bytes, group_units=spec.group_units)

    @property
    def spec(self) -> WorkerSpec:
        """What another worker of this run needs to work as this one does."""
        return WorkerSpec(self.in_dir, self.out_dir, self.made_by, self.text_field, self.max_bytes, self.group_units)

    def process(self, jobs: Iterable[Job]) -> list[Record]:
        """Translate ``jobs`` and write their outputs; one record per job, in order."""
        return list(self.records(jobs))

    def records(self, jobs: Iterable[Job]) -> Iterator[Record]:
        """Like :meth:`process`, yielding each record as soon as its outputs are written; the texts of
        several files are translated together, ``group_units`` at a time (see :meth:`batches`).

        Raises :class:`DiskFull` (after yielding the records of the files already written)."""
        for batch in self._batched(jobs):
            group = []
            for _, prepared in batch:
                if isinstance(prepared, Record):
                    yield prepared
                else:
                    group.append(prepared)
            if group:
                yield from self._translate_group(group)

    def batches(self, jobs: Iterable[Job]) -> Iterator[list[Job]]:
        """``jobs`` cut where :meth:`records` cuts them: a batch closes once its files hold ``group_units``
        texts; files that will not be translated (unreadable, empty, not Arabic) ride along without counting.
        Each file is read and parsed here to count its texts."""
        for batch in self._batched(jobs):
            yield [job for job, _ in batch]

    def _batched(self, jobs: Iterable[Job]) -> Iterator[list[tuple[Job, Record | tuple[Job, str, Parsed]]]]:
        """Each job with what reading it gave (a record for a file that will not be translated), in batches."""
        batch: list[tuple[Job, Record | tuple[Job, str, Parsed]]] = []
        units = 0
        for job in jobs:
            prepared = self._prepare(job)
            batch.append((job, prepared))
            if isinstance(prepared, Record):
                continue
            units += len(prepared[2].units)
            if units >= self.group_units:
                yield batch
                batch, units = [], 0
        if batch:
            yield batch

    def _record(self, job: Job, sha: str | None, status: str, reason: str | None) -> Record:
        return Record(job.relative, sha, status, reason, signature=self.made_by)

    def _prepare(self, job: Job) -> Record | tuple[Job, str, Parsed]:
        """Read and parse one input; a Record means it will not be translated."""
        if inside(self.in_dir, self.out_dir) and any(inside(self.out_dir / p, self.in_dir)
                                                     for p in (job.translation, job.summary, job.review)):
            return self._record(job, job.sha256, "failed", "its output would land inside IN_DIR, which sits "
                                "inside OUT_DIR")
        try:
            data = read_input(job.source, root=self.in_dir, max_bytes=self.max_bytes, exclude=self.out_dir)
        except InputProblem as problem:
            return self._record(job, None, problem.status, problem.reason)
        sha = sha256(data)
        if job.sha256 is not None and sha != job.sha256:
            job = dataclasses.replace(job, why=FILE_CHANGED)  # changed since the driver read it: this is what counts
        if not data.strip():
            return self._record(job, sha, "failed", "the file is empty")
        try:
            parsed = parse(job.source, data, text_field=self.text_field)
        except TranslateError as error:
            return self._record(job, sha, "failed", str(error))
        if not any(has_arabic(unit) for unit in parsed.units):
            return self._record(job, sha, "failed", "no Arabic text found in the file")
        return job, sha, parsed

    def _translate_group(self, group: list[tuple[Job, str, Parsed]]) -> Iterator[Record]:
        """Translate the units of several files in one batch, then write each file's outputs."""
        units = [unit for _, _, parsed in group for unit in parsed.units]
        self.translator.engine  # noqa: B018 - load the model here: a model that cannot load stops the run
        try:
            translations = iter(self.translator.translate_batch(units))
            results = [[next(translations) for _ in parsed.units] for _, _, parsed in group]
        except Exception as error:  # one bad file must not stop the others
            if len(group) > 1:  # find the file at fault: translate each on its own
                for item in group:
                    yield from self._translate_group([item])
                return
            job, sha, _ = group[0]
            yield self._record(job, sha, "failed", f"translation failed: {error}")
            return
        for (job, sha, parsed), translated in zip(group, results, strict=True):
            yield self._finish(job, sha, parsed, translated)

    def _finish(self, job: Job, sha: str, parsed: Parsed, translated: list) -> Record:
        """Write one file's translation and summary; a failure to write becomes the file's reason, except a
        full disk, which stops the run."""
        summary_error = None
        summary_flags: list[str] = []
        text, raw = name_to_json(job.relative)
        head = {"input": text, **({"input_bytes": raw} if raw else {})}
        try:
            english = [t.text for t in translated]
            outputs = [(job.translation, parsed.render(english))]
            outputs += [(Path(job.translation).with_suffix(kind).as_posix(), write(english))
                        for kind, write in parsed.also]
            outputs.append((job.review, review_document(head, parsed, translated, self.made_by)))
            if self.summarizer is not None:
                summaries = [self._summary(job, parsed, article, translated) for article in parsed.articles]
                summary_flags = sorted({f for s in summaries for f in s.get("flags", [])})
                errors = list(dict.fromkeys(s["error"] for s in summaries if "error" in s))
                summary_error = "; ".join(errors) or None
                body = summaries[0] if len(summaries) == 1 else {"articles": summaries}
                document = {**head, **body, "signature": self.made_by}
                outputs.append((job.summary, json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")))
            outputs = [(path, sign_output(path, data, self.made_by)) for path, data in outputs]  # .docx: signed
            write_files(self.out_dir, outputs)
        except DiskFull:
            raise
        except (TranslateError, OutputProblem, OSError) as error:
            return self._record(job, sha, "failed", f"could not write the outputs: {error}")
        flags = Counter(flag for t in translated for s in t.segments for flag in s.flags)
        return Record(job.relative, sha, "done", job.why, [path for path, _ in outputs],
                      sum(len(t.segments) for t in translated), dict(sorted(flags.items())), summary_flags,
                      summary_error, list(parsed.all_notes), self.made_by, memory=remembered(translated))

    def _summary(self, job: Job, parsed: Parsed, article: tuple[int, ...], translated: list) -> dict:
        """One article's summary, or ``{"error": reason}``: a failing summariser never loses the translation."""
        arabic = "\n\n".join(parsed.units[i] for i in article)
        english = "\n\n".join(translated[i].text for i in article)
        starts = [0]  # the review file numbers the sentences of all the file's units together, from 1
        for translation in translated:
            starts.append(starts[-1] + len(translation.segments))
        numbers = [starts[i] + k + 1 for i in article for k in range(len(translated[i].segments))]
        pairs = [(s.source, s.target) for i in article for s in translated[i].segments]
        try:
            summary = self.summarizer.summarize(arabic=arabic, english=english, sentences=pairs)
        except TranslateError as error:
            return {"error": str(error)}
        except Exception as error:  # any failure of the summary model stays with this file
            log.warning("the summariser failed on %s: %r", job.relative, error)
            log.debug("the summariser's failure on %s", job.relative, exc_info=True)
            return {"error": f"the summariser failed: {type(error).__name__}: {error}"}
        document = asdict(summary)
        for key in ("english_sentences", "arabic_sentences"):  # support as rows of the review file
            for sentence in document[key]:
                sentence["support"] = [numbers[i - 1] for i in sentence["support"]]
        return document


def remembered(translated: list) -> list[dict[str, Any]]:
    """The sentences of a file (numbered from 1, as in its review file) whose English came from the
    translation memory, each with its origin, editor and when."""
    segments = [segment for translation in translated for segment in translation.segments]
    return [{"sentence": number, **segment.memory} for number, segment in enumerate(segments, 1)
            if getattr(segment, "memory", None)]


def review_document(head: dict[str, Any], parsed: Parsed, translated: list, made_by: dict | None) -> bytes:
    """The per-file review JSON: every sentence with its confidence, flags and what each flag found,
    and the reader's notes."""
    from translate.checks import NOT_ARABIC, confidence

    sentences = [
        {"text": index, **dataclasses.asdict(segment), "confidence": confidence(segment.score)}
        for index, translation in enumerate(translated) for segment in translation.segments
    ]
    kept = [{"sentence": number, "text": s["text"], "paragraph": s["paragraph"] + 1, "why": s["details"][NOT_ARABIC]}
            for number, s in enumerate(sentences, start=1) if NOT_ARABIC in s["flags"]]
    document = {**head, "notes": list(parsed.all_notes), "sentences": sentences, "kept": kept, "signature": made_by}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


class Backend(Protocol):
    """Where workers run: takes the worker the driver built and the jobs (a lazy iterable), and yields
    one record per job as each is done."""

    def run(self, worker: Worker, jobs: Iterable[Job]) -> Iterator[Record]: ...


class LocalBackend:
    """One worker in this process, jobs in plan order (``--backend local``)."""

    def run(self, worker: Worker, jobs: Iterable[Job]) -> Iterator[Record]:
        return worker.records(jobs)


@dataclass
class Run:
    """One batch run over a folder: the driver (see the module docstring)."""

    in_dir: Path
    out_dir: Path
    translator: Any
    summarizer: Any | None
    force: bool = False
    text_field: str = "text"
    max_bytes: int = FILE_MAX_BYTES
    group_units: int = 64
    log: Any = field(default_factory=lambda: sys.stderr)
    backend: Backend = field(default_factory=LocalBackend)
    totals: Counter = field(default_factory=Counter)
    _request: str | None = field(default=None, init=False, repr=False)  # see request_digest

    def execute(self) -> RunResult:
        """Process every input under the lock on OUT_DIR; returns the records and the exit status.

        The models load only when some input needs them: a re-run asked for the same (:func:`request_digest`)
        over unchanged inputs that are all done reads the manifest and the inputs, and stops there.

        Raises :class:`FolderInUse` when another run holds OUT_DIR, :class:`DiskFull` when the disk
        fills up (the manifest then holds what was done), :class:`TranslateError` for an OUT_DIR that
        cannot be made, a model that cannot load or a manifest that cannot be written."""
        in_dir, out_dir = Path(self.in_dir).resolve(), Path(self.out_dir).resolve()
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise TranslateError(f"cannot create OUT_DIR {out_dir}: {error.strerror}") from None
        with FolderLock(out_dir):
            return self._execute(in_dir, out_dir)

    def _execute(self, in_dir: Path, out_dir: Path) -> RunResult:
        remove_stale_temporaries(out_dir, exclude=[in_dir])
        manifest = Manifest(out_dir / MANIFEST)
        jobs = plan(in_dir, out_dir)
        started = time.monotonic()
        progress = Progress(len(jobs), self.log)
        self._request = request_digest(self.translator, self.summarizer)
        settled = self._settled(jobs, manifest, in_dir, out_dir)
        if settled is not None:  # no input needs a model: none is loaded
            for job, decided in settled:
                self._settle(job, decided, manifest, out_dir, progress)
        else:
            made_by = signature(self.translator, self.summarizer)  # CTranslate2's engines load (and check) here
            notices = (getattr(part, "compute_notice", None) for part in (self.translator, self.summarizer))
            for notice in dict.fromkeys(filter(None, notices)):
                print(f"warning: {notice}", file=self.log)
            worker = Worker(self.translator, self.summarizer, in_dir, out_dir, made_by=made_by,
                            text_field=self.text_field, max_bytes=self.max_bytes, group_units=self.group_units)
            work = self._work(jobs, manifest, made_by, in_dir, out_dir, progress)
            for record in self.backend.run(worker, work):
                self._keep(record, manifest, out_dir, progress)
            if getattr(self.translator, "memory_notice", None):  # the memory failed mid-run: said once
                print(f"warning: {self.translator.memory_notice}", file=self.log)
        inputs = [job.relative for job in jobs]
        manifest.compact(inputs)
        progress.close()
        self._report(time.monotonic() - started, out_dir)
        records = [manifest.records[i] for i in inputs if i in manifest.records]
        return RunResult(records, 1 if self.totals["failed"] else 0, self.totals)

    def _settled(self, jobs: list[Job], manifest: Manifest, in_dir: Path, out_dir: Path
                 ) -> list[tuple[Job, Record | None]] | None:
        """What becomes of every input when none needs a model (each done before, unchanged and asked for
        the same, or a file that is not translated); None as soon as one needs a model."""
        request = self._request
        if request is None:
            return None
        settled: list[tuple[Job, Record | None]] = []
        for job in jobs:
            decided = self._decide(job, manifest, lambda previous: previous.settings == request, in_dir, out_dir)
            if isinstance(decided, Job):
                return None
            settled.append((job, decided))
        return settled

    def _work(self, jobs: list[Job], manifest: Manifest, made_by: dict, in_dir: Path, out_dir: Path,
              progress: Progress) -> Iterator[Job]:
        """The jobs a worker must do; the others are recorded here (bad files) or counted (unchanged)."""
        current = digest(made_by)

        def same(previous: Record) -> bool:
            return previous.signature is not None and digest(previous.signature) == current

        for job in jobs:
            decided = self._decide(job, manifest, same, in_dir, out_dir)
            if isinstance(decided, Job):
                yield decided
            else:
                self._settle(job, decided, manifest, out_dir, progress)

    def _settle(self, job: Job, decided: Record | None, manifest: Manifest, out_dir: Path, progress: Progress
                ) -> None:
        """Record a file that is not translated, or count one done and unchanged (``decided`` None)."""
        if decided is None:  # counted as done, as its record says
            self.totals["unchanged"] += 1
            self._count(manifest.records[job.relative], progress, translated=False)
        else:
            self._keep(decided, manifest, out_dir, progress)

    def _decide(self, job: Job, manifest: Manifest, same: Callable[[Record], bool], in_dir: Path, out_dir: Path
                ) -> Job | Record | None:
        """A job to do, a record for a file that is not translated, or None for a file done, unchanged and
        made with the same settings (``same`` compares its record with this run's)."""
        if job.problem:
            return Record(job.relative, None, "failed", job.problem)
        supported = Path(job.relative).suffix.lower() in INPUT_TYPES
        if not supported and not job.source.is_symlink():
            return Record(job.relative, None, "skipped", f"unsupported file type '{job.source.suffix or 'none'}'")
        try:
            data = read_input(job.source, root=in_dir, max_bytes=self.max_bytes, exclude=out_dir)
        except InputProblem as problem:
            return Record(job.relative, None, problem.status, problem.reason)
        if not supported:
            return Record(job.relative, None, "skipped", f"unsupported file type '{job.source.suffix or 'none'}'")
        sha = sha256(data)
        why = None
        previous = manifest.records.get(job.relative)
        if previous is not None and previous.status == "done":
            same_file = previous.sha256 == sha
            same_settings = same(previous)
            written = all(is_output(out_dir, output) for output in previous.outputs)
            if same_file and same_settings and written and not self.force:
                return None
            why = FILE_CHANGED if not same_file else SETTINGS_CHANGED if not same_settings else None
        if not data.strip():
            return Record(job.relative, sha, "failed", "the file is empty")
        return dataclasses.replace(job, sha256=sha, why=why)

    def _keep(self, record: Record, manifest: Manifest, out_dir: Path, progress: Progress) -> None:
        """Append ``record`` to the manifest, remove outputs of an earlier record it no longer has, count it."""
        previous = manifest.records.get(record.input)
        if record.status == "done" and self._request is not None:
            record = dataclasses.replace(record, settings=self._request)
        manifest.add(record)
        if previous is not None and record.status == "done":
            for old in set(previous.outputs) - set(record.outputs):
                if remove_file(out_dir, old):
                    log.info("removed %s: the new settings do not make it", old)
        self._count(record, progress)

    def _count(self, record: Record, progress: Progress, *, translated: bool = True) -> None:
        self.totals[record.status] += 1
        self.totals["flagged"] += sum(record.flags.values())
        self.totals["kept"] += record.flags.get("not_arabic", 0)
        sentences = record.segments if translated else 0
        self.totals["segments"] += sentences
        progress.files_done(1, sentences)

    def _report(self, seconds: float, out_dir: Path) -> None:
        t = self.totals
        rate = t["segments"] / seconds if seconds > 0 else 0.0
        print(f"done {t['done']} (unchanged {t['unchanged']}), failed {t['failed']}, skipped {t['skipped']}; "
              f"{t['segments']} sentences translated in {seconds:.1f}s ({rate:.1f}/s); "
              f"{t['flagged']} flags raised"
              + (f" ({t['kept']} sentences not Arabic, kept as written)" if t["kept"] else "")
              + f". Manifest: {out_dir / MANIFEST}", file=self.log)


class Progress:
    """A tqdm bar on a terminal, plain log lines every 10 seconds otherwise."""

    def __init__(self, total: int, log) -> None:
        self.total, self.log, self.files, self.sentences = total, log, 0, 0
        self.started = self.last = time.monotonic()
        self.bar = None
        if getattr(log, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", file=log)

    def files_done(self, files: int, sentences: int = 0) -> None:
        self.files += files
        self.sentences += sentences
        if self.bar is not None:
            self.bar.update(files)
            self.bar.set_postfix(sentences=self.sentences)
        elif time.monotonic() - self.last >= 10:
            self.last = time.monotonic()
            elapsed = self.last - self.started
            eta = elapsed / self.files * (self.total - self.files) if self.files else 0
            print(f"{self.files}/{self.total} files, {self.sentences} sentences, "
                  f"{self.sentences / elapsed:.1f} sentences/s, about {eta:.0f}s left", file=self.log, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
