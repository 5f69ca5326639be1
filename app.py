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
from dataclasses import asdict
from pathlib import Path

import gradio as gr

from summarize import Summarizer
from translate import TranslateError, Translation, Translator
from translate.batch import Run
from translate.settings import setting
from translate.text import check_article

MAX_CHARS = 100_000
MAX_UPLOAD = "10mb"
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".docx"]
HEADERS = ["#", "Arabic", "English", "Confidence", "Flags"]
LOW_CONFIDENCE = -1.0
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


def review_rows(translation: Translation) -> list[list]:
    """One table row per sentence: number, Arabic, English, confidence and flags."""
    return [
        [i + 1, s.source, s.target, round(s.score, 2),
         ", ".join(s.flags) or ("check" if s.score < LOW_CONFIDENCE else "")]
        for i, s in enumerate(translation.segments)
    ]


def review_table(translation: Translation):
    """The review table, with flagged or low-confidence rows highlighted."""
    import pandas as pd

    frame = pd.DataFrame(review_rows(translation), columns=HEADERS)
    highlight = "background-color: #ffe3b3"
    return (
        frame.style.apply(lambda row: [highlight if row["Flags"] else ""] * len(row), axis=1)
        .set_properties(subset=["Arabic"], **{"direction": "rtl", "text-align": "right"})
        .format({"Confidence": "{:.2f}"})
    )


def export_files(folder: Path, translation: Translation, summary: dict | None) -> list[str]:
    """The translation as .txt, .docx and .json files for download."""
    import docx

    txt = folder / "translation.txt"
    txt.write_text(translation.text + "\n", encoding="utf-8")
    document = docx.Document()
    for paragraph in translation.text.split("\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph)
    document.save(folder / "translation.docx")
    payload = {"text": translation.text, "segments": [asdict(s) for s in translation.segments], "summary": summary}
    (folder / "translation.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return [str(txt), str(folder / "translation.docx"), str(folder / "translation.json")]


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
                yield translation.text, review_table(translation), "", "", None, "Translating…"
            summary, note = None, ""
            if with_summary and service.summarizer is not None:
                yield translation.text, review_table(translation), "", "", None, "Summarising…"
                try:
                    result = service.summarizer.summarize(arabic=article, english=translation.text)
                    summary = asdict(result)
                    note = f"Summary of the {result.coverage}." + (
                        f" Check: {', '.join(result.flags)}." if result.flags else "")
                except TranslateError as error:
                    note = f"No summary: {error}"
        except TranslateError as error:
            raise gr.Error(str(error)) from None
        flagged = len(translation.flagged)
        status = f"{len(translation.segments)} sentences, {flagged} to double-check. {note}".strip()
        files = export_files(service.scratch(), translation, summary)
        yield (translation.text, review_table(translation), summary["english"] if summary else "",
               summary["arabic"] if summary else "", files, status)

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
            table = gr.Dataframe(headers=HEADERS, wrap=True, interactive=False, elem_id="review-table",
                                 label="Review: flagged or low-confidence sentences are highlighted",
                                 column_widths=["4%", "33%", "33%", "10%", "20%"])
            downloads = gr.File(label="Download (.txt, .docx, .json)", file_count="multiple", interactive=False)
            outputs = [english, table, summary_en, summary_ar, downloads, status]
            button.click(run_article, [arabic, with_summary], outputs, api_name="article", **shared)
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
