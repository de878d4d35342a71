"""Markup from templates (``helpers/templates``), never from f-strings.

Two environments, chosen by the template's name: ``*.html.j2`` escapes every value as HTML
(Jinja2's autoescape), ``*.md.j2`` escapes every value as Markdown (:func:`escape_md`), so text
from the sources or a manifest can never become markup, a link or a script. A value the
project itself wrote as markup is passed as :class:`markupsafe.Markup` and kept as it is.
Templates are strict: a name missing from the context is an error, not an empty string.
"""

from __future__ import annotations

import re
from functools import cache

import jinja2
from markupsafe import Markup

from helpers.core import paths
from helpers.core.text import escape_md

_SAFE_URL = re.compile(r"^https?://[^\s()<>]+$")


def _markdown_value(value: object) -> object:
    return value if isinstance(value, Markup) else escape_md(value)


def safe_url(value: object) -> str:
    """An http(s) URL as it is; anything else (``javascript:``, ``data:``, spaces) as ""."""
    text = str(value or "")
    return text if _SAFE_URL.match(text) else ""


@cache
def _environment(markdown: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths.TEMPLATES), undefined=jinja2.StrictUndefined,
        autoescape=not markdown, keep_trailing_newline=True, trim_blocks=True,
        lstrip_blocks=True, finalize=_markdown_value if markdown else None)
    env.filters["safe_url"] = safe_url
    return env


def render(name: str, **context: object) -> str:
    """The template ``helpers/templates/<name>`` rendered with ``context``."""
    return _environment(name.endswith(".md.j2")).get_template(name).render(**context)
