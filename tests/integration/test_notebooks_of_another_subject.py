"""Every notebook runs on another subject's build (PROCESSED_DIR) and speaks of that subject.

The document is tests/fixtures/chile without its row about Peru, under a manifest written here,
so nothing in the data mentions Peru: no output may either. Each notebook runs once, with its
defaults (04 with a partner of that data), through the same papermill runner as the other
notebook tests.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from documents import FIXTURES
from notebook_runs import execute

from helpers.analysis import params
from helpers.build.pipeline import build

# Words of the Peru build that this data does not contain ("stillimage" is not Lima)
NOT_IN_THIS_DATA = re.compile(r"\b(?:peru|peruvian|lima|2009|2016)\b|trade promotion",
                              re.IGNORECASE)
CHILE = FIXTURES / "chile" / "foreign_relations_of_chile.txt"
MANIFEST = """[subject]
name = "Chile"
iso3 = "CHL"
capital = "Santiago"

[[sources]]
file = "relations_of_chile.txt"
kind = "article"
title = "Foreign relations of Chile, four rows (test fixture)"
publisher = "helpers test suite"
date = "2024-01"
url = "https://example.org/relations-of-chile"
licence = "CC0 1.0"
sha256 = "{sha256}"
"""


@pytest.fixture(scope="module")
def chile_without_peru(tmp_path_factory) -> Path:
    """Build the fixture minus its last row (the one about Peru) into a folder of its own."""
    raw = tmp_path_factory.mktemp("raw")
    lines = CHILE.read_text(encoding="utf-8").splitlines(keepends=True)
    last_row = next(i for i, line in enumerate(lines) if "See Chile" in line)
    text = "".join(lines[:last_row]) + "\n"  # up to the border that closes the row before
    assert "Peru" not in text and "Lima" not in text
    (raw / "relations_of_chile.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (raw / "manifest.toml").write_text(MANIFEST.format(sha256=digest), encoding="utf-8")
    out = tmp_path_factory.mktemp("processed")
    build(raw=raw, out=out)
    return out


def _outputs(executed: Path, out: Path) -> tuple[str, str]:
    """(every markdown output, everything shown or saved: outputs, CSV tables, SVG figures)."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    markdown, shown = [], []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            for kind, value in o.get("data", {}).items():
                text = "".join(value) if isinstance(value, list) else str(value)
                (markdown if kind == "text/markdown" else shown).append(text)
            shown.append("".join(o.get("text", "")) + o.get("evalue", ""))
    shown += [p.read_text(encoding="utf-8") for p in sorted(out.glob("*.csv"))]
    shown += [p.read_text(encoding="utf-8") for p in sorted(out.glob("*.svg"))]
    return "\n".join(markdown), "\n".join(markdown + shown)


@pytest.mark.parametrize("name", params.notebooks())
def test_a_notebook_speaks_of_the_subject_of_its_data(chile_without_peru, tmp_path,
                                                      monkeypatch, name):
    monkeypatch.setenv("PROCESSED_DIR", str(chile_without_peru))  # the kernel inherits it
    extra = {"country": "Brazil"} if name == "04-country-profile" else {}
    out, executed = execute(name, tmp_path, **extra)
    markdown, everything = _outputs(executed, out)
    assert "Subject: **Chile** (CHL, capital Santiago)" in markdown
    assert "Foreign relations of Chile, four rows (test fixture)" in markdown
    assert NOT_IN_THIS_DATA.findall(everything) == []
    if name == "02-mission-coverage":
        counts = pd.read_csv(out / "posts-by-region.csv")
        assert set(counts["side"]) == {"Chile's posts abroad", "Partners' posts serving Chile"}
    if name == "03-trade-figures":
        assert "This dataset has no trade statistics for Chile" in markdown
        assert not list(out.glob("*.svg"))  # no empty chart
    if name == "04-country-profile":
        assert "Diplomatic posts between Chile and Brazil" in everything
