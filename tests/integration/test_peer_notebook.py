"""Notebook 06 under papermill: the peers asked for are compared, and a bad one is refused."""

from __future__ import annotations

import pandas as pd
from notebook_runs import execute


def test_peer_comparison_compares_the_countries_asked_for(tmp_path):
    out, _ = execute("06-peer-comparison", tmp_path, countries=["Chile", "JPN"])
    abroad = pd.read_csv(out / "posts-abroad.csv", dtype={"sending_iso3": str})
    assert list(dict.fromkeys(abroad["sending_iso3"])) == ["PER", "CHL", "JPN"]
    received = pd.read_csv(out / "received.csv")
    assert list(received["country"]) == ["PER", "CHL", "JPN"]
    assert {"maps.svg", "region-shares.png", "agreement-abroad.csv"} <= {
        p.name for p in out.iterdir()}
