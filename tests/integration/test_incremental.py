"""Incremental runs: a job whose inputs are unchanged is copied from the last complete run,
byte for byte; --force executes it again; a changed input executes it again."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
from dataclasses import replace

import pytest
from runner_runs import FIXTURE_NOTEBOOKS, cli, config

from helpers.core import paths
from helpers.data.descriptor import data_hash
from helpers.report import inputs
from helpers.report.config import Job

JOBS = ("  - {name: first, notebook: ok, parameters: {label: one}}\n"
        "  - {name: second, notebook: ok, parameters: {label: two}}\n")


def _manifest(run):
    return json.loads((run / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_unchanged_jobs_are_reused_byte_for_byte_and_force_runs_them_again(tmp_path):
    out = tmp_path / "runs"
    path = config(tmp_path, JOBS)
    first = cli(path, out, "--jobs", "1")
    assert first.returncode == 0, first.stderr
    run1 = out / os.readlink(out / "latest")
    second = cli(path, out, "--jobs", "1")
    assert second.returncode == 0, second.stderr
    run2 = out / os.readlink(out / "latest")
    assert run2 != run1
    assert f"reused first                        from {run1.name}" in second.stdout
    assert f"(2 reused); {out / 'latest'} points at it" in second.stdout
    files = ["first.ipynb", "first.html", "second.ipynb", "second.html",
             "figures/first/label.txt", "figures/second/label.txt"]
    match, mismatch, errors = filecmp.cmpfiles(run1, run2, files, shallow=False)
    assert sorted(match) == sorted(files)
    runs = {r["name"]: r["run"] for r in _manifest(run2)["reports"]}
    assert runs == {"first": f"reused from {run1.name}", "second": f"reused from {run1.name}"}
    assert {r["reused_from"] for r in _manifest(run2)["reports"]} == {run1.name}
    index2 = (run2 / "index.html").read_text(encoding="utf-8")
    assert f"<span class='status'>(reused from {run1.name})</span>" in index2
    assert _manifest(run2)["executed"] == 0
    assert not (run2 / "changes.html").exists()  # same data: nothing to list
    # a third run reuses the same files, still from the run that executed them: same index
    third = cli(path, out, "--jobs", "1")
    assert third.returncode == 0, third.stderr
    run2b = out / os.readlink(out / "latest")
    assert {r["reused_from"] for r in _manifest(run2b)["reports"]} == {run1.name}
    assert (run2b / "index.html").read_text(encoding="utf-8") == index2
    # --force executes again, and gives the same bytes
    forced = cli(path, out, "--jobs", "1", "--force", "--only", "first")
    assert forced.returncode == 0, forced.stderr
    run3 = out / os.readlink(out / "latest")
    assert [r["run"] for r in _manifest(run3)["reports"]] == ["executed"]
    assert "(reused from" not in (run3 / "index.html").read_text(encoding="utf-8")
    assert filecmp.cmp(run1 / "first.ipynb", run3 / "first.ipynb", shallow=False)


def test_every_input_of_a_job_is_in_its_key(tmp_path):
    notebook = tmp_path / "ok.ipynb"
    shutil.copyfile(FIXTURE_NOTEBOOKS / "ok.ipynb", notebook)
    job = Job("first", "ok", {"label": "one"}, path=notebook)
    given = inputs.Inputs("d" * 64, "h" * 64, {"pandas": "3.1.1"})
    key = inputs.job_key(job, given, hide_code=True)
    assert inputs.job_key(job, given, hide_code=True) == key
    assert inputs.job_key(replace(job, timeout=5.0), given, True) == key  # not an input
    others = [
        inputs.job_key(replace(job, parameters={"label": "two"}), given, True),
        inputs.job_key(job, replace(given, data="e" * 64), True),
        inputs.job_key(job, replace(given, tables="t" * 64), True),
        inputs.job_key(job, replace(given, helpers="i" * 64), True),
        inputs.job_key(job, replace(given, packages={"pandas": "3.2.0"}), True),
        inputs.job_key(job, given, hide_code=False),
    ]
    notebook.write_bytes(notebook.read_bytes().replace(b"text printed", b"text shown"))
    others.append(inputs.job_key(job, given, True))
    assert key not in others and len(set(others)) == len(others)


def test_the_data_hash_is_the_descriptor_when_there_is_one(tmp_path):
    folder = tmp_path / "processed"
    shutil.copytree(paths.PROCESSED, folder)
    (folder / "datapackage.json").unlink(missing_ok=True)
    tables = data_hash(folder)
    assert tables == inputs.tables_hash(folder) == inputs.tables_hash(paths.PROCESSED)
    (folder / "events.csv").write_bytes((folder / "events.csv").read_bytes() + b"\n")
    assert data_hash(folder) != tables
    (folder / "datapackage.json").write_text('{"name": "x"}\n', encoding="utf-8")
    import hashlib

    assert data_hash(folder) == hashlib.sha256(b'{"name": "x"}\n').hexdigest()
