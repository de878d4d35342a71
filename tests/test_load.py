"""Loaders: typed DataFrames, and a DataError naming the file, column and row on bad input."""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest

from helpers import load, schema
from helpers.exceptions import DataError

REBUILD = "rebuild it with `make data` (python -m helpers.build)"


@pytest.fixture
def processed_copy(built, tmp_path):
    folder = tmp_path / "processed"
    shutil.copytree(built, folder)
    return folder


def _edit(path, edit) -> None:
    """Rewrite a CSV after ``edit(rows)`` changes its list of rows (header first)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def test_relations_region_is_an_ordered_category_of_the_regions(built):
    relations = load.load_relations(built)
    assert isinstance(relations["region"].dtype, pd.CategoricalDtype)
    assert relations["region"].cat.ordered
    assert list(relations["region"].cat.categories) == list(schema.REGIONS)
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
        frame = getattr(load, f"load_{name}")(built)
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
    assert str(info.value) == f"{processed_copy / 'events.csv'} is missing; {REBUILD}"


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


def test_load_all_gives_every_table(built):
    assert set(load.load_all(built)) == set(schema.TABLES)
