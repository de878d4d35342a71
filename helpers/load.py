"""Loaders: one per processed table, each returning a typed, validated DataFrame.

Types: categoricals for closed vocabularies (region, post type, kind, ...), nullable integers
for years and lines, booleans as booleans, strings elsewhere; an empty cell is missing (<NA>).
Every file is checked against helpers.schema on load; a missing or invalid file raises
DataError naming the file, the column and the rows, and how to rebuild.
"""

from __future__ import annotations

import csv
from pathlib import Path

from helpers import paths, schema
from helpers.exceptions import DataError, SchemaError

_REBUILD = "rebuild it with `make data` (python -m helpers.build)"
_CACHE: dict[tuple, object] = {}


def _read(table: schema.Table, folder: Path):
    import pandas as pd

    path = Path(folder) / table.file
    if not path.is_file():
        raise DataError(f"{path} is missing; {_REBUILD}")
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key in _CACHE:
        return _CACHE[key].copy()
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or [])
            rows = list(reader)
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 ({exc}); {_REBUILD}") from None
    try:
        schema.validate_rows(table, header, rows, str(path))
    except SchemaError as exc:
        raise DataError(f"{exc}; {_REBUILD}") from None
    frame = pd.DataFrame({c: [r[c] for r in rows] for c in table.names}, columns=table.names)
    frame = _typed(table, frame)
    _CACHE.clear() if len(_CACHE) > 64 else None
    _CACHE[key] = frame
    return frame.copy()


def _typed(table: schema.Table, frame):
    import pandas as pd

    out = {}
    for col in table.columns:
        values = frame[col.name].replace("", pd.NA) if len(frame) else frame[col.name]
        if col.type == "category":
            out[col.name] = pd.Categorical(values, categories=list(col.allowed),
                                           ordered=col.name == "region")
        elif col.type == "int":
            out[col.name] = pd.array(values, dtype="string").astype("Int64")
        elif col.type == "float":
            out[col.name] = pd.array(values, dtype="string").astype("Float64")
        elif col.type == "bool":
            out[col.name] = values.map({"true": True, "false": False}).astype("boolean")
        else:
            out[col.name] = pd.array(values, dtype="string")
    return pd.DataFrame(out, columns=table.names)


def load(name: str, folder: Path | str = paths.PROCESSED):
    """Load one processed table by name (see helpers.schema.TABLES)."""
    if name not in schema.TABLES:
        raise DataError(f"no table named {name!r}; tables are: {', '.join(schema.TABLES)}")
    return _read(schema.TABLES[name], Path(folder))


def load_all(folder: Path | str = paths.PROCESSED) -> dict:
    """Every processed table, by name."""
    return {name: load(name, folder) for name in schema.TABLES}


def load_relations(folder=paths.PROCESSED):
    return load("relations", folder)


def load_missions(folder=paths.PROCESSED):
    return load("missions", folder)


def load_events(folder=paths.PROCESSED):
    return load("events", folder)


def load_memberships(folder=paths.PROCESSED):
    return load("memberships", folder)


def load_figures(folder=paths.PROCESSED):
    return load("figures", folder)


def load_statements(folder=paths.PROCESSED):
    return load("statements", folder)


def load_unparsed(folder=paths.PROCESSED):
    return load("unparsed", folder)


def load_decisions(folder=paths.PROCESSED):
    return load("decisions", folder)


def load_sources(folder=paths.PROCESSED):
    return load("sources", folder)


def load_levels(folder=paths.PROCESSED):
    return load("levels", folder)
