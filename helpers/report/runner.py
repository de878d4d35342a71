"""One run of the scheduled reports: reuse what is unchanged, execute the rest on the pool, write
the run folder (notebooks, HTML, figures, data copy, index, manifest) and move it into place.

A run is written to ``<out>/.tmp-<run-id>/`` and moved whole to ``<out>/<run-id>/`` when it
completes; ``latest`` then points at it. A failed or interrupted run never replaces ``latest``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

from helpers.core import paths
from helpers.core.exceptions import RunRefusedError
from helpers.report import changes, landing
from helpers.report import engine as engines
from helpers.report.config import DEFAULT_TIMEOUT, Job, Outcome
from helpers.report.inputs import Inputs, job_key, sha256
from helpers.report.outdir import (
    DATA_COPY,
    carry_over,
    complete_runs,
    file_records,
    find_reusable,
    point_latest,
    prune,
    read_manifest,
    take_snapshot,
)
from helpers.report.pool import SIGNALS, deliver_deferred, worker_count
from helpers.report.progress import Progress
from helpers.report.worker import PREWARM, Settings


def run(jobs: list[Job], out: Path, workers: int | None = None, hide_code: bool = True,
        quiet: bool = False, config: Path | None = None, timeout: float = DEFAULT_TIMEOUT,
        force: bool = False, keep: int | None = None,
        engine: engines.EngineOptions | None = None) -> tuple[Path, list[Outcome]]:
    """Run every job into a new run folder of ``out`` (checked and locked by prepare_out).

    Jobs whose inputs match an ok job of an earlier complete run are copied from it unless
    ``force``; the others are executed by ``engine`` (the local pool by default). Returns
    the run folder and the outcomes; raises Interrupted on SIGINT/SIGTERM after stopping
    workers and kernels and removing the temporary folder.
    """
    out = Path(out).absolute()  # kernels run in other folders: they get absolute paths
    run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + f"-{os.getpid()}"
    tmp = out / f".tmp-{run_id}"
    tmp.mkdir()
    processed, environ = paths.PROCESSED, os.environ.get("PROCESSED_DIR")
    try:
        # One dataset per run: every job, the index and the manifest read this snapshot.
        snapshot = take_snapshot(paths.PROCESSED, tmp / DATA_COPY).absolute()
        paths.PROCESSED = snapshot
        os.environ["PROCESSED_DIR"] = str(snapshot)  # the workers and their kernels
        return _run(jobs, out, run_id, tmp, workers, hide_code, quiet, config, timeout,
                    force, keep, engine or engines.EngineOptions())
    except OSError as exc:  # a full disk, a folder that turned read-only: one line
        SIGNALS["defer"] = True
        shutil.rmtree(tmp, ignore_errors=True)
        raise RunRefusedError(f"{exc.filename or out}: {_why(exc)}; the run was discarded, "
                              f"{out / 'latest'} unchanged") from None
    except BaseException:
        SIGNALS["defer"] = True  # a second Ctrl-C must not cut the clean-up short
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        paths.PROCESSED = processed
        if environ is None:
            os.environ.pop("PROCESSED_DIR", None)
        else:
            os.environ["PROCESSED_DIR"] = environ


def _why(exc: OSError) -> str:
    if exc.errno == 28:
        return "the disk is full (No space left on device)"
    return exc.strerror or str(exc)


def _run(jobs, out, run_id, tmp, workers, hide_code, quiet, config, timeout, force, keep,
         engine):
    started = time.time()
    jobs = [dataclasses.replace(j, timeout=j.timeout or timeout) for j in jobs]
    inputs = Inputs.current(paths.PROCESSED)
    keys = {job.name: job_key(job, inputs, hide_code) for job in jobs}
    previous = complete_runs(out)
    reusable, refused = ({}, {}) if force else find_reusable(previous, keys)
    outcomes: dict[str, Outcome] = {}
    bar = Progress(len(jobs), quiet)
    for job in jobs:
        if job.name in reusable:
            source, report = reusable[job.name]
            try:
                outcomes[job.name] = carry_over(job, source, tmp, report["files"],
                                                report.get("reused_from") or "")
            except OSError as exc:  # changed since it was checked: execute it instead
                refused[job.name] = f"not reused from {source.name}: {_why(exc)}"
                for rel in report["files"]:
                    (tmp / rel).unlink(missing_ok=True)
                continue
            bar.job(outcomes[job.name])
    to_run = [job for job in jobs if job.name not in outcomes]
    if to_run:
        prewarm = PREWARM if any(j.path is None for j in to_run) else ""
        settings = Settings(str(tmp), hide_code, quiet, prewarm, run_id)
        pool = engines.start(engine, worker_count(workers, len(to_run)), settings)
        try:
            def record(outcome: Outcome) -> None:
                outcome.not_reused = refused.get(outcome.name, "")
                outcomes[outcome.name] = outcome
                bar.job(outcome)

            pool.run(to_run, record)
            pool.finish()
        finally:
            SIGNALS["defer"] = True  # stopping the workers is not to be cut short
            pool.stop()
            SIGNALS["defer"] = False
        deliver_deferred()
    bar.close()
    ordered = [outcomes[j.name] for j in jobs]
    listing = None
    last = previous[-1] if previous else None
    if (last is not None and (last / DATA_COPY).is_dir()
            and read_manifest(last).get("data_sha256") not in (None, inputs.data)):
        found = changes.compare(last / DATA_COPY, tmp / DATA_COPY)
        changes.write_page(tmp / "changes.html", run_id, last.name, found)
        listing = changes.listing(last.name, found)
    landing.write_index(tmp, ordered, hide_code, listing)
    write_manifest(tmp, run_id, ordered, started, config, inputs, keys, jobs)
    final = out / run_id
    SIGNALS["defer"] = True  # the run is complete: moving it into place is not interrupted
    os.replace(tmp, final)
    if all(o.status == "ok" for o in ordered):
        point_latest(out, run_id)
    if keep is not None:
        for name in prune(out, keep):
            if not quiet:
                print(f"removed old run {out / name} (--keep {keep})")
    return final, ordered


def write_manifest(run_dir: Path, run_id: str, outcomes: list[Outcome], started: float,
                   config: Path | None, inputs: Inputs | None = None,
                   keys: dict[str, str] | None = None, jobs: list[Job] | None = None) -> None:
    inputs = inputs or Inputs.current()
    keys = keys or {}
    timeouts = {j.name: j.timeout for j in jobs or []}
    checksums = {p.name: sha256(p.read_bytes()) for p in sorted(paths.PROCESSED.glob("*.csv"))}
    files = {o.name: file_records(run_dir, o.name) for o in outcomes}
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
             "files": files[o.name],
             "notebook_file": f"{o.name}.ipynb",
             "figures": sorted(str(p.relative_to(run_dir)) for p in
                               (run_dir / "figures" / o.name).glob("*"))
             if (run_dir / "figures" / o.name).is_dir() else []}
            for o in outcomes
        ],
    }
    (run_dir / "manifest.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
