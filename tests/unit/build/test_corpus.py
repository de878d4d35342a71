"""The corpus of real articles (tests/corpus): each builds, and reads as its hand-checked
expected.toml says, apart from the misses listed here (each a limit in tests/corpus/README.md).
A new miss, or a miss that is fixed, fails the test: update the list and the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from documents import CORPUS

from benchmarks.corpus import read_document

KNOWN = (Path(__file__).parent / "corpus_known_misses.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def readings():
    return {p.name: read_document(p) for p in sorted(CORPUS.iterdir())
            if (p / "expected.toml").is_file()}


def test_there_are_at_least_twenty_articles_ten_with_bilateral_tables(readings):
    assert len(readings) >= 20
    assert sum(1 for r in readings.values() if r.counts["table rows"]) >= 10


def test_every_statement_is_represented_or_unparsed(readings):
    for r in readings.values():
        c = r.counts
        assert c["statements read"] == c["represented"] + c["unparsed (listed with a reason)"]


def test_each_document_reads_as_expected_apart_from_the_known_misses(readings):
    found = []
    for name, r in readings.items():
        for table in r.scores:
            found += [f"{name}: {table} missed   {row}" for row in r.missed[table]]
            found += [f"{name}: {table} unexpected {row}" for row in r.extra[table]]
    assert sorted(found) == sorted(line for line in KNOWN.splitlines()
                                   if line and not line.startswith("#"))


def test_no_build_breaks_an_invariant(readings):
    """No post in its sender's own territory, no possessive or country name as a city, and a
    post goes to the country its own clause names as sending it."""
    assert [v for r in readings.values() for v in r.violations] == []
