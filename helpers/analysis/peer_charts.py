"""The charts of the peer comparison (notebook 06) and of the chiefs of mission (04), drawn in
the one style of helpers.analysis.style from the tables helpers.analysis.peers computes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from helpers.analysis import geo, peers, style
from helpers.core import places
from helpers.core.schema import POST_TYPES, REGIONS

MAP_COLORS = {"subject": "#000000", "resident": "#0072B2", "non-resident": "#E69F00",
              "none": "#EEEEEE"}


def abroad_chart(abroad: pd.DataFrame, note: str):
    """Posts abroad by region, one panel per country, bars stacked by post type."""
    countries = list(dict.fromkeys(abroad["sending_iso3"]))
    fig, axes = plt.subplots(1, len(countries), figsize=(2.3 * len(countries) + 1.5, 3.8),
                             sharey=True, squeeze=False)
    for ax, iso3 in zip(axes[0], countries, strict=True):
        own = abroad[abroad["sending_iso3"] == iso3].set_index("region")[list(POST_TYPES)]
        bottom = pd.Series(0, index=own.index)
        for kind in POST_TYPES:
            ax.bar(own.index, own[kind], bottom=bottom, color=style.POST_COLORS[kind],
                   label=kind)
            bottom = bottom + own[kind]
        ax.set_title(places.name_of(iso3), fontsize=10)
        ax.tick_params(axis="x", rotation=60)
    axes[0][0].set_ylabel("posts (embassies, consulates, ...)")
    axes[0][-1].legend(title="post type", loc="upper left", bbox_to_anchor=(1.02, 1))
    style.finish(fig, "Posts abroad by region and type", note)
    return fig


def shares_chart(shares: pd.DataFrame, note: str):
    """Share of each network in each region, grouped bars."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    countries = list(shares.index)
    width = 0.8 / max(len(REGIONS), 1)
    for i, region in enumerate(REGIONS):
        values = shares[region].fillna(0).astype(float)
        ax.bar([k + i * width for k in range(len(countries))], values, width,
               color=style.REGION_COLORS[region], label=region)
    ax.set_xticks([k + 0.4 - width / 2 for k in range(len(countries))],
                  [places.name_of(c) for c in countries])
    ax.set_ylabel("share of the country's posts (%)")
    ax.legend(title="region", loc="upper left", bbox_to_anchor=(1.02, 1))
    style.finish(fig, "Where each network is: share of posts per region", note)
    return fig


def received_chart(table: pd.DataFrame, note: str):
    """Posts received by type, and non-resident accreditations, per country."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    labels = [places.name_of(c) for c in table["country"]]
    left = pd.Series(0, index=table.index)
    for kind in POST_TYPES:
        ax.barh(labels, table[kind], left=left, color=style.POST_COLORS[kind], label=kind)
        left = left + table[kind]
    ax.barh(labels, table["non-resident accreditations"], left=left, color="#FFFFFF",
            edgecolor=MAP_COLORS["non-resident"], hatch="//", label="non-resident accreditation")
    ax.invert_yaxis()
    ax.set_xlabel("posts of other countries (number)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    style.finish(fig, "Posts received, and accreditations from posts elsewhere", note)
    return fig


def maps_chart(register: pd.DataFrame, countries: list[str], note: str):
    """One small world map per country: where it keeps posts, and where it is accredited."""
    from matplotlib.collections import PathCollection
    from matplotlib.patches import Patch
    from matplotlib.path import Path as MplPath

    cols = min(3, len(countries))
    rows = -(-len(countries) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.0 * rows + 1.2), squeeze=False)
    land = [(s.iso3, [r for r in (geo.simplify(r, 1.0) for r in s.rings
                                  if abs(geo.ring_area(r)) >= 4.0) if len(r) >= 4])
            for s in geo.shapes()]
    for ax, iso3 in zip(axes.flat, countries, strict=False):
        kinds = peers.network_map(register, iso3)
        paths = [MplPath.make_compound_path(*(MplPath(r, closed=True) for r in rings))
                 for _, rings in land if rings]
        colors = [MAP_COLORS[kinds.get(code, "none")] for code, rings in land if rings]
        ax.add_collection(PathCollection(paths, facecolors=colors, edgecolors="#FFFFFF",
                                         linewidths=0.2))
        ax.set_xlim(-170, 180)
        ax.set_ylim(-58, 84)
        ax.set_axis_off()
        ax.set_title(places.name_of(iso3), fontsize=9)
    for ax in list(axes.flat)[len(countries):]:
        ax.set_visible(False)
    fig.legend(handles=[Patch(color=MAP_COLORS[k], label=label) for k, label in (
        ("subject", "the country"), ("resident", "a post there"),
        ("non-resident", "accredited from a post elsewhere"))], loc="lower right", ncol=3,
        fontsize=7, frameon=False)
    style.finish(fig, "Each network on the map", note + " " + geo.data_credit())
    return fig


_RANK_COLORS = {1: "#E69F00", 2: "#56B4E9", 3: "#0072B2"}


def chiefs_chart(timeline: pd.DataFrame, title: str, note: str):
    """Who served when: one bar per chief, coloured by rank, ad-interim chiefs hatched; or,
    for a table ``peers.chiefs_shown`` counted by decade, the chiefs who started in each
    decade, stacked by rank. Either way the figure has a bounded size."""
    if "decade" in timeline.columns:
        return _chiefs_by_decade(timeline, title, note)
    if len(timeline) > peers.MAX_CHIEF_BARS:
        raise ValueError(f"{len(timeline)} chiefs: count them by decade first "
                         "(peers.chiefs_shown)")
    colors = _RANK_COLORS
    fig, ax = plt.subplots(figsize=(9, max(3.0, 0.11 * len(timeline) + 1.6)))
    for i, r in enumerate(timeline.itertuples(index=False)):
        ax.barh(i, max(r.end_year - r.start_year, 0.3), left=r.start_year,
                color=colors.get(int(r.cow_level), "#999999"),
                hatch="///" if r.ad_interim else None, edgecolor="#333333", linewidth=0.3)
    ax.set_yticks(range(len(timeline)), list(timeline["person"]), fontsize=5)
    ax.invert_yaxis()
    ax.set_xlabel("year")
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=c, label=f"{k}: {n}") for k, c, n in (
        (1, colors[1], "chargé d'affaires"), (2, colors[2], "minister"),
        (3, colors[3], "ambassador"))] + [Patch(facecolor="#FFFFFF", edgecolor="#333333",
                                                 hatch="///", label="ad interim")],
        title="COW level", loc="upper left", bbox_to_anchor=(1.02, 1))
    style.finish(fig, title, note)
    return fig


def _chiefs_by_decade(counted: pd.DataFrame, title: str, note: str):
    """Chiefs who started in each decade, stacked by COW level (ad interim apart, hatched)."""
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(9, 4.2))
    decades = sorted(counted["decade"].unique())
    bottom = pd.Series(0, index=decades)
    for (level, interim), group in counted.groupby(["cow_level", "ad_interim"], sort=True):
        heights = group.set_index("decade")["chiefs"].reindex(decades, fill_value=0)
        ax.bar(decades, heights, bottom=bottom, width=8,
               color=_RANK_COLORS.get(int(level), "#999999"),
               hatch="///" if interim else None, edgecolor="#333333", linewidth=0.3)
        bottom = bottom + heights
    ax.set_xlabel("decade the chief started")
    ax.set_ylabel("chiefs of mission")
    ax.legend(handles=[Patch(color=c, label=f"{k}: {n}") for k, c, n in (
        (1, _RANK_COLORS[1], "chargé d'affaires"), (2, _RANK_COLORS[2], "minister"),
        (3, _RANK_COLORS[3], "ambassador"))] + [Patch(facecolor="#FFFFFF", edgecolor="#333333",
                                                       hatch="///", label="ad interim")],
        title="COW level", loc="upper left", bbox_to_anchor=(1.02, 1))
    style.finish(fig, f"{title}, by decade ({int(counted['chiefs'].sum()):,} chiefs)", note)
    return fig

