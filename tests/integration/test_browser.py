"""The reports open offline in a real browser: headless Chromium driven by Playwright.

Marked ``browser``: ``make test`` leaves it out (see pyproject's addopts); ``.ci/run`` installs
Debian's chromium and requirements-browser.txt and runs it after ``make test``. Run it by hand
with ``.venv/bin/python -m pytest -m browser -p no:randomly -n 0
tests/integration/test_browser.py``.
"""

from __future__ import annotations

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
            assert page.locator("article.card img").count() >= 4  # thumbnails drawn
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
        column = table.locator("tbody tr td:nth-of-type(2)").all_inner_texts()
        header.click()
        assert header.get_attribute("aria-sort") == "descending"
        assert table.locator("tbody tr td:nth-of-type(2)").all_inner_texts() != column or \
            len(set(column)) == 1
        assert outside == [] and errors == []
    finally:
        context.close()
