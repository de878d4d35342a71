"""The four reported faults, each reproduced as a new user met it (issue 9)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from documents import FIXTURES, grid, snapshot, write_source

from helpers.build import pipeline
from helpers.build.pipeline import build
from helpers.core import paths, schema
from helpers.core.exceptions import ProjectError, SourceError

ARTICLE = "foreign_relations_of_peru.txt"
FACT_SHEET = "us_relations_with_peru_2018.txt"
CHILE = FIXTURES / "chile"


def _replace_in_line(text: str, number: int, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` on line ``number`` of a grid table, keeping the cell width."""
    lines = text.split("\n")
    line = lines[number - 1]
    assert old in line
    end = line.rindex("|")
    cell_start = line.rindex("|", 0, end)
    body = line[cell_start + 1:end].replace(old, new)
    assert len(body.rstrip()) < end - cell_start - 1, "the cell is too narrow for the text"
    lines[number - 1] = line[:cell_start + 1] + body.rstrip().ljust(end - cell_start - 1) + "|"
    return "\n".join(lines)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "helpers.build", *args], cwd=paths.ROOT,
                          capture_output=True, text=True, timeout=120)


# --------------------------------------------------------------- 1. Washington, D.C.

def test_washington_dc_is_one_post_not_two(raw_copy, tmp_path, read_csv):
    text = raw_copy.path(ARTICLE).read_text(encoding="utf-8")
    text = _replace_in_line(text, 141, "Peru is accredited to Andorra from its embassy in "
                            "Madrid, Spain.", "Iceland is accredited to Peru from its embassy "
                            "in Washington, D.C., United States.")
    raw_copy.write(ARTICLE, text.encode("utf-8"))
    build(raw=raw_copy.folder, out=tmp_path / "out")
    missions = [m for m in read_csv(tmp_path / "out" / "missions.csv") if m["line"] == "141"]
    assert [(m["sending_iso3"], m["accredited_to_iso3"], m["post_type"], m["city_iso3"],
             m["resident"], m["city_as_written"]) for m in missions] == [
        ("ISL", "PER", "embassy", "USA", "false", "Washington, D.C.")]


def test_a_post_named_twice_in_one_statement_is_one_row_and_a_decision(tmp_path, read_csv):
    doc = "Americas\n\n" + grid([("", "", ["-   Chile has an embassy in Lima and an embassy "
                                           "in Lima."])]) + "\n"
    write_source(tmp_path / "raw", doc)
    build(raw=tmp_path / "raw", out=tmp_path / "out")
    missions = read_csv(tmp_path / "out" / "missions.csv")
    assert [(m["city"], m["post_type"]) for m in missions] == [("Lima", "embassy")]
    dup = [d for d in read_csv(tmp_path / "out" / "decisions.csv") if d["kind"] == "duplicate-post"]
    assert len(dup) == 1 and dup[0]["line"] == "6"


# --------------------------------------------------------------- 2. a row with only a date

def test_a_row_with_a_date_and_no_notes_is_an_unresolved_relation(tmp_path, read_csv):
    doc = "Americas\n\n" + grid([
        ("", "", ["-   Argentina has an embassy in Santiago."]),
        ("", "1965", []),
        ("", "", ["-   Brazil has an embassy in Santiago."]),
    ]) + "\n"
    write_source(tmp_path / "raw", doc)
    counts = build(raw=tmp_path / "raw", out=tmp_path / "out")
    relations = read_csv(tmp_path / "out" / "relations.csv")
    dated = next(r for r in relations if r["established"] == "1965")
    assert dated["resolution"] == "unresolved"
    assert dated["statements"] == "0"
    # the alphabetical neighbours bound the candidates: after Argentina, before Brazil
    assert "BHS" in dated["candidates"].split(";") and "BOL" in dated["candidates"].split(";")
    assert "ARG" not in dated["candidates"] and "BRA" not in dated["candidates"]
    assert counts["table rows"] == 3


# --------------------------------------------------------------- 3. atomic build

def test_a_failed_build_leaves_the_output_folder_byte_for_byte(raw_copy, tmp_path):
    out = tmp_path / "out"
    build(raw=CHILE, out=out)
    before = snapshot(out)
    manifest = raw_copy.path("manifest.toml")
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace('title = "U.S. Relations With Peru', 'title = "" # "'),
                        encoding="utf-8")
    with pytest.raises(ProjectError):
        build(raw=raw_copy.folder, out=out)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "raw"]


def test_a_table_that_fails_validation_writes_nothing(monkeypatch, tmp_path):
    out = tmp_path / "out"
    build(raw=CHILE, out=out)
    before = snapshot(out)
    real = pipeline.sources_rows

    def bad_sources(manifest):
        rows = real(manifest)
        rows[0]["title"] = ""
        return rows

    monkeypatch.setattr(pipeline, "sources_rows", bad_sources)
    with pytest.raises(ProjectError):
        build(raw=paths.RAW, out=out)
    assert snapshot(out) == before


def test_a_full_disk_mid_write_leaves_the_output_folder_as_it_was(monkeypatch, tmp_path):
    out = tmp_path / "out"
    build(raw=CHILE, out=out)
    before = snapshot(out)
    written = []
    real = pipeline._write

    def failing(path, text):
        if len(written) == 4:
            raise OSError(28, "No space left on device")
        written.append(path)
        real(path, text)

    monkeypatch.setattr(pipeline, "_write", failing)
    with pytest.raises(ProjectError, match="No space left on device"):
        build(raw=paths.RAW, out=out)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --------------------------------------------------------------- 4. manifest types

@pytest.mark.parametrize(("old", "new", "field"), [
    ('[subject]\nname = "Peru"\niso3 = "PER"\ncapital = "Lima"\n', 'subject = "Peru"\n',
     "subject"),
    ('date = "2018-02"', "date = 2018-02-01", "date"),
    (f'file = "{ARTICLE}"', "file = 42", "file"),
    ('date = "2018-02"', 'date = "unknown"', "date"),
])
def test_a_wrongly_typed_manifest_value_is_named_without_a_traceback(raw_copy, tmp_path, old,
                                                                      new, field):
    manifest = raw_copy.path("manifest.toml")
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SourceError) as info:
        build(raw=raw_copy.folder, out=tmp_path / "out")
    assert str(manifest) in str(info.value)
    assert field in str(info.value)
    done = _cli("--raw", str(raw_copy.folder), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.startswith(f"build failed: {manifest}")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_an_output_folder_that_cannot_be_written_is_one_clear_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    done = _cli("--raw", str(CHILE), "--out", str(blocker / "out"))
    assert done.returncode == 2
    assert done.stderr.startswith("build failed: ")
    assert str(blocker / "out") in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_schema_errors_name_the_input_not_the_output(tmp_path):
    table = schema.TABLES["events"]
    rows = [dict(partner_iso3="", date="1999", precision="year", end_date="", kind="visit",
                 summary="s", row_line="", source="doc.txt", line="7", sentence="1")] * 2
    with pytest.raises(ProjectError) as info:
        schema.validate_rows(table, table.names, rows, "events", by_source=True)
    assert "doc.txt:7" in str(info.value)
    assert ".csv" not in str(info.value)


def test_a_move_that_fails_part_way_puts_back_the_files_already_replaced(monkeypatch, tmp_path):
    out = tmp_path / "out"
    build(raw=CHILE, out=out)
    before = snapshot(out)
    real, moved = pipeline.os.replace, []

    def failing(src, dst):
        if len(moved) == 3 and not str(src).endswith(".previous"):
            raise KeyboardInterrupt  # Ctrl-C between two moves
        moved.append(dst)
        real(src, dst)

    monkeypatch.setattr(pipeline.os, "replace", failing)
    with pytest.raises(KeyboardInterrupt):
        build(raw=paths.RAW, out=out)
    monkeypatch.undo()
    assert len(moved) >= 3
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_build_lists_every_file_it_wrote(tmp_path):
    result = pipeline.build_files(raw=CHILE, out=tmp_path / "out")
    assert sorted(p.name for p in result.files) == sorted(
        [t.file for t in schema.TABLES.values()] + ["README.md", "datapackage.json"])
    assert all(p.is_file() for p in result.files)


def test_two_builds_at_once_into_one_folder_never_mix_their_tables(tmp_path):
    """Each build commits whole, under a lock: the folder ends as one build or the other."""
    import threading

    norway = FIXTURES / "norway"
    expected = {}
    for name, raw in (("chile", CHILE), ("norway", norway)):
        build(raw=raw, out=tmp_path / name)
        expected[name] = snapshot(tmp_path / name)
    out = tmp_path / "both"
    errors: list[BaseException] = []

    def run(raw):
        try:
            build(raw=raw, out=out)
        except BaseException as exc:  # reported below
            errors.append(exc)

    for _ in range(3):
        threads = [threading.Thread(target=run, args=(raw,)) for raw in (CHILE, norway)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors
        assert snapshot(out) in (expected["chile"], expected["norway"])
