"""Trade and visitor figures (notebook 03): pairs of years, growth, and amounts in words.

A qualifier stays with its value: "more than $1 billion" is a lower bound, and a growth
computed from a bound says so. Amounts are written at the report's scale (millions, billions).
"""

from __future__ import annotations

import pandas as pd

from helpers.core import places
from helpers.core.text import escape_md
from helpers.data import load


def paired_indicators(figures: pd.DataFrame | None = None) -> list[str]:
    """Indicators the figures table gives for at least two years (pairs to compare)."""
    f = load.load_figures() if figures is None else figures
    years = f.dropna(subset=["year"]).groupby("indicator")["year"].agg(lambda y: len(set(y)))
    return sorted(k for k, n in years.items() if n >= 2)


def growth(figures: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """Growth from each indicator's first to its last year: multiple and compound annual rate,
    with bounds carried through.

    A "more than" value at the end makes the growth a lower bound ("at least"); at the start,
    an upper bound ("at most"). Both bounds at once leave the growth unknown.
    """
    rows = []
    for ind in indicators:
        f = figures[(figures["indicator"] == ind) & figures["year"].notna()]
        first, last = int(f["year"].min()), int(f["year"].max())
        a = f[f["year"] == first].iloc[0]
        b = f[f["year"] == last].iloc[0]
        multiple = float(b["value"]) / float(a["value"])
        cagr = multiple ** (1 / (last - first)) - 1
        lower_b = b["qualifier"] in ("more-than", "at-least")
        lower_a = a["qualifier"] in ("more-than", "at-least")
        bound = ("unknown" if lower_a and lower_b else "at least" if lower_b
                 else "at most" if lower_a else "exact")
        rows.append(dict(indicator=ind, label=a["label"], unit=a["unit"],
                         partner_iso3=a["partner_iso3"], start_year=first,
                         start_value=float(a["value"]), start_qualifier=a["qualifier"],
                         end_year=last, end_value=float(b["value"]),
                         end_qualifier=b["qualifier"], multiple=multiple, cagr=cagr,
                         bound=bound, source=a["source"], line=int(a["line"])))
    return pd.DataFrame(rows, columns=[
        "indicator", "label", "unit", "partner_iso3", "start_year", "start_value",
        "start_qualifier", "end_year", "end_value", "end_qualifier", "multiple", "cagr",
        "bound", "source", "line"])


def years_compared(growth: pd.DataFrame) -> str:
    """'1990 against 2000', or 'first year against last' when the pairs differ."""
    pairs = set(zip(growth["start_year"], growth["end_year"], strict=True))
    if len(pairs) == 1:
        first, last = pairs.pop()
        return f"{first} against {last}"
    return "first year against last"


def years_span(growth: pd.DataFrame) -> str:
    """'1990-2000' for a file name, or 'first-last' when the pairs differ."""
    pairs = set(zip(growth["start_year"], growth["end_year"], strict=True))
    return "-".join(map(str, pairs.pop())) if len(pairs) == 1 else "first-last"


def partners_of(growth: pd.DataFrame) -> list[str]:
    """ISO3 of the partners the charted figures concern, in order of appearance."""
    return list(dict.fromkeys(growth["partner_iso3"].dropna()))


def agreement_between(events: pd.DataFrame, partners: list[str], first: int,
                      last: int) -> dict | None:
    """The first agreement with one of ``partners`` dated within [first, last] (the events
    table's row: date, summary, source, line), or None."""
    e = events[events["partner_iso3"].isin(partners) & (events["kind"] == "agreement")]
    e = e[e["date"].str.slice(0, 4).astype(int).between(first, last)]
    if e.empty:
        return None
    r = e.sort_values(["date", "source", "line"]).iloc[0]
    return dict(year=int(r["date"][:4]), date=r["date"], partner_iso3=r["partner_iso3"],
                summary=r["summary"], source=r["source"], line=int(r["line"]))


def describe_growth(row) -> str:
    """'at least 1.89 times (at least 9.5% a year)': a sentence part computed from the data."""
    prefix = "" if row["bound"] == "exact" else f"{row['bound']} "
    return (f"{prefix}{row['multiple']:.2f} times ({prefix}{row['cagr'] * 100:.1f}% a year "
            "compounded)")


SCALE_FACTORS = {"millions": 1e6, "billions": 1e9}


def scaled(value: float, scale: str) -> float:
    return value / SCALE_FACTORS[scale]


# How a figure's qualifier reads in a sentence, before the number
QUALIFIER_WORDS = {"approximate": "about ", "more-than": "more than ", "at-least": "at least ",
                   "range-min": "from ", "range-max": "up to "}


def money(value: float, scale: str, qualifier: str = "exact") -> str:
    word = QUALIFIER_WORDS.get(qualifier, "")
    return f"{word}${scaled(value, scale):,.2f} {scale[:-1]}"  # "billions" -> "billion"


def amount(value: float, unit: str, scale: str, qualifier: str = "exact") -> str:
    """A figure in words: money at the chosen scale, anything else in its own unit."""
    if unit == "USD":
        return money(value, scale, qualifier)
    number = f"{value:,.0f}" if value == int(value) else f"{value:,g}"
    return f"{QUALIFIER_WORDS.get(qualifier, '')}{number} {unit}"


def axis_value(value: float, unit: str, scale: str) -> float:
    """The value as the charts plot it: money at the chosen scale, anything else as it is."""
    return scaled(value, scale) if unit == "USD" else value


def other_figures(figures: pd.DataFrame, shown: list[str]) -> pd.DataFrame:
    """Every figure not charted, with its unit and qualifier, for the table below the charts."""
    rest = figures[~figures["indicator"].isin(shown)]
    return rest[["indicator", "label", "partner_iso3", "year", "period", "value", "unit",
                 "qualifier", "source", "line"]].reset_index(drop=True)


def describe_pairs(growth_table: pd.DataFrame, scale: str, agreement: dict | None) -> str:
    """A bullet per paired indicator (from, to, growth) and the agreement between (markdown)."""
    if growth_table.empty:
        return ("The figures table holds no indicator with values for two years, so there is "
                "no pair to compare and no chart.")
    e = escape_md
    text = "\n".join(
        f"- **{e(r['label'])}** went from "
        f"{e(amount(r['start_value'], r['unit'], scale, r['start_qualifier']))} in "
        f"{e(r['start_year'])} to "
        f"{e(amount(r['end_value'], r['unit'], scale, r['end_qualifier']))} in "
        f"{e(r['end_year'])}: {e(describe_growth(r))}."
        for r in growth_table.to_dict("records"))
    if agreement:
        text += (f"\n\nAn agreement with {e(places.name_of(agreement['partner_iso3']))} in "
                 f"those years, from the events table: **{agreement['year']}** "
                 f"({e(agreement['source'])}, line {agreement['line']}): "
                 f"“{e(agreement['summary'])}”")
    return text
