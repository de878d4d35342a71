"""Grid tables (pandoc/reStructuredText) to rows, read with docutils' GridTableParser."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from helpers.core.exceptions import SourceError

_BORDER = re.compile(r"^\+(?:[-=:]+\+)+$")
_ALIGNED_HEADER = re.compile(r"^\+(?:[=:]+\+)+$")


@dataclass(frozen=True)
class Cell:
    """A cell's text lines, each with its 1-based line number in the source file."""

    lines: tuple[tuple[int, str], ...]

    @property
    def text(self) -> str:
        return " ".join(t.strip() for _, t in self.lines if t.strip())


@dataclass(frozen=True)
class Row:
    line: int  # first text line of the row
    cells: tuple[Cell, ...]

    @property
    def is_empty(self) -> bool:
        return not any(c.text for c in self.cells)


@dataclass(frozen=True)
class Table:
    line: int  # line of the top border
    end_line: int
    header: tuple[str, ...]
    rows: tuple[Row, ...]


def _unmap(text: str, shown: dict[str, str]) -> str:
    return "".join(shown.get(ch, ch) for ch in text) if shown else text


def is_table_line(line: str) -> bool:
    return line.startswith("+") or line.startswith("|")


def _normalize(line: str) -> str:
    """pandoc writes alignment colons into the header separator (``+:===+``); docutils does not."""
    if _ALIGNED_HEADER.match(line):
        return line.replace(":", "=")
    if _BORDER.match(line):
        return line.replace(":", "-")
    return line


_PLACEHOLDER = 0xF0000  # supplementary private use: one character per display column


@cache
def _width(ch: str) -> int:
    """Display columns of a character, as pandoc pads cells: 2 for wide East Asian characters,
    0 for combining marks and zero-width characters, else 1."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _by_display_column(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Lines with one character per display column, so that columns line up as a reader sees
    them: a wide character or a character with zero-width marks becomes one placeholder (plus
    a blank one for the second column of a wide character); the map gives their text back."""
    if all(line.isascii() for line in lines):
        return lines, {}
    text: dict[str, str] = {}
    out = []
    for line in lines:
        if line.isascii():  # one column per character already
            out.append(line)
            continue
        columns: list[str] = []
        for ch in line:
            width = _width(ch)
            if width == 0 and columns:
                columns[-1] += ch
            else:
                columns.append(ch)
                if width == 2:
                    columns.append("")  # the wide character's second column
        mapped = []
        for col in columns:
            if len(col) == 1 and ord(col) < _PLACEHOLDER and _width(col) == 1:
                mapped.append(col)
            else:
                key = chr(_PLACEHOLDER + len(text))
                text[key] = col
                mapped.append(key)
        out.append("".join(mapped))
    return out, text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def parse_table(block: list[str], first_line: int, file: str) -> Table:
    """Parse one grid table whose top border is on ``first_line`` (1-based) of ``file``.

    Columns are counted in display columns, as pandoc pads them (wide characters take two,
    combining and zero-width characters none).
    """
    from docutils.parsers.rst.tableparser import GridTableParser, TableMarkupError
    from docutils.statemachine import StringList

    lines, shown = _by_display_column([_normalize(x.rstrip()) for x in block])
    if not _BORDER.match(lines[0]):
        raise SourceError(file, "table does not start with a +---+ border", first_line)
    if not _BORDER.match(lines[-1]):
        raise SourceError(
            file, "table does not end with a +---+ border (broken or unclosed table)",
            first_line + len(lines) - 1,
        )
    width = len(lines[0])
    edges = [j for j, ch in enumerate(lines[0]) if ch == "+"]
    for i, text in enumerate(lines):
        if len(text) != width or text[-1] not in "+|":
            raise SourceError(
                file,
                f"misaligned columns: the line is {len(text)} display columns wide where the "
                f"table's border is {width}, or it does not end on a column edge",
                first_line + i,
            )
        if text.startswith("+") and not _BORDER.match(text):
            raise SourceError(file, "broken table border: a border line may hold only "
                              "'+', '-', '=' and ':'", first_line + i)
        missing = [j for j in edges if text[j] not in "+|"]
        if missing:
            raise SourceError(
                file, f"misaligned columns: no column edge at character {missing[0] + 1} "
                "where the table's border has one", first_line + i)
    try:
        _colspecs, head, body = GridTableParser().parse(StringList(lines))
    except TableMarkupError as exc:
        msg = str(exc)
        # docutils reports "... at line N" counted from the table's first line, 1-based
        m = re.search(r"line (\d+)", msg)
        line = first_line + int(m.group(1)) - 1 if m else first_line
        raise SourceError(file, f"broken table border: {msg}", line) from None

    def cells(raw_row) -> tuple[Cell, ...]:
        out = []
        for _morerows, _morecols, offset, content in filter(None, raw_row):
            out.append(Cell(tuple((first_line + offset + j, _unmap(t, shown))
                                  for j, t in enumerate(content))))
        return tuple(out)

    header = tuple(c.text for c in cells(head[0])) if head else ()
    ncols = len(lines[0].split("+")) - 2
    rows = []
    for raw in body:
        row_cells = cells(raw)
        if len(row_cells) != ncols or any(c is None or c[0] or c[1] for c in raw):
            line = first_line + next(c[2] for c in raw if c is not None)
            spans = next((c for c in raw if c is not None and (c[0] or c[1])), None)
            what = (f"a cell spans {_plural(spans[0] + 1, 'row')} and "
                    f"{_plural(spans[1] + 1, 'column')}; cells that span are not supported"
                    if spans else f"a row has {_plural(len(row_cells), 'cell')} where the "
                    f"table has {_plural(ncols, 'column')}")
            raise SourceError(file, f"misaligned columns: {what}", line)
        line = min(n for c in row_cells for n, _ in c.lines) if row_cells else first_line
        rows.append(Row(line, row_cells))
    return Table(first_line, first_line + len(lines) - 1, header, tuple(rows))
