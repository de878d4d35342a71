"""``index.html``, the landing page: the dataset's headline figures, a card per report, failed jobs
first, and the provenance. It holds no run id and no durations (they are in ``manifest.json``),
so the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
import io
import json
import platform
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from helpers.core import paths, templates
from helpers.core.exceptions import ProjectError
from helpers.data import descriptor
from helpers.data.descriptor import data_hash
from helpers.report import changes as changes_module
from helpers.report.export import load_sources, or_error, readable, sources_html
from helpers.report.inputs import package_versions

THUMBNAIL = (320, 200)  # the largest size of a card's thumbnail, in pixels


def _thumbnail(run_dir: Path, job: str) -> str:
    """A data: URI of the job's first figure, downscaled; "" when it has none.

    The first figure is the first SVG the notebook displays, matched to its saved file (see
    :func:`_svg_key`); the
    PNG beside that file is scaled down with Pillow and written without metadata, so the
    same figure always gives the same bytes.
    """
    notebook = run_dir / f"{job}.ipynb"
    figures = run_dir / "figures" / job
    if not notebook.is_file() or not figures.is_dir():
        return ""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (ValueError, KeyError):
        return ""
    first = next((o["data"]["image/svg+xml"] for c in cells if c.get("cell_type") == "code"
                  for o in c.get("outputs", []) if "image/svg+xml" in o.get("data", {})), None)
    if first is None:
        return ""
    first = _svg_key("".join(first) if isinstance(first, list) else first)
    png = next((svg.with_suffix(".png") for svg in sorted(figures.glob("*.svg"))
                if _svg_key(svg.read_text(encoding="utf-8")) == first), None)
    if png is None or not png.is_file():
        return ""
    from PIL import Image

    with Image.open(png) as image:
        small = image.convert("RGB")
        small.thumbnail(THUMBNAIL, Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        small.save(buf, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _svg_key(text: str) -> tuple:
    """What identifies a matplotlib SVG however it was serialized: its viewBox and element ids.

    IPython re-serializes the SVG it displays (attribute order, prolog), so the displayed
    figure and its file differ in bytes; matplotlib's ids are hashes of the drawing (fixed
    salt) and keep their order.
    """
    box = re.search(r'viewBox="([^"]*)"', text)
    return (box.group(1) if box else "", tuple(re.findall(r'\sid="([^"]+)"', text)))


def headline_figures(tables: dict | None = None) -> list[tuple[str, list[tuple[str, int]]]]:
    """The dataset's headline figures, as (heading, [(label, count), ...]) groups."""
    from helpers.data import load

    if tables is None:
        tables = {name: load.load(name, paths.PROCESSED)
                  for name in ("relations", "missions", "events", "unparsed")}
    relations, missions = tables["relations"], tables["missions"]
    events, unparsed = tables["events"], tables["unparsed"]

    def counts(series) -> list[tuple[str, int]]:
        values = series.astype("string").fillna("(none)").value_counts()
        return sorted(((str(k), int(v)) for k, v in values.items() if v), key=lambda kv: (
            -kv[1], kv[0]))

    directions = missions["direction"].astype("string").fillna("(none)")
    post_types = missions["post_type"].astype("string").fillna("(none)")
    posts = [(f"{d}: {t}", int(n)) for (d, t), n in sorted(
        missions.groupby([directions, post_types]).size().items()) if n]
    unresolved = int((relations["resolution"].astype("string") == "unresolved").sum())
    return [
        ("Partners by resolution", [("partner rows", len(relations))]
         + counts(relations["resolution"])),
        ("Posts by direction and type", [("posts", len(missions))] + posts),
        ("Events", [("dated events", len(events))] + counts(events["kind"])),
        ("Unresolved rows", [("partner rows left unresolved", unresolved),
                             ("statements unparsed (each with a reason)", len(unparsed))]),
    ]


def _notebook_title(notebook: str) -> str:
    """The first heading of a notebook's opening markdown (its question)."""
    path = paths.NOTEBOOKS / f"{notebook}.ipynb"
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return ""
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = "".join(cell.get("source", []))
            match = re.search(r"^#\s+(.+)$", source, re.MULTILINE)
            return match.group(1).strip() if match else ""
    return ""


def _card(run_dir: Path, o: Any) -> dict:
    """What a report's card shows: its thumbnail, parameters, status and links."""
    failed = o.status != "ok"
    reused = getattr(o, "reused_from", "") or ""
    return dict(name=o.name, thumb="" if failed else _thumbnail(run_dir, o.name),
                params=", ".join(f"{k}: {readable(v)}" for k, v in sorted(o.parameters.items())),
                status="failed" if failed else ("reused" if reused else "executed"),
                said=f"reused from {reused}" if reused else ("failed" if failed else "executed"),
                error=o.error if failed else "", files=_files(run_dir, o.name))


def _files(run_dir: Path, job: str) -> list[tuple[str, str]]:
    """The job's files that exist, as (file name, label): a worker killed mid-job leaves none,
    and the card must not link what is not there."""
    return [(f"{job}{suffix}", label) for suffix, label in ((".html", "report"),
                                                             (".ipynb", "notebook"))
            if (run_dir / f"{job}{suffix}").is_file()]


def write_index(run_dir: Path, outcomes: list, hide_code: bool,
                changes: changes_module.Listing | None = None) -> Path:
    """Write ``run_dir/index.html``, the landing page of a run; return its path.

    ``outcomes`` are the runner's ``Outcome`` records (name, notebook, parameters, status,
    error and, when present, ``reused_from``); ``changes`` lists what changed in the data since
    the previous run. The page has no run id and no durations, so the same inputs give the
    same bytes. Rendered from ``helpers/templates/landing/index.html.j2``.
    """
    run_dir = Path(run_dir)
    failed = [o for o in outcomes if o.status != "ok"]
    figures = or_error(headline_figures)
    groups = []
    for notebook in sorted(dict.fromkeys(o.notebook for o in outcomes if o.status == "ok")):
        ok = [o for o in outcomes if o.notebook == notebook and o.status == "ok"]
        groups.append((notebook, _notebook_title(notebook), [_card(run_dir, o) for o in ok]))
    versions = {"python": platform.python_version(), **package_versions()}
    page = templates.render(
        "landing/index.html.j2", subject=subject_name(), total=len(outcomes),
        failed=[_card(run_dir, o) for o in failed], hide_code=hide_code, changes=changes,
        figures=[] if isinstance(figures, str) else figures,
        figures_error=figures if isinstance(figures, str) else "", groups=groups,
        sources=Markup(sources_html(or_error(load_sources))), data_hash=data_hash(),
        versions=[(k, v or "not installed") for k, v in versions.items()])
    path = run_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def subject_name() -> str:
    try:
        return descriptor.subject().name
    except ProjectError:  # the page is still written; the title just names no country
        return "the subject"
