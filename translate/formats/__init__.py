"""Readers and writers per file type: each parses a file into texts to translate and renders
the translated file in the same format (a PDF as a .docx, a .txt and a .pdf).

One module per format (plain text is read here): :mod:`~translate.formats.markdown`,
:mod:`~translate.formats.html`, :mod:`~translate.formats.jsonl`, :mod:`~translate.formats.word`
(.docx), :mod:`~translate.formats.odf` (.odt, .odp), :mod:`~translate.formats.powerpoint` (.pptx),
:mod:`~translate.formats.epub`, :mod:`~translate.formats.subtitles` (.srt) and
:mod:`~translate.formats.pdf`; zip-based documents share :mod:`~translate.formats.archive`, and
office formats share the formatting projection of :mod:`~translate.formats.runs`.

What a reader leaves as it was, or cannot carry over, is said in :attr:`Parsed.notes` (one
line each), never dropped silently.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from translate.config import INPUT_TYPES
from translate.encodings import decode
from translate.errors import TranslateError
from translate.formats.archive import check_archive
from translate.formats.base import Parsed
from translate.formats.html import html_prose, parse_html
from translate.formats.jsonl import parse_jsonl
from translate.formats.markdown import markdown_prose, parse_markdown
from translate.language import assess
from translate.language import name as language_name

__all__ = ["SUPPORTED", "Parsed", "check_archive", "document_text", "html_prose", "markdown_prose", "output_type",
           "parse"]

SUPPORTED = INPUT_TYPES


def output_type(suffix: str) -> str:
    """The file type a translation of a ``suffix`` file is written as (a PDF's is .docx)."""
    return ".docx" if suffix.lower() == ".pdf" else suffix.lower()


def parse(path: Path, data: bytes, *, text_field: str = "text") -> Parsed:
    """Parse ``data`` read from ``path`` according to its extension.

    A file whose Arabic-script text is mostly another language (Persian, Urdu ...) is refused by
    name; parts in another language inside an Arabic file are translated, with a note.
    """
    return _language_checked(_parse(path, data, text_field))


def document_text(path: Path, data: bytes, *, text_field: str = "text") -> tuple[str, ...]:
    """The readable text of a file in any language (an evaluation's English references), read by the same
    readers as :func:`parse`, the archive guard included: one text per .jsonl record, else the whole
    document (Markdown without its markers and code, HTML without its markup, scripts and code, a .docx's
    paragraphs and then its tables' paragraphs)."""
    suffix = path.suffix.lower()
    name = f"'{path.name}'"
    if suffix == ".jsonl":
        return parse(path, data, text_field=text_field).units
    if suffix == ".docx":
        from translate.formats.word import open_docx

        check_archive(data, name)
        document = open_docx(data, name)
        paragraphs = [p.text for p in document.paragraphs]
        paragraphs += [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
        return ("\n\n".join(p for p in paragraphs if p.strip()),)
    if suffix in (".html", ".htm"):
        from translate.formats.html import visible_text

        return ("\n\n".join(visible_text(decode(data, name=name, prose=html_prose))),)
    if suffix == ".md":
        from translate.formats.markdown import markdown_text

        return (markdown_text(decode(data, name=name, prose=markdown_prose)),)
    return (decode(data, name=name),)


def _parse(path: Path, data: bytes, text_field: str) -> Parsed:
    suffix = path.suffix.lower()
    name = f"'{path.name}'"
    if suffix not in SUPPORTED:
        raise TranslateError(f"Unsupported file type '{suffix}': supported are {', '.join(SUPPORTED)}.")
    if suffix == ".docx":
        from translate.formats.word import parse_docx

        return parse_docx(data, name)
    if suffix in (".odt", ".odp"):
        from translate.formats.odf import parse_odf

        return parse_odf(data, name)
    if suffix == ".pptx":
        from translate.formats.powerpoint import parse_pptx

        return parse_pptx(data, name)
    if suffix == ".epub":
        from translate.formats.epub import parse_epub

        return parse_epub(data, name)
    if suffix == ".pdf":
        from translate.formats.pdf import parse_pdf

        return parse_pdf(data, name)
    if suffix in (".html", ".htm"):
        return parse_html(decode(data, name=name, prose=html_prose))
    if suffix == ".md":
        return parse_markdown(decode(data, name=name, prose=markdown_prose))
    text = decode(data, name=name)
    if suffix == ".srt":
        from translate.formats.subtitles import parse_srt

        return parse_srt(text, name)
    if suffix == ".jsonl":
        return parse_jsonl(text, text_field)
    return Parsed((text,), ((0,),), lambda t: (t[0] + "\n").encode("utf-8"))


_EXCERPT = 40  # characters of a paragraph quoted in a note


def _language_checked(parsed: Parsed) -> Parsed:
    """``parsed``, refused when its text is another language, with a note per other language found."""
    found = assess("\n".join(parsed.units))  # judged by paragraph: each line of each unit
    if found.problem is not None:
        raise TranslateError(found.problem)
    if not found.foreign:
        return parsed
    excerpts: dict[str, list[str]] = {}
    for _, language, paragraph in found.foreign:
        excerpt = paragraph if len(paragraph) <= _EXCERPT else paragraph[:_EXCERPT].rsplit(" ", 1)[0] + "…"
        excerpts.setdefault(language, []).append(f"«{excerpt}»")
    notes = tuple(f"Some text looks like {language_name(language)}, not Arabic, and was translated as if it were "
                  f"Arabic: {', '.join(quoted[:3])}{' and more' if len(quoted) > 3 else ''}."
                  for language, quoted in excerpts.items())
    return replace(parsed, notes=parsed.notes + notes)
