"""A row's region is its partner's continent; the heading is kept as written."""

from __future__ import annotations

import pytest

from helpers.build.partners import Partner, row_partner, row_region
from helpers.build.statements import TableRow, read_article
from helpers.core import schema
from helpers.core.exceptions import SourceError


def _row(region: str, heading: str) -> TableRow:
    return TableRow("doc.txt", region, 10, "", (), heading)


def test_headings_differing_in_case_hyphens_and_spaces_are_one_heading():
    table = schema.heading_regions()
    assert schema.region_of_heading("Latin-America", table) == "Americas"
    assert schema.region_of_heading("latin  america", table) == "Americas"
    assert schema.region_of_heading("Rest of world", table) == ""


def test_region_is_the_partners_continent_whatever_the_heading():
    assert row_region(_row("", "Rest of world"), Partner("JPN", "stated")) == "Asia"
    assert row_region(_row("Europe", "Europe"), Partner("CAN", "stated")) == "Americas"


def test_a_transcontinental_partner_keeps_a_heading_naming_one_of_its_continents():
    assert row_region(_row("Europe", "Europe"), Partner("CYP", "stated")) == "Europe"


def test_an_unresolved_partner_takes_the_headings_region_or_unknown():
    assert row_region(_row("Africa", "Africa"), Partner("", "unresolved")) == "Africa"
    assert row_region(_row("", "Other"), Partner("", "unresolved")) == "unknown"


def test_a_table_under_a_heading_of_organisations_is_refused():
    lines = ["International organizations", "", "+---+", "| a |", "+===+", "| b |", "+---+"]
    with pytest.raises(SourceError, match="organisations, not of partner countries"):
        read_article(lines, "doc.txt", schema.heading_regions())


def test_a_country_column_naming_a_former_country_states_it_with_the_headings_region():
    row = TableRow("doc.txt", "Europe", 10, "", (), "Europe", country="Yugoslavia")
    partner, _ = row_partner(row, [row], None, "MNG", {})
    assert (partner.iso3, partner.resolution) == ("YUG", "stated")
    assert row_region(row, partner) == "Europe"
