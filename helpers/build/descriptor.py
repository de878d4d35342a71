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

from helpers.build.sources import Manifest
from helpers.core import paths, schema
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
                                   "https://creativecommons.org/licenses/by-sa/4.0/")}


def describe(folder: Path, manifest: Manifest, counts: dict[str, int]) -> dict:
    """The descriptor of the tables in ``folder`` (already written), as a dict in fixed order."""
    folder = Path(folder)
    values = {name: _column_values(folder / t.file) for name, t in schema.TABLES.items()}
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


def write(folder: Path, manifest: Manifest, counts: dict[str, int]) -> dict:
    """Write ``datapackage.json`` next to the tables in ``folder``; return the descriptor.

    An identical file is left untouched, so a rebuild changes no bytes and no mtimes.
    """
    descriptor = describe(folder, manifest, counts)
    text = dumps(descriptor)
    target = Path(folder) / paths.DESCRIPTOR_NAME
    if not (target.is_file() and target.read_text(encoding="utf-8") == text):
        target.write_text(text, encoding="utf-8", newline="\n")
    return descriptor


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
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-")


def _column_values(path: Path) -> dict[str, set[str]]:
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {c: {r[c] for r in rows} for c in (rows[0] if rows else {})}


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
    """Markdown for data/README.md, rendered from the descriptor alone."""

    s = descriptor["subject"]
    out = [
        f"# Data: {descriptor['title']}",
        "",
        f"<!-- Generated by `python -m helpers.build` from processed/{paths.DESCRIPTOR_NAME}. "
        "Do not edit by hand. -->",
        "",
        f"Subject: **{s['name']}** ({s['iso3']}, capital {s['capital']}). "
        "`raw/` holds the sources byte for byte, with `raw/manifest.toml` recording each file's "
        "checksum, title, publisher, date, URL and licence; the build refuses to run on a file "
        "whose checksum differs. `processed/` holds the tables below, written by "
        "`python -m helpers.build` (`make data`): UTF-8 CSV, sorted by key, identical bytes on "
        f"every rebuild, described by `processed/{paths.DESCRIPTOR_NAME}` (a Frictionless Data "
        "Package: each "
        "table's bytes, sha256, fields, constraints and keys; the sources; the licences; the "
        "subject). Every record carries `source` and `line`, the file and 1-based line of the "
        "statement it comes from. Load the tables with `helpers.data.load`, which checks each file "
        "against the descriptor before reading it (typed and validated).",
        "",
        "## Provenance",
        "",
        "| file | title | publisher | date | licence | sha256 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in descriptor["sources"]:
        out.append(f"| `{r['file']}` | [{r['title']}]({r['path']}) | {r['publisher']} | "
                   f"{r['date']} | {r['licence']} | `{r['sha256'][:12]}…` |")
    out += ["", "Licences: " + "; ".join(
        f"[{x['title']}]({x['path']})" if x.get("path") else x["title"]
        for x in descriptor["licenses"]) + ".", ""]
    out += ["## What the last build read", "", "| measure | count |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in descriptor["counts"].items()]
    name, capital = s["name"], s["capital"]
    out += ["", "## How records are read", "",
            "- **Partners.** A name in the table's Country column, when the export kept it, "
            "states the partner; if the notes point at another country, the column wins and "
            "`decisions.csv` says so (`country-column`). Otherwise each row's partner comes "
            f"from its own text: a \"See X–{name} relations\" link, the subject of a post "
            f"statement (\"X has an embassy in {capital}\"), the country of a city where "
            f"{name} has a post (\"{name} has an embassy in <city>\"), a recognized country, "
            "else the country named most often. Third countries that only locate a post "
            "(\"… in <city>, <country>\") never count. A row naming no country (also a row "
            "with only a date) is `unresolved`, with candidates from its alphabetical "
            "neighbours in the region, narrowed by stated memberships; only a single remaining "
            "candidate makes it `inferred`. Every such choice is in `decisions.csv`.",
            "- **Regions.** A table's region comes from the section heading above it, through "
            "the heading table below (extendable by a `[regions]` table in the manifest, "
            "`\"Levant\" = \"Asia\"`); a table under any other heading stops the build with "
            "the heading, its line and the allowed names. Each mapped heading is a "
            "`region-heading` decision.",
            "- **Posts.** One row per city: \"consulates-general in A, B and C\" is three rows. "
            f"\"X is accredited to / represented in {name} from / through its embassy in City, "
            "Country\" is a non-resident row (`resident` false). Ambiguous cities are placed by "
            "the statement's context; territories' posts serve their sovereign. \"Washington, "
            "D.C.\" is one city. A post named twice in one statement is one row "
            "(`duplicate-post` decision). \"X closed / suspended the operations of / reopened "
            "its embassy in Y in YEAR\" sets `status` (`closed`, `suspended`, `open`) and "
            "`status_year`, and gives a dated `mission-closed` / `mission-suspended` / "
            "`mission-reopened` event.",
            "- **Relations broken and renewed.** \"Broken off\", \"severed\" give a "
            "`relations-broken` event; \"restored\", \"re-established\", \"renewed\" a "
            "`relations-renewed` one. A Formal Relations Began cell with several dates "
            "(\"5 May 1987, broken 9 September 1996\") gives `established` from the first and "
            "an event of its kind for each other.",
            "- **Dates.** Kept at their precision (`1971`, `1991-11`, `1963-01-25`); \"the "
            "1820s\" is `1820` at `decade` precision, not the year 1820; \"c. 1850\" keeps "
            "1850 with `approximate` / `established_approximate` true. A more precise date in "
            "a row's notes, in the same year as the column, wins; a date from another source "
            "keeps that source's file and line in `established_source` / `established_line`.",
            "- **Figures.** Every number written in digits with a unit or currency, in base "
            "units (USD, W; areas in km2), with its qualifier: \"more than $1 billion\" is "
            "`more-than` 1e9, a lower bound. Counts written in words (\"three agreements\") "
            "are not figures. Indicator ids come from `helpers/reference/indicators.csv`.",
            "- **Records (TEI XML).** Read with defusedxml (entity declarations and external "
            "references are refused, so an entity-expansion bomb or an external entity stops "
            "the build with the file and line). Each `<head>` of the `<text>` is a `heading` "
            "statement and each `<p>` is split into sentences; a statement's line is the line "
            "of its first word. The `teiHeader` is the file's metadata, recorded in the "
            "manifest. Records go through the same stages as the other sources.",
            "- **Representation levels.** A statement naming a legation, embassy or envoy's "
            "rank, a change (established, raised, named, presented credentials), a date and "
            f"where ({capital}, or \"to\"/\"in\" the partner) is a row of `levels.csv`, coded "
            "as in the Correlates of War Diplomatic Exchange data set (1 chargé d'affaires, "
            "2 minister, 3 ambassador). A section title restating its paragraph's change less "
            "precisely is the same change. Each change is also a `mission-opened` or "
            "`mission-upgraded` event (\"raised to an embassy\").",
            "- **Reconciliation.** When several statements date the start of relations with a "
            "partner (a fact sheet's year, a record's summary and its dated entry), the build "
            f"chooses by one rule: {RULE}. The others are listed in "
            "`established_alternatives`, and a `reconciliation` decision records every value "
            "with its file and line, the choice and the rule.",
            "- **Nothing is lost.** Every sentence of prose and notes and every list item is a "
            "row of `statements.csv`, either `represented` (with the tables it fed) or "
            "`unparsed` (also in `unparsed.csv`) with a reason.",
            "", "## Section headings and their regions", "",
            "`schema.HEADING_REGIONS`, with the manifest's `[regions]` additions "
            f"(`headingRegions` in `{paths.DESCRIPTOR_NAME}`).", "",
            "| region | section headings read as that region |", "| --- | --- |"]
    headings = descriptor.get("headingRegions", {})
    out += [f"| {r} | " + ", ".join(h for h, x in headings.items() if x == r) + " |"
            for r in dict.fromkeys(headings.values())]
    out += [
            "", "## Tables", ""]
    for r in descriptor["resources"]:
        ts = r["schema"]
        keys = "; ".join(f"`{k['fields']}` → `{k['reference']['resource']}."
                         f"{k['reference']['fields']}`" for k in ts.get("foreignKeys", []))
        out += [f"### `{r['path']}`", "", r["description"], "",
                f"Key: ({', '.join(ts['primaryKey'])}). {r['bytes']} bytes, "
                f"`{r['hash'][:19]}…`." + (f" References: {keys}." if keys else ""), "",
                "| column | type | meaning | unit | allowed values | required |",
                "| --- | --- | --- | --- | --- | --- |"]
        for f in ts["fields"]:
            c = f["constraints"]
            kind = _KINDS.get((f["type"], c.get("pattern")), f["type"])
            allowed = ", ".join(f"`{a}`" for a in c.get("enum", []))
            out.append(f"| `{f['name']}` | {kind} | {f['description']} | {f.get('unit', '')} | "
                       f"{allowed} | {'yes' if c['required'] else ''} |")
        out.append("")
    return "\n".join(out)
