"""Date cells as real articles write them: a sequence of dated clauses (sentences of the same
shape as the articles', written for these tests)."""

from __future__ import annotations

from helpers.build.events import parse_date_cell


def _read(cell: str) -> tuple[str | None, list[tuple[str, str]]]:
    began, others = parse_date_cell(cell)
    return (began.iso if began else None), [(d.iso, kind) for d, kind in others]


def test_after_a_break_a_date_without_a_word_of_its_own_renews_relations():
    cell = "3 March 1970, broken 4 April 1980 5 May 1990, broken 6 June 2000 7 July 2001"
    assert _read(cell) == ("1970-03-03", [
        ("1980-04-04", "relations-broken"), ("1990-05-05", "relations-renewed"),
        ("2000-06-06", "relations-broken"), ("2001-07-07", "relations-renewed")])


def test_and_between_two_dates_and_a_trailing_joint_communique():
    assert _read("2 July 1975 and 9 October 2003 - Joint Communique") == (
        "1975-07-02", [("2003-10-09", "agreement")])


def test_and_between_two_dates_without_words_gives_an_other_event():
    assert _read("2 July 1975 and 9 October 2003") == ("1975-07-02", [("2003-10-09", "other")])


def test_month_first_dates_without_a_comma_and_footnote_markers():
    assert _read("June 7 1993") == ("1993-06-07", [])
    assert _read("November 21 2004[12][a]") == ("2004-11-21", [])


def test_a_range_gives_its_first_date_and_no_event_for_its_end():
    assert _read("1962–1966") == ("1962", [])
