"""Loaders: one per processed table, each returning a typed, validated DataFrame.

Types: categoricals for closed vocabularies (region, post type, kind, ...), nullable integers
for years and lines, booleans as booleans, strings elsewhere; an empty cell is missing (<NA>).
Before parsing, every file's size and sha256 are checked against the folder's descriptor
(``datapackage.json``, see helpers.data.descriptor), so a truncated, edited or missing table is
refused, never half-read; then it is checked against helpers.core.schema. Every failure raises
DataError naming the file, what differs (or the column and the rows), and how to rebuild.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from helpers.core import paths, schema
from helpers.core.exceptions import DataError, SchemaError
from helpers.data import descriptor

_REBUILD = descriptor.REBUILD
_EXTRA = "\x00extra"  # DictReader's key for cells beyond the header
_CACHE: dict[tuple, object] = {}


def _read(table: schema.Table, folder: Path):
    import pandas as pd

    path, data = descriptor.verified_bytes(table.name, folder)
    key = (str(path), hashlib.sha256(data).digest())
    if key in _CACHE:
        return _CACHE[key].copy()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 ({exc}); {_REBUILD}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey=_EXTRA)
    header = list(reader.fieldnames or [])
    rows = list(reader)
    for i, row in enumerate(rows, start=2):
        if _EXTRA in row or None in row.values():
            cells = sum(v is not None for k, v in row.items() if k != _EXTRA)
            cells += len(row.get(_EXTRA, ()))
            raise DataError(f"{path}: row {i} has {cells} cells where the header has "
                            f"{len(header)}; {_REBUILD}")
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
    """Load one processed table by name (see helpers.core.schema.TABLES)."""
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


def load_post_sources(folder=paths.PROCESSED):
    return load("post_sources", folder)


def load_chiefs(folder=paths.PROCESSED):
    return load("chiefs", folder)


def load_register_posts(folder=paths.PROCESSED):
    return load("register_posts", folder)
