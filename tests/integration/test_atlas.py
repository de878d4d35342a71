"""The atlas: every subject's dataset from the worldwide sources, its reports on the Dask engine
and one page linking every landing page by region; a rerun executes nothing unchanged."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from helpers.core import paths

pytestmark = pytest.mark.slow


def _atlas(out, *args):
    return subprocess.run([sys.executable, "-m", "helpers.report.atlas", "--subjects",
                           "CHL,NZL", "--out", str(out), "--jobs", "2", *args],
                          capture_output=True, text=True, cwd=paths.ROOT, timeout=600)


def test_the_atlas_links_every_subjects_landing_page_and_reruns_incrementally(tmp_path):
    out = tmp_path / "atlas"
    # two subjects at once, each its own process, on one LocalCluster
    first = _atlas(out, "--engine", "dask", "--parallel", "2")
    assert first.returncode == 0, first.stdout + first.stderr
    assert re.search(r"^atlas \[[12]/2\] CHL Chile: 4 of 4 reports ok \(0 reused\)$",
                     first.stdout, re.M), first.stdout
    assert re.search(r"^atlas \[[12]/2\] NZL New Zealand: 4 of 4 reports ok", first.stdout, re.M)
    page = (out / "index.html").read_text(encoding="utf-8")
    regions = re.findall(r"data-region='(\w+)'><h3>\w+</h3><ul class='reports'><li "
                         r"class='ok'><a href=\"(\w+)/latest/index.html\">", page)
    assert regions == [("Americas", "CHL"), ("Oceania", "NZL")]
    assert "id='country-filter'" in page
    for iso3, name in (("CHL", "Chile"), ("NZL", "New Zealand")):
        landing = (out / iso3 / "latest" / "index.html").read_text(encoding="utf-8")
        assert f"Foreign relations of {name}" in landing
        assert not re.search(r"src=\"https?:|<link ", landing)  # loads nothing: offline
    again = _atlas(out, "--quiet")  # one subject after the other, on the local pool, which
    # reuses what Dask made: same inputs
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.splitlines() == [f"atlas: 2 of 2 countries ok; open {out}/index.html"]
    for iso3 in ("CHL", "NZL"):
        runs = sorted(p for p in (out / iso3).iterdir() if p.name[0].isdigit())
        assert len(runs) == 2
        manifest = (runs[-1] / "manifest.json").read_text(encoding="utf-8")
        assert '"executed": 0' in manifest and '"reused": 4' in manifest


def test_an_unknown_subject_is_refused_before_anything_runs(tmp_path):
    done = subprocess.run([sys.executable, "-m", "helpers.report.atlas", "--subjects",
                           "CHL,XYZ", "--out", str(tmp_path / "atlas")], capture_output=True,
                          text=True, cwd=paths.ROOT)
    assert done.returncode == 2
    assert done.stderr == ("atlas: refused: --subject: 'XYZ' is not the ISO 3166-1 alpha-3 "
                           "code of a country (for example CHL, NGA, NZL)\n")
    assert not (tmp_path / "atlas").exists()
