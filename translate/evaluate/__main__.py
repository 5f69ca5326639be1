"""``python -m translate.evaluate SOURCES REFERENCES``: the evaluation's command line, a thin front end over
:mod:`jobs.evaluate` (reading, translating, scoring) and :mod:`jobs.report` (the text summary and HTML report)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from jobs import report
from jobs.evaluate import evaluate, read_inputs
from translate.config import add_arguments, config_from_parser
from translate.errors import TranslateError
from translate.progress import Progress, terminal_progress


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m translate.evaluate",
        description="Score translations of your own articles against human references (sacrebleu BLEU, "
                    "chrF++, TER), measure how well the flags find bad sentences, and compare models.",
        epilog="Give --model several times to compare models; the other options apply to each.")
    parser.add_argument("sources", help="folder of Arabic articles (.txt .md .html .htm .docx .jsonl), or one "
                        "file of sentence pairs: .tsv (Arabic<TAB>English) or .jsonl ({source, reference})")
    parser.add_argument("references", nargs="?", help="folder of English references, the same tree as SOURCES "
                        "(omit it with a pairs file)")
    parser.add_argument("--report", help="write a self-contained HTML report to this file")
    parser.add_argument("--json", help="write every figure to this JSON file")
    parser.add_argument("--text-field", default="text", help="the field holding the article in .jsonl files")
    add_arguments(parser, summary=False, several_models=True)
    return parser


def models_given(argv: Sequence[str]) -> list[str]:
    """Every ``--model`` value in ``argv``, in order and without repeats."""
    every = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    every.add_argument("--model", action="append", default=[])
    given, _ = every.parse_known_args(list(argv))
    return list(dict.fromkeys(given.model))


def progress_bar(total_models: int) -> Progress | None:
    """A bar on stderr when it is a terminal, counting articles over every model."""
    return terminal_progress(f"Translating ({total_models} model{'s' * (total_models > 1)})", "article", leave=True)


def write(path: str, text: str) -> None:
    try:
        Path(path).expanduser().write_text(text, encoding="utf-8")
    except OSError as error:
        raise TranslateError(f"Cannot write '{path}': {error.strerror}.") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (0 ok, 1 error, 2 usage)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    config = config_from_parser(parser, args)
    models = models_given(argv) or [config.model]
    configs = [config.replace(model=m) for m in models]
    try:
        references = Path(args.references).expanduser() if args.references else None
        inputs = read_inputs(Path(args.sources).expanduser(), references, text_field=args.text_field)
        for problem in inputs.problems:
            print(f"warning: {problem}", file=sys.stderr)
        evaluation = evaluate(inputs, configs, sources=args.sources, references=args.references,
                              progress=progress_bar(len(configs)))
        if args.json:
            write(args.json, json.dumps(evaluation.as_dict(), ensure_ascii=False, indent=2) + "\n")
        if args.report:
            write(args.report, report.html(evaluation))
        print(report.summary(evaluation))
        for what, path in (("Figures", args.json), ("Report", args.report)):
            if path:
                print(f"{what}: {path}")
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
