"""What changed in the data since the previous report run, with the source line of each change.

Every report run keeps a copy of the processed tables it was made from (``<run>/data/``). When
the data package's hash differs from the previous complete run's, the runner compares the two
copies and lists partners added or removed, posts opened, closed or changed, events added,
removed or changed and figures changed, each with its source file and line. Rows are matched
on what they say, never on their line numbers, so a line inserted above a row does not make it
look changed.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from helpers.core import templates


@dataclass(frozen=True)
class Change:
    kind: str  # e.g. "post opened"; the first word is the table's subject
    text: str  # what changed, in a line
    source: str
    line: str
    before: str = ""  # for "changed": where the row was in the previous run's data

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.source else ""


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    path = Path(folder) / name
    if not path.is_file():
        return []
    csv.field_size_limit(max(csv.field_size_limit(), path.stat().st_size + 1))  # our own cells
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _keyed(rows: list[dict[str, str]], key: Callable[[dict], tuple]) -> dict[tuple, dict]:
    """Rows by key; rows sharing a key are numbered in file order so none is lost."""
    seen: dict[tuple, int] = defaultdict(int)
    out = {}
    for row in rows:
        k = key(row)
        out[(*k, seen[k])] = row
        seen[k] += 1
    return out


def _diff(old: list[dict], new: list[dict], key: Callable[[dict], tuple],
          compared: tuple[str, ...]) -> tuple[list[dict], list[dict], list[tuple[dict, dict]]]:
    """Rows added, removed, and (old, new) pairs whose compared fields differ."""
    a, b = _keyed(old, key), _keyed(new, key)
    added = [b[k] for k in b if k not in a]
    removed = [a[k] for k in a if k not in b]
    changed = [(a[k], b[k]) for k in b if k in a
               and any(a[k].get(f, "") != b[k].get(f, "") for f in compared)]
    return added, removed, changed


def _fields(old: dict, new: dict, compared: tuple[str, ...]) -> str:
    return "; ".join(f"{f} {old.get(f) or '(empty)'} → {new.get(f) or '(empty)'}"
                     for f in compared if old.get(f, "") != new.get(f, ""))


def _partners(old: Path, new: Path) -> list[Change]:
    compared = ("region", "resolution", "established", "established_precision")
    added, removed, changed = _diff(
        _rows(old, "relations.csv"), _rows(new, "relations.csv"),
        lambda r: (r.get("iso3") or r.get("partner", ""),), compared)
    out = [Change("partner added", f"{r['partner']} ({r.get('region', '')})", r["source"],
                  r["line"]) for r in added]
    out += [Change("partner removed", f"{r['partner']} ({r.get('region', '')})", r["source"],
                   r["line"]) for r in removed]
    out += [Change("partner changed", f"{b['partner']}: {_fields(a, b, compared)}",
                   b["source"], b["line"], f"{a['source']}:{a['line']}") for a, b in changed]
    return out


def _post(r: dict) -> str:
    kind = r.get("post_type", "post").replace("-", " ")
    return (f"{r.get('sending_iso3', '')} {kind} in {r.get('city', '')} "
            f"(accredited to {r.get('accredited_to_iso3', '')}): {r.get('text', '')}")


def _posts(old: Path, new: Path) -> list[Change]:
    compared = ("status", "status_year", "resident", "city_iso3", "direction", "partner_iso3")
    added, removed, changed = _diff(
        _rows(old, "missions.csv"), _rows(new, "missions.csv"),
        lambda r: (r.get("sending_iso3"), r.get("accredited_to_iso3"), r.get("post_type"),
                   r.get("city")), compared)
    out = []
    for r in added:
        kind = "post closed" if r.get("status") == "closed" else "post opened"
        out.append(Change(kind, _post(r), r["source"], r["line"]))
    out += [Change("post closed", "no longer listed: " + _post(r), r["source"], r["line"])
            for r in removed]
    for a, b in changed:
        kind = ("post closed" if b.get("status") == "closed" != a.get("status")
                else "post opened" if a.get("status") == "closed" != b.get("status")
                else "post changed")
        out.append(Change(kind, f"{_post(b)} ({_fields(a, b, compared)})", b["source"],
                          b["line"], f"{a['source']}:{a['line']}"))
    return out


_DIGITS = re.compile(r"\d")


def _events(old: Path, new: Path) -> list[Change]:
    # an event is the same event when its sentence reads the same but for its numbers
    compared = ("date", "precision", "end_date")
    added, removed, changed = _diff(
        _rows(old, "events.csv"), _rows(new, "events.csv"),
        lambda r: (r.get("source"), r.get("partner_iso3"), r.get("kind"),
                   _DIGITS.sub("#", r.get("summary", ""))), compared)

    def label(r: dict) -> str:
        span = f"{r['date']}–{r['end_date']}" if r.get("end_date") else r.get("date", "")
        return f"{r.get('kind', '')} {span}: {r.get('summary', '')}"

    out = [Change("event added", label(r), r["source"], r["line"]) for r in added]
    out += [Change("event removed", label(r), r["source"], r["line"]) for r in removed]
    out += [Change("event changed", f"{label(b)} ({_fields(a, b, compared)})", b["source"],
                   b["line"], f"{a['source']}:{a['line']}") for a, b in changed]
    return out


def _figures(old: Path, new: Path) -> list[Change]:
    compared = ("value", "unit", "label")
    added, removed, changed = _diff(
        _rows(old, "figures.csv"), _rows(new, "figures.csv"),
        lambda r: (r.get("indicator"), r.get("partner_iso3"), r.get("year"), r.get("period"),
                   r.get("qualifier")), compared)

    def label(r: dict) -> str:
        when = r.get("year") or r.get("period", "")
        return f"{r.get('label', r.get('indicator', ''))}, {when}: {r.get('value', '')} " \
               f"{r.get('unit', '')}"

    out = [Change("figure added", label(r), r["source"], r["line"]) for r in added]
    out += [Change("figure removed", label(r), r["source"], r["line"]) for r in removed]
    out += [Change("figure changed", f"{label(b)} ({_fields(a, b, compared)})", b["source"],
                   b["line"], f"{a['source']}:{a['line']}") for a, b in changed]
    return out


SECTIONS = (("Partners", _partners), ("Posts", _posts), ("Events", _events),
            ("Figures", _figures))


def compare(old: Path, new: Path) -> dict[str, list[Change]]:
    """Changes from the tables in ``old`` to those in ``new``, by section, in a stable order."""
    return {title: sorted(find(Path(old), Path(new)),
                          key=lambda c: (c.kind, c.source, int(c.line or 0), c.text))
            for title, find in SECTIONS}


@dataclass(frozen=True)
class Listing:
    """The changes between two runs' data, as the pages list them."""

    previous: str  # the run compared with
    sections: tuple[tuple[str, tuple[Change, ...]], ...]

    @property
    def total(self) -> int:
        return sum(len(found) for _, found in self.sections)

    @property
    def summary(self) -> str:
        """'Since run X the data changed: 2 posts opened, 1 event added.' (kinds in order)."""
        counts: dict[str, int] = {}
        for _, found in self.sections:
            for c in found:
                counts[c.kind] = counts.get(c.kind, 0) + 1
        parts = [f"{n} {_plural(kind, n)}" for kind, n in counts.items()]
        said = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        return f"Since run {self.previous} the data changed: {said}."


def _plural(kind: str, n: int) -> str:
    """'post opened' -> 'posts opened' when n > 1 (the first word is the thing counted)."""
    thing, _, rest = kind.partition(" ")
    return f"{thing}s {rest}".strip() if n != 1 else kind


def listing(previous: str, changes: dict[str, list[Change]]) -> Listing:
    return Listing(previous, tuple((title, tuple(found)) for title, found in changes.items()))


def section(previous: str, changes: dict[str, list[Change]], link: bool = True) -> str:
    """The HTML section listing the changes (every source text escaped)."""
    return templates.render("landing/changes_section.html.j2", previous=previous,
                            changes=listing(previous, changes), link=link)


def write_page(path: Path, run_id: str, previous: str, changes: dict[str, list[Change]]) -> None:
    """changes.html: the same listing as a page of its own."""
    page = templates.render("landing/changes.html.j2", run_id=run_id, previous=previous,
                            changes=listing(previous, changes))
    Path(path).write_text(page, encoding="utf-8")
