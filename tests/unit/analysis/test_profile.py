"""The country profile, in-process: names read as people type them, and each partner's records
selected and described from the processed tables (helpers.analysis.profile, countries)."""

from __future__ import annotations

import pytest
from documents import ARTICLE, RECORD

from helpers.analysis import countries, params, profile
from helpers.core.exceptions import ParameterError

NOTEBOOK = "04-country-profile"


REGISTER = "database_of_embassies_2022-11-16.csv"


CHIEFS = "us_chiefs_of_mission_peru_pocom.xml"


@pytest.mark.parametrize("typed", ["South Korea", "Republic of Korea", "KOR", "korea, south",
                                   "kor", "the Republic of Korea", "  south   korea "])
def test_every_usual_spelling_of_south_korea_resolves_to_kor(typed):
    assert countries.resolve_country(typed) == "KOR"


@pytest.mark.parametrize("typed", ["the U.S.", "The U.S.", "USA", "usa", "US", "United States",
                                   "the United States", "United States of America"])
def test_every_usual_spelling_of_the_united_states_resolves_to_usa(typed):
    assert countries.resolve_country(typed) == "USA"


@pytest.mark.parametrize(("typed", "iso3"), [
    ("chile", "CHL"), ("CHL", "CHL"), ("palestine", "PSE"), ("PSE", "PSE"),
    ("cote d'ivoire", "CIV"), ("Côte d'Ivoire", "CIV"), ("gambia, the", "GMB"),
    ("Korea, Republic of", "KOR"), ("Norway", "NOR"),
])
def test_case_accents_order_and_codes_do_not_matter(typed, iso3):
    assert countries.resolve_country(typed) == iso3


def test_a_misspelt_partner_is_refused_with_the_closest_partner_suggested():
    with pytest.raises(ParameterError) as info:
        countries.resolve_country("Chilee")
    assert str(info.value) == "'Chilee' matches no country; did you mean: Chile?"


def test_a_misspelt_country_that_is_no_partner_is_still_suggested():
    with pytest.raises(ParameterError, match=r"'Norwey' matches no country; did you mean: "
                                             r"Norway\?"):
        countries.resolve_country("Norwey")


def test_a_name_like_no_country_says_what_to_give_instead():
    with pytest.raises(ParameterError) as info:
        countries.resolve_country("Atlantis")
    assert str(info.value) == ("'Atlantis' matches no country; give a country's name or ISO3 "
                               "code, e.g. Chile or CHL")


def test_the_parameter_check_rejects_a_bad_country_before_any_work():
    with pytest.raises(ParameterError) as info:
        params.check(NOTEBOOK, {"country": "Chilee"})
    assert str(info.value) == (
        "04-country-profile: parameter 'country': 'Chilee' matches no country; did you mean: "
        "Chile?")


def test_the_subject_country_is_not_a_partner():
    with pytest.raises(ParameterError, match="parameter 'country': 'peru' is Peru, the country "
                                             "whose relations the sources describe"):
        params.check(NOTEBOOK, {"country": "peru"})


def test_a_good_country_passes_the_check_as_typed():
    assert params.check(NOTEBOOK, {"country": "korea, south"})["country"] == "korea, south"


def test_the_us_row_takes_the_day_relations_began_from_the_historians_record(frames):
    rows = profile.relation_rows(frames["relations"], "USA")
    (row,) = rows.to_dict("records")
    assert (row["established"], row["established_source"], row["established_line"]) == (
        "1827-05-21", RECORD, 68)
    assert (row["source"], row["line"]) == (ARTICLE, 89)
    text = profile.describe_relation(rows, "USA")
    assert "Relations began in **1827-05-21** (known to the day; " \
           "us_recognition_relations_peru_rdcr.xml, line 68, a date the row's own source, " \
           "foreign_relations_of_peru.txt, does not give)" in text


def test_an_unresolved_row_is_offered_to_each_of_its_candidates(frames):
    for iso3 in ("BHS", "BLZ", "BRB"):
        rows = profile.relation_rows(frames["relations"], iso3)
        assert list(zip(rows["match"], rows["line"], strict=True)) == [
            ("one of 3 candidates", 38)]
    text = profile.describe_relation(profile.relation_rows(frames["relations"], "BRB"), "BRB")
    assert "Barbados has no row in the article's bilateral tables." in text
    assert "may be Barbados: the evidence leaves Bahamas, Belize, Barbados" in text
    assert "Relations with that country began in **1991-11-27** (known to the day" in text


def test_the_serbia_caveat_travels_with_the_date(frames):
    text = profile.describe_relation(profile.relation_rows(frames["relations"], "SRB"), "SRB")
    assert "Relations began in **1967**" in text
    assert ("Caveat: the notes say: Diplomatic relations between then Yugoslavia and Peru "
            "existed before the Second World War.") in text


def test_chile_events_are_those_of_its_row_in_date_order(frames):
    rows = profile.relation_rows(frames["relations"], "CHL")
    events = profile.events_of(frames["events"], rows, "CHL")
    assert list(events["date"]) == ["1879", "1929", "1947", "1952", "1954", "1999-11", "1999-12",
                                    "2005", "2007-04"]
    assert set(events["row_line"]) == {54}
    visit = events[events["kind"] == "visit"].iloc[0]
    assert visit["summary"] == ("In December 1999, President Alberto Fujimori made the first "
                                "visit ever to Chile by a Peruvian head of state.")


def test_ghana_posts_run_both_ways_one_from_a_third_country(frames):
    posts = profile.posts_of(frames["missions"], "GHA")
    got = [(r["direction"], r["city"], r["city_country"], bool(r["resident"]))
           for r in posts.to_dict("records")]
    assert got == [("abroad", "Accra", "Ghana", True), ("inward", "Brasília", "Brazil", False)]


def test_santiago_hosts_posts_that_serve_peru_for_other_partners(frames):
    hosted = profile.hosted_posts(frames["missions"], "CHL")
    hosted = hosted[hosted["source"] != REGISTER]  # the register adds many more
    assert set(hosted["serves"]) == {"Croatia", "Sweden", "New Zealand"}
    assert set(hosted["city"]) == {"Santiago"}
    mentions = profile.mentions_of(frames["statements"], "CHL")
    assert ("New Zealand is accredited to Peru from its embassy in Santiago, Chile and maintains "
            "an honorary consulate in Lima.") in set(mentions["text"])


def test_shared_memberships_need_both_countries_and_keep_their_lines(frames):
    shared = profile.shared_memberships(frames["memberships"], "CAN").set_index("organization")
    assert list(shared.index) == ["Asia-Pacific Economic Cooperation", "Cairns Group",
                                  "Organization of American States"]
    assert shared.loc["Cairns Group", "partner_evidence"] == f"{ARTICLE}:51"
    assert f"{ARTICLE}:51" in shared.loc["Cairns Group", "subject_evidence"]
    assert profile.shared_memberships(frames["memberships"], "NOR").empty


@pytest.mark.parametrize(("indicator", "qualifier", "words"), [
    ("us_visitors_per_year", "more-than", "more than 525,000 persons per year (2018)"),
    ("us_food_agricultural_exports", "more-than", "more than $1.00 billion (2016)"),
    ("us_food_agricultural_exports", "exact", "$530.00 million (2009)"),
    ("diaspora_population", "approximate", "about 6,500 persons"),
    ("agricultural_trade_growth_multiple", "more-than", "more than 2 times (2009/2016)"),
    ("electricity_export_power", "range-max", "up to 50,000,000 W (2009-11/2010-04)"),
])
def test_a_figure_in_words_keeps_its_qualifier(frames, indicator, qualifier, words):
    f = frames["figures"]
    (row,) = f[(f["indicator"] == indicator) & (f["qualifier"] == qualifier)].to_dict("records")
    assert profile.describe_figure(row) == words


def held_about(frames, iso3: str) -> dict[str, int]:
    rows = profile.relation_rows(frames["relations"], iso3)
    return profile.counts(
        rows, dated_events=profile.events_of(frames["events"], rows, iso3),
        posts=profile.posts_of(frames["missions"], iso3),
        hosted_posts=profile.hosted_posts(frames["missions"], iso3),
        shared_memberships=profile.shared_memberships(frames["memberships"], iso3),
        figures=profile.figures_of(frames["figures"], iso3),
        statements=profile.statements_of(frames["statements"], iso3),
        mentions=profile.mentions_of(frames["statements"], iso3))


def test_a_country_the_sources_never_mention_is_told_so(frames):
    held = held_about(frames, "KIR")  # Norway has posts in the register
    assert list(held) == list(profile.COUNTS) and not any(held.values())
    assert profile.overview("KIR", "KIR", held) == (
        "**Kiribati** (KIR, read from `KIR`). The sources say nothing about Kiribati.")


def test_a_possible_row_is_something_the_sources_hold(frames):
    held = held_about(frames, "BHS")
    assert {k: n for k, n in held.items() if n} == {"possible_rows": 1}
    assert profile.overview("Bahamas", "BHS", held) == (
        "**Bahamas** (BHS). What the sources hold about it: **1** unidentified table row(s) "
        "that may be it.")


KOREA = ["South Korea", "Republic of Korea", "KOR", "korea, south"]


USA = ["USA", "the U.S."]


def test_the_profile_depends_on_the_spelling_only_through_its_iso3_and_the_query():
    """Why one notebook run per country suffices: the typed name reaches nothing but
    resolve_country and the two places that quote it (the overview and summary's query)."""
    import ast

    from notebook_runs import _cells

    uses = []
    for cell in _cells(NOTEBOOK):
        tree = ast.parse("".join(cell["source"]))
        if "parameters" in cell["metadata"].get("tags", []):
            continue
        assert not any(isinstance(n, ast.Name) and n.id == "country" for n in ast.walk(tree))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            if any(ast.unparse(a) == "p.country" for a in call.args):
                uses.append(ast.unparse(call.func))
        whole = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "p"
                 and isinstance(n.ctx, ast.Load)]
        assert len(whole) == sum(isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
                                 and n.value.id == "p" for n in ast.walk(tree))  # only p.<x>
        mentions = sum(ast.unparse(n) == "p.country" for n in ast.walk(tree))
        assert mentions == sum(ast.unparse(a) == "p.country" for n in ast.walk(tree)
                               if isinstance(n, ast.Call) for a in n.args)
    assert sorted(uses) == ["countries.resolve_country", "profile.overview", "profile.summary"]


@pytest.mark.parametrize(("spellings", "iso3"), [(KOREA, "KOR"), (USA, "USA")])
def test_every_spelling_gives_the_same_profile_but_for_the_query(frames, spellings, iso3):
    rows = profile.relation_rows(frames["relations"], iso3)
    held = held_about(frames, iso3)
    first = profile.summary(spellings[0], iso3, rows, held)
    for typed in spellings:
        assert countries.resolve_country(typed) == iso3
        assert params.check(NOTEBOOK, {"country": typed})["country"] == typed
        summary = profile.summary(typed, iso3, rows, held)
        assert summary.loc[0, "query"] == typed
        assert summary.drop(columns="query").equals(first.drop(columns="query"))
        told = profile.overview(typed, iso3, held)  # the name, then what the sources hold
        assert told.split("). ", 1)[1] == profile.overview(iso3, iso3, held).split("). ", 1)[1]
