"""Run the benchmark figures and write benchmarks/results.md: ``python -m benchmarks.run``.

``--quick`` times 3 runs instead of 5, ``--runs N`` any number, ``--only NAME`` (repeatable)
one figure; ``--list`` names the figures. Scratch files go to a temporary folder that is
removed at the end. Exits 1 if a figure failed to run (a MISS is a finding, not a failure).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

# the figures register themselves on import, in the order results.md shows them
from benchmarks import atlas, corpus, dataset, notebooks, scale  # noqa: F401
from benchmarks.machine import describe, load_average
from benchmarks.registry import FIGURES, Context, Group, Row
from benchmarks.report import render

DEFAULT_RUNS = 5
QUICK_RUNS = 3
RESULTS = Path(__file__).resolve().parent / "results.md"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run",
                                     description=__doc__.split("\n")[0])
    runs = parser.add_mutually_exclusive_group()
    runs.add_argument("--runs", type=_positive, default=DEFAULT_RUNS,
                      help=f"timed runs of each subject (default {DEFAULT_RUNS})")
    runs.add_argument("--quick", action="store_const", dest="runs", const=QUICK_RUNS,
                      help=f"{QUICK_RUNS} runs: a smoke test, not figures to quote")
    parser.add_argument("--only", action="append", choices=list(FIGURES), metavar="NAME",
                        help="run only this figure (repeatable); one of: " + ", ".join(FIGURES))
    parser.add_argument("--out", type=Path, default=RESULTS,
                        help="where to write the results (default benchmarks/results.md)")
    parser.add_argument("--list", action="store_true", help="list the figures and exit")
    return parser.parse_args(argv)


def run_figure(name: str, ctx: Context) -> Group:
    """Run one figure; a figure that raises becomes a FAIL row naming the error."""
    try:
        return FIGURES[name].function(ctx)
    except Exception as exc:  # noqa: BLE001 - report it and go on with the other figures
        traceback.print_exc()
        return Group(f"{name} (failed)", f"Figure `{name}` did not finish.",
                     (Row(name, note=f"{type(exc).__name__}: {exc}", failed=True),))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for name, fig in FIGURES.items():
            doc = (sys.modules[fig.function.__module__].__doc__ or "").strip().split("\n")[0]
            print(f"{name:<12} {fig.function.__module__}: {doc}")
        return 0
    names = args.only or list(FIGURES)
    names = [n for n in FIGURES if n in names]  # registration order, whatever the CLI order
    info = describe()
    load_start = load_average()
    started = time.perf_counter()
    groups = []
    with tempfile.TemporaryDirectory(prefix="benchmarks-") as tmp:
        ctx = Context(args.runs, Path(tmp))
        for name in names:
            print(f"[bench] {name} ...", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            groups.append(run_figure(name, ctx))
            print(f"[bench] {name} done in {time.perf_counter() - t0:.0f} s", file=sys.stderr,
                  flush=True)
    minutes = (time.perf_counter() - started) / 60
    runs = f"{args.runs}, each subject alternating with its baseline in one loop"
    if args.runs < DEFAULT_RUNS:
        runs += f" (fewer than the {DEFAULT_RUNS} a quotable figure needs)"
    settings = {
        "runs per figure": runs,
        "figures": "all" if names == list(FIGURES) else "only " + ", ".join(names)
        + " (partial run)",
        "load average (1 min)": f"{load_start} at start, {load_average()} at end",
        "duration": f"{minutes:.1f} min",
    }
    text = render(info, settings, groups)
    args.out.write_text(text, encoding="utf-8", newline="\n")
    print(text)
    print(f"[bench] wrote {args.out}", file=sys.stderr)
    return 1 if any(r.failed for g in groups for r in g.rows) else 0


if __name__ == "__main__":
    sys.exit(main())
