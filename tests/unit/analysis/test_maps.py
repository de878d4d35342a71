"""The posts map: every post placed or listed with a reason, markers sized by count and coloured
by type, accreditation lines from hub to country served, the region zoom, stable SVG bytes,
and boundaries read from the installed package (never the network).

A small frame of posts written here (a subject other than Peru, a city GeoNames lacks, a city of
unknown country) and the real processed tables are both drawn.
"""

from __future__ import annotations

import csv
import hashlib
import io
import socket

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from helpers.analysis import compute, geo, maps, outputs
from helpers.core import paths
from helpers.core.exceptions import DataError, ParameterError

COLUMNS = ["sending_iso3", "accredited_to_iso3", "partner_iso3", "direction", "city",
           "city_iso3", "post_type", "resident", "status", "source", "line"]


def _post(sending, accredited, direction, city, city_iso3, post_type="embassy", status="open",
          line=1):
    partner = accredited if direction == "abroad" else sending
    resident = city_iso3 == accredited
    return [sending, accredited, partner, direction, city, city_iso3, post_type, resident,
            status, "notes.txt", line]


@pytest.fixture
def small() -> pd.DataFrame:
    """Chile's posts and posts serving Chile, written as the missions table writes them."""
    rows = [
        _post("CHL", "PER", "abroad", "Lima", "PER", line=1),
        _post("CHL", "BOL", "abroad", "Lima", "PER", line=2),  # from Lima, to Bolivia
        _post("CHL", "ARG", "abroad", "Mendoza", "ARG", "consulate-general", line=3),
        _post("CHL", "BGR", "abroad", "Sofia", "BGR", status="closed", line=4),
        _post("CHL", "ARG", "abroad", "Atlantis Harbour", "ARG", "consulate", line=5),
        _post("CHL", "URY", "abroad", "San Carlos", None, "honorary-consulate", line=6),
        _post("ARG", "CHL", "inward", "Santiago", "CHL", line=7),
        _post("BRA", "CHL", "inward", "Santiago", "CHL", line=8),
        _post("GHA", "CHL", "inward", "Brasília", "BRA", line=9),  # from Brasília, to Chile
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"resident": "boolean", "line": "Int64", "city_iso3": "string"})


@pytest.fixture(scope="module")
def real():
    from helpers.data import load

    missions, relations = load.load_missions(), load.load_relations()
    return missions, relations, load.load("sources")


def _svg(fig) -> bytes:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue().encode()


def _markers(ax) -> pd.DataFrame:
    """The city circles of a panel: projected offsets, sizes and face colours."""
    frames = [pd.DataFrame({"x": c.get_offsets()[:, 0], "y": c.get_offsets()[:, 1],
                            "size": c.get_sizes(),
                            "color": [to_hex(f) for f in c.get_facecolors()]})
              for c in ax.collections[1:]]  # the first collection is the land
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _at(frame: pd.DataFrame, lon: float, lat: float) -> pd.DataFrame:
    x, y = maps.project([lon], [lat])
    return frame[np.isclose(frame["x"], x[0], atol=1) & np.isclose(frame["y"], y[0], atol=1)]


# ---------------------------------------------------------------- placing


def test_every_post_is_in_the_table_placed_or_with_the_reason(small):
    table = maps.place_posts(small)
    assert len(table) == len(small)
    lost = table[table["not_placed"] != ""].set_index("line")
    assert set(lost.index) == {5, 6}
    assert "no city 'Atlantis Harbour' in Argentina" in lost.loc[5, "not_placed"]
    assert "country is not known" in lost.loc[6, "not_placed"]
    assert lost[["longitude", "latitude"]].isna().all().all()
    lima = table[table["city"] == "Lima"].iloc[0]
    assert lima["longitude"] == pytest.approx(-77.03, abs=0.05)
    assert lima["latitude"] == pytest.approx(-12.04, abs=0.05)


def test_a_non_resident_post_gets_the_point_of_the_country_it_serves(small):
    table = maps.place_posts(small).set_index("line")
    bolivia = table.loc[2]
    assert bolivia["served_iso3"] == "BOL" and bolivia["served_not_placed"] == ""
    assert -70 < bolivia["served_longitude"] < -57 and -23 < bolivia["served_latitude"] < -9
    assert table.loc[9, "served_iso3"] == "CHL"
    assert table.loc[1, "served_iso3"] == "" and pd.isna(table.loc[1, "served_longitude"])


def test_a_country_without_a_shape_is_reached_at_its_capital():
    # Andorra is too small for the 1:110m shapes: its line ends at Andorra la Vella
    assert "AND" not in {s.iso3 for s in maps.shapes()}
    lon, lat = maps.locate_country("AND")
    assert lon == pytest.approx(1.52, abs=0.05) and lat == pytest.approx(42.51, abs=0.05)


def test_natural_earth_countries_coded_minus_99_get_their_iso3_from_the_name():
    codes = {s.name: s.iso3 for s in maps.shapes()}
    assert len(codes) == 177
    assert codes["France"] == "FRA" and codes["Norway"] == "NOR"


def test_the_csv_behind_the_figure_lists_every_post(small, tmp_path):
    table = maps.place_posts(small)
    outputs.record(table, "posts-map", tmp_path)
    with open(tmp_path / "posts-map.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(small)
    unplaced = [r for r in rows if r["not_placed"]]
    assert {r["city"] for r in unplaced} == {"Atlantis Harbour", "San Carlos"}
    assert all(r["longitude"] == "" and r["latitude"] == "" for r in unplaced)
    assert all(r["longitude"] and r["latitude"] for r in rows if not r["not_placed"])


# ---------------------------------------------------------------- drawing


def test_posts_abroad_and_posts_received_are_two_panels_sized_by_the_number_of_posts(small):
    table = maps.place_posts(small)
    fig = maps.draw_posts_map(table, "Chile", "Source: notes.", highlight=["CHL"])
    abroad, inward = fig.axes[0], fig.axes[1]
    assert "posts abroad" in abroad.get_title("left")
    assert "serving Chile" in inward.get_title("left")
    lima = table[table["city"] == "Lima"].iloc[0]
    sofia = table[table["city"] == "Sofia"].iloc[0]
    mendoza = table[table["city"] == "Mendoza"].iloc[0]
    markers = _markers(abroad)
    assert list(_at(markers, lima["longitude"], lima["latitude"])["size"]) == [
        2 * maps.AREA_PER_POST]  # two embassies in one city
    assert list(_at(markers, mendoza["longitude"], mendoza["latitude"])["size"]) == [
        maps.AREA_PER_POST]
    assert list(_at(markers, sofia["longitude"], sofia["latitude"])["color"]) == ["#ffffff"]
    # the posts in Santiago are in Chile itself: drawn in the inset, not over Chile
    santiago = table[table["city"] == "Santiago"].iloc[0]
    assert _at(_markers(inward), santiago["longitude"], santiago["latitude"]).empty
    inset = inward.child_axes[0]
    assert "In Chile" in inset.get_title()
    assert any("Santiago: 2" in t.get_text() for t in inset.texts)
    plt.close(fig)


def test_countries_are_shaded_by_the_kind_of_presence(small):
    table = maps.place_posts(small)
    abroad = maps.presence(table, "abroad")
    assert abroad["PER"] == "resident embassy"
    assert abroad["BOL"] == "non-resident accreditation"  # from Lima
    assert abroad["ARG"] == "other resident post"  # a consulate-general in Mendoza
    assert "BGR" not in abroad  # closed
    assert maps.presence(table, "inward")["GHA"] == "non-resident accreditation"


def test_the_map_has_no_degree_ticks_and_an_equal_area_projection(small):
    fig = maps.draw_posts_map(maps.place_posts(small), "Chile", "Source: notes.")
    assert all(not ax.get_xticks().size and not ax.get_yticks().size for ax in fig.axes)
    note = " ".join(t.get_text().replace("\n", " ") for t in fig.texts)
    assert "Equal Earth projection" in note and "pyproj" in note
    plt.close(fig)


def test_hub_cities_are_named(small):
    table = maps.place_posts(small)
    fig = maps.draw_posts_map(table, "Chile", "Source: notes.")
    names = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert "Brasília" in names  # Ghana's post serving Chile
    plt.close(fig)


def test_the_region_filter_zooms_to_the_region(small):
    table = maps.place_posts(small)
    world = maps.draw_posts_map(table, "Chile", "Source: notes.")
    assert world.axes[0].get_xlim() == maps.extent(maps.WORLD)[:2]
    europe = maps.draw_posts_map(table, "Chile", "Source: notes.", regions=["Europe"])
    west, east = europe.axes[0].get_xlim()
    south, north = europe.axes[0].get_ylim()
    sofia = table[table["city"] == "Sofia"].iloc[0]
    x, y = maps.project([sofia["longitude"]], [sofia["latitude"]])
    assert west < x[0] < east and south < y[0] < north
    lima_x, _ = maps.project([-77.0], [-12.0])
    assert not west < lima_x[0] < east  # Europe, not the Americas
    texts = [t.get_text() for t in europe.axes[0].texts]
    outside = "outside this view: 3 post(s) in 2 cities (Lima, Mendoza)"
    assert any(outside in t for t in texts), texts
    plt.close(world)
    plt.close(europe)


def test_a_region_without_posts_shows_the_whole_region(small):
    table = maps.place_posts(small)
    west, east, south, north = maps.view(table, ["Oceania"])
    assert west < 115 and east > 170 and south < -40 and north > -12


def test_an_unknown_region_names_the_allowed_ones(small):
    with pytest.raises(ParameterError, match="'Atlantis' is not one of: Africa, Americas"):
        maps.view(maps.place_posts(small), ["Atlantis"])


def test_no_posts_still_draws_a_map_that_says_so(small):
    fig = maps.draw_posts_map(maps.place_posts(small.iloc[0:0]), "Chile", "Source: notes.")
    assert any("no posts" in t.get_text() for t in fig.axes[0].texts)
    plt.close(fig)


def test_the_svg_is_the_same_bytes_on_every_draw(small):
    table = maps.place_posts(small)
    first = _svg(maps.draw_posts_map(table, "Chile", "Source: notes.", regions=["Americas"]))
    maps.locate_country.cache_clear()
    second = _svg(maps.draw_posts_map(maps.place_posts(small), "Chile", "Source: notes.",
                                      regions=["Americas"]))
    assert first == second


def test_the_source_note_names_the_boundary_data_its_version_and_licence(small):
    fig = maps.draw_posts_map(maps.place_posts(small), "Chile", "Source: notes.")
    note = " ".join(t.get_text().replace("\n", " ") for t in fig.texts)
    assert "Natural Earth 1:110m Admin 0 – Countries 4.1.0 (public domain)" in note
    assert "pyshp 3.1.6" in note and "GeoNames (CC BY 4.0)" in note
    plt.close(fig)


# ---------------------------------------------------------------- no network


def test_boundaries_ship_with_the_project_with_their_checksums():
    path = maps.boundaries_path()
    assert path.resolve().is_relative_to(paths.REFERENCE.resolve())
    assert path.read_bytes()[:4] == b"\x00\x00\x27\x0a"  # the shapefile magic number
    readme = (path.parent / "README.md").read_text(encoding="utf-8")
    assert "version 4.1.0" in readme and "public domain" in readme
    for part in sorted(path.parent.glob("naturalearth_lowres.*")):
        assert f"{hashlib.sha256(part.read_bytes()).hexdigest()}  {part.name}" in readme


def test_the_map_is_drawn_with_the_network_cut(small, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the map tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    maps.shapes.cache_clear()
    geo._shape_index.cache_clear()
    maps.locate_country.cache_clear()
    svg = _svg(maps.draw_posts_map(maps.place_posts(small), "Chile", "Source: notes."))
    assert b"<svg" in svg


def test_a_missing_boundary_file_says_where_it_belongs(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BOUNDARIES", tmp_path / "naturalearth_lowres.shp")
    with pytest.raises(DataError, match="naturalearth_lowres.shp: missing; the country boundaries"
                       " ship with the project"):
        maps.boundaries_path()


def test_a_damaged_boundary_file_is_a_data_error_naming_the_file(tmp_path, monkeypatch):
    broken = tmp_path / "naturalearth_lowres.shp"
    broken.write_bytes(b"not a shapefile")
    monkeypatch.setattr(geo, "boundaries_path", lambda: broken)
    maps.shapes.cache_clear()
    try:
        with pytest.raises(DataError, match="naturalearth_lowres.shp: cannot read"):
            maps.shapes()
    finally:
        maps.shapes.cache_clear()


# ---------------------------------------------------------------- the real tables


def test_every_real_post_is_placed_and_every_hub_reaches_the_country_it_serves(real):
    missions, _relations, _sources = real
    table = maps.place_posts(missions)
    assert len(table) == len(missions)
    assert (table["not_placed"] == "").all(), table[table["not_placed"] != ""]
    hubs = table[table["served_iso3"] != ""]
    assert len(hubs) == int((~missions["resident"].astype(bool)).sum())
    assert hubs[["served_longitude", "served_latitude"]].notna().all().all()


def test_a_real_region_view_holds_its_posts_and_leaves_lima_out(real):
    missions, relations, sources = real
    posts = compute.select_missions(missions, relations, ["Europe"], "both", [], True)
    table = maps.place_posts(posts)
    fig = maps.draw_posts_map(table, "Peru", outputs.source_note(posts),
                              regions=["Europe"])
    west, east = fig.axes[0].get_xlim()
    south, north = fig.axes[0].get_ylim()
    madrid = table[table["city"] == "Madrid"].iloc[0]
    x, y = maps.project([madrid["longitude"]], [madrid["latitude"]])
    assert west < x[0] < east and south < y[0] < north
    lima_x, _ = maps.project([-77.0], [-12.0])
    assert not west < lima_x[0] < east  # Lima (the partners' posts in Peru) is in the inset
    svg = _svg(fig)
    assert len(svg) < 130_000  # stored inline in the notebook (the register adds posts)


def test_the_world_map_of_every_real_post_stays_small(real):
    missions, _relations, sources = real
    fig = maps.draw_posts_map(maps.place_posts(missions), "Peru",
                              outputs.source_note(missions))
    assert len(_svg(fig)) < 170_000  # 240 posts, with the register's
