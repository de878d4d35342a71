"""Decisions: every choice the extraction makes, as values the stages return (decisions.csv)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Decision:
    """One row of decisions.csv: what was decided about what, and by which rule."""

    kind: str  # one of schema.DECISION_KINDS
    subject: str
    decision: str
    alternatives: str
    rule: str
    source: str
    line: int

    def record(self) -> dict:
        return asdict(self)


def unique(decisions: Iterable[Decision]) -> list[Decision]:
    """The first decision about each (kind, subject, source, line); later repeats dropped."""
    seen: set[tuple] = set()
    out = []
    for d in decisions:
        key = (d.kind, d.subject, d.source, d.line)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
