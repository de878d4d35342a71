"""Writing ``datapackage.json`` (a Frictionless Data Package) and the data README it renders.

One resource per table (path, bytes, sha256, Table Schema with types, descriptions, constraints,
primary key and the foreign keys that hold), the sources with their checksums, the licences,
the subject country and the build's counts. Keys are in a fixed order and nothing depends on
the clock, so a rebuild gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from markupsafe import Markup

from helpers.build.sources import Manifest
from helpers.core import paths, schema, templates
from helpers.core.claims import RULE

# Table Schema for each of helpers.core.schema's column types
_TYPES = {"str": "string", "category": "string", "int": "integer", "float": "number",
          "bool": "boolean", "date": "string", "iso3": "string", "iso3-list": "string"}


_PATTERNS = {"date": r"\d{4}(-\d{2}(-\d{2})?)?", "iso3": "[A-Z]{3}",
             "iso3-list": "[A-Z]{3}(;[A-Z]{3})*"}


# How the data README names each kind of field, by (Table Schema type, pattern)
_KINDS = {("string", _PATTERNS["date"]): "ISO 8601 date (partial)",
          ("string", _PATTERNS["iso3"]): "ISO 3166-1 alpha-3",
          ("string", _PATTERNS["iso3-list"]): "`;`-separated ISO3 codes",
          ("integer", None): "integer", ("number", None): "number",
          ("boolean", None): "boolean (`true`/`false`)", ("string", None): "string"}


# Foreign keys the tables may satisfy: (table, field) -> (table, field). The build declares
# each one only where it holds for the data it built (an empty cell refers to nothing).
_CANDIDATE_KEYS = [
    *[((t.name, "partner_iso3"), ("relations", "iso3")) for t in schema.TABLES.values()
      if "partner_iso3" in t.names],
    *[((t.name, "source"), ("sources", "source")) for t in schema.TABLES.values()
      if "source" in t.names and t.name != "sources"],
    (("relations", "established_source"), ("sources", "source")),
    # levels: the partner's side of each row (the subject's own code is in no relations row,
    # so these hold only where the table names partners alone)
    (("levels", "sending_iso3"), ("relations", "iso3")),
    (("levels", "receiving_iso3"), ("relations", "iso3")),
]


_LICENCE_NAMES = {"CC BY-SA 4.0": ("CC-BY-SA-4.0",
                                   "https://creativecommons.org/licenses/by-sa/4.0/"),
                  # statistical data: reuse, derivative works and redistribution allowed,
                  # citing the source as the manifest's `citation` says
                  "IMF Copyright and Usage terms": ("imf-terms",
                                                    "https://www.imf.org/external/terms.htm")}


def describe(folder: Path, manifest: Manifest, counts: dict[str, int]) -> dict:
    """The descriptor of the tables in ``folder`` (already written), as a dict in fixed order."""
    folder = Path(folder)
    needed: dict[str, set[str]] = {}  # the columns the candidate keys compare, by table
    for (name, column), (target, target_column) in _CANDIDATE_KEYS:
        needed.setdefault(name, set()).add(column)
        needed.setdefault(target, set()).add(target_column)
    values = {name: _column_values(folder / t.file, needed.get(name, set()))
              for name, t in schema.TABLES.items()}
    subject = manifest.subject
    return {
        "profile": "tabular-data-package",
        "name": "foreign-relations-of-" + _slug(subject.name),
        "title": f"Foreign relations of {subject.name}",
        "description": (f"Relations, diplomatic posts, dated events, memberships and figures "
                        f"of {subject.name}'s foreign relations, read from "
                        f"{len(manifest.sources)} public document(s); every record carries "
                        "its source file and line."),
        "subject": {"name": subject.name, "iso3": subject.iso3, "capital": subject.capital},
        "licenses": licenses_of(manifest),
        "sources": [_source(s) for s in manifest.sources],
        "counts": dict(counts),
        # section headings read as regions by this build (schema's table + the manifest's)
        "headingRegions": schema.heading_regions(manifest.regions),
        "resources": [_resource(folder, t, values) for t in schema.TABLES.values()],
    }


def dumps(descriptor: dict) -> str:
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"


def licenses_of(manifest: Manifest) -> list[dict]:
    """Every licence of the sources, once, in the manifest's order (Data Package ``licenses``)."""
    out: dict[str, dict] = {}
    for s in manifest.sources:
        name, url = _LICENCE_NAMES.get(s.licence, (_slug(s.licence), ""))
        out.setdefault(name, {"name": name, **({"path": url} if url else {}),
                              "title": s.licence})
    return list(out.values())


def _source(s) -> dict:
    out = {"title": s.title, "path": s.url, "file": s.file, "kind": s.kind,
           "publisher": s.publisher, "date": s.date, "licence": s.licence,
           "sha256": s.sha256}
    if s.partner_iso3:
        out["partner_iso3"] = s.partner_iso3
    for key in ("scope", "citation"):  # a trade workbook's rows kept; how its terms ask to cite
        if isinstance(s.extra.get(key), str):
            out[key] = s.extra[key]
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-")


def _column_values(path: Path, columns: set[str]) -> dict[str, set[str]]:
    """The distinct values of ``columns`` in a written table (only those: a long table such as
    trade is read once, column by column index)."""
    import csv

    if not columns:
        return {}
    csv.field_size_limit(max(csv.field_size_limit(), path.stat().st_size + 1))  # our own cells
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        at = {c: header.index(c) for c in columns if c in header}
        out: dict[str, set[str]] = {c: set() for c in at}
        for row in reader:
            for c, i in at.items():
                out[c].add(row[i])
    return out


def _field(c: schema.Column) -> dict:
    field = {"name": c.name, "type": _TYPES[c.type], "description": c.description}
    if c.type == "bool":
        field |= {"trueValues": ["true"], "falseValues": ["false"]}
    constraints: dict = {"required": c.required}
    if c.allowed:
        constraints["enum"] = list(c.allowed)
    if c.type in _PATTERNS:
        constraints["pattern"] = _PATTERNS[c.type]
    field["constraints"] = constraints
    if c.unit:
        field["unit"] = c.unit
    return field


def _foreign_keys(table: schema.Table, values: dict) -> list[dict]:
    out = []
    for (name, column), (target, target_column) in _CANDIDATE_KEYS:
        if name != table.name:
            continue
        used = values[name].get(column, set()) - {""}
        if used <= values[target].get(target_column, set()):
            out.append({"fields": column,
                        "reference": {"resource": target, "fields": target_column}})
    return out


def _resource(folder: Path, table: schema.Table, values: dict) -> dict:
    data = (folder / table.file).read_bytes()
    table_schema = {"fields": [_field(c) for c in table.columns], "missingValues": [""],
                    "primaryKey": list(table.key)}
    keys = _foreign_keys(table, values)
    if keys:
        table_schema["foreignKeys"] = keys
    return {"name": table.name, "path": table.file, "profile": "tabular-data-resource",
            "description": table.description, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "schema": table_schema}


def render_readme(descriptor: dict) -> str:
    """Markdown for data/README.md, rendered from the descriptor alone
    (``helpers/templates/data/README.md.j2``; every value from a manifest or a source is
    escaped, the schema's own descriptions are kept as written)."""
    headings = descriptor.get("headingRegions", {})
    regions = [(r, [h for h, x in headings.items() if x == r])
               for r in dict.fromkeys(headings.values())]
    tables = []
    for r in descriptor["resources"]:
        ts = r["schema"]
        tables.append(dict(
            path=r["path"], description=Markup(r["description"]),
            key=", ".join(ts["primaryKey"]), bytes=r["bytes"], hash=r["hash"][:19],
            references=[(k["fields"], k["reference"]["resource"], k["reference"]["fields"])
                        for k in ts.get("foreignKeys", [])],
            fields=[dict(name=f["name"], unit=f.get("unit", ""),
                         kind=Markup(_KINDS.get((f["type"], f["constraints"].get("pattern")),
                                                f["type"])),
                         description=Markup(f["description"]),
                         allowed=f["constraints"].get("enum", []),
                         required=f["constraints"]["required"]) for f in ts["fields"]]))
    return templates.render("data/README.md.j2", d=descriptor, subject=descriptor["subject"],
                            descriptor_name=paths.DESCRIPTOR_NAME, rule=Markup(RULE),
                            regions=regions, tables=tables,
                            trade_sources=[x for x in descriptor["sources"]
                                           if x.get("kind") == "trade"]).rstrip("\n")
