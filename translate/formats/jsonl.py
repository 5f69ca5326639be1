"""JSON lines: one article per line in a text field; every other field is copied through."""

from __future__ import annotations

import json
from collections.abc import Sequence

from translate.errors import TranslateError
from translate.formats.base import Parsed, number_list

_JSON_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def parse_jsonl(text: str, field: str) -> Parsed:
    """One article per line in ``field``; every other field is copied through.

    Records are split on ``\\n`` only: U+2028, U+2029 and U+0085 are valid inside JSON strings and
    are written back escaped, so no reader splits a record. ``NaN``, ``Infinity`` and ``-Infinity``
    (which Python writes but strict JSON has no place for) are written as ``null``, with a note.
    """
    records = []
    non_finite: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        found: list[str] = []
        try:
            record = json.loads(line, parse_constant=lambda constant, found=found: found.append(constant))
        except json.JSONDecodeError as error:
            raise TranslateError(f"line {number} is not valid JSON ({error.msg}).") from None
        if not isinstance(record, dict) or not isinstance(record.get(field), str):
            raise TranslateError(f"line {number} has no text field '{field}'.")
        if found:
            non_finite.append(number)
        records.append(record)
    if not records:
        raise TranslateError("the file has no records.")
    notes = ()
    if non_finite:
        notes = (f"NaN or Infinity values on line(s) {number_list(non_finite)} were written as null: "
                 "strict JSON has no such numbers.",)

    def render(translations: Sequence[str]) -> bytes:
        lines = [json.dumps({**r, field: t}, ensure_ascii=False, allow_nan=False).translate(_JSON_LINE_BREAKS)
                 for r, t in zip(records, translations, strict=True)]
        return ("\n".join(lines) + "\n").encode("utf-8")

    return Parsed(tuple(r[field] for r in records), tuple((i,) for i in range(len(records))), render, notes)
