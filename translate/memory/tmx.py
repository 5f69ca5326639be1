"""TMX 1.4b: read a file safely and strictly, and write one byte for byte the same each time.

Imported entries are human translations (origin "edited", ``creationid`` as the editor,
``creationdate`` as when) unless ``<prop type="x-khabar-origin">machine</prop>`` marks them.
``x-khabar-signature`` and ``x-khabar-terms`` (JSON) props carry the rest of an entry."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from translate.errors import TranslateError
from translate.memory.records import Entry, memory_key, now
from translate.memory.schema import SCHEMA_VERSION

MAX_TMX_BYTES = 64 * 1024 * 1024  # a larger file is refused: split it
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_INLINE_CODES = {"bpt", "ept", "it", "ph", "ut"}  # native markup inside <seg>, not text
_TMX_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")
_ORIGIN, _SIGNATURE, _TERMS = "x-khabar-origin", "x-khabar-signature", "x-khabar-terms"
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # no XML 1.0 document can hold these
_ATTRIBUTE_SPACES = {"\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}  # kept, not read back as spaces



def _text(value: str) -> str:
    """``value`` as XML character data that reads back the same (a carriage return as &#13;);
    characters XML 1.0 cannot hold at all are left out."""
    return escape(_NOT_XML.sub("", value)).replace("\r", "&#13;")


def _iso_date(value: str, where: str) -> str:
    match = _TMX_DATE.match(value.strip())
    if not match:
        raise TranslateError(f"{where}: creationdate {value!r} is not a TMX date such as 20260131T120000Z.")
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        stamp = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        raise TranslateError(f"{where}: creationdate {value!r} is not a real date.") from None
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _tmx_date(iso: str) -> str:
    return iso.replace("-", "").replace(":", "")


def _seg_text(seg: etree._Element) -> str:
    parts = [seg.text or ""]
    for child in seg:
        if isinstance(child.tag, str) and child.tag not in _INLINE_CODES:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _parse(path: Path) -> etree._ElementTree:
    try:
        size = os.path.getsize(path)
    except OSError as error:
        raise TranslateError(f"Cannot read the TMX file {path}: {error.strerror or error}") from None
    if size > MAX_TMX_BYTES:
        raise TranslateError(
            f"The TMX file {path} is {size / 2**20:.0f} MiB; the limit is {MAX_TMX_BYTES // 2**20} MiB. Split it."
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False
    )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TranslateError(f"Cannot read the TMX file {path}: {error.strerror or error}") from None
    if any(mark.encode(codec) in data for mark in ("<!ENTITY",) for codec in ("utf-8", "utf-16-le", "utf-16-be")):
        raise TranslateError(f"The TMX file {path} declares its own DTD or entities; that is refused.")
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except (etree.XMLSyntaxError, OSError) as error:
        raise TranslateError(f"The TMX file {path} is not well-formed XML: {error}") from None
    if tree.docinfo.internalDTD is not None:
        raise TranslateError(f"The TMX file {path} declares its own DTD or entities; that is refused.")
    return tree


def read_tmx(path: Path, *, editor_default: str | None = None) -> list[Entry]:
    """The entries of a TMX file, every one checked; raises ``TranslateError`` on the first fault."""
    root = _parse(path).getroot()
    if root.tag != "tmx" or root.find("body") is None:
        raise TranslateError(f"The file {path} is not TMX: it needs a <tmx> root with a <body>.")
    entries: list[Entry] = []
    for number, tu in enumerate(root.find("body").iter("tu"), start=1):
        where = f"{path.name}, translation unit {number}"
        props = {prop.get("type"): (prop.text or "").strip() for prop in tu.findall("prop")}
        origin = props.get(_ORIGIN, "edited") or "edited"
        if origin not in ("edited", "machine"):
            raise TranslateError(f"{where}: {_ORIGIN} must be edited or machine, not {origin!r}.")
        texts: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            language = (tuv.get(_XML_LANG) or tuv.get("lang") or "").split("-")[0].split("_")[0].lower()
            seg = tuv.find("seg")
            if language in ("ar", "en") and seg is not None:
                texts.setdefault(language, _seg_text(seg))
        if "ar" not in texts or "en" not in texts:
            found = sorted({(tuv.get(_XML_LANG) or tuv.get("lang") or "?") for tuv in tu.findall("tuv")})
            raise TranslateError(f"{where}: needs an Arabic (ar) and an English (en) <tuv>, found {found}.")
        if not memory_key(texts["ar"]) or not texts["en"].strip():
            raise TranslateError(f"{where}: the Arabic or the English is empty.")
        try:
            terms = json.loads(props.get(_TERMS, "{}") or "{}")
        except json.JSONDecodeError:
            terms = None
        if not isinstance(terms, dict) or not all(isinstance(v, str) for v in terms.values()):
            raise TranslateError(f"{where}: {_TERMS} must be a JSON object of strings.")
        date = tu.get("creationdate") or tu.get("changedate")
        entries.append(
            Entry(
                source=texts["ar"],
                target=texts["en"],
                origin=origin,
                editor=None if origin == "machine" else (tu.get("creationid") or editor_default),
                when=_iso_date(date, where) if date else now(),
                signature=props.get(_SIGNATURE, "tmx"),
                terms=terms,
            )
        )
    return entries


def _tu(entry: Entry) -> str:
    attributes = f" creationdate={quoteattr(_tmx_date(entry.when))}"
    if entry.editor:
        editor = _NOT_XML.sub("", entry.editor)
        attributes = f" creationid={quoteattr(editor, _ATTRIBUTE_SPACES)}" + attributes
    props = [(_ORIGIN, entry.origin), (_SIGNATURE, entry.signature)]
    if entry.terms:
        props.append((_TERMS, json.dumps(entry.terms, ensure_ascii=False, sort_keys=True, separators=(",", ":"))))
    lines = [f"    <tu{attributes}>"]
    lines += [f'      <prop type="{kind}">{_text(value)}</prop>' for kind, value in props]
    lines.append(f'      <tuv xml:lang="ar"><seg>{_text(entry.source)}</seg></tuv>')
    lines.append(f'      <tuv xml:lang="en"><seg>{_text(entry.target)}</seg></tuv>')
    lines.append("    </tu>")
    return "\n".join(lines)


def render_tmx(entries: Sequence[Entry]) -> bytes:
    """TMX 1.4b for ``entries`` in their order; the same entries give the same bytes."""
    header = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<tmx version="1.4">\n'
        f'  <header creationtool="khabar" creationtoolversion="memory-{SCHEMA_VERSION}" '
        'segtype="sentence" o-tmf="khabar" adminlang="en" srclang="ar" datatype="plaintext"/>\n'
        "  <body>\n"
    )
    body = "".join(_tu(entry) + "\n" for entry in entries)
    return (header + body + "  </body>\n</tmx>\n").encode("utf-8")


def write_tmx(path: Path, entries: Sequence[Entry]) -> None:
    """Write ``entries`` to ``path`` atomically (a temporary file, then a rename)."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(render_tmx(entries))
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise TranslateError(f"Cannot write the TMX file {path}: {error.strerror or error}") from None
