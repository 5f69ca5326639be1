"""Arabic text: normalise it, split it into paragraphs, sentences and window-sized pieces,
and put translated pieces back in the same paragraph structure."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from translate import script
from translate.errors import TranslateError
from translate.language import language_problem
from translate.script import ARABIC_LETTER

LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_INVISIBLE = re.compile(script.char_class(script.INVISIBLE))
_TATWEEL = script.TATWEEL
# Stripped after NFC, so a maddah or hamza that makes a letter (آ أ إ ؤ ئ) stays with it.
_DIACRITICS = re.compile(script.char_class(script.DIACRITICS))
_ALEF_WASLA = str.maketrans(script.ALEF_WASLA, "\u0627")  # ٱ → ا
_PRESENTATION_FORMS = re.compile(script.char_class(script.PRESENTATION_FORMS) + "+")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\f\v]+")
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85]")
_PARAGRAPH_BREAK = re.compile(r"\n+")
_WORD = re.compile(r"\w+")

_SENTENCE_END = re.compile(r"(?:[.!?؟؛…]+)([\"”»’')\]]*)")
_QUOTE_SPANS = re.compile(r"«[^«»]*»|“[^“”]*”|\"[^\"\n]*\"")
_MAX_ATTACHED_QUOTE = 300
_CLAUSE_BREAK = re.compile(r"(?<=[،؛,;:])\s+")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr inc ltd co corp vs etc e.g i.e u.s u.k u.n no gen col lt
    sgt capt gov sen rep pres jan feb mar apr jun jul aug sep sept oct nov dec a.m p.m
    approx dept est fig vol op ed eds al""".split()
)
# Arabic title abbreviations: د. (doctor), أ. (professor), م. (engineer), ق.م (BC), ص. (page)
_ARABIC_ABBREVIATIONS = frozenset("د أ م ص ق.م ه ج".split())


def normalize(text: str, *, strip_diacritics: bool = True) -> str:
    """Remove invisible marks, BOMs and tatweel (and, by default, diacritics) and tidy whitespace.

    Letters, digits and punctuation are kept; Arabic presentation forms become plain letters
    (NFKC: a ligature such as ﷺ becomes its whole words); paragraph breaks (blank lines) survive,
    runs of spaces become one space. Diacritics are the harakat, tanween, shadda and sukun, the
    rarer vowel marks, superscript alef and the Quranic annotation marks; stripping them also
    writes alef wasla (ٱ) as a plain alef.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text).replace(_TATWEEL, "")
    if strip_diacritics:
        text = _DIACRITICS.sub("", text).translate(_ALEF_WASLA)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines).strip()


def has_arabic(text: str) -> bool:
    """True when ``text`` holds at least one Arabic letter."""
    return ARABIC_LETTER.search(text) is not None


def arabic_share(text: str) -> float:
    """The share of letters in ``text`` that are Arabic (0.0 when it has no letters)."""
    arabic = len(ARABIC_LETTER.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    return arabic / (arabic + latin) if arabic + latin else 0.0


def estimate_tokens(text: str) -> int:
    """A cheap upper estimate of the model tokens in ``text``: one per started four letters or
    digits of a word, and one per other visible character (punctuation, symbols, other scripts)."""
    words = _WORD.findall(text)
    others = len(text) - sum(len(w) for w in words) - text.count(" ") - text.count("\n")
    return sum(-(-len(w) // 4) for w in words) + max(0, others)


def check_article(
    text: str,
    *,
    max_chars: int,
    strip_diacritics: bool = True,
    max_tokens: int | None = None,
    count_tokens: Callable[[str], int] | None = None,
) -> str:
    """Return the normalised article, or raise :class:`TranslateError` saying what is wrong.

    The length is checked on the raw text first (before any work), and again after normalising,
    which can expand text (NFKC turns the ligature ﷺ into four words). With ``max_tokens`` the
    normalised text's tokens are bounded too, counted by ``count_tokens`` (a model's tokenizer)
    or estimated by :func:`estimate_tokens`. Text that is not Arabic is refused, including
    another language in the Arabic script (see :func:`translate.language.language_problem`).
    """
    if len(text) > max_chars:
        raise TranslateError(
            f"The input is {len(text):,} characters long; the limit is {max_chars:,}. "
            "Split the article into smaller parts."
        )
    cleaned = normalize(text, strip_diacritics=strip_diacritics)
    if not cleaned:
        raise TranslateError("The input is empty: paste or give an Arabic article to translate.")
    if len(cleaned) > max_chars:
        raise TranslateError(
            f"The input is {len(cleaned):,} characters long once normalised (ligatures such as ﷺ expand "
            f"into whole words); the limit is {max_chars:,}. Split the article into smaller parts."
        )
    if max_tokens is not None:
        tokens = (count_tokens or estimate_tokens)(cleaned)
        if tokens > max_tokens:
            raise TranslateError(
                f"The input is about {tokens:,} model tokens long; the limit is {max_tokens:,}. "
                "Split the article into smaller parts."
            )
    if arabic_share(cleaned) < 0.5:
        raise TranslateError("The input does not look like Arabic text: this tool translates Arabic into English.")
    problem = language_problem(cleaned)
    if problem is not None:
        raise TranslateError(problem)
    return cleaned


def split_paragraphs(text: str) -> tuple[list[str], list[str]]:
    """Split normalised text into paragraphs and the line breaks between them.

    ``separators[i]`` is the exact break between paragraph ``i`` and ``i + 1``.
    """
    parts = _PARAGRAPH_BREAK.split(text)
    separators = _PARAGRAPH_BREAK.findall(text)
    return parts, separators


def _is_abbreviation(before: str) -> bool:
    word = before.rsplit(" ", 1)[-1].lstrip("(\"'«“")
    if not word:
        return False
    if word.lower() in _ABBREVIATIONS or word in _ARABIC_ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith", "ع. محمد"
        return True
    return re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word) is not None  # U.S, e.g


def _inside_short_quote(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < position < end and end - start <= _MAX_ATTACHED_QUOTE for start, end in spans)


_ENDS_SENTENCE = re.compile(_SENTENCE_END.pattern + r"\s*$")


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with a sentence end mark (closing quotes or brackets and spaces may follow)."""
    return _ENDS_SENTENCE.search(text) is not None


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences at ``. ! ? ؟ ؛ …``.

    Decimals (``3.5``), Latin and Arabic abbreviations and initials, list numbers (``1.``) and
    sentence ends inside a short quotation do not split; a quotation stays with its speaker.
    """
    spans = [m.span() for m in _QUOTE_SPANS.finditer(paragraph)]
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        end = match.end()
        following = paragraph[end : end + 1]
        if following and not (following.isspace() or ARABIC_LETTER.match(following)):
            continue  # 3.5, U.S.A, a URL ...
        before = paragraph[start : match.start()]
        if match.group().startswith(".") and len(match.group()) - len(match.group(1)) == 1:
            if _is_abbreviation(before) or before.strip().isdigit():
                continue
            if re.match(r"\s*[a-z]", paragraph[end:]):
                continue  # "etc. and", a lower-case Latin word cannot start a sentence
        if _inside_short_quote(end, spans):
            continue
        sentence = paragraph[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    rest = paragraph[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def fit_window(sentence: str, count_tokens: Callable[[str], int], max_tokens: int) -> list[str]:
    """Split ``sentence`` into pieces of at most ``max_tokens`` tokens, never dropping text.

    Splits at clause marks (``، ؛ , ; :``) first, then at spaces, then (for a single
    enormous word) between characters. Joining the pieces with spaces gives the sentence back.
    """
    if count_tokens(sentence) <= max_tokens:
        return [sentence]
    for parts in (_CLAUSE_BREAK.split(sentence), sentence.split(" ")):
        if len(parts) > 1:
            return [piece for group in _pack(parts, count_tokens, max_tokens) for piece in
                    fit_window(group, count_tokens, max_tokens)]
    middle = len(sentence) // 2
    return fit_window(sentence[:middle], count_tokens, max_tokens) + fit_window(
        sentence[middle:], count_tokens, max_tokens
    )


def _pack(parts: Sequence[str], count_tokens: Callable[[str], int], max_tokens: int) -> list[str]:
    """Greedily join consecutive parts (with spaces) while their token estimate fits."""
    groups: list[list[str]] = [[]]
    used = 0
    for part in parts:
        size = count_tokens(part)
        if groups[-1] and used + size > max_tokens:
            groups.append([])
            used = 0
        groups[-1].append(part)
        used += size
    return [" ".join(group) for group in groups]


@dataclass(frozen=True)
class Layout:
    """A document cut into pieces to translate, with what is needed to rebuild it."""

    pieces: tuple[tuple[str, ...], ...]  # per paragraph, its pieces in order
    separators: tuple[str, ...]  # the line breaks between paragraphs

    def flat(self) -> list[tuple[int, str]]:
        """Every piece with its paragraph index, in reading order."""
        return [(index, piece) for index, pieces in enumerate(self.pieces) for piece in pieces]

    def assemble(self, targets: Sequence[str]) -> str:
        """Rebuild the document from one translation per piece (in :meth:`flat` order)."""
        if len(targets) != sum(len(p) for p in self.pieces):
            raise ValueError("one translation is needed for every piece")
        remaining = iter(targets)
        paragraphs = [" ".join(t for t in (next(remaining) for _ in pieces) if t) for pieces in self.pieces]
        out = paragraphs[0] if paragraphs else ""
        for separator, paragraph in zip(self.separators, paragraphs[1:], strict=True):
            out += separator + paragraph
        return out


def layout(text: str, count_tokens: Callable[[str], int], max_tokens: int, *, strip_diacritics: bool = True) -> Layout:
    """Normalise ``text`` and cut it into paragraphs of window-sized sentence pieces."""
    paragraphs, separators = split_paragraphs(normalize(text, strip_diacritics=strip_diacritics))
    pieces = tuple(
        tuple(piece for sentence in split_sentences(p) for piece in fit_window(sentence, count_tokens, max_tokens))
        for p in paragraphs
    )
    if pieces == ((),):
        return Layout((), ())
    return Layout(pieces, tuple(separators))
