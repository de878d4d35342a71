"""Each executed notebook as one self-contained HTML page.

Nothing a page shows is loaded from outside the file: nbconvert's lab template is extended
(``helpers/templates/report``) without require.js, MathJax, Mermaid or widget scripts, its CSS
is inlined, figures are inline SVG or ``data:`` PNGs, and the one script (sortable, filterable
long tables) is inlined too. Markdown that code builds from data is rendered with raw HTML
escaped and unsafe links dropped.
"""

from __future__ import annotations

import copy
import html
import re
from functools import cache
from typing import Any

from helpers.analysis.table_display import READER_HTML, source_titles
from helpers.core import paths, places
from helpers.core.exceptions import ProjectError
from helpers.data import descriptor
from helpers.data.descriptor import data_hash

TEMPLATES = paths.TEMPLATES


TABLE_MIN_ROWS = 10  # tables with more body rows than this get a filter box and sorting


_HEADING = re.compile(r'<h([1-3]) id="([^"]+)">(.*?)<a class="anchor-link"', re.DOTALL)


_TAG = re.compile(r"<[^>]+>")


_NA_CELL = re.compile(r"<td>&lt;NA&gt;</td>")

# Cells tagged so in the notebook (developer notes) are left out of the reports; outputs whose
# metadata says ``"report": "omit"`` (the sources line the footer already gives) too.
REMOVE_TAG = "remove-in-report"
OMIT = {"report": "omit"}
_H1 = re.compile(r"(<h1 id=\"[^\"]*\">)(.*?)(<a class=\"anchor-link\")", re.DOTALL)
_H1_END = re.compile(r"<h1 id=\"[^\"]*\">.*?</h1>", re.DOTALL)


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


def load_sources() -> list[dict[str, str]]:
    """The sources of the data package (source file, title, publisher, date, URL, licence), as
    its descriptor (``datapackage.json``) records them: the one place the pages read them."""

    listed = [dict(source=s.get("file", ""), title=s.get("title", ""),
                   publisher=s.get("publisher", ""), date=s.get("date", ""),
                   url=s.get("path", ""), licence=s.get("licence", ""),
                   citation=s.get("citation", ""), kind=s.get("kind", ""))
              for s in descriptor.sources()]
    return _one_line_for_trade(listed)


def _one_line_for_trade(sources: list[dict[str, str]]) -> list[dict[str, str]]:
    """The trade workbooks (one per reporting country) as one source: the statistics they are,
    with the citation their terms ask for and the files named once."""
    trade = [s for s in sources if s["kind"] == "trade"]
    if len(trade) < 2:
        return sources
    first = trade[0]
    files = ", ".join(s["source"] for s in trade)
    merged = dict(first, title=f"{first['title'].split(':')[0]}: {len(trade)} country tables "
                  "of exports and imports by partner", source=files)
    at = sources.index(first)
    rest = [s for s in sources if s["kind"] != "trade"]
    return rest[:at] + [merged] + rest[at:]


def or_error(read):
    """What ``read()`` returns, or the message of the project error that stopped it: a page
    still gets written when the data it describes is damaged, and says so."""
    try:
        return read()
    except ProjectError as exc:
        return str(exc)






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


def sources_html(sources: list[dict[str, str]] | str) -> str:
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
        cited = f" {e(s['citation'])}." if s.get("citation") else ""
        items.append(f"<li>{title}, {e(s.get('publisher', ''))} ({e(s.get('date', ''))}; "
                     f"{e(s.get('licence', ''))}; file <code>{e(s.get('source', ''))}</code>)"
                     f"{cited}</li>")
    return f"<ul class='sources'>{''.join(items)}</ul>"


def cite(text: str) -> str:
    """Source file names in a sentence replaced by the sources' titles ("(Foreign relations of
    Peru, line 89)"): the reader's words; the footer pairs each title with its file."""
    titles = source_titles()
    if not titles:
        return text
    pattern = re.compile("|".join(re.escape(f) for f in sorted(titles, key=len, reverse=True)))
    return pattern.sub(lambda m: titles[m.group(0)], text)


def for_readers(nb) -> None:
    """Drop (in place) the cells tagged ``remove-in-report`` and the outputs marked
    ``"report": "omit"``: developer notes stay in the notebook, out of the report. A table's
    reader rendering (``table_display.READER_HTML``: names, labels, units) replaces the raw
    HTML pandas gave JupyterLab, and sentences cite sources by title (:func:`cite`)."""
    nb.cells = [c for c in nb.cells if REMOVE_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        if cell.get("outputs"):
            cell["outputs"] = [o for o in cell["outputs"]
                               if o.get("metadata", {}).get("report") != OMIT["report"]]
            for output in cell["outputs"]:
                data = output.get("data", {})
                if READER_HTML in data:
                    data["text/html"] = data.pop(READER_HTML)
                if "text/markdown" in data:
                    data["text/markdown"] = cite(data["text/markdown"])


def question(nb, subject: str, partner: str = "") -> str:
    """The notebook's question (its first heading) with the subject, and the partner of a
    profile, named: "When did Peru's relations ... begin?"."""
    text = ""
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.get("source", ""), re.MULTILINE)
            text = match.group(1).strip() if match else ""
            break
    return name_subject(text, subject, partner)


def name_subject(text: str, subject: str, partner: str = "") -> str:
    """"the subject country('s)" and, for a profile, "one partner" replaced by the names."""
    if subject:
        text = re.sub(r"\b[Tt]he subject( country)?'s", f"{subject}'s", text)
        text = re.sub(r"\b[Tt]he subject( country)?\b", subject, text)
    if partner:
        text = re.sub(r"\bone partner\b", partner, text)
    return text


def _title(nb, subject: str) -> str:
    """The page's <title>: the question with the subject named, and what the job selects."""
    report = nb.metadata.get("report", {})
    parameters = dict(report.get("parameters") or {})
    partner = places.name_of(str(parameters.pop("country"))) if "country" in parameters else ""
    said = "; ".join(f"{k.replace('_', ' ')}: {readable(v)}" for k, v in sorted(parameters.items())
                     if k != "output_dir")
    title = question(nb, subject, partner) or str(report.get("job", "")) or "Report"
    return f"{title}{f' ({said})' if said else ''} – foreign relations of {subject}"


def _partner(nb) -> str:
    country = (nb.metadata.get("report", {}).get("parameters") or {}).get("country")
    return places.name_of(str(country)) if country else ""


# How a job's parameters read in a link or a byline: the selection it makes, by parameter name.
_SELECTION = {"regions": "By region: {}", "countries": "Beside {}", "scale": "In {}",
              "sources": "Sources: {}", "direction": "Direction: {}", "indicators": "{}",
              "post_types": "Post types: {}", "event_kinds": "Events: {}"}


def selection(parameters: dict[str, Any]) -> str:
    """What a job selects, as a reader names it ("By region: Africa"; "Overview" for the
    notebook's defaults); ``country`` (a profile) and ``output_dir`` say nothing here."""
    said = [_SELECTION.get(k, f"{k.replace('_', ' ')}: {{}}").format(readable(v))
            for k, v in sorted(parameters.items()) if k not in ("country", "output_dir")]
    return "; ".join(said) or "Overview"


def _as_of(sources: list[dict[str, str]] | str) -> str:
    """The newest source's date in words: "16 November 2022", "February 2018"."""
    import calendar

    dates = sorted(s.get("date", "") for s in sources) if not isinstance(sources, str) else []
    if not dates or not dates[-1]:
        return ""
    parts = dates[-1].split("-")
    month = calendar.month_name[int(parts[1])] if len(parts) > 1 else ""
    return " ".join(p for p in (parts[2].lstrip("0") if len(parts) > 2 else "", month,
                                parts[0]) if p)


def _byline(nb, sources: list[dict[str, str]] | str) -> str:
    """One line under the title: the subject, what the job selects, how recent the data is, and
    a link to the sources and the run's details in the footer."""
    e = html.escape
    subject = or_error(descriptor.subject)
    parameters = nb.metadata.get("report", {}).get("parameters") or {}
    said = [f"Foreign relations of <b>{e(subject.name)}</b>" if not isinstance(subject, str)
            else "", e(selection(parameters)) if selection(parameters) != "Overview" else "",
            f"data as of {e(_as_of(sources))}" if _as_of(sources) else "",
            "<a href=\"#about\">sources and method</a>"]
    return f"<p class='report-byline'>{' · '.join(s for s in said if s)}</p>"


def _summary(nb, anchors: dict[str, str]) -> str:
    """The answer on the first screen: each section's first computed sentence (the first
    markdown a cell displays under an h2), linked to its section; at most five."""
    items, section, taken = [], "", set()
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            for heading in re.findall(r"^##\s+(.+)$", cell.get("source", ""), re.MULTILINE):
                section = heading.strip()
            continue
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown")
            if section and text and section not in taken and section in anchors:
                taken.add(section)
                said = re.sub(r"^<p>|</p>\s*$", "", render_markdown(_gist(text)).strip())
                items.append(f"<li>{said} <a href=\"#{html.escape(anchors[section])}\">"
                             f"{html.escape(section)}</a></li>")
    if not items:
        return ""
    return f"<section class='report-summary'><ul>{''.join(items[:5])}</ul></section>"


SUMMARY_CHARACTERS = 320  # a finding on the first screen is one sentence, and no longer


def _gist(text: str) -> str:
    """The first sentence of a section's computed text; a long one cut after a clause, with an
    ellipsis (the section says it all)."""
    bullet = re.match(r"\s*[-*] (.+)", text)  # a list: its first item
    text = bullet.group(1) if bullet else text
    first = re.match(r"(.{80,}?[.])\s+(?=[A-Z*])", text, re.DOTALL)
    said = first.group(1) if first else text.strip()
    if len(said) <= SUMMARY_CHARACTERS:
        return said
    cut = said.rfind("; ", 0, SUMMARY_CHARACTERS)
    return said[:cut] + "; …" if cut > 80 else said


def _about(nb, run_id: str, sources: list[dict[str, str]] | str, digest: str) -> str:
    """The footer "About this report": the job, notebook and run, the parameters, the subject,
    the data package's hash and the sources with their files."""
    e = html.escape
    report = nb.metadata.get("report", {})
    job = report.get("job", "")
    lines = ["<footer class='report-about' id='about'><h2>About this report</h2>"]
    what = []
    if job:
        what.append(f"report <b>{e(job)}</b> of notebook <b>{e(report.get('notebook', ''))}</b>")
    if run_id:
        what.append(f"run <code>{e(run_id)}</code>")
    if what:
        lines.append(f"<p>{'; '.join(what)}.</p>")
    if report:
        lines.append(_parameters_html(report.get("parameters") or {}))
    subject = or_error(descriptor.subject)
    if not isinstance(subject, str):
        lines.append(f"<p>Subject: <b>{e(subject.name)}</b> ({e(subject.iso3)}, capital "
                     f"{e(subject.capital)}). Every number is computed from the processed tables;"
                     " every record carries its source file and line.</p>")
    lines.append(f"<p>Data package sha256 <code>{e(digest)}</code>.</p>")
    lines.append(f"<h3 id='sources'>Sources</h3>{sources_html(sources)}")
    lines.append("</footer>")
    return "\n".join(lines)


def _headings(body: str) -> list[tuple[int, str, str]]:
    """(level, anchor, text) of the page's h2/h3 section headings (the notebook's markdown)."""
    return [(int(level), anchor, html.unescape(_TAG.sub("", text)).strip())
            for level, anchor, text in _HEADING.findall(body) if level != "1"]


def _toc(body: str) -> str:
    """A nested list of the page's h2/h3 section headings (from the notebook's markdown)."""
    items = [(level, anchor, html.escape(text)) for level, anchor, text in _headings(body)]
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

    Under the title (the question), a byline (subject, selection, data as of, a link to the
    sources), the findings (each section's first computed sentence) and the contents; the
    run, the job's parameters, the data package's hash and the sources with their files in
    the footer "About this report". Tables are the reader's rendering when the kernel gave one
    (a missing value shows as an empty cell, never ``<NA>``); markdown outputs are rendered by
    :func:`render_markdown`. nbconvert's own sanitizer stays off because it mangles pandas
    tables (it escapes ``</tbody>``).
    """
    exporter = _exporter_class()(template_name="report",
                                 extra_template_basedirs=[str(TEMPLATES)],
                                 exclude_input=hide_code, exclude_input_prompt=hide_code,
                                 exclude_output_prompt=hide_code)
    exporter.register_filter("safe_markdown", render_markdown)
    sources = or_error(load_sources)
    resources = {
        "report_about": _about(nb, run_id, sources, data_hash()),
        "report_css": _asset("report.css"),
        "report_js": _asset("tables.js").replace("__MIN_ROWS__", str(TABLE_MIN_ROWS)),
    }
    nb = copy.deepcopy(nb)
    for_readers(nb)
    subject = or_error(descriptor.subject)
    name = "" if isinstance(subject, str) else subject.name
    nb.metadata["title"] = _title(nb, name or "the subject country")
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    anchors = {text: anchor for level, anchor, text in _headings(body) if level == 2}
    first_screen = _byline(nb, sources) + _summary(nb, anchors) + _toc(body)
    body = _H1.sub(lambda m: m.group(1) + html.escape(name_subject(
        html.unescape(m.group(2)), name, _partner(nb))) + m.group(3), body, count=1)
    body = _H1_END.sub(lambda m: m.group(0) + first_screen, body, count=1)
    return _NA_CELL.sub("<td></td>", body)
