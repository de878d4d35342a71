"""Identifying each table row's partner, from the row's own text (never outside knowledge).

Evidence, strongest first: the Country column when the export kept it; a "See X–Y relations"
link; the subject of a post statement ("Algeria has an embassy in Lima"); the country of a city
where the subject has a post; a recognized country; else the country named most often. A row
naming no country gets candidates from its alphabetical neighbours, not a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.build.cities import post_records
from helpers.build.decisions import Decision
from helpers.build.memberships import (
    Organization,
    membership_subjects,
    parse_memberships,
    resolve,
)
from helpers.build.posts import parse_mission
from helpers.build.statements import Document, TableRow
from helpers.core import places
from helpers.core.schema import REGIONS, UNKNOWN_REGION, heading_key


@dataclass(frozen=True)
class Partner:
    iso3: str  # "" when unresolved
    resolution: str  # stated | inferred | unresolved | pending (first pass only)
    reason: str = ""
    candidates: str = ""  # ;-separated ISO3


def identify_partners(doc: Document, subject: str, orgs: dict[str, Organization]
                      ) -> tuple[dict[int, Partner], list[Decision]]:
    """Every row's partner by row line, region by region, and the decisions taken.

    First pass: rows whose text names their partner. Second pass: the others, bounded by
    their identified neighbours (rows are alphabetical under a heading).
    """
    decisions: list[Decision] = []
    by_region: dict[str, list[TableRow]] = {}
    for row in doc.rows:
        by_region.setdefault(heading_key(row.heading), []).append(row)
    partners: dict[int, Partner] = {}
    for region_rows in by_region.values():
        known: dict[int, str] = {}
        first: dict[int, Partner] = {}
        for row in region_rows:
            first[row.line], why = row_partner(row, region_rows, None, subject, orgs)
            decisions += why
            if first[row.line].resolution == "stated":
                known[row.line] = first[row.line].iso3
        for row in region_rows:
            if first[row.line].resolution == "pending":
                first[row.line], why = row_partner(row, region_rows, known, subject, orgs)
                decisions += why
            partners[row.line] = first[row.line]
    for heading, line in doc.empty_rows:
        decisions.append(Decision("empty-row", f"empty row in {heading or 'no heading'}",
                                  "not a relation", "",
                                  "a table row with no text is counted, not kept", doc.source,
                                  line))
    mapped: set[str] = set()
    for row in doc.rows:  # one decision per heading naming a region, at its first row
        if row.region and row.heading != row.region and row.heading not in mapped:
            mapped.add(row.heading)
            decisions.append(Decision(
                "region-heading", row.heading, row.region, "",
                "schema.HEADING_REGIONS (or the manifest's [regions]) maps the heading",
                row.source, row.line))
        decisions += region_decisions(row, partners[row.line])
    return partners, decisions


def row_region(row: TableRow, partner: Partner) -> str:
    """A row's region: its partner's continent, whatever the heading (a transcontinental
    partner keeps a heading that names one of its continents: Cyprus under "Europe"); for an
    unresolved partner, the region the heading names, else ``unknown``."""
    if partner.iso3 and row.region in places.regions_of(partner.iso3):
        return row.region
    own = places.region_of(partner.iso3) if partner.iso3 else ""
    if own in REGIONS:
        return own
    return row.region or UNKNOWN_REGION


def region_decisions(row: TableRow, partner: Partner) -> list[Decision]:
    """A decision when the row's region is not simply the one its heading names."""
    region = row_region(row, partner)
    if region == row.region:
        return []
    if partner.iso3 and region != UNKNOWN_REGION:
        rule = "a row's region is its partner's continent (country_converter's data)"
    else:
        rule = "the partner is unresolved and the heading names no region"
    named = f"the heading names {row.region}" if row.region else "the heading names no region"
    return [Decision("region-heading", f"{row.heading or 'no heading'}: {row_subject(row)}",
                     region, named, rule, row.source, row.line)]


def row_subject(row: TableRow) -> str:
    """What a decision about a row is about: its first statement, or its cells."""
    if row.statements:
        return row.statements[0].text
    cells = "; ".join(x for x in (row.country, row.established) if x)
    return f"row with no notes ({cells})" if cells else "row with no notes"


def row_partner(row: TableRow, region_rows: list[TableRow], known: dict[int, str] | None,
                subject: str, orgs: dict[str, Organization]) -> tuple[Partner, list[Decision]]:
    """A row's partner from its own statements (see the module docstring)."""
    from_notes, decisions = _partner_from_notes(row, region_rows, known, subject, orgs)
    if not row.country:
        return from_notes, decisions
    return _partner_from_column(row, from_notes, decisions)


def _partner_from_column(row: TableRow, from_notes: Partner, decisions: list[Decision]
                         ) -> tuple[Partner, list[Decision]]:
    """A name in the Country column states the partner; the notes may only agree with it."""
    iso3 = places.country_of(row.country) or places.former_country_of(row.country)
    if not iso3:
        decisions.append(Decision("country-column", row.country, "not a country name", "",
                                  "the Country column names no country we know; the notes "
                                  "decide", row.source, row.line))
        return from_notes, decisions
    # the column decides: the notes' own partner decisions no longer apply
    decisions = [d for d in decisions if d.kind not in (
        "inferred-partner", "unresolved-partner", "partner-choice")]
    if from_notes.iso3 and from_notes.iso3 != iso3:
        decisions.append(Decision(
            "country-column", row.country, iso3, from_notes.iso3,
            f"the Country column wins over the notes ({from_notes.reason})", row.source,
            row.line))
    return Partner(iso3, "stated", f"Country column: {row.country}"), decisions


def _partner_from_notes(row: TableRow, region_rows: list[TableRow],
                        known: dict[int, str] | None, subject: str,
                        orgs: dict[str, Organization]) -> tuple[Partner, list[Decision]]:
    strong: dict[str, list[str]] = {}
    mentions: dict[str, int] = {}
    for st in row.statements:
        if st.kind == "see-link":
            for name in re.split(r"[–—-]", st.text.removeprefix("See ").removesuffix(
                    " relations")):
                iso3 = places.country_of(name)
                if iso3 and iso3 != subject:
                    strong.setdefault(iso3, []).append(f'"{st.text}"')
            continue
        ms = parse_mission(st.text)
        if ms and ms.actor:
            if ms.negative:
                if ms.actor != subject:
                    strong.setdefault(ms.actor, []).append(f'"{st.text}"')
                continue
            records, _ = post_records(st, ms, subject, None)  # placing only: decided later
            for m in records:
                evidence = f'"{st.text}"'
                if m["partner_iso3"] not in {x.iso3 for x in places.find_countries(st.text)}:
                    evidence += f" ({m['city']} is in {places.name_of(m['partner_iso3'])})"
                strong.setdefault(m["partner_iso3"], []).append(evidence)
            continue
        rec = re.search(r"\brecogni[sz]ed\s+(?P<x>[A-Z][\w ]+?)\s+(?:on|in)\b", st.text)
        if rec and places.country_of(rec.group("x")):
            strong.setdefault(places.country_of(rec.group("x")), []).append(f'"{st.text}"')
            continue
        for mention in places.find_countries(st.text):
            if mention.iso3 != subject:
                mentions[mention.iso3] = mentions.get(mention.iso3, 0) + 1
    text = " ".join(st.text for st in row.statements)
    named = {m.iso3 for m in places.find_countries(text)}
    about = row_subject(row)
    if len(strong) == 1:
        iso3, evidence = next(iter(strong.items()))
        if iso3 in named:
            return Partner(iso3, "stated", "; ".join(evidence[:2])), []
        return Partner(iso3, "inferred", "; ".join(evidence), iso3), [Decision(
            "inferred-partner", about, iso3, "", "; ".join(evidence), row.source, row.line)]
    if len(strong) > 1:
        cands = ";".join(sorted(strong))
        return Partner("", "unresolved", "conflicting evidence: " + "; ".join(
            f"{k}: {v[0]}" for k, v in sorted(strong.items())), cands), [Decision(
                "unresolved-partner", about, "unresolved", cands,
                "the row's posts and links point at several countries", row.source, row.line)]
    if mentions:
        ranked = sorted(mentions.items(), key=lambda kv: (-kv[1], kv[0]))
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            iso3, n = ranked[0]
            others = ", ".join(f"{places.name_of(k)} ({v}×)" for k, v in ranked[1:])
            decisions = [Decision("partner-choice", about, iso3, others,
                                  f"named most often in the row ({n}×)", row.source,
                                  row.line)] if others else []
            reason = f"named {n}× in the row's notes" + (f"; also names {others}"
                                                           if others else "")
            return Partner(iso3, "stated", reason), decisions
    if known is None:  # first pass: neighbours are not all known yet
        return Partner("", "pending"), []
    return _bounded_candidates(row, region_rows, known, subject, orgs)


def _bounded_candidates(row: TableRow, region_rows: list[TableRow], known: dict[int, str],
                        subject: str, orgs: dict[str, Organization]
                        ) -> tuple[Partner, list[Decision]]:
    """Rows are alphabetical within a region: the neighbours bound the missing name."""
    i = region_rows.index(row)
    before = next((known[r.line] for r in reversed(region_rows[:i]) if known.get(r.line)), "")
    after = next((known[r.line] for r in region_rows[i + 1:] if known.get(r.line)), "")
    taken = set(known.values())
    lo = places.fold(places.name_of(before)) if before else ""
    hi = places.fold(places.name_of(after)) if after else "~"
    pool = [c for c in places.states_in_region(row.region or None)
            if lo < places.fold(c.name) < hi and c.iso3 not in taken and c.iso3 != subject]
    reason = (f"names no country; alphabetical position in {row.region or 'its table'} between "
              f"{places.name_of(before) if before else 'the start'} and "
              f"{places.name_of(after) if after else 'the end'}: "
              f"{', '.join(c.name for c in pool) or 'no state'}")
    cands = [c.iso3 for c in pool]
    for st in row.statements:
        if membership_subjects(st.text) != "both":
            continue
        for name in parse_memberships(st.text):
            org = resolve(name, orgs)
            if org and org.members:
                narrowed = [c for c in cands if c in org.members]
                if narrowed != cands:
                    reason += (f"; members of {org.name}: "
                               f"{', '.join(places.name_of(c) for c in narrowed) or 'none'}")
                cands = narrowed
    about = row_subject(row)
    if len(cands) == 1:
        return Partner(cands[0], "inferred", reason, cands[0]), [Decision(
            "inferred-partner", about, cands[0], "", reason, row.source, row.line)]
    listed = ";".join(sorted(cands))
    return Partner("", "unresolved", reason, listed), [Decision(
        "unresolved-partner", about, "unresolved", listed, reason, row.source, row.line)]
