"""What the report runner prints: jobs done of the total and the time since the start, each
job's line (failures even when quiet), and the landing page to open."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from helpers.report import progress


def _outcome(name, status="ok", error="", reused_from=""):
    return SimpleNamespace(name=name, status=status, error=error, reused_from=reused_from,
                           seconds={"execute": 1.25})


def test_each_job_line_counts_the_jobs_done_and_the_time_elapsed(capsys):
    ticks = iter([100.0, 105.0, 171.0])
    bar = progress.Progress(2, quiet=False, clock=lambda: next(ticks))
    bar.job(_outcome("timeline"))
    bar.job(_outcome("coverage", "failed", "ParameterError: bad\nmore"))
    bar.close()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[1/2  0:05] ok     timeline")
    assert lines[1].startswith("[2/2  1:11] FAILED coverage") and lines[1].endswith(
        "ParameterError: bad")


def test_quiet_prints_only_failures(capsys):
    bar = progress.Progress(2, quiet=True)
    bar.job(_outcome("timeline"))
    bar.job(_outcome("coverage", "failed", "boom"))
    assert capsys.readouterr().out.count("\n") == 1


def test_the_last_line_names_the_landing_page():
    out = Path("/srv/reports")
    assert progress.landing_line(out / "run-1", out, 0) == "open /srv/reports/latest/index.html"
    assert progress.landing_line(out / "run-1", out, 1) == "open /srv/reports/run-1/index.html"
