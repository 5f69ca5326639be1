"""Web app for editors: paste an Arabic article, get the English, both summaries and a review table.

``python app.py [--model M] [--summary-model S] [--host 127.0.0.1] [--port 7860] [--no-ui]`` serves the app at ``/``
and the LibreTranslate-compatible HTTP API beside it (``--no-ui``: the API only).
"""

from __future__ import annotations

import argparse
import functools
import inspect
import io
import json
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from pathlib import Path

import gradio as gr

from translate import TranslateError, Translation
from translate.batch import Run
from translate.config import (
    ARTICLE_MAX_CHARS,
    FILE_MAX_BYTES,
    FILE_MAX_CHARS,
    QUEUE_SIZE,
    UPLOAD_TYPES,
    add_arguments,
    config_from_parser,
)
from translate.config import signature as run_signature
from translate.formats import parse
from translate.language import language_warnings
from translate.settings import setting
from web import review
from web.service import Service

EXAMPLE_FILE = Path(__file__).with_name("examples") / "article_ar.txt"
CSS = """
.review-note { font-size: 0.9em; }
"""


def taking_turns(service: Service, handler: Callable) -> Callable:
    """``handler`` run inside the service's turn on the models (shared with the HTTP API); a full
    wait answers with the service's "busy" message. Generators keep the turn until they finish."""
    if inspect.isgeneratorfunction(handler):
        @functools.wraps(handler)
        def streaming(*args, **kwargs):
            try:
                with service.slot():
                    yield from handler(*args, **kwargs)
            except TranslateError as error:
                raise gr.Error(str(error)) from None
        return streaming

    @functools.wraps(handler)
    def plain(*args, **kwargs):
        try:
            with service.slot():
                return handler(*args, **kwargs)
        except TranslateError as error:
            raise gr.Error(str(error)) from None
    return plain


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


def upload_problem(path: Path, shown: str) -> str | None:
    """Why an uploaded file is refused before translation (its size, its text length, or what its
    reader says, e.g. a .docx bomb), or None when it may go on."""
    try:
        size = path.stat().st_size
        if size > FILE_MAX_BYTES:
            return f"{shown}: the file is {size:,} bytes; the limit is {FILE_MAX_BYTES:,} bytes per file"
        data = path.read_bytes()
    except OSError as error:
        return f"{shown}: cannot read the file ({error.strerror})"
    if not data.strip():
        return None  # the batch job says "the file is empty"
    try:
        chars = sum(len(unit) for unit in parse(path, data).units)
    except TranslateError as error:
        return f"{shown}: {error}"
    if chars > FILE_MAX_CHARS:
        return (f"{shown}: the file holds {chars:,} characters of text; the limit is {FILE_MAX_CHARS:,} "
                "characters per file. Split it into smaller files")
    return None


def review_rows(translation: Translation, machine: Translation | None = None) -> list[list]:
    """One table row per sentence: number, Arabic, English, confidence (0–100) and flags with details."""
    return review.rows(translation, machine)


def review_table(translation: Translation, machine: Translation | None = None) -> dict:
    """The review table, flagged rows highlighted and edited rows (those differing from ``machine``) tinted."""
    return review.table(translation, machine)


def export_files(service: Service, session: review.Session, current: Translation) -> list[str]:
    """The current translation as .txt, .docx and .json files (machine and edited side by side, signed)."""
    return review.export(service.scratch(), session.machine, current, summary=session.summary,
                         signature=run_signature(service.translator, service.summarizer))


def build_app(service: Service, *, max_queue: int = QUEUE_SIZE, concurrency: int = 1) -> gr.Blocks:
    """The Gradio Blocks app with its named API endpoints. Every event that uses the models takes
    the service's turn (see :func:`taking_turns`), so editors and HTTP API calls take turns."""

    def checked(text: str) -> str:
        """The length checked first, then the normalised article checked again (characters and tokens)."""
        try:
            return service.article(text)
        except TranslateError as error:
            raise gr.Error(str(error)) from None

    def translate(text: str) -> tuple[str, list[list]]:
        """Translate an Arabic article; returns the English and one review row per sentence."""
        article = checked(text)
        try:
            translation = service.translator.translate(article)
        except TranslateError as error:
            raise gr.Error(str(error)) from None
        return translation.text, review_rows(translation)

    def summarize(text: str) -> tuple[str, str, str]:
        """Summarise an Arabic article; returns the English summary, the Arabic summary and the flags."""
        article = checked(text)
        if service.summarizer is None:
            raise gr.Error("Summaries are switched off on this server.")
        try:
            english = service.translator.translate(article).text
            summary = service.summarizer.summarize(arabic=article, english=english)
        except TranslateError as error:
            raise gr.Error(str(error)) from None
        return summary.english, summary.arabic, ", ".join(summary.flags)

    def run_article(text: str, with_summary: bool) -> Iterator[tuple]:
        """The paste tab: stream the translation paragraph by paragraph, then add the summaries."""
        article = checked(text)
        warning = " ".join(language_warnings(article))  # mixed languages: said in the status, not refused
        translation = None
        try:
            for translation in service.translator.translate_progressively(article, step_pieces=1):  # by paragraph
                yield translation.text, review_table(translation), "", "", None, f"Translating… {warning}".strip(), None
            summary, note = None, ""
            if with_summary and service.summarizer is not None:
                yield translation.text, review_table(translation), "", "", None, "Summarising…", None
                try:
                    result = service.summarizer.summarize(arabic=article, english=translation.text)
                    summary, note = asdict(result) | {"of": "machine"}, summary_note(result)
                except TranslateError as error:
                    note = f"No summary: {error}"
            session = review.Session.start(article, translation, summary=summary,
                                           strip_diacritics=service.translator.strip_diacritics)
        except TranslateError as error:
            raise gr.Error(str(error)) from None
        yield (translation.text, review_table(translation), summary["english"] if summary else "",
               summary["arabic"] if summary else "", export_files(service, session, translation),
               review.status(translation, translation, summary, f"{warning} {note}".strip()), session)

    def summary_note(result) -> str:
        return f"Summary of the {result.coverage}." + (f" Check: {', '.join(result.flags)}." if result.flags else "")

    def current_of(session: review.Session | None, rows) -> Translation:
        if session is None:
            raise gr.Error("Translate an article first: the review table belongs to a translation.")
        english, note = review.match_rows(rows, session.machine)  # rows added or deleted in the browser
        if note:
            gr.Warning(note)
        try:
            return review.edit(session, english, glossary=service.translator.glossary)
        except TranslateError as error:
            raise gr.Error(str(error)) from None

    def apply_edits(session: review.Session | None, rows) -> tuple:
        """After an edit in the review table: the checks run again on edited sentences, and the English,
        the downloads and the status follow the edits."""
        current = current_of(session, rows)
        return (current.text, review_table(current, session.machine), export_files(service, session, current),
                review.status(session.machine, current, session.summary))

    def regenerate_summaries(session: review.Session | None, rows) -> tuple:
        """Summarise the edited translation (on request only), then refresh the downloads."""
        current = current_of(session, rows)
        if service.summarizer is None:
            raise gr.Error("Summaries are switched off on this server.")
        try:
            result = service.summarizer.summarize(arabic=session.article, english=current.text)
        except TranslateError as error:
            raise gr.Error(str(error)) from None
        of = review.EDITED if review.edited(session.machine, current) else "machine"
        session = replace(session, summary=asdict(result) | {"of": of})
        return (result.english, result.arabic, export_files(service, session, current),
                review.status(session.machine, current, session.summary, summary_note(result)), session)

    def review_article(text: str, rows: list[list]) -> tuple[str, list[list], list[str], str]:
        """Check an article's edited review rows again: the English, the re-checked rows, the downloads, the status."""
        article = checked(text)
        try:
            machine = service.translator.translate(article)
            session = review.Session.start(article, machine, strip_diacritics=service.translator.strip_diacritics)
            current = review.edit(session, review.english_of(rows, machine),
                                  glossary=service.translator.glossary)
        except TranslateError as error:
            raise gr.Error(str(error)) from None
        return (current.text, review_rows(current, machine), export_files(service, session, current),
                review.status(machine, current))

    def translate_files(paths: list[str] | None, with_summary: bool = True) -> tuple[list[str], str]:
        """Translate uploaded files with the batch job's code; returns the outputs (one zip for several)."""
        if not paths:
            raise gr.Error("Upload at least one file (.txt, .md, .html or .docx).")
        folder = service.scratch()
        source, out = folder / "in", folder / "out"
        source.mkdir()
        originals = [Path(path).name for path in paths]
        names = unique_names(originals)
        shown = {name: name if name == original else f"{name} (uploaded as {original})"
                 for name, original in zip(names, originals, strict=True)}
        refused = []
        for path, name in zip(paths, names, strict=True):
            problem = upload_problem(Path(path), shown[name])
            if problem:
                refused.append({"input": name, "status": "failed", "reason": problem.split(": ", 1)[1],
                                "outputs": []})
            else:
                shutil.copy(path, source / name)
        records = []
        if any(source.iterdir()):
            summarizer = service.summarizer if with_summary else None
            try:  # the run's report goes to a buffer: the manifest below is what the page shows
                Run(source, out, service.translator, summarizer, log=io.StringIO()).execute()
            except TranslateError as error:
                raise gr.Error(str(error)) from None
            records = [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]
        records = sorted(records + refused, key=lambda r: names.index(r["input"]) if r["input"] in names else 0)
        for record in records:
            record["uploaded_as"] = originals[names.index(record["input"])] if record["input"] in names else None
        outputs = [out / o for r in records for o in r["outputs"]]
        problems = [f"{shown.get(r['input'], r['input'])}: {r['reason']}" for r in records if r["status"] != "done"]
        if not outputs:
            raise gr.Error("Nothing could be translated. " + "; ".join(problems))
        if len(records) > 1:
            bundle = folder / "translations.zip"
            with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in outputs:
                    archive.write(path, path.relative_to(out).as_posix())
                archive.writestr("manifest.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
            outputs = [bundle]
        done = sum(r["status"] == "done" for r in records)
        status = f"{done} of {len(records)} files translated."
        renamed = [shown[n] for n in names if shown[n] != n]
        if renamed:
            status += " Same names renamed: " + "; ".join(renamed) + "."
        if problems:
            status += " Problems: " + "; ".join(problems)
        return [str(p) for p in outputs], status

    # Every event uses the same models: one concurrency group, so they take turns on the CPU/GPU, and
    # each takes the service's turn, which the HTTP API takes too.
    turn = functools.partial(taking_turns, service)
    shared = {"concurrency_id": "models", "concurrency_limit": concurrency}
    with gr.Blocks(title="Khabar — Arabic news to English", delete_cache=(1800, 3600)) as demo:
        gr.Markdown("# Khabar — Arabic news to English\nPaste an Arabic article: you get the English, a short "
                    "summary in English and Arabic, and a sentence-by-sentence review table.")
        with gr.Tab("Paste"):
            with gr.Row():
                with gr.Column():
                    arabic = gr.Textbox(label="Arabic article", lines=14, rtl=True, max_length=ARTICLE_MAX_CHARS,
                                        placeholder="الصق نص المقال هنا", elem_id="arabic-input")
                    with_summary = gr.Checkbox(value=service.summarizer is not None, label="Write a summary",
                                               interactive=service.summarizer is not None)
                    button = gr.Button("Translate", variant="primary")
                    gr.Examples([[EXAMPLE_FILE.read_text("utf-8").strip()]], inputs=[arabic], label="Example article")
                with gr.Column():
                    english = gr.Textbox(label="English translation", lines=14, buttons=["copy"],
                                         elem_id="english-output")
                    status = gr.Markdown(elem_classes="review-note", elem_id="review-status")
            with gr.Row():
                summary_en = gr.Textbox(label="Summary (English)", lines=3, buttons=["copy"], elem_id="summary-en")
                summary_ar = gr.Textbox(label="الملخص (Arabic summary)", lines=3, rtl=True, buttons=["copy"],
                                        elem_id="summary-ar")
            table = gr.Dataframe(headers=list(review.HEADERS), wrap=True, interactive=True, type="array",
                                 static_columns=[0, 1, 3, 4], elem_id="review-table",
                                 label="Review: flagged sentences are highlighted; edit the English to correct it",
                                 column_widths=["4%", "33%", "33%", "8%", "22%"])
            with gr.Row():
                regenerate = gr.Button("Regenerate summaries", interactive=service.summarizer is not None)
            downloads = gr.File(label="Download (.txt, .docx, .json)", file_count="multiple", interactive=False,
                                elem_id="downloads")
            session = gr.State(None)
            outputs = [english, table, summary_en, summary_ar, downloads, status, session]
            button.click(turn(run_article), [arabic, with_summary], outputs, api_name="article", **shared)
            table.input(apply_edits, [session, table], [english, table, downloads, status],
                        api_visibility="private", concurrency_id="review")
            regenerate.click(turn(regenerate_summaries), [session, table], [summary_en, summary_ar, downloads, status,
                                                                      session], api_visibility="private", **shared)
            review_in, review_files = gr.JSON(visible=False), gr.File(visible=False, file_count="multiple")
            review_out, review_text, review_status = gr.JSON(visible=False), gr.Textbox(visible=False), gr.Markdown(
                visible=False)
            gr.Button(visible=False).click(turn(review_article), [arabic, review_in],
                                           [review_text, review_out, review_files, review_status],
                                           api_name="review", **shared)
        with gr.Tab("Files"):
            uploads = gr.File(label=f"Arabic files (.txt, .md, .html, .docx; up to {FILE_MAX_BYTES // 2**20} MB and "
                                    f"{FILE_MAX_CHARS:,} characters of text each)",
                              file_count="multiple", file_types=list(UPLOAD_TYPES), elem_id="uploads")
            files_summary = gr.Checkbox(value=service.summarizer is not None, label="Write summaries")
            files_button = gr.Button("Translate files", variant="primary")
            files_out = gr.File(label="Translated files", file_count="multiple", interactive=False)
            files_status = gr.Markdown()
            files_button.click(turn(translate_files), [uploads, files_summary], [files_out, files_status],
                               api_name="translate_files", **shared)
        hidden_text = gr.Textbox(visible=False)
        hidden_rows = gr.JSON(visible=False)
        hidden_a, hidden_b, hidden_c = (gr.Textbox(visible=False) for _ in range(3))
        gr.Button(visible=False).click(turn(translate), hidden_text, [hidden_a, hidden_rows], api_name="translate",
                                       **shared)
        gr.Button(visible=False).click(turn(summarize), hidden_text, [hidden_a, hidden_b, hidden_c],
                                       api_name="summarize", **shared)
    demo.queue(max_size=max_queue)
    return demo


def build_parser() -> argparse.ArgumentParser:
    """The run configuration's options (translate.config) plus the server's own."""
    parser = argparse.ArgumentParser(description="Serve the Khabar web app and its LibreTranslate-compatible API.")
    add_arguments(parser)
    server = parser.add_argument_group("server")
    server.add_argument("--host", help="address to listen on [KHABAR_HOST, default 127.0.0.1]")
    server.add_argument("--port", type=int, help="port [KHABAR_PORT, default 7860]")
    server.add_argument("--no-ui", action="store_true", help="serve the HTTP API only, without the web app")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Load the models, then serve the app until SIGTERM or Ctrl-C, removing every temporary file."""
    from web.server import accounts_from_env, create_app, private_upload_folder, serve

    parser = build_parser()
    args = parser.parse_args(argv)
    config = config_from_parser(parser, args)
    try:
        auth = accounts_from_env()
        host, port = setting("host", args.host, "127.0.0.1"), setting("port", args.port, 7860)
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        service = Service.from_config(config)
        print("Loading models…", file=sys.stderr, flush=True)
        service.warm()
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    temporary = [] if args.no_ui else private_upload_folder()
    try:
        blocks = None if args.no_ui else build_app(service)
        app = create_app(service, ui=not args.no_ui, auth=auth, blocks=blocks, css=CSS)
    except BaseException:
        service.close()
        for folder in temporary:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return serve(app, service, host=host, port=port, temporary=temporary)


if __name__ == "__main__":
    sys.exit(main())
