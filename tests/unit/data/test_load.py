"""Loaders: typed DataFrames, and a DataError naming the file, column and row on bad input."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil

import pandas as pd
import pytest

from helpers.build.descriptor import dumps
from helpers.core import paths, schema
from helpers.core.exceptions import DataError
from helpers.data import load

REBUILD = "rebuild it with `make data` (python -m helpers.build)"


@pytest.fixture
def processed_copy(built, tmp_path):
    folder = tmp_path / "processed"
    shutil.copytree(built, folder)
    return folder


def _edit(path, edit) -> None:
    """Rewrite a CSV after ``edit(rows)`` changes its list of rows (header first), and record
    its new size and hash in the descriptor, as if on purpose, to reach the schema checks."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    _record(path)


def _record(path) -> None:
    """Record a table's current bytes and sha256 in its folder's descriptor."""
    target = path.parent / paths.DESCRIPTOR_NAME
    desc = json.loads(target.read_text(encoding="utf-8"))
    data = path.read_bytes()
    for r in desc["resources"]:
        if r["path"] == path.name:
            r["bytes"], r["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    target.write_text(dumps(desc), encoding="utf-8")


def test_relations_region_is_an_ordered_category_of_the_regions(built):
    relations = load.load_relations(built)
    assert isinstance(relations["region"].dtype, pd.CategoricalDtype)
    assert relations["region"].cat.ordered
    assert list(relations["region"].cat.categories) == list(schema.RELATION_REGIONS)
    assert str(relations["line"].dtype) == "Int64"
    assert str(relations["established_line"].dtype) == "Int64"
    assert str(relations["statements"].dtype) == "Int64"
    assert (relations["established_line"].isna() == relations["established"].isna()).all()


def test_missions_have_a_categorical_post_type_and_a_boolean_resident(built, rows):
    missions = load.load_missions(built)
    assert isinstance(missions["post_type"].dtype, pd.CategoricalDtype)
    assert list(missions["post_type"].cat.categories) == list(schema.POST_TYPES)
    assert str(missions["resident"].dtype) == "boolean"
    assert int((~missions["resident"]).sum()) == len(rows("missions", resident="false"))
    for column in ("status_year", "row_line", "line"):
        assert str(missions[column].dtype) == "Int64", column


def test_an_empty_year_is_missing_and_a_given_year_is_an_integer(built):
    missions = load.load_missions(built)
    sofia = missions[missions["city"] == "Sofia"].iloc[0]
    assert sofia["status_year"] == 2003
    assert missions.loc[missions["city"] == "Accra", "status_year"].isna().all()


def test_every_loader_returns_the_schema_columns_with_their_types(built, tables):
    kinds = {"category": pd.CategoricalDtype, "int": pd.Int64Dtype, "float": pd.Float64Dtype,
             "bool": pd.BooleanDtype}
    for name, table in schema.TABLES.items():
        frame = load.load(name, built)
        assert list(frame.columns) == table.names, name
        assert len(frame) == len(tables[name]), name
        for col in table.columns:
            expected = kinds.get(col.type, pd.StringDtype)
            assert isinstance(frame[col.name].dtype, expected), (name, col.name)


def test_figures_values_are_floats_in_base_units(built):
    figures = load.load_figures(built)
    goods = figures[(figures["indicator"] == "goods_trade_two_way") & (figures["year"] == 2009)]
    assert goods["value"].tolist() == [9.1e9]


def test_a_missing_processed_file_says_how_to_rebuild(processed_copy):
    (processed_copy / "events.csv").unlink()
    with pytest.raises(DataError) as info:
        load.load_events(processed_copy)
    assert str(info.value) == (f"{processed_copy / 'events.csv'} is missing "
                               f"({processed_copy / 'datapackage.json'} lists it); {REBUILD}")


def test_a_table_cut_mid_row_is_refused_before_parsing(processed_copy):
    path = processed_copy / "relations.csv"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # in the middle of a row
    with pytest.raises(DataError) as info:
        load.load_relations(processed_copy)
    message = str(info.value)
    assert message.startswith(f"{path} has {len(data) // 2} bytes where "
                              f"{processed_copy / 'datapackage.json'} records {len(data)}")
    assert "the file is shorter than the build wrote it" in message
    assert message.endswith(REBUILD)


def test_a_table_cut_at_a_row_boundary_is_refused_not_loaded_short(processed_copy):
    path = processed_copy / "relations.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:35]))  # 34 partners instead of 44: still a valid CSV
    with pytest.raises(DataError) as info:
        load.load_relations(processed_copy)
    assert "the file is shorter than the build wrote it" in str(info.value)


def test_a_table_edited_to_the_same_size_names_the_differing_hash(processed_copy):
    path = processed_copy / "missions.csv"
    path.write_bytes(path.read_bytes().replace(b"Accra", b"Akkra"))
    with pytest.raises(DataError) as info:
        load.load_missions(processed_copy)
    message = str(info.value)
    assert message.startswith(f"{path} has the right size but its sha256 differs")
    assert "edited after the build" in message and message.endswith(REBUILD)


def test_a_folder_without_a_descriptor_is_refused(processed_copy):
    (processed_copy / "datapackage.json").unlink()
    with pytest.raises(DataError) as info:
        load.load_relations(processed_copy)
    assert str(info.value).startswith(f"{processed_copy / 'datapackage.json'} is missing")
    assert str(info.value).endswith(REBUILD)


def test_a_row_cut_short_is_refused_even_with_a_matching_hash(processed_copy):
    """A table whose damage was recorded in the descriptor still never reaches the parser."""
    path = processed_copy / "relations.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:3]) + lines[3][:40] + b"\n")
    _record(path)
    with pytest.raises(DataError) as info:
        load.load_relations(processed_copy)
    assert str(info.value).startswith(f"{path}: row 4 has ")
    header = lines[0].decode("utf-8").rstrip("\n").split(",")
    assert f"cells where the header has {len(header)}" in str(info.value)


def test_a_bad_post_type_names_the_file_the_column_and_the_row(processed_copy):
    path = processed_copy / "missions.csv"

    def edit(rows):
        rows[5][rows[0].index("post_type")] = "palace"  # CSV line 6

    _edit(path, edit)
    with pytest.raises(DataError) as info:
        load.load_missions(processed_copy)
    message = str(info.value)
    assert message.startswith(f"{path}: column 'post_type' has a value not in: embassy")
    assert "(rows 6)" in message
    assert message.endswith(REBUILD)


def test_a_missing_column_names_the_file_and_the_column(processed_copy):
    path = processed_copy / "relations.csv"

    def edit(rows):
        i = rows[0].index("statements")
        for row in rows:
            del row[i]

    _edit(path, edit)
    with pytest.raises(DataError) as info:
        load.load_relations(processed_copy)
    assert str(info.value).startswith(f"{path}: columns do not match the schema of 'relations'; "
                                      "missing: statements")


def test_a_year_that_is_not_a_number_names_the_column_and_the_row(processed_copy):
    path = processed_copy / "figures.csv"

    def edit(rows):
        rows[3][rows[0].index("year")] = "twenty"

    _edit(path, edit)
    with pytest.raises(DataError) as info:
        load.load_figures(processed_copy)
    assert str(info.value).startswith(f"{path}: column 'year' is not a valid int (rows 4)")


def test_an_unknown_table_name_lists_the_tables():
    with pytest.raises(DataError) as info:
        load.load("embassies")
    assert "relations, missions" in str(info.value)
