"""Parsers with bounds: deep XML refused fast, cells padded by display width, the 1x1 table."""

from __future__ import annotations

import pytest

from helpers.build.chiefs import read_chiefs
from helpers.build.tables import parse_table
from helpers.build.tei import read_tei
from helpers.build.xmlfile import MAX_DEPTH
from helpers.core.exceptions import SourceError


@pytest.mark.parametrize(("read", "root"), [(read_tei, '<TEI xmlns="http://www.tei-c.org/ns/1.0">'),
                                              (read_chiefs, "<chiefs>")])
def test_xml_nested_200000_deep_is_refused_at_the_element_past_the_limit(read, root):
    # the refusal comes as the element past the limit starts, so the rest is never read
    # (the time it takes is the `deep-xml` figure of `make bench`, not asserted here)
    n = 200_000
    text = f'<?xml version="1.0"?>\n{root}\n' + "<hi>" * n + "x" + "</hi>" * n + "\n"
    with pytest.raises(SourceError, match=f"deep.xml:3: elements nest more than {MAX_DEPTH}"):
        read(text.split("\n"), "deep.xml")


def test_xml_nested_to_the_limit_is_read():
    text = ('<?xml version="1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><text>'
            + "<div>" * (MAX_DEPTH - 3) + "<p>A sentence.</p>" + "</div>" * (MAX_DEPTH - 3)
            + "</text></TEI>\n")
    (statement,) = read_tei(text.split("\n"), "ok.xml").statements
    assert statement.text == "A sentence."


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
