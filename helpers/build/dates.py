"""Dates as the sources write them, parsed at their own precision (year, month or day)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], 1)}
_M = (r"(?P<{}>January|February|March|April|May|June|July|August|September|October|November|"
      r"December)")
_YEAR = r"(?P<{}>1[5-9]\d\d|20\d\d)"
_PATTERNS = [
    # 1963-01-25
    re.compile(r"(?<![\d-])(?P<y>1[5-9]\d\d|20\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d-])"),
    # 27 November 1991
    re.compile(r"(?<!\d)(?P<d>[0-3]?\d) " + _M.format("m") + " " + _YEAR.format("y") + r"(?!\d)"),
    # November 27, 1991
    re.compile(_M.format("m") + r" (?P<d>[0-3]?\d),? " + _YEAR.format("y") + r"(?!\d)"),
    # September, 30 2006: a comma misplaced after the month
    re.compile(_M.format("m") + r", (?P<d>[0-3]?\d) " + _YEAR.format("y") + r"(?!\d)"),
    # November 1999, November, 1999
    re.compile(_M.format("m") + ",? " + _YEAR.format("y") + r"(?!\d)"),
    # the 1820s: a decade, not the year 1820
    re.compile(r"(?<![\d$.,-])(?P<decade>1[5-9]\d0|20\d0)s\b"),
    # 1971 (not part of a bigger number, an amount or a street address)
    re.compile(r"(?<![\d$.,-])" + _YEAR.format("y") + r"(?!\d|,\d|\s?(?:km|%|people|percent)\b)"),
]


# a day and month without a year ("on October 10"): it takes the year written before it in the
# same sentence ("In 1991 ... on October 10, relations were restored")
_YEARLESS = [
    re.compile(_M.format("m") + r" (?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?!,?\s*\d)"),
    re.compile(r"(?<![\d,])(?P<d>[0-3]?\d)(?:st|nd|rd|th)? " + _M.format("m") + r"\b(?!,?\s*\d)"),
]

# "c. 1850", "ca. 1850", "circa 1850", "approximately 1850": the date is approximate
_APPROXIMATE = re.compile(r"(?:\bc\.|\bca\.|\bcirca|\bapprox\.|\bapproximately)\s*$",
                          re.IGNORECASE)


@dataclass(frozen=True)
class Date:
    iso: str  # "1971", "1991-11", "1963-01-25"; a decade is its first year ("1820")
    precision: str  # year | month | day | decade
    start: int = 0  # where it was found in the text
    end: int = 0
    approximate: bool = False  # "c. 1850", "circa 1850"
    carried_from: int | None = None  # where the year of a yearless day was written

    @property
    def year(self) -> int:
        return int(self.iso[:4])


def _make(m: re.Match) -> Date:
    if m.groupdict().get("decade"):
        return Date(m.group("decade"), "decade", m.start(), m.end())
    y = m.group("y")
    month = m.groupdict().get("m")
    day = m.groupdict().get("d")
    if month and not month.isdigit():
        month = f"{MONTHS[month.lower()]:02d}"
    if day:
        return Date(f"{y}-{month}-{int(day):02d}", "day", m.start(), m.end())
    if month:
        return Date(f"{y}-{month}", "month", m.start(), m.end())
    return Date(y, "year", m.start(), m.end())


def find_dates(text: str) -> list[Date]:
    """Every date in ``text``, most precise reading first at each place, in text order."""
    found: list[Date] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if _is_address_number(text, m.start()):
                continue
            date = _make(m)
            if _APPROXIMATE.search(text[:m.start()]):
                date = replace(date, approximate=True)
            found.append(date)
            taken.append((m.start(), m.end()))
    found += _carried_years(text, found, taken)
    found += _shared_years(text, found, taken)
    return sorted(found, key=lambda d: d.start)


# "in March and May 2004": the first month shares the year written after the second
_SHARED_YEAR = re.compile(_M.format("m") + r"\s+and\s+(?=" + _M.format("m2") + r",?\s+"
                          + _YEAR.format("y") + r"(?!\d))")


def _shared_years(text: str, found: list[Date], taken: list[tuple[int, int]]) -> list[Date]:
    """A month without a year before "and <month> <year>", with that year."""
    out = []
    for m in _SHARED_YEAR.finditer(text):
        end = m.start() + len(m.group("m"))
        if any(s < end and m.start() < e for s, e in taken):
            continue
        month = MONTHS[m.group("m").lower()]
        out.append(Date(f"{m.group('y')}-{month:02d}", "month", m.start(), end))
        taken.append((m.start(), end))
    return out


def _carried_years(text: str, found: list[Date], taken: list[tuple[int, int]]) -> list[Date]:
    """Days written without a year, each with the year of the nearest date before it."""
    out = []
    for pattern in _YEARLESS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            before = [d for d in found if d.end <= m.start() and d.precision != "decade"]
            if not before:
                continue
            frame = max(before, key=lambda d: d.end)
            year = frame.iso[:4]
            month = MONTHS[m.group("m").lower()]
            day = int(m.group("d"))
            if not 1 <= day <= 31:
                continue
            out.append(Date(f"{year}-{month:02d}-{day:02d}", "day", m.start(), m.end(),
                            carried_from=frame.start))
            taken.append((m.start(), m.end()))
    return out


def _is_address_number(text: str, start: int) -> bool:
    """'at 1700 Massachusetts Avenue' is a street number, not a year."""
    return bool(re.search(r"\bat\s+$", text[:start])) and bool(
        re.match(r"\d+\s+[A-Z]", text[start:]))


def parse_date(text: str) -> Date | None:
    """Parse a whole cell such as ``1 April 1963[21]``; None when it holds no date."""
    cleaned = re.sub(r"\[\d+\]", "", text).strip()
    if not cleaned:
        return None
    dates = find_dates(cleaned)
    if len(dates) != 1 or dates[0].end != len(cleaned):
        return None
    d = dates[0]
    before = cleaned[:d.start]
    if before and not (d.approximate and _APPROXIMATE.fullmatch(before)):
        return None
    return Date(d.iso, d.precision, approximate=d.approximate)



_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_problem(iso: str, earliest: str, until: str = "") -> str:
    """Why ``iso`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) is no date of a source that covers
    ``earliest`` to ``until`` (its own date, at any precision), or "" when it is one.

    >>> date_problem("2022-02-30", "1776")
    'is not a calendar date'
    >>> date_problem("9999-12-31", "1776", "2022-02")
    'is after 2022-02, the date of the source'
    """
    m = _ISO.match(iso)
    if not m:
        return "is not a date written YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = (int(x) if x else None for x in m.groups())
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return "is not a calendar date"
    if iso[:len(earliest)] < earliest[:len(iso)]:
        return f"is before {earliest}, the earliest date the source can hold"
    if until and iso[:len(until)] > until[:len(iso)]:
        return f"is after {until}, the date of the source"
    return ""
