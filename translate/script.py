"""The Arabic script's tables, written once: letters, the marks that are invisible or only decorate a word,
and the letter folds that matching uses. :mod:`translate.text`, :mod:`translate.glossary` and
:mod:`translate.checks` build their patterns from these."""

from __future__ import annotations

import re


def _chars(*spans: tuple[int, int]) -> str:
    """Every character of the inclusive code point ranges ``spans``, in order."""
    return "".join(chr(code) for first, last in spans for code in range(first, last + 1))


def char_class(chars: str) -> str:
    """A regular expression class matching any one of ``chars``."""
    return "[" + "".join(re.escape(char) for char in chars) + "]"


# The letters of Arabic words: hamza to yeh, then alef wasla to yeh barree (Persian and Urdu letters among them).
WORD_LETTERS = _chars((0x0621, 0x064A), (0x0671, 0x06D3))
# ... and the extended letters at the block's end (sheen with dot below ... heh with inverted V), which also
# tell that a text is in the Arabic script.
LETTERS = WORD_LETTERS + _chars((0x06FA, 0x06FF))
# Marks that change nothing a reader sees but break tokenisation: zero-width space to right-to-left mark,
# the Arabic letter mark, the bidirectional embeddings and isolates, the BOM, the soft hyphen, word joiner.
INVISIBLE = _chars((0x200B, 0x200F), (0x061C, 0x061C), (0x202A, 0x202E), (0x2066, 0x2069), (0xFEFF, 0xFEFF),
                   (0x00AD, 0x00AD), (0x2060, 0x2060))
TATWEEL = "\u0640"  # the kashida that stretches a word
# Tanween, the short vowels, shadda and sukun; and the superscript (dagger) alef.
VOWEL_MARKS = _chars((0x064B, 0x0652))
SUPERSCRIPT_ALEF = "\u0670"
# Every diacritic normalising strips: the vowel marks and the rarer ones (up to U+065F), superscript alef, and
# the Quranic honorifics and annotation marks (small high letters, end of ayah, rub el hizb, sajdah, stops).
DIACRITICS = _chars((0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06ED))
ALEF_WASLA = "\u0671"
PRESENTATION_FORMS = _chars((0xFB50, 0xFDFF), (0xFE70, 0xFEFC))  # ligatures and positional forms; NFKC folds them
# Letters written in several ways that matching takes as one: hamza seats and alef wasla as alef, alef
# maqsura as yeh; and ta marbuta as heh, where a match allows it.
LETTER_FOLDS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"}
TA_MARBUTA_FOLD = {"ة": "ه"}

ARABIC_LETTER = re.compile(char_class(LETTERS))
ARABIC_WORD = re.compile(char_class(WORD_LETTERS) + "{2,}")  # a word of two letters or more
