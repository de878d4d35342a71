"""The runner's --out, --jobs and --keep: refused up front with one line and exit 2, never a
traceback, never a deleted folder; old runs pruned on request."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from pathlib import Path

import pytest
from runner_runs import cli, command, config

from helpers.core import paths
from helpers.report import outdir, pool
from helpers.report.__main__ import main

OK = "  - {name: fine, notebook: ok}\n"


def refused(tmp_path, out, *args):
    done = cli(config(tmp_path, OK), out, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reports: refused: "), done.stderr
    return lines[0]


def test_a_latest_folder_is_refused_and_never_removed(tmp_path):
    out = tmp_path / "runs"
    (out / "latest").mkdir(parents=True)
    (out / "latest" / "keep-me.txt").write_text("mine\n", encoding="utf-8")
    line = refused(tmp_path, out)
    assert f"{out / 'latest'} is a folder, not the runner's symlink" in line
    assert (out / "latest" / "keep-me.txt").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in out.iterdir()) == ["latest"]


def test_a_latest_file_or_foreign_symlink_is_refused(tmp_path):
    out = tmp_path / "runs"
    out.mkdir()
    (out / "latest").write_text("notes\n", encoding="utf-8")
    assert f"{out / 'latest'} is a file, not the runner's symlink" in refused(tmp_path, out)
    (out / "latest").unlink()
    (out / "latest").symlink_to(tmp_path)
    assert f"{out / 'latest'} is a symlink to {tmp_path}, not one this runner made" in refused(
        tmp_path, out)
    assert not any(p.name.startswith(".latest-") for p in out.iterdir())


def test_an_out_that_is_a_file_is_refused(tmp_path):
    out = tmp_path / "runs"
    out.write_text("", encoding="utf-8")
    assert f"--out {out}: not a folder" in refused(tmp_path, out)
    assert f"--out {out / 'sub'}: cannot create it: Not a directory" in refused(
        tmp_path, out / "sub")


def test_a_read_only_out_is_refused(tmp_path, monkeypatch, capsys):
    out = tmp_path / "runs"
    out.mkdir()
    out.chmod(0o555)
    real_open = os.open

    def read_only(path, flags, *args):  # what the mode bits do for anyone but root
        if str(path).startswith(str(out)) and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    code = main(["--config", str(config(tmp_path, OK)), "--out", str(out)])
    out.chmod(0o755)
    assert code == 2
    assert capsys.readouterr().err == f"reports: refused: --out {out}: not writable: " \
        "Permission denied\n"
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("jobs", ["0", "-1", "99"])
def test_a_worker_count_outside_one_to_four_per_cpu_is_refused(tmp_path, jobs):
    most = 4 * pool.cpu_count()
    line = refused(tmp_path, tmp_path / "runs", "--jobs", jobs)
    assert f"--jobs {jobs}: must be between 1 and {most}" in line
    assert not (tmp_path / "runs").exists()


def test_the_default_worker_count_is_the_cpus_but_never_more_than_the_jobs():
    assert pool.worker_count(None, 100) == pool.cpu_count()
    assert pool.worker_count(None, 1) == 1
    assert pool.worker_count(3, 2) == 2


@pytest.mark.slow
def test_keep_removes_the_oldest_complete_runs_but_never_latest(tmp_path):
    out = tmp_path / "runs"
    old = ["20200101T000000Z-1", "20200102T000000Z-1", "20200103T000000Z-1"]
    for name in old:
        (out / name).mkdir(parents=True)
        (out / name / "manifest.json").write_text('{"reports": []}\n', encoding="utf-8")
    (out / ".tmp-20200104T000000Z-9").mkdir()  # a run killed outright: not a complete run
    (out / "latest").symlink_to(old[0], target_is_directory=True)
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    done = cli(config(tmp_path, OK), out, "--keep", "2")
    assert done.returncode == 0, done.stderr
    new = os.readlink(out / "latest")
    assert new not in old
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".lock", "latest", "notes.txt", old[2], new])
    assert f"removed old run {out / old[0]} (--keep 2)" in done.stdout
    assert json.loads((out / new / "manifest.json").read_text(encoding="utf-8"))["executed"] == 1
    assert refused(tmp_path, out, "--keep", "0").endswith(
        "--keep 0: must be at least 1 (leave it out to keep every run)")


def test_prune_keeps_the_run_latest_points_at(tmp_path):
    out = tmp_path / "runs"
    names = ["20200101T000000Z-1", "20200102T000000Z-1", "20200103T000000Z-1"]
    for name in names:
        (out / name).mkdir(parents=True)
        (out / name / "manifest.json").write_text("{}\n", encoding="utf-8")
    (out / "latest").symlink_to(names[0], target_is_directory=True)
    assert outdir.prune(out, 1) == [names[1]]
    assert sorted(p.name for p in out.iterdir()) == [names[0], names[2], "latest"]


@pytest.mark.parametrize("inside", [paths.DEFAULT_PROCESSED, paths.DEFAULT_PROCESSED /
                                    paths.CURRENT_NAME / "reports", paths.RAW / "reports"])
def test_an_out_inside_the_processed_tables_or_the_raw_sources_is_refused(tmp_path, inside):
    """Issue 24, item 7: reports under data/processed/.current/ vanished when a rebuild swept
    old versions, and --out data/processed put runs, latest and .lock among the tables."""
    before = sorted(p.name for p in inside.parent.iterdir()) if inside.parent.exists() else []
    line = refused(tmp_path, inside)
    assert f"--out {inside}: inside the " in line and "choose a folder outside it" in line
    after = sorted(p.name for p in inside.parent.iterdir()) if inside.parent.exists() else []
    assert after == before


def test_a_relative_out_is_taken_from_the_folder_the_command_runs_in(tmp_path):
    """Issue 24, item 8: a relative --out failed every job ("kernel set-up failed: No such
    file or directory: 'myreports/.tmp-…'"), the kernels resolving it from another folder."""
    done = subprocess.run([*command(config(tmp_path, OK), Path("myreports")), "--quiet"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    run = (tmp_path / "myreports" / "latest").resolve()
    assert run.parent == tmp_path / "myreports"
    assert (run / "fine.html").is_file() and (run / "index.html").is_file()
