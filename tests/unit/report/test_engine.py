"""Choosing the engine on the command line: refusals in one line, before anything runs."""

from __future__ import annotations

import sys

import pytest

from helpers.core.exceptions import RunRefusedError
from helpers.report import engine


def test_the_local_pool_is_the_default_and_needs_no_dask():
    assert engine.options("local", None, 0) == engine.EngineOptions("local", None, 0)


@pytest.mark.parametrize(("name", "scheduler", "retries", "message"), [
    ("local", "tcp://127.0.0.1:8786", 0, "--scheduler needs --engine dask"),
    ("local", None, 2, "--retries needs --engine dask"),
    ("dask", None, -1, "--retries -1: must be 0 or more"),
    ("dask", "127.0.0.1:8786", 0, "--scheduler 127.0.0.1:8786: expected an address such as "
     "tcp://HOST:8786"),
    ("spark", None, 0, "--engine spark: must be one of: local, dask"),
])
def test_options_that_do_not_fit_the_engine_are_refused(name, scheduler, retries, message):
    with pytest.raises(RunRefusedError, match=message):
        engine.options(name, scheduler, retries)


def test_the_scheduler_address_comes_from_dasks_own_variable(monkeypatch):
    import distributed  # noqa: F401  (make test installs requirements-dask.txt)
    monkeypatch.setenv(engine.SCHEDULER_ENV, "tcp://10.0.0.5:8786")
    assert engine.options("dask", None, 1).scheduler == "tcp://10.0.0.5:8786"
    assert engine.options("dask", "tcp://127.0.0.1:1", 1).scheduler == "tcp://127.0.0.1:1"


def test_dask_not_installed_is_one_line_naming_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as on a machine without it
    with pytest.raises(RunRefusedError, match=r"^--engine dask needs Dask: \.venv/bin/pip "
                       r"install -r requirements-dask\.txt$"):
        engine.options("dask", None, 0)
