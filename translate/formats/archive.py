"""Zip-based documents (.docx, .odt, .odp, .pptx, .epub): refuse bombs from the archive's directory
before anything is unpacked, parse their XML without expanding entities, and write them back with
only the changed entries replaced."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Mapping

from translate.config import ARCHIVE_MAX_ENTRIES, ARCHIVE_MAX_RATIO, ARCHIVE_MAX_UNPACKED, FILE_MAX_BYTES
from translate.errors import TranslateError

_END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"
_ENTITY = re.compile(rb"<!ENTITY|<\x00!\x00E\x00N\x00T\x00I\x00T\x00Y|\x00<\x00!\x00E\x00N\x00T\x00I\x00T\x00Y")


def kind_of(name: str) -> str:
    """The file type a quoted name shows (``'a.odt'`` → ``.odt``), for messages."""
    match = re.search(r"(\.[A-Za-z0-9]+)'?$", name)
    return match.group(1).lower() if match else "document"


def check_archive(data: bytes, name: str) -> None:
    """Refuse a zip-based document whose archive declares too many entries or unpacks to too much
    (:data:`~translate.config.ARCHIVE_MAX_ENTRIES`, ``ARCHIVE_MAX_UNPACKED``, or ``ARCHIVE_MAX_RATIO``
    times its size), from the archive's directory alone, before anything is unpacked. The ratio
    applies above ``FILE_MAX_BYTES`` only: unpacking to less than a plain file may hold is harmless,
    and small documents of repetitive text compress well beyond the ratio.

    The declared sizes are a real bound: Python's zip reader stops at an entry's declared size
    and fails on a CRC mismatch, so an archive that lies about its sizes fails as invalid.
    """
    kind = kind_of(name)
    end = data.rfind(_END_OF_CENTRAL_DIRECTORY, max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        raise TranslateError(f"{name} is not a valid {kind} file (it is not a zip archive).")
    declared = struct.unpack_from("<H", data, end + 10)[0]  # 0xFFFF: a ZIP64 count, over any limit here
    if declared > ARCHIVE_MAX_ENTRIES:
        raise TranslateError(f"{name} holds {declared:,} archive entries; a {kind} may hold at most "
                             f"{ARCHIVE_MAX_ENTRIES:,}. It is refused unread.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, struct.error) as error:
        raise TranslateError(f"{name} is not a valid {kind} file ({error}).") from None
    if len(entries) > ARCHIVE_MAX_ENTRIES:
        raise TranslateError(f"{name} holds {len(entries):,} archive entries; a {kind} may hold at most "
                             f"{ARCHIVE_MAX_ENTRIES:,}. It is refused unread.")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > ARCHIVE_MAX_UNPACKED:
        raise TranslateError(f"{name} would unpack to {unpacked:,} bytes; the limit is {ARCHIVE_MAX_UNPACKED:,}. "
                             "It is refused unread.")
    if unpacked > ARCHIVE_MAX_RATIO * len(data) and unpacked > FILE_MAX_BYTES:
        raise TranslateError(f"{name} would unpack to {unpacked:,} bytes, more than {ARCHIVE_MAX_RATIO} times its "
                             f"size ({len(data):,} bytes): it looks like a zip bomb and is refused unread.")


def open_archive(data: bytes, name: str) -> zipfile.ZipFile:
    """The checked archive (see :func:`check_archive`)."""
    check_archive(data, name)
    return zipfile.ZipFile(io.BytesIO(data))


def read_entry(archive: zipfile.ZipFile, entry: str, name: str) -> bytes:
    """One entry's bytes; a missing or damaged entry is the whole file's fault."""
    try:
        return archive.read(entry)
    except KeyError:
        raise TranslateError(f"{name} is not a valid {kind_of(name)} file (it has no {entry}).") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:  # CRC mismatch, truncated data
        raise TranslateError(f"{name} is not a valid {kind_of(name)} file ({entry}: {error}).") from None


def refuse_entities(data: bytes, name: str, entry: str) -> None:
    """Refuse XML that declares entities: no document format needs them, and they are how
    entity-expansion ("billion laughs") and external-entity attacks start."""
    if _ENTITY.search(data):
        raise TranslateError(f"{name} is refused: {entry} declares XML entities, which documents never need "
                             "(an entity-expansion attack).")


def parse_xml(data: bytes, name: str, entry: str):
    """An lxml tree of ``data``, parsed without entities, DTDs or network access."""
    from lxml import etree

    refuse_entities(data, name, entry)
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                             remove_blank_text=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise TranslateError(f"{name} is not a valid {kind_of(name)} file ({entry}: {error}).") from None


def check_entities(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse an archive any of whose XML entries declares entities (see :func:`refuse_entities`);
    for readers whose library parses the XML itself (python-docx, python-pptx)."""
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels", ".xhtml", ".opf", ".ncx", ".htm", ".html")):
            refuse_entities(read_entry(archive, info.filename, name), name, info.filename)


def rewrite(archive: zipfile.ZipFile, changed: Mapping[str, bytes]) -> bytes:
    """The archive with the ``changed`` entries replaced, every other entry copied as it was, in the
    same order and with the same compression (so an ODF or EPUB ``mimetype`` stays first and stored)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in archive.infolist():
            data = changed.get(info.filename)
            target.writestr(info, archive.read(info) if data is None else data, compress_type=info.compress_type)
    return out.getvalue()
