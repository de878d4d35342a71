"""Dated events: every date a statement gives, and what kind of event it marks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.dates import Date, find_dates

_KINDS = [
    (r"establish\w*\s+(?:of\s+)?(?:diplomatic\s+)?relations|establishment of diplomatic "
     r"relations|relations began", "relations-established"),
    (r"\brenewed\b", "relations-renewed"),
    (r"\brecogni[sz]ed\b", "recognition"),
    (r"\b(?:agreements?|accords?|treaty|treaties|declaration)\b", "agreement"),
    (r"\bopened\b", "mission-opened"),
    (r"\bclosed\b", "mission-closed"),
    (r"\bvisit\b", "visit"),
    (r"\bmembers?\b", "membership"),
    (r"\b(?:war|law|decree|re-election|election|government|inauguration|announced|served)\b",
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
