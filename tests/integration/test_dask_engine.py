"""The Dask engine on real clusters, no mocks: a LocalCluster of 2 worker processes started by
the runner, and a scheduler and a worker started as separate processes (`dask scheduler`,
`dask worker`, on loopback) reached through --scheduler, as a user's cluster would be.

Dask is optional (requirements-dask.txt): `make test-slow` installs it, and .ci/run runs it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from runner_runs import cli, config, start, survivors, wait_for_kernels

from helpers.core import paths

pytestmark = pytest.mark.slow

RUN_ID = re.compile(rb"\d{8}T\d{6}Z-\d+")
QUICK = ("  - {name: one, notebook: ok, parameters: {label: one}}\n"
         "  - {name: two, notebook: ok, parameters: {label: two}}\n"
         "  - {name: three, notebook: ok}\n")


def _run_folder(out: Path) -> Path:
    return next(p for p in out.iterdir() if p.name[0].isdigit())


def _files(run: Path) -> dict[str, bytes]:
    """Every file of a run but its manifest (durations), run ids masked in the pages."""
    return {p.relative_to(run).as_posix(): RUN_ID.sub(b"RUN", p.read_bytes())
            for p in sorted(run.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def test_dask_gives_the_local_engines_bytes(tmp_path):
    path = config(tmp_path, QUICK)
    local = cli(path, tmp_path / "local", "--jobs", "2")
    dask = cli(path, tmp_path / "dask", "--engine", "dask", "--jobs", "2")
    assert local.returncode == 0, local.stdout + local.stderr
    assert dask.returncode == 0, dask.stdout + dask.stderr
    assert re.search(r"^\[3/3 +\d+:\d\d\] ok +", dask.stdout, re.M)  # progress as today
    ours, theirs = _files(_run_folder(tmp_path / "local")), _files(_run_folder(tmp_path / "dask"))
    assert "figures/two/label.txt" in theirs and "index.html" in theirs
    assert theirs == ours


def test_a_worker_killed_mid_run_costs_only_its_jobs_which_run_again(tmp_path):
    jobs = "".join(f"  - {{name: pause-{i}, notebook: pause}}\n" for i in range(4))
    out = tmp_path / "runs"
    runner = start(config(tmp_path, jobs), out, "--engine", "dask", "--jobs", "2")
    try:
        wait_for_kernels(runner, 2)
        kernel = next(p for p in psutil.Process(runner.pid).children(recursive=True)
                      if "ipykernel_launcher" in " ".join(p.cmdline()))
        kernel.parent().send_signal(signal.SIGKILL)  # its Dask worker, mid-job
        stdout, stderr = runner.communicate(timeout=120)
    finally:
        runner.kill()
    assert runner.returncode == 0, stdout + stderr
    assert "4 of 4 reports ok" in stdout
    run = _run_folder(out)
    assert sorted(p.name for p in (run / "figures").iterdir()) == [f"pause-{i}" for i in range(4)]
    assert survivors({kernel.pid}, within=5) == []  # the dead worker's kernel left too


def test_a_job_over_its_limit_fails_alone_in_one_line(tmp_path):
    jobs = "  - {name: hang, notebook: sleep, timeout: 2}\n" + QUICK
    done = cli(config(tmp_path, jobs), tmp_path / "runs", "--engine", "dask", "--jobs", "2")
    assert done.returncode == 1, done.stdout + done.stderr
    failed = [line for line in done.stdout.splitlines() if line.startswith("failed:")]
    assert failed == ["failed: hang: timed out after 2 s"]
    assert "3 of 4 reports ok" in done.stdout


@pytest.mark.parametrize(("signame", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_an_interrupted_run_leaves_no_process_behind(tmp_path, signame, code):
    hangs = "  - {name: hang-a, notebook: sleep}\n  - {name: hang-b, notebook: sleep}\n"
    out = tmp_path / "runs"
    runner = start(config(tmp_path, hangs), out, "--engine", "dask", "--jobs", "2")
    try:
        family = wait_for_kernels(runner, 2)
        runner.send_signal(getattr(signal, signame))
        stdout, stderr = runner.communicate(timeout=60)
    finally:
        runner.kill()
    assert runner.returncode == code, stdout + stderr
    assert f"interrupted by {signame}" in stderr
    assert survivors(family, within=10) == []
    assert sorted(p.name for p in out.iterdir()) == [".lock"]  # no run, no latest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask(*args: str, env: dict | None = None) -> subprocess.Popen:
    command = [str(Path(sys.executable).with_name("dask")), *args]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=paths.ROOT, env={**os.environ, **(env or {})},
                            start_new_session=True)


def _stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(10)


def _cluster(port: int, worker_env: dict | None = None):
    """`dask scheduler` and one `dask worker` on loopback, as separate processes."""
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _dask("scheduler", "--host", "127.0.0.1", "--port", str(port),
                      "--no-dashboard")
    worker = _dask("worker", address, "--host", "127.0.0.1", "--nworkers", "1",
                   "--nthreads", "1", "--no-dashboard", "--memory-limit", "0", env=worker_env)
    return address, scheduler, worker


def test_an_existing_cluster_runs_the_jobs_through_scheduler(tmp_path):
    address, scheduler, worker = _cluster(_free_port())
    try:
        path = config(tmp_path, QUICK)
        done = cli(path, tmp_path / "runs", "--engine", "dask", "--scheduler", address,
                   timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        local = cli(path, tmp_path / "local", "--jobs", "1")
        assert local.returncode == 0, local.stdout + local.stderr
        assert _files(_run_folder(tmp_path / "runs")) == _files(_run_folder(tmp_path / "local"))
        # DASK_SCHEDULER_ADDRESS is Dask's own way to name the cluster
        again = cli(path, tmp_path / "env", "--engine", "dask",
                    env={"DASK_SCHEDULER_ADDRESS": address}, timeout=180)
        assert again.returncode == 0, again.stdout + again.stderr
    finally:
        _stop(worker, scheduler)


def test_a_cluster_with_other_helpers_is_refused_in_one_line(tmp_path):
    other = tmp_path / "elsewhere"
    shutil.copytree(paths.PACKAGE, other / "helpers",
                    ignore=shutil.ignore_patterns("__pycache__"))
    with (other / "helpers" / "__init__.py").open("a", encoding="utf-8") as f:
        f.write("# another commit\n")
    address, scheduler, worker = _cluster(_free_port(), {"PYTHONPATH": str(other)})
    try:
        done = cli(config(tmp_path, QUICK), tmp_path / "runs", "--engine", "dask",
                   "--scheduler", address, timeout=180)
    finally:
        _stop(worker, scheduler)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert re.match(r"reports: refused: worker tcp://127\.0\.0\.1:\d+ has other helpers/ than "
                    r"this machine \(sha256 \w{12}, here \w{12}\)", done.stderr)


def test_an_unreachable_scheduler_is_refused_in_one_line(tmp_path):
    done = cli(config(tmp_path, QUICK), tmp_path / "runs", "--engine", "dask", "--scheduler",
               f"tcp://127.0.0.1:{_free_port()}", timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("reports: refused: --scheduler tcp://127.0.0.1:")
    assert done.stderr.count("\n") == 1, done.stderr


def test_a_shared_data_folder_given_in_the_config_replaces_the_scatter(tmp_path):
    path = config(tmp_path, QUICK)
    path.write_text("shared_data: shared\n" + path.read_text(encoding="utf-8"),
                    encoding="utf-8")
    done = cli(path, tmp_path / "dask", "--engine", "dask", "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    run = _run_folder(tmp_path / "dask")
    [folder] = (tmp_path / "shared").iterdir()  # the snapshot, once, under its hash
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in (run / "data").iterdir())
    assert all((folder / p.name).read_bytes() == p.read_bytes()
               for p in (run / "data").iterdir())
    local = cli(path, tmp_path / "local", "--jobs", "2")  # the local pool ignores it
    assert local.returncode == 0, local.stdout + local.stderr
    assert _files(run) == _files(_run_folder(tmp_path / "local"))
