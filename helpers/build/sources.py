"""Raw sources: the manifest that describes them, checksums, and reading their text."""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from helpers.core import places
from helpers.core.exceptions import ChecksumError, SourceError
from helpers.core.paths import MANIFEST_NAME, ROOT
from helpers.core.schema import REGIONS, SOURCE_SCOPES, TRADE_ALL, Subject

# record: a TEI XML record (helpers.build.tei); register: a `;`-separated register of posts
# (helpers.build.register); chiefs: chiefs of mission, XML (helpers.build.chiefs); trade: a
# trade-statistics workbook, one reporter's trade by partner (helpers.build.workbooks)
KINDS = ("article", "fact-sheet", "record", "register", "chiefs", "trade")



@dataclass(frozen=True)
class Source:
    """One raw file as its manifest records it."""

    file: str
    kind: str
    title: str
    publisher: str
    date: str
    url: str
    licence: str
    sha256: str
    partner_iso3: str = ""
    extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Manifest:
    folder: Path
    subject: Subject
    sources: tuple[Source, ...]
    regions: dict = field(default_factory=dict, compare=False)  # extra heading -> region


_REQUIRED = ("file", "kind", "title", "publisher", "date", "url", "licence", "sha256")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


class _Checker:
    """Field checks of one manifest; every message names the file, the field and its line."""

    def __init__(self, path: Path, text: str):
        self.path, self.lines = path, text_lines(text)

    def line_of(self, section: str, index: int, key: str) -> int | None:
        """The line of ``key = ...`` in the ``index``-th (1-based) ``section`` table, if found."""
        seen, current = 0, None
        for n, raw in enumerate(self.lines, 1):
            line = raw.strip()
            if line.startswith("["):
                name = line.strip("[] ")
                current = name if name != section else section
                if name == section:
                    seen += 1
                continue
            if current == section and seen == index and re.match(
                    rf"^{re.escape(key)}\s*=", line):
                return n
            if section == "" and current is None and re.match(rf"^{re.escape(key)}\s*=", line):
                return n
        return None

    def fail(self, field_name: str, message: str, section: str = "", index: int = 1):
        line = self.line_of(section, index, field_name.rsplit(".", 1)[-1])
        raise SourceError(str(self.path), f"field '{field_name}': {message}", line)

    def text(self, entry: dict, key: str, where: str, section: str, index: int,
             required: bool = True) -> str:
        value = entry.get(key)
        name = f"{where}.{key}" if where else key
        if value is None:
            if required:
                raise SourceError(str(self.path), f"field '{name}' is missing")
            return ""
        if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
            self.fail(name, f"is an unquoted TOML date ({value}); write it as a quoted string, "
                      f'e.g. {key} = "{value}"', section, index)
        if not isinstance(value, str):
            self.fail(name, f"must be a string, not {type(value).__name__} ({value!r})",
                      section, index)
        if required and not value.strip():
            self.fail(name, "is empty", section, index)
        return value


def read_manifest(folder: Path) -> Manifest:
    """Read and check ``manifest.toml`` in ``folder``: every field and type, up front.

    Errors name the manifest, the field (``sources[2].date``) and its TOML line.
    """
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        raise SourceError(str(path), "no manifest: every raw folder needs a manifest.toml")
    try:
        text = read_regular(path).decode("utf-8").removeprefix("\ufeff")
        doc = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(str(path), f"not valid TOML: {exc}") from None
    check = _Checker(path, text)
    subject_doc = doc.get("subject")
    if not isinstance(subject_doc, dict):
        found = "missing" if subject_doc is None else f"a {type(subject_doc).__name__} " \
            f"({subject_doc!r})"
        check.fail("subject", f"must be a table [subject] with name, iso3 and capital; it is "
                   f"{found}")
    subject = Subject(*(check.text(subject_doc, k, "subject", "subject", 1)
                        for k in ("name", "iso3", "capital")))
    if not _ISO3.match(subject.iso3):
        check.fail("subject.iso3", f"{subject.iso3!r} is not an ISO 3166-1 alpha-3 code "
                   "(three capital letters)", "subject")
    field_name, why = places.subject_problem(subject.name, subject.iso3, subject.capital)
    if field_name:
        check.fail(f"subject.{field_name}", why, "subject")
    entries = doc.get("sources")
    if not isinstance(entries, list) or not entries or not all(
            isinstance(e, dict) for e in entries):
        raise SourceError(str(path), "field 'sources': lists no [[sources]] tables")
    sources = []
    for i, entry in enumerate(entries, 1):
        where = f"sources[{i}]"
        values = {k: check.text(entry, k, where, "sources", i) for k in _REQUIRED}
        partner = check.text(entry, "partner_iso3", where, "sources", i, required=False)
        if values["kind"] not in KINDS:
            check.fail(f"{where}.kind", f"{values['kind']!r} is not one of: "
                       + ", ".join(KINDS), "sources", i)
        file = values["file"]
        if Path(file).name != file or file in (".", ".."):
            check.fail(f"{where}.file", f"{file!r} must be a file name in {folder}, not a path",
                       "sources", i)
        kind = _kind(Path(folder) / file)
        if kind != "file":
            check.fail(f"{where}.file", f"{file!r} is listed but missing from {folder}"
                       if kind == "missing" else f"{file!r} is {kind}; a raw source must be a "
                       f"regular file inside {folder}", "sources", i)
        if not _valid_date(values["date"]):
            check.fail(f"{where}.date", f"{values['date']!r} is not a date written YYYY, "
                       "YYYY-MM or YYYY-MM-DD", "sources", i)
        if not re.fullmatch(r"[0-9a-f]{64}", values["sha256"]):
            check.fail(f"{where}.sha256", "is not 64 lower-case hexadecimal digits",
                       "sources", i)
        if partner and not _ISO3.match(partner):
            check.fail(f"{where}.partner_iso3", f"{partner!r} is not an ISO 3166-1 alpha-3 "
                       "code", "sources", i)
        if file in {s.file for s in sources}:
            check.fail(f"{where}.file", f"{file!r} is listed twice", "sources", i)
        scope = entry.get("scope", SOURCE_SCOPES[0])
        if scope not in SOURCE_SCOPES or (scope == TRADE_ALL and values["kind"] != "trade"):
            check.fail(f"{where}.scope", f"{scope!r} is not one of: "
                       + ", ".join(SOURCE_SCOPES) + f" ({TRADE_ALL!r} for a source of kind "
                       "'trade' only)", "sources", i)
        extra = {k: v for k, v in entry.items() if k not in (*_REQUIRED, "partner_iso3")}
        sources.append(Source(**values, partner_iso3=partner, extra=extra))
    regions = _regions(doc.get("regions", {}), check)
    return Manifest(Path(folder), subject, tuple(sources), regions)


def _valid_date(text: str) -> bool:
    m = _DATE.match(text)
    if not m:
        return False
    year, month, day = (int(x) if x else None for x in m.groups())
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return False
    return True


def _regions(table, check: _Checker) -> dict[str, str]:
    """The manifest's ``[regions]``: more section headings, each mapped to a region."""
    if not isinstance(table, dict):
        check.fail("regions", "must be a table [regions] of heading = \"Region\"")
    out = {}
    for heading, region in table.items():
        if not isinstance(region, str) or region not in REGIONS:
            check.fail(f"regions.{heading}", f"{region!r} is not one of: {', '.join(REGIONS)}",
                       "regions")
        out[heading] = region
    return out


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _kind(path: Path) -> str:
    """'file' for a regular file; else what is there instead, in words (never followed)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISLNK(mode):
        return f"a symlink (to {os.readlink(path)})"
    return "file" if stat.S_ISREG(mode) else "not a regular file"


def read_regular(path: Path) -> bytes:
    """A raw file's bytes: a regular file opened without following a symlink."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP: the last component is a symlink
            raise SourceError(str(path), f"is {_kind(path)}; a raw source must be a regular "
                              "file inside its folder") from None
        raise SourceError(str(path), f"cannot be read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise SourceError(str(path), "is not a regular file")
        return fh.read()


def text_lines(text: str) -> list[str]:
    """The lines an editor shows: split on "\\n" only (a "\\r" before it dropped). U+2028,
    form feeds and vertical tabs inside a line stay in it, so line numbers never shift."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _restore_hint(path: Path) -> str:
    try:
        shown = path.resolve().relative_to(ROOT)
    except ValueError:
        return f"restore {path} from where it was published"
    return f"restore it (git checkout -- {shown})"


def _other_encoding(data: bytes) -> str:
    """The encoding a file is in when it is plainly not UTF-8 from its first bytes: UTF-16 or
    UTF-32 by their byte-order mark, or UTF-16 without one (every other byte a NUL); else ""."""
    for mark, name in ((b"\xff\xfe\x00\x00", "UTF-32 (a little-endian byte-order mark)"),
                       (b"\x00\x00\xfe\xff", "UTF-32 (a big-endian byte-order mark)"),
                       (b"\xff\xfe", "UTF-16 (a little-endian byte-order mark)"),
                       (b"\xfe\xff", "UTF-16 (a big-endian byte-order mark)")):
        if data.startswith(mark):
            return name
    head = data[:4096]
    for start, order in ((1, "little-endian"), (0, "big-endian")):
        half = head[start::2]
        if len(half) >= 8 and half.count(0) > len(half) // 2:
            return f"UTF-16 ({order}, without a byte-order mark: NUL bytes between letters)"
    return ""


def read_source_bytes(manifest: Manifest, source: Source) -> bytes:
    """The bytes of a raw file, after checking that it is a regular file inside the raw folder
    (a symlink is refused, never followed), not empty, and has the manifest's checksum."""
    path = manifest.folder / source.file
    if _kind(path) == "missing":
        raise SourceError(str(path), "listed in the manifest but missing")
    data = read_regular(path)
    digest = hashlib.sha256(data).hexdigest()
    if digest != source.sha256:
        raise ChecksumError(
            str(path),
            f"sha256 is {digest}, the manifest records {source.sha256}: the raw file changed; "
            f"{_restore_hint(path)} or record the new checksum on purpose",
        )
    if not data.strip():
        raise SourceError(str(path), "the file is empty")
    return data


def read_source(manifest: Manifest, source: Source) -> list[str]:
    """Return the lines of a raw file after checking its checksum and encoding.

    The file must be a regular file inside the raw folder (a symlink is refused, never
    followed); a byte-order mark is dropped; a NUL byte is refused with its line.
    """
    path = manifest.folder / source.file
    data = read_source_bytes(manifest, source)
    other = _other_encoding(data)
    if other:
        raise SourceError(str(path), f"the file is {other}, not UTF-8: save it as UTF-8 (the "
                          "sources are read as UTF-8 text)", 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            str(path), f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8", line
        ) from None
    text = text.removeprefix("\ufeff")
    if "\0" in text:
        at = text.index("\0")
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise SourceError(str(path), f"a NUL byte at column {column}: a raw source is text and "
                          "holds none", line)
    return text_lines(text)
