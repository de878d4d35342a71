"""Trade (notebook 03, and beside presence in 02, 04, 06 and the landing page): the trade
statistics' series, leaders, regions and the two reports of each flow, and the text sources'
trade figures checked against them; amounts in words at the report's scale.

Every series here comes from the ``trade`` table: the subject's own report with every partner
(its ``World`` row is its total) and each shipped partner's report of its trade with the
subject. A qualifier stays with its value: "more than $1 billion" is a lower bound, and a
growth computed from a bound says so. Amounts are written at the report's scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from helpers.analysis.compute import presence_levels
from helpers.analysis.countries import find_country
from helpers.core import places
from helpers.core.schema import FLOWS, MIRROR_BAND, REGIONS, TRADE_VIEWS
from helpers.core.text import escape_md, possessive

# how a sentence or an axis names each of notebook 03's flows (schema.TRADE_VIEWS)
FLOW_WORDS = dict(zip(TRADE_VIEWS, ("exports", "imports", "two-way trade"), strict=True))


# ------------------------------------------------------------------ trade statistics

_MONEY = "USD, millions"  # table_display.IN_MILLIONS: the values count millions


def _in_millions(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Mark money columns for the reports' tables (``table_display`` reads ``attrs``)."""
    frame.attrs["units"] = {**frame.attrs.get("units", {}),
                            **{c: _MONEY for c in columns if c in frame}}
    return frame


def reported_by(trade: pd.DataFrame, reporter: str) -> pd.DataFrame:
    """One reporter's rows: its partners (countries and former countries) and its total."""
    return trade[trade["reporter_iso3"] == reporter]


def totals(trade: pd.DataFrame, subject: str) -> pd.DataFrame:
    """The subject's exports and imports with the world per year, as it reports them
    (year, flow, value_usd_million, estimated), the two-way sum as flow ``two-way``."""
    t = reported_by(trade, subject)
    t = t[t["partner_kind"] == "world"]
    out = t[["year", "flow", "value_usd_million", "estimated"]].astype(
        {"flow": "string", "year": "int64", "value_usd_million": "float64",
         "estimated": "bool"})
    both = out.groupby("year").agg(value_usd_million=("value_usd_million", "sum"),
                                   estimated=("estimated", "any"), n=("flow", "size"))
    both = both[both["n"] == 2].drop(columns="n").reset_index().assign(flow="two-way")
    return pd.concat([out, both[out.columns]], ignore_index=True).sort_values(
        ["flow", "year"], ignore_index=True)


def by_partner(trade: pd.DataFrame, reporter: str, flow: str = "two-way") -> pd.DataFrame:
    """The reporter's trade with each partner per year (partner_iso3, year, value_usd_million):
    one flow, or both added (``two-way``: a year where one side is missing counts the side
    reported, so it is a lower bound, flagged ``partial``)."""
    t = reported_by(trade, reporter)
    t = t[t["partner_kind"] != "world"]
    if flow != "two-way":
        t = t[t["flow"] == flow]
    g = t.groupby(["partner_iso3", "year"], observed=True).agg(
        value_usd_million=("value_usd_million", "sum"), flows=("flow", "nunique"))
    g = g.reset_index().astype({"partner_iso3": "string", "year": "int64",
                                "value_usd_million": "float64"})
    g["partial"] = g["flows"] < (2 if flow == "two-way" else 1)
    return g.drop(columns="flows").sort_values(["partner_iso3", "year"], ignore_index=True)


def leaders(series: pd.DataFrame) -> pd.DataFrame:
    """The largest partner of each year (year, partner_iso3, value_usd_million), ties by code."""
    if series.empty:
        return series.assign(rank=pd.Series(dtype="int64"))
    s = series.sort_values(["year", "value_usd_million", "partner_iso3"],
                           ascending=[True, False, True])
    return s.groupby("year", as_index=False).head(1).reset_index(drop=True)


def lead_changes(lead: pd.DataFrame) -> pd.DataFrame:
    """The years a new partner took the lead: year, partner_iso3, previous_iso3."""
    prev = lead["partner_iso3"].shift()
    changed = lead[prev.notna() & (lead["partner_iso3"] != prev)]
    return changed.assign(previous_iso3=prev[changed.index])[
        ["year", "partner_iso3", "previous_iso3"]].reset_index(drop=True)


def leader_since(lead: pd.DataFrame) -> tuple[str, int, int] | None:
    """(partner, first year of its current run, last year): the partner that has led every
    year since, or None without data."""
    if lead.empty:
        return None
    last = lead.iloc[-1]["partner_iso3"]
    run = lead["partner_iso3"].ne(last)[::-1].cumsum()[::-1]
    since = int(lead.loc[run == 0, "year"].min())
    return last, since, int(lead["year"].max())


def ranks(series: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Partners ranked by their total over [first, last]: partner_iso3, value_usd_million,
    share (of the partners' sum), rank (1 the largest)."""
    s = series[series["year"].between(first, last)]
    total = s.groupby("partner_iso3")["value_usd_million"].sum().sort_values(ascending=False)
    total = total.reset_index().sort_values(["value_usd_million", "partner_iso3"],
                                            ascending=[False, True], ignore_index=True)
    total["share"] = total["value_usd_million"] / total["value_usd_million"].sum() \
        if len(total) else 0.0
    total["rank"] = range(1, len(total) + 1)
    return _in_millions(total, "value_usd_million")


def by_region(series: pd.DataFrame) -> pd.DataFrame:
    """The series summed by the partner's region (year, region, value_usd_million, share of
    the year's sum); a partner without a region (none in the IMF's tables) is ``unknown``."""
    s = series.assign(region=[places.region_of(i) or "unknown" for i in series["partner_iso3"]])
    g = s.groupby(["year", "region"], as_index=False)["value_usd_million"].sum()
    g["share"] = g["value_usd_million"] / g.groupby("year")["value_usd_million"].transform("sum")
    return g.sort_values(["year", "region"], ignore_index=True)


def mirror(trade: pd.DataFrame, subject: str, band: tuple[float, float] = MIRROR_BAND
           ) -> pd.DataFrame:
    """Both reports of each flow between the subject and a partner whose own report is
    shipped: the exporter's FOB beside the importer's CIF, per year, with their ratio
    (CIF / FOB) and whether it lies outside ``band`` (a disagreement). Values the IMF
    estimated on either side are left out: an estimate is made from the other report."""
    t = trade[~trade["estimated"] & (trade["partner_kind"] == "country")]
    mine = t[t["reporter_iso3"] == subject]
    theirs = t[(t["partner_iso3"] == subject) & (t["reporter_iso3"] != subject)]
    cols = ["reporter_iso3", "partner_iso3", "flow", "year", "value_usd_million", "source",
            "cell"]
    a = mine[cols].rename(columns={"partner_iso3": "partner", "value_usd_million": "subject_usd",
                                   "source": "subject_source", "cell": "subject_cell"})
    b = theirs[cols].rename(columns={"reporter_iso3": "partner",
                                     "value_usd_million": "partner_usd",
                                     "source": "partner_source", "cell": "partner_cell"})
    b = b.assign(flow=b["flow"].map({"export": "import", "import": "export"}))
    m = a.drop(columns="reporter_iso3").merge(b.drop(columns="partner_iso3"),
                                              on=["partner", "flow", "year"])
    m = m.astype({"partner": "string", "flow": "string", "year": "int64",
                  "subject_usd": "float64", "partner_usd": "float64"})
    # the subject's exports (FOB) arrive as the partner's imports (CIF), and the reverse
    fob = m["subject_usd"].where(m["flow"] == "export", m["partner_usd"])
    cif = m["partner_usd"].where(m["flow"] == "export", m["subject_usd"])
    m["ratio"] = (cif / fob).where(fob > 0)
    m["disagrees"] = ~m["ratio"].between(*band) & m["ratio"].notna()
    return m.rename(columns={"partner": "partner_iso3"}).sort_values(
        ["partner_iso3", "flow", "year"], ignore_index=True)


def mirror_summary(m: pd.DataFrame) -> dict:
    """Pairs compared, the share inside the band, the median ratio, partners compared."""
    rated = m.dropna(subset=["ratio"])
    return dict(pairs=len(rated), disagree=int(rated["disagrees"].sum()),
                inside=float((~rated["disagrees"]).mean()) if len(rated) else float("nan"),
                median=float(rated["ratio"].median()) if len(rated) else float("nan"),
                partners=rated["partner_iso3"].nunique())


def fact_checks(figures: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """The text sources' trade figures and what the build found against both reports
    (the ``trade-figure`` decisions): indicator, partner, year, value, decision, alternatives,
    source, line."""
    d = decisions[decisions["kind"] == "trade-figure"]
    f = figures.dropna(subset=["year", "partner_iso3"])
    out = f.merge(d[["source", "line", "subject", "decision", "alternatives"]],
                  on=["source", "line"])
    keep = [s.startswith(f"{i} {y} ") for i, y, s in zip(
        out["indicator"], out["year"], out["subject"], strict=True)]
    out = out[pd.Series(keep, index=out.index, dtype=bool)]  # rows (a list [] picks columns)
    return out[["indicator", "label", "partner_iso3", "year", "value", "qualifier", "decision",
                "alternatives", "source", "line"]].reset_index(drop=True)


def lead_sentence(trade: pd.DataFrame, subject: str, flow: str = "two-way") -> str:
    """'China has been Peru's largest partner in two-way trade every year since 2014 (its own
    report, to 2020); before it the United States (1960–2011, 2013).' — from the data."""
    lead = leaders(by_partner(trade, subject, flow))
    found = leader_since(lead)
    if found is None:
        return ""
    who, since, last = found
    name = places.name_of(subject)
    text = (f"{_capital(places.in_sentence(who))} has been {possessive(name)} largest partner in "
            f"{FLOW_WORDS[flow]} every year since {since} ({possessive(name)} own report, to "
            f"{last})")
    before = lead[lead["year"] < since]
    if len(before):
        prev = before.iloc[-1]["partner_iso3"]
        years = before.loc[before["partner_iso3"] == prev, "year"]
        text += f"; before it {places.in_sentence(prev)} ({_spans(list(years))})"
    return text + "."


def _percent(share: float) -> str:
    return "under 1%" if 0 < share < 0.005 else f"{share:.0%}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _spans(years: list[int]) -> str:
    """'1960–2011, 2013' from a list of years."""
    years = sorted(int(y) for y in years)
    out, start = [], years[0]
    for a, b in zip(years, [*years[1:], None], strict=True):
        if b != a + 1:
            out.append(f"{start}" if start == a else f"{start}–{a}")
            start = b
    return ", ".join(out)


SCALE_FACTORS = {"millions": 1e6, "billions": 1e9}


def scaled(value: float, scale: str) -> float:
    return value / SCALE_FACTORS[scale]


# How a figure's qualifier reads in a sentence, before the number
QUALIFIER_WORDS = {"approximate": "about ", "more-than": "more than ", "at-least": "at least ",
                   "range-min": "from ", "range-max": "up to "}


def money(value: float, scale: str, qualifier: str = "exact") -> str:
    word = QUALIFIER_WORDS.get(qualifier, "")
    return f"{word}${scaled(value, scale):,.2f} {scale[:-1]}"  # "billions" -> "billion"


def amount(value: float, unit: str, scale: str, qualifier: str = "exact") -> str:
    """A figure in words: money at the chosen scale, anything else in its own unit."""
    if unit == "USD":
        return money(value, scale, qualifier)
    number = f"{value:,.0f}" if value == int(value) else f"{value:,g}"
    return f"{QUALIFIER_WORDS.get(qualifier, '')}{number} {unit}"


def other_figures(figures: pd.DataFrame, shown: list[str]) -> pd.DataFrame:
    """Every figure not charted, with its unit and qualifier, for the table below the charts."""
    rest = figures[~figures["indicator"].isin(shown)]
    return rest[["indicator", "label", "partner_iso3", "year", "period", "value", "unit",
                 "qualifier", "source", "line"]].reset_index(drop=True)


# ------------------------------------------------------------------ notebook 03's view

def _billions(value_million: float, scale: str) -> str:
    return (f"US$ {value_million / 1e3:,.1f} billion" if scale == "billions"
            else f"US$ {value_million:,.0f} million")


def trade_note(sources: list[dict], used: set[str]) -> str:
    """The source line of a trade chart: the IMF's citation, the reporters' tables used."""
    rows = [s for s in sources if s["file"] in used]
    if not rows:
        return ""
    cite = rows[0].get("citation") or f"Source: {rows[0]['publisher']}"
    files = sorted(s["file"] for s in rows)
    shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
    return (f"{cite}, {rows[0]['date']} ({rows[0]['licence']}): {len(files)} reporter table"
            f"{'s' if len(files) > 1 else ''} ({shown}). Values in US dollars at current "
            "prices; exports FOB, imports CIF.")


@dataclass
class TradeView:
    """What notebook 03 shows, computed once from the tables and its parameters."""

    has_trade: bool
    subject: str
    first: int = 0
    last: int = 0
    totals: pd.DataFrame | None = None
    series: pd.DataFrame | None = None  # the subject's report, per partner and year
    partners: list[str] = field(default_factory=list)
    changes: pd.DataFrame | None = None
    regions: pd.DataFrame | None = None
    mirror: pd.DataFrame | None = None
    facts: pd.DataFrame | None = None
    agreements: pd.DataFrame | None = None
    lead_text: str = ""


def view(tables: dict[str, pd.DataFrame], subject: str, p) -> TradeView:
    """Notebook 03's frames for parameters ``p`` (partners, top, years, flow, region)."""
    t = tables["trade"]
    if not len(reported_by(t, subject)):
        return TradeView(False, subject)
    t = t[t["year"].between(p.start_year, p.end_year)]
    series = by_partner(t, subject, p.flow)
    if p.region:
        series = series[[places.region_of(i) == p.region for i in series["partner_iso3"]]]
    chosen = [find_country(x) for x in p.partners] or list(
        ranks(series, p.start_year, p.end_year)["partner_iso3"].head(p.top))
    lead = leaders(series)
    events = tables["events"]
    years = pd.to_numeric(events["date"].str.slice(0, 4), errors="coerce")
    agreements = events[(events["kind"] == "agreement") & years.between(p.start_year, p.end_year)
                        & events["partner_iso3"].notna()]
    agreements = agreements.assign(
        year=years[agreements.index].astype(int),
        label=[f"agreement with {places.in_sentence(i)}" for i in agreements["partner_iso3"]])
    return TradeView(
        True, subject, int(t["year"].min()) if len(t) else p.start_year,
        int(t["year"].max()) if len(t) else p.end_year, totals(t, subject), series, chosen,
        lead_changes(lead), by_region(by_partner(t, subject, p.flow)), mirror(t, subject),
        fact_checks(tables["figures"], tables["decisions"]),
        agreements[["year", "partner_iso3", "label", "summary", "source", "line"]].sort_values(
            ["year", "partner_iso3"], ignore_index=True),
        lead_sentence(t, subject, p.flow))


def no_trade_text(subject: str, trade: pd.DataFrame | None = None) -> str:
    """Why there is no trade to chart: no trade statistics, or none of the subject's own."""
    name = places.in_sentence(subject)
    others = (sorted(set(trade.loc[trade["partner_iso3"] == subject, "reporter_iso3"]))
              if trade is not None and len(trade) else [])
    if others:
        return (f"The trade statistics in this dataset hold no report of {possessive(name)} "
                f"own, so its totals, partners and regions cannot be charted; **{len(others)}** "
                f"partners report their trade with it ({', '.join(map(places.name_of, others))}"
                "): see each partner's profile.")
    return (f"This dataset has no trade statistics for {name} (no source of kind `trade` "
            "reports its trade), so there is no trade to chart. The figures its text sources "
            "state are listed at the end.")


def totals_text(v: TradeView, scale: str) -> str:
    """The opening numbers: the first and last year's exports and imports, and the leader."""
    name = places.in_sentence(v.subject)
    t = v.totals
    parts = []
    for year in sorted({int(t["year"].min()), int(t["year"].max())}):
        row = t[t["year"] == year].set_index("flow")["value_usd_million"]
        said = [f"{FLOW_WORDS[f]} of **{_billions(row[f], scale)}**" for f in FLOWS
                if f in row.index]
        parts.append(f"in **{year}**, " + " and ".join(said))
    text = (f"As {name} reports its trade to the IMF, {'; '.join(parts)}. "
            f"{escape_md(v.lead_text)}")
    return _capital(text)


def changes_text(v: TradeView) -> str:
    if v.changes is None or v.changes.empty:
        return "The same partner led in every year shown."
    lines = [f"- **{r.year}**: {places.in_sentence(r.partner_iso3)} took the lead from "
             f"{places.in_sentence(r.previous_iso3)}" for r in v.changes.itertuples()]
    return "The years a new partner took the lead:\n\n" + "\n".join(lines)


def regions_text(v: TradeView) -> str:
    r = v.regions
    if r is None or r.empty:
        return ""
    parts = []
    for year in sorted({int(r["year"].min()), int(r["year"].max())}):
        y = r[r["year"] == year].sort_values("share", ascending=False)
        parts.append(f"in **{year}**, " + ", ".join(
            f"{reg} {_percent(share)}" for reg, share in zip(y["region"], y["share"],
                                                          strict=True)))
    return "Shares of the trade with countries by the partner's region: " + "; ".join(
        parts) + "."


def mirror_text(v: TradeView) -> str:
    s = mirror_summary(v.mirror)
    if not s["pairs"]:
        return ("No partner's own report of its trade with the subject is in this dataset, "
                "so the two sides cannot be compared.")
    lo, hi = MIRROR_BAND
    return (f"For **{s['pairs']:,}** flows (a partner, a year, a direction) that both sides "
            f"report, from **{s['partners']}** partners' own tables, the importer's report "
            f"(CIF) is a median **{s['median']:.2f}** times the exporter's (FOB); the IMF "
            f"assumes 1.10 where it estimates a missing report. **{s['inside']:.0%}** lie in "
            f"the band {lo:.2f}–{hi:.2f} (freight and insurance, a tenth either side for "
            f"timing and valuation); **{s['disagree']:,}** lie outside it and are flagged as "
            "disagreements. The IMF's own estimates are left out of the comparison. The table "
            "below lists the 15 largest disagreements by the gap between the two reports.")


def disagreements(m: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The ``n`` largest disagreements by the gap between the two reports."""
    d = m[m["disagrees"]].assign(gap_usd_million=(m["partner_usd"] - m["subject_usd"]).abs())
    d = d.sort_values(["gap_usd_million", "partner_iso3", "year"],
                      ascending=[False, True, True]).head(n)
    return _in_millions(d[["partner_iso3", "year", "flow", "subject_usd", "partner_usd", "ratio",
                           "gap_usd_million", "subject_source", "subject_cell",
                           "partner_source", "partner_cell"]].reset_index(drop=True),
                        "subject_usd", "partner_usd", "gap_usd_million")


def facts_text(v: TradeView) -> str:
    if v.facts is None or v.facts.empty:
        return "The text sources state no trade figure that the trade statistics also measure."
    return "\n".join(
        f"- **{escape_md(r.label)}, {r.year}** ({escape_md(r.source)}, line {r.line}): "
        f"{escape_md(r.decision)}" + (f"; {escape_md(r.alternatives)}" if r.alternatives
                                      else "") + "."
        for r in v.facts.itertuples())


def fact_series(trade: pd.DataFrame, subject: str, partner: str) -> dict[str, pd.DataFrame]:
    """Two-way trade between the subject and ``partner`` as each reports it."""
    mine = by_partner(trade, subject)
    theirs = by_partner(trade, partner)
    return {f"{possessive(places.name_of(subject))} report": mine[
                mine["partner_iso3"] == partner],
            f"{possessive(places.name_of(partner))} report": theirs[
                theirs["partner_iso3"] == subject]}


# ------------------------------------------------------------------ beside presence and peers

def beside_presence(trade: pd.DataFrame, missions: pd.DataFrame, subject: str,
                    years: int = 5) -> pd.DataFrame:
    """Every partner of the subject's report ranked by two-way trade over its last ``years``
    years, with the presence on each side across all sources (missions: the text sources
    and the register): resident embassy, other resident post, non-resident accreditation or
    nothing stated (``presence_abroad``: the subject's in the partner; ``presence_inward``:
    the partner's in the subject)."""
    series = by_partner(trade, subject)
    if series.empty:
        return ranks(series, 0, 0).assign(presence_abroad=pd.Series(dtype="string"),
                                           presence_inward=pd.Series(dtype="string"))
    last = int(series["year"].max())
    r = ranks(series, last - years + 1, last)
    for side in ("abroad", "inward"):
        level = presence_levels(missions, side)
        r[f"presence_{side}"] = [level.get(i, "nothing stated") for i in r["partner_iso3"]]
    r["region"] = [places.region_of(i) or "unknown" for i in r["partner_iso3"]]
    return _in_millions(r.assign(first_year=last - years + 1, last_year=last),
                        "value_usd_million")


def presence_text(ranked: pd.DataFrame, subject: str, n: int = 20,
                  little: float = 0.001) -> str:
    """The large partners without a resident embassy of the subject, and the subject's
    resident embassies that serve under ``little`` of its trade."""
    if ranked.empty:
        return ""
    span = f"{ranked['first_year'].iloc[0]}–{ranked['last_year'].iloc[0]}"
    top = ranked.head(n)
    lacking = top[top["presence_abroad"] != "resident embassy"]
    small = ranked[(ranked["presence_abroad"] == "resident embassy")
                   & (ranked["share"] < little)]
    name = places.in_sentence(subject)
    text = (f"Of {possessive(name)} **{len(top)}** largest partners in two-way trade "
            f"({span}, its own report), **{len(top) - len(lacking)}** have a resident embassy "
            f"of {name}")
    if len(lacking):
        text += ("; those without: " + ", ".join(
            f"{places.name_of(r.partner_iso3)} (rank {r.rank}, "
            f"{r.presence_abroad})" for r in lacking.itertuples()))
    text += (f". **{len(small)}** of its resident embassies are in countries that take under "
             f"{little:.1%} of its trade each" + (": " + ", ".join(
                 places.name_of(i) for i in small["partner_iso3"]) if len(small) else "") + ".")
    return text


def partner_trade(trade: pd.DataFrame, subject: str, partner: str) -> dict:
    """A partner's two-way trade with the subject: both reports, its rank and share in the
    subject's report over the last five years."""
    series = by_partner(trade, subject)
    if series.empty:
        return dict(has_trade=False)
    last = int(series["year"].max())
    r = ranks(series, last - 4, last).set_index("partner_iso3")
    row = r.loc[partner] if partner in r.index else None
    return dict(has_trade=True, first_year=last - 4, last_year=last,
                rank=int(row["rank"]) if row is not None else None,
                share=float(row["share"]) if row is not None else None, of=len(r),
                series=fact_series(trade, subject, partner))


def describe_partner_trade(t: dict, subject: str, partner: str) -> str:
    if not t["has_trade"]:
        return (f"This dataset has no trade statistics for {places.in_sentence(subject)}, so "
                "there is no trade series.")
    name = places.in_sentence(partner)
    if t["rank"] is None:
        return (f"{_capital(places.in_sentence(subject))} reports no trade with {name} in "
                f"{t['first_year']}–{t['last_year']}.")
    theirs = list(t["series"].values())[1]
    mirror_note = ("" if len(theirs) else f" {_capital(name)}'s own report is not in this "
                   "dataset: only one side is shown.")
    return (f"{_capital(name)} ranks **{t['rank']}** of {t['of']} among "
            f"{possessive(places.in_sentence(subject))} partners in two-way trade over "
            f"{t['first_year']}–{t['last_year']} (**{_percent(t['share'])}** of it, "
            f"{possessive(places.in_sentence(subject))} own report).{mirror_note}")


def peers_trade(trade: pd.DataFrame, peer_trade: pd.DataFrame, subject: str,
                countries: list[str]) -> pd.DataFrame:
    """Each compared country's two-way trade in its latest year, from its own report: the
    total, the share of each region, and its largest partner in exports and in imports with
    that partner's share of the flow (``peer_trade``, which holds the subject's own report
    too). A country without its own report is a row of missing
    values, said so in ``note``."""
    rows = []
    for c in countries:
        g = peer_trade[peer_trade["reporter_iso3"] == c].astype(
            {"region": "string", "largest_partner_iso3": "string"})
        if g.empty:
            rows.append(dict(country=c, note="no report of its own in this dataset"))
            continue
        year = int(g["year"].max())
        y = g[g["year"] == year]
        world = y[y["region"] == "world"].groupby("flow", observed=True)[
            "value_usd_million"].sum()
        row = dict(country=c, year=year, two_way_usd_million=float(world.sum()), note="")
        both = y[y["region"] != "world"].groupby("region")["value_usd_million"].sum()
        for region in REGIONS:
            row[f"share_{region.lower()}"] = float(both.get(region, 0.0)) / world.sum()
        for flow in FLOWS:  # the largest partner of each flow, and its share of the flow
            f = y[(y["flow"] == flow) & (y["region"] != "world")].sort_values(
                "largest_usd_million", ascending=False)
            top = f.iloc[0] if len(f) and flow in world.index else None
            row[f"largest_{flow}_partner_iso3"] = top["largest_partner_iso3"] \
                if top is not None else None
            row[f"largest_{flow}_share"] = float(top["largest_usd_million"]) / world[flow] \
                if top is not None else None
        rows.append(row)
    return _in_millions(pd.DataFrame(rows), "two_way_usd_million")


def peers_text(table: pd.DataFrame) -> str:
    """The compared countries' totals, and how concentrated each one's exports are."""
    have = table[table["note"] == ""] if "note" in table else table
    if have.empty:
        return "No compared country has its own trade report in this dataset."
    parts = [f"{places.name_of(r.country)} **{_billions(r.two_way_usd_million, 'billions')}** "
             f"in {int(r.year)} (largest export market "
             f"{places.name_of(r.largest_export_partner_iso3)}, "
             f"{_percent(r.largest_export_share)})" for r in have.itertuples()]
    missing = table[table["note"] != ""]["country"] if "note" in table else []
    text = "Two-way trade in goods, each country's own report: " + "; ".join(parts) + "."
    if len(missing):
        text += (" No report of their own in this dataset: "
                 + ", ".join(places.name_of(c) for c in missing) + ".")
    return text


def series_table(traded: dict) -> pd.DataFrame:
    """The two reports of a partner's trade in one long table (``report`` names each)."""
    return pd.concat([s.assign(report=k) for k, s in traded["series"].items()],
                     ignore_index=True)
