"""Formatting kept across translation.

A paragraph of an office document is a row of runs, each with its formatting (bold, italics, a
link ...). The paragraph is translated as one text, so a sentence that formatting cuts into parts
is translated whole; then each formatted stretch (consecutive runs with the same formatting that
is not the paragraph's main one) is put back on the English, by this rule, first match wins:

1. **whole sentences**: a stretch that covers whole source sentences takes the English sentences
   in the same places (when both sides have as many sentences);
2. **anchors**: a stretch holding numbers (Arabic-Indic digits read as Western ones) or Latin
   words takes the English words from the first to the last of them, found in order;
3. **a leading label**: a stretch that opens the paragraph and ends with ``:`` or a dash (a
   dateline such as «القاهرة -») takes the English up to the first such mark, when that mark
   comes in the first 40 % of the English;
4. **unsure**: otherwise the stretch's formatting goes on its whole sentence (the English
   sentence in the same place when both sides have as many sentences, else the whole paragraph).

Rules 1-3 are *aligned*; rule 4 is *unsure*. A later stretch only takes English words no
earlier stretch took (aligned stretches go first, then unsure links, then the rest); a stretch
left with no words is *dropped*.
:func:`note` says how many went each way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

from translate.text import split_sentences

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_ANCHOR = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z][A-Za-z'&.-]*[A-Za-z]|[A-Z]")
_LABEL_END = re.compile(r"[:\-–—|]\s*$")
_ENGLISH_LABEL = re.compile(r"[:\-–—|](?=\s|$)")
_ENGLISH_SENTENCE = re.compile(r".+?(?:[.!?]+[\"”’')\]]*(?=\s+|$)|$)", re.S)
_LABEL_SHARE = 0.4
_LABEL_WORDS = 5


@dataclass(frozen=True)
class Piece:
    """A stretch of the English and the source run whose formatting it takes."""

    text: str
    run: int


@dataclass
class Tally:
    """How the formatted stretches of a document were put back (see the module's rule)."""

    aligned: int = 0
    unsure: int = 0
    dropped: int = 0
    sentences: set[int] = field(default_factory=set)  # units that had any formatted stretch

    def note(self) -> tuple[str, ...]:
        """The manifest note, or nothing when no formatting had to be projected."""
        if not self.aligned + self.unsure + self.dropped:
            return ()
        parts = [f"{self.aligned} put on the aligned English words (whole sentences, numbers, Latin names or "
                 "a leading label)"]
        if self.unsure:
            parts.append(f"{self.unsure} put on their whole sentence because the alignment was unsure")
        if self.dropped:
            parts.append(f"{self.dropped} not carried over because other formatting took all their words")
        return (f"Formatting inside {len(self.sentences)} paragraph(s) (bold, italics, links ...) was projected "
                f"onto the translation: {'; '.join(parts)}.",)


@dataclass(frozen=True)
class _Stretch:
    start: int  # offsets in the source text
    end: int
    run: int  # the first run of the stretch
    text: str


def _sentence_spans(text: str, sentences: Sequence[str]) -> list[tuple[int, int]]:
    spans, at = [], 0
    for sentence in sentences:
        start = text.find(sentence, at)
        if start < 0:
            return [(0, len(text))]
        spans.append((start, start + len(sentence)))
        at = start + len(sentence)
    return spans or [(0, len(text))]


def _english_sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _ENGLISH_SENTENCE.finditer(text):
        chunk = match.group()
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((match.start() + lead, match.end()))
    return spans or [(0, len(text))]


def _words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\S+", text)]


def project(runs: Sequence[tuple[str, Hashable]], translation: str, tally: Tally | None = None,
            unit: int = 0, *, is_link: Callable[[Hashable], bool] = lambda key: False) -> list[Piece]:
    """Split ``translation`` into pieces, each taking the formatting of one of ``runs`` (``(text,
    formatting key)``, in order), by the module's rule; counts go to ``tally``. Among unsure
    stretches, links (``is_link(key)``) go first, so that a link's target is never the one dropped."""
    if not runs:
        return []
    counts: dict[Hashable, int] = {}
    for text, key in runs:
        counts[key] = counts.get(key, 0) + len(text.strip())
    plain = [key for key in counts if not is_link(key)] or list(counts)  # the main formatting is never a link
    base_key = max(plain, key=lambda k: counts[k])  # the first of the most used, dicts keep order
    base_run = next(i for i, (_, key) in enumerate(runs) if key == base_key)
    source = "".join(text for text, _ in runs)
    stretches: list[_Stretch] = []
    at = 0
    for index, (text, key) in enumerate(runs):
        if key != base_key and index and runs[index - 1][1] == key and stretches and stretches[-1].end == at:
            last = stretches[-1]
            stretches[-1] = _Stretch(last.start, at + len(text), last.run, last.text + text)
        elif key != base_key and text.strip():
            stretches.append(_Stretch(at, at + len(text), index, text))
        at += len(text)
    if not stretches or not translation:
        return [Piece(translation, base_run)] if translation else []
    if tally is not None:
        tally.sentences.add(unit)

    owner = [base_run] * len(translation)
    taken = [False] * len(translation)
    source_sentences = _sentence_spans(source, split_sentences(source))
    english_sentences = _english_sentences(translation)
    same_count = len(source_sentences) == len(english_sentences)

    def sentence_of(offset: int) -> tuple[int, int]:
        if not same_count:
            return 0, len(translation)
        index = next((i for i, (_, end) in enumerate(source_sentences) if offset < end), len(source_sentences) - 1)
        return english_sentences[index]

    aligned: list[tuple[_Stretch, tuple[int, int]]] = []
    unsure: list[_Stretch] = []
    for stretch in stretches:
        place = _aligned_place(stretch, source, source_sentences, translation, english_sentences, same_count)
        if place is None:
            unsure.append(stretch)
        else:
            aligned.append((stretch, place))
    placed: list[tuple[_Stretch, tuple[int, int], str]] = [(s, p, "aligned") for s, p in aligned]
    unsure.sort(key=lambda s: not is_link(runs[s.run][1]))
    placed += [(s, sentence_of(s.start + len(s.text) - len(s.text.lstrip())), "unsure") for s in unsure]
    for stretch, (start, end), how in placed:
        free = [i for i in range(start, end) if not taken[i] and not translation[i].isspace()]
        if not free:
            if tally is not None:
                tally.dropped += 1
            continue
        for i in range(start, end):
            if not taken[i]:
                owner[i], taken[i] = stretch.run, True
        if tally is not None:
            setattr(tally, how, getattr(tally, how) + 1)
    return _pieces(translation, owner, taken, base_run)


def _pieces(translation: str, owner: list[int], taken: list[bool], base_run: int) -> list[Piece]:
    """Consecutive characters of one owner as one piece; spaces at the edge of a formatted piece go
    to the plain text around it."""
    for index, char in enumerate(translation):
        if char.isspace() and taken[index]:
            before = index > 0 and taken[index - 1] and owner[index - 1] == owner[index]
            after = index + 1 < len(translation) and taken[index + 1] and owner[index + 1] == owner[index]
            if not (before and after):
                owner[index] = base_run
    pieces: list[Piece] = []
    for index, char in enumerate(translation):
        if pieces and pieces[-1].run == owner[index]:
            pieces[-1] = Piece(pieces[-1].text + char, owner[index])
        else:
            pieces.append(Piece(char, owner[index]))
    return pieces


def _aligned_place(stretch: _Stretch, source: str, source_sentences: list[tuple[int, int]], translation: str,
                   english_sentences: list[tuple[int, int]], same_count: bool) -> tuple[int, int] | None:
    """Where rules 1-3 put ``stretch`` in the English, or None."""
    lead = len(stretch.text) - len(stretch.text.lstrip())
    start, end = stretch.start + lead, stretch.start + len(stretch.text.rstrip())
    if same_count:  # 1. whole sentences
        overlapping = [i for i, (s, e) in enumerate(source_sentences) if s < end and e > start]
        covered = [i for i in overlapping if start <= source_sentences[i][0] and source_sentences[i][1] <= end]
        if covered and covered == overlapping:
            return english_sentences[covered[0]][0], english_sentences[covered[-1]][1]
    anchors = _ANCHOR.findall(stretch.text.translate(_DIGITS))  # 2. numbers and Latin words
    if anchors:
        found, at = [], 0
        for anchor in anchors:
            match = re.search(rf"(?<![\w.]){re.escape(anchor)}(?![\w])", translation[at:])
            if match is None:
                found = []
                break
            found.append((at + match.start(), at + match.end()))
            at += match.end()
        if found:
            return found[0][0], found[-1][1]
    label = stretch.text.strip()  # 3. a leading label
    if (not source[:start].strip() and _LABEL_END.search(label) and len(label.split()) <= _LABEL_WORDS
            and label[:-1].strip()):
        mark = _ENGLISH_LABEL.search(translation)
        if mark is not None and mark.end() <= _LABEL_SHARE * len(translation):
            return 0, mark.end()
    return None
