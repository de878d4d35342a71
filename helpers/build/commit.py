"""The build's commit: every build whole in a versioned folder, published by one rename(2).

An output folder looks like this::

    <out>/.versions/<id>/   every file of one build (tables, datapackage.json, README.md)
    <out>/.current          -> .versions/<id>    the committed build (replaced by one rename)
    <out>/.previous         -> .versions/<id'>   the build before it, kept for readers mid-read
    <out>/<file>            -> .current/<file>   what readers open

A build writes its files into ``.versions/.staging-*`` (files created with O_EXCL|O_NOFOLLOW,
fsynced), renames that folder to ``.versions/<id>`` (``id``: the descriptor's sha256, so the
same build has the same name) and then replaces ``.current`` in one rename: whatever signal
arrives, and whenever (kill -9 included), a reader sees the old set of files or the new one.
The next build removes the staging folders and the versions that neither ``.current`` nor
``.previous`` names. Nothing here follows a symlink it did not make.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
import time
from pathlib import Path

from helpers.core import paths
from helpers.core.exceptions import OutputError

STAGING = ".staging-"
_VERSION = re.compile(r"^[0-9a-f]{16}$")
_DELAY = float(os.environ.get(paths.RENAME_DELAY_ENV) or 0)


def why(exc: OSError) -> str:
    if exc.errno == 28:
        return "the disk is full (No space left on device)"
    return exc.strerror or str(exc)


def _replace(src: Path | str, dst: Path | str) -> None:
    """rename(2); slowed by HELPERS_BUILD_RENAME_DELAY when a test asks for it."""
    os.replace(src, dst)
    if _DELAY:
        time.sleep(_DELAY)


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def check_folder(folder: Path, what: str = "--out") -> None:
    """A folder the build writes into must be a real folder (or not exist yet), never a link."""
    st = _lstat(folder)
    if st is None:
        return
    if stat.S_ISLNK(st.st_mode):
        raise OutputError(str(folder), f"{what} is a symlink; the build never writes through "
                          "a link it did not make: give the folder it points at")
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(str(folder), f"{what} is a file, not a folder")


def write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (never an existing file, never through a link) and fsync it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file, not following a final symlink; None if it is not one."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read()
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _link_target(link: Path) -> str | None:
    st = _lstat(link)
    return os.readlink(link) if st is not None and stat.S_ISLNK(st.st_mode) else None


def committed_version(out: Path) -> str | None:
    """The id ``.current`` names, when it is the build's own link."""
    target = _link_target(out / paths.CURRENT_NAME)
    if target and target.startswith(paths.VERSIONS_NAME + "/"):
        name = target.split("/", 1)[1]
        if _VERSION.match(name):
            return name
    return None


def _symlink(out: Path, target: str, name: str) -> None:
    """Point ``out/name`` at ``target`` with one rename (a fresh link, then moved over)."""
    tmp = out / f".link-{os.getpid()}-{threading.get_ident()}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    os.symlink(target, tmp)
    _replace(tmp, out / name)


# --------------------------------------------------------------------------- the lock

@contextlib.contextmanager
def lock(out: Path):
    """One build at a time into ``out``: an flock on the folder that holds it (no lock file)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    parent = out.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise OutputError(str(out), f"cannot create the folder that holds it: {why(exc)}") \
            from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- staging

def sweep(out: Path) -> list[str]:
    """Remove what a killed build left (under the lock): staging folders, old-style
    ``.<out>.build-*`` folders beside ``out``, versions neither link names. Returns them."""
    removed = []
    old_style = re.compile(rf"^\.{re.escape(out.name)}\.build-[A-Za-z0-9_]+$")
    beside = out.absolute().parent
    candidates = [p for p in beside.iterdir() if old_style.match(p.name)]
    versions = out / paths.VERSIONS_NAME
    keep = {committed_version(out)}
    previous = _link_target(out / paths.PREVIOUS_NAME) or ""
    keep.add(previous.split("/", 1)[-1])
    if _is_dir(versions):
        candidates += [p for p in versions.iterdir() if p.name.startswith(STAGING)
                       or (_VERSION.match(p.name) and p.name not in keep)]
    for path in candidates:
        if _is_dir(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    return removed


def _is_dir(path: Path) -> bool:
    st = _lstat(path)
    return st is not None and stat.S_ISDIR(st.st_mode)


def stage(out: Path) -> Path:
    """A new staging folder inside ``out/.versions`` (created, never followed)."""
    check_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    versions = out / paths.VERSIONS_NAME
    check_folder(versions, paths.VERSIONS_NAME)
    versions.mkdir(exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=STAGING, dir=versions))
    os.chmod(staged, 0o755)  # readable as the plain folder of an older build was
    return staged


# --------------------------------------------------------------------------- the commit

def commit(out: Path, staged: Path, names: list[str], owned: dict[str, bytes],
           on_commit=None) -> None:
    """Publish the staged build: ``names`` are the files of ``staged``; ``owned`` maps a name
    to the bytes an older build would have written there (so a legacy regular file with those
    bytes is the build's own and is migrated; any other file in the way is refused).

    ``on_commit`` is called right after the swap, with SIGINT and SIGTERM still blocked.
    """
    versions = out / paths.VERSIONS_NAME
    version = hashlib.sha256((staged / paths.DESCRIPTOR_NAME).read_bytes()).hexdigest()[:16]
    current = committed_version(out)
    check_in_the_way(out, names, {} if current else owned)
    if current:
        _keep_unchanged(versions / current, staged, names)
    _fsync_dir(staged)
    target = versions / version
    if _is_dir(target) and all(read_regular(target / n) == read_regular(staged / n)
                               for n in names):
        shutil.rmtree(staged)
    else:
        if _lstat(target) is not None:  # damaged by hand: set aside, removed by the next sweep
            _replace(target, versions / f"{STAGING}damaged-{version}")
        _replace(staged, target)
    if current is None:
        current = _migrate(out, names)
    for name in names:
        if _link_target(out / name) != f"{paths.CURRENT_NAME}/{name}":
            _symlink(out, f"{paths.CURRENT_NAME}/{name}", name)
    if current == version:
        if on_commit:
            on_commit()
        return
    if current:
        _symlink(out, f"{paths.VERSIONS_NAME}/{current}", paths.PREVIOUS_NAME)
    with _signals_blocked():
        _symlink(out, f"{paths.VERSIONS_NAME}/{version}", paths.CURRENT_NAME)
        if on_commit:
            on_commit()
    _fsync_dir(out)


def _keep_unchanged(previous: Path, staged: Path, names: list[str]) -> None:
    """A file whose bytes did not change is the previous build's file (same inode, same
    mtime), hard-linked into the new version."""
    for name in names:
        old = previous / name
        if read_regular(old) == read_regular(staged / name):
            tmp = staged / f".same-{name}"
            try:
                os.link(old, tmp)
            except OSError:
                continue
            os.replace(tmp, staged / name)


def check_in_the_way(out: Path, names: list[str], owned: dict[str, bytes]) -> None:
    """Refuse, before anything is written, a file at one of the build's names that the build
    did not write: anything but a link, unless it holds the bytes an older build wrote."""
    for name in names:
        st = _lstat(out / name)
        if st is None or _link_target(out / name) == f"{paths.CURRENT_NAME}/{name}":
            continue
        if stat.S_ISLNK(st.st_mode):
            raise OutputError(str(out / name), f"is a symlink to {os.readlink(out / name)}, not "
                              "one the build made; it is never followed: remove it")
        if name not in owned or read_regular(out / name) != owned[name]:
            raise OutputError(str(out / name), "exists and was not written by the build; it "
                              "is never replaced: move it away or choose another --out")


def _migrate(out: Path, names: list[str]) -> str | None:
    """An ``out`` an older build wrote as plain files: keep those files as a version of their
    own, point ``.current`` at it, then turn each file into a link (same bytes throughout), so
    the swap that follows is one rename as for any other build."""
    legacy = {}
    for name in names:
        st = _lstat(out / name)
        if st is None or stat.S_ISLNK(st.st_mode):
            continue
        legacy[name] = read_regular(out / name)
    if not legacy:
        return None
    descriptor = legacy.get(paths.DESCRIPTOR_NAME, b"")
    version = hashlib.sha256(descriptor).hexdigest()[:16]
    versions = out / paths.VERSIONS_NAME
    if not _is_dir(versions / version):
        tmp = Path(tempfile.mkdtemp(prefix=STAGING, dir=versions))
        os.chmod(tmp, 0o755)
        for name in legacy:
            os.link(out / name, tmp / name)
        _replace(tmp, versions / version)
    _symlink(out, f"{paths.VERSIONS_NAME}/{version}", paths.CURRENT_NAME)
    for name in legacy:
        _symlink(out, f"{paths.CURRENT_NAME}/{name}", name)
    return version


@contextlib.contextmanager
def _signals_blocked():
    """SIGINT and SIGTERM wait until the swap and its bookkeeping are done (main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    blocked = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def replace_file(target: Path, data: bytes) -> None:
    """Write one file outside the versioned folder (data/README.md): a new file beside it,
    then one rename; a symlink at ``target`` is refused, never followed."""
    st = _lstat(target)
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OutputError(str(target), "is not a regular file; the build never writes "
                          "through a link")
    if st is not None and read_regular(target) == data:
        return
    tmp = target.with_name(f".{target.name}.{os.getpid()}.new")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    write_new(tmp, data)
    _replace(tmp, target)
