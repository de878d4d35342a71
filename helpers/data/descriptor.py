"""Reading the processed folder's ``datapackage.json``: the subject, the sources, the licences
and every table's size and sha256, checked before a table is parsed.

Everything downstream reads the subject, the sources and the licences from here (each function
reads ``paths.PROCESSED`` unless given a folder), never from data/raw.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path

from helpers.core import paths
from helpers.core.exceptions import DataError
from helpers.core.schema import Subject

REBUILD = "rebuild it with `make data` (python -m helpers.build)"


_CACHE: dict[tuple, dict] = {}
_VERSION_LINK = re.compile(rf"^{re.escape(paths.VERSIONS_NAME)}/[0-9a-f]{{16}}$")


def resolve(folder: Path | str | None = None) -> Path:
    """The folder of the committed build a processed folder shows (its ``.current`` link, read
    once), so that every file read through it comes from one build; a plain folder as it is."""
    folder = Path(paths.PROCESSED if folder is None else folder)
    try:
        target = os.readlink(folder / paths.CURRENT_NAME)
    except OSError:
        return folder
    return folder / target if _VERSION_LINK.match(target) else folder


def read(folder: Path | str | None = None) -> dict:
    """The descriptor of a processed folder; DataError naming the file if missing or broken."""
    path = resolve(folder) / paths.DESCRIPTOR_NAME
    try:
        stat = path.stat()
    except OSError:
        raise DataError(f"{path} is missing: the folder was not written by helpers.build, or "
                        f"before it described itself; {REBUILD}") from None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        try:
            descriptor = json.loads(path.read_text(encoding="utf-8"))
            for field in ("subject", "sources", "licenses", "resources"):
                descriptor[field]  # noqa: B018 - KeyError below says which is missing
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{path} is not a descriptor this project wrote ({exc!r}); "
                            f"{REBUILD}") from None
        _CACHE.clear() if len(_CACHE) > 16 else None
        _CACHE[key] = descriptor
    return _CACHE[key]


def subject(folder: Path | str | None = None) -> Subject:
    """The country whose foreign relations the folder's tables describe."""
    s = read(folder)["subject"]
    return Subject(s["name"], s["iso3"], s["capital"])


def sources(folder: Path | str | None = None) -> list[dict]:
    """The raw files the tables were read from: title, path (URL), file, publisher, date, ..."""
    return list(read(folder)["sources"])


def licenses(folder: Path | str | None = None) -> list[dict]:
    return list(read(folder)["licenses"])


def resource(name: str, folder: Path | str | None = None) -> dict:
    """One table's resource (path, bytes, hash, schema)."""
    for r in read(folder)["resources"]:
        if r.get("name") == name:
            return r
    where = resolve(folder) / paths.DESCRIPTOR_NAME
    raise DataError(f"{where} lists no table {name!r}; {REBUILD}")


def verified_bytes(name: str, folder: Path | str | None = None) -> tuple[Path, bytes]:
    """A table's bytes after checking their count and sha256 against the descriptor."""
    shown = Path(paths.PROCESSED if folder is None else folder)
    folder = resolve(shown)
    r = resource(name, folder)
    where = f"{shown / paths.DESCRIPTOR_NAME}"
    file = r.get("path")
    if not isinstance(file, str) or Path(file).name != file or file in ("", ".", ".."):
        raise DataError(f"{where}: table {name!r} has path {file!r}, which leaves {shown}; the "
                        f"loader reads only files inside the processed folder; {REBUILD}")
    path = shown / file
    if folder != shown and not os.path.lexists(path):  # the link readers open was removed
        raise DataError(f"{path} is missing ({where} lists it); {REBUILD}")
    data = _read_regular(folder / file, path, where)
    if len(data) != r["bytes"]:
        how = "shorter" if len(data) < r["bytes"] else "longer"
        raise DataError(f"{path} has {len(data)} bytes where {where} records {r['bytes']}: "
                        f"the file is {how} than the build wrote it; {REBUILD}")
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    if digest != r["hash"]:
        raise DataError(f"{path} has the right size but its sha256 differs from the one "
                        f"{where} records ({digest[7:19]}… against {r['hash'][7:19]}…): the "
                        f"file was edited after the build; {REBUILD}")
    return path, data


def _read_regular(real: Path, shown: Path, where: str) -> bytes:
    """A table's bytes, never through a symlink (DataError naming ``shown`` otherwise)."""
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise DataError(f"{shown} is missing ({where} lists it); {REBUILD}") from None
    except OSError as exc:
        what = "is a symlink, which the loader never follows" if exc.errno == 40 else (
            f"cannot be read ({exc.strerror})")
        raise DataError(f"{shown} {what}; {REBUILD}") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise DataError(f"{shown} is not a regular file; {REBUILD}")
        return fh.read()


def describe_sources(descriptor: dict) -> str:
    """'*Title* (publisher, date; licence) and …': the sources in one sentence part."""
    sources = [s for s in descriptor["sources"] if s.get("kind") != "trade"]
    trade = [s for s in descriptor["sources"] if s.get("kind") == "trade"]
    parts = [f"*{s['title']}* ({s['publisher']}, {s['date']}; {s['licence']})" for s in sources]
    if trade:  # one reporter's table each: the statistics once, with the citation they ask for
        t = trade[0]
        parts.append(f"*{t['title'].split(':')[0]}*, {len(trade)} country "
                     f"table{'s' if len(trade) > 1 else ''} ({t['publisher']}, {t['date']}; "
                     f"{t['licence']}; {t.get('citation') or 'cite the source'})")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def about(folder: Path | str | None = None) -> str:
    """'Subject: **Chile** (CHL, capital Santiago). Sources: …': a notebook's opening line."""
    d = read(folder)
    s = d["subject"]
    return (f"Subject: **{s['name']}** ({s['iso3']}, capital {s['capital']}). Sources: "
            f"{describe_sources(d)}. Every number below is computed from the processed tables "
            "through `helpers`; every record carries its source file and line.")


def data_hash(folder: Path | None = None) -> str:
    """sha256 of the data package: of its descriptor, which records every table's sha256 (of
    the tables themselves when a folder has no descriptor)."""
    folder = resolve(folder)
    descriptor = folder / paths.DESCRIPTOR_NAME
    if descriptor.is_file():
        return hashlib.sha256(descriptor.read_bytes()).hexdigest()
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")):
        digest.update(f"{path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()
