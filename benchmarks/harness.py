"""Timing: run commands or callables alternately and summarise each by median, min and max.

The machine is shared and noisy, so a figure is never one wall-clock number: every subject is
run several times, interleaved with its baseline in the same loop (baseline, subject, baseline,
subject, ...), so that a burst of load from a neighbour slows both sides alike and the ratio of
their medians stays meaningful.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

Subject = Sequence[str] | Callable[[], object]  # a command (argv, no shell) or a callable


class CommandFailed(RuntimeError):
    """A timed command exited non-zero: its time would measure a failure, not the work."""

    def __init__(self, message: str, stdout: str = "", stderr: str = ""):
        super().__init__(message)
        self.stdout, self.stderr = stdout, stderr


@dataclass(frozen=True)
class Stats:
    """Seconds of every run of one subject, in run order."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    def scaled(self, factor: float) -> Stats:
        """The same runs divided by ``factor`` (e.g. seconds per table row)."""
        return Stats(tuple(s / factor for s in self.samples))


@dataclass(frozen=True)
class Comparison:
    """A subject against its baseline, timed alternately in one loop."""

    baseline: Stats
    subject: Stats

    @property
    def ratio(self) -> float:
        """Median of the subject over median of the baseline (> 1: the subject is slower)."""
        return self.subject.median / self.baseline.median


def time_once(subject: Subject, cwd: Path | str | None = None,
              env: Mapping[str, str] | None = None) -> float:
    """Seconds one run of ``subject`` takes: perf_counter around subprocess.run or the call.

    Output is captured (not timed into a terminal); a non-zero exit raises CommandFailed with
    the command and the end of its stderr.
    """
    if callable(subject):
        start = time.perf_counter()
        subject()
        return time.perf_counter() - start
    argv = [str(a) for a in subject]
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        stdout, stderr = (o.decode("utf-8", "replace") for o in (done.stdout, done.stderr))
        tail = [line.strip() for out in (stdout, stderr) for line in out.strip().splitlines()[-2:]]
        raise CommandFailed(f"`{' '.join(argv)}` exited {done.returncode} (cwd {cwd}); "
                            "its output ends: " + " / ".join(t for t in tail if t),
                            stdout, stderr)
    return elapsed


def alternate(subjects: Mapping[str, Subject], runs: int, warmup: int = 1,
              cwd: Path | str | None = None, env: Mapping[str, str] | None = None,
              before_each: Callable[[], object] | None = None) -> dict[str, Stats]:
    """Time every subject ``runs`` times, taking them in turn within each round.

    ``warmup`` untimed rounds come first (file cache, .pyc files, lazy caches);
    ``before_each`` runs untimed before every timed run (e.g. to clear a cache).
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, not {runs}")
    for _ in range(warmup):
        for subject in subjects.values():
            time_once(subject, cwd, env)
    samples: dict[str, list[float]] = {name: [] for name in subjects}
    for _ in range(runs):
        for name, subject in subjects.items():
            if before_each is not None:
                before_each()
            samples[name].append(time_once(subject, cwd, env))
    return {name: Stats(tuple(s)) for name, s in samples.items()}


def compare(baseline: Subject, subject: Subject, runs: int, warmup: int = 1,
            cwd: Path | str | None = None, env: Mapping[str, str] | None = None,
            before_each: Callable[[], object] | None = None) -> Comparison:
    """Time ``baseline`` and ``subject`` alternately ``runs`` times each; see :func:`alternate`."""
    stats = alternate({"baseline": baseline, "subject": subject}, runs, warmup, cwd, env,
                      before_each)
    return Comparison(stats["baseline"], stats["subject"])


def measure(subject: Subject, runs: int, warmup: int = 1, cwd: Path | str | None = None,
            env: Mapping[str, str] | None = None,
            before_each: Callable[[], object] | None = None) -> Stats:
    """Time one subject with no baseline (for absolute targets such as "under 0.1 s")."""
    return alternate({"subject": subject}, runs, warmup, cwd, env, before_each)["subject"]
