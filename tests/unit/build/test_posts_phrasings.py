"""Posts as real articles phrase them: post types and city names of several words."""

from __future__ import annotations

import pytest

from helpers.build.posts import parse_mission, parse_missions


def _posts(text: str) -> list[tuple[str, list[str]]]:
    return [(p.post_type, p.cities) for p in parse_mission(text).posts]


def test_honorary_consulate_general_is_one_post_type():
    assert _posts("Chile is represented in Norway through its embassy in Oslo, Norway, and "
                  "honorary consulate general in Bergen.") == [
        ("embassy", ["Oslo"]), ("honorary-consulate-general", ["Bergen"])]


def test_city_names_with_small_words_stay_one_city():
    assert _posts("Chile has five honorary consulates (in Bremen, Frankfurt am Main, "
                  "Newcastle upon Tyne, Port of Spain and Munich).") == [
        ("honorary-consulate", ["Bremen", "Frankfurt am Main", "Newcastle upon Tyne",
                                "Port of Spain", "Munich"])]


def test_offices_and_high_commissions():
    assert _posts("Canada has a trade office in Taipei.") == [("trade-office", ["Taipei"])]
    assert _posts("Kenya has a High Commission in Pretoria.") == [("embassy", ["Pretoria"])]


def _sent(text: str) -> list[tuple[str, str, list[str]]]:
    return [(ms.actor, p.post_type, p.cities) for ms in parse_missions(text) for p in ms.posts]


def test_a_list_of_subjects_gives_each_country_its_post():
    assert _sent("Italy, Spain, the Netherlands,and the United States all have embassies in "
                 "Quito.") == [("ITA", "embassy", ["Quito"]), ("ESP", "embassy", ["Quito"]),
                               ("NLD", "embassy", ["Quito"]), ("USA", "embassy", ["Quito"])]


def test_the_subject_is_the_country_right_before_the_verb():
    assert _sent("Chile and Norway both keep close ties and Norway maintains an embassy in "
                 "Santiago.") == [("NOR", "embassy", ["Santiago"])]


def test_a_government_that_set_up_or_established_its_embassy():
    assert _sent("The French Government recognized Laos in May 1955 and established its "
                 "first embassy in Vientiane in June 1956.") == []  # "French" names no country
    assert _sent("The U.S. Government recognized Laos in May 1955 and established its first "
                 "embassy in Vientiane in June 1956.") == [("USA", "embassy", ["Vientiane"])]
    assert _sent("Relations began in 1970 and a year later Japan set up its embassy in "
                 "Nairobi.") == [("JPN", "embassy", ["Nairobi"])]


def test_established_relations_is_not_a_post():
    assert _sent("Peru established diplomatic relations with Nepal in 1975.") == []
    assert _sent("Sweden established relations with Chile in 1930 and has an embassy in "
                 "Santiago.") == [("SWE", "embassy", ["Santiago"])]


@pytest.mark.parametrize("city", ["Frankfurt am Main", "Rio de Janeiro", "Newcastle upon Tyne",
                                  "Santa Cruz de la Sierra", "Ho Chi Minh City", "Saint-Denis"])
def test_a_list_is_split_where_a_known_place_name_ends(city):
    text = f"Norway has honorary consulates in Bergen, {city}, Lyon and Porto."
    assert _posts(text) == [("honorary-consulate", ["Bergen", city, "Lyon", "Porto"])]
    assert _posts(f"Norway has honorary consulates in {city} and Lyon.") == [
        ("honorary-consulate", [city, "Lyon"])]


def test_the_gazetteer_ends_names_whose_small_words_no_rule_lists():
    assert _posts("Finland has consulates in Dar es Salaam, Łódź and León de los Aldama.") == [
        ("consulate", ["Dar es Salaam", "Łódź", "León de los Aldama"])]


def test_capitalised_words_still_name_a_place_the_gazetteer_lacks():
    assert _posts("Chile has an honorary consulate in the San Isidro District.") == [
        ("honorary-consulate", ["the San Isidro District"])]


def test_no_representation_at_all_is_a_statement_that_there_is_no_post():
    assert parse_mission("Chile does not have any representation in Nepal.").negative
