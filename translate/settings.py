"""Configuration precedence in one place: argument > environment variable > default."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

T = TypeVar("T", str, int, float)

ENV_PREFIX = "KHABAR_"


def setting(name: str, argument: T | None, default: T) -> T:
    """Return ``argument`` if given, else the ``KHABAR_<NAME>`` environment variable, else ``default``.

    The environment value is converted to the type of ``default``.
    """
    if argument is not None:
        return argument
    raw = os.environ.get(ENV_PREFIX + name.upper())
    if raw is None or raw.strip() == "":
        return default
    try:
        return type(default)(raw.strip())
    except ValueError:
        from translate.errors import TranslateError

        raise TranslateError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {type(default).__name__}.") from None


def optional_setting(name: str, argument: str | None) -> str | None:
    """Like :func:`setting` for a text setting with no default."""
    value = setting(name, argument, "")
    return value or None


def cache_dir() -> Path:
    """Where converted models are cached: ``KHABAR_CACHE_DIR`` or ``~/.cache/khabar``."""
    return Path(setting("cache_dir", None, str(Path.home() / ".cache" / "khabar"))).expanduser()
