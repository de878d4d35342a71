"""Every path the project uses, in one place."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
RAW = DATA / "raw"
# PROCESSED_DIR points notebooks and reports at another built dataset (e.g. one built with
# `python -m helpers.build --raw X --out Y`); by default they read data/processed.
PROCESSED = Path(os.environ.get("PROCESSED_DIR") or DATA / "processed")
DEFAULT_PROCESSED = DATA / "processed"
DATA_README = DATA / "README.md"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"
REFERENCE = Path(__file__).resolve().parent / "reference"
# derived, rebuildable look-up data (never an input): GeoNames in compact form
GEONAMES_CACHE = ROOT / "build" / "cache" / "geonames"
MANIFEST_NAME = "manifest.toml"
