"""Every chart of the notebooks, drawn in the one style of helpers.analysis.style.

Each function takes the table a notebook computed (helpers.analysis.compute, profile, quality)
and returns a matplotlib figure with a title, labelled axes and a source note; the notebook
shows and saves it with helpers.analysis.display.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch

from helpers.analysis import compute, style
from helpers.analysis.timelines import (  # noqa: F401 - the notebooks draw them as charts.*
    cumulative_relations,
    event_lanes,
    partner_name,
    partner_timeline,
    relations_timeline,
)


def posts_by_region(tables: dict[str, pd.DataFrame], note: str):
    """Stacked bars of posts per region and post type, one panel per direction."""
    fig, axes = plt.subplots(1, len(tables), figsize=(5 * len(tables) + 1, 4.2), squeeze=False,
                             sharey=True)
    for ax, (title, table) in zip(axes[0], tables.items(), strict=True):
        bottom = pd.Series(0, index=table.index)
        for col in table.columns:
            if table[col].sum() == 0:
                continue
            ax.bar(table.index, table[col], bottom=bottom, color=style.POST_COLORS[col], label=col,
                   hatch="//" if col == "closed" else None, edgecolor="white")
            bottom += table[col]
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("Region of the partner")
        ax.tick_params(axis="x", rotation=20)
    axes[0][0].set_ylabel("Posts (count)")
    handles = [Patch(facecolor=style.POST_COLORS[c], hatch="//" if c == "closed" else None,
                     label=c) for c in style.POST_COLORS
               if any(c in t.columns and t[c].sum() for t in tables.values())]
    axes[0][-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1),
                       frameon=False)
    style.finish(fig, "Diplomatic posts by region and type (closed posts hatched)", note)
    return fig


def coverage_bars(shares: dict[str, pd.DataFrame], counts: dict[str, pd.Series], note: str):
    """100% horizontal bars: share of listed partners at each coverage level, per region."""
    fig, axes = plt.subplots(1, len(shares), figsize=(5 * len(shares) + 1, 3.6), squeeze=False,
                             sharey=True)
    for ax, (title, table) in zip(axes[0], shares.items(), strict=True):
        left = pd.Series(0.0, index=table.index)
        for level in table.columns:
            ax.barh(table.index, table[level] * 100, left=left * 100,
                    color=style.LEVEL_COLORS[level], label=level, edgecolor="white")
            left += table[level]
        n = counts[title]
        ax.set_yticks(range(len(table.index)),
                      [f"{r} (n={n.get(r, 0)})" for r in table.index])
        ax.set_xlim(0, 100)
        ax.invert_yaxis()
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("Share of listed partners (%)")
    axes[0][0].set_ylabel("Region (listed partners)")
    axes[0][-1].legend(handles=[Patch(facecolor=c, label=lvl) for lvl, c in
                                style.LEVEL_COLORS.items()], loc="upper left",
                       bbox_to_anchor=(1.01, 1), frameon=False)
    style.finish(fig, "Coverage: how each listed partner is represented", note)
    return fig


def hub_bars(hubs: pd.DataFrame, note: str, subject: str):
    """Third-country cities carrying non-resident accreditation, by partners served."""
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.45 * len(hubs) + 1.5)))
    if hubs.empty:
        style.empty(ax, "no non-resident accreditation for these parameters")
    colors = {"abroad": "#E69F00", "inward": "#0072B2"}
    labels = [f"{r.city} ({r.country})" for r in hubs.itertuples(index=False)]
    ax.barh(range(len(hubs)), hubs["partners"],
            color=[colors[d] for d in hubs["direction"]])
    ax.set_yticks(range(len(hubs)), labels)
    ax.invert_yaxis()
    xmax = (hubs["partners"].max() if len(hubs) else 1) + 2
    ax.set_xlim(0, xmax)
    if len(hubs):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Partners served from the city (count)")
    ax.set_ylabel("Hub city (country)")
    ax.legend(handles=[Patch(facecolor=colors["abroad"],
                             label=f"{compute.possessive(subject)} post, accredited to"),
                       Patch(facecolor=colors["inward"], label="partner's post, accredited "
                             f"to {subject}")], loc="lower right")
    style.finish(fig, "Accreditation hubs: non-resident posts by city", note)
    width = ax.get_position().width * fig.get_size_inches()[0]  # known once laid out
    for i, r in enumerate(hubs.itertuples(index=False)):
        room = int(width * (1 - (r.partners + 0.05) / xmax) / (7 * style.EM))
        ax.text(r.partners + 0.05, i, _fit(r.served, room), va="center", fontsize=7)
    return fig


def _fit(listed: str, room: int) -> str:
    """A comma-separated list cut to ``room`` characters, saying how many it leaves out (the
    table under the chart lists them all): the label stays inside the chart."""
    if len(listed) <= room:
        return listed
    names = listed.split(", ")
    for keep in range(len(names) - 1, -1, -1):
        text = ", ".join(names[:keep]) + f"{', ' if keep else ''}and {len(names) - keep} more"
        if len(text) <= room:
            return text
    return f"{len(names)} partners"


def partner_posts(posts: pd.DataFrame, sides: dict[str, str], title: str, note: str):
    """Every post between the subject and one partner, one block per post, labelled by city.

    One bar per direction (``sides``: direction -> label); a closed post is hatched, a
    non-resident post (in a third country) dotted and labelled with that country.
    """
    fig, ax = plt.subplots(figsize=(9, 3.2))
    for i, direction in enumerate(sides):
        side = posts[posts["direction"] == direction]
        for j, r in enumerate(side.itertuples(index=False)):
            hatch = "//" if r.status == "closed" else ".." if not r.resident else None
            ax.barh(i, 1, left=j, color=style.POST_COLORS[r.post_type], hatch=hatch,
                    edgecolor="white", linewidth=1.5)
            text = r.city + ("" if r.resident else f"\n({r.city_country})") + (
                f"\nclosed {r.status_year}" if r.status == "closed" and pd.notna(
                    r.status_year) else "")
            ax.text(j + 0.5, i, text, ha="center", va="center", fontsize=7,
                    color="white" if r.post_type == "embassy" else "#111111",
                    bbox=dict(boxstyle="round,pad=0.2", fc=style.POST_COLORS[r.post_type],
                              ec="none"))
    widest = int(posts["direction"].value_counts().max()) if len(posts) else 1
    ax.set_xlim(0, max(widest, 3))
    ax.set_yticks(range(len(sides)), [style.wrap(label, 24) for label in sides.values()])
    ax.set_ylim(len(sides) - 0.4, -0.6)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("Posts (count; one block per post)")
    ax.set_ylabel("Direction")
    types = [t for t in style.POST_COLORS if t in set(posts["post_type"].astype(str))]
    handles = [Patch(facecolor=style.POST_COLORS[t], label=t) for t in types]
    if (posts["status"] == "closed").any():
        handles.append(Patch(facecolor="#777777", hatch="//", edgecolor="white", label="closed"))
    if (~posts["resident"].astype(bool)).any():
        handles.append(Patch(facecolor="#777777", hatch="..", edgecolor="white",
                             label="non-resident (in a third country)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    style.finish(fig, title, note)
    return fig


def _stacked_barh(ax, table: pd.DataFrame, colors: dict[str, str]) -> None:
    """Horizontal bars of ``table`` (index = bars, columns = segments), counts written in."""
    left = pd.Series(0, index=table.index)
    longest = max(float(table[list(colors)].sum(axis=1).max()), 1.0)
    for col, color in colors.items():
        ax.barh(range(len(table)), table[col], left=left, color=color, label=col,
                edgecolor="white")
        for i, (x, n) in enumerate(zip(left, table[col], strict=True)):
            # a count is written inside its segment only where it fits (about 3 % of the
            # longest bar per digit); the table beside the chart holds every count
            if n and n / longest >= 0.03 * len(str(int(n))):
                ax.text(x + n / 2, i, str(int(n)), ha="center", va="center", fontsize=7,
                        color="white" if color in ("#0072B2",) else "#111111")
        left += table[col]
    ax.set_yticks(range(len(table)), [str(i) for i in table.index])
    ax.invert_yaxis()


def statement_status(by_source: pd.DataFrame, by_area: pd.DataFrame, note: str):
    """Statements represented and unparsed, per source file and per table region."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6),
                             gridspec_kw={"width_ratios": [1, 1.2]})
    for ax, table, title, label in ((axes[0], by_source, "per source file", "Source file"),
                                    (axes[1], by_area, "per region of the article's tables",
                                     "Region (or outside the tables)")):
        if table.empty:
            style.empty(ax, "no statements for these parameters")
        else:
            _stacked_barh(ax, table.set_index(table.columns[0]), style.STATUS_COLORS)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("Statements (count)")
        ax.set_ylabel(label)
    axes[1].legend(handles=[Patch(facecolor=c, label=s) for s, c in style.STATUS_COLORS.items()],
                   loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    style.finish(fig, "Statements read: represented in a table, or unparsed with a reason", note)
    return fig


def precision_bars(table: pd.DataFrame, note: str):
    """Table rows per region by the precision of the date relations began."""
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(table) + 1.9))
    if table.empty:
        style.empty(ax, "no table rows for these parameters")
    else:
        _stacked_barh(ax, table.set_index("region"), style.PRECISION_COLORS)
    ax.set_xlabel("Rows of the bilateral tables (count)")
    ax.set_ylabel("Region")
    ax.legend(handles=[Patch(facecolor=c, label=p) for p, c in style.PRECISION_COLORS.items()],
              title="date known to the", title_fontsize=8, loc="upper left",
              bbox_to_anchor=(1.01, 1), frameon=False)
    style.finish(fig, "How precisely the sources date the start of relations", note)
    return fig




def representation_levels(levels: pd.DataFrame, sides: dict[str, str], title: str, note: str,
                          end_year: int):
    """Diplomatic representation over time as steps, one line per direction (``sides``).

    The y axis is the Correlates of War Diplomatic Exchange level (1 chargé d'affaires,
    2 minister, 3 ambassador); each stated change is a marker labelled with its date and
    level, and the last level is carried to ``end_year``. A level whose envoy's rank is not
    stated (a legation) is drawn at 1 with an open marker.
    """
    fig, ax = plt.subplots(figsize=(9, 3.4))
    if levels.empty:
        style.empty(ax, "the sources state no level of representation")
    for n, (direction, label) in enumerate(sides.items()):
        side = levels[levels["direction"] == direction].sort_values("year")
        if side.empty:
            continue
        color = style.DIRECTION_COLORS[direction]
        y = side["cow_level"].astype("Float64").fillna(1).astype(float).tolist()
        x = side["year"].tolist()
        ax.step(x + [max(end_year, x[-1])], y + [y[-1]], where="post", color=color, lw=2,
                label=label)
        said: set[tuple[float, float, str]] = set()  # two sources of one change: one label
        for r, yy in zip(side.itertuples(index=False), y, strict=True):
            known = pd.notna(r.cow_level)
            ax.plot(r.year, yy, marker=style.PRECISION_MARKERS[r.precision], ms=7, color=color,
                    markerfacecolor=color if known else "white", markeredgewidth=1.5)
            rank = r.envoy_rank if pd.notna(r.envoy_rank) else "rank not stated"
            text = f"{r.from_date}: {r.level}\n({rank})"
            if (r.year, yy, text) in said:
                continue
            said.add((r.year, yy, text))
            # one side's labels above its steps, the other's below: two sides on one level
            # in the same years are not written over each other
            ax.annotate(text, (r.year, yy), xytext=(4, 6) if n % 2 == 0 else (4, -6),
                        va="bottom" if n % 2 == 0 else "top", textcoords="offset points",
                        fontsize=7, color="#333333")
    if len(levels):
        ax.set_xlim(levels["year"].min() - 5, max(end_year, levels["year"].max()) + 5)
    ax.set_ylim(0.5, 3.7)
    ax.set_yticks(list(style.COW_LABELS), list(style.COW_LABELS.values()))
    ax.set_xlabel("Year (calendar year)")
    ax.set_ylabel("Head of mission (COW level)")
    if len(levels):
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    style.finish(fig, title, note)
    return fig
