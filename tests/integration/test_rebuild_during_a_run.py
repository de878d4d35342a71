"""A rebuild of the data while a report run goes on does not change what the run reports: every
job reads the snapshot the run took at its start."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time

import nbformat
import pytest
from documents import FIXTURES
from runner_runs import command

from helpers.build.pipeline import build
from helpers.core import paths

pytestmark = pytest.mark.slow

_READ = ("from pathlib import Path\nfrom helpers.data import descriptor, load\n"
         "import time\ntime.sleep(delay)\nname = descriptor.subject().name\n"
         "rows = len(load.load_relations())\n"
         "Path(output_dir).mkdir(parents=True, exist_ok=True)\n"
         "(Path(output_dir) / 'subject.txt').write_text(f'{name} {rows}')\n")


def _notebook(folder):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('delay = 0.0  # seconds before reading\n'
                                       'output_dir = ""  # folder for the files written')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("Reads the subject after a delay."), params,
                nbformat.v4.new_code_cell(_READ)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, folder / "read.ipynb")


def test_a_rebuild_during_a_run_does_not_change_what_it_reports(tmp_path):
    processed = tmp_path / "processed"
    build(raw=FIXTURES / "chile", out=processed)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks)
    config = tmp_path / "reports.yaml"
    config.write_text(f"notebooks: {notebooks}\njobs:\n"
                      "  - {name: early, notebook: read, parameters: {delay: 0}}\n"
                      "  - {name: late, notebook: read, parameters: {delay: 8}}\n",
                      encoding="utf-8")
    out = tmp_path / "reports"
    runner = subprocess.Popen(command(config, out, "--jobs", "1"), cwd=paths.ROOT,
                              env={**os.environ, "PROCESSED_DIR": str(processed)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(5)
    build(raw=FIXTURES / "norway", out=processed)  # while the late job sleeps
    stdout, stderr = runner.communicate(timeout=180)
    assert runner.returncode == 0, stderr
    run = out / "latest"
    said = {job: (run / "figures" / job / "subject.txt").read_text() for job in ("early", "late")}
    assert said["early"] == said["late"] and said["early"].startswith("Chile")
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    copy = json.loads((run / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert copy["subject"]["name"] == "Chile"
    assert manifest["data_sha256"] == hashlib.sha256(
        (run / "data" / "datapackage.json").read_bytes()).hexdigest()
    for job in ("early", "late"):  # every report's header names the same data package
        page = (run / f"{job}.html").read_text(encoding="utf-8")
        assert f"Data package sha256 <code>{manifest['data_sha256']}</code>" in page
