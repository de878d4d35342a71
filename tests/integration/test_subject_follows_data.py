"""Peru is data, not code: the subject comes from the build's descriptor, never from helpers/.

The reported faults, each on the tests/fixtures/chile build (where Chile is the subject and
Peru one of its partners): the report runner refused `--only coverage` with "'PER' is Peru",
and 04 rejected `country Peru` while accepting Chile, because the subject was read from
data/raw/manifest.toml.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from documents import FIXTURES

from helpers.analysis import params
from helpers.core import paths
from helpers.core.exceptions import ParameterError

CHILE = FIXTURES / "chile"
# What the issue names; "USA" as a word (not "USAID"), case as written.
BANNED = re.compile(r"Peru|Lima|\bUSA\b|2009|2016|Trade Promotion Agreement")


def _python_hits(path: Path) -> list[str]:
    """Banned words in a module's code: names, numbers and strings that are not docstrings.

    Comments and docstrings (which quote the sources' sentences as examples) are not code.
    """
    text = path.read_text(encoding="utf-8")
    docstrings = {node.body[0].value.lineno for node in ast.walk(ast.parse(text))
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)
                  and isinstance(node.body[0].value.value, str)}
    return [f"{path.relative_to(paths.ROOT)}:{tok.start[0]}: {tok.string[:60]!r}"
            for tok in tokenize.generate_tokens(io.StringIO(text).readline)
            if tok.type not in (tokenize.COMMENT,) and tok.start[0] not in docstrings
            and BANNED.search(tok.string)]


def _notebook_hits(path: Path) -> list[str]:
    """Banned words in a notebook's cells (code, comments and markdown; not its outputs)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [f"{path.relative_to(paths.ROOT)}: cell {i}: {m.group(0)!r}"
            for i, cell in enumerate(cells)
            for m in BANNED.finditer("".join(cell["source"]))]


def test_helpers_and_notebooks_name_no_subject_in_code_or_markdown():
    hits = [h for p in sorted((paths.ROOT / "helpers").rglob("*.py")) for h in _python_hits(p)]
    hits += [h for p in sorted(paths.NOTEBOOKS.glob("*.ipynb")) for h in _notebook_hits(p)]
    assert hits == []


def test_the_grep_finds_what_it_is_for(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""Docstring about Peru."""\n# a comment on Lima\nX = "Peru"\n'
                      'Y = 2016\n', encoding="utf-8")
    hits = [h.split(": ", 1)[1] for h in _python_hits_at(module)]
    assert hits == ["'\"Peru\"'", "'2016'"]


def _python_hits_at(path: Path) -> list[str]:
    old = paths.ROOT
    try:
        paths.ROOT = path.parent
        return _python_hits(path)
    finally:
        paths.ROOT = old


def test_the_country_profile_accepts_peru_as_a_partner_of_another_subject(
        chile_build, monkeypatch):
    monkeypatch.setattr(paths, "PROCESSED", chile_build)
    assert params.check("04-country-profile", {"country": "Peru"})["country"] == "Peru"
    with pytest.raises(ParameterError) as info:
        params.check("04-country-profile", {"country": "Chile"})
    assert "'Chile' is Chile, the country whose relations the sources describe" in str(
        info.value)


def test_the_country_profile_refuses_the_subject_of_the_default_build():
    with pytest.raises(ParameterError) as info:
        params.check("04-country-profile", {"country": "per"})
    assert "is Peru, the country whose relations the sources describe" in str(info.value)


def test_the_report_runner_reads_another_build_and_titles_its_index(chile_build, tmp_path):
    """`PROCESSED_DIR=<chile build> python -m helpers.report --only coverage` was refused while
    reading the config ("'PER' is Peru"): every job of reports.yaml is checked, a profile of
    every partner included. (tests/integration/test_notebooks_of_another_subject.py runs the
    notebooks.)"""
    script = (
        "import sys; from pathlib import Path\n"
        "from helpers.report import config, landing\n"
        "jobs = config.read_config(config.CONFIG)\n"
        "print(' '.join(j.name for j in jobs))\n"
        "landing.write_index(Path(sys.argv[1]), [], hide_code=True)\n")
    env = {**os.environ, "PROCESSED_DIR": str(chile_build)}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=paths.ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    names = done.stdout.split()
    assert "coverage" in names
    assert [n for n in names if n.startswith("profile-")] == [
        "profile-arg", "profile-bol", "profile-bra", "profile-per"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<h1>Foreign relations of Chile</h1>" in index
