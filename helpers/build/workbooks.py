"""Trade-statistics workbooks: one reporter's trade by partner and year, read cell by cell.

The IMF's Direction of Trade Statistics country tables (``.xlsx``) hold two sheets, exports
(FOB) and imports (CIF). Above each table: a title, the reporter's name and the unit; then a row
of years and one row per partner (its name in the first column, a value or an empty cell per
year). The table need not start in cell A1. Read with python-calamine (measured: 0.05 s for the
subject's workbook, 1.4 s with openpyxl); nothing unzips XML by hand.

Every value keeps its sheet and cell (``Exports, FOB!C8``). What is not a table of this shape
is refused with the file, sheet and cell: a file that is not a workbook, one that would expand
past ``MAX_EXPANDED_BYTES`` (a zip bomb), a sheet missing or past ``MAX_ROWS`` rows, a unit
other than US dollars, a year row out of order, a value that is not a non-negative number (a
date, a text, a boolean). Parsed workbooks are cached by their sha256 (``build/cache/trade``).
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from helpers.core import paths
from helpers.core.exceptions import SourceError
from helpers.core.schema import FLOW_BASIS

# sheet name -> flow; the basis is the flow's (schema.FLOW_BASIS)
SHEETS = {"Exports, FOB": "export", "Imports, CIF": "import"}
UNIT = "US Dollars, Millions"
MAX_EXPANDED_BYTES = 64 * 2**20  # the largest real workbook expands to about 2 MB
MAX_ZIP_ENTRIES = 1_000
MAX_ROWS = 2_000  # a country table has about 250 partner rows
MAX_COLUMNS = 400  # a year a column: 1960-2020 is 61
_CACHE_VERSION = "4"
# The IMF writes a value it estimated (from the partner's report, where the reporter reported
# none) as text with an "e": "1.62 e". It is kept, flagged: never compared with that partner.
_ESTIMATE = re.compile(r"^\s*(\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)\s*e\s*$")


@dataclass(frozen=True)
class Problem:
    """A cell that is not a value of trade: listed (``unparsed``), never read as data."""

    row: int
    cell: str
    message: str


@dataclass(frozen=True)
class PartnerRow:
    """One partner's row: a value (US$ million) or None per year of the sheet's ``years``."""

    name: str
    row: int  # the spreadsheet's row number (1-based)
    values: tuple[float | None, ...]
    estimated: frozenset[int] = frozenset()  # indexes of the values the IMF estimated


@dataclass(frozen=True)
class Sheet:
    name: str
    flow: str
    basis: str
    years: tuple[int, ...]
    columns: tuple[int, ...]  # the 0-based spreadsheet column of each year
    rows: tuple[PartnerRow, ...]
    unnamed: tuple[int, ...]  # rows with values and no partner name
    problems: tuple[Problem, ...] = ()

    def cell(self, row: PartnerRow, index: int) -> str:
        """The cell of ``row``'s ``index``-th value, as a spreadsheet names it (``C8``)."""
        return f"{column_letters(self.columns[index])}{row.row}"


@dataclass(frozen=True)
class Workbook:
    file: str
    reporter: str  # as the workbook names it
    sheets: tuple[Sheet, ...]


def column_letters(index: int) -> str:
    """The spreadsheet name of a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_workbook(data: bytes, file: str, sha256: str | None = None) -> Workbook:
    """The workbook ``file`` (its bytes already checksummed), from the cache when it holds it."""
    cached = _cached(sha256) if sha256 else None
    if cached is not None:
        return cached
    book = parse_workbook(data, file)
    if sha256:
        _store(sha256, book)
    return book


def parse_workbook(data: bytes, file: str) -> Workbook:
    """Read and check every sheet of a workbook; raise SourceError naming what is wrong."""
    _check_archive(data, file)
    from python_calamine import CalamineError, CalamineWorkbook  # only builds with trade load it

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(wb.sheet_names)
    except (CalamineError, ValueError, OSError) as exc:
        raise SourceError(file, f"not a readable .xlsx workbook ({_first_line(exc)})") from None
    missing = [s for s in SHEETS if s not in names]
    if missing:
        raise SourceError(file, f"no sheet named {', '.join(map(repr, missing))}; the workbook's "
                          f"sheets are {', '.join(map(repr, names)) or 'none'}, and a trade "
                          f"table has {' and '.join(map(repr, SHEETS))}")
    reporters = set()
    sheets = []
    for name, flow in SHEETS.items():
        try:
            sheet = wb.get_sheet_by_name(name)
            height, width = sheet.height, sheet.width
            if height > MAX_ROWS or width > MAX_COLUMNS:
                raise SourceError(file, f"sheet {name!r} has {height:,} rows and {width:,} "
                                  f"columns; a trade table has at most {MAX_ROWS:,} rows and "
                                  f"{MAX_COLUMNS} columns")
            top, left = sheet.start or (0, 0)
            cells = sheet.to_python()
        except CalamineError as exc:
            raise SourceError(file, f"sheet {name!r} cannot be read ({_first_line(exc)})") \
                from None
        reporter, parsed = _parse_sheet(cells, top, left, file, name, flow)
        reporters.add(reporter)
        sheets.append(parsed)
    if len(reporters) != 1:
        raise SourceError(file, f"its sheets name different reporters: "
                          f"{', '.join(sorted(map(repr, reporters)))}")
    return Workbook(file, reporters.pop(), tuple(sheets))


def _parse_sheet(cells: list[list], top: int, left: int, file: str, sheet: str,
                 flow: str) -> tuple[str, Sheet]:
    def where(r: int, c: int) -> str:
        return f"{sheet}!{column_letters(left + c)}{top + r + 1}"

    def fail(r: int, c: int, message: str):
        raise SourceError(file, f"cell {where(r, c)}: {message}")

    year_row = next((r for r, row in enumerate(cells) if _is_year_row(row)), None)
    if year_row is None:
        raise SourceError(file, f"sheet {sheet!r} has no row of years (a first cell, then "
                          "years such as 1960, 1961, ...): not a trade table")
    heading = [(r, str(row[0]).strip()) for r, row in enumerate(cells[:year_row])
               if row and str(row[0]).strip()]
    if len(heading) < 3:
        raise SourceError(file, f"sheet {sheet!r} has {len(heading)} lines above its years; "
                          "a trade table has its title, the reporter and the unit")
    (_, _title), (_, reporter), (unit_row, unit) = heading[:3]
    if unit.casefold() != UNIT.casefold():
        fail(unit_row, 0, f"the unit is {unit!r}; the reader reads {UNIT!r} only")
    years: list[tuple[int, int]] = []  # (column, year)
    for c, v in enumerate(cells[year_row][1:], 1):
        if v in ("", None):
            continue
        year = _year(v)
        if year is None:
            fail(year_row, c, f"{v!r} is not a year")
        if years and year <= years[-1][1]:
            fail(year_row, c, f"year {year} comes after {years[-1][1]}: the years must "
                 "increase from left to right")
        years.append((c, year))
    rows, unnamed, problems = [], [], []
    for r in range(year_row + 1, len(cells)):
        row = cells[r]
        name = str(row[0]).strip() if row and row[0] is not None else ""
        values: list[float | None] = []
        estimated = set()
        for i, (c, _y) in enumerate(years):
            v = row[c] if c < len(row) else ""
            values.append(None)
            if v in ("", None):
                continue
            value, problem = _value(v)
            if problem:
                problems.append(Problem(top + r + 1, f"{column_letters(left + c)}{top + r + 1}",
                                        problem))
                continue
            values[i] = value
            if isinstance(v, str):
                estimated.add(i)
        if not name:
            if any(v is not None for v in values):
                unnamed.append(top + r + 1)
            continue
        rows.append(PartnerRow(name, top + r + 1, tuple(values), frozenset(estimated)))
    return reporter, Sheet(sheet, flow, FLOW_BASIS[flow], tuple(y for _c, y in years),
                           tuple(left + c for c, _y in years), tuple(rows), tuple(unnamed),
                           tuple(problems))


def _value(v) -> tuple[float, str]:
    """(value, "") for a value of trade (a number, or the IMF's estimate "1.62 e"), else
    (0, what is wrong)."""
    if isinstance(v, str):
        m = _ESTIMATE.match(v)
        if m:
            return float(m.group(1).replace(",", "")), ""
        return 0.0, f"{v[:40]!r} is text where a number of {UNIT} belongs"
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return 0.0, f"{str(v)[:40]!r} (a {type(v).__name__}) where a number belongs"
    if not math.isfinite(v) or v < 0:
        return 0.0, f"{v!r} is not a value of trade (a non-negative number)"
    return float(v), ""


def _is_year_row(row: list) -> bool:
    rest = [v for v in row[1:] if v not in ("", None)]
    return len(rest) >= 2 and sum(_year(v) is not None for v in rest) >= len(rest) / 2


def _year(v) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)) and float(v).is_integer():
        year = int(v)
    elif isinstance(v, str) and v.strip().isdigit():
        year = int(v.strip())
    else:
        return None
    return year if 1800 <= year <= 2200 else None


def _check_archive(data: bytes, file: str) -> None:
    """A workbook is a zip archive of bounded expanded size (a zip bomb is refused unread)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SourceError(file, "not an .xlsx workbook (not a zip archive)") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise SourceError(file, f"holds {len(infos):,} files; a workbook holds at most "
                          f"{MAX_ZIP_ENTRIES:,}")
    expanded = sum(i.file_size for i in infos)
    if expanded > MAX_EXPANDED_BYTES:
        raise SourceError(file, f"would expand to {expanded:,} bytes (over "
                          f"{MAX_EXPANDED_BYTES:,}): refused unread, as a zip bomb")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


# ------------------------------------------------------------------------------ cache

def _cache_path(sha256: str) -> Path:
    return paths.TRADE_CACHE / f"{sha256}-{_CACHE_VERSION}.json"


def _cached(sha256: str) -> Workbook | None:
    try:
        doc = json.loads(_cache_path(sha256).read_text(encoding="utf-8"))
        return Workbook(doc["file"], doc["reporter"], tuple(
            Sheet(s["name"], s["flow"], s["basis"], tuple(s["years"]), tuple(s["columns"]),
                  tuple(PartnerRow(name, row, tuple(values), frozenset(estimated))
                        for name, row, values, estimated in s["rows"]),
                  tuple(s["unnamed"]), tuple(Problem(*p) for p in s["problems"]))
            for s in doc["sheets"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no cache, or a damaged one: parse again


def _store(sha256: str, book: Workbook) -> None:
    doc = dict(file=book.file, reporter=book.reporter, sheets=[
        dict(name=s.name, flow=s.flow, basis=s.basis, years=list(s.years),
             columns=list(s.columns), unnamed=list(s.unnamed),
             problems=[[p.row, p.cell, p.message] for p in s.problems],
             rows=[[p.name, p.row, list(p.values), sorted(p.estimated)] for p in s.rows])
        for s in book.sheets])
    path = _cache_path(sha256)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs the next build a parse
