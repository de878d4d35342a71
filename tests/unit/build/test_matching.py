"""One post, whatever the number of sources: matching the register to the text's posts."""

from __future__ import annotations

import pytest

from helpers.build.matching import city_of, distance_km, match_posts
from helpers.build.register import read_register
from helpers.core.schema import SAME_PLACE_KM
from tests.unit.build.test_register import HEADER, row


def text_row(sending="PER", host="DZA", city="Algiers", kind="embassy", status="open") -> dict:
    return dict(sending_iso3=sending, accredited_to_iso3=host, city_iso3=host, city=city,
                post_type=kind, status=status)


def posts(*lines: str):
    return read_register([HEADER, *lines], "reg.csv").posts


HYDRA = row(operator="Peru", jurisdictions="Algeria", country="Algeria", city="Hydra",
            lat="36.7468", lon="3.0404")


def test_a_district_is_its_city_by_coordinates():
    (post,) = posts(HYDRA)
    assert city_of(post) == "Algiers"
    (m,) = match_posts([text_row()], [post])
    assert m.agreement == "both" and m.distance_km < SAME_PLACE_KM


def test_another_type_at_the_same_place_is_a_conflict_of_type():
    (post,) = posts(HYDRA)
    (m,) = match_posts([text_row(kind="consulate-general")], [post])
    assert (m.agreement, m.conflict) == ("conflict", "type")


def test_a_post_the_text_says_closed_but_the_register_lists_is_a_conflict_of_status():
    (post,) = posts(HYDRA)
    (m,) = match_posts([text_row(status="closed")], [post])
    assert (m.agreement, m.conflict) == ("conflict", "status")


def test_an_embassy_in_another_city_is_a_conflict_of_city_and_a_consulate_is_only_text():
    (post,) = posts(row(operator="Peru", jurisdictions="Algeria", country="Algeria",
                        city="Oran", lat="35.6969", lon="-0.6331"))
    embassy, consulate = match_posts([text_row(), text_row(kind="consulate")], [post])
    assert (embassy.agreement, embassy.conflict) == ("conflict", "city")
    assert consulate.agreement == "text-only"


def test_distance_is_great_circle_kilometres():
    assert distance_km(0, 0, 0, 1) == pytest.approx(111.19, abs=0.01)


def test_the_peru_build_states_each_post_once_with_its_sources(rows):
    (algiers,) = rows("missions", sending_iso3="PER", city="Algiers", accredited_to_iso3="DZA")
    assert algiers["agreement"] == "both"
    (tunisia,) = rows("missions", sending_iso3="PER", city="Algiers", accredited_to_iso3="TUN")
    assert (tunisia["agreement"], tunisia["city_as_written"]) == ("register-only", "Hydra")
    assert algiers["sources"] == ("database_of_embassies_2022-11-16.csv;"
                                  "foreign_relations_of_peru.txt")
    stated = rows("post_sources", sending_iso3="PER", host_iso3="DZA")
    assert {r["place_as_written"] for r in stated} == {"Algiers", "Hydra"}


def test_register_rows_that_name_no_country_are_unparsed_with_their_reason(rows):
    unparsed = rows("unparsed", source="database_of_embassies_2022-11-16.csv")
    assert any("'Nordic countries' is not a country" in r["reason"] for r in unparsed)
