"""The country profile notebook (04) run through papermill: the wiring of the profile, its
charts and its sentences for a rich partner and an unknown one (`make test`), and for partners
across regions, spellings and refusals (`make test-slow`)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from documents import ARTICLE, FACT_SHEET, RECORD
from notebook_runs import execute, refusal

NOTEBOOK = "04-country-profile"
REGISTER = "database_of_embassies_2022-11-16.csv"
CHIEFS = "us_chiefs_of_mission_peru_pocom.xml"
USA = ["USA", "the U.S."]



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


@pytest.mark.slow
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


@pytest.mark.slow
def test_ghana_profile_has_no_date_and_no_timeline_to_draw(profile_of):
    out, nb = profile_of("Ghana")
    posts = csv(out, "posts")
    assert set(zip(posts["direction"], posts["city"], posts["resident"], strict=True)) == {
        ("abroad", "Accra", "True"), ("inward", "Brasília", "False")}
    assert csv(out, "events").empty and not (out / "timeline.svg").exists()
    text = sentences(nb)
    assert "The sources give no date for when relations began." in text
    assert "No dated event concerns Ghana, so there is no timeline to draw." in text


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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
    # the text sources say nothing; the trade statistics still give Peru's report of its trade
    assert [p.name for p in out.glob("*.svg")] == ["trade.svg"]
    assert all(csv(out, p.stem).empty for p in out.glob("*.csv")
               if p.stem not in ("summary", "trade"))
    assert set(csv(out, "trade")["report"]) == {"Peru's report"}
    text = sentences(nb)
    assert "Kiribati's own report is not in this dataset" in text
    assert "The sources say nothing about Kiribati." in text
    assert "Kiribati has no row in the article's bilateral tables." in text


@pytest.mark.slow
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


@pytest.mark.slow
def test_a_partner_with_no_stated_level_gets_no_step_chart_and_is_told_so(profile_of):
    out, nb = profile_of("Ghana")
    assert csv(out, "levels").empty and not list(out.glob("levels.*g"))
    assert ("The sources state no level of representation between Peru and Ghana, so there is "
            "nothing to draw.") in sentences(nb)
