"""The posts map: where the subject's posts abroad are, and where the posts serving it are.

Two panels on an equal-area world projection (Equal Earth, through pyproj, which ships its
own projection database: nothing is downloaded), one per direction, so the posts abroad and
the posts received are never confused. Each panel has three encodings and no more: countries
shaded by the kind of presence (the coverage levels of helpers.analysis.compute, coloured by
helpers.analysis.style), cities as circles whose area grows with their number of posts (filled
when a post is open, hollow when every post there is closed), and the hub cities' names. Posts
in the subject country itself are drawn in an inset of the subject, so its capital's many posts
do not hide it. No degree ticks: a map of countries needs none.

Places come from helpers.analysis.geo (``place_posts``), whose table is the figure's CSV.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import numpy as np
import pandas as pd

from helpers.analysis import geo, style
from helpers.analysis.compute import COVERAGE_LEVELS, possessive
from helpers.analysis.geo import (  # noqa: F401 - the notebooks and tests use them as maps.*
    BOUNDARY_DATA,
    TABLE_COLUMNS,
    WORLD,
    boundaries_path,
    data_credit,
    locate_city,
    locate_country,
    place_posts,
    regions_of,
    shapes,
    view,
)

PROJECTION = "+proj=eqearth +lon_0=0 +datum=WGS84 +units=m +no_defs"
PROJECTION_NAME = "Equal Earth"
LAND, BORDER, SEA, SUBJECT_LAND = style.NONE_COLOR, "#FFFFFF", "#F4F8FB", "#555555"
AREA_PER_POST = 14.0  # marker area (pt²) per post: the area, not the radius, grows with the count
SIMPLIFY_POINTS = 1.6  # outline tolerance in points of the figure: finer detail is invisible
MARKER = "#222222"
MAP_INCHES = 9.0 - 0.5 - 2.2  # a panel's width: the figure's less its margin and legend
LABELS = 7  # hub cities labelled per panel, at most (the busiest first)


@cache
def _transformer():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", PROJECTION, always_xy=True)


def project(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Equal Earth x, y (metres) of longitudes and latitudes, rounded to the metre."""
    x, y = _transformer().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.round(x), np.round(y)


@cache
def _projected_shapes() -> tuple[tuple[str, tuple[np.ndarray, ...]], ...]:
    out = []
    for s in shapes():
        rings = []
        for ring in s.rings:
            x, y = project(ring[:, 0], ring[:, 1])
            rings.append(np.column_stack([x, y]))
        out.append((s.iso3, tuple(rings)))
    return tuple(out)


def extent(limits) -> tuple[float, float, float, float]:
    """Projected (x0, x1, y0, y1) of a lon/lat box, its edges sampled (they curve)."""
    west, east, south, north = limits
    lons = np.concatenate([np.linspace(west, east, 41), np.full(41, east),
                           np.linspace(west, east, 41), np.full(41, west)])
    lats = np.concatenate([np.full(41, south), np.linspace(south, north, 41),
                           np.full(41, north), np.linspace(south, north, 41)])
    x, y = project(lons, lats)
    return float(x.min()), float(x.max()), float(y.min()), float(y.max())


def presence(table: pd.DataFrame, direction: str) -> dict[str, str]:
    """Country (ISO3) -> its coverage level in one direction: a resident embassy, only
    non-resident accreditation, or another resident post (closed posts count for nothing).
    The country is the one served abroad, or the sending one for posts received."""
    posts = table[(table["direction"] == direction) & (table["status"] != "closed")]
    column = "accredited_to_iso3" if direction == "abroad" else "sending_iso3"
    out: dict[str, str] = {}
    for iso3, group in posts.groupby(column, sort=True):
        resident = group["resident"].astype(bool)
        if ((group["post_type"] == "embassy") & resident).any():
            out[str(iso3)] = COVERAGE_LEVELS[0]
        elif (~resident).any() and not resident.any():
            out[str(iso3)] = COVERAGE_LEVELS[1]
        else:
            out[str(iso3)] = COVERAGE_LEVELS[2]
    return out


def _land(ax, box, shades: dict[str, str], subject: str, tolerance: float) -> None:
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as MplPath

    x0, x1, y0, y1 = box
    paths, colors = [], []
    for iso3, rings in _projected_shapes():
        rings = [r for r in rings if r[:, 0].max() >= x0 and r[:, 0].min() <= x1
                 and r[:, 1].max() >= y0 and r[:, 1].min() <= y1]
        rings = [r for r in (geo.simplify(r, tolerance) for r in rings
                             if abs(geo.ring_area(r)) >= 4 * tolerance ** 2) if len(r) >= 4]
        if not rings:
            continue
        paths.append(MplPath.make_compound_path(*(MplPath(r, closed=True) for r in rings)))
        colors.append(SUBJECT_LAND if iso3 and iso3 == subject
                      else style.LEVEL_COLORS[shades.get(iso3, COVERAGE_LEVELS[-1])])
    ax.add_collection(PathCollection(paths, facecolors=colors, edgecolors=BORDER,
                                     linewidths=0.35, zorder=1), autolim=False)


def cities(table: pd.DataFrame, direction: str) -> pd.DataFrame:
    """One row per city of one direction: where, how many posts, how many open, and how many
    countries a hub serves from there without a resident post."""
    placed = table[(table["direction"] == direction)].dropna(subset=["longitude", "latitude"])
    columns = ["city", "city_iso3", "longitude", "latitude", "posts", "open", "served"]
    if placed.empty:
        return pd.DataFrame(columns=columns)
    g = placed.groupby(["city", "city_iso3", "longitude", "latitude"], sort=True).agg(
        posts=("post_type", "size"), open=("status", lambda s: int((s != "closed").sum())),
        served=("served_iso3", lambda s: int((s != "").sum()))).reset_index()
    return g.sort_values(["posts", "city"], ascending=[False, True], ignore_index=True)


def _markers(ax, found: pd.DataFrame) -> None:
    if found.empty:
        return
    x, y = project(found["longitude"], found["latitude"])
    filled = (found["open"] > 0).to_numpy()
    ax.scatter(x, y, s=AREA_PER_POST * found["posts"].astype(float),
               c=[MARKER if f else "white" for f in filled], edgecolors=MARKER,
               linewidths=0.8, alpha=0.85, zorder=3)


def _labels(ax, found: pd.DataFrame, box) -> None:
    """The hub cities (and the busiest cities) named, the busiest first; a name that would
    overlap one already placed is left out (the table lists every city)."""
    if found.empty:
        return
    ranked = found.sort_values(["served", "posts", "city"], ascending=[False, False, True])
    width = box[1] - box[0]
    xs, ys = project(found["longitude"], found["latitude"])
    # every marker's box: a name never covers another city's circle
    radius = [math.sqrt(AREA_PER_POST * float(n) / math.pi) / 72 * width / MAP_INCHES
              for n in found["posts"]]
    markers = {c: (float(x) - r, float(x) + r, float(y) - r, float(y) + r)
               for c, x, y, r in zip(found["city"], xs, ys, radius, strict=True)}
    placed: list[tuple[float, float, float, float]] = []
    for r in ranked.head(LABELS * 3).itertuples(index=False):
        if len(placed) >= LABELS or (r.served == 0 and r.posts < 2):
            continue
        x, y = (float(v[0]) for v in project([r.longitude], [r.latitude]))
        if not (box[0] <= x <= box[1] and box[2] <= y <= box[3]):
            continue
        w, h = len(r.city) * width * 0.0105, width * 0.03
        own = markers[r.city][1] - x + width * 0.004
        for rect, ha in (((x + own, x + own + w, y - h / 2, y + h / 2), "left"),
                         ((x - own - w, x - own, y - h / 2, y + h / 2), "right")):
            others = [m for c, m in markers.items() if c != r.city]
            if rect[0] < box[0] or rect[1] > box[1] or any(
                    _overlap(rect, o) for o in placed + others):
                continue
            placed.append(rect)
            ax.text(rect[0] if ha == "left" else rect[1], y, r.city, fontsize=7, va="center",
                    ha=ha, zorder=4, color="#111111")
            break


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def _inset(ax, found: pd.DataFrame, subject_iso3: str, subject: str) -> pd.DataFrame:
    """The posts in the subject country, drawn in an inset of the subject (lower left);
    returns the other cities."""
    inside = found[found["city_iso3"] == subject_iso3]
    shape = geo._shape_index().get(subject_iso3)
    if inside.empty or shape is None:
        return found
    rings = dict(_projected_shapes()).get(subject_iso3, ())
    big = max(rings, key=lambda r: abs(geo.ring_area(r)))
    inset = ax.inset_axes([0.005, 0.03, 0.2, 0.42])
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as MplPath

    inset.add_collection(PathCollection(
        [MplPath.make_compound_path(*(MplPath(r, closed=True) for r in rings))],
        facecolors=[SUBJECT_LAND], edgecolors=BORDER, linewidths=0.5), autolim=False)
    x0, y0 = big.min(axis=0)
    x1, y1 = big.max(axis=0)
    side = max(x1 - x0, y1 - y0) * 0.6
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    inset.set_xlim(cx - side, cx + side)
    inset.set_ylim(cy - side, cy + side)
    inset.set_aspect("equal")
    inset.set_facecolor("white")
    inset.set_xticks([])
    inset.set_yticks([])
    x, y = project(inside["longitude"], inside["latitude"])
    inset.scatter(x, y, s=AREA_PER_POST * inside["posts"].astype(float),
                  c=[MARKER if o else "white" for o in inside["open"] > 0], edgecolors=MARKER,
                  linewidths=0.8, alpha=0.85, zorder=3)
    top = inside.iloc[0]  # the busiest city (the capital, as a rule) is named
    inset.annotate(f"{top['city']}: {top['posts']}", (x[0], y[0]), xytext=(0, -16),
                   textcoords="offset points", ha="center", fontsize=7, zorder=4,
                   bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    others = int(inside["posts"].iloc[1:].sum())
    inset.set_title(f"In {subject}" + (f" ({others} elsewhere)" if others else ""),
                    fontsize=7, pad=2)
    return found[found["city_iso3"] != subject_iso3]


def draw_posts_map(table: pd.DataFrame, subject: str, note: str, regions: Sequence[str] = (),
                   highlight: Sequence[str] = (), title: str | None = None,
                   sides: dict[str, str] | None = None):
    """The posts of ``table`` (from ``place_posts``): one Equal Earth panel per direction,
    zoomed to ``regions``. ``highlight``'s first country is the subject (its own shade, and
    the inset of the posts inside it); ``sides`` names the two directions.
    """
    import matplotlib.pyplot as plt

    limits = view(table, regions)
    box = extent(limits)
    sides = sides or {"abroad": f"{possessive(subject)} posts abroad",
                      "inward": f"Partners' posts serving {subject}"}
    subject_iso3 = highlight[0] if highlight else ""
    shown = [d for d in ("abroad", "inward") if (table["direction"] == d).any()] or ["abroad"]
    width, map_width = 9.0, MAP_INCHES
    ratio = (box[3] - box[2]) / (box[1] - box[0])
    map_height = min(max(map_width * ratio, 2.0), 5.5)
    fig, axes = plt.subplots(len(shown), 1, figsize=(width, map_height * len(shown) + 1.6),
                             squeeze=False)
    tolerance = (box[1] - box[0]) / (map_width * 72) * SIMPLIFY_POINTS
    for ax, direction in zip(axes[:, 0], shown, strict=True):
        ax.set_facecolor(SEA)
        ax.grid(False)
        ax.set_xticks([])
        ax.set_yticks([])
        shades = presence(table, direction)
        _land(ax, box, shades, subject_iso3, tolerance)
        found = cities(table, direction)
        rest = _inset(ax, found, subject_iso3, subject) if direction == "inward" else found
        _markers(ax, rest)
        _labels(ax, rest, box)
        ax.set_xlim(box[0], box[1])
        ax.set_ylim(box[2], box[3])
        ax.set_aspect("equal", adjustable="box")
        ax.set_title(sides.get(direction, direction), fontsize=10, loc="left")
        corner = _corner_note(table[table["direction"] == direction], rest, limits)
        if table.empty:
            corner = "no posts for these parameters"
        if corner:
            ax.text(0.99, 0.02, corner, transform=ax.transAxes, fontsize=7, color="#333333",
                    ha="right", va="bottom", zorder=5,
                    bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="#CCCCCC", alpha=0.9))
        _legend(ax, found, set(shades.values()), subject)
    scope = "the world" if not regions else ", ".join(regions)
    style.finish(fig, title or f"Diplomatic posts by city: {scope}",
                 note.rstrip(".") + f". Map: {PROJECTION_NAME} projection (equal area). "
                 + data_credit())
    return fig


def _legend(ax, found: pd.DataFrame, levels: set[str], subject: str) -> None:
    """Shades (kind of presence), circle sizes (posts per city) and open or closed."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=SUBJECT_LAND, label=subject)]
    handles += [Patch(facecolor=style.LEVEL_COLORS[level], label=level)
                for level in COVERAGE_LEVELS[:-1] if level in levels]
    sizes = sorted({1, int(found["posts"].max())} if len(found) else ())
    for n in sizes:
        handles.append(Line2D([], [], marker="o", ls="", color=MARKER, alpha=0.85,
                              ms=math.sqrt(AREA_PER_POST * n),
                              label=f"{n} post" + ("s" if n > 1 else "") + " in a city"))
    if len(found) and (found["open"] == 0).any():
        handles.append(Line2D([], [], marker="o", ls="", color=MARKER, markerfacecolor="white",
                              ms=6, label="closed posts only"))
    # the handle box is as wide as the largest circle, so the text starts clear of it
    largest = math.sqrt(AREA_PER_POST * sizes[-1]) / 7.5 if sizes else 1.0
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
              labelspacing=0.9, borderaxespad=0, fontsize=7.5,
              handlelength=max(2.0, largest + 0.3))


def _corner_note(table: pd.DataFrame, found: pd.DataFrame, limits) -> str:
    """How many posts the view leaves out, and how many could not be placed at all."""
    parts = []
    out = found[[not (limits[0] <= x <= limits[1] and limits[2] <= y <= limits[3])
                 for x, y in zip(found["longitude"], found["latitude"], strict=True)]]
    if len(out):
        names = sorted(set(out["city"]))
        named = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        parts.append(f"outside this view: {int(out['posts'].sum())} post(s) in "
                     f"{len(names)} {'city' if len(names) == 1 else 'cities'} ({named})")
    unplaced = int((table["not_placed"] != "").sum()) if len(table) else 0
    if unplaced:
        parts.append(f"not placed: {unplaced} post(s), listed with the reason in the table")
    return "\n".join(parts)
