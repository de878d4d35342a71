"""The atlas on this machine's cores: 20 subjects, the local pool against Dask.

Builds nothing in data/: each engine runs ``python -m helpers.report.atlas --subjects <20>
--force`` into its own folder of the scratch space (datasets into build/subjects), with as many
workers as CPUs, and the figure reports reports per second and Dask's time over the pool's.
Skipped when Dask is not installed (``make dask``).
"""

from __future__ import annotations

import importlib.util
import subprocess
import time

from benchmarks.harness import Stats
from benchmarks.registry import PYTHON, ROOT, Context, Group, Row, figure

SUBJECTS = ("ARG", "AUS", "BRA", "CAN", "CHL", "CHN", "DEU", "EGY", "ESP", "FRA", "GBR", "IND",
            "JPN", "KEN", "MEX", "NGA", "NZL", "PER", "USA", "ZAF")
OVERHEAD_TARGET = 1.10  # Dask's wall time over the local pool's, on the same cores
REPORTS = 4  # jobs of atlas.yaml


def _atlas(engine: str, ctx: Context) -> float:
    command = [str(PYTHON), "-m", "helpers.report.atlas", "--subjects", ",".join(SUBJECTS),
               "--out", str(ctx.workdir / f"atlas-{engine}"), "--engine", engine, "--force",
               "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"atlas on {engine} exited {done.returncode}: "
                           f"{(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    return took


@figure("atlas")
def atlas(ctx: Context) -> Group:
    what = (f"`python -m helpers.report.atlas` for {len(SUBJECTS)} subjects x {REPORTS} reports "
            "(each dataset built from the register, then coverage, trade, peers, data quality "
            "and the landing page), `--force`, one worker per CPU; wall seconds of the whole "
            "command, the LocalCluster's start included.")
    if importlib.util.find_spec("distributed") is None:
        return Group("Atlas: local pool and Dask", what, (Row(
            "atlas on Dask", note="Dask is not installed (make dask)"),))
    _atlas("local", ctx)  # warm: datasets built, caches filled
    local, dask = [], []
    for _ in range(max(1, min(ctx.runs, 2))):
        local.append(_atlas("local", ctx))
        dask.append(_atlas("dask", ctx))
    ls, ds = Stats(tuple(local)), Stats(tuple(dask))
    ratio = ds.median / ls.median
    n = len(SUBJECTS) * REPORTS
    return Group("Atlas: local pool and Dask", what, (
        Row(f"local pool, {n} reports", ls),
        Row(f"Dask LocalCluster, {n} reports", ds, ls, ratio,
            f"≤ {OVERHEAD_TARGET:.2f} x local", ratio <= OVERHEAD_TARGET),
    ), (f"reports per second: local {n / ls.median:.2f}, Dask {n / ds.median:.2f}",))
