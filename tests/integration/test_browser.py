"""The reports open offline in a real browser: headless Chromium driven by Playwright, over
every page of the shipped reports.yaml (what ``make report`` writes).

Marked ``browser``: ``make test`` leaves it out (see pyproject's addopts); ``.ci/run`` installs
Debian's chromium and requirements-browser.txt and runs it after ``make test``. Run it by hand
with ``.venv/bin/python -m pytest -m browser -n 0 tests/integration/test_browser.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.core import paths

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ONE_OF_EACH = ("timeline-oceania", "coverage-europe", "trade-millions", "profile-usa",
               "data-quality")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """Every job of the shipped reports.yaml, as ``make report`` runs it."""
    out = tmp_path_factory.mktemp("browser") / "reports"
    done = subprocess.run([sys.executable, "-m", "helpers.report", "--out", str(out),
                           "--jobs", "2", "--quiet"],
                          capture_output=True, text=True, cwd=paths.ROOT, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return (out / "latest").resolve()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (as .ci/run does)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


def open_page(browser, path: Path):
    """Open a file; return the page, the requests that left it and the console errors."""
    context = browser.new_context(offline=True)
    page = context.new_page()
    outside, errors = [], []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(("file://", "data:")) else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda r: errors.append(f"failed request {r.url}"))
    page.goto(path.as_uri(), wait_until="load", timeout=30_000)
    return context, page, outside, errors


def broken_images(page) -> list[str]:
    return page.evaluate("""() => Array.from(document.images)
        .filter(img => !img.complete || img.naturalWidth === 0)
        .map(img => img.alt || img.src.slice(0, 60))""")


@pytest.mark.parametrize("name", ["index", *ONE_OF_EACH])
def test_a_page_opens_offline_with_no_request_no_error_no_broken_image(browser, run_dir, name):
    context, page, outside, errors = open_page(browser, run_dir / f"{name}.html")
    try:
        assert outside == []
        assert errors == []
        assert broken_images(page) == []
        if name == "index":
            assert page.locator("img.map").count() == 1  # the default coverage job's map
    finally:
        context.close()


def test_a_long_table_sorts_and_filters_offline(browser, run_dir):
    context, page, outside, errors = open_page(browser, run_dir / "profile-usa.html")
    try:
        tools = page.locator(".table-tools")
        assert tools.count() >= 1
        table = page.locator(".table-tools + table.dataframe").first
        rows = table.locator("tbody tr")
        total = rows.count()
        assert total > 10
        box = page.locator(".table-tools input").first
        first_cell = table.locator("tbody tr").first.locator("td").first.inner_text()
        box.fill(first_cell)
        visible = table.locator("tbody tr:visible").count()
        assert 1 <= visible <= total
        assert "rows" in page.locator(".table-count").first.inner_text()
        box.fill("")
        assert table.locator("tbody tr:visible").count() == total
        header = table.locator("thead tr").last.locator("th").nth(2)
        header.click()
        assert header.get_attribute("aria-sort") == "ascending"
        column = table.locator("tbody tr td:nth-of-type(3)").all_inner_texts()
        assert column == sorted(column, key=str.casefold) or len(set(column)) == 1
        header.click()
        assert header.get_attribute("aria-sort") == "descending"
        assert table.locator("tbody tr td:nth-of-type(3)").all_inner_texts() != column or \
            len(set(column)) == 1
        assert outside == [] and errors == []
    finally:
        context.close()


# ---------------------------------------------------------------- read as a reader

LABELS_JS = """(uri) => {
    const holder = document.createElement("div");
    holder.style.cssText = "position:absolute;left:0;top:0;visibility:hidden";
    holder.innerHTML = atob(uri.split(",")[1]);
    document.body.appendChild(holder);
    const boxes = Array.from(holder.querySelectorAll("text"))
        .filter(t => t.textContent.trim())
        .map(t => { const r = t.getBoundingClientRect();
                    return {text: t.textContent.trim(), x0: r.left, x1: r.right,
                            y0: r.top, y1: r.bottom}; });
    holder.remove();
    return boxes;
}"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes overlap by more than a quarter of the smaller one."""
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            h = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            smaller = min((a["x1"] - a["x0"]) * (a["y1"] - a["y0"]),
                          (b["x1"] - b["x0"]) * (b["y1"] - b["y0"]))
            if w > 0 and h > 0 and smaller > 0 and w * h > 0.25 * smaller:
                out.append((a["text"], b["text"]))
    return out


def csv_rows(folder: Path) -> set[int]:
    import csv

    return {len(list(csv.reader(path.open(encoding="utf-8")))) - 1
            for path in folder.glob("*.csv")}


@pytest.mark.parametrize("name", ["index", *ONE_OF_EACH])
def test_a_page_reads_as_a_report_titled_whole_tables_alt_text_no_collisions(browser, run_dir,
                                                                             name):
    context, page, _outside, _errors = open_page(browser, run_dir / f"{name}.html")
    try:
        title = page.title()
        assert "Peru" in title and title != "Notebook" and len(title) > 20, title
        cells = page.locator("table td").all_inner_texts()
        assert not {c.strip() for c in cells} & {"NaN", "<NA>", "None", "nan", "True", "False"}
        images = page.evaluate("""() => Array.from(document.images).map(
            img => ({alt: img.getAttribute("alt") || "", src: img.src}))""")
        for image in images:
            assert len(image["alt"]) > 20 and "No description" not in image["alt"], image["alt"]
        if name != "index":
            data = csv_rows(run_dir / "figures" / name)
            rows = page.evaluate("""() => Array.from(document.querySelectorAll(
                "table.dataframe")).map(t => t.tBodies[0].rows.length)""")
            assert rows and set(rows) <= data, (rows, data)  # every row the data holds
        for image in images:
            if not image["src"].startswith("data:image/svg+xml"):
                continue
            boxes = page.evaluate(LABELS_JS, image["src"])
            assert overlapping(boxes) == [], image["alt"][:80]
            if image["alt"].startswith(("Chart: Diplomatic posts by city",
                                        "Chart: Where the posts", "World map")):
                ticks = [b["text"] for b in boxes if re.fullmatch(r"[−-]?\d+°?", b["text"])]
                assert ticks == [], ticks  # no degree ticks on the map
    finally:
        context.close()


def test_the_posts_table_holds_every_post_and_its_filter_finds_them_all(browser, run_dir):
    import csv

    with (run_dir / "figures" / "coverage-europe" / "posts-map.csv").open(encoding="utf-8") as f:
        posts = list(csv.DictReader(f))
    context, page, _outside, _errors = open_page(browser, run_dir / "coverage-europe.html")
    try:
        tables = page.locator("table.dataframe")
        sizes = [tables.nth(i).locator("tbody tr").count() for i in range(tables.count())]
        assert len(posts) in sizes
        table = tables.nth(sizes.index(len(posts)))
        city = posts[0]["city"]
        box = page.locator(f"#table-filter-{sizes.index(len(posts))}")
        box.fill(city)
        shown = table.locator("tbody tr:visible").count()
        assert shown == sum(p["city"] == city for p in posts)
    finally:
        context.close()


# ---------------------------------------------------------------- every page as a publication

WIDTH = 1400  # the reader's window
# What a page is checked for, in the page itself: headers and cells a reader cannot read, a
# column of zeros, SVG text outside its frame, an image past the page's edge, a country given
# as its code, and run metadata on the first screen.
PAGE_JS = """([codes, width]) => {
    const iso3 = new Set(codes);
    const identifier = /^[a-z][a-z0-9]*(_[a-z0-9]+)+(\\.[a-z]{2,4})?$/;
    const unreadable = new Set(["None", "none", "nan", "NaN", "<NA>", "NaT", "null"]);
    const out = {header: [], cell: [], zero_column: [], svg_text: [], image: [], iso3: [],
                 first_screen: []};
    document.querySelectorAll("table.dataframe").forEach((table, t) => {
        const heads = Array.from(table.tHead ? table.tHead.rows[table.tHead.rows.length - 1]
                                 .cells : []).map(th => th.textContent.trim());
        heads.forEach(h => { if (unreadable.has(h) || identifier.test(h) || h === "")
                               out.header.push(h); });
        const rows = Array.from(table.tBodies[0] ? table.tBodies[0].rows : []);
        rows.forEach(r => Array.from(r.cells).forEach(c => {
            const text = c.textContent.trim();
            if (unreadable.has(text) || identifier.test(text)) out.cell.push(text);
            if (iso3.has(text)) out.iso3.push(text);
        }));
        heads.forEach((h, i) => {
            const values = rows.map(r => r.cells[i] ? r.cells[i].textContent.trim() : "");
            if (rows.length && values.every(v => /^(0(\\.0+)?%?)?$/.test(v)))
                out.zero_column.push(`table ${t}: ${h}`);
        });
    });
    const holder = document.createElement("div");
    holder.style.cssText = "position:absolute;left:0;top:0;visibility:hidden";
    document.body.appendChild(holder);
    Array.from(document.images).forEach(img => {
        const box = img.getBoundingClientRect();
        if (box.left < -0.5 || box.left + box.width > width + 0.5)
            out.image.push(`${(img.alt || "").slice(0, 60)}: ${Math.round(box.width)} px`);
        if (!img.src.startsWith("data:image/svg+xml")) return;
        holder.innerHTML = atob(img.src.split(",")[1]);
        const svg = holder.querySelector("svg");
        const frame = svg.getBoundingClientRect();
        svg.querySelectorAll("text").forEach(text => {
            const r = text.getBoundingClientRect();
            if (!text.textContent.trim() || !r.width) return;
            if (r.left < frame.left - 1 || r.right > frame.right + 1 ||
                r.top < frame.top - 1 || r.bottom > frame.bottom + 1)
                out.svg_text.push(`${(img.alt || "").slice(0, 50)}: ${text.textContent.trim()}`);
        });
    });
    holder.remove();
    const first = document.querySelector("h1");
    const about = document.querySelector("#about");
    if (document.querySelector(".jp-Notebook")) {
        if (!first || first.getBoundingClientRect().top > 300) out.first_screen.push("no title");
        if (!about) out.first_screen.push("no 'About this report' footer");
        else if (about.getBoundingClientRect().top < window.innerHeight)
            out.first_screen.push("run metadata on the first screen");
        const seen = document.body.innerText.slice(0, 1500);
        if (/sha256|\\brun [0-9]{8}T|\\.(txt|csv|xml)\\b/.test(seen))
            out.first_screen.push("run metadata or file names before the findings");
    }
    return out;
}"""


@pytest.fixture(scope="module")
def problems(browser, run_dir) -> dict[str, dict[str, list[str]]]:
    """What PAGE_JS finds on every page of the run, page by page."""
    import pycountry

    codes = sorted(c.alpha_3 for c in pycountry.countries)
    found = {}
    for path in sorted(run_dir.glob("*.html")):
        context = browser.new_context(offline=True, viewport={"width": WIDTH, "height": 900})
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load", timeout=30_000)
        found[path.stem] = page.evaluate(PAGE_JS, [codes, WIDTH])
        context.close()
    return found


@pytest.mark.parametrize("kind", ["header", "cell", "zero_column", "svg_text", "image", "iso3",
                                  "first_screen"])
def test_every_page_reads_as_a_publication(problems, kind):
    """No header or cell reading None, nan or an identifier; no column of zeros; no SVG text
    outside its frame; no image past the page at 1400 px; no country as its ISO3 code; the
    question first and the run's metadata in the footer."""
    bad = {page: sorted(set(found[kind]))[:8] for page, found in problems.items()
           if found[kind]}
    assert bad == {}


POSTS = re.compile(r"(\S+(?: \S+)?) posts (abroad|serving \S+) \(all sources\): ([\d,]+) open"
                   r"(?:, ([\d,]+) closed)?")


def test_the_landing_page_and_the_coverage_report_count_posts_alike(browser, run_dir):
    """Both say what they count (all sources), and give the same numbers for it."""
    said = {}
    for name in ("index", "coverage"):
        context, page, _outside, _errors = open_page(browser, run_dir / f"{name}.html")
        said[name] = sorted(set(POSTS.findall(page.locator("body").inner_text())))
        context.close()
    assert said["index"], "the landing page states no count of posts with its definition"
    assert said["index"] == said["coverage"]
