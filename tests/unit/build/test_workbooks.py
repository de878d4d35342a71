"""Trade workbooks (the IMF's Direction of Trade Statistics tables): read cell by cell, every
value with its sheet and cell; what is not such a table is refused with the file, sheet and
cell, and a row that cannot be placed is listed, never dropped."""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest

from helpers.build.sources import Source, read_manifest, read_source_bytes
from helpers.build.trade import reconcile_figures, stated_step, trade_tables
from helpers.build.workbooks import (
    MAX_EXPANDED_BYTES,
    MAX_ROWS,
    column_letters,
    parse_workbook,
)
from helpers.core import paths, places
from helpers.core.exceptions import SourceError

YEARS = ["1990", "1991", "1992"]


def workbook(reporter="Norway", partners=(("World", [10.0, 11.0, 12.0]),
                                          ("Sweden", [4.0, None, 5.5])),
             unit="US Dollars, Millions", years=YEARS, sheets=("Exports, FOB", "Imports, CIF"),
             extra_rows=0) -> bytes:
    """A trade table as the IMF lays it out: title, reporter, unit, then years from B7."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in sheets:
        ws = wb.create_sheet(name)
        ws["B2"], ws["B4"], ws["B5"] = f"{name} to Partner Countries", reporter, unit
        for i, y in enumerate(years):
            ws.cell(7, 3 + i, y)
        for r, (partner, values) in enumerate(partners, 8):
            ws.cell(r, 2, partner)
            for i, v in enumerate(values):
                if v is not None:
                    ws.cell(r, 3 + i, v)
        for r in range(extra_rows):
            ws.cell(8 + len(partners) + r, 2, "Sweden")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def source(file="DOTS_1.xlsx", partner="", scope="subject") -> Source:
    return Source(file, "trade", "t", "International Monetary Fund", "2022", "u", "l", "0" * 64,
                  partner, {"scope": scope})


def refused(data: bytes, *words: str):
    with pytest.raises(SourceError) as info:
        parse_workbook(data, "DOTS_1.xlsx")
    message = str(info.value)
    assert message.startswith("DOTS_1.xlsx: ")
    for w in words:
        assert w in message, message
    return message


def test_a_value_keeps_its_sheet_and_cell_and_an_empty_cell_is_no_value():
    book = parse_workbook(workbook(), "DOTS_1.xlsx")
    assert book.reporter == "Norway"
    exports = book.sheets[0]
    assert (exports.name, exports.flow, exports.basis, exports.years) == (
        "Exports, FOB", "export", "FOB", (1990, 1991, 1992))
    sweden = exports.rows[1]
    assert (sweden.name, sweden.row, sweden.values) == ("Sweden", 9, (4.0, None, 5.5))
    assert [exports.cell(sweden, i) for i in (0, 2)] == ["C9", "E9"]


def test_the_subjects_real_workbook_is_read_with_its_cells():
    manifest = read_manifest(paths.RAW)
    src = next(s for s in manifest.sources if s.file == "DOTS_156.xlsx")
    book = parse_workbook(read_source_bytes(manifest, src), src.file)
    assert book.reporter == "Peru"
    exports = book.sheets[0]
    assert exports.years[0] == 1960 and exports.years[-1] == 2020
    australia = exports.rows[0]  # the first partner row, B8: the years are on row 7
    assert (australia.name, australia.values[0], exports.cell(australia, 0)) == (
        "Australia", 0.1, "C8")


def test_an_imf_estimate_is_read_as_a_value_flagged_estimated():
    book = parse_workbook(workbook(partners=(("Sweden", ["1,035.65 e", 2.0, None]),)), "x")
    row = book.sheets[0].rows[0]
    assert row.values == (1035.65, 2.0, None) and row.estimated == frozenset({0})


def test_column_letters_go_past_z():
    assert [column_letters(i) for i in (0, 25, 26, 51, 52)] == ["A", "Z", "AA", "AZ", "BA"]


def test_a_file_that_is_not_a_workbook_is_refused_with_its_name():
    refused(b"Country;Partner\nPeru;Chile\n", "not an .xlsx workbook")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    refused(archive.getvalue(), "not a readable .xlsx workbook")


def test_a_zip_bomb_is_refused_unread():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_EXPANDED_BYTES + 1))
    assert len(archive.getvalue()) < 1_000_000  # small on disk, huge when expanded
    refused(archive.getvalue(), "would expand to", "zip bomb")


def test_a_missing_sheet_a_foreign_unit_and_years_out_of_order_are_refused():
    refused(workbook(sheets=("Exports, FOB",)), "no sheet named 'Imports, CIF'")
    refused(workbook(unit="Euros, Millions"), "cell Exports, FOB!B5", "'Euros, Millions'")
    refused(workbook(years=["1990", "1992", "1991"]), "Exports, FOB!E7", "1991 comes after 1992")
    refused(workbook(years=["", "", ""]), "no row of years")


def test_a_sheet_of_too_many_rows_is_refused():
    refused(workbook(extra_rows=MAX_ROWS), f"at most {MAX_ROWS:,} rows")


def test_a_text_a_date_or_a_negative_where_a_number_belongs_is_listed_with_its_cell():
    data = workbook(partners=(("World", [1.0, 2.0, 3.0]),
                              ("Sweden", ["n/a", datetime.datetime(2020, 1, 1), -4.8])))
    found = trade_tables([(source(), parse_workbook(data, "DOTS_1.xlsx"))], "SWE")
    reasons = [u["reason"] for u in found.unparsed]
    assert len(reasons) == 2  # one line per sheet's row, every bad cell named in it
    for cell in ("C9", "D9", "E9"):
        assert f"Exports, FOB!{cell}" in reasons[0]
    assert not [r for r in found.trade if r["partner_iso3"] == "SWE"]  # never read as data
    assert {(u["source"], u["line"], u["section"]) for u in found.unparsed} == {
        ("DOTS_1.xlsx", 9, "Exports, FOB"), ("DOTS_1.xlsx", 9, "Imports, CIF")}


def test_an_unknown_partner_is_listed_and_aggregates_are_counted_not_rows():
    data = workbook(partners=(("World", [5.0, 5.0, 5.0]), ("Atlantis", [1.0, 1.0, 1.0]),
                              ("Western Hemisphere", [2.0, 2.0, 2.0]),
                              ("Korea, Rep. of", [3.0, None, None])))
    found = trade_tables([(source(), parse_workbook(data, "DOTS_1.xlsx"))], "NOR")
    assert {u["text"] for u in found.unparsed} == {"Atlantis"}
    assert found.counts["trade aggregate rows (not partners)"] == 2
    partners = {(r["partner_iso3"], r["partner_kind"]) for r in found.trade}
    assert partners == {("WLD", "world"), ("KOR", "country")}


def test_two_files_for_one_reporter_are_refused_with_both_names():
    data = workbook(reporter="Nicaragua")
    books = [(source("DOTS_143.xlsx"), parse_workbook(data, "DOTS_143.xlsx")),
             (source("DOTS_144.xlsx"), parse_workbook(data, "DOTS_144.xlsx"))]
    with pytest.raises(SourceError, match="DOTS_144.xlsx: names the same reporter .* as "
                       "DOTS_143.xlsx"):
        trade_tables(books, "PER")


def test_a_reporter_that_is_not_a_country_is_refused():
    data = workbook(reporter="Euro Area")
    with pytest.raises(SourceError, match="reporter .Euro Area. is an aggregate"):
        trade_tables([(source(), parse_workbook(data, "DOTS_1.xlsx"))], "PER")


def test_a_partner_repeated_with_the_same_values_is_one_report():
    same = workbook(partners=(("Sweden", [1.0, 2.0, 3.0]), ("Sweden", [1.0, 2.0, 3.0])))
    found = trade_tables([(source(), parse_workbook(same, "DOTS_1.xlsx"))], "NOR")
    assert len([r for r in found.trade if r["flow"] == "export"]) == 3
    assert {d["kind"] for d in found.decisions} == {"duplicate-record"} and not found.unparsed
    other = workbook(partners=(("Sweden", [1.0, 2.0, 3.0]), ("Sweden", [9.0, 2.0, 3.0])))
    found = trade_tables([(source(), parse_workbook(other, "DOTS_1.xlsx"))], "NOR")
    assert [u["line"] for u in found.unparsed] == [9, 9]  # listed, in each sheet


def test_a_partners_workbook_gives_its_trade_with_the_subject_and_a_peers_its_regions():
    data = workbook(reporter="Sweden", partners=(("World", [10.0, 10.0, 10.0]),
                                                 ("Norway", [4.0, 4.0, 4.0]),
                                                 ("Denmark", [1.0, 2.0, 3.0]),
                                                 ("China, P.R.: Mainland", [5.0, 5.0, 5.0])))
    book = parse_workbook(data, "DOTS_1.xlsx")
    partner = trade_tables([(source(partner="SWE"), book)], "NOR")
    assert {r["partner_iso3"] for r in partner.trade} == {"NOR"} and not partner.peer_trade
    peer = trade_tables([(source(partner="SWE", scope="all"), book)], "NOR")
    europe = [r for r in peer.peer_trade if (r["region"], r["year"], r["flow"]) == (
        "Europe", 1992, "export")]
    assert europe == [dict(europe[0], value_usd_million=7.0, partners=2,
                           largest_partner_iso3="NOR", largest_usd_million=4.0)]
    own = trade_tables([(source(scope="all"), book)], "SWE")  # the subject's own workbook
    assert {r["reporter_iso3"] for r in own.peer_trade} == {"SWE"}  # compared like the peers'
    assert own.reporters == {"SWE": "DOTS_1.xlsx"}


def test_a_changed_workbook_is_refused_even_when_the_trade_stage_is_cached(raw_copy, tmp_path):
    from helpers.build.pipeline import build
    from helpers.core.exceptions import ChecksumError

    build(raw=raw_copy.folder, out=tmp_path / "out")  # the trade stage's results now cached
    damaged = raw_copy.path("DOTS_208.xlsx")
    damaged.write_bytes(damaged.read_bytes()[:-10])
    with pytest.raises(ChecksumError, match="DOTS_208.xlsx: sha256 is"):
        build(raw=raw_copy.folder, out=tmp_path / "out")


def test_every_name_in_the_shipped_workbooks_is_a_country_a_former_country_or_an_aggregate():
    manifest = read_manifest(paths.RAW)
    names = set()
    for src in manifest.sources:
        if src.kind == "trade":
            book = parse_workbook(read_source_bytes(manifest, src), src.file)
            names |= {book.reporter} | {r.name for s in book.sheets for r in s.rows}
    kinds = {n: places.trade_partner(n) for n in names}
    assert not [n for n, k in kinds.items() if k is None]
    assert kinds["China, P.R.: Mainland"] == ("CHN", "country")
    assert kinds["China, P.R.: Hong Kong"] == ("HKG", "country")
    assert kinds["USSR"] == ("SUN", "former")
    assert kinds["Belgium-Luxembourg"] == ("XBL", "former")
    assert kinds["World"] == ("WLD", "world")
    assert kinds["Western Hemisphere"] == ("", "aggregate")


def test_a_rounded_figure_states_the_unit_of_its_last_digit():
    assert [stated_step(v) for v in (14.3e9, 9e9, 1.25e6, 7)] == [1e8, 1e9, 1e4, 1]


def test_a_figure_matches_the_report_within_half_its_last_digit_and_keeps_the_other():
    trade = [dict(reporter_iso3=r, partner_iso3=p, flow=f, year=2016, value_usd_million=v)
             for r, p, f, v in (("NOR", "SWE", "export", 6000.0), ("NOR", "SWE", "import", 1000.0),
                                ("SWE", "NOR", "import", 6100.0), ("SWE", "NOR", "export", 1020.0))]
    figure = dict(indicator="goods_trade_two_way", partner_iso3="SWE", year=2016, value=7.1e9,
                  unit="USD", qualifier="exact", source="sheet.txt", line=3)
    (d,) = reconcile_figures([figure], trade, "NOR", {"NOR": "a.xlsx", "SWE": "b.xlsx"})
    assert d["kind"] == "trade-figure" and d["decision"].startswith("matches Sweden's report")
    assert "Norway's report: US$ 7,000 million" in d["alternatives"]
    off = dict(figure, value=8.0e9)
    (d,) = reconcile_figures([off], trade, "NOR", {})
    assert d["decision"] == "matches neither report"


def test_the_build_matches_the_2016_figure_to_the_partners_report(tables):
    decisions = [d for d in tables["decisions"] if d["kind"] == "trade-figure"]
    by_year = {d["subject"].split(" ")[1]: d for d in decisions}
    assert by_year["2016"]["decision"].startswith("matches United States' report: US$ 14,278")
    assert "Peru's report: US$ 13,561 million" in by_year["2016"]["alternatives"]
    assert by_year["2009"]["decision"] == "matches neither report"


def test_the_shipped_partners_make_up_95_percent_of_the_trade_and_include_the_peers(frames):
    """The rule the data README gives for which workbooks are in data/raw."""
    from helpers.analysis import peers, trade

    subject = "PER"
    series = trade.by_partner(frames["trade"], subject)
    ranked = trade.ranks(series, 2000, 2020)
    manifest = read_manifest(paths.RAW)
    shipped = {s.partner_iso3 for s in manifest.sources if s.kind == "trade" and s.partner_iso3}
    covered = ranked[ranked["partner_iso3"].isin(shipped)]["share"].sum()
    assert covered >= 0.95
    all_scope = {s.partner_iso3 for s in manifest.sources
                 if s.kind == "trade" and s.extra.get("scope") == "all" and s.partner_iso3}
    assert set(peers.default_peers(frames["register_posts"], subject)) <= all_scope
