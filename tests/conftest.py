"""Shared fixtures: the real sources, one build of them per session, and copies to corrupt.

The session build goes to a temporary folder (never into data/), so the tests can compare it
with the committed tables in data/processed and never change them.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest
from documents import ARTICLE, FACT_SHEET, FIXTURES

from helpers.build.pipeline import build
from helpers.build.statements import read_article, read_fact_sheet
from helpers.core import paths, schema


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def article_lines() -> list[str]:
    return (paths.RAW / ARTICLE).read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def fact_sheet_lines() -> list[str]:
    return (paths.RAW / FACT_SHEET).read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def article_doc(article_lines):
    return read_article(article_lines, ARTICLE, schema.REGIONS)


@pytest.fixture(scope="session")
def fact_sheet_doc(fact_sheet_lines):
    return read_fact_sheet(fact_sheet_lines, FACT_SHEET)


@pytest.fixture(scope="session")
def peru_build(tmp_path_factory):
    """Build data/raw once per session into a temporary folder: (folder, printed counts)."""
    out = tmp_path_factory.mktemp("processed")
    counts = build(raw=paths.RAW, out=out)
    return out, counts


@pytest.fixture(scope="session")
def built(peru_build) -> Path:
    return peru_build[0]


@pytest.fixture(scope="session")
def chile_built(tmp_path_factory):
    """The other subject's fixture (tests/fixtures/chile) built once: (folder, counts)."""
    out = tmp_path_factory.mktemp("chile")
    return out, build(raw=FIXTURES / "chile", out=out)


@pytest.fixture(scope="session")
def chile_build(chile_built) -> Path:
    return chile_built[0]


@pytest.fixture(scope="session")
def counts(peru_build) -> dict[str, int]:
    return peru_build[1]


@pytest.fixture(scope="session")
def tables(built) -> dict[str, list[dict]]:
    """Every table of the session build as written: rows of strings, by table name."""
    return {name: _read_csv(built / t.file) for name, t in schema.TABLES.items()}


@pytest.fixture(scope="session")
def rows(tables):
    """``rows("missions", line=35)``: the rows of a table whose cells equal the given values."""

    def select(name: str, **where) -> list[dict]:
        return [r for r in tables[name] if all(r[k] == str(v) for k, v in where.items())]

    return select


@pytest.fixture(scope="session")
def read_csv():
    return _read_csv


class RawCopy:
    """A copy of data/raw to corrupt; ``write`` can record the new checksum in its manifest,
    so that the build gets past the checksum check to the error a test means to reach."""

    def __init__(self, folder: Path):
        self.folder = folder
        shutil.copytree(paths.RAW, folder)

    def path(self, name: str) -> Path:
        return self.folder / name

    def write(self, name: str, data: bytes, record_checksum: bool = True) -> Path:
        target = self.path(name)
        old = hashlib.sha256(target.read_bytes()).hexdigest()
        target.write_bytes(data)
        if record_checksum:
            manifest = self.path(paths.MANIFEST_NAME)
            text = manifest.read_text(encoding="utf-8")
            assert old in text, "the manifest should record the original checksum"
            manifest.write_text(text.replace(old, hashlib.sha256(data).hexdigest()),
                                encoding="utf-8")
        return target


@pytest.fixture
def raw_copy(tmp_path) -> RawCopy:
    return RawCopy(tmp_path / "raw")


@pytest.fixture(scope="session")
def frames():
    """Every processed table, typed, as the notebooks load them (helpers.data.load)."""
    from helpers.data import load

    return load.load_all()


# ---------------------------------------------------------------- the order of files
#
# `make test` hands whole files to 2 workers (--dist loadfile), each worker asking for the next
# file as it runs dry. Sending the files that start report runs or notebooks first, the longest
# first, and the many quick ones after, keeps both workers busy to the end instead of leaving
# one to run a long file alone (pyproject.toml turns off xdist's own ordering, by number of
# tests, which put these last). Seconds of a run on 2 cores, longest first; a file not listed
# comes after them in the order collected.
SLOW_FIRST = ("test_reports.py", "test_notebooks.py", "test_notebooks_of_another_subject.py",
              "test_profile_notebook.py", "test_pages.py", "test_peer_notebook.py",
              "test_quality.py", "test_runner_out.py", "test_changes.py", "test_incremental.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: files stay whole
