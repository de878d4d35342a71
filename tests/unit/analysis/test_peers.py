"""The subject beside its peers: counts from the compact register, agreement, chiefs."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.analysis import peers


def register() -> pd.DataFrame:
    rows = [("PER", "Americas", "embassy", "resident", "ARG;BOL"),
            ("PER", "Americas", "consulate-general", "resident", "ARG;ARG;ARG"),
            ("PER", "Europe", "embassy", "resident", "ESP"),
            ("PER", "Americas", "embassy", "non-resident", "URY"),
            ("ARG", "Americas", "embassy", "resident", "PER;BOL"),
            ("ARG", "Asia", "embassy", "non-resident", "NPL"),
            ("BOL", "Americas", "embassy", "resident", "PER"),
            ("BOL", "Americas", "embassy", "non-resident", "URY")]
    return pd.DataFrame([dict(sending_iso3=s, region=r, post_type=t, residence=res,
                              posts=len(c.split(";")), countries=c, source="reg.csv")
                         for s, r, t, res, c in rows])


def test_posts_abroad_count_resident_posts_by_region_and_type():
    table = peers.posts_abroad(register(), ["PER", "ARG"]).set_index(["sending_iso3", "region"])
    assert table.loc[("PER", "Americas"), "consulate-general"] == 3
    assert table.loc[("PER", "Americas"), "posts"] == 5
    assert table.loc[("ARG", "Asia"), "posts"] == 0  # a non-resident accreditation is no post


def test_shares_of_each_network_add_up_to_a_hundred():
    shares = peers.region_shares(peers.posts_abroad(register(), ["PER"]))
    assert shares.loc["PER", "Americas"] == pytest.approx(83.3)
    assert float(shares.loc["PER"].sum()) == pytest.approx(100, abs=0.2)


def test_posts_and_accreditations_received_per_country():
    got = peers.received(register(), ["PER", "URY"]).set_index("country")
    assert got.loc["PER", "posts received"] == 2
    assert got.loc["URY", "non-resident accreditations"] == 2


def test_default_peers_come_from_the_subjects_sub_region_most_posts_first():
    assert peers.default_peers(register(), "PER") == ["ARG", "BOL"]


def test_naming_the_subject_among_the_peers_is_no_error_it_is_always_shown():
    assert peers.resolve_peers(["Peru", "ARG"], register(), "PER") == ["ARG"]


@pytest.mark.parametrize("given,message", [(["Atlantis"], "not a country"),
                                           (["Japan"], "no post in the register"),
                                           (["ARG"] * 6, "at most 5")])
def test_peers_asked_for_are_checked(given, message):
    with pytest.raises(ValueError, match=message):
        peers.resolve_peers(given, register(), "PER")


def test_the_agreement_rate_counts_only_posts_the_text_sources_state():
    missions = pd.DataFrame({"agreement": ["both", "both", "text-only", "conflict",
                                           "register-only"]})
    rate = peers.agreement_rate(missions)
    assert (rate["text"], rate["rate"]) == (4, 50.0)


def test_the_chiefs_timeline_keeps_ad_interim_stretches_as_such():
    chiefs = pd.DataFrame([
        dict(person="A", role="Ambassador", envoy_rank="ambassador", cow_level=3,
             ad_interim=False, served=True, appointed=None, arrived=None, started="1989-12-11",
             ended="1992-09-16", end_note="", source="x.xml", line=1),
        dict(person="B", role="Chargé d'Affaires ad interim", envoy_rank="chargé d'affaires",
             cow_level=1, ad_interim=True, served=True, appointed=None, arrived=None,
             started="1992-09", ended="1993-12", end_note="", source="x.xml", line=2),
        dict(person="C", role="Nominee", envoy_rank="ambassador", cow_level=3, ad_interim=False,
             served=False, appointed="1993", arrived=None, started=None, ended=None,
             end_note="", source="x.xml", line=3)])
    timeline = peers.chiefs_timeline(chiefs)
    assert list(timeline["person"]) == ["A", "B"]
    assert timeline.loc[1, "ad_interim"] and timeline.loc[1, "start_year"] == pytest.approx(
        1992 + 8 / 12)


def _many_chiefs(n: int) -> pd.DataFrame:
    years = [1827 + i * 190 // n for i in range(n)]
    return pd.DataFrame(dict(
        person=[f"P{i}" for i in range(n)], role="Ambassador", envoy_rank="ambassador",
        cow_level=3, ad_interim=[i % 7 == 0 for i in range(n)], served=True, appointed=None,
        arrived=None, started=[f"{y}-01-01" for y in years],
        ended=[f"{y}-06-01" for y in years], end_note="", source="x.xml", line=range(n)))


def test_a_long_list_of_chiefs_is_charted_by_decade_in_a_figure_of_bounded_size():
    """Issue 24, item 5: 100,000 chiefs drew a figure 11,000 inches high for ten minutes."""
    import matplotlib

    matplotlib.use("Agg")
    from helpers.analysis import peer_charts

    timeline = peers.chiefs_timeline(_many_chiefs(100_000))
    shown = peers.chiefs_shown(timeline)
    assert shown["chiefs"].sum() == 100_000
    assert len(shown) <= 2 * 20  # decades 1820 to 2010, ad interim apart
    fig = peer_charts.chiefs_chart(shown, "Chiefs", "Source: x")
    assert fig.get_size_inches()[1] < 6


def test_up_to_the_bound_each_chief_is_one_bar():
    timeline = peers.chiefs_timeline(_many_chiefs(peers.MAX_CHIEF_BARS))
    assert peers.chiefs_shown(timeline) is timeline
