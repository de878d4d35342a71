"""results.md: the machine, then one markdown table per figure group, always the same columns."""

from __future__ import annotations

from benchmarks.harness import Stats
from benchmarks.registry import Group, Row

COLUMNS = ("measurement", "median", "min–max", "baseline median", "ratio", "target", "result")
_ALIGN = ("---", "---:", "---:", "---:", "---:", "---", "---")


def seconds(value: float, unit: str) -> str:
    return f"{value * 1000:.2f} ms" if unit == "ms" else f"{value:.3f} s"


def spread(stats: Stats, unit: str) -> str:
    low, high = seconds(stats.min, unit), seconds(stats.max, unit)
    return f"{low.split()[0]}–{high}"


def row_cells(row: Row) -> tuple[str, ...]:
    if row.stats is None:
        return (row.label, "—", "—", "—", "—", row.target or "—", f"{row.verdict}: {row.note}")
    return (
        row.label,
        seconds(row.stats.median, row.unit),
        spread(row.stats, row.unit),
        seconds(row.baseline.median, row.unit) if row.baseline else "—",
        f"{row.ratio:.2f}" if row.ratio is not None else "—",
        row.target or "—",
        row.verdict,
    )


def _table(header: tuple[str, ...], align: tuple[str, ...], rows: list[tuple[str, ...]]):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return lines


def render(info: dict[str, str], settings: dict[str, str], groups: list[Group]) -> str:
    out = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m benchmarks.run`); do not edit by hand. What each "
        "figure measures and how to read it: [README.md](README.md).",
        "",
        "## Machine and run",
        "",
        *_table(("", ""), ("---", "---"), list({**info, **settings}.items())),
        "",
        "## Targets",
        "",
        *_table(("figure", "measurement", "target", "measured", "result"),
                ("---", "---", "---", "---:", "---"),
                [(g.title, r.label, r.target or "—", _measured(r), r.verdict)
                 for g in groups for r in g.rows if r.target or r.verdict in ("SKIP", "FAIL")]),
    ]
    for group in groups:
        out += ["", f"## {group.title}", "", group.what, "",
                *_table(COLUMNS, _ALIGN, [row_cells(r) for r in group.rows])]
        if group.notes:
            out += ["", *(f"- {n}" for n in group.notes)]
    return "\n".join(out) + "\n"


def _measured(row: Row) -> str:
    if row.stats is None:
        return row.note
    if row.ratio is not None:
        return f"ratio {row.ratio:.2f}"
    return f"median {seconds(row.stats.median, row.unit)}"
