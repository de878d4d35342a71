"""Data quality: coverage of the statements, identification, precision, one-source facts.

The unit tests call helpers.analysis.quality on the processed tables (and on copies broken on
purpose,
so that a check shown to hold can be seen to fail); the notebook tests run 05-data-quality
through papermill with a source or regions chosen and read the CSV tables it recorded.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from documents import ARTICLE, FACT_SHEET, RECORD
from notebook_runs import execute, refusal

from helpers.analysis import params, quality
from helpers.core.exceptions import ParameterError
from helpers.core.schema import DECISION_KINDS

NOTEBOOK = "05-data-quality"


@pytest.fixture(scope="module")
def areas(frames) -> dict[tuple, str]:
    return quality.area_by_line(frames["statements"], frames["relations"])


@pytest.fixture(scope="module")
def statements(frames, areas) -> pd.DataFrame:
    return quality.with_area(frames["statements"], areas)


def text_of(frame: pd.DataFrame, text: str) -> dict:
    (row,) = frame[frame["text"] == text].to_dict("records")
    return row


# ---------------------------------------------------------------- statements


def test_a_table_note_sits_in_its_region_and_prose_outside_the_tables(statements):
    assert text_of(statements, "Peru has an embassy in Accra.")["area"] == "Africa"
    assert text_of(statements, "Peru is planning full integration into the Andean Free Trade "
                               "Area.")["area"] == quality.OUTSIDE
    assert text_of(statements, "Principal U.S. embassy officials are listed in the Department's "
                               "Key Officers List.")["area"] == quality.OUTSIDE


def test_status_counts_add_up_to_the_statements_read(statements):
    by_source = quality.status_counts(statements, "source").set_index("source")
    assert list(by_source.index) == ["database_of_embassies_2022-11-16.csv", ARTICLE,
                                     "us_chiefs_of_mission_peru_pocom.xml", RECORD, FACT_SHEET]
    assert by_source["total"].sum() == len(statements)
    assert (by_source["represented"] + by_source["unparsed"] == by_source["total"]).all()
    sheet = statements[statements["source"] == FACT_SHEET]
    assert by_source.loc[FACT_SHEET, "unparsed"] == (sheet["status"] == "unparsed").sum()
    assert by_source.loc[FACT_SHEET, "unparsed_share"] == round(
        by_source.loc[FACT_SHEET, "unparsed"] / len(sheet), 3)


def test_areas_come_in_region_order_then_outside_the_tables(statements):
    order = quality.area_order(statements["area"])
    by_area = quality.status_counts(statements, "area", order)
    assert list(by_area["area"]) == ["Africa", "Americas", "Asia", "Europe", "Oceania",
                                     quality.OUTSIDE]
    africa = by_area.set_index("area").loc["Africa"]
    assert (africa["unparsed"], africa["unparsed_share"]) == (0, 0.0)


def test_each_unparsed_statement_is_listed_with_its_reason_and_partner(statements):
    left = quality.unparsed(statements)
    assert (left["reason"].notna()).all()
    andorra = text_of(left, "Andorra does not have an accreditation to Peru.")
    assert (andorra["partner"], andorra["area"], andorra["reason"]) == (
        "Andorra", "Europe",
        "states that there is no post or accreditation (nothing to record as a post)")
    assert "Relations between the two nations have since mostly recovered." in set(left["text"])
    why = quality.reasons(left)
    assert why["statements"].sum() == len(left)
    assert why["statements"].is_monotonic_decreasing


def test_selecting_regions_drops_the_statements_outside_the_tables(statements):
    asia = quality.select(statements, [], ["Asia"])
    assert set(asia["area"]) == {"Asia"}
    assert "Peru has an embassy in Tel Aviv." in set(asia["text"])
    sheet = quality.select(statements, [FACT_SHEET], [])
    assert set(sheet["source"]) == {FACT_SHEET}
    assert quality.select(statements, [FACT_SHEET], ["Asia"]).empty


# ---------------------------------------------------------------- identification and dates


def test_unresolved_and_inferred_rows_name_their_candidates_and_evidence(frames):
    unsure = quality.identification(frames["relations"], frames["statements"]).set_index("line")
    assert list(unsure.index) == [38, 73, 104]
    assert unsure.loc[38, "candidate_names"] == "Bahamas; Belize; Barbados"
    assert unsure.loc[38, "statements_text"] == (
        "Both countries established diplomatic relations on November 27, 1991. | Both "
        "countries are full members of Organization of American States.")
    guyana = unsure.loc[73]
    assert (guyana["resolution"], guyana["partner"]) == ("inferred", "Guyana")
    assert "members of Union of South American Nations: Guyana" in guyana["reason"]
    assert "Cambodia" in unsure.loc[104, "candidate_names"].split("; ")


def test_precision_per_region_counts_every_row_once(frames):
    rel = frames["relations"]
    table = quality.precision_table(rel).set_index("region")
    assert list(table.columns) == ["day", "month", "year", "decade", "none", "rows"]
    assert table["rows"].sum() == len(rel)
    assert (table.drop(columns="rows").sum(axis=1) == table["rows"]).all()  # none left out
    assert table["none"].sum() == rel["established"].isna().sum()
    europe = rel[rel["region"] == "Europe"]
    assert table.loc["Europe", "day"] == (europe["established_precision"] == "day").sum()
    assert table.loc["Africa", "none"] == table.loc["Africa", "rows"]  # no African row is dated


def test_the_precision_sentence_counts_a_decade_date_and_names_the_best_dated_region(frames):
    rel = frames["relations"].copy()
    first = rel.index[rel["established_precision"] == "year"][0]
    rel.loc[first, "established_precision"] = "decade"
    text = quality.describe_precision(quality.precision_table(rel))
    assert "only to the decade for **1**" in text
    assert f"Of **{len(rel)}** table rows" in text and "The best dated region is **" in text
    assert quality.describe_precision(quality.precision_table(rel.iloc[0:0])).startswith(
        "No table row matches")


# ---------------------------------------------------------------- one-source facts


@pytest.fixture(scope="module")
def facts(frames) -> pd.DataFrame:
    return quality.one_source_facts(frames)


def test_the_day_us_relations_began_comes_from_the_historians_record(facts):
    (row,) = facts[facts["table"] == "relations"].to_dict("records")
    assert (row["country"], row["fact"], row["source"], row["lines"], row["missing_from"]) == (
        "United States", "relations began in 1827-05-21 (known to the day)", RECORD, "68",
        ARTICLE)
    events = facts[facts["table"] == "events"]
    assert not events["fact"].str.startswith("1827").any()  # the same fact is not listed twice


def test_the_fact_sheet_fills_the_article_with_posts_memberships_and_figures(frames, facts):
    sheet = facts[facts["source"] == FACT_SHEET]
    assert "Peru's embassy in Washington, accredited to United States" in set(sheet["fact"])
    us = sheet[(sheet["table"] == "memberships") & (sheet["country"] == "United States")]
    assert len(us) == 6 and "United States is a member of the World Bank" in set(us["fact"])
    us_figures = frames["figures"][frames["figures"]["source"] == FACT_SHEET]
    assert (sheet["table"] == "figures").sum() == len(us_figures)
    assert ("U.S. food and agricultural exports to Peru: more than $1.00 billion (2016)"
            in set(sheet["fact"]))
    assert set(sheet["missing_from"]) == {f"{ARTICLE}; {RECORD}"}


def test_a_fact_both_sources_state_or_no_other_source_covers_is_not_a_gap(facts):
    assert "Peru is a member of the United Nations" not in set(facts["fact"])  # both say it
    assert not facts["country"].isin(["Canada", "Chile", "Ecuador"]).any()  # sheet is silent
    article = facts[facts["source"] == ARTICLE]
    assert "United States' consular-agency in Cusco, accredited to Peru" in set(article["fact"])
    assert set(article["missing_from"]) == {f"{RECORD}; {FACT_SHEET}"}


# ---------------------------------------------------------------- decisions and checks


def test_decisions_come_in_audit_order_with_their_region(frames, areas):
    audit = quality.decisions(quality.with_area(frames["decisions"], areas))
    assert len(audit) == len(frames["decisions"])
    ranks = audit["kind"].map({k: i for i, k in enumerate(DECISION_KINDS)})
    assert ranks.is_monotonic_increasing
    cuzco = audit[(audit["kind"] == "alias") & (audit["subject"] == "Cuzco")].iloc[0]
    assert (cuzco["decision"], cuzco["area"]) == ("Cusco", "Americas")
    hong_kong = audit[audit["kind"] == "territory"].iloc[0]
    assert (hong_kong["subject"], hong_kong["decision"], hong_kong["area"]) == (
        "Hong Kong", "CHN", "Asia")
    assert set(audit[audit["kind"] == "empty-row"]["area"]) == {quality.UNKNOWN}


def test_a_statement_missing_from_unparsed_csv_breaks_the_first_check(frames):
    broken = dict(frames, unparsed=frames["unparsed"].iloc[1:])
    checks = quality.checks(broken).set_index("check")
    first = checks.iloc[0]
    assert not first["holds"] and first["found"].endswith("1 differ")
    assert checks["holds"].iloc[1:].all()


def test_a_record_pointing_at_no_statement_breaks_its_check(frames):
    missions = frames["missions"].copy()
    missions.loc[0, "line"] = 9999
    checks = quality.checks(dict(frames, missions=missions)).set_index("check")
    row = checks.loc["every missions record points at a statement read or a table row"]
    assert not row["holds"] and row["found"].endswith("1 point elsewhere")


# ---------------------------------------------------------------- the notebook


def run(tmp_path: Path, **parameters) -> Path:
    return execute(NOTEBOOK, tmp_path, **parameters)[0]


def csv(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{name}.csv", keep_default_na=False)


def test_quality_of_the_fact_sheet_alone(tmp_path, frames):
    out = run(tmp_path, sources=[FACT_SHEET])
    by_source = csv(out, "statements-by-source")
    sheet = frames["statements"][frames["statements"]["source"] == FACT_SHEET]
    assert list(by_source["source"]) == [FACT_SHEET]
    assert by_source.loc[0, "total"] == len(sheet)
    assert by_source.loc[0, "unparsed"] == (sheet["status"] == "unparsed").sum()
    assert set(csv(out, "statements-by-area")["area"]) == {quality.OUTSIDE}
    left = csv(out, "unparsed")
    assert "Department of State Key Officers List" in set(left["text"])
    assert set(left["reason"]) <= {"entry of a list of links", "pointer to other publications",
                                   "narrative without a dated event, post, membership or figure"}
    # the fact sheet has no bilateral table: nothing to identify or date, and no empty chart
    assert csv(out, "identification").empty and csv(out, "date-precision").empty
    assert not (out / "date-precision.svg").exists() and (out / "statements.svg").is_file()
    facts = csv(out, "one-source-facts")
    # the fact sheet's year of U.S. relations is given by the historian's record too
    assert set(facts["source"]) == {FACT_SHEET} and "relations" not in set(facts["table"])
    # the fact sheet's decisions: its capital, and its trade figures against both reports
    subjects = set(csv(out, "decisions")["subject"])
    assert "Washington" in subjects
    assert {s.split(" (")[0] for s in subjects - {"Washington"}} == {
        "goods_trade_two_way 2009", "goods_trade_two_way 2016"}
    # the fact sheet gives one of the statements of a reconciled fact: the fact is shown whole
    reconciled = csv(out, "reconciliation")
    assert set(reconciled["fact"]) == {"United States: date relations began"}
    assert set(zip(reconciled["source"], reconciled["line"], reconciled["role"],
                   strict=True)) == {
        (RECORD, 68, "chosen"), (RECORD, 22, "other year"), (RECORD, 65, "same year"),
        (FACT_SHEET, 10, "same year")}


def test_quality_of_two_regions(tmp_path):
    out = run(tmp_path, regions=["Asia", "Oceania"])
    assert list(csv(out, "statements-by-area")["area"]) == ["Asia", "Oceania"]
    assert list(csv(out, "date-precision")["region"]) == ["Asia", "Oceania"]
    unsure = csv(out, "identification")
    assert list(unsure["line"]) == [104] and unsure.loc[0, "resolution"] == "unresolved"
    decisions = csv(out, "decisions")
    assert set(decisions["area"]) == {"Asia", "Oceania"}
    assert "Wellington" in set(decisions["subject"])
    assert csv(out, "one-source-facts").empty  # the United States sits in the Americas
    assert csv(out, "reconciliation").empty  # its statements are outside the tables
    assert csv(out, "checks")["holds"].all()  # checks cover the whole dataset
    assert (out / "statements.svg").is_file() and (out / "date-precision.png").is_file()


@pytest.mark.parametrize(("parameters", "message"), [
    ({"sources": ["wikipedia.txt"]}, "05-data-quality: parameter 'sources': source "
     "'wikipedia.txt' is not one of: database_of_embassies_2022-11-16.csv, "
     "foreign_relations_of_peru.txt, us_chiefs_of_mission_peru_pocom.xml, "
     "us_recognition_relations_peru_rdcr.xml, us_relations_with_peru_2018.txt"),
    ({"regions": ["Antarctica"]}, "05-data-quality: parameter 'regions': region 'Antarctica' is "
     "not one of: Africa, Americas, Asia, Europe, Oceania, unknown"),
    ({"regions": "Asia", "colour": "red"}, "05-data-quality: unknown parameter 'colour'; its "
     "parameters are: sources, regions, output_dir"),
])
def test_bad_parameters_are_refused_before_any_work(parameters, message):
    with pytest.raises(ParameterError) as info:
        params.check(NOTEBOOK, parameters)
    assert str(info.value) == message


def test_a_bad_source_stops_the_notebook(tmp_path):
    error = refusal(NOTEBOOK, tmp_path, sources=["wikipedia.txt"])
    assert "parameter 'sources': source 'wikipedia.txt' is not one of" in error.evalue
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- reconciliation


def test_each_statement_of_a_reconciled_fact_is_listed_with_its_value_and_role(frames):
    reconciled = quality.reconciliation(frames["decisions"])
    assert set(reconciled["fact"]) == {"United States: date relations began"}
    assert list(zip(reconciled["value"], reconciled["precision"], reconciled["source"],
                    reconciled["line"], reconciled["role"], strict=True)) == [
        ("1827-05-21", "day", RECORD, 68, "chosen"),
        ("1826", "year", RECORD, 22, "other year"),
        ("1827", "year", RECORD, 65, "same year"),
        ("1827", "year", FACT_SHEET, 10, "same year")]
    assert set(reconciled["choice"]) == {"1827-05-21"}
    text = quality.describe_reconciliation(reconciled)
    assert text.startswith("**1** fact(s) given by more than one statement. **United States: "
                           "date relations began**: **4** statements from **2** source(s); "
                           "the build chose **1827-05-21** by the rule: the most precise date")
    assert f"**1826** (year; {RECORD}, line 22; other year)" in text
    assert f"**1827** (year; {FACT_SHEET}, line 10; same year)" in text


def test_a_reconciled_value_is_shown_as_written_not_as_markup():
    decision = pd.DataFrame([dict(
        kind="reconciliation", subject="Ruritania *or* <b>Elbonia</b>: date relations began",
        decision="1901-02-03 (day) record.xml:7",
        alternatives="1900 (year) sheet_[x](javascript:y).txt:3, other year",
        rule="the | most precise", source="record.xml", line=7)])
    text = quality.describe_reconciliation(quality.reconciliation(decision))
    assert "**Ruritania \\*or\\* \\<b\\>Elbonia\\</b\\>: date relations began**" in text
    assert "by the rule: the \\| most precise." in text
    assert "(year; sheet\\_\\[x\\](javascript:y).txt, line 3; other year)" in text
    assert "**2** statements from **2** source(s)" in text


def test_no_reconciled_fact_is_said_plainly():
    assert quality.describe_reconciliation(quality.reconciliation(pd.DataFrame(
        columns=["kind", "subject", "decision", "alternatives", "rule", "source", "line"]))) == (
        "No fact of this selection is given by more than one statement.")


def test_the_stored_default_run_lists_the_reconciled_fact_with_every_value():
    import nbformat

    from helpers.core.paths import NOTEBOOKS

    nb = nbformat.read(NOTEBOOKS / f"{NOTEBOOK}.ipynb", as_version=4)
    (i,) = [i for i, c in enumerate(nb.cells)
            if c.source.startswith("## Facts several statements give, reconciled")]
    text = "\n".join(o["data"]["text/markdown"] for o in nb.cells[i + 1].outputs
                     if "text/markdown" in o.get("data", {}))
    for value in (f"**1827-05-21** (day; {RECORD}, line 68; chosen)",
                  f"**1826** (year; {RECORD}, line 22; other year)",
                  f"**1827** (year; {FACT_SHEET}, line 10; same year)"):
        assert value in text
    # the count of facts only one source gives is still there, before it
    assert "alone states" in "".join(o.get("data", {}).get("text/markdown", "")
                                     for c in nb.cells[:i] if c.cell_type == "code"
                                     for o in c.outputs)
