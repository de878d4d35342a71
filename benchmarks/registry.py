"""The registry of benchmark figures, and what a figure reports.

A figure is a function registered with :func:`figure`; it takes the run's :class:`Context` and
returns a :class:`Group` (one markdown table in results.md). To add one, write the function in
a module of this package, decorate it, and import the module in ``benchmarks.run``
(see benchmarks/README.md).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import Stats

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"  # the project's interpreter, as `make` uses it
if not PYTHON.exists():  # a venv elsewhere (CI): the interpreter running the benchmarks
    PYTHON = Path(sys.executable)


@dataclass(frozen=True)
class Context:
    """What every figure gets: how many timed runs, and a scratch folder removed afterwards."""

    runs: int
    workdir: Path


@dataclass(frozen=True)
class Row:
    """One line of a figure's table. ``unit`` is "s" or "ms" (of the values, not the ratio)."""

    label: str
    stats: Stats | None = None  # None: nothing timed (a skipped figure)
    baseline: Stats | None = None
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None  # None: no target, or not measured
    unit: str = "s"
    note: str = ""  # replaces the numbers when nothing was timed
    failed: bool = False  # the figure raised: ``note`` says what went wrong

    @property
    def verdict(self) -> str:
        if self.failed:
            return "FAIL"
        if self.passed is None:
            return "SKIP" if self.stats is None else "—"
        return "PASS" if self.passed else "MISS"


@dataclass(frozen=True)
class Group:
    """A figure's result: a title, what was measured, its rows, and findings worth a line."""

    title: str
    what: str
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figure:
    name: str  # what --only selects
    function: Callable[[Context], Group]


FIGURES: dict[str, Figure] = {}


def figure(name: str) -> Callable[[Callable[[Context], Group]], Callable[[Context], Group]]:
    """Register a benchmark figure under ``name``; figures are reported in registration order."""

    def register(function: Callable[[Context], Group]) -> Callable[[Context], Group]:
        if name in FIGURES:
            raise ValueError(f"benchmark figure {name!r} is registered twice "
                             f"({FIGURES[name].function.__module__} and {function.__module__})")
        FIGURES[name] = Figure(name, function)
        return function

    return register


def skipped(title: str, what: str, label: str, reason: str) -> Group:
    """A figure that cannot be measured yet, with one line saying why."""
    return Group(title, what, (Row(label, note=reason),))
