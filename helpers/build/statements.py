"""Documents to statements: sections, paragraphs, bullets and sentences, each with its line.

A statement is one sentence of prose, of a table's notes, or one item of a list. Every one of
them ends up either represented in a table or listed in ``unparsed.csv`` with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from helpers.build.tables import Table, is_table_line, parse_table
from helpers.core.exceptions import SourceError

FOOTNOTE = re.compile(r"\[\d+\]")
_BULLET = re.compile(r"^\s*[-*]\s+")
# A sentence ends at . ! or ? (after any footnote marker or closing quote) before a capital.
_SENTENCE_END = re.compile(r"[.!?](?:\[\d+\])*[”\"’)]?\s+(?=[“\"(]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.)+[A-Z]?|\b[A-Z]|\b(?:St|Mr|Mrs|Dr|No|Jr|Mt|Ft|vs|approx|tel))$")


@dataclass(frozen=True)
class Block:
    """A paragraph, bullet or list item: its text and the line each character came from."""

    text: str
    starts: tuple[tuple[int, int], ...]  # (offset in text, 1-based source line)

    def line_at(self, offset: int) -> int:
        line = self.starts[0][1]
        for start, n in self.starts:
            if start <= offset:
                line = n
        return line


@dataclass(frozen=True)
class Statement:
    source: str
    line: int
    sentence: int  # 1-based index of the sentence among those starting on this line
    section: str  # the heading the statement sits under (a region for table notes)
    kind: str  # prose | note | list-item | see-link
    text: str  # footnote markers removed
    row_line: int | None = None  # the table row a note belongs to


@dataclass(frozen=True)
class TableRow:
    """A table row with its region, its cells by role and its statements."""

    source: str
    region: str
    line: int
    established: str  # the "Formal Relations Began" cell, footnotes kept for the reader
    statements: tuple[Statement, ...]
    heading: str = ""  # the section heading as written ("Middle East"); ``region`` is its region
    country: str = ""  # the Country cell, when the export kept it


@dataclass(frozen=True)
class Document:
    source: str
    statements: tuple[Statement, ...]
    rows: tuple[TableRow, ...]
    empty_rows: tuple[tuple[str, int], ...]  # (region, line)


def clean(text: str) -> str:
    """Remove footnote markers and squeeze whitespace."""
    return re.sub(r"\s+", " ", FOOTNOTE.sub("", text)).strip()


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Split prose into sentences, returning (offset, sentence) pairs.

    Does not split after abbreviations such as "U.S." or inside quotation marks.
    """
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        before = text[start : m.start() + 1]
        word = before[:-1].rsplit(None, 1)[-1] if before[:-1].split() else ""
        if _ABBREVIATION.search(word):
            continue
        if before.count("“") > before.count("”"):
            continue
        out.append((start, text[start : m.end()].strip()))
        start = m.end()
    if text[start:].strip():
        out.append((start, text[start:].strip()))
    return out


def _blocks(lines: list[tuple[int, str]]) -> list[Block]:
    """Group cell or page lines into paragraphs and bullets (a bullet may wrap)."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for n, raw in lines:
        if not raw.strip():
            if current:
                blocks.append(current)
            current = []
            continue
        if _BULLET.match(raw) and current:
            blocks.append(current)
            current = []
        current.append((n, raw))
    if current:
        blocks.append(current)
    out = []
    for group in blocks:
        text, starts = "", []
        for n, raw in group:
            piece = _BULLET.sub("", raw).strip() if not starts else raw.strip()
            if text:
                text += " "
            starts.append((len(text), n))
            text += piece
        out.append(Block(text, tuple(starts)))
    return out


def _statements(block: Block, source: str, section: str, kind: str, row_line=None):
    seen: dict[int, int] = {}
    for offset, sentence in split_sentences(block.text):
        line = block.line_at(offset)
        seen[line] = seen.get(line, 0) + 1
        text = clean(sentence)
        k = "see-link" if kind == "note" and re.match(r"^See .+ relations$", text) else kind
        yield Statement(source, line, seen[line], section, k, text, row_line)


def _is_heading(lines: list[str], i: int) -> bool:
    text = lines[i].strip()
    if not text or is_table_line(text) or _BULLET.match(lines[i]) or text.startswith("["):
        return False
    prev_blank = i == 0 or not lines[i - 1].strip()
    next_blank = i + 1 >= len(lines) or not lines[i + 1].strip()
    return prev_blank and next_blank and len(text) <= 60 and not text.endswith((".", ":"))


def read_article(lines: list[str], source: str,
                 regions: Mapping[str, str] | tuple[str, ...]) -> Document:
    """Read a "Foreign relations of X" article: prose, region tables, lists.

    ``regions`` maps each section heading a bilateral table may sit under to its region
    (``schema.heading_regions``); a plain tuple of regions maps each to itself.
    """
    if not isinstance(regions, Mapping):
        regions = {r: r for r in regions}
    statements: list[Statement] = []
    rows: list[TableRow] = []
    empty: list[tuple[str, int]] = []
    section, heading_line = "", 0
    i = 0
    pending: list[tuple[int, str]] = []  # lines of the current paragraph/list

    def flush():
        if section == "References" or not pending:
            pending.clear()
            return
        for block in _blocks(list(pending)):
            is_item = _BULLET.match(pending[0][1]) is not None
            statements.extend(
                _statements(block, source, section, "list-item" if is_item else "prose")
            )
        pending.clear()

    while i < len(lines):
        line = lines[i]
        if is_table_line(line):
            flush()
            start = i
            while i < len(lines) and is_table_line(lines[i]):
                i += 1
            if section not in regions:
                raise SourceError(
                    source,
                    f"table sits under no region heading (the heading above it is "
                    f"{section or 'missing'!r} on line {heading_line or '?'}; expected one of: "
                    f"{', '.join(sorted(regions))}; a manifest may map more headings in "
                    "[regions])",
                    start + 1,
                )
            table = parse_table(lines[start:i], start + 1, source)
            _read_rows(table, source, section, regions[section], statements, rows, empty)
            continue
        if _is_heading(lines, i):
            flush()
            if section != "References":  # reference lists end the article's statements
                section, heading_line = line.strip(), i + 1
        elif not line.strip():
            if not (pending and _BULLET.match(pending[0][1])):
                flush()
        else:
            if pending and _BULLET.match(line) and not _BULLET.match(pending[0][1]):
                flush()
            pending.append((i + 1, line))
        i += 1
    flush()
    return Document(source, tuple(statements), tuple(rows), tuple(empty))


def _column(header: tuple[str, ...], *words: str) -> int | None:
    for j, name in enumerate(header):
        if all(w in name.lower() for w in words):
            return j
    return None


def _read_rows(table: Table, source, heading, region, statements, rows, empty) -> None:
    notes = _column(table.header, "notes")
    began = _column(table.header, "began")
    if began is None:
        began = _column(table.header, "established")
    country = _column(table.header, "country")
    if notes is None:
        raise SourceError(
            source, f"table header {list(table.header)} has no 'Notes' column", table.line
        )
    for row in table.rows:
        if row.is_empty:
            empty.append((region, row.line))
            continue
        row_statements = []
        for block in _blocks(list(row.cells[notes].lines)):
            row_statements.extend(_statements(block, source, heading, "note", row.line))
        statements.extend(row_statements)
        established = row.cells[began].text if began is not None else ""
        name = clean(row.cells[country].text) if country is not None else ""
        rows.append(TableRow(source, region, row.line, established, tuple(row_statements),
                             heading, name))


def read_fact_sheet(lines: list[str], source: str) -> Document:
    """Read a fact sheet: title block, headed paragraphs, and link lists after a colon."""
    statements: list[Statement] = []
    section = ""
    after_colon = False
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        short = len(text) <= 60 and not text.endswith((".", ":"))
        if short and after_colon:
            statements.append(Statement(source, i + 1, 1, section, "list-item", text))
            continue
        if short:
            section = text if _is_heading(lines, i) else section
            continue
        block = Block(text, ((0, i + 1),))
        statements.extend(_statements(block, source, section, "prose"))
        after_colon = text.endswith(":")
    return Document(source, tuple(statements), (), ())


