"""The output folder (``--out``): checked, locked, runs listed, reused, pruned, ``latest`` moved.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import stat
from pathlib import Path

from helpers.core import paths
from helpers.core.exceptions import RunRefusedError
from helpers.data import descriptor
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
    _outside_the_data(out)
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


def _outside_the_data(out: Path) -> None:
    """Refuse an ``out`` inside the processed tables (a rebuild sweeps old versions, and runs
    would sit among the tables) or inside the raw sources; symlinks are resolved first."""
    where = Path(out).resolve()
    for folder, what in ((paths.PROCESSED, "the processed tables"),
                         (paths.DEFAULT_PROCESSED, "the processed tables"),
                         (paths.RAW, "the raw sources")):
        inside = folder.resolve()
        if where == inside or inside in where.parents:
            raise RunRefusedError(f"--out {out}: inside {what} ({folder}), which the build "
                                  "rewrites and whose files are inputs; choose a folder "
                                  "outside it, such as reports/")


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
    fd = _open_lock(out / LOCK_NAME)
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


def _open_lock(path: Path) -> int:
    """The lock file, created with O_EXCL or opened as it is, never through a symlink; a lock
    that is not a plain file of its own (a symlink, a hard link to another file) is refused."""
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        try:
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP: a symlink
            raise RunRefusedError(f"{path} is a symlink; the runner never follows a link it did "
                                  "not make: remove it") from None
        raise RunRefusedError(f"--out {path.parent}: not writable: {exc.strerror}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        os.close(fd)
        raise RunRefusedError(f"{path} is not the runner's lock file (not a plain file, or "
                              "linked elsewhere): remove it")
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


def _open_inside(root: Path, rel: str, flags: int = os.O_RDONLY) -> int:
    """Open ``root/rel`` walking one folder at a time without following any symlink (openat
    with O_NOFOLLOW), so nothing outside ``root`` is ever reached. OSError otherwise."""
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise OSError(22, f"{rel!r} is not a path inside the run")
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)  # the root is ours or the user's
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = inner
        return os.open(parts[-1], flags | os.O_NOFOLLOW, dir_fd=fd)
    finally:
        os.close(fd)


def _read_inside(root: Path, rel: str) -> bytes:
    with os.fdopen(_open_inside(root, rel), "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(21, f"{rel} is not a regular file")
        return fh.read()


def write_inside(root: Path, rel: str, data: bytes) -> None:
    """Create ``root/rel`` (and its folders) with O_EXCL, never through a symlink."""
    parts = rel.split("/")
    folder = root
    for part in parts[:-1]:
        folder = folder / part
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
    fd = _open_inside(root, rel, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def file_records(run_dir: Path, name: str) -> dict[str, dict]:
    """sha256 and size of every file a job wrote (notebook, HTML, figures), by path."""
    rels = [f"{name}.ipynb", f"{name}.html"]
    figures = run_dir / "figures" / name
    if figures.is_dir() and not figures.is_symlink():
        rels += sorted(p.relative_to(run_dir).as_posix() for p in figures.rglob("*")
                       if p.is_file() and not p.is_symlink())
    records = {}
    for rel in rels:
        try:
            data = _read_inside(run_dir, rel)
        except OSError:
            continue
        records[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    return records


def _damage(run_dir: Path, files: dict) -> str:
    """'' when every recorded file is present, a regular file and matches; else what is not."""
    if not isinstance(files, dict) or not files:
        return "it recorded no checksums of its files"
    for rel, record in files.items():
        try:
            data = _read_inside(run_dir, rel)
        except OSError as exc:
            return f"{rel} is missing or not a regular file ({exc.strerror or exc})"
        if (len(data) != record.get("bytes")
                or hashlib.sha256(data).hexdigest() != record.get("sha256")):
            return f"{rel} differs from what it recorded"
    return ""


def find_reusable(runs: list[Path], keys: dict[str, str]
                  ) -> tuple[dict[str, tuple[Path, dict]], dict[str, str]]:
    """For each job, the newest complete run holding an intact ok result with the same inputs;
    and, for a job with a match that is damaged, why it is executed again."""
    found: dict[str, tuple[Path, dict]] = {}
    refused: dict[str, str] = {}
    for run_dir in reversed(runs):
        for report in read_manifest(run_dir).get("reports", []):
            name = report.get("name")
            if (name in keys and name not in found and report.get("status") == "ok"
                    and report.get("inputs_sha256") == keys[name]):
                damage = _damage(run_dir, report.get("files"))
                if damage:
                    refused.setdefault(name, f"not reused from {run_dir.name}: {damage}")
                else:
                    found[name] = (run_dir, report)
    return found, {k: v for k, v in refused.items() if k not in found}


def carry_over(job: Job, source: Path, run_dir: Path, files: dict, origin: str = "") -> Outcome:
    """Copy a job's notebook, HTML and figures from an earlier run, byte for byte, checking
    each against the sha256 the run recorded (OSError if one no longer matches).

    ``origin`` is the run that executed them, when ``source`` had itself reused them: a
    report is always said to be reused from the run that executed it (the run id its HTML
    header shows), so successive incremental runs write the same index."""
    for rel, record in files.items():
        data = _read_inside(source, rel)
        if hashlib.sha256(data).hexdigest() != record["sha256"]:
            raise OSError(5, f"{source.name}/{rel} changed while it was copied")
        write_inside(run_dir, rel, data)
    return Outcome(job.name, job.notebook, job.parameters, "ok",
                   reused_from=origin or source.name)


def take_snapshot(processed: Path, dest: Path) -> Path:
    """Copy the data package a run reads into ``dest`` (the run's data copy): the descriptor
    and the files it lists, all from the one build ``processed/.current`` names when read.
    Every job reads this copy, so a rebuild during the run cannot change what it reports; a
    table that does not match the descriptor is copied as it is, for the loader to name."""
    folder = descriptor.resolve(processed)
    os.mkdir(dest)
    raw = _read_inside(folder, paths.DESCRIPTOR_NAME)  # OSError: no data package
    write_inside(dest, paths.DESCRIPTOR_NAME, raw)
    try:
        resources = json.loads(raw)["resources"]
    except (ValueError, KeyError, TypeError):
        return dest
    for r in resources:
        name = r.get("path") if isinstance(r, dict) else None
        if not isinstance(name, str) or Path(name).name != name or name in (".", ".."):
            continue  # the loader names a path that leaves the folder
        if not os.path.lexists(Path(processed) / name):
            continue  # missing where readers look: the loader says so
        try:
            data = _read_inside(folder, name)
        except OSError:
            continue  # missing: the loader says so
        write_inside(dest, name, data)
    return dest


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
