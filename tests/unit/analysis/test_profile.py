"""The country profile: names read as people type them, and each partner's records.

The unit tests call helpers.analysis.profile on the processed tables; the notebook tests run
04-country-profile through papermill with other countries and read the CSV tables it recorded
(and, where the answer is a sentence, the notebook it wrote).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from documents import ARTICLE, FACT_SHEET, RECORD
from notebook_runs import execute, refusal

from helpers.analysis import countries, params, profile
from helpers.core.exceptions import ParameterError

NOTEBOOK = "04-country-profile"
REGISTER = "database_of_embassies_2022-11-16.csv"
CHIEFS = "us_chiefs_of_mission_peru_pocom.xml"


# ---------------------------------------------------------------- names


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


# ---------------------------------------------------------------- records


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


# ---------------------------------------------------------------- the notebook


@pytest.fixture(scope="module")
def profile_of(tmp_path_factory):
    """Run the notebook once per country asked for: (output folder, executed notebook)."""
    done: dict[str, tuple[Path, nbformat.NotebookNode]] = {}

    def run(country: str):
        if country not in done:
            out, path = execute(NOTEBOOK, tmp_path_factory.mktemp("profile"), country=country)
            done[country] = out, nbformat.read(path, as_version=4)
        return done[country]

    return run


def csv(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)


def sentences(nb) -> str:
    """Every markdown sentence the notebook displayed, one per line."""
    return "\n".join(o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if "text/markdown" in o.get("data", {}))


@pytest.mark.parametrize(("country", "iso3", "region"), [
    ("Ghana", "GHA", "Africa"), ("Japan", "JPN", "Asia"), ("New Zealand", "NZL", "Oceania"),
])
def test_profiles_of_partners_across_regions(profile_of, country, iso3, region):
    out, nb = profile_of(country)
    summary = csv(out, "summary").iloc[0]
    assert (summary["iso3"], summary["region"], summary["listed"]) == (iso3, region, "True")
    statements = csv(out, "statements")
    assert len(statements) == int(summary["statements"]) > 0
    assert set(statements["source"]) == {ARTICLE, REGISTER}
    assert (out / "posts.svg").is_file()
    assert f"**{country}** ({iso3})" in sentences(nb)


def test_ghana_profile_has_no_date_and_no_timeline_to_draw(profile_of):
    out, nb = profile_of("Ghana")
    posts = csv(out, "posts")
    assert set(zip(posts["direction"], posts["city"], posts["resident"], strict=True)) == {
        ("abroad", "Accra", "True"), ("inward", "Brasília", "False")}
    assert csv(out, "events").empty and not (out / "timeline.svg").exists()
    text = sentences(nb)
    assert "The sources give no date for when relations began." in text
    assert "No dated event concerns Ghana, so there is no timeline to draw." in text


def test_japan_profile_dates_relations_to_1873_and_lists_its_posts(profile_of):
    out, _ = profile_of("Japan")
    relation = csv(out, "relation").iloc[0]
    assert (relation["established"], relation["established_precision"]) == ("1873", "year")
    posts = csv(out, "posts")
    assert set(zip(posts["direction"], posts["post_type"], posts["city"], strict=True)) == {
        ("abroad", "embassy", "Tokyo"), ("abroad", "consulate-general", "Nagoya"),
        ("inward", "embassy", "Lima"),
        ("abroad", "consulate-general", "Tokyo")}  # the register's, in Shinagawa-ku
    assert (out / "timeline.svg").is_file()


def test_new_zealand_is_served_from_santiago(profile_of):
    out, nb = profile_of("New Zealand")
    posts = csv(out, "posts")
    santiago = posts[posts["city"] == "Santiago"].iloc[0]
    assert (santiago["direction"], santiago["city_country"], santiago["resident"]) == (
        "inward", "Chile", "False")
    assert list(csv(out, "events")["date"]) == ["1972"]
    assert "**1** non-resident (in a third country)" in sentences(nb)
    # on the map: New Zealand's embassy in Santiago, a dashed line from there to Peru
    placed = csv(out, "posts-map")
    line = placed[placed["city"] == "Santiago"].iloc[0]
    assert (line["sending_iso3"], line["served_iso3"], line["not_placed"]) == (
        "NZL", "PER", "")
    assert float(line["latitude"]) == pytest.approx(-33.46, abs=0.1)
    assert -82 < float(line["served_longitude"]) < -68  # Peru's own shape, not Santiago
    svg = (out / "posts-map.svg").read_text(encoding="utf-8")
    assert "Where the posts between Peru and New Zealand are" in svg
    assert {p.name for p in out.glob("posts-map.*")} == {
        "posts-map.csv", "posts-map.png", "posts-map.svg"}


def test_palestine_has_little_data_and_still_reads_well(profile_of):
    out, nb = profile_of("Palestine")
    assert list(csv(out, "statements")["text"]) == [
        "Palestine: embassy in Lima, Peru, accredited to Peru (Q29512255)",
        "Peru recognized Palestine on 24 January 2011."]
    assert set(csv(out, "events")["kind"]) == {"relations-established", "recognition"}
    posts = csv(out, "posts")  # only the register states a post
    assert list(zip(posts["city"], posts["source"], strict=True)) == [("Lima", REGISTER)]
    for empty in ("hosted-posts", "memberships", "figures"):
        assert csv(out, empty).empty, empty
    text = sentences(nb)
    assert "The sources name no organization that both Peru and Palestine belong to." in text
    assert "No figure in the sources concerns Palestine." in text


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


def test_a_spelling_of_south_korea_gives_its_profile(profile_of):
    out, nb = profile_of("korea, south")
    summary = csv(out, "summary")
    assert (summary.loc[0, "query"], summary.loc[0, "iso3"]) == ("korea, south", "KOR")
    assert list(csv(out, "events")["date"]) == ["1963-04-01"]
    assert "**South Korea** (KOR, read from `korea, south`)" in sentences(nb)


def test_the_us_profile_joins_both_sources(profile_of):
    out, _ = profile_of(USA[0])
    assert csv(out, "summary").loc[0, "iso3"] == "USA"
    relation = csv(out, "relation").iloc[0]
    assert (relation["established"], relation["established_source"]) == ("1827-05-21", RECORD)
    posts = csv(out, "posts")
    assert ("abroad", "Washington", FACT_SHEET) in set(
        zip(posts["direction"], posts["city"], posts["source"], strict=True))
    assert set(csv(out, "memberships")["acronym"]) == {"APEC", "IMF", "OAS", "UN", "WB", "WTO"}
    figures = csv(out, "figures")
    assert "more than $1.00 billion (2016)" in set(figures["stated"])
    statements = csv(out, "statements")
    assert set(statements["source"]) == {ARTICLE, FACT_SHEET, RECORD, REGISTER, CHIEFS}
    assert ("The United States established diplomatic relations with Peru in 1827 following "
            "Peru’s independence from Spain.") in set(statements["text"])


def test_a_country_never_mentioned_runs_and_says_so(profile_of):
    out, nb = profile_of("Kiribati")
    summary = csv(out, "summary").iloc[0]
    assert (summary["iso3"], summary["listed"]) == ("KIR", "False")
    assert not list(out.glob("*.svg"))
    assert all(csv(out, p.stem).empty for p in out.glob("*.csv") if p.stem != "summary")
    text = sentences(nb)
    assert "The sources say nothing about Kiribati." in text
    assert "Kiribati has no row in the article's bilateral tables." in text


def test_an_unknown_country_stops_the_notebook_with_a_suggestion(tmp_path):
    error = refusal(NOTEBOOK, tmp_path, country="Chilee")
    assert error.evalue == ("04-country-profile: parameter 'country': 'Chilee' matches no "
                                 "country; did you mean: Chile?")
    assert not (tmp_path / "out").exists()  # stopped before any work


def test_the_us_profile_draws_the_legation_and_the_embassy_as_steps(profile_of, frames):
    out, nb = profile_of("USA")
    assert {p.name for p in out.glob("levels.*")} == {"levels.csv", "levels.png", "levels.svg"}
    assert (out / "levels.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # every level of the pair in the levels table is a step (the values: test_record.py)
    levels, table = csv(out, "levels"), frames["levels"]
    pair = table[table["sending_iso3"].isin(["USA", "PER"])
                 & table["receiving_iso3"].isin(["USA", "PER"])]
    assert sorted(zip(levels["from_date"], levels["line"].astype(int), strict=True)) == sorted(
        zip(pair["from_date"].astype(str), pair["line"].astype(int), strict=True))
    assert set(levels["direction"]) == {"inward", "abroad"}
    svg = (out / "levels.svg").read_text(encoding="utf-8")
    assert "Diplomatic representation between Peru and United States" in svg
    last = levels[levels["direction"] == "inward"].iloc[-1]
    assert (f"from **{last['from_date']}** United States' mission in Peru is an "
            f"**{last['level']}**") in sentences(nb)
    # each dated event keeps its source and line
    events = csv(out, "events")
    assert {"source", "line"} <= set(events.columns) and (events["line"] != "").all()


def test_a_partner_with_no_stated_level_gets_no_step_chart_and_is_told_so(profile_of):
    out, nb = profile_of("Ghana")
    assert csv(out, "levels").empty and not list(out.glob("levels.*g"))
    assert ("The sources state no level of representation between Peru and Ghana, so there is "
            "nothing to draw.") in sentences(nb)
