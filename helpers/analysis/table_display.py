"""Tables as a reader sees them: whole, in names and words, formatted for reading.

A notebook keeps pandas' own display in JupyterLab (the raw DataFrame a developer wants). Beside
it, every displayed DataFrame carries a second rendering under the MIME type ``READER_HTML``
(registered by helpers.analysis.outputs), which JupyterLab ignores and the reports' renderer
(helpers.report.export) shows instead. That rendering, ``table_html``:

- shows every row (never pandas' ten rows and "…"), no index column unless the index is named;
- names countries, not codes (the ISO3 code as the cell's tooltip), indicators by their label,
  sources by their title (the file as the tooltip);
- labels columns in words, with the schema's description as the header's tooltip and its unit;
- writes rates as percentages and money with its unit and scale ("US$ 1.24 billion");
- leaves out columns empty or zero in every row, and says under the table which;
- writes text left and numbers right with thousands separators (not in years or line numbers),
  a missing value as an empty cell (never ``NaN``, ``<NA>``, ``None``), booleans as yes/no;
- gives long text the room (it wraps at a sensible width; short cells do not wrap).

A frame may say how to read its columns in ``frame.attrs["units"]``: ``{"share": "fraction"}``
(0.142 is 14.2%), ``"percent"`` (14.2 is 14.2%), or a money unit ``"USD"``, ``"USD million"``,
``"USD billion"`` (values in US$, shown at that scale), or ``"USD, millions"`` (values that
count millions, as trade statistics do, shown at the scale that reads best). Without it, the
column's name decides: ``*_share``, ``*_rate``, ``cagr`` are fractions; ``*_pct``,
``*_percent`` percentages; ``*_usd`` US dollars. The CSV beside each figure keeps the raw
values.
"""

from __future__ import annotations

import csv
import html
import math
import numbers
import re
from functools import cache, lru_cache

import numpy as np
import pandas as pd

from helpers.core import paths, places
from helpers.core.exceptions import ProjectError
from helpers.core.schema import TABLES

READER_HTML = "application/vnd.reader-table+html"  # the reports' rendering of a DataFrame
CLASSES = "dataframe reader-table"  # "dataframe": the reports' sort and filter script finds it
# columns whose integers are codes or calendar years, never written with thousands separators
_NO_SEPARATOR = re.compile(r"(^|_)(year|line|sentence|id|code|decade)s?($|_)")
_DATE = re.compile(r"(^|_)(date|established)($|_)")
_FRACTION = re.compile(r"(^|_)(share|rate|cagr)$")
_PERCENT = re.compile(r"(^|_)(pct|percent)$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_SOURCE_COLUMNS = ("source", "sources", "established_source")
LONG_TEXT = 40  # characters: a column with longer cells gets room to wrap at a readable width
# inline styles: JupyterLab keeps them in an output, where it would drop a <style> element
_LEFT, _RIGHT = "text-align: left", "text-align: right; white-space: nowrap"
_NOWRAP = "text-align: left; white-space: nowrap"
_WIDE = "text-align: left; min-width: 22em; max-width: 40em"
_WORDS = {"iso3": "country", "cow": "COW", "usd": "US$", "id": "ID", "url": "URL",
          "cagr": "compound annual growth",
          "none": "no date"}
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


@cache
def _columns() -> dict[str, tuple[str, str]]:
    """Column name -> (description, unit), from the first table of the schema that has it."""
    out: dict[str, tuple[str, str]] = {}
    for table in TABLES.values():
        for column in table.columns:
            out.setdefault(column.name, (column.description, column.unit))
    return out


def _words(text: str) -> list[str]:
    """Words of a column name: split at ``_`` and spaces, and at hyphens except "-general"."""
    text = re.sub(r"-(?!general)", " ", text)
    return [_WORDS.get(w, w) for w in re.split(r"[_\s]+", text) if w]


def label(name: object, unit: str = "") -> str:
    """A column name in words: ``sending_iso3`` -> "Sending country", with its unit."""
    if isinstance(name, tuple):  # a MultiIndex column
        return " – ".join(label(part) for part in name if str(part))
    text = str(name)
    words = _words(text)
    if not words:
        return ""
    words[0] = words[0][:1].upper() + words[0][1:]
    unit = unit or _columns().get(text, ("", ""))[1]
    said = " ".join(words)
    return f"{said} ({unit})" if unit and unit.lower() not in said.lower() else said


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


IN_MILLIONS = "USD, millions"  # a unit of ``attrs["units"]``: the values count millions of US$


def usd(value: float, scale: str = "") -> str:
    """US dollars with their scale: 1.24e9 -> "US$ 1.24 billion"; ``scale`` fixes it."""
    for size, word in _SCALES:
        if scale == word or (not scale and abs(value) >= size):
            return f"US$ {value / size:,.3g} {word}"
    return f"US$ {value:,.0f}"


def percent(value: float) -> str:
    """14.23 -> "14.2%" (no space, so the reports' sort reads it as a number)."""
    return f"{value:,.1f}%".replace(".0%", "%")


# ---------------------------------------------------------------- names for codes


@cache
def _indicator_labels() -> dict[str, str]:
    with open(paths.REFERENCE / "indicators.csv", encoding="utf-8", newline="") as fh:
        return {row["indicator"]: row["label"] for row in csv.DictReader(fh)}


@cache
def source_titles() -> dict[str, str]:
    """Source file -> its title as a reader cites it (up to a subtitle in brackets or after a
    colon); empty when the processed folder cannot be read."""
    from helpers.data import descriptor

    try:
        sources = descriptor.sources()
    except ProjectError:
        return {}
    return {s["file"]: re.split(r" \(|: ", s.get("title") or s["file"])[0] for s in sources}


def _is_country_code(text: str) -> bool:
    return bool(_ISO3.match(text)) and text in places.countries()


def _named(name: str, values: list) -> tuple[list[str], str] | None:
    """(names, what they name) when a column holds codes a reader should see as names: countries,
    indicators, source files; None otherwise."""
    present = [str(v) for v in values if not _missing(v) and str(v)]
    if not present:
        return None
    if name == "iso3" or name.endswith("_iso3") or all(_is_country_code(v) for v in present):
        return [places.name_of(str(v)) if not _missing(v) else "" for v in values], "country"
    if name == "indicator":
        labels = _indicator_labels()
        return [labels.get(str(v), " ".join(_words(str(v))).capitalize())
                if not _missing(v) else "" for v in values], "indicator"
    if name in _SOURCE_COLUMNS:
        titles = source_titles()
        return [("; ".join(titles.get(f, f) for f in str(v).split(";"))
                 if not _missing(v) else "") for v in values], "source"
    return None


_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


@lru_cache(maxsize=8192)  # a column repeats its values (post types, statuses, files)
def _readable(text: str) -> tuple[str, str]:
    """(what a reader sees, the tooltip) of one text cell in a column of mixed values: a
    country code (or a list of them) as names, a source file as its title, an identifier
    (``post_sources``) in words; anything else as it is."""
    parts = text.split(";")
    if all(_is_country_code(p) for p in parts):
        return "; ".join(places.name_of(p) for p in parts), text
    titles = source_titles()
    if all(p in titles for p in parts):
        return "; ".join(titles[p] for p in parts), text
    if _IDENTIFIER.match(text):
        return text.replace("_", " "), text
    return text, ""


# ---------------------------------------------------------------- columns


class _Column:
    """One column as the reader sees it: header, tooltip and (text, tooltip, is_number) cells."""

    def __init__(self, name: object, values: list, unit: str = ""):
        self.name, self.head, self.title = name, label(name), description(name)
        self.cells = [(t, "", n) for t, n in (cell(v, name) for v in values)]
        text = str(name)
        kind = unit or ("fraction" if _FRACTION.search(text) else "percent"
                        if _PERCENT.search(text) else "USD" if text.endswith("_usd") else "")
        numbers_only = [v for v in values if not _missing(v)]
        if kind and numbers_only and all(isinstance(v, numbers.Real)
                                         and not isinstance(v, bool | np.bool_)
                                         for v in numbers_only):
            self._as(kind, values)
        elif (named := _named(text, values)) is not None:
            self.cells = [(n, str(v) if n != str(v) and not _missing(v) else "", False)
                          for n, v in zip(named[0], values, strict=True)]
        else:
            self.cells = [(*_readable(t), n) if not n and t else (t, tip, n)
                          for t, tip, n in self.cells]

    def _as(self, kind: str, values: list) -> None:
        """Percentages or money."""
        if kind in ("fraction", "percent"):
            factor = 100 if kind == "fraction" else 1
            self.cells = [("" if _missing(v) else percent(float(v) * factor), "", True)
                          for v in values]
            self.head = re.sub(r" \(.*\)$", "", self.head) + " (%)"
            return
        if kind == IN_MILLIONS:  # values counted in millions (the IMF's unit): scaled to read
            values = [v if _missing(v) else float(v) * 1e6 for v in values]
            kind = "USD"
            self.head = re.sub(r"(\s*\(?(US\$|USD) million\)?)+$", "", self.head)
        scale = kind.partition(" ")[2]
        self.cells = [("" if _missing(v) else usd(float(v), scale), "", True) for v in values]
        self.head = re.sub(r" \((US\$|USD).*\)$", "", self.head)

    @property
    def empty(self) -> bool:
        return all(t == "" for t, _, _ in self.cells)

    @property
    def zero(self) -> bool:
        return (any(t for t, _, _ in self.cells)
                and all(t in ("", "0", "0%") and (n or not t) for t, _, n in self.cells))

    @property
    def numeric(self) -> bool:
        return bool(self.cells) and all(n or not t for t, _, n in self.cells) and any(
            n for _, _, n in self.cells)

    @property
    def style(self) -> str:
        if self.numeric:
            return _RIGHT
        if _DATE.search(str(self.name)):
            return _NOWRAP
        longest = max((len(t) for t, _, _ in self.cells), default=0)
        return _WIDE if longest > LONG_TEXT else _NOWRAP if longest <= 24 else _LEFT


def _frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with a meaningful (named) index as columns and the default index dropped."""
    named = any(n is not None for n in frame.index.names)
    return frame.reset_index() if named else frame.reset_index(drop=True)


def _with_values(frame: pd.DataFrame) -> list[_Column]:
    """The frame's columns for readers; a ``value`` column beside a ``unit`` column is written
    in its unit (US$ with its scale, a multiple), and the ``unit`` column then says nothing."""
    units = dict(frame.attrs.get("units", {}))
    columns = []
    per_row_units = "value" in frame.columns and "unit" in frame.columns
    for name in frame.columns:
        values = frame[name].tolist()
        if per_row_units and name == "unit":
            continue
        column = _Column(name, values, units.get(name, ""))
        if per_row_units and name == "value":
            column.cells = [(_in_unit(v, u), "", not _missing(v))
                            for v, u in zip(values, frame["unit"].tolist(), strict=True)]
        columns.append(column)
    return _fold_codes(columns)


def _in_unit(value: object, unit: object) -> str:
    if _missing(value):
        return ""
    unit = "" if _missing(unit) else str(unit)
    if unit.upper().startswith("USD") and isinstance(value, numbers.Real):
        return usd(float(value), unit.partition(" ")[2])
    if unit == "multiple" and isinstance(value, numbers.Real):
        return f"{float(value):,.3g}×"
    if unit in ("percent", "%") and isinstance(value, numbers.Real):
        return percent(float(value))
    text = cell(value, "value")[0]
    return f"{text} {unit}".strip()


def _fold_codes(columns: list[_Column]) -> list[_Column]:
    """A column of codes whose names another column already gives row by row is left out, its
    codes becoming that column's tooltips (a partner's name and its ISO3 code, say)."""
    out = []
    for column in columns:
        coded = [c for _, c, _ in column.cells]
        if any(coded):
            names = [t for t, _, _ in column.cells]
            twin = next((o for o in columns if o is not column and not any(
                c for _, c, _ in o.cells) and [t for t, _, _ in o.cells] == names), None)
            if twin is not None:
                twin.cells = [(t, c, n) for (t, _, n), c in zip(twin.cells, coded, strict=True)]
                continue
        out.append(column)
    return out


def reader_columns(frame: pd.DataFrame) -> tuple[list[_Column], list[str]]:
    """The columns a reader sees, and sentences naming those left out (empty or zero)."""
    columns = _with_values(_frame(frame))
    if not len(frame):
        return columns, []
    empty = [c.head for c in columns if c.empty]
    zero = [c.head for c in columns if c.zero]
    kept = [c for c in columns if not c.empty and not c.zero] or columns[:1]
    notes = [f"Not shown, {what} in every row: {', '.join(heads)}."
             for what, heads in (("empty", empty), ("zero", zero)) if heads]
    return kept, notes


def table_html(frame: pd.DataFrame) -> str:
    """The whole table as reader-facing HTML (see the module's docstring)."""
    e = html.escape
    columns, notes = reader_columns(frame)
    head = "".join(
        f"<th style=\"{c.style.replace('; white-space: nowrap', '')}\""
        + (f" title=\"{e(c.title)}\"" if c.title else "") + f">{e(c.head)}</th>"
        for c in columns)
    rows = zip(*(c.cells for c in columns), strict=True) if columns else []
    styles = [c.style for c in columns]
    body = "".join(
        "<tr>" + "".join(
            f"<td style=\"{styles[i]}\"" + (f" title=\"{e(tip)}\"" if tip else "")
            + f">{e(text)}</td>" for i, (text, tip, _) in enumerate(row)) + "</tr>"
        for row in rows)
    note = "".join(f"<p class=\"table-note\">{e(n)}</p>" for n in notes)
    return (f"<table class=\"{CLASSES}\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{note}")
