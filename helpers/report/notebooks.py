"""Executing notebooks without papermill's bookkeeping: refresh the stored outputs.

The notebooks in ``notebooks/`` hold the outputs of a run with default parameters, which nbval
compares on every ``make test``. ``python -m helpers.report.notebooks`` (``make notebooks``) re-runs
them in place after a deliberate change, with no timing metadata so the bytes are stable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers.core import paths

KERNEL = "python3"


def notebook_paths() -> list[Path]:
    return sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def strip_volatile(nb) -> None:
    """Drop per-run metadata (timings, papermill's records) so reruns give the same bytes."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)


def execute(path: Path, timeout: int = 600):
    """Run a notebook top to bottom with its stored parameters; return the executed notebook."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=KERNEL, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    strip_volatile(nb)
    return nb


def refresh(names: list[str] | None = None) -> list[Path]:
    import nbformat

    done = []
    for path in notebook_paths():
        if names and path.stem not in names:
            continue
        nb = execute(path)
        nbformat.write(nb, path)
        done.append(path)
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.report.notebooks", description=__doc__)
    parser.add_argument("names", nargs="*", help="notebook names (default: all)")
    args = parser.parse_args(argv)
    for path in refresh(args.names):
        print(f"refreshed {path.relative_to(paths.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
