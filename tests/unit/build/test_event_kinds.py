"""The verb decides an event's kind before any noun does (sentences written for the tests)."""

from __future__ import annotations

from helpers.build.events import parse_events


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(e.date.iso, e.kind) for e in parse_events(text)]


def test_recognised_the_independence_of_is_a_recognition():
    assert _kinds("Norway recognised the independence of Chad on March 3, 1961.") == [
        ("1961-03-03", "recognition")]


def test_a_break_because_of_a_war_is_a_break():
    assert _kinds("Because of the 1999 border war, Eritrea broke off diplomatic relations "
                  "with Sudan.") == [("1999", "relations-broken")]


def test_each_date_takes_the_verb_of_its_own_clause():
    assert _kinds("Japan recognized Laos in May 1955 and established its first embassy in "
                  "Vientiane in June 1958.") == [("1955-05", "recognition"),
                                                 ("1958-06", "mission-opened")]


def test_a_noun_of_circumstance_wins_over_a_keyword_of_another_clause():
    assert _kinds("The 1905 treaty ended the 1899 war.") == [("1905", "agreement"),
                                                              ("1899", "other")]


def test_recognising_a_genocide_is_not_recognising_a_state():
    assert _kinds("Greece recognised the Pontic Genocide on 24 February 1994.") == [
        ("1994-02-24", "other")]


def test_a_verb_of_the_next_clause_does_not_take_a_date_its_noun_holds():
    assert _kinds("Following the proclamation of its independence on 4 May 1990, Estonia "
                  "joined the Council of Europe on 14 May 1993.") == [
        ("1990-05-04", "other"), ("1993-05-14", "membership")]
