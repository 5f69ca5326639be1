"""The evaluation's text summary and its self-contained HTML report (inline SVG charts drawn by
matplotlib, inline styles, no scripts and no network assets)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from html import escape
from typing import Any

from jobs.evaluate import WORST, Evaluation, ModelResult

COLOURS = ("#1f6f8b", "#c2571a", "#4d8b31", "#8e3b8e", "#b8a11f", "#555555")
_SVG_START = re.compile(r"<svg\b")
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def _figure(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _aligned(result: ModelResult) -> str:
    a = result.alignment
    return f"{a['outputs_aligned']}/{a['outputs']} out, {a['references_aligned']}/{a['references']} ref"


def summary(evaluation: Evaluation) -> str:
    """The score table, sacrebleu's signatures and the ranking, as plain text."""
    rows = [("model", "BLEU", "chrF++", "TER", "s/article", "sentences aligned")]
    rows += [(r.label, f"{r.bleu:.1f}", f"{r.chrf:.1f}", f"{r.ter:.1f}", f"{r.seconds_per_article:.2f}",
              _aligned(r)) for r in evaluation.ranking]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    problems = len(evaluation.inputs.problems)
    lines = [f"{_count(len(evaluation.inputs.documents), 'document')} paired"
             + (f", {_count(problems, 'file')} not used (see warnings)" if problems else "")]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines += [f"{name} signature: {sig}" for name, sig in evaluation.metrics.items()]
    lines.append("Ranking by chrF++: " + ", ".join(f"{i}. {r.label}" for i, r in enumerate(evaluation.ranking, 1)))
    return "\n".join(lines)


# --- charts ---------------------------------------------------------------------------------------

def _svg(figure: Any, label: str) -> str:
    """A matplotlib figure as an inline SVG element (no XML prolog, no metadata)."""
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    text = _METADATA.sub("", text[_SVG_START.search(text).start() :])
    return text.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def chrf_chart(results: Sequence[ModelResult]) -> str:
    """A bar chart of corpus chrF++ per model (best first)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context({"svg.fonttype": "path", "svg.hashsalt": "khabar"}):
        figure = Figure(figsize=(6, 0.6 + 0.5 * max(2, len(results))), layout="constrained")
        axes = figure.add_subplot()
        names = [r.label for r in results][::-1]
        values = [r.chrf for r in results][::-1]
        bars = axes.barh(names, values, color=[COLOURS[i % len(COLOURS)] for i in range(len(results))][::-1])
        axes.bar_label(bars, labels=[f"{v:.1f}" for v in values], padding=3)
        axes.set_xlim(0, 105)
        axes.set_xlabel("corpus chrF++")
        axes.spines[["top", "right"]].set_visible(False)
        return _svg(figure, "chrF++ per model")


def confidence_chart(results: Sequence[ModelResult]) -> str:
    """A scatter of each sentence's confidence (0–100) against its chrF++, one colour per model."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context({"svg.fonttype": "path", "svg.hashsalt": "khabar"}):
        figure = Figure(figsize=(6, 4), layout="constrained")
        axes = figure.add_subplot()
        for index, result in enumerate(results):
            axes.scatter([u.confidence for u in result.units], [u.chrf for u in result.units], s=14, alpha=0.6,
                         color=COLOURS[index % len(COLOURS)], label=result.label)
        axes.set_xlim(-2, 102)
        axes.set_ylim(-2, 102)
        axes.set_xlabel("confidence (0–100)")
        axes.set_ylabel("sentence chrF++")
        axes.spines[["top", "right"]].set_visible(False)
        if results:
            axes.legend(loc="lower right", frameon=False)
        return _svg(figure, "confidence against sentence chrF++")


# --- HTML -----------------------------------------------------------------------------------------

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;
vertical-align:top;text-align:left}th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}
td[dir=rtl]{text-align:right}code{font-size:13px}.problems{background:#fff4e0;border:1px solid #e0b060;
padding:.5rem 1rem}figure{display:inline-block;margin:0 1.5rem 1rem 0;vertical-align:top}
figcaption{font-weight:600}.flag{background:#fde2e1;border-radius:3px;padding:0 .3rem;margin-right:.2rem}
"""


N, RTL = ' class="n"', ' dir="rtl" lang="ar"'  # cell attributes: a figure, Arabic text


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], attributes: Sequence[str] = ()) -> str:
    """An HTML table of already escaped cells; ``attributes[i]`` is added to the cells of column ``i``."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    extra = [*attributes, *[""] * (len(headers) - len(attributes))]
    body = "".join("<tr>" + "".join(f"<td{extra[i]}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _scores(evaluation: Evaluation) -> str:
    rows = [[str(i), escape(r.label), f"{r.bleu:.2f}", f"{r.chrf:.2f}", f"{r.ter:.2f}",
             f"{r.seconds_per_article:.2f}", escape(_aligned(r)),
             f"<code>{escape(r.model)}</code>"] for i, r in enumerate(evaluation.ranking, 1)]
    return _table(["rank", "model", "BLEU", "chrF++", "TER", "seconds per article", "sentences aligned", "model id"],
                  rows, [N, "", N, N, N, N])


def _flags(result: ModelResult) -> str:
    rows = [[escape(name), str(s["count"]), _figure(s["mean_chrf_flagged"]), _figure(s["mean_chrf_unflagged"]),
             _share(s["in_worst_decile"]), _share(s["worst_decile_caught"])] for name, s in result.flags.items()]
    return _table(["flag", "sentences", "mean chrF++ flagged", "mean chrF++ unflagged",
                   "flagged in worst decile", "worst decile caught"], rows, ["", N, N, N, N, N])


def _numbers(result: ModelResult) -> str:
    n = result.numbers
    return (f"<p>Numbers check against the references: {n['sentences_wrong']} of {n['sentences']} sentences have a "
            f"number of the reference missing ({n['numbers_missing']} numbers) or a number the reference lacks "
            f"({n['numbers_extra']}); the check flagged {n['flagged']}, of which {n['flagged_and_wrong']} were wrong. "
            f"Precision {_share(n['precision'])}, recall {_share(n['recall'])}.</p>")


def _documents(result: ModelResult) -> str:
    rows = [[escape(d.name), f"{d.chrf:.2f}", f"{d.outputs_aligned}/{d.outputs}",
             f"{d.references_aligned}/{d.references}"] for d in result.documents]
    table = _table(["document", "chrF++", "output sentences aligned", "reference sentences aligned"], rows,
                   ["", N, N, N])
    return f"<details><summary>chrF++ per document ({len(rows)})</summary>{table}</details>"


def _worst(result: ModelResult) -> str:
    rows = [[escape(u.document), escape(u.source), escape(u.output),
             escape(u.reference), f"{u.chrf:.1f}", str(u.confidence),
             " ".join(f'<span class="flag">{escape(f)}</span>' for f in u.flags)] for u in result.worst()]
    return _table(["document", "source", "output", "reference", "chrF++", "confidence", "flags"], rows,
                  ["", RTL, "", "", N, N])


def html(evaluation: Evaluation) -> str:
    """The whole report as one HTML document."""
    ranking = evaluation.ranking
    problems = "".join(f"<li>{escape(p)}</li>" for p in evaluation.inputs.problems)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Translation quality report</title>", f"<style>{STYLE}</style></head><body>",
        "<h1>Translation quality on your articles</h1>",
        f"<p>Sources <code>{escape(evaluation.sources)}</code>, references "
        f"<code>{escape(evaluation.references or evaluation.sources)}</code>: "
        f"{_count(len(evaluation.inputs.documents), 'document')} paired.</p>",
    ]
    if problems:
        parts.append(f'<div class="problems" id="problems"><strong>Files not used</strong><ul>{problems}</ul></div>')
    parts += [
        "<h2>Scores</h2>", _scores(evaluation),
        "<p>Corpus scores on whole documents; sentence scores on sentences aligned to the reference by length "
        "(unaligned sentences are not scored). Seconds per article exclude model loading.</p>",
        "<p>" + "<br>".join(f"{escape(k)} signature: <code>{escape(v)}</code>" for k, v in evaluation.metrics.items())
        + "</p>",
        f'<figure id="chart-chrf"><figcaption>chrF++ per model</figcaption>{chrf_chart(ranking)}</figure>',
        f'<figure id="chart-confidence"><figcaption>Confidence against sentence chrF++</figcaption>'
        f"{confidence_chart(ranking)}</figure>",
    ]
    for result in ranking:
        parts += [
            f'<section class="model"><h2>{escape(result.label)}</h2>',
            "<h3>Flags</h3><p>How well each flag points at bad sentences: the worst decile is the tenth of sentences "
            "with the lowest chrF++, so a flag placed at random has 10% of its sentences there.</p>",
            _flags(result), _numbers(result), _documents(result),
            f"<h3>The {min(len(result.units), WORST)} worst sentences</h3>", _worst(result), "</section>",
        ]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
