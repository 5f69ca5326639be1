"""Arabic → English translation of news articles, with per-sentence scores and fidelity flags."""

from translate.errors import TranslateError
from translate.translator import Segment, Translation, Translator

__all__ = ["Segment", "TranslateError", "Translation", "Translator"]
