"""Running the report runner in a subprocess for a test, and watching its processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

from helpers.core import paths

FIXTURE_NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"


def config(folder: Path, jobs: str, name: str = "reports.yaml") -> Path:
    """A reports config running the fixture notebooks (hang, kernel death, a quick ok)."""
    path = folder / name
    path.write_text(f"notebooks: {FIXTURE_NOTEBOOKS}\njobs:\n{jobs}", encoding="utf-8")
    return path


def command(config_path: Path, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "helpers.report", "--config", str(config_path), "--out",
            str(out), *args]


def cli(config_path: Path, out: Path, *args: str, env: dict | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the runner to the end; output captured as text."""
    return subprocess.run(command(config_path, out, *args), capture_output=True, text=True,
                          cwd=paths.ROOT, env={**os.environ, **(env or {})}, timeout=timeout)


def start(config_path: Path, out: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(command(config_path, out, *args), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=paths.ROOT)


def wait_for_kernels(runner: subprocess.Popen, count: int, limit: float = 60) -> set[int]:
    """Wait until ``count`` kernels run under the runner; return every descendant's pid."""
    parent = psutil.Process(runner.pid)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert runner.poll() is None, runner.communicate()
        family = parent.children(recursive=True)
        kernels = [p for p in family if _is_kernel(p)]
        if len(kernels) >= count:
            return {p.pid for p in family}
        time.sleep(0.1)
    raise AssertionError(f"{count} kernels did not start within {limit} s")


def _is_kernel(process: psutil.Process) -> bool:
    try:
        return "ipykernel_launcher" in " ".join(process.cmdline())
    except psutil.Error:
        return False


def survivors(pids: set[int], within: float) -> list[int]:
    """The processes of ``pids`` still running after ``within`` seconds (zombies are dead)."""
    deadline = time.monotonic() + within
    while True:
        alive = []
        for pid in pids:
            try:
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    alive.append(pid)
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)
