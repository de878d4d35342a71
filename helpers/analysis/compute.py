"""Computations the notebooks share: filters, timelines, coverage, reciprocity, hubs.

Everything here takes and returns DataFrames loaded through helpers.data.load; nothing here
parses raw text or draws. Uncertainty is carried, not dropped: unresolved partners stay in the
counts as "unidentified".
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.core import places
from helpers.core.claims import parse_claims
from helpers.core.schema import POST_TYPES, RELATION_REGIONS, UNKNOWN_REGION
from helpers.core.text import escape_md, possessive  # noqa: F401 (possessive: used via compute)
from helpers.data import descriptor

UNIDENTIFIED = "(unidentified)"


# Strongest first: an embassy accredited from a third country outranks a local consulate.
COVERAGE_LEVELS = ("resident embassy", "non-resident accreditation", "other resident post",
                   "nothing stated")


def reciprocity_levels(subject: str) -> tuple[str, ...]:
    """The reciprocity levels, the second naming the subject ("Chile only")."""
    return ("both sides", f"{subject} only", "partner only", "neither")


def year_fraction(iso: str | None) -> float:
    """'1991-11-27' -> 1991.9 (middle of the day/month/year it names, for plotting)."""
    if iso is None or (not isinstance(iso, str) and pd.isna(iso)) or iso == "":
        return math.nan
    parts = [int(x) for x in str(iso).split("-")]
    if len(parts) == 1:
        return parts[0] + 0.5
    if len(parts) == 2:
        return parts[0] + (parts[1] - 0.5) / 12
    return parts[0] + (parts[1] - 1) / 12 + (parts[2] - 0.5) / 365


def select_regions(frame: pd.DataFrame, regions: list[str], column: str = "region"):
    return frame if not regions else frame[frame[column].isin(regions)]


def partner_label(relations: pd.DataFrame) -> pd.Series:
    """Partner name, or '(unidentified) line N' for rows whose partner is unresolved."""
    return relations["partner"].fillna(
        UNIDENTIFIED + " line " + relations["line"].astype("string"))


def timeline_table(relations: pd.DataFrame, regions: list[str], start: int, end: int):
    """Dated relations within [start, end], with a float year for plotting."""
    rel = select_regions(relations, regions).copy()
    rel["label"] = partner_label(rel)
    rel["year"] = rel["established"].map(year_fraction)
    dated = rel[rel["year"].notna() & (rel["year"] >= start) & (rel["year"] < end + 1)]
    return dated.sort_values(["year", "label"]).reset_index(drop=True)


def undated(relations: pd.DataFrame, regions: list[str], start: int, end: int):
    """Rows left out of the timeline, and why: no date, or a date outside the range."""
    rel = select_regions(relations, regions).copy()
    rel["label"] = partner_label(rel)
    rel["year"] = rel["established"].map(year_fraction)
    out = rel[rel["year"].isna() | (rel["year"] < start) | (rel["year"] >= end + 1)].copy()
    out["why"] = out["year"].map(
        lambda y: "no date in the sources" if math.isnan(y) else "outside the years shown")
    return out[["region", "label", "resolution", "candidates", "established", "why",
                "source", "line"]].reset_index(drop=True)


def cumulative(dated: pd.DataFrame) -> pd.DataFrame:
    """Cumulative count of established relations per region, by year (one row per year)."""
    if dated.empty:
        return pd.DataFrame(columns=["year", *RELATION_REGIONS])
    years = dated["established"].str.slice(0, 4).astype(int)
    table = pd.crosstab(years, dated["region"].astype(str)).sort_index().cumsum()
    table = table.reindex(columns=[r for r in RELATION_REGIONS if r in table.columns])
    table.index.name = "year"
    return table.reset_index()


def event_lanes(events: pd.DataFrame, relations: pd.DataFrame, regions: list[str],
                kinds: list[str], start: int, end: int) -> pd.DataFrame:
    """Events of the table rows (or the fact sheet) with partner labels and plotting years."""
    names = relations.assign(label=partner_label(relations))
    by_iso = names.dropna(subset=["iso3"]).drop_duplicates("iso3").set_index("iso3")
    by_row = names.set_index(["source", "line"])
    rows = []
    for e in events.itertuples(index=False):
        if pd.notna(e.partner_iso3) and e.partner_iso3 in by_iso.index:
            rel = by_iso.loc[e.partner_iso3]
        elif pd.notna(e.row_line) and (e.source, e.row_line) in by_row.index:
            rel = by_row.loc[(e.source, e.row_line)]
        else:
            continue  # events of no single partner (prose) are not in the lanes
        rows.append(dict(region=rel["region"], label=rel["label"], kind=e.kind, date=e.date,
                         precision=e.precision, end_date=e.end_date, summary=e.summary,
                         source=e.source, line=e.line))
    lanes = pd.DataFrame(rows, columns=["region", "label", "kind", "date", "precision",
                                        "end_date", "summary", "source", "line"])
    lanes = select_regions(lanes, regions)
    if kinds:
        lanes = lanes[lanes["kind"].isin(kinds)]
    lanes = lanes.assign(year=lanes["date"].map(year_fraction),
                         end_year=lanes["end_date"].map(year_fraction))
    lanes = lanes[(lanes["year"] >= start) & (lanes["year"] < end + 1)]
    return lanes.sort_values(["label", "year", "kind"]).reset_index(drop=True)


def select_missions(missions: pd.DataFrame, relations: pd.DataFrame, regions: list[str],
                    direction: str, post_types: list[str], include_honorary: bool):
    """Missions with the partner's region, filtered by the notebook's parameters. The region is
    the one the article's tables give the partner, or its continent when the tables do not list
    it (a post only the register states), so every post is counted in one region."""
    listed = relations.dropna(subset=["iso3"]).drop_duplicates("iso3").set_index("iso3")[
        "region"].astype(str)
    region = missions["partner_iso3"].map(
        lambda x: listed.get(x) or places.region_of(x) if pd.notna(x) else None)
    m = missions.assign(region=region.astype(
        pd.CategoricalDtype(list(RELATION_REGIONS), ordered=True)))
    m = select_regions(m, regions)
    if direction != "both":
        m = m[m["direction"] == ("abroad" if direction == "abroad" else "inward")]
    if post_types:
        m = m[m["post_type"].isin(post_types)]
    if not include_honorary:
        m = m[m["post_type"] != "honorary-consulate"]
    return m.reset_index(drop=True)


def posts_by_region(missions: pd.DataFrame, direction: str) -> pd.DataFrame:
    """Number of posts per region and post type; closed posts counted apart. The five regions
    always have a row; "unknown" only when a post is there."""
    m = missions[missions["direction"] == direction]
    kind = m["post_type"].astype(str).where(m["status"] == "open", "closed")
    table = pd.crosstab(m["region"], kind).reindex(
        index=list(RELATION_REGIONS), columns=[*POST_TYPES, "closed"], fill_value=0)
    table = table[(table.index != UNKNOWN_REGION) | (table.sum(axis=1) > 0)]
    table.index.name = "region"
    return table


# ---------------------------------------------------------------- counts of posts, defined once

POSTS_COUNTED = "all sources"  # what every count of posts counts, said beside each count


def post_count(missions: pd.DataFrame, direction: str) -> dict[str, int]:
    """The one count of posts every page gives: posts of one direction stated by any source
    (the text sources or the register), open and closed apart, the countries the open ones
    concern, the non-resident ones, and how many each source states."""
    m = missions[missions["direction"].astype(str) == direction]
    open_posts = m[m["status"].astype(str) == "open"]
    agreement = m["agreement"].astype("string")
    return {"open": len(open_posts), "closed": len(m) - len(open_posts),
            "countries": int(open_posts["partner_iso3"].nunique()),
            "non_resident": int((~open_posts["resident"].astype(bool)).sum()),
            "text": int(agreement.isin(["both", "text-only", "conflict"]).sum()),
            "register": int(agreement.isin(["both", "register-only", "conflict"]).sum()),
            "both": int((agreement == "both").sum())}


def describe_post_count(count: dict[str, int], side: str, subset: str = "") -> str:
    """The sentence of a count of posts, saying what it counts: "Peru's posts abroad (all
    sources): **118** open, **1** closed, in **90** countries; ..." (Markdown)."""
    said = f"{escape_md(side)} ({POSTS_COUNTED}{f'; {escape_md(subset)}' if subset else ''}): "
    said += f"**{count['open']:,}** open" + (f", **{count['closed']:,}** closed"
                                             if count["closed"] else "")
    said += f", with **{count['countries']:,}** partner countries"
    if count["non_resident"]:
        said += f" (**{count['non_resident']:,}** of the open posts non-resident, in a third " \
                "country)"
    if count["text"] or count["register"]:
        said += (f"; the text sources state {count['text']:,} of them, the register "
                 f"{count['register']:,}, both {count['both']:,}")
    return said + "."


def subset_said(regions: list[str], post_types: list[str], include_honorary: bool) -> str:
    """The subset of posts a coverage selection counts, in words ("" for every post)."""
    said = [", ".join(regions)] if regions else []
    if post_types:
        said.append("only " + ", ".join(t.replace("-", " ") for t in post_types))
    elif not include_honorary:
        said.append("honorary consulates left out")
    return "; ".join(said)


def _side(missions: pd.DataFrame, direction: str) -> dict[str, str]:
    """Strongest representation per partner on one side."""
    out: dict[str, str] = {}
    rank = {lvl: i for i, lvl in enumerate(COVERAGE_LEVELS)}
    for m in missions[(missions["direction"] == direction) & (missions["status"] == "open")
                      ].itertuples(index=False):
        if m.resident and m.post_type == "embassy":
            level = "resident embassy"
        elif not m.resident:
            level = "non-resident accreditation"
        else:
            level = "other resident post"
        if rank[level] < rank.get(out.get(m.partner_iso3, "nothing stated"), 99):
            out[m.partner_iso3] = level
    return out


def presence_levels(missions: pd.DataFrame, direction: str) -> dict[str, str]:
    """Each partner's strongest open presence on one side (COVERAGE_LEVELS), any source."""
    return _side(missions, direction)


def coverage(relations: pd.DataFrame, missions: pd.DataFrame, regions: list[str]):
    """Per listed partner: how the subject is represented there (``abroad``), and how the partner
    is represented in the subject country (``inward``, the name of the direction parameter)."""
    rel = select_regions(relations, regions).copy()
    abroad, inward = _side(missions, "abroad"), _side(missions, "inward")
    rel["label"] = partner_label(rel)
    rel["abroad"] = rel["iso3"].map(lambda x: abroad.get(x, "nothing stated")
                                    if pd.notna(x) else "nothing stated")
    rel["inward"] = rel["iso3"].map(lambda x: inward.get(x, "nothing stated")
                                     if pd.notna(x) else "nothing stated")
    return rel[["region", "label", "iso3", "resolution", "abroad", "inward"]].reset_index(
        drop=True)


def coverage_shares(cov: pd.DataFrame, side: str) -> pd.DataFrame:
    """Share (0–1) of listed partners per region at each coverage level, for one side."""
    table = pd.crosstab(cov["region"], cov[side], normalize="index").reindex(
        columns=list(COVERAGE_LEVELS), fill_value=0.0)
    table = table.reindex([r for r in RELATION_REGIONS if r in table.index])
    table.index.name = "region"
    return table


def reciprocity(cov: pd.DataFrame, subject: str) -> pd.DataFrame:
    """Whether each partner has a resident embassy on both sides, one side, or neither."""
    both = (cov["abroad"] == "resident embassy") & (cov["inward"] == "resident embassy")
    own = (cov["abroad"] == "resident embassy") & ~both
    partner = (cov["inward"] == "resident embassy") & ~both
    levels = reciprocity_levels(subject)
    level = pd.Series("neither", index=cov.index)
    level[both], level[own], level[partner] = levels[0], levels[1], levels[2]
    out = cov.assign(reciprocity=pd.Categorical(level, categories=list(levels)))
    return out[["region", "label", "iso3", "abroad", "inward", "reciprocity"]]


def reciprocity_by_region(recip: pd.DataFrame) -> pd.DataFrame:
    """Partners per region at each reciprocity level (regions with no partner left out)."""
    table = recip.pivot_table(index="region", columns="reciprocity", values="label",
                              aggfunc="count", observed=False).fillna(0).astype(int)
    table = table.loc[table.sum(axis=1) > 0]
    table.columns = table.columns.astype(str)
    return table.reset_index().assign(region=lambda t: t["region"].astype(str))


def hubs(missions: pd.DataFrame) -> pd.DataFrame:
    """Third-country cities that carry non-resident accreditation, and whom they serve."""
    m = missions[~missions["resident"].astype(bool)]
    if m.empty:
        return pd.DataFrame(columns=["city", "country", "direction", "partners", "served"])
    rows = []
    for (city, iso3, direction), g in m.groupby(["city", "city_iso3", "direction"],
                                                observed=True, sort=True):
        served = sorted(places.name_of(x) for x in g["partner_iso3"].unique())
        rows.append(dict(city=city, country=places.name_of(iso3), direction=str(direction),
                         partners=len(served), served=", ".join(served)))
    out = pd.DataFrame(rows)
    return out.sort_values(["partners", "city", "direction"], ascending=[False, True, True]
                           ).reset_index(drop=True)


def stack(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """Several tables with the same columns as one, keyed by ``name``."""
    return pd.concat(tables, names=[name]).reset_index()


def describe_ends(dated: pd.DataFrame) -> str:
    """' The earliest is **X** (date), the latest **Y** (date).' of a timeline table, or ''."""
    if dated.empty:
        return ""
    first, last = dated.iloc[0], dated.iloc[-1]
    return (f" The earliest is **{escape_md(first['label'])}** "
            f"({escape_md(first['established'])}), the latest **{escape_md(last['label'])}** "
            f"({escape_md(last['established'])}).")


def describe_hubs(hubs_table: pd.DataFrame) -> str:
    """How many hub cities, and the busiest with the partners it serves (markdown)."""
    text = f"**{len(hubs_table)}** hub cities carry non-resident accreditation"
    if hubs_table.empty:
        return text + "."
    r = hubs_table.iloc[0]
    return (text + f"; the busiest is **{escape_md(r['city'])}** ({escape_md(r['country'])}), "
            f"serving **{r['partners']}** partner(s): {escape_md(r['served'])}.")


def describe_reconciled(reconciled: pd.DataFrame) -> str:
    """Each start date several statements give, the choice and the alternatives (markdown).

    ``reconciled`` is a timeline table's rows with ``established_alternatives``.
    """

    if reconciled.empty:
        return "No partner's start date is given differently by several statements."
    parts = []
    for r in reconciled.to_dict("records"):
        others = parse_claims(r["established_alternatives"])
        line = "" if pd.isna(r["established_line"]) else f", line {int(r['established_line'])}"
        said = "; ".join(
            f"**{escape_md(c['value'])}** ({escape_md(c['precision'])}; "
            f"{escape_md(c['source'])}, line {c['line']}"
            + (f"; {escape_md(c['agreement'])}" if c["agreement"] else "") + ")"
            for c in others)
        parts.append(
            f"**{escape_md(r['label'])}**: relations began **{escape_md(r['established'])}** "
            f"(known to the {escape_md(r['established_precision'])}; "
            f"{escape_md(r['established_source'])}{line}); {len(others)} other statement(s) "
            f"say {said}.")
    return " ".join(parts)


# What a notebook's question needs that only some kinds of source give (the manifest's kinds):
# a dataset built from the worldwide sources alone (`python -m helpers.build --subject ISO3`)
# has none of them, and the notebook says so in one sentence instead of drawing empty charts.
NEEDS = {
    "dated relations": ("an article", ("article", "record")),
    "chiefs of mission": ("the U.S. record of its chiefs of mission", ("chiefs",)),
}


def gap(need: str) -> str:
    """"" when the dataset has a source that gives ``need`` (a key of NEEDS); otherwise one
    sentence saying what the question needs that this dataset lacks."""
    what, kinds = NEEDS[need]
    have = [s for s in descriptor.sources() if s.get("kind") in kinds]
    if have:
        return ""
    subject = descriptor.subject()
    read = "; ".join(escape_md(s.get("title", "")) for s in descriptor.sources())
    return (f"This dataset has no {need}: they come from {what} about {subject.name}, and it "
            f"was built from the worldwide sources alone (*{read}*).")
