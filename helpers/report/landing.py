"""``index.html``, the landing page: findings first, the posts map, the reports by question (the
country profiles by region, searchable), failed jobs first, and the provenance. It holds no run
id and no durations (they are in ``manifest.json``), so the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
import json
import platform
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from helpers.core import paths, places, templates
from helpers.core.exceptions import ProjectError
from helpers.data import descriptor
from helpers.data.descriptor import data_hash
from helpers.report import changes as changes_module
from helpers.report.export import (
    load_sources,
    name_subject,
    or_error,
    readable,
    sources_html,
)
from helpers.report.inputs import package_versions

MAP_FIGURE = ("02-mission-coverage", "posts-map.svg")  # the map of the landing page


def _posts_map(run_dir: Path, outcomes: list) -> str:
    """A data: URI of the posts map of the coverage report run with its defaults (the whole
    world, both directions); "" when the run has none."""
    notebook, name = MAP_FIGURE
    for o in outcomes:
        path = run_dir / "figures" / o.name / name
        if o.notebook == notebook and o.status == "ok" and not o.parameters and path.is_file():
            return "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode()
    return ""


def findings(tables: dict | None = None, subject: str = "") -> list[str]:
    """The headline numbers in sentences, computed from the processed tables: where the subject
    has posts, which countries have posts serving it, the oldest and newest relations dated."""
    from helpers.data import load

    if tables is None:
        tables = {name: load.load(name, paths.PROCESSED) for name in ("relations", "missions")}
    missions, relations = tables["missions"], tables["relations"]
    open_posts = missions[missions["status"].astype(str) == "open"]
    out = []
    for direction, column, said in (
            ("abroad", "accredited_to_iso3", f"{subject} has open posts serving {{n}} countries"),
            ("inward", "sending_iso3", f"{{n}} countries have open posts serving {subject}")):
        posts = open_posts[open_posts["direction"].astype(str) == direction]
        if posts.empty:
            continue
        types = posts["post_type"].astype(str).value_counts()
        kinds = ", ".join(f"{n} {_plural(t, n)}" for t, n in sorted(
            types.items(), key=lambda kv: (-kv[1], kv[0])))
        away = int((~posts["resident"].astype(bool)).sum())
        out.append(said.format(n=posts[column].nunique()) + f": {kinds}"
                   + (f" ({away} of them accredited from a third country)." if away else "."))
    dated = relations.dropna(subset=["established"])
    dated = dated[dated["partner"].notna()]
    if len(dated):
        ordered = dated.assign(key=dated["established"].astype(str)).sort_values(
            ["key", "partner"], kind="stable")
        first, last = ordered.iloc[0], ordered.iloc[-1]
        out.append(f"The sources date relations with {len(dated)} partners; the oldest are "
                   f"with {first['partner']} ({first['established']}), the newest with "
                   f"{last['partner']} ({last['established']}).")
    return out


def _plural(word: str, n: int) -> str:
    """"embassy" -> "embassies", "consulate-general" -> "consulates-general"."""
    head, _, tail = word.partition("-general")
    if n != 1:
        head = head[:-1] + "ies" if head.endswith("y") else head + "s"
    return (head + ("-general" if _ else "") + tail).replace("-", " ").replace(
        " general", "-general")


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


def _card(o: Any, run_dir: Path) -> dict:
    """What a report's entry shows: its name in words, parameters, status and links."""
    failed = o.status != "ok"
    reused = getattr(o, "reused_from", "") or ""
    parameters = {k: v for k, v in o.parameters.items() if k != "output_dir"}
    country = str(parameters.get("country", ""))
    iso3 = places.country_of(country) or country
    return dict(name=o.name, country=places.name_of(iso3) if country else "",
                region=places.region_of(iso3) if country else "",
                label=", ".join(readable(v) for _, v in sorted(parameters.items()))
                or "every region, the notebook's defaults",
                params=", ".join(f"{k}: {readable(v)}" for k, v in sorted(parameters.items())),
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

    Findings first (sentences computed from the processed tables), the posts map, then the
    reports grouped by the question their notebook answers, the country profiles named by
    country, grouped by region and searchable; the processing counts and the provenance in the
    footer. ``outcomes`` are the runner's ``Outcome`` records; ``changes`` lists what changed in
    the data since the previous run. No run id and no durations, so the same inputs give the
    same bytes. Rendered from ``helpers/templates/landing/index.html.j2``.
    """
    run_dir = Path(run_dir)
    subject = subject_name()
    failed = [o for o in outcomes if o.status != "ok"]
    figures = or_error(headline_figures)
    said = or_error(lambda: findings(subject=subject))
    groups, profiles = [], {}
    for notebook in sorted(dict.fromkeys(o.notebook for o in outcomes if o.status == "ok")):
        cards = [_card(o, run_dir) for o in outcomes if o.notebook == notebook and o.status == "ok"]
        title = name_subject(_notebook_title(notebook), subject)
        if all(c["country"] for c in cards):
            for c in sorted(cards, key=lambda c: (c["region"], c["country"])):
                profiles.setdefault(c["region"] or "other", []).append(c)
            profiles_title = name_subject(_notebook_title(notebook), subject, "one partner")
            groups.append((notebook, profiles_title, []))
        else:
            groups.append((notebook, title, cards))
    versions = {"python": platform.python_version(), **package_versions()}
    page = templates.render(
        "landing/index.html.j2", subject=subject, total=len(outcomes),
        failed=[_card(o, run_dir) for o in failed], hide_code=hide_code, changes=changes,
        findings=[] if isinstance(said, str) else said,
        findings_error=said if isinstance(said, str) else "",
        posts_map=_posts_map(run_dir, outcomes),
        figures=[] if isinstance(figures, str) else figures,
        figures_error=figures if isinstance(figures, str) else "", groups=groups,
        profiles=sorted(profiles.items()),
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
