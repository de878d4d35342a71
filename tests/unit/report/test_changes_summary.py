"""What changed between two runs' data, said in a sentence on the landing page."""

from __future__ import annotations

from helpers.report.changes import Change, listing
from helpers.report.landing import write_index


def _found() -> dict[str, list[Change]]:
    return {"Partners": [],
            "Posts": [Change("post opened", "Peru has an embassy in <b>Accra</b>", "a.txt", "12"),
                      Change("post opened", "Peru has an embassy in Hanoi", "a.txt", "14")],
            "Events": [Change("event added", "1991-11-27 relations-established", "a.txt", "38")]}


def test_the_changes_are_counted_in_words_by_kind():
    said = listing("20260101T000000Z-1", _found()).summary
    assert said == ("Since run 20260101T000000Z-1 the data changed: 2 posts opened and 1 event "
                    "added.")


def test_the_landing_page_opens_with_the_sentence_and_lists_every_change(tmp_path):
    page = write_index(tmp_path, [], True, changes=listing("r-1", _found())).read_text(
        encoding="utf-8")
    assert page.index("Since run r-1 the data changed: 2 posts opened") < page.index(
        "id='changes'")
    assert "Peru has an embassy in &lt;b&gt;Accra&lt;/b&gt;" in page  # source text stays text


def test_no_sentence_when_nothing_changed(tmp_path):
    page = write_index(tmp_path, [], True, changes=listing("r-1", {"Posts": []})).read_text(
        encoding="utf-8")
    assert "the data changed" not in page
