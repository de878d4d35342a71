"""What a config or an environment cannot do to the runner: aliases, relative paths, keys."""

from __future__ import annotations

import subprocess
import sys

import pytest
from runner_runs import FIXTURE_NOTEBOOKS

from helpers.analysis import params
from helpers.core import paths
from helpers.core.exceptions import ConfigError, ParameterError
from helpers.report import inputs
from helpers.report.config import read_config


def test_a_yaml_alias_bomb_is_refused_before_it_expands(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [{', '.join(['*a' + (str(i - 1) if i > 1 else '')] * 9)}]")
    lines.append("jobs:\n  - {name: t, notebook: 01-relation-timeline, parameters: {x: *a8}}")
    config = tmp_path / "reports.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"reports.yaml:2: .*alias \*a is not allowed"):
        read_config(config)


def test_a_relative_processed_dir_is_taken_against_the_starting_folder(tmp_path):
    code = "from helpers.core import paths; print(paths.PROCESSED)"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, env={**__import__("os").environ,
                                          "PROCESSED_DIR": "build/altdata"}, check=True)
    assert done.stdout.strip() == str(tmp_path / "build" / "altdata")


def test_the_reuse_key_names_every_package_that_renders_a_report():
    for name in ("numpy", "mistune", "Pillow", "pyshp"):
        assert name in inputs.PACKAGES
    assert all(version is not None for version in inputs.package_versions().values())


def test_the_code_hash_covers_all_of_helpers(tmp_path):
    assert paths.PACKAGE.name == "helpers"
    assert inputs.helpers_hash() != inputs.sha256(b"")


BIG = "x" * 10_000_000  # 10 MB


@pytest.mark.parametrize("notebook", ["01-relation-timeline", "ok"])
def test_a_10_mb_parameter_is_refused_in_one_short_line_for_any_notebook(tmp_path, notebook):
    """Issue 24, item 10: a refused 10 MB parameter was printed back whole, and a notebook
    outside the project accepted one (and wrote a 21 MB index.html)."""
    folder = f"notebooks: {FIXTURE_NOTEBOOKS}\n" if notebook == "ok" else ""
    config = tmp_path / "reports.yaml"
    config.write_text(f"{folder}jobs:\n  - {{name: t, notebook: {notebook}, parameters: "
                      f"{{regions: [{BIG}]}}}}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_config(config)
    said = str(info.value)
    assert len(said) < 400 and "over the cap of 10,000" in said, said[:400]


def test_a_long_value_is_shown_cut_with_its_length_in_a_refusal():
    with pytest.raises(ParameterError) as info:
        params.check("01-relation-timeline", {"start_year": "1" * 5000})
    assert str(info.value).endswith("… (5,002 characters)")
    assert len(str(info.value)) < 200
