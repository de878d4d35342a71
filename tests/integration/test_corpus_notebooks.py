"""Every notebook runs on every build of the corpus of real articles (tests/corpus).

Each document is built into a folder of its own; each notebook then runs with its defaults
through PROCESSED_DIR (04 with the document's first identified partner, else the first country
one of its posts concerns, else the first other member of one of its memberships, else the
first country by name the document never mentions, whose profile says the sources say
nothing). A notebook fails the test on any exception. (Every value of every vocabulary, the
``unknown`` region included, is drawn: see test_every_vocabulary.py.)
"""

from __future__ import annotations

import pytest
from documents import CORPUS
from notebook_runs import execute

from helpers.analysis import params
from helpers.build.pipeline import build
from helpers.build.sources import read_manifest
from helpers.core import places

pytestmark = [pytest.mark.slow, pytest.mark.integration]
DOCUMENTS = sorted(p.name for p in CORPUS.iterdir() if (p / "manifest.toml").is_file())


@pytest.fixture(scope="module")
def builds(tmp_path_factory, read_csv):
    out = {}
    for name in DOCUMENTS:
        folder = tmp_path_factory.mktemp(name)
        build(raw=CORPUS / name, out=folder)
        out[name] = folder, _profiled(name, folder, read_csv)
    return out


def _profiled(document: str, folder, read_csv) -> str:
    """The country notebook 04 profiles on a document's build (see the module docstring)."""
    subject = read_manifest(CORPUS / document).subject.iso3
    found = ([r["iso3"] for r in read_csv(folder / "relations.csv")]
             + [r["partner_iso3"] for r in read_csv(folder / "missions.csv")]
             + [r["member_iso3"] for r in read_csv(folder / "memberships.csv")])
    found = [iso3 for iso3 in found if iso3 and iso3 != subject]
    if not found:
        said = " ".join(r["text"] for r in read_csv(folder / "statements.csv"))
        found = [c.iso3 for c in sorted(places.countries().values(), key=lambda c: c.name)
                 if c.is_state and c.iso3 != subject and c.name not in said]
    return places.name_of(found[0])


@pytest.mark.parametrize("name", params.notebooks())
@pytest.mark.parametrize("document", DOCUMENTS)
def test_a_notebook_runs_on_a_corpus_build(builds, tmp_path, monkeypatch, document, name):
    folder, profiled = builds[document]
    monkeypatch.setenv("PROCESSED_DIR", str(folder))  # the kernel inherits it
    extra = {"country": profiled} if name == "04-country-profile" else {}
    execute(name, tmp_path, **extra)
