"""The chart style: every value of every vocabulary has a style, derived from the schema."""

from __future__ import annotations

import importlib

import pytest

from helpers.analysis import style
from helpers.core import schema


@pytest.mark.parametrize("name", sorted(style.STYLE_MAPS))
def test_every_style_map_covers_every_value_of_its_vocabulary(name):
    styles, vocabulary = style.STYLE_MAPS[name]
    assert [v for v in vocabulary if v not in styles] == []


@pytest.mark.parametrize("name", sorted(style.STYLE_MAPS))
def test_the_values_of_a_vocabulary_are_told_apart(name):
    styles, vocabulary = style.STYLE_MAPS[name]
    drawn = [styles[v] for v in vocabulary]
    assert len(set(drawn)) == len(drawn)


def test_a_value_added_to_a_vocabulary_gets_a_style_without_editing_the_style(monkeypatch):
    monkeypatch.setattr(schema, "EVENT_KINDS", (*schema.EVENT_KINDS, "relations-frozen"))
    monkeypatch.setattr(schema, "POST_TYPES", (*schema.POST_TYPES, "trade-office"))
    try:
        fresh = importlib.reload(style)
        assert fresh.KIND_MARKERS["relations-frozen"] not in [
            fresh.KIND_MARKERS[k] for k in schema.EVENT_KINDS[:-1]]
        assert "trade-office" in fresh.POST_COLORS
    finally:
        monkeypatch.undo()
        importlib.reload(style)


def test_the_precision_colours_run_from_the_finest_date_to_none():
    assert list(style.PRECISION_COLORS) == [*reversed(schema.PRECISIONS), "none"]
    assert style.PRECISION_COLORS["none"] == style.NONE_COLOR


def test_americas_and_europe_are_drawn_in_clearly_different_colours():
    from matplotlib.colors import to_rgb

    a, e = (to_rgb(style.REGION_COLORS[r]) for r in ("Americas", "Europe"))
    assert sum(abs(x - y) for x, y in zip(a, e, strict=True)) > 0.6
    assert style.UNIDENTIFIED_COLOR not in style.REGION_COLORS.values()
