"""Statements to records: posts, events, memberships and figures, and each row's partner.

Each ``parse_*`` function reads one statement and returns what it states. ``extract`` runs them
over whole documents, identifies every table row's partner from its own text (never from
outside knowledge: a row that names no country gets candidates, not a guess), resolves
ambiguous cities from the statement's context, and records every choice it made.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from helpers import places
from helpers.dates import Date, find_dates, parse_date
from helpers.paths import REFERENCE
from helpers.sources import Subject
from helpers.statements import Document, Statement, TableRow

# --------------------------------------------------------------------------- posts

_POST = re.compile(
    r"(?P<count>\b(?:an?|\d+|two|three|four|five|six)\s+)?"
    r"(?P<type>honorary\s+consulates?|consulates?[-\s]general|general\s+consulates?|"
    r"consular\s+agency|embass(?:y|ies)|consulates?)\b",
    re.IGNORECASE,
)
_WORD_COUNTS = {"a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_PLACE = r"(?:the\s+)?[A-ZÀ-Ý][\w'’.-]*(?:\s(?:[A-ZÀ-Ý][\w'’.-]*|de|la|del|do|da))*"
_PLACES = re.compile(
    rf"^\(?\s*(?:in|at)\s+(?P<list>{_PLACE}(?:\s*,\s*(?:and\s+)?{_PLACE})*(?:,?\s+and\s+{_PLACE})?)"
    r"(?:\s*\((?P<paren>[^)]+)\))?"
)
_ACCREDITED = re.compile(
    r"^(?P<actor>.+?)\s+(?:is|are)\s+(?:accredited|represented)\s+(?:to|in)\s+(?P<target>[^,]+?),?"
    r"\s+(?:from|through)\s+(?P<rest>.+)$"
)
_HAS = re.compile(r"^(?P<actor>.+?)\s+(?P<verb>has|have|maintains|opened|closed)\s+(?P<rest>.+)$")
_THERE_IS = re.compile(r"^There\s+(?:is|are)\s+(?P<rest>.+)$")
_NEGATIVE = re.compile(r"\bdoes not have an? (?:accreditation|embassy|mission)\b")
_LEADING_DATE = re.compile(r"^(?:In|On|Since)\s+[^,]*\d{4},\s*")


def post_type(words: str) -> str:
    w = words.lower()
    if "honorary" in w:
        return "honorary-consulate"
    if "agency" in w:
        return "consular-agency"
    if "general" in w:
        return "consulate-general"
    if "embass" in w:
        return "embassy"
    return "consulate"


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


def _place_list(text: str) -> tuple[list[str], str | None, str]:
    """'in Córdoba, La Plata and Mendoza' -> cities, explicit country, the rest of the text."""
    m = _PLACES.match(text.strip())
    if not m:
        return [], None, text
    items = [x.strip() for x in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", m.group("list"))]
    kept = []
    for item in items:
        if item.lower().startswith("the ") and not re.search(r"District|Region|Province$", item):
            if places.country_of(item):
                kept.append(item)
            break  # "the USAID building": the list of places has ended
        kept.append(item)
    country = None
    if m.group("paren") and places.country_of(m.group("paren")):
        country = places.country_of(m.group("paren"))
    elif len(kept) >= 2 and places.country_of(kept[-1]):
        country = places.country_of(kept.pop())
    elif len(kept) == 1 and places.country_of(kept[0]) and not places.city_candidates(kept[0]):
        country = places.country_of(kept.pop())
    return kept, country, text.strip()[m.end():]


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
        out.append(PostMention(post_type(m.group("type")), count, cities, country, address))
    return out


def parse_mission(text: str) -> MissionStatement | None:
    """Read a statement about diplomatic posts, or return None if it states none.

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
    actor = places.country_of(m.group("actor"))
    if not actor:
        return None
    posts = _posts(m.group("rest"))
    if not posts:
        return None
    verb = m.group("verb")
    status = "closed" if verb == "closed" else "open"
    year = None
    if verb in ("opened", "closed"):
        dates = find_dates(text)
        year = dates[-1].year if dates else None
    return MissionStatement(actor, None, posts, status, year)


# --------------------------------------------------------------------------- events

_KINDS = [
    (r"establish\w*\s+(?:of\s+)?(?:diplomatic\s+)?relations|establishment of diplomatic "
     r"relations|relations began|\brelations\b[^.]{0,60}?\b(?:was|were)\s+established\b",
     "relations-established"),
    (r"\brenewed\b", "relations-renewed"),
    (r"\brecogni[sz]ed\b[^.]*?\bby the appointment of\b|\brecogni(?:[sz]ed|tion)\b",
     "recognition"),
    (r"\b(?:raised|elevat\w*|upgraded)\b[^.]{0,40}?\bembassy\b", "mission-upgraded"),
    (r"\bestablish\w*\s+of\s+(?:the\s+)?(?:[A-Z]\w+\s+)?(?:legation|embassy)\b",
     "mission-opened"),
    (r"\b(?:agreements?|accords?|treaty|treaties|declaration)\b", "agreement"),
    (r"\bopened\b", "mission-opened"),
    (r"\bclosed\b", "mission-closed"),
    (r"\bvisit\b", "visit"),
    (r"\bmembers?\b", "membership"),
    (r"\b(?:war|law|decree|re-election|election|government|inauguration|announced|served|"
     r"independence)\b",
     "other"),
]
_KIND_RES = [(re.compile(p, re.IGNORECASE), k) for p, k in _KINDS]
_NEAR = 80  # characters: a keyword further from the date than this does not classify it


@dataclass
class Event:
    date: Date
    kind: str
    end: Date | None = None


def classify(text: str, date: Date) -> str:
    """The kind of event a date marks: the nearest kind keyword within reach, else 'other'."""
    best = (_NEAR + 1, "other")
    for rx, kind in _KIND_RES:
        for m in rx.finditer(text):
            if m.end() <= date.start:
                distance = date.start - m.end()
            elif m.start() >= date.end:
                distance = m.start() - date.end
            else:
                distance = 0
            if distance < best[0]:
                best = (distance, kind)
    return best[1]


def parse_events(text: str, consumed: list[tuple[int, int]] = ()) -> list[Event]:
    """Every dated event in a statement; dates inside figures ("$9.1 billion in 2009") excluded."""
    events: list[Event] = []
    for d in find_dates(text):
        if any(s <= d.start < e for s, e in consumed):
            continue
        between = text[events[-1].date.end:d.start] if events else ""
        if events and re.fullmatch(r"\s*(?:to|until|till|through|-|–)\s*", between) or (
            events and re.search(r"\b(?:until|till)\s+$", text[:d.start])
        ):
            events[-1].end = d
            continue
        events.append(Event(d, classify(text, d)))
    return events


# --------------------------------------------------------------------------- memberships

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


# --------------------------------------------------------------------------- figures

_NUM = r"\d[\d,]*(?:\.\d+)?"
_QUALIFIERS = {
    "more than": "more-than", "over": "more-than", "exceeds": "more-than",
    "at least": "at-least", "around": "approximate", "about": "approximate",
    "nearly": "approximate", "approximately": "approximate", "almost": "approximate",
}
_Q = r"(?:(?P<q>more than|over|exceeds|at least|around|about|nearly|approximately|almost)\s+)?"
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_UNITS = {"km²": ("km2", 1), "km2": ("km2", 1), "km": ("km", 1), "%": ("percent", 1),
          "percent": ("percent", 1), "megawatts": ("W", 1e6), "MW": ("W", 1e6),
          "people": ("persons", 1), "countries": ("countries", 1)}
_MONEY = re.compile(_Q + rf"\$(?P<n>{_NUM})\s*(?P<scale>thousand|million|billion|trillion)?")
_RANGE = re.compile(rf"between (?P<a>{_NUM}) and (?P<b>{_NUM})\s+(?P<unit>megawatts|MW|km|people|"
                    r"percent|%)")
_QUANTITY = re.compile(_Q + rf"(?P<n>{_NUM})\s*(?P<unit>km²|km2|km\b|%|percent\b|megawatts\b|"
                       r"people\b|countries\b|per year\b)")
_MULTIPLE = re.compile(r"(?P<q>more than\s+)?(?P<w>doubled|tripled|quadrupled)")
_YEAR_AFTER = re.compile(r"^\s*(?:in|at the end of|by)\s+(?P<y>1[5-9]\d\d|20\d\d)\b")


@dataclass
class Figure:
    value: float
    unit: str
    qualifier: str
    start: int
    end: int
    year: int | None = None
    period: str = ""


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def parse_figures(text: str, source_year: int | None = None) -> list[Figure]:
    """Every quantity in a statement, in base units, with its qualifier and year or period."""
    found: list[Figure] = []

    def free(s, e):
        return not any(f.start < e and s < f.end for f in found)

    for m in _RANGE.finditer(text):
        unit, factor = _UNITS[m.group("unit")]
        for key, q in (("a", "range-min"), ("b", "range-max")):
            found.append(Figure(_number(m.group(key)) * factor, unit, q, m.start(), m.end()))
    for m in _MONEY.finditer(text):
        if free(m.start(), m.end()):
            value = _number(m.group("n")) * _SCALE.get(m.group("scale") or "", 1)
            q = _QUALIFIERS.get(m.group("q") or "", "exact")
            found.append(Figure(value, "USD", q, m.start(), m.end()))
    for m in _QUANTITY.finditer(text):
        if not free(m.start(), m.end()):
            continue
        unit_word = m.group("unit")
        if unit_word == "per year":
            people = re.search(r"visitors|people|citizens|tourists", text)
            unit, factor = ("persons per year" if people else "per year"), 1
        else:
            unit, factor = _UNITS[unit_word]
        q = _QUALIFIERS.get(m.group("q") or "", "exact")
        found.append(Figure(_number(m.group("n")) * factor, unit, q, m.start(), m.end()))
    for m in _MULTIPLE.finditer(text):
        value = {"doubled": 2, "tripled": 3, "quadrupled": 4}[m.group("w")]
        q = "more-than" if m.group("q") else "exact"
        found.append(Figure(float(value), "multiple", q, m.start(), m.end()))
    found.sort(key=lambda f: (f.start, f.qualifier))
    # years and periods
    dates = find_dates(text)
    for f in found:
        m = _YEAR_AFTER.match(text[f.end:])
        if m:
            f.year = int(m.group("y"))
            f.end += m.end()
    for f in found:
        if f.year is not None:
            continue
        own = [x.year for x in found if x.year is not None]
        if f.unit == "multiple" and len(own) >= 2:
            f.period = f"{min(own)}/{max(own)}"
        elif re.search(r"\blast five years\b", text) and f.unit == "percent" and source_year:
            f.period = f"{source_year - 5}/{source_year}"
        elif re.search(r"\bnow\b", text[:f.start]) and source_year:
            f.year = source_year
        else:
            free_dates = [d for d in dates if all(not (x.start <= d.start < x.end) for x in found)]
            if len(free_dates) == 1:
                f.year = free_dates[0].year
            elif len(free_dates) == 2:
                f.period = f"{free_dates[0].iso}/{free_dates[1].iso}"
            elif len(set(own)) == 1 and f.unit != "multiple":
                f.year = own[0]  # "by 24% to 387 km² at the end of 1999": one date for both
    return found


@dataclass(frozen=True)
class Indicator:
    pattern: re.Pattern
    unit: str
    indicator: str
    label: str


def indicators() -> list[Indicator]:
    with open(REFERENCE / "indicators.csv", encoding="utf-8", newline="") as fh:
        return [Indicator(re.compile(re.escape(r["pattern"]), re.IGNORECASE), r["unit"],
                          r["indicator"], r["label"]) for r in csv.DictReader(fh)]


def name_indicator(text: str, figure: Figure, lexicon: list[Indicator],
                   window_end: int | None = None) -> tuple[str, str]:
    """Indicator id and label for a figure, from the lexicon entries of the figure's unit.

    The words right after the number ("$4 million to support ... demining") decide first, in
    lexicon order; otherwise the entry nearest to the number.
    """
    entries = [ind for ind in lexicon if ind.unit == figure.unit]
    after = text[figure.start:window_end]
    for ind in entries:
        if ind.pattern.search(after):
            return ind.indicator, ind.label
    best = None
    for ind in entries:
        for m in ind.pattern.finditer(text):
            distance = abs(m.start() - figure.start)
            if best is None or distance < best[0]:
                best = (distance, ind)
    if best:
        return best[1].indicator, best[1].label
    slug = re.sub(r"\W+", "_", figure.unit).strip("_")
    return f"unclassified_{slug}", f"Unclassified figure ({figure.unit})"


# --------------------------------------------------------------------------- unparsed reasons

_REASONS = [
    (r"\bMinistry\b|\(in [\w ]+ only\)|^(?:Consulate|Embassy) of\b|list of bilateral treaties",
     "link to a ministry or embassy page"),
    (r"^More information\b|\bare listed in\b", "pointer to other publications"),
    (r"\bplanning\b", "a plan, not an event, post or membership"),
]


def unparsed_reason(statement: Statement, negative: bool = False) -> str:
    if negative:
        return "states that there is no post or accreditation (nothing to record as a post)"
    if statement.kind == "heading":
        return "heading without a date (a section title or a figure caption)"
    if statement.kind == "list-item":
        if statement.section == "See also":
            return "see-also link to another article"
        return "entry of a list of links"
    for pattern, reason in _REASONS:
        if re.search(pattern, statement.text):
            return reason
    return "narrative without a dated event, post, membership or figure"


# --------------------------------------------------------------------------- the run


@dataclass
class Result:
    tables: dict[str, list[dict]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


class _Run:
    """One extraction over a set of documents: shared state for the passes below."""

    def __init__(self, subject: Subject, source_years: dict[str, int]):
        self.subject = subject
        self.source_years = source_years
        self.orgs = organizations()
        self.lexicon = indicators()
        self.rows: dict[str, list[dict]] = {k: [] for k in (
            "relations", "missions", "events", "memberships", "figures", "statements",
            "unparsed", "decisions")}
        self.fed: dict[tuple, set[str]] = {}
        self.negative: set[tuple] = set()
        self._decided: set[tuple] = set()

    # -- helpers
    def decide(self, kind, subject, decision, alternatives, rule, source, line):
        key = (kind, subject, source, line)
        if key in self._decided:
            return
        self._decided.add(key)
        self.rows["decisions"].append(dict(
            kind=kind, subject=subject, decision=decision, alternatives=alternatives, rule=rule,
            source=source, line=str(line)))

    def feed(self, st: Statement, table: str):
        self.fed.setdefault((st.source, st.line, st.sentence), set()).add(table)

    # -- cities
    def place(self, name: str, explicit: str | None, context: list[tuple[str, str]],
              st: Statement, record: bool = True) -> tuple[str, str]:
        """(canonical city, ISO3) for a city as written, using the statement's context.

        ``context`` lists (ISO3, why it is relevant) in order of preference. With ``record``
        every choice goes to decisions.csv; without, the same choice is made silently (the
        first pass over a row, before its partner is known).
        """
        decide = self.decide if record else (lambda *args: None)
        written = re.sub(r"^the\s+|\s+(?:District|Region|Province)$", "", name)
        candidates = places.city_candidates(written)
        listed = "; ".join(f"{c.name} ({c.iso3})" for c in candidates)
        if explicit:
            inside = [c for c in candidates if c.iso3 == explicit]
            if not inside:
                decide("ambiguous-city", name, f"{name} ({explicit})", listed,
                       "the statement names the country; GeoNames has no such city there",
                       st.source, st.line)
                return written, explicit
            chosen, rule = inside[0], "the statement names the country"
        elif len(candidates) == 1:
            chosen, rule = candidates[0], ""
        elif not candidates:
            decide("ambiguous-city", name, f"{name} (country unknown)", "",
                   "not found in GeoNames", st.source, st.line)
            return written, ""
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
                decide("ambiguous-city", name, "left unresolved", listed,
                       "several cities fit and nothing in the context decides",
                       st.source, st.line)
                return written, ""
        if len(candidates) > 1:
            decide("ambiguous-city", name, f"{chosen.name} ({chosen.iso3})",
                   "; ".join(f"{c.name} ({c.iso3})" for c in candidates if c != chosen),
                   rule, st.source, st.line)
        if places.fold(chosen.name) != places.fold(written):
            decide("alias", name, chosen.name, "", "GeoNames alternate name", st.source,
                   st.line)
        if chosen.territory:
            decide("territory", name, chosen.iso3, chosen.territory, "sovereignty.csv: a "
                   "territory's posts serve its sovereign", st.source, st.line)
        return chosen.name, chosen.iso3

    def missions_of(self, st: Statement, ms: MissionStatement, partner: str | None,
                    final: bool) -> list[dict]:
        """Mission rows of a statement. ``final`` places ambiguous cities using the partner."""
        subject = self.subject.iso3
        context: list[str] = []
        out = []
        for post in ms.posts:
            if post.count and post.cities and post.count != len(post.cities) and final:
                self.decide("count-check", st.text,
                            f"{len(post.cities)} rows, one per city",
                            f"the statement counts {post.count}",
                            "lists expand to one row per city named", st.source, st.line)
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
                city, city_iso3 = self.place(written, post.country, ctx, st, record=final)
                if city_iso3:
                    context.append(city_iso3)
                accredited = ms.target or city_iso3
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
                    partner_iso3=counterpart, direction=direction, city=city,
                    city_as_written=written, city_iso3=city_iso3, post_type=post.post_type,
                    resident="true" if city_iso3 == accredited else "false",
                    status=ms.status, status_year=str(ms.status_year or ""),
                    source=st.source, line=str(st.line), text=st.text))
        return out

    # -- partners
    def row_partner(self, row: TableRow, region_rows: list[TableRow],
                    known: dict[int, str] | None) -> dict:
        """Identify a table row's partner from its own statements (see module docstring)."""
        subject = self.subject.iso3
        strong: dict[str, list[str]] = {}
        mentions: dict[str, int] = {}
        for st in row.statements:
            if st.kind == "see-link":
                for name in re.split(r"[–—-]", st.text.removeprefix("See ").removesuffix(
                        " relations")):
                    iso3 = places.country_of(name)
                    if iso3 and iso3 != subject:
                        strong.setdefault(iso3, []).append(f'"{st.text}"')
                continue
            ms = parse_mission(st.text)
            if ms and ms.actor:
                if ms.negative:
                    if ms.actor != subject:
                        strong.setdefault(ms.actor, []).append(f'"{st.text}"')
                    continue
                for m in self.missions_of(st, ms, None, final=False):
                    evidence = f'"{st.text}"'
                    if m["partner_iso3"] not in {x.iso3 for x in places.find_countries(st.text)}:
                        evidence += f" ({m['city']} is in {places.name_of(m['partner_iso3'])})"
                    strong.setdefault(m["partner_iso3"], []).append(evidence)
                continue
            rec = re.search(r"\brecogni[sz]ed\s+(?P<x>[A-Z][\w ]+?)\s+(?:on|in)\b", st.text)
            if rec and places.country_of(rec.group("x")):
                strong.setdefault(places.country_of(rec.group("x")), []).append(f'"{st.text}"')
                continue
            for mention in places.find_countries(st.text):
                if mention.iso3 != subject:
                    mentions[mention.iso3] = mentions.get(mention.iso3, 0) + 1
        text = " ".join(st.text for st in row.statements)
        named = {m.iso3 for m in places.find_countries(text)}
        if len(strong) == 1:
            iso3, evidence = next(iter(strong.items()))
            if iso3 in named:
                return dict(iso3=iso3, resolution="stated", reason="; ".join(evidence[:2]))
            self.decide("inferred-partner", row.statements[0].text, iso3, "",
                        "; ".join(evidence), row.source, row.line)
            return dict(iso3=iso3, resolution="inferred", candidates=iso3,
                        reason="; ".join(evidence))
        if len(strong) > 1:
            cands = sorted(strong)
            self.decide("unresolved-partner", row.statements[0].text, "unresolved",
                        ";".join(cands), "the row's posts and links point at several countries",
                        row.source, row.line)
            return dict(iso3="", resolution="unresolved", candidates=";".join(cands),
                        reason="conflicting evidence: " + "; ".join(
                            f"{k}: {v[0]}" for k, v in sorted(strong.items())))
        if mentions:
            ranked = sorted(mentions.items(), key=lambda kv: (-kv[1], kv[0]))
            if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
                iso3, n = ranked[0]
                others = ", ".join(f"{places.name_of(k)} ({v}×)" for k, v in ranked[1:])
                if others:
                    self.decide("partner-choice", row.statements[0].text, iso3, others,
                                f"named most often in the row ({n}×)", row.source, row.line)
                reason = f"named {n}× in the row's notes" + (f"; also names {others}"
                                                               if others else "")
                return dict(iso3=iso3, resolution="stated", reason=reason)
        if known is None:  # first pass: neighbours are not all known yet
            return dict(iso3="", resolution="pending")
        return self.bounded_candidates(row, region_rows, known)

    def bounded_candidates(self, row: TableRow, region_rows: list[TableRow],
                           known: dict[int, str]) -> dict:
        """Rows are alphabetical within a region: the neighbours bound the missing name."""
        i = region_rows.index(row)
        before = next((known[r.line] for r in reversed(region_rows[:i]) if known.get(r.line)), "")
        after = next((known[r.line] for r in region_rows[i + 1:] if known.get(r.line)), "")
        taken = set(known.values())
        lo = places.fold(places.name_of(before)) if before else ""
        hi = places.fold(places.name_of(after)) if after else "~"
        pool = [c for c in places.states_in_region(row.region)
                if lo < places.fold(c.name) < hi and c.iso3 not in taken
                and c.iso3 != self.subject.iso3]
        reason = (f"names no country; alphabetical position in {row.region} between "
                  f"{places.name_of(before) if before else 'the start'} and "
                  f"{places.name_of(after) if after else 'the end'}: "
                  f"{', '.join(c.name for c in pool) or 'no state'}")
        cands = [c.iso3 for c in pool]
        for st in row.statements:
            if membership_subjects(st.text) != "both":
                continue
            for name in parse_memberships(st.text):
                org = self.orgs.get(name.lower())
                if org and org.members:
                    narrowed = [c for c in cands if c in org.members]
                    if narrowed != cands:
                        reason += (f"; members of {org.name}: "
                                   f"{', '.join(places.name_of(c) for c in narrowed) or 'none'}")
                    cands = narrowed
        if len(cands) == 1:
            self.decide("inferred-partner", row.statements[0].text, cands[0], "", reason,
                        row.source, row.line)
            return dict(iso3=cands[0], resolution="inferred", candidates=cands[0],
                        reason=reason)
        self.decide("unresolved-partner", row.statements[0].text, "unresolved",
                    ";".join(sorted(cands)), reason, row.source, row.line)
        return dict(iso3="", resolution="unresolved", candidates=";".join(sorted(cands)),
                    reason=reason)

    # -- statements
    def statement(self, st: Statement, partner: str, row_line: int | None):
        """All records of one statement."""
        subject = self.subject.iso3
        row_line_s = str(row_line or "")
        ms = parse_mission(st.text)
        if ms and ms.negative:
            self.negative.add((st.source, st.line, st.sentence))
        elif ms:
            for m in self.missions_of(st, ms, partner or None, final=True):
                m["row_line"] = row_line_s
                self.rows["missions"].append(m)
                self.feed(st, "missions")
        source_year = self.source_years.get(st.source)
        figures = parse_figures(st.text, source_year)
        for i, f in enumerate(figures):
            nxt = figures[i + 1].start if i + 1 < len(figures) else None
            indicator, label = name_indicator(st.text, f, self.lexicon, nxt)
            if indicator.startswith("unclassified_"):
                self.decide("indicator", st.text[f.start:f.end],
                            indicator, "", "no entry of reference/indicators.csv matches",
                            st.source, st.line)
            self.rows["figures"].append(dict(
                indicator=indicator, label=label, partner_iso3=partner, year=str(f.year or ""),
                period=f.period, value=_fmt(f.value), unit=f.unit, qualifier=f.qualifier,
                row_line=row_line_s, source=st.source, line=str(st.line), text=st.text))
            self.feed(st, "figures")
        event_partner = partner
        for ev in parse_events(st.text, [(f.start, f.end) for f in figures]):
            self.rows["events"].append(dict(
                partner_iso3=event_partner, date=ev.date.iso, precision=ev.date.precision,
                end_date=ev.end.iso if ev.end else "", kind=ev.kind, summary=st.text,
                row_line=row_line_s, source=st.source, line=str(st.line),
                sentence=str(st.sentence)))
            self.feed(st, "events")
        who = membership_subjects(st.text)
        names = parse_memberships(st.text) if who else []
        members: list[str] = []
        if who == "both":
            members = [subject] + ([partner] if partner else [])
        elif who and places.country_of(who):
            members = [places.country_of(who)]
        for name in names:
            org = self.orgs.get(name.lower())
            if not org:
                self.decide("organization", name, name, "", "not in reference/organizations.csv;"
                            " kept as written", st.source, st.line)
            for iso3 in members:
                self.rows["memberships"].append(dict(
                    organization=org.name if org else name, acronym=org.acronym if org else "",
                    member_iso3=iso3, row_line=row_line_s, source=st.source, line=str(st.line)))
                self.feed(st, "memberships")
        if st.kind == "see-link" and partner:
            self.feed(st, "relations")


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def extract(docs: list[Document], subject: Subject, source_years: dict[str, int],
            source_partner: dict[str, str]) -> Result:
    """Run every rule over the documents and return the tables' rows (strings) and counts."""
    run = _Run(subject, source_years)
    # 1. partners of table rows, region by region, strongest evidence first
    partners: dict[tuple[str, int], dict] = {}
    for doc in docs:
        by_region: dict[str, list[TableRow]] = {}
        for row in doc.rows:
            by_region.setdefault(row.region, []).append(row)
        for region_rows in by_region.values():
            known: dict[int, str] = {}
            first = {}
            for row in region_rows:
                first[row.line] = run.row_partner(row, region_rows, None)
                if first[row.line]["resolution"] == "stated":
                    known[row.line] = first[row.line]["iso3"]
            for row in region_rows:
                if first[row.line]["resolution"] == "pending":
                    first[row.line] = run.row_partner(row, region_rows, known)
                partners[(doc.source, row.line)] = first[row.line]
        for region, line in doc.empty_rows:
            run.decide("empty-row", f"empty row in {region}", "not a relation", "",
                       "a table row with no text is counted, not kept", doc.source, line)
    # 2. records of every statement
    for doc in docs:
        row_of = {(st.source, st.line, st.sentence): st.row_line for st in doc.statements}
        for st in doc.statements:
            row_line = row_of[(st.source, st.line, st.sentence)]
            if row_line is not None:
                partner = partners[(doc.source, row_line)]["iso3"]
            else:
                partner = source_partner.get(st.source, "")
            run.statement(st, partner, row_line)
    # 3. relations, with the date relations began
    established_elsewhere = {}
    for e in run.rows["events"]:
        if e["kind"] == "relations-established" and e["row_line"] == "" and e["partner_iso3"]:
            established_elsewhere.setdefault(e["partner_iso3"], e)
    by_row: dict[tuple[str, str], list[dict]] = {}
    for e in run.rows["events"]:
        by_row.setdefault((e["source"], e["row_line"]), []).append(e)
    for doc in docs:
        for row in doc.rows:
            p = partners[(doc.source, row.line)]
            notes = by_row.get((row.source, str(row.line)), [])
            run.rows["relations"].append(_relation(run, row, p, notes, established_elsewhere))
    # 4. statements ledger
    for doc in docs:
        for st in doc.statements:
            key = (st.source, st.line, st.sentence)
            tables = sorted(run.fed.get(key, ()))
            partner = (partners[(doc.source, st.row_line)]["iso3"] if st.row_line is not None
                       else source_partner.get(st.source, ""))
            reason = "" if tables else unparsed_reason(st, key in run.negative)
            base = dict(source=st.source, line=str(st.line), sentence=str(st.sentence),
                        section=st.section, kind=st.kind, row_line=str(st.row_line or ""),
                        partner_iso3=partner, status="represented" if tables else "unparsed",
                        tables=";".join(tables), reason=reason, text=st.text)
            run.rows["statements"].append(base)
            if not tables:
                run.rows["unparsed"].append({k: base[k] for k in (
                    "source", "line", "sentence", "section", "partner_iso3", "reason", "text")})
    statements = run.rows["statements"]
    run_counts = {
        "statements read": len(statements),
        "represented": sum(s["status"] == "represented" for s in statements),
        "unparsed (listed with a reason)": sum(s["status"] == "unparsed" for s in statements),
        "table rows": len(run.rows["relations"]),
        "empty rows": sum(len(d.empty_rows) for d in docs),
        "unresolved partners": sum(r["resolution"] == "unresolved"
                                   for r in run.rows["relations"]),
        "inferred partners": sum(r["resolution"] == "inferred" for r in run.rows["relations"]),
    }
    return Result(run.rows, run_counts)


def _relation(run: _Run, row: TableRow, p: dict, notes: list[dict], elsewhere: dict) -> dict:
    """The relations row: partner, and the date relations began at its best precision.

    ``notes`` are the events the row's own statements state.
    """
    column = parse_date(row.established)
    established, source, line, caveat = column, row.source, row.line, ""
    stated = [e for e in notes if e["kind"] == "relations-established"]
    renewed = [e for e in notes if e["kind"] == "relations-renewed"]
    if stated:
        e = stated[0]
        d = Date(e["date"], e["precision"])
        if column is None or (d.year == column.year and _rank(d) > _rank(column)):
            if column is not None:
                run.decide("date-choice", row.established, d.iso, column.iso,
                           "the notes give a more precise date in the same year as the column",
                           row.source, row.line)
            established, line = d, int(e["line"])
    if renewed and column and renewed[0]["date"][:4] == column.iso[:4]:
        caveat = f"the notes say: {renewed[0]['summary']}"
        for st in row.statements:
            if re.search(r"existed before|earlier|since", st.text) and st.text not in caveat:
                caveat = f"the notes say: {st.text} {renewed[0]['summary']}"
    if established is None and p["iso3"] in elsewhere:
        e = elsewhere[p["iso3"]]
        established, source, line = Date(e["date"], e["precision"]), e["source"], int(e["line"])
        run.decide("date-choice", f"{places.name_of(p['iso3'])}: no date in the article",
                   e["date"], "", "another source states when relations began", row.source,
                   row.line)
    if column is not None and not stated and not renewed:
        run.rows["events"].append(dict(
            partner_iso3=p["iso3"], date=column.iso, precision=column.precision, end_date="",
            kind="relations-established",
            summary="Formal Relations Began: " + re.sub(r"\[\d+\]", "", row.established),
            row_line=str(row.line), source=row.source, line=str(row.line), sentence="0"))
    return dict(
        region=row.region, partner=places.name_of(p["iso3"]) if p["iso3"] else "",
        iso3=p["iso3"], resolution=p["resolution"], reason=p.get("reason", ""),
        candidates=p.get("candidates", ""),
        established=established.iso if established else "",
        established_precision=established.precision if established else "",
        established_source=source if established else "",
        established_line=str(line) if established else "",
        established_caveat=caveat, statements=str(len(row.statements)),
        source=row.source, line=str(row.line))


def _rank(d: Date) -> int:
    return {"year": 0, "month": 1, "day": 2}[d.precision]
