"""The Dask engine: the run's jobs as Dask tasks, on an existing cluster or a LocalCluster.

Each Dask worker keeps warm kernels (one per worker thread) through a worker plugin that
starts them on the first job and kills them when the run ends. A job executes exactly as in
the local pool (:class:`helpers.report.worker._Worker`: nbclient's async client, its own
wall-clock limit, a kernel discarded after a timeout or a crash) into a scratch folder of the
worker; its files come back with its outcome and the engine writes them into the run folder,
so a worker needs no shared file system. The data snapshot travels once per worker, scattered
under its content hash, and is written to the worker's disk before its first kernel starts.

A worker lost mid-run (killed, out of memory) costs only its jobs: Dask runs them again on
another worker. ``--retries N`` runs a job again when its kernel died. Before any job, a
cluster whose packages or ``helpers/`` differ from this machine's is refused in one line.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from helpers.core.exceptions import ClusterRefusedError
from helpers.data.descriptor import data_hash
from helpers.report.config import Job, Outcome
from helpers.report.inputs import helpers_hash, package_versions
from helpers.report.worker import Settings, _Worker, kill_group, parameterized

CONNECT_TIMEOUT = 30  # seconds to reach an existing scheduler and find a worker on it
CLOSE_TIMEOUT = 10  # seconds the LocalCluster gets to stop its workers
RETRYABLE = ("kernel died", "kernel did not start")  # failures --retries runs again


class _Sink:
    """Where a local pool worker reports its kernel's pid; the plugin asks the kernel instead."""

    def put(self, item) -> None:
        pass


class KernelPlugin(WorkerPlugin):
    """Warm kernels on one Dask worker for one run: started by its jobs, killed at teardown."""

    def __init__(self, settings: Settings):
        self.settings = settings  # hide_code, quiet, prewarm, run_id of the run

    def setup(self, worker) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="helpers-report-",
                                          dir=getattr(worker, "local_directory", None)))
        self.kernels: dict[int, _Worker] = {}
        self.lock = threading.Lock()

    def teardown(self, worker) -> None:
        with self.lock:
            for kernel in self.kernels.values():
                kernel.kill()
            self.kernels.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    def data(self, key: str, files: dict[str, bytes]) -> Path:
        """The run's data snapshot on this worker's disk (written once, under its hash)."""
        folder = self.root / "data" / key
        with self.lock:
            if not folder.is_dir():
                staging = self.root / "data" / f".{key}"
                shutil.rmtree(staging, ignore_errors=True)
                staging.mkdir(parents=True)
                for name, content in files.items():
                    (staging / name).write_bytes(content)
                staging.rename(folder)
        return folder

    def kernel(self, data: Path) -> _Worker:
        """This thread's warm kernel, made on its first job."""
        ident = threading.get_ident()
        with self.lock:
            if ident not in self.kernels:
                scratch = self.root / f"thread-{len(self.kernels)}"
                scratch.mkdir()
                settings = dataclasses.replace(self.settings, run_dir=str(scratch),
                                               environ=(("PROCESSED_DIR", str(data)),))
                self.kernels[ident] = _Worker(len(self.kernels), _Sink(), settings)
            return self.kernels[ident]

    def pids(self) -> list[int]:
        with self.lock:
            return [pid for k in self.kernels.values() if (pid := k.kernel_pid())]


class JobFailed(Exception):
    """A job whose kernel died: raised so that Dask's ``retries`` runs it again."""

    def __init__(self, outcome: Outcome, files: dict[str, bytes]):
        super().__init__(outcome.error)
        self.outcome, self.files = outcome, files

    def __reduce__(self):
        return (JobFailed, (self.outcome, self.files))


def execute(plugin: str, job: Job, nb, key: str, data: dict[str, bytes] | None,
            shared: str | None = None):
    """The task: run one job on this worker's warm kernel; return its outcome and files.

    The data snapshot is ``data`` (scattered), or the folder ``shared/key`` every worker reads."""
    kernels: KernelPlugin = get_worker().plugins[plugin]
    folder = Path(shared) / key if shared else kernels.data(key, data or {})
    if not (folder / "datapackage.json").is_file():
        return Outcome(job.name, job.notebook, job.parameters, "failed",
                       f"the shared data {folder} is not readable on this worker "
                       "(shared_data must be a folder every worker sees)"), {}
    kernel = kernels.kernel(folder)
    try:
        outcome = kernel.run(job, nb)
    except Exception as exc:  # noqa: BLE001 - never lose a job's record because of the engine
        outcome = Outcome(job.name, job.notebook, job.parameters, "failed",
                          f"runner error: {type(exc).__name__}: {exc}")
        kernel.discard_kernel()
    files = _collect(Path(kernel.settings.run_dir), job.name)
    if outcome.status == "failed" and outcome.error.startswith(RETRYABLE):
        raise JobFailed(outcome, files)
    return outcome, files


def _collect(scratch: Path, name: str) -> dict[str, bytes]:
    """A job's files in the scratch folder (notebook, HTML, figures), read and removed."""
    files = {}
    for rel in (f"{name}.ipynb", f"{name}.html"):
        if (scratch / rel).is_file():
            files[rel] = (scratch / rel).read_bytes()
            (scratch / rel).unlink()
    figures = scratch / "figures" / name
    if figures.is_dir():
        for p in sorted(figures.rglob("*")):
            if p.is_file() and not p.is_symlink():
                files[p.relative_to(scratch).as_posix()] = p.read_bytes()
        shutil.rmtree(figures)
    return files


def _kernel_pids(plugin: str, dask_worker=None) -> list[int]:
    found = getattr(dask_worker, "plugins", {}).get(plugin)
    return found.pids() if found is not None else []


def _environment() -> dict:
    """What makes a worker's reports the same bytes as this machine's."""
    return {"helpers": helpers_hash(), "packages": package_versions()}


def local_cluster(size: int | None, quiet: bool) -> LocalCluster:
    """A LocalCluster of ``size`` worker processes (default: the CPUs), one thread each, on
    loopback, no dashboard. Ctrl-C reaches the whole process group: its processes start with
    SIGINT blocked (the mask survives exec) and the runner stops them itself."""
    from helpers.report.pool import cpu_count

    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return LocalCluster(n_workers=size or cpu_count(), threads_per_worker=1,
                            processes=True, host="127.0.0.1", dashboard_address=None,
                            memory_limit=0,
                            silence_logs=logging.CRITICAL if quiet else logging.ERROR)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class DaskEngine:
    """Runs jobs as Dask tasks; same interface as the local pool (run, finish, stop)."""

    def __init__(self, choice, size: int, settings: Settings):
        self.cluster = self.client = self.data = self.shared = None
        self.futures: list = []
        self.pids: list[int] = []
        self.retries = choice.retries
        self.run_dir = Path(settings.run_dir)
        run_id = settings.run_id or self.run_dir.name.removeprefix(".tmp-")
        self.plugin = f"helpers-report-{run_id}"
        self.address = choice.scheduler or "a LocalCluster"
        try:
            self._connect(choice.scheduler, size, settings.quiet)
            self._check_cluster()
            snapshot = self.run_dir / "data"
            self.key = data_hash(snapshot)
            files = {p.name: p.read_bytes() for p in sorted(snapshot.iterdir()) if p.is_file()}
            self.shared = choice.shared_data
            if self.shared:  # a folder every worker reads: the snapshot is put there once
                _publish(files, Path(self.shared), self.key)
            else:
                [self.data] = self.client.scatter([files], hash=True)  # keyed by content
            self.client.register_plugin(
                KernelPlugin(dataclasses.replace(settings, run_id=run_id)), name=self.plugin)
        except BaseException:
            self.stop()
            raise

    def _connect(self, address: str | None, size: int, quiet: bool) -> None:
        if address is None:
            self.cluster = local_cluster(size, quiet)
            self.client = Client(self.cluster, set_as_default=False)
            return
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
            self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ClusterRefusedError(
                f"--scheduler {address}: no Dask scheduler with a worker answered within "
                f"{CONNECT_TIMEOUT} s ({type(exc).__name__})") from None

    def _check_cluster(self) -> None:
        """Refuse, in one line, a cluster whose packages or helpers/ differ from ours."""
        try:
            self.client.get_versions(check=True)
        except ValueError:
            raise ClusterRefusedError(
                f"the cluster at {self.address} runs other versions than this machine: "
                f"{_first_mismatch(self.client.get_versions())}; install the same "
                "requirements on every host") from None
        ours = _environment()
        for worker, theirs in sorted(self.client.run(_environment).items()):
            if theirs["helpers"] != ours["helpers"]:
                raise ClusterRefusedError(
                    f"worker {worker} has other helpers/ than this machine (sha256 "
                    f"{theirs['helpers'][:12]}, here {ours['helpers'][:12]}): install the same "
                    "commit on every host")
            for name, version in ours["packages"].items():
                if theirs["packages"].get(name) != version:
                    raise ClusterRefusedError(
                        f"worker {worker} has {name} {theirs['packages'].get(name)}, this "
                        f"machine {version}: install the same requirements on every host")

    def run(self, jobs: list[Job], on_outcome) -> None:
        """Submit every job; write each one's files and report it as it completes."""
        by_key = {}
        for job in jobs:
            future = self.client.submit(execute, self.plugin, job, parameterized(job),
                                        self.key, self.data, self.shared,
                                        key=f"{self.plugin}-{job.name}",
                                        pure=False, retries=self.retries)
            self.futures.append(future)
            by_key[future.key] = job
        for future in as_completed(self.futures, loop=self.client.loop):
            job = by_key[future.key]
            outcome, files = self._result(job, future)
            outside = [rel for rel in files if ".." in Path(rel).parts or Path(rel).is_absolute()]
            if outside:  # never written outside the run folder, and never silently dropped
                outcome = dataclasses.replace(outcome, status="failed", error="runner error: "
                                              f"a worker returned a file outside the run "
                                              f"folder: {outside[0]}")
                files = {}
            for rel, content in files.items():
                target = self.run_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            on_outcome(outcome)

    @staticmethod
    def _result(job: Job, future) -> tuple[Outcome, dict[str, bytes]]:
        from distributed.scheduler import KilledWorker

        try:
            return future.result()
        except JobFailed as exc:
            return exc.outcome, exc.files
        except KilledWorker:
            error = "its workers died every time it ran (Dask's allowed-failures)"
        except Exception as exc:  # noqa: BLE001 - recorded on the job, in one line
            error = f"runner error: {type(exc).__name__}: {exc}".splitlines()[0]
        return Outcome(job.name, job.notebook, job.parameters, "failed", error), {}

    def finish(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Cancel what is left, kill this run's kernels, close the client (and the cluster it
        started). Safe to call twice, and on an engine half started."""
        client, self.client = self.client, None
        if client is not None:
            try:
                if self.futures:
                    client.cancel(self.futures, force=True)
                if self.cluster is not None:  # kernels on this machine: killed by pid too
                    found = client.run(_kernel_pids, self.plugin, on_error="ignore")
                    self.pids = [pid for pids in found.values() for pid in pids]
                client.unregister_worker_plugin(self.plugin)  # teardown kills the kernels
            except Exception:  # noqa: BLE001 - a plugin never registered, a lost cluster
                pass
            try:
                client.close(timeout=CLOSE_TIMEOUT)
            except Exception:  # noqa: BLE001 - closing anyway
                pass
        cluster, self.cluster = self.cluster, None
        if cluster is not None:
            try:
                cluster.close(timeout=CLOSE_TIMEOUT)
            except Exception:  # noqa: BLE001 - its processes are killed below if need be
                pass
        for pid in self.pids:
            kill_group(pid)
        self.futures = []


def _publish(files: dict[str, bytes], shared: Path, key: str) -> None:
    """The snapshot into ``shared/key`` unless there already: written aside, then renamed."""
    folder = shared / key
    if (folder / "datapackage.json").is_file():
        return
    staging = shared / f".{key}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name, content in files.items():
        (staging / name).write_bytes(content)
    try:
        staging.rename(folder)
    except OSError:  # another run put it there meanwhile
        shutil.rmtree(staging, ignore_errors=True)


def _first_mismatch(versions: dict) -> str:
    """The first package whose version differs between the client, scheduler and workers."""
    hosts = {"this machine": versions.get("client", {}),
             "the scheduler": versions.get("scheduler", {}),
             **{f"worker {k}": v for k, v in sorted(versions.get("workers", {}).items())}}
    ours = hosts["this machine"]
    for where, info in hosts.items():
        for section in ("host", "packages"):
            for name, value in sorted((info.get(section) or {}).items()):
                mine = (ours.get(section) or {}).get(name)
                if section == "host" and name != "python":
                    continue
                if value != mine:
                    return f"{where} has {name} {value}, this machine {mine}"
    return "the versions differ"
