"""Render the corpus documents into the project's pandoc grid-table export.

Usage (from the repository root)::

    python tests/corpus/render.py           # (re)write every tests/corpus/<slug>/ export
    python tests/corpus/render.py --check   # exit 1 if a rendered file differs from the disk

Stdlib only, deterministic: the same inputs always give the same bytes.

Input form of ``<slug>/published.md`` (UTF-8; the text exactly as retrieved)
---------------------------------------------------------------------------

* ``# Heading`` -- a section heading, written as a lone line in the export. The ``#``
  count is ignored; the heading text is kept exactly as the page wrote it.
* Any other non-blank lines form paragraphs; a blank line ends a paragraph. A paragraph
  is joined into one line in the export (as pandoc's plain writer does with --wrap=none).
* Lines starting ``- `` outside a table are list items, written ``-   item``.
* A bilateral table::

      ::: table Country | Formal Relations Began | Notes
      == Argentina | 1971-09-07
      Note paragraph, as the page gave it.
      - a bullet of the notes cell
      - another bullet
      == Aruba | none
      :::

  The text after ``::: table`` is the header as the page wrote it (three cells: country,
  date, notes). Each row starts with ``== COUNTRY | DATE`` (either may be empty); the lines
  up to the next ``==`` or ``:::`` are the Notes cell: paragraphs (blank line between) and
  ``- `` bullets. When the document's SOURCE.toml says ``country_column = false`` the
  Country column is left out of the export (as when a flag-only cell was lost); the name
  stays in published.md so a reader can check the row.
* Lines starting ``%`` are editor's comments and are not rendered.

``<slug>/SOURCE.toml`` gives ``[subject]`` (name, iso3, capital), ``[source]`` (title, url,
original_url, revision, date, date_note, licence, authors) and ``[render]`` (country_column).

Output: ``<slug>/foreign_relations_of_<slug>.txt`` and ``<slug>/manifest.toml`` (one
``[[sources]]`` entry, kind "article", with the sha256 of the rendered file).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import textwrap
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTES_WIDTH = 72  # wrap width of the Notes cell
DATE_WIDTH = 24  # wrap width of the date cell (the header may be wider)


def _wrap(text: str, width: int) -> list[str]:
    """Wrap ``text``; never start a continuation line with '-' or '*' + space (a bullet)."""
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]
    out: list[str] = []
    for line in lines:
        if out and (line[:2] in ("- ", "* ") or line in ("-", "*")):
            out[-1] += " " + line
        else:
            out.append(line)
    return out


def _notes_lines(notes: list[str]) -> list[str]:
    """The Notes cell: paragraphs and '-   ' bullets, a blank line between kinds."""
    blocks: list[tuple[str, str]] = []  # (kind, text)
    para: list[str] = []

    def end_para():
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()

    for raw in notes:
        line = raw.strip()
        if not line:
            end_para()
        elif line.startswith("- "):
            end_para()
            blocks.append(("b", line[2:].strip()))
        else:
            para.append(line)
    end_para()
    out: list[str] = []
    prev = None
    for kind, text in blocks:
        if out and (kind == "p" or prev == "p"):
            out.append("")
        if kind == "p":
            out.extend(_wrap(text, NOTES_WIDTH))
        else:
            wrapped = _wrap(text, NOTES_WIDTH - 4)
            out.append("-   " + wrapped[0])
            out.extend("    " + w for w in wrapped[1:])
        prev = kind
    return out


def _grid(header: list[str], rows: list[list[list[str]]]) -> list[str]:
    """A pandoc grid table; ``rows`` holds each cell as its list of lines."""
    ncol = len(header)
    widths = [len(h) for h in header]
    for row in rows:
        for j, cell in enumerate(row):
            widths[j] = max([widths[j]] + [len(x) for x in cell])

    def border(ch: str) -> str:
        return "+" + "+".join(ch * (w + 2) for w in widths) + "+"

    def text_lines(cells: list[list[str]]) -> list[str]:
        height = max(1, *(len(c) for c in cells))
        out = []
        for i in range(height):
            parts = [(c[i] if i < len(c) else "").ljust(widths[j]) for j, c in enumerate(cells)]
            out.append("| " + " | ".join(parts) + " |")
        return out

    lines = [border("-")]
    lines += text_lines([[h] for h in header])
    lines.append(border("="))
    for row in rows:
        assert len(row) == ncol
        lines += text_lines(row)
        lines.append(border("-"))
    return lines


def render_document(text: str, country_column: bool) -> str:
    out: list[str] = []  # blocks, each a list of lines; joined with one blank line
    blocks: list[list[str]] = []
    para: list[str] = []
    lines = text.splitlines()
    i = 0

    def end_para():
        if para:
            blocks.append([" ".join(para)])
            para.clear()

    while i < len(lines):
        line = lines[i].rstrip()
        if line.startswith("%"):
            i += 1
            continue
        if line.startswith("::: table"):
            end_para()
            header = [h.strip() for h in line[len("::: table"):].split("|")]
            if len(header) != 3:
                raise SystemExit(f"table header needs 3 cells: {line!r}")
            rows: list[tuple[str, str, list[str]]] = []
            i += 1
            while i < len(lines) and lines[i].strip() != ":::":
                cur = lines[i].rstrip()
                if cur.startswith("== "):
                    country, _, began = cur[3:].partition("|")
                    rows.append((country.strip(), began.strip(), []))
                elif not cur.startswith("%"):
                    if not rows:
                        raise SystemExit(f"notes before the first row: {cur!r}")
                    rows[-1][2].append(cur)
                i += 1
            i += 1  # the closing :::
            grid_rows = []
            for country, began, notes in rows:
                cells = [_wrap(began, DATE_WIDTH) if began else [""], _notes_lines(notes)]
                if country_column:
                    cells.insert(0, [country])
                grid_rows.append(cells)
            head = header if country_column else header[1:]
            blocks.append(_grid(head, grid_rows))
            continue
        if line.startswith("#"):
            end_para()
            blocks.append([line.lstrip("#").strip()])
        elif not line.strip():
            end_para()
        elif line.startswith("- "):
            end_para()
            blocks.append(["-   " + line[2:].strip()])
        else:
            para.append(line.strip())
        i += 1
    end_para()
    for b in blocks:
        out.extend(b)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_manifest(meta: dict, file: str, sha: str) -> str:
    subj, src = meta["subject"], meta["source"]
    lines = [
        "# Rendered by tests/corpus/render.py from published.md and SOURCE.toml; do not edit.",
        "# Text: Wikipedia contributors, CC BY-SA; rendered into a pandoc grid-table export,",
        "# text otherwise unchanged.",
        "",
        "[subject]",
        f"name = {_q(subj['name'])}",
        f"iso3 = {_q(subj['iso3'])}",
        f"capital = {_q(subj['capital'])}",
        "",
        "[[sources]]",
        f"file = {_q(file)}",
        'kind = "article"',
        f"title = {_q(src['title'])}",
        f"publisher = {_q(src.get('authors', 'Wikipedia contributors'))}",
        f"date = {_q(src['date'])}",
    ]
    if src.get("date_note"):
        lines.append(f"date_note = {_q(src['date_note'])}")
    lines += [
        f"url = {_q(src['url'])}",
        f"licence = {_q(src['licence'])}",
        f"sha256 = {_q(sha)}",
    ]
    return "\n".join(lines) + "\n"


def render_folder(folder: Path) -> dict[Path, str]:
    meta = tomllib.loads((folder / "SOURCE.toml").read_text(encoding="utf-8"))
    country_column = bool(meta.get("render", {}).get("country_column", True))
    text = render_document((folder / "published.md").read_text(encoding="utf-8"),
                           country_column)
    name = f"foreign_relations_of_{folder.name}.txt"
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {folder / name: text, folder / "manifest.toml": render_manifest(meta, name, sha)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a rendered file differs from the one on disk")
    args = parser.parse_args(argv)
    differ = []
    for folder in sorted(p for p in HERE.iterdir() if (p / "published.md").is_file()):
        for path, text in render_folder(folder).items():
            old = path.read_text(encoding="utf-8") if path.is_file() else None
            if args.check:
                if old != text:
                    differ.append(path)
            elif old != text:
                path.write_text(text, encoding="utf-8")
    for path in differ:
        print(f"differs: {path.relative_to(HERE.parent.parent)}", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
