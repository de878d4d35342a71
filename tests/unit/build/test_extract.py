"""Statements to records, each checked with the source's own sentence.

The ``parse_*`` tests read one sentence; the others read the tables of the session build
(``rows(table, column=value)``), where partners and ambiguous cities are decided in context.
"""

from __future__ import annotations

import pytest
from documents import ARTICLE, FACT_SHEET

from helpers.build.extract import (
    membership_subjects,
    parse_events,
    parse_figures,
    parse_memberships,
    parse_mission,
)
from helpers.core.schema import QUALIFIERS

ARGENTINA = ("Peru has an embassy in Buenos Aires and consulates-general in Córdoba, La Plata and "
             "Mendoza.")
CANADA = ("Peru has an embassy in Ottawa and 3 general consulates (in Montreal, Toronto and "
          "Vancouver).")
GHANA = "Ghana is accredited to Peru from its embassy in Brasília, Brazil."
BULGARIA = "Peru closed its embassy in Sofia for economic reasons in 2003."
CROATIA = ("Croatia is accredited to Peru through its embassy in Santiago (Chile) and through an "
           "honorary consulate in Lima.")
RUSSIA = "Russia has an embassy in Lima and an honorary consulate in the San Isidro District."
FOOD_EXPORTS = ("U.S. food and agricultural exports to Peru grew from $530 million in 2009 to more "
                "than $1 billion in 2016.")
GOODS_TRADE = ("Two-way trade in goods between the United States and Peru has increased from $9.1 "
               "billion in 2009 to $14.3 billion in 2016, driving growth and employment in both "
               "countries.")
ELECTRICITY = ("In November 2009, Peru made an agreement with Ecuador in which Peru would export "
               "between 40 and 50 megawatts of electricity until April 2010 in order to help "
               "Ecuador with its energy crisis.")


def _posts(text: str) -> list[tuple[str, list[str], str | None]]:
    return [(p.post_type, p.cities, p.country) for p in parse_mission(text).posts]


def _missions(rows, line: int) -> set[tuple]:
    return {(m["sending_iso3"], m["accredited_to_iso3"], m["post_type"], m["city"],
             m["city_iso3"]) for m in rows("missions", source=ARTICLE, line=line)}


# --------------------------------------------------------------------------- posts


def test_city_list_expands_to_one_post_per_city():
    statement = parse_mission(ARGENTINA)
    assert (statement.actor, statement.target, statement.status) == ("PER", None, "open")
    assert _posts(ARGENTINA) == [
        ("embassy", ["Buenos Aires"], None),
        ("consulate-general", ["Córdoba", "La Plata", "Mendoza"], None),
    ]


def test_city_list_expands_to_one_row_per_city(rows):
    assert _missions(rows, 35) == {
        ("PER", "ARG", "embassy", "Buenos Aires", "ARG"),
        ("PER", "ARG", "consulate-general", "Córdoba", "ARG"),
        ("PER", "ARG", "consulate-general", "La Plata", "ARG"),
        ("PER", "ARG", "consulate-general", "Mendoza", "ARG"),
    }
    assert {m["partner_iso3"] for m in rows("missions", line=35)} == {"ARG"}
    assert {m["direction"] for m in rows("missions", line=35)} == {"abroad"}


def test_general_consulates_in_parentheses_give_one_row_per_city(rows):
    statement = parse_mission(CANADA)
    assert statement.posts[1].count == 3
    assert _posts(CANADA)[1] == ("consulate-general", ["Montreal", "Toronto", "Vancouver"], None)
    general = rows("missions", line=50, post_type="consulate-general")
    assert sorted(m["city_as_written"] for m in general) == ["Montreal", "Toronto", "Vancouver"]
    assert {m["city_iso3"] for m in general} == {"CAN"}


def test_non_resident_accreditation_serves_the_subject_from_a_third_country(rows):
    statement = parse_mission(GHANA)
    assert (statement.actor, statement.target) == ("GHA", "PER")
    assert _posts(GHANA) == [("embassy", ["Brasília"], "BRA")]
    (row,) = rows("missions", line=19)
    assert (row["sending_iso3"], row["accredited_to_iso3"], row["city"], row["city_iso3"],
            row["resident"], row["direction"]) == ("GHA", "PER", "Brasília", "BRA", "false",
                                                   "inward")
    assert row["partner_iso3"] == "GHA"


def test_a_row_accredited_from_brazil_has_ghana_as_its_partner(rows):
    (relation,) = rows("relations", line=19)
    assert (relation["iso3"], relation["partner"]) == ("GHA", "Ghana")


def test_a_closed_embassy_has_status_closed_and_a_mission_closed_event(rows):
    statement = parse_mission(BULGARIA)
    assert (statement.status, statement.status_year) == ("closed", 2003)
    (row,) = rows("missions", line=145)
    assert (row["city"], row["status"], row["status_year"], row["accredited_to_iso3"]) == (
        "Sofia", "closed", "2003", "BGR")
    (event,) = rows("events", line=145)
    assert (event["kind"], event["date"], event["precision"], event["partner_iso3"]) == (
        "mission-closed", "2003", "year", "BGR")


def test_an_opened_embassy_keeps_the_year_it_opened(rows):
    (row,) = rows("missions", line=174)
    assert (row["sending_iso3"], row["city"], row["status"], row["status_year"]) == (
        "GRC", "Lima", "open", "1992")
    assert rows("events", line=174)[0]["kind"] == "mission-opened"


def test_accreditation_through_two_posts_gives_two_rows(rows):
    assert _posts(CROATIA) == [("embassy", ["Santiago"], "CHL"),
                               ("honorary-consulate", ["Lima"], None)]
    got = sorted(rows("missions", line=150), key=lambda m: m["post_type"])
    assert [(m["post_type"], m["city"], m["city_iso3"], m["resident"]) for m in got] == [
        ("embassy", "Santiago", "CHL", "false"),
        ("honorary-consulate", "Lima", "PER", "true"),
    ]
    assert {(m["sending_iso3"], m["accredited_to_iso3"]) for m in got} == {("HRV", "PER")}


def test_a_statement_that_there_is_no_post_gives_no_row(rows):
    assert parse_mission("Andorra does not have an accreditation to Peru.").negative
    assert rows("missions", line=140) == []
    (unparsed,) = rows("unparsed", line=140)
    assert "no post or accreditation" in unparsed["reason"]


def test_a_sentence_about_people_is_not_a_post():
    assert parse_mission("Most Croats arrived in Peru between the Interwar period.") is None


def test_us_posts_are_read_from_both_sentences_of_the_row(rows):
    assert _missions(rows, 89) == {
        ("USA", "PER", "embassy", "Lima", "PER"),
        ("USA", "PER", "consular-agency", "Cusco", "PER"),
    }
    (cuzco,) = rows("missions", line=89, post_type="consular-agency")
    assert cuzco["city_as_written"] == "Cuzco"
    assert rows("decisions", kind="alias", subject="Cuzco")[0]["decision"] == "Cusco"


def test_a_post_in_a_territory_serves_its_sovereign(rows):
    (hong_kong,) = rows("missions", line=109, city="Hong Kong")
    assert (hong_kong["city_iso3"], hong_kong["accredited_to_iso3"]) == ("CHN", "CHN")
    assert rows("decisions", kind="territory", subject="Hong Kong", line=109)


# --------------------------------------------------------------------------- ambiguous cities


def test_an_ambiguous_district_is_placed_by_the_other_post_of_the_statement(rows):
    assert _posts(RUSSIA)[1] == ("honorary-consulate", ["the San Isidro District"], None)
    (row,) = rows("missions", line=188, post_type="honorary-consulate")
    assert (row["city"], row["city_iso3"], row["resident"]) == ("San Isidro", "PER", "true")
    (decision,) = rows("decisions", kind="ambiguous-city", line=188,
                       subject="the San Isidro District")
    assert decision["decision"] == "San Isidro (PER)"
    assert "San Isidro (ARG)" in decision["alternatives"]
    assert decision["rule"].startswith("context: ")


@pytest.mark.parametrize(
    ("city", "line", "iso3"),
    [("Sydney", 219, "AUS"), ("Wellington", 224, "NZL"), ("La Plata", 35, "ARG"),
     ("Córdoba", 35, "ARG")],
)
def test_an_ambiguous_city_is_resolved_from_its_context(rows, city, line, iso3):
    (row,) = rows("missions", line=line, city_as_written=city)
    assert row["city_iso3"] == iso3
    (decision,) = rows("decisions", kind="ambiguous-city", line=line, subject=city)
    assert decision["decision"] == f"{city} ({iso3})"
    assert decision["alternatives"] and decision["rule"].startswith("context: ")


def test_every_mission_is_consistent_in_direction_partner_and_residence(tables):
    for m in tables["missions"]:
        where = (m["source"], m["line"], m["city"])
        if m["direction"] == "abroad":
            assert (m["sending_iso3"], m["partner_iso3"]) == ("PER", m["accredited_to_iso3"]), where
        else:
            assert (m["accredited_to_iso3"], m["partner_iso3"]) == ("PER", m["sending_iso3"]), where
        assert m["resident"] == ("true" if m["city_iso3"] == m["accredited_to_iso3"] else "false")


# --------------------------------------------------------------------------- partners


def test_a_see_link_names_the_partner(rows):
    (chile,) = rows("relations", line=54)
    assert (chile["iso3"], chile["resolution"]) == ("CHL", "stated")
    assert '"See Chile–Peru relations"' in chile["reason"]


def test_recognition_names_the_partner(rows):
    (palestine,) = rows("relations", line=120)
    assert (palestine["iso3"], palestine["partner"], palestine["resolution"]) == (
        "PSE", "Palestine", "stated")
    assert palestine["established"] == "2011-01-24"
    (event,) = rows("events", line=120, kind="recognition")
    assert (event["partner_iso3"], event["date"]) == ("PSE", "2011-01-24")


def test_the_republic_of_korea_row_is_south_korea(rows):
    (korea,) = rows("relations", line=124)
    assert (korea["iso3"], korea["partner"]) == ("KOR", "South Korea")
    assert (korea["established"], korea["established_precision"]) == ("1963-04-01", "day")


def test_a_row_naming_no_country_is_unresolved_with_its_alphabetical_neighbours(rows):
    (row,) = rows("relations", line=38)
    assert (row["iso3"], row["partner"], row["resolution"]) == ("", "", "unresolved")
    assert row["candidates"] == "BHS;BLZ;BRB"
    assert "between Argentina and Bolivia" in row["reason"]
    (decision,) = rows("decisions", kind="unresolved-partner", line=38)
    assert decision["alternatives"] == "BHS;BLZ;BRB"


def test_a_row_is_inferred_only_when_one_candidate_remains(rows):
    (row,) = rows("relations", line=73)
    assert (row["iso3"], row["resolution"], row["candidates"]) == ("GUY", "inferred", "GUY")
    assert "between Ecuador and Mexico" in row["reason"]
    assert "members of Union of South American Nations: Guyana" in row["reason"]
    (decision,) = rows("decisions", kind="inferred-partner", line=73)
    assert decision["decision"] == "GUY" and decision["rule"] == row["reason"]


def test_a_precise_date_in_the_notes_wins_over_the_year_in_the_column(rows):
    """Where a row's notes give a more precise date in the same year as the column, the
    precise one wins."""
    (row,) = rows("relations", line=104)
    assert (row["established"], row["established_precision"]) == ("1992-04-20", "day")
    assert row["established_line"] == "104"
    (decision,) = rows("decisions", kind="date-choice", line=104)
    assert (decision["decision"], decision["alternatives"]) == ("1992-04-20", "1992")


def test_a_renewal_in_the_column_year_is_kept_with_a_caveat(rows):
    (serbia,) = rows("relations", line=191)
    assert (serbia["iso3"], serbia["established"]) == ("SRB", "1967")
    assert "existed before the Second World War" in serbia["established_caveat"]


# --------------------------------------------------------------------------- memberships


def test_both_countries_are_members_of_every_organization_listed():
    text = ("Both countries are full members of the Association of Spanish Language Academies, "
            "Organization of American States, Organization of Ibero-American States, Rio Group, "
            "and the Union of South American Nations.")
    assert membership_subjects(text) == "both"
    assert parse_memberships(text) == [
        "Association of Spanish Language Academies", "Organization of American States",
        "Organization of Ibero-American States", "Rio Group", "Union of South American Nations"]


def test_a_both_countries_membership_gives_a_row_for_each_country(rows):
    got = {(m["organization"], m["member_iso3"]) for m in rows("memberships", line=36)}
    organizations = {o for o, _ in got}
    assert len(organizations) == 5
    assert got == {(o, iso3) for o in organizations for iso3 in ("ARG", "PER")}


def test_the_fact_sheet_memberships_are_shared_by_peru_and_the_united_states(rows):
    got = {(m["acronym"], m["member_iso3"]) for m in rows("memberships", source=FACT_SHEET)}
    acronyms = ("UN", "OAS", "APEC", "IMF", "WB", "WTO")
    assert got == {(a, iso3) for a in acronyms for iso3 in ("PER", "USA")}


def test_a_membership_of_the_subject_alone_names_only_the_subject(rows):
    got = {(m["acronym"], m["member_iso3"]) for m in rows("memberships", source=ARTICLE, line=1)}
    assert got == {("UN", "PER")}


# --------------------------------------------------------------------------- figures and events


def test_more_than_an_amount_is_a_lower_bound_never_exact():
    figures = parse_figures(FOOD_EXPORTS, 2018)
    assert [(f.value, f.unit, f.qualifier, f.year) for f in figures] == [
        (530e6, "USD", "exact", 2009), (1e9, "USD", "more-than", 2016)]


def test_an_amount_in_billions_is_written_in_dollars_with_its_year(rows):
    figures = parse_figures(GOODS_TRADE, 2018)
    assert [(f.value, f.unit, f.qualifier, f.year) for f in figures] == [
        (9.1e9, "USD", "exact", 2009), (14.3e9, "USD", "exact", 2016)]
    built = rows("figures", indicator="goods_trade_two_way", year=2009)
    assert [(f["value"], f["unit"], f["qualifier"]) for f in built] == [
        ("9100000000", "USD", "exact")]


def test_more_than_one_billion_is_built_as_more_than(rows):
    built = rows("figures", source=FACT_SHEET, value="1000000000")
    assert [(f["qualifier"], f["year"], f["unit"]) for f in built] == [("more-than", "2016", "USD")]


def test_a_range_gives_a_minimum_and_a_maximum_in_watts():
    figures = parse_figures(ELECTRICITY, 2018)
    assert sorted((f.qualifier, f.value, f.unit) for f in figures) == [
        ("range-max", 50e6, "W"), ("range-min", 40e6, "W")]
    assert {f.period for f in figures} == {"2009-11/2010-04"}


def test_an_event_until_a_later_date_has_an_end_date():
    (event,) = parse_events(ELECTRICITY)
    assert (event.date.iso, event.kind, event.end.iso) == ("2009-11", "agreement", "2010-04")


def test_years_inside_figures_are_not_events(rows):
    assert rows("events", source=FACT_SHEET, line=18) == rows(
        "events", source=FACT_SHEET, line=18, sentence=1)
    (ptpa,) = rows("events", source=FACT_SHEET, line=18)
    assert (ptpa["date"], ptpa["kind"]) == ("2009", "agreement")


def test_treaties_in_two_years_give_two_events(rows):
    got = [(e["date"], e["kind"]) for e in rows("events", line=58, sentence=4)]
    assert got == [("1952", "agreement"), ("1954", "agreement")]


def test_every_statement_figure_has_a_unit_and_a_qualifier(article_doc, fact_sheet_doc):
    found = 0
    for st in article_doc.statements + fact_sheet_doc.statements:
        for f in parse_figures(st.text, 2018):
            found += 1
            assert f.unit and f.qualifier in QUALIFIERS, (st.line, st.text)
    assert found == 19
