"""The register of posts (Wikidata's, `;`-separated): rows to posts, with file and line."""

from __future__ import annotations

import zlib

import pytest

from helpers.build.posts import parse_mission
from helpers.build.register import READ_TYPES, post_type_of, read_register
from helpers.core import schema
from helpers.core.exceptions import SourceError

HEADER = ("operator;operatorQID;jurisdictions;jurisdictionQIDs;country;countryQID;city;cityQID;"
          "address;latitude;longitude;type;typeQID;creation;QID;")
Q = "http://www.wikidata.org/entity/"


def row(operator="Argentina", jurisdictions="Peru", country="Peru", city="San Isidro",
        lat="-12.0949", lon="-77.04753", kind="embassy", creation="", qid="") -> str:
    """A register row; unless ``qid`` is given, its Wikidata item is made from its cells, so
    that two different rows are two items, as in the register."""
    cells = f"{operator};;{jurisdictions};;{country};;{city};;;{lat};{lon};{kind};;{creation};"
    return cells + Q + (qid or f"Q{zlib.crc32(cells.encode('utf-8'))}")


def test_a_row_is_a_post_with_its_line_countries_and_type():
    doc = read_register([HEADER, row(), row(operator="Algeria", city="Lima")], "reg.csv")
    first, second = doc.posts
    assert (first.line, first.sending_iso3, first.host_iso3, first.post_type) == (
        2, "ARG", "PER", "embassy")
    assert first.qid.startswith("Q") and first.qid != second.qid
    assert (second.line, second.sending_iso3, second.city) == (3, "DZA", "Lima")
    assert first.latitude == pytest.approx(-12.0949)


@pytest.mark.parametrize("name,iso3", [("Ivory Coast", "CIV"), ("East Timor", "TLS"),
                                       ("Republic of Ireland", "IRL"),
                                       ("Sahrawi Arab Democratic Republic", "ESH"),
                                       ("Turkey", "TUR"), ("Vatican", "VAT")])
def test_the_registers_own_country_names_resolve(name, iso3):
    (post,) = read_register([HEADER, row(operator=name)], "reg.csv").posts
    assert post.sending_iso3 == iso3


def test_jurisdictions_keep_countries_and_drop_provinces_and_organizations():
    text = row(operator="Albania", jurisdictions="Uruguay|Brazil|Peru|Minas Gerais|UNESCO",
               country="Brazil", city="Brasília")
    (post,) = read_register([HEADER, text], "reg.csv").posts
    assert post.accredited == ("URY", "BRA", "PER")


@pytest.mark.parametrize("fields,reason", [
    (dict(operator="Nordic countries"), "operator 'Nordic countries' is not a country"),
    (dict(operator="Ministry of Foreign Affairs"), "is not a country"),
    (dict(country=""), "no country"),
    (dict(kind="permanent mission"), "names none of the post types (trade-office,"),
    (dict(lat="south"), "not a latitude and a longitude"),
])
def test_a_row_that_names_no_post_of_a_country_is_unplaced_with_its_reason(fields, reason):
    doc = read_register([HEADER, row(**fields)], "reg.csv")
    assert doc.posts == ()
    (bad,) = doc.unplaced
    assert bad.line == 2 and reason in bad.reason


def test_a_row_with_too_many_cells_is_unplaced_not_misread():
    doc = read_register([HEADER, row() + ";x;y"], "reg.csv")
    assert "cells where the header has" in doc.unplaced[0].reason


def test_a_header_without_the_columns_stops_the_build_with_file_and_line():
    with pytest.raises(SourceError, match=r"reg.csv:1: .*lacks the columns .*jurisdictions"):
        read_register(["operator;country;city", "Peru;Chile;Santiago"], "reg.csv")


@pytest.mark.parametrize("written,kind", [
    ("consulate general", "consulate-general"), ("Consulate General of Sweden",
                                                 "consulate-general"),
    ("honorary consulate", "honorary-consulate"), ("apostolic nunciature", "embassy"),
    ("British High Commission", "embassy"), ("Consular Agency", "consular-agency"),
    ("consulate", "consulate"), ("Interests Section", ""), ("liaison office", "liaison-office"),
    ("Taipei Representative Office", "representative-office"), ("trade office", "trade-office"),
    ("Apostolic delegation", ""), ("assistant high commission", "consulate"),
    ("de facto embassy", "embassy")])
def test_register_types_map_to_the_post_types_by_their_words(written, kind):
    assert post_type_of(written) == kind


@pytest.mark.parametrize("written", ["honorary consulate general", "honorary consulate-general",
                                     "Honorary Consulate General of Peru"])
def test_an_honorary_consulate_general_is_one_whichever_way_it_is_written(written):
    """Issue 24, item 9: "honorary consulate general" was read as a career consulate-general,
    "honorary consulate-general" as an honorary consulate."""
    (post,) = read_register([HEADER, row(kind=written)], "reg.csv").posts
    assert post.post_type == "honorary-consulate-general"


@pytest.mark.parametrize("words", ["embassy", "consulate-general", "general consulate",
                                   "honorary consulate", "honorary consulate-general",
                                   "honorary consulate general", "consular agency",
                                   "high commission", "trade office", "liaison office",
                                   "representative office", "consulate"])
def test_the_article_and_the_register_read_a_post_type_alike(words):
    (mention,) = parse_mission(f"Chile has an {words} in Lima.").posts
    assert mention.post_type == post_type_of(words) == schema.post_type_of(words) != ""


def test_every_type_the_register_reads_is_a_post_type_of_the_schema():
    assert set(READ_TYPES) <= set(schema.POST_TYPES)


# ------------------------------------------------ a row that does not parse (issue 24, item 1)

def _rows(n: int) -> list[str]:
    return [row(operator=name) for name in ("Chile", "Brazil", "Mexico", "Japan", "Spain")[:n]]


def test_an_unbalanced_quote_stops_the_build_at_the_line_it_opens_not_at_the_end():
    lines = [HEADER, *_rows(5)]
    lines[3] = lines[3].replace(";San Isidro;", ';"San Isidro;')  # line 4 of the file
    with pytest.raises(SourceError, match=r"^reg\.csv:4: .*never closed"):
        read_register(lines, "reg.csv")


def test_a_quote_closed_lines_later_stops_the_build_at_the_line_it_opens():
    lines = [HEADER, *_rows(5)]
    lines[2] = lines[2].replace(";San Isidro;", ';"San Isidro;')  # opens on line 3
    lines[4] = lines[4].replace(";San Isidro;", ';San Isidro";')  # closes on line 5
    with pytest.raises(SourceError, match=r"^reg\.csv:3: a quoted cell opens on this line and "
                                          r"runs to line 5"):
        read_register(lines, "reg.csv")


def test_a_well_quoted_cell_is_read_as_one_cell():
    (post,) = read_register([HEADER, row(city='"San Isidro; Lima"')], "reg.csv").posts
    assert post.city == "San Isidro; Lima"


# ------------------------------------------------ a post is its Wikidata item (issue 24, item 2)

def test_an_exact_duplicate_row_is_one_post_and_names_both_lines():
    algeria = row(operator="Algeria", city="Lima", qid="Q100269347")
    doc = read_register([HEADER, algeria, row(), algeria], "reg.csv")
    assert [(p.line, p.sending_iso3) for p in doc.posts] == [(2, "DZA"), (3, "ARG")]
    (repeat,) = doc.repeats
    assert (repeat.line, repeat.first_line) == (4, 2)


def test_a_qid_reused_for_a_different_post_is_refused_on_both_lines():
    iraq = row(operator="Iraq", jurisdictions="Kuwait", country="Kuwait", city="Kuwait City",
               lat="29.325", lon="48.0399", qid="Q106686567")
    nepal = iraq.replace("Iraq;", "Nepal;", 1)
    doc = read_register([HEADER, iraq, row(), nepal], "reg.csv")
    assert [p.sending_iso3 for p in doc.posts] == ["ARG"]
    assert [(u.line, u.reason.split(":")[0]) for u in doc.unplaced] == [
        (2, "QID Q106686567 also names a different post on line 4"),
        (4, "QID Q106686567 also names a different post on line 2")]
    assert doc.unplaced[0].concerns == ("IRQ", "KWT")


# ------------------------------------------------ creation dates are dates (issue 24, item 4)

@pytest.mark.parametrize("creation,why", [
    ("2022-02-30T00:00:00Z", "is not a calendar date"),
    ("2022-13-45T00:00:00Z", "is not a calendar date"),
    ("0999-01-01T00:00:00Z", "is before 1000-01-01"),
    ("9999-12-31T00:00:00Z", "is after 2022-11-16, the date of the source")])
def test_a_creation_date_outside_the_calendar_or_the_registers_span_is_unplaced(creation, why):
    doc = read_register([HEADER, row(creation=creation)], "reg.csv", until="2022-11-16")
    assert doc.posts == () and why in doc.unplaced[0].reason


def test_a_creation_date_is_kept_to_its_day():
    (post,) = read_register([HEADER, row(creation="1950-01-01T00:00:00Z")], "reg.csv",
                            until="2022-11").posts
    assert post.creation == "1950-01-01"
