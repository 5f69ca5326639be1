"""`python -m translate.memory`: import, export, count and prune a translation memory."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from translate.errors import TranslateError
from translate.memory.store import Memory, open_memory


def build_parser(default_memory: str | None = None) -> argparse.ArgumentParser:
    """The command line; ``default_memory`` is the URL used when --memory is not given."""
    parser = argparse.ArgumentParser(prog="python -m translate.memory", description=__doc__)
    parser.add_argument(
        "--memory",
        default=default_memory,
        required=default_memory is None,
        metavar="URL",
        help="sqlite:///PATH or postgresql://... (default: the configured memory)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    imports = commands.add_parser("import", help="add the entries of a TMX 1.4b file (all or none)")
    imports.add_argument("file", help="the TMX file")
    imports.add_argument("--editor", help="who to record for entries without a creationid")
    exports = commands.add_parser("export", help="write every entry to a TMX 1.4b file")
    exports.add_argument("file", help="the TMX file to write")
    commands.add_parser("stats", help="count entries (JSON)")
    prune = commands.add_parser("prune", help="remove machine entries by age or count")
    prune.add_argument("--older-than", type=float, metavar="DAYS", help="remove those older than DAYS")
    prune.add_argument("--max-entries", type=int, metavar="N", help="keep at most the N newest")
    return parser


def run(memory: Memory, args: argparse.Namespace) -> str:
    """Do the command on ``memory``; return what to print."""
    if args.command == "import":
        return f"Imported {memory.import_tmx(args.file, editor_default=args.editor)} entries from {args.file}."
    if args.command == "export":
        return f"Exported {memory.export_tmx(args.file)} entries to {args.file}."
    if args.command == "stats":
        return json.dumps(memory.stats(), ensure_ascii=False, indent=2)
    removed = memory.prune(older_than_days=args.older_than, max_entries=args.max_entries)
    return f"Removed {removed} machine entries."


def main(argv: Sequence[str] | None = None, *, default_memory: str | None = None) -> int:
    """Run the command; returns the exit code (0 done, 2 bad input or a memory that fails)."""
    parser = build_parser(default_memory)
    args = parser.parse_args(argv)
    if args.command == "prune" and args.older_than is None and args.max_entries is None:
        parser.error("prune needs --older-than DAYS and/or --max-entries N")
    try:
        with open_memory(args.memory) as memory:
            print(run(memory, args))
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def configured_memory() -> str | None:
    """The memory the other front ends use (``KHABAR_MEMORY``, else the data folder's), None when off."""
    from translate.config import memory_url

    return memory_url()


if __name__ == "__main__":
    try:
        configured = configured_memory()
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(default_memory=configured))
