"""Which article sentences support each summary sentence, and what a summary sentence says that they do not.

A summary sentence is compared with the article's sentences in its own language (the English summary with
the English translation of each sentence, the Arabic summary with the Arabic sentences) by weighted lexical
overlap: words normalised (English lower-cased and lightly stemmed; Arabic folded as the checks fold it, the
attached particles و ف ب ك ل and the article ال taken off), numbers read as values (``٣٫٥`` and ``3.5`` are one
term), glossary terms as one term whatever their spelling, and names (capitalised English words) weighted
up. A term weighs its rarity among the article's sentences (idf), so "said" counts for little and "Cairo"
for much. A sentence's score is the share of the summary sentence's weight it holds; the support is the
best sentence and those that add most of what is still uncovered, and the support's ``coverage`` is the
share they hold together.

Checks on each summary sentence: ``numbers``/``dates`` for a quantity in no sentence of the article (the
typed comparison of :mod:`translate.numbers`), ``glossary`` for a name not in its house form,
``unsupported`` when the coverage is under :data:`UNSUPPORTED_BELOW`, ``script`` for a sentence in the
wrong script. Offline and pure Python: a few milliseconds per article.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from translate.glossary import Glossary, fold
from translate.numbers import Sides, compare, number_values, read_quantities
from translate.numbers.compare import flag_of
from translate.script import LETTERS, char_class
from translate.text import arabic_share, normalize, split_paragraphs, split_sentences

UNSUPPORTED = "unsupported"
SCRIPT = "script"
GLOSSARY = "glossary"
SENTENCE_FLAGS = ("numbers", "dates", GLOSSARY, UNSUPPORTED, SCRIPT)

# Measured on the dev part of tests/data/support_cases.tsv (bench/summary_support.py, docs/summaries.md): a
# summary sentence whose support holds less than this share of its weight is flagged unsupported.
UNSUPPORTED_BELOW = 0.3
MIN_SHARE = 0.1  # an article sentence joins the support when it adds at least this share of the weight
MAX_SUPPORT = 3  # article sentences listed per summary sentence
_NUMBER_WEIGHT, _TERM_WEIGHT, _NAME_WEIGHT = 2.0, 2.0, 1.5

_ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_ARABIC_WORD = re.compile(char_class(LETTERS) + "+")
_ENGLISH_STOP = frozenset("""
a an the and or but if of in on at to for from by with about as into over after before under between
is are was were be been being has have had do does did will would shall should can could may might must
it its this that these those there here he she they them his her their we our you your i me my not no
said says say also than then so such which who whom whose what when where while said told more most
""".split())
_ARABIC_STOP = frozenset(fold(word) for word in """
في من على إلى الى عن مع أن إن ان هذا هذه ذلك تلك التي الذي الذين كان كانت قد لقد ما لا لم لن هو هي هم
ثم أو او بين بعد قبل عند كل منذ حتى غير أي وقد وفي ومن وعلى وأن وإن كما فيما إلا ضد خلال عبر لدى
""".split())
_CONJUNCTIONS = ("و", "ف")
_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
_PARTICLES = ("ب", "ك", "ل")
_SUFFIXES = ("هما", "هم", "ها", "كم", "نا", "ات", "ون", "ين", "ان", "ه")


def english_terms(text: str) -> dict[str, float]:
    """The weighted terms of an English sentence: stemmed words (names weighted up) and numbers."""
    terms: dict[str, float] = {}
    for position, match in enumerate(_ENGLISH_WORD.finditer(text)):
        word = match.group().lower().replace("’", "'").removesuffix("'s").strip("'-")
        if len(word) < 2 or word in _ENGLISH_STOP:
            continue
        name = match.group()[0].isupper() and position > 0
        stem = _english_stem(word)
        terms[stem] = max(terms.get(stem, 0.0), _NAME_WEIGHT if name else 1.0)
    return terms | _number_terms(text)


def _english_stem(word: str) -> str:
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word


def arabic_terms(text: str) -> dict[str, float]:
    """The weighted terms of an Arabic sentence: folded words with attached particles and common
    endings taken off, and numbers."""
    terms: dict[str, float] = {}
    for word in _ARABIC_WORD.findall(fold(normalize(text))):
        if word in _ARABIC_STOP:
            continue
        stem = arabic_stem(word)
        if len(stem) >= 2 and stem not in _ARABIC_STOP:
            terms[stem] = 1.0
    return terms | _number_terms(text)


def arabic_stem(word: str) -> str:
    """A folded Arabic word without its attached conjunction, article or particle and a common ending:
    ``والحكومة`` → ``حكوم``, ``بالمدن`` → ``مدن``."""
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            word = word[len(article):]
            break
    else:
        if word[:1] in _CONJUNCTIONS and len(word) >= 4:
            word = word[1:]
        if word[:1] in _PARTICLES and len(word) >= 5:
            word = word[1:]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _number_terms(text: str) -> dict[str, float]:
    return {f"#{value}": _NUMBER_WEIGHT for value in number_values(text)}


def _glossary_terms(text: str, language: str, glossary: Glossary | None, named: Sequence) -> dict[str, float]:
    """One term per glossary entry the sentence names (Arabic: found in it; English: its house form)."""
    if glossary is None or not named:
        return {}
    if language == "ar":
        found = glossary.find(text)
    else:
        found = [entry for entry in named if not glossary.missing([entry], text)]
    return {f"@{named.index(entry)}": _TERM_WEIGHT for entry in found if entry in named}


@dataclass(frozen=True)
class SentenceSupport:
    """One summary sentence, the article sentences behind it (1-based numbers, best first, each with the
    share of the sentence it holds), the share they hold together, and its flags with details."""

    text: str
    support: tuple[int, ...]
    scores: tuple[float, ...]
    coverage: float
    flags: tuple[str, ...] = ()
    details: dict[str, str] = field(default_factory=dict)


def sentences_of(text: str) -> list[str]:
    """The sentences of a text, in order, as the summariser and the translator split them."""
    return [s for p in split_paragraphs(normalize(text))[0] for s in split_sentences(p)]


class Aligner:
    """The article sentences of one language, indexed once, to support and check summary sentences."""

    def __init__(self, sentences: Sequence[str], language: str, *, glossary: Glossary | None = None,
                 named: Sequence | None = None) -> None:
        self.sentences = list(sentences)
        self.language = language
        self.glossary = glossary
        self.named = list(named or [])
        self.terms = [self._terms(s) for s in self.sentences]
        count = len(self.sentences)
        frequency: dict[str, int] = {}
        for terms in self.terms:
            for term in terms:
                frequency[term] = frequency.get(term, 0) + 1
        self._frequency, self._count = frequency, count
        self._quantities = [read_quantities(s, language) for s in self.sentences]
        self._vectors: list[tuple[dict[str, float], float]] | None = None  # built on the first similarity

    def _terms(self, text: str) -> dict[str, float]:
        base = english_terms(text) if self.language == "en" else arabic_terms(text)
        return base | _glossary_terms(text, self.language, self.glossary, self.named)

    def idf(self, term: str) -> float:
        """How rare ``term`` is among the article's sentences (a term in none weighs most)."""
        return math.log(1 + (self._count + 1) / (self._frequency.get(term, 0) + 0.5))

    def weights(self, text: str) -> dict[str, float]:
        """Each term of ``text`` with its weight (its kind's weight times its rarity)."""
        return {term: kind * self.idf(term) for term, kind in self._terms(text).items()}

    def similarity(self, i: int, j: int) -> float:
        """How much sentences ``i`` and ``j`` share (cosine of their weighted terms): the extractive graph."""
        if self._vectors is None:
            vectors = [{t: w * self.idf(t) for t, w in terms.items()} for terms in self.terms]
            self._vectors = [(v, math.sqrt(sum(w * w for w in v.values()))) for v in vectors]
        (a, norm_a), (b, norm_b) = self._vectors[i], self._vectors[j]
        dot = sum(w * b[t] for t, w in a.items() if t in b)
        return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0

    def support(self, text: str) -> tuple[tuple[int, ...], tuple[float, ...], float]:
        """The article sentences behind ``text`` (0-based, best first), each one's share of its weight,
        and the share they hold together."""
        weights = self.weights(text)
        total = sum(weights.values())
        if not total or not self.sentences:
            return (), (), 0.0
        shares = [sum(w for t, w in weights.items() if t in terms) / total for terms in self.terms]
        chosen: list[int] = []
        covered: set[str] = set()
        while len(chosen) < MAX_SUPPORT:
            gains = [(sum(w for t, w in weights.items() if t in terms and t not in covered) / total, -i, i)
                     for i, terms in enumerate(self.terms) if i not in chosen]
            if not gains:
                break
            gain, _, best = max(gains)
            if gain < MIN_SHARE:
                break
            chosen.append(best)
            covered |= self.terms[best].keys() & weights.keys()
        coverage = sum(weights[t] for t in covered) / total
        return tuple(chosen), tuple(round(shares[i], 3) for i in chosen), round(coverage, 3)

    def check_quantities(self, text: str, chosen: Sequence[int]) -> tuple[dict[str, str], list[int]]:
        """``numbers``/``dates`` details for what ``text`` states that no article sentence does, and the
        sentences outside ``chosen`` that hold one of its quantities (they join its support)."""
        said = [q for q in read_quantities(text, self.language) if not q.optional]
        if not said:
            return {}, []
        sides = Sides("the article", "the summary")
        article = [q for quantities in self._quantities for q in quantities]
        findings = compare(article, said, report_missing=False, sides=sides)
        extra = []
        if len(findings) < len(said):  # some quantity is in the article: in which sentences?
            for i, quantities in enumerate(self._quantities):
                if i not in chosen and quantities and len(compare(quantities, said, report_missing=False,
                                                                  sides=sides)) < len(said):
                    extra.append(i)
        details: dict[str, str] = {}
        for finding in findings:
            if finding.flag not in ("numbers", "dates"):
                continue
            detail = finding.detail
            near = [[q.text for q in self._quantities[i] if flag_of(q) == finding.flag] for i in chosen]
            near = [(i, shown) for i, shown in zip(chosen, near, strict=True) if shown]
            if near:
                i, shown = near[0][0], ", ".join(near[0][1])
                detail += f" (sentence {i + 1} says {shown})"
            details[finding.flag] = "; ".join(filter(None, [details.get(finding.flag), detail]))
        return details, extra[: MAX_SUPPORT]


def check_sentence(aligner: Aligner, text: str, *, threshold: float = UNSUPPORTED_BELOW) -> SentenceSupport:
    """One summary sentence supported and checked against the article sentences of ``aligner``."""
    chosen, scores, coverage = aligner.support(text)
    details, extra = aligner.check_quantities(text, chosen)
    shares = [round(s, 3) for s in _shares(aligner, text, extra)]
    chosen, scores = chosen + tuple(extra), scores + tuple(shares)
    share = arabic_share(text)
    if aligner.language == "ar" and share < 0.5:
        details[SCRIPT] = "the Arabic summary sentence is not in Arabic script"
    elif aligner.language == "en" and share > 0.5:
        details[SCRIPT] = "the English summary sentence is in Arabic script"
    glossary = _glossary_detail(aligner, text)
    if glossary:
        details[GLOSSARY] = glossary
    if coverage < threshold and SCRIPT not in details:
        details[UNSUPPORTED] = (f"no article sentence says this (best: sentence {chosen[0] + 1}, "
                                f"{coverage:.0%} of its words)" if chosen else "no article sentence says this")
    flags = tuple(flag for flag in SENTENCE_FLAGS if flag in details)
    return SentenceSupport(text, tuple(i + 1 for i in chosen), scores, coverage, flags,
                           {flag: details[flag] for flag in flags})


def _shares(aligner: Aligner, text: str, indices: Sequence[int]) -> list[float]:
    weights = aligner.weights(text)
    total = sum(weights.values()) or 1.0
    return [sum(w for t, w in weights.items() if t in aligner.terms[i]) / total for i in indices]


def _glossary_detail(aligner: Aligner, text: str) -> str:
    """What a summary sentence writes in another form than the house form of an article's term."""
    glossary = aligner.glossary
    if glossary is None or not aligner.named:
        return ""
    if aligner.language == "en":
        wrong = [entry.english for entry in aligner.named if glossary.correct([entry], text) != text]
    else:
        # a named term whose house form is not there (the house form may hold a variant, as
        # وزارة الصحة العامة holds وزارة الصحة, so "fixing" the text again is no test)
        wrong = [entry.arabic_house for entry in glossary.find(text)
                 if entry.arabic_house and fold(entry.arabic_house) not in fold(text)]
    return "; ".join(f"{house} is not written in its house form" for house in dict.fromkeys(wrong))


def support_summary(summary: str, article: Sequence[str], language: str, *, glossary: Glossary | None = None,
                    named: Sequence | None = None, threshold: float = UNSUPPORTED_BELOW
                    ) -> tuple[SentenceSupport, ...]:
    """Each sentence of ``summary`` supported by and checked against the ``article`` sentences of the same
    ``language`` ("en" or "ar"); ``named`` are the glossary entries the article names. An empty summary
    has no sentences; an empty article supports nothing."""
    if not summary.strip():
        return ()
    aligner = Aligner(article, language, glossary=glossary, named=named)
    return tuple(check_sentence(aligner, sentence, threshold=threshold) for sentence in sentences_of(summary))


DAMPING = 0.85  # TextRank's damping factor (PageRank's usual value)


def central(aligners: Sequence[Aligner], limit: int, *, iterations: int = 50) -> list[int]:
    """The ``limit`` most central article sentences (0-based, in article order) by TextRank over the overlap
    graph: each sentence linked to the others by the similarity of their terms, averaged over ``aligners``
    (the same sentences in one or two languages). Ties go to the earlier sentence; a repeated sentence
    is chosen once."""
    count = len(aligners[0].sentences) if aligners else 0
    if count <= limit:
        return list(range(count))
    weights = [[0.0 if i == j else statistics_mean(a.similarity(i, j) for a in aligners) for j in range(count)]
               for i in range(count)]
    totals = [sum(row) for row in weights]
    rank = [1.0 / count] * count
    for _ in range(iterations):
        rank = [(1 - DAMPING) / count + DAMPING * sum(rank[j] * weights[j][i] / totals[j]
                                                    for j in range(count) if totals[j])
                for i in range(count)]
    best: list[int] = []
    seen: set[str] = set()
    for i in sorted(range(count), key=lambda i: (-round(rank[i], 9), i)):  # a repeated sentence once
        text = " ".join(aligners[0].sentences[i].split())
        if text not in seen and len(best) < limit:
            best.append(i)
            seen.add(text)
    return sorted(best)


def statistics_mean(values) -> float:
    """The mean of ``values`` (0 for none)."""
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def flagged_lines(summary: Mapping[str, Any] | None) -> list[str]:
    """One line per flagged summary sentence of a summary given as a dict (``asdict`` of a
    :class:`~summarize.summarizer.BilingualSummary`): ``English summary sentence 1 (article sentences 3):
    numbers: 30 percent is not in the article (sentence 3 says 3.5 percent)``."""
    lines = []
    for language in ("english", "arabic"):
        for number, sentence in enumerate((summary or {}).get(f"{language}_sentences") or [], start=1):
            if not sentence.get("flags"):
                continue
            cited = ", ".join(str(i) for i in sentence.get("support", []))
            where = f" (article sentences {cited})" if cited else " (no article sentence)"
            what = "; ".join(f"{flag}: {sentence['details'][flag]}" if sentence.get("details", {}).get(flag)
                             else flag for flag in sentence["flags"])
            lines.append(f"{language.capitalize()} summary sentence {number}{where}: {what}")
    return lines
