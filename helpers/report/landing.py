"""``index.html``, the landing page: the dataset's headline figures, a card per report, failed jobs
first, and the provenance. It holds no run id and no durations (they are in ``manifest.json``),
so the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
import html
import io
import json
import platform
import re
from pathlib import Path
from typing import Any

from helpers.core import paths
from helpers.core.exceptions import ProjectError
from helpers.data import descriptor
from helpers.data.descriptor import data_hash
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


def _card(run_dir: Path, o: Any) -> str:
    e = html.escape
    name = e(o.name)
    failed = o.status != "ok"
    reused = getattr(o, "reused_from", "") or ""
    thumb = "" if failed else _thumbnail(run_dir, o.name)
    image = (f"<a href=\"{name}.html\"><img src=\"{thumb}\" alt=\"First figure of {name}\">"
             "</a>" if thumb else "<div class='no-figure'>no figure</div>")
    params = ", ".join(f"{k}: {readable(v)}" for k, v in sorted(o.parameters.items()))
    status = "failed" if failed else ("reused" if reused else "executed")
    said = f"reused from {reused}" if reused else status
    error = f"<pre class='error'>{e(o.error)}</pre>" if failed else ""
    return (f"<article class='card {status}'>{image}<h3><a href=\"{name}.html\">{name}</a></h3>"
            f"<p class='params'>{e(params) or 'the notebook&#x27;s defaults'}</p>"
            f"<p class='status'>{e(said)}</p>{error}"
            f"<p class='files'>{_links(run_dir, o.name)}</p></article>")


def _links(run_dir: Path, job: str) -> str:
    """Links to the job's files that exist (a worker killed mid-job leaves none)."""
    found = [f"<a href=\"{html.escape(job)}{suffix}\">{label}</a>"
             for suffix, label in ((".html", "report"), (".ipynb", "notebook"))
             if (run_dir / f"{job}{suffix}").is_file()]
    return " · ".join(found) or "no files: the job stopped before writing any"


_INDEX_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:72em;
padding:0 1em;color:#1f2328}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em}h3{font-size:1em;margin:.4em 0}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(16em,1fr));gap:1em}
.figures table{border-collapse:collapse;width:100%;font-size:.9em;align-self:start}
.figures caption{font-weight:bold;text-align:left;padding-bottom:.3em}
.figures td{border-bottom:1px solid #eee;padding:2px 4px}.figures td.n{text-align:right}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(15em,1fr));gap:1em}
.card{border:1px solid #d0d7de;border-radius:6px;padding:.6em;background:#fff}
.card img{max-width:100%;height:auto;display:block;border:1px solid #eee}
.card.failed{border-color:#b00020;background:#fff5f5}
.card .status{font-size:.85em;color:#555}.card .params{font-size:.85em;margin:.2em 0}
.card pre.error{white-space:pre-wrap;font-size:.8em;color:#b00020;max-height:12em;overflow:auto}
.no-figure{height:5em;display:flex;align-items:center;justify-content:center;color:#888;
background:#f6f8fa}
footer{margin-top:2.5em;border-top:1px solid #d0d7de;font-size:.85em;color:#444}
footer code{word-break:break-all}
"""


def write_index(run_dir: Path, outcomes: list, hide_code: bool, changes_html: str = "") -> Path:
    """Write ``run_dir/index.html``, the landing page of a run; return its path.

    ``outcomes`` are the runner's ``Outcome`` records (name, notebook, parameters, status,
    error and, when present, ``reused_from``). ``changes_html`` is a trusted HTML fragment
    placed at the top (what changed since the previous run). The page has no run id and no
    durations, so the same inputs give the same bytes.
    """
    e = html.escape
    run_dir = Path(run_dir)
    subject = subject_name()
    failed = [o for o in outcomes if o.status != "ok"]
    sections = []
    if changes_html:
        sections.append(f"<section class='changes'>{changes_html}</section>")
    figures = or_error(headline_figures)
    groups = (f"<p class='error'>The dataset could not be read: {e(figures)}</p>"
              if isinstance(figures, str) else "".join(
                  f"<table><caption>{e(heading)}</caption>"
                  + "".join(f"<tr><td>{e(label)}</td><td class='n'>{n}</td></tr>"
                            for label, n in rows)
                  + "</table>" for heading, rows in figures))
    sections.append(f"<section><h2>The dataset</h2><div class='figures'>{groups}</div>"
                    "</section>")
    if failed:
        cards = "".join(_card(run_dir, o) for o in failed)
        sections.append(f"<section id='failed'><h2>Failed reports ({len(failed)})</h2>"
                        f"<div class='cards'>{cards}</div></section>")
    notebooks = list(dict.fromkeys(o.notebook for o in outcomes if o.status == "ok"))
    for notebook in sorted(notebooks):
        ok = [o for o in outcomes if o.notebook == notebook and o.status == "ok"]
        title = _notebook_title(notebook)
        cards = "".join(_card(run_dir, o) for o in ok)
        sections.append(f"<section id='{e(notebook)}'><h2>{e(notebook)}"
                        + (f": {e(title)}" if title else "") + f"</h2><div class='cards'>"
                        f"{cards}</div></section>")
    versions = ", ".join(f"{e(k)} {e(v or 'not installed')}" for k, v in
                         {"python": platform.python_version(), **package_versions()}.items())
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Foreign relations of {e(subject)}: reports</title>
<style>{_INDEX_CSS}</style></head><body>
<header><h1>Foreign relations of {e(subject)}: reports</h1>
<p>{len(outcomes)} reports, {len(failed)} failed. Code cells are
{'hidden' if hide_code else 'shown'} in the reports. The run id, durations and every file's
checksum are in <a href="manifest.json">manifest.json</a>.</p></header>
{chr(10).join(sections)}
<footer><h2>Provenance</h2>
{sources_html(or_error(load_sources))}
<p>Data package sha256 <code>{e(data_hash())}</code>.</p>
<p>Packages: {versions}.</p></footer>
</body></html>
"""
    path = run_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def subject_name() -> str:
    try:
        return descriptor.subject().name
    except ProjectError:  # the page is still written; the title just names no country
        return "the subject"
