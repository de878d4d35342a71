"""Figures of the notebook stage: papermill runs, the report runner, and the test suite.

The notebook figure compares each notebook's papermill run with that of a baseline notebook
that only imports pandas, matplotlib and seaborn, so the ratio shows what the notebook itself
costs beyond starting a kernel and importing the plotting stack.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

from benchmarks.harness import CommandFailed, Comparison, compare, measure, time_once
from benchmarks.registry import PYTHON, ROOT, Context, Group, Row, figure, skipped
from helpers.report.config import CONFIG, read_config

BASELINE_NOTEBOOK = Path(__file__).resolve().parent / "baseline.ipynb"
BASELINE_SOURCE = """\
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

print(pd.__version__, plt.get_backend(), sns.__version__)"""
KERNEL = "python3"
NOTEBOOK_RATIO_TARGET = 1.3
REPORTS_SPEEDUP_TARGET = 3.0
TEST_TARGET_S = 75.0

_BIN = ROOT / ".venv" / "bin"
PAPERMILL = _BIN / "papermill" if (_BIN / "papermill").exists() else (
    Path(sys.executable).parent / "papermill")


def write_baseline_notebook(path: Path = BASELINE_NOTEBOOK) -> Path:
    """Write the baseline notebook (one cell of imports, kernel python3) unless already there.

    The cell id is fixed, so the file is the same bytes on every run.
    """
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_code_cell(BASELINE_SOURCE, id="baseline-imports")]
    nbformat.validate(nb)
    text = nbformat.writes(nb) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8", newline="\n")
    return path


def papermill_command(notebook: Path, out: Path,
                      parameters: Mapping[str, object] | None = None) -> list[str]:
    """``papermill <nb> <out> -k python3``, run in the notebook's folder, parameters as YAML."""
    argv = [str(PAPERMILL), str(notebook), str(out), "-k", KERNEL, "--cwd",
            str(Path(notebook).resolve().parent), "--no-progress-bar"]
    if parameters:
        argv += ["-y", json.dumps(dict(parameters), sort_keys=True)]  # JSON is YAML
    return argv


def papermill_figure(notebook_path: Path | str, parameters: Mapping[str, object] | None = None,
                     runs: int = 5, workdir: Path | None = None) -> Comparison:
    """Time papermill runs of ``notebook_path`` against the baseline notebook, alternately.

    The executed copies go to ``workdir`` (default: a folder beside this module that git
    ignores); the sources are never written to.
    """
    workdir = Path(workdir) if workdir is not None else Path(__file__).parent / ".work"
    workdir.mkdir(parents=True, exist_ok=True)
    notebook = Path(notebook_path)
    baseline = write_baseline_notebook()
    return compare(papermill_command(baseline, workdir / "baseline.out.ipynb"),
                   papermill_command(notebook, workdir / f"{notebook.stem}.out.ipynb",
                                     parameters),
                   runs, cwd=ROOT)


def project_notebooks() -> list[Path]:
    """The notebooks of notebooks/ (NN-kebab-name.ipynb), in name order."""
    return sorted(p for p in (ROOT / "notebooks").glob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


def _scratch_outputs(notebook: Path, folder: Path) -> dict[str, str]:
    """Point a notebook's ``output_dir`` parameter, if it has one, at the scratch folder.

    The notebook does the same work; only the figures it saves land outside the repository.
    """
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    return {"output_dir": str(folder)} if "output_dir" in declared else {}


@figure("notebooks")
def notebooks_figure(ctx: Context) -> Group:
    title = "Notebooks"
    what = ("Each notebook of notebooks/ run by `papermill <nb> <tmp> -k python3` (its default "
            "parameters, except `output_dir` pointed at the scratch folder) against the same run "
            "of benchmarks/baseline.ipynb, which only imports pandas, matplotlib.pyplot and "
            "seaborn; the two alternate in one loop, one pair of warm-up runs first.")
    notebooks = project_notebooks()
    write_baseline_notebook()
    if not notebooks:  # time the baseline alone, so the papermill chain is known to work
        out = ctx.workdir / "notebooks" / "baseline.out.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        alone = measure(papermill_command(BASELINE_NOTEBOOK, out), ctx.runs, cwd=ROOT)
        return Group(title, what, (
            Row("`baseline.ipynb` alone (papermill run)", alone),
            Row("every notebook vs baseline notebook",
                note="no notebooks yet (notebooks/ has no .ipynb)"),
        ))
    rows = []
    for nb in notebooks:
        work = ctx.workdir / "notebooks"
        result = papermill_figure(nb, _scratch_outputs(nb, work / nb.stem), ctx.runs, work)
        rows.append(Row(f"`{nb.name}`", result.subject, result.baseline, result.ratio,
                        f"ratio ≤ {NOTEBOOK_RATIO_TARGET}",
                        result.ratio <= NOTEBOOK_RATIO_TARGET))
    return Group(title, what, tuple(rows))


def loop_script(jobs, out) -> str:
    """The baseline: one `papermill` command per job, one after another, as a shell script."""
    papermill = PYTHON.with_name("papermill")
    lines = ["set -e"]
    for job in jobs:
        parameters = {**job.parameters, "output_dir": str(out / "figures" / job.name)}
        lines.append(" ".join(shlex.quote(str(a)) for a in (
            papermill, ROOT / "notebooks" / f"{job.notebook}.ipynb", out / f"{job.name}.ipynb",
            "-k", "python3", "--cwd", ROOT / "notebooks", "--no-progress-bar",
            "-y", json.dumps(parameters, sort_keys=True))))
    return "\n".join(lines) + "\n"


@figure("reports")
def reports_figure(ctx: Context) -> Group:

    title = "Report runner"
    jobs = read_config(CONFIG)
    what = (f"`python -m helpers.report --jobs 2 --force` on the shipped reports.yaml "
            f"({len(jobs)} jobs:"
            " executed notebooks, HTML, index and manifest) against a shell loop that calls "
            "`papermill` once per job for the same jobs (notebooks only, no HTML), alternating,"
            " no warm-up round (each round is minutes long).")
    work = ctx.workdir / "reports"
    work.mkdir(parents=True, exist_ok=True)
    script = work / "loop.sh"
    script.write_text(loop_script(jobs, work / "loop"), encoding="utf-8")
    (work / "loop").mkdir(exist_ok=True)
    result = compare(["bash", str(script)],
                     [str(PYTHON), "-m", "helpers.report", "--jobs", "2", "--quiet", "--force",
                      "--out", str(work / "runs")], ctx.runs, warmup=0, cwd=ROOT)
    speedup = 1 / result.ratio
    return Group(title, what, (
        Row("papermill loop, one process and kernel per job (baseline)", result.baseline),
        Row("report runner, 2 workers with a warm kernel each", result.subject, result.baseline,
            result.ratio, f"≥ {REPORTS_SPEEDUP_TARGET:g}x faster",
            speedup >= REPORTS_SPEEDUP_TARGET,
            note=""),
    ), notes=(
        f"Speed-up: {speedup:.1f}x. Where a papermill job's time goes (measured per job in "
        "manifest.json and by hand): starting python and papermill, starting a kernel and "
        "importing pandas, matplotlib and seaborn cost about 3 s of a 4 s job; the notebook's "
        "own work about 1 s. The runner starts one kernel per worker, imports once, clears the "
        "namespace between jobs and runs two workers on the two cores.",
    ))


INCREMENTAL_TARGET = 0.10


@figure("incremental")
def incremental_figure(ctx: Context) -> Group:
    """A second run of the shipped config on unchanged inputs against the first."""
    pass  # REWRITE-EMPTY

    title = "Incremental report runs"
    jobs = read_config(CONFIG)
    what = (f"`python -m helpers.report --jobs 2 --quiet` on the shipped reports.yaml "
            f"({len(jobs)} jobs) a second time on unchanged inputs (every job reused: notebook, "
            "HTML and figures copied from the run before) against a run that executes them all "
            "(`--force`), into the same `--out`, alternating: each forced run is the one the "
            "next reuse copies from. No warm-up round.")
    out = ctx.workdir / "incremental" / "runs"
    command = [str(PYTHON), "-m", "helpers.report", "--jobs", "2", "--quiet", "--out", str(out)]
    result = compare([*command, "--force"], command, ctx.runs, warmup=0, cwd=ROOT)
    return Group(title, what, (
        Row("first run, every job executed (`--force`, baseline)", result.baseline),
        Row("second run on unchanged inputs, every job reused", result.subject, result.baseline,
            result.ratio, f"ratio ≤ {INCREMENTAL_TARGET:g}",
            result.ratio <= INCREMENTAL_TARGET),
    ), notes=(
        "What the second run still does: start Python, read and check the config (the "
        "for_each expansion loads relations.csv), hash the data, helpers/ and every notebook, "
        "copy each job's notebook, HTML and figures folder, copy the processed tables and "
        "write the index and manifest. No worker or kernel is started.",
    ))


@figure("tests")
def tests_figure(ctx: Context) -> Group:
    title = "Test suite"
    what = ("The whole `make test` (unit tests, papermill runs and nbval on every notebook) as "
            "one process, no warm-up run (CI runs it cold); .venv and the test tools are brought "
            "up to date by an untimed make first. The earlier figure: 99 s (546 tests, before "
            "helpers/ was layered and the slow suites went to `make test-slow`). A failing suite "
            "is reported as FAIL, not timed.")
    if not any((ROOT / "tests").rglob("test_*.py")):
        return skipped(title, what, "`make test`", "no tests yet (tests/ has no test_*.py)")
    # `make test` first brings .venv and the test tools up to date: do that untimed
    time_once(["make", "--no-print-directory", ".venv/.installed-dev"], cwd=ROOT)
    try:
        stats = measure(["make", "--no-print-directory", "test"], ctx.runs, warmup=0, cwd=ROOT)
    except CommandFailed as exc:
        summary = re.findall(r"^=+ (.*(?:failed|error).*) =+$", exc.stdout, re.MULTILINE)
        note = f"`make test` failed ({summary[-1]})" if summary else str(exc)
        return Group(title, what, (Row("`make test`", target=f"median ≤ {TEST_TARGET_S:g} s",
                                       note=note, failed=True),))
    return Group(title, what, (Row("`make test`", stats, target=f"median ≤ {TEST_TARGET_S:g} s",
                                   passed=stats.median < TEST_TARGET_S),))
