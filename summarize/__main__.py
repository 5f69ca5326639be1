"""Command line: ``python -m summarize ARTICLE`` translates, then prints both summaries."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from summarize.summarizer import LONG_INPUT, PRESETS, STRATEGIES, Generation, Summarizer
from translate.__main__ import MAX_CHARS, read_input
from translate.errors import TranslateError
from translate.text import check_article
from translate.translator import Translator


def build_parser() -> argparse.ArgumentParser:
    """The command's arguments."""
    parser = argparse.ArgumentParser(prog="python -m summarize",
                                     description="Summarise an Arabic news article in English and Arabic.")
    parser.add_argument("input", help="a text file, or - to read standard input")
    parser.add_argument("--json", action="store_true", help="print both summaries, flags and coverage as JSON")
    parser.add_argument("--model", help=f"summary model: preset ({', '.join(PRESETS)}), hub id or folder "
                        "[KHABAR_SUMMARY_MODEL]")
    parser.add_argument("--strategy", choices=STRATEGIES, help="native (default) or translate-back "
                        "[KHABAR_SUMMARY_STRATEGY]")
    parser.add_argument("--translation-model", help="ar→en model for the article [KHABAR_MODEL]")
    parser.add_argument("--arabic-model", help="en→ar model for translate-back [KHABAR_ARABIC_MODEL]")
    parser.add_argument("--max-tokens", type=int, default=84, help="longest summary, in tokens (default 84)")
    parser.add_argument("--sentences", type=int, default=3, help="most sentences per summary (default 3)")
    parser.add_argument("--beams", type=int, default=4, help="beam size for summaries (default 4)")
    parser.add_argument("--long-input", choices=LONG_INPUT, default="lead",
                        help="article longer than the model's window: summarise its lead, or chunks then "
                        "their summaries (default lead)")
    parser.add_argument("--device", help="auto, cpu, cuda or mps [KHABAR_DEVICE]")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code (0 ok, 1 error, 2 usage)."""
    args = build_parser().parse_args(argv)
    if args.max_tokens < 8 or args.sentences < 1:
        build_parser().error("--max-tokens must be at least 8 and --sentences at least 1")
    try:
        arabic = check_article(read_input(args.input), max_chars=MAX_CHARS)
        english = Translator(args.translation_model, device=args.device).translate(arabic).text
        summarizer = Summarizer(
            args.model, strategy=args.strategy, arabic_model=args.arabic_model, device=args.device,
            generation=Generation(max_new_tokens=args.max_tokens, beams=args.beams, max_sentences=args.sentences),
            long_input=args.long_input,
        )
        summary = summarizer.summarize(arabic=arabic, english=english)
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({**asdict(summary), "translation": english}, ensure_ascii=False, indent=2))
    else:
        print(f"English: {summary.english}\nArabic: {summary.arabic}")
        if summary.flags:
            print(f"Flags: {', '.join(summary.flags)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
