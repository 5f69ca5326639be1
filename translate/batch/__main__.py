"""``python -m translate.batch IN_DIR OUT_DIR``: the batch job's command line, a thin front end over
:mod:`jobs.batch` (the driver and the worker) and :mod:`jobs.backends` (where the workers run)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jobs.backends import BackendSetting, open_backend
from jobs.backends import add_arguments as add_backend_arguments
from jobs.batch import Run
from summarize import Summarizer
from translate.config import FILE_MAX_BYTES, INPUT_TYPES, add_arguments, add_memory_writing, config_from_parser
from translate.errors import TranslateError
from translate.files import FolderInUse, FolderLock
from translate.recall import open_run_memory
from translate.translator import Translator


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m translate.batch",
                                     description="Translate and summarise every article in a folder.")
    parser.add_argument("in_dir", help=f"folder of Arabic articles ({' '.join(INPUT_TYPES)})")
    parser.add_argument("out_dir", help="folder for the translations, summaries and manifest.jsonl")
    add_arguments(parser)
    parser.add_argument("--force", action="store_true", help="redo every file, even those already done")
    parser.add_argument("--jobs", type=int, help=argparse.SUPPRESS)  # the old name of --threads, still accepted
    parser.add_argument("--text-field", default="text", help="the field holding the article in .jsonl files")
    parser.add_argument("--max-bytes", type=int, default=FILE_MAX_BYTES,
                        help=f"larger files fail (default {FILE_MAX_BYTES:,})")
    parser.add_argument("--group-size", type=int, default=64, help="texts translated together per batch (default 64)")
    add_memory_writing(parser)
    add_backend_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the batch job: 0 all done, 1 some failed (or the disk is full), 2 usage error, OUT_DIR in use or
    not creatable, or a translation memory that cannot be opened (all said before any model loads)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    in_dir, out_dir = (Path(p).expanduser().resolve() for p in (args.in_dir, args.out_dir))
    if not in_dir.is_dir():
        parser.error(f"IN_DIR '{args.in_dir}' is not a folder")
    if out_dir == in_dir:
        parser.error("OUT_DIR must differ from IN_DIR")
    if out_dir.exists() and not out_dir.is_dir():
        parser.error(f"OUT_DIR '{args.out_dir}' exists and is not a folder")
    if args.max_bytes < 1:
        parser.error("--max-bytes must be 1 or more")
    if args.jobs is not None:
        if args.jobs < 1:
            parser.error("--jobs (now --threads) must be 1 or more")
        args.threads = args.threads or args.jobs
    config = config_from_parser(parser, args)
    try:
        memory = open_run_memory(config)
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2  # before OUT_DIR is made
    made = not out_dir.exists()  # a run that stops before any work leaves no folder it made
    try:  # OUT_DIR made and free, checked before any model or backend starts (the run takes its lock again)
        out_dir.mkdir(parents=True, exist_ok=True)
        FolderLock(out_dir).acquire().release()
    except OSError as error:
        print(f"error: cannot create OUT_DIR {out_dir}: {error.strerror}", file=sys.stderr)
        return 2
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        return _run(args, config, in_dir, out_dir, memory)
    finally:
        if memory is not None:
            memory.close()
        if made:
            _remove_if_unused(out_dir)


def _remove_if_unused(out_dir: Path) -> None:
    """Remove ``out_dir`` when it holds nothing but the run's lock files (the run stopped before any work)."""
    entries = list(out_dir.iterdir()) if out_dir.is_dir() else []
    if all(entry.name.startswith(".khabar") and entry.name.endswith(".lock") and entry.is_file()
           for entry in entries):
        for entry in entries:
            entry.unlink(missing_ok=True)
        out_dir.rmdir()


def _run(args, config, in_dir: Path, out_dir: Path, memory=None) -> int:
    """Start the backend, build the models and run; each failure is one line and its exit code."""
    try:
        with open_backend(args, config) as backend:  # Ray: started or connected, checked, shut down at the end
            translator = Translator.from_config(config, memory=memory)
            summarizer = Summarizer.from_config(config) if config.summary else None
            run = Run(in_dir, out_dir, translator, summarizer, force=args.force, text_field=args.text_field,
                      max_bytes=args.max_bytes, group_units=max(1, args.group_size), backend=backend)
            return run.execute().status
    except KeyboardInterrupt:
        print("error: interrupted; the manifest keeps what was done, run again to resume", file=sys.stderr)
        return 130
    except (FolderInUse, BackendSetting) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
