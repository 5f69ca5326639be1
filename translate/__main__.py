"""Command line: ``python -m translate ARTICLE`` prints the English translation."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from translate.encodings import decode
from translate.errors import TranslateError
from translate.models import PRESETS
from translate.text import check_article
from translate.translator import ENGINES, Translation, Translator

MAX_CHARS = 1_000_000


def build_parser() -> argparse.ArgumentParser:
    """The command's arguments; each maps straight onto a Translator setting."""
    parser = argparse.ArgumentParser(
        prog="python -m translate", description="Translate an Arabic news article into English."
    )
    parser.add_argument("input", help="a text file, or - to read standard input")
    parser.add_argument("--json", action="store_true", help="print the document with every segment, score and flag")
    add_model_arguments(parser)
    return parser


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """The model options shared by every command of the project."""
    parser.add_argument("--model", help=f"preset ({', '.join(PRESETS)}), hub id or local folder [KHABAR_MODEL]")
    parser.add_argument("--device", help="auto, cpu, cuda or mps [KHABAR_DEVICE, default auto]")
    parser.add_argument("--engine", choices=ENGINES, help="generation engine [KHABAR_ENGINE, default transformers]")
    parser.add_argument("--beams", type=int, help="beam size, 1 for greedy [KHABAR_BEAMS, default 4]")
    parser.add_argument("--threads", type=int, help="CPU threads [KHABAR_THREADS]")
    parser.add_argument("--keep-diacritics", action="store_true", help="do not strip Arabic diacritics")


def translator_from(args: argparse.Namespace) -> Translator:
    """A Translator configured from parsed command-line arguments."""
    return Translator(args.model, device=args.device, engine=args.engine, beams=args.beams,
                      threads=args.threads, strip_diacritics=not args.keep_diacritics)


def read_input(source: str) -> str:
    """The text of a file, or of standard input for ``-``."""
    if source == "-":
        return decode(sys.stdin.buffer.read(), name="Standard input")
    path = Path(source)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TranslateError(f"There is no file '{source}'.") from None
    except IsADirectoryError:
        raise TranslateError(f"'{source}' is a folder; use python -m translate.batch for folders.") from None
    except OSError as error:
        raise TranslateError(f"Cannot read '{source}': {error.strerror}.") from None
    return decode(data, name=f"'{source}'")


def progress_bar(total_hint: str):
    """A tqdm progress callback when stderr is a terminal, else None."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(desc=total_hint, unit="sentence", file=sys.stderr, leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def as_json(translation: Translation) -> str:
    """The translation as a JSON document."""
    return json.dumps(
        {"text": translation.text, "segments": [asdict(s) for s in translation.segments]},
        ensure_ascii=False, indent=2,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code (0 ok, 1 error, 2 usage)."""
    args = build_parser().parse_args(argv)
    try:
        text = check_article(read_input(args.input), max_chars=MAX_CHARS)
        translation = translator_from(args).translate(text, progress=progress_bar("Translating"))
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(as_json(translation) if args.json else translation.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
