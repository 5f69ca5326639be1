"""The web app's event handlers: plain functions that take the :class:`~web.service.Service` first, so
that each can be called and tested alone; :func:`app.build_app` only wires them to the page.

Handlers answer bad input with ``gr.Error`` in the words of the page. The Paste tab's glossary (an
uploaded file and an editable table) and the Files tab's (a file) join the server's for one request:
:func:`request_glossary`, read and built by :func:`before_turn` before the request waits for the models.
Files are read only if the client uploaded them here (:class:`web.uploads.Uploads`).
"""

from __future__ import annotations

import inspect
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import gradio as gr

from jobs.batch import Record, Run
from summarize import Summarizer
from translate import TranslateError, Translation
from translate.config import FILE_MAX_BYTES, FILE_MAX_CHARS, FILES_PER_CALL, GLOSSARY_UPLOAD_MAX_ENTRIES, UPLOAD_TYPES
from translate.config import signature as run_signature
from translate.files import InputProblem
from translate.formats import parse
from translate.glossary import Glossary
from translate.language import language_warnings
from translate.text import normalize, split_paragraphs
from translate.translator import Translator
from web import memory_hooks, review
from web.service import Service

NO_SUMMARIES = "Summaries are switched off on this server."
UNREAD_TYPE = "not translated: the app reads {types} files, not '{suffix}'"


@dataclass(frozen=True)
class Reviewing:
    """What the Paste tab keeps between events (its ``gr.State``): the article under review and the
    glossary it was translated with, which the re-checks of the editor's changes use too."""

    session: review.Session
    glossary: Glossary | None = None
    english: tuple[str, ...] | None = None  # the English of each sentence now (None: the machine's)
    history: tuple[tuple[str, ...], ...] = ()  # the English before each edit, the last edit last
    before: Reviewing | None = None  # the review a re-translation replaced, its edits as they were (for Undo)

    def now(self) -> tuple[str, ...]:
        """The English of each sentence as the editor last left it."""
        return self.english if self.english is not None else tuple(s.target for s in self.session.machine.segments)


UNDO_DEPTH = 50  # edits the Paste tab can undo, the latest first


# --- helpers ---------------------------------------------------------------------------------------

def checked(service: Service, text: str) -> str:
    """The length checked first, then the normalised article checked again (characters and tokens)."""
    try:
        return service.article(text)
    except TranslateError as error:
        raise gr.Error(str(error)) from None


@dataclass(frozen=True)
class RequestGlossary:
    """The glossary of one request, already read and built (see :func:`before_turn`); a handler takes
    it in place of the glossary file it was sent."""

    glossary: Glossary | None


def before_turn(service: Service, handler: Any, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """``handler``'s arguments, with its glossary file and table rows (when it takes them) replaced by
    the request's glossary, read and built now: before the request waits for its turn on the models,
    so that a long glossary never holds the models and a bad one is refused at once. The glossary
    lives as long as the request (and the Paste tab's review of its article)."""
    signature = inspect.signature(handler)
    if "glossary_file" not in signature.parameters:
        return args, kwargs
    call = signature.bind(*args, **kwargs)
    given = call.arguments.get("glossary_file")
    call.arguments["glossary_file"] = RequestGlossary(request_glossary(service, given, call.arguments.get(
        "glossary_rows")))
    call.arguments.pop("glossary_rows", None)
    return call.args, call.kwargs


def request_glossary(service: Service, upload: str | RequestGlossary | None = None, rows: Any = None
                     ) -> Glossary | None:
    """The glossary of one request: the server's (``--glossary``, ``KHABAR_GLOSSARY``), then a glossary
    file the client uploaded, then the rows of the page's glossary table (empty rows skipped); the file
    and the table hold at most ``GLOSSARY_UPLOAD_MAX_ENTRIES`` entries each. None without any. A
    :class:`RequestGlossary` is that glossary already built.

    Raises ``gr.Error`` with the glossary's own message: a bad file or row, or an Arabic term given
    two English forms in two of them (both places named)."""
    if isinstance(upload, RequestGlossary):
        return upload.glossary
    try:
        parts = [service.translator.glossary, uploaded_glossary(service, upload) if upload else None,
                 Glossary.from_rows(review.table_rows(rows), max_entries=GLOSSARY_UPLOAD_MAX_ENTRIES)]
        glossary = None
        for part in parts:
            if part is not None and part.entries:
                glossary = part if glossary is None else glossary.merge(part)
    except TranslateError as error:
        raise gr.Error(str(error)) from None
    return glossary


def uploaded_glossary(service: Service, path: str) -> Glossary:
    """The glossary file the client uploaded at ``path`` (refused unless uploaded here)."""
    name = Path(path).name
    try:
        data = service.uploads.read(path, max_bytes=FILE_MAX_BYTES)
    except InputProblem as problem:
        raise TranslateError(f"Glossary {name}: {problem.reason}.") from None
    return Glossary.parse(data, name=name, max_entries=GLOSSARY_UPLOAD_MAX_ENTRIES)


def models_for(service: Service, glossary: Glossary | None) -> tuple[Translator, Summarizer | None]:
    """The service's translator and summariser with ``glossary``: the same models and cache, or the
    service's own objects when they already carry that glossary."""
    translator, summarizer = service.translator, service.summarizer
    if glossary != translator.glossary:
        translator = translator.with_glossary(glossary)
    if summarizer is not None and glossary != summarizer.glossary:
        summarizer = summarizer.with_glossary(glossary)
    return translator, summarizer


def summary_note(result) -> str:
    """What the status says of a summary: what it covers, and its flags to check."""
    return f"Summary of the {result.coverage}." + (f" Check: {', '.join(result.flags)}." if result.flags else "")


def review_rows(translation: Translation, machine: Translation | None = None) -> list[list]:
    """One table row per sentence: number, Arabic, English, confidence (0–100) and flags with details."""
    return review.rows(translation, machine)


def review_table(translation: Translation, machine: Translation | None = None) -> dict:
    """The review table, flagged rows highlighted and edited rows (those differing from ``machine``) tinted."""
    return review.table(translation, machine)


def export_files(service: Service, state: Reviewing, current: Translation) -> list[str]:
    """The current translation as .txt, .docx and .json files (machine and edited side by side), signed
    by the translator and summariser of the request's glossary."""
    translator, summarizer = models_for(service, state.glossary)
    return review.export(service.scratch(), state.session.machine, current, summary=state.session.summary,
                         signature=run_signature(translator, summarizer))


def unique_names(names: list[str]) -> list[str]:
    """One input name per upload: a repeated ``story.txt`` becomes ``story (2).txt``, ``story (3).txt`` ..."""
    taken: set[str] = set()
    result = []
    for name in names:
        stem, suffix = Path(name).stem, Path(name).suffix
        candidate, number = name, 1
        while candidate.lower() in taken:
            number += 1
            candidate = f"{stem} ({number}){suffix}"
        taken.add(candidate.lower())
        result.append(candidate)
    return result


def upload_problem(name: str, data: bytes) -> str | None:
    """Why an uploaded file (``data``, uploaded as ``name``) is refused before translation (its text
    length, or what its reader says, e.g. a .docx bomb), or None when it may go on."""
    if not data.strip():
        return None  # the batch job says "the file is empty"
    try:
        chars = sum(len(unit) for unit in parse(Path(name), data).units)
    except TranslateError as error:
        return str(error)
    if chars > FILE_MAX_CHARS:
        return (f"the file holds {chars:,} characters of text; the limit is {FILE_MAX_CHARS:,} "
                "characters per file. Split it into smaller files")
    return None


def current_of(state: Reviewing | None, rows: Any) -> Translation:
    """The translation with the English of the review table ``rows``, edited sentences checked again
    (with the request's glossary)."""
    return current_and_note(state, rows)[0]


def current_and_note(state: Reviewing | None, rows: Any) -> tuple[Translation, str]:
    """:func:`current_of`, and what was put back in a table whose rows were added or deleted ("" if none)."""
    if state is None:
        raise gr.Error("Translate an article first: the review table belongs to a translation.")
    english, note = review.match_rows(rows, state.session.machine)  # rows added or deleted in the browser
    if note:
        gr.Warning(note)
    try:
        return review.edit(state.session, english, glossary=state.glossary), note
    except TranslateError as error:
        raise gr.Error(str(error)) from None


# --- handlers --------------------------------------------------------------------------------------

def translate(service: Service, text: str) -> tuple[str, list[list]]:
    """Translate an Arabic article; returns the English and one review row per sentence."""
    article = checked(service, text)
    try:
        translation = service.translator.translate(article)
    except TranslateError as error:
        raise gr.Error(str(error)) from None
    return translation.text, review_rows(translation)


def summarize(service: Service, text: str) -> tuple[str, str, str]:
    """Summarise an Arabic article; returns the English summary, the Arabic summary and the flags."""
    article = checked(service, text)
    if service.summarizer is None:
        raise gr.Error(NO_SUMMARIES)
    try:
        translation = service.translator.translate(article)
        summary = service.summarizer.summarize(arabic=article, english=translation.text,
                                               sentences=review.pairs(translation))
    except TranslateError as error:
        raise gr.Error(str(error)) from None
    return summary.english, summary.arabic, ", ".join(summary.flags)


def run_article(service: Service, text: str, with_summary: bool, glossary_file: str | None = None,
                glossary_rows: Any = None) -> Iterator[tuple]:
    """The paste tab: stream the translation paragraph by paragraph, then add the summaries. An optional
    glossary file (.tsv or .csv) and glossary table rows (Arabic, English, English variants, Arabic
    house form, note) join the server's glossary for this article."""
    yield from _run_article(service, text, with_summary, glossary_file, glossary_rows)


def retranslate(service: Service, text: str, with_summary: bool, glossary_file: str | None = None,
                glossary_rows: Any = None, state: Reviewing | None = None, rows: Any = None) -> Iterator[tuple]:
    """The Paste tab's Translate button: :func:`run_article`, keeping the editor's edits of the review
    under way (``state`` and its table ``rows``) for every sentence whose Arabic did not change; edits
    that found no sentence are listed in the status, so that none is lost unseen."""
    previous = None
    if state is not None:
        english, _ = review.match_rows(rows, state.session.machine)
        if any(review.tidy(t) != s.target for t, s in zip(english, state.session.machine.segments, strict=True)):
            previous = (state.session.machine, english)
    before = replace(state, english=tuple(previous[1]), before=None) if previous else None  # one level back
    yield from _run_article(service, text, with_summary, glossary_file, glossary_rows, previous, before)


def _run_article(service: Service, text: str, with_summary: bool, glossary_file: Any, glossary_rows: Any,
                 previous: tuple[Translation, list[str]] | None = None, before: Reviewing | None = None
                 ) -> Iterator[tuple]:
    """The run of :func:`run_article`, with the edits of an earlier review (``previous``: its machine
    translation and English) carried to the new translation (see :func:`web.review.carry_edits`);
    ``before``, that review, is kept in the new one for Undo."""
    article = checked(service, text)
    glossary = request_glossary(service, glossary_file, glossary_rows)  # a bad glossary: nothing translated
    translator, summarizer = models_for(service, glossary)
    warning = " ".join(language_warnings(article))  # mixed languages: said in the status, not refused
    for notice in service.unsaid_notices():  # the int8 guard changed a compute type: said once, as a toast
        gr.Warning(notice)
    translation = None
    try:
        paragraphs = len(split_paragraphs(normalize(article, strip_diacritics=translator.strip_diacritics))[0])
        for translation in translator.translate_progressively(article, step_pieces=1):  # by paragraph
            done = translation.segments[-1].paragraph + 1 if translation.segments else 0
            progress = f"Translating… paragraph {done} of {paragraphs} done." if paragraphs > 1 else "Translating…"
            yield translation.text, review_table(translation), "", "", None, f"{progress} {warning}".strip(), None
        summary, note = None, ""
        if with_summary and summarizer is not None:
            yield translation.text, review_table(translation), "", "", None, "Summarising…", None
            try:
                result = summarizer.summarize(arabic=article, english=translation.text,
                                              sentences=review.pairs(translation))
                summary, note = asdict(result) | {"of": "machine"}, summary_note(result)
            except TranslateError as error:
                note = f"No summary: {error}"
        elif summarizer is None:
            note = f"No summary: {NO_SUMMARIES[0].lower()}{NO_SUMMARIES[1:]}"
        else:
            note = "No summary: Write a summary was switched off."
        session = review.Session.start(article, translation, summary=summary,
                                       strip_diacritics=translator.strip_diacritics)
    except TranslateError as error:
        raise gr.Error(str(error)) from None
    state, current, kept = Reviewing(session, glossary), translation, ""
    if previous is not None:
        english, lost = review.carry_edits(*previous, translation)
        try:
            current = review.edit(session, english, glossary=glossary)
        except TranslateError as error:
            raise gr.Error(str(error)) from None
        state = replace(state, english=tuple(english), before=before)
        carried = len(review.edited(translation, current))
        kept = f"{carried} edit{'s' if carried != 1 else ''} kept from before." if carried else ""
        if lost:
            kept += (f" {len(lost)} edit{'s' if len(lost) > 1 else ''} replaced: the Arabic changed, so "
                     f"{'they were' if len(lost) > 1 else 'it was'} not kept: " + "; ".join(lost) + ".")
        if before is not None:
            kept += " Undo brings back the edits as they were before this translation."
    yield (current.text, review_table(current, translation), summary["english"] if summary else "",
           summary["arabic"] if summary else "", export_files(service, state, current),
           review.status(translation, current, summary, f"{warning} {note} {kept}".strip()), state)


def apply_edits(service: Service, state: Reviewing | None, rows: Any) -> tuple:
    """After an edit in the review table: the checks run again on edited sentences, and the English,
    the downloads and the status follow the edits."""
    current = current_of(state, rows)
    machine = state.session.machine
    return (current.text, review_table(current, machine), export_files(service, state, current),
            review.status(machine, current, state.session.summary))


def edit_review(service: Service, state: Reviewing | None, rows: Any, editor: str | None = None) -> tuple:
    """The Paste tab's edit: :func:`apply_edits`, with the English before the edit kept for Undo and
    the status saying what was put back in a table whose rows were added or deleted; returns the new
    state last. Each changed sentence is saved in the translation memory as ``editor``'s edit."""
    current, note = current_and_note(state, rows)
    machine = state.session.machine
    english = tuple(s.target for s in current.segments)
    if english != tuple(review.tidy(t) for t in state.now()):
        memory_hooks.remember_edits(models_for(service, state.glossary)[0], machine, state.now(), english, editor)
        state = replace(state, english=english, history=(*state.history, state.now())[-UNDO_DEPTH:])
    return (current.text, review_table(current, machine), export_files(service, state, current),
            review.status(machine, current, state.session.summary, f"{note} {undo_note(state)}".strip()), state)


def undo_note(state: Reviewing) -> str:
    """How many edits Undo can take back."""
    return f"Undo can take back {len(state.history)} edit{'s' if len(state.history) != 1 else ''}." \
        if state.history else ""


def undo(service: Service, state: Reviewing | None, editor: str | None = None) -> tuple:
    """Take back the last edit in the review table: the English, the table, the downloads and the
    status as they were before it (and the translation memory too, as ``editor``'s edit). With no edit
    left since the article was translated again, the re-translation itself is taken back: the review
    before it, with its edits (``state.before``)."""
    if state is None:
        raise gr.Error("Translate an article first: there is nothing to undo.")
    if not state.history and state.before is not None:  # the re-translation itself is taken back
        state = state.before
        try:
            current = review.edit(state.session, state.now(), glossary=state.glossary)
        except TranslateError as error:
            raise gr.Error(str(error)) from None
        return (current.text, review_table(current, state.session.machine), export_files(service, state, current),
                review.status(state.session.machine, current, state.session.summary,
                              f"Translation undone: the review and its edits as they were before Translate was "
                              f"pressed again. {undo_note(state)}".strip()), state)
    if not state.history:
        raise gr.Error("There is no edit to undo.")
    english = state.history[-1]
    memory_hooks.remember_edits(models_for(service, state.glossary)[0], state.session.machine, state.now(),
                                [review.tidy(t) for t in english], editor)
    state = replace(state, english=english, history=state.history[:-1])
    machine = state.session.machine
    try:
        current = review.edit(state.session, english, glossary=state.glossary)
    except TranslateError as error:
        raise gr.Error(str(error)) from None
    return (current.text, review_table(current, machine), export_files(service, state, current),
            review.status(machine, current, state.session.summary, f"Edit undone. {undo_note(state)}".strip()),
            state)


def article_of(state: Reviewing | None, text: str) -> tuple:
    """After Undo: the Arabic box and the summaries of the review now shown (an undone re-translation
    brings back the article it was made of); the Arabic box is left as typed when it is that article."""
    if state is None:
        return gr.update(), gr.update(), gr.update()
    summary = state.session.summary or {}
    same = normalize(text or "") == normalize(state.session.article)
    return (gr.update() if same else state.session.article, summary.get("english", ""), summary.get("arabic", ""))


def regenerate_summaries(service: Service, state: Reviewing | None, rows: Any) -> tuple:
    """Summarise the edited translation (on request only), then refresh the downloads."""
    current = current_of(state, rows)
    _, summarizer = models_for(service, state.glossary)
    if summarizer is None:
        raise gr.Error(NO_SUMMARIES)
    session = state.session
    try:
        result = summarizer.summarize(arabic=session.article, english=current.text,
                                      sentences=review.pairs(current))  # support against the edited English
    except TranslateError as error:
        raise gr.Error(str(error)) from None
    of = review.EDITED if review.edited(session.machine, current) else "machine"
    state = replace(state, session=replace(session, summary=asdict(result) | {"of": of}))
    return (result.english, result.arabic, export_files(service, state, current),
            review.status(session.machine, current, state.session.summary, summary_note(result)), state)


def review_article(service: Service, text: str, rows: list[list], glossary_file: str | None = None,
                   glossary_rows: Any = None) -> tuple[str, list[list], list[str], str]:
    """Check an article's edited review rows again: the English, the re-checked rows, the downloads, the
    status. The optional glossary file and rows are those the article was translated with."""
    article = checked(service, text)
    glossary = request_glossary(service, glossary_file, glossary_rows)
    translator, _ = models_for(service, glossary)
    try:
        machine = translator.translate(article)
        session = review.Session.start(article, machine, strip_diacritics=translator.strip_diacritics)
        current = review.edit(session, review.english_of(rows, machine), glossary=glossary)
    except TranslateError as error:
        raise gr.Error(str(error)) from None
    return (current.text, review_rows(current, machine), export_files(service, Reviewing(session, glossary), current),
            review.status(machine, current))


def too_large(chosen: Any, uploaded: list[str] | None = None) -> list[str]:
    """The files the page did not upload because one of those chosen with them is over the size limit
    (the page then uploads none), as its script saw them chosen (a JSON list of ``{"name", "size"}``),
    each with the reason, for the status; names among ``uploaded`` (paths) are left out."""
    try:
        items = json.loads(chosen) if isinstance(chosen, str) and chosen else []
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    items = [item for item in items[:FILES_PER_CALL * 2] if isinstance(item, dict)
             and isinstance(item.get("size"), int) and not isinstance(item.get("size"), bool)]
    if not any(item["size"] > FILE_MAX_BYTES for item in items):
        return []
    here = {Path(path).name for path in uploaded or []}
    said = []
    for item in items:
        name = " ".join(str(item.get("name", "")).split())[:200] or "a file"
        if name in here:
            continue
        said.append(f"{name}: not uploaded: the file is {item['size']:,} bytes; the limit is {FILE_MAX_BYTES:,} "
                    "bytes per file" if item["size"] > FILE_MAX_BYTES else
                    f"{name}: not uploaded: it was chosen with a file over the size limit; upload it again without it")
    return said


def translate_files(service: Service, paths: list[str] | None, with_summary: bool = True,
                    glossary_file: str | None = None, not_uploaded: str | None = None) -> tuple[list[str], str]:
    """Translate uploaded files with the batch job's code; returns the outputs (one zip for several).
    An uploaded glossary file (.tsv or .csv) joins the server's glossary for these files. The files the
    page left out for their size (``not_uploaded``, see :func:`too_large`) are listed in the status."""
    left_out = too_large(not_uploaded, paths)
    if not paths and left_out:
        return [], "No file translated. Problems: " + "; ".join(left_out) + "."
    if not paths:
        raise gr.Error(f"Upload at least one file ({', '.join(UPLOAD_TYPES)}).")
    if len(paths) > FILES_PER_CALL:
        raise gr.Error(f"{len(paths)} files were sent; the limit is {FILES_PER_CALL} at a time. "
                       "Translate them in smaller groups.")
    try:
        for path in paths:
            service.uploads.check(path)  # only files uploaded here, before any work
    except TranslateError as error:
        raise gr.Error(str(error)) from None
    translator, summarizer = models_for(service, request_glossary(service, glossary_file))  # bad: nothing done
    folder = service.scratch()
    source, out = folder / "in", folder / "out"
    source.mkdir()
    originals = [Path(path).name for path in paths]
    names = unique_names(originals)
    shown = {name: name if name == original else f"{name} (uploaded as {original})"
             for name, original in zip(names, originals, strict=True)}
    refused = []
    for path, name in zip(paths, names, strict=True):
        if Path(name).suffix.lower() not in UPLOAD_TYPES:  # the page takes any file, so that this is said
            refused.append(Record(input=name, sha256=None, status="failed", reason=UNREAD_TYPE.format(
                suffix=Path(name).suffix or "none", types=", ".join(UPLOAD_TYPES))))
            continue
        try:
            data = service.uploads.read(path, max_bytes=FILE_MAX_BYTES)
        except InputProblem as problem:
            refused.append(Record(input=name, sha256=None, status="failed", reason=problem.reason))
            continue
        except TranslateError as error:
            raise gr.Error(str(error)) from None
        problem = upload_problem(name, data)
        if problem:
            refused.append(Record(input=name, sha256=None, status="failed", reason=problem))
        else:
            (source / name).write_bytes(data)
    records: list[Record] = []
    if any(source.iterdir()):
        try:  # the run's report goes to a buffer: its records are what the page shows
            records = Run(source, out, translator, summarizer if with_summary else None,
                          log=io.StringIO()).execute().records
        except TranslateError as error:
            raise gr.Error(str(error)) from None
    records = sorted(records + refused, key=lambda r: names.index(r.input) if r.input in names else 0)
    outputs = [out / o for r in records for o in r.outputs]
    problems = [f"{shown.get(r.input, r.input)}: {r.reason}" for r in records if r.status != "done"] + left_out
    if not outputs:  # said in the status, which stays, not in a passing message
        return [], "Nothing could be translated. Problems: " + "; ".join(problems).rstrip(".") + "."
    if len(records) > 1:
        bundle = folder / "translations.zip"
        with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in outputs:
                archive.write(path, path.relative_to(out).as_posix())
            archive.writestr("manifest.jsonl", "".join(manifest_line(r, names, originals) + "\n" for r in records))
        outputs = [bundle]
    done = sum(r.status == "done" for r in records)
    status = f"{done} of {len(records) + len(left_out)} files translated."
    renamed = [shown[n] for n in names if shown[n] != n]
    if renamed:
        status += " Same names renamed: " + "; ".join(renamed) + "."
    if problems:
        status += " Problems: " + "; ".join(problems).rstrip(".") + "."
    return [str(p) for p in outputs], status + summaries_said(records, shown, with_summary, summarizer)


def summaries_said(records: list[Record], shown: dict[str, str], asked: bool, summarizer: Summarizer | None) -> str:
    """What the Files tab's status says of summaries not written: all of them switched off (by the
    editor, or on this server), or each translated file's summary that was skipped, with the reason."""
    if not any(r.status == "done" for r in records):
        return ""
    if summarizer is None:
        return f" No summaries: {NO_SUMMARIES[0].lower()}{NO_SUMMARIES[1:]}"
    if not asked:
        return " No summaries: Write summaries was switched off."
    skipped = [f"{shown.get(r.input, r.input)}: {r.summary_error}" for r in records
               if r.status == "done" and r.summary_error]
    return " No summary for " + "; ".join(skipped) if skipped else ""


def manifest_line(record: Record, names: list[str], originals: list[str]) -> str:
    """One line of the zip's manifest: the batch job's record and the name the file was uploaded as."""
    data = json.loads(record.to_json())
    data["uploaded_as"] = originals[names.index(record.input)] if record.input in names else None
    return json.dumps(data, ensure_ascii=False)


ALTERNATIVES = 3  # candidates the Paste tab offers for a sentence


def selected_row(event: gr.SelectData) -> int | None:
    """The row of the review table cell the editor selected (None for a header)."""
    index = event.index
    return index[0] if isinstance(index, (list, tuple)) and index and index[0] is not None else None


def alternatives(service: Service, state: Reviewing | None, row: int | None) -> Any:
    """The model's candidate translations of the selected sentence (its n-best list, best first), each
    with its flags in words, as the choices of the Paste tab's alternatives list."""
    if state is None:
        raise gr.Error("Translate an article first: alternatives are for a sentence of the review table.")
    segments = state.session.machine.segments
    if row is None or not 0 <= row < len(segments):
        raise gr.Error("Select a sentence in the review table first.")
    translator, _ = models_for(service, state.glossary)
    try:
        (candidates,) = translator.alternatives([segments[row].source], count=ALTERNATIVES)
    except TranslateError as error:
        raise gr.Error(str(error)) from None
    choices = [(review.alternative_label(c), c.target) for c in candidates]
    choices += memory_hooks.suggestions(translator, segments[row].source)  # offered, never applied unasked
    return gr.update(choices=choices, value=None, label=f"Sentence {row + 1}: the model's candidates", visible=True)


def offer_alternatives(service: Service, state: Reviewing | None, row: int | None) -> Any:
    """On selecting a sentence of the review table: a flagged one (as the editor left it) shows its
    :func:`alternatives` at once; any other keeps the list as it is (the button asks for them)."""
    if state is None or row is None or not 0 <= row < len(state.session.machine.segments):
        return gr.update()
    try:
        current = review.edit(state.session, state.now(), glossary=state.glossary)
    except TranslateError:
        return gr.update()  # the table and the state disagree: the next edit says so
    return alternatives(service, state, row) if current.segments[row].flags else gr.update()


def pick_alternative(service: Service, state: Reviewing | None, rows: Any, row: int | None,
                     english: str | None, editor: str | None = None) -> tuple:
    """Make the chosen candidate the selected sentence's edit (checked again, undoable as any edit)."""
    if state is None or row is None:
        raise gr.Error("Select a sentence in the review table and ask for its alternatives first.")
    if not english:
        raise gr.Error("Choose one of the alternatives first.")
    english_now, _ = review.match_rows(rows, state.session.machine)
    if not 0 <= row < len(english_now):
        raise gr.Error("Select a sentence in the review table first.")
    english_now[row] = english
    machine = state.session.machine
    table_now = review.rows(machine)
    for line, text in zip(table_now, english_now, strict=True):
        line[review.ENGLISH] = text
    return edit_review(service, state, table_now, editor)
