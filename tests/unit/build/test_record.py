"""The historian's record in the dataset: events, representation levels and reconciliation.

Rules are tested on the record's own sentences (from the session build) and on small sentences
of the same shape written for the tests.
"""

from __future__ import annotations

import pandas as pd
import pytest
from documents import ARTICLE, FACT_SHEET, RECORD

from helpers.analysis import charts, profile, quality
from helpers.build.dates import find_dates
from helpers.build.events import classify, parse_events
from helpers.build.levels import add_levels, parse_level
from helpers.build.reconcile import choose, reconcile_relations
from helpers.build.sources import Subject
from helpers.core.claims import Claim, parse_claims

# ---------------------------------------------------------------- events of the record


@pytest.mark.parametrize(("line", "date", "kind"), [
    (40, "1826-05-02", "recognition"),  # the chargé's appointment recognizes Peru
    (68, "1827-05-21", "relations-established"),
    (68, "1827-05-21", "mission-opened"),  # the American legation in Lima
    (75, "1846-12", "mission-opened"),  # Peru's legation in Washington
    (48, "1837-03-16", "recognition"),  # the Peru-Bolivian Confederation
    (82, "1920-04-24", "mission-upgraded"),
])
def test_the_records_events_are_in_the_events_table(rows, line, date, kind):
    (event,) = rows("events", source=RECORD, line=line, date=date, kind=kind)
    assert event["partner_iso3"] == "USA"
    assert event["precision"] == {4: "year", 7: "month", 10: "day"}[len(date)]


def test_every_dated_statement_of_the_record_is_an_event(rows):
    statements = rows("statements", source=RECORD)
    assert len(statements) == 25
    for st in statements:
        dates = {d.iso for d in find_dates(st["text"])}
        events = {e["date"] for e in rows("events", source=RECORD, line=st["line"],
                                          sentence=st["sentence"])}
        assert dates == events, st["text"]


def test_every_statement_of_the_record_is_represented_or_unparsed_with_a_reason(rows):
    for st in rows("statements", source=RECORD):
        if st["status"] == "unparsed":
            assert st["reason"] and rows("unparsed", source=RECORD, line=st["line"])
        else:
            assert st["tables"]
    (summary,) = rows("statements", source=RECORD, line=20)
    assert summary["reason"] == "heading without a date (a section title or a figure caption)"


@pytest.mark.parametrize(("text", "kind"), [
    ("Diplomatic relations and the Consulate in Arica were established on June 3, 1901, when "
     "the consul presented his exequatur.", "relations-established"),
    ("The Legation at Quito was raised to an Embassy on March 1, 1950.", "mission-upgraded"),
    ("Elevation of the Chilean Legation to Embassy Status, 1950.", "mission-upgraded"),
    ("Establishment of the Chilean Legation in Ecuador, 1880.", "mission-opened"),
    ("Chilean Recognition of Ecuador, 1830.", "recognition"),
    ("The independence of Ecuador was recognized by Chile by the appointment of Juan Soto as "
     "Chargé d’Affaires on April 1, 1830.", "recognition"),
    ("The two states signed a treaty soon after the proclamation of Chilean independence in "
     "February 1818.", "other"),
])
def test_event_kind_keywords(text, kind):
    (event,) = parse_events(text)
    assert classify(text, event.date) == kind


# ---------------------------------------------------------------- representation levels

CHILE = Subject("Chile", "CHL", "Santiago")


def test_a_legation_raised_to_an_embassy_is_an_ambassador_level():
    lv = parse_level("The Legation at Santiago was raised to an Embassy on June 2, 1935, when "
                     "Ambassador Jean Martin presented his credentials.", CHILE, "FRA")
    assert (lv.sending, lv.receiving, lv.level, lv.rank, lv.cow, lv.date, lv.precision,
            lv.raised) == ("FRA", "CHL", "embassy", "ambassador", 3, "1935-06-02", "day", True)


def test_a_minister_sent_to_the_partner_heads_a_legation_of_the_subject():
    lv = parse_level("In March 1850, the Government of Chile named Juan Soto as its first "
                     "Plenipotentiary Minister to France.", CHILE, "FRA")
    assert (lv.sending, lv.receiving, lv.level, lv.rank, lv.cow, lv.date) == (
        "CHL", "FRA", "legation", "minister", 2, "1850-03")


def test_a_legation_whose_envoy_is_not_named_has_no_cow_level():
    lv = parse_level("The French Legation in Santiago was established in 1840.", CHILE, "FRA")
    assert (lv.level, lv.rank, lv.cow) == ("legation", "", None)


def test_a_change_takes_the_date_after_its_own_verb():
    lv = parse_level("France recognized Chile in May 1844 and established its legation in "
                     "Santiago in June 1846.", CHILE, "FRA")
    assert (lv.sending, lv.level, lv.date) == ("FRA", "legation", "1846-06")


@pytest.mark.parametrize("text", [
    "France has an embassy in Santiago.",  # no change, no date
    "Juan Soto was appointed Chargé d’Affaires on June 8, 1838.",  # where is not said
    "The Legation at Santiago was raised to an Embassy.",  # no date
    "Chile and France signed a treaty in Santiago on June 8, 1838.",  # no mission or envoy
])
def test_statements_without_a_dated_placed_change_give_no_level(text):
    assert parse_level(text, CHILE, "FRA") is None


def test_the_records_levels_one_row_per_stated_change(rows):
    got = [(r["sending_iso3"], r["receiving_iso3"], r["level"], r["envoy_rank"],
            r["cow_level"], r["from_date"], r["line"]) for r in rows("levels", source=RECORD)]
    assert got == [
        ("PER", "USA", "legation", "minister", "2", "1846-12", "75"),
        ("USA", "PER", "legation", "chargé d'affaires", "1", "1827-05-21", "68"),
        ("USA", "PER", "embassy", "ambassador", "3", "1920-04-24", "82"),
    ]
    assert rows("levels", source=ARTICLE, line=174)[0]["level"] == "embassy"  # Greece, 1992


def _statement(line, text, kind="prose"):
    # typed, as the extraction stages produce it (helpers.records.ledger_record)
    return dict(source="r.xml", line=line, sentence=1, section="", kind=kind,
                row_line=None, partner_iso3="FRA", status="unparsed", tables="",
                reason="narrative", text=text)


def test_a_heading_restating_its_paragraph_is_one_change_and_other_becomes_the_level_event():
    head = _statement(5, "Establishment of the French Legation in Santiago, 1840.", "heading")
    para = _statement(7, "The French Legation in Santiago was established on May 3, 1840, when "
                         "Pierre Roux presented his credentials as Chargé d’Affaires.")
    tables = dict(statements=[head, para], unparsed=[dict(source="r.xml", line=5,
                                                          sentence=1)],
                  events=[dict(partner_iso3="FRA", date="1840-05-03", precision="day",
                               approximate=False, end_date=None, kind="other",
                               summary=para["text"], row_line=None, source="r.xml", line=7,
                               sentence=1)])
    add_levels(tables, CHILE)
    assert [(r["line"], r["from_date"], r["cow_level"]) for r in tables["levels"]] == [
        (7, "1840-05-03", 1)]
    assert [e["kind"] for e in tables["events"]] == ["mission-opened"]
    assert (para["status"], para["tables"], para["reason"]) == ("represented",
                                                                "events;levels", "")
    assert head["status"] == "unparsed"  # the heading alone (1840) fed nothing here


# ---------------------------------------------------------------- reconciliation


def test_agreeing_years_take_the_most_precise_date():
    c = choose([Claim("1990", "year", "a.txt", 1), Claim("1990-03", "month", "b.txt", 2),
                Claim("1990-03-05", "day", "c.xml", 3)])
    assert c.chosen == Claim("1990-03-05", "day", "c.xml", 3)
    assert [x.value for x in c.same_year] == ["1990-03", "1990"] and not c.other_years
    assert c.alternatives == "1990 (year) a.txt:1, same year; 1990-03 (month) b.txt:2, same year"


def test_a_disagreeing_year_is_kept_as_an_alternative():
    c = choose([Claim("1827", "year", "sheet.txt", 10), Claim("1826", "year", "rec.xml", 22),
                Claim("1827-05-21", "day", "rec.xml", 68)])
    assert c.chosen.value == "1827-05-21"
    assert [(x.value, x.line) for x in c.other_years] == [("1826", 22)]
    assert "1826 (year) rec.xml:22, other year" in c.alternatives


def test_the_year_more_sources_give_beats_a_more_precise_date():
    c = choose([Claim("1990", "year", "a.txt", 1), Claim("1990", "year", "b.txt", 1),
                Claim("1991-01-01", "day", "c.txt", 1)])
    assert c.chosen.value == "1990" and [x.value for x in c.other_years] == ["1991-01-01"]


def test_a_tie_between_years_goes_to_the_more_precise_then_the_earlier():
    assert choose([Claim("1990", "year", "a", 1), Claim("1991-02", "month", "b", 1)]
                  ).chosen.value == "1991-02"
    assert choose([Claim("1991", "year", "a", 1), Claim("1990", "year", "b", 1)]
                  ).chosen.value == "1990"


def test_a_single_source_is_taken_as_it_is_and_records_no_decision():
    c = choose([Claim("1990", "year", "a.txt", 4)])
    assert c.chosen.value == "1990" and c.alternatives == ""
    tables = _reconcile_tables([("1990", "year", "a.txt", 4)])
    reconcile_relations(tables)
    assert tables["decisions"] == [] and tables["relations"][0]["established"] is None


def _reconcile_tables(events):
    return dict(
        events=[dict(partner_iso3="FRA", date=d, precision=p, approximate=False,
                     kind="relations-established", row_line=None, source=s, line=n)
                for d, p, s, n in events],
        relations=[dict(iso3="FRA", established=None, established_precision=None,
                        established_approximate=None, established_source=None,
                        established_line=None, source="art.txt", line=9)],
        decisions=[])


def test_reconciled_relations_row_and_decision():
    tables = _reconcile_tables([("1850", "year", "a.txt", 3), ("1850-06-01", "day", "b.xml", 8)])
    reconcile_relations(tables)
    (row,) = tables["relations"]
    assert (row["established"], row["established_precision"], row["established_source"],
            row["established_line"], row["established_approximate"]) == (
        "1850-06-01", "day", "b.xml", 8, False)
    assert row["established_alternatives"] == "1850 (year) a.txt:3, same year"
    (d,) = tables["decisions"]
    assert (d["kind"], d["subject"], d["decision"], d["source"], d["line"]) == (
        "reconciliation", "France: date relations began", "1850-06-01 (day) b.xml:8", "b.xml", 8)
    assert parse_claims(d["alternatives"]) == [dict(value="1850", precision="year",
                                                    source="a.txt", line=3,
                                                    agreement="same year")]


def test_us_relations_are_reconciled_to_the_day_with_both_alternatives(rows):
    (us,) = rows("relations", line=89)
    assert (us["established"], us["established_precision"], us["established_source"],
            us["established_line"]) == ("1827-05-21", "day", RECORD, "68")
    (d,) = rows("decisions", kind="reconciliation")
    assert d["decision"] == f"1827-05-21 (day) {RECORD}:68"
    claims = {(c["value"], c["source"], c["line"], c["agreement"])
              for c in parse_claims(d["alternatives"])}
    assert claims == {("1826", RECORD, 22, "other year"), ("1827", RECORD, 65, "same year"),
                      ("1827", FACT_SHEET, 10, "same year")}


# ---------------------------------------------------------------- notebook helpers


def test_the_reconciliation_table_lists_each_sources_value_and_the_choice(frames):
    table = quality.reconciliation(frames["decisions"])
    assert list(table["role"]) == ["chosen", "other year", "same year", "same year"]
    assert set(table["choice"]) == {"1827-05-21"}
    assert set(table["source"]) == {RECORD, FACT_SHEET}


def test_the_us_profile_has_its_levels_in_both_directions_and_a_step_chart(frames):
    levels = profile.levels_of(frames["levels"], "USA")
    levels = levels[levels["source"] != "us_chiefs_of_mission_peru_pocom.xml"]  # see test_chiefs
    assert list(levels["direction"]) == ["inward", "abroad", "inward"]
    assert list(levels["cow_level"]) == [1, 2, 3]
    text = profile.describe_levels(levels, "Peru", "United States")
    assert "from **1920-04-24** United States' mission in Peru is an **embassy**, headed by an " \
           "ambassador" in text
    fig = charts.representation_levels(levels, profile.side_labels("Peru", "United States"),
                                       "Levels", "Source: test", 2018)
    (ax,) = fig.axes
    assert len([line for line in ax.get_lines() if line.get_drawstyle() == "steps-post"]) == 2
    empty = charts.representation_levels(levels.iloc[0:0], {}, "Levels", "Source: test", 2018)
    assert "state no level" in empty.axes[0].texts[0].get_text()
    assert profile.levels_of(frames["levels"], "NOR").empty
    assert isinstance(levels, pd.DataFrame)
