"""The build: committed outputs are what the build writes, byte for byte, every time."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys

import pytest
from documents import ARTICLE

from helpers.build.pipeline import Rendered, build, extract_tables, render_tables
from helpers.build.sources import read_manifest
from helpers.core import paths, schema
from helpers.core.exceptions import OutputError

FILES = [*(t.file for t in schema.TABLES.values()), paths.DESCRIPTOR_NAME]


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "helpers.build", *args], cwd=paths.ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", FILES)
def test_the_committed_table_is_what_the_build_writes(built, name):
    committed = paths.PROCESSED / name
    assert committed.is_file(), f"{committed} is not committed; run `make data`"
    assert committed.read_bytes() == (built / name).read_bytes(), (
        f"{committed} differs from a fresh build; run `make data` and commit the result")


def test_the_committed_data_dictionary_is_what_the_build_writes(built):
    assert paths.DATA_README.read_bytes() == (built / "README.md").read_bytes()


def test_the_build_writes_only_the_tables_and_the_readme(built):
    shown = sorted(p.name for p in built.iterdir() if not p.name.startswith("."))
    assert shown == sorted([*FILES, "README.md"])
    # and its own bookkeeping: the committed version and the versions folder
    assert sorted(p.name for p in built.iterdir() if p.name.startswith(".")) == [
        paths.CURRENT_NAME, paths.VERSIONS_NAME]


def test_two_builds_give_the_same_bytes(built, tmp_path):
    build(raw=paths.RAW, out=tmp_path)
    for name in [*FILES, "README.md"]:
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_a_rebuild_leaves_unchanged_files_untouched(tmp_path):
    build(raw=paths.RAW, out=tmp_path)
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()
              if not p.name.startswith(".")}
    build(raw=paths.RAW, out=tmp_path)
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()
            if not p.name.startswith(".")} == before


def test_rows_in_any_order_are_written_sorted_by_their_key():
    tables, _ = extract_tables(read_manifest(paths.RAW))
    # the trade stage renders its own tables: read back as rows, they must sort the same way
    tables = {name: list(csv.DictReader(io.StringIO(rows.text))) if isinstance(rows, Rendered)
              else rows for name, rows in tables.items()}
    reversed_tables = {name: rows[::-1] for name, rows in tables.items()}
    written = render_tables(reversed_tables)
    assert written == render_tables(tables)
    for name, table in schema.TABLES.items():
        rows = list(csv.DictReader(io.StringIO(written[table.file])))
        assert rows == sorted(rows, key=schema.sort_key(table)), name


def test_the_readme_records_the_counts_of_the_build(built, counts):
    readme = (built / "README.md").read_text(encoding="utf-8")
    for measure, value in counts.items():
        assert f"| {measure} | {value} |" in readme
    assert "| `foreign_relations_of_peru.txt` |" in readme


def test_the_cli_builds_another_folder(tmp_path, built):
    out = tmp_path / "out"
    done = _run_cli("--raw", str(paths.RAW), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert f"built {out}" in done.stdout
    assert re.search(r"^  statements read +592$", done.stdout, re.MULTILINE)
    for name in [*FILES, "README.md"]:
        assert (out / name).read_bytes() == (built / name).read_bytes(), name


def test_the_cli_exits_non_zero_with_a_clear_message_on_bad_input(raw_copy, tmp_path):
    path = raw_copy.path(ARTICLE)
    lines = path.read_bytes().split(b"\n")
    lines[35 - 1] = lines[35 - 1].replace("Córdoba".encode(), "Córdoba".encode("latin-1"))
    raw_copy.write(ARTICLE, b"\n".join(lines))
    out = tmp_path / "out"
    done = _run_cli("--raw", str(raw_copy.folder), "--out", str(out))
    assert done.returncode != 0
    assert done.stderr.startswith(f"build failed: {path}:35: byte 0xf3 ")
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_the_cli_names_a_changed_raw_file(raw_copy, tmp_path):
    path = raw_copy.path(ARTICLE)
    raw_copy.write(ARTICLE, path.read_bytes() + b"\n", record_checksum=False)
    done = _run_cli("--raw", str(raw_copy.folder), "--out", str(tmp_path / "out"))
    assert done.returncode != 0
    assert done.stderr.startswith(f"build failed: {path}: sha256 is ")
    assert "Traceback" not in done.stderr


def test_ctrl_c_while_the_build_imports_is_one_line_and_changes_nothing(tmp_path):
    # the interrupt is raised by the import of the pipeline, as a Ctrl-C in the first
    # milliseconds of `python -m helpers.build` would be
    script = (
        "import builtins, runpy, sys\n"
        "real = builtins.__import__\n"
        "def interrupted(name, *args, **kwargs):\n"
        "    if name == 'helpers.build.pipeline':\n"
        "        raise KeyboardInterrupt(2)\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = interrupted\n"
        f"sys.argv = ['helpers.build', '--out', {str(tmp_path / 'out')!r}]\n"
        "runpy.run_module('helpers.build', run_name='__main__')\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=paths.ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 130
    assert done.stderr == "build interrupted before it started: nothing was changed\n"
    assert not (tmp_path / "out").exists()


def test_an_out_inside_the_raw_folder_is_refused_and_nothing_is_written(raw_copy):
    before = sorted(p.name for p in raw_copy.folder.iterdir())
    with pytest.raises(OutputError, match=r"inside the raw sources"):
        build(raw=raw_copy.folder, out=raw_copy.folder / "processed")
    assert sorted(p.name for p in raw_copy.folder.iterdir()) == before
