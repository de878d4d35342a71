"""Memberships as real articles phrase them (sentences written for the tests)."""

from __future__ import annotations

from helpers.build.memberships import membership_subjects, parse_memberships


def test_was_a_founding_member_of_each_organisation_with_its_year():
    text = "Norway was a founding member of the World Bank in 1945 and NATO in 1949."
    assert membership_subjects(text) == "Norway"
    assert parse_memberships(text) == ["World Bank", "NATO"]


def test_a_pronoun_subject_is_reported_as_the_pronoun():
    assert membership_subjects("It is a founding member of ASEAN.") == "It"


def test_an_apposition_after_a_comma_is_not_an_organisation():
    text = "Chad is a member of the African Union, an organisation of African states that meets."
    assert parse_memberships(text) == ["African Union"]


def test_joined_on_a_date_and_a_list_after_a_closing_parenthesis():
    assert parse_memberships("Malta joined the European Union on May 1, 2004.") == [
        "European Union"]
    assert parse_memberships("Both countries are members of the Organization of American "
                             "States (OAS) the United Nations and the Group of 77.") == [
        "Organization of American States (OAS)", "United Nations", "Group of 77"]
