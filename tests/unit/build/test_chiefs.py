"""Chiefs of mission (POCOM XML): the chiefs, their levels, reconciled, and suspensions."""

from __future__ import annotations

import pytest

from helpers.build.chiefs import add_chiefs, level_steps, read_chiefs
from helpers.core.exceptions import SourceError


def chief(person, role, started, ended="", end_note="", line_pad=0) -> str:
    return f"""<chief>
  <person-id>{person}</person-id>
  <role-title-id>{role}</role-title-id>
  <appointed><date/><note/></appointed>
  <arrived><date/><note/></arrived>
  <started><date>{started}</date><note/></started>
  <ended><date>{ended}</date><note>{end_note}</note></ended>
  <note/>
</chief>"""


def document(*chiefs: str) -> list[str]:
    text = "<country-mission>\n<chiefs>\n" + "\n".join(chiefs) + "\n</chiefs>\n</country-mission>"
    return text.splitlines()


LINES = document(
    chief("cooley-james", "charge-daffaires", "1827-05-21"),
    chief("clay-john-randolph", "envoy-extraordinary-minister-plenipotentiary", "1853-08-22",
          "1860-10-19", "Notified the Government of Peru that relations were suspended on"),
    chief("gonzales-william-elliott", "ambassador-e-p", "1920-04-24"),
    chief("brayshaw-charles-h", "charge-daffaires-ad-interim", "1992-09", "1993-12"),
    chief("adams-alvin-p", "ambassador-e-p", "1993-12-15"))


def tables_with(levels=()) -> dict:
    return {"levels": list(levels), "events": [], "decisions": [], "statements": [],
            "unparsed": []}


def test_each_chief_has_its_line_name_and_dates():
    doc = read_chiefs(LINES, "pocom.xml")
    first = doc.chiefs[0]
    assert (first.line, first.person, first.dates["started"]) == (3, "James Cooley",
                                                                  "1827-05-21")


def test_levels_change_with_the_rank_and_an_ad_interim_chief_changes_none():
    steps = level_steps(read_chiefs(LINES, "pocom.xml").chiefs)
    assert [(c.dates["started"], c.rank) for c in steps] == [
        ("1827-05-21", "chargé d'affaires"), ("1853-08-22", "minister"),
        ("1920-04-24", "ambassador")]


def test_a_suspension_of_relations_is_a_relations_broken_event():
    tables = tables_with()
    add_chiefs(tables, read_chiefs(LINES, "pocom.xml"), "USA", "PER")
    (event,) = tables["events"]
    assert (event["kind"], event["date"], event["partner_iso3"]) == (
        "relations-broken", "1860-10-19", "USA")


def test_a_level_another_source_dates_alike_is_an_agreement_and_otherwise_reconciled():
    record = dict(sending_iso3="USA", receiving_iso3="PER", cow_level=1, from_date="1827-05-21",
                  precision="day", source="rdcr.xml", line=68)
    later = dict(record, cow_level=3, from_date="1920", precision="year", line=82)
    tables = tables_with([record, later])
    add_chiefs(tables, read_chiefs(LINES, "pocom.xml"), "USA", "PER")
    kinds = {d["subject"].rsplit(": ", 1)[-1]: (d["kind"], d["decision"]) for d in
             tables["decisions"]}
    assert kinds["chargé d'affaires (COW 1) from"] == ("sources-agree", "1827-05-21")
    assert kinds["ambassador (COW 3) from"][0] == "reconciliation"
    assert kinds["ambassador (COW 3) from"][1].startswith("1920-04-24 (day) pocom.xml")


def test_an_unknown_role_is_unparsed_with_its_line():
    doc = read_chiefs(document(chief("doe-john", "consul", "1900")), "pocom.xml")
    assert doc.chiefs == () and doc.bad[0].line == 3 and "consul" in doc.bad[0].reason


@pytest.mark.parametrize("text,message", [
    ("<country-mission><chiefs><chief></chiefs>", "not well-formed"),
    ('<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "refused unsafe XML"),
    ("<country-mission/>", "holds no <chief>")])
def test_malformed_or_hostile_xml_stops_the_build_with_the_file(text, message):
    with pytest.raises(SourceError, match=message):
        read_chiefs([text], "pocom.xml")


# ------------------------------------------------ dates are calendar dates (issue 24, item 4)

@pytest.mark.parametrize("started,ended,why", [
    ("2022-02-30", "", "started '2022-02-30' is not a calendar date"),
    ("2022-13-45", "", "started '2022-13-45' is not a calendar date"),
    ("0000-01-01", "", "started '0000-01-01' is not a calendar date"),
    ("1700-01-01", "", "started '1700-01-01' is before 1776-07-04"),
    ("1960-01-01", "9999-12-31", "ended '9999-12-31' is after 2022-02-15, the date of the"),
    ("1960-05-07", "1958", "ended '1958' is before started '1960-05-07'")])
def test_a_date_that_is_no_date_of_the_file_makes_its_chief_unparsed(started, ended, why):
    doc = read_chiefs(document(chief("doe-john", "ambassador-e-p", started, ended,
                                     "relations were suspended on")), "pocom.xml",
                      until="2022-02-15")
    assert doc.chiefs == ()
    (bad,) = doc.bad
    assert bad.line == 3 and why in bad.reason


def test_two_chiefs_on_one_line_stop_the_build_with_the_line():
    one_line = "<chiefs>" + chief("a-b", "ambassador-e-p", "1990").replace("\n", "") + chief(
        "c-d", "ambassador-e-p", "1995").replace("\n", "") + "</chiefs>"
    with pytest.raises(SourceError, match=r"pocom.xml:1: two <chief> elements start on this"):
        read_chiefs([one_line], "pocom.xml")


# ------------------------------------------------ a downgrade, then an upgrade (issue 24, item 3)

def test_a_mission_downgraded_and_upgraded_again_decides_each_level_once_at_the_chiefs_line():
    lines = document(
        chief("cooley-james", "charge-daffaires", "1827-05-21"),
        chief("gonzales-william-elliott", "ambassador-e-p", "1920-04-24", "1962-07-18",
              "Normal relations interrupted on"),
        chief("doe-john", "charge-daffaires", "1962-08-01"),
        chief("roe-jane", "ambassador-e-p", "1963-01-15"),
        chief("poe-jim", "charge-daffaires", "1970-01-01"))
    text_level = dict(sending_iso3="USA", receiving_iso3="PER", cow_level=1,
                      from_date="1827-05-21", precision="day", source="rdcr.xml", line=68)
    embassy = dict(text_level, cow_level=3, from_date="1920-04-24", line=82)
    tables = tables_with([text_level, embassy])
    add_chiefs(tables, read_chiefs(lines, "pocom.xml"), "USA", "PER")
    assert [(r["from_date"], r["cow_level"]) for r in tables["levels"][2:]] == [
        ("1827-05-21", 1), ("1920-04-24", 3), ("1962-08-01", 1), ("1963-01-15", 3),
        ("1970-01-01", 1)]
    assert sorted((d["kind"], d["decision"], d["source"], d["line"])
                  for d in tables["decisions"]) == [
        ("sources-agree", "1827-05-21", "pocom.xml", 3),
        ("sources-agree", "1920-04-24", "pocom.xml", 12)]


def test_a_level_the_sources_date_differently_is_decided_at_the_chiefs_line():
    text_level = dict(sending_iso3="USA", receiving_iso3="PER", cow_level=3, from_date="1919",
                      precision="year", source="rdcr.xml", line=82)
    tables = tables_with([text_level])
    add_chiefs(tables, read_chiefs(LINES, "pocom.xml"), "USA", "PER")
    (d,) = tables["decisions"]
    assert (d["kind"], d["source"], d["line"]) == ("reconciliation", "pocom.xml", 21)
