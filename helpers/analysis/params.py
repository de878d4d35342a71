"""Notebook parameters, checked before any work is done.

Names, types, defaults and help come from each notebook's ``parameters`` cell, read with
``papermill.inspect_notebook`` (what ``papermill --help-notebook`` shows): the cell is the one
source of truth. This module keeps only the rules for allowed values (``RULES``), so the two
cannot drift. ``validate`` runs as the first step of every notebook; ``check`` is what the
report runner calls before it starts anything. Both raise ParameterError naming the notebook,
the parameter, the value and what is allowed.

Importing papermill costs seconds (nbformat's JSON-schema formats), too much for the first cell
of every notebook, so an inspection is cached on disk under ``build/cache/parameters/``, keyed
by the sha256 of the parameters cell's source: editing the cell re-inspects it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import tempfile
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.core import paths, schema
from helpers.core.exceptions import ParameterError
from helpers.core.schema import EVENT_KINDS, POST_TYPES, RELATION_REGIONS
from helpers.core.text import shown
from helpers.data import descriptor

DIRECTIONS = (*schema.DIRECTIONS, "both")  # a parameter may ask for both sides at once
SCALES = ("millions", "billions")
_TYPES = {"list": list, "int": int, "str": str, "bool": bool, "float": float, "dict": dict}
_CACHE_DIR = paths.PARAMETER_CACHE


# The two rules below read tables through pandas: they import it when a value of theirs is
# checked, so that checking the runner's config for the other notebooks stays light.
def _trade_partners(value: list) -> None:
    """Countries as typed (names or ISO3), each once (ValueError says why not)."""
    from helpers.analysis.countries import find_country

    unknown = [v for v in value if not isinstance(v, str) or find_country(v) is None]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not a country the project knows (a name such as "
                         "'China' or an ISO3 code such as 'CHN')")


def _partner_country(value: str) -> None:
    """A name or ISO3 code of a country other than the subject (ValueError says why not)."""
    from helpers.analysis.countries import check_partner

    check_partner(value)


def _peer_countries(value: list) -> None:
    """Up to five countries of the register other than the subject (ValueError says why not)."""
    from helpers.analysis import peers
    from helpers.data import descriptor, load

    peers.resolve_peers(value, load.load("register_posts"), descriptor.subject().iso3)


def _source_files() -> tuple[str, ...]:
    """The raw files of the processed folder whose statements are read, as its descriptor
    lists them (trade workbooks hold values, not statements: notebook 03 shows them)."""
    return tuple(sorted(s["file"] for s in descriptor.sources() if s.get("kind") != "trade"))


def writable_folder(value: str) -> None:
    """An output folder that is (or can be made) a writable folder; ValueError says why not."""
    if not value:
        return
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{value!r} is a file, not a folder")
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ValueError(f"{value!r} cannot be created: {str(existing)!r} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"{value!r} cannot be written: {str(existing)!r} is not writable")


@dataclass(frozen=True)
class Rule:
    """What values a parameter allows beyond its declared type."""

    allowed: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()
    minimum: int | None = None
    maximum: int | None = None
    # A check beyond type and allowed values: raises ValueError saying what is wrong.
    check: Callable[[Any], None] | None = None

    def allowed_values(self) -> tuple[str, ...]:
        return self.allowed() if callable(self.allowed) else self.allowed


@dataclass(frozen=True)
class Param:
    """A parameter as its notebook declares it, with its rule."""

    name: str
    type: type
    default: Any
    help: str
    rule: Rule = Rule()


_OUTPUT_DIR = Rule(check=writable_folder)
_YEAR = Rule(minimum=1500, maximum=2100)

RULES: dict[str, dict[str, Rule]] = {
    "01-relation-timeline": {"regions": Rule(RELATION_REGIONS), "start_year": _YEAR,
                             "end_year": _YEAR, "event_kinds": Rule(EVENT_KINDS),
                             "output_dir": _OUTPUT_DIR},
    "02-mission-coverage": {"regions": Rule(RELATION_REGIONS), "direction": Rule(DIRECTIONS),
                            "post_types": Rule(POST_TYPES), "output_dir": _OUTPUT_DIR},
    "03-trade-figures": {"partners": Rule(check=_trade_partners),
                         "top": Rule(minimum=1, maximum=8), "start_year": _YEAR,
                         "end_year": _YEAR, "flow": Rule(schema.TRADE_VIEWS), "scale": Rule(SCALES),
                         "region": Rule(("", *RELATION_REGIONS)), "output_dir": _OUTPUT_DIR},
    "04-country-profile": {"country": Rule(check=_partner_country), "output_dir": _OUTPUT_DIR},
    "05-data-quality": {"sources": Rule(_source_files), "regions": Rule(RELATION_REGIONS),
                        "output_dir": _OUTPUT_DIR},
    "06-peer-comparison": {"countries": Rule(check=_peer_countries), "output_dir": _OUTPUT_DIR},
}


def _together(notebook: str, values: dict[str, Any]) -> None:
    """Rules between parameters: values that contradict each other."""
    if "start_year" in values and values["start_year"] > values["end_year"]:
        raise ParameterError(f"{notebook}: start_year {values['start_year']} is after end_year "
                             f"{values['end_year']}")
    if "honorary-consulate" in values.get("post_types", ()) and values.get(
            "include_honorary") is False:
        raise ParameterError(f"{notebook}: parameters 'post_types' and 'include_honorary' "
                             "contradict each other: post_types asks for honorary-consulate, "
                             "include_honorary False leaves them out; drop one of the two")


# ---------------------------------------------------------------- the parameters cell


def notebooks() -> list[str]:
    """The notebooks of notebooks/, by name (``01-relation-timeline``, ...)."""
    return sorted(p.stem for p in paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def notebook_name(text: str) -> str:
    """A notebook named by its stem or by its path (``notebooks/01-x.ipynb``), as its stem."""
    if not isinstance(text, str):
        raise ParameterError(f"unknown notebook {shown(text)}; notebooks are: "
                             + ", ".join(notebooks()))
    stem = text
    if text.endswith(".ipynb"):
        path = Path(text)
        path = path if path.is_absolute() else paths.ROOT / path
        if path.resolve().parent != paths.NOTEBOOKS.resolve():
            raise ParameterError(f"notebook {shown(text)} is not in {paths.NOTEBOOKS}; notebooks "
                                 "are: " + ", ".join(notebooks()))
        stem = path.stem
    if stem not in notebooks():
        raise ParameterError(f"unknown notebook {shown(text)}; notebooks are: "
                             + ", ".join(notebooks()))
    return stem


_DECLARED: dict[tuple, dict[str, Param]] = {}


def declared(notebook: str) -> dict[str, Param]:
    """The parameters a notebook's parameters cell declares, in order, each with its rule."""
    path = paths.NOTEBOOKS / f"{notebook_name(notebook)}.ipynb"
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _DECLARED:
        rules = RULES.get(path.stem, {})
        found = inspect(path)
        _DECLARED.clear() if len(_DECLARED) > 32 else None
        _DECLARED[key] = {
            name: Param(name, _TYPES.get(p["inferred_type_name"], object),
                        ast.literal_eval(p["default"]), p["help"], rules.get(name, Rule()))
            for name, p in found.items()}
    return _DECLARED[key]


def inspect(path: Path) -> dict[str, dict]:
    """The parameters a notebook file declares (type, default, help): papermill.inspect_notebook,
    cached on disk by the parameters cell's source. The one reader of a parameters cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"{path}: expected one cell tagged 'parameters', found "
                             f"{len(cells)}")
    source = "".join(cells[0]["source"])
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    cached = _CACHE_DIR / f"{digest}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    import papermill

    found = {name: {k: p[k] for k in ("inferred_type_name", "default", "help")}
             for name, p in papermill.inspect_notebook(str(path)).items()}
    try:  # a cache that cannot be written costs time, not correctness
        _CACHE_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=_CACHE_DIR, delete=False,
                                         encoding="utf-8", suffix=".tmp") as fh:
            json.dump(found, fh)
        os.replace(fh.name, cached)
    except OSError:
        pass
    return found


def defaults(notebook: str) -> dict[str, Any]:
    return {name: p.default for name, p in declared(notebook).items()}


# ---------------------------------------------------------------- checking values

# Names the kernel defines by itself; anything else in the namespace is a parameter.
_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


# A parameter names values (regions, a country, a year); it never carries data. A value longer
# than this, written as JSON, is refused for every notebook, the project's or another's: it would
# be copied into the notebook, its page and the index.
PARAMETER_CAP = 10_000  # characters


def check_size(notebook: str, values: dict[str, Any]) -> None:
    """Refuse a parameter name or value over ``PARAMETER_CAP`` characters (as JSON)."""
    for name, value in values.items():
        size = len(json.dumps(value, default=str)) + len(str(name))
        if size > PARAMETER_CAP:
            raise ParameterError(f"{notebook}: parameter {shown(name)} is {size:,} characters "
                                 f"long, over the cap of {PARAMETER_CAP:,}: a parameter names "
                                 "values, it does not carry data")


def check(notebook: str, values: dict[str, Any]) -> dict[str, Any]:
    """Validate parameter values for a notebook; return defaults overlaid with them."""
    notebook = notebook_name(notebook)
    params = declared(notebook)
    check_size(notebook, values)
    unknown = sorted(set(values) - set(params))
    if unknown:
        raise ParameterError(f"{notebook}: unknown parameter {shown(unknown[0])}; its "
                             "parameters are: " + ", ".join(params))
    out = defaults(notebook)
    for p in params.values():
        if p.name in values:
            out[p.name] = _check_value(notebook, p, values[p.name])
    _together(notebook, out)
    return out


def _check_value(notebook: str, p: Param, value: Any) -> Any:
    where = f"{notebook}: parameter {p.name!r}"
    if p.type is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ParameterError(f"{where} must be an integer, got {shown(value)}")
    if p.type is bool and not isinstance(value, bool):
        raise ParameterError(f"{where} must be True or False, got {shown(value)}")
    if p.type is str and not isinstance(value, str):
        raise ParameterError(f"{where} must be text, got {shown(value)}")
    if p.type is list:
        if isinstance(value, (str, tuple)):
            value = [value] if isinstance(value, str) else list(value)
        if not isinstance(value, list):
            raise ParameterError(f"{where} must be a list, got {shown(value)}")
        twice = sorted({str(v) for v in value if value.count(v) > 1})
        if twice:
            raise ParameterError(f"{where}: {', '.join(map(shown, twice))} is given more than "
                                 "once; give each value once")
    rule = p.rule
    allowed = rule.allowed_values()
    singular = p.name.removesuffix("s")
    items = value if p.type is list else [value] if p.type is str else []
    enforce = callable(rule.allowed) or bool(allowed)  # a dataset may allow nothing
    for item in items:
        if enforce and item not in allowed:
            label = singular if p.type is list else p.name
            raise ParameterError(f"{where}: {label} {shown(item)} is not one of: "
                                 + (", ".join(allowed) or "(none in this dataset)"))
    if p.type is int:
        if rule.minimum is not None and value < rule.minimum or rule.maximum is not None and (
                value > rule.maximum):
            raise ParameterError(f"{where}: {value} is outside {rule.minimum}–{rule.maximum}")
    if rule.check is not None:
        try:
            rule.check(value)
        except ValueError as exc:
            raise ParameterError(f"{where}: {exc}") from None
    return value


def validate(notebook: str, namespace: dict[str, Any]) -> types.SimpleNamespace:
    """First step of a notebook: check the parameters it was given (by papermill or by hand).

    Any name in the namespace that is not a declared parameter means someone passed an unknown
    parameter (papermill only warns about those): that is an error too.
    """
    values = {k: v for k, v in namespace.items()
              if not k.startswith("_") and k not in _KERNEL_NAMES
              and not isinstance(v, (types.ModuleType, types.FunctionType, type))}
    return types.SimpleNamespace(**check(notebook, values))
