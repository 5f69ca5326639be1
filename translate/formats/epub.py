"""EPUB books (.epub): a zip of XHTML pages, each translated by the HTML reader in reading order
(the spine), with the table of contents and the book's title; everything else (pictures, styles,
fonts) is copied as it was."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from urllib.parse import unquote

from translate.errors import TranslateError
from translate.formats.archive import check_entities, open_archive, parse_xml, read_entry, rewrite
from translate.formats.base import Parsed
from translate.formats.html import parse_html
from translate.text import has_arabic

_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
_XHTML = ("application/xhtml+xml", "text/html")


def parse_epub(data: bytes, name: str) -> Parsed:
    """Translate the spine's pages, then the navigation page and ``toc.ncx`` labels, then the
    title. The article to summarise is the spine's text."""
    with open_archive(data, name) as archive:
        check_entities(archive, name)
        package, pages, ncx = _book(archive, name)
        texts = {page: _text(read_entry(archive, page, name), name, page) for page, _ in pages}
        opf = parse_xml(read_entry(archive, package, name), name, package)
        toc = parse_xml(read_entry(archive, ncx, name), name, ncx) if ncx else None
    parsed_pages = [(page, in_spine, parse_html(texts[page], xhtml=True)) for page, in_spine in pages]
    units: list[str] = []
    article: list[int] = []
    notes: list[str] = []
    for page, in_spine, parsed in parsed_pages:
        if in_spine:
            article += [len(units) + i for i in parsed.articles[0]]
        units += parsed.units
        notes += [f"{page}: {note}" for note in parsed.notes]
    labels = [text for text in toc.iter(f"{_NCX}text") if has_arabic(text.text or "")] if toc is not None else []
    titles = [title for title in opf.iter(f"{_DC}title") if has_arabic(title.text or "")]
    units += [element.text.strip() for element in labels + titles]

    def render(translations: Sequence[str]) -> bytes:
        changed: dict[str, bytes] = {}
        at = 0
        for page, _, parsed in parsed_pages:
            fresh = parse_html(texts[page], xhtml=True)  # a fresh copy: each rendering starts from the source
            changed[page] = fresh.render(translations[at : at + len(parsed.units)])
            at += len(parsed.units)
        from lxml import etree

        with open_archive(data, name) as archive:
            opf_tree = parse_xml(read_entry(archive, package, name), name, package)
            toc_tree = parse_xml(read_entry(archive, ncx, name), name, ncx) if ncx else None
            fresh_labels = ([t for t in toc_tree.iter(f"{_NCX}text") if has_arabic(t.text or "")]
                            if toc_tree is not None else [])
            fresh_titles = [t for t in opf_tree.iter(f"{_DC}title") if has_arabic(t.text or "")]
            for element, translation in zip(fresh_labels + fresh_titles, translations[at:], strict=True):
                element.text = translation
            for language in opf_tree.iter(f"{_DC}language"):
                language.text = "en"
            changed[package] = etree.tostring(opf_tree, xml_declaration=True, encoding="UTF-8")
            if toc_tree is not None:
                changed[ncx] = etree.tostring(toc_tree, xml_declaration=True, encoding="UTF-8")
            return rewrite(archive, changed)

    return Parsed(tuple(units), (tuple(article),), render, tuple(notes))


def _book(archive, name: str) -> tuple[str, list[tuple[str, bool]], str | None]:
    """The package document's path, the pages to translate (spine first, then a navigation page
    outside it) with whether each is in the spine, and ``toc.ncx``'s path (or None)."""
    container = parse_xml(read_entry(archive, "META-INF/container.xml", name), name, "META-INF/container.xml")
    rootfile = container.find(f".//{_CONTAINER}rootfile")
    if rootfile is None or not rootfile.get("full-path"):
        raise TranslateError(f"{name} is not a valid .epub file (META-INF/container.xml names no package).")
    package = rootfile.get("full-path")
    opf = parse_xml(read_entry(archive, package, name), name, package)
    folder = posixpath.dirname(package)
    items = {}
    for item in opf.iter(f"{_OPF}item"):
        path = posixpath.normpath(posixpath.join(folder, unquote(item.get("href", ""))))
        items[item.get("id")] = (path, item.get("media-type", ""), item.get("properties", ""))
    names = set(archive.namelist())
    spine = list(dict.fromkeys(items[ref.get("idref")][0] for ref in opf.iter(f"{_OPF}itemref")
                               if ref.get("idref") in items and items[ref.get("idref")][1] in _XHTML))
    navigation = [path for path, kind, properties in items.values()
                  if "nav" in properties.split() and kind in _XHTML and path not in spine]
    missing = [path for path in spine + navigation if path not in names]
    if missing:
        raise TranslateError(f"{name} is not a valid .epub file (it lists {missing[0]}, which it does not hold).")
    if not spine:
        raise TranslateError(f"{name} is not a valid .epub file (its spine lists no pages).")
    ncx = next((path for path, kind, _ in items.values() if kind == "application/x-dtbncx+xml" and path in names), None)
    return package, [(page, True) for page in spine] + [(page, False) for page in navigation], ncx


def _text(data: bytes, name: str, page: str) -> str:
    try:
        return data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig")
    except UnicodeDecodeError:
        raise TranslateError(f"{name} is not a valid .epub file ({page} is not UTF-8 text).") from None
