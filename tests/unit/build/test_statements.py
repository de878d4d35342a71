"""Documents to statements: sentences, footnotes, sections, table rows, each with its line."""

from __future__ import annotations

import re

from documents import ARTICLE

from helpers.build.statements import clean, read_article, split_sentences
from helpers.core import schema

REFERENCES = 240  # line of the "References" heading in the article


def _at(doc, line: int) -> list[str]:
    return [s.text for s in sorted(doc.statements, key=lambda s: s.sentence) if s.line == line]


def test_a_sentence_does_not_end_after_us():
    text = ("The U.S. maintains an embassy in Lima, Peru. There is a U.S. Consular Agency in "
            "Cuzco, and the USAID building is located in Lima.")
    assert [s for _, s in split_sentences(text)] == [
        "The U.S. maintains an embassy in Lima, Peru.",
        "There is a U.S. Consular Agency in Cuzco, and the USAID building is located in Lima.",
    ]


def test_a_quotation_is_not_split_into_sentences():
    text = ("As then-Secretary Tillerson said, “The United States and Peru have a very "
            "longstanding relationship. It’s really built on the shared values of democracy and "
            "prosperity for our people.”")
    assert len(split_sentences(text)) == 1


def test_two_sentences_on_one_row_line_are_numbered_in_order(article_doc):
    assert _at(article_doc, 152) == [
        "There are around 6,500 people of Croatian descent living in Peru.",
        "Most Croats arrived in Peru between the Interwar period.",
    ]
    assert [s.sentence for s in article_doc.statements if s.line == 152] == [1, 2]


def test_footnote_markers_are_removed():
    assert clean("Argentina has an embassy in Lima.[2]") == "Argentina has an embassy in Lima."


def test_no_statement_keeps_a_footnote_marker(article_doc, fact_sheet_doc):
    assert _at(article_doc, 34) == ["Argentina has an embassy in Lima."]
    assert _at(article_doc, 71) == [
        "In November 2009, Peru made an agreement with Ecuador in which Peru would export "
        "between 40 and 50 megawatts of electricity until April 2010 in order to help Ecuador "
        "with its energy crisis.",
        "Rafael Correa, Ecuador's president, expressed his gratitude to Peru for its generous "
        "aid during Ecuador's energy crisis.",
    ]
    for st in article_doc.statements + fact_sheet_doc.statements:
        assert not re.search(r"\[\d+\]", st.text), (st.line, st.text)


def test_the_references_section_yields_no_statements(article_doc, article_lines):
    assert article_lines[REFERENCES - 1] == "References"
    assert any("Embassy of Peru in Madrid" in x for x in article_lines[REFERENCES:])
    assert [s.line for s in article_doc.statements if s.line >= REFERENCES] == []


def test_the_tail_of_the_article_gives_prose_and_see_also_items_only(article_lines):
    tail = article_lines[228 - 1:]  # from the "Illicit drugs" heading to the end
    doc = read_article(tail, ARTICLE, schema.REGIONS)
    found = [(s.line + 227, s.section, s.kind) for s in doc.statements]
    assert found == [
        (230, "Illicit drugs", "prose"),
        (235, "See also", "list-item"),
        (236, "See also", "list-item"),
        (237, "See also", "list-item"),
    ]


def test_empty_table_rows_are_counted_not_kept(article_doc):
    assert article_doc.empty_rows == (("Asia", 122), ("Asia", 132))
    assert {r.line for r in article_doc.rows}.isdisjoint({122, 132})


def test_the_build_counts_the_empty_rows_and_records_each_one(counts, rows):
    assert counts["empty rows"] == 2
    got = [(d["line"], d["subject"]) for d in rows("decisions", kind="empty-row")]
    assert got == [("122", "empty row in Asia"), ("132", "empty row in Asia")]
    assert rows("relations", line=122) == rows("relations", line=132) == []


def test_every_nonempty_table_row_is_kept_under_its_region(article_doc):
    by_region: dict[str, int] = {}
    for row in article_doc.rows:
        by_region[row.region] = by_region.get(row.region, 0) + 1
    assert by_region == {"Africa": 5, "Americas": 15, "Asia": 7, "Europe": 15, "Oceania": 2}


def test_a_note_belongs_to_its_row_and_its_region(article_doc):
    (st,) = [s for s in article_doc.statements if s.line == 35]
    assert (st.kind, st.section, st.row_line) == ("note", "Americas", 34)
    assert st.text == ("Peru has an embassy in Buenos Aires and consulates-general in Córdoba, "
                       "La Plata and Mendoza.")


def test_a_see_link_is_its_own_kind_of_statement(article_doc):
    (st,) = [s for s in article_doc.statements if s.line == 54]
    assert (st.kind, st.text, st.row_line) == ("see-link", "See Chile–Peru relations", 54)


def test_a_row_keeps_its_formal_relations_began_cell(article_doc):
    korea = next(r for r in article_doc.rows if r.line == 124)
    assert korea.established == "1 April 1963[21]"
    assert [s.line for s in korea.statements] == [124, 126, 127]


def test_prose_outside_the_tables_has_its_heading_or_none(article_doc):
    (intro,) = [s for s in article_doc.statements if s.line == 3 and s.sentence == 1]
    assert (intro.kind, intro.section, intro.row_line) == ("prose", "", None)
    (drugs,) = [s for s in article_doc.statements if s.line == 230]
    assert drugs.section == "Illicit drugs"


def test_fact_sheet_title_block_and_headings_are_not_statements(fact_sheet_doc):
    lines = {s.line for s in fact_sheet_doc.statements}
    assert lines.isdisjoint({1, 2, 3, 4, 5, 12, 16, 20, 24})
    (first,) = [s for s in fact_sheet_doc.statements if s.line == 18 and s.sentence == 1]
    assert first.section == "Bilateral Economic Relations"


def test_fact_sheet_links_after_a_colon_are_list_items(fact_sheet_doc):
    items = [s for s in fact_sheet_doc.statements if s.kind == "list-item"]
    assert [s.line for s in items] == list(range(32, 49))
    assert items[0].text == "Department of State Peru Page"
