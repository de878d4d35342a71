"""The charts over time: when relations began, their growth, dated events per partner and one
partner's events, drawn in the one style of helpers.analysis.style (shown by the notebooks
as ``charts.*``). Axes span the dates drawn, not the parameters' years; labels that would
overlap are placed apart or left out, and the chart says how many.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from helpers.analysis import compute, style

UNIDENTIFIED_LABEL = "unidentified partner"


def partner_name(label: str) -> str:
    """A partner's label for a reader: '(unidentified) line 38' -> 'unidentified partner
    (row on line 38)'; a named partner as it is."""
    if str(label).startswith(compute.UNIDENTIFIED):
        rest = str(label)[len(compute.UNIDENTIFIED):].strip()
        return f"{UNIDENTIFIED_LABEL} (row on {rest})" if rest else UNIDENTIFIED_LABEL
    return str(label)


def _span(values, pad_share: float = 0.04, least: float = 2.0) -> tuple[float, float]:
    """Axis limits that span the data with a small margin (never the parameters' years)."""
    lo, hi = float(min(values)), float(max(values))
    pad = max(least, (hi - lo) * pad_share)
    return lo - pad, hi + pad


def relations_timeline(dated: pd.DataFrame, note: str, start: int, end: int, subject: str):
    """When relations began with each partner: colour = region, marker = date precision.

    A date known only to the year is drawn as an open square at mid-year; a month as a
    diamond; a day as a dot. A caveat (e.g. relations renewed, not begun) is labelled. The axis
    spans the dates drawn; a label sits right of its marker, or left of it in the right half.
    A partner the sources do not name is grey, "unidentified partner" in the key.
    """
    height = max(2.5, 0.28 * len(dated) + 1.4)
    fig, ax = plt.subplots(figsize=(9, height))
    if dated.empty:
        style.empty(ax, "no dated relations for these parameters")
        lo, hi = start, end + 1
    else:
        lo, hi = _span(dated["year"], 0.03)
    middle = (lo + hi) / 2
    unidentified = False
    for i, r in enumerate(dated.itertuples(index=False)):
        named = r.resolution != "unresolved"
        unidentified |= not named
        color = style.REGION_COLORS[r.region] if named else style.UNIDENTIFIED_COLOR
        marker = style.PRECISION_MARKERS[r.established_precision]
        filled = r.established_precision != "year"
        ax.plot(r.year, i, marker=marker, ms=7, color=color,
                markerfacecolor=color if filled else "white", markeredgewidth=1.5)
        text = partner_name(r.label) + (" (renewed; began earlier)"
                                        if pd.notna(r.established_caveat) else "")
        if r.resolution == "inferred":
            text += " (inferred)"
        right = r.year <= middle
        ax.text(r.year + (1.0 if right else -1.0), i, text, va="center", fontsize=7.5,
                ha="left" if right else "right")
    ax.set_ylim(-1, max(len(dated), 1))
    ax.invert_yaxis()
    ax.set_yticks([])
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Year relations began (calendar year); one row per partner")
    regions = set(dated["region"].astype(str)[dated["resolution"] != "unresolved"])
    handles = [Line2D([], [], marker="o", ls="", color=c, label=reg)
               for reg, c in style.REGION_COLORS.items() if reg in regions]
    if unidentified:
        handles.append(Line2D([], [], marker="o", ls="", color=style.UNIDENTIFIED_COLOR,
                              label=UNIDENTIFIED_LABEL))
    handles += [Line2D([], [], marker="o", ls="", color="#444444", label="exact day"),
                Line2D([], [], marker="D", ls="", color="#444444", label="month only"),
                Line2D([], [], marker="s", ls="", color="#444444", markerfacecolor="white",
                       label="year only")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    style.finish(fig, f"When {compute.possessive(subject)} relations began, by partner", note)
    return fig


def cumulative_relations(table: pd.DataFrame, note: str, start: int, end: int):
    """Cumulative number of partners with a known start date, per region (step lines)."""
    fig, ax = plt.subplots(figsize=(9, 4))
    if table.empty:
        style.empty(ax, "no dated relations for these parameters")
    else:
        last = int(table["year"].max()) + 1
        years = list(table["year"]) + [last]
        for region in [c for c in table.columns if c != "year"]:
            values = list(table[region]) + [table[region].iloc[-1]]
            ax.step(years, values, where="post", color=style.REGION_COLORS[region], lw=2,
                    label=region)
        ax.set_xlim(*_span(years, 0.02, 1.0))
        ax.set_ylim(0, None)
        ax.legend(loc="upper left")
    ax.set_xlabel("Year (calendar year)")
    ax.set_ylabel("Partners with relations (count)")
    style.finish(fig, "Relations established over time, cumulative, per region", note)
    return fig


def event_lanes(lanes: pd.DataFrame, note: str, start: int, end: int):
    """One lane per partner, one marker per dated event; periods drawn as a line to their end."""
    labels = list(dict.fromkeys(lanes["label"]))
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.32 * len(labels) + 1.6)))
    drawn = pd.concat([lanes["year"], lanes["end_year"]]).dropna()
    if lanes.empty:
        style.empty(ax, "no events for these parameters")
    y = {label: i for i, label in enumerate(labels)}
    for r in lanes.itertuples(index=False):
        marker, color = style.KIND_MARKERS[r.kind]
        if pd.notna(r.end_year):
            ax.plot([r.year, r.end_year], [y[r.label]] * 2, color=color, lw=2, alpha=0.6)
        filled = r.precision != "year"
        ax.plot(r.year, y[r.label], marker=marker, ms=8, ls="", color=color,
                markerfacecolor=color if filled else "white", markeredgewidth=1.4)
    ax.set_yticks(range(len(labels)), [partner_name(label) for label in labels])
    ax.set_ylim(len(labels) - 0.5 if labels else 1, -0.5)
    ax.set_xlim(*(_span(drawn, 0.03, 1.0) if len(drawn) else (start, end + 1)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Year (calendar year; open marker = known only to the year)")
    ax.set_ylabel("Partner")
    kinds = [k for k in style.KIND_MARKERS if k in set(lanes["kind"].astype(str))]
    ax.legend(handles=[Line2D([], [], marker=style.KIND_MARKERS[k][0], ls="",
                              color=style.KIND_MARKERS[k][1], label=k) for k in kinds],
              loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    style.finish(fig, "Dated events per partner", note)
    return fig


def date_labels(years: list[float], texts: list[str], years_per_inch: float,
                size: float = 7.0) -> list[int | None]:
    """Where each date label goes without touching another: 0 above the marker, 1 below, or
    None (left out; the table under the chart lists every date). Greedy, left to right, so
    the same events always give the same labels."""
    ends = [-float("inf"), -float("inf")]  # right edge (years) of the last label per level
    out: list[int | None] = [None] * len(years)
    for i in sorted(range(len(years)), key=lambda i: (years[i], texts[i])):
        half = len(texts[i]) * size * style.EM / 2 * years_per_inch * 1.15
        for level in (0, 1):
            if years[i] - half > ends[level]:
                out[i], ends[level] = level, years[i] + half
                break
    return out


def partner_timeline(events: pd.DataFrame, subject: str, name: str, note: str):
    """One partner's dated events: one lane per kind, each marker labelled with its date.

    A date known only to the year is an open marker; a period is drawn as a line to its end.
    Labels go above or below their marker; one that would touch another is left out and
    the chart says how many (:func:`date_labels`).
    """
    kinds = [k for k in style.KIND_MARKERS if k in set(events["kind"].astype(str))]
    fig, ax = plt.subplots(figsize=(9, 1.9 + 0.75 * len(kinds)))
    y = {k: i for i, k in enumerate(kinds)}
    ends = pd.concat([events["year"], events["end_year"]]).dropna()
    lo, hi = _span(ends, 0.06, 3.0)
    years_per_inch = (hi - lo) / 7.0  # the axes are about seven inches wide
    left_out = 0
    for kind in kinds:
        lane = events[events["kind"] == kind]
        places = date_labels(list(lane["year"]), [str(d) for d in lane["date"]], years_per_inch)
        for r, level in zip(lane.itertuples(index=False), places, strict=True):
            marker, color = style.KIND_MARKERS[r.kind]
            if pd.notna(r.end_year):
                ax.plot([r.year, r.end_year], [y[r.kind]] * 2, color=color, lw=2, alpha=0.6)
            ax.plot(r.year, y[r.kind], marker=marker, ms=9, ls="", color=color,
                    markerfacecolor=color if r.precision != "year" else "white",
                    markeredgewidth=1.5)
            if level is None:
                left_out += 1
                continue
            ax.annotate(r.date, (r.year, y[r.kind]), xytext=(0, 8 if level == 0 else -14),
                        textcoords="offset points", ha="center", fontsize=7, color="#333333")
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_yticks(range(len(kinds)), kinds)
    ax.set_ylim(len(kinds) - 0.4, -0.6)
    ax.set_xlabel("Year (calendar year; open marker = known only to the year)")
    ax.set_ylabel("Kind of event")
    if left_out:
        ax.text(1.0, 1.01, f"{left_out} date label(s) left out where they would overlap; the "
                "table lists every date", transform=ax.transAxes, ha="right", va="bottom",
                fontsize=6.5, color="#555555")
    style.finish(fig, f"Dated events between {subject} and {name}", note)
    return fig
