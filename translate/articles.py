"""An article given to a command: read from a file or standard input, decoded, normalised and checked as
every front end checks it."""

from __future__ import annotations

from pathlib import Path

from translate.config import CLI_MAX_CHARS, FILE_MAX_BYTES, RunConfig
from translate.encodings import decode
from translate.files import read_named_file, read_standard_input
from translate.text import check_article


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
