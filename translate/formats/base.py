"""What every reader returns (:class:`Parsed`) and the small helpers the readers share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

Render = Callable[[Sequence[str]], bytes]


@dataclass(frozen=True)
class Parsed:
    """A parsed file: the texts to translate, the articles to summarise (as indices into
    ``units``), a function that renders the output file from one translation per unit, and
    notes for the person who reads the output: what it does not carry over as it was (parts left
    untranslated, links merged into their sentence, an unclosed code fence, numbers strict JSON
    cannot hold) and parts that look like another language than Arabic.

    ``output_type`` is the file type ``render`` writes when it is not the input's (a PDF is
    written as a .docx); ``also`` holds further ``(file type, render)`` outputs written beside it
    (a PDF's .txt and .pdf). ``rendered_notes`` are the notes that only rendering can tell (how
    formatting was projected onto the translation), set by each call of ``render``; :attr:`all_notes`
    gives both kinds."""

    units: tuple[str, ...]
    articles: tuple[tuple[int, ...], ...]
    render: Render
    notes: tuple[str, ...] = ()
    output_type: str | None = None
    also: tuple[tuple[str, Render], ...] = ()
    rendered_notes: list[str] = field(default_factory=list, compare=False)

    @property
    def all_notes(self) -> tuple[str, ...]:
        """The reader's notes, then those of the latest rendering."""
        return self.notes + tuple(self.rendered_notes)


def number_list(numbers: Sequence[int], most: int = 10) -> str:
    """``1, 2, 3`` ... with ``and N more`` past ``most`` numbers."""
    shown = ", ".join(str(n) for n in numbers[:most])
    return shown + (f" and {len(numbers) - most} more" if len(numbers) > most else "")


def keep_spaces(original: str, translation: str) -> str:
    """``translation`` with the leading and trailing whitespace of ``original``."""
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()) :]
    return lead + translation + trail
