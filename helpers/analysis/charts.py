"""Every chart of the notebooks, drawn in one style.

``setup()`` sets the style once: seaborn's white grid, the Okabe–Ito colour-blind-safe palette
with fixed colours per region, post type and event kind, DejaVu Sans (shipped with matplotlib,
so nothing is downloaded) and a fixed SVG hash salt. ``show()`` saves each figure as PNG and
SVG and displays the SVG inline: matplotlib's SVG is byte-stable with a fixed salt and no date,
so nbval compares the drawing itself and a changed chart fails the test.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures are shown as SVG through IPython.display, never a GUI

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from helpers.analysis import compute
from helpers.core import paths  # noqa: E402
from helpers.core.schema import REGIONS  # noqa: E402
from helpers.data import descriptor

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000", "#999999"]
REGION_COLORS = dict(zip(REGIONS, ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#CC79A7"],
                         strict=True))
POST_COLORS = {"embassy": "#0072B2", "consulate-general": "#56B4E9", "consulate": "#009E73",
               "honorary-consulate": "#E69F00", "consular-agency": "#CC79A7",
               "closed": "#999999"}
LEVEL_COLORS = {"resident embassy": "#0072B2", "non-resident accreditation": "#E69F00",
                "other resident post": "#56B4E9", "nothing stated": "#DDDDDD"}
KIND_MARKERS = {"relations-established": ("o", "#0072B2"), "relations-renewed": ("o", "#56B4E9"),
                "recognition": ("*", "#D55E00"), "agreement": ("s", "#009E73"),
                "mission-opened": ("^", "#E69F00"), "mission-closed": ("v", "#000000"),
                "visit": ("P", "#CC79A7"), "membership": ("D", "#999999"),
                "other": ("X", "#999999"),
                "relations-broken": ("X", "#D55E00"), "mission-suspended": ("v", "#999999"),
                "mission-reopened": ("^", "#56B4E9"), "mission-upgraded": ("^", "#0072B2")}
PRECISION_MARKERS = {"day": "o", "month": "D", "year": "s", "decade": "v"}
SVG_SALT = "foreign-relations"


def setup() -> None:
    """The one style of every chart (idempotent)."""
    sns.set_theme(style="whitegrid", context="notebook", palette=OKABE_ITO,
                  font="DejaVu Sans")
    plt.rcParams.update({
        "svg.hashsalt": SVG_SALT,
        "svg.fonttype": "none",  # text stays text: smaller, faster SVG, still byte-stable
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "figure.autolayout": False,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.labelsize": 10,
        "legend.fontsize": 8,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
    })
    _register_table_display()


_NA_CELL = "<td>&lt;NA&gt;</td>"


def table_html(frame: pd.DataFrame) -> str | None:
    """pandas' own HTML of a table (same classes, same truncation), a missing value shown as
    an empty cell: pandas writes ``pd.NA`` as ``<NA>`` whatever ``na_rep`` says."""
    html = frame._repr_html_()
    return None if html is None else html.replace(_NA_CELL, "<td></td>")


def _register_table_display() -> None:
    """Tables the notebooks display show missing values as empty cells, never ``<NA>``.

    Registered on the running IPython kernel's HTML formatter (nothing happens outside one);
    the plain-text repr stays pandas' own, where ``<NA>`` marks a missing value unambiguously.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the notebooks' stack
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, table_html)


def source_note(frame: pd.DataFrame) -> str:
    """'Source: <publisher>, "<title>" (<date>, <licence>)' for the sources a chart uses, as the
    descriptor of the processed tables records them (all of them when the frame names none)."""

    used = set()
    for column in ("source", "established_source"):
        if column in frame:
            used |= set(frame[column].dropna().astype(str))
    sources = sorted(descriptor.sources(), key=lambda s: s["file"])
    rows = [s for s in sources if s["file"] in used] if used else sources
    parts = [f"{s['publisher']}, “{s['title']}” ({s['date']}; {s['licence']}), {s['file']}"
             for s in rows]
    return "Source: " + "; ".join(parts)


def _finish(fig, title: str, note: str) -> None:
    """Title, source note and margins: the one layout of every chart."""
    import textwrap

    width, _ = fig.get_size_inches()
    per_line = int(width / (6.5 * _EM)) - 2
    note = "\n".join(textwrap.wrap(note, per_line))
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    fig.text(0.01, 0.01, note, fontsize=6.5, color="#444444", ha="left", va="bottom")
    _layout(fig, note.count("\n") + 1)


# Margins are estimated from the labels' lengths instead of measured by tight_layout, which
# lays out every text once more: half a second over a notebook of four charts (measured).
_EM = 0.6 / 72  # inches per character per point of font size (DejaVu Sans, generous)


def _text_width(texts: list[str], size: float) -> float:
    return max((len(line) for t in texts for line in str(t).split("\n")), default=0) * size * _EM


def _yaxis_width(ax) -> float:
    if not len(ax.get_yticks()):
        labels: list[str] = []
    else:
        labels = [t.get_text() for t in ax.get_yticklabels()]
        labels = labels if any(labels) else ["00000"]  # numbers: formatted only when drawn
    size = plt.rcParams["ytick.labelsize"]
    size = size if isinstance(size, (int, float)) else 8
    return 0.12 + _text_width(labels, size) + (0.3 if ax.get_ylabel() else 0)


def _legend_width(ax) -> float:
    """Width of a legend placed outside the axes on the right (bbox_to_anchor), else 0."""
    legend = ax.get_legend()
    if legend is None or legend._bbox_to_anchor is None:
        return 0.0
    labels = [t.get_text() for t in legend.get_texts()]
    title = legend.get_title().get_text()
    return 0.55 + max(_text_width(labels, 8), _text_width([title], 9))


def _layout(fig, note_lines: int) -> None:
    width, height = fig.get_size_inches()
    axes = [ax for ax in fig.axes if ax.get_visible()]
    if not axes:
        return
    row = sorted(axes, key=lambda ax: ax.get_position().x0)
    left = max(0.35, _yaxis_width(row[0]))
    right = max(0.3, _legend_width(row[-1]) + 0.1)
    titles = max(ax.get_title().count("\n") + 1 if ax.get_title() else 0 for ax in axes)
    top = 0.55 + 0.2 * titles
    rotated = any(t.get_rotation() for ax in axes for t in ax.get_xticklabels())
    bottom = 0.2 + 0.13 * note_lines + (0.25 if len(axes[0].get_xticks()) else 0)
    bottom += (0.3 if any(ax.get_xlabel() for ax in axes) else 0) + (0.3 if rotated else 0)
    gaps = [max(_yaxis_width(ax), 0.2) + 0.15 + _legend_width(prev)
            for prev, ax in zip(row, row[1:], strict=False)]
    panel = (width - left - right - sum(gaps)) / len(row)
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, top=1 - top / height,
        bottom=min(bottom / height, 0.45),
        wspace=(max(gaps) / panel if gaps and panel > 0 else 0.2),
    )


def show(fig, name: str, output_dir: str | Path) -> None:
    """Save ``fig`` as PNG and SVG in ``output_dir`` and display the SVG inline.

    The PNG is drawn by a forked copy of the process while this one draws the SVG, so the two
    renderings use both cores (measured: the PNG is a third of a chart's cost).
    """
    import io

    from IPython.display import SVG, display

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    _png_in_background(fig, out / f"{name}.png")
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    (out / f"{name}.svg").write_text(svg, encoding="utf-8")
    plt.close(fig)
    display(SVG(data=svg))


_PENDING: list[tuple[int, Path]] = []


def _png_in_background(fig, path: Path) -> None:
    """Write ``fig`` as PNG from a forked child (atomically); in this process where fork is
    missing. At most one child at a time: the previous one is waited for first."""
    import os

    wait()
    if not hasattr(os, "fork"):
        fig.savefig(path, format="png", metadata={"Software": None})
        return
    pid = os.fork()
    if pid == 0:  # the child: draw, write, leave without running any cleanup of the parent's
        code = 1
        try:
            tmp = path.with_name(f".{path.name}.{os.getpid()}")
            fig.savefig(tmp, format="png", metadata={"Software": None})
            os.replace(tmp, path)
            code = 0
        finally:
            os._exit(code)
    _PENDING.append((pid, path))


def wait() -> None:
    """Block until every PNG being written in the background is on disk.

    Every notebook calls it last, so all its files exist when the run ends.
    """
    import os

    while _PENDING:
        pid, path = _PENDING.pop()
        _, status = os.waitpid(pid, 0)
        if status != 0:
            raise RuntimeError(f"could not write {path} (child exit status {status})")


def record(table: pd.DataFrame, name: str, output_dir: str | Path) -> pd.DataFrame:
    """Save the numbers behind a chart as CSV beside it, and return them for display."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
    return table


def output_dir(notebook: str, given: str) -> Path:
    """The folder a notebook saves figures to (made here): its parameter, or
    build/figures/<notebook>. ParameterError naming ``output_dir`` if it cannot be made."""
    from helpers.core.exceptions import ParameterError

    out = Path(given) if given else paths.FIGURES / notebook
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".writable"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ParameterError(f"{notebook}: parameter 'output_dir': cannot write figures to "
                             f"{str(out)!r} ({exc.strerror or exc})") from None
    return out


setup()


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes,
            color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])


# ---------------------------------------------------------------- 01 timeline


def relations_timeline(dated: pd.DataFrame, note: str, start: int, end: int, subject: str):
    """When relations began with each partner: colour = region, marker = date precision.

    A date known only to the year is drawn as an open square at mid-year; a month as a
    diamond; a day as a dot. A caveat (e.g. relations renewed, not begun) is labelled.
    """
    height = max(2.5, 0.28 * len(dated) + 1.4)
    fig, ax = plt.subplots(figsize=(9, height))
    if dated.empty:
        _empty(ax, "no dated relations for these parameters")
    for i, r in enumerate(dated.itertuples(index=False)):
        color = REGION_COLORS[r.region]
        marker = PRECISION_MARKERS[r.established_precision]
        filled = r.established_precision != "year"
        ax.plot(r.year, i, marker=marker, ms=7, color=color,
                markerfacecolor=color if filled else "white", markeredgewidth=1.5)
        text = r.label + (" (renewed; began earlier)" if pd.notna(r.established_caveat) else "")
        if r.resolution != "stated":
            text += f" [{r.resolution}]"
        ax.text(r.year + 1.5, i, text, va="center", fontsize=7.5)
    ax.set_ylim(-1, max(len(dated), 1))
    ax.invert_yaxis()
    ax.set_yticks([])
    ax.set_xlim(start, end + 1 + (end - start) * 0.22)  # room for the last labels
    ax.set_xlabel("Year relations began (calendar year)")
    ax.set_ylabel("Partner (one row each)")
    handles = [Line2D([], [], marker="o", ls="", color=c, label=reg)
               for reg, c in REGION_COLORS.items() if reg in set(dated["region"].astype(str))]
    handles += [Line2D([], [], marker="o", ls="", color="#444444", label="exact day"),
                Line2D([], [], marker="D", ls="", color="#444444", label="month only"),
                Line2D([], [], marker="s", ls="", color="#444444", markerfacecolor="white",
                       label="year only")]
    ax.legend(handles=handles, loc="lower left", ncol=2, frameon=True)
    _finish(fig, f"When {compute.possessive(subject)} relations began, by partner", note)
    return fig


def cumulative_relations(table: pd.DataFrame, note: str, start: int, end: int):
    """Cumulative number of partners with a known start date, per region (step lines)."""
    fig, ax = plt.subplots(figsize=(9, 4))
    if table.empty:
        _empty(ax, "no dated relations for these parameters")
    else:
        years = list(table["year"]) + [end + 1]
        for region in [c for c in table.columns if c != "year"]:
            values = list(table[region]) + [table[region].iloc[-1]]
            ax.step(years, values, where="post", color=REGION_COLORS[region], lw=2,
                    label=region)
        ax.set_xlim(start, end + 1)
        ax.legend(loc="upper left")
    ax.set_xlabel("Year (calendar year)")
    ax.set_ylabel("Partners with relations (count)")
    _finish(fig, "Relations established over time, cumulative, per region", note)
    return fig


def event_lanes(lanes: pd.DataFrame, note: str, start: int, end: int):
    """One lane per partner, one marker per dated event; periods drawn as a line to their end."""
    labels = list(dict.fromkeys(lanes["label"]))
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.32 * len(labels) + 1.6)))
    if lanes.empty:
        _empty(ax, "no events for these parameters")
    y = {label: i for i, label in enumerate(labels)}
    for r in lanes.itertuples(index=False):
        marker, color = KIND_MARKERS[r.kind]
        if pd.notna(r.end_year):
            ax.plot([r.year, r.end_year], [y[r.label]] * 2, color=color, lw=2, alpha=0.6)
        filled = r.precision != "year"
        ax.plot(r.year, y[r.label], marker=marker, ms=8, ls="", color=color,
                markerfacecolor=color if filled else "white", markeredgewidth=1.4)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.5 if labels else 1, -0.5)
    ax.set_xlim(start, end + 1)
    ax.set_xlabel("Year (calendar year; open marker = known only to the year)")
    ax.set_ylabel("Partner")
    kinds = [k for k in KIND_MARKERS if k in set(lanes["kind"].astype(str))]
    ax.legend(handles=[Line2D([], [], marker=KIND_MARKERS[k][0], ls="",
                              color=KIND_MARKERS[k][1], label=k) for k in kinds],
              loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    _finish(fig, "Dated events per partner", note)
    return fig


# ---------------------------------------------------------------- 02 missions


def posts_by_region(tables: dict[str, pd.DataFrame], note: str):
    """Stacked bars of posts per region and post type, one panel per direction."""
    fig, axes = plt.subplots(1, len(tables), figsize=(5 * len(tables) + 1, 4.2), squeeze=False,
                             sharey=True)
    for ax, (title, table) in zip(axes[0], tables.items(), strict=True):
        bottom = pd.Series(0, index=table.index)
        for col in table.columns:
            if table[col].sum() == 0:
                continue
            ax.bar(table.index, table[col], bottom=bottom, color=POST_COLORS[col], label=col,
                   hatch="//" if col == "closed" else None, edgecolor="white")
            bottom += table[col]
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("Region of the partner")
        ax.tick_params(axis="x", rotation=20)
    axes[0][0].set_ylabel("Posts (count)")
    handles = [Patch(facecolor=POST_COLORS[c], hatch="//" if c == "closed" else None,
                     label=c) for c in POST_COLORS
               if any(c in t.columns and t[c].sum() for t in tables.values())]
    axes[0][-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1),
                       frameon=False)
    _finish(fig, "Diplomatic posts by region and type (closed posts hatched)", note)
    return fig


def coverage_bars(shares: dict[str, pd.DataFrame], counts: dict[str, pd.Series], note: str):
    """100% horizontal bars: share of listed partners at each coverage level, per region."""
    fig, axes = plt.subplots(1, len(shares), figsize=(5 * len(shares) + 1, 3.6), squeeze=False,
                             sharey=True)
    for ax, (title, table) in zip(axes[0], shares.items(), strict=True):
        left = pd.Series(0.0, index=table.index)
        for level in table.columns:
            ax.barh(table.index, table[level] * 100, left=left * 100,
                    color=LEVEL_COLORS[level], label=level, edgecolor="white")
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
                                LEVEL_COLORS.items()], loc="upper left",
                       bbox_to_anchor=(1.01, 1), frameon=False)
    _finish(fig, "Coverage: how each listed partner is represented", note)
    return fig


def hub_bars(hubs: pd.DataFrame, note: str, subject: str):
    """Third-country cities carrying non-resident accreditation, by partners served."""
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.45 * len(hubs) + 1.5)))
    if hubs.empty:
        _empty(ax, "no non-resident accreditation for these parameters")
    colors = {"abroad": "#E69F00", "inward": "#0072B2"}
    labels = [f"{r.city} ({r.country})" for r in hubs.itertuples(index=False)]
    ax.barh(range(len(hubs)), hubs["partners"],
            color=[colors[d] for d in hubs["direction"]])
    for i, r in enumerate(hubs.itertuples(index=False)):
        ax.text(r.partners + 0.05, i, r.served, va="center", fontsize=7)
    ax.set_yticks(range(len(hubs)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, (hubs["partners"].max() if len(hubs) else 1) + 2)
    if len(hubs):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Partners served from the city (count)")
    ax.set_ylabel("Hub city (country)")
    ax.legend(handles=[Patch(facecolor=colors["abroad"],
                             label=f"{compute.possessive(subject)} post, accredited to"),
                       Patch(facecolor=colors["inward"], label="partner's post, accredited "
                             f"to {subject}")], loc="lower right")
    _finish(fig, "Accreditation hubs: non-resident posts by city", note)
    return fig


# ---------------------------------------------------------------- 03 trade


def trade_slopes(growth: pd.DataFrame, scale: str, note: str, agreement_year: int | None,
                 title: str):
    """One slope per indicator from its first to its last year; bounds drawn as bounds.

    A "more than" value is an open marker with an upward arrow and the words "more than", never
    a plain point; the growth it implies is labelled "at least". Money is plotted at ``scale``,
    other units as they are.
    """
    n = max(len(growth), 1)
    fig, axes = plt.subplots(1, n, figsize=(4 * n + 1, 4.2), squeeze=False)
    if growth.empty:
        _empty(axes[0][0], "no indicators selected")
    for ax, r in zip(axes[0], growth.itertuples(index=False), strict=False):
        first, last = int(r.start_year), int(r.end_year)
        a = compute.axis_value(r.start_value, r.unit, scale)
        b = compute.axis_value(r.end_value, r.unit, scale)
        ax.plot([first, last], [a, b], color="#0072B2", lw=2,
                ls="--" if r.bound != "exact" else "-")
        for year, value, raw, q in ((first, a, r.start_value, r.start_qualifier),
                                    (last, b, r.end_value, r.end_qualifier)):
            bound = q in ("more-than", "at-least")
            ax.plot(year, value, marker="o", ms=9, color="#0072B2",
                    markerfacecolor="white" if bound else "#0072B2", markeredgewidth=2)
            label = compute.amount(raw, r.unit, scale, q)
            if bound:
                ax.annotate("", xy=(year, value * 1.25), xytext=(year, value),
                            arrowprops=dict(arrowstyle="->", color="#D55E00", lw=1.8))
            ax.text(year + (0.3 if year == last else -0.3), value, label,
                    ha="left" if year == last else "right", va="center", fontsize=8,
                    color="#D55E00" if bound else "#222222")
        if agreement_year is not None and first <= agreement_year <= last:
            ax.axvline(agreement_year, color="#999999", ls=":", lw=1.2)
            ax.text(agreement_year + 0.1, ax.get_ylim()[1], "agreement",
                    fontsize=7, color="#666666", va="top")
        top = max(a, b) * 1.45
        ax.set_ylim(0, top)
        ax.set_xlim(first - 3.5, last + 5.5)
        ax.set_xticks([first, last])
        growth_text = compute.describe_growth(r._asdict())
        ax.set_title(_wrap(r.label, 34) + "\n" + _wrap(f"growth: {growth_text}", 34),
                     fontsize=9)
        ax.set_xlabel("Year")
        ax.set_ylabel(f"U.S. dollars ({scale}, nominal)" if r.unit == "USD" else r.unit)
    _finish(fig, title, note)
    return fig


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


# ---------------------------------------------------------------- 04 country profile


def partner_timeline(events: pd.DataFrame, subject: str, name: str, note: str):
    """One partner's dated events: one lane per kind, each marker labelled with its date.

    A date known only to the year is an open marker; a period is drawn as a line to its end.
    """
    kinds = [k for k in KIND_MARKERS if k in set(events["kind"].astype(str))]
    fig, ax = plt.subplots(figsize=(9, 1.9 + 0.6 * len(kinds)))
    y = {k: i for i, k in enumerate(kinds)}
    seen: dict[str, int] = {}
    for r in events.itertuples(index=False):
        marker, color = KIND_MARKERS[r.kind]
        if pd.notna(r.end_year):
            ax.plot([r.year, r.end_year], [y[r.kind]] * 2, color=color, lw=2, alpha=0.6)
        ax.plot(r.year, y[r.kind], marker=marker, ms=9, ls="", color=color,
                markerfacecolor=color if r.precision != "year" else "white",
                markeredgewidth=1.5)
        above = seen.get(r.kind, 0) % 2 == 0  # alternate labels so neighbours do not collide
        seen[r.kind] = seen.get(r.kind, 0) + 1
        ax.annotate(r.date, (r.year, y[r.kind]), xytext=(0, 8 if above else -14),
                    textcoords="offset points", ha="center", fontsize=7, color="#333333")
    ends = pd.concat([events["year"], events["end_year"]]).dropna()
    pad = max(3.0, (ends.max() - ends.min()) * 0.06)
    ax.set_xlim(ends.min() - pad, ends.max() + pad)
    ax.set_yticks(range(len(kinds)), kinds)
    ax.set_ylim(len(kinds) - 0.4, -0.6)
    ax.set_xlabel("Year (calendar year; open marker = known only to the year)")
    ax.set_ylabel("Kind of event")
    _finish(fig, f"Dated events between {subject} and {name}", note)
    return fig


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
            ax.barh(i, 1, left=j, color=POST_COLORS[r.post_type], hatch=hatch,
                    edgecolor="white", linewidth=1.5)
            text = r.city + ("" if r.resident else f"\n({r.city_country})") + (
                f"\nclosed {r.status_year}" if r.status == "closed" and pd.notna(
                    r.status_year) else "")
            ax.text(j + 0.5, i, text, ha="center", va="center", fontsize=7,
                    color="white" if r.post_type == "embassy" else "#111111",
                    bbox=dict(boxstyle="round,pad=0.2", fc=POST_COLORS[r.post_type],
                              ec="none"))
    widest = int(posts["direction"].value_counts().max()) if len(posts) else 1
    ax.set_xlim(0, max(widest, 3))
    ax.set_yticks(range(len(sides)), [_wrap(label, 24) for label in sides.values()])
    ax.set_ylim(len(sides) - 0.4, -0.6)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("Posts (count; one block per post)")
    ax.set_ylabel("Direction")
    types = [t for t in POST_COLORS if t in set(posts["post_type"].astype(str))]
    handles = [Patch(facecolor=POST_COLORS[t], label=t) for t in types]
    if (posts["status"] == "closed").any():
        handles.append(Patch(facecolor="#777777", hatch="//", edgecolor="white", label="closed"))
    if (~posts["resident"].astype(bool)).any():
        handles.append(Patch(facecolor="#777777", hatch="..", edgecolor="white",
                             label="non-resident (in a third country)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    _finish(fig, title, note)
    return fig


# ---------------------------------------------------------------- 05 data quality

STATUS_COLORS = {"represented": "#0072B2", "unparsed": "#E69F00"}
PRECISION_COLORS = {"day": "#0072B2", "month": "#56B4E9", "year": "#E69F00", "none": "#DDDDDD"}


def _stacked_barh(ax, table: pd.DataFrame, colors: dict[str, str]) -> None:
    """Horizontal bars of ``table`` (index = bars, columns = segments), counts written in."""
    left = pd.Series(0, index=table.index)
    for col, color in colors.items():
        ax.barh(range(len(table)), table[col], left=left, color=color, label=col,
                edgecolor="white")
        for i, (x, n) in enumerate(zip(left, table[col], strict=True)):
            if n:
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
            _empty(ax, "no statements for these parameters")
        else:
            _stacked_barh(ax, table.set_index(table.columns[0]), STATUS_COLORS)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("Statements (count)")
        ax.set_ylabel(label)
    axes[1].legend(handles=[Patch(facecolor=c, label=s) for s, c in STATUS_COLORS.items()],
                   loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    _finish(fig, "Statements read: represented in a table, or unparsed with a reason", note)
    return fig


def precision_bars(table: pd.DataFrame, note: str):
    """Table rows per region by the precision of the date relations began."""
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(table) + 1.9))
    if table.empty:
        _empty(ax, "no table rows for these parameters")
    else:
        _stacked_barh(ax, table.set_index("region"), PRECISION_COLORS)
    ax.set_xlabel("Rows of the bilateral tables (count)")
    ax.set_ylabel("Region")
    ax.legend(handles=[Patch(facecolor=c, label=p) for p, c in PRECISION_COLORS.items()],
              title="date known to the", title_fontsize=8, loc="upper left",
              bbox_to_anchor=(1.01, 1), frameon=False)
    _finish(fig, "How precisely the sources date the start of relations", note)
    return fig


# ---------------------------------------------------------------- 04 representation levels

KIND_MARKERS.setdefault("mission-upgraded", ("^", "#0072B2"))
COW_LABELS = {1: "chargé d'affaires (1)", 2: "minister (2)", 3: "ambassador (3)"}
DIRECTION_COLORS = {"abroad": "#D55E00", "inward": "#0072B2"}


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
        _empty(ax, "the sources state no level of representation")
    for direction, label in sides.items():
        side = levels[levels["direction"] == direction].sort_values("year")
        if side.empty:
            continue
        color = DIRECTION_COLORS[direction]
        y = side["cow_level"].astype("Float64").fillna(1).astype(float).tolist()
        x = side["year"].tolist()
        ax.step(x + [max(end_year, x[-1])], y + [y[-1]], where="post", color=color, lw=2,
                label=label)
        for r, yy in zip(side.itertuples(index=False), y, strict=True):
            known = pd.notna(r.cow_level)
            ax.plot(r.year, yy, marker=PRECISION_MARKERS[r.precision], ms=7, color=color,
                    markerfacecolor=color if known else "white", markeredgewidth=1.5)
            rank = r.envoy_rank if pd.notna(r.envoy_rank) else "rank not stated"
            ax.annotate(f"{r.from_date}: {r.level}\n({rank})", (r.year, yy), xytext=(4, 6),
                        textcoords="offset points", fontsize=7, color="#333333")
    if len(levels):
        ax.set_xlim(levels["year"].min() - 5, max(end_year, levels["year"].max()) + 5)
    ax.set_ylim(0.5, 3.7)
    ax.set_yticks(list(COW_LABELS), list(COW_LABELS.values()))
    ax.set_xlabel("Year (calendar year)")
    ax.set_ylabel("Head of mission (COW level)")
    if len(levels):
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    _finish(fig, title, note)
    return fig
