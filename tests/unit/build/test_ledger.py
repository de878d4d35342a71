"""Nothing is lost: every statement read is represented in a table or listed as unparsed.

The statements are checked against an independent scan of the raw files: every line that
carries text (prose, a list item, or the Notes cell of a table row) must come back, word for
word (footnote markers removed), as the statements starting on that line.
"""

from __future__ import annotations

import re

from documents import ARTICLE, FACT_SHEET

from helpers.build.records import unparsed_reason
from helpers.build.statements import Statement
from helpers.core import paths

# The article's headings; everything from "References" on is the reference list.
HEADINGS = {"Bilateral relations", "Africa", "Americas", "Asia", "Europe", "Oceania",
            "Illicit drugs", "See also", "References"}
# The fact sheet's title block (lines 1-5) and its four section headings carry no statement.
FACT_SHEET_NOT_STATEMENTS = {1, 2, 3, 4, 5, 12, 16, 20, 24}


def _plain(text: str) -> str:
    return " ".join(re.sub(r"\[\d+\]", "", re.sub(r"^-\s+", "", text.strip())).split())


def _scan_article() -> dict[int, str]:
    """Line -> its text, for every article line that should give statements."""
    out = {}
    lines = (paths.RAW / ARTICLE).read_text(encoding="utf-8").splitlines()
    for n, raw in enumerate(lines, 1):
        text = raw.strip()
        if text == "References":
            break
        if not text or text in HEADINGS or text.startswith("+"):
            continue
        if text.startswith("|"):
            text = text.split("|")[3].strip()  # Country | Formal Relations Began | Notes
            if text in ("", "Notes"):
                continue
        out[n] = _plain(text)
    return out


def _scan_fact_sheet() -> dict[int, str]:
    lines = (paths.RAW / FACT_SHEET).read_text(encoding="utf-8").splitlines()
    return {n: _plain(x) for n, x in enumerate(lines, 1)
            if x.strip() and n not in FACT_SHEET_NOT_STATEMENTS}


def _by_line(tables, source: str) -> dict[int, str]:
    sentences: dict[int, list[tuple[int, str]]] = {}
    for s in tables["statements"]:
        if s["source"] == source:
            sentences.setdefault(int(s["line"]), []).append((int(s["sentence"]), s["text"]))
    return {n: " ".join(t for _, t in sorted(v)) for n, v in sentences.items()}


def test_every_article_line_with_text_comes_back_as_its_statements(tables):
    expected = _scan_article()
    got = _by_line(tables, ARTICLE)
    assert sorted(got) == sorted(expected)
    for line, text in expected.items():
        assert got[line] == text, line


def test_every_fact_sheet_line_with_text_comes_back_as_its_statements(tables):
    expected = _scan_fact_sheet()
    got = _by_line(tables, FACT_SHEET)
    assert sorted(got) == sorted(expected)
    for line, text in expected.items():
        assert got[line] == text, line


def test_sentences_of_a_line_are_numbered_from_one_without_gaps(tables):
    numbers: dict[tuple[str, str], list[int]] = {}
    for s in tables["statements"]:
        numbers.setdefault((s["source"], s["line"]), []).append(int(s["sentence"]))
    for key, got in numbers.items():
        assert sorted(got) == list(range(1, len(got) + 1)), key


def test_the_counts_printed_are_the_statements_of_the_three_sources(counts, tables):
    statements = tables["statements"]
    represented = [s for s in statements if s["status"] == "represented"]
    unparsed = [s for s in statements if s["status"] == "unparsed"]
    # 185 of the text sources, 25 of the TEI record, 323 register rows (its 184 posts about the
    # subject, 137 rows it cannot place, the 2 rows that give Q106686567 to two posts) and 59
    # chiefs of mission
    assert counts["statements read"] == len(statements) == 185 + 25 + 323 + 59
    assert counts["represented"] == len(represented)
    assert counts["unparsed (listed with a reason)"] == len(unparsed) == len(tables["unparsed"])


def test_unparsed_csv_lists_exactly_the_unparsed_statements_with_a_reason(tables):
    key = ("source", "line", "sentence", "reason", "text")
    from_ledger = {tuple(s[k] for k in key) for s in tables["statements"]
                   if s["status"] == "unparsed"}
    assert {tuple(u[k] for k in key) for u in tables["unparsed"]} == from_ledger
    for u in tables["unparsed"]:
        assert u["reason"].strip(), u


def test_a_represented_statement_has_a_record_in_each_table_it_names(tables):
    for s in tables["statements"]:
        if s["status"] != "represented":
            assert s["tables"] == ""
            continue
        assert s["tables"] and not s["reason"], s
        for name in s["tables"].split(";"):
            if name == "relations":  # a see-link: its row is the relation itself
                match = [r for r in tables["relations"]
                         if (r["source"], r["line"]) == (s["source"], s["row_line"])]
            elif name == "events":
                match = [r for r in tables["events"] if (r["source"], r["line"], r["sentence"])
                         == (s["source"], s["line"], s["sentence"])]
            else:
                match = [r for r in tables[name]
                         if (r["source"], r["line"]) == (s["source"], s["line"])]
            assert match, (name, s["line"], s["text"])


def test_every_record_comes_from_a_statement_read(tables):
    lines = {(s["source"], s["line"]) for s in tables["statements"]}
    for name in ("missions", "memberships", "figures"):
        for r in tables[name]:
            assert (r["source"], r["line"]) in lines, (name, r)
    for e in tables["events"]:
        if e["sentence"] != "0":  # sentence 0: the table's "Formal Relations Began" cell
            assert (e["source"], e["line"]) in lines, e


def test_a_narrative_sentence_is_listed_as_unparsed(rows):
    (croats,) = rows("unparsed", source=ARTICLE, line=152)
    assert croats["text"] == "Most Croats arrived in Peru between the Interwar period."
    assert (croats["sentence"], croats["partner_iso3"]) == ("2", "HRV")
    assert croats["reason"] == "narrative without a dated event, post, membership or figure"


def test_a_ministry_link_is_listed_as_unparsed_with_its_reason(rows):
    (uruguay,) = rows("unparsed", source=ARTICLE, line=93)
    assert uruguay["text"] == ("Peruvian Ministry of Foreign Relations about relations with "
                               "Uruguay (in Spanish only)")
    assert uruguay["reason"] == "link to a ministry or embassy page"


def test_see_also_links_are_listed_as_unparsed(rows):
    got = [(u["line"], u["reason"]) for u in rows("unparsed", source=ARTICLE, section="See also")]
    assert got == [(str(n), "see-also link to another article") for n in (235, 236, 237)]


def test_a_planned_post_is_listed_as_a_plan():
    st = Statement("doc.txt", 3, 1, "Europe", "note", "A consulate is planned to open in Porto.")
    assert unparsed_reason(st) == "a plan, not an event, post or membership"
