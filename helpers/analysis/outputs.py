"""How a notebook shows and keeps what it computes.

``setup()`` sets the one chart style (helpers.analysis.style) and gives every displayed table
a reader's rendering beside pandas' own (``table_display``), which only the reports show.
``show()`` saves each figure as PNG and SVG into the notebook's ``output_dir`` and displays
the SVG inline: matplotlib's SVG is byte-stable with a fixed salt and no date, so nbval
compares the drawing itself and a changed chart fails the test. ``record()`` saves the
numbers behind a figure as CSV beside it; ``source_note()`` names the sources a chart uses,
as the processed folder's descriptor records them.
"""

from __future__ import annotations

import ctypes
import os
import signal
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from helpers.analysis import style, table_display
from helpers.core import paths
from helpers.core.exceptions import ParameterError, ProjectError
from helpers.data import descriptor


def setup() -> None:
    """The one style of every chart, and tables rendered for readers too (idempotent)."""
    style.setup()
    _register_table_display()


def table_html(frame: pd.DataFrame) -> str:
    """A displayed table as a reader sees it: whole, labelled, formatted (see ``table_display``)."""
    return table_display.table_html(frame)


def _reader_bundle(frame: pd.DataFrame) -> dict[str, str]:
    return {table_display.READER_HTML: table_display.table_html(frame)}


def _register_table_display() -> None:
    """Every DataFrame a notebook displays carries a reader's rendering (names, labels, units;
    MIME type ``table_display.READER_HTML``) beside pandas' own HTML and text: JupyterLab shows
    pandas' (the raw frame a developer wants), the reports' renderer the reader's. A project
    error in a cell shows as its one-line message, without a traceback through the project's
    code. Registered on the running IPython kernel (nothing happens outside one).
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the notebooks' stack
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.mimebundle_formatter.for_type(pd.DataFrame, _reader_bundle)
        shell.set_custom_exc((ProjectError,), _one_line)


def _one_line(shell, etype, value, tb, tb_offset=None) -> list[str]:
    """IPython's handler of a project error: the message alone is the cell's error output."""
    message = [f"{etype.__name__}: {value}"]
    shell._showtraceback(etype, value, message)
    return message


def about() -> None:
    """Display the subject and the sources (``descriptor.about()``) in the notebook; the reports
    leave it out (``"report": "omit"``), since their header names them once."""
    from IPython.display import Markdown, display

    display(Markdown(descriptor.about()), metadata={"report": "omit"})


def source_note(frame: pd.DataFrame) -> str:
    """'Source: <publisher>, "<title>" (<date>, <licence>)' for the sources a chart uses, as the
    descriptor of the processed tables records them (all of them when the frame names none)."""

    used = set()
    for column in ("source", "established_source"):
        if column in frame:
            used |= set(frame[column].dropna().astype(str))
    sources = sorted(descriptor.sources(), key=lambda s: s["file"])
    # trade workbooks only where a chart draws them (one reporter's table each), and then once
    rows = ([s for s in sources if s["file"] in used] if used
            else [s for s in sources if s.get("kind") != "trade"])
    parts = [f"{s['publisher']}, “{s['title']}” ({s['date']}; {s['licence']}), {s['file']}"
             for s in rows if s.get("kind") != "trade"]
    trade = [s for s in rows if s.get("kind") == "trade"]
    if trade:
        t = trade[0]
        parts.append(f"{t['publisher']}, “{t['title'].split(':')[0]}”, {len(trade)} country "
                     f"table{'s' if len(trade) > 1 else ''} ({t['date']}; {t['licence']})")
    return "Source: " + "; ".join(parts)


def show(fig, name: str, output_dir: str | Path) -> None:
    """Save ``fig`` as PNG and SVG in ``output_dir`` and display the SVG inline.

    The PNG is drawn by a forked copy of the process while this one draws the SVG, so the two
    renderings use both cores (measured: the PNG is a third of a chart's cost).
    """
    import io

    from IPython.display import SVG, display

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    _png_in_background(fig, out / f"{name}.png")
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    (out / f"{name}.svg").write_text(svg, encoding="utf-8")
    alt = describe(fig)
    plt.close(fig)
    display(SVG(data=svg), metadata={"alt": alt})


def describe(fig) -> str:
    """Alt text of a figure from what it draws: its title, each panel's title, axes and legend."""
    title = fig._suptitle.get_text() if fig._suptitle is not None else ""
    parts = [f"Chart: {title}." if title else "Chart."]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        said = []
        if ax.get_title():
            said.append(ax.get_title().replace("\n", " "))
        axes = [f"{w}: {a.replace(chr(10), ' ')}" for w, a in
                (("across", ax.get_xlabel()), ("up", ax.get_ylabel())) if a]
        said += axes
        legend = ax.get_legend()
        if legend is not None:
            keys = [t.get_text().replace("\n", " ") for t in legend.get_texts() if t.get_text()]
            if keys:
                said.append("key: " + ", ".join(keys))
        if said:
            parts.append("; ".join(said) + ".")
    return " ".join(parts)


_PENDING: list[tuple[int, Path]] = []


def _png_in_background(fig, path: Path) -> None:
    """Write ``fig`` as PNG from a forked child (atomically); in this process where fork is
    missing. At most one child at a time: the previous one is waited for first."""

    wait()
    if not hasattr(os, "fork"):
        fig.savefig(path, format="png", metadata={"Software": None})
        return
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: draw, write, leave without running any cleanup of the parent's
        code = 1
        try:
            _die_with(parent)
            tmp = path.with_name(f".{path.name}.{os.getpid()}")
            fig.savefig(tmp, format="png", metadata={"Software": None})
            os.replace(tmp, path)
            code = 0
        finally:
            os._exit(code)
    _PENDING.append((pid, path))


def _die_with(parent: int) -> None:
    """In a forked child: be killed when ``parent`` dies (a kernel killed at its timeout),
    never left drawing alone; PR_SET_PDEATHSIG on Linux, and leave if it is already gone."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent waits for its child anyway
        pass
    if os.getppid() != parent:
        os._exit(1)


def wait() -> None:
    """Block until every PNG being written in the background is on disk.

    Every notebook calls it last, so all its files exist when the run ends.
    """

    while _PENDING:
        pid, path = _PENDING.pop()
        _, status = os.waitpid(pid, 0)
        if status != 0:
            raise RuntimeError(f"could not write {path} (child exit status {status})")


def record(table: pd.DataFrame, name: str, output_dir: str | Path) -> pd.DataFrame:
    """Save the numbers behind a chart as CSV beside it, and return them for display."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
    return table


def output_dir(notebook: str, given: str) -> Path:
    """The folder a notebook saves figures to (made here): its parameter, or
    build/figures/<notebook>. ParameterError naming ``output_dir`` if it cannot be made."""

    out = Path(given) if given else paths.FIGURES / notebook
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".writable"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ParameterError(f"{notebook}: parameter 'output_dir': cannot write figures to "
                             f"{str(out)!r} ({exc.strerror or exc})") from None
    return out


# Importing this module gives the kernel's tables their reader rendering (a no-op outside one).
_register_table_display()
