"""Build the processed tables from the raw sources: ``python -m helpers.build``.

Reads ``--raw`` (default data/raw, with its manifest), checks every checksum, extracts the
records, validates every table against helpers.core.schema, and only then writes sorted UTF-8 CSV,
the ``datapackage.json`` descriptor and the data dictionary rendered from it into a new version
folder of ``--out``, published by one rename (helpers.build.commit). A failed build leaves what
readers of ``--out`` see as it was. Prints what it read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from helpers.build import commit, descriptor, subjects, trade_cache
from helpers.build.chiefs import read_chiefs
from helpers.build.commit import why
from helpers.build.extract import extract
from helpers.build.register import read_register
from helpers.build.sources import (
    Manifest,
    Source,
    read_manifest,
    read_source,
    read_source_bytes,
)
from helpers.build.statements import Document, read_article, read_fact_sheet
from helpers.build.structured import add_sources
from helpers.build.tei import read_tei
from helpers.build.trade import reconcile_figures, trade_tables
from helpers.build.workbooks import read_workbook
from helpers.core import paths, schema
from helpers.core.exceptions import OutputError


@dataclass(frozen=True)
class BuildResult:
    counts: dict[str, int]  # what the build read, as it prints it
    files: tuple[Path, ...]  # every file of the build, where it now is (changed or not)


def build(raw: Path = paths.RAW, out: Path = paths.DEFAULT_PROCESSED) -> dict[str, int]:
    """Build every table from ``raw`` into ``out``; return the counts the build prints."""
    return build_files(raw, out).counts


def build_files(raw: Path = paths.RAW, out: Path = paths.DEFAULT_PROCESSED,
                on_commit: Callable[[], None] | None = None,
                subject: str | None = None) -> BuildResult:
    """Build every table from ``raw`` into ``out``: the counts and the files written.

    Order: read and extract (errors name the input file and line), render and validate every
    table, then stage everything (tables, their ``datapackage.json`` descriptor, the README
    rendered from it) in a new version folder and commit it with one rename
    (:mod:`helpers.build.commit`). Nothing a reader of ``out`` sees changes unless every step
    succeeded. ``on_commit`` is called at the commit point (the CLI stops taking signals there).
    ``subject`` (an ISO3 code) builds that country's dataset from the manifest's worldwide
    sources alone (:mod:`helpers.build.subjects`).
    """
    out = Path(out)
    commit.check_folder(out)
    manifest = read_manifest(raw)
    sources = Path(raw).resolve()
    if out.resolve() == sources or sources in out.resolve().parents:
        raise OutputError(str(out), f"inside the raw sources ({raw}): the tables go elsewhere, "
                          "never among the files they are built from")
    if subject is not None:
        manifest = subjects.for_subject(manifest, subject)
    tables, counts = extract_tables(manifest, worldwide_only=subject is not None)
    texts = render_tables(tables)  # validates every table before anything is written
    default = out.absolute() == paths.DEFAULT_PROCESSED.absolute()
    done: list[bool] = []

    def committed() -> None:
        done.append(True)
        if on_commit:
            on_commit()

    try:
        with commit.lock(out):
            commit.sweep(out)
            names = [*texts, paths.DESCRIPTOR_NAME, *([] if default else ["README.md"])]
            owned = {} if commit.committed_version(out) else _written_before(out)
            commit.check_in_the_way(out, names, owned)  # before anything is written
            stage = commit.stage(out)
            try:
                files = _stage_files(stage, manifest, counts, texts, with_readme=not default)
                readme = files.pop("README.md") if default else None
                commit.commit(out, stage, list(files), owned, committed)
                if readme is not None:  # data/README.md, beside the processed folder
                    commit.replace_file(paths.DATA_README, readme)
            finally:
                if stage.exists():
                    shutil.rmtree(stage, ignore_errors=True)
    except OSError as exc:
        state = ("the new tables were committed" if done else "nothing was changed")
        raise OutputError(str(exc.filename or out), f"cannot write the build: {why(exc)}; "
                          f"{state}") from None
    written = [out / name for name in files]
    return BuildResult(counts, tuple(written) + ((paths.DATA_README,) if default else ()))


def _stage_files(stage: Path, manifest: Manifest, counts: dict[str, int],
                 texts: dict[str, str], with_readme: bool) -> dict[str, bytes]:
    """Write the tables, their descriptor and the README into ``stage``; their bytes by name."""
    files = {}
    for name, text in texts.items():
        files[name] = text.encode("utf-8")
        _write(stage / name, text)
    described = descriptor.describe(stage, manifest, counts)  # of the staged tables
    files[paths.DESCRIPTOR_NAME] = descriptor.dumps(described).encode("utf-8")
    _write(stage / paths.DESCRIPTOR_NAME, descriptor.dumps(described))
    readme = descriptor.render_readme(described) + "\n"
    files["README.md"] = readme.encode("utf-8")
    if with_readme:
        _write(stage / "README.md", readme)
    return files


def _written_before(out: Path) -> dict[str, bytes]:
    """The plain files an older build wrote in ``out`` (checked against its descriptor), which
    the commit may turn into links; a README counts when it is the data README's title."""
    raw = commit.read_regular(out / paths.DESCRIPTOR_NAME)
    try:
        described = json.loads(raw or b"")
        resources = {r["path"]: r["hash"] for r in described["resources"]}
        title = f"# Data: {described['title']}\n"
    except (ValueError, KeyError, TypeError):
        return {}
    owned = {paths.DESCRIPTOR_NAME: raw}
    for name, digest in resources.items():
        data = commit.read_regular(out / name) if Path(name).name == name else None
        if data is not None and "sha256:" + hashlib.sha256(data).hexdigest() == digest:
            owned[name] = data
    readme = commit.read_regular(out / "README.md")
    if readme is not None and readme.decode("utf-8", "replace").startswith(title):
        owned["README.md"] = readme
    return owned


# Each kind of source (sources.KINDS) -> a reader of its lines into a statements.Document:
# (lines, the source as the manifest records it, heading -> region table). The later stages are
# the same for every kind. The structured sources read dates up to the source's own date.
READERS: dict[str, Callable[[list[str], Source, dict[str, str]], Document]] = {
    "article": lambda lines, src, regions: read_article(lines, src.file, regions),
    "fact-sheet": lambda lines, src, _regions: read_fact_sheet(lines, src.file),
    "record": lambda lines, src, _regions: read_tei(lines, src.file),  # TEI XML (build.tei)
    "register": lambda lines, src, _regions: read_register(  # `;`-separated CSV
        lines, src.file, until=src.date),
    "chiefs": lambda lines, src, _regions: read_chiefs(  # chiefs of mission XML
        lines, src.file, until=src.date),
}


def extract_tables(manifest: Manifest, worldwide_only: bool = False
                   ) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Read every source of the manifest and run the extraction: (rows by table, counts).

    ``worldwide_only``: a dataset built from worldwide sources alone (``--subject``), to which
    each of them adds what it gives a subject with no text of its own."""
    regions = schema.heading_regions(manifest.regions)
    texts = [s for s in manifest.sources if s.kind in READERS]
    docs = [READERS[src.kind](read_source(manifest, src), src, regions) for src in texts]
    years = {s.file: int(s.date[:4]) for s in texts}
    partners = {s.file: s.partner_iso3 for s in texts if s.partner_iso3}
    result = extract(docs, manifest.subject, years, partners)
    tables = dict(result.tables)
    add_sources(tables, result.counts, docs, manifest.subject.iso3, partners)  # stage 7
    if worldwide_only:
        subjects.add_worldwide(tables, result.counts, docs, manifest)
    for file, text in _add_trade(tables, result.counts, manifest).items():  # stage 8
        tables[file.removesuffix(".csv")] = Rendered(text)
    tables["sources"] = sources_rows(manifest)
    return tables, result.counts


def _add_trade(tables: dict[str, list[dict]], counts: dict[str, int],
               manifest: Manifest) -> dict[str, str]:
    """The trade workbooks' tables, rendered (returned by file name), and what they add to the
    others: unparsed rows, decisions, and the text's trade figures reconciled against them."""
    subject = manifest.subject.iso3
    sources = [src for src in manifest.sources if src.kind == "trade"]
    digest = trade_cache.key(subject, sources)
    result = trade_cache.load(digest)
    if result is None:
        data = [read_source_bytes(manifest, src) for src in sources]  # every checksum first
        books = [(src, read_workbook(b, src.file, src.sha256))
                 for src, b in zip(sources, data, strict=True)]
        found = trade_tables(books, subject)
        result = trade_cache.TradeResult(
            {schema.TABLES[n].file: render_table(n, rows)
             for n, rows in (("trade", found.trade), ("peer_trade", found.peer_trade))},
            found.unparsed, found.statements, found.decisions, found.counts,
            found.reporters,
            [[r["reporter_iso3"], r["partner_iso3"], r["flow"], r["year"],
              r["value_usd_million"]] for r in found.trade])
        trade_cache.store(digest, result)
    else:
        for src in sources:  # a cached result still needs every file as its manifest says
            read_source_bytes(manifest, src)
    tables.setdefault("unparsed", []).extend(result.unparsed)
    tables.setdefault("statements", []).extend(result.statements)
    tables.setdefault("decisions", []).extend(result.decisions)
    if sources:
        counts.update(result.counts)
        counts["unparsed (listed with a reason)"] = counts.get(
            "unparsed (listed with a reason)", 0) + len(result.unparsed)
        counts["statements read"] = counts.get("statements read", 0) + len(result.statements)
    flows = [dict(zip(("reporter_iso3", "partner_iso3", "flow", "year", "value_usd_million"),
                      f, strict=True)) for f in result.flows]
    tables["decisions"].extend(
        reconcile_figures(tables.get("figures", []), flows, subject, result.reporters))
    return result.texts


def render_table(name: str, rows: list[dict]) -> str:
    """One table as CSV text, sorted and validated; raises before any write."""
    table = schema.TABLES[name]
    formatted = [schema.format_row(table, r) for r in rows]
    formatted.sort(key=schema.sort_key(table))
    schema.validate_rows(table, table.names, formatted, f"table '{name}'", by_source=True)
    return to_csv(table.names, formatted)


@dataclass(frozen=True)
class Rendered:
    """A table a stage has already rendered and validated (the trade tables, from the cache)."""

    text: str


def render_tables(tables: dict[str, list[dict] | Rendered]) -> dict[str, str]:
    """Every table as CSV text by file name, sorted and validated; raises before any write."""
    return {table.file: found.text if isinstance(found := tables.get(name, []), Rendered)
            else render_table(name, found) for name, table in schema.TABLES.items()}


def sources_rows(manifest: Manifest) -> list[dict]:
    return [dict(source=s.file, kind=s.kind, title=s.title, publisher=s.publisher, date=s.date,
                 url=s.url, licence=s.licence, sha256=s.sha256) for s in manifest.sources]


def to_csv(header: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


# --------------------------------------------------------------------------- writing

def _write(path: Path, text: str) -> None:
    commit.write_new(path, text.encode("utf-8"))
