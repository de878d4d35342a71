"""The trade stage's results kept between builds: the ``trade`` and ``peer_trade`` tables as
rendered and validated, and what the stage adds to the other tables, keyed by everything that
decides them (the subject, each workbook's sha256, scope and partner, and the bytes of the code
and reference tables that read them). A warm build with unchanged workbooks reads one file
instead of 39 workbooks (``build/cache/trade/result-*.json``); any change of an input or of
that code is a new key, and a damaged cache is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from importlib import metadata

from helpers.build.sources import Source
from helpers.core import paths

# the code and data that decide the stage's output: a change to any of them is a new key
_DECIDING = ("build/workbooks.py", "build/trade.py", "build/trade_cache.py",
             "build/figures.py", "core/schema.py", "core/places.py",
             "reference/imf_names.csv", "reference/indicators.csv")


@dataclass
class TradeResult:
    texts: dict[str, str]  # table file -> its CSV text, validated
    unparsed: list[dict] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    reporters: dict[str, str] = field(default_factory=dict)  # reporter ISO3 -> its file
    flows: list[list] = field(default_factory=list)  # [reporter, partner, flow, year, value]


def key(subject: str, sources: list[Source]) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([subject, [[s.file, s.sha256, s.partner_iso3,
                                    str(s.extra.get("scope", ""))] for s in sources]]).encode())
    for name in _DECIDING:
        h.update((paths.PACKAGE / name).read_bytes())
    h.update(metadata.version("python-calamine").encode())
    return h.hexdigest()


def _path(digest: str):
    return paths.TRADE_CACHE / f"result-{digest}.json"


def load(digest: str) -> TradeResult | None:
    try:
        return TradeResult(**json.loads(_path(digest).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def store(digest: str, result: TradeResult) -> None:
    path = _path(digest)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(result), fh, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs the next build the reading
