"""Classes of statement real articles write (sentences written for the tests, each with a
counter-example that must not be read the same way)."""

from __future__ import annotations

import pytest
from documents import grid, write_source

from benchmarks.corpus import invariant_violations
from helpers.build.dates import find_dates
from helpers.build.events import parse_events
from helpers.build.memberships import (
    listed_members,
    membership_subjects,
    organizations,
    parse_memberships,
    resolve,
)
from helpers.build.pipeline import extract_tables
from helpers.build.posts import parse_missions, parse_respectively
from helpers.build.sources import read_manifest

NORWAY = ("Norway", "NOR", "Oslo")


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(e.date.iso, e.kind) for e in parse_events(text)]


def _build(tmp_path, rows=(), prose: str = "") -> dict[str, list[dict]]:
    """Norway's article with ``prose`` under "Overview" and ``rows`` under "Europe"."""
    text = "Overview\n\n" + (prose or "Norway keeps an active foreign policy.") + "\n"
    if rows:
        text += "\nEurope\n\n" + grid(list(rows)) + "\n"
    tables, _counts = extract_tables(read_manifest(write_source(tmp_path, text, NORWAY)))
    return tables


def _posts(tables) -> list[tuple]:
    return sorted((m["sending_iso3"], m["city"], m["post_type"], m["status"], m["status_year"])
                  for m in tables["missions"])


def _members(tables) -> list[tuple[str, str]]:
    return sorted((m["organization"], m["member_iso3"]) for m in tables["memberships"])


# ------------------------------------------------------------- relations dated in the notes

@pytest.mark.parametrize("text, date", [
    ("Both countries established diplomatic relation in 1994.", "1994"),
    ("The two countries established diplomatc relations on 2 March 1995.", "1995-03-02"),
    ("The relationship was formally established in 1921.", "1921"),
    ("Relations started on June 4, 1930, when Norway was recognized by Albania.", "1930-06-04"),
    ("In the early 1960s both countries established diplomatic relations.", "1960"),
])
def test_a_dated_clause_establishing_relations_sets_an_empty_date_cell(tmp_path, text, date):
    tables = _build(tmp_path, [("Albania", "", [text])])
    assert [(r["iso3"], r["established"]) for r in tables["relations"]] == [("ALB", date)]


def test_a_joint_commission_established_in_a_year_is_no_start_of_relations(tmp_path):
    tables = _build(tmp_path, [("Albania", "", ["Both countries established a joint "
                                                "commission in 1994."])])
    assert tables["relations"][0]["established"] is None


def test_relations_interrupted_between_two_years_are_broken_then_renewed():
    assert _kinds("The relationship was officially established in 1921, only interrupted "
                  "between 1940 and 1955.") == [("1921", "relations-established"),
                                                ("1940", "relations-broken"),
                                                ("1955", "relations-renewed")]
    # counter-example: an interruption of something other than relations
    assert _kinds("Ferry traffic was interrupted between 1940 and 1945.") == [
        ("1940", "other"), ("1945", "other")]


def test_respectively_pairs_each_post_with_its_city(tmp_path):
    text = ("In the late 1950s both countries officially established diplomatic relations and "
            "set up embassies in Oslo and Athens respectively.")
    tables = _build(tmp_path, [("Greece", "", [text])])
    assert _posts(tables) == [("GRC", "Oslo", "embassy", "open", None),
                              ("NOR", "Athens", "embassy", "open", None)]
    assert tables["relations"][0]["established_precision"] == "decade"
    assert sorted((lv["sending_iso3"], lv["level"]) for lv in tables["levels"]) == [
        ("GRC", "embassy"), ("NOR", "embassy")]
    assert parse_respectively("Norway and Greece opened consulates in Patras and Bergen "
                              "respectively.") == (["NOR", "GRC"], "consulate",
                                                   ["Patras", "Bergen"])
    # counter-example: without "respectively" nothing says which embassy is whose
    assert parse_respectively("Both countries set up embassies in Oslo and Athens.") is None


# -------------------------------------------------------------------------- memberships

def test_a_coordinated_second_organisation_keeps_its_own_year():
    text = "Norway was a founding member of the Council of Europe in 1949 and the OECD in 1961."
    assert parse_memberships(text) == ["Council of Europe", "OECD"]
    assert _kinds(text) == [("1949", "membership"), ("1961", "membership")]
    # counter-example: a coordinated clause that is no organisation
    assert parse_memberships("Norway was a founding member of NATO in 1949 and hosted a "
                             "summit in 2002.") == ["NATO"]


def test_became_a_member_takes_the_organisation_named_earlier_in_the_sentence():
    text = "Norway filed an EFTA membership application in 1959 and became a member in 1960."
    assert (membership_subjects(text), parse_memberships(text)) == ("Norway", ["EFTA"])
    assert _kinds(text) == [("1959", "other"), ("1960", "membership")]
    assert parse_memberships("Norway gained membership in the Asian Development Bank on "
                             "March 2, 1975.") == ["Asian Development Bank"]
    # counter-example: no organisation is named anywhere
    assert parse_memberships("Norway filed an application in 1992 and became a member in "
                             "1995.") == []


def test_the_subject_as_one_of_a_list_of_members(tmp_path):
    assert listed_members("The members of the Visegrád Group are the Czech Republic, Hungary, "
                          "Poland and Slovakia.") == ("Visegrád Group",
                                                       ["CZE", "HUN", "POL", "SVK"])
    text = "Norway, together with the other Nordic countries, is also a member of the NIB."
    assert membership_subjects(text) == "Norway"
    # counter-example: a list of people is no list of members of an organisation
    assert listed_members("The members of the delegation were Hansen and Berg.") is None


def test_a_name_that_contains_and_is_kept_whole_before_any_split():
    assert parse_memberships("Norway is a member of the Organisation for Economic Co-operation "
                             "and Development.") == [
        "Organisation for Economic Co-operation and Development"]
    # counter-example: two organisations joined by "and" are still two
    assert parse_memberships("Norway is a member of the United Nations and the Council of "
                             "Europe.") == ["United Nations", "Council of Europe"]


def test_a_qualifier_before_a_name_is_dropped():
    assert parse_memberships("Norway is a member of NATO and its adjunct Euro-Atlantic "
                             "Partnership Council.") == [
        "NATO", "Euro-Atlantic Partnership Council"]
    # counter-example: a phrase with no name left is no organisation
    assert parse_memberships("Norway is a member of the United Nations and some of its "
                             "specialized agencies.") == ["United Nations"]


def test_joining_countries_in_an_action_is_no_membership(tmp_path):
    text = "In 1999 Norway joined Denmark and other Nordic states in calling for a ceasefire."
    assert parse_memberships(text) == []
    assert _kinds(text) == [("1999", "other")]
    assert _members(_build(tmp_path, prose=text)) == []
    # counter-example: joining an organisation is a membership
    assert _kinds("Norway joined the European Free Trade Association in 1960.") == [
        ("1960", "membership")]


def test_a_membership_of_no_organisation_is_unparsed_with_its_reason(tmp_path):
    tables = _build(tmp_path, prose="Norway is a member of the Friends of the Fjords.")
    assert _members(tables) == []
    assert [u["reason"] for u in tables["unparsed"]] == [
        "a membership of 'Friends of the Fjords', which is no organisation of "
        "reference/organizations.csv"]
    # counter-example: an organisation of the reference table is a membership
    assert _members(_build(tmp_path / "b", prose="Norway is a member of the Nordic Council.")
                    ) == [("Nordic Council", "NOR")]
    assert resolve("Nordic Investment Bank (NIB)", organizations()).acronym == "NIB"


# ----------------------------------------------------------------------- dates and clauses

def test_a_comma_after_the_month_and_a_month_after_the_year():
    assert [(d.iso, d.precision) for d in find_dates("On September, 30 2006 it opened.")] == [
        ("2006-09-30", "day")]
    assert [(d.iso, d.precision) for d in find_dates("In 2006 May it opened.")] == [
        ("2006", "year")]
    # counter-example: "September, 2006" is a month
    assert [(d.iso, d.precision) for d in find_dates("In September, 2006 it opened.")] == [
        ("2006-09", "month")]


def test_a_year_given_once_is_carried_to_a_later_day_of_the_sentence():
    assert _kinds("In 1991, after long talks, on 10 October, diplomatic relations were "
                  "restored.") == [("1991-10-10", "relations-renewed")]
    # counter-example: a day with no year in its sentence is no date
    assert _kinds("On October 10 the embassy opened.") == []


def test_two_dated_clauses_in_one_sentence_each_give_their_post(tmp_path):
    text = ("In 1993, Embassy of Poland was established in Oslo, in 1996, Embassy of Norway "
            "was established in Warsaw.")
    assert _kinds(text) == [("1993", "mission-opened"), ("1996", "mission-opened")]
    tables = _build(tmp_path, [("Poland", "", [text])])
    assert _posts(tables) == [("NOR", "Warsaw", "embassy", "open", 1996),
                              ("POL", "Oslo", "embassy", "open", 1993)]
    assert [(lv["sending_iso3"], lv["from_date"]) for lv in tables["levels"]] == [
        ("POL", "1993"), ("NOR", "1996")]
    # counter-example: one clause is one post
    assert len(parse_missions("In 1993, Embassy of Poland was established in Oslo.")) == 1


def test_a_legation_upgraded_to_an_embassy_is_a_post_opened_then_a_level_raised(tmp_path):
    text = ("A Norwegian legation established in 1951 in Ankara was upgraded to an embassy in "
            "May 1972.")
    assert _kinds(text) == [("1951", "mission-opened"), ("1972-05", "mission-upgraded")]
    tables = _build(tmp_path, [("Turkey", "", [text])])
    assert [(lv["level"], lv["from_date"]) for lv in tables["levels"]] == [
        ("legation", "1951"), ("embassy", "1972-05")]
    # counter-example: an upgrade alone opens nothing
    assert _kinds("The legation in Ankara was upgraded to an embassy in May 1972.") == [
        ("1972-05", "mission-upgraded")]


# ------------------------------------------------------------------------ posts, partners

def test_a_consulate_opened_then_closed_is_a_post_row_with_its_status(tmp_path):
    tables = _build(tmp_path, [("Estonia", "", [
        "The Consulate of Norway, headed by vice-consul Lund, was opened in Tartu. It was "
        "closed in 1940."])])
    assert _posts(tables) == [("NOR", "Tartu", "consulate", "closed", 1940)]
    # counter-example: "It was closed" after a sentence with no post closes nothing
    other = _build(tmp_path / "b", [("Estonia", "", [
        "A ferry line to Tallinn was popular. It was closed in 1940."])])
    assert _posts(other) == []


# --------------------------------------------------------------------------- invariants

def test_a_post_in_its_senders_own_territory_or_a_possessive_city_is_no_post(tmp_path):
    tables = _build(tmp_path, [("Sweden", "", [
        "Norway has an honorary consulate in Trondheim.",
        "Norway has an embassy in Sweden's capital."])])
    assert _posts(tables) == []
    assert {d["kind"] for d in tables["decisions"]} >= {"not-a-post"}
    # counter-example: a city-state's city is its own name
    assert _posts(_build(tmp_path / "b", [("Singapore", "", [
        "Norway has an embassy in Singapore."])])) == [
        ("NOR", "Singapore", "embassy", "open", None)]


def test_a_clause_naming_its_own_sending_country_gives_it_the_post(tmp_path):
    tables = _build(tmp_path, [("Latvia", "1991", [
        "Latvia has close ties with Norway and Norway has an embassy in Riga."])])
    assert _posts(tables) == [("NOR", "Riga", "embassy", "open", None)]
    # counter-example: a list of senders still gives each its post
    assert [ms.actor for ms in parse_missions("Latvia and Norway have embassies in Vilnius.")
            ] == ["LVA", "NOR"]


def test_the_corpus_invariants_report_each_violation():
    row = dict(source="a.txt", line=3, sending_iso3="NOR", post_type="embassy", city="Oslo",
               city_iso3="NOR", city_as_written="Oslo", text="Norway has an embassy in Oslo.")
    possessive = {**row, "city": "France's", "city_iso3": "", "city_as_written": "France's"}
    stolen = {**row, "sending_iso3": "LVA", "city": "Riga", "city_iso3": "LVA",
              "city_as_written": "Riga",
              "text": "Latvia has close ties and Norway has an embassy in Riga."}
    found = invariant_violations([row, possessive, stolen])
    assert [v.split(": ", 1)[1] for v in found] == [
        "a post in the sending country's own territory",
        "the city is a possessive or a country's name",
        "a post in the sending country's own territory",
        "its clause names NOR as the sending country"]
    assert invariant_violations([{**row, "city": "Riga", "city_iso3": "LVA",
                                  "city_as_written": "Riga",
                                  "text": "Norway has an embassy in Riga."}]) == []


# --------------------------------------------- phrasings the added corpus articles showed

def test_founding_members_listed_before_established_the_organisation():
    assert listed_members("Norway, Sweden and Denmark established the Nordic Council in "
                          "1952.") == ("Nordic Council", ["NOR", "SWE", "DNK"])
    assert _kinds("Norway, Sweden and Denmark established the Nordic Council in 1952.") == [
        ("1952", "membership")]
    # counter-example: establishing relations is no organisation founded
    assert listed_members("Norway and Sweden established diplomatic relations in 1905.") is None


def test_as_a_member_of_an_organisation_names_its_member_after_the_comma():
    text = "As a member of NATO, Norway sent troops to Kosovo in 1999."
    assert (membership_subjects(text), parse_memberships(text)[:1]) == ("Norway", ["NATO"])
    # counter-example: a commitment "as a member" inside the sentence states no new subject
    assert membership_subjects("To fulfil its commitment as a member of NATO, the navy "
                               "sailed.") is None


def test_readmitted_member_state_and_the_first_to_join_are_memberships(tmp_path):
    assert parse_memberships("Norway was readmitted to the Council of Europe in "
                             "May 1990.") == ["Council of Europe"]
    assert parse_memberships("Norway is a member-state of the International Criminal "
                             "Court.") == ["International Criminal Court"]
    tables = _build(tmp_path, prose="In 1960, it became the first Nordic country to join the "
                                    "European Free Trade Association.")
    assert _members(tables) == [("European Free Trade Association", "NOR")]
    # counter-example: a wish to join is no membership
    assert parse_memberships("Norway seeks to join the European Union.") == []


def test_a_suspension_is_a_posts_only_when_a_post_is_named():
    assert _kinds("Norway suspended the operations of its embassy in Damascus in 2012.") == [
        ("2012", "mission-suspended")]
    # counter-example: a suspension from an organisation suspends no post
    assert _kinds("Fiji was suspended from the Commonwealth in 2009.") == [("2009", "other")]


def test_independence_gained_a_thing_not_recognised_and_airspace_opened_are_other():
    assert _kinds("Norway gained its independence on 7 June 1905 and established diplomatic "
                  "relations with many countries.") == [("1905-06-07", "other")]
    assert _kinds("The annexation of 1940 was not generally recognised.") == [
        ("1940", "other")]
    assert _kinds("In 2001 the government opened its airspace to allied planes.") == [
        ("2001", "other")]
    # counter-example: a recognition and an embassy opened keep their kinds
    assert _kinds("Norway recognised Slovakia on 1 January 1993 and opened an embassy in "
                  "Bratislava in 1995.") == [("1993-01-01", "recognition"),
                                             ("1995", "mission-opened")]


def test_an_accession_stated_as_achieved_is_the_subjects_membership(tmp_path):
    text = ("The main goals have been accession into the OECD and the Council of Europe, "
            "achieved in June and August 1991 respectively.")
    assert _kinds(text) == [("1991-06", "membership"), ("1991-08", "membership")]
    assert _members(_build(tmp_path, prose=text)) == [
        ("Council of Europe", "NOR"), ("Organisation for Economic Co-operation and Development",
                                       "NOR")]
    # counter-example: an accession only negotiated is no membership
    assert _members(_build(tmp_path / "b", prose="Talks on accession to the European Union "
                                                 "began in 1993.")) == []


def test_relations_established_through_membership_of_an_organisation_state_it():
    assert parse_memberships("Norway established relations with many states via membership "
                             "of the League of Nations.") == ["League of Nations"]
    # counter-example: relations with a country are no membership
    assert parse_memberships("Norway established relations with Sweden in 1905.") == []


def test_a_leading_date_gives_an_event_to_each_coordinated_verb():
    assert _kinds("In 1998, it recognized Slovakia and broke relations with Taiwan.") == [
        ("1998", "recognition"), ("1998", "relations-broken")]
    # counter-example: a verb with a date of its own keeps it
    assert _kinds("Norway recognized Laos in May 1955 and opened an embassy in Vientiane in "
                  "June 1958.") == [("1955-05", "recognition"), ("1958-06", "mission-opened")]


def test_an_observer_is_no_member():
    assert parse_memberships("Norway is an observer member of the ASEAN.") == []
    # counter-example: a member is one
    assert parse_memberships("Norway is a member of the ASEAN Regional Forum.") == [
        "ASEAN Regional Forum"]


def test_two_memberships_in_one_sentence_are_both_read():
    assert parse_memberships("Norway was one of the original members of the League of "
                             "Nations, and was one of the original members of the United "
                             "Nations.") == ["League of Nations", "United Nations"]
    assert parse_memberships("Norway is a founding member of the organization known as the "
                             "Nordic Council, a member of the OECD and the United Nations.") == [
        "Nordic Council", "OECD", "United Nations"]
    # counter-example: an observer inside a list ends no list of memberships
    assert parse_memberships("Norway belongs to bodies, including the Arctic Council (it is an "
                             "observer member of the ASEAN); the Nordic Council.")[-1:] == [
        "Nordic Council"]


def test_opening_up_and_hosting_a_summit_open_no_post_and_join_nothing():
    assert _kinds("Norway opened up to the world again in the late 1990s.") == [
        ("1990", "other")]
    assert _kinds("Norway is a member of NATO and hosted its May 2007 summit.") == [
        ("2007-05", "other")]
    # counter-example: an embassy opened is a post opened
    assert _kinds("Norway opened an embassy in Hanoi in 1996.") == [("1996", "mission-opened")]
