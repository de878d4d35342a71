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
# A relative PROCESSED_DIR is taken against the directory the process started in.
PROCESSED = Path(os.environ.get("PROCESSED_DIR") or DATA / "processed").absolute()
DEFAULT_PROCESSED = DATA / "processed"
DATA_README = DATA / "README.md"
# `python -m helpers.build --subject ISO3` writes that country's dataset here by default
SUBJECTS = ROOT / "build" / "subjects"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"
REFERENCE = PACKAGE / "reference"  # small look-up tables shipped with the package
# Natural Earth 1:110m countries 4.1.0 (public domain), shipped: see its README
BOUNDARIES = REFERENCE / "naturalearth" / "naturalearth_lowres.shp"
TEMPLATES = PACKAGE / "templates"  # Jinja2 templates: report pages, landing page, data README
CONFIG = ROOT / "reports.yaml"  # the scheduled report jobs
ATLAS_CONFIG = ROOT / "atlas.yaml"  # the jobs the atlas runs for every subject
ATLAS = REPORTS / "atlas"  # the atlas: one runs folder per subject and index.html
FIGURES = ROOT / "build" / "figures"  # a notebook's figures when no output_dir is given
PARAMETER_CACHE = ROOT / "build" / "cache" / "parameters"
# derived, rebuildable look-up data (never an input): GeoNames in compact form
GEONAMES_CACHE = ROOT / "build" / "cache" / "geonames"
# trade workbooks as parsed, by their sha256 (helpers.build.workbooks)
TRADE_CACHE = ROOT / "build" / "cache" / "trade"
MANIFEST_NAME = "manifest.toml"
DESCRIPTOR_NAME = "datapackage.json"  # the processed folder's description of itself
# Inside a processed folder the build keeps each build whole in .versions/<id>/; .current (a
# symlink swapped by one rename) names the committed one, .previous the one before it, and
# every file of the folder is a symlink through .current (see helpers.build.commit).
VERSIONS_NAME = ".versions"
CURRENT_NAME = ".current"
PREVIOUS_NAME = ".previous"
# seconds to sleep after each rename of a build's commit: a test hook that widens the windows
# a signal can hit (tests/integration/test_build_interrupts.py); unset in normal use
RENAME_DELAY_ENV = "HELPERS_BUILD_RENAME_DELAY"
