"""The report runner: config checks, parallel runs, reproducible bytes, faults, escaping."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.build.pipeline import build
from helpers.build.sources import sha256_of
from helpers.core import exceptions, paths
from helpers.report import config, export

SMALL = """
jobs:
  - {name: trade-millions, notebook: 03-trade-figures, parameters: {scale: millions}}
  - {name: timeline-oceania, notebook: 01-relation-timeline, parameters: {regions: [Oceania]}}
"""


def write(tmp_path: Path, text: str, name: str = "reports.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def runner(config: Path, out: Path, *args: str, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "helpers.report", "--config", str(config), "--out", str(out),
         "--jobs", "2", *args],
        capture_output=True, text=True, cwd=paths.ROOT, env={**os.environ, **(env or {})},
        timeout=600,
    )


# ---------------------------------------------------------------- config


@pytest.mark.parametrize(("text", "message"), [
    ("jobs:\n  - {name: a, notebook: 09-nothing}",
     "job 'a': field 'notebook': unknown notebook '09-nothing'"),
    ("jobs:\n  - {name: a, notebook: 03-trade-figures, parameters: {colour: red}}",
     "job 'a': field 'parameters': 03-trade-figures: unknown parameter 'colour'"),
    ("jobs:\n  - {name: a, notebook: 01-relation-timeline, parameters: {start_year: '1900'}}",
     "job 'a': field 'parameters': 01-relation-timeline: parameter 'start_year' must be an "
     "integer"),
    ("jobs:\n  - {name: a, notebook: 02-mission-coverage, parameters: {direction: up}}",
     "direction 'up' is not one of: abroad, inward, both"),
    ("jobs:\n  - {name: a, notebook: 03-trade-figures}\n  - {name: a, notebook: "
     "03-trade-figures}", "job 'a': field 'name': duplicate job name"),
    ("jobs:\n  - {name: a, notebook: 03-trade-figures, parameters: {output_dir: /tmp}}",
     "output_dir is set by the runner"),
    ("jobs:\n  - {name: Bad Name, notebook: 03-trade-figures}", "field 'name' must be"),
    ("jobs:\n  - {name: a, notebook: 03-trade-figures, colour: red}", "unknown field 'colour'"),
])
def test_an_invalid_job_is_refused_naming_the_job_and_field(tmp_path, text, message):
    with pytest.raises(exceptions.ConfigError) as info:
        config.read_config(write(tmp_path, text))
    assert message in str(info.value)
    assert str(tmp_path / "reports.yaml") in str(info.value)


def test_yaml_that_does_not_parse_is_refused_with_its_line(tmp_path):
    path = write(tmp_path, "jobs:\n  - name: a\n    notebook: [03-trade-figures\n")
    with pytest.raises(exceptions.ConfigError, match=r"reports\.yaml:\d+: not valid YAML"):
        config.read_config(path)


def test_the_cli_refuses_a_bad_config_before_running_anything(tmp_path):
    config = write(tmp_path, SMALL + "  - {name: x, notebook: 03-trade-figures, "
                   "parameters: {scale: thousands}}\n")
    done = runner(config, tmp_path / "runs")
    assert done.returncode == 2
    assert "job 'x': field 'parameters'" in done.stderr
    assert "scale 'thousands' is not one of: millions, billions" in done.stderr
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_the_shipped_config_has_every_required_job():
    jobs = config.read_config(config.CONFIG)
    by_notebook: dict[str, list] = {}
    for job in jobs:
        by_notebook.setdefault(job.notebook, []).append(job.parameters)
    for notebook in ("01-relation-timeline", "02-mission-coverage", "03-trade-figures"):
        assert {} in by_notebook[notebook]  # each notebook with its defaults
    for notebook in ("01-relation-timeline", "02-mission-coverage"):
        regions = {r for p in by_notebook[notebook] for r in p.get("regions", [])}
        assert regions == {"Africa", "Americas", "Asia", "Europe", "Oceania"}
    scales = {p.get("scale", "billions") for p in by_notebook["03-trade-figures"]}
    assert scales == {"millions", "billions"}
    from helpers.data import load

    identified = set(load.load_relations()["iso3"].dropna())
    assert {p["country"] for p in by_notebook["04-country-profile"]} == identified
    assert by_notebook["05-data-quality"] == [{}]


# ---------------------------------------------------------------- runs


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("runs")
    config = write(tmp, SMALL)
    first = runner(config, tmp / "reports")
    second = runner(config, tmp / "reports", "--quiet", "--force")  # executed, not reused
    return tmp / "reports", first, second


def test_a_run_writes_notebooks_html_figures_index_and_manifest(two_runs):
    out, first, _ = two_runs
    assert first.returncode == 0, first.stderr
    latest = out / "latest"
    assert latest.is_symlink()
    for name in ("trade-millions", "timeline-oceania"):
        assert (latest / f"{name}.ipynb").is_file()
        assert "<html" in (latest / f"{name}.html").read_text(encoding="utf-8")
        assert (latest / "figures" / name).is_dir()
    assert (latest / "figures" / "trade-millions" / "trade-totals.svg").is_file()
    index = (latest / "index.html").read_text(encoding="utf-8")
    assert "trade-millions.html" in index and "scale: millions" in index
    manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in manifest["reports"]] == ["trade-millions", "timeline-oceania"]
    assert manifest["packages"]["pandas"] and manifest["packages"]["papermill"]
    assert manifest["data_processed_sha256"]["relations.csv"] == sha256_of(
        paths.PROCESSED / "relations.csv")
    assert all(r["status"] == "ok" and r["seconds"]["execute"] > 0
               for r in manifest["reports"])


def test_two_runs_of_the_same_config_give_the_same_bytes(two_runs):
    out, first, second = two_runs
    assert second.returncode == 0, second.stderr
    runs = sorted(p for p in out.iterdir() if not p.is_symlink() and not p.name.startswith("."))
    assert len(runs) == 2
    a, b = runs
    files = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file()
                   and p.name != "manifest.json")
    assert any(f.endswith(".png") for f in files) and "index.html" in files
    # a report's header names its run; nothing else differs
    same = [f for f in files if f == "index.html" or not f.endswith(".html")]
    match, mismatch, errors = filecmp.cmpfiles(a, b, same, shallow=False)
    assert mismatch == [] and errors == []
    for f in set(files) - set(same):
        assert (a / f).read_text(encoding="utf-8").replace(a.name, "RUN") == (
            b / f).read_text(encoding="utf-8").replace(b.name, "RUN"), f
    nb = json.loads((a / "trade-millions.ipynb").read_text(encoding="utf-8"))
    assert "papermill" not in nb["metadata"]
    assert all("execution" not in c["metadata"] for c in nb["cells"])


def test_quiet_prints_only_the_summary(two_runs):
    _, first, second = two_runs
    assert "ok     trade-millions" in first.stdout
    assert "trade-millions" not in second.stdout
    assert re.search(r"2 of 2 reports ok", second.stdout)


SOFIA = "Peru closed its embassy in Sofia for economic reasons in 2003."


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory, two_runs):
    """One run after two_runs on a build whose article names Sofia with markup in it and whose
    figures.csv is gone: the trade job fails, the coverage job shows the markup as text.
    (out, the runner's result, the latest run before it, the new run's folder)."""
    tmp = tmp_path_factory.mktemp("failed")
    raw = tmp / "raw"
    shutil.copytree(paths.RAW, raw)
    article = raw / "foreign_relations_of_peru.txt"
    text = article.read_text(encoding="utf-8")
    evil = SOFIA.replace("Sofia", "Sofia <script>alert(1)</script>")
    assert SOFIA in text
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if SOFIA in line)
    width = len(lines[i])
    lines[i] = lines[i].replace(SOFIA + " " * (len(evil) - len(SOFIA)), evil)
    assert len(lines[i]) == width  # the grid table stays aligned
    article.write_text("\n".join(lines), encoding="utf-8")
    manifest = raw / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "9c01affd156dace5b19504ca05873679cc45fc13104da103d7c95a3c615c4279",
        sha256_of(article)), encoding="utf-8")
    broken = tmp / "processed"
    build(raw, broken)
    (broken / "figures.csv").unlink()  # the trade notebook cannot load its table
    out = tmp / "reports"
    shutil.copytree(two_runs[0], out, symlinks=True)
    before = os.readlink(out / "latest")
    config = write(tmp, "jobs:\n  - {name: trade-millions, notebook: 03-trade-figures, "
                   "parameters: {scale: millions}}\n  - {name: coverage-europe, notebook: "
                   "02-mission-coverage, parameters: {regions: [Europe]}}\n")
    done = runner(config, out, env={"PROCESSED_DIR": str(broken)})
    run = next(p for p in out.iterdir() if p.name not in {before, "latest"}
               and not p.name.startswith(".") and p.name not in os.listdir(two_runs[0]))
    return out, done, before, run


def test_a_failing_job_does_not_stop_the_others_nor_replace_latest(failed_run):
    out, done, before, run = failed_run
    assert done.returncode == 1
    assert "failed: trade-millions: DataError" in done.stdout
    assert "figures.csv is missing" in done.stdout
    assert os.readlink(out / "latest") == before
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    status = {r["name"]: r["status"] for r in manifest["reports"]}
    assert status == {"trade-millions": "failed", "coverage-europe": "ok"}
    kept = json.loads((run / "trade-millions.ipynb").read_text(encoding="utf-8"))
    assert kept["cells"][0]["id"] == "report-error"
    assert any(o.get("ename") == "DataError" for c in kept["cells"] if c["cell_type"] == "code"
               for o in c["outputs"])
    index = (run / "index.html").read_text(encoding="utf-8")
    assert "Failed reports (1)" in index and "<pre class='error'>DataError: " in index


def test_source_text_reaching_the_html_is_escaped(failed_run):
    _, done, _, run = failed_run
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert {r["name"]: r["status"] for r in manifest["reports"]}["coverage-europe"] == "ok", (
        done.stdout + done.stderr)
    page = (run / "coverage-europe.html").read_text(encoding="utf-8")
    assert "Sofia &lt;script&gt;alert" in page  # shown, as text
    assert "<script>alert" not in page  # never as markup


def test_code_cells_are_hidden_from_readers_unless_asked():
    import nbformat

    nb = nbformat.read(paths.NOTEBOOKS / "03-trade-figures.ipynb", as_version=4)
    code = "# every figure is on disk before the run ends"  # a comment: one highlighted token
    assert code in export.to_html(nb, hide_code=False)
    hidden = export.to_html(nb, hide_code=True)
    assert code not in hidden
    assert "every year since 2014" in hidden  # the outputs stay
