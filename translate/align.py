"""Sentence alignment of a translated document to its reference, by sentence length (Gale–Church).

Both sides are English, so the expected length ratio is 1. A dynamic programme chooses the
cheapest sequence of beads (1–1, 1–2, 2–1, 1–0, 0–1) where a bead's cost is
``-log P(bead type) - log P(length difference)``, with the length difference modelled as in
Gale & Church (1993): ``z = (l_out - l_ref) / sqrt(s2 * (l_out + l_ref) / 2)``, ``s2 = 6.8``.
A 1–0 or 0–1 bead costs only its prior, so a sentence whose length fits nothing is left
unaligned rather than forced onto a reference sentence: no alignment is invented.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from translate.text import normalize, split_paragraphs, split_sentences

# Prior probabilities of the bead types (Gale & Church 1993, table 5), split evenly between the
# two directions of the 1–0/0–1 and 2–1/1–2 types.
PRIORS: dict[tuple[int, int], float] = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2,
                                        (2, 1): 0.089 / 2, (1, 2): 0.089 / 2}
VARIANCE = 6.8  # s2: variance of the length difference per character
RATIO = 1.0  # expected reference characters per output character (English to English)


@dataclass(frozen=True)
class Bead:
    """Output sentences (indices) aligned with reference sentences (indices); one side may be empty."""

    outputs: tuple[int, ...]
    references: tuple[int, ...]

    @property
    def aligned(self) -> bool:
        """Both sides hold sentences (a 1–0 or 0–1 bead is not an alignment)."""
        return bool(self.outputs) and bool(self.references)


def sentences(text: str) -> list[str]:
    """The sentences of an English text, paragraph by paragraph, with the splitter the translator uses."""
    paragraphs, _ = split_paragraphs(normalize(text))
    return [sentence for paragraph in paragraphs for sentence in split_sentences(paragraph)]


def _length_cost(out_length: int, ref_length: int) -> float:
    """-log of the probability of this length difference (two-tailed normal)."""
    if out_length + ref_length == 0:
        return 0.0
    mean = (out_length + ref_length / RATIO) / 2
    z = abs(RATIO * out_length - ref_length) / math.sqrt(VARIANCE * mean)
    probability = math.erfc(z / math.sqrt(2))  # = 2 * (1 - Phi(z))
    return -math.log(max(probability, 1e-300))


def align(outputs: Sequence[int], references: Sequence[int]) -> list[Bead]:
    """Align two lists of sentence lengths (characters); returns the beads in reading order."""
    n, m = len(outputs), len(references)
    infinity = float("inf")
    cost = [[infinity] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            for (di, dj), prior in PRIORS.items():
                if di > i or dj > j or cost[i - di][j - dj] == infinity:
                    continue
                step = -math.log(prior)
                if di and dj:
                    step += _length_cost(sum(outputs[i - di : i]), sum(references[j - dj : j]))
                total = cost[i - di][j - dj] + step
                if total < cost[i][j]:
                    cost[i][j], back[i][j] = total, (di, dj)
    beads: list[Bead] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        beads.append(Bead(tuple(range(i - di, i)), tuple(range(j - dj, j))))
        i, j = i - di, j - dj
    return beads[::-1]
