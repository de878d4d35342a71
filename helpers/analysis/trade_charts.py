"""Charts of the trade statistics (notebook 03; the partner's series in 04, the peers in 06):
totals over time with the dated agreements, the leading partners, shares by region, and the
two reports of each flow against the band where they agree.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from helpers.analysis import style
from helpers.analysis.trade import FLOW_WORDS, SCALE_FACTORS
from helpers.core import places
from helpers.core.schema import MIRROR_BAND

# the trade table counts US$ millions: a scale's divisor from the one table of scales
SCALE_DIVISORS = {scale: factor / 1e6 for scale, factor in SCALE_FACTORS.items()}
FLOW_COLORS = {"export": style.BLUE, "import": style.ORANGE, "two-way": style.BLACK}


def _axis(scale: str) -> str:
    return f"US$ {scale} (current prices)"


def totals_chart(totals: pd.DataFrame, agreements: pd.DataFrame, scale: str, title: str,
                 note: str):
    """Exports and imports with the world per year; years the IMF estimated drawn as open
    markers; each dated agreement a dotted line, labelled when there are few."""
    fig, ax = plt.subplots(figsize=(10, 4.6))
    div = SCALE_DIVISORS[scale]
    for flow in ("export", "import"):
        t = totals[totals["flow"] == flow]
        if t.empty:
            continue
        ax.plot(t["year"], t["value_usd_million"] / div, color=FLOW_COLORS[flow], lw=2,
                label=f"{FLOW_WORDS[flow]} ({'FOB' if flow == 'export' else 'CIF'})")
        est = t[t["estimated"]]
        if len(est):
            ax.plot(est["year"], est["value_usd_million"] / div, ls="none", marker="o",
                    mfc="white", color=FLOW_COLORS[flow], label=f"{FLOW_WORDS[flow]}: IMF "
                    "estimate")
    if totals.empty:
        style.empty(ax, "no totals reported in these years")
    top = ax.get_ylim()[1]
    by_year = agreements.groupby("year")["partner_iso3"].agg(
        lambda s: ", ".join(dict.fromkeys(places.name_of(i) for i in s)))
    for year, names in by_year.items():  # one line and one upright label per year
        ax.axvline(year, color=style.GREY, ls=":", lw=1)
        ax.text(year - 0.3, top * 0.98, style.wrap(f"agreement: {names}", 40), rotation=90,
                fontsize=6.5, color="#555555", va="top", ha="right")
    ax.set_ylim(0, top)
    ax.set_xlabel("Year")
    ax.set_ylabel(_axis(scale))
    ax.legend(loc="upper left", frameon=False)
    style.finish(fig, title, note)
    return fig


def partners_chart(series: pd.DataFrame, partners: list[str], changes: pd.DataFrame,
                   scale: str, flow: str, title: str, note: str):
    """One line per partner; each year a new partner took the lead is marked and labelled."""
    fig, ax = plt.subplots(figsize=(10, 4.8))
    div = SCALE_DIVISORS[scale]
    for i, iso3 in enumerate(partners):
        s = series[series["partner_iso3"] == iso3]
        color = style.STRONG[i % len(style.STRONG)]
        ax.plot(s["year"], s["value_usd_million"] / div, lw=2, color=color,
                marker=style.MARKERS[i % len(style.MARKERS)], markevery=10, ms=5,
                label=places.name_of(iso3))
    if not partners:
        style.empty(ax, "no partner with trade in these years")
    shown = changes[changes["partner_iso3"].isin(partners)].merge(
        series, on=["partner_iso3", "year"])
    if len(shown):  # the years are in the text beside the chart: a mark, no crowded labels
        ax.plot(shown["year"], shown["value_usd_million"] / div, ls="none", marker="*",
                ms=13, mfc="none", mec=style.BLACK, label="a new partner takes the lead")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Year")
    ax.set_ylabel(f"{FLOW_WORDS[flow].capitalize()}, {_axis(scale)}")
    ax.legend(loc="upper left", frameon=False, ncols=2)
    style.finish(fig, title, note)
    return fig


def regions_chart(shares: pd.DataFrame, title: str, note: str):
    """The share of each region in the year's trade, stacked to 100 %."""
    fig, ax = plt.subplots(figsize=(10, 4.4))
    wide = shares.pivot_table(index="year", columns="region", values="share", aggfunc="sum",
                              observed=True).fillna(0.0)
    order = [r for r in style.REGION_COLORS if r in wide.columns]
    if wide.empty:
        style.empty(ax, "no trade by region in these years")
    else:
        ax.stackplot(wide.index, *(wide[r] * 100 for r in order), labels=order,
                     colors=[style.REGION_COLORS[r] for r in order], alpha=0.9)
        ax.set_xlim(wide.index.min(), wide.index.max())
    ax.set_ylim(0, 100)
    ax.set_xlabel("Year")
    ax.set_ylabel("Share of the year's trade with countries (%)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    style.finish(fig, title, note)
    return fig


def mirror_chart(m: pd.DataFrame, partners: list[str], subject: str, title: str, note: str,
                 band: tuple[float, float] = MIRROR_BAND):
    """Importer's CIF over exporter's FOB per year, for the subject's exports and imports
    with each partner (log scale, the band where the two reports agree shaded); values
    outside the band drawn in vermilion."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), sharey=True)
    rated = m.dropna(subset=["ratio"])
    rated = rated[rated["partner_iso3"].isin(partners) & (rated["ratio"] > 0)]
    for ax, flow, words in ((axes[0], "export", f"{subject}'s exports"),
                            (axes[1], "import", f"{subject}'s imports")):
        ax.axhspan(*band, color=style.GREEN, alpha=0.15, lw=0,
                   label=f"agree ({band[0]:.2f}–{band[1]:.2f})")
        ax.axhline(1.0, color=style.GREY, lw=0.8)
        f = rated[rated["flow"] == flow]
        for i, iso3 in enumerate(partners):
            s = f[f["partner_iso3"] == iso3]
            if s.empty:
                continue
            ax.plot(s["year"], s["ratio"], lw=1, color=style.STRONG[i % len(style.STRONG)],
                    alpha=0.8,
                    marker=style.MARKERS[i % len(style.MARKERS)], ms=3,
                    label=places.name_of(iso3))
            out = s[s["disagrees"]]
            ax.plot(out["year"], out["ratio"], ls="none", marker="x", ms=4,
                    color=style.VERMILION)
        if f.empty:
            style.empty(ax, "no year with both reports")
        ax.set_yscale("log")
        ax.set_title(f"Of {words}", fontsize=9)
        ax.set_xlabel("Year")
    axes[0].set_ylabel("CIF report ÷ FOB report (log scale)")
    axes[1].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7)
    style.finish(fig, title, note)
    return fig


def facts_chart(series: dict[str, pd.DataFrame], facts: pd.DataFrame, title: str, note: str):
    """A partner's two-way trade as each side reports it, with the text sources' figures as
    points labelled by what they match."""
    fig, ax = plt.subplots(figsize=(10, 4.4))
    for i, (label, s) in enumerate(series.items()):
        ax.plot(s["year"], s["value_usd_million"] / 1e3, lw=2,
                color=(style.BLUE, style.ORANGE)[i % 2], label=label)
    for r in facts.itertuples(index=False):
        ax.plot(r.year, r.value / 1e9, marker="D", ms=8, color=style.VERMILION, ls="none")
        ax.annotate(style.wrap(f"{r.year}: {r.decision.split(':')[0]}", 30),
                    (r.year, r.value / 1e9), xytext=(-10, 14), textcoords="offset points",
                    fontsize=7, ha="right", color=style.VERMILION)
    if len(facts):
        ax.plot([], [], marker="D", ls="none", color=style.VERMILION, label="figure of the text")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Year")
    ax.set_ylabel("Two-way trade, US$ billions (current prices)")
    ax.legend(loc="upper left", frameon=False)
    style.finish(fig, title, note)
    return fig
