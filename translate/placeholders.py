"""Placeholders in strings sent for translation (``%s``, ``%(count)d``, ``%1$s``, ``{name}``, ``{{name}}``,
``${name}``, HTML entities such as ``&amp;``, and Weblate's own masks such as ``[X7X]``) kept out of the
model's way and put back afterwards.

Software strings (Weblate, Nextcloud) carry placeholders that must come back exactly as they were. A
placeholder at either end of a string is cut off and re-attached: the model never sees it. One inside the
string is replaced by a short Latin token (``QZ0``, ``QZ1`` ...), which translation models copy as they
copy a name; the token is put back after translation. A token the model lost is added at the end of the
translation and reported, never dropped silently; a token the model wrote twice is put back once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

PLACEHOLDER = re.compile(
    r"%%"  # a literal percent sign in a printf string
    r"|%\([^()\s]{1,40}\)[-+ #0]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"  # Python's %(count)d
    r"|%(?:[1-9]\d?\$)?[-+#0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfFgGaAcspn@]"  # printf: %s %1$s %.2f %ld %@
    r"|\{\{[^{}\n]{1,60}\}\}"  # {{ name }}
    r"|\$\{[^{}\s]{1,60}\}"  # ${name}
    r"|\{(?:[A-Za-z_][\w.\[\]]{0,40}|\d{0,2})(?:![rsa])?(?::[^{}\n]{0,20})?\}"  # {name} {0} {} {count:d}
    r"|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});"  # &amp; &#1589; &#x627;
    r"|\[X\d{1,5}X\]"  # Weblate's own masks for the placeholders it knows: [X7X]
)
_SEPARATORS = r"[\s:：\-–—|•·,،;؛]*"
_LEADING = re.compile(rf"^(?:\s*(?:{PLACEHOLDER.pattern}){_SEPARATORS})+")
_TRAILING = re.compile(rf"(?:{_SEPARATORS}(?:{PLACEHOLDER.pattern}))+\s*$")
_MARKERS = ("QZ", "ZQ", "XQ", "QX", "JQ", "QJ")  # the first not already in the text is used


@dataclass(frozen=True)
class Masked:
    """A string ready for the model: ``text`` with its inner placeholders replaced by ``tokens`` (token →
    placeholder, in order), and the ``prefix`` and ``suffix`` cut off its ends."""

    text: str
    prefix: str = ""
    suffix: str = ""
    tokens: tuple[tuple[str, str], ...] = ()
    marker: str = _MARKERS[0]

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Every placeholder the original string held, in order."""
        return tuple(PLACEHOLDER.findall(self.prefix)) + tuple(p for _, p in self.tokens) + tuple(
            PLACEHOLDER.findall(self.suffix))

    def restore(self, translated: str) -> Restored:
        """``translated`` (the model's output for :attr:`text`) with the placeholders put back and the ends
        re-attached; see :class:`Restored` for what was lost."""
        placeholders = dict(self.tokens)
        seen: set[str] = set()
        pattern = _token_pattern(self.marker)

        def put_back(match: re.Match[str]) -> str:
            token = f"{self.marker}{int(match.group(1))}"
            if token not in placeholders:
                return match.group(0)
            if token in seen:  # written twice by the model: kept once
                return ""
            seen.add(token)
            return placeholders[token]

        text = re.sub(r"  +", " ", pattern.sub(put_back, translated)) if self.tokens else translated
        lost = tuple(placeholder for token, placeholder in self.tokens if token not in seen)
        if lost:
            text = " ".join([text.rstrip(), *lost]) if text.strip() else " ".join(lost)
        return Restored(self.prefix + text + self.suffix, lost)

    def restore_part(self, translated: str) -> str:
        """A part of the translation (one sentence) with the tokens it holds put back: nothing appended
        and no ends attached (for per-sentence details; the whole text goes through :meth:`restore`)."""
        placeholders = dict(self.tokens)
        return _token_pattern(self.marker).sub(
            lambda m: placeholders.get(f"{self.marker}{int(m.group(1))}", m.group(0)), translated)


@dataclass(frozen=True)
class Restored:
    """A translation with its placeholders back, and those the model lost (added at its end)."""

    text: str
    lost: tuple[str, ...] = ()


def mask(text: str) -> Masked:
    """``text`` with placeholders at its ends cut off and those inside replaced by tokens."""
    if not PLACEHOLDER.search(text):
        return Masked(text)
    leading = _LEADING.match(text)
    prefix = leading.group(0) if leading else ""
    rest = text[len(prefix):]
    trailing = _TRAILING.search(rest)
    suffix = trailing.group(0) if trailing else ""
    core = rest[: len(rest) - len(suffix)]
    if not core.strip():  # nothing but placeholders: nothing to translate
        return Masked("", prefix + core + suffix)
    marker = next((m for m in _MARKERS if not _token_pattern(m).search(core)), _MARKERS[0])
    tokens: list[tuple[str, str]] = []

    def to_token(match: re.Match[str]) -> str:
        token = f"{marker}{len(tokens)}"
        tokens.append((token, match.group(0)))
        return token

    masked = PLACEHOLDER.sub(to_token, core)
    return Masked(masked, prefix, suffix, tuple(tokens), marker)


def translate_masked(text: str, translate: Callable[[str], str]) -> Restored:
    """``translate(text)`` with the placeholders of ``text`` kept out of the model's way (see :func:`mask`)."""
    masked = mask(text)
    return masked.restore(translate(masked.text) if masked.text.strip() else masked.text)


def _token_pattern(marker: str) -> re.Pattern[str]:
    """A token as a model may write it back: any case, a space inside, digits kept."""
    first, second = marker
    return re.compile(rf"(?<![A-Za-z0-9]){first}\s?{second}\s?(\d{{1,3}})(?![0-9])", re.IGNORECASE)
