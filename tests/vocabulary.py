"""A data package that holds every value of every vocabulary at least once.

Built from a real build (the subject's processed folder): for each column whose values come
from a vocabulary of helpers.core.schema, a row is added for every value the data lacks, copied
from a row of the same table with that one value changed (and its date written at the
precision it claims). The tables stay valid against the schema and are described by a
descriptor written the way the build writes it, so the loaders accept the folder and the
notebooks run on it through ``PROCESSED_DIR``.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from helpers.build.descriptor import describe, dumps
from helpers.build.sources import read_manifest
from helpers.core import paths, schema

# a date column and the column saying its precision
_PRECISION_OF = {"established": "established_precision", "date": "precision",
                 "from_date": "precision"}
_AT_PRECISION = {"day": "{y}-01-15", "month": "{y}-01", "year": "{y}", "decade": "{y}"}


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, table: schema.Table, rows: list[dict]) -> None:
    rows = sorted(rows, key=schema.sort_key(table))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=table.names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _with_value(row: dict, table: schema.Table, column: str, value: str, n: int) -> dict:
    new = {**row, column: value}
    if "line" in table.key:  # a key of its own: a line no statement has
        new["line"] = str(90000 + n)
    for date, precision in _PRECISION_OF.items():
        if precision == column and date in new:
            year = (new[date] or "1900")[:4]
            new[date] = _AT_PRECISION[value].format(y=year[:3] + "0" if value == "decade"
                                                    else year)
    return new


def every_value_package(source: Path, out: Path) -> dict[str, dict[str, list[str]]]:
    """Copy the processed folder ``source`` to ``out`` with every vocabulary value present;
    return the values added, by table and column."""
    shutil.copytree(source, out)
    added: dict[str, dict[str, list[str]]] = {}
    n = 0
    for name, table in schema.TABLES.items():
        rows = _read(out / table.file)
        if not rows:
            continue
        for column in table.columns:
            present = {r[column.name] for r in rows}
            for value in column.allowed:
                if value in present:
                    continue
                # the fullest row (a partner, a date, ...), the first of equals
                template = max(rows, key=lambda r: sum(v != "" for v in r.values()))
                n += 1
                rows.append(_with_value(template, table, column.name, value, n))
                added.setdefault(name, {}).setdefault(column.name, []).append(value)
        _write(out / table.file, table, rows)
    descriptor = json.loads((source / paths.DESCRIPTOR_NAME).read_text(encoding="utf-8"))
    described = describe(out, read_manifest(paths.RAW), descriptor["counts"])
    (out / paths.DESCRIPTOR_NAME).write_text(dumps(described), encoding="utf-8")
    return added
