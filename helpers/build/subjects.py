"""A dataset for any subject from the worldwide sources of a raw folder (``--subject ISO3``).

A manifest marks a source ``scope = "worldwide"`` when it is not about one subject: the
register of posts names every sending country. ``python -m helpers.build --subject CHL`` builds
Chile's dataset from those sources alone, through the same stages as a subject's own build
(the register's posts both ways and their accreditations become ``missions``, ``post_sources``,
``register_posts``), then adds what each worldwide kind gives a subject that has no text of its
own: one function per kind in :data:`WORLDWIDE`. The descriptor lists the sources read, so the
notebooks know what the dataset has.
"""

from __future__ import annotations

from collections.abc import Callable

from helpers.build.register import RegisterDocument
from helpers.build.sources import Manifest
from helpers.build.statements import Document
from helpers.core import places, schema
from helpers.core.exceptions import SourceError


def subject_of(iso3: str) -> schema.Subject:
    """The subject named by its ISO3 code: its name and capital from the places data."""
    code = iso3.strip().upper()
    country = places.countries().get(code)
    if country is None:
        raise SourceError("--subject", f"{iso3!r} is not the ISO 3166-1 alpha-3 code of a "
                          "country (for example CHL, NGA, NZL)")
    return schema.Subject(country.name, code, country.capital or places.capital_of(code))


def worldwide(manifest: Manifest) -> tuple:
    """The sources of a manifest marked ``scope = "worldwide"`` (not about one subject)."""
    return tuple(s for s in manifest.sources if s.extra.get("scope") == schema.WORLDWIDE)


def for_subject(manifest: Manifest, iso3: str) -> Manifest:
    """The manifest of ``iso3``'s dataset: its worldwide sources and the trade workbooks (each
    one reporter's trade with every partner: the subject's own, and its partners' reports of
    their trade with it), the subject given."""
    sources = worldwide(manifest)
    if not sources:
        raise SourceError(str(manifest.folder / "manifest.toml"), "no source is marked "
                          f'scope = "{schema.WORLDWIDE}": --subject builds from the sources '
                          "that are not about one subject")
    for source in sources:
        if source.kind not in WORLDWIDE:
            raise SourceError(str(manifest.folder / "manifest.toml"), f"source {source.file} "
                              f"is marked worldwide but its kind {source.kind!r} gives no "
                              "dataset for another subject; worldwide kinds are: "
                              + ", ".join(WORLDWIDE))
    trade = tuple(s for s in manifest.sources if s.kind == "trade" and s not in sources)
    return Manifest(manifest.folder, subject_of(iso3), sources + trade, manifest.regions)


def add_worldwide(tables: dict[str, list[dict]], counts: dict[str, int], docs: list[Document],
                  manifest: Manifest) -> None:
    """What each worldwide source adds to a subject's dataset beyond the common stages."""
    kinds = {s.file: s.kind for s in manifest.sources}
    for doc in docs:
        WORLDWIDE[kinds[doc.source]](tables, counts, doc, manifest.subject.iso3)


def register_events(tables: dict[str, list[dict]], counts: dict[str, int], doc: Document,
                    subject: str) -> None:
    """The register's creation dates, where it has them, as ``mission-opened`` events of the
    posts that concern the subject (its posts abroad and the posts in it).

    Wikidata keeps a date's precision apart from the date, and the register drops it: a
    creation on 1 January is read as the year alone, any other day as that day."""
    assert isinstance(doc, RegisterDocument)
    added = 0
    for p in doc.posts:
        if not p.creation or subject not in (p.sending_iso3, p.host_iso3) or (
                p.sending_iso3 == p.host_iso3):
            continue
        year_only = p.creation.endswith("-01-01")
        partner = p.host_iso3 if p.sending_iso3 == subject else p.sending_iso3
        tables["events"].append(dict(
            partner_iso3=partner, date=p.creation[:4] if year_only else p.creation,
            precision="year" if year_only else "day", approximate=False, end_date=None,
            kind="mission-opened", summary=p.text, row_line=None, source=doc.source,
            line=p.line, sentence=1))
        added += 1
    counts["posts-opened events (register creation dates)"] = added


# One function per worldwide source kind: what it gives any subject's dataset beyond the common
# stages. The trade workbooks need none: the build's trade stage reads them for any subject.
WORLDWIDE: dict[str, Callable[[dict, dict, Document, str], None]] = {
    "register": register_events,
}


def register_subjects(raw) -> list[str]:
    """Every country the worldwide register names as sending a post (ISO3, sorted): the
    subjects ``--subject`` can build."""
    from helpers.build.register import read_register
    from helpers.build.sources import read_manifest, read_source

    manifest = read_manifest(raw)
    codes: set[str] = set()
    for source in worldwide(manifest):
        if source.kind == "register":
            doc = read_register(read_source(manifest, source), source.file)
            codes |= {p.sending_iso3 for p in doc.posts}
    return sorted(c for c in codes if c in places.countries())
