"""The build's commit under signals at random moments (renames slowed by the test hook): a
reader of the output folder sees the old build or the new one, never a mix, and the build's
last line says which."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from documents import FIXTURES, visible

from helpers.build.pipeline import build
from helpers.core import paths

pytestmark = pytest.mark.slow


def test_signals_at_random_points_of_the_commit_leave_the_old_or_the_new_build(tmp_path):
    old_raw, new_raw = FIXTURES / "chile", FIXTURES / "norway"
    expected = {}
    for name, raw in (("old", old_raw), ("new", new_raw)):
        build(raw=raw, out=tmp_path / name)
        expected[name] = visible(tmp_path / name)
    rng = random.Random(17)
    env = {**os.environ, paths.RENAME_DELAY_ENV: "0.15"}
    seen = set()
    for attempt in range(18):
        out = tmp_path / f"out{attempt}"
        build(raw=old_raw, out=out)
        signum = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)[attempt % 3]
        proc = subprocess.Popen([sys.executable, "-m", "helpers.build", "--raw", str(new_raw),
                                 "--out", str(out)], cwd=paths.ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=60)
        now = visible(out)
        assert now in (expected["old"], expected["new"]), (attempt, signum, stderr)
        state = "new" if now == expected["new"] else "old"
        seen.add(state)
        if proc.returncode == 0:
            assert state == "new" and stdout.startswith("built "), stderr
        elif proc.returncode in (130, 143):
            assert state == "old" and "nothing was changed" in stderr, stderr
            assert "Traceback" not in stderr
        build(raw=new_raw, out=out)  # the next build clears what was left and commits
        assert visible(out) == expected["new"]
        assert not [p for p in (out / paths.VERSIONS_NAME).iterdir()
                    if p.name.startswith(".staging-")]
    assert seen == {"old", "new"}, "the random points should hit both sides of the commit"
