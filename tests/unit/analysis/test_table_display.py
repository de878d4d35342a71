"""Tables as a reader sees them: every row, labels in words, numbers formatted and aligned
right, a missing value an empty cell, booleans yes/no, no index column unless it is named."""

from __future__ import annotations

import re

import pandas as pd

from helpers.analysis import table_display as tables


def _cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1])
    return [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in rows]


def test_a_long_table_is_shown_whole_without_an_index_column():
    frame = pd.DataFrame({"city": [f"City {i}" for i in range(105)]})
    html = tables.table_html(frame)
    assert len(_cells(html)) == 105 and "…" not in html
    assert _cells(html)[0] == ["City 0"]  # no 0, 1, 2 ... column


def test_a_missing_value_is_an_empty_cell_and_a_boolean_yes_or_no():
    frame = pd.DataFrame({"city": pd.array(["Lima", pd.NA], dtype="string"),
                          "status_year": pd.array([2003, None], dtype="Int64"),
                          "resident": pd.array([True, False], dtype="boolean"),
                          "value": [float("nan"), 2.5], "text": [None, "nan"]})
    html = tables.table_html(frame)
    assert _cells(html) == [["Lima", "2003", "yes", "", ""], ["", "", "no", "2.5", ""]]
    assert not re.search(r">(NaN|nan|None|&lt;NA&gt;)<", html)


def test_numbers_get_thousands_separators_except_years_and_lines_and_sit_right():
    frame = pd.DataFrame({"value": [1.3e9], "line": [1826], "year": [2016],
                          "growth_rate": [0.142341], "label": ["goods"]})
    html = tables.table_html(frame)
    assert _cells(html) == [["1,300,000,000", "1826", "2016", "0.142", "goods"]]
    heads = re.findall(r"<th style=\"([^\"]*)\"", html)
    assert heads[0].startswith("text-align: right") and heads[-1] == "text-align: left"


def test_column_labels_are_words_with_the_schema_description_as_tooltip():
    html = tables.table_html(pd.DataFrame({"sending_iso3": ["PER"], "status_year": [1990]}))
    assert ">Sending country</th>" in html and ">Status year (year)</th>" not in html
    assert 'title="Country whose post it is."' in html


def test_a_named_index_is_kept_as_a_column():
    frame = pd.DataFrame({"posts": [3]}, index=pd.Index(["Europe"], name="region"))
    html = tables.table_html(frame)
    assert ">Region</th>" in html and _cells(html) == [["Europe", "3"]]
