"""Posts as real articles phrase them: post types and city names of several words."""

from __future__ import annotations

from helpers.build.posts import parse_mission


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
