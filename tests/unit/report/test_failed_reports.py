"""A failed report says what failed as text, and the index links only files that exist."""

from __future__ import annotations

from helpers.report.landing import _links
from helpers.report.worker import banner_cell


def test_the_failure_banner_shows_the_error_as_text_never_as_a_link_or_image():
    cell = banner_cell("ValueError: [click](javascript:alert(1)) ![x](https://example.org/t.png)"
                       " <script>x</script>")
    source = cell["source"]
    assert "](javascript:" not in source.replace("\\]", "")
    assert "\\[click\\]" in source and "!\\[x\\]" in source
    assert "<script>" not in source


def test_the_index_links_only_the_files_a_job_wrote(tmp_path):
    assert "href" not in _links(tmp_path, "killed")
    (tmp_path / "done.html").write_text("<p>", encoding="utf-8")
    links = _links(tmp_path, "done")
    assert 'href="done.html"' in links and "done.ipynb" not in links
