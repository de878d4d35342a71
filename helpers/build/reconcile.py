"""Reconciling facts that several statements give, by a written rule.

Today one fact is reconciled: **the date relations with a partner began**. The statements that
give it are the ``relations-established`` events outside the article's tables (a fact sheet, a
record of the Office of the Historian, ...) and the date the partner's table row has from its
own source. When two or more give it, the build chooses by ``RULE``, writes the choice into the
partner's ``relations`` row (``established_*``, with the other dates in
``established_alternatives``) and records a ``reconciliation`` row in ``decisions.csv`` with
every statement's value, file and line.

Stage 6 of helpers.build.extract, after helpers.levels, on the typed records they produced.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.core import places
from helpers.core.claims import RULE, Claim
from helpers.core.schema import PRECISION_RANK


@dataclass(frozen=True)
class Choice:
    chosen: Claim
    same_year: tuple[Claim, ...]  # the other claims in the chosen year
    other_years: tuple[Claim, ...]  # claims in another year: kept as alternatives
    rule: str = RULE

    @property
    def alternatives(self) -> str:
        """`value (precision) file:line, same year; ...`, in the order the claims were given."""
        marked = [(c, "same year") for c in self.same_year] + [
            (c, "other year") for c in self.other_years]
        return "; ".join(f"{c}, {how}" for c, how in sorted(
            marked, key=lambda x: (x[0].source, x[0].line)))


def choose(claims: list[Claim]) -> Choice:
    """Choose among the claims of one fact by ``RULE``.

    >>> c = choose([Claim("1827", "year", "a.txt", 10), Claim("1826", "year", "b.xml", 22),
    ...             Claim("1827-05-21", "day", "b.xml", 68)])
    >>> c.chosen.value, [x.value for x in c.other_years]
    ('1827-05-21', ['1826'])
    """
    if not claims:
        raise ValueError("choose() needs at least one claim")
    by_year: dict[str, list[Claim]] = {}
    for c in claims:
        by_year.setdefault(c.year, []).append(c)

    def weight(year: str) -> tuple:
        group = by_year[year]
        best = max(PRECISION_RANK[c.precision] for c in group)
        return (len({c.source for c in group}), len(group), best, -int(year))

    year = max(by_year, key=weight)
    in_year = sorted(by_year[year], key=lambda c: (-PRECISION_RANK[c.precision], c.value,
                                                   c.source, c.line))
    chosen = in_year[0]
    others = tuple(c for y, group in sorted(by_year.items()) if y != year for c in group)
    return Choice(chosen, tuple(in_year[1:]), others)


def fact_name(iso3: str) -> str:
    return f"{places.name_of(iso3)}: date relations began"


def reconcile_relations(tables: dict[str, list[dict]]) -> None:
    """Reconcile the date relations began with each partner several statements date."""
    claims: dict[str, dict[tuple, Claim]] = {}
    for e in tables["events"]:
        if e["kind"] == "relations-established" and not e["row_line"] and e["partner_iso3"]:
            c = Claim(e["date"], e["precision"], e["source"], int(e["line"]),
                      bool(e.get("approximate")))
            claims.setdefault(e["partner_iso3"], {})[(c.source, c.line, c.value)] = c
    for r in tables["relations"]:
        if r["iso3"] in claims and r["established"] and r["established_source"] == r["source"]:
            c = Claim(r["established"], r["established_precision"], r["established_source"],
                      int(r["established_line"]), bool(r.get("established_approximate")))
            claims[r["iso3"]][(c.source, c.line, c.value)] = c
    for iso3, found in sorted(claims.items()):
        if len(found) < 2:
            continue
        choice = choose(list(found.values()))
        c = choice.chosen
        tables["decisions"].append(dict(
            kind="reconciliation", subject=fact_name(iso3), decision=str(c),
            alternatives=choice.alternatives, rule=choice.rule, source=c.source,
            line=c.line))
        for r in tables["relations"]:
            if r["iso3"] != iso3:
                continue
            before = (r["established"], r["source"], r["line"])
            r.update(established=c.value, established_precision=c.precision,
                     established_approximate=c.approximate, established_source=c.source,
                     established_line=c.line,
                     established_alternatives=choice.alternatives)
            for d in tables["decisions"]:  # the row's earlier date choice now points here
                if (d["kind"], d["source"], d["line"]) == ("date-choice", *before[1:]) and \
                        d["decision"] == before[0]:
                    d["decision"] = c.value
                    d["rule"] += f"; several do: reconciled ({fact_name(iso3)})"
