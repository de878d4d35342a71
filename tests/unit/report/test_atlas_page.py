"""The atlas page: every subject's landing page by region, only where a complete run exists, and
a subject whose reports failed listed with what failed."""

from __future__ import annotations

import re

from helpers.report.atlas import write_atlas


def test_the_atlas_page_groups_subjects_by_region_and_links_only_complete_runs(tmp_path):
    for iso3 in ("NZL", "CHL"):
        (tmp_path / iso3 / "latest").mkdir(parents=True)
        (tmp_path / iso3 / "latest" / "index.html").write_text("<html></html>",
                                                               encoding="utf-8")
    results = [{"iso3": "NZL", "failed": []}, {"iso3": "CHL", "failed": []},
               {"iso3": "NGA", "failed": ["peers"]}]
    page = write_atlas(tmp_path, results, ["coverage", "peers"], "the register of posts")
    html = page.read_text(encoding="utf-8")
    regions = re.findall(r"data-region='(\w+)'", html)
    assert regions == ["Africa", "Americas", "Oceania"]
    assert '<a href="CHL/latest/index.html">Chile</a>' in html
    assert '<a href="NZL/latest/index.html">New Zealand</a>' in html
    assert "<span>Nigeria</span> <span class='status'>(NGA; failed: peers)</span>" in html
    assert "3 countries" in html and "1 had a report fail" in html
    assert not list(tmp_path.glob(".*.tmp"))  # written whole, then moved into place
