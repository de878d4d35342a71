"""Every notebook runs on every build of the corpus of real articles (tests/corpus).

Each document is built into a folder of its own; each notebook then runs with its defaults
through PROCESSED_DIR (04 with the document's first identified partner). A notebook fails the
test on any exception; a relations row whose region no chart shows (``unknown``) would be
dropped silently by the by-region views, so the build of each document is checked first.
"""

from __future__ import annotations

import pytest
from documents import CORPUS
from notebook_runs import execute

from helpers.analysis import params
from helpers.build.pipeline import build
from helpers.core import places
from helpers.core.schema import REGIONS

pytestmark = [pytest.mark.slow, pytest.mark.integration]
DOCUMENTS = sorted(p.name for p in CORPUS.iterdir() if (p / "manifest.toml").is_file())


@pytest.fixture(scope="module")
def builds(tmp_path_factory, read_csv):
    out = {}
    for name in DOCUMENTS:
        folder = tmp_path_factory.mktemp(name)
        build(raw=CORPUS / name, out=folder)
        out[name] = folder, read_csv(folder / "relations.csv")
    return out


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_relation_has_a_region_the_notebooks_show(builds, document):
    _folder, relations = builds[document]
    assert [r["region"] for r in relations if r["region"] not in REGIONS] == []


@pytest.mark.parametrize("name", params.notebooks())
@pytest.mark.parametrize("document", DOCUMENTS)
def test_a_notebook_runs_on_a_corpus_build(builds, tmp_path, monkeypatch, document, name):
    folder, relations = builds[document]
    monkeypatch.setenv("PROCESSED_DIR", str(folder))  # the kernel inherits it
    extra = {}
    if name == "04-country-profile":
        partner = next((r["iso3"] for r in relations if r["iso3"]), "")
        if not partner:
            pytest.skip(f"{document}: no table row, so no partner to profile")
        extra = {"country": places.name_of(partner)}
    execute(name, tmp_path, **extra)
