"""Documents to records, in stages that pass values and return their decisions.

1. read statements  — ``helpers.statements`` (documents of any kind: article, fact sheet, …)
2. identify partners — ``helpers.partners.identify_partners`` (each table row's partner)
3. place cities      — ``helpers.cities`` (inside each statement's post records)
4. assemble records  — ``helpers.records`` (statement records, relations, the ledger)
5. levels            — ``helpers.levels.add_levels`` (representation levels and their events)
6. reconcile         — ``helpers.build.reconcile.reconcile_relations`` (facts several sources state)

A document kind only has to give a ``statements.Document`` (statements, and table rows if it
has any) to go through stages 2–4. Each ``parse_*`` rule lives in the module named for it:
``posts``, ``events``, ``memberships``, ``figures``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from helpers.build.decisions import Decision, unique
from helpers.build.events import parse_events  # noqa: F401  (the rules, re-exported for callers)
from helpers.build.figures import indicators, parse_figures  # noqa: F401
from helpers.build.levels import add_levels
from helpers.build.memberships import (  # noqa: F401
    membership_subjects,
    organizations,
    parse_memberships,
)
from helpers.build.partners import Partner, identify_partners
from helpers.build.posts import parse_mission  # noqa: F401
from helpers.build.reconcile import reconcile_relations
from helpers.build.records import (
    RECORD_TABLES,
    drop_repeats,
    follow_up,
    ledger_record,
    relation_record,
    statement_records,
)
from helpers.build.statements import Document
from helpers.core.schema import TABLES, Subject

_UNKNOWN = Partner("", "")


@dataclass
class Result:
    tables: dict[str, list[dict]] = field(default_factory=dict)  # typed records by table
    counts: dict[str, int] = field(default_factory=dict)


def extract(docs: list[Document], subject: Subject, source_years: dict[str, int],
            source_partner: dict[str, str]) -> Result:
    """Run the stages over the documents: records by table, and the counts the build prints.

    ``source_partner`` names the partner of a whole source (a bilateral fact sheet).
    """
    orgs, lexicon = organizations(), indicators()
    decisions: list[Decision] = []
    # 2. partners of table rows, by (source, row line)
    partners: dict[tuple[str, int], Partner] = {}
    for doc in docs:
        found, why = identify_partners(doc, subject.iso3, orgs)
        partners.update({(doc.source, line): p for line, p in found.items()})
        decisions += why

    def partner_of(source: str, row_line: int | None) -> str:
        if row_line is None:
            return source_partner.get(source, "")
        return partners.get((source, row_line), _UNKNOWN).iso3

    # 3–4. records of every statement (cities placed inside)
    tables: dict[str, list[dict]] = {t: [] for t in (*RECORD_TABLES, "relations",
                                                     "statements", "unparsed")}
    ledger = []
    for doc in docs:
        previous: tuple[tuple, list[dict]] = ((), [])  # the posts of the sentence before
        for st in doc.statements:
            partner = partner_of(st.source, st.row_line)
            result = statement_records(st, partner, st.row_line, subject.iso3,
                                       source_years.get(st.source), orgs, lexicon)
            block = (st.row_line, st.section, st.kind)
            follow_up(st, previous[1] if previous[0] == block else [], result)
            previous = (block, result.rows["missions"])
            for name, rows in result.rows.items():
                tables[name] += rows
            decisions += result.decisions
            ledger.append(ledger_record(st, partner, result))
    # relations, with the date relations began (the notes, the column, or another source)
    elsewhere: dict[str, dict] = {}
    for e in tables["events"]:
        if e["kind"] == "relations-established" and e["row_line"] is None and e["partner_iso3"]:
            elsewhere.setdefault(e["partner_iso3"], e)
    by_row: dict[tuple[str, int | None], list[dict]] = {}
    for e in tables["events"]:
        by_row.setdefault((e["source"], e["row_line"]), []).append(e)
    for doc in docs:
        for row in doc.rows:
            relation, events, why = relation_record(
                row, partners[(doc.source, row.line)], by_row.get((row.source, row.line), []),
                elsewhere)
            tables["relations"].append(relation)
            tables["events"] += events
            decisions += why
    # one record per key: a post named twice is one post
    for name in RECORD_TABLES:
        tables[name], why = drop_repeats(name, TABLES[name].key, tables[name])
        decisions += why
    tables["statements"] = ledger
    tables["unparsed"] = [{k: s[k] for k in ("source", "line", "sentence", "section",
                                              "partner_iso3", "reason", "text")}
                          for s in ledger if s["status"] == "unparsed"]
    tables["decisions"] = [d.record() for d in unique(decisions)]
    # 5–6. representation levels (and their events), then facts several statements give
    add_levels(tables, subject)
    reconcile_relations(tables)
    relations = tables["relations"]
    counts = {
        "statements read": len(ledger),
        "represented": sum(s["status"] == "represented" for s in ledger),
        "unparsed (listed with a reason)": sum(s["status"] == "unparsed" for s in ledger),
        "table rows": len(relations),
        "empty rows": sum(len(d.empty_rows) for d in docs),
        "unresolved partners": sum(r["resolution"] == "unresolved" for r in relations),
        "inferred partners": sum(r["resolution"] == "inferred" for r in relations),
    }
    return Result(tables, counts)
