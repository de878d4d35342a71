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


def test_the_subject_after_a_leading_clause_with_a_dated_comma():
    text = ("After the proclamation of its independence on March 11, 1990, Lithuania became a "
            "member of the United Nations on September 17, 1991, and is a party to many treaties.")
    assert membership_subjects(text) == "Lithuania"
    assert parse_memberships(text) == ["United Nations"]


def test_a_membership_coordinated_with_an_earlier_verb_keeps_its_subject():
    text = ("In the Arctic, Poland has kept a research station on Svalbard since 1957 and is a "
            "member of the Arctic Council.")
    assert membership_subjects(text) == "Poland"
    assert parse_memberships(text) == ["Arctic Council"]
