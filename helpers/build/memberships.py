"""Memberships of international organizations: lists of names, and who they are about."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from helpers.core.paths import REFERENCE

_MEMBER_LIST = re.compile(
    r"(?:members?\s+of|belong to [^,]*?,\s*including)\s+(?P<list>.+?)"
    r"(?=\s+since\b|,?\s+and\s+(?:is|are|was|were|has|have|had)\b|\.?$)"
)


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
    items = re.split(r"\s*,\s*(?:and\s+)?(?:of\s+)?|\s+and\s+(?:of\s+)?", m.group("list"))
    out = []
    for item in items:
        name = re.sub(r"^(?:the|of the|of)\s+", "", item.strip(), flags=re.IGNORECASE).strip(" .")
        if name:
            out.append(name)
    return out


def membership_subjects(text: str) -> str | None:
    """Who the membership is about: 'both' (the two countries), or the actor's name."""
    if re.match(r"^(?:In addition,\s*)?(?:Both (?:countries|nations))\b", text) or re.search(
        r"\bbelong to\b", text
    ):
        return "both"
    m = re.match(r"^(?:In addition,\s*)?(?P<actor>[A-Z][\w .]*?)\s+(?:is|has been)\b", text)
    return m.group("actor") if m else None
