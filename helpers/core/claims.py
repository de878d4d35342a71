"""Claims: one statement's value for a fact, as the ``decisions`` and ``relations`` tables write it.

A claim is written ``VALUE (PRECISION) FILE:LINE``, with ``, same year`` or ``, other year``
when it is an alternative to the value chosen; the build writes them (helpers.build.reconcile)
and the notebooks read them back (:func:`parse_claims`). The format is defined here, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.core.schema import PRECISIONS

RULE = ("the most precise date in the year the most sources give (a tie goes to the year more "
        "statements give, then to the more precise date, then to the earlier year); dates in "
        "other years are kept as alternatives")
_CLAIM = re.compile(r"^(?P<value>\d{4}(?:-\d\d){0,2}) "
                    r"\((?P<precision>" + "|".join(PRECISIONS) + r")\) "
                    r"(?P<source>.+):(?P<line>\d+)(?:, (?P<agreement>same year|other year))?$")


@dataclass(frozen=True)
class Claim:
    """One statement's value for a fact: a date at its precision, with its file and line."""

    value: str
    precision: str
    source: str
    line: int
    approximate: bool = False  # "c. 1850": kept with the choice, not written in the claim

    @property
    def year(self) -> str:
        return self.value[:4]

    def __str__(self) -> str:
        return f"{self.value} ({self.precision}) {self.source}:{self.line}"


def parse_claims(text: str) -> list[dict]:
    """Read back a decision's ``decision`` or ``alternatives`` cell into claims (for notebooks)."""
    out = []
    for part in filter(None, (p.strip() for p in str(text).split(";"))):
        m = _CLAIM.match(part)
        if m:
            out.append(dict(value=m.group("value"), precision=m.group("precision"),
                            source=m.group("source"), line=int(m.group("line")),
                            agreement=m.group("agreement") or ""))
    return out
