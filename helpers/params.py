"""Notebook parameters: one spec per notebook, checked before any work is done.

The parameters cell of each notebook declares the same names, types and defaults (a test keeps
them in step, and ``papermill --help-notebook`` shows them). ``validate`` runs as the first step
of every notebook; ``check`` is what the report runner calls before it starts anything. Both
raise ParameterError naming the notebook, the parameter, the value and what is allowed.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpers.exceptions import ParameterError
from helpers.schema import EVENT_KINDS, POST_TYPES, REGIONS

DIRECTIONS = ("abroad", "in_peru", "both")
SCALES = ("millions", "billions")


def _trade_indicators() -> tuple[str, ...]:
    from helpers.analysis import paired_indicators

    return tuple(paired_indicators())


def _partner_country(value: str) -> None:
    """A name or ISO3 code of a country other than the subject (ValueError says why not)."""
    from helpers.profile import check_partner

    check_partner(value)


def _source_files() -> tuple[str, ...]:
    from helpers.load import load_sources

    return tuple(load_sources()["source"])


@dataclass(frozen=True)
class Param:
    name: str
    type: type
    default: Any
    help: str
    allowed: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()
    minimum: int | None = None
    maximum: int | None = None
    # A check beyond type and allowed values: raises ValueError saying what is wrong.
    check: Callable[[Any], None] | None = None

    def allowed_values(self) -> tuple[str, ...]:
        return self.allowed() if callable(self.allowed) else self.allowed


def _output_dir() -> Param:
    return Param("output_dir", str, "", "folder for the PNG and SVG figures; empty means "
                 "build/figures/<notebook>")


@dataclass(frozen=True)
class NotebookSpec:
    name: str
    params: tuple[Param, ...]

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    @property
    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}


SPECS: dict[str, NotebookSpec] = {
    spec.name: spec
    for spec in (
        NotebookSpec("01-relation-timeline", (
            Param("regions", list, [], "regions to include; empty means all", REGIONS),
            Param("start_year", int, 1800, "first year shown", minimum=1500, maximum=2100),
            Param("end_year", int, 2020, "last year shown", minimum=1500, maximum=2100),
            Param("event_kinds", list, [], "event kinds in the lanes; empty means all",
                  EVENT_KINDS),
            _output_dir(),
        )),
        NotebookSpec("02-mission-coverage", (
            Param("regions", list, [], "regions to include; empty means all", REGIONS),
            Param("direction", str, "both", "abroad (Peru's posts), in_peru (partners' posts) "
                  "or both", DIRECTIONS),
            Param("post_types", list, [], "post types to count; empty means all", POST_TYPES),
            Param("include_honorary", bool, True, "count honorary consulates"),
            _output_dir(),
        )),
        NotebookSpec("03-trade-figures", (
            Param("indicators", list, [], "paired 2009/2016 indicators to chart; empty means "
                  "all", _trade_indicators),
            Param("scale", str, "billions", "unit of the money axes: millions or billions",
                  SCALES),
            _output_dir(),
        )),
        NotebookSpec("04-country-profile", (
            Param("country", str, "United States", "a partner's name or ISO3 code, any case "
                  "(\"KOR\", \"korea, south\")", check=_partner_country),
            _output_dir(),
        )),
        NotebookSpec("05-data-quality", (
            Param("sources", list, [], "source files to include; empty means all",
                  _source_files),
            Param("regions", list, [], "table regions to include; empty means all, with prose "
                  "and the fact sheet", REGIONS),
            _output_dir(),
        )),
    )
}

# Names the kernel defines by itself; anything else in the namespace is a parameter.
_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def check(notebook: str, values: dict[str, Any]) -> dict[str, Any]:
    """Validate parameter values for a notebook; return defaults overlaid with them."""
    if notebook not in SPECS:
        raise ParameterError(f"unknown notebook {notebook!r}; notebooks are: "
                             + ", ".join(SPECS))
    spec = SPECS[notebook]
    known = {p.name for p in spec.params}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ParameterError(
            f"{notebook}: unknown parameter {unknown[0]!r}; its parameters are: "
            + ", ".join(p.name for p in spec.params))
    out = spec.defaults
    for p in spec.params:
        if p.name in values:
            out[p.name] = _check_value(notebook, p, values[p.name])
    if "start_year" in out and out["start_year"] > out["end_year"]:
        raise ParameterError(f"{notebook}: start_year {out['start_year']} is after end_year "
                             f"{out['end_year']}")
    return out


def _check_value(notebook: str, p: Param, value: Any) -> Any:
    where = f"{notebook}: parameter {p.name!r}"
    if p.type is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ParameterError(f"{where} must be an integer, got {value!r}")
    if p.type is bool and not isinstance(value, bool):
        raise ParameterError(f"{where} must be True or False, got {value!r}")
    if p.type is str and not isinstance(value, str):
        raise ParameterError(f"{where} must be text, got {value!r}")
    if p.type is list:
        if isinstance(value, (str, tuple)):
            value = [value] if isinstance(value, str) else list(value)
        if not isinstance(value, list):
            raise ParameterError(f"{where} must be a list, got {value!r}")
    allowed = p.allowed_values()
    singular = p.name.removesuffix("s")
    items = value if p.type is list else [value] if p.type is str else []
    for item in items:
        if allowed and item not in allowed:
            label = singular if p.type is list else p.name
            raise ParameterError(f"{where}: {label} {item!r} is not one of: "
                                 + ", ".join(allowed))
    if p.type is int:
        if p.minimum is not None and value < p.minimum or p.maximum is not None and (
                value > p.maximum):
            raise ParameterError(f"{where}: {value} is outside {p.minimum}–{p.maximum}")
    if p.check is not None:
        try:
            p.check(value)
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
