"""Quantitative figures: numbers with units, qualifiers and years, and what they measure."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from helpers.build.dates import find_dates
from helpers.core.paths import REFERENCE

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


def trade_measures() -> dict[str, list[str]]:
    """Indicators that trade statistics also measure (indicators.csv's ``trade_flows``): the
    flows, from the subject's side, whose sum is the indicator ("export;import" for two-way
    trade in goods)."""
    with open(REFERENCE / "indicators.csv", encoding="utf-8", newline="") as fh:
        return {r["indicator"]: r["trade_flows"].split(";") for r in csv.DictReader(fh)
                if r.get("trade_flows")}


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
