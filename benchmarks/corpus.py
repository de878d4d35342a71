"""Reading real articles: each corpus document built and scored against its hand-checked rows.

``python -m benchmarks.corpus`` (``make corpus``) prints, for every folder of tests/corpus:
statements read, represented, unparsed, partners identified, and precision and recall of
posts, dates (events) and memberships against ``expected.toml``; ``--unparsed`` lists every
unparsed statement. ``make bench`` reports the same as the figure ``corpus``.

How rows are matched (see tests/corpus/README.md for how expected.toml is written):

- partners: (ISO3, date relations began, heading) of each table row;
- posts: (sending, country of the city, city, post type, country served); the city matches
  its GeoNames spelling or the spelling of the text, accents and case aside;
- dates: (partner, date, kind) of each event, once however often the text states it; prose
  outside the tables has no partner;
- memberships: (organization, member): names are compared through
  reference/organizations.csv, so "OAS" and "Organization of American States" are one.

Each document's false positives (rows the build writes that expected.toml lacks) are counted
next to its misses, and three invariants are checked on every build (a violation fails
``make corpus`` and tests/unit/build/test_corpus.py): no post of a country in its own territory;
no post whose city is a possessive ("France's") or a country's name that is no city of it;
a post stated in a clause that names its own sending country ("... and Sweden has an embassy
in Riga") belongs to that country.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks.registry import ROOT, Context, Group, Row, figure

CORPUS = ROOT / "tests" / "corpus"
POSTS_F1_TARGET = 0.97


@dataclass(frozen=True)
class Score:
    expected: int
    found: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.expected + other.expected, self.found + other.found,
                     self.matched + other.matched)


@dataclass(frozen=True)
class Reading:
    """One document's counts, scores and the rows that did not match."""

    name: str
    counts: dict[str, int]
    scores: dict[str, Score]
    missed: dict[str, list[tuple]]  # expected, not found
    extra: dict[str, list[tuple]]  # found, not expected
    unparsed: list[dict]
    violations: list[str]  # invariants the build broke (see ``invariant_violations``)

    @property
    def false_positives(self) -> int:
        return sum(len(rows) for rows in self.extra.values())

    @property
    def misses(self) -> int:
        return sum(len(rows) for rows in self.missed.values())


def documents() -> list[Path]:
    """Every corpus folder with an expected.toml, by name."""
    return sorted(p for p in CORPUS.iterdir() if (p / "expected.toml").is_file())


def _score(expected: list[tuple], found: list[tuple]) -> tuple[Score, list, list]:
    want, got = Counter(expected), Counter(found)
    both = want & got
    return (Score(sum(want.values()), sum(got.values()), sum(both.values())),
            sorted((want - both).elements()), sorted((got - both).elements()))


def read_document(folder: Path) -> Reading:
    """Build one corpus folder in-process and score it against its expected.toml."""
    from helpers.build.memberships import organizations
    from helpers.build.pipeline import extract_tables
    from helpers.build.sources import read_manifest
    from helpers.core.places import fold

    manifest = read_manifest(folder)
    tables, counts = extract_tables(manifest)
    expected = tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))
    subject = manifest.subject.iso3
    orgs = organizations()

    def org(name: str) -> str:
        for key in (name, name.split(" (")[0]):
            if key.lower() in orgs:
                return orgs[key.lower()].name
        return name

    def heading(text: str) -> str:
        return " ".join(text.replace("-", " ").lower().split())

    pairs = {
        "partners": (
            [(p["iso3"], p.get("established", ""), heading(p.get("heading", "")))
             for p in expected.get("partners", [])],
            [(r["iso3"] or "", r["established"] or "", heading(r.get("heading") or ""))
             for r in tables["relations"]]),
        "posts": (
            [(p["sending_iso3"], p["host_iso3"], fold(p["city"]), p["post_type"],
              p.get("accredited_to_iso3", p["host_iso3"])) for p in expected.get("posts", [])],
            [(m["sending_iso3"], m["city_iso3"] or "", fold(m["city"]), m["post_type"],
              m["accredited_to_iso3"]) for m in tables["missions"]]),
        "dates": (
            [(e.get("partner", ""), e["date"], e["kind"]) for e in expected.get("events", [])],
            [(e["partner_iso3"] or "", e["date"], e["kind"]) for e in tables["events"]]),
        "memberships": (
            [(org(m["organization"]), m.get("member_iso3", subject))
             for m in expected.get("memberships", [])],
            [(org(m["organization"]), m["member_iso3"]) for m in tables["memberships"]]),
    }
    # a post's city matches its GeoNames spelling or the text's
    written = {fold(m["city_as_written"]): fold(m["city"]) for m in tables["missions"]}
    pairs["posts"] = ([(s, h, written.get(c, c), t, a) for s, h, c, t, a in pairs["posts"][0]],
                      pairs["posts"][1])
    scores, missed, extra = {}, {}, {}
    for name, (want, got) in pairs.items():
        if name in ("dates", "memberships"):  # a fact stated twice is one fact
            want, got = sorted(set(want)), sorted(set(got))
        scores[name], missed[name], extra[name] = _score(want, got)
    identified = sum(1 for r in tables["relations"] if r["iso3"])
    counts = {**counts, "partners identified": identified}
    return Reading(folder.name, counts, scores, missed, extra, tables["unparsed"],
                   invariant_violations(tables["missions"]))


# "... and Sweden has an embassy in": a clause naming its sending country before its verb
_OWN_SENDER = re.compile(r"(?:^|\band\s+|[,;]\s+)(?:the\s+)?(?P<country>[A-Z][\w.]*(?:\s+[A-Z]"
                         r"[\w.]*)*)\s+(?:also\s+)?(?:has|have|maintains|opened)\s+(?:an?\s+|"
                         r"its\s+)?(?:embassy|consulate|honorary\s+consulate|high\s+commission)"
                         r"[^.;]*?\b(?:in|at)\s+(?P<city>[A-Z][\w’'-]+)")


def invariant_violations(missions: list[dict]) -> list[str]:
    """What a build must never write, whatever the text: a country's post in its own
    territory, a city that is a possessive or a country's name (not a city of that country),
    a post given to another country than the one its own clause names as sending it."""
    from helpers.core import places

    out = []
    for m in missions:
        where = f"{m['source']}:{m['line']} {m['sending_iso3']} {m['post_type']} in {m['city']}"
        if m["city_iso3"] and m["city_iso3"] == m["sending_iso3"]:
            out.append(f"{where}: a post in the sending country's own territory")
        city = m["city_as_written"]
        named = places.country_of(city)
        if re.search(r"['’]s?$", city) or (named and not any(
                named in (c.iso3, c.territory) for c in places.city_candidates(city))):
            out.append(f"{where}: the city is a possessive or a country's name")
        for clause in _OWN_SENDER.finditer(m["text"]):
            sender = places.country_of(clause.group("country"))
            if sender and places.fold(clause.group("city")) == places.fold(city) and \
                    sender != m["sending_iso3"] and not any(
                        x["sending_iso3"] == sender and x["text"] == m["text"]
                        and places.fold(x["city_as_written"]) == places.fold(city)
                        for x in missions):
                out.append(f"{where}: its clause names {sender} as the sending country")
    return out


def read_corpus() -> list[Reading]:
    return [read_document(folder) for folder in documents()]


def _pr(score: Score) -> str:
    return f"{score.precision:.2f}/{score.recall:.2f}"


def table(readings: list[Reading]) -> str:
    """The per-document table ``make corpus`` prints, with a total line."""
    head = (f"{'document':<11} {'read':>5} {'repr':>5} {'unpar':>5} {'rows':>5} "
            f"{'ident':>5}  {'partners P/R':>12} {'posts P/R':>10} {'dates P/R':>10} "
            f"{'members P/R':>11} {'miss':>5} {'FP':>4}")
    lines = [head, "-" * len(head)]
    total: dict[str, Score] = {}
    for r in readings:
        c = r.counts
        lines.append(
            f"{r.name:<10} {c['statements read']:>5} {c['represented']:>5} "
            f"{c['unparsed (listed with a reason)']:>5} {c['table rows']:>5} "
            f"{c['partners identified']:>5}  {_pr(r.scores['partners']):>12} "
            f"{_pr(r.scores['posts']):>10} {_pr(r.scores['dates']):>10} "
            f"{_pr(r.scores['memberships']):>11} {r.misses:>5} {r.false_positives:>4}")
        for name, score in r.scores.items():
            total[name] = total[name] + score if name in total else score
    lines.append("-" * len(head))
    lines.append("all: " + ", ".join(
        f"{name} P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f} ({s.matched}/{s.expected})"
        for name, s in total.items()))
    lines.append(f"all: {sum(r.misses for r in readings)} rows missed, "
                 f"{sum(r.false_positives for r in readings)} false positives (rows the build "
                 f"writes that the expected rows lack), "
                 f"{sum(len(r.violations) for r in readings)} invariant violations")
    return "\n".join(lines)


def differences(readings: list[Reading]) -> str:
    out = []
    for r in readings:
        for name in r.scores:
            for row in r.missed[name]:
                out.append(f"{r.name}: {name} missed   {row}")
            for row in r.extra[name]:
                out.append(f"{r.name}: {name} unexpected {row}")
        out += [f"{r.name}: invariant violated: {v}" for v in r.violations]
    return "\n".join(out)


def totals(readings: list[Reading]) -> dict[str, Score]:
    out: dict[str, Score] = {}
    for r in readings:
        for name, score in r.scores.items():
            out[name] = out[name] + score if name in out else score
    return out


def meets_targets(readings: list[Reading]) -> bool:
    """Posts F1 >= 0.97; partners, dates and memberships at 100 % of the hand-checked rows."""
    if any(r.violations for r in readings):
        return False
    t = totals(readings)
    exact = all(t[n].precision == 1.0 and t[n].recall == 1.0
                for n in ("partners", "dates", "memberships"))
    return exact and t["posts"].f1 >= POSTS_F1_TARGET


@figure("corpus")
def corpus_figure(ctx: Context) -> Group:
    readings = read_corpus()
    rows = []
    for r in readings:
        c = r.counts
        note = (f"{c['statements read']} read, {c['represented']} represented, "
                f"{c['unparsed (listed with a reason)']} unparsed, {c['partners identified']}/"
                f"{c['table rows']} partners; P/R partners {_pr(r.scores['partners'])}, posts "
                f"{_pr(r.scores['posts'])}, dates {_pr(r.scores['dates'])}, memberships "
                f"{_pr(r.scores['memberships'])}; {r.misses} missed, {r.false_positives} false "
                f"positives, {len(r.violations)} invariant violations")
        rows.append(Row(r.name, note=note))
    t = totals(readings)
    rows.append(Row("all documents", note=", ".join(
        f"{n} F1 {s.f1:.3f}" for n, s in t.items()),
        target=f"posts F1 ≥ {POSTS_F1_TARGET}; partners, dates, memberships 100 %; no "
               "invariant violated",
        passed=meets_targets(readings)))
    return Group("Reading real articles (tests/corpus)",
                 "Each document of tests/corpus built in-process and compared with its "
                 "hand-checked expected.toml (`make corpus` prints the same, and the rows "
                 "that differ).", tuple(rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.corpus",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--unparsed", action="store_true",
                        help="also list every unparsed statement with its reason")
    args = parser.parse_args(argv)
    readings = read_corpus()
    print(table(readings))
    diff = differences(readings)
    if diff:
        print("\n" + diff)
    if args.unparsed:
        print()
        for r in readings:
            for u in r.unparsed:
                print(f"{r.name}:{u['line']}.{u['sentence']} [{u['reason']}] {u['text']}")
    return 0 if meets_targets(readings) else 1


if __name__ == "__main__":
    sys.exit(main())
