"""The reports' HTML: each executed notebook as one self-contained page, and the landing page.

Nothing a page shows is loaded from outside the file: nbconvert's lab template is extended
(``helpers/templates/report``) without require.js, MathJax, Mermaid or widget scripts, its CSS
is inlined, figures are inline SVG or ``data:`` PNGs, and the one script (sortable, filterable
long tables) is inlined too. Source text is escaped wherever it reaches HTML: markdown that
code builds from data is rendered with raw HTML escaped and unsafe links dropped, and the
helpers that build such markdown escape what they embed with :func:`escape_md`.

``index.html`` is the landing page: the dataset's headline figures, a card per report
(thumbnail of its first figure, links), failed jobs first, and the provenance. It holds no run
id and no durations (they are in ``manifest.json``), so the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import io
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from helpers import paths

TEMPLATES = Path(__file__).resolve().parent / "templates"
TABLE_MIN_ROWS = 10  # tables with more body rows than this get a filter box and sorting
THUMBNAIL = (320, 200)  # the largest size of a card's thumbnail, in pixels
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>#|~$&])")
_LONE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # intraword _ is never emphasis
_HEADING = re.compile(r'<h([1-3]) id="([^"]+)">(.*?)<a class="anchor-link"', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_NA_CELL = re.compile(r"<td>&lt;NA&gt;</td>")


# ---------------------------------------------------------------- escaping


def escape_md(value: Any) -> str:
    """Source text made literal inside Markdown: no markup, no HTML, no links, one line.

    Backslash-escapes every character Markdown or HTML gives a meaning to (``*``, ``[``,
    ``|``, ``<``, ``&``, ``$``, ...; ``_`` unless inside a word, where it is never emphasis,
    so file names stay readable) and turns line breaks into spaces, so a value can never
    start a heading, a list or a table row. Missing values become the empty string.
    """
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):  # lists and the like are not missing
        pass
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    return _LONE_UNDERSCORE.sub(r"\\_", text)


@cache
def _safe_renderer():
    import mistune

    class _Inert(mistune.HTMLRenderer):
        """Raw HTML escaped; images shown as their alt text (nothing is fetched)."""

        def image(self, text: str, url: str, title: str | None = None) -> str:
            return html.escape(text)

    return mistune.create_markdown(renderer=_Inert(escape=True), plugins=["strikethrough"])


def render_markdown(text: str) -> str:
    """HTML of markdown built from data: raw HTML escaped, javascript:/data: links dropped,
    images reduced to their alt text, no tables and no math (a ``|`` or ``$`` stays text)."""
    return _safe_renderer()(text)


# ---------------------------------------------------------------- provenance


def load_sources() -> list[dict[str, str]]:
    """The sources of the data package (source file, title, publisher, date, URL, licence), as
    its descriptor (``datapackage.json``) records them: the one place the pages read them."""
    from helpers import datapackage

    return [dict(source=s.get("file", ""), title=s.get("title", ""),
                 publisher=s.get("publisher", ""), date=s.get("date", ""),
                 url=s.get("path", ""), licence=s.get("licence", ""))
            for s in datapackage.sources()]


def _or_error(read):
    """What ``read()`` returns, or the message of the project error that stopped it: a page
    still gets written when the data it describes is damaged, and says so."""
    from helpers.exceptions import ProjectError

    try:
        return read()
    except ProjectError as exc:
        return str(exc)


def data_hash(folder: Path | None = None) -> str:
    """sha256 of the data package: of its descriptor, which records every table's sha256 (of
    the tables themselves when a folder has no descriptor)."""
    folder = Path(folder or paths.PROCESSED)
    descriptor = folder / "datapackage.json"
    if descriptor.is_file():
        return hashlib.sha256(descriptor.read_bytes()).hexdigest()
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")):
        digest.update(f"{path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()


def _subject() -> str:
    from helpers import profile
    from helpers.exceptions import ProjectError

    try:
        return profile.subject().name
    except ProjectError:  # the page is still written; the title just names no country
        return "the subject"


def _versions() -> dict[str, str]:
    import platform
    from importlib.metadata import PackageNotFoundError, version

    from helpers.reports import PACKAGES

    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def readable(value: Any) -> str:
    """A parameter value as a reader says it: lists joined by commas, booleans as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(readable(v) for v in value) if value else "all"
    if value is None or value == "":
        return "(empty)"
    return str(value)


def _parameters_html(parameters: dict[str, Any]) -> str:
    e = html.escape
    if not parameters:
        return "<p>Parameters: the notebook's defaults.</p>"
    items = "".join(f"<dt>{e(str(k))}</dt><dd>{e(readable(v))}</dd>"
                    for k, v in sorted(parameters.items()))
    return f"<dl class='report-params'>{items}</dl>"


def _sources_html(sources: list[dict[str, str]] | str) -> str:
    """The sources as a list; a string is the error that kept them from being read."""
    e = html.escape
    if isinstance(sources, str):
        return f"<p class='report-failed'>The sources could not be read: {e(sources)}</p>"
    items = []
    for s in sources:
        title = e(s.get("title", "") or s.get("source", ""))
        url = s.get("url", "")
        if url.startswith(("https://", "http://")):
            title = f"<a href=\"{e(url)}\">{title}</a>"
        items.append(f"<li>{title}, {e(s.get('publisher', ''))} ({e(s.get('date', ''))}; "
                     f"{e(s.get('licence', ''))}; file <code>{e(s.get('source', ''))}</code>)"
                     "</li>")
    return f"<ul class='sources'>{''.join(items)}</ul>"


# ---------------------------------------------------------------- one report


def _header(nb, run_id: str, sources: list[dict[str, str]], digest: str) -> str:
    e = html.escape
    report = nb.metadata.get("report", {})
    job = report.get("job", "")
    lines = ["<header class='report-header'>"]
    what = []
    if job:
        what.append(f"report <b>{e(job)}</b> of notebook <b>{e(report.get('notebook', ''))}</b>")
    if run_id:
        what.append(f"run <code>{e(run_id)}</code>")
    if what:
        lines.append(f"<p>{'; '.join(what)}.</p>")
    if report:
        lines.append(_parameters_html(report.get("parameters") or {}))
    lines.append(f"<p>Data package sha256 <code>{e(digest)}</code>.</p>")
    lines.append(f"<h2>Sources</h2>{_sources_html(sources)}")
    lines.append("<!--report-toc-->")
    lines.append("</header>")
    return "\n".join(lines)


def _toc(body: str) -> str:
    """A nested list of the page's h2/h3 section headings (from the notebook's markdown)."""
    items: list[tuple[int, str, str]] = [
        (int(level), anchor, html.escape(html.unescape(_TAG.sub("", text)).strip()))
        for level, anchor, text in _HEADING.findall(body) if level != "1"]
    if not items:
        return ""
    out, depth = ["<nav class='report-toc'><h2>Contents</h2><ol>"], 2
    for i, (level, anchor, text) in enumerate(items):
        while depth < level:
            out.append("<ol>")
            depth += 1
        while depth > level:
            out.append("</li></ol>")
            depth -= 1
        if i and out[-1] not in ("<ol>",):
            out.append("</li>")
        out.append(f"<li><a href=\"#{html.escape(anchor)}\">{text}</a>")
    while depth > 2:
        out.append("</li></ol>")
        depth -= 1
    out.append("</li></ol></nav>")
    return "".join(out)


def _asset(name: str) -> str:
    return (TEMPLATES / "report" / name).read_text(encoding="utf-8")


@cache
def _exporter_class():
    from nbconvert import HTMLExporter

    class ReportExporter(HTMLExporter):
        """nbconvert's HTML exporter, validating the notebook once instead of after each of
        its dozen preprocessors (each check compiles the JSON schema anew: measured 60% of an
        export)."""

        def _preprocess(self, nb, resources):
            self._validated = False
            return super()._preprocess(nb, resources)

        def _validate_preprocessor(self, nbc, preprocessor):
            if not self._validated:
                super()._validate_preprocessor(nbc, preprocessor)
                self._validated = True

    return ReportExporter


def to_html(nb, hide_code: bool, run_id: str = "") -> str:
    """A self-contained HTML page of an executed notebook, code hidden on request.

    The header names the run, the job's parameters, the data package's hash and the sources,
    then a table of contents of the notebook's sections. pandas escapes table cells (a
    missing value shows as an empty cell, never ``<NA>``); markdown outputs are rendered by
    :func:`render_markdown`. nbconvert's own sanitizer stays off because it mangles pandas
    tables (it escapes ``</tbody>``).
    """
    exporter = _exporter_class()(template_name="report",
                                 extra_template_basedirs=[str(TEMPLATES)],
                                 exclude_input=hide_code, exclude_input_prompt=hide_code,
                                 exclude_output_prompt=hide_code)
    exporter.register_filter("safe_markdown", render_markdown)
    resources = {
        "report_header": _header(nb, run_id, _or_error(load_sources), data_hash()),
        "report_css": _asset("report.css"),
        "report_js": _asset("tables.js").replace("__MIN_ROWS__", str(TABLE_MIN_ROWS)),
    }
    body, _ = exporter.from_notebook_node(copy.deepcopy(nb), resources=resources)
    body = body.replace("<!--report-toc-->", _toc(body), 1)
    return _NA_CELL.sub("<td></td>", body)


# ---------------------------------------------------------------- the landing page


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
    from helpers import load

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
            f"<p class='files'><a href=\"{name}.html\">report</a> · "
            f"<a href=\"{name}.ipynb\">notebook</a></p></article>")


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
    subject = _subject()
    failed = [o for o in outcomes if o.status != "ok"]
    sections = []
    if changes_html:
        sections.append(f"<section class='changes'>{changes_html}</section>")
    figures = _or_error(headline_figures)
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
    versions = ", ".join(f"{e(k)} {e(v)}" for k, v in _versions().items())
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
{_sources_html(_or_error(load_sources))}
<p>Data package sha256 <code>{e(data_hash())}</code>.</p>
<p>Packages: {versions}.</p></footer>
</body></html>
"""
    path = run_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
