"""Build the processed tables from the raw sources: ``python -m helpers.build``.

Reads ``--raw`` (default data/raw, with its manifest), checks every checksum, extracts the
records, validates each table against helpers.schema, and writes sorted UTF-8 CSV to ``--out``
(default data/processed) plus the generated data dictionary. Prints what it read.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from helpers import paths, schema
from helpers.exceptions import ProjectError
from helpers.sources import Manifest, read_manifest, read_source
from helpers.statements import read_article, read_fact_sheet
from helpers.tei import read_tei


def build(raw: Path = paths.RAW, out: Path = paths.DEFAULT_PROCESSED) -> dict[str, int]:
    """Build every table from ``raw`` into ``out``; return the counts the build prints."""
    from helpers.extract import extract

    manifest = read_manifest(raw)
    docs = []
    for src in manifest.sources:
        lines = read_source(manifest, src)
        if src.kind == "article":
            docs.append(read_article(lines, src.file, schema.REGIONS))
        elif src.kind == "record":
            docs.append(read_tei(lines, src.file))
        else:
            docs.append(read_fact_sheet(lines, src.file))
    years = {s.file: int(s.date[:4]) for s in manifest.sources}
    partners = {s.file: s.partner_iso3 for s in manifest.sources if s.partner_iso3}
    result = extract(docs, manifest.subject, years, partners)
    tables = dict(result.tables)
    counts = after_extraction(tables, manifest, result.counts)
    tables["sources"] = sources_rows(manifest)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in schema.TABLES.items():
        rows = sorted(tables[name], key=schema.sort_key(table))
        rows = [{c: r.get(c, "") for c in table.names} for r in rows]
        target = out / table.file
        schema.validate_rows(table, table.names, rows, str(target))
        _write_if_changed(target, to_csv(table.names, rows))
    default = out.resolve() == paths.DEFAULT_PROCESSED.resolve()
    readme = paths.DATA_README if default else out / "README.md"
    _write_if_changed(readme, schema.data_dictionary(tables["sources"], counts) + "\n")
    return counts


def after_extraction(tables: dict[str, list[dict]], manifest: Manifest,
                     counts: dict[str, int]) -> dict[str, int]:
    """Stages on the extracted rows: representation levels, then reconciliation; recount."""
    from helpers.levels import add_levels
    from helpers.reconcile import reconcile_relations

    add_levels(tables, manifest.subject)
    reconcile_relations(tables)
    status = [s["status"] for s in tables["statements"]]
    return {**counts, "represented": status.count("represented"),
            "unparsed (listed with a reason)": status.count("unparsed")}


def sources_rows(manifest: Manifest) -> list[dict]:
    return [dict(source=s.file, kind=s.kind, title=s.title, publisher=s.publisher, date=s.date,
                 url=s.url, licence=s.licence, sha256=s.sha256) for s in manifest.sources]


def to_csv(header: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _write_if_changed(path: Path, text: str) -> None:
    """Leave an identical file untouched, so a rebuild changes no bytes and no mtimes."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    path.write_text(text, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.build", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--raw", type=Path, default=paths.RAW,
                        help="folder of raw sources with its manifest.toml (default: data/raw)")
    parser.add_argument("--out", type=Path, default=paths.DEFAULT_PROCESSED,
                        help="folder to write the tables to (default: data/processed)")
    args = parser.parse_args(argv)
    try:
        counts = build(args.raw, args.out)
    except ProjectError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 2
    width = max(len(k) for k in counts)
    print(f"built {args.out}")
    for k, v in counts.items():
        print(f"  {k:<{width}}  {v}")
    dropped = counts["statements read"] - counts["represented"] - counts[
        "unparsed (listed with a reason)"]
    print(f"  {'dropped silently':<{width}}  {dropped}")
    return 0 if dropped == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
