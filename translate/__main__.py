"""Command line: ``python -m translate ARTICLE`` prints the English translation."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from translate.articles import read_article
from translate.checks import kept_note, kept_paragraphs
from translate.config import add_arguments, config_from_parser, signature
from translate.errors import TranslateError
from translate.progress import terminal_progress
from translate.recall import open_run_memory
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


def as_json(translation: Translation, translator: Translator) -> str:
    """The translation as a JSON document, with the signature of what made it and the paragraphs kept as
    written (1-based number → language; not Arabic, so not translated)."""
    return json.dumps(
        {"text": translation.text, "segments": [asdict(s) for s in translation.segments],
         "kept": {str(n): language for n, language in kept_paragraphs(translation.segments).items()},
         "signature": signature(translator)},
        ensure_ascii=False, indent=2,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code (0 ok, 1 error, 2 usage or a translation memory that cannot
    be opened)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    config = config_from_parser(parser, args)
    try:
        memory = open_run_memory(config)
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        text = read_article(args.input, config)
        translator = Translator.from_config(config, memory=memory)
        translation = translator.translate(text, progress=terminal_progress("Translating", "sentence"))
        print(as_json(translation, translator) if args.json else translation.text)
        for notice in (translator.compute_notice, translator.memory_notice):
            if notice:
                print(f"warning: {notice}", file=sys.stderr)
        if kept := kept_note(translation.segments):
            print(f"note: {kept}", file=sys.stderr)
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if memory is not None:
            memory.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
