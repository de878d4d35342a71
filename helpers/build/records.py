"""Assembling records: each statement's rows of the tables, each table row's relation, and the
ledger that accounts for every statement.

Records hold typed values (ints, bools, None for "no value"); ``helpers.build`` formats them
through ``schema.format_row``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from helpers.build.cities import post_records
from helpers.build.dates import Date
from helpers.build.decisions import Decision
from helpers.build.events import parse_date_cell, parse_events
from helpers.build.figures import Indicator, name_indicator, parse_figures
from helpers.build.memberships import (
    ACCESSION_ACHIEVED,
    PRONOUNS,
    Organization,
    listed_members,
    membership_subjects,
    parse_memberships,
    resolve,
)
from helpers.build.partners import row_region
from helpers.build.posts import MissionStatement, PostMention, parse_missions, parse_respectively
from helpers.build.statements import Statement, TableRow
from helpers.core import places
from helpers.core.schema import PRECISION_RANK

RECORD_TABLES = ("missions", "events", "memberships", "figures")


@dataclass
class StatementRecords:
    """What one statement gave: rows by table, the tables it fed, and the decisions taken."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in RECORD_TABLES})
    fed: set[str] = field(default_factory=set)
    negative: bool = False  # it says there is no post (a reason for unparsed)
    not_organizations: list[str] = field(default_factory=list)  # memberships refused
    decisions: list[Decision] = field(default_factory=list)


def statement_records(st: Statement, partner: str, row_line: int | None, subject: str,
                      source_year: int | None, orgs: dict[str, Organization],
                      lexicon: list[Indicator]) -> StatementRecords:
    """All records of one statement; ``partner`` is its row's partner (or the source's)."""
    out = StatementRecords()

    def add(table: str, record: dict):
        out.rows[table].append(record)
        out.fed.add(table)

    for ms in _respective_missions(st.text, subject, partner) or parse_missions(st.text):
        if ms.negative:
            out.negative = True
            continue
        missions, decisions = post_records(st, ms, subject, partner or None)
        out.decisions += decisions
        for m in missions:
            add("missions", {**m, "row_line": row_line})
    figures = parse_figures(st.text, source_year)
    for i, f in enumerate(figures):
        nxt = figures[i + 1].start if i + 1 < len(figures) else None
        indicator, label = name_indicator(st.text, f, lexicon, nxt)
        if indicator.startswith("unclassified_"):
            out.decisions.append(Decision(
                "indicator", st.text[f.start:f.end], indicator, "",
                "no entry of reference/indicators.csv matches", st.source, st.line))
        add("figures", dict(
            indicator=indicator, label=label, partner_iso3=partner, year=f.year,
            period=f.period, value=f.value, unit=f.unit, qualifier=f.qualifier,
            row_line=row_line, source=st.source, line=st.line, text=st.text))
    # a year a figure is measured in ("for the year 2005: 44.7 million") is not an event
    measured = {f.year for f in figures if f.year} | {
        int(p[:4]) for f in figures for p in f.period.split("/") if p[:4].isdigit()}
    for ev in parse_events(st.text, [(f.start, f.end) for f in figures]):
        if ev.kind == "other" and ev.date.year in measured:
            continue
        add("events", event_record(partner, ev.date, ev.kind, st.text, row_line, st.source,
                                   st.line, st.sentence, ev.end))
    who = membership_subjects(st.text)
    names = parse_memberships(st.text) if who else []
    members: list[str] = []
    if who == "both":
        members = [subject] + ([partner] if partner else [])
    elif who in PRONOUNS:  # "It is a founding member of ...": nearest country, else the partner
        named = [m.iso3 for m in places.find_countries(st.text)]
        members = [(named or [partner or subject])[0]]
    elif who and places.country_of(who):
        members = [places.country_of(who)]
    elif ACCESSION_ACHIEVED.search(st.text) and not places.find_countries(st.text):
        # "objectives ... have been accession into NATO and the EU, achieved in 2004": a
        # sentence naming no country speaks of the document's subject
        members, names = [subject], parse_memberships(st.text)
    listed = listed_members(st.text)
    if listed:  # "The members of X are A, B and C"
        names, members = [listed[0]], listed[1]
    for name in names:
        # a membership's organisation is one the reference table names, or no membership
        org = resolve(name, orgs)
        if not org:
            if members:
                out.not_organizations.append(name)
            continue
        for iso3 in members:
            add("memberships", dict(
                organization=org.name, acronym=org.acronym,
                member_iso3=iso3, row_line=row_line, source=st.source, line=st.line))
    if st.kind == "see-link" and partner:
        out.fed.add("relations")
    return out


def _respective_missions(text: str, subject: str, partner: str) -> list[MissionStatement]:
    """Posts paired with their cities by "respectively": in the order the countries are named,
    or, for "both countries", each post sent by the one of the two its city is not in."""
    found = parse_respectively(text)
    if not found:
        return []
    actors, kind, cities = found
    if actors is None:
        if not partner:
            return []
        both = (subject, partner)
        actors = []
        for city in cities:
            homes = {c.iso3 for c in places.city_candidates(city)} & set(both)
            if len(homes) != 1:
                return []
            actors.append(partner if subject in homes else subject)
    return [MissionStatement(actor, None, [PostMention(kind, 1, [city], None)])
            for actor, city in zip(actors, cities, strict=True)]


# "It was closed in 1940": a post of the sentence before changes status
_FOLLOW_UP = re.compile(r"^(?:It|The\s+(?:embassy|consulate|legation|mission|post))\s+was\s+"
                        r"(?:\w+ly\s+)?(?P<verb>closed|suspended|re-?opened)\b", re.IGNORECASE)
_FOLLOW_STATUS = {"closed": "closed", "suspended": "suspended", "reopened": "open",
                  "re-opened": "open"}


def follow_up(st: Statement, previous: list[dict], result: StatementRecords) -> None:
    """A sentence that closes, suspends or reopens "it" sets the status of the posts the
    sentence before wrote ("The Consulate of X ... was opened in Y. It was closed in 1940.")."""
    m = _FOLLOW_UP.match(st.text)
    if not m or not previous or result.rows["missions"]:
        return
    dates = [e["date"] for e in result.rows["events"]]
    for post in previous:
        post["status"] = _FOLLOW_STATUS[m.group("verb").lower()]
        post["status_year"] = int(dates[-1][:4]) if dates else None
    result.fed.add("missions")


def event_record(partner: str, date: Date, kind: str, summary: str, row_line: int | None,
                 source: str, line: int, sentence: int, end: Date | None = None) -> dict:
    return dict(partner_iso3=partner, date=date.iso, precision=date.precision,
                approximate=date.approximate, end_date=end.iso if end else None, kind=kind,
                summary=summary, row_line=row_line, source=source, line=line,
                sentence=sentence)


def relation_record(row: TableRow, partner, notes: list[dict], elsewhere: dict[str, dict]
                    ) -> tuple[dict, list[dict], list[Decision]]:
    """The relations row of a table row, the events its date column gives, and decisions.

    ``notes`` are the events the row's own statements state; ``elsewhere`` the
    relations-established events of other sources by partner.
    """
    decisions: list[Decision] = []
    events: list[dict] = []
    column, others = parse_date_cell(row.established)
    established, source, line, caveat = column, row.source, row.line, ""
    stated = [e for e in notes if e["kind"] == "relations-established"]
    renewed = [e for e in notes if e["kind"] == "relations-renewed"]
    if stated:
        e = stated[0]
        d = Date(e["date"], e["precision"], approximate=e["approximate"])
        if column is None or (d.year == column.year and _rank(d) > _rank(column)):
            if column is not None:
                decisions.append(Decision(
                    "date-choice", row.established, d.iso, column.iso,
                    "the notes give a more precise date in the same year as the column",
                    row.source, row.line))
            established, line = d, e["line"]
    if renewed and column and renewed[0]["date"][:4] == column.iso[:4]:
        caveat = f"the notes say: {renewed[0]['summary']}"
        for st in row.statements:
            if re.search(r"existed before|earlier|since", st.text) and st.text not in caveat:
                caveat = f"the notes say: {st.text} {renewed[0]['summary']}"
    if established is None and partner.iso3 in elsewhere:
        e = elsewhere[partner.iso3]
        established = Date(e["date"], e["precision"], approximate=e["approximate"])
        source, line = e["source"], e["line"]
        decisions.append(Decision(
            "date-choice", f"{places.name_of(partner.iso3)}: no date in the article", e["date"],
            "", "another source states when relations began", row.source, row.line))
    summary = "Formal Relations Began: " + re.sub(r"\[\d+\]", "", row.established)
    if column is not None and not stated and not renewed:
        events.append(event_record(partner.iso3, column, "relations-established", summary,
                                   row.line, row.source, row.line, 0))
    for date, kind in others:  # "5 May 1987, broken 9 September 1996"
        events.append(event_record(partner.iso3, date, kind, summary, row.line, row.source,
                                   row.line, 0))
    relation = dict(
        region=row_region(row, partner), heading=row.heading,
        partner=places.name_of(partner.iso3) if partner.iso3 else "",
        iso3=partner.iso3, resolution=partner.resolution, reason=partner.reason,
        candidates=partner.candidates,
        established=established.iso if established else None,
        established_precision=established.precision if established else None,
        established_approximate=established.approximate if established else None,
        established_source=source if established else None,
        established_line=line if established else None,
        established_caveat=caveat, statements=len(row.statements),
        source=row.source, line=row.line)
    return relation, events, decisions


def _rank(d: Date) -> int:
    return PRECISION_RANK[d.precision]


# --------------------------------------------------------------------------- the ledger

_REASONS = [
    (r"\bMinistry\b|\(in [\w ]+ only\)|^(?:Consulate|Embassy) of\b|list of bilateral treaties",
     "link to a ministry or embassy page"),
    (r"^More information\b|\bare listed in\b", "pointer to other publications"),
    (r"\bplann(?:ing|ed)\b", "a plan, not an event, post or membership"),
]


def unparsed_reason(statement: Statement, negative: bool = False,
                    not_organizations: tuple[str, ...] = ()) -> str:
    if negative:
        return "states that there is no post or accreditation (nothing to record as a post)"
    if not_organizations:
        return ("a membership of " + "; ".join(f"'{n}'" for n in not_organizations)
                + ", which is no organisation of reference/organizations.csv")
    if statement.kind == "heading":
        return "heading without a date (a section title or a figure caption)"
    if statement.kind == "list-item":
        if statement.section == "See also":
            return "see-also link to another article"
        return "entry of a list of links"
    for pattern, reason in _REASONS:
        if re.search(pattern, statement.text):
            return reason
    return "narrative without a dated event, post, membership or figure"


def ledger_record(st: Statement, partner: str, result: StatementRecords) -> dict:
    """The statements.csv row: represented (with the tables it fed) or unparsed with a reason."""
    tables = sorted(result.fed)
    return dict(source=st.source, line=st.line, sentence=st.sentence, section=st.section,
                kind=st.kind, row_line=st.row_line, partner_iso3=partner,
                status="represented" if tables else "unparsed", tables=";".join(tables),
                reason="" if tables else unparsed_reason(
                    st, result.negative, tuple(result.not_organizations)), text=st.text)


def drop_repeats(name: str, key: tuple[str, ...], rows: list[dict]
                 ) -> tuple[list[dict], list[Decision]]:
    """Keep the first record of each key of table ``name``; each repeat is a decision."""
    seen: set[tuple] = set()
    kept, decisions = [], []
    for r in rows:
        k = tuple(r.get(c) for c in key)
        if k in seen:
            if name == "missions":
                kind, what = "duplicate-post", f"{r['post_type']} in {r['city']}"
            else:
                kind, what = "duplicate-record", f"{name}: " + ", ".join(
                    f"{c}={r.get(c) if r.get(c) is not None else ''}" for c in key[:4])
            decisions.append(Decision(kind, what, "one row", "",
                                      "the statement names it more than once; kept once",
                                      r["source"], r["line"]))
            continue
        seen.add(k)
        kept.append(r)
    return kept, decisions
