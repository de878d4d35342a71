"""Chiefs of mission (the Office of the Historian's POCOM XML) to the chiefs, levels and events.

The file lists, in ``<chiefs>``, one ``<chief>`` a person and appointment: ``person-id``
(surname-forenames), ``role-title-id``, and the dates ``appointed``, ``arrived``, ``started``
(credentials presented) and ``ended``, each with an optional ``note``; ``<other-nominees>``
lists nominees who never served. It is read with defusedxml (entities and external references
refused, like the TEI records); each chief's line is the line of its ``<chief>`` tag.

From the chiefs the build derives (``add_chiefs``):
- the ``chiefs`` table, every chief and nominee;
- the representation levels of the mission in the COW coding (``schema.COW_CODES``): a row
  each time the rank of the chief who presented credentials changes. A chargé d'affaires *ad
  interim* stands in for an absent chief: shown as such in ``chiefs``, never a level change;
- each level reconciled with the levels other sources state for the same mission and COW code
  (helpers.build.reconcile's rule); the same date is a ``sources-agree`` decision;
- an end note that says relations were suspended or interrupted: a ``relations-broken`` event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.build import xmlfile
from helpers.build.dates import date_problem
from helpers.build.decisions import Decision
from helpers.build.reconcile import choose
from helpers.build.statements import Document
from helpers.core import places
from helpers.core.claims import Claim
from helpers.core.exceptions import SourceError
from helpers.core.schema import COW_CODES

# role-title-id -> (rank as schema.COW_CODES names it, ad interim, the title in words)
ROLES = {
    "charge-daffaires": ("chargé d'affaires", False, "Chargé d'Affaires"),
    "charge-daffaires-ad-interim": ("chargé d'affaires", True, "Chargé d'Affaires ad interim"),
    "envoy-extraordinary-minister-plenipotentiary": (
        "minister", False, "Envoy Extraordinary and Minister Plenipotentiary"),
    "minister-resident": ("minister", False, "Minister Resident"),
    "ambassador-e-p": ("ambassador", False, "Ambassador Extraordinary and Plenipotentiary"),
}
DATE_FIELDS = ("appointed", "arrived", "started", "ended")
BROKEN = re.compile(r"\brelations\s+(?:were\s+)?(?:suspended|interrupted|severed|broken)",
                    re.I)
# The span of the dates a chiefs-of-mission file can hold: the Office of the Historian lists
# the chiefs of mission of the United States, which exist from its independence; none serves
# after the file was published (the manifest's date).
EARLIEST = "1776-07-04"
_PRECISION = {4: "year", 7: "month", 10: "day"}


@dataclass(frozen=True)
class Chief:
    line: int
    person_id: str
    role_id: str
    dates: dict  # field -> ISO date at its precision ("" when not given)
    notes: dict  # field -> note ("Left post on")
    note: str  # the chief's own note
    served: bool  # False for <other-nominees>

    @property
    def person(self) -> str:
        """"cooley-james" -> "James Cooley" (forenames, then the surname)."""
        surname, *forenames = self.person_id.split("-")
        return " ".join(w.capitalize() for w in (*forenames, surname) if w)

    @property
    def rank(self) -> str:
        return ROLES[self.role_id][0]

    @property
    def ad_interim(self) -> bool:
        return ROLES[self.role_id][1]

    @property
    def title(self) -> str:
        return ROLES[self.role_id][2]

    @property
    def text(self) -> str:
        said = [f"{f} {self.dates[f]}" + (f" ({self.notes[f]})" if self.notes[f] else "")
                for f in DATE_FIELDS if self.dates[f]]
        who = f"{self.person}, {self.title}" + ("" if self.served else " (nominee, did not serve)")
        return "; ".join([who, *said] + ([self.note] if self.note else []))


@dataclass(frozen=True)
class Bad:
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class ChiefsDocument(Document):
    chiefs: tuple[Chief, ...] = ()
    bad: tuple[Bad, ...] = ()


class _Collector:
    """Parser target: each <chief>'s line and the text of its fields by path."""

    def __init__(self):
        self.expat = None
        self.stack: list[str] = []
        self.chiefs: list[tuple[int, bool, dict[str, str]]] = []
        self.text: list[str] = []

    def start(self, tag, attrib):
        self.stack.append(tag)
        self.text = []
        if tag == "chief":
            self.chiefs.append((self.expat.CurrentLineNumber, "other-nominees" in self.stack,
                                {}))

    def end(self, tag):
        path = self.stack[self.stack.index("chief") + 1:] if "chief" in self.stack else []
        if path and tag != "chief":
            fields = self.chiefs[-1][2]
            fields.setdefault("/".join(path), re.sub(r"\s+", " ", "".join(self.text)).strip())
        self.stack.pop()
        self.text = []

    def data(self, text):
        self.text.append(text)

    def close(self):
        return self.chiefs


def _chief(line: int, nominee: bool, f: dict[str, str], until: str = "") -> Chief | Bad:
    text = "; ".join(f"{k}={v}" for k, v in f.items() if v) or "<chief> with no fields"
    person, role = f.get("person-id", ""), f.get("role-title-id", "")
    if not person:
        return Bad(line, text, "a <chief> without a <person-id>")
    if role not in ROLES:
        return Bad(line, text, f"role-title-id {role!r} is not one of: {', '.join(ROLES)}")
    dates = {k: f.get(f"{k}/date", "") for k in DATE_FIELDS}
    wrong = [f"{k} {v!r} {why}" for k, v in dates.items() if v
             for why in [date_problem(v, EARLIEST, until)] if why]
    if wrong:
        return Bad(line, text, "; ".join(wrong))
    started, ended = dates["started"], dates["ended"]
    common = min(len(started), len(ended))
    if started and ended and ended[:common] < started[:common]:
        return Bad(line, text, f"ended {ended!r} is before started {started!r}")
    notes = {k: f.get(f"{k}/note", "") for k in DATE_FIELDS}
    return Chief(line, person, role, dates, notes, f.get("note", ""), not nominee)


def read_chiefs(lines: list[str], source: str, until: str = "") -> ChiefsDocument:
    """Read the chiefs of mission; refuse malformed or hostile XML with its line.

    ``until`` is the file's own date (ISO): a date after it, or before ``EARLIEST``, or one
    that is no calendar date, makes its chief unparsed with the reason.
    """
    found = xmlfile.parse(lines, source, _Collector(), "a chiefs-of-mission file")
    if not found:
        raise SourceError(source, "holds no <chief> element (a chiefs-of-mission file lists "
                          "<chiefs><chief>...)")
    starts = [line for line, _nominee, _fields in found]
    shared = next((a for a, b in zip(starts, starts[1:], strict=False) if a == b), None)
    if shared is not None:  # every record is known by its line: one chief, one line
        raise SourceError(source, "two <chief> elements start on this line: put each on its "
                          "own line (every chief is identified by the line it starts on)",
                          shared)
    read = [_chief(*c, until=until) for c in found]
    return ChiefsDocument(source, (), (), (),
                          tuple(c for c in read if isinstance(c, Chief)),
                          tuple(c for c in read if isinstance(c, Bad)))


def precision(date: str) -> str:
    return _PRECISION[len(date)]


def chief_record(c: Chief, source: str, sending: str, receiving: str) -> dict:
    return dict(sending_iso3=sending, receiving_iso3=receiving, person=c.person,
                person_id=c.person_id, role=c.title, envoy_rank=c.rank,
                cow_level=COW_CODES[c.rank], ad_interim=c.ad_interim, served=c.served,
                **{f: c.dates[f] or None for f in DATE_FIELDS},
                end_note=c.notes["ended"], note=c.note, source=source, line=c.line)


def level_steps(chiefs: tuple[Chief, ...]) -> list[Chief]:
    """The chiefs whose credentials start a new rank; ad-interim chiefs stand in, change none."""
    steps, rank = [], None
    for c in sorted((c for c in chiefs if c.served and not c.ad_interim and c.dates["started"]),
                    key=lambda c: c.dates["started"]):
        if c.rank != rank:
            steps.append(c)
            rank = c.rank
    return steps


def add_chiefs(tables: dict[str, list[dict]], doc: ChiefsDocument, sending: str,
               receiving: str) -> None:
    """Add the chiefs, their levels (reconciled), relations-broken events and the ledger."""
    src = doc.source
    tables["chiefs"] = tables.get("chiefs", []) + [
        chief_record(c, src, sending, receiving) for c in doc.chiefs]
    fed: dict[int, set[str]] = {c.line: {"chiefs"} for c in doc.chiefs}
    earlier = [r for r in tables["levels"] if (r["sending_iso3"], r["receiving_iso3"]) ==
               (sending, receiving)]
    reached: set[int] = set()  # COW levels the chiefs have reached (a return is no rival date)
    for c in level_steps(doc.chiefs):
        date = c.dates["started"]
        row = dict(sending_iso3=sending, receiving_iso3=receiving,
                   level="embassy" if c.rank == "ambassador" else "legation",
                   envoy_rank=c.rank, cow_level=COW_CODES[c.rank], from_date=date,
                   precision=precision(date), source=src, line=c.line, sentence=1, text=c.text)
        tables["levels"].append(row)
        fed[c.line].add("levels")
        if row["cow_level"] in reached:
            continue  # back at a level after a downgrade: a later change, not when it began
        reached.add(row["cow_level"])
        others = _first_by_source([r for r in earlier if r["cow_level"] == row["cow_level"]])
        if others:
            tables["decisions"].append(_reconcile(row, others, sending, receiving))
    for c in doc.chiefs:
        if c.served and c.dates["ended"] and BROKEN.search(c.notes["ended"]):
            tables["events"].append(dict(
                partner_iso3=sending, date=c.dates["ended"], precision=precision(c.dates[
                    "ended"]), approximate=False, end_date=None, kind="relations-broken",
                summary=f"{c.person}, {c.title}: {c.notes['ended']} {c.dates['ended']}",
                row_line=None, source=src, line=c.line, sentence=1))
            fed[c.line].add("events")
    for c in doc.chiefs:
        tables["statements"].append(_ledger(src, c.line, sending, ";".join(sorted(fed[
            c.line])), "", c.text))
    for b in doc.bad:
        tables["statements"].append(_ledger(src, b.line, sending, "", b.reason, b.text))
        tables["unparsed"].append({k: v for k, v in _ledger(src, b.line, sending, "", b.reason,
                                                              b.text).items()
                                   if k not in ("kind", "row_line", "status", "tables")})


def _first_by_source(rows: list[dict]) -> list[dict]:
    """Each source's earliest row of a level: when that source says the level began."""
    first: dict[str, dict] = {}
    for r in sorted(rows, key=lambda r: (r["from_date"], int(r["line"]))):
        first.setdefault(r["source"], r)
    return list(first.values())


def _reconcile(row: dict, others: list[dict], sending: str, receiving: str) -> dict:
    """A decision on the date a level began: the sources agree, or the rule chooses.

    It is recorded at the chief's line (the chosen date names its own file and line), so each
    chief decides at most one level and no two decisions share a key."""
    mine = Claim(row["from_date"], row["precision"], row["source"], int(row["line"]))
    theirs = [Claim(r["from_date"], r["precision"], r["source"], int(r["line"])) for r in others]
    what = (f"{places.name_of(sending)} to {places.name_of(receiving)}: "
            f"{row['envoy_rank']} (COW {row['cow_level']}) from")
    if all(t.value == mine.value for t in theirs):
        return Decision("sources-agree", what, mine.value, "; ".join(map(str, theirs)),
                        "the sources give the same date", mine.source, mine.line).record()
    choice = choose([mine, *theirs])
    return Decision("reconciliation", what, str(choice.chosen), choice.alternatives,
                    choice.rule, mine.source, mine.line).record()


def _ledger(source: str, line: int, partner: str, fed: str, reason: str, text: str) -> dict:
    return dict(source=source, line=line, sentence=1, section="chiefs of mission",
                kind="entry", row_line=None, partner_iso3=partner,
                status="represented" if fed else "unparsed", tables=fed, reason=reason,
                text=text)
