"""The one style of every chart and map, and the style of every value of every vocabulary.

Colours and markers are *derived* from the schema's vocabularies (helpers.core.schema), in the
vocabulary's order, from the Okabe–Ito colour-blind-safe palette: a value added to a
vocabulary gets a style without anyone editing this module, and nothing a chart draws can be
missing from a legend. ``setup()`` sets the style once (seaborn's white grid, DejaVu Sans,
shipped with matplotlib so nothing is downloaded, a fixed SVG hash salt); ``finish()`` gives
every figure its title, source note and margins.
"""

from __future__ import annotations

import textwrap
from itertools import cycle, islice

import matplotlib

matplotlib.use("Agg")  # figures are shown as SVG through IPython.display, never a GUI

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from helpers.analysis.compute import COVERAGE_LEVELS  # noqa: E402
from helpers.analysis.quality import PRECISION_LEVELS  # noqa: E402
from helpers.core.schema import (  # noqa: E402
    COW_CODES,
    DIRECTIONS,
    EVENT_KINDS,
    POST_TYPES,
    PRECISIONS,
    RELATION_REGIONS,
    STATEMENT_STATUSES,
)

# Okabe & Ito (2008), the colour-blind-safe qualitative palette, in its usual order
ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILION, PURPLE, BLACK, GREY = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
    "#999999")
OKABE_ITO = [ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILION, PURPLE, BLACK, GREY]
# the palette without yellow (too light on white for points and thin lines) and black
_STRONG = [BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, GREY]
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "p", "<", ">", "d"]
MARKERS, STRONG = _MARKERS, _STRONG  # for series that no vocabulary names (partners)
NONE_COLOR = "#DDDDDD"  # "nothing": no date, nothing stated


def _styles(values, palette) -> dict:
    """``values`` paired with ``palette`` in order, the palette repeated when it runs out."""
    return dict(zip(values, islice(cycle(palette), len(values)), strict=True))


# regions far apart in hue (Americas blue, Europe reddish purple), grey kept for "unidentified"
REGION_COLORS = _styles(RELATION_REGIONS, [ORANGE, BLUE, GREEN, PURPLE, BLACK, SKY, VERMILION])
UNIDENTIFIED_COLOR = GREY  # a partner the sources do not name, whatever its region
# Okabe–Ito has seven colours strong enough for bars; post types go beyond with Paul Tol's
# colour-blind-safe "muted" wine, olive and indigo
POST_COLORS = {**_styles(POST_TYPES, [BLUE, SKY, GREEN, ORANGE, PURPLE, VERMILION, "#882255",
                                      "#999933", "#332288"]),
               "closed": GREY}  # a post closed or suspended, whatever its type
LEVEL_COLORS = _styles(COVERAGE_LEVELS, [BLUE, ORANGE, SKY, NONE_COLOR])
# (marker, colour) per event kind: the pair is unique for up to 13 kinds
KIND_MARKERS = dict(zip(EVENT_KINDS, zip(islice(cycle(_MARKERS), len(EVENT_KINDS)),
                                         islice(cycle(_STRONG), len(EVENT_KINDS)),
                                         strict=True), strict=True))
# the finer the date, the fuller the marker: decade, year, month, day
PRECISION_MARKERS = _styles(PRECISIONS, ["v", "s", "D", "o"])
PRECISION_COLORS = _styles(PRECISION_LEVELS, [BLUE, SKY, ORANGE, VERMILION, NONE_COLOR])
STATUS_COLORS = _styles(STATEMENT_STATUSES, [BLUE, ORANGE])
DIRECTION_COLORS = _styles(DIRECTIONS, [VERMILION, BLUE])
COW_LABELS = {code: f"{rank} ({code})" for rank, code in sorted(COW_CODES.items(),
                                                                 key=lambda x: x[1])}
# every style map with the vocabulary it covers (tests/unit/analysis/test_style.py)
STYLE_MAPS = {"REGION_COLORS": (REGION_COLORS, RELATION_REGIONS),
              "POST_COLORS": (POST_COLORS, POST_TYPES),
              "LEVEL_COLORS": (LEVEL_COLORS, COVERAGE_LEVELS),
              "KIND_MARKERS": (KIND_MARKERS, EVENT_KINDS),
              "PRECISION_MARKERS": (PRECISION_MARKERS, PRECISIONS),
              "PRECISION_COLORS": (PRECISION_COLORS, PRECISION_LEVELS),
              "STATUS_COLORS": (STATUS_COLORS, STATEMENT_STATUSES),
              "DIRECTION_COLORS": (DIRECTION_COLORS, DIRECTIONS),
              "COW_LABELS": (COW_LABELS, tuple(COW_CODES.values()))}
SVG_SALT = "foreign-relations"


def setup() -> None:
    """The one style of every chart (idempotent)."""
    sns.set_theme(style="whitegrid", context="notebook", palette=OKABE_ITO,
                  font="DejaVu Sans")
    plt.rcParams.update({
        "svg.hashsalt": SVG_SALT,
        "svg.fonttype": "none",  # text stays text: smaller, faster SVG, still byte-stable
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "figure.autolayout": False,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.labelsize": 10,
        "legend.fontsize": 8,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
    })


def finish(fig, title: str, note: str) -> None:
    """Title, source note and margins: the one layout of every chart."""
    width, _ = fig.get_size_inches()
    per_line = int(width / (6.5 * _EM)) - 2
    note = "\n".join(textwrap.wrap(note, per_line))
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    fig.text(0.01, 0.01, note, fontsize=6.5, color="#444444", ha="left", va="bottom")
    _layout(fig, note.count("\n") + 1)


# Margins are estimated from the labels' lengths instead of measured by tight_layout, which
# lays out every text once more: half a second over a notebook of four charts (measured).
_EM = EM = 0.6 / 72  # inches per character per point of font size (DejaVu Sans, generous)


def _text_width(texts: list[str], size: float) -> float:
    return max((len(line) for t in texts for line in str(t).split("\n")), default=0) * size * _EM


def _yaxis_width(ax) -> float:
    if not len(ax.get_yticks()):
        labels: list[str] = []
    else:
        labels = [t.get_text() for t in ax.get_yticklabels()]
        labels = labels if any(labels) else ["00000"]  # numbers: formatted only when drawn
    size = plt.rcParams["ytick.labelsize"]
    size = size if isinstance(size, (int, float)) else 8
    return 0.12 + _text_width(labels, size) + (0.3 if ax.get_ylabel() else 0)


def _legend_width(ax) -> float:
    """Width of a legend placed outside the axes on the right (bbox_to_anchor), else 0."""
    legend = ax.get_legend()
    if legend is None or legend._bbox_to_anchor is None:
        return 0.0
    labels = [t.get_text() for t in legend.get_texts()]
    title = legend.get_title().get_text()
    return 0.55 + max(_text_width(labels, 8), _text_width([title], 9))


def _layout(fig, note_lines: int) -> None:
    width, height = fig.get_size_inches()
    axes = [ax for ax in fig.axes if ax.get_visible()]
    if not axes:
        return
    row = sorted(axes, key=lambda ax: ax.get_position().x0)
    left = max(0.35, _yaxis_width(row[0]))
    right = max(0.3, _legend_width(row[-1]) + 0.1)
    titles = max(max(ax.get_title(loc).count("\n") + 1 if ax.get_title(loc) else 0
                     for loc in ("center", "left")) for ax in axes)
    top = 0.55 + 0.2 * titles
    rotated = any(t.get_rotation() for ax in axes for t in ax.get_xticklabels())
    bottom = 0.2 + 0.13 * note_lines + (0.25 if len(axes[0].get_xticks()) else 0)
    bottom += (0.3 if any(ax.get_xlabel() for ax in axes) else 0) + (0.3 if rotated else 0)
    gaps = [max(_yaxis_width(ax), 0.2) + 0.15 + _legend_width(prev)
            for prev, ax in zip(row, row[1:], strict=False)]
    panel = (width - left - right - sum(gaps)) / len(row)
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, top=1 - top / height,
        bottom=min(bottom / height, 0.45),
        wspace=(max(gaps) / panel if gaps and panel > 0 else 0.2),
    )


def empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes,
            color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width))


# Importing the style sets it: every chart and map is drawn in it, in a notebook or a test.
setup()
