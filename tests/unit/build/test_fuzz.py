"""Property-based tests: random cells inside well-formed grid borders, and random mutations of
the article. The build either succeeds with every statement accounted for, or stops with the
project's own error naming the file and line. Any other exception fails.

Few examples, derandomized: the same cases run every time, and ``make test`` stays fast.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from documents import ARTICLE, grid, write_source
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.build.pipeline import build
from helpers.build.sources import read_manifest
from helpers.core import paths
from helpers.core.exceptions import ProjectError

FUZZ = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces of the sentences these articles are made of, so random text reaches the rules.
PHRASES = [
    "Chile", "Peru", "Argentina", "United States", "Brazil", "has an embassy in", "Lima",
    "Santiago", "Washington, D.C.,", "is accredited to", "from its embassy in", "and",
    "a consulate-general in", "consulates in", "honorary consulates in", "closed its embassy in",
    "reopened", "suspended the operations of its embassy in", "in 1965", "1965", "c. 1850",
    "1820s", "5 May 1987, broken 9 September 1996", "Diplomatic relations were broken off on",
    "restored on 8 June 1975", "severed", "re-established", "See Chile–Peru relations",
    "Both countries are members of the", "Organization of American States", "$4 million",
    "more than 30%", "the", "[12]", ".", ",", "-   ", "There is a", "Consular Agency in Cuzco",
]
_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126,
                                       blacklist_characters="|+"), max_size=30)
_WORDS = st.lists(st.one_of(st.sampled_from(PHRASES), _TEXT), max_size=8).map(" ".join)
_CELL_LINES = st.lists(_WORDS.map(str.strip), max_size=3)
_ROWS = st.lists(st.tuples(_WORDS.map(str.strip), _WORDS.map(str.strip), _CELL_LINES),
                 min_size=1, max_size=4)
_FILE_AND_LINE = re.compile(r"\.(?:txt|toml):\d+: ")


def _check(raw: Path) -> None:
    """Build ``raw``: success with a balanced ledger, or a ProjectError with file and line."""
    out = Path(tempfile.mkdtemp(prefix="fuzz-out-"))
    try:
        counts = build(raw=raw, out=out / "processed")
    except ProjectError as exc:
        assert _FILE_AND_LINE.search(str(exc)), f"no file and line in: {exc}"
        assert not (out / "processed").exists()
        return
    finally:
        shutil.rmtree(out, ignore_errors=True)
    assert counts["statements read"] == (counts["represented"]
                                         + counts["unparsed (listed with a reason)"])


@FUZZ
@given(rows=_ROWS, heading=st.sampled_from(["Americas", "Middle East", "Caribbean", "Europe"]))
def test_random_cells_inside_well_formed_borders(rows, heading):
    text = f"Intro sentence about Chile.\n\n{heading}\n\n{grid(rows)}\n"
    with tempfile.TemporaryDirectory() as folder:
        _check(write_source(Path(folder) / "raw", text))


def _table_rows(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line indexes of every table body row, its closing border included."""
    out, start = [], None
    for i, line in enumerate(lines):
        if line.startswith("+") and set(line) <= set("+-:"):
            if start is not None and i > start:
                out.append((start, i))
            start = i + 1
        elif line.startswith("+"):  # the header separator
            start = i + 1
        elif not line.startswith("|"):
            start = None
    return out


_MUTATION = st.tuples(st.sampled_from(["replace", "duplicate", "remove"]),
                      st.integers(min_value=0, max_value=10_000), _WORDS)


@FUZZ
@given(mutations=st.lists(_MUTATION, min_size=1, max_size=3))
def test_random_mutations_of_the_article(mutations):
    lines = (paths.RAW / ARTICLE).read_text(encoding="utf-8").split("\n")
    for kind, pick, words in mutations:
        rows = _table_rows(lines)
        first, last = rows[pick % len(rows)]
        if kind == "replace":  # one line of one cell, same width
            n = first + pick % (last - first)
            edges = [j for j, ch in enumerate(lines[n]) if ch == "|"]
            k = pick % (len(edges) - 1)
            a, b = edges[k], edges[k + 1]
            cell = (" " + words)[: b - a - 1].ljust(b - a - 1)
            lines[n] = lines[n][: a + 1] + cell + lines[n][b:]
        elif kind == "duplicate":
            lines[first:first] = lines[first:last + 1]
        elif len(rows) > 1:
            del lines[first:last + 1]
    subject = read_manifest(paths.RAW).subject  # the article alone: the rules under test
    with tempfile.TemporaryDirectory() as folder:
        _check(write_source(Path(folder) / "raw", "\n".join(lines),
                            (subject.name, subject.iso3, subject.capital), file=ARTICLE))
