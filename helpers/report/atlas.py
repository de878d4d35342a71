"""The atlas: every country's reports. ``python -m helpers.report.atlas [--subjects CHL,NGA]``.

For every subject of the register of posts (or those given), builds its dataset from the
worldwide sources (:mod:`helpers.build.subjects`, into ``build/subjects/ISO3``) and runs the
jobs of ``atlas.yaml`` on it into ``<out>/<ISO3>/`` with the runner, so each subject has its
runs, its ``latest`` and its landing page, and the incremental rule holds across subjects: a
rerun executes only the jobs whose inputs changed. Then writes ``<out>/index.html``, which links
every subject's landing page, grouped by region and searchable. With ``--engine dask`` and no
``--scheduler``, one LocalCluster serves every subject.

A subject has a handful of jobs, so ``--parallel K`` runs K subjects at once (each in a process
of its own, sharing the cluster; by default as many as the workers can keep busy: the workers
over the jobs per subject), so that 32 workers are not left waiting on one subject's four jobs.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.build.pipeline import build_files
from helpers.build.subjects import register_subjects, subject_of
from helpers.core import paths, places, templates
from helpers.core.exceptions import ClusterRefusedError, ProjectError, RunRefusedError
from helpers.report import engine
from helpers.report.config import DEFAULT_TIMEOUT, read_config, shared_data
from helpers.report.outdir import prepare_out, release_out
from helpers.report.pool import SIGNALS, Interrupted, cpu_count, on_signal
from helpers.report.runner import run


def subjects_of(given: str | None, raw: Path) -> list[str]:
    """The subjects named by ``--subjects`` (checked), or every one of the register."""
    if not given:
        return register_subjects(raw)
    codes = [c.strip().upper() for c in given.split(",") if c.strip()]
    for code in codes:
        subject_of(code)  # SourceError naming the code
    return list(dict.fromkeys(codes))


def run_subject(iso3: str, args, choice: engine.EngineOptions) -> dict:
    """Build one subject's dataset and run the atlas jobs on it; what the atlas page shows."""
    dataset = paths.SUBJECTS / iso3
    build_files(args.raw, dataset, subject=iso3)
    previous, environ = paths.PROCESSED, os.environ.get("PROCESSED_DIR")
    paths.PROCESSED = dataset.absolute()
    os.environ["PROCESSED_DIR"] = str(paths.PROCESSED)
    out = args.out / iso3
    lock = None
    try:
        jobs = read_config(args.config)
        lock = prepare_out(out)
        final, outcomes = run(jobs, out, args.jobs, True, args.quiet, args.config,
                              args.timeout, args.force, args.keep, choice)
    finally:
        if lock is not None:
            release_out(lock)
        paths.PROCESSED = previous
        if environ is None:
            os.environ.pop("PROCESSED_DIR", None)
        else:
            os.environ["PROCESSED_DIR"] = environ
    failed = [o.name for o in outcomes if o.status != "ok"]
    reused = sum(bool(o.reused_from) for o in outcomes)
    return {"iso3": iso3, "failed": failed, "reused": reused, "total": len(outcomes),
            "final": final}


def write_atlas(out: Path, results: list[dict], reports: list[str], sources: str) -> Path:
    """``<out>/index.html``: every subject's landing page by region, with a search box."""
    regions: dict[str, list[dict]] = {}
    for r in results:
        latest = out / r["iso3"] / "latest" / "index.html"
        page = f"{r['iso3']}/latest/index.html" if latest.is_file() else ""
        said = (f"failed: {', '.join(r['failed'])}" if r["failed"] else "")
        regions.setdefault(places.region_of(r["iso3"]) or "other", []).append(
            {"iso3": r["iso3"], "name": places.name_of(r["iso3"]), "page": page, "said": said,
             "status": "failed" if r["failed"] else "ok"})
    for entries in regions.values():
        entries.sort(key=lambda c: c["name"])
    page = templates.render("atlas/index.html.j2", total=len(results),
                            ok=sum(not r["failed"] for r in results),
                            failed=sum(bool(r["failed"]) for r in results),
                            reports=", ".join(reports), sources=sources,
                            regions=sorted(regions.items()))
    path = out / "index.html"
    tmp = out / ".index.html.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)  # a reader sees the old page or the new one
    return path


def _child(iso3: str, args, choice: engine.EngineOptions, jobs: int) -> list[str]:
    """The command that runs one subject of a parallel atlas (this module, one subject)."""
    command = [sys.executable, "-m", "helpers.report.atlas", "--subjects", iso3, "--config",
               str(args.config), "--raw", str(args.raw), "--out", str(args.out), "--jobs",
               str(jobs), "--timeout", str(args.timeout), "--parallel", "1", "--no-page",
               "--quiet", "--engine", choice.name]
    if choice.scheduler:
        command += ["--scheduler", choice.scheduler]
    if choice.retries:
        command += ["--retries", str(choice.retries)]
    if args.force:
        command.append("--force")
    if args.keep is not None:
        command += ["--keep", str(args.keep)]
    return command


def _run_parallel(codes: list[str], args, choice: engine.EngineOptions, parallel: int,
                  jobs: int) -> list[dict]:
    """Run ``parallel`` subjects at a time, each a process of its own; their results in order.
    An interrupt stops every running subject (SIGTERM: each discards its run, kernels too)."""
    results: dict[str, dict] = {}
    waiting, running = list(codes), {}
    with tempfile.TemporaryDirectory(prefix="atlas-") as logs:
        try:
            while waiting or running:
                while waiting and len(running) < parallel:
                    iso3 = waiting.pop(0)
                    log = open(Path(logs) / iso3, "w+", encoding="utf-8")  # noqa: SIM115
                    running[iso3] = (subprocess.Popen(_child(iso3, args, choice, jobs),
                                                      stdout=log, stderr=subprocess.STDOUT,
                                                      cwd=paths.ROOT), log)
                for iso3, (child, log) in list(running.items()):
                    if child.poll() is None:
                        continue
                    del running[iso3]
                    log.seek(0)
                    said = [line for line in log.read().splitlines() if line.strip()]
                    log.close()
                    failed = [] if child.returncode == 0 else [
                        line for line in said if not line.startswith("atlas [")] or [
                        f"exit status {child.returncode}"]
                    results[iso3] = {"iso3": iso3, "failed": failed}
                    line = next((x for x in said if x.startswith("atlas [")), "")
                    if not args.quiet or failed:
                        done = f"[{len(results)}/{len(codes)}]"
                        print(line.replace("[1/1]", done, 1) if line else
                              f"atlas {done} {iso3} {places.name_of(iso3)}: failed")
                        for x in failed:
                            print(f"  {x}")
                time.sleep(0.2)
        finally:
            for child, _log in running.values():
                child.terminate()
            for child, log in running.values():
                try:
                    child.wait(30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
                log.close()
    return [results[c] for c in codes]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.report.atlas",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=paths.ATLAS_CONFIG,
                        help="the jobs run for every subject (atlas.yaml)")
    parser.add_argument("--subjects", default=None, metavar="ISO3,ISO3",
                        help="only these countries (default: every sending country of the "
                        "register)")
    parser.add_argument("--raw", type=Path, default=paths.RAW,
                        help="raw folder whose worldwide sources each dataset is built from")
    parser.add_argument("--out", type=Path, default=paths.ATLAS,
                        help="the atlas folder: one runs folder per subject (reports/atlas)")
    parser.add_argument("--jobs", type=int, default=None, help="parallel workers")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS")
    parser.add_argument("--force", action="store_true", help="execute every job again")
    parser.add_argument("--keep", type=int, default=None, metavar="N",
                        help="keep the N newest complete runs of each subject")
    parser.add_argument("--engine", default="local", choices=engine.ENGINES)
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT")
    parser.add_argument("--retries", type=int, default=0, metavar="N")
    parser.add_argument("--parallel", type=int, default=None, metavar="K",
                        help="subjects run at once (default: the workers over the jobs of a "
                        "subject, at least 1)")
    parser.add_argument("--quiet", action="store_true",
                        help="print only failures and the summary (for cron)")
    parser.add_argument("--no-page", action="store_true", help=argparse.SUPPRESS)  # a child
    args = parser.parse_args(argv)
    handlers = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    SIGNALS.update(defer=False, pending=None, raised=False)
    cluster = None
    results: list[dict] = []
    try:
        try:
            choice = engine.options(args.engine, args.scheduler, args.retries,
                                    shared_data(args.config))
            codes = subjects_of(args.subjects, args.raw)
            reports = [j.name for j in read_config(args.config)]
            workers = args.jobs or cpu_count()
            parallel = args.parallel or max(1, workers // len(reports))
            if parallel < 1:
                raise RunRefusedError(f"--parallel {parallel}: must be at least 1")
            if choice.name == "dask" and choice.scheduler is None:
                from helpers.report.dask_engine import local_cluster

                cluster = local_cluster(args.jobs, args.quiet)  # one for every subject
                choice = dataclasses.replace(choice, scheduler=cluster.scheduler_address)
        except ProjectError as exc:
            print(f"atlas: refused: {exc}", file=sys.stderr)
            return 2
        args.out.mkdir(parents=True, exist_ok=True)
        if parallel > 1 and len(codes) > 1:
            results = _run_parallel(codes, args, choice, parallel, max(1, workers // parallel))
        for n, iso3 in enumerate(codes if not results else [], 1):
            SIGNALS.update(defer=False, pending=None, raised=False)
            try:
                result = run_subject(iso3, args, choice)
            except ClusterRefusedError as exc:
                print(f"atlas: refused: {exc}", file=sys.stderr)
                return 2
            except ProjectError as exc:
                print(f"atlas: {iso3}: {exc}", file=sys.stderr)
                result = {"iso3": iso3, "failed": [str(exc)], "reused": 0, "total": 0}
            results.append(result)
            if not args.quiet or result["failed"] or args.no_page:
                print(f"atlas [{n}/{len(codes)}] {iso3} {places.name_of(iso3)}: "
                      f"{result['total'] - len(result['failed'])} of {result['total']} "
                      f"reports ok ({result['reused']} reused)")
        if args.no_page:  # a child of a parallel atlas: the parent writes the page
            return 1 if any(r["failed"] for r in results) else 0
        sources = "the register of posts"
        page = write_atlas(args.out, results, reports, sources)
    except Interrupted as exc:
        print(f"atlas: interrupted by {exc}: the subject's run discarded, workers and kernels "
              "stopped; completed subjects kept", file=sys.stderr)
        return 128 + exc.signum
    finally:
        SIGNALS["defer"] = True
        if cluster is not None:
            cluster.close(timeout=10)
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    failed = [r for r in results if r["failed"]]
    print(f"atlas: {len(results) - len(failed)} of {len(results)} countries ok; open {page}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
