"""The project's exceptions: one small hierarchy, each message says what and where."""

from __future__ import annotations


class ProjectError(Exception):
    """Base class: every error this project raises on purpose."""


class SourceError(ProjectError):
    """A raw source file cannot be read as the format it claims (file and line in the message)."""

    def __init__(self, file: str, message: str, line: int | None = None):
        self.file, self.line = file, line
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


class ChecksumError(SourceError):
    """A raw file's sha256 differs from the one its manifest records."""


class SchemaError(ProjectError):
    """A table breaks its schema: the message names the table file, the column and the rows."""


class DataError(ProjectError):
    """A processed table is missing or unreadable; the message says how to rebuild it."""


class ParameterError(ProjectError, ValueError):
    """A notebook or report parameter has a bad name, type or value."""


class OutputError(ProjectError):
    """The build cannot write its output folder (permissions, a full disk, a file in the way)."""

    def __init__(self, folder: str, message: str):
        self.folder = folder
        super().__init__(f"{folder}: {message}")


class RunRefusedError(ProjectError):
    """The report runner refuses to start (unusable --out, a run already going, bad option)."""


class ClusterRefusedError(RunRefusedError):
    """The Dask engine refuses a cluster before any job runs: unreachable, or its packages or
    its helpers differ from this machine's (reports would not be the same bytes)."""


class ConfigError(ProjectError):
    """reports.yaml is invalid: the message names the file, the job and the field."""

