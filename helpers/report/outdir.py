"""The output folder (``--out``): checked, locked, runs listed, reused, pruned, ``latest`` moved.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from pathlib import Path

from helpers.core.exceptions import RunRefusedError
from helpers.report.config import Job, Outcome

RUN_ID = re.compile(r"^\d{8}T\d{6}Z-\d+$")


LOCK_NAME = ".lock"


DATA_COPY = "data"  # the processed tables a run was made from, kept for the next run's diff


def check_out(out: Path) -> None:
    """The checks on ``out`` that write nothing: a folder (or none yet), ``latest`` ours.

    A ``latest`` that is not this runner's symlink is refused, naming it; it is never removed.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise RunRefusedError(f"--out {out}: not a folder")
    latest = out / "latest"
    if latest.is_symlink():
        target = os.readlink(latest)
        if not RUN_ID.match(target):
            raise RunRefusedError(f"{latest} is a symlink to {target}, not one this runner "
                                  "made; move it away or choose another --out")
    elif latest.exists():
        kind = "folder" if latest.is_dir() else "file"
        raise RunRefusedError(f"{latest} is a {kind}, not the runner's symlink; it is never "
                              "removed: move it away or choose another --out")


def prepare_out(out: Path) -> int:
    """Check ``out`` before anything runs and take its lock; return the lock's descriptor.

    Refuses (RunRefusedError, one line) what check_out refuses, an ``out`` that cannot be
    created or written, and a run already holding the lock (naming its pid).
    """
    out = Path(out)
    check_out(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunRefusedError(f"--out {out}: cannot create it: {exc.strerror}") from None
    try:
        fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise RunRefusedError(f"--out {out}: not writable: {exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        raise RunRefusedError(f"another run (pid {holder}) is writing to {out}; wait for it "
                              "to finish or choose another --out") from None
    try:
        probe = out / f".probe-{os.getpid()}"
        probe.mkdir()
        probe.rmdir()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    except OSError as exc:
        os.close(fd)
        raise RunRefusedError(f"--out {out}: not writable: {exc.strerror}") from None
    for stale in out.glob(".tmp-*"):  # left by a run killed outright; we hold the lock now
        if stale.is_dir() and not stale.is_symlink() and RUN_ID.match(stale.name[5:]):
            shutil.rmtree(stale, ignore_errors=True)
    for stale in out.glob(".latest-*"):
        if stale.is_symlink():
            stale.unlink()
    return fd


def release_out(fd: int) -> None:
    """Drop the lock (the file stays: removing it would race with a starting run)."""
    try:
        os.ftruncate(fd, 0)
    except OSError:
        pass
    os.close(fd)


def complete_runs(out: Path) -> list[Path]:
    """The run folders of ``out`` with a manifest, oldest first."""
    runs = [p for p in Path(out).iterdir() if RUN_ID.match(p.name) and not p.is_symlink()
            and (p / "manifest.json").is_file()]
    return sorted(runs, key=lambda p: (p.name[:16], (p / "manifest.json").stat().st_mtime_ns,
                                       p.name))


def read_manifest(run_dir: Path) -> dict:
    try:
        return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def prune(out: Path, keep: int) -> list[str]:
    """Remove the oldest complete runs beyond ``keep``; never the one ``latest`` points at."""
    latest = out / "latest"
    protected = os.readlink(latest) if latest.is_symlink() else None
    runs = complete_runs(out)
    removed = []
    for run_dir in runs[:max(0, len(runs) - keep)]:
        if run_dir.name != protected:
            shutil.rmtree(run_dir)
            removed.append(run_dir.name)
    return removed


def find_reusable(runs: list[Path], keys: dict[str, str]) -> dict[str, tuple[Path, dict]]:
    """For each job, the newest complete run holding an ok result with the same inputs."""
    found: dict[str, tuple[Path, dict]] = {}
    for run_dir in reversed(runs):
        for report in read_manifest(run_dir).get("reports", []):
            name = report.get("name")
            if (name in keys and name not in found and report.get("status") == "ok"
                    and report.get("inputs_sha256") == keys[name]
                    and (run_dir / f"{name}.ipynb").is_file()
                    and (run_dir / f"{name}.html").is_file()):
                found[name] = (run_dir, report)
    return found


def carry_over(job: Job, source: Path, run_dir: Path, origin: str = "") -> Outcome:
    """Copy a job's notebook, HTML and figures from an earlier run, byte for byte.

    ``origin`` is the run that executed them, when ``source`` had itself reused them: a
    report is always said to be reused from the run that executed it (the run id its HTML
    header shows), so successive incremental runs write the same index."""
    for suffix in (".ipynb", ".html"):
        shutil.copyfile(source / f"{job.name}{suffix}", run_dir / f"{job.name}{suffix}")
    figures = source / "figures" / job.name
    if figures.is_dir():
        shutil.copytree(figures, run_dir / "figures" / job.name, copy_function=shutil.copyfile)
    return Outcome(job.name, job.notebook, job.parameters, "ok",
                   reused_from=origin or source.name)


def point_latest(out: Path, run_id: str) -> None:
    """Atomically point ``latest`` at the run (a symlink replaced in one rename).

    prepare_out refused any ``latest`` that is not the runner's own symlink, so the rename
    only ever replaces a symlink; should something else have appeared since, it is left alone.
    """
    link = out / "latest"
    tmp_link = out / f".latest-{run_id}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(run_id, target_is_directory=True)
    if link.exists() and not link.is_symlink():
        tmp_link.unlink()
        raise RunRefusedError(f"{link} is no longer the runner's symlink; left it alone "
                              f"(the run is complete in {out / run_id})")
    os.replace(tmp_link, link)
