"""Placing cities: which country a post's city is in, from the statement's context.

``place`` resolves one city as written; ``post_records`` turns a ``MissionStatement`` into
mission records (one per city), placing each city. Both return their decisions with their
value instead of recording them anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.build.decisions import Decision
from helpers.build.posts import MissionStatement
from helpers.build.statements import Statement
from helpers.core import places

# "the San Isidro District" -> "San Isidro"; "Washington, D.C." -> "Washington"
_LOOKUP_FORM = re.compile(r"^the\s+|\s+(?:District|Region|Province)$|,\s*(?:[A-Z]\.){2,}$")


@dataclass(frozen=True)
class Placed:
    city: str  # canonical (GeoNames) spelling, or as written when not found
    iso3: str  # country the city is in; "" when unknown or ambiguous


def place(name: str, explicit: str | None, context: list[tuple[str, str]], source: str,
          line: int) -> tuple[Placed, list[Decision]]:
    """Place a city as written, using the statement's context.

    ``explicit`` is a country the statement names for the city ("Brasília, Brazil");
    ``context`` lists (ISO3, why it is relevant) in order of preference.
    """
    decisions: list[Decision] = []

    def decide(kind, decision, alternatives, rule):
        decisions.append(Decision(kind, name, decision, alternatives, rule, source, line))

    written = _LOOKUP_FORM.sub("", name)
    candidates = places.city_candidates(written)
    listed = "; ".join(f"{c.name} ({c.iso3})" for c in candidates)
    if explicit:
        inside = [c for c in candidates if c.iso3 == explicit]
        if not inside:
            decide("ambiguous-city", f"{name} ({explicit})", listed,
                   "the statement names the country; GeoNames has no such city there")
            return Placed(written, explicit), decisions
        chosen, rule = inside[0], "the statement names the country"
    elif len(candidates) == 1:
        chosen, rule = candidates[0], ""
    elif not candidates:
        decide("ambiguous-city", f"{name} (country unknown)", "", "not found in GeoNames")
        return Placed(written, ""), decisions
    else:
        in_context = [(c, label) for iso3, label in context for c in candidates
                      if c.iso3 == iso3]
        capitals = [c for c in candidates if c.is_capital]
        if in_context:
            chosen, label = in_context[0]
            rule = f"context: {places.name_of(chosen.iso3)} is {label}"
        elif len(capitals) == 1:
            chosen, rule = capitals[0], "the only capital city of that name"
        else:
            decide("ambiguous-city", "left unresolved", listed,
                   "several cities fit and nothing in the context decides")
            return Placed(written, ""), decisions
    if len(candidates) > 1:
        decide("ambiguous-city", f"{chosen.name} ({chosen.iso3})",
               "; ".join(f"{c.name} ({c.iso3})" for c in candidates if c != chosen), rule)
    if places.fold(chosen.name) != places.fold(written):
        decide("alias", chosen.name, "", "GeoNames alternate name")
    if chosen.territory:
        decide("territory", chosen.iso3, chosen.territory,
               "sovereignty.csv: a territory's posts serve its sovereign")
    return Placed(chosen.name, chosen.iso3), decisions


def not_a_city(written: str, placed: Placed) -> str:
    """Why a place as written is no post's city ("" when it may be one): a possessive
    ("France's") or a country's name that is no city of that country ("Brazil")."""
    if re.search(r"['’]s?$", written.strip()):
        return "a possessive is no city"
    iso3 = places.country_of(written)
    if iso3 and not any(iso3 in (c.iso3, c.territory) for c in places.city_candidates(written)):
        return "a country's name is no city"
    return ""


def post_records(st: Statement, ms: MissionStatement, subject: str,
                 partner: str | None) -> tuple[list[dict], list[Decision]]:
    """Mission records of a statement, one per city, and the decisions placing them took.

    ``partner`` is the row's partner when known; it is context for ambiguous cities.
    """
    decisions: list[Decision] = []
    context: list[str] = []
    out = []
    for post in ms.posts:
        if post.count and post.cities and post.count != len(post.cities):
            decisions.append(Decision(
                "count-check", st.text, f"{len(post.cities)} rows, one per city",
                f"the statement counts {post.count}", "lists expand to one row per city named",
                st.source, st.line))
        cities = post.cities
        if not cities and post.address:
            cities = [p.strip() for p in post.address.split(",")
                      if any(c.iso3 == post.country
                             for c in places.city_candidates(p.strip()))][:1]
        for written in cities:
            # A partner's post serves the subject: look there before the partner's home.
            labelled = [(ms.target, "the country the statement accredits the post to")]
            if ms.actor != subject:
                labelled.append((subject, "the subject country"))
            labelled.append((partner, "the row's partner"))
            ctx = [(c, "where another post of the statement is") for c in context] + [
                (c, label) for c, label in labelled if c]
            placed, why = place(written, post.country, ctx, st.source, st.line)
            refused = not_a_city(written, placed) or (
                "a country's post in its own territory is no bilateral post"
                if placed.iso3 and placed.iso3 == ms.actor else "")
            if refused:
                decisions.append(Decision("not-a-post", f"{post.post_type} in {written}",
                                          "no post", places.name_of(ms.actor), refused,
                                          st.source, st.line))
                continue
            decisions += why
            if placed.iso3:
                context.append(placed.iso3)
            accredited = ms.target or placed.iso3
            if not accredited:
                accredited = partner if ms.actor == subject else subject
            if not accredited or not ms.actor:
                continue
            direction = "abroad" if ms.actor == subject else "inward"
            counterpart = accredited if direction == "abroad" else ms.actor
            if ms.actor != subject and accredited != subject:
                continue
            out.append(dict(
                sending_iso3=ms.actor, accredited_to_iso3=accredited,
                partner_iso3=counterpart, direction=direction, city=placed.city,
                city_as_written=written, city_iso3=placed.iso3, post_type=post.post_type,
                resident=placed.iso3 == accredited, status=ms.status,
                status_year=ms.status_year, source=st.source, line=st.line, text=st.text))
    return out, decisions
