"""Text made safe for Markdown: source text embedded in a notebook's Markdown output stays literal.
"""

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
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):  # lists and the like are not missing
        pass
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    return _LONE_UNDERSCORE.sub(r"\\_", text)
