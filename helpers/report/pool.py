"""The pool of workers and the runner's signal handling: SIGINT and SIGTERM stop a run within
seconds, kernels included.
"""

from __future__ import annotations

import os
import queue
import signal
import time
from typing import Any

from helpers.report.config import Job, Outcome
from helpers.report.worker import STOP_GRACE, Settings, kill_group, worker_main


class Interrupted(Exception):
    """SIGINT or SIGTERM reached the runner."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class Pool:
    """Worker processes fed from one queue; knows their kernels, so it can stop them all."""

    def __init__(self, size: int, settings: Settings):
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
        proc = self.ctx.Process(target=worker_main, name=f"reports-worker-{wid}", daemon=True,
                                args=(wid, self.tasks, self.results, os.getpid(),
                                      self.settings))
        self.procs[wid] = proc
        # A Ctrl-C while the worker imports must not print its traceback: it starts with SIGINT
        # blocked (the mask survives exec) and ignores it; the runner gets it once unblocked.
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            proc.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

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
                kill_group(self.kernels.pop(wid))
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
                kill_group(self.kernels[wid])
        for q in (self.tasks, self.results):
            q.cancel_join_thread()
            q.close()

    def finish(self) -> None:
        """Normal end: workers have their sentinels; give them time to shut kernels down."""
        deadline = time.monotonic() + 30
        for proc in self.procs.values():
            proc.join(max(0.0, deadline - time.monotonic()))
        self.stop()


SIGNALS: dict[str, Any] = {"defer": False, "pending": None, "raised": False}


def on_signal(signum, frame) -> None:
    """SIGINT/SIGTERM: interrupt the run once; while deferred, note it for later."""
    if SIGNALS["pending"] is None:
        SIGNALS["pending"] = signum
    if SIGNALS["defer"] or SIGNALS["raised"]:
        return
    SIGNALS["raised"] = True
    raise Interrupted(signum)


def deliver_deferred() -> None:
    """Raise the interrupt that arrived while a clean-up could not be cut short."""
    if SIGNALS["pending"] is not None and not SIGNALS["raised"]:
        SIGNALS["raised"] = True
        raise Interrupted(SIGNALS["pending"])


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def worker_count(requested: int | None, jobs: int) -> int:
    """Workers for ``jobs`` jobs: as requested (default the CPUs), never more than the jobs."""
    return max(1, min(requested or cpu_count(), jobs))
