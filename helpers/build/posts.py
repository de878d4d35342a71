"""Posts as statements word them: who has which post where, and whether it is open or closed.

``parse_mission`` reads one statement ("Ghana is accredited to Peru from its embassy in
Brasília, Brazil") into a ``MissionStatement``: the sending country, the country served when
the statement says so, and each post with its cities as written. Placing the cities in
countries is ``helpers.cities``' job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.build.dates import find_dates
from helpers.core import places
from helpers.core.schema import post_type_of

_POST = re.compile(
    r"(?P<count>\b(?:an?|\d+|two|three|four|five|six)\s+)?"
    r"(?P<type>honorary\s+consulates?[-\s]general|honorary\s+consulates?|consulates?[-\s]general|"
    r"general\s+consulates?|consular\s+agency|embass(?:y|ies)|high\s+commissions?|"
    r"trade\s+offices?|liaison\s+offices?|representative\s+offices?|consulates?)\b",
    re.IGNORECASE,
)
_WORD_COUNTS = {"a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# small words that join a place's capitalised words ("Villa de Leyva") when the gazetteer does
# not hold the name; a name it holds ends where it says ("Santa Cruz de la Sierra")
_JOINING = frozenset({"de", "la", "del", "do", "da", "dos", "das", "of", "am", "an", "upon", "on",
                      "sur", "der", "des", "du", "di", "el", "al"})
_WORD = re.compile(r"[\w'’.-]+")
_OPENING = re.compile(r"\(?\s*(?:in|at)\s+")
# ", " and " and " separate places, but not the comma of "Washington, D.C." (initials follow)
_SEPARATOR = re.compile(r"\s*,(?!\s*(?:[A-Z]\.){2,})\s*(?:and\s+)?|\s+and\s+")
_INITIALS = re.compile(r",\s*(?:[A-Z]\.){2,}")
_PAREN = re.compile(r"\s*\((?P<paren>[^)]+)\)")
_ACCREDITED = re.compile(
    r"^(?P<actor>.+?)\s+(?:is|are)\s+(?:accredited|represented)\s+(?:to|in)\s+(?P<target>[^,]+?),?"
    r"\s+(?:from|through|by)\s+(?P<rest>.+)$"
)
# "established" and "set up" are verbs of posts only when a post follows ("set up its embassy")
_FOUNDED = (r"(?:established|set\s+up)(?=\s+(?:its|their|an?|the)\s+(?:first\s+|new\s+)?"
            r"(?i:honorary\s+)?(?i:embass|consul|high\s+commission|trade|liaison|representative))")
_HAS = re.compile(r"^(?P<actor>.+?)\s+(?:has\s+|have\s+)?(?P<verb>has|have|maintains|re-?opened|"
                  rf"opened|closed|suspended|{_FOUNDED})\s+(?P<rest>.+)$")
# the words between a list of subjects and its verb ("... and the United States all have")
_QUANTIFIER = re.compile(r"\s+(?:all|both|each|also|too)$")
_GOVERNMENT = re.compile(r"^(?:the\s+)?government\s+of\s+|\s+government$", re.IGNORECASE)
# the post's status after the verb, for verbs that change it
_STATUS_OF = {"closed": "closed", "suspended": "suspended", "opened": "open", "reopened": "open",
              "re-opened": "open", "established": "open", "set up": "open"}
_THERE_IS = re.compile(r"^There\s+(?:is|are)\s+(?P<rest>.+)$")
_NEGATIVE = re.compile(r"\bdoes not have (?:an?|any) (?:accreditation|embassy|mission|"
                       r"representation)\b")
_LEADING_DATE = re.compile(r"^(?:and\s+)?(?:[Ii]n|[Oo]n|[Ss]ince)\s+[^,]*\d{4},\s*")
# a post as its sentence's subject, its owner after "of": "The Consulate of Norway, headed by
# vice-consul Hansen, was opened in Tallinn"; "Embassy of China was established in Oslo"
_OWNED = re.compile(
    r"^(?:the\s+|an?\s+)?(?P<type>honorary\s+consulate|consulate[-\s]general|consulate|embassy|"
    r"high\s+commission|trade\s+office|liaison\s+office|representative\s+office)\s+of\s+"
    r"(?:the\s+)?(?P<owner>[A-Z][\w.'’ -]*?)(?:\s*,[^,]*,)?\s+(?:was|were|has\s+been|had\s+been)\s+"
    r"(?:\w+ly\s+)?(?P<verb>established|opened|set\s+up|re-?opened|closed|suspended)\s+"
    r"(?P<rest>(?:in|at)\s+.+)$", re.IGNORECASE)
# a later dated clause of the same sentence: "In 1992, X was established in A, in 1995, Y ..."
_DATED_CLAUSE = re.compile(r",\s+(?=(?:and\s+)?(?:in|on)\s+[^,]*\d{4},\s)")
# "... set up embassies in Oslo and Athens respectively": each post with its city, in order
_RESPECTIVELY = re.compile(
    r"^(?P<actors>.*?)\b(?:have|has|maintain|opened|set\s+up|established)\s+"
    r"(?:their\s+|respective\s+)*(?P<type>embassies|consulates[-\s]general|consulates|"
    r"honorary\s+consulates|high\s+commissions)\s+(?P<places>(?:in|at)\s+.+?),?\s+"
    r"respectively\b", re.IGNORECASE)
_BOTH = re.compile(r"\b(?:both\s+(?:countries|nations|states|sides)|the\s+two\s+(?:countries|"
                   r"nations|states))\b", re.IGNORECASE)


@dataclass
class PostMention:
    """A post as a statement words it, before its city is placed in a country."""

    post_type: str
    count: int | None
    cities: list[str]
    country: str | None  # explicit country of the cities ("Brasília, Brazil")
    address: str = ""


@dataclass
class MissionStatement:
    actor: str  # ISO3 of the sending country
    target: str | None  # ISO3 the posts serve when the statement says so (accredited/represented)
    posts: list[PostMention]
    status: str = "open"
    status_year: int | None = None
    negative: bool = False


def _capitalised_end(text: str, start: int) -> int | None:
    """End of a run of capitalised words at ``start``, small joining words between them."""
    end = None
    pos = start
    while True:
        m = _WORD.match(text, pos)
        if not m:
            break
        if m.group()[0].isupper():
            end = m.end()
        elif not (end and m.group() in _JOINING):
            break
        if text[m.end():m.end() + 1] != " ":
            break
        pos = m.end() + 1
    return end


def _place_end(text: str, start: int) -> int | None:
    """End of the place named at ``start``: the longest GeoNames city or country name there
    (``places.known_place_end``), or its capitalised words when they run further (a place the
    gazetteer lacks, "the San Isidro District"); a leading "the" is part of it."""
    the = re.match(r"the\s+", text[start:])
    at = start + the.end() if the else start
    ends = [e for e in (places.known_place_end(text, at), _capitalised_end(text, at)) if e]
    return max(ends) if ends else None


def _scan_places(text: str) -> tuple[list[str], str, int] | None:
    """'in Córdoba, La Plata and Mendoza (Argentina)': the places as written, the words in
    parentheses after them, and where the list ends; None when no place follows in/at."""
    m = _OPENING.match(text)
    if not m:
        return None
    items, pos = [], m.end()
    while (end := _place_end(text, pos)) is not None:
        initials = _INITIALS.match(text, end)
        end = initials.end() if initials else end
        items.append(text[pos:end])
        pos = end
        sep = _SEPARATOR.match(text, end)
        if not sep or _place_end(text, sep.end()) is None:
            break
        pos = sep.end()
    if not items:
        return None
    paren = _PAREN.match(text, pos)
    return items, paren.group("paren") if paren else "", paren.end() if paren else pos


def _place_list(text: str) -> tuple[list[str], str | None, str]:
    """'in Córdoba, La Plata and Mendoza' -> cities, explicit country, the rest of the text."""
    text = text.strip()
    scanned = _scan_places(text)
    if not scanned:
        return [], None, text
    items, paren, end = scanned
    kept = []
    for item in items:
        if item.lower().startswith("the ") and not re.search(r"District|Region|Province$", item):
            if places.country_of(item):
                kept.append(item)
            break  # "the USAID building": the list of places has ended
        kept.append(item)
    country = None
    if paren and places.country_of(paren):
        country = places.country_of(paren)
    elif len(kept) >= 2 and places.country_of(kept[-1]):
        country = places.country_of(kept.pop())
    elif len(kept) == 1 and places.country_of(kept[0]) and not places.city_candidates(kept[0]):
        country = places.country_of(kept.pop())
    return kept, country, text[end:]


def _posts(rest: str) -> list[PostMention]:
    matches = list(_POST.finditer(rest))
    out = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(rest)
        location = rest[m.end():end]
        cities, country, after = _place_list(location)
        address = ""
        if country and not cities and after.strip().startswith("at "):
            address = after.strip()[3:]
        raw = (m.group("count") or "").strip().lower()
        count = int(raw) if raw.isdigit() else _WORD_COUNTS.get(raw)
        out.append(PostMention(post_type_of(m.group("type")), count, cities, country, address))
    return out


def _actors(phrase: str) -> list[str]:
    """The sending countries of a post verb's subject, as ISO3.

    One country ("The U.S. Government"); a list of countries ("France, Germany, and the United
    States all"), each; the country opening a subject whose verb is coordinated with an earlier
    one ("The U.S. Government recognized Y in 1987 and [established ...]"); else the country
    written right before the verb ("Australia and Ecuador both maintain relations and Ecuador
    [maintains ...]"). None of these: no actor.
    """
    phrase = _GOVERNMENT.sub("", _QUANTIFIER.sub("", phrase.strip()))
    one = places.country_of(phrase)
    if one:
        return [one]
    items = [x for part in re.split(r"\s*,\s*(?:and\s+)?", phrase)
             for x in ([part] if places.country_of(part) else re.split(r"\s+and\s+", part))]
    listed = [places.country_of(x) for x in items if x]
    if len(listed) > 1 and all(listed):
        return list(dict.fromkeys(listed))
    named = places.find_countries(phrase)
    if not named:
        return []
    if phrase.endswith(" and") and re.fullmatch(r"(?:The\s+)?", phrase[:named[0].start]):
        opening = phrase[named[0].start:]
        rest = opening[named[0].end - named[0].start:]
        if re.match(r"\s+(?i:government)\b|\s+[a-z]", rest):
            return [named[0].iso3]
    if named[-1].end == len(phrase):
        return [named[-1].iso3]
    return []


def _own_clause(rest: str) -> str | None:
    """The clause of the post when a later clause names its own sending country before its
    own verb ("... and Sweden has an embassy in Riga"): from that country on, else None."""
    post = _POST.search(rest)
    for mention in reversed(places.find_countries(rest[:post.start()] if post else rest)):
        after = rest[mention.end:]
        if re.match(r"\s+(?:also\s+)?(?:has|have|maintains|re-?opened|opened|closed|suspended|"
                    rf"{_FOUNDED})\b", after) and re.search(
                        r"(?:\band|[,;])\s+(?:the\s+)?$", rest[:mention.start]):
            return rest[mention.start:]
    return None


def parse_respectively(text: str) -> tuple[list[str] | None, str, list[str]] | None:
    """Posts paired with their cities by "respectively": (the sending countries in order, or
    None when the sentence says "both countries"; the post type; the cities in order), or None.

    >>> parse_respectively("Norway and Greece opened embassies in Athens and Oslo respectively.")
    (['NOR', 'GRC'], 'embassy', ['Athens', 'Oslo'])
    """
    m = _RESPECTIVELY.search(text)
    if not m:
        return None
    cities, _country, _rest = _place_list(m.group("places"))
    if len(cities) < 2:
        return None
    kind = post_type_of(m.group("type"))
    if _BOTH.search(m.group("actors")):
        return None if len(cities) != 2 else (None, kind, cities)
    named = list(dict.fromkeys(c.iso3 for c in places.find_countries(m.group("actors"))))
    return (named, kind, cities) if len(named) == len(cities) else None


def parse_missions(text: str) -> list[MissionStatement]:
    """Read a statement about diplomatic posts: one ``MissionStatement`` per sending country
    ("France and Germany have embassies in Tbilisi" gives two), none when it states no post.

    Each dated clause is read alone ("In 1992, the Embassy of China was established in Oslo,
    in 1995, the Embassy of Norway was established in Beijing" gives two posts).
    """
    clauses = _DATED_CLAUSE.split(text.rstrip(". "))
    if len(clauses) > 1:
        found = [ms for clause in clauses for ms in parse_missions(clause)]
        if found:
            return found
    found = parse_mission(text)
    if found is None or found.negative or found.target is not None:
        return [found] if found else []
    m = _HAS.match(_LEADING_DATE.sub("", text.rstrip(". ")))
    own = _own_clause(m.group("rest")) if m else None
    if own is not None:
        m = _HAS.match(own)
    actors = _actors(m.group("actor")) if m else [found.actor]
    return [found] + [MissionStatement(a, None, found.posts, found.status, found.status_year)
                      for a in actors if a != found.actor]


def parse_mission(text: str) -> MissionStatement | None:
    """Read a statement about diplomatic posts, or return None if it states none; of several
    sending countries, the first (``parse_missions`` gives each).

    >>> parse_mission("Ghana is accredited to Peru from its embassy in Brasília, Brazil.").target
    'PER'
    """
    sentence = _LEADING_DATE.sub("", text.rstrip(". "))
    if _NEGATIVE.search(sentence):
        actor = places.country_of(sentence.split(" does not")[0])
        return MissionStatement(actor, None, [], negative=True) if actor else None
    m = _ACCREDITED.match(sentence)
    if m:
        actor, target = places.country_of(m.group("actor")), places.country_of(m.group("target"))
        posts = _posts(m.group("rest"))
        if actor and target and posts:
            return MissionStatement(actor, target, posts)
        return None
    m = _OWNED.match(sentence)
    if m:
        actor = places.country_of(m.group("owner"))
        posts = _posts(m.group("type") + " " + m.group("rest"))
        verb = re.sub(r"\s+", " ", m.group("verb").lower())
        dates = find_dates(text)
        year = dates[-1].year if dates and verb in _STATUS_OF else None
        return MissionStatement(actor, None, posts, _STATUS_OF.get(verb, "open"),
                                year) if actor and posts else None
    m = _THERE_IS.match(sentence)
    if m:
        posts = _posts(m.group("rest"))
        # "There is a U.S. Consular Agency in Cuzco": the owner is written before the post type
        owner = re.match(r"^(?:an?\s+)?(?P<owner>[A-Z][\w.]*(?:\s[A-Z][\w.]*)*?)\s+"
                         r"(?i:honorary\s+|consul|embass)", m.group("rest"))
        actor = places.country_of(owner.group("owner")) if owner else None
        return MissionStatement(actor, None, posts) if actor and posts else None
    m = _HAS.match(sentence)
    if not m or not _POST.search(m.group("rest")):
        return None
    own = _own_clause(m.group("rest"))
    if own is not None:  # "X has close ties and Y has an embassy in ...": Y's post
        return parse_mission(own)
    actors = _actors(m.group("actor"))
    if not actors:
        return None
    actor = actors[0]
    posts = _posts(m.group("rest"))
    if not posts:
        return None
    verb = re.sub(r"\s+", " ", m.group("verb"))
    status = _STATUS_OF.get(verb, "open")
    year = None
    if verb in _STATUS_OF:
        dates = find_dates(text)
        year = dates[-1].year if dates else None
    return MissionStatement(actor, None, posts, status, year)
