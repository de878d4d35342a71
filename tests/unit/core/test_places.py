"""Countries and cities: names to ISO codes, GeoNames alternate names, territories."""

from __future__ import annotations

import pytest

from helpers.core import places

KOREA = ("The establishment of diplomatic relations between the Republic of Korea and the Republic "
         "of Peru started on 1 April 1963.")


def test_republic_of_korea_is_south_korea_not_north_korea():
    assert places.country_of("Republic of Korea") == "KOR"
    assert places.country_of("the Republic of Korea") == "KOR"
    assert places.country_of("Democratic People's Republic of Korea") == "PRK"


def test_the_korea_sentence_names_south_korea_and_peru():
    assert [(m.iso3, m.text) for m in places.find_countries(KOREA)] == [
        ("KOR", "Republic of Korea"), ("PER", "Republic of Peru")]


def test_the_us_is_the_united_states():
    assert places.country_of("The U.S.") == "USA"
    mentions = places.find_countries("The U.S. maintains an embassy in Lima, Peru.")
    assert [(m.iso3, m.text) for m in mentions] == [("USA", "The U.S."), ("PER", "Peru")]


def test_mexico_city_is_not_a_mention_of_mexico():
    assert places.find_countries("Peru has an embassy in Mexico City.") == [
        places.Mention("PER", "Peru", 0, 4)]


def test_palestine_is_a_state_a_partner_can_be():
    assert places.country_of("Palestine") == "PSE"
    assert places.countries()["PSE"].is_state
    assert not places.countries()["HKG"].is_state


@pytest.mark.parametrize(
    ("written", "name", "iso3"),
    [("Brasilia", "Brasília", "BRA"), ("Asuncion", "Asunción", "PRY"), ("Cuzco", "Cusco", "PER")],
)
def test_a_city_is_found_through_its_geonames_alternate_name(written, name, iso3):
    candidates = places.city_candidates(written)
    assert [(c.name, c.iso3) for c in candidates] == [(name, iso3)]


def test_a_city_in_a_territory_belongs_to_its_sovereign():
    assert places.sovereign()["HKG"] == "CHN"
    assert [c.iso3 for c in places.city_candidates("Hong Kong")] == ["CHN"]


def test_an_ambiguous_city_lists_every_country_biggest_first():
    candidates = places.city_candidates("Córdoba")
    assert [c.iso3 for c in candidates] == ["ARG", "ESP", "MEX"]
    assert [c.iso3 for c in places.city_candidates("Lima")] == ["PER", "USA"]
    assert places.city_candidates("Lima")[0].is_capital


def test_states_of_a_region_are_in_alphabetical_order_of_their_folded_names():
    names = [places.fold(c.name) for c in places.states_in_region("Americas")]
    assert names == sorted(names)
    assert {"ARG", "BHS", "BLZ", "BRB", "BOL", "GUY"} <= {
        c.iso3 for c in places.states_in_region("Americas")}


def test_the_geonames_cache_is_rebuilt_when_damaged_and_gives_the_same_cities(tmp_path,
                                                                              monkeypatch):
    """The build reads GeoNames in a compact cached form; a cut-short cache is rebuilt, and
    a folder that cannot be written only costs the cache, never the answer."""
    expected = places.city_candidates("Córdoba")
    monkeypatch.setattr(places, "GEONAMES_CACHE", tmp_path / "geonames")
    for fn in (places._geonames, places._cities_by_name, places.city_candidates):
        fn.cache_clear()
    try:
        assert places.city_candidates("Córdoba") == expected  # written
        written = sorted(p.name for p in (tmp_path / "geonames").iterdir())
        assert len(written) == 2 and not any(p.endswith(".tmp") for p in written)
        rows = next((tmp_path / "geonames").glob("places-cities-*.json"))
        rows.write_text(rows.read_text(encoding="utf-8")[:1000], encoding="utf-8")  # cut short
        for fn in (places._geonames, places._cities_by_name, places.city_candidates):
            fn.cache_clear()
        assert places.city_candidates("Córdoba") == expected  # rebuilt
        assert rows.read_text(encoding="utf-8").endswith("]")
        blocked = tmp_path / "file"
        blocked.write_text("", encoding="utf-8")
        monkeypatch.setattr(places, "GEONAMES_CACHE", blocked / "geonames")  # not a folder
        for fn in (places._geonames, places._cities_by_name, places.city_candidates):
            fn.cache_clear()
        assert places.city_candidates("Córdoba") == expected  # no cache, same answer
        assert places.city_candidates("Hanoi")  # found by its alternate names or its name
    finally:
        for fn in (places._geonames, places._cities_by_name, places.city_candidates):
            fn.cache_clear()


def test_a_country_whose_code_was_withdrawn_is_known_by_name_only_when_asked():
    assert places.country_of("Netherlands Antilles") is None  # prose keeps to today's countries
    assert places.former_country_of("the Netherlands Antilles") == "ANT"
    assert places.former_country_of("Czechoslovakia") == "CSK"
    assert places.name_of("CSK") == "Czechoslovakia"


def test_a_known_place_name_ends_where_the_gazetteer_says():
    text = "Santa Cruz de la Sierra and Cobija"
    assert text[:places.known_place_end(text, 0)] == "Santa Cruz de la Sierra"
    assert places.known_place_end("Buenos Aires, Argentina", 0) == len("Buenos Aires")
    assert places.known_place_end("lima and Cusco", 0) is None  # a name starts capitalised
