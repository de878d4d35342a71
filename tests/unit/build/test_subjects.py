"""A dataset for any subject from the worldwide sources (`python -m helpers.build --subject`):
the register's posts both ways, accreditations and creation dates, for a country the raw folder
has no text about; refusals in one line; the subject's own build untouched."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pytest

from helpers.build.pipeline import build_files
from helpers.core import paths
from helpers.core.exceptions import SourceError


@pytest.fixture(scope="module")
def chile(tmp_path_factory):
    out = tmp_path_factory.mktemp("chl")
    build_files(paths.RAW, out, subject="CHL")
    return out


def _rows(folder, name):
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_descriptor_names_the_subject_the_worldwide_sources_and_the_trade_tables(chile):
    described = json.loads((chile / "datapackage.json").read_text(encoding="utf-8"))
    assert described["subject"] == {"name": "Chile", "iso3": "CHL", "capital": "Santiago"}
    assert {s["kind"] for s in described["sources"]} == {"register", "trade"}
    assert [s["kind"] for s in described["sources"]][0] == "register"


def test_the_trade_tables_give_the_subjects_own_report_and_its_partners(chile):
    trade = _rows(chile, "trade")
    own = [r for r in trade if r["reporter_iso3"] == "CHL"]
    assert own and {r["source"] for r in own} == {"DOTS_39.xlsx"}
    theirs = {r["reporter_iso3"] for r in trade if r["reporter_iso3"] != "CHL"}
    assert {"PER", "USA", "CHN"} <= theirs
    assert all(r["partner_iso3"] == "CHL" for r in trade if r["reporter_iso3"] != "CHL")


def test_posts_both_ways_and_accreditations_come_from_the_register(chile):
    missions = _rows(chile, "missions")
    abroad = {r["partner_iso3"] for r in missions if r["direction"] == "abroad"}
    inward = {r["partner_iso3"] for r in missions if r["direction"] == "inward"}
    assert {"ARG", "PER", "USA"} <= abroad and {"ARG", "PER", "USA"} <= inward
    # accreditations: Afghanistan's embassy in Ottawa serves Chile from Canada
    assert {"sending_iso3": "AFG", "city": "Ottawa", "resident": "false"}.items() <= next(
        r for r in missions if r["sending_iso3"] == "AFG").items()
    assert {r["source"] for r in missions} == {"database_of_embassies_2022-11-16.csv"}
    assert _rows(chile, "relations") == []  # no article: no dated relations


def test_the_registers_creation_dates_are_posts_opened_events(chile):
    events = _rows(chile, "events")
    assert events and {e["kind"] for e in events} == {"mission-opened"}
    register = (paths.RAW / "database_of_embassies_2022-11-16.csv").read_text(
        encoding="utf-8").splitlines()
    for e in events:  # each event is its register row's creation date, at its line
        row = register[int(e["line"]) - 1]
        assert "Chile" in row and e["date"][:4] in row
        assert e["precision"] == ("year" if f"{e['date']}-01-01" in row else "day")


def test_an_unknown_subject_or_a_manifest_without_worldwide_sources_is_refused(tmp_path):
    with pytest.raises(SourceError, match=r"'XYZ' is not the ISO 3166-1 alpha-3 code"):
        build_files(paths.RAW, tmp_path / "x", subject="XYZ")
    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw)
    manifest = raw / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        'scope = "worldwide"', 'scope = "subject"'), encoding="utf-8")
    with pytest.raises(SourceError, match='no source is marked scope = "worldwide"'):
        build_files(raw, tmp_path / "y", subject="CHL")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        'scope = "subject"', 'scope = "global"'), encoding="utf-8")
    with pytest.raises(SourceError, match=r"sources\[4\]\.scope': 'global' is not one of: "
                       r"subject, all, worldwide \('all' for a source of kind 'trade' only\)"):
        build_files(raw, tmp_path / "z", subject="CHL")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        'scope = "global"', 'scope = "all"'), encoding="utf-8")
    with pytest.raises(SourceError, match=r"sources\[4\]\.scope': 'all' is not one of"):
        build_files(raw, tmp_path / "z", subject="CHL")  # "all" names a trade workbook's rows


def test_the_command_line_builds_a_subject_into_a_folder_of_its_own(tmp_path):
    done = subprocess.run([sys.executable, "-m", "helpers.build", "--subject", "nzl", "--out",
                           str(tmp_path / "nzl")], capture_output=True, text=True,
                          cwd=paths.ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"built {tmp_path / 'nzl'}\n")
    assert "posts-opened events (register creation dates)" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "helpers.build", "--subject", "ATL", "--out",
                          str(tmp_path / "atl")], capture_output=True, text=True,
                         cwd=paths.ROOT)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1, bad.stderr
