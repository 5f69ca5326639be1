"""Command line: ``python -m translate ARTICLE`` prints the English translation."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from translate.config import CLI_MAX_CHARS, FILE_MAX_BYTES, RunConfig, add_arguments, config_from_parser, signature
from translate.encodings import decode
from translate.errors import TranslateError
from translate.files import read_named_file, read_standard_input
from translate.progress import terminal_progress
from translate.text import check_article
from translate.translator import Translation, Translator


def build_parser() -> argparse.ArgumentParser:
    """The command's arguments: the input, the output form, and the run configuration."""
    parser = argparse.ArgumentParser(
        prog="python -m translate", description="Translate an Arabic news article into English."
    )
    parser.add_argument("input", help="a text file, or - to read standard input")
    parser.add_argument("--json", action="store_true", help="print the document with every segment, score and flag")
    add_arguments(parser, summary=False)
    return parser


def read_input(source: str) -> str:
    """The text of a file, or of standard input for ``-`` (with the same byte limit)."""
    if source == "-":
        return decode(read_standard_input(max_bytes=FILE_MAX_BYTES), name="Standard input")
    data = read_named_file(Path(source), what="file", max_bytes=FILE_MAX_BYTES,
                           folder_hint=" Use python -m translate.batch for folders.")
    return decode(data, name=f"'{source}'")


def read_article(source: str, config: RunConfig) -> str:
    """The normalised article from a file or standard input, checked as every front end checks it."""
    return check_article(read_input(source), max_chars=CLI_MAX_CHARS, strip_diacritics=not config.keep_diacritics)


def as_json(translation: Translation, translator: Translator) -> str:
    """The translation as a JSON document, with the signature of what made it."""
    return json.dumps(
        {"text": translation.text, "segments": [asdict(s) for s in translation.segments],
         "signature": signature(translator)},
        ensure_ascii=False, indent=2,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code (0 ok, 1 error, 2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    config = config_from_parser(parser, args)
    try:
        text = read_article(args.input, config)
        translator = Translator.from_config(config)
        translation = translator.translate(text, progress=terminal_progress("Translating", "sentence"))
        print(as_json(translation, translator) if args.json else translation.text)
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
