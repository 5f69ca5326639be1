"""Turn file bytes into text: UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1256 and
ISO-8859-6, refusing binary data and text that decodes to garbage."""

from __future__ import annotations

import codecs
import re

from translate.errors import TranslateError
from translate.text import arabic_share

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_LEGACY_ARABIC = ["cp1256", "iso8859_6"]
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, *, name: str = "the input") -> str:
    """Decode ``data`` or raise :class:`TranslateError` saying why it cannot be read as Arabic text."""
    text = _decode(data, name)
    if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise TranslateError(f"{name} is not a text file (it holds binary data).")
    return text


def _decode(data: bytes, name: str) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise TranslateError(f"{name} starts with a byte-order mark but is not valid {codec}.") from None
    if b"\x00" in data:
        raise TranslateError(f"{name} is not a text file (it holds binary data).")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    match = charset_normalizer.from_bytes(data, cp_isolation=_LEGACY_ARABIC).best()
    if match is None or arabic_share(str(match)) < 0.5:
        raise TranslateError(f"{name} could not be decoded: it is neither UTF-8, UTF-16 nor an Arabic "
                             "Windows/ISO encoding. Save it as UTF-8 and try again.")
    return str(match)
