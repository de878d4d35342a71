"""A corpus of small "Foreign relations of X" documents, each built by the same code.

Each folder of tests/fixtures holds a document written for the tests (not article text) and a
manifest naming its subject. The expected tables are written out below: partners, posts and
events, read relative to that document's subject.
"""

from __future__ import annotations

import pytest
from documents import FIXTURES, grid, write_source

from helpers.build.pipeline import build
from helpers.build.sources import read_manifest, sha256_of
from helpers.core import schema
from helpers.core.exceptions import SourceError

CORPUS = ("norway", "kenya", "uruguay", "vietnam", "portugal", "ghana")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, read_csv):
    """Build every document of the corpus once: {name: (counts, tables)}."""
    out = {}
    for name in CORPUS:
        folder = tmp_path_factory.mktemp(name)
        counts = build(raw=FIXTURES / name, out=folder)
        out[name] = counts, {t: read_csv(folder / tab.file) for t, tab in schema.TABLES.items()}
    return out


def _pick(rows: list[dict], *columns: str) -> list[tuple]:
    return [tuple(r[c] for c in columns) for r in rows]


@pytest.mark.parametrize("name", CORPUS)
def test_every_document_records_its_checksum_and_balances_its_ledger(corpus, name):
    manifest = read_manifest(FIXTURES / name)
    (source,) = manifest.sources
    assert sha256_of(FIXTURES / name / source.file) == source.sha256
    counts, tables = corpus[name]
    assert counts["statements read"] == len(tables["statements"])
    assert counts["statements read"] == (counts["represented"]
                                         + counts["unparsed (listed with a reason)"])
    assert all(m[c] == manifest.subject.iso3 for m in tables["missions"]
               for c in ("sending_iso3", "accredited_to_iso3")
               if m["direction"] == ("abroad" if c == "sending_iso3" else "inward"))


def test_norway_headings_outside_the_five_a_date_only_row_and_washington(corpus):
    counts, t = corpus["norway"]
    assert _pick(t["relations"], "region", "iso3", "resolution", "established", "line") == [
        ("Americas", "CAN", "stated", "1942", "10"),
        ("Americas", "USA", "stated", "1905", "13"),
        ("Asia", "ISR", "stated", "", "22"),
        ("Asia", "JPN", "inferred", "1965", "25"),  # the only state between Israel and Jordan
        ("Asia", "JOR", "stated", "", "27"),
    ]
    assert _pick([m for m in t["missions"] if m["line"] == "13"], "sending_iso3",
                 "accredited_to_iso3", "city", "city_as_written", "city_iso3", "post_type") == [
        ("NOR", "USA", "New York City", "New York City", "USA", "consulate-general"),
        ("NOR", "USA", "Washington", "Washington, D.C.", "USA", "embassy"),
    ]
    assert _pick([m for m in t["missions"] if m["row_line"] == "27"], "sending_iso3", "city",
                 "city_iso3", "resident") == [("NOR", "Amman", "JOR", "true"),
                                               ("JOR", "Stockholm", "SWE", "false")]
    assert _pick([d for d in t["decisions"] if d["kind"] == "region-heading"], "subject",
                 "decision", "line") == [("North America", "Americas", "10"),
                                         ("Middle East", "Asia", "22")]
    assert counts["table rows"] == 5


def test_kenya_keeps_its_country_column_and_the_column_wins(corpus):
    _, t = corpus["kenya"]
    assert _pick(t["relations"], "iso3", "resolution", "reason", "statements") == [
        ("ETH", "stated", "Country column: Ethiopia", "2"),
        ("GHA", "stated", "Country column: Ghana", "0"),
        ("TZA", "stated", "Country column: Tanzania", "2"),
    ]
    (conflict,) = [d for d in t["decisions"] if d["kind"] == "country-column"]
    assert (conflict["subject"], conflict["decision"], conflict["alternatives"],
            conflict["line"]) == ("Tanzania", "TZA", "UGA", "13")
    # "high commission" is not a post type of the schema: unparsed, with a reason
    assert _pick(t["unparsed"], "line", "text") == [
        ("13", "Uganda has a high commission in Nairobi.")]


def test_uruguay_broken_and_restored_relations_and_imprecise_dates(corpus):
    _, t = corpus["uruguay"]
    assert _pick(t["relations"], "iso3", "established", "established_precision",
                 "established_approximate") == [
        ("ARG", "1830", "year", "true"),      # "c. 1830"
        ("BRA", "1820", "decade", "false"),   # "1820s"
        ("CUB", "1950-05-05", "day", "false"),
        ("DOM", "", "", ""),
    ]
    assert _pick(t["events"], "partner_iso3", "date", "precision", "approximate", "kind",
                 "line") == [
        ("ARG", "1830", "year", "true", "relations-established", "8"),
        ("BRA", "1820", "decade", "false", "relations-established", "11"),
        ("CUB", "1950-05-05", "day", "false", "relations-established", "20"),
        ("CUB", "1964-09-09", "day", "false", "relations-broken", "20"),
        ("CUB", "1985", "year", "false", "relations-renewed", "20"),
        ("DOM", "1962-03-03", "day", "false", "relations-broken", "23"),
        ("DOM", "1975-06-08", "day", "false", "relations-renewed", "23"),
    ]
    assert ("URY", "DOM", "Caracas", "VEN", "false") in _pick(
        t["missions"], "sending_iso3", "accredited_to_iso3", "city", "city_iso3", "resident")
    assert sorted(m["city"] for m in t["missions"] if m["line"] == "9") == [
        "Buenos Aires", "Córdoba", "Rosario"]


def test_vietnam_date_only_rows_and_a_heading_its_manifest_adds(corpus):
    counts, t = corpus["vietnam"]
    assert _pick(t["relations"], "region", "iso3", "resolution", "established") == [
        ("Asia", "KHM", "stated", ""),
        ("Asia", "", "unresolved", "1962"),
        ("Asia", "", "unresolved", "1955"),
        ("Asia", "THA", "inferred", ""),
        ("Oceania", "AUS", "stated", "1973"),
        ("Oceania", "", "unresolved", "1975"),
    ]
    dated = [r for r in t["relations"] if r["established"] == "1975"][0]
    assert dated["candidates"].split(";")[:3] == ["FJI", "FSM", "KIR"]
    assert "NZL" in dated["candidates"] and "AUS" not in dated["candidates"]
    assert _pick([d for d in t["decisions"] if d["kind"] == "region-heading"], "subject",
                 "decision") == [("Indochina", "Asia"), ("Pacific", "Oceania")]
    assert (counts["unresolved partners"], counts["inferred partners"]) == (3, 1)


def test_portugal_posts_closed_suspended_and_reopened(corpus):
    _, t = corpus["portugal"]
    assert _pick([m for m in t["missions"] if m["sending_iso3"] == "PRT"
                  and m["accredited_to_iso3"] != "ESP"], "city", "status", "status_year",
                 "line") == [("Tripoli", "closed", "2014", "15"), ("Tripoli", "open", "2023", "16"),
                             ("Bamako", "suspended", "2022", "18")]
    assert _pick(t["events"], "partner_iso3", "date", "kind") == [
        ("LBY", "2014", "mission-closed"), ("LBY", "2023", "mission-reopened"),
        ("MLI", "2022", "mission-suspended")]
    assert _pick([m for m in t["missions"] if m["line"] == "7"], "city", "post_type") == [
        ("Lisbon", "embassy"), ("Faro", "honorary-consulate"), ("Funchal", "honorary-consulate")]
    assert ("MLI", "PRT", "Paris", "FRA", "false") in _pick(
        t["missions"], "sending_iso3", "accredited_to_iso3", "city", "city_iso3", "resident")


def test_ghana_see_links_empty_rows_and_a_row_naming_no_country(corpus):
    counts, t = corpus["ghana"]
    assert _pick(t["relations"], "region", "iso3", "resolution", "established") == [
        ("Africa", "NGA", "stated", "1960"), ("Africa", "", "unresolved", "1961"),
        ("Africa", "TGO", "stated", ""), ("Europe", "GBR", "stated", "1957"),
        ("Europe", "MLT", "stated", ""),
    ]
    assert counts["empty rows"] == 1
    assert _pick(t["memberships"], "organization", "member_iso3") == [
        ("African Union", "GHA"), ("Commonwealth of Nations", "GHA")]


def test_a_heading_outside_the_table_is_refused_with_line_and_allowed_names(tmp_path):
    doc = "Intro.\n\nAntarctica\n\n" + grid([("", "", ["-   Chile has an embassy in Lima."])])
    write_source(tmp_path / "raw", doc + "\n")
    with pytest.raises(SourceError) as info:
        build(raw=tmp_path / "raw", out=tmp_path / "out")
    message = str(info.value)
    assert message.startswith("document.txt:5: table sits under no region heading")
    assert "'Antarctica' on line 3" in message
    assert "Middle East" in message and "Caribbean" in message
    assert "[regions]" in message
    assert not (tmp_path / "out").exists()


def test_the_data_dictionary_describes_the_new_kinds_columns_and_headings(built):
    readme = (built / "README.md").read_text(encoding="utf-8")
    assert "`relations-broken`" in readme
    assert "| `established_approximate` | boolean (`true`/`false`) |" in readme
    assert "| `approximate` | boolean (`true`/`false`) |" in readme
    assert "`decade`" in readme
    assert "| Asia | Asia, Middle East," in readme
    assert "| Americas | Americas, America, North America, South America, Central America, " \
        "Latin America, Caribbean," in readme
