"""HTML (and the XHTML of EPUB books): the text between tags and a few attributes are translated;
markup, scripts, styles and code stay as they are."""

from __future__ import annotations

import re
from collections.abc import Sequence

from translate.formats.base import Parsed, keep_spaces
from translate.text import ends_sentence, has_arabic

_SKIPPED_TAGS = {"script", "style", "code", "pre", "noscript", "template", "textarea"}
_INLINE_TAGS = {"a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark",
                "q", "s", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
_TRANSLATED_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
_TRANSLATED_META = {"description", "og:title", "og:description", "twitter:title", "twitter:description"}
_NOT_PROSE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[^>]*>", re.S | re.I)


def html_prose(text: str) -> str:
    """The readable text of an HTML page: without tags, comments, CDATA, styles and scripts."""
    return _NOT_PROSE.sub(" ", text)


def visible_text(text: str) -> list[str]:
    """The text nodes a reader of the page sees, in order, without scripts, styles and code."""
    from bs4 import BeautifulSoup
    from bs4.element import PreformattedString

    soup = BeautifulSoup(text, "html.parser")
    return [node.strip() for node in soup.find_all(string=True) if not isinstance(node, PreformattedString)
            and node.strip() and not any(parent.name in _SKIPPED_TAGS for parent in node.parents)]


def parse_html(text: str, *, xhtml: bool = False) -> Parsed:
    """Translate the text between tags and the ``alt``, ``title``, ``aria-label`` and ``placeholder``
    attributes (and the page's description meta tags); markup, other attributes, CDATA sections,
    comments, scripts and code stay as they are. A sentence that inline markup (a link, bold ...)
    cuts into parts is translated whole, and that markup is dropped, with a note. The articles to
    summarise are the text only. ``xhtml`` reads the page as XML (an EPUB book's pages)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "xml" if xhtml else "html.parser")  # XHTML keeps its case (SVG's viewBox)
    runs = _text_runs(soup)
    attributes: list[tuple[object, str]] = []
    for tag in soup.find_all(True):
        if tag.name in _SKIPPED_TAGS or any(parent.name in _SKIPPED_TAGS for parent in tag.parents):
            continue
        names = list(_TRANSLATED_ATTRIBUTES)
        if tag.name == "meta" and (tag.get("name") or tag.get("property") or "").lower() in _TRANSLATED_META:
            names.append("content")
        attributes += [(tag, key) for key in names if isinstance(tag.get(key), str) and has_arabic(tag[key])]
    texts = ["".join(str(node) for node in run) for run in runs]
    units = tuple(" ".join(text.split()) if len(run) > 1 else text.strip() for run, text in zip(runs, texts,
                                                                                              strict=True))
    units += tuple(tag[key].strip() for tag, key in attributes)
    merged = [run for run in runs if len(run) > 1]
    links = [tag["href"] for run in merged for tag in _wrappers(run) if tag.name == "a" and tag.get("href")]
    notes = (f"{len(merged)} sentence(s) cut by inline markup (links, bold ...) were translated whole; that "
             "markup is not carried over" + (f" (links: {', '.join(links)})." if links else "."),) if merged else ()

    def render(translations: Sequence[str]) -> bytes:
        if len(translations) != len(units):
            raise ValueError("one translation is needed for every unit")
        for run, original, translation in zip(runs, texts, translations, strict=False):
            _replace_run(run, keep_spaces(original, translation))
        for (tag, key), translation in zip(attributes, translations[len(runs):], strict=True):
            tag[key] = keep_spaces(tag[key], translation)
        for tag in soup.find_all(attrs={"dir": True}):
            tag["dir"] = "ltr"
        if soup.html is not None:
            soup.html["lang"] = "en"
        return str(soup).encode("utf-8")

    return Parsed(units, (tuple(range(len(runs))),), render, notes)


def _text_runs(soup) -> list[list]:
    """The page's text nodes that hold Arabic, in runs that read as one text: nodes of the same block
    element, with only inline tags between them, joined while a node does not end its sentence."""
    from bs4.element import PreformattedString

    runs: list[list] = []
    previous = None
    for node in soup.find_all(string=True):
        if isinstance(node, PreformattedString) or any(parent.name in _SKIPPED_TAGS for parent in node.parents):
            continue  # comments, CDATA, doctype, scripts and code: left as they are
        if previous is not None and _continues(previous, node):
            runs[-1].append(node)
        else:
            runs.append([node])
        previous = node
    return [run for run in runs if any(has_arabic(node) for node in run)]


def _block(node):
    """The nearest ancestor of ``node`` that is not an inline tag."""
    return next(parent for parent in node.parents if parent.name not in _INLINE_TAGS)


def _continues(previous, node) -> bool:
    """Whether ``node`` continues the sentence of ``previous``."""
    from bs4.element import Tag

    if ends_sentence(str(previous)) or _block(previous) is not _block(node):
        return False
    for element in previous.next_elements:
        if element is node:
            return True
        if isinstance(element, Tag) and element.name not in _INLINE_TAGS | {"img", "wbr"}:  # <br>, a block ...
            return False
    return False


def _wrappers(run: list) -> list:
    """The inline tags around the nodes of ``run``, each once, the deepest first."""
    found = {id(parent): parent for node in run for parent in node.parents if parent.name in _INLINE_TAGS}
    return sorted(found.values(), key=lambda tag: len(list(tag.parents)), reverse=True)


def _replace_run(run: list, translation: str) -> None:
    """Put ``translation`` where ``run`` was: in its one node, or, for a sentence cut by inline tags,
    before its first node, outside the inline tags that hold only this sentence; the run's nodes go,
    and inline tags left empty too."""
    from bs4.element import NavigableString

    if len(run) == 1:
        run[0].replace_with(translation)
        return
    block, ours = _block(run[0]), {id(node) for node in run}
    anchor = run[0]  # climb out of the inline tags that hold nothing but this sentence
    while anchor.parent is not block and all(id(text) in ours for text in anchor.parent.find_all(string=True)):
        anchor = anchor.parent
    anchor.insert_before(NavigableString(translation))
    wrappers = _wrappers(run)
    for node in run:
        node.extract()
    for wrapper in wrappers:  # the deepest first, so a tag that held only emptied tags goes too
        if wrapper.parent is not None and not wrapper.get_text().strip() and not wrapper.find(True):
            wrapper.decompose()
