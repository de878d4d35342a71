"""An XML source parsed safely: defusedxml's parser (the standard library's expat, entity
declarations and external references refused), nesting bounded, every failure a SourceError
with the file and line.

A reader gives a parser *target* (``start``, ``end``, ``data``, ``close``, as
``xml.etree.ElementTree.XMLParser`` takes) and gets what its ``close`` returns. The target's
``expat`` attribute is set to the running parser, so it can ask for the current line.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from helpers.core.exceptions import SourceError

# Elements nested deeper than this are refused: real records nest about ten deep, and a file of
# 200,000 nested elements would otherwise take minutes. Checked as each element starts.
MAX_DEPTH = 200


class _TooDeep(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


class _Bounded:
    """The reader's target behind a depth counter."""

    def __init__(self, target: Any):
        self.target, self.depth = target, 0

    def start(self, tag, attrib):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep(self.target.expat.CurrentLineNumber)
        self.target.start(tag, attrib)

    def end(self, tag):
        self.depth -= 1
        self.target.end(tag)

    def data(self, text):
        self.target.data(text)

    def close(self):
        return self.target.close()


def parse(lines: list[str], source: str, target: Any, what: str, buffer_text: bool = True):
    """Parse ``lines`` (the file's text) into ``target``; return what ``target.close()`` gives.

    ``what`` names the kind of file in the refusal of deep nesting ("a TEI record").
    ``buffer_text=False`` gives one ``data`` call per piece of text, at its own line.
    """
    parser = DefusedXMLParser(target=_Bounded(target), forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    parser.parser.buffer_text = buffer_text
    target.expat = parser.parser
    try:
        parser.feed("\n".join(lines))
        return parser.close()
    except _TooDeep as exc:
        raise SourceError(source, f"elements nest more than {MAX_DEPTH} deep; {what} nests a "
                          "few levels, so the file is refused", exc.line) from None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        reason = re.sub(r":\s*line \d+, column \d+$", "", str(exc))
        raise SourceError(source, f"not well-formed XML: {reason}", line) from None
    except DefusedXmlException as exc:
        raise SourceError(source, f"refused unsafe XML: {_unsafe(exc)}",
                          parser.parser.CurrentLineNumber) from None
    except xml.parsers.expat.ExpatError as exc:
        raise SourceError(source, f"not well-formed XML: {exc}", exc.lineno) from None


def _unsafe(exc: DefusedXmlException) -> str:
    """What defusedxml refused, in words."""
    kind = type(exc).__name__
    name = getattr(exc, "name", "") or ""
    if kind == "EntitiesForbidden":
        return (f"it declares the entity {name!r}; entity declarations are refused (they allow "
                "entity-expansion bombs such as 'billion laughs' and external entities)")
    if kind == "ExternalReferenceForbidden":
        return f"it references an external resource ({getattr(exc, 'sysid', '')!r})"
    if kind == "DTDForbidden":
        return "it has a document type declaration"
    return str(exc)
