"""A register of diplomatic posts (Wikidata's, via database-of-embassies) to posts with lines.

The register is a `;`-separated UTF-8 CSV with a header on line 1, one row a post: who runs it
(``operator``), where it stands (``country``, ``city``, ``latitude``, ``longitude``), the
countries it is accredited to (``jurisdictions``, `|`-separated: non-resident accreditation is
there), its ``type``, ``creation`` date and Wikidata item (``QID``). It is read with the
``csv`` module; a row's line is the line its record starts on.

Every row becomes either a :class:`RegisterPost` (its countries resolved to ISO3, its type one of
``schema.POST_TYPES``) or an :class:`Unplaced` row with the reason: an operator or host that is
not a country ("Nordic countries", a ministry, a region), a type that is no post, a row whose
cells do not match the header, coordinates that are not numbers, a creation date that is no
calendar date of the register's span. A header without the columns the reader needs, or a row
the ``csv`` module cannot read, stops the build with the file and the line the row starts on:
a quote left open (which would make the rest of the file one cell) or a row that runs over
several lines (a register row is one line) is never read as data.
Jurisdictions that are not countries (a province, a consular district, an organization) are no
accreditation and are left out of ``accredited``.

A post is identified by its Wikidata item (``QID``): rows that repeat an item with the same
cells are one post (the repeats are ``duplicate-post`` decisions); rows that give one item to
different posts are all unplaced, each naming the other lines, since which of them the item is
cannot be told. Rows without a QID are identified by their line.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from helpers.build.dates import date_problem
from helpers.build.statements import Document
from helpers.core import places
from helpers.core.exceptions import SourceError
from helpers.core.schema import POST_TYPE_WORDS
from helpers.core.schema import post_type_of as _type_of_words

COLUMNS = ("operator", "jurisdictions", "country", "city", "latitude", "longitude", "type",
           "creation", "QID")
# The register's types are read by the words every source's post types are read by
# (schema.POST_TYPE_WORDS); these are the types it can give.
READ_TYPES = tuple(dict.fromkeys(kind for _, kind in POST_TYPE_WORDS))
# The span of a plausible creation date: the oldest posts Wikidata records date from the 14th
# century (1300-01-01 in the 2022 register); none is created after the register was made.
EARLIEST_CREATION = "1000-01-01"


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
class Repeat:
    """A row that repeats an earlier row's post (same Wikidata item, same cells)."""

    line: int
    first_line: int
    post: RegisterPost | Unplaced


@dataclass(frozen=True)
class RegisterDocument(Document):
    """The register read: no prose statements, its posts, the rows it could not place and the
    rows that repeat a post."""

    posts: tuple[RegisterPost, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()
    repeats: tuple[Repeat, ...] = ()


# the register writes a few dozen types over 9,852 rows: each is read once
post_type_of = cache(_type_of_words)


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


def _creation(written: str, until: str) -> tuple[str, str]:
    """The creation date of a cell ("1950-01-01T00:00:00Z" -> "1950-01-01"; "" when empty),
    and why it is no date of the register ("" when it is one)."""
    day = written.strip()[:10]
    if not day:
        return "", ""
    why = date_problem(day, EARLIEST_CREATION, until)
    return day, why


def _row(line: int, cells: dict[str, str], until: str = "") -> RegisterPost | Unplaced:
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
    creation, why = _creation(cells["creation"], until)
    if why:
        return unplaced(f"creation {cells['creation'].strip()!r} {why}")
    return RegisterPost(line, operator, sending, country, host, cells["city"].strip(),
                        latitude, longitude, cells["type"].strip(), kind, accredited,
                        creation, _qid(cells["QID"]))


def _concerns(found: RegisterPost | Unplaced) -> tuple[str, ...]:
    if isinstance(found, Unplaced):
        return found.concerns
    return tuple(dict.fromkeys((found.sending_iso3, found.host_iso3, *found.accredited)))


def _one_post_per_item(read: list[tuple[tuple[str, ...], RegisterPost | Unplaced]]
                       ) -> tuple[list[RegisterPost | Unplaced], list[Repeat]]:
    """The rows of ``read`` (cells, what they gave) with each Wikidata item one post.

    Rows of one QID with the same cells are one post, the first; the others are repeats. Rows
    of one QID with different cells are each unplaced, naming the other rows' lines.
    """
    by_qid: dict[str, list[int]] = {}
    for i, (cells, _found) in enumerate(read):
        qid = _qid(cells[-1]) if cells else ""
        if qid:
            by_qid.setdefault(qid, []).append(i)
    kept: list[RegisterPost | Unplaced] = []
    repeats: list[Repeat] = []
    for i, (cells, found) in enumerate(read):
        qid = _qid(cells[-1]) if cells else ""
        group = by_qid.get(qid, [i]) if qid else [i]
        if len(group) == 1:
            kept.append(found)
        elif len({read[j][0] for j in group}) == 1:  # the same row again: one post
            if group[0] == i:
                kept.append(found)
            else:
                repeats.append(Repeat(found.line, read[group[0]][1].line, found))
        else:
            others = [read[j][1].line for j in group if j != i]
            kept.append(Unplaced(found.line, found.text, f"QID {qid} also names a different "
                                 f"post on line{'s' if len(others) > 1 else ''} "
                                 f"{', '.join(map(str, others))}: one Wikidata item is one "
                                 "post, and which of these it is cannot be told",
                                 _concerns(found)))
    return kept, repeats


def read_register(lines: list[str], source: str, until: str = "") -> RegisterDocument:
    """Read the register: every row a post or an unplaced row, each with its line.

    ``until`` is the register's own date (ISO): no post is created after it.
    """
    reader = csv.reader(lines, delimiter=";", strict=True)
    start = 1
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise SourceError(source, "no header: line 1 must name the register's columns", 1)
        _one_line(reader, start, source)
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise SourceError(source, f"the header lacks the columns {', '.join(missing)} "
                              f"(a `;`-separated register needs: {', '.join(COLUMNS)})", 1)
        while header and not header[-1].strip():  # "...;QID;": a trailing separator
            header.pop()
        width = len(header)
        qid_at = header.index("QID")
        read: list[tuple[tuple[str, ...], RegisterPost | Unplaced]] = []
        start = reader.line_num + 1
        for cells in reader:
            line = start
            _one_line(reader, line, source)
            start = reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            while len(cells) > width and not cells[-1].strip():
                cells.pop()
            if len(cells) != width:
                read.append(((), Unplaced(line, ";".join(cells)[:300], f"the row has "
                                          f"{len(cells)} cells where the header has {width}",
                                          ())))
                continue
            found = _row(line, dict(zip(header, cells, strict=True)), until)
            # the QID last: rows are compared whole, and grouped by their item
            read.append(((*cells[:qid_at], *cells[qid_at + 1:], cells[qid_at]), found))
    except csv.Error as exc:
        raise SourceError(source, f"the row starting on this line does not parse as "
                          f"`;`-separated cells ({_why(exc)}); nothing after it would be read "
                          "as it is meant", start) from None
    kept, repeats = _one_post_per_item(read)
    return RegisterDocument(source, (), (), (),
                            tuple(r for r in kept if isinstance(r, RegisterPost)),
                            tuple(r for r in kept if isinstance(r, Unplaced)), tuple(repeats))


def _one_line(reader, line: int, source: str) -> None:
    """Refuse a row that ran over several lines: a quote opened in one cell and closed lines
    later, which would read the rows between as one cell."""
    if reader.line_num != line:
        raise SourceError(source, f"a quoted cell opens on this line and runs to line "
                          f"{reader.line_num}: a register row is one line (is a quote missing "
                          "or one too many?); the rows between would be read as one cell",
                          line)


def _why(exc: csv.Error) -> str:
    said = str(exc)
    limit = re.search(r"field larger than field limit \((\d+)\)", said)
    if limit:
        return f"a quote opens a cell that runs on past {int(limit.group(1)):,} characters"
    if "unexpected end of data" in said:
        return "a quote opens a cell that is never closed, so the rest of the file would be " \
            "that one cell"
    return said
