"""Memberships of international organizations: lists of names, and who they are about."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from helpers.core import places
from helpers.core.paths import REFERENCE

_MEMBER_LIST = re.compile(
    # an observer is no member ("an observer member of the ASEAN")
    r"(?:(?<!observer\s)members?(?:[\s-]+(?:state|nation|country))?\s+of|\b(?:re)?admitted\s+(?:to|into)|"
    r"\bbecame\s+the\s+\w+\s+(?:[\w-]+\s+){0,3}to\s+join|(?:belong|belongs)\s+to\s+[^,]*?,\s*"
    r"including|membership\s+in\s+[^,]*?,\s*including|"
    r"\b(?:gained|obtained|acquired|attained|was\s+granted)\s+(?:full\s+)?membership\s+(?:in|of|to)|"
    r"\b(?:acceded|was\s+admitted)\s+to|\b(?:through|via|by)\s+(?:its\s+)?membership\s+(?:of|in)|"
    # "accession into NATO and the European Union, achieved in March and May 2004"
    r"\baccession\s+(?:in)?to(?=[^.;]*?,?\s+(?:achieved|completed)\b)|\b(?:is|are|was|were)\s+(?:also\s+)?part\s+of|"
    # joining countries in an action ("joined the United States ... in urging") is no membership
    r"\bjoined(?![^.;]*?\bin\s+\w+ing\b)|\bbelongs?\s+to)"
    r"\s+(?P<list>.+?)"
    r"(?=\s+since\b|,?\s+and\s+(?:is|are|was|were|has|have|had)\b|,?\s+(?:achieved|completed)\b|"
    # a second membership of the sentence ("..., and was one of the original members of")
    r"(?:,\s+(?:and\s+)?|\s+and\s+)(?:(?:is|was)\s+)?(?:one\s+of\s+the\s+\w+\s+|an?\s+)?(?:founding\s+|"
    r"original\s+)?members?\s+of\b|\.?$)"
)
# the separators of a list of organisations: commas, "and", and a closing parenthesis before
# "the" ("... States (OAS) the United Nations")
_ITEM_SEPARATOR = re.compile(
    r"\s*[,;]\s*(?:and\s+)?(?:of\s+)?|\s+and\s+(?:of\s+)?|(?<=\))\s+(?=the\s)")
# "World Bank in 1946", "the European Union on May 1, 2004": the date is not the name
_TRAILING_DATE = re.compile(r"\s+(?:on|in|since)\s+[^,]*?\d{4}.*$")
# a clause before the subject: "In addition, ", "In 1995, ", "After ... on August 21, 1991, "
_LEADING_CLAUSE = re.compile(
    r"^(?:In addition|(?:In|After|Following|Since|On|Upon|With|During)\s+"
    r"(?:[^,]|,\s*\d{4}\b)*?),(?!\s*\d{4}\b)\s*")
_ACTOR = re.compile(r"^(?P<actor>[A-Z][\w .]*?)\s+(?:also\s+)?"
                    r"(?:is|was|has been|had been|became|joined|belongs|maintains membership|"
                    r"gained|obtained|acceded|is part|also is part|readmitted)\b")
# "As a member of CARICOM, X strongly backed ...": X is the member
_AS_MEMBER = re.compile(r"^(?:In\s+addition,?\s+)?[Aa]s\s+(?:an?\s+)?(?:full\s+|founding\s+)?"
                        r"member\s+of\s+[^,]+,\s*")
# "X, Y, and Z established the Eurasian Economic Community in 2000": founding members
_FOUNDED = re.compile(r"^(?P<list>.+?)\s+(?:established|founded|created|formed)\s+the\s+"
                      r"(?P<org>[A-Z][\w-]*(?:\s+(?:of\s+|for\s+|and\s+)?[A-Z][\w-]*)*)")
# an apposition between the subject and its verb: "X, together with the other two Baltic
# countries, is also a member of ..."
_APPOSITION = re.compile(r"^(?P<actor>[A-Z][\w .]*?),\s*(?:together|along)\s+with\s+[^,]+,\s*")
# "The members of the CBSS are Denmark, Estonia, ... and Sweden": the members listed
_MEMBERS_ARE = re.compile(r"^(?:The\s+)?(?:founding\s+|current\s+|full\s+)?members\s+of\s+"
                          r"(?:the\s+)?(?P<org>.+?)\s+(?:are|were|include)\s+(?P<list>.+)$")
# "became a member in 1995" with the organisation named earlier: "filed an EU membership
# application ...", "applied for membership of the Council of Europe ..."
_MEMBER_NO_OBJECT = re.compile(r"\bbecame\s+(?:a\s+)?(?:full\s+)?member\b(?!\s+(?:state\s+|"
                               r"nation\s+|country\s+)?of\b)")
_EARLIER_ORG = re.compile(r"\b(?P<pre>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)\s+membership\b|"
                          r"\bmembership\s+(?:of|in|to)\s+(?:the\s+)?(?P<post>[A-Z][\w-]*"
                          r"(?:\s+(?:of\s+|for\s+|and\s+)?[A-Z][\w-]*)*)")
# "X has kept a station ... and is a member of": the subject of the first verb
_COORDINATED = re.compile(
    r"^(?P<actor>[A-Z][\w .]*?)\s+(?:has|have|had|is|was|maintains|keeps|operates)\b[^.;]*?"
    r",?\s+and\s+(?:also\s+)?(?:is|was|has been|became|joined)\s+(?:an?\s+)?"
    r"(?:founding\s+|full\s+)?members?\b")
# an accession stated as achieved ("accession into NATO and the EU, achieved in 2004")
ACCESSION_ACHIEVED = re.compile(r"\baccession\s+(?:in)?to\b[^.;]*?,?\s+(?:achieved|completed)\b")
# pronoun subjects: the sentence's nearest named country, the row's partner, or the subject
PRONOUNS = ("It", "The country", "This country")


@dataclass(frozen=True)
class Organization:
    name: str
    acronym: str
    members: frozenset[str]


@cache
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


def resolve(name: str, orgs: dict[str, Organization]) -> Organization | None:
    """The reference organisation a name as written stands for: the name itself, without its
    article or a parenthesis ("MERCOSUR (the Southern Cone Common Market)"), or the acronym
    in the parenthesis ("Nordic Investment Bank (NIB)"); None when it names none."""
    plain = re.sub(r"^(?:the|of the)\s+", "", name.strip(" ."), flags=re.IGNORECASE)
    head, _, paren = plain.partition(" (")
    # "Latin American Integration Association ALADI": a name followed by its acronym
    bare = re.sub(r"\s+[A-Z]{2,}$", "", head)
    for key in (plain, head, bare, paren.rstrip(")"), re.sub(r"^the\s+", "", paren.rstrip(")"))):
        if key and key.lower() in orgs:
            return orgs[key.lower()]
    return None


@cache
def _known_with_separators() -> re.Pattern | None:
    """Reference names that hold a separator of lists ("Organization for Security and
    Co-operation in Europe"), longest first: they are kept whole before a list is split."""
    names = sorted((n for n in organizations() if re.search(r"\sand\s|,", n)), key=len,
                   reverse=True)
    if not names:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)


def _name(item: str) -> str:
    """A list item as a name: its article and any lower-case qualifier before the name
    dropped ("its adjunct North Atlantic Cooperation Council"); "" when no name is left."""
    name = re.sub(r"^(?:[a-z][\w’'-]*\s+)+(?=[A-Z0-9])", "", item).strip(" .")
    return name if re.match(r"[A-Z0-9]", name) else ""


def parse_memberships(text: str) -> list[str]:
    """Organization names listed as memberships in a statement, as written.

    A name the reference table holds is kept whole though it contains "and"; a qualifier
    before a name is dropped; "became a member" with no object takes the organisation named
    earlier in the sentence ("filed an EU membership application ... became a member").
    """
    text = text.rstrip(".")
    found = list(_MEMBER_LIST.finditer(text))
    if not found:
        bare = _MEMBER_NO_OBJECT.search(text)
        earlier = _EARLIER_ORG.search(text[:bare.start()]) if bare else None
        return [earlier.group("pre") or earlier.group("post")] if earlier else []
    # each membership of the sentence ("one of the original members of the League of Nations,
    # and ... of the United Nations")
    return list(dict.fromkeys(name for m in found for name in _list_names(m.group("list"))))


def _list_names(listed: str) -> list[str]:
    """The names of one list of organisations, as written."""
    listed = re.sub(r"\s+(?:on|in|since)\s+(?:[A-Z][a-z]+\s+)?\d{1,2},\s+\d{4}$", "",
                    listed)  # "on May 1, 2004": its comma does not separate names
    kept: list[str] = []
    known = _known_with_separators()
    if known is not None:
        def hold(found: re.Match) -> str:
            kept.append(found.group())
            return f"\x00{len(kept) - 1}\x00"
        listed = known.sub(hold, listed)
    out = []
    for item in _ITEM_SEPARATOR.split(listed):
        # a date is cut before a held name is restored ("... in Europe" is no date)
        item = _TRAILING_DATE.sub("", item.strip())
        item = re.sub(r"\x00(\d+)\x00", lambda h: kept[int(h.group(1))], item)
        if re.match(r"(?:an?|which|that|whose|who)\b", item):
            break  # "the Rio Group, an association of ...": an apposition ends the list
        name = _name(item)
        if name:
            out.append(name)
    return out


def listed_members(text: str) -> tuple[str, list[str]] | None:
    """"The members of X are A, B and C" (or "A, B and C established the X"): the
    organisation as written and the ISO3 of each country listed; None for another sentence
    or a list that is not all countries."""
    m = _MEMBERS_ARE.match(text.rstrip("."))
    if not m:
        founded = _FOUNDED.match(text.rstrip("."))
        if not founded:
            return None
        items = [x for x in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", founded.group("list"))
                 if x]
        found = [places.country_of(x) for x in items]
        if len(found) < 2 or not all(found):
            return None
        return founded.group("org").strip(), list(dict.fromkeys(found))
    items = [x for x in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", m.group("list")) if x]
    found = [places.country_of(x) for x in items]
    if len(found) < 2 or not all(found):
        return None
    return m.group("org").strip(), list(dict.fromkeys(found))


def membership_subjects(text: str) -> str | None:
    """Who the membership is about: 'both' (the two countries), or the actor's name.

    The actor opens the sentence, after a leading clause ("In 1995, ", "After its independence
    on August 21, 1991, "), and is the subject of the verb of membership, or of an earlier verb
    the membership is coordinated with ("X has kept a station there and is a member of ...").
    """
    text = _LEADING_CLAUSE.sub("", text, count=1)
    if re.match(r"it\s", text):  # "In 1967, it became ...": the pronoun opens the clause
        text = "I" + text[1:]
    text = _APPOSITION.sub(r"\g<actor> ", text, count=1)
    as_member = _AS_MEMBER.match(text)
    if as_member:  # "As a member of CARICOM, X backed ...": the country after the comma
        named = places.find_countries(text[as_member.end():])
        if named and named[0].start == 0:
            return named[0].text
    if re.match(r"^(?:Both (?:countries|nations))\b", text) or re.search(
        r"\bbelong to\b", text
    ):
        return "both"
    found = [m.group("actor") for m in (_ACTOR.match(text), _COORDINATED.match(text)) if m]
    if not found:
        return None
    actor = min(found, key=len)  # the subject of the first verb
    if actor not in PRONOUNS and not places.country_of(actor):
        # "X filed an EU membership application ... and became a member": the country that
        # opens the sentence is the subject of its first verb
        named = places.find_countries(actor)
        if named and re.fullmatch(r"(?:The\s+)?", actor[:named[0].start]):
            return named[0].text
    return actor
