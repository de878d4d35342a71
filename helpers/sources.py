"""Raw sources: the manifest that describes them, checksums, and reading their text."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from helpers.exceptions import ChecksumError, SourceError
from helpers.paths import MANIFEST_NAME

KINDS = ("article", "fact-sheet", "record")  # record: a TEI XML record (helpers.tei)


@dataclass(frozen=True)
class Subject:
    """The country whose foreign relations the sources describe."""

    name: str
    iso3: str
    capital: str


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


def read_manifest(folder: Path) -> Manifest:
    """Read ``manifest.toml`` in ``folder``; name the file and the missing field on error."""
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        raise SourceError(str(path), "no manifest: every raw folder needs a manifest.toml")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(str(path), f"not valid TOML: {exc}") from None
    try:
        subject = Subject(**{k: doc["subject"][k] for k in ("name", "iso3", "capital")})
    except KeyError as exc:
        raise SourceError(
            str(path), f"[subject] needs name, iso3 and capital; {exc} is missing"
        ) from None
    sources = []
    required = ("file", "kind", "title", "publisher", "date", "url", "licence", "sha256")
    for i, entry in enumerate(doc.get("sources", []), 1):
        missing = [k for k in required if k not in entry]
        if missing:
            raise SourceError(str(path), f"[[sources]] entry {i} lacks {', '.join(missing)}")
        if entry["kind"] not in KINDS:
            raise SourceError(
                str(path), f"source {entry['file']!r}: kind {entry['kind']!r} is not one of: "
                + ", ".join(KINDS)
            )
        known = {k: entry[k] for k in (*required, "partner_iso3") if k in entry}
        extra = {k: v for k, v in entry.items() if k not in known}
        sources.append(Source(**known, extra=extra))
    if not sources:
        raise SourceError(str(path), "lists no [[sources]]")
    return Manifest(Path(folder), subject, tuple(sources))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_source(manifest: Manifest, source: Source) -> list[str]:
    """Return the lines of a raw file after checking its checksum and encoding."""
    path = manifest.folder / source.file
    if not path.is_file():
        raise SourceError(str(path), "listed in the manifest but missing")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != source.sha256:
        raise ChecksumError(
            str(path),
            f"sha256 is {digest}, the manifest records {source.sha256}: the raw file changed; "
            "restore it from ../shared/sources or record the new checksum on purpose",
        )
    if not data.strip():
        raise SourceError(str(path), "the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            str(path), f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8", line
        ) from None
    return text.splitlines()
