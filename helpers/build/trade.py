"""The ``trade`` and ``peer_trade`` tables from trade-statistics workbooks, and the figures
of the text sources reconciled against both reports of each flow.

Stage 8 of the build. Each workbook (helpers.build.workbooks) is one reporter's report. Its
partners are resolved through ``places.trade_partner``: a country, a former country, the
``World`` total, or an aggregate (a region or country group), which is no partner and no row;
a name the project does not know is ``unparsed``, never dropped. Rows kept: the subject's own
report with every partner, and each partner's report of its trade with the subject
(``trade``); every report of a workbook the manifest marks ``scope = "all"`` (the subject's own, the
peers') summed by the partner's region, with its largest partner (``peer_trade``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from helpers.build.figures import trade_measures
from helpers.build.sources import Source
from helpers.build.workbooks import PartnerRow, Sheet, Workbook
from helpers.core import places
from helpers.core.exceptions import SourceError
from helpers.core.schema import FLOWS, TRADE_ALL, UNKNOWN_REGION, WORLD_REGION
from helpers.core.text import possessive

_OTHER_FLOW = dict(zip(FLOWS, reversed(FLOWS), strict=True))  # export <-> import


@dataclass
class TradeTables:
    trade: list[dict] = field(default_factory=list)
    peer_trade: list[dict] = field(default_factory=list)
    unparsed: list[dict] = field(default_factory=list)  # unparsed rows (and their statements)
    statements: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    reporters: dict[str, str] = field(default_factory=dict)  # reporter ISO3 -> its workbook
    counts: dict[str, int] = field(default_factory=dict)


def reporter_of(book: Workbook, source: Source) -> str:
    """The reporter's ISO3; refused unless it is a country and agrees with the manifest."""
    found = places.trade_partner(book.reporter)
    if found is None or found[1] != "country":
        what = ("a name the project does not know" if found is None else
                f"{'an' if found[1][0] in 'aeiou' else 'a'} {found[1]}")
        raise SourceError(source.file, f"the workbook's reporter {book.reporter!r} is {what}: "
                          "a trade source is one country's report")
    if source.partner_iso3 and source.partner_iso3 != found[0]:
        raise SourceError(source.file, f"the manifest says partner_iso3 = "
                          f"{source.partner_iso3!r}, the workbook's reporter is "
                          f"{book.reporter!r} ({found[0]})")
    return found[0]


def trade_tables(books: list[tuple[Source, Workbook]], subject: str) -> TradeTables:
    """Rows of ``trade`` and ``peer_trade`` from every workbook; two files of one reporter
    are refused with both names."""
    out = TradeTables()
    files_of = out.reporters
    for source, book in books:
        reporter = reporter_of(book, source)
        if reporter in files_of:
            raise SourceError(source.file, f"names the same reporter ({book.reporter}, "
                              f"{reporter}) as {files_of[reporter]}: one workbook per reporter")
        files_of[reporter] = source.file
        peer = source.extra.get("scope") == TRADE_ALL  # its every partner, by region
        for sheet in book.sheets:
            partners = _partners(out, source.file, sheet)
            for code, kind, row in partners:
                if reporter == subject or code == subject:
                    out.trade.extend(_rows(reporter, code, kind, sheet, row, source.file))
            if peer:
                out.peer_trade.extend(_by_region(reporter, sheet, partners, source.file))
    out.counts["trade workbooks"] = len(books)
    out.counts["trade values about the subject"] = len(out.trade)
    return out


def _partners(out: TradeTables, file: str, sheet: Sheet) -> list[tuple[str, str, PartnerRow]]:
    """(code, kind, row) of every row of a sheet that is a partner or the world total; the
    rest listed in ``unparsed`` (unknown names, bad cells, a partner repeated) or counted
    (the IMF's aggregates)."""
    cells: dict[int, list[str]] = defaultdict(list)
    for p in sheet.problems:
        cells[p.row].append(f"{sheet.name}!{p.cell}: {p.message}")
    for row in sheet.unnamed:
        _unparsed(out, file, sheet.name, row, "a row of values with no partner name",
                  "(no name)")
    found_rows: list[tuple[str, str, PartnerRow]] = []
    first: dict[str, PartnerRow] = {}  # partner code -> its first row in the sheet
    for partner_row in sheet.rows:
        if partner_row.row in cells:
            _unparsed(out, file, sheet.name, partner_row.row, "cells that are not values of "
                      "trade, left out: " + "; ".join(cells[partner_row.row]), partner_row.name)
        found = places.trade_partner(partner_row.name)
        if found is None:
            _unparsed(out, file, sheet.name, partner_row.row, "a partner name the project "
                      "does not know (add it to helpers/reference/imf_names.csv)",
                      partner_row.name)
            continue
        code, kind = found
        if kind == "aggregate":
            out.counts["trade aggregate rows (not partners)"] = out.counts.get(
                "trade aggregate rows (not partners)", 0) + 1
            continue
        if code in first:  # the same partner twice in one sheet: the first is kept
            earlier = first[code]
            if earlier.values == partner_row.values:
                out.decisions.append(dict(
                    kind="duplicate-record", subject=f"{partner_row.name} ({sheet.name}, row "
                    f"{partner_row.row})", decision=f"kept once: row {earlier.row}",
                    alternatives=f"row {partner_row.row}", rule="a partner's row repeated with "
                    "the same values in one sheet is one report", source=file,
                    line=partner_row.row))
            else:
                _unparsed(out, file, sheet.name, partner_row.row,
                          f"repeats the partner of row {earlier.row} with other values: row "
                          f"{earlier.row} kept, this one left out", partner_row.name)
            continue
        first[code] = partner_row
        found_rows.append((code, kind, partner_row))
    return found_rows


def _rows(reporter: str, code: str, kind: str, sheet: Sheet, row: PartnerRow,
          file: str) -> list[dict]:
    """The ``trade`` rows of one partner row: one per year with a value."""
    return [dict(reporter_iso3=reporter, partner_iso3=code, partner_kind=kind,
                 flow=sheet.flow, year=year, value_usd_million=value,
                 estimated=i in row.estimated, basis=sheet.basis,
                 partner_as_written=row.name, source=file, sheet=sheet.name,
                 cell=sheet.cell(row, i))
            for i, (year, value) in enumerate(zip(sheet.years, row.values, strict=True))
            if value is not None]


def _by_region(reporter: str, sheet: Sheet, partners: list[tuple[str, str, PartnerRow]],
               file: str) -> list[dict]:
    """A peer's report summed by the partner's region, and its world total, per year: the
    ``peer_trade`` rows (with each region's largest partner)."""
    rows = []
    for i, year in enumerate(sheet.years):
        sums: dict[str, list] = {}
        for code, kind, row in partners:
            value = row.values[i]
            if value is None:
                continue
            region = WORLD_REGION if kind == "world" else (places.region_of(code)
                                                           or UNKNOWN_REGION)
            entry = sums.setdefault(region, [0.0, 0, "", -1.0, 0.0])
            entry[0] += value
            entry[1] += kind != "world"
            entry[4] += value if i in row.estimated else 0.0
            if kind != "world" and value > entry[3]:
                entry[2], entry[3] = code, value
        for region, (total, count, largest, largest_value, estimated) in sums.items():
            rows.append(dict(reporter_iso3=reporter, flow=sheet.flow, year=year, region=region,
                             value_usd_million=round(total, 6), partners=count,
                             largest_partner_iso3=largest or None,
                             largest_usd_million=largest_value if largest else None,
                             estimated_usd_million=round(estimated, 6), basis=sheet.basis,
                             source=file, sheet=sheet.name))
    return rows


def _unparsed(out: TradeTables, file: str, sheet: str, row: int, reason: str, text: str):
    """A workbook row no table holds, or holds in part: listed with its sheet (``section``)
    and row (``line``); ``sentence`` tells the sheets apart (1 exports, 2 imports), and a
    second reason for the same row joins the first."""
    sentence = 1 if sheet.startswith("Export") else 2
    for listed in out.unparsed:
        if (listed["source"], listed["line"], listed["sentence"]) == (file, row, sentence):
            listed["reason"] += "; " + reason
            return
    base = dict(source=file, line=row, sentence=sentence, section=sheet, partner_iso3=None,
                reason=reason, text=text)
    out.unparsed.append(base)
    out.statements.append(dict(base, kind="entry", row_line=None, status="unparsed",
                               tables=""))


# ------------------------------------------------------------------ the figures reconciled

def stated_step(value: float) -> float:
    """The unit of the last digit a rounded figure states: 14.3e9 -> 1e8, 9e9 -> 1e9."""
    step = 1.0
    v = round(abs(value))
    if v == 0:
        return 1.0
    while v % (step * 10) == 0:
        step *= 10
    return step


def reconcile_figures(figures: list[dict], trade: list[dict], subject: str,
                      sources: dict[str, str]) -> list[dict]:
    """A ``trade-figure`` decision for each figure of a trade measure (indicators.csv's
    ``trade_flows``) that a report of the same year covers: which report it matches, within
    half a unit of its last stated digit, and the other report kept as the alternative.

    ``sources`` maps each trade workbook's reporter to its file, to name them in the rule.
    """
    measures = trade_measures()
    index: dict[tuple, float] = defaultdict(float)
    seen: set[tuple] = set()
    for r in trade:
        index[(r["reporter_iso3"], r["partner_iso3"], r["flow"], r["year"])] += \
            r["value_usd_million"]
        seen.add((r["reporter_iso3"], r["partner_iso3"], r["flow"], r["year"]))
    decisions = []
    for f in figures:
        flows = measures.get(f["indicator"])
        partner, year = f.get("partner_iso3"), f.get("year")
        if not flows or not partner or year is None or f.get("unit") != "USD":
            continue
        reports = {}
        for reporter, other, own_flows in ((subject, partner, flows),
                                           (partner, subject, [_OTHER_FLOW[x] for x in flows])):
            keys = [(reporter, other, flow, year) for flow in own_flows]
            if all(k in seen for k in keys):
                reports[reporter] = sum(index[k] for k in keys) * 1e6
        if not reports:
            continue
        decisions.append(_decision(f, reports, subject, partner, sources))
    return decisions


def _decision(f: dict, reports: dict[str, float], subject: str, partner: str,
              sources: dict[str, str]) -> dict:
    value, qualifier = float(f["value"]), f["qualifier"]
    tolerance = stated_step(value) / 2

    def matches(v: float) -> bool:
        if qualifier in ("more-than", "at-least"):
            return v >= value - tolerance
        return abs(v - value) <= tolerance

    def said(reporter: str, v: float) -> str:
        return (f"{possessive(places.name_of(reporter))} report: US$ {v / 1e6:,.0f} million "
                f"({sources.get(reporter, '')}, {abs(v - value) / 1e6:,.0f} million "
                f"{'above' if v >= value else 'below'})")

    order = [r for r in (partner, subject) if r in reports]  # the partner's report first
    matched = [r for r in order if matches(reports[r])]
    stated = f"US$ {value / 1e9:,.{_decimals(value)}f} billion"
    if matched:
        decision = f"matches {said(matched[0], reports[matched[0]])}"
        others = [said(r, reports[r]) for r in order if r != matched[0]]
    else:
        decision = "matches neither report"
        others = [said(r, reports[r]) for r in order]
    missing = [places.name_of(r) for r in (subject, partner) if r not in reports]
    rule = (f"a figure rounded to its last digit matches a report within half a unit of that "
            f"digit (US$ {tolerance / 1e6:,.0f} million); the partner's report is compared "
            "first (a fact sheet of the partner's government cites its own statistics)"
            + (f"; no report of {', '.join(missing)} for that year" if missing else ""))
    return dict(kind="trade-figure",
                subject=f"{f['indicator']} {f['year']} ({partner}): {stated}",
                decision=decision, alternatives="; ".join(others), rule=rule,
                source=f["source"], line=f["line"])


def _decimals(value: float) -> int:
    step = stated_step(value)
    return max(0, 9 - len(str(int(step))) + 1)
