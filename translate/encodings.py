"""Turn file bytes into text: UTF-8 (with or without BOM), UTF-16 (with or without BOM),
Windows-1256 and ISO-8859-6, refusing binary data and text that decodes to garbage."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from translate.errors import TranslateError
from translate.text import arabic_share

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_LEGACY_ARABIC = ["cp1256", "iso8859_6"]
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# In UTF-16 text the high byte of most code units is 0x00 (ASCII: spaces, digits, punctuation, line
# breaks) or 0x06 (the Arabic block); in UTF-8, Windows-1256 or ISO-8859-6 Arabic neither byte occurs.
_UTF16_HIGH_BYTES = (0x00, 0x06)
_UTF16_MIN_SHARE = 0.9


def decode(data: bytes, *, name: str = "the input", prose: Callable[[str], str] | None = None) -> str:
    """Decode ``data`` or raise :class:`TranslateError` saying why it cannot be read as Arabic text.

    ``prose`` extracts the readable text from a candidate decoding (e.g. an HTML page without its
    tags, styles and scripts); a legacy encoding is judged on that text only, so markup's Latin
    letters do not count against the Arabic share.
    """
    text = _decode(data, name, prose or (lambda candidate: candidate))
    if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise TranslateError(f"{name} is not a text file (it holds binary data).")
    return text


def utf16_without_bom(data: bytes) -> str | None:
    """The codec of UTF-16 text saved without a byte-order mark ("utf-16-le" or "utf-16-be"), or None.

    Recognised by its high bytes: at least 90% of the code units' high bytes are 0x00 or 0x06.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    for codec, high in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        low = data[0::2] if codec == "utf-16-le" else data[1::2]
        if low.count(0) * 2 > len(low):
            continue  # mostly NUL either way: binary, not text
        share = sum(high.count(byte) for byte in _UTF16_HIGH_BYTES) / len(high)
        if share >= _UTF16_MIN_SHARE:
            return codec
    return None


def _decode(data: bytes, name: str, prose: Callable[[str], str]) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise TranslateError(f"{name} starts with a byte-order mark but is not valid {codec}.") from None
    utf16 = utf16_without_bom(data)
    if utf16 is not None:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            raise TranslateError(f"{name} looks like {utf16.upper()} text without a byte-order mark, but it "
                                 "is not valid UTF-16. Save it as UTF-8 and try again.") from None
    if b"\x00" in data:
        raise TranslateError(f"{name} is not a text file (it holds binary data).")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    match = charset_normalizer.from_bytes(data, cp_isolation=_LEGACY_ARABIC).best()
    if match is None or arabic_share(prose(str(match))) < 0.5:
        raise TranslateError(f"{name} could not be decoded: it is neither UTF-8, UTF-16 nor an Arabic "
                             "Windows/ISO encoding. Save it as UTF-8 and try again.")
    return str(match)
