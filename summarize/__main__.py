"""Command line: ``python -m summarize ARTICLE`` translates, then prints both summaries."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from summarize.summarizer import Summarizer
from summarize.support import flagged_lines
from translate.articles import read_article
from translate.config import add_arguments, config_from_parser, signature
from translate.errors import TranslateError
from translate.translator import Translator


def build_parser() -> argparse.ArgumentParser:
    """The command's arguments: the input, the output form, and the run configuration."""
    parser = argparse.ArgumentParser(prog="python -m summarize",
                                     description="Summarise an Arabic news article in English and Arabic.")
    parser.add_argument("input", help="a text file, or - to read standard input")
    parser.add_argument("--json", action="store_true", help="print both summaries, flags and coverage as JSON")
    add_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code (0 ok, 1 error, 2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    config = config_from_parser(parser, args)
    if not config.summary:
        parser.error("--no-summary makes no sense here: use python -m translate")
    try:
        arabic = read_article(args.input, config)
        translator = Translator.from_config(config)
        translation = translator.translate(arabic)
        english = translation.text
        summarizer = Summarizer.from_config(config)
        summary = summarizer.summarize(arabic=arabic, english=english,
                                       sentences=[(s.source, s.target) for s in translation.segments])
        made_by = signature(translator, summarizer)
        for notice in dict.fromkeys(filter(None, (translator.compute_notice, summarizer.compute_notice))):
            print(f"warning: {notice}", file=sys.stderr)
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({**asdict(summary), "translation": english, "signature": made_by},
                         ensure_ascii=False, indent=2))
    else:
        print(f"English: {summary.english}\nArabic: {summary.arabic}")
        if summary.flags:
            print(f"Flags: {', '.join(summary.flags)}")
        for line in flagged_lines(asdict(summary)):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
