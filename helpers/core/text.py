"""Text made safe for Markdown: source text embedded in Markdown stays literal."""

from __future__ import annotations

import re
from typing import Any

_MD_SPECIAL = re.compile(r"([\\`*\[\]<>#|~$&])")
_LONE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # intraword _ is never emphasis


def escape_md(value: Any) -> str:
    """Source text made literal inside Markdown: no markup, no HTML, no links, one line.

    Backslash-escapes every character Markdown or HTML gives a meaning to (``*``, ``[``,
    ``|``, ``<``, ``&``, ``$``, ...; ``_`` unless inside a word, where it is never emphasis,
    so file names stay readable) and turns line breaks into spaces, so a value can never
    start a heading, a list or a table row. Missing values become the empty string.
    """
    if is_missing(value):
        return ""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    return _LONE_UNDERSCORE.sub(r"\\_", text)


def is_missing(value: Any) -> bool:
    """None, NaN, ``pd.NA`` or ``NaT`` (without importing pandas: the build does not need it)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):  # pd.NA has no truth value; arrays have several
        return type(value).__name__ == "NAType"


def possessive(name: str) -> str:
    """"Chile's", "United States'"."""
    return name + ("'" if name.endswith("s") else "'s")


SHOWN_CHARACTERS = 80  # how much of a value an error message shows back


def shown(value: Any, limit: int = SHOWN_CHARACTERS) -> str:
    """``repr(value)`` for an error message, cut to ``limit`` characters with its full length
    said, so a refused 10 MB value is never printed back whole.

    >>> shown("x" * 1000, 12)
    "'xxxxxxxxxxx… (1,002 characters)"
    """
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 1]}… ({len(text):,} characters)"
