"""Post-editing: an editor's changes to a machine translation, checked again, shown in the review
table and exported with the machine output beside each edit."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from summarize.support import flagged_lines
from translate.checks import check, confidence, kept_note
from translate.errors import TranslateError
from translate.glossary import GLOSSARY, Glossary
from translate.text import Layout, normalize, split_paragraphs
from translate.translator import Segment, Translation
from web.memory_hooks import memory_words

log = logging.getLogger(__name__)

HEADERS = ("#", "Arabic", "English", "Confidence", "Flags")
ARABIC, ENGLISH = HEADERS.index("Arabic"), HEADERS.index("English")
EDITED = "edited"  # what the Confidence column says for a sentence the editor changed
FLAGGED_STYLE = "background-color: #ffe3b3"
EDITED_STYLE = "background-color: #e3f0ff"
ARABIC_STYLE = "direction: rtl; text-align: right"
FILE_NAMES = ("translation.txt", "translation.docx", "translation.json")
SUMMARY_NOTES = "Summary sentences to check:"  # the downloads' heading over flagged summary sentences


@dataclass(frozen=True)
class Session:
    """One article under review: the normalised Arabic, what the model wrote, the line breaks
    between its paragraphs, and the summary shown with it (``summary["of"]`` says of which text)."""

    article: str
    machine: Translation
    breaks: tuple[str, ...]
    summary: dict[str, Any] | None = None

    @classmethod
    def start(cls, article: str, machine: Translation, *, strip_diacritics: bool = True,
              summary: dict[str, Any] | None = None) -> Session:
        """The review of ``machine``, the translation of ``article`` (paragraph breaks read from the article)."""
        _, breaks = split_paragraphs(normalize(article, strip_diacritics=strip_diacritics))
        paragraphs = len({s.paragraph for s in machine.segments})
        if machine.segments and len(breaks) != paragraphs - 1:
            raise TranslateError("The translation does not match the article: translate the article again.")
        return cls(article, machine, tuple(breaks) if machine.segments else (), summary)


def table_rows(rows: Any) -> list[list]:
    """The rows of a review table given as a list of rows, a table payload with ``data``, or a pandas frame."""
    if hasattr(rows, "values") and hasattr(rows, "columns"):  # a pandas DataFrame
        rows = rows.values.tolist()
    elif isinstance(rows, dict):
        rows = rows.get("data", [])
    return [list(row) for row in rows or [] if row is not None]


def english_of(rows: Any, machine: Translation) -> list[str]:
    """The English of each sentence in the review table ``rows`` (a list of rows, a table payload with
    ``data``, or a pandas frame). Only the English column counts: edits to other columns are ignored."""
    rows = table_rows(rows)
    if len(rows) != len(machine.segments):
        raise TranslateError(f"The review table has {len(rows)} rows but the article has "
                             f"{len(machine.segments)} sentences: translate the article again.")
    english = []
    for number, (row, segment) in enumerate(zip(rows, machine.segments, strict=True), start=1):
        if len(row) <= ENGLISH:
            raise TranslateError(f"Row {number} of the review table has no English column.")
        if normalize(str(row[ARABIC] or "")) != normalize(segment.source):
            raise TranslateError(f"Row {number} of the review table is not sentence {number} of this article: "
                                 "translate the article again.")
        english.append("" if row[ENGLISH] is None else str(row[ENGLISH]))
    return english


def match_rows(rows: Any, machine: Translation) -> tuple[list[str], str]:
    """The English of each sentence from a review table whose rows may have been added, deleted or
    moved in the browser (its cell menu allows it): rows are matched to sentences by their Arabic, in
    order; a sentence without a row gets the machine's English back. Also returns what was not
    matched, in words ("" when the table is whole)."""
    rows = table_rows(rows)
    english, restored, start = [], [], 0
    for number, segment in enumerate(machine.segments, start=1):
        found = next((k for k in range(start, len(rows)) if len(rows[k]) > ENGLISH
                      and normalize(str(rows[k][ARABIC] or "")) == normalize(segment.source)), None)
        if found is None:
            english.append(segment.target)
            restored.append(str(number))
            continue
        english.append("" if rows[found][ENGLISH] is None else str(rows[found][ENGLISH]))
        start = found + 1
    ignored = len(rows) - (len(machine.segments) - len(restored))
    problems = []
    if ignored:
        problems.append(f"{ignored} row{'s' if ignored > 1 else ''} that {'are' if ignored > 1 else 'is'} "
                        "not a sentence of the article left out")
    if restored:
        problems.append(f"the machine English of sentence{'s' if len(restored) > 1 else ''} "
                        f"{', '.join(restored)} put back")
    note = f"The review table keeps one row per sentence: {'; '.join(problems)}." if problems else ""
    return english, note


def carry_edits(previous: Translation, english: Sequence[str], machine: Translation) -> tuple[list[str], list[str]]:
    """The English of each sentence of a new translation ``machine``, keeping the editor's edits of an
    earlier review (``english`` beside ``previous``, the machine translation it was made on) for every
    sentence whose Arabic did not change: sentences are matched by their normalised Arabic, in order
    (a repeated sentence takes its edits in turn). Also returns the edits that found no sentence,
    each as ``"<Arabic>" → "<English>"``, so that the editor can be told what was replaced."""
    waiting: dict[str, list[str]] = {}
    for segment, text in zip(previous.segments, english, strict=True):
        if tidy(text) != segment.target:
            waiting.setdefault(normalize(segment.source), []).append(text)
    out = []
    for segment in machine.segments:
        kept = waiting.get(normalize(segment.source))
        out.append(kept.pop(0) if kept else segment.target)
    lost = [f"“{source}” → “{tidy(text)}”" for source, texts in waiting.items() for text in texts]
    return out, lost


def tidy(english: str) -> str:
    """One edited sentence on one line, with single spaces (a table cell cannot break a paragraph)."""
    return " ".join(english.split())


def recheck(segment: Segment, english: str, *, glossary: Glossary | None = None) -> Segment:
    """``segment`` with the editor's English, the content checks run again on it. An edit is the
    editor's own text: the model's confidence and length cap no longer apply, so ``low_confidence``
    and ``truncated`` are not raised; the model's score is kept for the record. With a ``glossary``,
    the house forms of the source's terms are verified in the edit as written (never rewritten)."""
    details = check(segment.source, english)
    house = {form: arabic for form, arabic in segment.house_forms.items() if form.casefold() in english.casefold()}
    if glossary is not None:
        missing = glossary.missing(glossary.find(segment.source), english)
        if missing:
            details[GLOSSARY] = "; ".join(f"{entry.english} missing" for entry in missing)
        house = glossary.house_forms(segment.source, english)
    return replace(segment, target=english, flags=tuple(details), details=details, house_forms=house,
                   memory=None)


def edit(session: Session, english: Sequence[str], *, glossary: Glossary | None = None) -> Translation:
    """The translation with the editor's English for each sentence: changed sentences checked again,
    the others as the model wrote them, the text rebuilt with the article's paragraph breaks."""
    machine = session.machine
    if len(english) != len(machine.segments):
        raise TranslateError(f"{len(english)} sentences given for an article of {len(machine.segments)}.")
    segments = []
    for segment, text in zip(machine.segments, english, strict=True):
        text = tidy(text)
        segments.append(segment if text == segment.target else recheck(segment, text, glossary=glossary))
    return Translation(assemble(segments, session.breaks), tuple(segments))


def assemble(segments: Sequence[Segment], breaks: Sequence[str]) -> str:
    """The document text from its segments: sentences joined by spaces, paragraphs by ``breaks``."""
    if not segments:
        return ""
    paragraphs: dict[int, list[str]] = {}
    for segment in segments:
        paragraphs.setdefault(segment.paragraph, []).append(segment.source)
    pieces = tuple(tuple(paragraphs[index]) for index in sorted(paragraphs))
    return Layout(pieces, tuple(breaks)).assemble([s.target for s in segments])


def pairs(translation: Translation) -> list[tuple[str, str]]:
    """The (Arabic, English) pair of each row of the review table: what summary sentences cite by number."""
    return [(segment.source, segment.target) for segment in translation.segments]


def edited(machine: Translation, current: Translation) -> list[int]:
    """Indices of the sentences whose English differs from the machine's."""
    return [i for i, (m, c) in enumerate(zip(machine.segments, current.segments, strict=True))
            if m.target != c.target]


def flag_text(segment: Segment) -> str:
    """Each flag with what is wrong, one per line: ``numbers: 2020 in the Arabic is missing; …`` (the API's rows)."""
    return "\n".join(f"{flag}: {segment.details[flag]}" if segment.details.get(flag) else flag
                     for flag in segment.flags)


FLAG_WORDS = {"numbers": "Numbers", "dates": "Dates", "converted": "Converted date", "untranslated": "Untranslated",
              "length": "Length", "repetition": "Repeated words", "truncated": "Cut short",
              "low_confidence": "Low confidence", "glossary": "Glossary", "not_arabic": "Not Arabic"}
FLAG_MARK = "• "  # starts each flag's line, so that flags stay apart even where a cell runs lines together
HOUSE_MARK = "✓ "  # starts each line naming a glossary house form in the English (not a flag)


def house_lines(segment: Segment) -> list[str]:
    """The glossary house forms the English holds, one line each: ``✓ House form: Kim Jong Un (for
    Arabic كيم جونغ أون)``, so that the editor sees which words the glossary put or kept in."""
    return [f"{HOUSE_MARK}House form: {form} (for Arabic {arabic})" for form, arabic in segment.house_forms.items()]


def flag_words(segment: Segment) -> str:
    """The flags as the review table shows them: in words, one per line, each after a bullet
    (``• Numbers: 2020 in the Arabic is missing``), then the glossary's house forms (:func:`house_lines`)."""
    lines = []
    for flag in segment.flags:
        name = FLAG_WORDS.get(flag, flag.replace("_", " ").capitalize())
        detail = segment.details.get(flag)
        lines.append(f"{FLAG_MARK}{name}: {detail}" if detail else f"{FLAG_MARK}{name}")
    if segment.memory:  # not a flag: where the English came from
        lines.append(FLAG_MARK + memory_words(segment))
    return "\n".join(lines + house_lines(segment))


def alternative_label(candidate: Segment) -> str:
    """One candidate translation as the alternatives list shows it: the English, then its flags in words."""
    flags = flag_words(candidate).replace("\n", " ") or "no flags"
    return f"{candidate.target}   [{flags}]"


def rows(current: Translation, machine: Translation | None = None) -> list[list]:
    """One review row per sentence: number, Arabic, English, confidence (0–100, or "edited" for a
    sentence that differs from ``machine``) and the flags with their details."""
    changed = set(edited(machine, current)) if machine is not None else set()
    return [[i + 1, s.source, s.target, EDITED if i in changed else confidence(s.score), flag_text(s)]
            for i, s in enumerate(current.segments)]


ALTERNATIVES_LINE = "↻ Alternatives: select the sentence to see the model's other candidates"


def table(current: Translation, machine: Translation | None = None) -> dict[str, Any]:
    """The review table for the app: its rows, flagged rows highlighted (their flags end saying that
    alternatives are offered on selection), edited rows tinted."""
    data = [[*row[:4], "\n".join([flag_words(s), ALTERNATIVES_LINE]) if s.flags else flag_words(s)]
            for row, s in zip(rows(current, machine), current.segments, strict=True)]
    changed = set(edited(machine, current)) if machine is not None else set()
    styling = []
    for i, s in enumerate(current.segments):
        row = FLAGGED_STYLE if s.flags else EDITED_STYLE if i in changed else ""
        arabic = f"{row}; {ARABIC_STYLE}" if row else ARABIC_STYLE
        styling.append([arabic if column == ARABIC else row for column in range(len(HEADERS))])
    return {"headers": list(HEADERS), "data": data, "metadata": {"styling": styling, "display_value": None}}


def status(machine: Translation, current: Translation, summary: dict[str, Any] | None = None,
           note: str = "") -> str:
    """What the editor should know: sentences, how many to double-check, the paragraphs kept as written
    (not Arabic), how many edited, the summary."""
    changed = len(edited(machine, current))
    text = f"{len(current.segments)} sentences, {len(current.flagged)} to double-check."
    kept = kept_note(machine.segments)  # the machine's decision, whatever the editor wrote over it since
    if kept:
        text += f" {kept}"
    if changed:
        text += f" {changed} edited."
        if summary is not None and summary.get("of") != EDITED:
            text += " The summary is of the machine translation: press Regenerate summaries to update it."
    return f"{text} {note}".strip()


def edited_note(machine: Translation, current: Translation) -> str:
    """What every download says about the editor's changes, as the .json's ``edited_sentences`` lists them:
    "Edited by the editor: sentences 2, 5 (of 9)." or "Edited by the editor: none of the 9 sentences."."""
    numbers = [i + 1 for i in edited(machine, current)]
    total = len(current.segments)
    if not numbers:
        return f"Edited by the editor: none of the {total} sentence{'s' if total != 1 else ''}."
    which = "sentence" if len(numbers) == 1 else "sentences"
    return f"Edited by the editor: {which} {', '.join(map(str, numbers))} (of {total})."


def payload(machine: Translation, current: Translation, *, summary: dict[str, Any] | None = None,
            signature: dict[str, Any] | None = None) -> dict[str, Any]:
    """The .json download: what made it, the text, and every sentence with its flags, details,
    confidence and log-probability; an edited sentence keeps ``machine`` and ``edited`` side by side.
    ``edited_sentences`` numbers the edited sentences from 1, and ``edited_note`` says it in the words
    that close the other downloads (:func:`edited_note`)."""
    changed = set(edited(machine, current))
    segments = []
    for i, (m, c) in enumerate(zip(machine.segments, current.segments, strict=True)):
        item = {**asdict(c), "flags": list(c.flags), "confidence": confidence(c.score)}
        if i in changed:
            item |= {"machine": m.target, "edited": c.target, "machine_flags": list(m.flags),
                     "machine_details": m.details}
        segments.append(item)
    return {"signature": signature, "text": current.text, "machine_text": machine.text,
            "edited": len(changed), "edited_sentences": sorted(i + 1 for i in changed),
            "edited_note": edited_note(machine, current), "segments": segments, "summary": summary}


def export(folder: Path, machine: Translation, current: Translation, *, summary: dict[str, Any] | None = None,
           signature: dict[str, Any] | None = None) -> list[str]:
    """The current translation as .txt, .docx and .json files in ``folder`` for download; the .docx
    has a paragraph per line, and a heading for a short Arabic line without a sentence mark above more text.
    Each says which sentences the editor changed (:func:`edited_note`: the .txt's last line, the .docx's
    small print, beside what made it, and the .json's ``edited_sentences``); the .docx is signed."""
    from translate.formats.signing import made_by_line, sign_docx
    from translate.formats.writers import Block, blocks_of, write_docx

    txt, docx_path, json_path = (folder / name for name in FILE_NAMES)
    notes = flagged_lines(summary)  # flagged summary sentences, after the translation
    closing = edited_note(machine, current)
    txt.write_text(current.text + "\n" + (f"\n{SUMMARY_NOTES}\n" + "\n".join(notes) + "\n" if notes else "")
                   + f"\n{closing}\n", encoding="utf-8")
    sources: dict[int, list[str]] = {}
    for segment in current.segments:
        sources.setdefault(segment.paragraph, []).append(segment.source)
    arabic = "\n".join(" ".join(parts) for parts in sources.values())
    blocks = blocks_of(current.text, arabic)  # paragraphs, and headings as Word headings
    blocks += [Block(SUMMARY_NOTES, heading=True), *(Block(note) for note in notes)] if notes else []
    docx_path.write_bytes(sign_docx(write_docx(blocks, [closing, made_by_line(signature)]), signature, new=True))
    data = payload(machine, current, summary=summary, signature=signature)
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    log.debug("exported %d sentences (%d edited) to %s", len(current.segments), data["edited"], folder)
    return [str(txt), str(docx_path), str(json_path)]
