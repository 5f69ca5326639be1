"""House style for names and terms: load a glossary, find its terms in Arabic text, correct the
English variants of those terms in a translation, verify that the house form is there, and
correct variant spellings in Arabic text.

A glossary file is UTF-8 text, tab-separated (``.csv`` files: comma-separated, with CSV quoting),
one entry a line::

    Arabic term|variant|...  TAB  English house form  TAB  English variants|...  TAB  Arabic house form  TAB  note

Only the first two columns are required. Lines starting with ``#`` and blank lines are skipped;
a first line whose first column reads ``arabic`` is a header.

Terms are found with dictionaries, not one large regular expression: building a glossary costs time
and memory in proportion to its size, and no term is too long to match.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from translate import script
from translate.config import FILE_MAX_BYTES
from translate.errors import TranslateError
from translate.files import read_named_file
from translate.script import ARABIC_LETTER
from translate.text import normalize

GLOSSARY = "glossary"  # the flag a sentence gets when a term's house form is missing from its translation
COLUMNS = ("arabic", "english", "english variants", "arabic house form", "note")

_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"\W")  # what may stand before and after a term (never a letter or digit)
# Attached particles before a term: و/ف (and), then ب/ك/ل (by, like, for) and the article ال;
# ل + ال is written لل. Each list is in the order the particles are tried: the longer first.
_CONJUNCTIONS = ("و", "ف")
_ARTICLE_PREFIXES = ("بال", "كال", "ال", "لل")  # before a term written with the article (its ال is here)
_OTHER_PREFIXES = ("بال", "كال", "ال", "لل", "ب", "ك", "ل", "")  # before any other term


_DROPPED_CHARS = script.VOWEL_MARKS + script.SUPERSCRIPT_ALEF + script.TATWEEL + script.INVISIBLE
_FOLD_TABLES = {
    ta_marbuta: str.maketrans({**script.LETTER_FOLDS, **dict.fromkeys(_DROPPED_CHARS),
                               **(script.TA_MARBUTA_FOLD if ta_marbuta else {})})
    for ta_marbuta in (False, True)
}


def fold(text: str, *, ta_marbuta: bool = True) -> str:
    """``text`` as terms are matched: diacritics, tatweel and invisible marks removed, أ إ آ ٱ → ا,
    ى → ي and (by default) ة → ه."""
    return text.translate(_FOLD_TABLES[ta_marbuta])


def _fold_with_map(text: str, ta_marbuta: bool) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters (and its end), the index in ``text``."""
    out: list[str] = []
    where: list[int] = []
    table = _FOLD_TABLES[ta_marbuta]
    for index, char in enumerate(text):
        folded = table.get(ord(char), char)
        if folded is not None:
            out.append(folded)
            where.append(index)
    where.append(len(text))
    return "".join(out), where


def _key(term: str, ta_marbuta: bool) -> str:
    """The matching form of an Arabic term: normalised, folded, single spaces."""
    return _SPACE.sub(" ", fold(normalize(term), ta_marbuta=ta_marbuta)).strip()


def _has_article(spelling: str) -> bool:
    """The spelling starts with the article ال (not with أل or إل, as ألمانيا and إلياس do)."""
    return spelling.startswith("ال") and len(spelling.split(" ")[0]) > 3


def _collapse_spaces(text: str) -> tuple[str, list[int]]:
    """``text`` with each run of whitespace as one space and, for each of its characters (and its
    end), the index in ``text``."""
    out: list[str] = []
    where: list[int] = []
    last = 0
    for run in _SPACE.finditer(text):
        out += [text[last:run.start()], " "]
        where += [*range(last, run.start()), run.start()]
        last = run.end()
    out.append(text[last:])
    where += [*range(last, len(text)), len(text)]
    return "".join(out), where


@dataclass(frozen=True)
class _Terms:
    """Matching keys (single spaces), and for each first word of a key (what comes before its first
    character that is not a letter or digit) the length of the longest key starting with it."""

    keys: frozenset[str]
    longest: dict[str, int]

    @classmethod
    def of(cls, keys: Iterable[str]) -> _Terms:
        keys = frozenset(keys)
        longest: dict[str, int] = {}
        for key in keys:
            cut = _NOT_WORD.search(key)
            first = key[: cut.start()] if cut else key
            longest[first] = max(longest.get(first, 0), len(key))
        return cls(keys, longest)

    def longest_at(self, text: str, start: int, bounds: list[int]) -> int | None:
        """The end of the longest key written at ``start`` in ``text`` and followed by no letter or
        digit, or None. ``bounds``: the sorted positions in ``text`` of every character that is not a
        letter or digit, and ``len(text)``."""
        index = bisect.bisect_left(bounds, start)
        most = self.longest.get(text[start:bounds[index]])
        if most is None:
            return None
        ends = []
        while index < len(bounds) and bounds[index] - start <= most:
            ends.append(bounds[index])
            index += 1
        return next((end for end in reversed(ends) if end > start and text[start:end] in self.keys), None)


def _english(form: str) -> str:
    return _SPACE.sub(" ", form).strip()


def _is_acronym(form: str) -> bool:
    return form == form.upper() and any(c.isalpha() for c in form)


def _english_pattern(form: str) -> str:
    """``form`` as a regular expression: any whitespace between words, any case unless it is an
    acronym (``UN``, ``U.N.``)."""
    pattern = r"\s+".join(re.escape(word) for word in form.split(" "))
    return pattern if _is_acronym(form) else f"(?i:{pattern})"


def _replacement(entry: Entry, match: re.Match[str]) -> str:
    """What replaces one match of an entry's English forms: the house form itself stays as it is."""
    if match.group("house"):
        return match.group()
    return _cased(entry.english, match.group(), entry.variants, at_start=_sentence_start(match.string, match.start()))


def _sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \t\n\"'“‘«([")
    return not before or before[-1] in ".!?:"


def _cased(house: str, found: str, listed: Sequence[str] = (), *, at_start: bool = False) -> str:
    """``house`` written in the case of the variant it replaces: all capitals for a variant written
    in capitals that the glossary lists otherwise (a headline), a capital first letter at the start
    of a sentence."""
    if found.isupper() and _english(found) not in listed and sum(c.isalpha() for c in found) > 1:
        return house.upper()
    if at_start and house[:1].islower():
        return house[:1].upper() + house[1:]
    return house


@dataclass(frozen=True)
class Entry:
    """One house-style term."""

    arabic: tuple[str, ...]  # the Arabic spellings (normalised), the first as the file gives it
    english: str  # the English house form
    variants: tuple[str, ...] = ()  # English spellings to correct into the house form
    arabic_house: str | None = None  # the Arabic house form (corrects Arabic summaries)
    note: str = ""
    origin: str = field(default="", compare=False)  # where it was written: "Glossary house.tsv, line 4"

    def row(self) -> list[str]:
        """The entry as a row of :data:`COLUMNS` (what a glossary table shows)."""
        return ["|".join(self.arabic), self.english, "|".join(self.variants), self.arabic_house or "", self.note]


@dataclass(frozen=True)
class Glossary:
    """A newsroom's house style for names and terms (build it with :meth:`load` or :meth:`from_rows`)."""

    entries: tuple[Entry, ...]
    fold_ta_marbuta: bool = True  # match ة and ه as the same letter
    name: str = field(default="the glossary", compare=False)
    _by_key: dict[str, Entry] = field(init=False, repr=False, compare=False)
    _terms: tuple[tuple[_Terms, tuple[str, ...], str], ...] = field(init=False, repr=False, compare=False)
    _english: dict[Entry, tuple[re.Pattern[str], re.Pattern[str]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, Entry] = {}
        with_article, others = set(), set()
        for entry in self.entries:
            for spelling in entry.arabic:
                key = _key(spelling, self.fold_ta_marbuta)
                by_key.setdefault(key, entry)
                if _has_article(spelling):
                    with_article.add(key[2:])
                else:
                    others.add(key)
        # Terms written with the article are tried first, their ال among the particles; then the others.
        terms = ((_Terms.of(with_article), _ARTICLE_PREFIXES, "ال"), (_Terms.of(others), _OTHER_PREFIXES, ""))
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_terms", tuple(t for t in terms if t[0].keys))
        object.__setattr__(self, "_english", {})

    def _english_patterns(self, entry: Entry) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """The patterns that correct and check ``entry``'s English (compiled on the term's first use)."""
        patterns = self._english.get(entry)
        if patterns is None:
            forms = sorted([(entry.english, True)] + [(v, False) for v in entry.variants],
                           key=lambda item: len(item[0]), reverse=True)
            alternatives = [f"(?P<house>{re.escape(f)})" if house else _english_pattern(f) for f, house in forms]
            patterns = (re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)"),
                        re.compile(r"(?<!\w)" + _english_pattern(entry.english) + r"(?!\w)"))
            self._english[entry] = patterns
        return patterns

    # --- building ---------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path, *, fold_ta_marbuta: bool = True, max_entries: int | None = None) -> Glossary:
        """Read a glossary file (``.csv``: comma-separated; anything else: tab-separated).

        Raises :class:`TranslateError` naming the file, the line and the problem.
        """
        path = Path(path)
        data = read_named_file(path, what="glossary file", max_bytes=FILE_MAX_BYTES)
        return cls.parse(data, name=path.name, fold_ta_marbuta=fold_ta_marbuta, max_entries=max_entries)

    @classmethod
    def parse(cls, data: bytes, *, name: str, fold_ta_marbuta: bool = True, max_entries: int | None = None
              ) -> Glossary:
        """The glossary in the bytes of a file called ``name`` (``.csv``: comma-separated; anything else:
        tab-separated), with at most ``max_entries`` entries (None: any number).

        Raises :class:`TranslateError` naming the file, the line and the problem."""
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise TranslateError(f"Glossary {name}, line {line}: the bytes are not valid UTF-8; "
                                 "save the file as UTF-8.") from None
        lines = enumerate(text.splitlines(), 1)
        if name.lower().endswith(".csv"):
            rows = ((number, _csv_cells(line, f"Glossary {name}, line {number}")) for number, line in lines)
        else:
            rows = ((number, line.split("\t")) for number, line in lines)
        glossary = cls._build(rows, name=name, place="line", fold_ta_marbuta=fold_ta_marbuta, max_entries=max_entries)
        if not glossary.entries:
            raise TranslateError(f"Glossary {name} holds no entries.")
        return glossary

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[str | None]], *, name: str = "Glossary table",
                  fold_ta_marbuta: bool = True, max_entries: int | None = None) -> Glossary:
        """A glossary from rows of :data:`COLUMNS` (an editable table): empty rows are skipped,
        missing trailing cells are empty. Errors name the row."""
        numbered = ((number, [_cell(cell) for cell in row]) for number, row in enumerate(rows, 1))
        return cls._build(numbered, name=name, place="row", fold_ta_marbuta=fold_ta_marbuta, padded=True,
                          max_entries=max_entries)

    @classmethod
    def _build(cls, rows: Iterable[tuple[int, list[str]]], *, name: str, place: str, fold_ta_marbuta: bool,
               padded: bool = False, max_entries: int | None = None) -> Glossary:
        entries: list[Entry] = []
        seen: dict[str, int] = {}  # matching key → index in entries
        for cells, where in _entry_rows(rows, name=name, place=place, padded=padded, max_entries=max_entries):
            if padded:
                cells = (cells + [""] * len(COLUMNS))[: max(len(COLUMNS), len(cells))]
                if any(cell.strip() for cell in cells[len(COLUMNS):]):
                    raise TranslateError(f"{where}: expected at most {len(COLUMNS)} columns.")
                cells = cells[: len(COLUMNS)]
            elif not 2 <= len(cells) <= len(COLUMNS):
                raise TranslateError(f"{where}: expected 2 to {len(COLUMNS)} columns ({', '.join(COLUMNS)}) "
                                     f"separated by {'commas' if name.lower().endswith('.csv') else 'tabs'}, "
                                     f"found {len(cells)}.")
            _add(entries, seen, _entry(cells, where), where, fold_ta_marbuta)
        return cls(tuple(entries), fold_ta_marbuta, name)

    def merge(self, other: Glossary) -> Glossary:
        """This glossary and ``other`` together (an uploaded file plus an editor's table). The same
        Arabic term with two English forms is an error naming both places."""
        entries: list[Entry] = []
        seen: dict[str, int] = {}
        for entry in self.entries + other.entries:
            _add(entries, seen, entry, entry.origin or other.name, self.fold_ta_marbuta)
        return Glossary(tuple(entries), self.fold_ta_marbuta, f"{self.name} + {other.name}")

    # --- identity ---------------------------------------------------------------------------------

    @property
    def digest(self) -> str:
        """``sha256:…`` of the normalised entries (notes and order do not count): the glossary's
        identity in a run's signature."""
        payload = sorted(
            [sorted({_key(a, self.fold_ta_marbuta) for a in e.arabic}), e.english, sorted(e.variants),
             e.arabic_house or ""] for e in self.entries
        )
        text = json.dumps({"entries": payload, "fold_ta_marbuta": self.fold_ta_marbuta}, ensure_ascii=False)
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()

    def __len__(self) -> int:
        return len(self.entries)

    def rows(self) -> list[list[str]]:
        """Every entry as a row of :data:`COLUMNS`."""
        return [entry.row() for entry in self.entries]

    # --- using ------------------------------------------------------------------------------------

    def find(self, arabic: str) -> list[Entry]:
        """The entries whose terms occur in ``arabic`` (with attached particles, never inside a
        longer word), each once, in order of first appearance."""
        found: dict[Entry, None] = {}
        for *_, entry in self._scan(_SPACE.sub(" ", fold(normalize(arabic), ta_marbuta=self.fold_ta_marbuta))):
            found.setdefault(entry, None)
        return list(found)

    def _matches(self, folded: str) -> Iterator[tuple[int, int, str, Entry]]:
        """Each term in the folded text, left to right, never overlapping: (start, end, the attached
        particles, entry). A term starts after a character that is not a letter or digit (or at the
        start), with the first particles that let a term follow, and is the longest such term that
        no letter or digit follows."""
        text, where = _collapse_spaces(folded)
        for start, end, prefix, entry in self._scan(text):
            yield where[start], where[end], prefix, entry

    def _scan(self, text: str) -> Iterator[tuple[int, int, str, Entry]]:
        """:meth:`_matches` in a text whose whitespace runs are single spaces."""
        if not self._terms:
            return
        bounds = [match.start() for match in _NOT_WORD.finditer(text)] + [len(text)]
        done = 0
        for start in [0, *(bound + 1 for bound in bounds[:-1])]:
            if start < done or start >= len(text):
                continue
            found = self._term_at(text, start, bounds)
            if found is not None:
                end, prefix, entry = found
                yield start, end, prefix, entry
                done = end

    def _term_at(self, text: str, start: int, bounds: list[int]) -> tuple[int, str, Entry] | None:
        conjunctions = (text[start], "") if text[start] in _CONJUNCTIONS else ("",)
        for terms, prefixes, article in self._terms:
            for conjunction in conjunctions:
                after = start + len(conjunction)
                for particles in prefixes:
                    if text.startswith(particles, after):
                        term = after + len(particles)
                        end = terms.longest_at(text, term, bounds)
                        if end is not None:
                            return end, conjunction + particles, self._by_key[article + text[term:end]]
        return None

    def correct(self, entries: Iterable[Entry], english: str) -> str:
        """``english`` with the known variants of ``entries`` replaced by their house forms
        (whole words only; case and possessives kept: Kim Jong-un's → Kim Jong Un's)."""
        for entry in entries:
            if entry.variants:
                english = self._english_patterns(entry)[0].sub(lambda m, entry=entry: _replacement(entry, m), english)
        return english

    def missing(self, entries: Iterable[Entry], english: str) -> list[Entry]:
        """The entries whose house form does not occur in ``english`` (whole words, any case)."""
        return [entry for entry in entries if not self._english_patterns(entry)[1].search(english)]

    def apply(self, source: str, target: str) -> tuple[str, str | None]:
        """Correct one translated sentence for the terms of its source and verify it: the corrected
        translation, and ``"Kim Jong Un missing"`` (``;``-separated) when a house form is missing."""
        target, missing, _ = self.applied(source, target)
        return target, missing

    def applied(self, source: str, target: str) -> tuple[str, str | None, dict[str, str]]:
        """:meth:`apply`, and the house forms the corrected translation holds, each with the Arabic
        term it stands for (``{"Kim Jong Un": "كيم جونغ أون"}``), for the editor to see."""
        entries = self.find(source)
        if not entries:
            return target, None, {}
        target = self.correct(entries, target)
        missing = self.missing(entries, target)
        return (target, "; ".join(f"{entry.english} missing" for entry in missing) or None,
                {entry.english: entry.arabic[0] for entry in entries if entry not in missing})

    def house_forms(self, source: str, english: str) -> dict[str, str]:
        """The house forms of the terms of ``source`` that ``english`` holds, as written (never
        corrected), each with its Arabic term: what an editor's own English keeps of the glossary."""
        entries = self.find(source)
        missing = self.missing(entries, english)
        return {entry.english: entry.arabic[0] for entry in entries if entry not in missing}

    def check_summary(self, terms: Sequence[Entry], english: str, arabic: str) -> tuple[str, list[Entry]]:
        """For a summary of an article whose terms are ``terms``: the Arabic summary in the Arabic
        house forms, and the article's terms that the Arabic summary names but whose house form the
        English summary lacks (the two summaries disagree, or the English one misspells a name)."""
        named = [entry for entry in self.find(arabic) if entry in terms]
        return self.fix_arabic(arabic), self.missing(named, english)

    def fix_arabic(self, text: str) -> str:
        """``text`` with every variant spelling of a term that has an Arabic house form written in
        the house form, attached particles kept (وبوتن → وبوتين, للأمم → للأمم)."""
        folded, where = _fold_with_map(text, self.fold_ta_marbuta)
        out, last = [], 0
        for start, end, prefix, entry in self._matches(folded):
            if not entry.arabic_house:
                continue
            start, end = where[start], where[end]
            out += [text[last:start], _with_prefix(prefix, entry.arabic_house)]
            last = end
        return "".join(out) + text[last:]


def _with_prefix(prefix: str, house: str) -> str:
    """``house`` with the particles of a matched ``prefix`` attached (ل + ال is written لل)."""
    conjunction = prefix[:1] if prefix[:1] in ("و", "ف") else ""
    rest = prefix[len(conjunction):]
    if rest == "لل":
        preposition, article = "ل", True
    elif rest.endswith("ال"):
        preposition, article = rest[:-2], True
    else:
        preposition, article = rest, False
    if house.startswith("ال"):
        house, article = house[2:], True
    if not article:
        return conjunction + preposition + house
    return conjunction + preposition + ("ل" if preposition == "ل" else "ال") + house


def _entry_rows(rows: Iterable[tuple[int, list[str]]], *, name: str, place: str, padded: bool,
                max_entries: int | None) -> list[tuple[list[str], str]]:
    """The rows that are entries (not blank, a comment or the header), each with where it is written;
    past ``max_entries`` of them, an error before any is built."""
    kept: list[tuple[list[str], str]] = []
    first = True
    for number, cells in rows:
        while len(cells) > len(COLUMNS) and not cells[-1].strip():
            cells = cells[:-1]  # trailing empty cells, as spreadsheets export them
        if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
            continue
        if first and not padded and cells[0].strip().lower() == "arabic":
            first = False
            continue  # the header
        first = False
        if max_entries is not None and len(kept) == max_entries:
            raise TranslateError(f"{'Glossary ' if place == 'line' else ''}{name} holds more than {max_entries:,} "
                                 "entries: the limit for a glossary sent with a request. Send the terms of these "
                                 "articles only, or make it the server's own glossary.")
        kept.append((cells, f"{'Glossary ' if place == 'line' else ''}{name}, {place} {number}"))
    return kept


def _csv_cells(line: str, where: str) -> list[str]:
    """The cells of one line of a ``.csv`` glossary; a line the csv module cannot read is an error
    naming it."""
    try:
        return next(csv.reader([line]), [])
    except csv.Error as error:
        if "field limit" in str(error):
            raise TranslateError(f"{where}: a field is longer than {csv.field_size_limit():,} characters.") from None
        raise TranslateError(f"{where}: not valid CSV ({error}).") from None


def _cell(value: object) -> str:
    """A table cell as text: None and NaN (an empty cell of a data frame) are empty."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _entry(cells: list[str], where: str) -> Entry:
    cells = [cell.strip() for cell in cells] + [""] * (len(COLUMNS) - len(cells))
    arabic_cell, english, variants_cell, arabic_house, note = cells[: len(COLUMNS)]
    spellings = [normalize(part) for part in arabic_cell.split("|")]
    if not arabic_cell or any(not s for s in spellings):
        raise TranslateError(f"{where}: empty Arabic term.")
    for spelling in spellings:
        if not ARABIC_LETTER.search(spelling):
            raise TranslateError(f"{where}: the Arabic term '{spelling}' has no Arabic letters "
                                 "(the Arabic term comes first, then the English).")
    english = _english(english)
    if not english:
        raise TranslateError(f"{where}: empty English house form for '{spellings[0]}'.")
    variants = [_english(v) for v in variants_cell.split("|")] if variants_cell else []
    if any(not v for v in variants):
        raise TranslateError(f"{where}: empty English variant (two | in a row, or one at an end).")
    house = normalize(arabic_house) or None
    if house is not None and not ARABIC_LETTER.search(house):
        raise TranslateError(f"{where}: the Arabic house form '{house}' has no Arabic letters.")
    return Entry(tuple(dict.fromkeys(spellings)), english, tuple(v for v in dict.fromkeys(variants) if v != english),
                 house, note, where)


def _add(entries: list[Entry], seen: dict[str, int], entry: Entry, where: str, ta_marbuta: bool) -> None:
    """Add ``entry`` to ``entries`` (``seen`` maps matching keys to indices), merging it with an
    entry for the same Arabic term, or raise if that entry gives another English form."""
    keys = {spelling: _key(spelling, ta_marbuta) for spelling in entry.arabic}
    for spelling, key in keys.items():
        if key in seen and entries[seen[key]].english != entry.english:
            kept = entries[seen[key]]
            raise TranslateError(f"{where}: the Arabic term '{spelling}' has the English form '{entry.english}' "
                                 f"here but '{kept.english}' in {kept.origin or 'an earlier entry'}.")
    index = next((seen[key] for key in keys.values() if key in seen), None)
    if index is None:
        entries.append(entry)
        index = len(entries) - 1
    else:
        entries[index] = _merged(entries[index], entry, where)
    for key in keys.values():
        seen.setdefault(key, index)


def _merged(kept: Entry, new: Entry, where: str) -> Entry:
    """Two entries with the same Arabic term and English house form, as one entry."""
    if kept.arabic_house and new.arabic_house and kept.arabic_house != new.arabic_house:
        raise TranslateError(f"{where}: '{new.arabic[0]}' has the Arabic house form '{new.arabic_house}' "
                             f"here but '{kept.arabic_house}' in {kept.origin or 'an earlier entry'}.")
    return Entry(tuple(dict.fromkeys(kept.arabic + new.arabic)), kept.english,
                 tuple(dict.fromkeys(kept.variants + new.variants)), kept.arabic_house or new.arabic_house,
                 kept.note or new.note, kept.origin)


def as_glossary(value: Glossary | str | Path | None) -> Glossary | None:
    """A :class:`Glossary` from a glossary, a file path, or None (no glossary)."""
    if value is None or isinstance(value, Glossary):
        return value
    return Glossary.load(value)
