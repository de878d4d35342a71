"""What the notebooks show a reader: sentences built from data stay text, tables show no <NA>.

The sentence helpers (helpers.analysis: compute, profile, quality ``describe_*``) are fed
source text that would be markup, HTML or a link if it were not escaped, and their markdown is
rendered the way the reports render it. The table display is checked on pandas' nullable
types, through a real IPython display formatter, and on the stored notebooks.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from helpers.analysis import compute, geo, outputs, profile, quality, trade
from helpers.core import paths, places
from helpers.report import export

EVIL = "Lima <script>alert(1)</script> *starred* [x](javascript:alert(1)) a | b"


def assert_inert(markdown: str) -> str:
    """The rendered HTML holds the evil text as text: no tag, emphasis, link or table."""
    rendered = export.render_markdown(markdown)
    assert "<script" not in rendered and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "<em>" not in rendered and "*starred*" in rendered
    assert "<a " not in rendered and "[x](javascript:alert(1))" in rendered
    assert "<table" not in rendered and "a | b" in rendered
    return rendered


def test_timeline_and_hub_sentences_escape_labels_and_cities():
    dated = pd.DataFrame({"label": [EVIL, "Chile"], "established": ["1822", "1823"]})
    assert_inert(compute.describe_ends(dated))
    assert compute.describe_ends(dated.iloc[0:0]) == ""
    hubs = pd.DataFrame({"city": [EVIL], "country": ["Chile"], "direction": ["inward"],
                         "partners": [2], "served": [EVIL]})
    rendered = assert_inert(compute.describe_hubs(hubs))
    assert rendered.count("&lt;script&gt;") == 2 and "<strong>2</strong>" in rendered
    assert compute.describe_hubs(hubs.iloc[0:0]) == (
        "**0** hub cities carry non-resident accreditation.")


def test_trade_sentences_escape_the_figure_its_decision_and_source():
    facts = pd.DataFrame([{"label": EVIL, "year": 2016, "source": "notes_*x*.txt", "line": 4,
                           "decision": EVIL, "alternatives": "Peru's report: US$ 1 million"}])
    view = trade.TradeView(True, "PER", facts=facts)
    rendered = assert_inert(trade.facts_text(view))
    assert "US$ 1 million" in rendered and "notes_*x*.txt" in rendered


def test_profile_sentences_escape_every_value_they_embed():
    events = pd.DataFrame({"date": ["1990", "2000"], "kind": ["visit", "agreement"]})
    assert_inert(profile.describe_events(events, EVIL))
    assert_inert(profile.describe_events(events.iloc[0:0], EVIL))
    shared = pd.DataFrame({"acronym": [None], "organization": [EVIL]})
    assert_inert(profile.describe_memberships(shared, "Chile", "Peru"))
    assert_inert(profile.describe_memberships(shared.iloc[0:0], "Chile", EVIL))
    figures = pd.DataFrame({"label": [EVIL], "stated": ["more than $1 billion | *x*"],
                            "source": ["a.txt"], "line": [3]})
    rendered = assert_inert(profile.describe_figures(figures, "Chile"))
    assert "more than $1 billion | *x*" in rendered
    said = pd.DataFrame({"status": ["represented", "unparsed"]})
    assert_inert(profile.describe_statements(said, EVIL))
    levels = pd.DataFrame([{"direction": "abroad", "envoy_rank": EVIL, "from_date": "1990",
                            "level": EVIL, "source": "a.txt", "line": 2}])
    assert_inert(profile.describe_levels(levels, "Chile", "Peru"))
    mentions = pd.DataFrame({"about": [EVIL, EVIL, "Chile"]})
    rendered = assert_inert(profile.describe_mentions(mentions, "Chile"))
    assert "2 about Lima" in rendered


def test_quality_sentences_escape_areas_reasons_partners_sources_and_checks():
    statements = pd.DataFrame({"x": range(4)})
    by_source = pd.DataFrame({"unparsed": [1]})
    by_area = pd.DataFrame({"area": [EVIL, "Asia"], "unparsed_share": [0.5, 0.1]})
    assert_inert(quality.describe_status(statements, by_source, by_area))
    why = pd.DataFrame({"reason": [EVIL], "statements": [3]})
    assert_inert(quality.describe_reasons(why))
    unsure = pd.DataFrame([
        {"line": 7, "region": "Asia", "resolution": "inferred", "partner": EVIL,
         "candidate_names": ""},
        {"line": 9, "region": "Asia", "resolution": "unresolved", "partner": None,
         "candidate_names": EVIL}])
    rendered = assert_inert(quality.describe_identification(unsure, pd.DataFrame({"x": [1]})))
    assert rendered.count("&lt;script&gt;") == 2
    facts = pd.DataFrame({"source": [EVIL, EVIL], "table": ["missions", "events"]})
    assert_inert(quality.describe_one_source(facts))
    agree = pd.DataFrame({"check": [EVIL, "fine"], "holds": [False, True]})
    assert_inert(quality.describe_checks(agree))
    assert quality.describe_checks(agree.iloc[1:]) == "All **1** checks hold."


# ---------------------------------------------------------------- <NA> in tables


def nullable() -> pd.DataFrame:
    return pd.DataFrame({"year": pd.array([1990, None], dtype="Int64"),
                         "city": pd.array(["Lima", None], dtype="string"),
                         "share": pd.array([0.5, None], dtype="Float64")})


def test_a_table_shows_missing_values_as_empty_cells():
    frame = nullable()
    html = outputs.table_html(frame)
    assert "&lt;NA&gt;" not in html and len(re.findall(r"<td[^>]*></td>", html)) == 3
    assert '<table class="dataframe' in html  # the reports' table script finds it
    assert "<NA>" in repr(frame)  # the plain-text repr stays pandas' own


def test_the_kernel_gives_jupyterlab_pandas_table_and_the_reports_a_reader_rendering():
    """JupyterLab shows the raw frame (pandas' HTML); the reader's rendering rides beside it
    under its own MIME type, for the reports' renderer only."""
    from IPython.core.interactiveshell import InteractiveShell

    from helpers.analysis.table_display import READER_HTML

    shell = InteractiveShell.instance()
    try:
        outputs.setup()
        data, _ = shell.display_formatter.format(nullable())
    finally:
        InteractiveShell.clear_instance()
    assert data["text/html"] == nullable()._repr_html_()  # the developer's view, untouched
    assert "&lt;NA&gt;" not in data[READER_HTML] and ">Lima</td>" in data[READER_HTML]
    assert "<NA>" in data["text/plain"]


def test_no_stored_notebook_shows_na_to_a_reader():
    from helpers.analysis.table_display import READER_HTML

    for path in sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        shown = ["".join(o.get("data", {}).get(kind, "")) for c in nb["cells"]
                 for o in c.get("outputs", []) for kind in (READER_HTML, "text/markdown")]
        assert not [s for s in shown if re.search(r"&lt;NA&gt;|<NA>", s)], path.name


# ---------------------------------------------------------------- the map's city index


def test_the_map_places_cities_from_the_builds_geonames_cache_and_survives_damage(
        tmp_path, monkeypatch):
    """The map's city index reads the compact GeoNames cache the build keeps; a cut-short
    cache is rebuilt and gives the same index."""
    built = geo._city_index()
    assert built[("Lima", "PER")] == pytest.approx((-77.03, -12.04), abs=0.05)
    monkeypatch.setattr(places, "GEONAMES_CACHE", tmp_path / "geonames")
    clear = (places._geonames, places._cities_by_name, places.city_candidates, geo._city_index)
    for fn in clear:
        fn.cache_clear()
    try:
        assert geo._city_index() == built  # cache written
        (cached,) = (tmp_path / "geonames").glob("places-cities-*.json")
        cached.write_text('[["1", 1, "Lima"', encoding="utf-8")  # cut short
        for fn in clear:
            fn.cache_clear()
        assert geo._city_index() == built and json.loads(cached.read_text("utf-8"))
    finally:
        for fn in clear:
            fn.cache_clear()


def test_reconciled_dates_escape_the_partner_and_every_statements_file():
    reconciled = pd.DataFrame([{
        "label": EVIL, "established": "1901-02-03", "established_precision": "day",
        "established_source": "record.xml", "established_line": 7.0,
        "established_alternatives": f"1900 (year) {EVIL}.txt:3, other year; "
                                    "1901 (year) sheet.txt:9, same year"}])
    rendered = assert_inert(compute.describe_reconciled(reconciled))
    assert rendered.count("&lt;script&gt;") == 2 and "record.xml, line 7)" in rendered
    assert "2 other statement(s) say <strong>1900</strong> (year;" in rendered
    assert "<strong>1901</strong> (year; sheet.txt, line 9; same year)." in rendered
    assert compute.describe_reconciled(reconciled.iloc[0:0]) == (
        "No partner's start date is given differently by several statements.")
    decisions = pd.DataFrame([{
        "kind": "reconciliation", "subject": f"{EVIL}: date relations began",
        "decision": "1901-02-03 (day) record.xml:7",
        "alternatives": f"1900 (year) {EVIL}.txt:3, other year", "rule": EVIL,
        "source": "record.xml", "line": 7}])
    rendered = assert_inert(quality.describe_reconciliation(quality.reconciliation(decisions)))
    assert rendered.count("&lt;script&gt;") == 3
