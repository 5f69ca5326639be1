"""Which PDF library reads Arabic best: pypdf and pdfminer.six on the same generated press releases.

Each release holds the test sentences (``translate.testing.PAIRS``) on several pages, in two layouts
producers use: presentation forms in visual order, and plain letters in logical order. For each
library the script prints the share of sentences that come out exactly (after the same clean-up:
visual lines reordered with python-bidi, presentation forms folded with NFKC), the share of
paragraph breaks found, and the seconds per page.

    python bench/pdf_extraction.py
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate.formats.pdf import in_visual_order, logical_line  # noqa: E402
from translate.testing import PAIRS  # noqa: E402
from translate.testing_pdf import article_pages, build_pdf  # noqa: E402

PAGES = 5
SENTENCES = [arabic for arabic, _ in PAIRS]


def pypdf_paragraphs(data: bytes) -> list[list[str]]:
    """pypdf's text, page by page: it has no text boxes, so each line is a candidate paragraph."""
    import pypdf

    return [[line] for page in pypdf.PdfReader(io.BytesIO(data)).pages for line in page.extract_text().split("\n")]


def pdfminer_paragraphs(data: bytes) -> list[list[str]]:
    """pdfminer.six's text boxes, each a list of lines."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextBox

    return [[line.get_text().strip("\n") for line in box] for page in extract_pages(io.BytesIO(data))
            for box in page if isinstance(box, LTTextBox)]


def score(paragraphs: list[list[str]]) -> tuple[float, float]:
    """(share of sentences found exactly as one paragraph, share of paragraphs found)."""
    visual = in_visual_order(line for lines in paragraphs for line in lines)
    texts = {" ".join(" ".join(logical_line(line, visual).split()) for line in lines) for lines in paragraphs}
    exact = sum(sentence in texts for sentence in SENTENCES) / len(SENTENCES)
    found = sum(any(sentence.split()[0] in text for text in texts) for sentence in SENTENCES) / len(SENTENCES)
    return exact, found


def main() -> int:
    print(f"{'layout':<28} {'library':<12} {'exact sentences':>16} {'paragraphs':>11} {'s/page':>8}")
    for shaped in (True, False):
        data = build_pdf(article_pages(SENTENCES, header="وكالة الأنباء", pages=PAGES), shaped=shaped)
        layout = "presentation forms, visual" if shaped else "plain letters, logical"
        for library, read in (("pypdf", pypdf_paragraphs), ("pdfminer.six", pdfminer_paragraphs)):
            started = time.perf_counter()
            paragraphs = read(data)
            seconds = (time.perf_counter() - started) / PAGES
            exact, found = score(paragraphs)
            print(f"{layout:<28} {library:<12} {exact:>16.0%} {found:>11.0%} {seconds:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
