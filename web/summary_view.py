"""The Paste tab's summary sentences with their sources: each summary sentence lists the numbers of the
article sentences behind it (the review table's rows); choosing a number scrolls to that row and marks
it. Flagged summary sentences are highlighted as flagged rows are, with what is wrong."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from web.review import FLAGGED_STYLE

ELEM_ID = "summary-support"
TARGET_CLASS = "support-target"  # the review row a chosen source number points at
# Runs once when the component loads; one listener on the component serves every render of its value.
SUPPORT_JS = f"""
element.addEventListener('click', (event) => {{
  const link = event.target.closest('[data-row]');
  if (!link) return;
  const number = link.dataset.row;
  const table = document.querySelector('#review-table');
  if (!table) return;
  for (const old of table.querySelectorAll('.{TARGET_CLASS}')) {{
    old.classList.remove('{TARGET_CLASS}');
    old.style.outline = '';
  }}
  for (const cell of table.querySelectorAll('[data-testid^="cell-"][data-testid$="-0"]')) {{
    if (cell.textContent.trim() !== number) continue;
    const row = cell.closest('tr') || cell.parentElement;
    row.classList.add('{TARGET_CLASS}');
    row.style.outline = '3px solid #d9480f';
    row.scrollIntoView({{block: 'center'}});
    break;
  }}
}});
"""
CSS = """
.support-list { margin: 0.2em 0 0.6em 1.4em; }
.support-link { border: 1px solid #888; border-radius: 4px; padding: 0 0.4em; margin: 0 0.15em;
                cursor: pointer; background: transparent; }
.support-note { font-size: 0.85em; }
"""
TITLES = {"english": "English summary: sources", "arabic": "الملخص العربي: المصادر (Arabic summary: sources)"}


def component() -> gr.HTML:
    """The empty component, with the script that takes a chosen source number to its review row."""
    return gr.HTML("", elem_id=ELEM_ID, js_on_load=SUPPORT_JS, css_template=CSS)


def summary_of(state: Any) -> dict[str, Any] | None:
    """The summary a Paste tab state (:class:`web.handlers.Reviewing`) holds, or None."""
    session = getattr(state, "session", None)
    return getattr(session, "summary", None)


def render(state: Any) -> str:
    """The HTML of the state's summary sentences with their source numbers ("" without a summary)."""
    return html_of(summary_of(state))


def html_of(summary: dict[str, Any] | None) -> str:
    """Each language's summary sentences, each with buttons for its source sentence numbers; a flagged
    sentence highlighted, with its flags and details."""
    if not summary:
        return ""
    parts = []
    for language, title in TITLES.items():
        sentences = summary.get(f"{language}_sentences") or []
        if not sentences:
            continue
        direction = ' dir="rtl"' if language == "arabic" else ""
        items = []
        for sentence in sentences:
            links = "".join(f'<button type="button" class="support-link" data-row="{int(number)}" '
                            f'title="Show sentence {int(number)} in the review table">{int(number)}</button>'
                            for number in sentence.get("support", []))
            sources = f' <span dir="ltr">sentences {links}</span>' if links else ' <span dir="ltr">no source</span>'
            flags = sentence.get("flags") or []
            style = f' style="{FLAGGED_STYLE}" data-flags="{html.escape(" ".join(flags))}"' if flags else ""
            note = "".join(f'<div class="support-note" dir="ltr">{html.escape(flag)}: '
                           f'{html.escape(sentence.get("details", {}).get(flag, ""))}</div>' for flag in flags)
            items.append(f"<li{style}>{html.escape(sentence.get('text', ''))}{sources}{note}</li>")
        parts.append(f'<div class="support-block"{direction}><strong>{html.escape(title)}</strong>'
                     f'<ol class="support-list">{"".join(items)}</ol></div>')
    return "".join(parts)

