"""Phrasings "Foreign relations of X" articles commonly use, each on a sentence of its shape.

The sentences are written for these tests (about Chile and other subjects), not copied.
"""

from __future__ import annotations

import pytest

from helpers.build.dates import find_dates, parse_date
from helpers.build.events import parse_date_cell, parse_events
from helpers.build.posts import parse_mission


def _posts(text: str) -> list[tuple[str, tuple[str, ...], str | None]]:
    ms = parse_mission(text)
    assert ms is not None, text
    return [(p.post_type, tuple(p.cities), p.country) for p in ms.posts]


# ------------------------------------------------------------------ posts

def test_from_its_embassy_in_washington_dc_united_states_is_one_city():
    ms = parse_mission("Norway is accredited to Chile from its embassy in Washington, D.C., "
                       "United States.")
    assert (ms.actor, ms.target) == ("NOR", "CHL")
    assert _posts("Norway is accredited to Chile from its embassy in Washington, D.C., "
                  "United States.") == [("embassy", ("Washington, D.C.",), "USA")]


def test_an_embassy_in_washington_dc_and_a_consulate_general_in_new_york_city():
    assert _posts("Chile has an embassy in Washington, D.C. and a consulate-general in New York "
                  "City.") == [("embassy", ("Washington, D.C.",), None),
                               ("consulate-general", ("New York City",), None)]


def test_represented_in_y_by_its_embassy_in_z():
    ms = parse_mission("Latvia is represented in Chile by its embassy in Buenos Aires.")
    assert (ms.actor, ms.target) == ("LVA", "CHL")
    assert [p.cities for p in ms.posts] == [["Buenos Aires"]]


def test_represented_through_an_honorary_consulate():
    ms = parse_mission("Chile is represented in Malta through an honorary consulate in Valletta.")
    assert (ms.actor, ms.target) == ("CHL", "MLT")
    assert _posts("Chile is represented in Malta through an honorary consulate in "
                  "Valletta.") == [("honorary-consulate", ("Valletta",), None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Chile has consulates in Rosario and Salta.", [("consulate", ("Rosario", "Salta"), None)]),
    ("Chile has consulates-general in Sydney, Melbourne, and Perth.",
     [("consulate-general", ("Sydney", "Melbourne", "Perth"), None)]),
    ("Italy has honorary consulates in Valparaíso and Antofagasta.",
     [("honorary-consulate", ("Valparaíso", "Antofagasta"), None)]),
])
def test_plural_posts_list_every_city(text, expected):
    assert _posts(text) == expected


@pytest.mark.parametrize(("text", "status", "year"), [
    ("Chile closed its embassy in Nairobi in 2012.", "closed", 2012),
    ("Chile suspended the operations of its embassy in Caracas in 2019.", "suspended", 2019),
    ("Chile reopened its embassy in Tripoli in 2022.", "open", 2022),
    ("Chile has reopened its embassy in Tripoli in 2022.", "open", 2022),
])
def test_closed_suspended_and_reopened_posts_set_status_and_year(text, status, year):
    ms = parse_mission(text)
    assert (ms.actor, ms.status, ms.status_year) == ("CHL", status, year)
    assert len(ms.posts) == 1 and ms.posts[0].post_type == "embassy"


@pytest.mark.parametrize(("text", "kind"), [
    ("Chile closed its embassy in Nairobi in 2012.", "mission-closed"),
    ("Chile suspended the operations of its embassy in Caracas in 2019.", "mission-suspended"),
    ("Chile reopened its embassy in Tripoli in 2022.", "mission-reopened"),
])
def test_a_post_status_change_is_a_dated_event(text, kind):
    assert [(e.date.iso, e.kind) for e in parse_events(text)] == [(text[-5:-1], kind)]


# ------------------------------------------------------------------ relations broken and renewed

def test_relations_broken_off_and_restored_are_two_events():
    events = parse_events("Diplomatic relations were broken off on 3 March 1962 and restored on "
                          "8 June 1975.")
    assert [(e.date.iso, e.kind) for e in events] == [("1962-03-03", "relations-broken"),
                                                       ("1975-06-08", "relations-renewed")]


@pytest.mark.parametrize(("text", "kind"), [
    ("Both countries severed relations in 1973.", "relations-broken"),
    ("Relations were re-established in 1990.", "relations-renewed"),
    ("Both governments re-established diplomatic relations in 1990.", "relations-renewed"),
    ("Both countries established diplomatic relations in 1990.", "relations-established"),
])
def test_severed_and_re_established(text, kind):
    assert [e.kind for e in parse_events(text)] == [kind]


# ------------------------------------------------------------------ the date column

def test_a_date_cell_with_several_dates_gives_established_and_events_of_their_kind():
    first, others = parse_date_cell("5 May 1987, broken 9 September 1996")
    assert (first.iso, first.precision) == ("1987-05-05", "day")
    assert [(d.iso, kind) for d, kind in others] == [("1996-09-09", "relations-broken")]


def test_a_date_cell_broken_and_restored():
    first, others = parse_date_cell("12 March 1946, severed 1962, restored 1985[4]")
    assert first.iso == "1946-03-12"
    assert [(d.iso, kind) for d, kind in others] == [("1962", "relations-broken"),
                                                      ("1985", "relations-renewed")]


def test_a_date_cell_of_words_only_gives_no_date():
    assert parse_date_cell("unknown") == (None, [])


# ------------------------------------------------------------------ imprecise dates

@pytest.mark.parametrize("cell", ["c. 1850", "ca. 1850", "circa 1850"])
def test_circa_is_approximate_and_keeps_its_year(cell):
    d = parse_date(cell)
    assert (d.iso, d.precision, d.approximate) == ("1850", "year", True)


def test_a_decade_is_a_decade_not_its_first_year():
    d = parse_date("1820s")
    assert (d.iso, d.precision, d.approximate) == ("1820", "decade", False)
    (found,) = find_dates("Traders from both sides met in the 1830s.")
    assert (found.iso, found.precision) == ("1830", "decade")


def test_an_exact_year_is_not_approximate():
    d = parse_date("1965")
    assert (d.iso, d.precision, d.approximate) == ("1965", "year", False)
