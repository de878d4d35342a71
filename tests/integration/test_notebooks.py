"""The notebooks under papermill: parameters documented, validated, and results recorded.

Each notebook runs with non-default parameters into a temporary output folder; the tests read
the CSV tables and figures it saved there. nbval (see pyproject.toml) separately checks the
stored outputs of the default run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from notebook_runs import execute, refusal, validate_as_the_kernel

from helpers.core.exceptions import ParameterError
from helpers.core.paths import NOTEBOOKS


def run(name: str, tmp_path: Path, **parameters) -> Path:
    """Execute a notebook with papermill; return the folder its figures and tables went to."""
    return execute(name, tmp_path, **parameters)[0]


def test_help_notebook_lists_every_parameter_with_type_default_and_help():
    papermill = Path(sys.executable).with_name("papermill")
    text = subprocess.run([str(papermill), "--help-notebook",
                           str(NOTEBOOKS / "02-mission-coverage.ipynb")],
                          capture_output=True, text=True, check=True).stdout
    assert 'direction: str (default "both")' in text
    assert "abroad (the subject's posts), inward (partners' posts) or both" in text
    assert "include_honorary: bool (default True)" in text


def test_timeline_for_europe_between_1900_and_2010(tmp_path):
    out = run("01-relation-timeline", tmp_path, regions=["Europe"], start_year=1900,
              end_year=2010, event_kinds=["recognition", "mission-closed"])
    dated = pd.read_csv(out / "relations-timeline.csv", dtype=str)
    assert set(dated["region"]) == {"Europe"}
    assert dated["established"].str[:4].astype(int).between(1900, 2010).all()
    assert {"Finland", "Croatia", "Andorra"} <= set(dated["label"])
    lanes = pd.read_csv(out / "event-lanes.csv", dtype=str)
    assert set(lanes["kind"]) == {"recognition", "mission-closed"}
    assert "Peru closed its embassy in Sofia for economic reasons in 2003." in set(
        lanes["summary"])
    missing = pd.read_csv(out / "not-on-timeline.csv", dtype=str)
    assert "France" in set(missing["label"])  # 1826: outside the years shown, not dropped
    assert (out / "relations-timeline.svg").stat().st_size > 0
    assert (out / "event-lanes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_timeline_keeps_unresolved_rows_and_other_sources_dates(tmp_path):
    out, executed = execute("01-relation-timeline", tmp_path, regions=["Americas", "Asia"],
                            start_year=1800, end_year=1900)
    dated = pd.read_csv(out / "relations-timeline.csv", dtype=str)
    us = dated[dated["label"] == "United States"].iloc[0]
    assert (us["established"], us["established_precision"], us["established_source"]) == (
        "1827-05-21", "day", "us_recognition_relations_peru_rdcr.xml")
    missing = pd.read_csv(out / "not-on-timeline.csv", dtype=str)
    unresolved = missing[missing["resolution"] == "unresolved"]
    assert set(unresolved["candidates"]) == {"BHS;BLZ;BRB", "AFG;ARM;AZE;BGD;BHR;BRN;BTN;KHM"}
    cumulative = pd.read_csv(out / "cumulative-relations.csv")
    assert list(cumulative.columns) == ["year", "Americas", "Asia"]
    assert cumulative["Americas"].is_monotonic_increasing
    # the reconciled date, its alternatives with their files and lines, said and recorded
    reconciled = pd.read_csv(out / "relations-reconciled.csv", dtype=str)
    assert list(reconciled["label"]) == ["United States"]
    assert reconciled.loc[0, "established"] == "1827-05-21"
    alternatives = reconciled.loc[0, "established_alternatives"]
    assert "1826 (year) us_recognition_relations_peru_rdcr.xml:22, other year" in alternatives
    assert "1827 (year) us_relations_with_peru_2018.txt:10, same year" in alternatives
    text = "\n".join(o["data"]["text/markdown"] for c in nbformat.read(executed, 4).cells
                     if c.cell_type == "code" for o in c.outputs
                     if "text/markdown" in o.get("data", {}))
    assert ("**United States**: relations began **1827-05-21** (known to the day; "
            "us_recognition_relations_peru_rdcr.xml, line 68); 3 other statement(s) "
            "say **1826** (year;") in text
    assert "us_relations_with_peru_2018.txt, line 10; same year)" in text



def test_coverage_of_peru_abroad_in_europe_without_honorary_posts(tmp_path):
    out = run("02-mission-coverage", tmp_path, regions=["Europe"], direction="abroad",
              include_honorary=False)
    counts = pd.read_csv(out / "posts-by-region.csv")
    assert set(counts["side"]) == {"Peru's posts abroad"}
    europe = counts[counts["region"] == "Europe"].iloc[0]
    assert europe["honorary-consulate"] == 0 and europe["closed"] == 1
    hubs = pd.read_csv(out / "accreditation-hubs.csv")
    # every source's hubs serving a European partner, whether or not the article's tables list
    # the partner (Helsinki serves Estonia, Latvia and Lithuania, which only the register names)
    assert set(hubs["city"]) == {"Madrid", "Athens", "Bucharest", "Stockholm", "Budapest",
                                 "Rome", "Helsinki", "Vienna", "Bern", "Brussels", "Oslo",
                                 "Paris", "Warsaw"}
    assert set(hubs["direction"]) == {"abroad"}
    closed = pd.read_csv(out / "closed-posts.csv")
    assert list(closed["city"]) == ["Sofia"] and list(closed["status_year"]) == [2003]
    # the posts map zooms to Europe: its title says so and the world's far ticks are gone
    placed = pd.read_csv(out / "posts-map.csv", keep_default_na=False)
    assert set(placed["direction"]) == {"abroad"} and "Sofia" in set(placed["city"])
    assert (placed["not_placed"] == "").all() and "honorary-consulate" not in set(
        placed["post_type"])
    svg = (out / "posts-map.svg").read_text(encoding="utf-8")
    assert "Diplomatic posts by city: Europe" in svg and ">−150</text>" not in svg
    assert (out / "posts-map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_coverage_of_partners_embassies_inward(tmp_path):
    out = run("02-mission-coverage", tmp_path, direction="inward", post_types=["embassy"])
    hubs = pd.read_csv(out / "accreditation-hubs.csv")
    brasilia = hubs[hubs["city"] == "Brasília"].iloc[0]
    # the article names three; the register 24 more
    assert brasilia["partners"] == 27 and brasilia["served"].startswith("Albania, Angola, "
                                                                       "Bulgaria, Cameroon")
    assert set(hubs["direction"]) == {"inward"}
    coverage = pd.read_csv(out / "coverage.csv")
    assert coverage.set_index("label").loc["New Zealand", "inward"] == (
        "non-resident accreditation")
    recip = pd.read_csv(out / "reciprocity.csv")
    assert recip.set_index("label").loc["Algeria", "reciprocity"] == "both sides"
    # the posts map of the world: Brasília's embassies reach the country they serve
    placed = pd.read_csv(out / "posts-map.csv", keep_default_na=False)
    assert set(placed["direction"]) == {"inward"} and set(placed["post_type"]) == {"embassy"}
    served = placed[placed["city"] == "Brasília"]
    assert {"BGR", "CYP", "GHA"} <= set(served["sending_iso3"]) and len(served) == 27
    assert set(served["served_iso3"]) == {"PER"} and (placed["longitude"] != "").all()
    assert served["served_longitude"].astype(float).between(-82, -68).all()  # in Peru
    svg = (out / "posts-map.svg").read_text(encoding="utf-8")
    assert "Diplomatic posts by city: the world" in svg and ">Brasília</text>" in svg
    assert ">−150</text>" not in svg  # no degree ticks
    assert (out / "posts-map.png").stat().st_size > 0


def test_trade_answers_from_the_build_china_leads_since_2014_and_the_fact_sheet_checked(
        tmp_path):
    out = run("03-trade-figures", tmp_path, scale="millions")
    ranks = pd.read_csv(out / "trade-ranks.csv")
    assert list(ranks["partner_iso3"][:2]) == ["USA", "CHN"]  # 1960-2020 in all
    totals = pd.read_csv(out / "trade-totals.csv")
    assert set(totals["flow"]) == {"export", "import", "two-way"}
    assert totals["year"].min() == 1960 and totals["year"].max() == 2020
    nb = (tmp_path / "03-trade-figures.ipynb").read_text(encoding="utf-8")
    assert "China has been Peru's largest partner in two-way trade every year since 2014" in nb
    assert "matches United States' report: US\\\\$ 14,278 million" in nb
    mirror = pd.read_csv(out / "trade-mirror.csv")
    exports = mirror[(mirror["partner_iso3"] == "USA") & (mirror["flow"] == "export")
                     & (mirror["year"] == 2016)].iloc[0]
    # Peru's exports (FOB) arrive as the United States' imports (CIF): CIF over FOB
    assert exports["ratio"] == pytest.approx(exports["partner_usd"] / exports["subject_usd"])
    for name in ("trade-totals", "trade-partners", "trade-regions", "trade-mirror",
                 "trade-facts-USA"):
        assert (out / f"{name}.svg").is_file()


@pytest.mark.slow
def test_trade_of_one_region_and_named_partners_in_exports(tmp_path):
    out = run("03-trade-figures", tmp_path, region="Asia", flow="export",
              partners=["Korea, South", "JPN"], start_year=1990, end_year=2010)
    ranks = pd.read_csv(out / "trade-ranks.csv")
    assert {"USA", "BRA"}.isdisjoint(ranks["partner_iso3"]) and "CHN" in set(
        ranks["partner_iso3"])
    totals = pd.read_csv(out / "trade-totals.csv")
    assert totals["year"].between(1990, 2010).all()


BAD_PARAMETERS = [
    ("01-relation-timeline", {"regions": ["Atlantis"]},
     "region 'Atlantis' is not one of: Africa, Americas, Asia, Europe, Oceania"),
    ("01-relation-timeline", {"start_year": "1900"},
     "parameter 'start_year' must be an integer, got '1900'"),
    ("01-relation-timeline", {"start_year": 2000, "end_year": 1990},
     "start_year 2000 is after end_year 1990"),
    ("01-relation-timeline", {"event_kinds": ["coup"]}, "event_kind 'coup' is not one of"),
    ("02-mission-coverage", {"direction": "sideways"},
     "direction 'sideways' is not one of: abroad, inward, both"),
    ("02-mission-coverage", {"include_honorary": "yes"},
     "parameter 'include_honorary' must be True or False, got 'yes'"),
    ("02-mission-coverage", {"post_types": ["chancery"]}, "post_type 'chancery' is not one of"),
    ("03-trade-figures", {"scale": "thousands"},
     "scale 'thousands' is not one of: millions, billions"),
    ("03-trade-figures", {"flow": "both"}, "flow 'both' is not one of: export, import, "
     "two-way"),
    ("03-trade-figures", {"partners": ["Atlantis"]}, "'Atlantis' is not a country the "
     "project knows"),
    ("03-trade-figures", {"colour": "red"}, "unknown parameter 'colour'"),
]


@pytest.mark.parametrize(("name", "parameters", "message"), BAD_PARAMETERS)
def test_bad_parameter_is_refused_by_the_notebooks_check_with_a_clear_message(
        tmp_path, name, parameters, message):
    """Every bad value, given to the notebook's own first step in-process (test_params.py
    asserts that step is this call); one real run per notebook below."""
    with pytest.raises(ParameterError) as info:
        validate_as_the_kernel(name, tmp_path, **parameters)
    assert message in str(info.value)
    assert name in str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "parameters", "message"), [
    BAD_PARAMETERS[0], BAD_PARAMETERS[4], BAD_PARAMETERS[9]])
def test_bad_parameter_stops_the_notebook_with_a_clear_message(tmp_path, name, parameters,
                                                               message):
    text = refusal(name, tmp_path, **parameters).evalue
    assert message in text
    assert name in text
