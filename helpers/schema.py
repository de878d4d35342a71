"""The data dictionary as code: every table's columns, types, units, allowed values and key.

The build validates rows against it before writing, the loaders validate again on reading, and
``data/README.md`` is generated from it, so the documentation cannot drift from the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.exceptions import SchemaError

REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
PRECISIONS = ("year", "month", "day")
POST_TYPES = ("embassy", "consulate-general", "consulate", "honorary-consulate", "consular-agency")
EVENT_KINDS = ("relations-established", "relations-renewed", "recognition", "agreement",
               "mission-opened", "mission-closed", "visit", "membership", "other",
               "mission-upgraded")
QUALIFIERS = ("exact", "approximate", "more-than", "at-least", "range-min", "range-max")
RESOLUTIONS = ("stated", "inferred", "unresolved")
DIRECTIONS = ("abroad", "inward")
STATUSES = ("open", "closed")
STATEMENT_STATUSES = ("represented", "unparsed")
DECISION_KINDS = ("alias", "ambiguous-city", "territory", "partner-choice", "inferred-partner",
                  "unresolved-partner", "empty-row", "date-choice", "organization", "count-check",
                  "indicator", "reconciliation")

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # str | category | int | float | bool | date | iso3 | iso3-list
    description: str
    unit: str = ""
    allowed: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _src() -> tuple[Column, ...]:
    return (
        Column("source", "str", "Raw file the record comes from (see sources.csv).", required=True),
        Column("line", "int", "1-based line number in that file of the statement or table row.",
               required=True),
    )


def _row_line() -> Column:
    return Column("row_line", "int", "Line of the relations.csv row (same source) the record "
                  "belongs to; empty for prose outside the bilateral tables.")


TABLES: dict[str, Table] = {}


def _table(name, description, columns, key):
    TABLES[name] = Table(name, description, tuple(columns), tuple(key))


_table("relations", "One row per non-empty row of the article's bilateral tables.", [
    Column("region", "category", "Section of the article the table sits under.", allowed=REGIONS,
           required=True),
    Column("partner", "str", "Common English short name of the partner; empty when unresolved."),
    Column("iso3", "iso3", "ISO 3166-1 alpha-3 code of the partner; empty when unresolved."),
    Column("resolution", "category", "How the partner was identified: `stated` (the row's text "
           "names it), `inferred` (exactly one country fits the evidence), `unresolved`.",
           allowed=RESOLUTIONS, required=True),
    Column("reason", "str", "The evidence behind the identification, in words."),
    Column("candidates", "iso3-list", "`;`-separated ISO3 codes that fit the evidence (inferred "
           "and unresolved rows)."),
    Column("established", "date", "Date relations began, ISO 8601 at its precision (`1971`, "
           "`1991-11`, `1963-01-25`); empty if the sources give none."),
    Column("established_precision", "category", "Precision of `established`.",
           allowed=PRECISIONS),
    Column("established_source", "str", "File that gives `established` (may be another source "
           "than the row's, e.g. the fact sheet)."),
    Column("established_line", "int", "Line in `established_source` that gives the date."),
    Column("established_caveat", "str", "What the sources say that qualifies the date "
           "(e.g. relations existed earlier and were renewed)."),
    Column("established_alternatives", "str", "Other dates the sources give for the start of "
           "relations, when several statements give one (see `reconciliation` in "
           "decisions.csv): `;`-separated `date (precision) file:line`, each marked `same year` "
           "or `other year` against `established`."),
    Column("statements", "int", "Number of statements (sentences) in the row's notes.",
           unit="statements", required=True),
    *_src(),
], key=("source", "line"))

_table("missions", "One row per diplomatic post named in a statement, in either direction.", [
    Column("sending_iso3", "iso3", "Country whose post it is.", required=True),
    Column("accredited_to_iso3", "iso3", "Country the post serves in that statement.",
           required=True),
    Column("partner_iso3", "iso3", "The subject country's counterpart: `accredited_to_iso3` for "
           "the subject's posts, `sending_iso3` for posts serving the subject.", required=True),
    Column("direction", "category", "`abroad`: the subject country's post; `inward`: a partner's "
           "post serving the subject country.", allowed=DIRECTIONS, required=True),
    Column("city", "str", "City where the post physically is (GeoNames spelling).",
           required=True),
    Column("city_as_written", "str", "The city as the source writes it.", required=True),
    Column("city_iso3", "iso3", "Country the city is in; empty if the city is ambiguous."),
    Column("post_type", "category", "Kind of post.", allowed=POST_TYPES, required=True),
    Column("resident", "bool", "True when the post sits in the country it serves "
           "(`city_iso3 == accredited_to_iso3`); false for non-resident accreditation.",
           required=True),
    Column("status", "category", "`closed` when the source says the post closed.",
           allowed=STATUSES, required=True),
    Column("status_year", "int", "Year the source gives for opening or closing.", unit="year"),
    _row_line(),
    *_src(),
    Column("text", "str", "The statement, footnote markers removed.", required=True),
], key=("source", "line", "sending_iso3", "accredited_to_iso3", "post_type", "city"))

_table("events", "Every dated event the sources state.", [
    Column("partner_iso3", "iso3", "Partner the event concerns; empty when it concerns no single "
           "identified partner."),
    Column("date", "date", "ISO 8601 at its precision.", required=True),
    Column("precision", "category", "Precision of `date`.", allowed=PRECISIONS, required=True),
    Column("end_date", "date", "End of a period (\"from 1981 to 1991\", \"until April 2010\")."),
    Column("kind", "category", "What happened.", allowed=EVENT_KINDS, required=True),
    Column("summary", "str", "The source sentence, footnote markers removed.", required=True),
    _row_line(),
    *_src(),
    Column("sentence", "int", "1-based index of the sentence among those starting on `line`.",
           required=True),
], key=("source", "line", "sentence", "date", "kind"))

_table("memberships", "Memberships of international organizations the sources state.", [
    Column("organization", "str", "Organization's full name.", required=True),
    Column("acronym", "str", "Its usual acronym, where it has one."),
    Column("member_iso3", "iso3", "Member country.", required=True),
    _row_line(),
    *_src(),
], key=("organization", "member_iso3", "source", "line"))

_table("figures", "Every quantitative figure of the sources, in base units, with its qualifier.", [
    Column("indicator", "str", "snake_case id of what is measured.", required=True),
    Column("label", "str", "Human-readable name of the indicator.", required=True),
    Column("partner_iso3", "iso3", "Partner the figure concerns, if one."),
    Column("year", "int", "Year the figure refers to.", unit="year"),
    Column("period", "str", "Period the figure refers to when it is not one year "
           "(e.g. `2013/2018`)."),
    Column("value", "float", "The number in base units (USD not \"billion\", W not "
           "\"megawatts\"); areas in km2.", required=True),
    Column("unit", "str", "Unit of `value`.", required=True),
    Column("qualifier", "category", "`exact`, `approximate`, `more-than` (a lower bound: \"more "
           "than $1 billion\"), `at-least`, `range-min` or `range-max`.", allowed=QUALIFIERS,
           required=True),
    _row_line(),
    *_src(),
    Column("text", "str", "The statement the figure comes from.", required=True),
], key=("indicator", "partner_iso3", "year", "period", "qualifier", "source", "line"))

_table("statements", "Every statement read (sentence of prose or notes, list item), and whether "
       "it is represented in a table or unparsed.", [
    *_src(),
    Column("sentence", "int", "1-based index among the sentences starting on `line`.",
           required=True),
    Column("section", "str", "Heading the statement sits under (a region for table notes)."),
    Column("kind", "category", "`prose`, `note` (in a table), `see-link`, `list-item` or "
           "`heading` (a record's `<head>`, e.g. a dated section title of a TEI file).",
           allowed=("prose", "note", "see-link", "list-item", "heading"), required=True),
    _row_line(),
    Column("partner_iso3", "iso3", "Partner of the table row, if identified."),
    Column("status", "category", "`represented` in at least one table, or `unparsed`.",
           allowed=STATEMENT_STATUSES, required=True),
    Column("tables", "str", "`;`-separated tables the statement fed."),
    Column("reason", "str", "Why an unparsed statement was not represented."),
    Column("text", "str", "The statement, footnote markers removed.", required=True),
], key=("source", "line", "sentence"))

_table("unparsed", "Statements represented in no table, each with the reason.", [
    *_src(),
    Column("sentence", "int", "1-based index among the sentences starting on `line`.",
           required=True),
    Column("section", "str", "Heading the statement sits under."),
    Column("partner_iso3", "iso3", "Partner of the table row, if identified."),
    Column("reason", "str", "Why it is not represented.", required=True),
    Column("text", "str", "The statement.", required=True),
], key=("source", "line", "sentence"))

_table("decisions", "Everything the build had to decide, for audit: aliases used, ambiguous "
       "cities, territories, partner identification, empty rows, and the reconciliation of "
       "facts several statements give (`reconciliation`: `decision` is the value chosen, "
       "`alternatives` every other statement's value, each as `value (precision) file:line`).",
       [
    Column("kind", "category", "What sort of decision.", allowed=DECISION_KINDS, required=True),
    Column("subject", "str", "What was decided about, as written.", required=True),
    Column("decision", "str", "What the build chose.", required=True),
    Column("alternatives", "str", "What else it could have been."),
    Column("rule", "str", "The rule that decided it.", required=True),
    *_src(),
], key=("source", "line", "kind", "subject"))

COW_CODES = {"chargé d'affaires": 1, "minister": 2, "ambassador": 3}
LEVELS = ("legation", "embassy")
ENVOY_RANKS = tuple(COW_CODES)

_table("levels", "Diplomatic representation between the subject and a partner over time: one "
       "row per stated change (a mission established or raised, an envoy of a new rank), "
       "coded as in the Correlates of War Diplomatic Exchange data set.", [
    Column("sending_iso3", "iso3", "Country whose mission or envoy it is.", required=True),
    Column("receiving_iso3", "iso3", "Country the mission or envoy is accredited to.",
           required=True),
    Column("level", "category", "`legation` (headed by a minister or chargé d'affaires) or "
           "`embassy` (headed by an ambassador); stated, or implied by the envoy's rank.",
           allowed=LEVELS, required=True),
    Column("envoy_rank", "category", "Rank of the head of mission where the statement gives "
           "it; empty otherwise.", allowed=ENVOY_RANKS),
    Column("cow_level", "int", "Level in the Correlates of War Diplomatic Exchange coding "
           "(Bayer, Reşat. 2006. Diplomatic Exchange Data set, v2006.1, "
           "https://correlatesofwar.org/data-sets/diplomatic-exchange): 1 = chargé "
           "d'affaires, 2 = minister, 3 = ambassador; from the envoy's rank, or 3 for an "
           "embassy whose envoy is not named; empty when it cannot be told.", unit="COW code"),
    Column("from_date", "date", "Date the level took effect, ISO 8601 at its precision.",
           required=True),
    Column("precision", "category", "Precision of `from_date`.", allowed=PRECISIONS,
           required=True),
    *_src(),
    Column("sentence", "int", "1-based index of the sentence among those starting on `line`.",
           required=True),
    Column("text", "str", "The statement.", required=True),
], key=("sending_iso3", "receiving_iso3", "from_date", "source", "line", "sentence"))

_table("sources", "Provenance of every raw file (from data/raw/manifest.toml).", [
    Column("source", "str", "File name in data/raw.", required=True),
    Column("kind", "str", "`article`, `fact-sheet` or `record` (a TEI XML record).",
           required=True),
    Column("title", "str", "Title.", required=True),
    Column("publisher", "str", "Publisher.", required=True),
    Column("date", "str", "Publication date, ISO 8601 at its precision.", required=True),
    Column("url", "str", "Where it was published.", required=True),
    Column("licence", "str", "Licence.", required=True),
    Column("sha256", "str", "Checksum of the raw file.", required=True),
], key=("source",))

_CHECKS = {
    "int": lambda v: re.fullmatch(r"-?\d+", v) is not None,
    "float": lambda v: re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", v) is not None,
    "bool": lambda v: v in ("true", "false"),
    "date": lambda v: _DATE.match(v) is not None,
    "iso3": lambda v: _ISO3.match(v) is not None,
    "iso3-list": lambda v: all(_ISO3.match(x) for x in v.split(";")),
}


def sort_key(table: Table):
    """Sort rows by the table's key, numbers as numbers and empty values first."""
    types = {c.name: c.type for c in table.columns}

    def key(row: dict) -> tuple:
        out = []
        for name in table.key:
            value = row.get(name, "")
            if types[name] in ("int", "float"):
                out.append((value != "", float(value) if value else 0.0))
            else:
                out.append((value != "", value))
        return tuple(out)

    return key


def validate_rows(table: Table, header: list[str], rows: list[dict], where: str) -> None:
    """Check columns, types, allowed values, required cells, key uniqueness and order.

    ``rows`` hold strings as they are (to be) written; ``where`` names the file in errors.
    Row numbers in messages are CSV line numbers (the header is line 1).
    """
    if header != table.names:
        missing = [c for c in table.names if c not in header]
        extra = [c for c in header if c not in table.names]
        raise SchemaError(
            f"{where}: columns do not match the schema of '{table.name}'"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unexpected: {', '.join(extra)}" if extra else "")
            + ("" if missing or extra else "; the order differs")
        )
    problems: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows, start=2):
        for col in table.columns:
            value = row.get(col.name, "")
            if value == "":
                if col.required:
                    problems.setdefault((col.name, "is empty but required"), []).append(i)
                continue
            if col.allowed and value not in col.allowed:
                msg = f"has a value not in: {', '.join(col.allowed)}"
                problems.setdefault((col.name, msg), []).append(i)
            check = _CHECKS.get(col.type)
            if check and not check(value):
                problems.setdefault((col.name, f"is not a valid {col.type}"), []).append(i)
    if problems:
        lines = [f"column '{c}' {msg} (rows {_rows(r)})" for (c, msg), r in problems.items()]
        raise SchemaError(f"{where}: " + "; ".join(lines))
    keyf = sort_key(table)
    keys = [keyf(r) for r in rows]
    seen: dict[tuple, int] = {}
    for i, k in enumerate(keys, start=2):
        if k in seen:
            raise SchemaError(f"{where}: rows {seen[k]} and {i} repeat the key "
                              f"({', '.join(table.key)})")
        seen[k] = i
    for i in range(1, len(keys)):
        if keys[i] < keys[i - 1]:
            raise SchemaError(f"{where}: row {i + 2} is out of order; tables are sorted by "
                              f"({', '.join(table.key)})")


def _rows(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:10]))
    return shown + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


def data_dictionary(manifest_rows: list[dict], summary: dict[str, int]) -> str:
    """Markdown for data/README.md, generated from TABLES and the sources' manifest."""
    out = [
        "# Data",
        "",
        "<!-- Generated by `python -m helpers.build` from helpers/schema.py and "
        "data/raw/manifest.toml. Do not edit by hand. -->",
        "",
        "`raw/` holds the sources byte for byte, with `raw/manifest.toml` recording each file's "
        "checksum, title, publisher, date, URL and licence; the build refuses to run on a file "
        "whose checksum differs. `processed/` holds the tables below, written by "
        "`python -m helpers.build` (`make data`): UTF-8 CSV, sorted by key, identical bytes on "
        "every rebuild. Every record carries `source` and `line`, the file and 1-based line of "
        "the statement it comes from. Load them with `helpers.load` (typed and validated).",
        "",
        "## Provenance",
        "",
        "| file | title | publisher | date | licence | sha256 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in manifest_rows:
        out.append(f"| `{r['source']}` | [{r['title']}]({r['url']}) | {r['publisher']} | "
                   f"{r['date']} | {r['licence']} | `{r['sha256'][:12]}…` |")
    out += ["", "## What the last build read", "", "| measure | count |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in summary.items()]
    out += ["", "## How records are read", "",
            "- **Partners.** The article's Country column is blank, so each row's partner comes "
            "from its own text: a \"See X–Peru relations\" link, the subject of a post "
            "statement (\"Algeria has an embassy in Lima\"), the country of a city where the "
            "subject has a post (\"Peru has an embassy in Accra\"), a recognized country, "
            "else the country named most often. Third countries that only locate a post "
            "(\"… in Brasília, Brazil\") never count. A row naming no country is "
            "`unresolved`, with candidates from its alphabetical neighbours in the region, "
            "narrowed by stated memberships; only a single remaining candidate makes it "
            "`inferred`. Every such choice is in `decisions.csv`.",
            "- **Posts.** One row per city: \"consulates-general in Córdoba, La Plata and "
            "Mendoza\" is three rows. \"X is accredited to / represented in Peru from / "
            "through its embassy in City, Country\" is a non-resident row (`resident` false). "
            "Ambiguous cities (La Plata, Sydney, San Isidro…) are placed by the statement's "
            "context; territories' posts serve their sovereign (Hong Kong → China).",
            "- **Dates.** Kept at their precision (`1971`, `1991-11`, `1963-01-25`). A more "
            "precise date in a row's notes, in the same year as the column, wins; a date from "
            "another source (U.S. relations since 1827) keeps that source's file and line in "
            "`established_source` / `established_line`.",
            "- **Figures.** Every number written in digits with a unit or currency, in base "
            "units (USD, W; areas in km2), with its qualifier: \"more than $1 billion\" is "
            "`more-than` 1e9, a lower bound. Counts written in words (\"three agreements\") "
            "are not figures. Indicator ids come from `helpers/reference/indicators.csv`.",
            "- **Records (TEI XML).** Read with defusedxml (entity declarations and external "
            "references are refused, so an entity-expansion bomb or an external entity stops "
            "the build with the file and line). Each `<head>` of the `<text>` is a `heading` "
            "statement and each `<p>` is split into sentences; a statement's line is the line "
            "of its first word. The `teiHeader` is the file's metadata, recorded in the "
            "manifest.",
            "- **Representation levels.** A statement naming a legation, embassy or envoy's "
            "rank, a change (established, raised, named, presented credentials), a date and "
            "where (the subject's capital, or \"to\"/\"in\" the partner) is a row of "
            "`levels.csv`, coded as in the Correlates of War Diplomatic Exchange data set "
            "(1 chargé d'affaires, 2 minister, 3 ambassador). A section title restating its "
            "paragraph's change less precisely is the same change. Each change is also a "
            "`mission-opened` or `mission-upgraded` event.",
            "- **Reconciliation.** When several statements date the start of relations with a "
            "partner (the fact sheet's 1827, the historian's 1826 and 1827-05-21 for the "
            "United States), the build keeps the most precise date in the year the most "
            "sources give, lists the others in `established_alternatives`, and records a "
            "`reconciliation` decision with every value, file and line.",
            "- **Nothing is lost.** Every sentence of prose and notes and every list item is a "
            "row of `statements.csv`, either `represented` (with the tables it fed) or "
            "`unparsed` (also in `unparsed.csv`) with a reason.",
            ""]
    out += ["", "## Tables", ""]
    types = {"str": "string", "category": "category", "int": "integer (nullable)",
             "float": "float", "bool": "boolean", "date": "ISO 8601 date (partial)",
             "iso3": "ISO 3166-1 alpha-3", "iso3-list": "`;`-separated ISO3 codes"}
    for t in TABLES.values():
        out += [f"### `{t.file}`", "", t.description, "",
                f"Key: ({', '.join(t.key)}).", "",
                "| column | type | meaning | unit | allowed values | required |",
                "| --- | --- | --- | --- | --- | --- |"]
        for c in t.columns:
            allowed = ", ".join(f"`{a}`" for a in c.allowed)
            out.append(f"| `{c.name}` | {types[c.type]} | {c.description} | {c.unit} | "
                       f"{allowed} | {'yes' if c.required else ''} |")
        out.append("")
    return "\n".join(out)
