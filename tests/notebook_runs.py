"""Running a notebook of notebooks/ under papermill for a test, one way for every test file."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import papermill as pm
from papermill.translators import translate_parameters

from helpers.analysis import params
from helpers.core.paths import NOTEBOOKS


def execute(name: str, folder: Path, **parameters) -> tuple[Path, Path]:
    """Run ``name`` with ``parameters``; return (its output_dir, the executed notebook)."""
    out, executed = folder / "out", folder / f"{name}.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"), str(executed),
        parameters={"output_dir": str(out), **parameters}, kernel_name="python3",
        progress_bar=False, cwd=str(NOTEBOOKS),
    )
    return out, executed


def refusal(name: str, folder: Path, **parameters) -> pm.PapermillExecutionError:
    """Run ``name`` expecting its parameter check to stop it; return the error."""
    try:
        execute(name, folder, **parameters)
    except pm.PapermillExecutionError as exc:
        assert exc.ename == "ParameterError", exc
        return exc
    raise AssertionError(f"{name} ran with bad parameters {parameters}")


# ---------------------------------------------------------------- the check, in-process
#
# Every notebook's first step is ``p = params.validate("<name>", globals())``; the namespace
# it checks is the parameters cell's names overwritten by the cell papermill injects. The two
# functions below rebuild that namespace and find that call in the notebook's source, so a test
# can give many bad values to the very check the notebook runs without starting a kernel for
# each (test_params.py asserts the call is the notebook's first step).


def _cells(name: str) -> list[dict]:
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def validation_call(name: str) -> tuple[ast.stmt, list[ast.stmt]]:
    """The notebook's first code cell after the parameters cell: (the first statement that is
    not an import, the imports before it)."""
    cells = _cells(name)
    at = next(i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", []))
    body = ast.parse("".join(cells[at + 1]["source"])).body
    first = next(i for i, s in enumerate(body) if not isinstance(s, ast.Import | ast.ImportFrom))
    return body[first], body[:first]


def validate_as_the_kernel(name: str, folder: Path, **parameters):
    """What the notebook's validation call does with ``parameters`` under papermill."""
    cells = _cells(name)
    (own,) = [c for c in cells if "parameters" in c["metadata"].get("tags", [])]
    namespace: dict = {}
    exec("".join(own["source"]), namespace)  # noqa: S102 - the notebook's own parameters cell
    injected = translate_parameters("python3", "python",
                                    {"output_dir": str(folder / "out"), **parameters},
                                    "Parameters")
    exec(injected, namespace)  # noqa: S102 - what papermill injects after it
    namespace.pop("__builtins__")
    return params.validate(name, namespace)
