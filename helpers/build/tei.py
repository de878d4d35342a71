"""TEI XML records to statements: the `<head>` and `<p>` texts of `<text>`, each with its line.

The Office of the Historian publishes its country records as TEI XML. They are read with
defusedxml's parser (the standard library's expat, with entity declarations and external
references refused), so a hostile file cannot expand entities ("billion laughs") or make the
build read another file or URL. The parser streams: each character of text is delivered with
the line expat is at, so a statement's line is the line its first word is on in the file.

A ``<head>`` is one statement (kind ``heading``); a ``<p>`` is split into sentences like the
prose of the other sources (kind ``prose``). The ``teiHeader`` is the file's own metadata
(title, publisher, date), which the manifest records; it holds no statements.
"""

from __future__ import annotations

import re

from helpers.build import xmlfile
from helpers.build.statements import Block, Document, Statement, clean, split_sentences
from helpers.core.exceptions import SourceError

TEI_NS = "{http://www.tei-c.org/ns/1.0}"
_STATEMENT_TAGS = ("head", "p")
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Collector:
    """Parser target: collects the text of every outermost <head> and <p> inside <text>."""

    def __init__(self):
        self.expat = None  # the expat parser, for its current line
        self.stack: list[str] = []
        self.blocks: list[tuple[str, str, list[tuple[int, str]]]] = []  # (tag, section, pieces)
        self.current: list[tuple[int, str]] | None = None
        self.current_tag, self.current_depth = "", 0
        # one entry per open <div> of <text>: [its type, its heading once read]
        self.divs: list[list[str]] = []

    def start(self, tag, attrib):
        name = _local(tag)
        inside = "text" in self.stack
        self.stack.append(name)
        if name == "div" and inside:
            self.divs.append([attrib.get("type", ""), ""])
        if name in _STATEMENT_TAGS and self.current is None and inside:
            self.current, self.current_tag, self.current_depth = [], name, len(self.stack)

    def end(self, tag):
        if self.current is not None and len(self.stack) == self.current_depth:
            self._close()
        name = self.stack.pop()
        if name == "div" and "text" in self.stack:
            self.divs.pop()

    def _close(self):
        pieces, self.current = self.current, None
        section = next((title for _, title in reversed(self.divs) if title), "")
        own = self.divs[-1] if self.divs else None
        # A section's first heading titles it; a timeline's heading is a dated statement and
        # a figure's heading a caption, so neither titles anything.
        if (self.current_tag == "head" and own is not None and not own[1]
                and own[0] != "timeline" and self.stack[-2:-1] == ["div"]):
            own[1] = clean("".join(t for _, t in pieces))
        self.blocks.append((self.current_tag, section, pieces))

    def data(self, text):
        if self.current is not None:
            self.current.append((self.expat.CurrentLineNumber, text))

    def close(self):
        return self.blocks


def _block(pieces: list[tuple[int, str]]) -> Block:
    """Join the text pieces into one line of prose, remembering the line of each piece."""
    text, starts = "", []
    for line, piece in pieces:
        squeezed = re.sub(r"\s+", " ", piece)
        if text.endswith(" ") and squeezed.startswith(" "):
            squeezed = squeezed[1:]
        if not text:
            squeezed = squeezed.lstrip()
        if not squeezed:
            continue
        # a piece that starts with spaces begins its words on the next non-blank position
        starts.append((len(text), line))
        text += squeezed
    return Block(text, tuple(starts) or ((0, pieces[0][0] if pieces else 1),))


def read_tei(lines: list[str], source: str) -> Document:
    """Read a TEI XML record into statements; refuse malformed or hostile XML with its line."""
    blocks = xmlfile.parse(lines, source, _Collector(), "a TEI record", buffer_text=False)
    if not blocks:
        raise SourceError(source, "holds no <head> or <p> inside a TEI <text> element")
    statements: list[Statement] = []
    for tag, section, pieces in blocks:
        block = _block(pieces)
        if not block.text.strip():
            continue
        if tag == "head":
            statements.append(Statement(source, block.line_at(0), 1, section, "heading",
                                        clean(block.text)))
            continue
        seen: dict[int, int] = {}
        for offset, sentence in split_sentences(block.text):
            line = block.line_at(offset)
            seen[line] = seen.get(line, 0) + 1
            statements.append(Statement(source, line, seen[line], section, "prose",
                                        clean(sentence)))
    return Document(source, tuple(statements), (), ())
