"""The editors' Gradio page: its layout and events, wired to the handlers of :mod:`web.handlers` over a
:class:`~web.service.Service` (``python app.py`` serves it, :func:`web.server.create_app` mounts it)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path

import gradio as gr

from translate import TranslateError
from translate.config import ARTICLE_MAX_CHARS, FILE_MAX_BYTES, FILE_MAX_CHARS, QUEUE_SIZE, UPLOAD_TYPES
from translate.glossary import COLUMNS
from web import handlers, review, review_actions, summary_view
from web.memory_hooks import bound_editing as editing
from web.service import Service

EXAMPLE_FILE = Path(__file__).resolve().parents[1] / "examples" / "article_ar.txt"
GLOSSARY_TYPES = (".tsv", ".csv")  # what Glossary.load reads: .csv comma-separated, the others tab-separated
GLOSSARY_ROWS = 3  # empty rows the Paste tab's glossary table starts with
CSS = """
.review-note { font-size: 0.9em; }
""" + review_actions.CSS


# The page drops the files chosen with one over the size limit before uploading them, with a passing message
# only: this script notes such a choice as it is made (or dropped) on the Files tab, so that its status lists it.
WATCH_SIZES = """() => {
  if (window.khabarTooLarge !== undefined) return;
  window.khabarTooLarge = [];
  const note = (event, files) => {
    if (!files || !event.target.closest || !event.target.closest("#uploads")) return;
    const chosen = [...files].map((f) => ({name: f.name, size: f.size}));  // one too large: none is uploaded
    window.khabarTooLarge = chosen.some((f) => f.size > LIMIT) ? chosen : [];
  };
  document.addEventListener("change", (event) => note(event, event.target.files), true);
  document.addEventListener("drop", (event) => note(event, event.dataTransfer && event.dataTransfer.files), true);
}""".replace("LIMIT", str(FILE_MAX_BYTES))
WITH_TOO_LARGE = "(...inputs) => [...inputs.slice(0, -1), JSON.stringify(window.khabarTooLarge || [])]"


def taking_turns(service: Service, handler: Callable) -> Callable:
    """``handler`` run inside the service's turn on the models (shared with the HTTP API); a full
    wait answers with the service's "busy" message. Generators keep the turn until they finish.
    The request's glossary is read and built before the turn (:func:`web.handlers.before_turn`)."""
    if inspect.isgeneratorfunction(handler):
        @functools.wraps(handler)
        def streaming(*args, **kwargs):
            try:
                args, kwargs = handlers.before_turn(service, handler, args, kwargs)
                with service.slot():
                    yield from handler(*args, **kwargs)
            except TranslateError as error:
                raise gr.Error(str(error)) from None
        return streaming

    @functools.wraps(handler)
    def plain(*args, **kwargs):
        try:
            args, kwargs = handlers.before_turn(service, handler, args, kwargs)
            with service.slot():
                return handler(*args, **kwargs)
        except TranslateError as error:
            raise gr.Error(str(error)) from None
    return plain


def bound(handler: Callable, service: Service) -> functools.partial:
    """``handler`` (see :mod:`web.handlers`) with ``service`` as its first argument: named and documented
    as the handler, and with the signature of the page's inputs only, which Gradio's API shows."""
    call = functools.partial(handler, service)
    call.__name__, call.__qualname__, call.__doc__ = handler.__name__, handler.__qualname__, handler.__doc__
    call.__module__ = handler.__module__
    return call


def build_app(service: Service, *, max_queue: int = QUEUE_SIZE, concurrency: int = 1) -> gr.Blocks:
    """The Gradio Blocks app with its named API endpoints. Every event that uses the models takes
    the service's turn (see :func:`taking_turns`), so editors and HTTP API calls take turns."""

    # Every event uses the same models: one concurrency group, so they take turns on the CPU/GPU, and
    # each takes the service's turn, which the HTTP API takes too.
    def turn(handler: Callable) -> Callable:
        return taking_turns(service, bound(handler, service))

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
                    with gr.Accordion("Glossary: house spellings of names and terms", open=False):
                        glossary_file = gr.File(label="Glossary file (.tsv or .csv; joins the server's glossary)",
                                                file_types=list(GLOSSARY_TYPES), elem_id="glossary-file")
                        glossary_table = gr.Dataframe(
                            value=[[""] * len(COLUMNS) for _ in range(GLOSSARY_ROWS)], type="array",
                            headers=[column[:1].upper() + column[1:] for column in COLUMNS], interactive=True,
                            column_count=len(COLUMNS),
                            label="Names for this article (variants separated by |)", elem_id="glossary-table")
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
            sources = summary_view.component()  # each summary sentence's source numbers, linked to the table
            # Columns are fixed (no column actions in the cell menu); rows added or deleted there are undone.
            table = gr.Dataframe(headers=list(review.HEADERS), wrap=True, interactive=True, type="array",
                                 static_columns=[0, 1, 3, 4], column_count=(len(review.HEADERS), "fixed"),
                                 elem_id="review-table", max_height=100_000,
                                 label="Review: flagged sentences are highlighted; edit the English to correct it",
                                 column_widths=["4%", "33%", "33%", "8%", "22%"])
            with gr.Row():
                previous_flag = gr.Button("Previous flagged", elem_id="previous-flagged", size="sm")
                next_flag = gr.Button("Next flagged", elem_id="next-flagged", size="sm")
                gr.HTML(f'<span id="{review_actions.FLAG_POSITION_ID}" class="review-note"></span>')
            previous_flag.click(None, None, None, js=review_actions.step_js(-1))
            next_flag.click(None, None, None, js=review_actions.step_js(1))
            with gr.Row():
                undo = gr.Button("Undo last edit", elem_id="undo-edit")
                ask = gr.Button("Alternatives for the selected sentence", elem_id="show-alternatives")
                pick = gr.Button("Use the chosen alternative", elem_id="use-alternative")
                regenerate = gr.Button("Regenerate summaries", interactive=service.summarizer is not None)
            candidates = gr.Radio([], label="Select a sentence in the table, then ask for its alternatives",
                                  elem_id="alternatives", interactive=True)
            downloads = gr.File(label="Download (.txt, .docx, .json)", file_count="multiple", interactive=False,
                                elem_id="downloads")
            session = gr.State(None)
            outputs = [english, table, summary_en, summary_ar, downloads, status, session]
            glossary = [glossary_file, glossary_table]  # after the other inputs: older API clients leave them out
            # The review table is locked while an article is translated and summarised, so no edit made
            # meanwhile is overwritten by the next update; it opens again when the run ends, even on an error.
            locked = button.click(lambda: gr.update(interactive=False), None, table, api_visibility="private",
                                  queue=False)
            run = locked.then(turn(handlers.retranslate), [arabic, with_summary, *glossary, session, table], outputs,
                              api_visibility="private", **shared)  # keeps the edits of unchanged sentences
            run.then(lambda: gr.update(interactive=True), None, table, api_visibility="private", queue=False)
            run.then(summary_view.render, session, sources, api_visibility="private", queue=False)
            gr.Button(visible=False).click(turn(handlers.run_article), [arabic, with_summary, *glossary], outputs,
                                           api_name="article", **shared)
            edits = [english, table, downloads, status, session]
            table.input(editing(handlers.edit_review, service), [session, table], edits,
                        api_visibility="private", concurrency_id="review")
            undone = undo.click(editing(handlers.undo, service), session, edits, api_visibility="private",
                                concurrency_id="review")
            undone.then(handlers.article_of, [session, arabic], [arabic, summary_en, summary_ar],
                        api_visibility="private", queue=False
                        ).then(summary_view.render, session, sources, api_visibility="private", queue=False)
            row = gr.State(None)  # the row of the review table's selected cell
            table.select(handlers.selected_row, None, row, api_visibility="private", queue=False).then(
                turn(handlers.offer_alternatives), [session, row], candidates, api_visibility="private",
                **shared)  # a flagged sentence shows its alternatives at once
            ask.click(turn(handlers.alternatives), [session, row], candidates, api_visibility="private", **shared)
            pick.click(editing(handlers.pick_alternative, service), [session, table, row, candidates], edits,
                       api_visibility="private", concurrency_id="review")
            regenerate.click(turn(handlers.regenerate_summaries), [session, table],
                             [summary_en, summary_ar, downloads, status, session], api_visibility="private", **shared
                             ).then(summary_view.render, session, sources, api_visibility="private", queue=False)
            review_in, review_files = gr.JSON(visible=False), gr.File(visible=False, file_count="multiple")
            review_out, review_text, review_status = gr.JSON(visible=False), gr.Textbox(visible=False), gr.Markdown(
                visible=False)
            gr.Button(visible=False).click(turn(handlers.review_article), [arabic, review_in, *glossary],
                                           [review_text, review_out, review_files, review_status],
                                           api_name="review", **shared)
        with gr.Tab("Files"):
            uploads = gr.File(label=f"Arabic files ({', '.join(UPLOAD_TYPES)}; up to {FILE_MAX_BYTES // 2**20} MB and "
                                    f"{FILE_MAX_CHARS:,} characters of text each)",
                              file_count="multiple", elem_id="uploads")  # other types: refused in the status
            files_summary = gr.Checkbox(value=service.summarizer is not None, label="Write summaries")
            with gr.Accordion("Glossary: house spellings of names and terms", open=False):
                files_glossary = gr.File(label="Glossary file (.tsv or .csv; joins the server's glossary)",
                                         file_types=list(GLOSSARY_TYPES), elem_id="files-glossary")
            files_button = gr.Button("Translate files", variant="primary")
            files_out = gr.File(label="Translated files", file_count="multiple", interactive=False)
            files_status = gr.Markdown(elem_id="files-status")
            not_uploaded = gr.Textbox(visible=False)  # files left out for their size (see WATCH_SIZES)
            files_button.click(turn(handlers.translate_files), [uploads, files_summary, files_glossary, not_uploaded],
                               [files_out, files_status], js=WITH_TOO_LARGE, api_name="files_tab",
                               api_visibility="private", **shared)
            # the API keeps its three parameters: the page's fourth (files it left out) is the page's own
            gr.Button(visible=False).click(turn(handlers.translate_files), [uploads, files_summary, files_glossary],
                                           [files_out, files_status], api_name="translate_files", **shared)
            uploads.clear(None, None, None, js="() => { window.khabarTooLarge = []; }", api_visibility="private")
        demo.load(None, None, None, js=WATCH_SIZES, api_visibility="private")
        hidden_text = gr.Textbox(visible=False)
        hidden_rows = gr.JSON(visible=False)
        hidden_a, hidden_b, hidden_c = (gr.Textbox(visible=False) for _ in range(3))
        gr.Button(visible=False).click(turn(handlers.translate), hidden_text, [hidden_a, hidden_rows],
                                       api_name="translate", **shared)
        gr.Button(visible=False).click(turn(handlers.summarize), hidden_text, [hidden_a, hidden_b, hidden_c],
                                       api_name="summarize", **shared)
    demo.queue(max_size=max_queue)
    return demo
