"""Markdown: each line's text after its heading, list or quote markers is translated; fenced code
stays as it is."""

from __future__ import annotations

import re
from collections.abc import Sequence

from translate.formats.base import Parsed
from translate.text import has_arabic

_MARKDOWN_PREFIX = re.compile(r"^(\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)*)(.*)$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
_FENCED_BLOCK = re.compile(r"^\s*(`{3,}|~{3,}).*?^\s*\1[`~]*\s*$", re.S | re.M)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def markdown_prose(text: str) -> str:
    """The readable text of a Markdown file: without fenced code and link targets."""
    return _LINK_TARGET.sub("]", _FENCED_BLOCK.sub("", text))


def markdown_text(text: str) -> str:
    """The text of a Markdown file without its heading, list and quote markers and its fenced code."""
    lines = text.split("\n")
    code, _ = _code_lines(lines)
    return "\n".join(_MARKDOWN_PREFIX.match(line.removesuffix("\r")).group(2)
                     for index, line in enumerate(lines) if index not in code)


def _code_lines(lines: Sequence[str]) -> tuple[set[int], list[str]]:
    """The indices of lines inside fenced code blocks (fences included), and notes.

    A fence closes with the same character, at least as long, and nothing else on the line. A
    fence that is never closed ends at the end of its paragraph (the next blank line), so the
    text after it is still translated; a note says so.
    """
    code: set[int] = set()
    notes: list[str] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None or (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            index += 1
            continue
        fence = opening.group(1)
        end = next((j for j in range(index + 1, len(lines)) if re.fullmatch(
            rf"\s*{re.escape(fence[0])}{{{len(fence)},}}\s*", lines[j])), None)
        if end is None:
            end = next((j for j in range(index + 1, len(lines)) if not lines[j].strip()), len(lines))
            if any(line.strip() for line in lines[end:]):
                notes.append(f"The code block opened on line {index + 1} is never closed: it was taken to end at "
                             f"the blank line on line {end + 1}, and the text after it was translated.")
            else:
                notes.append(f"The code block opened on line {index + 1} is never closed: it runs to the end of "
                             "the file, which was left as it was.")
            end -= 1
        code.update(range(index, end + 1))
        index = end + 1
    return code, notes


def parse_markdown(text: str) -> Parsed:
    """Translate each line's text after its heading, list or quote markers; leave code blocks alone."""
    lines = text.split("\n")
    code, notes = _code_lines(lines)
    slots: list[tuple[int, str, str]] = []  # (line index, marker prefix, line end)
    units: list[str] = []
    for index, line in enumerate(lines):
        if index in code:
            continue
        ending = "\r" if line.endswith("\r") else ""
        prefix, content = _MARKDOWN_PREFIX.match(line.removesuffix("\r")).groups()
        if has_arabic(content):
            slots.append((index, prefix, ending))
            units.append(content)

    def render(translations: Sequence[str]) -> bytes:
        out = list(lines)
        for (index, prefix, ending), translation in zip(slots, translations, strict=True):
            out[index] = prefix + translation + ending
        return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")

    return Parsed(tuple(units), (tuple(range(len(units))),), render, tuple(notes))
