"""A country as a person types it ("korea, south", "the U.S.", "KOR"), read with the same name
tables the build uses (helpers.core.places); a partner other than the subject, or a refusal
that suggests the closest names.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

import pandas as pd

from helpers.core import places
from helpers.core.exceptions import ParameterError
from helpers.data import descriptor, load

_THE = re.compile(r"^the\s+", re.IGNORECASE)


def _spellings(text: str) -> list[str]:
    """Ways to read a typed name: as typed, "korea, south" -> "south korea", without "the"."""
    text = " ".join(text.split())
    out = [text]
    if text.count(",") == 1:
        head, tail = (part.strip() for part in text.split(","))
        out.append(f"{tail} {head}")
    out += [_THE.sub("", s) for s in out]
    return list(dict.fromkeys(s for s in out if s))


@cache
def _folded_names() -> dict[str, str]:
    """Every country name folded to lower-case ASCII ("cote d'ivoire", "the u.s.") -> ISO3."""
    out: dict[str, str] = {}
    for name, iso3 in places.country_names().items():
        out.setdefault(places.fold(name), iso3)
    return out


def find_country(text: str) -> str | None:
    """ISO3 of a country name or code as typed (any case, any usual order), or None."""
    for spelling in _spellings(text):
        if len(spelling) == 3 and spelling.upper() in places.countries():
            return spelling.upper()
        iso3 = places.country_of(spelling) or _folded_names().get(places.fold(spelling))
        if iso3:
            return iso3
    return None


def closest_partners(text: str, relations: pd.DataFrame | None = None, n: int = 3) -> list[str]:
    """Names of the sources' partners closest to a misspelt name or code (difflib), best first.

    Partners come first; when none is close, every country's name is tried (more strictly), so
    that "Norwey" still suggests Norway.
    """
    rel = load.load_relations() if relations is None else relations
    named = rel.dropna(subset=["iso3"])
    pools = [{**{places.fold(p): p for p in named["partner"]},
              **{i.lower(): places.name_of(i) for i in named["iso3"]}},
             {places.fold(n): places.name_of(i) for n, i in places.country_names().items()}]
    for pool, cutoff in zip(pools, (0.6, 0.75), strict=True):
        found = difflib.get_close_matches(places.fold(text), list(pool), n=n, cutoff=cutoff)
        if found:
            return list(dict.fromkeys(pool[f] for f in found))
    return []


def resolve_country(text: str, relations: pd.DataFrame | None = None) -> str:
    """ISO3 of a country typed as a name or code; ParameterError with suggestions if none."""
    iso3 = find_country(text) if isinstance(text, str) else None
    if iso3:
        return iso3
    close = closest_partners(str(text), relations)
    hint = (f"did you mean: {', '.join(close)}?" if close else
            "give a country's name or ISO3 code, e.g. Chile or CHL")
    raise ParameterError(f"{text!r} matches no country; {hint}")


def check_partner(text: str) -> str:
    """resolve_country, refusing the subject country itself (a profile is of a partner)."""
    iso3 = resolve_country(text)
    if iso3 == descriptor.subject().iso3:
        raise ParameterError(f"{text!r} is {descriptor.subject().name}, the country whose "
                             "relations the "
                             "sources describe; give one of its partners")
    return iso3
