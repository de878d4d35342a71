"""The data dictionary as code: every table's columns, types, units, allowed values and key.

The build validates rows against it before writing, the loaders validate again on reading, and
the descriptor ``datapackage.json`` (helpers.build.descriptor), from which ``data/README.md`` is
rendered, is generated from it, so the documentation cannot drift from the data.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from helpers.core.exceptions import SchemaError

REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
# a relations row whose partner is unresolved and whose heading names no region
UNKNOWN_REGION = "unknown"
RELATION_REGIONS = (*REGIONS, UNKNOWN_REGION)
# Section headings of "Foreign relations of X" articles -> the region their tables belong to.
# A subject's manifest may add headings with a [regions] table (heading = "Region").
HEADING_REGIONS: dict[str, str] = {
    **{r: r for r in REGIONS},
    "America": "Americas", "North America": "Americas", "South America": "Americas",
    "Central America": "Americas", "Latin America": "Americas", "Caribbean": "Americas",
    "The Caribbean": "Americas", "Latin America and the Caribbean": "Americas",
    "Middle East": "Asia", "Near East": "Asia", "East Asia": "Asia", "South Asia": "Asia",
    "Southeast Asia": "Asia", "Central Asia": "Asia", "West Asia": "Asia",
    "Western Asia": "Asia", "South Caucasus": "Asia",
    "Sub-Saharan Africa": "Africa", "North Africa": "Africa", "West Africa": "Africa",
    "East Africa": "Africa", "Southern Africa": "Africa", "Central Africa": "Africa",
    "Western Europe": "Europe", "Eastern Europe": "Europe", "Northern Europe": "Europe",
    "Southern Europe": "Europe", "Central Europe": "Europe",
    "Pacific": "Oceania", "South Pacific": "Oceania", "Australasia": "Oceania",
}
# A table under a heading with one of these words lists organisations, not partners
# ("International organizations", "Multilateral relations"): the build refuses it.
NOT_PARTNER_HEADING_WORDS = ("organization", "organizations", "organisation", "organisations",
                             "multilateral", "membership", "memberships")
# how precisely a date is known, coarsest first: decade for "the 1820s" (`date` holds the
# decade's first year), then year, month, day as written. The order is the ranking.
PRECISIONS = ("decade", "year", "month", "day")
PRECISION_RANK = {p: i for i, p in enumerate(PRECISIONS)}
POST_TYPES = ("embassy", "consulate-general", "consulate", "honorary-consulate-general",
              "honorary-consulate", "consular-agency", "trade-office", "liaison-office",
              "representative-office")
# How a source's words name a post type, for every source (the article's sentences, the
# register's `type` cells): the first rule whose words appear wins. "Consulate General of
# Sweden" is a consulate-general, "honorary consulate general" and "Honorary
# Consulate-General" honorary consulates-general, "British High Commission" and "apostolic
# nunciature" embassies (a high commission is the embassy of one Commonwealth member in
# another), "assistant high commission" a consulate. Apostolic delegations, interests sections,
# permanent missions and a province's government offices name none.
POST_TYPE_WORDS = (
    (re.compile(r"trade\s+office", re.I), "trade-office"),
    (re.compile(r"liaison\s+office", re.I), "liaison-office"),
    (re.compile(r"representative\s+office", re.I), "representative-office"),
    (re.compile(r"honorary\s+consul\w*[-\s]+general|general\s+honorary\s+consul", re.I),
     "honorary-consulate-general"),
    (re.compile(r"honorary\s+consul", re.I), "honorary-consulate"),
    (re.compile(r"consular\s+agenc", re.I), "consular-agency"),
    (re.compile(r"consulates?[-\s]+general|general\s+consulate", re.I), "consulate-general"),
    (re.compile(r"consul|assistant\s+high\s+commission", re.I), "consulate"),
    (re.compile(r"embass|high\s+commission|nunciature|diplomatic\s+mission", re.I), "embassy"),
)


def post_type_of(words: str) -> str:
    """The post type (``POST_TYPES``) a source's words name, or "" when they name none.

    >>> post_type_of("honorary consulate general"), post_type_of("British High Commission")
    ('honorary-consulate-general', 'embassy')
    """
    return next((kind for rx, kind in POST_TYPE_WORDS if rx.search(words)), "")


EVENT_KINDS = ("relations-established", "relations-renewed", "relations-broken", "recognition",
               "agreement", "mission-opened", "mission-closed", "mission-suspended",
               "mission-reopened", "visit", "membership", "other",
               "mission-upgraded")
QUALIFIERS = ("exact", "approximate", "more-than", "at-least", "range-min", "range-max")
RESOLUTIONS = ("stated", "inferred", "unresolved")
DIRECTIONS = ("abroad", "inward")
# a manifest's source `scope`: about its subject (the default; for a trade workbook, the rows of
# its reporter's trade with the subject), "all" (a trade workbook whose every partner is kept: the
# subject's own, a peer's), or about every country, so that `python -m helpers.build --subject
# ISO3` builds any country's dataset from it ("worldwide": the register). Trade workbooks serve
# any subject whatever their scope: each is one reporter's trade with every partner.
SOURCE_SCOPES = ("subject", "all", "worldwide")
TRADE_ALL = "all"
WORLDWIDE = "worldwide"
STATUSES = ("open", "closed", "suspended")
STATEMENT_STATUSES = ("represented", "unparsed")
DECISION_KINDS = ("alias", "ambiguous-city", "territory", "partner-choice", "inferred-partner",
                  "unresolved-partner", "empty-row", "date-choice", "count-check",
                  "indicator", "duplicate-post", "duplicate-record", "country-column",
                  "region-heading", "reconciliation", "sources-agree", "trade-figure",
                  "not-a-post")
# How the sources agree on a post (missions.agreement): the text sources (article, fact sheet)
# and the register (Wikidata's posts) both state it, only one does, or they conflict.
# Kinds of source (sources.csv `kind`) that are structured lists rather than text: the register
# of posts and the chiefs of mission, compared with the text post by post (missions.agreement).
STRUCTURED_KINDS = ("register", "chiefs")
# Trade statistics (the IMF's Direction of Trade Statistics, source kind `trade`): each flow as
# its reporter states it, exports valued free on board (FOB), imports with cost, insurance and
# freight (CIF).
FLOWS = ("export", "import")
FLOW_BASIS = {"export": "FOB", "import": "CIF"}
BASES = tuple(FLOW_BASIS.values())
# a flow as notebook 03 asks for it: one side, or both added
TRADE_VIEWS = (*FLOWS, "two-way")
# a trade row's partner: a country of today, a former country (USSR SUN, Belgium-Luxembourg
# XBL), or the reporter's total with the world (WLD); aggregates (regions, groups) are no rows
TRADE_PARTNER_KINDS = ("country", "former", "world")
WORLD_CODE = "WLD"
WORLD_REGION = "world"  # peer_trade's row of a reporter's total with the world
TRADE_REGIONS = (*RELATION_REGIONS, WORLD_REGION)
# The two reports of one flow (the exporter's FOB, the importer's CIF) agree when the ratio
# CIF / FOB lies in this band. The IMF itself assumes CIF = 1.10 x FOB where it estimates a
# missing report (DOTS Guide), and freight and insurance are 3-10 % of the value for most
# goods (IMF, "The Direction of Trade Statistics Guide", 2018); a tenth either side allows for
# timing (goods shipped in December, received in January) and valuation: [0.90, 1.21].
MIRROR_BAND = (0.90, 1.21)
AGREEMENTS = ("both", "text-only", "register-only", "conflict")
RESIDENCES = ("resident", "non-resident")
# Two places are one post's place when they are at most this far apart (helpers.build.matching):
# in the first build the places of one post lie 0.1-12.2 km apart (a district and its city,
# Hydra and Algiers, Herzliya and Tel Aviv), the nearest two distinct places 55 km.
SAME_PLACE_KM = 25.0


def heading_regions(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The heading -> region table, extended by a manifest's ``[regions]``."""
    return {**HEADING_REGIONS, **(extra or {})}


def heading_key(heading: str) -> str:
    """One form for headings that differ only in case, hyphens or spaces ("Latin-America",
    "latin  america" -> "latin america")."""
    return " ".join(re.sub(r"[-_‐–]", " ", heading).lower().split())


def region_of_heading(heading: str, table: dict[str, str]) -> str:
    """The region a heading names (``table`` as from ``heading_regions``), or "" when it names
    none ("Rest of world", "Other", "Neighboring countries")."""
    keyed = {heading_key(k): v for k, v in table.items()}
    return keyed.get(heading_key(heading), "")


def is_partner_heading(heading: str) -> bool:
    """False for a heading under which a table lists organisations, not partner countries."""
    return not set(heading_key(heading).split()) & set(NOT_PARTNER_HEADING_WORDS)



@dataclass(frozen=True)
class Subject:
    """The country whose foreign relations the sources describe."""

    name: str
    iso3: str
    capital: str


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
    Column("region", "category", "The partner's continent (country_converter's data, one of "
           "the five regions), whatever the heading; for an unresolved partner, the region its "
           "heading names, else `unknown`.", allowed=RELATION_REGIONS, required=True),
    Column("heading", "str", "The section heading the table sits under, as written "
           "(\"Rest of world\", \"Latin-America\"); empty when the table has none."),
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
    Column("established_precision", "category", "Precision of `established`: `year`, `month`, "
           "`day`, or `decade` (\"the 1820s\" is `1820` at decade precision, not the year "
           "1820).", allowed=PRECISIONS),
    Column("established_approximate", "bool", "True when the source marks the date as "
           "approximate (\"c. 1850\", \"circa 1850\"); empty when there is no date."),
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
    Column("status", "category", "`closed` or `suspended` when the source says the post "
           "closed or suspended its operations; `open` otherwise (also when it reopened).",
           allowed=STATUSES, required=True),
    Column("status_year", "int", "Year the source gives for opening, closing, suspending or "
           "reopening.", unit="year"),
    _row_line(),
    *_src(),
    Column("text", "str", "The statement, footnote markers removed.", required=True),
    Column("sources", "str", "`;`-separated files that state the post: the row's own, and "
           "the register when one of its posts is this post (see post_sources.csv).",
           required=True),
    Column("agreement", "category", "`both`: a text source and the register state the post "
           "(same sending and host country, type, and a place at most "
           f"{SAME_PLACE_KM:g} km away); `text-only` or `register-only`: one of them does; "
           "`conflict`: they state it differently (a type, a city or a status differs: see "
           "post_sources.csv for both lines). Empty when the build has no register.",
           allowed=AGREEMENTS),
], key=("source", "line", "sending_iso3", "accredited_to_iso3", "post_type", "city"))

_table("post_sources", "Every statement of every post that concerns the subject, one row a "
       "statement: a post the text sources state and the register's post that is the same "
       "post (same sending and host country, post type, and places at most "
       f"{SAME_PLACE_KM:g} km apart; a district is its city), or a post only one states.", [
    Column("sending_iso3", "iso3", "Country whose post it is.", required=True),
    Column("host_iso3", "iso3", "Country where the post stands.", required=True),
    Column("post_type", "category", "Kind of post, as the dataset writes it.",
           allowed=POST_TYPES, required=True),
    Column("city", "str", "City as the dataset writes it (missions.city): for a register-only "
           "post, the most populous GeoNames city of the host within "
           f"{SAME_PLACE_KM:g} km of its coordinates, so a district is its city.", required=True),
    Column("agreement", "category", "How the sources agree on the post (as in missions).",
           allowed=AGREEMENTS, required=True),
    *_src(),
    Column("place_as_written", "str", "The place as this source writes it (a city, or a "
           "district such as `Miraflores`)."),
    Column("type_as_written", "str", "The type as this source writes it (`consulate "
           "general`, `apostolic nunciature`, or the dataset's type for a text source)."),
    Column("distance_km", "float", "Distance between this statement's place and the text "
           "source's city (GeoNames coordinates) when there are two.", unit="km"),
    Column("conflict", "str", "What differs when the sources conflict (`type`, `city`, "
           "`status`)."),
], key=("sending_iso3", "host_iso3", "post_type", "city", "source", "line"))

_table("events", "Every dated event the sources state.", [
    Column("partner_iso3", "iso3", "Partner the event concerns; empty when it concerns no single "
           "identified partner."),
    Column("date", "date", "ISO 8601 at its precision.", required=True),
    Column("precision", "category", "Precision of `date` (`decade`: `date` is the decade's "
           "first year).", allowed=PRECISIONS, required=True),
    Column("approximate", "bool", "True when the source marks the date as approximate "
           "(\"c. 1850\").", required=True),
    Column("end_date", "date", "End of a period (\"from 1981 to 1991\", \"until April 2010\")."),
    Column("kind", "category", "What happened: relations established, broken off "
           "(`relations-broken`: \"broken off\", \"severed\") or renewed (`relations-renewed`: "
           "\"restored\", \"re-established\", \"renewed\"); a post opened, closed, suspended or "
           "reopened, or raised to an embassy (`mission-upgraded`); a recognition, agreement, "
           "visit, membership, or `other`.",
           allowed=EVENT_KINDS, required=True),
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
    Column("section", "str", "Heading the statement sits under, as written (for table notes, "
           "the heading of the table's region, e.g. `Middle East`)."),
    Column("kind", "category", "`prose`, `note` (in a table), `see-link`, `list-item`, "
           "`heading` (a record's `<head>`, e.g. a dated section title of a TEI file) or "
           "`entry` (a row of a structured source: a register post, a chief of mission).",
           allowed=("prose", "note", "see-link", "list-item", "heading", "entry"),
           required=True),
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
       "cities, territories, partner identification, empty rows, posts refused (`not-a-post`: "
       "a post in its sender's own territory, a possessive or a country's name as a city), "
       "and the reconciliation of "
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

_table("chiefs", "Every chief of mission of the partner a chiefs-of-mission file covers (and "
       "the nominees who never served), one row a person and appointment.", [
    Column("sending_iso3", "iso3", "Country whose chief of mission it is (the partner the file "
           "covers).", required=True),
    Column("receiving_iso3", "iso3", "Country the chief is accredited to (the subject).",
           required=True),
    Column("person", "str", "Name, forenames first (from the file's person id).",
           required=True),
    Column("person_id", "str", "The file's person id (surname-forenames).", required=True),
    Column("role", "str", "Title as the file gives it (e.g. `Chargé d'Affaires ad interim`).",
           required=True),
    Column("envoy_rank", "category", "Rank in the levels table's words.", allowed=ENVOY_RANKS,
           required=True),
    Column("cow_level", "int", "Correlates of War code of the rank (1 chargé d'affaires, 2 "
           "minister, 3 ambassador).", unit="COW code", required=True),
    Column("ad_interim", "bool", "True for a chargé d'affaires ad interim, who stands in for "
           "an absent chief: no change of level.", required=True),
    Column("served", "bool", "False for a nominee who never served.", required=True),
    Column("appointed", "date", "Date of appointment, at its precision."),
    Column("arrived", "date", "Date of arrival at post."),
    Column("started", "date", "Date credentials were presented (the start of the mission)."),
    Column("ended", "date", "Date the mission ended."),
    Column("end_note", "str", "How it ended, as the file words it (`Left post on`, `Notified "
           "the Government of ... that relations were suspended on`)."),
    Column("note", "str", "The file's note on the appointment."),
    *_src(),
], key=("source", "line"))

_table("register_posts", "Every post of the register (worldwide, for comparing the subject "
       "with its peers), compacted: one row per sending country, region, post type and "
       "residence, with the countries in that region where its posts stand (resident) or "
       "that posts standing elsewhere are accredited to (non-resident).", [
    Column("sending_iso3", "iso3", "Country whose posts they are.", required=True),
    Column("region", "category", "Region of the countries.", allowed=REGIONS, required=True),
    Column("post_type", "category", "Kind of post.", allowed=POST_TYPES, required=True),
    Column("residence", "category", "`resident`: posts standing in the country; "
           "`non-resident`: accreditations of posts that stand in another country.",
           allowed=RESIDENCES, required=True),
    Column("posts", "int", "Number of posts (resident) or accreditations (non-resident).",
           unit="posts", required=True),
    Column("countries", "iso3-list", "`;`-separated ISO3 codes, one per post or "
           "accreditation (a country with three consulates appears three times), sorted.",
           required=True),
    Column("source", "str", "The register file.", required=True),
], key=("sending_iso3", "region", "post_type", "residence"))

def _trade_columns() -> list[Column]:
    return [
        Column("reporter_iso3", "iso3", "Country whose report it is (the workbook's reporter).",
               required=True),
        Column("partner_iso3", "iso3", "The partner: ISO 3166-1 alpha-3; a former country's "
               "ISO 3166-3 code (USSR `SUN`) or a user-assigned X code where it has none "
               "(Belgium-Luxembourg `XBL`, Kosovo `XKX`); `WLD` for the reporter's total with "
               "the world.", required=True),
        Column("partner_kind", "category", "`country`, `former` (a country that no longer "
               "exists) or `world` (the reporter's total, never a partner). The IMF's "
               "aggregates (regions, country groups, \"not specified\") are not rows.",
               allowed=TRADE_PARTNER_KINDS, required=True),
        Column("flow", "category", "`export`: goods the reporter sent to the partner; "
               "`import`: goods it received from the partner.", allowed=FLOWS, required=True),
        Column("year", "int", "Calendar year of the flow.", unit="year", required=True),
        Column("value_usd_million", "float", "Value as the reporter states it, in millions of "
               "US dollars at current prices; no row where the cell is empty (a missing value "
               "is never a zero).", unit="USD million", required=True),
        Column("estimated", "bool", "True when the IMF marks the value as its own estimate "
               "(`1.62 e` in the table), made from the partner's report where the reporter "
               "reported none: never compared with that report.", required=True),
        Column("basis", "category", "Valuation: `FOB` (free on board: exports) or `CIF` (cost, "
               "insurance and freight: imports), so an importer's report normally exceeds the "
               "exporter's by freight and insurance.", allowed=BASES, required=True),
        Column("partner_as_written", "str", "The partner as the workbook names it (\"China, "
               "P.R.: Mainland\").", required=True),
        Column("source", "str", "The workbook (see sources.csv).", required=True),
        Column("sheet", "str", "Its sheet (`Exports, FOB` or `Imports, CIF`).", required=True),
        Column("cell", "str", "The value's cell in that sheet, as a spreadsheet names it "
               "(`C8`).", required=True),
    ]


_table("trade", "Trade in goods that concerns the subject, one row per reported flow and year: "
       "the subject's report of its trade with every partner, and each shipped partner's "
       "report of its trade with the subject (the same flow seen from the other side).",
       _trade_columns(), key=("reporter_iso3", "partner_iso3", "flow", "year"))

_table("peer_trade", "The trade in goods of the subject and its peers, each from its own "
       "report (the workbooks the manifest marks `scope = \"all\"`), summed by the partner's "
       "region for comparing them: one row per reporter, flow, year and region, and one for "
       "its total with the world.", [
    Column("reporter_iso3", "iso3", "The country whose report it is (the subject or a "
           "peer).", required=True),
    Column("flow", "category", "`export` or `import`, as in trade.", allowed=FLOWS,
           required=True),
    Column("year", "int", "Calendar year.", unit="year", required=True),
    Column("region", "category", "The partners' region (as `region` elsewhere; a former "
           "country's is its territory's), or `world`: the reporter's total with the world, "
           "which includes what the IMF's aggregates hold.", allowed=TRADE_REGIONS,
           required=True),
    Column("value_usd_million", "float", "Sum of the reported values, millions of US "
           "dollars.", unit="USD million", required=True),
    Column("partners", "int", "Partners with a value that year (0 for the world total).",
           unit="countries", required=True),
    Column("largest_partner_iso3", "iso3", "The region's partner with the largest value."),
    Column("largest_usd_million", "float", "Its value.", unit="USD million"),
    Column("estimated_usd_million", "float", "Part of the sum the IMF estimated (values "
           "marked `e`).", unit="USD million", required=True),
    Column("basis", "category", "`FOB` (exports) or `CIF` (imports).", allowed=BASES,
           required=True),
    Column("source", "str", "The reporter's workbook.", required=True),
    Column("sheet", "str", "Its sheet.", required=True),
], key=("reporter_iso3", "flow", "year", "region"))

_table("sources", "Provenance of every raw file (from data/raw/manifest.toml).", [
    Column("source", "str", "File name in data/raw.", required=True),
    Column("kind", "str", "`article`, `fact-sheet`, `record` (a TEI XML record), `register` "
           "(a `;`-separated register of posts), `chiefs` (chiefs of mission, XML) or `trade` "
           "(a trade-statistics workbook, one reporter's trade by partner).",
           required=True),
    Column("title", "str", "Title.", required=True),
    Column("publisher", "str", "Publisher.", required=True),
    Column("date", "str", "Publication date, ISO 8601 at its precision.", required=True),
    Column("url", "str", "Where it was published.", required=True),
    Column("licence", "str", "Licence.", required=True),
    Column("sha256", "str", "Checksum of the raw file.", required=True),
], key=("source",))

def _is_date(value: str) -> bool:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` naming a day of the calendar (no 2022-02-30)."""
    m = _DATE.match(value)
    if not m:
        return False
    year, month, day = int(value[:4]), int(value[5:7] or 1), int(value[8:10] or 1)
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


_CHECKS = {
    "int": lambda v: re.fullmatch(r"-?\d+", v) is not None,
    "float": lambda v: re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", v) is not None,
    "bool": lambda v: v in ("true", "false"),
    "date": _is_date,
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


def validate_rows(table: Table, header: list[str], rows: list[dict], where: str,
                  by_source: bool = False) -> None:
    """Check columns, types, allowed values, required cells, key uniqueness and order.

    ``rows`` hold strings as they are (to be) written; ``where`` names the file in errors.
    Row numbers in messages are CSV line numbers (the header is line 1); with ``by_source``
    (the build, before anything is written) they are the raw file and line each row comes from.
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
    origin = {i: _origin(row) for i, row in enumerate(rows, start=2)} if by_source else {}
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
        lines = [f"column '{c}' {msg} ({_rows(r, origin)})" for (c, msg), r in problems.items()]
        raise SchemaError(f"{where}: " + "; ".join(lines))
    keyf = sort_key(table)
    keys = [keyf(r) for r in rows]
    seen: dict[tuple, int] = {}
    for i, k in enumerate(keys, start=2):
        if k in seen:
            raise SchemaError(f"{where}: {_rows([seen[k], i], origin)} repeat the key "
                              f"({', '.join(table.key)})")
        seen[k] = i
    for i in range(1, len(keys)):
        if keys[i] < keys[i - 1]:
            raise SchemaError(f"{where}: row {i + 2} is out of order; tables are sorted by "
                              f"({', '.join(table.key)})")


def _origin(row: dict) -> str:
    """Where a row comes from in the raw sources, when it carries ``source`` and ``line``."""
    source, line = row.get("source", ""), row.get("line", "")
    return f"{source}:{line}" if source and line else ""


def _rows(rows: list[int], origin: dict[int, str] | None = None) -> str:
    """'rows 4, 9' of a file, or 'from doc.txt:12, doc.txt:30' when the rows name their input."""
    if origin and all(origin.get(r) for r in rows):
        places = list(dict.fromkeys(origin[r] for r in rows))
        shown = ", ".join(places[:10])
        more = len(places) - 10
        return "from " + shown + (f" and {more} more" if more > 0 else "")
    shown = ", ".join(map(str, rows[:10]))
    return "rows " + shown + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


def format_cell(column: Column, value) -> str:
    """A value as the CSV writes it: the one place where records become strings."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value == int(value) else repr(value)
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)


def format_row(table: Table, record: dict) -> dict[str, str]:
    """A record (typed values) as the row of strings ``table``'s CSV holds, in column order."""
    return {c.name: format_cell(c, record.get(c.name)) for c in table.columns}
