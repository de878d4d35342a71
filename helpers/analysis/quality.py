"""How far the dataset can be trusted: coverage of the statements, identification, precision.

Everything here reads the processed tables (through helpers.data.load) and returns DataFrames
for the data-quality notebook: what was read and what was left unparsed (and why), which
partners were inferred or left unresolved, how precise the dates are, which facts only one source
states, the
build's decisions, and cross-table checks. Each statement and record is placed in an *area*: the
region of the article table it sits in, or "outside the tables" (prose, the fact sheet).
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis import profile
from helpers.core import places
from helpers.core.claims import parse_claims
from helpers.core.schema import (
    DECISION_KINDS,
    PRECISIONS,
    REGIONS,
    RELATION_REGIONS,
    STATEMENT_STATUSES,
    STRUCTURED_KINDS,
)
from helpers.core.text import escape_md

OUTSIDE = "outside the tables"
UNKNOWN = "(no statement at this line)"
PRECISION_LEVELS = (*reversed(PRECISIONS), "none")  # finest first; "none": no date


# ---------------------------------------------------------------- areas and selection


def statement_areas(statements: pd.DataFrame) -> pd.Series:
    """The region of the table a statement sits in, or "outside the tables"."""
    return statements["section"].where(statements["section"].isin(REGIONS), OUTSIDE).astype(str)


def area_by_line(statements: pd.DataFrame, relations: pd.DataFrame) -> dict[tuple, str]:
    """(source, line) -> area, from the statements read and the table rows."""
    out = dict(zip(zip(relations["source"], relations["line"], strict=True),
                   relations["region"].astype(str), strict=True))
    out.update(zip(zip(statements["source"], statements["line"], strict=True),
                   statement_areas(statements), strict=True))
    return out


def with_area(frame: pd.DataFrame, areas: dict[tuple, str]) -> pd.DataFrame:
    keys = zip(frame["source"], frame["line"], strict=True)
    return frame.assign(area=[areas.get(k, UNKNOWN) for k in keys])


def select(frame: pd.DataFrame, sources: list[str], regions: list[str]) -> pd.DataFrame:
    """Rows of the chosen sources and areas (an empty choice keeps everything)."""
    keep = pd.Series(True, index=frame.index)
    if sources:
        keep &= frame["source"].isin(sources)
    if regions:
        keep &= frame["area"].isin(regions)
    return frame[keep].reset_index(drop=True)


def area_order(areas: pd.Series) -> list[str]:
    present = set(areas)
    return [a for a in (*RELATION_REGIONS, OUTSIDE, UNKNOWN) if a in present]


# ---------------------------------------------------------------- statements


def status_counts(statements: pd.DataFrame, by: str, order: list[str] | None = None):
    """Statements represented and unparsed per value of ``by``, with the share unparsed."""
    table = pd.crosstab(statements[by].astype(str), statements["status"].astype(str))
    table = table.reindex(columns=list(STATEMENT_STATUSES), fill_value=0)
    if order is not None:
        table = table.reindex([o for o in order if o in table.index])
    table["total"] = table.sum(axis=1)
    table["unparsed_share"] = (table["unparsed"] / table["total"]).round(3)
    table.index.name = by
    table.columns.name = None
    return table.reset_index()


def unparsed(statements: pd.DataFrame) -> pd.DataFrame:
    """Every unparsed statement with its reason and the partner of its row."""
    u = statements[statements["status"] == "unparsed"]
    u = u.assign(partner=u["partner_iso3"].map(
        lambda c: places.name_of(c) if pd.notna(c) else pd.NA))
    return u[["source", "line", "sentence", "area", "partner", "reason", "text"]].reset_index(
        drop=True)


def reasons(unparsed_rows: pd.DataFrame) -> pd.DataFrame:
    """How many unparsed statements each reason covers, most first."""
    counts = unparsed_rows["reason"].value_counts()
    table = counts.rename_axis("reason").reset_index(name="statements")
    return table.sort_values(["statements", "reason"], ascending=[False, True]).reset_index(
        drop=True)


# ---------------------------------------------------------------- identification


def identification(relations: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Rows whose partner was inferred or is unresolved: candidates by name, and the evidence.

    The evidence is the build's reason and the row's own statements, so an analyst can judge the
    choice without opening the source.
    """
    rows = relations[relations["resolution"] != "stated"]
    said = statements.dropna(subset=["row_line"]).groupby(["source", "row_line"])["text"].agg(
        " | ".join)
    names = rows["candidates"].fillna("").map(
        lambda c: "; ".join(places.name_of(x) for x in c.split(";") if x))
    out = rows.assign(candidate_names=names, statements_text=[
        said.get((s, line), "") for s, line in zip(rows["source"], rows["line"], strict=True)])
    return out[["region", "resolution", "partner", "candidates", "candidate_names", "reason",
                "established", "statements_text", "source", "line"]].reset_index(drop=True)


# ---------------------------------------------------------------- precision


def precision_table(relations: pd.DataFrame) -> pd.DataFrame:
    """Rows per region by precision of the date relations began: one column per precision,
    finest first, and ``none`` (no date), so no row is left out of the sums."""
    level = relations["established_precision"].astype("string").fillna("none")
    table = pd.crosstab(relations["region"].astype(str), level).reindex(
        columns=list(PRECISION_LEVELS), fill_value=0)
    table = table.reindex([r for r in RELATION_REGIONS if r in table.index])
    table["rows"] = table.sum(axis=1)
    table.index.name, table.columns.name = "region", None
    return table.reset_index()


# ---------------------------------------------------------------- one-source facts

# Per record table: the column naming the country a record is about, and the columns that say
# what the fact is (two records with the same values state the same fact).
_FACTS = {
    "missions": ("partner_iso3", ("sending_iso3", "accredited_to_iso3", "post_type", "city")),
    "memberships": ("member_iso3", ("organization", "member_iso3")),
    "events": ("partner_iso3", ("partner_iso3", "date", "kind")),
    "figures": ("partner_iso3", ("indicator", "partner_iso3", "year", "period", "qualifier")),
}


def countries_by_source(tables: dict[str, pd.DataFrame]) -> dict[str, set[str]]:
    """Countries each source says something about (a statement's partner, a record's country)."""
    out: dict[str, set[str]] = {}
    pairs = [(tables["statements"], "partner_iso3")] + [
        (tables[name], who) for name, (who, _) in _FACTS.items()]
    for frame, who in pairs:
        for source, iso3 in zip(frame["source"], frame[who], strict=True):
            if pd.notna(iso3):
                out.setdefault(source, set()).add(iso3)
    return out


def describe_fact(table: str, r: dict) -> str:
    """A record in words, for the table of one-source facts."""
    name = places.name_of
    if table == "missions":
        return (f"{profile.possessive(name(r['sending_iso3']))} {r['post_type']} in {r['city']}, "
                f"accredited to "
                f"{name(r['accredited_to_iso3'])}" + (" (closed)" if r["status"] == "closed"
                                                        else ""))
    if table == "memberships":
        return f"{name(r['member_iso3'])} is a member of the {r['organization']}"
    if table == "events":
        return f"{r['date']} {r['kind']}: {r['summary']}"
    return f"{r['label']}: {profile.describe_figure(r)}"


def _key(r: dict, columns: tuple[str, ...]) -> tuple:
    return tuple("" if pd.isna(r[c]) else str(r[c]) for c in columns)


def one_source_facts(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Facts only one source states about a country several sources speak of: gaps one fills.

    First the dates of relations a row takes from another source (the article gives no year
    for U.S. relations; the fact sheet does), then every record (post, membership, event,
    figure) whose country another source also covers but whose fact no other source states.
    """
    structured = set(tables["sources"].loc[tables["sources"]["kind"].isin(STRUCTURED_KINDS),
                                           "source"]) if "sources" in tables else set()
    # the structured sources are compared with the text post by post (missions.agreement)
    tables = {name: frame[~frame["source"].isin(structured)] if "source" in frame else frame
              for name, frame in tables.items()}
    borrowed = _borrowed_dates(tables["relations"])
    told = set(zip(borrowed["source"], borrowed["line"], strict=True))
    cover = countries_by_source(tables)
    found = [borrowed] + [_single_source(table, tables[table], cover, told) for table in _FACTS]
    out = pd.concat(found, ignore_index=True).drop_duplicates()
    order = {t: i for i, t in enumerate(["relations", *_FACTS])}
    # stable: within a table, records keep the order of their table's key
    return out.sort_values(["source", "table"], kind="stable",
                           key=lambda s: s.map(order) if s.name == "table" else s
                           ).reset_index(drop=True)


_FACT_COLUMNS = ["table", "country", "fact", "source", "line", "lines", "missing_from"]


def _borrowed_dates(relations: pd.DataFrame) -> pd.DataFrame:
    """Dates of relations a table row takes from a source other than its own."""
    rel = relations[relations["established_source"].notna()
                    & (relations["established_source"] != relations["source"])]
    return pd.DataFrame([dict(
        table="relations", country=r["partner"], source=r["established_source"],
        fact=f"relations began in {r['established']} (known to the "
             f"{r['established_precision']})", line=r["established_line"],
        lines=str(r["established_line"]), missing_from=r["source"])
        for r in rel.to_dict("records")], columns=_FACT_COLUMNS)


def _single_source(table: str, frame: pd.DataFrame, cover: dict[str, set[str]],
                   told: set[tuple]) -> pd.DataFrame:
    """Records of ``table`` stated by one source about a country another source covers."""
    who, columns = _FACTS[table]
    records = [r for r in frame.to_dict("records") if pd.notna(r[who])]
    stated: dict[tuple, dict[str, list[int]]] = {}
    for r in records:
        stated.setdefault(_key(r, columns), {}).setdefault(r["source"], []).append(r["line"])
    rows = []
    for r in records:
        by = stated[_key(r, columns)]
        others = sorted(s for s, c in cover.items() if r[who] in c and s not in by)
        if len(by) > 1 or not others or (r["source"], r["line"]) in told:
            continue  # stated twice, no other source to fill, or already a borrowed date
        lines = sorted(set(by[r["source"]]))
        rows.append(dict(table=table, country=places.name_of(r[who]),
                         fact=describe_fact(table, r), source=r["source"], line=lines[0],
                         lines="; ".join(map(str, lines)), missing_from="; ".join(others)))
    return pd.DataFrame(rows, columns=_FACT_COLUMNS)


# ---------------------------------------------------------------- decisions and checks


def decisions(decision_rows: pd.DataFrame) -> pd.DataFrame:
    """The build's decisions in audit order: by kind, then where they were made."""
    order = {k: i for i, k in enumerate(DECISION_KINDS)}
    d = decision_rows.sort_values(["kind", "source", "line", "subject"],
                                  key=lambda s: s.map(order) if s.name == "kind" else s)
    return d[["kind", "area", "subject", "decision", "alternatives", "rule", "source",
              "line"]].reset_index(drop=True)


def checks(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Cross-table checks: each states what must hold, what was found, and whether it holds."""
    st, rel = tables["statements"], tables["relations"]
    rows = []
    keys = ["source", "line", "sentence"]
    listed = set(map(tuple, tables["unparsed"][keys].astype(str).to_numpy()))
    flagged = set(map(tuple, st[st["status"] == "unparsed"][keys].astype(str).to_numpy()))
    rows.append(("every unparsed statement is listed in unparsed.csv, and nothing else",
                 f"{len(flagged)} unparsed statements, {len(listed)} listed, "
                 f"{len(flagged ^ listed)} differ", flagged == listed))
    counted = st.dropna(subset=["row_line"]).groupby(["source", "row_line"]).size()
    stated = rel.set_index(["source", "line"])["statements"]
    off = [k for k, n in stated.items() if counted.get(k, 0) != n]
    rows.append(("each table row's statement count equals the statements read in its notes",
                 f"{len(stated)} rows, {len(off)} differ", not off))
    lines = set(zip(st["source"], st["line"], strict=True)) | set(
        zip(rel["source"], rel["line"], strict=True))
    for name in _FACTS:
        f = tables[name]
        loose = sum((s, line) not in lines for s, line in zip(f["source"], f["line"],
                                                               strict=True))
        rows.append((f"every {name} record points at a statement read or a table row",
                     f"{len(f)} records, {loose} point elsewhere", loose == 0))
    return pd.DataFrame(rows, columns=["check", "found", "holds"])


# ---------------------------------------------------------------- sentences for the notebook
# Every value from the sources goes through escape_md (see helpers.core.text).


_PRECISION_WORDS = {"day": "to the day", "month": "to the month", "year": "only to the year",
                    "decade": "only to the decade", "none": "missing"}


def describe_precision(precision: pd.DataFrame) -> str:
    """How precisely the dates relations began are known, every precision counted, and the best
    dated region: the sentence under the precision chart."""
    if not len(precision):
        return "No table row matches these parameters, so there is nothing to draw."
    totals = precision[list(PRECISION_LEVELS)].sum()
    parts = [f"{_PRECISION_WORDS.get(p, p)} for **{int(totals[p])}**"
             for p in PRECISION_LEVELS if totals[p] or p in ("day", "none")]
    known = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    best = precision.assign(dated=1 - precision["none"] / precision["rows"]).sort_values(
        ["dated", "region"], ascending=[False, True]).iloc[0]
    return (f"Of **{int(precision['rows'].sum())}** table rows, the date relations began is "
            f"known {known}. The best dated region is **{escape_md(best['region'])}** "
            f"({best['dated']:.0%} of its rows have a date).")


def describe_status(statements: pd.DataFrame, by_source: pd.DataFrame,
                    by_area: pd.DataFrame) -> str:
    """How many statements are represented and unparsed, and the least represented area."""
    if statements.empty:
        return "No statement matches these parameters, so there is nothing to draw."
    worst = by_area.sort_values(["unparsed_share", "area"], ascending=[False, True]).iloc[0]
    unparsed_n = int(by_source["unparsed"].sum())
    return (f"Of **{len(statements)}** statements read, **{len(statements) - unparsed_n}** "
            f"({1 - unparsed_n / len(statements):.0%}) are represented in at least one table "
            f"and **{unparsed_n}** are unparsed, each with a reason. The least represented area "
            f"is **{escape_md(worst['area'])}** ({worst['unparsed_share']:.0%} unparsed).")


def describe_reasons(why: pd.DataFrame) -> str:
    """The reasons statements were left unparsed, with how many each."""
    if why.empty:
        return "Every statement of this selection is represented in a table."
    return "Reasons: " + "; ".join(f"**{r['statements']}** {escape_md(r['reason'])}"
                                   for r in why.to_dict("records")) + "."


def describe_identification(unsure: pd.DataFrame, relations: pd.DataFrame) -> str:
    """The table rows that name no partner: inferred (whom) or unresolved (candidates)."""
    if relations.empty:
        return "No table row matches these parameters."
    if unsure.empty:
        return f"Every one of the **{len(relations)}** table rows names its partner."
    resolution = unsure["resolution"].value_counts()
    return (f"**{len(unsure)}** of **{len(relations)}** table rows name no partner: "
            f"**{resolution.get('inferred', 0)}** inferred and "
            f"**{resolution.get('unresolved', 0)}** unresolved. " + " ".join(
                f"Line {r['line']} ({escape_md(r['region'])}): "
                + (f"inferred **{escape_md(r['partner'])}**." if r["resolution"] == "inferred"
                   else f"one of {escape_md(r['candidate_names'])}.")
                for r in unsure.to_dict("records")))


def describe_one_source(facts: pd.DataFrame) -> str:
    """Per source, how many facts it alone states, by table."""
    if facts.empty:
        return "No fact of this selection is stated by one source only."
    per_source = facts.groupby("source")["table"].value_counts()
    return " ".join(
        f"**{escape_md(source)}** alone states **{per_source[source].sum()}** fact(s): "
        + ", ".join(f"{n} in {escape_md(t)}" for t, n in per_source[source].items()) + "."
        for source in dict.fromkeys(facts["source"]))


def describe_checks(agree: pd.DataFrame) -> str:
    """Whether every cross-table check holds, else the failing ones."""
    failing = agree[~agree["holds"]]
    if failing.empty:
        return f"All **{len(agree)}** checks hold."
    return (f"**{len(failing)}** of {len(agree)} checks fail: "
            + "; ".join(escape_md(c) for c in failing["check"]) + ".")


# ---------------------------------------------------------------- reconciliation


def reconciliation(decision_rows: pd.DataFrame) -> pd.DataFrame:
    """Every fact several statements give: one row per statement's value, the choice and why.

    Read from the build's ``reconciliation`` decisions: ``role`` is ``chosen``, ``same year``
    (agrees with the choice's year, less precise or equal) or ``other year`` (kept as an
    alternative).
    """

    rows = []
    for d in decision_rows[decision_rows["kind"] == "reconciliation"].to_dict("records"):
        for role, cell in (("chosen", d["decision"]), ("", d["alternatives"])):
            for c in parse_claims(cell):
                rows.append(dict(fact=d["subject"], role=role or c["agreement"],
                                 value=c["value"], precision=c["precision"],
                                 source=c["source"], line=c["line"], choice=d["decision"]
                                 .split(" ")[0], rule=d["rule"]))
    return pd.DataFrame(rows, columns=["fact", "role", "value", "precision", "source", "line",
                                       "choice", "rule"])


def describe_reconciliation(reconciled: pd.DataFrame) -> str:
    """Per fact several statements give: how many, the choice, the rule, each value (markdown)."""
    if reconciled.empty:
        return "No fact of this selection is given by more than one statement."
    parts = []
    for fact, rows in reconciled.groupby("fact", sort=False):
        first = rows.iloc[0]
        values = "; ".join(
            f"**{escape_md(r['value'])}** ({escape_md(r['precision'])}; "
            f"{escape_md(r['source'])}, line {r['line']}; {escape_md(r['role'])})"
            for r in rows.to_dict("records"))
        parts.append(
            f"**{escape_md(fact)}**: **{len(rows)}** statements from "
            f"**{rows['source'].nunique()}** source(s); the build chose "
            f"**{escape_md(first['choice'])}** by the rule: {escape_md(first['rule'])}. "
            f"The values: {values}.")
    return f"**{len(parts)}** fact(s) given by more than one statement. " + " ".join(parts)
