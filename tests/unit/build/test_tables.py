"""Grid tables to rows, and the errors a broken table gives (file and line in the message)."""

from __future__ import annotations

import pytest
from documents import ARTICLE

from helpers.build.statements import read_article
from helpers.build.tables import parse_table
from helpers.core import schema
from helpers.core.exceptions import SourceError

AFRICA = (10, 27)  # first and last line of the Africa table in the article
ASIA = (101, 133)


def _block(lines: list[str], span: tuple[int, int]) -> list[str]:
    first, last = span
    return list(lines[first - 1:last])


def _error(block: list[str], first_line: int) -> SourceError:
    with pytest.raises(SourceError) as info:
        parse_table(block, first_line, ARTICLE)
    return info.value


def test_africa_table_parses_to_one_row_per_country_with_source_lines(article_lines):
    table = parse_table(_block(article_lines, AFRICA), AFRICA[0], ARTICLE)
    assert (table.line, table.end_line) == AFRICA
    assert table.header == ("Country", "Formal Relations Began", "Notes")
    assert [r.line for r in table.rows] == [13, 16, 19, 22, 25]
    ghana = table.rows[2].cells[2]
    assert ghana.lines == (
        (19, "-   Ghana is accredited to Peru from its embassy in Brasília, Brazil."),
        (20, "-   Peru has an embassy in Accra."),
    )
    assert [c.text for c in table.rows[2].cells[:2]] == ["", ""]


def test_a_row_keeps_its_date_cell_and_its_blank_lines(article_lines):
    table = parse_table(_block(article_lines, ASIA), ASIA[0], ARTICLE)
    assert [r.line for r in table.rows] == [104, 106, 111, 115, 120, 122, 124, 129, 132]
    korea = next(r for r in table.rows if r.line == 124)
    assert korea.cells[1].text == "1 April 1963[21]"
    assert [n for n, _ in korea.cells[2].lines] == [124, 125, 126, 127]
    assert korea.cells[2].lines[1] == (125, "")


def test_rows_with_no_text_are_marked_empty(article_lines):
    table = parse_table(_block(article_lines, ASIA), ASIA[0], ARTICLE)
    assert [r.line for r in table.rows if r.is_empty] == [122, 132]


def test_pandoc_alignment_colons_in_the_header_separator_are_normalized(article_lines):
    block = _block(article_lines, AFRICA)
    separator = block[2]
    widths = [len(s) for s in separator.split("+")[1:-1]]
    block[2] = "+" + "+".join(":" + "=" * (n - 1) for n in widths) + "+"  # +:====+:====+
    assert block[2].startswith("+:=") and len(block[2]) == len(separator)
    aligned = parse_table(block, AFRICA[0], ARTICLE)
    plain = parse_table(_block(article_lines, AFRICA), AFRICA[0], ARTICLE)
    assert aligned == plain


def test_a_table_without_its_bottom_border_names_the_last_line(article_lines):
    block = _block(article_lines, AFRICA)[:-1]
    error = _error(block, AFRICA[0])
    assert error.line == 26
    assert str(error).startswith(f"{ARTICLE}:26: ")
    assert "border" in str(error)


@pytest.mark.parametrize("line", [pytest.param(10, id="top"), pytest.param(27, id="bottom")])
def test_a_gap_in_the_outer_border_names_its_line(article_lines, line):
    block = _block(article_lines, AFRICA)
    text = block[line - AFRICA[0]]
    block[line - AFRICA[0]] = text[:40] + " " + text[41:]
    error = _error(block, AFRICA[0])
    assert error.line == line
    assert str(error).startswith(f"{ARTICLE}:{line}: ")
    assert "border" in str(error)


@pytest.mark.parametrize(
    ("line", "column", "char", "what"),
    [
        pytest.param(15, 20, " ", "a gap in the border between Algeria's and Egypt's rows",
                     id="gap-in-row-border"),
        pytest.param(15, 10, "-", "a column junction '+' missing from that border",
                     id="missing-junction"),
        pytest.param(14, 10, " ", "a column edge '|' missing from a row line",
                     id="missing-column-edge"),
    ],
)
def test_a_broken_border_is_a_source_error_naming_its_line(article_lines, line, column, char,
                                                           what):
    block = _block(article_lines, AFRICA)
    text = block[line - AFRICA[0]]
    assert text[column] in "+-|", "the change must hit the border"
    block[line - AFRICA[0]] = text[:column] + char + text[column + 1:]
    error = _error(block, AFRICA[0])
    assert error.line == line, f"{what}: {error}"
    assert str(error).startswith(f"{ARTICLE}:{line}: "), what


@pytest.mark.parametrize(("change", "width"), [(-1, "one short"), (+1, "one long")])
def test_a_row_line_of_the_wrong_width_is_misaligned(article_lines, change, width):
    block = _block(article_lines, AFRICA)
    line = block[14 - AFRICA[0]]
    block[14 - AFRICA[0]] = line[:-2] + "|" if change < 0 else line[:-1] + " |"
    error = _error(block, AFRICA[0])
    assert error.line == 14, width
    assert str(error).startswith(f"{ARTICLE}:14: misaligned columns")
    assert str(len(line) + change) in str(error)


def test_a_table_under_a_heading_naming_no_region_is_read_with_its_heading(article_lines):
    """Drop the "Africa" heading: the Africa table then sits under "Bilateral relations"."""
    lines = [x for n, x in enumerate(article_lines, 1) if n not in (8, 9)]
    doc = read_article(lines, ARTICLE, schema.REGIONS)
    first = doc.rows[0]
    assert (first.heading, first.region) == ("Bilateral relations", "")
