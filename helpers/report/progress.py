"""What ``python -m helpers.report`` shows while it runs: one line per job with how many of the
jobs are done and the time since the start, and at the end the page to open. ``--quiet`` shows
only failures (for cron); an interactive terminal also gets tqdm's bar on stderr.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tqdm import tqdm


class Progress:
    """Counts finished jobs and writes one line per job (``[12/57  0:14] ok  name  1.2 s``)."""

    def __init__(self, total: int, quiet: bool, clock=time.monotonic) -> None:
        self.total, self.quiet, self.done, self.clock = total, quiet, 0, clock
        self.started = clock()
        self.bar = tqdm(total=total, unit="job", disable=quiet or not sys.stderr.isatty(),
                        file=sys.stderr, dynamic_ncols=True)

    def elapsed(self) -> str:
        seconds = int(self.clock() - self.started)
        return f"{seconds // 60}:{seconds % 60:02d}"

    def job(self, o) -> None:
        """One job finished (an ``Outcome``): its line, unless quiet and it succeeded."""
        self.done += 1
        took = sum(o.seconds.values())
        if o.reused_from:
            said = f"reused {o.name:<28} from {o.reused_from}"
        else:
            said = f"{'ok    ' if o.status == 'ok' else 'FAILED'} {o.name:<28} {took:5.1f} s"
        if o.status != "ok":
            said += f"  {o.error.splitlines()[0] if o.error else ''}"
        width = len(str(self.total))
        line = f"[{self.done:>{width}}/{self.total} {self.elapsed():>5}] {said}"
        if not self.quiet or o.status != "ok":
            self.bar.write(line, file=sys.stdout)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def landing_line(final: Path, out: Path, failed: int) -> str:
    """The last line: the landing page to open (``latest`` only moves when every job is ok)."""
    page = (out / "latest" if not failed else final) / "index.html"
    return f"open {page}"
