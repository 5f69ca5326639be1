"""Web app for editors: paste an Arabic article, get the English, both summaries and a review table.

``python app.py [--model M] [--summary-model S] [--host 127.0.0.1] [--port 7860]``
"""

from __future__ import annotations

import argparse
import atexit
import io
import json
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path

import gradio as gr

from summarize import Summarizer
from translate import TranslateError, Translation, Translator
from translate.batch import Run
from translate.config import signature as run_signature
from translate.settings import setting
from translate.text import check_article
from web import review

MAX_CHARS = 100_000
MAX_UPLOAD = "10mb"
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".docx"]
EXAMPLE_FILE = Path(__file__).with_name("examples") / "article_ar.txt"
CSS = """
.review-note { font-size: 0.9em; }
"""


class Service:
    """The models behind the app, loaded once for the whole process."""

    def __init__(self, translator: Translator, summarizer: Summarizer | None) -> None:
        self.translator = translator
        self.summarizer = summarizer
        self.workdir = Path(tempfile.mkdtemp(prefix="khabar-app-"))
        atexit.register(shutil.rmtree, self.workdir, ignore_errors=True)

    def warm(self) -> None:
        """Load every model now, so no request waits for it."""
        self.translator.engine  # noqa: B018 - property that loads the model
        if self.summarizer is not None:
            self.summarizer.loaded.model  # noqa: B018

    def scratch(self) -> Path:
        """A fresh folder for one request's files; folders older than an hour are removed."""
        for old in self.workdir.iterdir():
            if time.time() - old.stat().st_mtime > 3600:
                shutil.rmtree(old, ignore_errors=True)
        return Path(tempfile.mkdtemp(dir=self.workdir))


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


def build_app(service: Service, *, max_queue: int = 16, concurrency: int = 1) -> gr.Blocks:
    """The Gradio Blocks app with its named API endpoints."""

    def checked(text: str) -> str:
        try:
            return check_article(text or "", max_chars=MAX_CHARS)
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
        translation = None
        try:
            for translation in service.translator.translate_progressively(article):
                yield translation.text, review_table(translation), "", "", None, "Translating…", None
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
               review.status(translation, translation, summary, note), session)

    def summary_note(result) -> str:
        return f"Summary of the {result.coverage}." + (f" Check: {', '.join(result.flags)}." if result.flags else "")

    def current_of(session: review.Session | None, rows) -> Translation:
        if session is None:
            raise gr.Error("Translate an article first: the review table belongs to a translation.")
        try:
            return review.edit(session, review.english_of(rows, session.machine),
                               glossary=service.translator.glossary)
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
        for path in paths:
            shutil.copy(path, source / Path(path).name)
        summarizer = service.summarizer if with_summary else None
        try:  # the run's report goes to a buffer: the manifest below is what the page shows
            Run(source, out, service.translator, summarizer, log=io.StringIO()).execute()
        except TranslateError as error:
            raise gr.Error(str(error)) from None
        records = [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]
        outputs = [out / o for r in records for o in r["outputs"]]
        problems = [f"{r['input']}: {r['reason']}" for r in records if r["status"] != "done"]
        if not outputs:
            raise gr.Error("Nothing could be translated. " + " ".join(problems))
        if len(records) > 1:
            bundle = folder / "translations.zip"
            with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in [*outputs, out / "manifest.jsonl"]:
                    archive.write(path, path.relative_to(out).as_posix())
            outputs = [bundle]
        done = sum(r["status"] == "done" for r in records)
        status = f"{done} of {len(records)} files translated."
        if problems:
            status += " Problems: " + "; ".join(problems)
        return [str(p) for p in outputs], status

    # Every event uses the same models: one concurrency group, so they take turns on the CPU/GPU.
    shared = {"concurrency_id": "models", "concurrency_limit": concurrency}
    with gr.Blocks(title="Khabar — Arabic news to English", delete_cache=(1800, 3600)) as demo:
        gr.Markdown("# Khabar — Arabic news to English\nPaste an Arabic article: you get the English, a short "
                    "summary in English and Arabic, and a sentence-by-sentence review table.")
        with gr.Tab("Paste"):
            with gr.Row():
                with gr.Column():
                    arabic = gr.Textbox(label="Arabic article", lines=14, rtl=True, max_length=MAX_CHARS,
                                        placeholder="الصق نص المقال هنا", elem_id="arabic-input")
                    with_summary = gr.Checkbox(value=service.summarizer is not None, label="Write a summary",
                                               interactive=service.summarizer is not None)
                    button = gr.Button("Translate", variant="primary")
                    gr.Examples([[EXAMPLE_FILE.read_text("utf-8").strip()]], inputs=[arabic], label="Example article")
                with gr.Column():
                    english = gr.Textbox(label="English translation", lines=14, buttons=["copy"],
                                         elem_id="english-output")
                    status = gr.Markdown(elem_classes="review-note")
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
            downloads = gr.File(label="Download (.txt, .docx, .json)", file_count="multiple", interactive=False)
            session = gr.State(None)
            outputs = [english, table, summary_en, summary_ar, downloads, status, session]
            button.click(run_article, [arabic, with_summary], outputs, api_name="article", **shared)
            table.input(apply_edits, [session, table], [english, table, downloads, status],
                        api_visibility="private", concurrency_id="review")
            regenerate.click(regenerate_summaries, [session, table], [summary_en, summary_ar, downloads, status,
                                                                      session], api_visibility="private", **shared)
            review_in, review_files = gr.JSON(visible=False), gr.File(visible=False, file_count="multiple")
            review_out, review_text, review_status = gr.JSON(visible=False), gr.Textbox(visible=False), gr.Markdown(
                visible=False)
            gr.Button(visible=False).click(review_article, [arabic, review_in],
                                           [review_text, review_out, review_files, review_status],
                                           api_name="review", **shared)
        with gr.Tab("Files"):
            uploads = gr.File(label="Arabic files (.txt, .md, .html, .docx; up to 10 MB each)",
                              file_count="multiple", file_types=UPLOAD_TYPES)
            files_summary = gr.Checkbox(value=service.summarizer is not None, label="Write summaries")
            files_button = gr.Button("Translate files", variant="primary")
            files_out = gr.File(label="Translated files", file_count="multiple", interactive=False)
            files_status = gr.Markdown()
            files_button.click(translate_files, [uploads, files_summary], [files_out, files_status],
                               api_name="translate_files", **shared)
        hidden_text = gr.Textbox(visible=False)
        hidden_rows = gr.JSON(visible=False)
        hidden_a, hidden_b, hidden_c = (gr.Textbox(visible=False) for _ in range(3))
        gr.Button(visible=False).click(translate, hidden_text, [hidden_a, hidden_rows], api_name="translate",
                                       **shared)
        gr.Button(visible=False).click(summarize, hidden_text, [hidden_a, hidden_b, hidden_c],
                                       api_name="summarize", **shared)
    demo.queue(max_size=max_queue)
    return demo


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Serve the Khabar web app.")
    parser.add_argument("--model", help="translation model: preset, hub id or folder [KHABAR_MODEL]")
    parser.add_argument("--summary-model", help="summary model: preset, hub id or folder [KHABAR_SUMMARY_MODEL]")
    parser.add_argument("--no-summary", action="store_true", help="serve translations only")
    parser.add_argument("--engine", choices=("transformers", "ctranslate2"), help="[KHABAR_ENGINE]")
    parser.add_argument("--device", help="auto, cpu, cuda or mps [KHABAR_DEVICE]")
    parser.add_argument("--host", help="address to listen on [KHABAR_HOST, default 127.0.0.1]")
    parser.add_argument("--port", type=int, help="port [KHABAR_PORT, default 7860]")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Load the models, then serve the app until interrupted."""
    args = build_parser().parse_args(argv)
    auth_setting = setting("auth", None, "")
    if auth_setting and ":" not in auth_setting:
        print("error: KHABAR_AUTH must be user:password", file=sys.stderr)
        return 2
    try:
        translator = Translator(args.model, device=args.device, engine=args.engine)
        summarizer = None if args.no_summary else Summarizer(args.summary_model, device=args.device)
        service = Service(translator, summarizer)
        print("Loading models…", file=sys.stderr, flush=True)
        service.warm()
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    auth = tuple(auth_setting.split(":", 1)) if auth_setting else None
    build_app(service).launch(
        server_name=setting("host", args.host, "127.0.0.1"), server_port=setting("port", args.port, 7860),
        auth=auth, share=False, max_file_size=MAX_UPLOAD, css=CSS, footer_links=["api"],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
