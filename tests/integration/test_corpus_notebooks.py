"""Every notebook runs on every build of the corpus of real articles (tests/corpus).

Each document is built into a folder of its own; each notebook then runs with its defaults
through PROCESSED_DIR (04 with the document's first identified partner, or the first country
one of its posts concerns when it has no bilateral table). A notebook fails the test on any
exception. (Every value of every vocabulary, the ``unknown`` region included, is drawn: see
test_every_vocabulary.py.)
"""

from __future__ import annotations

import pytest
from documents import CORPUS
from notebook_runs import execute

from helpers.analysis import params
from helpers.build.pipeline import build
from helpers.core import places

pytestmark = [pytest.mark.slow, pytest.mark.integration]
DOCUMENTS = sorted(p.name for p in CORPUS.iterdir() if (p / "manifest.toml").is_file())


@pytest.fixture(scope="module")
def builds(tmp_path_factory, read_csv):
    out = {}
    for name in DOCUMENTS:
        folder = tmp_path_factory.mktemp(name)
        build(raw=CORPUS / name, out=folder)
        out[name] = folder, read_csv(folder / "relations.csv"), read_csv(folder / "missions.csv")
    return out


@pytest.mark.parametrize("name", params.notebooks())
@pytest.mark.parametrize("document", DOCUMENTS)
def test_a_notebook_runs_on_a_corpus_build(builds, tmp_path, monkeypatch, document, name):
    folder, relations, missions = builds[document]
    monkeypatch.setenv("PROCESSED_DIR", str(folder))  # the kernel inherits it
    extra = {}
    if name == "04-country-profile":
        partner = next((r["iso3"] for r in relations if r["iso3"]), "") or next(
            r["partner_iso3"] for r in missions if r["partner_iso3"])
        extra = {"country": places.name_of(partner)}
    execute(name, tmp_path, **extra)
