"""Foreign relations of a country (the subject of the sources): dataset build, loaders, charts and
reports.

Data flows one way: ``data/raw`` (checksummed sources) -> :mod:`helpers.build` ->
``data/processed`` (tidy CSV tables) -> notebooks (through :mod:`helpers.data.load`) -> reports.
Heavy libraries are imported inside the modules that need them, so ``import helpers`` is cheap.
"""

from helpers.core.exceptions import (  # noqa: F401
    ChecksumError,
    DataError,
    OutputError,
    ParameterError,
    ProjectError,
    SchemaError,
    SourceError,
)
