"""Parameters: the notebook's parameters cell is the one source of names, types and defaults;
helpers.analysis.params keeps only the rules for allowed values, and refuses contradictions."""

from __future__ import annotations

import ast

import papermill as pm
import pytest
from notebook_runs import validate_as_the_kernel, validation_call

from helpers.analysis import outputs, params
from helpers.core import exceptions, paths
from helpers.core.exceptions import ParameterError
from helpers.data import descriptor
from helpers.report import landing
from helpers.report.config import read_config


@pytest.mark.parametrize("name", params.notebooks())
def test_names_types_and_defaults_are_the_parameters_cells(name):
    found = pm.inspect_notebook(str(paths.NOTEBOOKS / f"{name}.ipynb"))
    declared = params.declared(name)
    assert list(declared) == list(found)
    for p in declared.values():
        assert p.type.__name__ == found[p.name]["inferred_type_name"]
        assert p.default == ast.literal_eval(found[p.name]["default"])
        assert p.help == found[p.name]["help"]


@pytest.mark.parametrize("name", params.notebooks())
def test_each_notebook_checks_its_parameters_first_with_params_validate(name):
    """The tests that give bad values to ``validate_as_the_kernel`` (no kernel) stand for the
    notebook only while this holds: its first step after the imports is this very call."""
    first, imports = validation_call(name)
    assert ast.unparse(first) == f"p = params.validate('{name}', globals())"
    assert any(isinstance(s, ast.ImportFrom) and s.module == "helpers.analysis"
               and "params" in [a.name for a in s.names] for s in imports)


def test_the_in_process_check_sees_what_the_kernel_sees(tmp_path):
    """The namespace is the parameters cell overwritten by papermill's injected cell: the
    defaults stay, given values win with their types, and an unknown name is caught."""
    p = validate_as_the_kernel("01-relation-timeline", tmp_path, start_year=1900)
    assert (p.start_year, p.end_year, p.regions) == (1900, 2020, [])
    assert p.output_dir == str(tmp_path / "out")
    with pytest.raises(ParameterError, match="must be an integer, got '1900'"):
        validate_as_the_kernel("01-relation-timeline", tmp_path, start_year="1900")
    with pytest.raises(ParameterError, match="unknown parameter 'colour'"):
        validate_as_the_kernel("03-trade-figures", tmp_path, colour="red")


def test_every_rule_is_for_a_declared_parameter_of_a_notebook():
    assert sorted(params.RULES) == params.notebooks()
    for name, rules in params.RULES.items():
        assert set(rules) <= set(params.declared(name)), name


def test_an_edited_parameters_cell_is_read_again(tmp_path, monkeypatch):
    """The inspection is cached by the cell's source: a changed cell is a new entry."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    source = paths.NOTEBOOKS / "03-trade-figures.ipynb"
    target = folder / source.name
    target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(paths, "NOTEBOOKS", folder)
    assert params.defaults("03-trade-figures")["scale"] == "billions"
    text = target.read_text(encoding="utf-8").replace(
        'scale: str = \\"billions\\"', 'scale: str = \\"millions\\"')
    target.write_text(text, encoding="utf-8")
    assert params.defaults("03-trade-figures")["scale"] == "millions"


def test_a_repeated_partner_is_refused_not_shown_twice():
    with pytest.raises(ParameterError) as info:
        params.check("03-trade-figures", {"partners": ["China", "China"]})
    assert str(info.value) == ("03-trade-figures: parameter 'partners': 'China' is given more "
                               "than once; give each value once")


def test_honorary_consulates_asked_for_and_left_out_is_a_contradiction():
    with pytest.raises(ParameterError) as info:
        params.check("02-mission-coverage", {"post_types": ["honorary-consulate"],
                                             "include_honorary": False})
    message = str(info.value)
    assert "'post_types'" in message and "'include_honorary'" in message
    assert "contradict" in message
    assert params.check("02-mission-coverage", {"post_types": ["embassy"],
                                                "include_honorary": False})


def test_an_output_dir_that_is_a_file_is_refused_naming_the_parameter(tmp_path):
    a_file = tmp_path / "figures"
    a_file.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        params.check("01-relation-timeline", {"output_dir": str(a_file)})
    assert str(info.value) == (f"01-relation-timeline: parameter 'output_dir': "
                               f"{str(a_file)!r} is a file, not a folder")
    with pytest.raises(ParameterError) as info:
        params.check("01-relation-timeline", {"output_dir": str(a_file / "inside")})
    assert "parameter 'output_dir'" in str(info.value) and "is a file" in str(info.value)


def test_an_output_dir_that_cannot_be_written_is_refused_naming_the_parameter():
    with pytest.raises(ParameterError) as info:
        outputs.output_dir("02-mission-coverage", "/proc/no-such-folder/figures")
    assert str(info.value).startswith("02-mission-coverage: parameter 'output_dir': cannot "
                                      "write figures to '/proc/no-such-folder/figures'")


def test_a_notebook_is_named_by_its_stem_or_its_path(tmp_path):
    config = tmp_path / "reports.yaml"
    config.write_text(
        "jobs:\n"
        "  - {name: a, notebook: notebooks/01-relation-timeline.ipynb}\n"
        "  - {name: b, notebook: 01-relation-timeline}\n"
        f"  - {{name: c, notebook: {paths.NOTEBOOKS / '03-trade-figures.ipynb'}}}\n",
        encoding="utf-8")
    jobs = read_config(config)
    assert [j.notebook for j in jobs] == ["01-relation-timeline", "01-relation-timeline",
                                          "03-trade-figures"]


@pytest.mark.parametrize("notebook", ["elsewhere/01-relation-timeline.ipynb",
                                      "notebooks/09-nothing.ipynb"])
def test_a_notebook_path_outside_notebooks_is_refused(tmp_path, notebook):
    config = tmp_path / "reports.yaml"
    config.write_text(f"jobs:\n  - {{name: a, notebook: {notebook}}}\n", encoding="utf-8")
    with pytest.raises(exceptions.ConfigError) as info:
        read_config(config)
    assert "job 'a': field 'notebook': " in str(info.value)
    assert "notebooks are: 01-relation-timeline, 02-mission-coverage" in str(info.value)


def test_the_index_title_takes_the_subject_of_the_build(tmp_path):
    page = landing.write_index(tmp_path, [], hide_code=True).read_text(encoding="utf-8")
    assert f"<h1>Foreign relations of {descriptor.subject().name}</h1>" in page
