"""The structured sources probed as a new user's damaged or unusual files reach them (issue 24).

Each test runs the issue's reproduction on a copy of data/raw whose manifest records the new
sha256, builds it whole, and asserts what the tables (or the refusal) say. Every build of the
real register takes a second or more, so the suite is `make test-slow`'s; the readers' own
tests (test_register.py, test_chiefs.py, test_sources.py) pin the same rules quickly.
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys

import pytest

from helpers.build.pipeline import build
from helpers.build.sources import read_manifest
from helpers.core import paths
from helpers.core.exceptions import SourceError

pytestmark = pytest.mark.slow

_KINDS = {s.kind: s.file for s in read_manifest(paths.RAW).sources}
REGISTER, CHIEFS = _KINDS["register"], _KINDS["chiefs"]
ALGERIA_IN_LIMA = 143  # the register's line of Algeria's embassy in Lima


def _lines(raw_copy, name: str) -> list[str]:
    return raw_copy.path(name).read_text(encoding="utf-8").split("\n")


def _write(raw_copy, name: str, lines: list[str]) -> None:
    raw_copy.write(name, "\n".join(lines).encode("utf-8"))


def _cli(raw, out, cwd=paths.ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "helpers.build", "--raw", str(raw), "--out",
                           str(out)], cwd=cwd, capture_output=True, text=True, timeout=120)


# ------------------------------------------------------------ 1. a row that does not parse

@pytest.mark.parametrize("line", [9800, 143])
def test_an_unbalanced_quote_stops_the_build_at_its_line_and_exits_2(raw_copy, tmp_path, line):
    """Was: "register rows read 9799" with exit 0 (quote on line 9800), or an error blaming
    line 446 (quote on line 143)."""
    lines = _lines(raw_copy, REGISTER)
    cells = lines[line - 1].split(";")
    cells[6] = '"' + cells[6]  # before the city
    lines[line - 1] = ";".join(cells)
    _write(raw_copy, REGISTER, lines)
    done = _cli(raw_copy.folder, tmp_path / "out")
    assert done.returncode == 2 and done.stdout == ""
    (said,) = done.stderr.splitlines()
    assert said.startswith(f"build failed: {REGISTER}:{line}: the row starting on this line "
                           "does not parse")
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------ 2. a post is its QID

def test_an_exact_copy_of_a_post_is_one_post_and_a_decision(raw_copy, tmp_path, read_csv):
    """Was: a second Algerian embassy in Lima, the region counts grown, no decision."""
    lines = _lines(raw_copy, REGISTER)
    end = len(lines) if lines[-1] else len(lines) - 1
    lines.insert(end, lines[ALGERIA_IN_LIMA - 1])
    _write(raw_copy, REGISTER, lines)
    counts = build(raw=raw_copy.folder, out=tmp_path / "out")
    missions = read_csv(tmp_path / "out" / "missions.csv")
    assert [(m["post_type"], m["city"], m["sources"]) for m in missions
            if m["sending_iso3"] == "DZA" and m["direction"] == "inward"] == [
        ("embassy", "Lima", f"{REGISTER};{_KINDS['article']}")]
    (dup,) = [d for d in read_csv(tmp_path / "out" / "decisions.csv")
              if d["kind"] == "duplicate-post" and d["source"] == REGISTER]
    assert (dup["line"], dup["alternatives"]) == (str(end + 1), f"line {ALGERIA_IN_LIMA}")
    assert counts["register rows read"] == 9853
    register_posts = read_csv(tmp_path / "out" / "register_posts.csv")
    assert sum(int(r["posts"]) for r in register_posts if r["sending_iso3"] == "DZA") == sum(
        int(r["posts"]) for r in read_csv(paths.DEFAULT_PROCESSED / "register_posts.csv")
        if r["sending_iso3"] == "DZA")


def test_a_qid_given_to_a_different_post_is_unparsed_on_both_lines(raw_copy, tmp_path,
                                                                   read_csv):
    lines = _lines(raw_copy, REGISTER)
    qid = lines[ALGERIA_IN_LIMA - 1].rsplit(";", 1)[1]
    mexico = next(i for i, x in enumerate(lines) if ";Peru;" in x and ";Lima;" in x
                  and i != ALGERIA_IN_LIMA - 1)
    lines[mexico] = lines[mexico].rsplit(";", 1)[0] + ";" + qid
    _write(raw_copy, REGISTER, lines)
    build(raw=raw_copy.folder, out=tmp_path / "out")
    unparsed = {int(u["line"]): u for u in read_csv(tmp_path / "out" / "unparsed.csv")
                if u["source"] == REGISTER}
    assert unparsed[ALGERIA_IN_LIMA]["reason"].startswith(
        f"QID {qid.rsplit('/', 1)[1]} also names a different post on line {mexico + 1}")
    assert unparsed[mexico + 1]["partner_iso3"] == "PER"
    missions = read_csv(tmp_path / "out" / "missions.csv")
    assert not [m for m in missions if m["source"] == REGISTER and int(m["line"]) in unparsed]


def test_the_real_register_gives_one_qid_to_two_posts_and_lists_both(tables):
    """Q106686567 is Nepal's embassy in Kuwait City; the register also gives it to Iraq."""
    reasons = {int(u["line"]): u["reason"] for u in tables["unparsed"]
               if u["source"] == REGISTER and u["reason"].startswith("QID ")}
    assert reasons == {
        3682: "QID Q106686567 also names a different post on line 5186: one Wikidata item is "
              "one post, and which of these it is cannot be told",
        5186: "QID Q106686567 also names a different post on line 3682: one Wikidata item is "
              "one post, and which of these it is cannot be told"}


# ------------------------------------------------------------ 3. and 4. the chiefs

def _chief(person: str, role: str, started: str, ended: str = "", end_note: str = "") -> str:
    return "\n".join([
        "        <chief>", f"            <person-id>{person}</person-id>",
        f"            <role-title-id>{role}</role-title-id>",
        f"            <started><date>{started}</date><note/></started>",
        f"            <ended><date>{ended}</date><note>{end_note}</note></ended>",
        "            <note/>", "        </chief>"])


def _add_chiefs(raw_copy, *chiefs: str) -> int:
    """Insert the chiefs before </chiefs>; the line the first one starts on."""
    lines = _lines(raw_copy, CHIEFS)
    at = next(i for i, x in enumerate(lines) if x.strip() == "</chiefs>")
    lines[at:at] = "\n".join(chiefs).split("\n")
    _write(raw_copy, CHIEFS, lines)
    return at + 1


def test_a_mission_downgraded_then_upgraded_builds_and_decides_each_level_once(
        raw_copy, tmp_path, read_csv):
    """Was: "table 'decisions': from us_recognition_relations_peru_rdcr.xml:68 repeat the key"
    (three chiefs), or the 1963 re-upgrade a rival date for 1920-04-24 (the first two)."""
    first = _add_chiefs(raw_copy, _chief("doe-john", "charge-daffaires", "1962-08-01"),
                        _chief("roe-jane", "ambassador-e-p", "1963-01-15"),
                        _chief("poe-jim", "charge-daffaires", "1970-01-01"))
    build(raw=raw_copy.folder, out=tmp_path / "out")
    levels = [(r["from_date"], r["cow_level"]) for r in read_csv(tmp_path / "out" / "levels.csv")
              if r["source"] == CHIEFS]
    assert {("1962-08-01", "1"), ("1963-01-15", "3"), ("1970-01-01", "1")} <= set(levels)
    decisions = read_csv(tmp_path / "out" / "decisions.csv")
    assert [d for d in decisions if int(d["line"]) >= first and d["source"] == CHIEFS] == []
    assert sorted((d["kind"], d["decision"]) for d in decisions
                  if d["subject"].startswith("United States to Peru")) == [
        ("sources-agree", "1827-05-21"), ("sources-agree", "1920-04-24")]


@pytest.mark.parametrize("started,ended,why", [
    ("2022-02-30", "", "started '2022-02-30' is not a calendar date"),
    ("2022-13-45", "", "started '2022-13-45' is not a calendar date"),
    ("0000-01-01", "", "started '0000-01-01' is not a calendar date"),
    ("1963-01-15", "9999-12-31", "ended '9999-12-31' is after 2022-02-15"),
    ("1963-01-15", "1962-01-01", "ended '1962-01-01' is before started '1963-01-15'")])
def test_a_chiefs_date_that_is_no_date_is_unparsed_and_feeds_nothing(raw_copy, tmp_path,
                                                                     read_csv, started, ended,
                                                                     why):
    """Was: 2022-02-30 and 2022-13-45 in `chiefs`, "embassy from 0000-01-01" chosen over
    1920-04-24, an event in year 9999, an `ended` before `started` accepted."""
    line = _add_chiefs(raw_copy, _chief("doe-john", "ambassador-e-p", started, ended,
                                        "Normal relations interrupted on"))
    build(raw=raw_copy.folder, out=tmp_path / "out")
    out = tmp_path / "out"
    (bad,) = [u for u in read_csv(out / "unparsed.csv") if u["source"] == CHIEFS]
    assert (int(bad["line"]), why in bad["reason"]) == (line, True), bad["reason"]
    for table in ("chiefs", "levels", "events", "decisions"):
        assert not [r for r in read_csv(out / f"{table}.csv")
                    if r["source"] == CHIEFS and int(r["line"]) == line], table
    relations = {r["iso3"]: r for r in read_csv(out / "relations.csv")}
    assert relations["USA"]["established"] == "1827-05-21"


# ------------------------------------------------------------ 6. the subject

@pytest.mark.parametrize("old,new,field", [('iso3 = "PER"', 'iso3 = "ZZZ"', "subject.iso3"),
                                           ('iso3 = "PER"', 'iso3 = "CHL"', "subject.name"),
                                           ('capital = "Lima"', 'capital = "Limaa"',
                                            "subject.capital")])
def test_a_subject_that_is_no_country_is_refused_in_one_line(raw_copy, tmp_path, old, new,
                                                             field):
    """Was: ZZZ built (exit 0) with one wrong missions row; CHL named "Peru" accepted; a
    capital the gazetteer lacks dropped levels, an event and decisions."""
    manifest = raw_copy.path(paths.MANIFEST_NAME)
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(old, new, 1),
                        encoding="utf-8")
    done = _cli(raw_copy.folder, tmp_path / "out")
    assert done.returncode == 2
    (said,) = done.stderr.splitlines()
    assert said.startswith(f"build failed: {manifest}:") and f"field '{field}'" in said
    with pytest.raises(SourceError):
        build(raw=raw_copy.folder, out=tmp_path / "out")


# ------------------------------------------------------------ 9. honorary consulates-general

@pytest.mark.parametrize("written", ["honorary consulate general", "honorary consulate-general"])
def test_an_honorary_consulate_general_in_the_register_is_one(raw_copy, tmp_path, read_csv,
                                                              written):
    """Was: a career consulate-general, or an honorary consulate."""
    lines = _lines(raw_copy, REGISTER)
    cells = lines[ALGERIA_IN_LIMA - 1].split(";")
    header = lines[0].split(";")
    cells[header.index("type")] = written
    cells[header.index("city")] = "Arequipa"
    cells[header.index("latitude")], cells[header.index("longitude")] = "-16.39889", "-71.535"
    cells[header.index("QID")] = "http://www.wikidata.org/entity/Q999999999"
    end = len(lines) if lines[-1] else len(lines) - 1
    lines.insert(end, ";".join(cells))
    _write(raw_copy, REGISTER, lines)
    build(raw=raw_copy.folder, out=tmp_path / "out")
    (post,) = [m for m in read_csv(tmp_path / "out" / "missions.csv")
               if m["source"] == REGISTER and m["line"] == str(end + 1)]
    assert (post["sending_iso3"], post["post_type"], post["city"]) == (
        "DZA", "honorary-consulate-general", "Arequipa")


# ------------------------------------------------------------ 5. a long table of chiefs

def test_a_hundred_thousand_chiefs_build_and_the_profile_charts_them_by_decade(
        raw_copy, tmp_path, read_csv):
    """Was: the United States' profile never finished its chiefs chart (590 s, 1.4 GB)."""
    chiefs = [_chief(f"person-{i}", "ambassador-e-p", f"{1921 + i % 100}-01-01",
                     f"{1921 + i % 100}-06-01") for i in range(100_000)]
    _add_chiefs(raw_copy, *chiefs)
    out = tmp_path / "out"
    build(raw=raw_copy.folder, out=out)
    assert len(read_csv(out / "chiefs.csv")) == 100_059
    figures = tmp_path / "figures"
    done = subprocess.run(
        [sys.executable, "-m", "papermill", str(paths.NOTEBOOKS / "04-country-profile.ipynb"),
         str(tmp_path / "usa.ipynb"), "-p", "country", "United States", "-p", "output_dir",
         str(figures), "--no-progress-bar"], cwd=paths.ROOT, capture_output=True, text=True,
        timeout=600, env={**os.environ, "PROCESSED_DIR": str(out)})
    assert done.returncode == 0, done.stderr[-2000:]
    counted = read_csv(figures / "chiefs.csv")
    served = [c for c in read_csv(paths.DEFAULT_PROCESSED / "chiefs.csv")
              if c["served"] == "true" and (c["started"] or c["arrived"] or c["appointed"])]
    assert sum(int(r["chiefs"]) for r in counted) == 100_000 + len(served)
    decades = collections.Counter(r["decade"] for r in counted)
    assert set(decades) == {str(d) for d in range(1820, 2030, 10)}
