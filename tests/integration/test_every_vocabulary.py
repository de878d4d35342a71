"""Every notebook runs on data that holds every value of every vocabulary, and drops none.

The package (tests/vocabulary.py) is the subject's build with a row added for each value of a
schema vocabulary the real data lacks: a broken relation, a suspended post, a decade-dated
relation, an `at-least` figure, every decision kind... Each notebook runs once on it through
``PROCESSED_DIR``; a chart style, a sentence or a table that misses a value fails here (notebook
01 once stopped with ``KeyError: 'relations-broken'``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from notebook_runs import execute
from vocabulary import every_value_package

from helpers.analysis import params
from helpers.core import schema

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def package(built, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("every-value") / "processed"
    every_value_package(built, out)
    return out


def test_the_package_holds_every_value_of_every_vocabulary(package):
    for table in schema.TABLES.values():
        rows = _rows(package / table.file)
        for column in table.columns:
            if column.allowed and rows:
                assert set(column.allowed) <= {r[column.name] for r in rows}, (
                    table.name, column.name)


@pytest.mark.parametrize("name", params.notebooks())
def test_every_notebook_shows_every_value_without_dropping_a_row(package, tmp_path,
                                                                  monkeypatch, name):
    monkeypatch.setenv("PROCESSED_DIR", str(package))  # the kernel inherits it
    out, _ = execute(name, tmp_path)  # any exception in any cell fails the test
    relations, missions = _rows(package / "relations.csv"), _rows(package / "missions.csv")
    if name == "01-relation-timeline":
        on, off = _rows(out / "relations-timeline.csv"), _rows(out / "not-on-timeline.csv")
        assert len(on) + len(off) == len(relations)
        assert {r["kind"] for r in _rows(out / "event-lanes.csv")} == set(schema.EVENT_KINDS)
    if name == "02-mission-coverage":
        drawn = _rows(out / "posts-map.csv")
        assert len(drawn) == len(missions)
        assert {r["post_type"] for r in drawn} == set(schema.POST_TYPES)
        assert {r["status"] for r in drawn} == set(schema.STATUSES)
    if name == "03-trade-figures":
        shown = _rows(out / "other-figures.csv")
        qualifiers = {r[c] for r in shown for c in ("qualifier", "start_qualifier",
                                                     "end_qualifier") if r.get(c)}
        assert qualifiers >= {"exact", "at-least", "more-than"}
    if name == "05-data-quality":
        precision = _rows(out / "date-precision.csv")
        assert sum(int(r["rows"]) for r in precision) == len(relations)
        assert all(sum(int(r[p]) for p in (*schema.PRECISIONS, "none")) == int(r["rows"])
                   for r in precision)
        assert sum(int(r["decade"]) for r in precision) >= 1
        assert {r["kind"] for r in _rows(out / "decisions.csv")} == set(schema.DECISION_KINDS)
