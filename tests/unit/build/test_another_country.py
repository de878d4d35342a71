"""Not hard-coded to Peru: a small "Foreign relations of Chile" document builds relative to Chile.

tests/fixtures/chile holds the document and a manifest whose [subject] is Chile (CHL, capital
Santiago). Results are read relative to that subject: Chile's posts go abroad, the partners'
posts come inward to Chile, and the partner of each row is the other country.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from documents import FIXTURES

from helpers.build.sources import read_manifest, sha256_of
from helpers.core import schema
from helpers.data.load import load_missions

CHILE = "foreign_relations_of_chile.txt"


@pytest.fixture(scope="module")
def chile_dir() -> Path:
    return FIXTURES / "chile"


@pytest.fixture(scope="module")
def chile(chile_built, read_csv):
    out, counts = chile_built
    tables = {name: read_csv(out / t.file) for name, t in schema.TABLES.items()}
    return out, counts, tables


def test_the_fixture_checksum_is_recorded_in_its_manifest(chile_dir):
    manifest = read_manifest(chile_dir)
    assert (manifest.subject.name, manifest.subject.iso3, manifest.subject.capital) == (
        "Chile", "CHL", "Santiago")
    (source,) = manifest.sources
    assert sha256_of(chile_dir / CHILE) == source.sha256


def test_each_row_has_the_other_country_as_its_partner(chile):
    _, counts, tables = chile
    got = [(r["line"], r["iso3"], r["resolution"]) for r in tables["relations"]]
    assert got == [("11", "ARG", "stated"), ("14", "BOL", "stated"), ("17", "BRA", "stated"),
                   ("20", "PER", "stated")]
    assert (counts["table rows"], counts["empty rows"]) == (4, 0)


def test_chiles_own_posts_go_abroad_to_the_rows_partner(chile):
    _, _, tables = chile
    abroad = {(m["sending_iso3"], m["accredited_to_iso3"], m["partner_iso3"], m["post_type"],
               m["city"], m["city_iso3"], m["resident"])
              for m in tables["missions"] if m["direction"] == "abroad"}
    assert abroad == {
        ("CHL", "ARG", "ARG", "embassy", "Buenos Aires", "ARG", "true"),
        ("CHL", "ARG", "ARG", "consulate-general", "Mendoza", "ARG", "true"),
        ("CHL", "BOL", "BOL", "consulate-general", "La Paz", "BOL", "true"),
        ("CHL", "BRA", "BRA", "embassy", "Brasília", "BRA", "true"),
        ("CHL", "BRA", "BRA", "consulate-general", "São Paulo", "BRA", "true"),
        ("CHL", "PER", "PER", "embassy", "Lima", "PER", "true"),
    }


@pytest.mark.parametrize(("partner", "line"), [("ARG", 11), ("BOL", 14), ("BRA", 17),
                                                ("PER", 23)])
def test_a_partners_post_in_santiago_serves_chile_from_chile(chile, partner, line):
    """'<Partner> has an embassy in Santiago.': Santiago is Chile's capital (the manifest says
    so), even where the partner has a town of that name (Brazil and Peru do)."""
    _, _, tables = chile
    inward = [m for m in tables["missions"] if m["line"] == str(line)]
    assert [(m["sending_iso3"], m["accredited_to_iso3"], m["partner_iso3"], m["direction"],
             m["city"], m["city_iso3"], m["resident"]) for m in inward] == [
        (partner, "CHL", partner, "inward", "Santiago", "CHL", "true")]


def test_the_formal_relations_column_dates_the_relation(chile):
    _, _, tables = chile
    brazil = next(r for r in tables["relations"] if r["iso3"] == "BRA")
    assert (brazil["established"], brazil["established_precision"]) == ("1836", "year")
    assert [(e["partner_iso3"], e["kind"]) for e in tables["events"] if e["date"] == "1836"] == [
        ("BRA", "relations-established")]


def test_memberships_in_the_intro_belong_to_chile(chile):
    _, _, tables = chile
    got = {(m["organization"], m["member_iso3"]) for m in tables["memberships"]}
    assert got == {("United Nations", "CHL"), ("Pacific Alliance", "CHL")}


def test_nothing_in_the_build_names_peru_as_the_subject(chile):
    _, _, tables = chile
    assert all(m["sending_iso3"] == "CHL" or m["accredited_to_iso3"] == "CHL"
               for m in tables["missions"])
    assert {d["rule"] for d in tables["decisions"] if "subject country" in d["rule"]} <= {
        "context: Chile is the subject country"}


def test_the_ledger_balances_for_another_country(chile):
    _, counts, tables = chile
    assert counts["statements read"] == len(tables["statements"]) == 11
    assert counts["statements read"] == (counts["represented"]
                                         + counts["unparsed (listed with a reason)"])
    assert all(u["reason"] for u in tables["unparsed"])


def test_the_readme_of_another_build_describes_its_own_sources(chile):
    out, _, _ = chile
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "Foreign relations of Chile (test fixture)" in readme
    assert "foreign_relations_of_peru.txt" not in readme


def test_the_loaders_read_another_build(chile):
    out, _, tables = chile
    missions = load_missions(out)
    assert len(missions) == len(tables["missions"])
    abroad = missions[missions["direction"] == "abroad"]
    assert list(abroad["sending_iso3"].unique()) == ["CHL"]
    assert len(abroad) == 6
