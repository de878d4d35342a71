"""Parsers with bounds: deep XML refused fast, cells padded by display width, the 1x1 table."""

from __future__ import annotations

import time

import pytest

from helpers.build.tables import parse_table
from helpers.build.tei import MAX_DEPTH, read_tei
from helpers.core.exceptions import SourceError


def test_xml_nested_200000_deep_is_refused_with_its_line_in_well_under_a_second():
    n = 200_000
    text = ('<?xml version="1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader>\n'
            + "<hi>" * n + "x" + "</hi>" * n + "</teiHeader></TEI>\n")
    started = time.perf_counter()
    with pytest.raises(SourceError, match=f"deep.xml:3: elements nest more than {MAX_DEPTH}"):
        read_tei(text.split("\n"), "deep.xml")
    assert time.perf_counter() - started < 0.5


def test_cells_padded_by_display_width_are_aligned():
    table = parse_table(["+------+-------+",
                         "| 日本 | e\u0301x\u200b    |",
                         "+------+-------+"], 1, "doc.txt")
    assert [c.text for c in table.rows[0].cells] == ["日本", "e\u0301x\u200b"]


def test_a_row_short_of_cells_is_counted_in_words_that_agree():
    with pytest.raises(SourceError) as info:
        parse_table(["+---+---+", "| a     |", "+---+---+"], 1, "doc.txt")
    message = str(info.value)
    assert "1 cells" not in message and "1 columns" not in message
