"""One partner's profile: everything the processed tables say about the subject and one country.

The functions select the partner's records from the tables loaded through helpers.data.load
and describe them in words; they never parse raw text and never draw. A country the sources
never mention gives empty tables, not an error: "the sources say nothing" is an answer.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis import compute, trade
from helpers.core import places
from helpers.core.text import escape_md
from helpers.data import descriptor

NO_PARTNER = "no single partner"


_UNIT_WORDS = {"multiple": " times", "percent": "%"}


def _is(column: pd.Series, iso3: str) -> pd.Series:
    return column.eq(iso3).fillna(False).astype(bool)


def relation_rows(relations: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The partner's rows of the bilateral tables, and unidentified rows it may be.

    ``match`` says which: "the row's partner" or "one of N candidates" (an unresolved row whose
    evidence leaves several countries, this one among them).
    """
    own = relations[_is(relations["iso3"], iso3)].assign(match="the row's partner")
    maybe = relations[relations["resolution"].eq("unresolved").fillna(False).astype(bool)
                      & relations["candidates"].fillna("").str.split(";").map(
                          lambda c: iso3 in c)]
    maybe = maybe.assign(match=maybe["candidates"].map(
        lambda c: f"one of {len(c.split(';'))} candidates"))
    return pd.concat([own, maybe]).reset_index(drop=True)


def _row_keys(rows: pd.DataFrame) -> set[tuple[str, int]]:
    own = rows[rows["match"] == "the row's partner"]
    return set(zip(own["source"], own["line"], strict=True))


def _in_rows(frame: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    keys = _row_keys(rows)
    return pd.Series([(s, r) in keys for s, r in zip(frame["source"], frame["row_line"],
                                                     strict=True)], index=frame.index)


def events_of(events: pd.DataFrame, rows: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Every dated event of the partner (its own, or in its table row), with plotting years."""
    e = events[_is(events["partner_iso3"], iso3) | _in_rows(events, rows)]
    e = e.assign(year=e["date"].map(compute.year_fraction),
                 end_year=e["end_date"].map(compute.year_fraction))
    return e.sort_values(["year", "kind", "source", "line"]).reset_index(drop=True)


def posts_of(missions: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Posts between the subject and the partner, both directions, with the city's country."""
    m = missions[_is(missions["partner_iso3"], iso3)]
    m = m.assign(city_country=m["city_iso3"].map(
        lambda c: places.name_of(c) if pd.notna(c) else "(ambiguous)"))
    return m.sort_values(["direction", "status", "post_type", "city"]).reset_index(drop=True)


def hosted_posts(missions: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Posts in the partner's cities that serve another relationship (it is a hub for them)."""
    m = missions[_is(missions["city_iso3"], iso3) & ~_is(missions["partner_iso3"], iso3)]
    return m.assign(serves=m["partner_iso3"].map(places.name_of)).reset_index(drop=True)


def shared_memberships(memberships: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Organizations the sources say both the subject and the partner belong to, with evidence."""
    where = memberships.assign(at=memberships["source"] + ":" + memberships["line"].astype(str))
    lines = where.groupby(["organization", "member_iso3"])["at"].agg(
        lambda s: "; ".join(sorted(set(s))))
    orgs = set(where.loc[_is(where["member_iso3"], iso3), "organization"]) & set(
        where.loc[_is(where["member_iso3"], descriptor.subject().iso3), "organization"])
    acronym = where.drop_duplicates("organization").set_index("organization")["acronym"]
    rows = [dict(organization=o, acronym=acronym[o], partner_evidence=lines[(o, iso3)],
                 subject_evidence=lines[(o, descriptor.subject().iso3)]) for o in sorted(orgs)]
    return pd.DataFrame(rows, columns=["organization", "acronym", "partner_evidence",
                                       "subject_evidence"])


def figures_of(figures: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The partner's figures, each with its value in words (qualifier kept)."""
    f = figures[_is(figures["partner_iso3"], iso3)]
    return f.assign(stated=[describe_figure(r) for r in f.to_dict("records")]).reset_index(
        drop=True)


def statements_of(statements: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Every statement about the partner: its table row's notes, or a source about it."""
    return statements[_is(statements["partner_iso3"], iso3)].reset_index(drop=True)


def mentions_of(statements: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Statements about something else that name the partner (e.g. a hub city's country)."""
    other = statements[~_is(statements["partner_iso3"], iso3)]
    names = other["text"].map(lambda t: iso3 in {m.iso3 for m in places.find_countries(t)})
    hits = other[names.astype(bool)]
    return hits.assign(about=hits["partner_iso3"].map(
        lambda c: places.name_of(c) if pd.notna(c) else NO_PARTNER)).reset_index(drop=True)


possessive = compute.possessive  # "Chile's", "United States'"


def side_labels(subject_name: str, name: str) -> dict[str, str]:
    """What each direction of the missions table means for this pair of countries."""
    return {"abroad": f"{possessive(subject_name)} posts for {name}",
            "inward": f"{possessive(name)} posts for {subject_name}"}


def describe_figure(row) -> str:
    """'more than 525,000 persons per year (2018)': a figure in words, qualifier kept."""
    value, unit, q = float(row["value"]), row["unit"], row["qualifier"]
    if unit == "USD":
        text = trade.money(value, "billions" if value >= 1e9 else "millions", q)
    else:
        amount = f"{value:,.0f}" if value == int(value) else f"{value:,g}"
        text = f"{trade.QUALIFIER_WORDS.get(q, '')}{amount}{_UNIT_WORDS.get(unit, ' ' + unit)}"
    when = row["year"] if pd.notna(row["year"]) else row["period"]
    return text + (f" ({when})" if pd.notna(when) else "")


def describe_relation(rows: pd.DataFrame, iso3: str) -> str:
    """Where the partner sits in the tables, when relations began, how sure that is."""
    name = escape_md(places.name_of(iso3))
    own = rows[rows["match"] == "the row's partner"]
    parts = []
    if iso3 in places.sovereign():
        parts.append(f"{name} is a territory of "
                     f"{escape_md(places.name_of(places.sovereign()[iso3]))}: "
                     "the build counts posts in it as posts in its sovereign.")
    if own.empty:
        parts.append(f"{name} has no row in the article's bilateral tables.")
    for r in own.to_dict("records"):
        how = ("the row names it" if r["resolution"] == "stated" else
               f"the row does not name it; the build {r['resolution']} it from: "
               f"{escape_md(r['reason'])}")
        parts.append(f"{name} is listed under **{escape_md(r['region'])}** "
                     f"({escape_md(r['source'])}, line "
                     f"{r['line']}; {how}).")
        parts.append(_established(r))
    for r in rows[rows["match"] != "the row's partner"].to_dict("records"):
        names = [escape_md(places.name_of(c)) for c in r["candidates"].split(";")]
        parts.append(f"An unidentified row under **{escape_md(r['region'])}** "
                     f"({escape_md(r['source'])}, line "
                     f"{r['line']}) may be {name}: the evidence leaves {', '.join(names)}. "
                     + _established(r, "Relations with that country"))
    return " ".join(parts)


def _established(r: dict, what: str = "Relations") -> str:
    if pd.isna(r["established"]):
        return f"The sources give no date for when {what.lower()} began."
    text = (f"{what} began in **{escape_md(r['established'])}** (known to the "
            f"{escape_md(r['established_precision'])}; {escape_md(r['established_source'])}, line "
            f"{r['established_line']}")
    if r["established_source"] != r["source"]:
        text += f", a date the row's own source, {escape_md(r['source'])}, does not give"
    text += ")."
    if pd.notna(r["established_caveat"]):
        text += f" Caveat: {escape_md(r['established_caveat'])}"
    return text


COUNTS = {"table_rows": "row(s) of the bilateral tables",
          "possible_rows": "unidentified table row(s) that may be it",
          "dated_events": "dated event(s)",
          "posts": "diplomatic post(s) between the two", "hosted_posts": "post(s) in its "
          "cities serving other relationships", "shared_memberships": "shared membership(s)",
          "figures": "figure(s)", "statements": "statement(s) about it",
          "mentions": "other statement(s) naming it"}


def counts(rows: pd.DataFrame, **tables: pd.DataFrame) -> dict[str, int]:
    """Rows of each part of the profile, in the order of COUNTS."""
    own = int((rows["match"] == "the row's partner").sum())
    return {"table_rows": own, "possible_rows": len(rows) - own,
            **{key: len(tables[key]) for key in COUNTS if key in tables}}


def overview(query: str, iso3: str, held: dict[str, int]) -> str:
    """Who the query resolved to, and what the sources hold about it (or that they say nothing)."""
    name = places.name_of(iso3)
    code = " ".join(str(query).replace("`", "'").split())  # a code span shows it literally
    asked = "" if places.fold(query) == places.fold(name) else f", read from `{code}`"
    name = escape_md(name)
    text = f"**{name}** ({escape_md(iso3)}{asked}). "
    if not any(held.values()):
        return text + f"The sources say nothing about {name}."
    parts = [f"**{n}** {COUNTS[key]}" for key, n in held.items() if n]
    return text + "What the sources hold about it: " + ", ".join(parts) + "."


def describe_posts(posts: pd.DataFrame, hosted: pd.DataFrame, subject: str, name: str) -> str:
    """How many posts each side keeps for the other, resident or not, open or closed."""
    subject, name = escape_md(subject), escape_md(name)
    if posts.empty:
        text = (f"The sources name no diplomatic post between {subject} and {name}, so there "
                "is nothing to draw.")
    else:
        side = posts["direction"].value_counts()
        text = (f"The sources name **{side.get('abroad', 0)}** post(s) of {subject} for {name} "
                f"and **{side.get('inward', 0)}** of {name} for {subject}: "
                f"**{int(posts['resident'].sum())}** resident, "
                f"**{int((~posts['resident'].astype(bool)).sum())}** non-resident (in a third "
                f"country), **{int((posts['status'] == 'closed').sum())}** closed.")
    if len(hosted):
        text += (f" {possessive(name)} cities also host **{len(hosted)}** post(s) serving other "
                 f"relationships: " + "; ".join(
                     f"{escape_md(possessive(places.name_of(r['sending_iso3'])))} "
                     f"{escape_md(r['post_type'])} in {escape_md(r['city'])} "
                     f"for {escape_md(places.name_of(r['accredited_to_iso3']))}"
                     for r in hosted.to_dict("records")) + ".")
    return text


def summary(query: str, iso3: str, rows: pd.DataFrame, held: dict[str, int]) -> pd.DataFrame:
    """One row: what was asked, who it resolved to, the partner's row and the counts."""
    own = rows[rows["match"] == "the row's partner"]
    first = own.iloc[0] if len(own) else None
    return pd.DataFrame([dict(
        query=query, iso3=iso3, name=places.name_of(iso3),
        region=first["region"] if first is not None else places.region_of(iso3),
        listed=first is not None,
        resolution=first["resolution"] if first is not None else pd.NA,
        established=first["established"] if first is not None else pd.NA,
        established_precision=first["established_precision"] if first is not None else pd.NA,
        **held)])


def describe_events(events: pd.DataFrame, name: str) -> str:
    """How many dated events concern the partner, from when to when, of which kinds."""
    name = escape_md(name)
    if events.empty:
        return f"No dated event concerns {name}, so there is no timeline to draw."
    kinds = events["kind"].value_counts()
    return (f"**{len(events)}** dated event(s) concern {name}, from "
            f"**{escape_md(events.iloc[0]['date'])}** to **{escape_md(events.iloc[-1]['date'])}**"
            ": " + ", ".join(f"{n} {escape_md(k)}" for k, n in kinds.items() if n) + ".")


def describe_memberships(shared: pd.DataFrame, subject_name: str, name: str) -> str:
    """The organizations both belong to, by acronym (or name)."""
    both = f"{escape_md(subject_name)} and {escape_md(name)}"
    if shared.empty:
        return f"The sources name no organization that both {both} belong to."
    return (f"The sources name **{len(shared)}** organization(s) that both {both} belong to: "
            + ", ".join(escape_md(a) for a in shared["acronym"].fillna(shared["organization"]))
            + ".")


def describe_figures(figures: pd.DataFrame, name: str) -> str:
    """A bullet per figure that concerns the partner, as stated, with its source and line."""
    if figures.empty:
        return f"No figure in the sources concerns {escape_md(name)}."
    return "\n".join(f"- **{escape_md(r['label'])}**: {escape_md(r['stated'])} "
                      f"({escape_md(r['source'])}, line {r['line']})"
                      for r in figures.to_dict("records"))


def describe_statements(said: pd.DataFrame, name: str) -> str:
    """How many statements concern the partner, represented and unparsed."""
    if said.empty:
        return f"No statement of the sources is about {escape_md(name)}."
    status = said["status"].value_counts()
    return (f"**{len(said)}** statement(s) concern {escape_md(name)}: "
            f"**{status.get('represented', 0)}** represented in the tables and "
            f"**{status.get('unparsed', 0)}** unparsed.")


def describe_mentions(mentions: pd.DataFrame, name: str) -> str:
    """How many other statements name the partner, by whom they are about."""
    if mentions.empty:
        return f"No other statement names {escape_md(name)}."
    about = mentions["about"].value_counts(sort=False)
    return (f"**{len(mentions)}** other statement(s) name {escape_md(name)}: "
            + ", ".join(f"{n} about {escape_md(who)}" for who, n in about.items()) + ".")


def levels_of(levels: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The stated levels of representation between the subject and the partner, oldest first.

    ``direction`` is "abroad" for the subject's missions (as in the missions table) and
    "inward" for the partner's; ``year`` places ``from_date`` on a time axis.
    """
    own = levels[_is(levels["sending_iso3"], iso3) | _is(levels["receiving_iso3"], iso3)]
    own = own[_is(own["sending_iso3"], descriptor.subject().iso3) | _is(own["receiving_iso3"],
                                                               descriptor.subject().iso3)]
    own = own.assign(direction=own["sending_iso3"].map(
        lambda c: "abroad" if c == descriptor.subject().iso3 else "inward"),
        year=own["from_date"].map(compute.year_fraction))
    return own.sort_values(["year", "direction", "source", "line"]).reset_index(drop=True)


def describe_levels(levels: pd.DataFrame, subject_name: str, name: str) -> str:
    """Each stated change of representation in words, with its source line (escaped)."""
    subject_name, name = escape_md(subject_name), escape_md(name)
    if levels.empty:
        return (f"The sources state no level of representation between {subject_name} and "
                f"{name}, so there is nothing to draw.")
    parts = []
    for r in levels.to_dict("records"):
        sender = subject_name if r["direction"] == "abroad" else name
        host = name if r["direction"] == "abroad" else subject_name
        rank = (f", headed by {_a(escape_md(r['envoy_rank']))}" if pd.notna(r["envoy_rank"])
                else "")
        parts.append(f"from **{escape_md(r['from_date'])}** {possessive(sender)} mission in "
                     f"{host} is {_a('**' + escape_md(r['level']) + '**')}{rank} "
                     f"({escape_md(r['source'])}, line {r['line']})")
    return f"**{len(levels)}** stated change(s) of representation: " + "; ".join(parts) + "."


def _a(noun: str) -> str:
    """'an embassy', 'a legation' (markdown stars allowed)."""
    return ("an " if noun.lstrip("*")[:1].lower() in "aeiou" else "a ") + noun
