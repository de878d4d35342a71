"""The runner's output folder: a lock that follows no link, reuse of intact runs only, the
snapshot every job reads."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from documents import FIXTURES

from helpers.build.pipeline import build
from helpers.core.exceptions import RunRefusedError
from helpers.report import outdir
from helpers.report.config import Job


def test_a_lock_that_is_a_symlink_is_refused_and_its_target_untouched(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / outdir.LOCK_NAME).symlink_to(victim)
    with pytest.raises(RunRefusedError, match="is a symlink"):
        outdir.prepare_out(out)
    assert victim.read_text(encoding="utf-8") == "keep me"
    (out / outdir.LOCK_NAME).unlink()
    (out / outdir.LOCK_NAME).symlink_to(tmp_path / "missing.txt")
    with pytest.raises(RunRefusedError):
        outdir.prepare_out(out)
    assert not (tmp_path / "missing.txt").exists()


def _run(out, name="20250101T000000Z-1", files=None):
    run_dir = out / name
    (run_dir / "figures" / "job").mkdir(parents=True)
    for rel, data in (files or {"job.ipynb": b"{}", "job.html": b"<p>",
                                 "figures/job/a.png": b"png"}).items():
        (run_dir / rel).write_bytes(data)
    records = outdir.file_records(run_dir, "job")
    (run_dir / "manifest.json").write_text(json.dumps({"reports": [
        {"name": "job", "status": "ok", "inputs_sha256": "k", "files": records}]}))
    return run_dir


def test_an_intact_run_is_reused(tmp_path):
    run_dir = _run(tmp_path)
    found, refused = outdir.find_reusable([run_dir], {"job": "k"})
    assert found["job"][0] == run_dir and not refused


def test_a_run_with_a_figure_missing_is_not_reused_and_says_why(tmp_path):
    run_dir = _run(tmp_path)
    (run_dir / "figures" / "job" / "a.png").unlink()
    found, refused = outdir.find_reusable([run_dir], {"job": "k"})
    assert not found
    assert "figures/job/a.png" in refused["job"]


def test_files_that_are_symlinks_are_never_reused_or_copied(tmp_path):
    secret = tmp_path / "secret"
    secret.write_bytes(b"<p>")
    os.chmod(secret, 0o600)
    run_dir = _run(tmp_path / "out", "29991231T235959Z-1")
    (run_dir / "job.html").unlink()
    (run_dir / "job.html").symlink_to(secret)
    found, refused = outdir.find_reusable([run_dir], {"job": "k"})
    assert not found and "job.html" in refused["job"]
    with pytest.raises(OSError):
        outdir.carry_over(Job("job", "nb"), run_dir, tmp_path / "new",
                          {"job.html": {"sha256": hashlib.sha256(b"<p>").hexdigest()}})


def test_a_run_without_checksums_is_not_reused(tmp_path):
    run_dir = _run(tmp_path)
    (run_dir / "manifest.json").write_text(json.dumps({"reports": [
        {"name": "job", "status": "ok", "inputs_sha256": "k"}]}))
    found, refused = outdir.find_reusable([run_dir], {"job": "k"})
    assert not found and "no checksums" in refused["job"]


def test_the_snapshot_holds_one_build_whatever_is_rebuilt_after(tmp_path):
    processed = tmp_path / "processed"
    build(raw=FIXTURES / "chile", out=processed)
    snapshot = outdir.take_snapshot(processed, tmp_path / "data")
    before = {p.name: p.read_bytes() for p in snapshot.iterdir()}
    build(raw=FIXTURES / "norway", out=processed)
    assert {p.name: p.read_bytes() for p in snapshot.iterdir()} == before
    assert b"Chile" in before["datapackage.json"]
    assert all(not p.is_symlink() for p in snapshot.iterdir())
