"""The reports open offline in a real browser: headless Chromium driven by Playwright.

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
    out = tmp_path_factory.mktemp("browser") / "reports"
    only = [arg for name in ONE_OF_EACH for arg in ("--only", name)]
    done = subprocess.run([sys.executable, "-m", "helpers.report", "--out", str(out),
                           "--jobs", "2", "--quiet", *only],
                          capture_output=True, text=True, cwd=paths.ROOT, timeout=600)
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
            assert page.locator("img.map").count() == 0  # the map needs the default coverage job
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
