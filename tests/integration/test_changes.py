"""What changed since the previous run: listed with source lines when the data changed."""

from __future__ import annotations

import os

import pytest
from documents import ARTICLE
from runner_runs import cli, config

from helpers.build.pipeline import build
from helpers.report import changes


def _edited_sources(raw_copy) -> None:
    """One post added (a bullet inserted, so every later line moves) and one date changed."""
    lines = raw_copy.path(ARTICLE).read_text(encoding="utf-8").split("\n")
    i = next(n for n, line in enumerate(lines) if "South Korea has an embassy in Lima." in line)
    said, added = "South Korea has an embassy in Lima.", "Peru has a consulate-general in Busan."
    bullet = lines[i].replace(said + " " * (len(added) - len(said)), added)
    assert len(bullet) == len(lines[i])  # the grid table stays aligned
    lines.insert(i + 1, bullet)
    j = next(n for n, line in enumerate(lines) if "recognized Palestine on 24 January 2011" in line)
    lines[j] = lines[j].replace("24 January 2011.", "24 January 2012.")
    raw_copy.write(ARTICLE, "\n".join(lines).encode("utf-8"))


@pytest.mark.slow
def test_a_run_on_changed_data_lists_what_changed_with_source_lines(tmp_path, raw_copy, built):
    _edited_sources(raw_copy)
    build(raw_copy.folder, tmp_path / "processed")
    out = tmp_path / "runs"
    path = config(tmp_path, "  - {name: cheap, notebook: ok}\n  - {name: other, notebook: ok}\n")
    first = cli(path, out, "--only", "cheap", env={"PROCESSED_DIR": str(built)})
    assert first.returncode == 0, first.stderr
    run1 = os.readlink(out / "latest")
    assert not (out / run1 / "changes.html").exists()  # nothing to compare with yet
    assert (out / run1 / "data" / "missions.csv").read_bytes() == (
        built / "missions.csv").read_bytes()
    second = cli(path, out, "--only", "cheap", env={"PROCESSED_DIR": str(tmp_path / "processed")})
    assert second.returncode == 0, second.stderr
    run2 = out / os.readlink(out / "latest")
    page = (run2 / "changes.html").read_text(encoding="utf-8")
    assert f"What changed since run <code>{run1}</code>" in page
    assert ("<strong>post opened</strong>: PER consulate general in Busan (accredited to KOR): "
            f"Peru has a consulate-general in Busan. <code>{ARTICLE}:128</code>") in page
    assert ("<strong>event changed</strong>: recognition 2012-01-24: Peru recognized Palestine "
            "on 24 January 2012. (date 2011-01-24 → 2012-01-24) "
            f"<code>{ARTICLE}:120</code>") in page
    assert page.count("<li ") == 2  # moved lines are not changes
    assert page.count("<p>No change.</p>") == 2  # partners, figures
    index = (run2 / "index.html").read_text(encoding="utf-8")
    assert index.index("<section id='changes'>") < index.index("<table>")
    assert "Peru has a consulate-general in Busan." in index
    assert "executed" in index  # the data changed, so the job ran again


def test_partners_figures_and_closed_posts_are_listed(tmp_path, built, read_csv):
    import csv
    import shutil

    new = tmp_path / "new"
    shutil.copytree(built, new)

    def rewrite(name, edit):
        rows = read_csv(new / name)
        fields = list(rows[0])
        rows = edit(rows)
        with open(new / name, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    rewrite("relations.csv", lambda rows: [r for r in rows if r["partner"] != "Algeria"])
    rewrite("figures.csv", lambda rows: [
        {**r, "value": "1400000000"} if r["indicator"] == "agricultural_trade_two_way"
        and r["year"] == "2009" else r for r in rows])
    rewrite("missions.csv", lambda rows: [
        {**r, "status": "closed", "status_year": "2020"} if r["city"] == "Algiers"
        and r["source"] == ARTICLE else r
        for r in rows])
    found = changes.compare(built, new)
    assert [(c.kind, c.text, c.where) for c in found["Partners"]] == [
        ("partner removed", "Algeria (Africa)", f"{ARTICLE}:13")]
    assert [(c.kind, c.where) for c in found["Posts"]] == [("post closed", f"{ARTICLE}:14")]
    assert "status open → closed; status_year (empty) → 2020" in found["Posts"][0].text
    assert [c.kind for c in found["Figures"]] == ["figure changed"]
    assert "value 1300000000 → 1400000000" in found["Figures"][0].text
    assert found["Events"] == []


def test_source_text_in_the_listing_is_escaped():
    found = {"Posts": [changes.Change("post opened", "Peru has an embassy in <script>x</script>",
                                      "a<b>.txt", "3")]}
    html = changes.section("run-1", found)
    assert "<script>" not in html and "<b>" not in html
    assert "in &lt;script&gt;x&lt;/script&gt;" in html and "a&lt;b&gt;.txt:3" in html
