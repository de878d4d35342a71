"""Dated events: every date a statement gives, and what kind of event it marks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.build.dates import Date, find_dates, parse_date

# (pattern, kind): the nearest keyword to a date decides its kind; on a tie, the first listed
# relations as the articles name them: "diplomatic relations", "relation", "the relationship",
# "ties", misspellings of "diplomatic" too ("diplomatc relations")
_RELATIONS = (r"(?:diploma\w*\s+|formal\s+|official\s+|full\s+|bilateral\s+)*"
              r"(?:relations?|relationships?|ties)\b")
_KINDS = [
    (rf"(?<!re-)(?<!re)establish\w*\s+(?:of\s+)?(?:the\s+)?{_RELATIONS}|"
     r"\brelations?\s+(?:started|since)\b|(?<!re-)"
     rf"(?<!re)establishment of {_RELATIONS}|relations began|"
     r"\b(?:relations?|relationships?)\b[^.]{0,60}?\b(?:was|were|have\s+been|has\s+been)\s+"
     r"(?:\w+ly\s+)?established\b",
     "relations-established"),
    # "interrupted" breaks relations only in a sentence about relations ("the relationship was
    # established in 1908, only interrupted between 1942 and 1954"), not rail traffic
    (r"\binterrupt\w*", "interrupted"),
    (r"\b(?:broken(?:\s+off)?|broke\s+off|broke\s+(?:its\s+|their\s+)?(?:diplomatic\s+)?"
     r"(?:relations|ties)|severed|sever\w*|suspend\w*\s+(?:its\s+|their\s+)?"
     r"(?:diplomatic\s+)?relations|rupture\w*)\b", "relations-broken"),
    (r"\b(?:renewed|restored|re-?established|re-?establishment|resumed)\b",
     "relations-renewed"),
    # gaining independence is no relation begun ("gained its independence on 24 February 1918
    # and established diplomatic relations with many countries"); a thing not recognised is
    # no recognition; opening airspace or borders opens no post; restarting a body is no
    # agreement of its own
    (r"\b(?:gained|regained|declared|proclaimed)\s+(?:its\s+|their\s+)?independence\b|"
     r"\bnot\s+(?:\w+\s+)?recogni[sz]ed\b|\bopened\s+(?:its|their|the)\s+(?:airspace|borders?|"
     r"markets?|ports?)\b|\bopened\s+up\b|\brestarted\b|\bhosted\b", "other"),
    # recognising a genocide or a claim is not recognising a state
    (r"\brecogni[sz]e[sd]?\s+the\s+(?:[A-Z]\w+\s+)*(?:Genocide|genocide|claims?)\b", "other"),
    (r"\brecogni[sz]ed\b[^.]*?\bby the appointment of\b|\brecogni(?:[sz]e[sd]?|tion)\b",
     "recognition"),
    (r"\b(?:raised|elevat\w*|upgraded)\b[^.]{0,40}?\bembassy\b", "mission-upgraded"),
    # a post as the subject of its opening ("Embassy of X was established in Y", "a legation
    # established in 1950"): the post was opened
    (r"\b(?:legations?|embass(?:y|ies)|consulates?(?:[-\s]general)?)\b(?:(?!relations)[^.;]){0,50}?"
     r"\b(?:was\s+|were\s+|had\s+been\s+|has\s+been\s+)?(?:\w+ly\s+)?"
     r"(?<!re-)(?:established|opened|set\s+up)\b", "mission-opened"),
    (r"\bestablish\w*\s+of\s+(?:the\s+)?(?:[A-Z]\w+\s+)?(?:legation|embassy)\b|"
     r"\bestablish\w*\s+(?:its|their|an?|the)\s+(?:first\s+)?(?:legation|embassy)\b",
     "mission-opened"),
    (r"\b(?:agreements?|accords?|treaty|treaties|declaration|communiqu[eé]s?)\b", "agreement"),
    (r"\bre-?opened\b", "mission-reopened"),
    (r"\bopened\b", "mission-opened"),
    (r"\bclosed\b", "mission-closed"),
    # a suspension is a post's only when a post is named ("suspended from the Commonwealth"
    # is not)
    (r"\b(?:embass(?:y|ies)|consulates?|legations?|missions?)\b[^.;]{0,40}?\bsuspended\b|"
     r"\bsuspended\b[^.;]{0,40}?\b(?:embass|consul|legation|mission)",
     "mission-suspended"),
    (r"\b(?:visit|visited|travell?ed\s+to)\b", "visit"),
    # joining countries in an action ("joined the United States ... in urging") is no membership
    (r"\bjoined\b(?![^.;]*?\bin\s+\w+ing\b)|\bbecame\s+(?:a\s+)?(?:full\s+)?member|"
     r"\bmembership\s+took\s+effect|\b(?:gained|obtained|acquired|attained)\s+(?:full\s+)?"
     r"membership\b|\bacceded\s+to\b|\baccession\s+(?:to|into)\b|\bmembers?\b|"
     r"\b(?:re)?admitted\s+(?:to|into)\b|\bbecame\s+the\s+\w+\s+(?:[\w-]+\s+){0,3}to\s+join\b|"
     # founding an organisation ("... established the Eurasian Economic Community in 2000")
     r"\b(?:founded|established|created|formed)\s+the\s+(?:[A-Z][\w-]*\s+){1,6}(?:Community|"
     r"Union|Organi[sz]ation|Council|Group|Association|Bank|Forum)\b",
     "membership"),
    (r"\b(?:announced|served)\b", "other"),
]
# nouns that name a circumstance, not what happened on the date: they decide only when no
# verb of the list above is within reach ("recognised the independence of Y on ..." is a
# recognition; "due to the 2008 war, X broke off relations" a break)
_NOUNS = r"\b(?:war|law|decree|re-election|election|government|inauguration|independence)\b"
_KIND_RES = [(re.compile(p, re.IGNORECASE), k) for p, k in _KINDS]
_NOUN_RE = re.compile(_NOUNS, re.IGNORECASE)
_NEAR = 80  # characters: a keyword further from the date than this does not classify it


@dataclass
class Event:
    date: Date
    kind: str
    end: Date | None = None


# verbs among the kind keywords: a verb of the date's clause outranks a noun of circumstance
_VERB = re.compile(r"\b(?:establish\w*|began|started|broke|broken|severed|suspend\w*|restored|"
                   r"renewed|re-?established|resumed|recogni[sz]e[sd]?|raised|interrupt\w*|gained|readmitted|admitted|founded|formed|created|hosted|regained|declared|proclaimed|restarted|upgraded|elevated|"
                   r"re-?opened|opened|closed|visited|travell?ed|joined|became|signed)\b",
                   re.IGNORECASE)


def classify(text: str, date: Date) -> str:
    """The kind of event a date marks, 'other' when no keyword is within reach.

    Among keywords, a verb before the date in its clause wins over the others ("recognized Y
    in January 1987 and established an embassy in June 1988"), then the nearest, then the
    first listed. A nearer noun of circumstance ("war", "independence") makes the date
    `other`, unless the winner is a verb with no other date between it and the date, and
    written before the date or after it with the noun ("recognised the independence of Y on
    ..." is a recognition; "the 1879 War of the Pacific" stays `other`; so does "after its
    independence on 21 August 1991, X became a member ...", whose verb is of the next clause).
    """
    kinds = _candidates(text, date, _KIND_RES)
    nouns = _candidates(text, date, [(_NOUN_RE, "other")])
    if not kinds:
        return "other"
    best = min(kinds, key=lambda c: (0 if c[0] == 0 and c[3] else 1, c[1]))
    if best[2] == "interrupted":
        best = (*best[:2], "relations-broken" if re.search(
            r"\b(?:relations?|relationships?|ties)\b", text, re.IGNORECASE) else "other",
            *best[3:])
    noun = min(nouns, key=lambda c: c[1], default=None)
    if noun is not None and noun[1] < best[1]:
        # a nearer noun of circumstance gives way only to a verb with no other date between,
        # written before the date, or after it when the noun also follows the date ("the 1999
        # war, X broke off"); "independence on 21 August 1991, X became a member" is `other`
        verb_wins = best[3] and best[4] and (best[5] or not noun[5])
        if not verb_wins:
            return "other"
    return best[2]


def _candidates(text: str, date: Date, patterns) -> list[tuple]:
    """(side, distance, kind, is a verb, no other date between, before the date) of each
    keyword in reach.

    A verb after the date that leads straight into a later date ("applied in 1992 and
    became a member in 1995") is that date's, not this one's: each dated clause has its own.
    """
    later = [d.start for d in find_dates(text) if d.start >= date.end]
    out = []
    for rx, kind in patterns:
        for m in rx.finditer(text):
            if m.start() >= date.end and _VERB.search(m.group()) and any(
                    m.end() <= s and not re.search(r"[,;]|\band\b", text[m.end():s])
                    and s - m.end() <= 40 for s in later):
                continue
            if m.end() <= date.start:
                between = text[m.end():date.start]
                # a keyword of an earlier clause ("... in 1987 and established") comes after
                side = 1 if re.search(r"\d{4}|;", between) else 0
                candidate = (side, date.start - m.end())
            elif m.start() >= date.end:
                between = text[date.end:m.start()]
                candidate = (1, m.start() - date.end)
            else:
                between, candidate = "", (0, 0)
            if candidate[1] > _NEAR:
                continue
            verb = bool(_VERB.search(m.group()))
            out.append((*candidate, kind, verb, not re.search(r"\d{4}", between),
                        m.end() <= date.start))
    return out


def parse_events(text: str, consumed: list[tuple[int, int]] = ()) -> list[Event]:
    """Every dated event in a statement; dates inside figures ("$9.1 billion in 2009") excluded."""
    events: list[Event] = []
    dates = find_dates(text)
    # a year that only frames a later day ("In 1991, ... on October 10, relations were
    # restored") is that day's year, not an event of its own
    frames = {d.carried_from for d in dates if d.carried_from is not None}
    for d in dates:
        if any(s <= d.start < e for s, e in consumed):
            continue
        if d.start in frames and not _VERB.search(text[d.end:_next_start(dates, d)]):
            continue
        if events and events[-1].kind == "relations-broken" and re.search(
                r"\bbetween\s+$", text[:events[-1].date.start]) and re.fullmatch(
                r"\s+and\s+", text[events[-1].date.end:d.start]):
            # "interrupted between 1942 and 1954": relations resumed at the period's end
            events.append(Event(d, "relations-renewed"))
            continue
        between = text[events[-1].date.end:d.start] if events else ""
        if events and re.fullmatch(r"\s*(?:to|until|till|through|-|–)\s*", between) or (
            events and re.search(r"\b(?:until|till)\s+$", text[:d.start])
        ):
            events[-1].end = d
            continue
        events.append(Event(d, classify(text, d)))
        events += [Event(d, k) for k in _coordinated_kinds(text, d, dates, events[-1].kind)]
    return events


def _coordinated_kinds(text: str, date: Date, dates: list[Date], kind: str) -> list[str]:
    """The kinds of further verbs coordinated with the first in a clause a leading date opens:
    "In 1998, it recognized X and broke relations with Y" is a recognition and a break."""
    clause = text[date.end:_next_start(dates, date)]
    if not re.match(r"\s*,", clause):
        return []
    found = sorted((m.start(), m.end(), k) for rx, k in _KIND_RES for m in rx.finditer(clause)
                   if k not in ("other", "interrupted") and _VERB.search(m.group()))
    verbs: list[tuple[int, int, str]] = []
    for start, end, k in found:  # one kind per verb, the first listed
        if not verbs or start >= verbs[-1][1]:
            verbs.append((start, end, k))
    if len(verbs) < 2 or verbs[0][2] != kind:
        return []
    out = []
    for (_s, end, _k), (start, _e, k) in zip(verbs, verbs[1:], strict=False):
        if not re.search(r"\band\b", clause[end:start]) or k == kind or k in out:
            break
        out.append(k)
    return out


def _next_start(dates: list[Date], date: Date) -> int:
    """Where the date after ``date`` starts (the end of the text when none follows)."""
    return next((d.start for d in dates if d.start > date.start), 10**9)


def parse_date_cell(text: str) -> tuple[Date | None, list[tuple[Date, str]]]:
    """A "Formal Relations Began" cell, read as a sequence of dated clauses: the date relations
    began, and each later date with its kind.

    A clause's own words decide its kind ("broken 9 September 1996" is ``relations-broken``);
    a date without a word of its own restores relations after a break (``relations-renewed``)
    and is ``other`` otherwise ("8 June 1989 and 5 August 2005"). Words after the last date
    ("- Joint Communique") belong to it. A cell with words but no date gives (None, []).
    """
    cleaned = re.sub(r"\[(?:\d+|[a-z]|note \d+)\]", "", text).strip()
    whole = parse_date(cleaned)
    if whole is not None or not cleaned:
        return whole, []
    dates = find_dates(cleaned)
    if not dates:
        return None, []
    first, others = dates[0], []
    previous = "relations-established"
    for i, d in enumerate(dates[1:], start=1):
        end = d.end if i + 1 < len(dates) else len(cleaned)  # trailing words: the last date's
        clause = cleaned[dates[i - 1].end:end]
        if re.fullmatch(r"\s*(?:-|–|—|to|until)\s*", cleaned[dates[i - 1].end:d.start]):
            continue  # "1991–1993": the end of a period, not an event of its own
        shifted = Date(d.iso, d.precision, d.start - dates[i - 1].end,
                       d.end - dates[i - 1].end, d.approximate)
        kind = classify(clause, shifted) if _own_words(clause, shifted) else "other"
        if kind == "other" and previous == "relations-broken" and not _own_words(
                clause, shifted):
            kind = "relations-renewed"
        others.append((Date(d.iso, d.precision, approximate=d.approximate), kind))
        previous = kind
    return Date(first.iso, first.precision, approximate=first.approximate), others


def _own_words(clause: str, date: Date) -> bool:
    """Whether a clause says something besides its date ("and", commas, dashes aside)."""
    rest = clause[:date.start] + " " + clause[date.end:]
    return bool(re.sub(r"\b(?:and|or|then)\b|[\s,;:–—()-]", "", rest))
