"""The processed folder describes itself: ``datapackage.json``, a Frictionless Data Package.

Written by the build from helpers.schema, the manifest and the tables it has just written: one
resource per table (path, bytes, sha256, Table Schema with types, descriptions, constraints,
primary key and the foreign keys that hold), the sources with their checksums, the licences,
the subject country and the build's counts. Keys are in a fixed order and nothing depends on
the clock, so a rebuild gives the same bytes.

Everything downstream reads the subject, the sources and the licences from here (``read``,
``subject``, ``sources``, ``licenses``; each reads ``paths.PROCESSED`` unless given a folder),
never from data/raw; ``helpers.load`` checks every
table's bytes and hash against it before parsing.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from helpers import paths, schema
from helpers.exceptions import DataError
from helpers.sources import Manifest, Subject

NAME = "datapackage.json"
REBUILD = "rebuild it with `make data` (python -m helpers.build)"

# Table Schema for each of helpers.schema's column types
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
_CACHE: dict[tuple, dict] = {}


# ---------------------------------------------------------------- writing (the build)


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
    target = Path(folder) / NAME
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


# ---------------------------------------------------------------- reading (everything else)


def read(folder: Path | str | None = None) -> dict:
    """The descriptor of a processed folder; DataError naming the file if missing or broken."""
    path = Path(paths.PROCESSED if folder is None else folder) / NAME
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
    raise DataError(f"{Path(paths.PROCESSED if folder is None else folder) / NAME} lists no "
                    f"table {name!r}; {REBUILD}")


def verified_bytes(name: str, folder: Path | str | None = None) -> tuple[Path, bytes]:
    """A table's bytes after checking their count and sha256 against the descriptor."""
    folder = Path(paths.PROCESSED if folder is None else folder)
    r = resource(name, folder)
    path = folder / r["path"]
    where = f"{folder / NAME}"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path} is missing ({where} lists it); {REBUILD}") from None
    except OSError as exc:
        raise DataError(f"{path} cannot be read ({exc.strerror}); {REBUILD}") from None
    if len(data) != r["bytes"]:
        how = "cut short" if len(data) < r["bytes"] else "longer"
        raise DataError(f"{path} has {len(data)} bytes where {where} records {r['bytes']}: "
                        f"the file is {how} than the build wrote it; {REBUILD}")
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    if digest != r["hash"]:
        raise DataError(f"{path} has the right size but its sha256 differs from the one "
                        f"{where} records ({digest[7:19]}… against {r['hash'][7:19]}…): the "
                        f"file was edited after the build; {REBUILD}")
    return path, data


# ---------------------------------------------------------------- the data README


def describe_sources(descriptor: dict) -> str:
    """'*Title* (publisher, date; licence) and …': the sources in one sentence part."""
    parts = [f"*{s['title']}* ({s['publisher']}, {s['date']}; {s['licence']})"
             for s in descriptor["sources"]]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def about(folder: Path | str | None = None) -> str:
    """'Subject: **Chile** (CHL, capital Santiago). Sources: …': a notebook's opening line."""
    d = read(folder)
    s = d["subject"]
    return (f"Subject: **{s['name']}** ({s['iso3']}, capital {s['capital']}). Sources: "
            f"{describe_sources(d)}. Every number below is computed from the processed tables "
            "through `helpers`; every record carries its source file and line.")


def render_readme(descriptor: dict) -> str:
    """Markdown for data/README.md, rendered from the descriptor alone."""
    from helpers import reconcile  # the rule the build reconciles by, written once

    s = descriptor["subject"]
    out = [
        f"# Data: {descriptor['title']}",
        "",
        f"<!-- Generated by `python -m helpers.build` from processed/{NAME}. "
        "Do not edit by hand. -->",
        "",
        f"Subject: **{s['name']}** ({s['iso3']}, capital {s['capital']}). "
        "`raw/` holds the sources byte for byte, with `raw/manifest.toml` recording each file's "
        "checksum, title, publisher, date, URL and licence; the build refuses to run on a file "
        "whose checksum differs. `processed/` holds the tables below, written by "
        "`python -m helpers.build` (`make data`): UTF-8 CSV, sorted by key, identical bytes on "
        f"every rebuild, described by `processed/{NAME}` (a Frictionless Data Package: each "
        "table's bytes, sha256, fields, constraints and keys; the sources; the licences; the "
        "subject). Every record carries `source` and `line`, the file and 1-based line of the "
        "statement it comes from. Load the tables with `helpers.load`, which checks each file "
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
            f"chooses by one rule: {reconcile.RULE}. The others are listed in "
            "`established_alternatives`, and a `reconciliation` decision records every value "
            "with its file and line, the choice and the rule.",
            "- **Nothing is lost.** Every sentence of prose and notes and every list item is a "
            "row of `statements.csv`, either `represented` (with the tables it fed) or "
            "`unparsed` (also in `unparsed.csv`) with a reason.",
            "", "## Section headings and their regions", "",
            "`schema.HEADING_REGIONS`, with the manifest's `[regions]` additions "
            f"(`headingRegions` in `{NAME}`).", "",
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
