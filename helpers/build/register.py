"""A register of diplomatic posts (Wikidata's, via database-of-embassies) to posts with lines.

The register is a `;`-separated UTF-8 CSV with a header on line 1, one row a post: who runs it
(``operator``), where it stands (``country``, ``city``, ``latitude``, ``longitude``), the
countries it is accredited to (``jurisdictions``, `|`-separated: non-resident accreditation is
there), its ``type``, ``creation`` date and Wikidata item (``QID``). It is read with the
``csv`` module; a row's line is the line its record starts on.

Every row becomes either a :class:`RegisterPost` (its countries resolved to ISO3, its type one of
``schema.POST_TYPES``) or an :class:`Unplaced` row with the reason: an operator or host that is
not a country ("Nordic countries", a ministry, a region), a type that is no post, a row whose
cells do not match the header, coordinates that are not numbers. A header without the columns
the reader needs, or a file the ``csv`` module cannot read, stops the build with file and line.
Jurisdictions that are not countries (a province, a consular district, an organization) are no
accreditation and are left out of ``accredited``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from helpers.build.statements import Document
from helpers.core import places
from helpers.core.exceptions import SourceError

COLUMNS = ("operator", "jurisdictions", "country", "city", "latitude", "longitude", "type",
           "creation", "QID")
# The register's types -> schema.POST_TYPES, by the words they contain (first match wins):
# "Consulate General of Sweden" is a consulate-general, "British High Commission" and
# "apostolic nunciature" are embassies, "Taipei Representative Office" a representative
# office. Apostolic delegations, interests sections, permanent missions and a province's
# government offices are no post of these types.
TYPE_RULES = (
    (re.compile(r"trade office", re.I), "trade-office"),
    (re.compile(r"liaison office", re.I), "liaison-office"),
    (re.compile(r"representative office", re.I), "representative-office"),
    (re.compile(r"consulates? general", re.I), "consulate-general"),
    (re.compile(r"honorary consul", re.I), "honorary-consulate"),
    (re.compile(r"consular agency", re.I), "consular-agency"),
    (re.compile(r"consul|assistant high commission", re.I), "consulate"),
    (re.compile(r"embassy|high commission|nunciature|diplomatic mission", re.I), "embassy"),
)
READ_TYPES = tuple(dict.fromkeys(kind for _, kind in TYPE_RULES))  # the types it can give


@dataclass(frozen=True)
class RegisterPost:
    """One row of the register that names a post of a country in a country."""

    line: int
    operator: str  # as written
    sending_iso3: str
    country: str  # where it stands, as written
    host_iso3: str
    city: str  # as written (often a district: "Miraflores", "Hydra"); "" when not given
    latitude: float | None
    longitude: float | None
    type_as_written: str
    post_type: str
    accredited: tuple[str, ...]  # countries (ISO3) among its jurisdictions, as written order
    creation: str  # ISO date as written ("1950-01-01T00:00:00Z" kept to its date), or ""
    qid: str

    @property
    def text(self) -> str:
        """The row as one statement, for the statements, unparsed and missions tables."""
        where = ", ".join(x for x in (self.city, self.country) if x)
        served = ", ".join(places.name_of(i) for i in self.accredited)
        return (f"{self.operator}: {self.type_as_written} in {where}"
                + (f", accredited to {served}" if served else "")
                + (f"; created {self.creation}" if self.creation else "")
                + (f" ({self.qid})" if self.qid else ""))


@dataclass(frozen=True)
class Unplaced:
    """A row the reader cannot make a post of, with why, and the countries it may concern."""

    line: int
    text: str
    reason: str
    concerns: tuple[str, ...]  # ISO3 codes the row names (to tell whether it is the subject's)


@dataclass(frozen=True)
class RegisterDocument(Document):
    """The register read: no prose statements, its posts and the rows it could not place."""

    posts: tuple[RegisterPost, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()


@cache
def post_type_of(written: str) -> str:
    """The schema's post type for a register type as written, or "" when it is none."""
    return next((kind for rx, kind in TYPE_RULES if rx.search(written)), "")


def _qid(uri: str) -> str:
    return uri.rsplit("/", 1)[-1] if uri else ""


@cache
def _state(name: str) -> str:
    """ISO3 of a country (a state or territory with an ISO 3166 code) named as written, or ""."""
    iso3 = places.country_of(name) if name else None
    return iso3 if iso3 and iso3 in places.countries() else ""


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _row(line: int, cells: dict[str, str]) -> RegisterPost | Unplaced:
    operator, country = cells["operator"].strip(), cells["country"].strip()
    named = [n.strip() for n in cells["jurisdictions"].split("|") if n.strip()]
    accredited = tuple(dict.fromkeys(filter(None, (_state(n) for n in named))))
    sending, host = _state(operator), _state(country)
    concerns = tuple(filter(None, (sending, host, *accredited)))

    def unplaced(reason: str) -> Unplaced:
        written = "; ".join(f"{k}={cells[k]}" for k in ("operator", "type", "city", "country",
                                                         "jurisdictions") if cells[k])
        qid = _qid(cells["QID"])
        return Unplaced(line, f"{written} ({qid})" if qid else written, reason, concerns)

    if not operator:
        return unplaced("no operator: the row names no sending country")
    if not sending:
        return unplaced(f"operator {operator!r} is not a country with an ISO 3166 code "
                        "(a government, ministry, region or unrecognised state)")
    if not country:
        return unplaced("no country: the row does not say where the post stands")
    if not host:
        return unplaced(f"country {country!r} is not a country with an ISO 3166 code")
    kind = post_type_of(cells["type"])
    if not kind:
        return unplaced(f"type {cells['type']!r} names none of the post types "
                        f"({', '.join(READ_TYPES)})")
    lat, lon = cells["latitude"].strip(), cells["longitude"].strip()
    latitude, longitude = _number(lat) if lat else None, _number(lon) if lon else None
    if (lat and latitude is None) or (lon and longitude is None) or (
            latitude is not None and not -90 <= latitude <= 90) or (
            longitude is not None and not -180 <= longitude <= 180):
        return unplaced(f"coordinates ({lat!r}, {lon!r}) are not a latitude and a longitude")
    return RegisterPost(line, operator, sending, country, host, cells["city"].strip(),
                        latitude, longitude, cells["type"].strip(), kind, accredited,
                        cells["creation"][:10], _qid(cells["QID"]))


def read_register(lines: list[str], source: str) -> RegisterDocument:
    """Read the register: every row a post or an unplaced row, each with its line."""
    reader = csv.reader(lines, delimiter=";")
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise SourceError(source, "no header: line 1 must name the register's columns", 1)
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise SourceError(source, f"the header lacks the columns {', '.join(missing)} "
                              f"(a `;`-separated register needs: {', '.join(COLUMNS)})", 1)
        while header and not header[-1].strip():  # "...;QID;": a trailing separator
            header.pop()
        width = len(header)
        posts: list[RegisterPost] = []
        unplaced: list[Unplaced] = []
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            while len(cells) > width and not cells[-1].strip():
                cells.pop()
            if len(cells) != width:
                unplaced.append(Unplaced(line, ";".join(cells)[:300], f"the row has "
                                         f"{len(cells)} cells where the header has {width}",
                                         ()))
                continue
            found = _row(line, dict(zip(header, cells, strict=True)))
            (posts if isinstance(found, RegisterPost) else unplaced).append(found)
    except csv.Error as exc:
        raise SourceError(source, f"not a readable `;`-separated file: {exc}",
                          reader.line_num) from None
    return RegisterDocument(source, (), (), (), tuple(posts), tuple(unplaced))
