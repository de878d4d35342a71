"""The register of posts (Wikidata's, `;`-separated): rows to posts, with file and line."""

from __future__ import annotations

import pytest

from helpers.build.register import READ_TYPES, post_type_of, read_register
from helpers.core import schema
from helpers.core.exceptions import SourceError

HEADER = ("operator;operatorQID;jurisdictions;jurisdictionQIDs;country;countryQID;city;cityQID;"
          "address;latitude;longitude;type;typeQID;creation;QID;")
Q = "http://www.wikidata.org/entity/"


def row(operator="Argentina", jurisdictions="Peru", country="Peru", city="San Isidro",
        lat="-12.0949", lon="-77.04753", kind="embassy", creation="", qid="Q5638425") -> str:
    return (f"{operator};;{jurisdictions};;{country};;{city};;;{lat};{lon};{kind};;{creation};"
            f"{Q}{qid}")


def test_a_row_is_a_post_with_its_line_countries_and_type():
    doc = read_register([HEADER, row(), row(operator="Algeria", city="Lima")], "reg.csv")
    first, second = doc.posts
    assert (first.line, first.sending_iso3, first.host_iso3, first.post_type, first.qid) == (
        2, "ARG", "PER", "embassy", "Q5638425")
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
    ("Apostolic delegation", "")])
def test_register_types_map_to_the_post_types_by_their_words(written, kind):
    assert post_type_of(written) == kind


def test_every_type_the_register_reads_is_a_post_type_of_the_schema():
    assert set(READ_TYPES) <= set(schema.POST_TYPES)
