"""Memberships of international organizations: lists of names, and who they are about."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from helpers.core.paths import REFERENCE

_MEMBER_LIST = re.compile(
    r"(?:members?(?:\s+(?:state|nation|country))?\s+of|(?:belong|belongs)\s+to\s+[^,]*?,\s*"
    r"including|membership\s+in\s+[^,]*?,\s*including|\bjoined|\bbelongs?\s+to)"
    r"\s+(?P<list>.+?)"
    r"(?=\s+since\b|,?\s+and\s+(?:is|are|was|were|has|have|had)\b|\.?$)"
)
# the separators of a list of organisations: commas, "and", and a closing parenthesis before
# "the" ("... States (OAS) the United Nations")
_ITEM_SEPARATOR = re.compile(
    r"\s*,\s*(?:and\s+)?(?:of\s+)?|\s+and\s+(?:of\s+)?|(?<=\))\s+(?=the\s)")
# "World Bank in 1946", "the European Union on May 1, 2004": the date is not the name
_TRAILING_DATE = re.compile(r"\s+(?:on|in|since)\s+[^,]*?\d{4}.*$")
# a clause before the subject: "In addition, ", "In 1995, ", "After ... on August 21, 1991, "
_LEADING_CLAUSE = re.compile(
    r"^(?:In addition|(?:In|After|Following|Since|On|Upon|With|During)\s+"
    r"(?:[^,]|,\s*\d{4}\b)*?),(?!\s*\d{4}\b)\s*")
_ACTOR = re.compile(r"^(?P<actor>[A-Z][\w .]*?)\s+(?:also\s+)?"
                    r"(?:is|was|has been|had been|became|joined|belongs|maintains membership)\b")
# "X has kept a station ... and is a member of": the subject of the first verb
_COORDINATED = re.compile(
    r"^(?P<actor>[A-Z][\w .]*?)\s+(?:has|have|had|is|was|maintains|keeps|operates)\b[^.;]*?"
    r",?\s+and\s+(?:also\s+)?(?:is|was|has been|became|joined)\s+(?:an?\s+)?"
    r"(?:founding\s+|full\s+)?members?\b")
# pronoun subjects: the sentence's nearest named country, the row's partner, or the subject
PRONOUNS = ("It", "The country", "This country")


@dataclass(frozen=True)
class Organization:
    name: str
    acronym: str
    members: frozenset[str]


def organizations() -> dict[str, Organization]:
    """Reference organizations by every lower-cased name they go by."""
    out: dict[str, Organization] = {}
    with open(REFERENCE / "organizations.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            org = Organization(r["organization"], r["acronym"],
                               frozenset(filter(None, r["members"].split(";"))))
            for name in [r["organization"], r["acronym"], *r["aliases"].split(";")]:
                if name:
                    out[name.lower()] = org
    return out


def parse_memberships(text: str) -> list[str]:
    """Organization names listed as memberships in a statement, as written."""
    m = _MEMBER_LIST.search(text.rstrip("."))
    if not m:
        return []
    out = []
    listed = re.sub(r"\s+(?:on|in|since)\s+(?:[A-Z][a-z]+\s+)?\d{1,2},\s+\d{4}$", "",
                    m.group("list"))  # "on May 1, 2004": its comma does not separate names
    for item in _ITEM_SEPARATOR.split(listed):
        item = _TRAILING_DATE.sub("", item.strip())
        if re.match(r"(?:an?|which|that|whose|who)\b", item):
            break  # "the Rio Group, an association of ...": an apposition ends the list
        name = re.sub(r"^(?:the|of the|of)\s+", "", item, flags=re.IGNORECASE).strip(" .")
        if name:
            out.append(name)
    return out


def membership_subjects(text: str) -> str | None:
    """Who the membership is about: 'both' (the two countries), or the actor's name.

    The actor opens the sentence, after a leading clause ("In 1995, ", "After its independence
    on August 21, 1991, "), and is the subject of the verb of membership, or of an earlier verb
    the membership is coordinated with ("X has kept a station there and is a member of ...").
    """
    text = _LEADING_CLAUSE.sub("", text, count=1)
    if re.match(r"^(?:Both (?:countries|nations))\b", text) or re.search(
        r"\bbelong to\b", text
    ):
        return "both"
    found = [m.group("actor") for m in (_ACTOR.match(text), _COORDINATED.match(text)) if m]
    return min(found, key=len) if found else None  # the subject of the first verb
