"""A failed report says what failed as text, and the index links only files that exist."""

from __future__ import annotations

from helpers.report.config import Outcome
from helpers.report.landing import write_index
from helpers.report.worker import banner_cell


def test_the_failure_banner_shows_the_error_as_text_never_as_a_link_or_image():
    cell = banner_cell("ValueError: [click](javascript:alert(1)) ![x](https://example.org/t.png)"
                       " <script>x</script>")
    source = cell["source"]
    assert "](javascript:" not in source.replace("\\]", "")
    assert "\\[click\\]" in source and "!\\[x\\]" in source
    assert "<script>" not in source


def _outcome(name: str, status: str) -> Outcome:
    return Outcome(name, "03-trade-figures", {}, status, error="" if status == "ok" else "killed")


def test_the_index_links_only_the_files_a_job_wrote(tmp_path):
    (tmp_path / "done.html").write_text("<p>", encoding="utf-8")
    page = write_index(tmp_path, [_outcome("done", "ok"), _outcome("killed", "failed")],
                       True).read_text(encoding="utf-8")
    assert 'href="done.html"' in page and 'href="done.ipynb"' not in page
    assert 'href="killed.' not in page
    assert "no files: the job stopped before writing any" in page
