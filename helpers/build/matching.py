"""One post, whatever the number of sources: the register's posts matched to the text's.

A text source (the article, a fact sheet) and the register (Wikidata's posts) state the same
post when they agree on the sending country, the host country (where the post stands), the
post type and the place. Places are compared by coordinates, never by name or by a list of
districts: the text's city is placed with GeoNames, the register gives its own coordinates, and
two places are one when they are at most ``schema.SAME_PLACE_KM`` apart, so Hydra is Algiers
and Miraflores is Lima. A register-only post is written with the most populous GeoNames city
of its host within that distance (a district is its city).

Matching (``match_posts``), for every text row, in order:
1. same sending, host and type, place within the distance: ``both`` (the register post whose
   jurisdictions include the row's accredited country first, then the nearest); a text row
   that says the post closed or was suspended, while the register lists it: ``conflict``
   (status);
2. otherwise a register post not matched in 1 at the same place with another type:
   ``conflict`` (type); or, for an embassy, the register's embassy of that sending country in
   that host elsewhere: ``conflict`` (city);
3. otherwise ``text-only``. Register posts no text row took are ``register-only`` rows, one
   per country they serve that concerns the subject.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from helpers.build.register import RegisterPost
from helpers.core import places
from helpers.core.schema import SAME_PLACE_KM


@dataclass(frozen=True)
class Match:
    """A text row's post in the register: how they agree, and how far apart they are."""

    post: RegisterPost | None
    agreement: str
    distance_km: float | None = None
    conflict: str = ""


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of 6371 km (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


@cache
def _cities_of() -> dict[str, list[tuple[str, int, float, float]]]:
    """GeoNames cities by the ISO3 they count for: (name, population, latitude, longitude),
    biggest first."""
    by_code: dict[str, list[tuple[str, int, float, float]]] = {}
    for _id, _gid, name, cc, pop, lon, lat in places.geonames_cities():
        by_code.setdefault(cc, []).append((name, pop, lat, lon))
    out: dict[str, list[tuple[str, int, float, float]]] = {}
    for cc, rows in by_code.items():  # one look-up per country code, not per city
        out.setdefault(places.iso3_of_geonames(cc), []).extend(rows)
    for rows in out.values():
        rows.sort(key=lambda r: (-r[1], r[0]))
    return out


@cache
def _coordinates_by_name(iso3: str) -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of the most populous city of each folded name in ``iso3``."""
    found: dict[str, tuple[float, float]] = {}
    for name, _pop, lat, lon in _cities_of().get(iso3, ()):  # biggest first: it stays
        found.setdefault(places.fold(name), (lat, lon))
    return found


def city_coordinates(city: str, iso3: str) -> tuple[float, float] | None:
    """(latitude, longitude) of the most populous GeoNames city of that name in ``iso3``."""
    return _coordinates_by_name(iso3).get(places.fold(city))


def city_of(post: RegisterPost) -> str:
    """The city as the dataset writes a register post's place: a district is its city."""
    if post.latitude is not None and post.longitude is not None:
        for name, _pop, lat, lon in _cities_of().get(post.host_iso3, ()):  # biggest first
            if distance_km(post.latitude, post.longitude, lat, lon) <= SAME_PLACE_KM:
                return name
    if post.city:
        found = [c for c in places.city_candidates(post.city) if c.iso3 == post.host_iso3]
        return found[0].name if found else post.city
    return ""


def concerns(post: RegisterPost, subject: str) -> bool:
    """The subject's post abroad, a post in the subject, or one elsewhere accredited to it."""
    return subject in (post.sending_iso3, post.host_iso3) or subject in post.accredited


def _distance(row: dict, post: RegisterPost) -> float | None:
    here = city_coordinates(row["city"], row["city_iso3"] or "")
    if here is None or post.latitude is None or post.longitude is None:
        return None
    return distance_km(here[0], here[1], post.latitude, post.longitude)


def match_posts(rows: list[dict], posts: Iterable[RegisterPost]) -> list[Match]:
    """For each text row of ``missions`` (in order), its register post and agreement."""
    by_pair: dict[tuple[str, str], list[RegisterPost]] = {}
    for p in posts:
        by_pair.setdefault((p.sending_iso3, p.host_iso3), []).append(p)
    found: list[Match | None] = [None] * len(rows)
    taken: set[int] = set()
    for i, row in enumerate(rows):  # 1. the same post
        near = sorted(
            ((d, row["accredited_to_iso3"] not in (p.accredited or (p.host_iso3,)), p.line, p)
             for p in by_pair.get((row["sending_iso3"], row["city_iso3"] or ""), ())
             if p.post_type == row["post_type"]
             for d in [_distance(row, p)] if d is not None and d <= SAME_PLACE_KM),
            key=lambda x: (x[1], x[0], x[2]))
        if near:
            d, _, _, p = near[0]
            status = row["status"] != "open"
            found[i] = Match(p, "conflict" if status else "both", d, "status" if status else "")
            taken.add(p.line)
    for i, row in enumerate(rows):  # 2. the same post stated differently
        if found[i] is not None:
            continue
        others = [(d, p.line, p) for p in by_pair.get((row["sending_iso3"], row["city_iso3"]
                                                       or ""), ())
                  if p.line not in taken for d in [_distance(row, p)] if d is not None]
        same_place = sorted(x for x in others if x[0] <= SAME_PLACE_KM)
        elsewhere = sorted(x for x in others if row["post_type"] == x[2].post_type == "embassy")
        if same_place:
            found[i] = Match(same_place[0][2], "conflict", same_place[0][0], "type")
        elif elsewhere:
            found[i] = Match(elsewhere[0][2], "conflict", elsewhere[0][0], "city")
        else:
            found[i] = Match(None, "text-only")
        if found[i].post is not None:
            taken.add(found[i].post.line)
    return [m for m in found if m is not None]


def register_rows(post: RegisterPost, city: str, subject: str, source: str) -> list[dict]:
    """The missions rows of a register-only post: one per country it serves that concerns the
    subject (all of them for the subject's own post; the subject for the others)."""
    served = post.accredited or (post.host_iso3,)
    if post.sending_iso3 != subject:
        served = (subject,) if subject in served or post.host_iso3 == subject else ()
    direction = "abroad" if post.sending_iso3 == subject else "inward"
    return [dict(sending_iso3=post.sending_iso3, accredited_to_iso3=to,
                 partner_iso3=to if direction == "abroad" else post.sending_iso3,
                 direction=direction, city=city, city_as_written=post.city or city,
                 city_iso3=post.host_iso3, post_type=post.post_type,
                 resident=to == post.host_iso3, status="open",
                 status_year=int(post.creation[:4]) if post.creation[:4].isdigit() else None,
                 row_line=None, source=source, line=post.line, text=post.text,
                 sources=source, agreement="register-only") for to in served]
