"""Structured sources joined to the records: the register of posts and the chiefs of mission.

Stage 7 of the build, after helpers.build.extract: the text sources' records exist, and the
structured sources add to them. The register (helpers.build.register) gives the posts that
concern the subject, matched to the text's posts (helpers.build.matching): ``missions`` gains
the sources that state each post and their ``agreement``, ``post_sources`` lists every
statement of every post, and ``register_posts`` keeps the whole register, compacted, for the
peer comparison (the notebooks never read data/raw). A chiefs-of-mission file
(helpers.build.chiefs) gives the ``chiefs`` table, levels and events. Rows of either that
concern the subject are statements (kind ``entry``); rows that cannot be placed are
``unparsed`` with their reason.
"""

from __future__ import annotations

from helpers.build.chiefs import ChiefsDocument, add_chiefs
from helpers.build.decisions import Decision
from helpers.build.matching import city_of, concerns, match_posts, register_rows
from helpers.build.register import RegisterDocument, RegisterPost
from helpers.build.statements import Document
from helpers.core import places
from helpers.core.exceptions import SourceError


def add_sources(tables: dict[str, list[dict]], counts: dict[str, int], docs: list[Document],
                subject: str, source_partner: dict[str, str]) -> None:
    """Join every structured document of ``docs`` to the tables; add to the counts."""
    for name in ("post_sources", "chiefs", "register_posts"):
        tables.setdefault(name, [])
    registers = [d for d in docs if isinstance(d, RegisterDocument)]
    for row in tables["missions"]:
        row.update(sources=row["source"], agreement="text-only" if registers else None)
    for doc in registers:
        _add_register(tables, doc, subject)
        counts["register rows read"] = counts.get("register rows read", 0) + len(
            doc.posts) + len(doc.unplaced) + len(doc.repeats)
        counts["register posts about the subject"] = counts.get(
            "register posts about the subject", 0) + sum(concerns(p, subject) for p in doc.posts)
    for doc in docs:
        if isinstance(doc, ChiefsDocument):
            if not source_partner.get(doc.source):
                raise SourceError(doc.source, "a chiefs-of-mission source needs the partner "
                                  "it covers: add partner_iso3 to its manifest entry")
            add_chiefs(tables, doc, source_partner[doc.source], subject)
            counts["chiefs of mission"] = counts.get("chiefs of mission", 0) + len(doc.chiefs)
    ledger = tables["statements"]  # the structured sources' rows are statements too
    counts.update({"statements read": len(ledger),
                   "represented": sum(s["status"] == "represented" for s in ledger),
                   "unparsed (listed with a reason)": sum(s["status"] == "unparsed"
                                                          for s in ledger)})


def _post_source(row: dict, source: str, line: int, place: str, kind: str,
                 distance: float | None, agreement: str, conflict: str = "") -> dict:
    return dict(sending_iso3=row["sending_iso3"],
                host_iso3=row["city_iso3"] or row["accredited_to_iso3"],
                post_type=row["post_type"], city=row["city"], agreement=agreement,
                source=source, line=line, place_as_written=place, type_as_written=kind,
                distance_km=round(distance, 1) if distance is not None else None,
                conflict=conflict)


def _add_register(tables: dict[str, list[dict]], doc: RegisterDocument, subject: str) -> None:
    src = doc.source
    mine = [p for p in doc.posts if concerns(p, subject)]
    text_rows = list(tables["missions"])
    matches = match_posts(text_rows, mine)
    stated: dict[str, list[dict]] = {}  # post_sources rows, by key, first kept
    covered: dict[int, set[str]] = {}  # register line -> accredited countries the text states
    fed: dict[int, set[str]] = {}
    for row, m in zip(text_rows, matches, strict=True):
        row["agreement"] = m.agreement
        _keep(stated, _post_source(row, row["source"], row["line"], row["city_as_written"],
                                   row["post_type"], None, m.agreement, m.conflict))
        if m.post is None:
            continue
        p = m.post
        row["sources"] = ";".join(sorted({row["source"], src}))
        covered.setdefault(p.line, set()).add(row["accredited_to_iso3"])
        _keep(stated, _post_source(row, src, p.line, p.city, p.type_as_written, m.distance_km,
                                   m.agreement, m.conflict))
        fed.setdefault(p.line, set()).add("post_sources")
    for p in mine:
        city = city_of(p)
        if not city:
            _unparsed(tables, src, p.line, _partner(p, subject), "no place: neither a city nor "
                      "coordinates", p.text)
            continue
        rows = [r for r in register_rows(p, city, subject, src)
                if r["accredited_to_iso3"] not in covered.get(p.line, ())]
        if p.line in covered and any(m.post is p and m.agreement == "conflict"
                                     for m in matches):
            rows = []  # the conflict is the post: post_sources shows both statements
        tables["missions"] += rows
        if rows:
            fed.setdefault(p.line, set()).update({"missions", "post_sources"})
            if p.line not in covered:
                _keep(stated, _post_source(rows[0], src, p.line, p.city, p.type_as_written,
                                           None, "register-only"))
        tables["statements"].append(_ledger(src, p.line, _partner(p, subject),
                                            ";".join(sorted(fed.get(p.line, ()))), "", p.text))
    for u in doc.unplaced:
        partner = subject if subject in u.concerns else ""
        _unparsed(tables, src, u.line, partner, u.reason, u.text)
    for r in doc.repeats:  # the same post again: one post, and a decision naming both lines
        tables["decisions"].append(Decision(
            "duplicate-post", r.post.text, "one post", f"line {r.first_line}",
            f"the register repeats line {r.first_line} (the same Wikidata item, the same cells): "
            "one post, read from its first line", src, r.line).record())
    tables["post_sources"] += [rows[0] for rows in stated.values()]
    tables["register_posts"] += register_counts(doc.posts, src)


def _keep(stated: dict, row: dict) -> None:
    key = tuple(row[k] for k in ("sending_iso3", "host_iso3", "post_type", "city", "source",
                                 "line"))
    stated.setdefault(key, []).append(row)


def _partner(p: RegisterPost, subject: str) -> str:
    if p.sending_iso3 != subject:
        return p.sending_iso3
    return p.host_iso3 if p.host_iso3 != subject else (p.accredited[:1] or ("",))[0]


def _ledger(source: str, line: int, partner: str, fed: str, reason: str, text: str) -> dict:
    return dict(source=source, line=line, sentence=1, section="register", kind="entry",
                row_line=None, partner_iso3=partner or None,
                status="represented" if fed else "unparsed", tables=fed, reason=reason,
                text=text)


def _unparsed(tables: dict, source: str, line: int, partner: str, reason: str,
              text: str) -> None:
    st = _ledger(source, line, partner, "", reason, text)
    tables["statements"].append(st)
    tables["unparsed"].append({k: st[k] for k in ("source", "line", "sentence", "section",
                                                   "partner_iso3", "reason", "text")})


def register_counts(posts: tuple[RegisterPost, ...], source: str) -> list[dict]:
    """The register_posts rows: every post where it stands, every accreditation elsewhere,
    by sending country, region, post type and residence, with the countries."""
    groups: dict[tuple[str, str, str, str], list[str]] = {}

    def add(p: RegisterPost, iso3: str, residence: str) -> None:
        region = places.region_of(iso3)
        if region and iso3 != p.sending_iso3:
            groups.setdefault((p.sending_iso3, region, p.post_type, residence), []).append(iso3)

    for p in posts:
        add(p, p.host_iso3, "resident")
        for iso3 in p.accredited:
            if iso3 != p.host_iso3:
                add(p, iso3, "non-resident")
    return [dict(sending_iso3=s, region=r, post_type=t, residence=res, posts=len(c),
                 countries=sorted(c), source=source)
            for (s, r, t, res), c in groups.items()]
