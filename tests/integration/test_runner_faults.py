"""The report runner off the happy path: hangs, dead kernels, interrupts, a killed runner.

Each test reproduces one fault of issue 11 with the fixture notebooks of
tests/fixtures/notebooks (a cell that sleeps for hours, a cell that kills its kernel, a quick
ok notebook) and bounded timeouts.
"""

from __future__ import annotations

import json
import os
import signal

import pytest
from runner_runs import cli, config, start, survivors, wait_for_kernels

from helpers.core.exceptions import ConfigError
from helpers.report.config import OUTPUT_CAP, read_config

HANGS = "  - {name: hang-a, notebook: sleep}\n  - {name: hang-b, notebook: sleep}\n"

pytestmark = pytest.mark.slow  # kernels hung, killed and interrupted: `make test-slow`


def test_a_hung_or_dead_kernel_fails_its_job_and_the_others_go_on(tmp_path):
    jobs = ("  - {name: hang, notebook: sleep, timeout: 1}\n"
            "  - {name: hang-default, notebook: sleep}\n"
            "  - {name: dies, notebook: die}\n"
            "  - {name: fine, notebook: ok, parameters: {label: after}}\n")
    out = tmp_path / "runs"
    done = cli(config(tmp_path, jobs), out, "--jobs", "1", "--timeout", "2", timeout=90)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "failed: hang: timed out after 1 s" in done.stdout  # the job's own timeout
    assert "failed: hang-default: timed out after 2 s" in done.stdout  # --timeout
    assert "failed: dies: kernel died (exit code 1)" in done.stdout
    assert "ok     fine" in done.stdout  # the one worker went on with a fresh kernel
    run = next(p for p in out.iterdir() if p.name[0].isdigit())
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    status = {r["name"]: (r["status"], r["error"]) for r in manifest["reports"]}
    assert status == {"hang": ("failed", "timed out after 1 s"),
                      "hang-default": ("failed", "timed out after 2 s"),
                      "dies": ("failed", "kernel died (exit code 1)"), "fine": ("ok", "")}
    assert (run / "figures" / "fine" / "label.txt").read_text(encoding="utf-8") == "after\n"
    kept = json.loads((run / "dies.ipynb").read_text(encoding="utf-8"))
    assert "kernel died (exit code 1)" in "".join(kept["cells"][0]["source"])
    assert not (out / "latest").exists()  # a failed run never becomes latest


def test_a_bad_timeout_is_refused_naming_the_job(tmp_path):

    with pytest.raises(ConfigError, match=r"job 'x': field 'timeout' must be a number"):
        read_config(config(tmp_path, "  - {name: x, notebook: ok, timeout: 0}\n"))
    done = cli(config(tmp_path, "  - {name: x, notebook: ok}\n"), tmp_path / "o", "--timeout",
               "-1")
    assert done.returncode == 2 and "--timeout -1: must be a number of seconds above 0" in (
        done.stderr)


def _previous_run(out):
    """An earlier complete run that ``latest`` points at, to check it stays untouched."""
    old = out / "20260101T000000Z-1"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text('{"reports": []}\n', encoding="utf-8")
    (out / "latest").symlink_to(old.name, target_is_directory=True)
    return old.name


@pytest.mark.parametrize(("signame", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_an_interrupt_stops_workers_and_kernels_and_discards_the_run(tmp_path, signame, code):
    out = tmp_path / "elsewhere"
    before = _previous_run(out)
    path = config(tmp_path, HANGS)
    workers = 2 if signame == "SIGINT" else 1
    runner = start(path, out, "--jobs", str(workers), "--timeout", "300")
    try:
        family = wait_for_kernels(runner, workers)
        if signame == "SIGTERM":  # meanwhile a second run on the same --out is refused
            second = cli(path, out, "--jobs", "1")
            assert second.returncode == 2
            assert f"another run (pid {runner.pid}) is writing to {out}" in second.stderr
        runner.send_signal(getattr(signal, signame))
        stdout, stderr = runner.communicate(timeout=10)
    finally:
        runner.kill()
    assert runner.returncode == code, stderr
    assert f"interrupted by {signame}" in stderr
    assert f"{out / 'latest'} unchanged" in stderr  # the real --out, not reports/
    assert survivors(family, within=5) == []
    assert os.readlink(out / "latest") == before
    assert sorted(p.name for p in out.iterdir()) == [".lock", before, "latest"]


def test_workers_and_kernels_exit_when_the_runner_is_killed(tmp_path):
    out = tmp_path / "runs"
    runner = start(config(tmp_path, HANGS), out, "--jobs", "2", "--timeout", "300")
    try:
        family = wait_for_kernels(runner, 2)
        runner.send_signal(signal.SIGKILL)
        runner.wait(timeout=5)
    finally:
        runner.kill()
        runner.communicate()
    assert survivors(family, within=10) == []
    # the next run on that --out clears what the killed one left
    assert any(p.name.startswith(".tmp-") for p in out.iterdir())
    done = cli(config(tmp_path, "  - {name: fine, notebook: ok}\n", "ok.yaml"), out, "--quiet")
    assert done.returncode == 0, done.stderr
    assert not any(p.name.startswith(".tmp-") for p in out.iterdir())
    # --quiet is quiet: no kernel warning ("running over TCP") on stderr, one summary line
    assert done.stderr == ""
    assert done.stdout.splitlines() == [
        f"1 of 1 reports ok in {next(out.glob('2*'))}; {out / 'latest'} points at it"]


def test_fixture_notebooks_need_their_folder_and_are_checked_too(tmp_path):
    pass  # REWRITE-EMPTY

    plain = tmp_path / "plain.yaml"
    plain.write_text("jobs:\n  - {name: a, notebook: ok}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown notebook 'ok'; notebooks are: 01-"):
        read_config(plain)  # without `notebooks:`, only the project's notebooks
    with pytest.raises(ConfigError, match=r"job 'a': field 'parameters': ok: unknown "
                       r"parameter 'colour'; its parameters are: label, output_dir"):
        read_config(config(tmp_path, "  - {name: a, notebook: ok, parameters: "
                                   "{colour: red}}\n"))


def test_a_job_that_prints_without_end_is_capped_and_fails_saying_so(tmp_path):
    """Issue 24, item 10: a kernel that printed 500 MB made a 500 MB notebook and page."""
    out = tmp_path / "runs"
    done = cli(config(tmp_path, "  - {name: loud, notebook: loud, parameters: "
                                "{megabytes: 48}}\n"), out, "--quiet")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "failed: loud: its outputs passed the cap of 32 MB: 16.0 MB of output left out" in \
        done.stdout
    run = next(out.glob("2*"))
    for name in ("loud.ipynb", "loud.html"):
        assert (run / name).stat().st_size < OUTPUT_CAP + 1_000_000
    assert "[output left out: this report's outputs passed the cap of 32 MB]" in (
        run / "loud.html").read_text(encoding="utf-8")
