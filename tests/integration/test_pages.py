"""The reports' HTML: self-contained pages, header and contents, escaping, the landing page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import nbformat
import pandas as pd
import pytest

from helpers.analysis import profile
from helpers.core import paths, text
from helpers.data import descriptor
from helpers.report import changes, export, landing

# one report of each notebook: what the offline test and the browser test open
ONE_OF_EACH = ("timeline-oceania", "coverage-europe", "trade-millions", "profile-usa",
               "data-quality")
EVIL = "Lima <script>alert(1)</script> *starred* [x](javascript:alert(1)) a | b"


def run_reports(out: Path, *names: str) -> subprocess.CompletedProcess:
    only = [arg for name in names for arg in ("--only", name)]
    return subprocess.run([sys.executable, "-m", "helpers.report", "--out", str(out),
                           "--jobs", "2", "--quiet", *only],
                          capture_output=True, text=True, cwd=paths.ROOT, timeout=600,
                          env={**os.environ})


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pages") / "reports"
    done = run_reports(out, *ONE_OF_EACH)
    assert done.returncode == 0, done.stdout + done.stderr
    return (out / "latest").resolve()


class _Refs(HTMLParser):
    """Every reference an HTML page makes: (tag, attribute, value), inline CSS url()s too."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "poster", "data", "action",
                        "formaction", "background", "manifest", "ping"):
                self.refs.append((tag, name, value or ""))
            if name == "style" and value:
                self.refs += [(tag, "style", u) for u in _css_urls(value)]
        self._style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._style = False

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if self._style:
            self.refs += [("style", "url", u) for u in _css_urls(data)]


def _css_urls(css: str) -> list[str]:
    found = re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
    found += re.findall(r"@import\s+['\"]([^'\"]+)", css)
    return found


def refs_leaving(page: str) -> list[tuple[str, str, str]]:
    """References that load something from outside the file (links a reader clicks are not)."""
    parser = _Refs()
    parser.feed(page)
    leaving = []
    for tag, attr, value in parser.refs:
        value = value.strip()
        if value.startswith("#") or value.startswith("data:"):
            continue
        if tag == "a" and attr == "href" and urlparse(value).scheme in ("", "http", "https"):
            continue  # a link the reader clicks
        leaving.append((tag, attr, value))
    return leaving


def test_no_html_file_of_a_report_run_loads_anything_from_outside(run_dir):
    files = sorted(run_dir.glob("*.html"))
    assert {p.stem for p in files} == {*ONE_OF_EACH, "index"}
    for path in files:
        page = path.read_text(encoding="utf-8")
        assert refs_leaving(page) == [], path.name
        for script in ("require.min.js", "MathJax.js", "mermaid", "cdnjs", "jsdelivr", "unpkg"):
            assert script not in page, (path.name, script)


def test_the_reference_checker_catches_what_a_page_could_load():
    page = ("<script src='https://cdn.example/x.js'></script><link href='x.css'>"
            "<img src='http://e.org/a.png'><svg><use xlink:href='pic.svg#a'/></svg>"
            "<div style=\"background:url('http://e.org/b.png')\"></div>"
            "<style>@import 'http://e.org/c.css';</style><a href='javascript:alert(1)'>x</a>"
            "<a href='https://example.org/'>ok</a><a href='#top'>ok</a>"
            "<img src='data:image/png;base64,AA=='>")
    assert [v for _, _, v in refs_leaving(page)] == [
        "https://cdn.example/x.js", "x.css", "http://e.org/a.png", "pic.svg#a",
        "http://e.org/b.png", "http://e.org/c.css", "javascript:alert(1)"]


def test_local_links_point_at_files_of_the_run(run_dir):
    for path in run_dir.glob("*.html"):
        parser = _Refs()
        parser.feed(path.read_text(encoding="utf-8"))
        for tag, _, value in parser.refs:
            if tag == "a" and not urlparse(value).scheme and not value.startswith("#"):
                assert (run_dir / value).is_file(), (path.name, value)


def test_a_report_opens_with_its_question_and_keeps_the_run_details_in_its_footer(run_dir):
    page = (run_dir / "coverage-europe.html").read_text(encoding="utf-8")
    main = page.split("<main>")[1]
    title = main.index("<h1")
    byline = main.index("<p class='report-byline'>")
    summary = main.index("<section class='report-summary'>")
    about = re.search(r"<footer class=.report-about. id=.about.>", main).start()
    assert title < byline < summary < main.index("<nav class='report-toc'>") < about
    line = main[byline:main.index("</p>", byline)]
    assert "Peru" in line and "By region: Europe" in line and "data as of" in line
    assert 'href="#about"' in line and run_dir.name not in main[:about]
    first_screen = main[:main.index("</section>", summary)]
    assert "sha256" not in main[:about] and ".txt" not in first_screen
    footer = main[about:main.index("</footer>", about)]
    assert "About this report" in footer
    assert f"run <code>{run_dir.name}</code>" in footer
    assert "<dt>regions</dt><dd>Europe</dd>" in footer  # readable, not JSON
    assert "{" not in footer and "&quot;" not in footer
    assert f"<code>{descriptor.data_hash()}</code>" in footer
    for source in export.load_sources():
        assert source["date"] in footer and source["licence"] in footer
        assert source["source"] in footer  # the files, named once, at the end
    toc = re.findall(r'<li><a href="#([^"]+)">', main[:about].split("report-toc")[1])
    assert toc[:3] == ["Posts-by-region-and-type", "Where-the-posts-are",
                       "Coverage-of-listed-partners"]
    for anchor in toc:
        assert f'id="{anchor}"' in page  # every entry leads to its section
    assert "hl-ipython3" not in page  # code hidden by default


def test_the_reports_show_tables_for_readers_and_the_notebooks_keep_pandas_own(run_dir):
    import json

    from helpers.analysis.table_display import READER_HTML

    page = (run_dir / "coverage-europe.html").read_text(encoding="utf-8")
    assert "reader-table" in page and ">Sending country</th>" in page
    assert ">PER</td>" not in page and 'title="PER">Peru</td>' in page
    nb = json.loads((run_dir / "coverage-europe.ipynb").read_text(encoding="utf-8"))
    both = [o["data"] for c in nb["cells"] for o in c.get("outputs", [])
            if READER_HTML in o.get("data", {})]
    assert both and all('class="dataframe"' in "".join(d["text/html"]) for d in both)
    assert all("reader-table" not in "".join(d["text/html"]) for d in both)


def test_long_tables_get_the_inline_table_tools_and_na_never_shows(run_dir):
    page = (run_dir / "data-quality.html").read_text(encoding="utf-8")
    assert "querySelectorAll(\"table.dataframe\")" in page
    assert f"var MIN_ROWS = {export.TABLE_MIN_ROWS};" in page
    assert "&lt;NA&gt;" not in page and re.search(r"<td[^>]*></td>", page)


def test_a_missing_value_shows_as_an_empty_cell():
    frame = pd.DataFrame({"city": pd.array(["Lima", pd.NA], dtype="string"),
                          "year": pd.array([2003, None], dtype="Int64")})
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("frame")
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/html": frame._repr_html_(),
                                                              "text/plain": str(frame)},
                                           execution_count=1)]
    nb.cells = [nbformat.v4.new_markdown_cell("# A table"), cell]
    assert "&lt;NA&gt;" in frame._repr_html_()  # what pandas gives
    page = export.to_html(nb, hide_code=True)
    assert "&lt;NA&gt;" not in page and re.search(r"<td[^>]*></td>", page)


# ---------------------------------------------------------------- escaping


def test_escaped_source_text_renders_as_inert_text():
    rendered = export.render_markdown(f"**Label**: {text.escape_md(EVIL)}")
    assert "<strong>Label</strong>" in rendered  # the markup the code meant stays
    assert "<script" not in rendered and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "<em>" not in rendered and "*starred*" in rendered
    assert "<a " not in rendered and "[x](javascript:alert(1))" in rendered
    assert "<table" not in rendered and "a | b" in rendered


def test_escape_md_keeps_file_names_and_drops_line_breaks():
    assert text.escape_md("foreign_relations_of_peru.txt") == "foreign_relations_of_peru.txt"
    assert text.escape_md("_x_") == r"\_x\_"
    assert text.escape_md("a\n# heading\n- item") == r"a \# heading - item"
    assert text.escape_md(pd.NA) == "" and text.escape_md(None) == ""


def test_markdown_outputs_are_rendered_inert_even_unescaped():
    rendered = export.render_markdown("<script>alert(1)</script> [y](javascript:alert(1)) "
                                     "![map](http://example.org/a.png) <img src=x onerror=y>")
    assert "<script" not in rendered and "<img" not in rendered
    assert "javascript:" not in rendered.replace("[y](javascript", "")
    assert 'src="http' not in rendered and 'href="http://example.org' not in rendered


def test_profile_markdown_escapes_the_city_a_source_names():
    from helpers.data import load

    missions = load.load_missions()
    hosted = missions[missions["city"].notna()].head(1).copy()
    hosted["city"] = EVIL
    text = profile.describe_posts(hosted.iloc[0:0], hosted.assign(serves="x"), "Peru", "Chile")
    rendered = export.render_markdown(text)
    assert "<script" not in rendered and "<em>" not in rendered and "<a " not in rendered
    assert "<table" not in rendered and "*starred*" in rendered and "a | b" in rendered


def test_a_report_page_shows_source_text_in_markdown_as_text():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(Markdown(text))")
    cell.outputs = [nbformat.v4.new_output("display_data", {
        "text/markdown": f"The busiest hub is **{EVIL}**.", "text/plain": "<Markdown>"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# T\n\n## A section"), cell]
    page = export.to_html(nb, hide_code=True)
    assert "<script>alert" not in page and "javascript:alert" not in page.replace(
        "[x](javascript:alert(1))", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---------------------------------------------------------------- the landing page


def outcome(name, notebook, parameters=None, status="ok", error="", reused_from=""):
    return SimpleNamespace(name=name, notebook=notebook, parameters=parameters or {},
                           status=status, error=error, reused_from=reused_from)


def test_the_index_opens_with_findings_then_reports_by_question_and_counts_last(run_dir,
                                                                                tmp_path):
    import shutil

    run = tmp_path / "run"
    shutil.copytree(run_dir, run)
    outcomes = [outcome("trade-millions", "03-trade-figures", {"scale": "millions"},
                        reused_from="20260101T000000Z-1"),
                outcome("coverage-europe", "02-mission-coverage", {"regions": ["Europe"]}),
                outcome("profile-usa", "04-country-profile", {"country": "USA"}),
                outcome("timeline-oceania", "01-relation-timeline", {"regions": ["Oceania"]},
                        status="failed", error="DataError: figures.csv is missing <here>")]
    listing = changes.listing("20260101T000000Z-1", {"Posts": [changes.Change(
        "post opened", "Peru has an embassy in <b>Accra</b>", "article.txt", "12")]})
    path = landing.write_index(run, outcomes, True, changes=listing)
    page = path.read_text(encoding="utf-8")
    assert "<title>Foreign relations of Peru: findings and reports</title>" in page
    assert "Peru has an embassy in &lt;b&gt;Accra&lt;/b&gt;" in page  # source text stays text
    first = landing.findings(subject="Peru")
    assert first[0].text.startswith("Peru's posts abroad (all sources): **")
    assert page.index("Peru's posts abroad (all sources)") < page.index(
        "Failed reports (1)") < page.index(
        "How is Peru represented") < page.index("id='changes'") < page.index(
        "How the dataset was processed")
    assert "DataError: figures.csv is missing &lt;here&gt;" in page
    assert "Partners by resolution" in page and "<td>unresolved</td><td class='n'>2</td>" in page
    assert ">By region: Europe</a>" in page and ">In millions</a>" in page
    assert "the notebook's defaults" not in page
    assert ">United States</a>" in page and "data-region='Americas'" in page  # by country
    assert "(reused from 20260101T000000Z-1)" in page and run_dir.name not in page
    assert "profile-usa</a>" not in page
    for source in export.load_sources():
        assert source["licence"] in page
    assert descriptor.data_hash() in page and f"pandas {pd.__version__}" in page
    assert "data:image/png" not in page  # no thumbnails too small to read
    assert refs_leaving(page) == []


def test_the_index_is_byte_identical_for_the_same_inputs(run_dir, tmp_path):
    outcomes = [outcome(name, "x") for name in ONE_OF_EACH]
    first = landing.write_index(run_dir, outcomes, True).read_bytes()
    import shutil

    again = tmp_path / "again"
    shutil.copytree(run_dir, again, ignore=shutil.ignore_patterns("index.html"))
    assert landing.write_index(again, outcomes, True).read_bytes() == first


def test_the_index_shows_the_world_map_of_the_coverage_report_run_with_its_defaults(
        run_dir, tmp_path):
    import shutil

    run = tmp_path / "run"
    shutil.copytree(run_dir, run)
    (run / "figures" / "coverage").mkdir()
    shutil.copy(run / "figures" / "coverage-europe" / "posts-map.svg",
                run / "figures" / "coverage" / "posts-map.svg")
    europe = outcome("coverage-europe", "02-mission-coverage", {"regions": ["Europe"]})
    page = landing.write_index(run, [europe], True).read_text(encoding="utf-8")
    assert "Where the posts are" not in page  # only the world view, never a region's
    world = outcome("coverage", "02-mission-coverage")
    page = landing.write_index(run, [europe, world], True).read_text(encoding="utf-8")
    assert "Where the posts are" in page and 'src="data:image/svg+xml;base64,' in page
    assert re.search(r'<img class=\'map\' src="[^"]+" alt="World map in two panels', page)


def test_the_contents_nest_subsections_under_their_section():
    body = "".join(f'<h{n} id="{a}">{a.upper()} &amp; co<a class="anchor-link" href="#{a}">¶</a>'
                   f"</h{n}>" for n, a in ((1, "t"), (2, "a"), (3, "b"), (3, "c"), (2, "d")))
    assert export._toc(body) == (
        "<nav class='report-toc'><h2>Contents</h2><ol><li><a href=\"#a\">A &amp; co</a><ol>"
        "<li><a href=\"#b\">B &amp; co</a></li><li><a href=\"#c\">C &amp; co</a></li></ol>"
        "</li><li><a href=\"#d\">D &amp; co</a></li></ol></nav>")
    assert export._toc("<p>no sections</p>") == ""


def test_pages_are_still_written_when_the_data_they_describe_is_damaged(tmp_path, monkeypatch):
    import shutil

    broken = tmp_path / "processed"
    shutil.copytree(paths.PROCESSED, broken)
    (broken / "missions.csv").write_text("not,a,table\n", encoding="utf-8")
    monkeypatch.setattr(paths, "PROCESSED", broken)
    run = tmp_path / "run"
    run.mkdir()
    page = landing.write_index(run, [outcome("x", "03-trade-figures")], True).read_text(
        encoding="utf-8")
    assert "The dataset could not be read:" in page and "missions.csv" in page
    (broken / "datapackage.json").unlink()
    page = landing.write_index(run, [outcome("x", "03-trade-figures")], True).read_text(
        encoding="utf-8")
    assert "The sources could not be read:" in page and "datapackage.json is missing" in page
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T")])
    assert "datapackage.json is missing" in export.to_html(nb, hide_code=True)


def test_a_finding_on_the_first_screen_is_one_sentence_and_a_long_one_is_cut_at_a_clause():
    nb = nbformat.v4.new_notebook()
    said = ("From **1827** the mission is a legation (Principal Officers, line 5); " * 8).strip()
    cell = nbformat.v4.new_code_cell("display(Markdown(text))")
    cell.outputs = [nbformat.v4.new_output("display_data", {
        "text/markdown": "**239** posts in **90** cities; **85** non-resident posts drawn as a "
                         "line to the country served. A second sentence.",
        "text/plain": "<Markdown>"}), nbformat.v4.new_output("display_data", {
            "text/markdown": "Not the first of its section.", "text/plain": "<Markdown>"})]
    long = nbformat.v4.new_code_cell("display(Markdown(text))")
    long.outputs = [nbformat.v4.new_output("display_data", {"text/markdown": said,
                                                            "text/plain": "<Markdown>"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_markdown_cell("## Posts"),
                cell, nbformat.v4.new_markdown_cell("## Levels"), long]
    page = export.to_html(nb, hide_code=True)
    summary = page.split("<section class='report-summary'>")[1].split("</section>")[0]
    items = re.findall(r"<li>(.*?)</li>", summary)
    assert items[0] == ("<strong>239</strong> posts in <strong>90</strong> cities; <strong>85"
                        "</strong> non-resident posts drawn as a line to the country served. "
                        '<a href="#Posts">Posts</a>')
    assert items[1].endswith('; … <a href="#Levels">Levels</a>')
    assert len(re.sub("<[^>]+>", "", items[1])) <= export.SUMMARY_CHARACTERS + 10
    assert export._gist("- **Goods** went from $9.1 billion to $14.3 billion.\n- **Food** "
                        "went up.") == "**Goods** went from $9.1 billion to $14.3 billion."
