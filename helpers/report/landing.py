"""``index.html``, the landing page: findings first, the posts map, the reports by question (the
country profiles by region, searchable), failed jobs first, and the provenance. It holds no run
id and no durations (they are in ``manifest.json``), so the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
import json
import platform
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from helpers.core import paths, places, templates
from helpers.core.exceptions import ProjectError
from helpers.core.text import escape_md
from helpers.data import descriptor
from helpers.data.descriptor import data_hash
from helpers.report import changes as changes_module
from helpers.report.export import (
    load_sources,
    name_subject,
    or_error,
    readable,
    render_markdown,
    selection,
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


# ---------------------------------------------------------------- findings

FINDING_TABLES = ("relations", "missions", "register_posts", "post_sources", "trade")


@dataclass(frozen=True)
class Finding:
    """One finding of the landing page: a sentence (Markdown, rendered inert) and the reports
    that show it, as (file, name) links named by what they show."""

    text: str
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reports:
    """The run's reports that a finding may link to: (file, job's parameters) per notebook."""

    done: tuple[tuple[str, str, tuple], ...] = ()  # (notebook, file, parameters as items)

    @classmethod
    def of(cls, run_dir: Path | None, outcomes: list) -> Reports:
        found = []
        for o in outcomes:
            file = f"{o.name}.html"
            if o.status == "ok" and run_dir is not None and (Path(run_dir) / file).is_file():
                parameters = {k: v for k, v in o.parameters.items() if k != "output_dir"}
                found.append((o.notebook, file, tuple(sorted(
                    (k, tuple(v) if isinstance(v, list) else v) for k, v in parameters.items()))))
        return cls(tuple(found))

    def link(self, notebook: str, name: str, **parameters) -> tuple[tuple[str, str], ...]:
        """((file, name),) of the notebook's report run with exactly these parameters; () when
        the run has none (a finding still stands without its link)."""
        want = tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                            for k, v in parameters.items()))
        return tuple((file, name) for nb, file, got in self.done
                     if nb == notebook and got == want)[:1]


def _posts_both_ways(tables: dict, subject: str, reports: Reports) -> Finding | None:
    """The subject's posts abroad and the partners' posts serving it, counted as the coverage
    report counts them (every source; ``compute.post_count``)."""
    from helpers.analysis import compute

    missions = tables["missions"]
    sides = {"abroad": f"{compute.possessive(subject)} posts abroad",
             "inward": f"Partners' posts serving {subject}"}
    said = [compute.describe_post_count(compute.post_count(missions, d), side)
            for d, side in sides.items() if (missions["direction"].astype(str) == d).any()]
    if not said:
        return None
    return Finding(" ".join(said), reports.link(COVERAGE, "Coverage: every region"))


def _rank_among_peers(tables: dict, subject: str, reports: Reports) -> Finding | None:
    """Where the subject's network ranks among its sub-region's largest, in the register."""
    from helpers.analysis import peers

    register = tables.get("register_posts")
    iso3 = _subject_iso3()
    if register is None or register.empty or not iso3:
        return None
    compared = [iso3, *peers.default_peers(register, iso3)]
    totals = peers.posts_abroad(register, compared).groupby("sending_iso3", sort=False)[
        "posts"].sum()
    if iso3 not in totals.index or len(totals) < 2:
        return None
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], places.name_of(kv[0])))
    rank = [c for c, _ in ranked].index(iso3) + 1
    country = places.countries().get(iso3)
    where = (country.subregion if country is not None and country.subregion else "its region")
    others = ", ".join(f"{escape_md(places.name_of(c))} {n:,}" for c, n in ranked)
    return Finding(
        f"Among the {len(ranked)} largest diplomatic networks of {escape_md(where)} in the "
        f"register of posts, {escape_md(subject)}'s network ranks **{_ordinal(rank)}**, with "
        f"**{int(totals[iso3]):,}** posts abroad ({others}).",
        reports.link(PEERS, f"Peers: {subject} beside {where}"))


def _oldest_and_newest(tables: dict, subject: str, reports: Reports) -> Finding | None:
    """The oldest and the newest relations the sources date."""
    relations = tables["relations"]
    dated = relations.dropna(subset=["established"])
    dated = dated[dated["partner"].notna()]
    if dated.empty:
        return None
    ordered = dated.assign(key=dated["established"].astype(str)).sort_values(
        ["key", "partner"], kind="stable")
    first, last = ordered.iloc[0], ordered.iloc[-1]
    links = reports.link(TIMELINE, "Timeline: every region")
    if pd.notna(last.get("iso3")):
        links += reports.link(PROFILE, f"Profile: {last['partner']}", country=str(last["iso3"]))
    return Finding(
        f"The sources date relations with **{len(dated)}** partners: the oldest with "
        f"**{escape_md(str(first['partner']))}** ({first['established']}), the newest with "
        f"**{escape_md(str(last['partner']))}** ({last['established']}).", links)


def _what_sources_disagree_on(tables: dict, subject: str, reports: Reports) -> Finding | None:
    """How far the register confirms the posts the text sources state, and where they differ."""
    from helpers.analysis import peers

    missions = tables["missions"]
    if missions["agreement"].isna().all():
        return None
    rate = peers.agreement_rate(missions)
    if not rate["text"]:
        return None
    clash = peers.conflicts(tables["post_sources"]) if "post_sources" in tables else None
    differ = ""
    if clash is not None and len(clash):
        registers = {s["file"] for s in descriptor.sources() if s.get("kind") == "register"}
        said = []
        for (sender, city), rows in clash.groupby(["sending_iso3", "city"], sort=True):
            ways = [f"{'an' if str(r.type_as_written)[:1] in 'aeiou' else 'a'} "
                    f"{escape_md(str(r.type_as_written).replace('-', ' '))} in the "
                    f"{'register' if r.source in registers else 'text'}"
                    for r in rows.sort_values("source").itertuples()]
            said.append(f"{escape_md(places.name_of(str(sender)))}'s post in "
                        f"{escape_md(str(city))} ({', '.join(ways)})")
        differ = ": " + "; ".join(said[:3])
    return Finding(
        f"The register of posts confirms **{rate['both']}** of the **{rate['text']}** posts the "
        f"text sources state (**{rate['rate']}%**), lacks **{rate['text-only']}** and states "
        f"**{rate['conflict']}** differently{differ}.",
        reports.link(QUALITY, "Data quality: where the sources differ"))


# The landing page's findings, in order: each a function (tables, subject, reports) -> Finding
# or None (nothing to say for this build). A new finding is one more function here.
def _largest_trading_partners(tables: dict, subject: str, reports: Reports) -> Finding | None:
    """Who has led the subject's trade and since when, and its largest partners' presence."""
    from helpers.analysis import trade

    t = tables.get("trade")
    iso3 = _subject_iso3()
    if t is None or not iso3 or trade.reported_by(t, iso3).empty:
        return None
    ranked = trade.beside_presence(t, tables["missions"], iso3).head(3)
    words = {"resident embassy": "a resident embassy"}
    presence = "; ".join(
        f"{escape_md(places.name_of(r.partner_iso3))} {r.share:.0%} "
        f"({escape_md(words.get(r.presence_abroad, r.presence_abroad))} of "
        f"{escape_md(subject)} there)" for r in ranked.itertuples())
    span = f"{ranked['first_year'].iloc[0]}–{ranked['last_year'].iloc[0]}" if len(ranked) else ""
    text = escape_md(trade.lead_sentence(t, iso3))
    if presence:
        text += f" Its largest partners in two-way trade over {span}: {presence}."
    return Finding(text, reports.link(TRADE, "Trade: partners, regions and both reports"))


FINDINGS = (_posts_both_ways, _largest_trading_partners, _rank_among_peers, _oldest_and_newest,
            _what_sources_disagree_on)
COVERAGE, PEERS, TIMELINE, PROFILE, QUALITY = ("02-mission-coverage", "06-peer-comparison",
                                               "01-relation-timeline", "04-country-profile",
                                               "05-data-quality")
TRADE = "03-trade-figures"


def findings(tables: dict | None = None, subject: str = "",
             reports: Reports | None = None) -> list[Finding]:
    """The landing page's findings, computed from the processed tables (``FINDINGS``)."""
    from helpers.data import load

    if tables is None:
        tables = {name: load.load(name, paths.PROCESSED) for name in FINDING_TABLES}
    reports = reports or Reports()
    return [f for f in (make(tables, subject, reports) for make in FINDINGS) if f is not None]


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _subject_iso3() -> str:
    try:
        return descriptor.subject().iso3
    except ProjectError:
        return ""


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
                label=selection(parameters),
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
    said = or_error(lambda: findings(subject=subject, reports=Reports.of(run_dir, outcomes)))
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
        findings=[] if isinstance(said, str) else [
            (Markup(re.sub(r"^<p>|</p>\s*$", "", render_markdown(f.text).strip())), f.links)
            for f in said],
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
