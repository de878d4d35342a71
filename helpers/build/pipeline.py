"""Build the processed tables from the raw sources: ``python -m helpers.build``.

Reads ``--raw`` (default data/raw, with its manifest), checks every checksum, extracts the
records, validates every table against helpers.core.schema, and only then writes sorted UTF-8 CSV,
the ``datapackage.json`` descriptor and the data dictionary rendered from it into a temporary
folder beside ``--out``, moving the files into place together. A failed build leaves ``--out``
as it was. Prints what it read.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from helpers.build import descriptor
from helpers.build.chiefs import read_chiefs
from helpers.build.register import read_register
from helpers.build.sources import Manifest, read_manifest, read_source
from helpers.build.statements import Document, read_article, read_fact_sheet
from helpers.build.structured import add_sources
from helpers.build.tei import read_tei
from helpers.core import paths, schema
from helpers.core.exceptions import OutputError


@dataclass(frozen=True)
class Staged:
    """A file written into the staging folder, and where it goes when the build commits."""

    staged: Path
    target: Path


@dataclass(frozen=True)
class BuildResult:
    counts: dict[str, int]  # what the build read, as it prints it
    files: tuple[Path, ...]  # every file of the build, where it now is (changed or not)


def build(raw: Path = paths.RAW, out: Path = paths.DEFAULT_PROCESSED) -> dict[str, int]:
    """Build every table from ``raw`` into ``out``; return the counts the build prints."""
    return build_files(raw, out).counts


def build_files(raw: Path = paths.RAW, out: Path = paths.DEFAULT_PROCESSED) -> BuildResult:
    """Build every table from ``raw`` into ``out``: the counts and the files written.

    Order: read and extract (errors name the input file and line), render and validate every
    table, then stage everything (tables, their ``datapackage.json`` descriptor, the README
    rendered from it) and commit. Nothing in ``out`` changes unless every step succeeded.
    """
    out = Path(out)
    manifest = read_manifest(raw)
    tables, counts = extract_tables(manifest)
    texts = render_tables(tables)  # validates every table before anything is written
    default = out.resolve() == paths.DEFAULT_PROCESSED.resolve()
    readme = paths.DATA_README if default else out / "README.md"
    with _staging(out) as stage:
        written = [_stage(stage, out / name, text) for name, text in texts.items()]
        described = descriptor.describe(stage, manifest, counts)  # of the staged tables
        written.append(_stage(stage, out / paths.DESCRIPTOR_NAME, descriptor.dumps(described)))
        written.append(_stage(stage, readme, descriptor.render_readme(described) + "\n",
                              staged_name="README.md"))
        commit(written)
    return BuildResult(counts, tuple(f.target for f in written))


# Each kind of source (sources.KINDS) -> a reader of its lines into a statements.Document:
# (lines, file name, heading -> region table). The later stages are the same for every kind.
READERS: dict[str, Callable[[list[str], str, dict[str, str]], Document]] = {
    "article": read_article,
    "fact-sheet": lambda lines, file, _regions: read_fact_sheet(lines, file),
    "record": lambda lines, file, _regions: read_tei(lines, file),  # TEI XML (helpers.build.tei)
    "register": lambda lines, file, _regions: read_register(lines, file),  # `;`-separated CSV
    "chiefs": lambda lines, file, _regions: read_chiefs(lines, file),  # chiefs of mission XML
}


def extract_tables(manifest: Manifest) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Read every source of the manifest and run the extraction: (rows by table, counts)."""
    from helpers.build.extract import extract

    regions = schema.heading_regions(manifest.regions)
    docs = [READERS[src.kind](read_source(manifest, src), src.file, regions)
            for src in manifest.sources]
    years = {s.file: int(s.date[:4]) for s in manifest.sources}
    partners = {s.file: s.partner_iso3 for s in manifest.sources if s.partner_iso3}
    result = extract(docs, manifest.subject, years, partners)
    tables = dict(result.tables)
    add_sources(tables, result.counts, docs, manifest.subject.iso3, partners)  # stage 7
    tables["sources"] = sources_rows(manifest)
    return tables, result.counts


def render_tables(tables: dict[str, list[dict]]) -> dict[str, str]:
    """Every table as CSV text by file name, sorted and validated; raises before any write."""
    texts = {}
    for name, table in schema.TABLES.items():
        rows = [schema.format_row(table, r) for r in tables.get(name, [])]
        rows.sort(key=schema.sort_key(table))
        schema.validate_rows(table, table.names, rows, f"table '{name}'", by_source=True)
        texts[table.file] = to_csv(table.names, rows)
    return texts


def sources_rows(manifest: Manifest) -> list[dict]:
    return [dict(source=s.file, kind=s.kind, title=s.title, publisher=s.publisher, date=s.date,
                 url=s.url, licence=s.licence, sha256=s.sha256) for s in manifest.sources]


def to_csv(header: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


# --------------------------------------------------------------------------- atomic write

class _staging:
    """A temporary folder beside ``out`` (same filesystem, so moves are renames), removed on
    exit whatever happens; an OSError while staging becomes an OutputError naming ``out``."""

    def __init__(self, out: Path):
        self.out = out

    def __enter__(self) -> Path:
        parent = self.out.absolute().parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.path = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.build-", dir=parent))
        except OSError as exc:
            raise OutputError(str(self.out), f"cannot create a folder beside it: {why(exc)}") \
                from None
        return self.path

    def __exit__(self, kind, exc, tb):
        shutil.rmtree(self.path, ignore_errors=True)
        if isinstance(exc, OSError):
            raise OutputError(str(self.out), f"cannot write the build: {why(exc)}; nothing "
                              "was changed") from None
        return False


def why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _stage(stage: Path, target: Path, text: str, staged_name: str | None = None) -> Staged:
    path = stage / (staged_name or target.name)
    _write(path, text)
    return Staged(path, target)


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def commit(files: list[Staged]) -> None:
    """Move every staged file that differs onto its target, all or none.

    Identical files are left untouched (same bytes, same mtime). The originals are kept as
    hard links in the staging folder until every move has succeeded, so a failure part-way
    puts back the files already replaced and removes the ones created.
    """
    with _commit_lock(files[0].staged.parent.parent if files else Path(".")):
        _commit(files)


@contextlib.contextmanager
def _commit_lock(folder: Path):
    """One commit at a time beside ``--out``: two builds at once never mix their tables (the
    last to commit wins whole). An flock on the folder itself, so no lock file is left."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _commit(files: list[Staged]) -> None:
    changed = [f for f in files
               if not (f.target.is_file() and f.target.read_bytes() == f.staged.read_bytes())]
    if not changed:
        return
    for f in changed:
        f.target.parent.mkdir(parents=True, exist_ok=True)
    backups: dict[Path, Path | None] = {}
    for f in changed:
        if f.target.exists():
            backup = f.staged.with_name(f.staged.name + ".previous")
            try:
                os.link(f.target, backup)
            except OSError:  # a filesystem without hard links: a copy does
                shutil.copy2(f.target, backup)
            backups[f.target] = backup
        else:
            backups[f.target] = None
    done: list[Staged] = []
    try:
        for f in changed:
            os.replace(f.staged, f.target)
            done.append(f)
    except BaseException:  # OSError, or Ctrl-C part-way: put every file back
        for f in reversed(done):
            backup = backups[f.target]
            if backup is None:
                f.target.unlink(missing_ok=True)
            else:
                os.replace(backup, f.target)
        raise
