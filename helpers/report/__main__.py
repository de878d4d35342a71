"""The runner's command line: ``python -m helpers.report [--config] [--out] [--only] [--jobs] ...``.

Parses and checks the options, takes the lock on ``--out``, calls :func:`helpers.report.runner.run`.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from helpers.core import paths
from helpers.core.exceptions import (
    ClusterRefusedError,
    ConfigError,
    ProjectError,
    RunRefusedError,
)
from helpers.report import engine, progress
from helpers.report.config import CONFIG, DEFAULT_TIMEOUT, read_config, shared_data
from helpers.report.outdir import check_out, prepare_out, release_out
from helpers.report.pool import SIGNALS, Interrupted, cpu_count, on_signal
from helpers.report.runner import run


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
    parser = argparse.ArgumentParser(prog="python -m helpers.report",
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
    parser.add_argument("--engine", default="local", choices=engine.ENGINES,
                        help="what executes the jobs: 'local' (this machine's pool, the "
                        "default) or 'dask' (a Dask cluster; pip install -r "
                        "requirements-dask.txt)")
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                        help="with --engine dask: the scheduler of an existing cluster "
                        f"(default ${engine.SCHEDULER_ENV}; neither: a LocalCluster of --jobs "
                        "worker processes)")
    parser.add_argument("--retries", type=int, default=0, metavar="N",
                        help="with --engine dask: run a job again, up to N times, when its "
                        "kernel died (default 0); a lost worker's jobs always run again")
    parser.add_argument("--quiet", action="store_true",
                        help="print only failures and the summary (for cron)")
    args = parser.parse_args(argv)
    # a relative --out means what it means in a shell: from the folder the command runs in
    # (the kernels run elsewhere, so every path they are given is absolute)
    args.out = args.out.absolute()
    handlers = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    SIGNALS.update(defer=False, pending=None, raised=False)
    lock = None
    try:
        try:
            _check_options(args)
            choice = engine.options(args.engine, args.scheduler, args.retries,
                                    shared_data(args.config))
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
                              args.config, args.timeout, args.force, args.keep, choice)
    except Interrupted as exc:
        print(f"reports: interrupted by {exc}: run discarded, workers and kernels stopped; "
              f"{args.out / 'latest'} unchanged", file=sys.stderr)
        return 128 + exc.signum
    except ClusterRefusedError as exc:  # before any job ran
        print(f"reports: refused: {exc}", file=sys.stderr)
        return 2
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
    if not args.quiet:  # --quiet (cron): the summary line only
        print(progress.landing_line(final, args.out, len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
