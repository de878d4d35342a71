"""The engines that execute a run's jobs: "run these jobs and give me each result".

The runner keeps the job list, the reuse rule and the output folder; an engine only executes
the jobs it is given into the run folder and calls back with each job's outcome, in the order
they finish. ``local`` is the runner's own pool of worker processes (no extra dependency);
``dask`` runs the same jobs on a Dask cluster (``requirements-dask.txt``), an existing one
(``--scheduler`` or ``DASK_SCHEDULER_ADDRESS``) or a ``LocalCluster`` of ``--jobs`` workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from helpers.core.exceptions import RunRefusedError
from helpers.report.config import Job, Outcome
from helpers.report.worker import Settings

ENGINES = ("local", "dask")
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"  # Dask's own variable for a cluster's address


@dataclass(frozen=True)
class EngineOptions:
    """Which engine runs the jobs, and where."""

    name: str = "local"
    scheduler: str | None = None  # tcp://HOST:PORT of an existing cluster; None: a LocalCluster
    retries: int = 0  # times a job whose kernel died is run again (dask)
    shared_data: str | None = None  # a folder every worker reads: the snapshot goes there


class Engine(Protocol):
    """What the runner asks of an engine (the local pool and the Dask engine)."""

    def run(self, jobs: list[Job], on_outcome: Callable[[Outcome], None]) -> None:
        """Execute every job into the run folder; call ``on_outcome`` as each finishes."""

    def finish(self) -> None:
        """Normal end: release workers and kernels."""

    def stop(self) -> None:
        """Any end (an interrupt included): no kernel or worker of this run is left."""


def options(name: str, scheduler: str | None, retries: int,
            shared_data: Path | None = None) -> EngineOptions:
    """The engine options of the command line, checked; the address from the environment
    when ``--scheduler`` is not given; ``shared_data`` from the config (the local pool reads
    the snapshot where it is). Raises RunRefusedError in one line."""
    if name not in ENGINES:
        raise RunRefusedError(f"--engine {name}: must be one of: {', '.join(ENGINES)}")
    if retries < 0:
        raise RunRefusedError(f"--retries {retries}: must be 0 or more")
    if name == "local":
        if scheduler:
            raise RunRefusedError("--scheduler needs --engine dask (the local pool runs on "
                                  "this machine)")
        if retries:
            raise RunRefusedError("--retries needs --engine dask (the local pool runs each "
                                  "job once)")
        return EngineOptions()
    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if address is not None and "://" not in address:
        raise RunRefusedError(f"--scheduler {address}: expected an address such as "
                              "tcp://HOST:8786")
    try:
        import distributed  # noqa: F401 - checked here so a missing install is one line
    except ImportError:
        raise RunRefusedError("--engine dask needs Dask: .venv/bin/pip install -r "
                              "requirements-dask.txt") from None
    return EngineOptions(name, address, retries,
                         str(shared_data) if shared_data is not None else None)


def start(choice: EngineOptions, size: int, settings: Settings) -> Engine:
    """An engine of ``size`` workers (the LocalCluster's, when Dask starts one)."""
    if choice.name == "dask":
        from helpers.report.dask_engine import DaskEngine

        return DaskEngine(choice, size, settings)
    from helpers.report.pool import Pool

    return Pool(size, settings)
