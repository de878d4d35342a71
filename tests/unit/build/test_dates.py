"""Dates as the sources write them, read at their own precision."""

from __future__ import annotations

import pytest
from documents import grid, write_source

from helpers.build.dates import find_dates, parse_date
from helpers.build.pipeline import build
from helpers.core import schema
from helpers.core.exceptions import SchemaError


@pytest.mark.parametrize(
    ("cell", "iso", "precision"),
    [
        ("27 November 1991", "1991-11-27", "day"),  # Americas table, line 38
        ("1 April 1963[21]", "1963-04-01", "day"),  # Asia table, line 124, footnote kept
        ("1963-01-25", "1963-01-25", "day"),  # Finland, line 161
        ("1971", "1971", "year"),  # line 73
        ("June 23, 1919", "1919-06-23", "day"),  # "Peru recognized Finland on June 23, 1919."
        ("November 1999", "1999-11", "month"),  # "In November 1999, Peru and Chile signed ..."
    ],
)
def test_a_date_cell_parses_at_its_own_precision(cell, iso, precision):
    date = parse_date(cell)
    assert date is not None
    assert (date.iso, date.precision) == (iso, precision)
    assert date.year == int(iso[:4])


@pytest.mark.parametrize("cell", ["", "See Chile–Peru relations", "[21]"])
def test_a_cell_without_a_date_parses_to_none(cell):
    assert parse_date(cell) is None


def test_a_street_number_after_at_is_not_a_year(fact_sheet_lines):
    line = fact_sheet_lines[28 - 1]
    assert "at 1700 Massachusetts Avenue" in line
    assert find_dates(line) == []


def test_an_amount_of_money_is_not_a_year():
    assert find_dates("$9.1 billion") == []
    sentence = ("Two-way trade in goods between the United States and Peru has increased from "
                "$9.1 billion in 2009 to $14.3 billion in 2016, driving growth and employment in "
                "both countries.")
    assert [d.iso for d in find_dates(sentence)] == ["2009", "2016"]


def test_a_count_of_people_is_not_a_year():
    sentence = ("Peruvian police stopped a group of nearly 2,000 people just 10 km from the "
                "border, preventing them from reaching their intended destination.")
    assert find_dates(sentence) == []


def test_two_years_joined_by_and_are_both_found():
    sentence = ("Peru's position was that the border has never been fully demarcated, but Chile "
                "disagreed reminding on treaties in 1952 and 1954 between the countries, which "
                "supposedly defined seaborder.")
    assert [d.year for d in find_dates("treaties in 1952 and 1954,")] == [1952, 1954]
    dates = find_dates(sentence)
    assert [(d.iso, d.precision) for d in dates] == [("1952", "year"), ("1954", "year")]


def test_dates_come_in_text_order_each_at_its_precision():
    sentence = ("In November 1999, Peru and Chile signed three agreements which put to rest the "
                "remaining obstacles holding up implementation of the 1929 Treaty of Lima, which "
                "officially ended the 1879 War of the Pacific.")
    assert [(d.iso, d.precision) for d in find_dates(sentence)] == [
        ("1999-11", "month"), ("1929", "year"), ("1879", "year")]


def test_a_date_in_a_sentence_records_where_it_was_found():
    sentence = "Both countries established diplomatic relations on November 27, 1991."
    (date,) = find_dates(sentence)
    assert date.iso == "1991-11-27"
    assert sentence[date.start:date.end] == "November 27, 1991"


def test_a_day_the_calendar_lacks_stops_the_build_with_the_source_line(tmp_path):
    """Dates were only pattern-checked (issue 24, item 4): "February 30, 1920" became the
    date 1920-02-30 of a relation and an event."""
    doc = "Americas\n\n" + grid([("", "", ["-   Chile established diplomatic relations with "
                                           "Peru on February 30, 1920."])]) + "\n"
    write_source(tmp_path / "raw", doc)
    with pytest.raises(SchemaError, match=r"column 'established' is not a valid date \(from "
                                          r"document.txt:6\)"):
        build(raw=tmp_path / "raw", out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value,valid", [("1920", True), ("1920-02-29", True),
                                         ("1921-02-29", False), ("2022-13", False),
                                         ("0000", False), ("1920-02-39", False)])
def test_a_date_column_holds_calendar_dates(value, valid):
    table = schema.TABLES["events"]
    row = dict(partner_iso3="CHL", date=value, precision="year", approximate="false",
               end_date="", kind="other", summary="x", row_line="", source="a.txt", line="1",
               sentence="1")
    if valid:
        schema.validate_rows(table, table.names, [row], "events")
    else:
        with pytest.raises(SchemaError, match="column 'date' is not a valid date"):
            schema.validate_rows(table, table.names, [row], "events")
