"""The subject beside its peers, from the register of posts (notebook 06), and the sources'
agreement on the subject's own posts (notebooks 02, 04, 05).

Everything here counts what the register recorded on its date: ``register_posts`` holds, per
sending country, region, post type and residence, the countries where its posts stand
(``resident``) or which posts standing elsewhere are accredited to (``non-resident``), one
entry per post. The subject's own ``agreement`` rate (posts the text sources state that the
register confirms) says how complete the register is where the two can be compared.
"""

from __future__ import annotations

import pandas as pd

from helpers.core import places
from helpers.core.schema import AGREEMENTS, POST_TYPES, REGIONS
from helpers.data import descriptor

MAX_PEERS = 5


def register_source(folder=None) -> dict | None:
    """The register's entry among the build's sources (title, date, licence, file), or None
    when the build has no source of kind ``register``."""
    found = [s for s in descriptor.sources(folder) if s.get("kind") == "register"]
    return found[0] if found else None


def register_note(source: dict | None) -> str:
    """What every figure of the comparison says it counts."""
    if source is None:
        return ("This build has no register of posts (no source of kind 'register'): every "
                "count is zero.")
    return (f"Counts what Wikidata recorded on {source['date']}: {source['publisher']}, "
            f"“{source['title']}” ({source['licence']}), {source['file']}.")


def entries(register: pd.DataFrame) -> pd.DataFrame:
    """One row per post (resident) or accreditation (non-resident): sending, country, region,
    post type, residence."""
    table = register.assign(country=register["countries"].str.split(";")).explode("country")
    return table[["sending_iso3", "country", "region", "post_type", "residence"]].reset_index(
        drop=True)


def senders(register: pd.DataFrame) -> list[str]:
    """Every country with a post in the register, by ISO3."""
    return sorted(set(register["sending_iso3"]))


def default_peers(register: pd.DataFrame, subject: str, n: int = MAX_PEERS) -> list[str]:
    """The ``n`` countries of the subject's sub-region (its region when the sub-region has
    too few) with the most resident posts in the register, most first."""
    country = places.countries().get(subject)
    posts = register[register["residence"] == "resident"].groupby("sending_iso3")["posts"].sum()
    posts = posts.drop(subject, errors="ignore")

    def ranked(same) -> list[str]:
        chosen = [i for i in posts.index if same(places.countries().get(i))]
        return sorted(chosen, key=lambda i: (-posts[i], i))[:n]

    found = ranked(lambda c: c is not None and country is not None and country.subregion
                   and c.subregion == country.subregion)
    if len(found) < n:
        found += [i for i in ranked(lambda c: c is not None and country is not None
                                    and c.region == country.region) if i not in found]
    return found[:n]


def resolve_peers(given: list[str], register: pd.DataFrame, subject: str) -> list[str]:
    """The countries asked for (names or ISO3), checked: ValueError says which is wrong. The
    subject is always shown, so naming it is no error (a job then suits any subject's build);
    a build without a register accepts any country and counts nothing."""
    if len(given) > MAX_PEERS:
        raise ValueError(f"{len(given)} countries given; compare at most {MAX_PEERS}")
    known, out = set(senders(register)), []
    for text in given:
        iso3 = text if text in places.countries() else places.country_of(text)
        if not iso3:
            raise ValueError(f"{text!r} is not a country name or ISO3 code")
        if known and iso3 not in known and iso3 != subject:
            raise ValueError(f"{text!r} has no post in the register")
        if iso3 != subject and iso3 not in out:
            out.append(iso3)
    return out


def posts_abroad(register: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Resident posts of each country by region and post type (country × region rows)."""
    own = register[(register["residence"] == "resident") &
                   register["sending_iso3"].isin(countries)]
    table = own.pivot_table(index=["sending_iso3", "region"], columns="post_type",
                            values="posts", aggfunc="sum", fill_value=0, observed=False)
    table = table.reindex(columns=list(POST_TYPES), fill_value=0)
    index = pd.MultiIndex.from_product([countries, REGIONS], names=["sending_iso3", "region"])
    table = table.reindex(index, fill_value=0).astype(int)
    table["posts"] = table.sum(axis=1)
    return table.reset_index()


def region_shares(abroad: pd.DataFrame) -> pd.DataFrame:
    """Share (%) of each country's resident posts in each region (countries × regions)."""
    table = abroad.pivot(index="sending_iso3", columns="region", values="posts")
    table = table.reindex(columns=list(REGIONS))
    totals = table.sum(axis=1).replace(0, pd.NA)
    shares = (table.div(totals, axis=0) * 100).astype("Float64").round(1)
    shares.attrs["units"] = {region: "percent" for region in REGIONS}  # read as 24.3%
    return shares


def received(register: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Posts other countries keep in each country, by type, and the non-resident
    accreditations it receives (posts standing elsewhere accredited to it)."""
    every = entries(register)
    mine = every[every["country"].isin(countries)]
    posts = mine[mine["residence"] == "resident"].pivot_table(
        index="country", columns="post_type", aggfunc="size", fill_value=0, observed=False)
    posts = posts.reindex(index=countries, columns=list(POST_TYPES), fill_value=0)
    accredited = mine[mine["residence"] == "non-resident"].groupby("country").size()
    posts["posts received"] = posts[list(POST_TYPES)].sum(axis=1)
    posts["non-resident accreditations"] = accredited.reindex(countries, fill_value=0)
    posts.index.name = "country"
    return posts.astype(int).reset_index()


def network_map(register: pd.DataFrame, iso3: str) -> dict[str, str]:
    """Each country of one network: where it keeps a post (``resident``), where only posts
    elsewhere are accredited (``non-resident``), and the country itself (``subject``)."""
    every = entries(register[register["sending_iso3"] == iso3])
    out = {c: "non-resident" for c in every.loc[every["residence"] == "non-resident",
                                                "country"]}
    out.update({c: "resident" for c in every.loc[every["residence"] == "resident", "country"]})
    out[iso3] = "subject"
    return out


def agreement_rate(missions: pd.DataFrame) -> dict[str, int | float]:
    """Of the posts the text sources state (missions rows from a text source), how many the
    register confirms (``both``), states differently (``conflict``) or lacks (``text-only``);
    and the register-only posts. ``rate`` is the confirmed share in %."""
    counts = {a: int((missions["agreement"] == a).sum()) for a in AGREEMENTS}
    text = counts["both"] + counts["conflict"] + counts["text-only"]
    return {**counts, "text": text,
            "rate": round(100 * counts["both"] / text, 1) if text else float("nan")}


def agreement_by_region(missions: pd.DataFrame, direction: str = "abroad") -> pd.DataFrame:
    """The subject's posts by region of the partner and agreement (counts)."""
    rows = missions[missions["direction"] == direction].assign(
        region=lambda t: t["partner_iso3"].map(places.region_of))
    table = pd.crosstab(pd.Categorical(rows["region"], categories=list(REGIONS)),
                        pd.Categorical(rows["agreement"], categories=list(AGREEMENTS)),
                        dropna=False)
    table.index.name, table.columns.name = "region", None
    return table.reset_index()


def one_source_posts(missions: pd.DataFrame, direction: str = "abroad") -> pd.DataFrame:
    """The subject's posts only one source states, with the source and line."""
    rows = missions[(missions["direction"] == direction) &
                    missions["agreement"].isin(["text-only", "register-only"])]
    return rows.assign(partner=rows["partner_iso3"].map(places.name_of),
                       region=rows["partner_iso3"].map(places.region_of))[
        ["region", "partner", "post_type", "city", "agreement", "source", "line"]].sort_values(
        ["region", "partner", "city", "source", "line"]).reset_index(drop=True)


def conflicts(post_sources: pd.DataFrame) -> pd.DataFrame:
    """Every post the sources state differently, one row per statement (both lines)."""
    rows = post_sources[post_sources["agreement"] == "conflict"]
    return rows[["sending_iso3", "host_iso3", "post_type", "city", "conflict", "source", "line",
                 "place_as_written", "type_as_written", "distance_km"]].reset_index(drop=True)


def chiefs_timeline(chiefs: pd.DataFrame) -> pd.DataFrame:
    """Chiefs who served, in order, with start and end years (an open end runs to the last
    date the file gives) and whether they stood in ad interim."""
    served = chiefs[chiefs["served"].fillna(False).astype(bool)].copy()
    start = served["started"].fillna(served["arrived"]).fillna(served["appointed"])
    served = served.assign(start=start).dropna(subset=["start"])
    last = max(served["start"].max(), served["ended"].dropna().max())
    served = served.assign(end=served["ended"].fillna(last))
    return served.assign(
        start_year=served["start"].map(_year), end_year=served["end"].map(_year))[
        ["person", "role", "envoy_rank", "cow_level", "ad_interim", "start", "end", "start_year",
         "end_year", "end_note", "source", "line"]].sort_values("start").reset_index(drop=True)


# A chart of chiefs draws one bar per chief up to this many; past it (a file of thousands of
# chiefs would draw a figure metres high, for minutes) it counts the chiefs who started in
# each decade, by rank: as many bars as decades, whatever the number of chiefs.
MAX_CHIEF_BARS = 150


def chiefs_shown(timeline: pd.DataFrame) -> pd.DataFrame:
    """What the chiefs chart draws: the timeline itself up to ``MAX_CHIEF_BARS`` chiefs, else
    the chiefs who started in each decade by COW level (``decade``, ``cow_level``,
    ``envoy_rank``, ``ad_interim``, ``chiefs``)."""
    if len(timeline) <= MAX_CHIEF_BARS:
        return timeline
    decade = (timeline["start"].str[:4].astype(int) // 10) * 10
    counted = timeline.assign(decade=decade).groupby(
        ["decade", "cow_level", "envoy_rank", "ad_interim"], as_index=False).size()
    return counted.rename(columns={"size": "chiefs"}).sort_values(
        ["decade", "cow_level", "ad_interim"]).reset_index(drop=True)


def _year(iso: str) -> float:
    """'1992-09' -> 1992.67: a date as a fractional year, for a timeline's axis."""
    parts = [int(x) for x in str(iso).split("-")]
    return parts[0] + ((parts[1] - 1) / 12 if len(parts) > 1 else 0) + (
        (parts[2] - 1) / 365 if len(parts) > 2 else 0)
