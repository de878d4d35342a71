"""The runner's config (``reports.yaml``): jobs read and checked before anything runs, each error
naming the file, the job and the field; and the outcome of a job.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.analysis import params
from helpers.core import paths
from helpers.core.exceptions import ConfigError, ParameterError
from helpers.core.text import shown
from helpers.data import descriptor

CONFIG = paths.CONFIG


_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


DEFAULT_TIMEOUT = 600.0  # seconds a job's own cells may take
# What one job's cells may output in all (text, tables, images), in bytes: past it, further
# outputs are left out, a note says so in their place and the job fails. A report of this
# project outputs under 1 MB; a loop that prints without end would otherwise fill the disk
# with a notebook and a page of the same size.
OUTPUT_CAP = 32_000_000


@dataclass
class Job:
    name: str
    notebook: str
    parameters: dict[str, Any] = field(default_factory=dict)
    timeout: float | None = None  # None: the run's --timeout
    path: Path | None = None  # the notebook file; None: notebooks/<notebook>.ipynb

    @property
    def notebook_path(self) -> Path:
        return self.path or paths.NOTEBOOKS / f"{self.notebook}.ipynb"


def read_config(path: Path) -> list[Job]:
    """Read and check every job of a config; raise ConfigError naming the job and field.

    ``notebooks: DIR`` (relative to the config file) runs notebooks from another folder; the
    project's notebooks are always checked against ``helpers.analysis.params``, others against the
    names of their parameters cell.
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs", []), list):
        raise ConfigError(f"{path}: expected a mapping with a 'jobs' list")
    unknown = sorted(set(doc) - {"jobs", "for_each", "notebooks", "shared_data"})
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key {shown(unknown[0])}; keys are: jobs, "
                          "for_each, notebooks, shared_data")
    if not isinstance(doc.get("shared_data", ""), str):
        raise ConfigError(f"{path}: field 'shared_data' must be a folder's path")
    folder = None
    if doc.get("notebooks") is not None:
        folder = (path.parent / str(doc["notebooks"])).resolve()
        if not folder.is_dir():
            raise ConfigError(f"{path}: field 'notebooks': {folder} is not a folder")
    jobs = [_job(path, i, entry, folder) for i, entry in enumerate(doc.get("jobs") or [], 1)]
    for i, entry in enumerate(doc.get("for_each") or [], 1):
        jobs.extend(_expand(path, i, entry, folder))
    seen: dict[str, int] = {}
    for i, job in enumerate(jobs, 1):
        if job.name in seen:
            raise ConfigError(f"{path}: job {job.name!r}: field 'name': duplicate job name "
                              "(names must be unique)")
        seen[job.name] = i
    if not jobs:
        raise ConfigError(f"{path}: lists no jobs")
    return jobs


def shared_data(path: Path) -> Path | None:
    """The config's ``shared_data: DIR`` (relative to it), or None: a folder every Dask worker
    reads, where the run's data snapshot is put once under its hash instead of being sent."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader())
    except yaml.YAMLError:
        return None  # read_config names the error and its line
    value = doc.get("shared_data") if isinstance(doc, dict) else None
    if not value or not isinstance(value, str):
        return None
    return (path.parent / value).absolute()


def _loader():
    """yaml's safe loader refusing aliases (``*name``): a few lines of aliases can expand to
    gigabytes ("billion laughs"), and a config has no need of them."""
    import yaml

    class NoAliases(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, f"alias *{event.anchor} is not allowed (a config may not "
                    "repeat a value by reference)", event.start_mark)
            return super().compose_node(parent, index)

    return NoAliases


def _job(path: Path, i: int, entry: Any, folder: Path | None = None) -> Job:
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: job {i}: expected a mapping with name, notebook, parameters")
    name = entry.get("name")
    label = f"job {shown(name)}" if name else f"job {i}"
    extra = sorted(set(entry) - {"name", "notebook", "parameters", "timeout"})
    if extra:
        raise ConfigError(f"{path}: {label}: unknown field {shown(extra[0])}; fields are: name, "
                          "notebook, parameters, timeout")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{path}: {label}: field 'name' must be lower-case letters, digits "
                          f"and hyphens, got {shown(name)}")
    notebook = entry.get("notebook")
    notebook_file = None
    if folder is None:
        try:  # by stem or by path, as ploomber and Airflow name notebooks
            notebook = params.notebook_name(notebook)
        except ParameterError as exc:
            raise ConfigError(f"{path}: {label}: field 'notebook': {exc}") from None
    else:
        available = sorted(p.stem for p in folder.glob("*.ipynb"))
        if not isinstance(notebook, str) or notebook not in available:
            raise ConfigError(f"{path}: {label}: field 'notebook': unknown notebook "
                              f"{shown(notebook)} in {folder}; notebooks are: "
                              f"{', '.join(available)}")
        notebook_file = folder / f"{notebook}.ipynb"
    values = entry.get("parameters") or {}
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: {label}: field 'parameters' must be a mapping")
    if "output_dir" in values:
        raise ConfigError(f"{path}: {label}: field 'parameters': output_dir is set by the "
                          "runner (figures go to the run folder)")
    try:
        if notebook in params.notebooks():  # the project's notebooks: every rule applies
            params.check(notebook, values)
        else:
            _check_declared(notebook, notebook_file, values)
    except ParameterError as exc:
        raise ConfigError(f"{path}: {label}: field 'parameters': {exc}") from None
    timeout = entry.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(
            timeout, (int, float)) or not timeout > 0):
        raise ConfigError(f"{path}: {label}: field 'timeout' must be a number of seconds above "
                          f"0, got {shown(timeout)}")
    return Job(name, notebook, dict(values), None if timeout is None else float(timeout),
               notebook_file)


def _check_declared(notebook: str, file: Path, values: dict[str, Any]) -> None:
    """A notebook outside helpers.analysis.params: its parameters must be declared in its cell
    (read by :func:`helpers.analysis.params.inspect`, as for the project's notebooks)."""
    if not values:
        return
    params.check_size(notebook, values)
    declared = list(params.inspect(file))
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise ParameterError(f"{notebook}: unknown parameter {shown(unknown[0])}; its "
                             f"parameters are: {', '.join(declared) or '(none)'}")


def _expand(path: Path, i: int, entry: Any, folder: Path | None = None) -> list[Job]:
    """``for_each: partner`` makes one job per identified partner of relations.csv."""
    if not isinstance(entry, dict) or entry.get("each") != "partner":
        raise ConfigError(f"{path}: for_each entry {i}: field 'each' must be 'partner'")
    template = {k: v for k, v in entry.items() if k != "each"}
    # the checked bytes of relations.csv read with the csv module: no pandas to check a config
    _, data = descriptor.verified_bytes("relations")
    partners = sorted({r["iso3"] for r in csv.DictReader(io.StringIO(data.decode("utf-8")))
                       if r["iso3"]})
    jobs = []
    for iso3 in partners:
        filled = json.loads(json.dumps(template).replace("{iso3}", iso3).replace(
            "{iso3_lower}", iso3.lower()))
        jobs.append(_job(path, i, filled, folder))
    return jobs


@dataclass
class Outcome:
    name: str
    notebook: str
    parameters: dict[str, Any]
    status: str  # ok | failed
    error: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # kernel, execute, export
    reused_from: str = ""  # run id the files were copied from; "" when executed in this run
    not_reused: str = ""  # why a job with an earlier result was executed again (damage found)

    @property
    def run(self) -> str:
        return f"reused from {self.reused_from}" if self.reused_from else "executed"
