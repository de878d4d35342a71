"""Writing small "Foreign relations of X" documents for the tests, in the pandoc grid format.

``grid(rows)`` draws a bilateral table (Country | Formal Relations Began | Notes) with the
borders pandoc writes; ``write_source(folder, text, ...)`` writes a document and a manifest
that records its checksum, so the build reads it like any raw folder.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from helpers.build.sources import read_manifest
from helpers.core import paths

FIXTURES = Path(__file__).resolve().parent / "fixtures"  # documents written for the tests
CORPUS = Path(__file__).resolve().parent / "corpus"  # real articles (see corpus/README.md)

_SOURCES = {s.kind: s.file for s in read_manifest(paths.RAW).sources}
ARTICLE, FACT_SHEET, RECORD = _SOURCES["article"], _SOURCES["fact-sheet"], _SOURCES["record"]

HEADER = ("Country", "Formal Relations Began", "Notes")


def grid(rows: list[tuple[str, str, list[str]]], header: tuple[str, ...] = HEADER) -> str:
    """A grid table: each row is (country cell, date cell, lines of the notes cell)."""
    cells = [[[c] for c in header]] + [[[country], [date], notes or [""]]
                                       for country, date, notes in rows]
    widths = [max(len(line) for row in cells for line in row[j]) + 2 for j in range(3)]

    def border(ch: str) -> str:
        return "+" + "+".join(ch * w for w in widths) + "+"

    def text_lines(row: list[list[str]]) -> list[str]:
        height = max(len(c) for c in row)
        out = []
        for i in range(height):
            parts = [f" {(c[i] if i < len(c) else ''):<{w - 1}}" for c, w in
                     zip(row, widths, strict=True)]
            out.append("|" + "|".join(parts) + "|")
        return out

    out = [border("-"), *text_lines(cells[0]), border("=")]
    for row in cells[1:]:
        out += [*text_lines(row), border("-")]
    return "\n".join(out)


def manifest_text(file: str, sha256: str, subject: tuple[str, str, str], extra: str = "") -> str:
    name, iso3, capital = subject
    return (f'[subject]\nname = "{name}"\niso3 = "{iso3}"\ncapital = "{capital}"\n\n'
            f'[[sources]]\nfile = "{file}"\nkind = "article"\n'
            f'title = "Foreign relations of {name} (test document)"\n'
            'publisher = "peru-relations-helpers test suite"\ndate = "2024-01"\n'
            'url = "https://example.org/test-document"\nlicence = "CC0 1.0"\n'
            f'sha256 = "{sha256}"\n{extra}')


def write_source(folder: Path, text: str, subject: tuple[str, str, str] = ("Chile", "CHL",
                 "Santiago"), file: str = "document.txt", extra: str = "") -> Path:
    """Write ``text`` as the folder's one article, with a manifest recording its checksum."""
    folder.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    (folder / file).write_bytes(data)
    (folder / "manifest.toml").write_text(
        manifest_text(file, hashlib.sha256(data).hexdigest(), subject, extra), encoding="utf-8")
    return folder


def visible(folder: Path) -> dict[str, bytes]:
    """What a reader of a processed folder sees: each file's bytes by name (through the
    folder's links; the build's own .current and .versions left out)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if not p.name.startswith(".") and p.is_file()}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
