"""Tables as a reader sees them: whole, labelled in words, formatted for reading.

``table_html`` is the HTML display of every DataFrame a notebook shows (registered by
helpers.analysis.outputs), in JupyterLab and in the reports alike: every row (pandas would cut
a long table to ten rows and "…", which the reports' filter then cannot search), no index
column unless the index is named, column labels in words with the schema's description as the
header's tooltip and its unit in brackets, text left and numbers right, thousands separators,
a missing value as an empty cell (never ``NaN``, ``<NA>``, ``None`` or ``nan``), booleans as
yes/no. The plain-text repr stays pandas' own; the CSV beside each figure keeps the raw values.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from functools import cache

import numpy as np
import pandas as pd

from helpers.core.schema import TABLES

CLASSES = "dataframe reader-table"  # "dataframe": the reports' sort and filter script finds it
# columns whose integers are codes or calendar years, never written with thousands separators
_NO_SEPARATOR = re.compile(r"(^|_)(year|line|sentence|id|code|decade)s?($|_)")
_DATE = re.compile(r"(^|_)(date|established)($|_)")
# inline styles: JupyterLab keeps them in an output, where it would drop a <style> element
_LEFT, _RIGHT = "text-align: left", "text-align: right; white-space: nowrap"
_NOWRAP = "text-align: left; white-space: nowrap"
_WORDS = {"iso3": "country", "cow": "COW", "usd": "USD", "id": "ID", "url": "URL"}


@cache
def _columns() -> dict[str, tuple[str, str]]:
    """Column name -> (description, unit), from the first table of the schema that has it."""
    out: dict[str, tuple[str, str]] = {}
    for table in TABLES.values():
        for column in table.columns:
            out.setdefault(column.name, (column.description, column.unit))
    return out


def label(name: object) -> str:
    """A column name in words: ``sending_iso3`` -> "Sending country", with its unit."""
    if isinstance(name, tuple):  # a MultiIndex column
        return " – ".join(label(part) for part in name if str(part))
    text = str(name)
    words = [_WORDS.get(w, w) for w in re.split(r"[_\s]+", text) if w]
    if not words:
        return ""
    words[0] = words[0][:1].upper() + words[0][1:]
    unit = _columns().get(text, ("", ""))[1]
    said = " ".join(words)
    return f"{said} ({unit})" if unit and unit not in said.lower() else said


def description(name: object) -> str:
    return _columns().get(str(name), ("", ""))[0].replace("`", "")


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def cell(value: object, column: object = "") -> tuple[str, bool]:
    """(text, is_number) of one value: empty when missing, yes/no, separators in numbers."""
    if _missing(value):
        return "", False
    if isinstance(value, bool | np.bool_):
        return ("yes" if value else "no"), False
    if isinstance(value, numbers.Integral):
        plain = _NO_SEPARATOR.search(str(column)) is not None
        return (str(int(value)) if plain else f"{int(value):,}"), True
    if isinstance(value, numbers.Real):
        number = float(value)
        if number.is_integer() and abs(number) < 1e15:
            return cell(int(number), column)
        if abs(number) >= 100:
            return f"{number:,.1f}", True
        return f"{number:,.3g}" if abs(number) >= 1e-3 else f"{number:.2e}", True
    text = str(value)
    return ("" if text in ("nan", "NaN", "<NA>", "None") else text), False


def _frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with a meaningful (named) index as columns and the default index dropped."""
    named = any(n is not None for n in frame.index.names)
    return frame.reset_index() if named else frame.reset_index(drop=True)


def table_html(frame: pd.DataFrame) -> str:
    """The whole table as reader-facing HTML (see the module's docstring)."""
    e = html.escape
    frame = _frame(frame)
    columns = list(frame.columns)
    rows = [[cell(v, c) for v, c in zip(row, columns, strict=True)]
            for row in frame.itertuples(index=False, name=None)]
    numeric = [bool(rows) and all(n or not t for t, n in (r[i] for r in rows))
               and any(n for _, n in (r[i] for r in rows)) for i in range(len(columns))]
    styles = [_RIGHT if numeric[i] else _NOWRAP if _DATE.search(str(c)) else _LEFT
              for i, c in enumerate(columns)]
    head = "".join(
        f"<th style=\"{styles[i]}\""
        + (f" title=\"{e(description(c))}\"" if description(c) else "")
        + f">{e(label(c))}</th>" for i, c in enumerate(columns))
    body = "".join(
        "<tr>" + "".join(f"<td style=\"{styles[i]}\">{e(t)}</td>" for i, (t, _) in enumerate(r))
        + "</tr>" for r in rows)
    return (f"<table class=\"{CLASSES}\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")
