"""Every path the project uses, in one place."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # helpers/
ROOT = PACKAGE.parent
DATA = ROOT / "data"
RAW = DATA / "raw"
# PROCESSED_DIR points notebooks and reports at another built dataset (e.g. one built with
# `python -m helpers.build --raw X --out Y`); by default they read data/processed.
PROCESSED = Path(os.environ.get("PROCESSED_DIR") or DATA / "processed")
DEFAULT_PROCESSED = DATA / "processed"
DATA_README = DATA / "README.md"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"
REFERENCE = PACKAGE / "reference"  # small look-up tables shipped with the package
# Natural Earth 1:110m countries 4.1.0 (public domain), shipped: see its README
BOUNDARIES = REFERENCE / "naturalearth" / "naturalearth_lowres.shp"
TEMPLATES = PACKAGE / "templates"  # Jinja2 templates: report pages, landing page, data README
CONFIG = ROOT / "reports.yaml"  # the scheduled report jobs
FIGURES = ROOT / "build" / "figures"  # a notebook's figures when no output_dir is given
PARAMETER_CACHE = ROOT / "build" / "cache" / "parameters"
# derived, rebuildable look-up data (never an input): GeoNames in compact form
GEONAMES_CACHE = ROOT / "build" / "cache" / "geonames"
MANIFEST_NAME = "manifest.toml"
DESCRIPTOR_NAME = "datapackage.json"  # the processed folder's description of itself
