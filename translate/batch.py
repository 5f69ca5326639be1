"""Folders: translate (and summarise) every article under IN_DIR into OUT_DIR, losing nothing.

``python -m translate.batch IN_DIR OUT_DIR`` — outputs mirror the input tree; a manifest
(``OUT_DIR/manifest.jsonl``) records every input's hash, status, reason, outputs and flag counts;
a re-run skips what is done and unchanged and retries the rest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from translate.config import FILE_MAX_BYTES, add_arguments, config_from_parser
from translate.errors import TranslateError
from translate.formats import SUPPORTED, Parsed, parse
from translate.text import has_arabic

MANIFEST = "manifest.jsonl"
TEMP_MARK = ".khabar-tmp"


@dataclass
class Record:
    """What happened to one input file (one manifest line)."""

    input: str
    sha256: str | None
    status: str  # done, failed or skipped
    reason: str | None = None
    outputs: list[str] = field(default_factory=list)
    segments: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    summary_flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Job:
    """An input file and where its outputs go."""

    path: Path
    relative: str
    translation: Path
    summary: Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_MARK, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Manifest:
    """The JSON Lines manifest: appended to as files finish, compacted to one line per input."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records: dict[str, Record] = {}
        if path.exists():
            for line in path.read_text("utf-8", errors="replace").splitlines():
                try:
                    record = Record(**json.loads(line))
                except (json.JSONDecodeError, TypeError):
                    continue  # a line cut short when a run was killed
                self.records[record.input] = record

    def add(self, record: Record) -> None:
        """Record ``record`` durably (appended and synced before returning)."""
        self.records[record.input] = record
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def compact(self, inputs: list[str]) -> None:
        """Rewrite the manifest with the latest record of each current input, in order."""
        lines = [json.dumps(asdict(self.records[i]), ensure_ascii=False) for i in inputs if i in self.records]
        write_atomically(self.path, ("\n".join(lines) + "\n").encode("utf-8") if lines else b"")


def plan(in_dir: Path, out_dir: Path) -> list[Job]:
    """Every file under ``in_dir`` (``out_dir`` excluded, links not followed) with its output paths."""
    files = []
    for root, dirs, names in os.walk(in_dir):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() != out_dir)
        files += [here / name for name in sorted(names)]
    stems = Counter((f.parent, f.stem) for f in files)
    jobs = []
    for file in files:
        relative = file.relative_to(in_dir)
        target = out_dir / relative.parent
        summary_stem = file.stem if stems[(file.parent, file.stem)] == 1 else file.name
        jobs.append(Job(file, relative.as_posix(), target / f"{file.stem}.en{file.suffix}",
                        target / f"{summary_stem}.summary.json"))
    return jobs


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Run:
    """One batch run over a folder."""

    in_dir: Path
    out_dir: Path
    translator: object
    summarizer: object | None
    force: bool = False
    text_field: str = "text"
    max_bytes: int = FILE_MAX_BYTES
    group_units: int = 64
    log: object = field(default_factory=lambda: sys.stderr)
    totals: Counter = field(default_factory=Counter)

    def execute(self) -> int:
        """Process every input; returns 0 when nothing failed, else 1."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.out_dir.rglob(f"*{TEMP_MARK}"):
            stale.unlink()  # left by a run that was killed mid-write
        manifest = Manifest(self.out_dir / MANIFEST)
        jobs = plan(self.in_dir, self.out_dir)
        started = time.monotonic()
        progress = Progress(len(jobs), self.log)
        pending: list[tuple[Job, str, Parsed]] = []
        for job in jobs:
            record, parsed = self._prepare(job, manifest)
            if parsed is None:
                if record is not None:
                    manifest.add(record)
                self._count(manifest.records[job.relative])
                progress.files_done(1)
                continue
            pending.append((job, record.sha256, parsed))
            if sum(len(p.units) for _, _, p in pending) >= self.group_units:
                self._translate_group(pending, manifest, progress)
                pending = []
        if pending:
            self._translate_group(pending, manifest, progress)
        manifest.compact([job.relative for job in jobs])
        progress.close()
        self._report(time.monotonic() - started)
        return 1 if self.totals["failed"] else 0

    def _prepare(self, job: Job, manifest: Manifest) -> tuple[Record | None, Parsed | None]:
        """Read and parse one input; a Record alone means it needs no translation."""
        if job.path.suffix.lower() not in SUPPORTED:
            return Record(job.relative, None, "skipped", f"unsupported file type '{job.path.suffix or 'none'}'"), None
        try:
            size = job.path.stat().st_size
            if size > self.max_bytes:
                reason = f"file is larger than the {self.max_bytes:,}-byte limit"
                return Record(job.relative, None, "failed", reason), None
            data = job.path.read_bytes()
        except OSError as error:
            return Record(job.relative, None, "failed", f"cannot read the file: {error.strerror}"), None
        digest = sha256(data)
        previous = manifest.records.get(job.relative)
        if (not self.force and previous and previous.status == "done" and previous.sha256 == digest
                and all((self.out_dir / output).exists() for output in previous.outputs)):
            self.totals["unchanged"] += 1
            return None, None
        if not data.strip():
            return Record(job.relative, digest, "failed", "the file is empty"), None
        try:
            parsed = parse(job.path, data, text_field=self.text_field)
        except TranslateError as error:
            return Record(job.relative, digest, "failed", str(error)), None
        if not any(has_arabic(unit) for unit in parsed.units):
            return Record(job.relative, digest, "failed", "no Arabic text found in the file"), None
        return Record(job.relative, digest, "pending"), parsed

    def _translate_group(self, group: list[tuple[Job, str, Parsed]], manifest: Manifest, progress) -> None:
        """Translate the units of several files in one batch, then write each file's outputs."""
        units = [unit for _, _, parsed in group for unit in parsed.units]
        self.translator.engine  # noqa: B018 - load the model here: a model that cannot load stops the run
        try:
            translations = iter(self.translator.translate_batch(units))
            results = [[next(translations) for _ in parsed.units] for _, _, parsed in group]
        except Exception as error:  # one bad file must not stop the others
            if len(group) > 1:  # find the file at fault: translate each on its own
                for item in group:
                    self._translate_group([item], manifest, progress)
                return
            job, digest, _ = group[0]
            record = Record(job.relative, digest, "failed", f"translation failed: {error}")
            manifest.add(record)
            self._count(record)
            progress.files_done(1)
            return
        for (job, digest, parsed), translated in zip(group, results, strict=True):
            record = self._finish(job, digest, parsed, translated)
            manifest.add(record)
            self._count(record)
            self.totals["segments"] += record.segments
            progress.files_done(1, record.segments)

    def _finish(self, job: Job, digest: str, parsed: Parsed, translated: list) -> Record:
        """Write one file's translation and summary; any failure becomes the file's reason."""
        try:
            write_atomically(job.translation, parsed.render([t.text for t in translated]))
            outputs = [job.translation]
            summary_flags: list[str] = []
            if self.summarizer is not None:
                summaries = [self._summary(parsed, article, translated) for article in parsed.articles]
                summary_flags = sorted({f for s in summaries for f in s.get("flags", [])})
                body = summaries[0] if len(summaries) == 1 else {"articles": summaries}
                write_atomically(job.summary, json.dumps({"input": job.relative, **body}, ensure_ascii=False,
                                                         indent=2).encode("utf-8"))
                outputs.append(job.summary)
        except (TranslateError, OSError) as error:
            return Record(job.relative, digest, "failed", f"could not write the outputs: {error}")
        flags = Counter(flag for t in translated for s in t.segments for flag in s.flags)
        return Record(job.relative, digest, "done", None, [o.relative_to(self.out_dir).as_posix() for o in outputs],
                      sum(len(t.segments) for t in translated), dict(sorted(flags.items())), summary_flags)

    def _summary(self, parsed: Parsed, article: tuple[int, ...], translated: list) -> dict:
        arabic = "\n\n".join(parsed.units[i] for i in article)
        english = "\n\n".join(translated[i].text for i in article)
        try:
            summary = self.summarizer.summarize(arabic=arabic, english=english)
        except TranslateError as error:
            return {"error": str(error)}
        return asdict(summary)

    def _count(self, record: Record) -> None:
        self.totals[record.status] += 1
        self.totals["flagged"] += sum(record.flags.values())

    def _report(self, seconds: float) -> None:
        t = self.totals
        rate = t["segments"] / seconds if seconds > 0 else 0.0
        print(f"done {t['done']} (unchanged {t['unchanged']}), failed {t['failed']}, skipped {t['skipped']}; "
              f"{t['segments']} sentences translated in {seconds:.1f}s ({rate:.1f}/s); "
              f"{t['flagged']} flags raised. Manifest: {self.out_dir / MANIFEST}", file=self.log)


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m translate.batch",
                                     description="Translate and summarise every article in a folder.")
    parser.add_argument("in_dir", help="folder of Arabic articles (.txt .md .html .htm .docx .jsonl)")
    parser.add_argument("out_dir", help="folder for the translations, summaries and manifest.jsonl")
    add_arguments(parser)
    parser.add_argument("--force", action="store_true", help="redo every file, even those already done")
    parser.add_argument("--jobs", type=int, help="CPU threads the models may use (default: all cores)")
    parser.add_argument("--text-field", default="text", help="the field holding the article in .jsonl files")
    parser.add_argument("--max-bytes", type=int, default=FILE_MAX_BYTES, help="larger files fail (default 10 MB)")
    parser.add_argument("--group-size", type=int, default=64, help="texts translated together per batch (default 64)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the batch job: 0 all done, 1 some failed, 2 usage error."""
    parser = build_parser()
    args = parser.parse_args(argv)
    in_dir, out_dir = (Path(p).expanduser().resolve() for p in (args.in_dir, args.out_dir))
    if not in_dir.is_dir():
        parser.error(f"IN_DIR '{args.in_dir}' is not a folder")
    if out_dir == in_dir:
        parser.error("OUT_DIR must differ from IN_DIR")
    if out_dir.exists() and not out_dir.is_dir():
        parser.error(f"OUT_DIR '{args.out_dir}' exists and is not a folder")
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be 1 or more")
    if args.jobs:
        args.threads = args.jobs
    config = config_from_parser(parser, args)
    try:
        from summarize import Summarizer
        from translate.translator import Translator

        translator = Translator.from_config(config)
        summarizer = Summarizer.from_config(config) if config.summary else None
        return Run(in_dir, out_dir, translator, summarizer, force=args.force, text_field=args.text_field,
                   max_bytes=args.max_bytes, group_units=max(1, args.group_size)).execute()
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
