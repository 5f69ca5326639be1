"""SubRip subtitles (.srt): cue numbers and timings are kept exactly; a sentence that runs over
several cues is translated as one sentence, and its English is shared out over the same cues in
proportion to their Arabic length, at word boundaries, with no cue left empty."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from translate.config import SRT_MAX_CUES
from translate.errors import TranslateError
from translate.formats.base import Parsed
from translate.text import ends_sentence, has_arabic

_TIME = r"(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_WRAPPING = re.compile(r"^((?:\s*(?:<[^>]+>|\{[^}]*\}))*)(.*?)((?:</[^>]+>\s*)*)$", re.S)
_INNER_TAG = re.compile(r"<[^>]+>|\{\\[^}]*\}")
FILLER = "…"  # the text of a cue left without English words (a sentence shorter than its cues)


@dataclass(frozen=True)
class Cue:
    """One subtitle: its number and timing lines as written, and its text lines."""

    number: str
    timing: str
    lines: tuple[str, ...]


def _milliseconds(hours: str, minutes: str, seconds: str, millis: str) -> int:
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def read_cues(text: str, name: str) -> list[Cue]:
    """The cues of an .srt file; a cue without a number or with a broken timing refuses the file,
    saying which cue and why."""
    blocks = [block for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip("\n"))
              if block.strip()]
    if len(blocks) > SRT_MAX_CUES:
        raise TranslateError(f"{name} holds {len(blocks):,} subtitle cues; the limit is {SRT_MAX_CUES:,}.")
    cues = []
    for position, block in enumerate(blocks, start=1):
        lines = block.split("\n")
        if len(lines) < 2 or not lines[0].strip().isdigit():
            raise TranslateError(f"{name} is not a valid .srt file: cue {position} does not start with its number "
                                 f"(found «{lines[0][:40]}»).")
        timing = _TIMING.match(lines[1])
        if timing is None:
            raise TranslateError(f"{name} has a broken timing in cue {lines[0].strip()}: «{lines[1][:60]}» is not "
                                 "'HH:MM:SS,mmm --> HH:MM:SS,mmm'.")
        start, end = _milliseconds(*timing.groups()[:4]), _milliseconds(*timing.groups()[4:])
        if end < start:
            raise TranslateError(f"{name} has a broken timing in cue {lines[0].strip()}: it ends before it starts "
                                 f"(«{lines[1].strip()}»).")
        cues.append(Cue(lines[0], lines[1], tuple(lines[2:])))
    if not cues:
        raise TranslateError(f"{name} holds no subtitle cues.")
    return cues


def share_out(english: str, weights: Sequence[int]) -> list[str]:
    """``english`` split at word boundaries into ``len(weights)`` parts whose lengths follow
    ``weights``; every part gets at least one word while there are words enough, the others
    :data:`FILLER`."""
    words = english.split()
    count = len(weights)
    if count == 1:
        return [" ".join(words) or FILLER]
    if len(words) < count:
        return words + [FILLER] * (count - len(words))
    total = sum(weights) or count
    ends, at = [], 0  # ends[i]: the number of words in parts 0..i
    lengths = [len(word) + 1 for word in words]
    whole = sum(lengths) or 1
    for index in range(count - 1):
        goal = sum(weights[: index + 1]) / total * whole
        low, high = at + 1, len(words) - (count - 1 - index)  # at least one word here and in each later part
        best, done = low, sum(lengths[:low])
        for cut in range(low, high + 1):
            if abs(sum(lengths[:cut]) - goal) < abs(done - goal):
                best, done = cut, sum(lengths[:cut])
        ends.append(best)
        at = ends[-1]
    ends.append(len(words))
    parts, start = [], 0
    for end in ends:
        parts.append(" ".join(words[start:end]) or FILLER)
        start = end
    return parts


def _wrap(text: str, lines: int) -> str:
    """``text`` on as many lines as its cue had (two at most), broken at the space nearest the middle."""
    if lines < 2 or " " not in text:
        return text
    middle = len(text) // 2
    spaces = [i for i, char in enumerate(text) if char == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1:]


def parse_srt(text: str, name: str) -> Parsed:
    """Translate the cues' text by sentence: consecutive cues are joined until one ends a sentence
    (or holds no Arabic); tags that wrap a whole cue (``<i>``, ``{\\an8}``) are kept, tags inside a
    cue are dropped with a note."""
    cues = read_cues(text, name)
    wrappers: list[tuple[str, str]] = []
    bodies: list[str] = []
    inner = 0
    for cue in cues:
        opening, body, closing = _WRAPPING.match("\n".join(cue.lines)).groups()
        if _INNER_TAG.search(body):
            inner += 1
            body = _INNER_TAG.sub("", body)
        wrappers.append((opening, closing))
        bodies.append(" ".join(body.split()))
    groups: list[list[int]] = []
    open_group = False
    for index, body in enumerate(bodies):
        if not has_arabic(body):
            open_group = False
            continue
        if open_group:
            groups[-1].append(index)
        else:
            groups.append([index])
        open_group = not ends_sentence(body)
    units = tuple(" ".join(bodies[i] for i in group) for group in groups)
    notes = (f"Formatting tags inside {inner} cue(s) were dropped; tags around a whole cue are kept.",) if inner else ()
    spanning = sum(len(group) > 1 for group in groups)
    if spanning:
        notes += (f"{spanning} sentence(s) ran over several cues: each was translated whole and its English shared "
                  "out over the same cues in proportion to their Arabic length.",)
    ending = "\r\n" if "\r\n" in text else "\n"

    def render(translations: Sequence[str]) -> bytes:
        texts = ["\n".join(cue.lines) for cue in cues]
        for group, english in zip(groups, translations, strict=True):
            parts = share_out(english, [len(bodies[i]) for i in group])
            for index, part in zip(group, parts, strict=True):
                opening, closing = wrappers[index]
                texts[index] = opening + _wrap(part, len(cues[index].lines)) + closing
        blocks = [ending.join([cue.number, cue.timing, *texts[i].split("\n")]) for i, cue in enumerate(cues)]
        return (ending.join(blocks[i] + ending for i in range(len(blocks)))).encode("utf-8")

    return Parsed(units, (tuple(range(len(units))),), render, notes)
