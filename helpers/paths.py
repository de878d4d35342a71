"""Every path the project uses, in one place."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
DATA_README = DATA / "README.md"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"
REFERENCE = Path(__file__).resolve().parent / "reference"
MANIFEST_NAME = "manifest.toml"
