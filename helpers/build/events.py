"""Dated events: every date a statement gives, and what kind of event it marks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.build.dates import Date, find_dates, parse_date

# (pattern, kind): the nearest keyword to a date decides its kind; on a tie, the first listed
_KINDS = [
    (r"(?<!re-)(?<!re)establish\w*\s+(?:of\s+)?(?:diplomatic\s+)?relations|(?<!re-)"
     r"(?<!re)establishment of diplomatic relations|relations began|relations\s+(?:were|was|"
     r"have\s+been)\s+established|\brelations\b[^.]{0,60}?\b(?:was|were)\s+established\b",
     "relations-established"),
    (r"\b(?:broken(?:\s+off)?|broke\s+off|severed|sever\w*|suspended\s+(?:diplomatic\s+)?"
     r"relations|rupture\w*)\b", "relations-broken"),
    (r"\b(?:renewed|restored|re-?established|re-?establishment|resumed)\b",
     "relations-renewed"),
    (r"\brecogni[sz]ed\b[^.]*?\bby the appointment of\b|\brecogni(?:[sz]ed|tion)\b",
     "recognition"),
    (r"\b(?:raised|elevat\w*|upgraded)\b[^.]{0,40}?\bembassy\b", "mission-upgraded"),
    (r"\bestablish\w*\s+of\s+(?:the\s+)?(?:[A-Z]\w+\s+)?(?:legation|embassy)\b",
     "mission-opened"),
    (r"\b(?:agreements?|accords?|treaty|treaties|declaration)\b", "agreement"),
    (r"\bre-?opened\b", "mission-reopened"),
    (r"\bopened\b", "mission-opened"),
    (r"\bclosed\b", "mission-closed"),
    (r"\bsuspended\b", "mission-suspended"),
    (r"\bvisit\b", "visit"),
    (r"\bmembers?\b", "membership"),
    (r"\b(?:war|law|decree|re-election|election|government|inauguration|announced|served|"
     r"independence)\b", "other"),
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


def parse_date_cell(text: str) -> tuple[Date | None, list[tuple[Date, str]]]:
    """A "Formal Relations Began" cell: the date relations began, and the cell's other dates
    with their kinds ("5 May 1987, broken 9 September 1996": established 1987-05-05, then a
    ``relations-broken`` event). A cell with words but no date gives (None, [])."""
    cleaned = re.sub(r"\[\d+\]", "", text).strip()
    whole = parse_date(cleaned)
    if whole is not None or not cleaned:
        return whole, []
    dates = find_dates(cleaned)
    if not dates:
        return None, []
    first, others = dates[0], []
    for before, d in zip(dates, dates[1:], strict=False):
        words = cleaned[before.end:d.end]  # the words between the two dates decide the kind
        shifted = Date(d.iso, d.precision, d.start - before.end, d.end - before.end,
                       d.approximate)
        others.append((Date(d.iso, d.precision, approximate=d.approximate),
                       classify(words, shifted)))
    return Date(first.iso, first.precision, approximate=first.approximate), others
