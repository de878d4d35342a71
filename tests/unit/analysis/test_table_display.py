"""Tables as a reader sees them: every row, names not codes, labels in words, rates as
percentages, money with its unit and scale, numbers formatted and aligned right, a missing value
an empty cell, booleans yes/no, no index column unless it is named, no column that is empty or
zero in every row (a note says which were left out)."""

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
                          "value": [float("nan"), 2.5], "text": [None, "lost"]})
    html = tables.table_html(frame)
    assert _cells(html) == [["Lima", "2003", "yes", "", ""], ["", "", "no", "2.5", "lost"]]
    assert not re.search(r">(NaN|nan|None|&lt;NA&gt;)<", html)


def test_numbers_get_thousands_separators_except_years_and_lines_and_sit_right():
    frame = pd.DataFrame({"value": [1.3e9], "line": [1826], "year": [2016],
                          "ratio": [0.142341], "label": ["goods"]})
    html = tables.table_html(frame)
    assert _cells(html) == [["1,300,000,000", "1826", "2016", "0.142", "goods"]]
    heads = re.findall(r"<th style=\"([^\"]*)\"", html)
    assert heads[0].startswith("text-align: right") and heads[-1] == "text-align: left"


def test_column_labels_are_words_with_the_schema_description_as_tooltip():
    html = tables.table_html(pd.DataFrame({"sending_iso3": ["PER"], "status_year": [1990],
                                           "honorary-consulate": [2]}))
    assert ">Sending country</th>" in html and ">Status year (year)</th>" not in html
    assert ">Honorary consulate</th>" in html
    assert 'title="Country whose post it is."' in html


def test_a_named_index_is_kept_as_a_column():
    frame = pd.DataFrame({"posts": [3]}, index=pd.Index(["Europe"], name="region"))
    html = tables.table_html(frame)
    assert ">Region</th>" in html and _cells(html) == [["Europe", "3"]]


def test_countries_are_named_with_the_code_as_tooltip_whatever_the_column_is_called():
    frame = pd.DataFrame({"sending_iso3": ["PER", "BRA"], "country": ["CHL", "ARG"],
                          "posts": [66, 140]})
    html = tables.table_html(frame)
    assert _cells(html) == [["Peru", "Chile", "66"], ["Brazil", "Argentina", "140"]]
    assert 'title="PER">Peru</td>' in html and 'title="ARG">Argentina</td>' in html


def test_a_code_column_that_repeats_a_name_column_becomes_its_tooltip():
    frame = pd.DataFrame({"partner": ["Chile", "Japan"], "iso3": ["CHL", "JPN"]})
    html = tables.table_html(frame)
    assert _cells(html) == [["Chile"], ["Japan"]] and 'title="JPN">Japan</td>' in html


def test_indicators_read_by_label_rates_as_percentages_money_with_unit_and_scale():
    frame = pd.DataFrame({"indicator": ["goods_trade_two_way", "some_new_measure"],
                          "cagr": [0.14234, 0.067], "value": [1.3e9, 2.54],
                          "unit": ["USD", "multiple"], "exports_usd": [5.3e8, 2.1e6]})
    frame.attrs["units"] = {}
    html = tables.table_html(frame)
    assert _cells(html) == [
        ["Two-way trade in goods, United States and Peru", "14.2%", "US$ 1.3 billion",
         "US$ 530 million"],
        ["Some new measure", "6.7%", "2.54×", "US$ 2.1 million"]]
    assert ">Compound annual growth (%)</th>" in html and ">Unit</th>" not in html
    shares = pd.DataFrame({"region": ["Asia"], "Asia": [24.26]})
    shares.attrs["units"] = {"Asia": "percent"}
    assert _cells(tables.table_html(shares)) == [["Asia", "24.3%"]]


def test_columns_empty_or_zero_in_every_row_are_left_out_and_named_under_the_table():
    frame = pd.DataFrame({"region": ["Africa", "Asia"], "embassy": [5, 14],
                          "trade-office": [0, 0], "not_placed": [None, ""]})
    html = tables.table_html(frame)
    assert _cells(html) == [["Africa", "5"], ["Asia", "14"]]
    assert "Not shown, empty in every row: Not placed." in html
    assert "Not shown, zero in every row: Trade office." in html
    empty = tables.table_html(frame.iloc[0:0])  # an empty table keeps its headers
    assert ">Trade office</th>" in empty


def test_source_files_read_as_their_titles_with_the_file_as_tooltip():
    from helpers.data import descriptor

    first = descriptor.sources()[0]
    html = tables.table_html(pd.DataFrame({"source": [first["file"]], "line": [12]}))
    title = tables.source_titles()[first["file"]]
    assert _cells(html) == [[title, "12"]] and f'title="{first["file"]}"' in html
    assert "_" not in title


def test_long_text_gets_room_and_short_text_does_not_wrap():
    frame = pd.DataFrame({"city": ["Lima"], "text": ["a sentence of the source " * 4]})
    styles = re.findall(r"<td style=\"([^\"]*)\"", tables.table_html(frame))
    assert "white-space: nowrap" in styles[0] and "min-width" in styles[1]


def test_a_column_of_mixed_values_names_its_codes_and_spells_out_identifiers():
    frame = pd.DataFrame({"decision": ["CHN", "a rule", "BHS;BLZ"],
                          "tables": ["post_sources", "relations", "missions"]})
    html = tables.table_html(frame)
    assert _cells(html) == [["China", "post sources"], ["a rule", "relations"],
                            ["Bahamas; Belize", "missions"]]
    assert 'title="BHS;BLZ"' in html and 'title="post_sources"' in html
