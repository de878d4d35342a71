"""Running a notebook of notebooks/ under papermill for a test, one way for every test file."""

from __future__ import annotations

from pathlib import Path

import papermill as pm

from helpers.paths import NOTEBOOKS


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
