"""Figures saved by helpers.analysis.outputs: the PNG drawn by a forked child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from runner_runs import survivors

from helpers.core import paths

# A figure whose PNG never finishes: the child draws it forever; the parent waits forever.
HANGING_PNG = """
import sys, time
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from helpers.analysis import outputs

fig = plt.figure()
fig.savefig = lambda *args, **kwargs: time.sleep(600)
outputs._png_in_background(fig, Path(sys.argv[1]) / "chart.png")
print(outputs._PENDING[0][0], flush=True)
time.sleep(600)
"""


def test_the_png_child_dies_with_its_parent(tmp_path):
    """Issue 24, item 5: a kernel killed at papermill's timeout left its PNG child orphaned,
    growing to 7.8 GB."""
    parent = subprocess.Popen([sys.executable, "-c", HANGING_PNG, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True, cwd=paths.ROOT)
    try:
        child = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
    finally:
        parent.kill()
        parent.stdout.close()
    assert survivors({child}, within=5) == []
    assert not (tmp_path / "chart.png").exists()
