"""Statements to representation levels: who kept a legation or an embassy with whom, from when.

A statement states a change of representation when it names a mission or an envoy's rank
(legation, embassy; chargé d'affaires, minister, ambassador), a change ("established",
"raised to", "named", "presented his credentials", ...), a date, and where the mission or envoy
is: in the subject's capital (the partner's mission to the subject) or "to"/"in" the partner
(the subject's mission to the partner). The rank implies the level where the level is not
written (an ambassador heads an embassy, a minister or chargé d'affaires a legation), and the
level gives the Correlates of War code where the rank is not written (an embassy is 3).

A section title that restates its paragraph's change less precisely ("Elevation of the
Legation to Embassy Status, 1920." above "... raised to an Embassy on April 24, 1920") is the
same change: of the statements of one change in one year, the most precise is kept.

Each level change is also an event: ``mission-upgraded`` when the statement says the mission
was raised, ``mission-opened`` for the first level stated in that direction. It is added to the
statement's events unless the statement already has an event of that kind on that date, and it
replaces an ``other`` reading of that date (``other`` means no keyword decided).

Stage 5 of helpers.build.extract (``add_levels``), on the typed records stages 1–4 produced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from helpers.build.dates import find_dates
from helpers.core import places
from helpers.core.schema import COW_CODES, PRECISION_RANK, Subject

_RANKS = [
    (re.compile(r"\bcharg[eé]s?\s+d[’']affaires\b", re.IGNORECASE), "chargé d'affaires"),
    (re.compile(r"\bambassadors?\b", re.IGNORECASE), "ambassador"),
    (re.compile(r"\bministers?\b(?!\s+of\b)", re.IGNORECASE), "minister"),
]
_LEVEL = re.compile(r"\b(?P<level>legations?|embass(?:y|ies))\b", re.IGNORECASE)
_RAISED = re.compile(r"\b(?:raised|elevat\w*|upgraded)\b[^.]*?\bto\s+(?:an?\s+)?"
                     r"(?P<level>legation|embassy)\b", re.IGNORECASE)
_CHANGE = re.compile(r"\b(?:establish\w*|opened|raised|elevat\w*|upgraded|named|appointed|"
                     r"presented\s+(?:his|her|its|their)\s+credentials)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Level:
    """One stated level of representation, as a statement gives it."""

    sending: str
    receiving: str
    level: str
    rank: str
    date: str
    precision: str
    raised: bool

    @property
    def cow(self) -> int | None:
        if self.rank:
            return COW_CODES[self.rank]
        return COW_CODES["ambassador"] if self.level == "embassy" else None


def _level_word(word: str) -> str:
    return "embassy" if word.lower().startswith("embass") else "legation"


def _rank(text: str) -> str:
    found = [(m.start(), rank) for rx, rank in _RANKS for m in rx.finditer(text)]
    return min(found)[1] if found else ""


_IN_PLACE = re.compile(r"\b(?:in|at)\s+(?P<place>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)")
# "in Oslo and Athens respectively": a place after "and" in a list of the posts' cities
_AND_PLACE = re.compile(r"\s+and\s+(?P<place>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)")


def _at_partner_city(text: str, partner: str, subject_capital: str, subject_iso3: str) -> bool:
    """Whether the text puts the mission in a city of the partner ("in Beijing"), one that is
    no city of the subject's."""
    for m in _IN_PLACE.finditer(text):
        names = [m.group("place")]
        names += [a.group("place") for a in [_AND_PLACE.match(text, m.end())] if a]
        for name in names:
            homes = {c.iso3 for c in places.city_candidates(name)}
            if name != subject_capital and partner in homes and subject_iso3 not in homes:
                return True
    return False


def _receiving(text: str, subject: Subject, partner: str) -> str | None:
    """The country the mission or envoy is in: the subject (its capital is named), or the
    partner ("to the United States", "in Washington", a city of the partner); "both" for
    missions in each other's cities ("embassies in Oslo and Athens respectively"); None when
    the text does not say."""
    at_subject = re.search(rf"\b(?:in|at)\s+(?:\w+\s+and\s+)?{re.escape(subject.capital)}\b",
                           text)
    at_partner = any(
        m.iso3 == partner and re.search(r"\b(?:to|in)\s+(?:the\s+)?$", text[:m.start])
        for m in places.find_countries(text)) or _at_partner_city(text, partner, subject.capital,
                                                                subject.iso3)
    if at_subject and at_partner and re.search(r"\brespectively\b", text):
        return "both"
    if at_subject and not at_partner:
        return subject.iso3
    if at_partner and not at_subject:
        return partner
    return None


def parse_level(text: str, subject: Subject, partner: str, both: bool = False
                ) -> Level | None:
    """The change of representation a statement states, or None.

    >>> s = Subject("Chile", "CHL", "Santiago")
    >>> parse_level("The Legation at Santiago was raised to an Embassy on May 3, 1930.", s,
    ...             "FRA").level
    'embassy'
    """
    change = _CHANGE.search(text) if partner and partner != subject.iso3 else None
    if change is None:
        return None
    rank = _rank(text)
    raised = _RAISED.search(text)
    written = _LEVEL.search(text)
    if raised:
        level = _level_word(raised.group("level"))
    elif written:
        level = _level_word(written.group("level"))
    elif rank:
        level = "embassy" if rank == "ambassador" else "legation"
    else:
        return None
    dates = find_dates(text)
    receiving = _receiving(text, subject, partner)
    if both and receiving == "both":
        receiving = subject.iso3
    if not dates or receiving in (None, "both"):
        return None
    sending = partner if receiving == subject.iso3 else subject.iso3
    # the change's own date: the first after its verb ("recognized Y in January 1987 and
    # established its embassy in June 1988"), else the statement's first
    anchor = (raised or change).start()
    date = next((d for d in dates if d.start >= anchor), dates[0])
    return Level(sending, receiving, level, rank, date.iso, date.precision, bool(raised))


# a later dated clause of the same sentence: "In 1992, X was established in A, in 1995, Y ..."
_DATED_CLAUSE = re.compile(r",\s+(?=(?:and\s+)?(?:in|on)\s+[^,]*\d{4},\s)")
# "A legation established in 1967 ... upgraded to an embassy": the legation's own opening
_OPENED_BEFORE = re.compile(r"\b(?P<level>legation|embassy)\b[^.;]{0,30}?\b(?:was\s+)?"
                            r"(?:established|opened|set\s+up)\b", re.IGNORECASE)


def parse_levels(text: str, subject: Subject, partner: str) -> list[Level]:
    """Every change of representation a statement states: one per dated clause ("In 1992, the
    Embassy of China was established in Vilnius, in 1995, ..."), the opening of a legation
    before its upgrade ("A legation established in 1967 was upgraded to an embassy in 1991"),
    and each direction of missions opened in each other's cities ("respectively")."""
    clauses = _DATED_CLAUSE.split(text)
    if len(clauses) > 1:
        found = [lv for clause in clauses for lv in parse_levels(clause, subject, partner)]
        if found:
            return found
    lv = parse_level(text, subject, partner)
    if lv is None:
        both = parse_level(text, subject, partner, both=True)
        return [both, replace(both, sending=both.receiving, receiving=both.sending)] if both \
            else []
    out = [lv]
    opened = _OPENED_BEFORE.search(text)
    raised = _RAISED.search(text)
    if lv.raised and opened and raised and opened.start() < raised.start():
        date = next((d for d in find_dates(text)
                     if opened.end() <= d.start < raised.start()), None)
        if date is not None:
            out.insert(0, replace(lv, level=_level_word(opened.group("level")), rank="",
                                  date=date.iso, precision=date.precision, raised=False))
    return out


def add_levels(tables: dict[str, list[dict]], subject: Subject) -> None:
    """Add the ``levels`` table and its events to the extracted rows, and update the ledger."""
    found: list[tuple[Level, dict]] = []
    for st in tables["statements"]:
        for lv in parse_levels(st["text"], subject, st["partner_iso3"]):
            found.append((lv, st))
    # one change stated twice in one year (a section title and its paragraph): the most precise
    kept: dict[tuple, tuple[Level, dict]] = {}
    for lv, st in found:
        key = (lv.sending, lv.receiving, lv.level, lv.date[:4])
        best = kept.get(key)
        if best is None or PRECISION_RANK[lv.precision] > PRECISION_RANK[best[0].precision]:
            kept[key] = (lv, st)
    rows, first = [], {}
    for lv, st in sorted(kept.values(), key=lambda x: (x[0].date, x[1]["source"],
                                                       int(x[1]["line"]))):
        rows.append(dict(
            sending_iso3=lv.sending, receiving_iso3=lv.receiving, level=lv.level,
            envoy_rank=lv.rank, cow_level=lv.cow, from_date=lv.date,
            precision=lv.precision, source=st["source"], line=st["line"],
            sentence=st["sentence"], text=st["text"]))
        kind = "mission-upgraded" if lv.raised else (
            "mission-opened" if (lv.sending, lv.receiving) not in first else "")
        first.setdefault((lv.sending, lv.receiving), lv)
        if kind:
            _event(tables["events"], st, lv, kind)
        _feed(tables, st, "levels")
    tables["levels"] = rows
    with_events = {(e["source"], e["line"], e["sentence"]) for e in tables["events"]}
    for st in tables["statements"]:  # an added event feeds the events table
        if (st["source"], st["line"], st["sentence"]) in with_events:
            _feed(tables, st, "events")


def _event(events: list[dict], st: dict, lv: Level, kind: str) -> None:
    same = [e for e in events if (e["source"], e["line"], e["sentence"], e["date"]) ==
            (st["source"], st["line"], st["sentence"], lv.date)]
    if any(e["kind"] == kind for e in same):
        return
    other = next((e for e in same if e["kind"] == "other"), None)
    if other is not None:
        other["kind"] = kind
        return
    events.append(dict(partner_iso3=st["partner_iso3"], date=lv.date, precision=lv.precision,
                       approximate=False, end_date=None, kind=kind, summary=st["text"],
                       row_line=st["row_line"],
                       source=st["source"], line=st["line"], sentence=st["sentence"]))


def _feed(tables: dict[str, list[dict]], st: dict, table: str) -> None:
    """Record that a statement fed ``table``: represented, and out of the unparsed list."""
    fed = set(filter(None, st["tables"].split(";"))) | {table}
    st["tables"] = ";".join(sorted(fed))
    if st["status"] == "unparsed":
        st["status"], st["reason"] = "represented", ""
        key = (st["source"], st["line"], st["sentence"])
        tables["unparsed"][:] = [u for u in tables["unparsed"]
                                 if (u["source"], u["line"], u["sentence"]) != key]
