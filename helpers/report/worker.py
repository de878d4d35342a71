"""One worker process: a warm kernel that executes jobs one after another and exports their HTML.

A job past its timeout or whose kernel dies is recorded as failed, and the worker starts a
fresh kernel. Workers and kernels exit by themselves when the runner is killed outright.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from helpers.core import paths
from helpers.core.text import escape_md
from helpers.report import export
from helpers.report.config import DEFAULT_TIMEOUT, OUTPUT_CAP, Job, Outcome
from helpers.report.notebooks import strip_volatile

SETUP_TIMEOUT = 120.0  # seconds for a kernel to start and import the plotting stack




PREWARM = ("import pandas, matplotlib, seaborn\n"
            "import helpers.analysis.charts, helpers.data.load, helpers.analysis.compute")


@dataclass(frozen=True)
class Settings:
    """What every worker of a run needs besides its jobs."""

    run_dir: str
    hide_code: bool
    quiet: bool
    prewarm: str  # code run once per kernel before its first job (the heavy imports)
    run_id: str = ""  # the run's id for the report headers; "" derives it from run_dir
    environ: tuple[tuple[str, str], ...] = ()  # set in each kernel's environment at start


class _Worker:
    """One worker's warm kernel, driven by nbclient's async client on one event loop.

    Driving nbclient asynchronously is what makes its timeouts and its dead-kernel check
    work: they are tasks on the loop, which a blocking read would freeze.
    """

    def __init__(self, wid: int, results, settings: Settings):
        self.wid, self.results, self.settings = wid, results, settings
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.km = self.kc = None
        self.warm = False

    # -- the kernel

    def kernel_pid(self) -> int | None:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    def kernel_exit_code(self) -> int | None:
        """The kernel's exit code if it has exited, else None."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process.poll() if process is not None else None

    async def _start_kernel(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        km = AsyncKernelManager(kernel_name="python3")
        # quiet: the kernel's own warnings (e.g. "running over TCP") are not for cron mail
        extra = ["--IPKernelApp.log_level=ERROR"] if self.settings.quiet else []
        self.km = km
        env = {"env": {**os.environ, **dict(self.settings.environ)}} if self.settings.environ \
            else {}
        await km.start_kernel(cwd=str(paths.NOTEBOOKS), extra_arguments=extra, **env)
        self.results.put(("kernel", self.wid, self.kernel_pid()))
        kc = km.client()
        kc.allow_stdin = False
        kc.start_channels()
        await kc.wait_for_ready(timeout=SETUP_TIMEOUT)
        self.kc, self.warm = kc, False

    async def _hidden(self, code: str) -> None:
        """Run code in the kernel without it appearing in the notebook."""
        reply = await self.kc.execute_interactive(code, store_history=False,
                                                  timeout=SETUP_TIMEOUT,
                                                  output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel set-up failed: {reply['content'].get('evalue', '')}")

    async def _setup(self) -> None:
        if self.km is None:
            await self._start_kernel()
        if not self.warm:
            if self.settings.prewarm:
                await self._hidden(self.settings.prewarm)  # the heavy imports, once per kernel
            self.warm = True

    def discard_kernel(self) -> None:
        """Kill the kernel (and anything it forked) and forget it; the next job starts anew."""
        pid = self.kernel_pid()
        if pid is not None:
            kill_group(pid)
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km is not None:
                self.loop.run_until_complete(
                    asyncio.wait_for(self.km.shutdown_kernel(now=True), STOP_GRACE))
        except Exception:  # noqa: BLE001 - the process is gone; only bookkeeping failed
            pass
        self.km = self.kc = None
        self.warm = False

    def kill(self) -> None:
        """Kill the kernel now, from any thread (its event loop may be busy with a job)."""
        pid = self.kernel_pid()
        if pid is not None:
            kill_group(pid)
        try:
            self.km.cleanup_connection_file()
        except Exception:  # noqa: BLE001 - the kernel is gone; only its file may remain
            pass

    def exit_now(self, code: int) -> None:
        """Signal handler and parent-death path: no kernel survives this worker."""
        self.kill()
        os._exit(code)

    def _cancel_pending(self) -> None:
        pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            self.loop.run_until_complete(asyncio.wait(pending, timeout=STOP_GRACE))
        for task in pending:  # nbclient turns a cancel into DeadKernelError: already handled
            if task.done() and not task.cancelled():
                task.exception()

    # -- a job

    async def _execute(self, client) -> None:
        """nbclient's cell loop, after a namespace reset, on the kept kernel."""
        await self._hidden("get_ipython().run_line_magic('reset', '-f')\nimport os\n"
                           f"os.chdir({self.settings.run_dir!r})\ndel os")
        info = await client.async_wait_for_reply(self.kc.kernel_info())
        client.nb.metadata["language_info"] = info["content"]["language_info"]
        for index, cell in enumerate(client.nb.cells):
            await client.async_execute_cell(cell, index)

    def run(self, job: Job, nb=None) -> Outcome:
        """Execute one job into the run folder (notebook, HTML, figures); never raises.

        ``nb``: the job's notebook already parameterized (an engine that sends notebooks to
        other hosts); by default it is read from the job's notebook file."""
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError

        run_dir = Path(self.settings.run_dir)
        seconds = {"kernel": 0.0, "execute": 0.0, "export": 0.0}
        status, error = "ok", ""
        timeout = job.timeout or DEFAULT_TIMEOUT
        t0 = time.perf_counter()
        nb = parameterized(job) if nb is None else nb
        try:
            self.loop.run_until_complete(asyncio.wait_for(self._setup(), SETUP_TIMEOUT))
        except Exception as exc:  # noqa: BLE001 - recorded on the job
            code = self.kernel_exit_code()
            status = "failed"
            error = (f"kernel died (exit code {code})" if code is not None
                     else f"kernel did not start: {type(exc).__name__}: {exc}")
            self.discard_kernel()
        seconds["kernel"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        if status == "ok":
            client = _capped(NotebookClient)(nb, km=self.km, kernel_name="python3",
                                             record_timing=False, timeout=None)
            client.kc = self.kc
            task = self.loop.create_task(self._execute(client))
            done, _ = self.loop.run_until_complete(asyncio.wait({task}, timeout=timeout))
            if not done:
                status, error = "failed", f"timed out after {timeout:g} s"
                self._cancel_pending()
                self.discard_kernel()
            elif task.exception() is not None:
                exc = task.exception()
                code = self.kernel_exit_code()
                status = "failed"
                if code is not None:
                    error = f"kernel died (exit code {code})"
                elif isinstance(exc, CellExecutionError):
                    error = _error_line(exc)
                else:
                    error = f"{type(exc).__name__}: {exc}"
                if code is not None or not isinstance(exc, CellExecutionError):
                    self._cancel_pending()
                    self.discard_kernel()
        seconds["execute"] = time.perf_counter() - t1
        if status == "ok" and client.left_out:
            status, error = "failed", (
                f"its outputs passed the cap of {OUTPUT_CAP / 1e6:g} MB: "
                f"{client.left_out / 1e6:.1f} MB of output left out")
        renumber(nb)
        strip_volatile(nb)
        nb.metadata["report"] = {"job": job.name, "notebook": job.notebook,
                                 "parameters": job.parameters}
        if status == "failed":
            nb.cells.insert(0, banner_cell(error))
        t2 = time.perf_counter()
        nbformat.write(nb, run_dir / f"{job.name}.ipynb")
        page = export.to_html(nb, self.settings.hide_code, run_id=self.settings.run_id
                              or run_dir.name.removeprefix(".tmp-"))
        (run_dir / f"{job.name}.html").write_text(page, encoding="utf-8")
        seconds["export"] = time.perf_counter() - t2
        return Outcome(job.name, job.notebook, job.parameters, status, error,
                       {k: round(v, 3) for k, v in seconds.items()})

    def close(self) -> None:
        self.discard_kernel()
        self.loop.close()


def _output_size(content: dict) -> int:
    """Bytes an output message carries (its text, data of every type, traceback)."""
    parts = [content.get("text", ""), *content.get("traceback", ()),
             *(v if isinstance(v, str) else repr(v) for v in content.get("data", {}).values())]
    return sum(len(x) for x in parts if isinstance(x, str))


def _capped(client_class):
    """nbclient's client keeping at most ``OUTPUT_CAP`` bytes of outputs per job: the rest
    is never stored; one note in its place says how much was left out (``left_out``)."""
    import nbformat

    class Capped(client_class):
        kept = left_out = 0

        def output(self, outs, msg, display_id, cell_index):
            if msg["msg_type"] not in ("stream", "display_data", "execute_result", "error"):
                return super().output(outs, msg, display_id, cell_index)
            size = _output_size(msg["content"])
            if self.left_out == 0 and self.kept + size <= OUTPUT_CAP:
                self.kept += size
                return super().output(outs, msg, display_id, cell_index)
            room = OUTPUT_CAP - self.kept
            if self.left_out == 0 and msg["msg_type"] == "stream" and room > 0:
                text = msg["content"]["text"]  # text is cut where the cap falls
                cut = {**msg, "content": {**msg["content"], "text": text[:room]}}
                super().output(outs, cut, display_id, cell_index)
                self.kept, size = OUTPUT_CAP, len(text) - room
            if self.left_out == 0:
                outs.append(nbformat.v4.new_output(
                    "stream", name="stderr", text=f"[output left out: this report's outputs "
                    f"passed the cap of {OUTPUT_CAP / 1e6:g} MB]\n"))
            self.left_out += size
            return None

    return Capped


def parameterized(job: Job):
    """The job's notebook with its parameters injected and no stored outputs."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(job.notebook_path))
    values = {**job.parameters, "output_dir": f"figures/{job.name}"}
    nb = parameterize_notebook(nb, values, report_mode=False)
    for cell in nb.cells:  # papermill gives its cell a random id; make it stable
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def banner_cell(error: str):
    """The markdown cell that opens a failed report: the error as text, never as markup (no
    link, image or HTML of its own)."""
    import nbformat

    banner = nbformat.v4.new_markdown_cell(
        f"<span style='color:red;font-weight:bold'>This report failed:</span> "
        f"{escape_md(error)}")
    banner["id"] = "report-error"
    return banner


def renumber(nb) -> None:
    """Execution counts as a fresh kernel gives them: 1, 2, ... over the executed cells."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.get("execution_count") is None:
            continue
        count += 1
        cell.execution_count = count
        for out in cell.outputs:
            if "execution_count" in out:
                out["execution_count"] = count


def _error_line(exc) -> str:
    ename, evalue = getattr(exc, "ename", ""), getattr(exc, "evalue", "")
    return f"{ename}: {evalue}" if ename else str(exc).strip().splitlines()[-1]


def kill_group(pid: int) -> None:
    """SIGKILL a kernel's process group (jupyter_client starts each in its own session)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _follow_parent(parent: int, on_death) -> None:
    """Exit when the runner dies, even by SIGKILL: PR_SET_PDEATHSIG on Linux, and a poll."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: SIGTERM us when the parent dies
    except (OSError, AttributeError):  # not Linux: the poll below does it
        pass

    def poll() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        on_death(1)

    threading.Thread(target=poll, name="follow-parent", daemon=True).start()


def worker_main(wid: int, tasks, results, parent: int, settings: Settings) -> None:
    """A worker process: take jobs until the sentinel, report each outcome."""
    import warnings

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides; it sends SIGTERM
    # the pool started us with SIGINT blocked (a Ctrl-C while we imported); now ignored
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    warnings.filterwarnings("ignore", message="Kernel is running over TCP")
    worker = _Worker(wid, results, settings)
    signal.signal(signal.SIGTERM, lambda signum, frame: worker.exit_now(128 + signum))
    _follow_parent(parent, worker.exit_now)
    while True:
        job = tasks.get()
        if job is None:
            break
        results.put(("start", wid, job.name))
        try:
            outcome = worker.run(job)
        except Exception as exc:  # never lose a job's record because of the runner itself
            outcome = Outcome(job.name, job.notebook, job.parameters, "failed",
                              f"runner error: {exc}\n{traceback.format_exc(limit=3)}")
            worker.discard_kernel()
        results.put(("done", wid, outcome))
    worker.close()


STOP_GRACE = 5.0  # seconds workers get to shut their kernels down before being killed
