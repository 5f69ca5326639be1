"""What the review table does in the browser: stepping through the flagged sentences, and the CSS that
keeps its Arabic readable (a proportional font, right to left) and shows each sentence as a card on a phone."""

from __future__ import annotations

from web.review import FLAG_MARK

FLAG_POSITION_ID = "flag-position"  # the line that says which flagged sentence is selected

_STEP = """() => {
  const step = %d;
  const table = document.querySelector("#review-table");
  const where = document.querySelector("#%s");
  if (!table || !where) return;
  const flagged = [...table.querySelectorAll('[role="gridcell"][data-col="4"]')]
    .filter((cell) => cell.innerText.includes("%s"))
    .map((cell) => Number(cell.dataset.row))
    .sort((a, b) => a - b);
  if (!flagged.length) { where.textContent = "No flagged sentence left."; return; }
  const current = table.dataset.flagRow === undefined ? (step > 0 ? -1 : Infinity) : Number(table.dataset.flagRow);
  let row = step > 0 ? flagged.find((r) => r > current) : [...flagged].reverse().find((r) => r < current);
  if (row === undefined) row = step > 0 ? flagged[0] : flagged[flagged.length - 1];
  table.dataset.flagRow = String(row);
  const cell = table.querySelector(`[role="gridcell"][data-row="${row}"][data-col="2"]`);
  cell.scrollIntoView({block: "center"});
  for (const type of ["mousedown", "mouseup", "click"]) {
    cell.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true, view: window}));
  }
  where.textContent = `Sentence ${row + 1}: flagged ${flagged.indexOf(row) + 1} of ${flagged.length}.`;
}"""


def step_js(step: int) -> str:
    """The browser function of the "Next flagged" (``step=1``) or "Previous flagged" (``step=-1``) button:
    it selects the English cell of the next (or previous) flagged sentence, scrolls to it, and says
    which of the flagged sentences it is (wrapping round at the ends)."""
    return _STEP % (step, FLAG_POSITION_ID, FLAG_MARK.strip())


PHONE_WIDTH = 600  # px: at most this wide, the review table shows each sentence as a card
_CARD_CELLS = "\n".join(
    f'  #review-table [role="gridcell"][data-col="{column}"] {{ grid-area: {area}; }}'
    for column, area in enumerate(("number", "arabic", "english", "confidence", "flags")))
_CARD_LABELS = "\n".join(
    f'  #review-table [role="gridcell"][data-col="{column}"]::before {{ content: "{label}"; }}'
    for column, label in ((0, "Sentence "), (3, "Confidence "), (2, "English"), (4, "Flags")))
# A phone: the table's rows, which it places one under another itself, flow as cards instead, each a
# grid of the sentence's number and confidence, then its Arabic, English and flags the width of the card.
PHONE_CSS = f"""
@media (max-width: {PHONE_WIDTH}px) {{
  #review-table .header-table {{ display: none !important; }}
  #review-table .virtual-table-viewport {{ overflow-x: hidden !important; }}
  #review-table .virtual-body {{ width: 100% !important; }}
  #review-table .virtual-row {{
    position: static !important; transform: none !important; width: 100% !important;
    display: grid !important; grid-template-columns: 1fr 1fr; gap: 0.2em 0.5em; box-sizing: border-box;
    grid-template-areas: "number confidence" "arabic arabic" "english english" "flags flags";
    padding: 0.5em; margin-bottom: 0.6em; border: 1px solid var(--border-color-primary); border-radius: 6px;
  }}
  #review-table .virtual-row [role="gridcell"] {{
    width: auto !important; min-width: 0 !important; max-width: none !important; flex: none !important;
    border: none !important;
  }}
{_CARD_CELLS}
{_CARD_LABELS}
  #review-table [role="gridcell"][data-col="2"]::before, #review-table [role="gridcell"][data-col="4"]::before {{
    display: block; font-size: 0.8em; opacity: 0.7;
  }}
  #review-table [role="gridcell"][data-col="0"], #review-table [role="gridcell"][data-col="3"] {{
    display: flex; align-items: baseline; gap: 0.3em; font-size: 0.85em; opacity: 0.8;
  }}
  #review-table [role="gridcell"][data-col="0"] > *, #review-table [role="gridcell"][data-col="3"] > * {{
    width: auto !important; flex: none !important;
  }}
  #review-table [role="gridcell"][data-col="3"] {{ justify-content: flex-end; }}
}}
"""

ARABIC_FONTS = '"Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Segoe UI", "Tahoma", "Arial", sans-serif'
CELL = '[role="gridcell"][data-col="%d"]'
REVIEW, GLOSSARY = "#review-table " + CELL, "#glossary-table " + CELL
# Header and body cells of the review table's column n (counted from 1), kept at least a word wide, so
# that a phone scrolls the table sideways instead of breaking "Confidence" or "100" a letter a line.
# (The table sets each header's width, least and most widths inline: only !important widens it.)
COLUMN = ('#review-table [role="gridcell"][aria-colindex="%d"], '
          '#review-table [role="columnheader"][aria-colindex="%d"]')
CSS = f"""
#review-table [role="gridcell"], #glossary-table [role="gridcell"], #review-table [role="columnheader"] *,
#glossary-table [role="columnheader"] * {{ font-family: {ARABIC_FONTS}; }}
{REVIEW % 1}, {REVIEW % 1} *, {GLOSSARY % 0}, {GLOSSARY % 0} *, {GLOSSARY % 3}, {GLOSSARY % 3} * {{
  direction: rtl; text-align: right; unicode-bidi: plaintext;
}}
{REVIEW % 4} {{ white-space: pre-line; }}
#review-table [role="gridcell"], #review-table [role="gridcell"] *, #review-table [role="columnheader"],
#review-table [role="columnheader"] * {{ word-break: normal; overflow-wrap: normal; hyphens: manual; }}
{COLUMN % (1, 1)} {{ min-width: 2.5em !important; max-width: none !important; }}
{COLUMN % (2, 2)}, {COLUMN % (3, 3)} {{ min-width: 12em !important; max-width: none !important; }}
{COLUMN % (4, 4)} {{ min-width: 7.5em !important; max-width: none !important; }}
{COLUMN % (5, 5)} {{ min-width: 11em !important; max-width: none !important; }}
""" + PHONE_CSS
