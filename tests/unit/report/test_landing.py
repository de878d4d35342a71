"""The landing page's findings: each one function, comparative, linked to the report that shows
it, and counting posts exactly as the coverage report does."""

from __future__ import annotations

import json
from types import SimpleNamespace

from helpers.core import paths
from helpers.report import landing


def outcome(name, notebook, parameters=None, status="ok"):
    return SimpleNamespace(name=name, notebook=notebook, parameters=parameters or {},
                           status=status, error="", reused_from="")


def _coverage_sentence() -> str:
    """The count of posts the coverage notebook states, as its stored default run shows it."""
    nb = json.loads((paths.NOTEBOOKS / "02-mission-coverage.ipynb").read_text("utf-8"))
    said = ["".join(o["data"]["text/markdown"]) for c in nb["cells"] for o in c.get("outputs", [])
            if "text/markdown" in o.get("data", {})]
    return next(s for s in said if "(all sources)" in s)


def test_the_landing_page_counts_posts_as_the_coverage_report_does():
    first = landing.findings(subject="Peru")[0]
    assert "(all sources)" in first.text
    assert first.text == _coverage_sentence()  # the same definition, the same numbers


def test_findings_compare_and_each_links_to_the_report_that_shows_it(tmp_path):
    jobs = [outcome("coverage", "02-mission-coverage"), outcome("peers", "06-peer-comparison"),
            outcome("timeline", "01-relation-timeline"),
            outcome("profile-pse", "04-country-profile", {"country": "PSE"}),
            outcome("data-quality", "05-data-quality"),
            outcome("coverage-africa", "02-mission-coverage", {"regions": ["Africa"]})]
    for job in jobs:
        (tmp_path / f"{job.name}.html").write_text("<p>report</p>", encoding="utf-8")
    said = landing.findings(subject="Peru", reports=landing.Reports.of(tmp_path, jobs))
    assert 3 <= len(said) <= 5
    links = [link for f in said for link in f.links]
    assert ("coverage.html", "Coverage: every region") in links
    assert ("peers.html", "Peers: Peru beside South America") in links
    assert ("profile-pse.html", "Profile: Palestine") in links
    assert ("data-quality.html", "Data quality: where the sources differ") in links
    assert not [name for _, name in links if "default" in name]
    ranked = next(f.text for f in said if "ranks" in f.text)
    assert "Peru's network ranks **4th**" in ranked and "Brazil 140" in ranked


def test_a_finding_without_its_report_still_stands_unlinked(tmp_path):
    said = landing.findings(subject="Peru", reports=landing.Reports.of(
        tmp_path, [outcome("coverage", "02-mission-coverage", status="failed")]))
    assert said and all(f.links == () for f in said)


def test_the_findings_are_a_list_of_functions_one_more_is_one_more_finding(monkeypatch):
    extra = landing.Finding("One more.")
    monkeypatch.setattr(landing, "FINDINGS", (*landing.FINDINGS, lambda *a: extra))
    assert landing.findings(subject="Peru")[-1] == extra
