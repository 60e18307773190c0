"""How the charts look: colours, palettes, type sizes, the marks' shapes and sizes, and the one
Vega-Lite `config` (THEME) that says the fonts, sizes and colours of every title, axis,
header, legend and text once, at the top level of each chart.

The dashboard, the briefing page and the exported images all draw with this theme, so a
figure looks the same wherever it is shown. Change a look here, never on one axis or title.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Spec = dict[str, Any]

# ---------------------------------------------------------------------------------------------
# Colours.

# Ten hues a reader tells apart at a glance, one per reporter in a chart. Okabe & Ito's
# colour-blind-safe palette first (without its yellow, barely visible on white, and its black,
# which reads as the key's neutral symbols), then purple, brown, olive and wine. Measured in
# CIELAB, no two are closer than ΔE 26 (the blue and the sky blue, which differ in lightness,
# so they stay apart for colour-blind readers too); none is near the conflict red or the grey
# of "other reporters". Ten, not more: an eleventh hue would sit closer than that to one of
# these, and a legend of more than ten colours is read by looking names up, not by colour.
REPORTER_COLOURS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#6A3D9A",  # purple
    "#8C510A",  # brown
    "#999933",  # olive
    "#882255",  # wine
)
# Reporters past the ten with the most figures share this grey, named once in the legend.
OTHER_REPORTERS_GREY = "#9E9E9E"
OTHER_REPORTERS = "Other reporters"
# Kept for callers of the older API: one solid line per reporter (colours no longer repeat).
DASHES: tuple[tuple[int, ...], ...] = ((1, 0),)
# A side's colour comes from its dataset's sides.csv (see side_palette), so a side keeps its
# colour in every view and export; a side without one takes a reporter hue no other side has.
# Past those, grey, the least specific.
SIDE_GREY = "#8C8C8C"
# The reporter hues in the order sides take them: a side is told apart by hue alone, so the sky
# blue, a second blue beside the first, comes last (as in the shipped sides.csv).
SIDE_COLOURS: tuple[str, ...] = (
    *(colour for colour in REPORTER_COLOURS if colour != "#56B4E9"),
    "#56B4E9",
)
CONFLICT_RED = "#C4001A"
KEY_GREY = "#4D4D4D"
TEXT_COLOUR = "#1B1B1B"
# Subtitles and footnotes: a step lighter than the title, still dark enough on a projector.
NOTE_COLOUR = "#3a3a3a"

# ---------------------------------------------------------------------------------------------
# Type. Legible at 1280x800 and from the back of a room: nothing below 11 px. The frame's
# sizes (title, subtitle, footnote) are those the exported images always had; the page uses
# the same frame.

FONT = "Helvetica, Arial, sans-serif"
TITLE_SIZE = 18
SUBTITLE_SIZE = 12
SUBTITLE_LINE_HEIGHT = 16
PANEL_TITLE_SIZE = 15
LABEL_SIZE = 12
AXIS_TITLE_SIZE = 13
FOOTNOTE_FONT_SIZE = 11
# Average glyph width of an 11 px sans-serif font (Liberation Sans, vl-convert's sans-serif
# here, averages about 5.2 px on names), with a margin for names heavy in capitals: footnotes
# are wrapped with it so that they never run wider than the chart.
FOOTNOTE_CHAR_WIDTH_PX = 5.6
# An average glyph of the subtitle's font is about half its size wide.
SUBTITLE_CHAR_WIDTH_PX = SUBTITLE_SIZE * 0.52
# Each character of a key's label at LABEL_SIZE, and of a reporter's name on the by-source
# chart's axis: about 6.5 px.
LABEL_CHAR_WIDTH_PX = 6.5

# ---------------------------------------------------------------------------------------------
# The theme: every chart's top-level `config`.

THEME: Spec = {
    "font": FONT,
    "background": "white",
    "title": {
        "anchor": "start",
        "fontSize": TITLE_SIZE,
        "color": TEXT_COLOUR,
        "subtitleFontSize": SUBTITLE_SIZE,
        "subtitleColor": NOTE_COLOUR,
        "subtitleLineHeight": SUBTITLE_LINE_HEIGHT,
        "offset": 14,
    },
    "axis": {
        "labelFontSize": LABEL_SIZE,
        "titleFontSize": AXIS_TITLE_SIZE,
        "titleFontWeight": "normal",
        "labelColor": TEXT_COLOUR,
    },
    # A panel's title, above its plot.
    "header": {
        "labelFontSize": PANEL_TITLE_SIZE,
        "labelFontWeight": "bold",
        "labelColor": TEXT_COLOUR,
    },
    # Above the panels, not beside them: beside, long reporter names would take a third of a
    # 1280-pixel screen from the panels themselves.
    "legend": {
        "orient": "top",
        "direction": "horizontal",
        "columns": 2,
        "columnPadding": 18,
        "rowPadding": 4,
        "labelFontSize": LABEL_SIZE,
        "titleFontSize": AXIS_TITLE_SIZE,
        "labelLimit": 300,
        "symbolType": "circle",
        "symbolSize": 110,
        "symbolOpacity": 1,
        "symbolStrokeWidth": 0,
    },
    # The key's labels.
    "text": {"fontSize": LABEL_SIZE, "color": TEXT_COLOUR},
}

# The footnote naming the sources, under the panels: a title of its own, smaller and lighter.
FOOTNOTE_TITLE: Spec = {
    "orient": "bottom",
    "anchor": "start",
    "fontSize": FOOTNOTE_FONT_SIZE,
    "fontWeight": "normal",
    "color": NOTE_COLOUR,
    "lineHeight": 14,
    "offset": 14,
}
# Room round a framed chart, so a pasted image does not touch its neighbours.
FRAME_PADDING: Spec = {"left": 16, "right": 16, "top": 14, "bottom": 12}
# The empty state's message: larger than a label, in the key's grey.
MESSAGE_LOOK: Spec = {"fontSize": 16, "color": KEY_GREY}


def themed(config: Mapping[str, Any] | None = None) -> Spec:
    """THEME with a chart's own `config` over it, section by section: what a framed chart
    keeps of its own settings."""
    merged = {
        name: dict(value) if isinstance(value, dict) else value for name, value in THEME.items()
    }
    for name, value in (config or {}).items():
        if isinstance(value, Mapping) and isinstance(merged.get(name), dict):
            merged[name] = {**merged[name], **value}
        else:
            merged[name] = value
    return merged


# ---------------------------------------------------------------------------------------------
# The marks.

# Point shapes as SVG paths in Vega's unit square (y grows downwards): a bound is a line at
# the value with an arrow into the open side, so "more than 2,900" reads "2,900 and up".
ARROW_UP = "M-1,0 L1,0 M0,0 L0,-2.4 M-0.7,-1.6 L0,-2.4 L0.7,-1.6"
ARROW_DOWN = "M-1,0 L1,0 M0,0 L0,2.4 M-0.7,1.6 L0,2.4 L0.7,1.6"
ARROW_RIGHT = "M0,-1 L0,1 M0,0 L2.4,0 M1.6,-0.7 L2.4,0 L1.6,0.7"
ARROW_LEFT = "M0,-1 L0,1 M0,0 L-2.4,0 M-1.6,-0.7 L-2.4,0 L-1.6,0.7"

# How each qualifier is drawn.
FORMS: dict[str, str] = {
    "exact": "exact",
    "about": "about",
    "more_than": "lower",
    "at_least": "lower",
    "up_to": "upper",
    "less_than": "upper",
    "range": "range",
}
# How each form of figure is drawn: point size (normal, highlighted), outline width, and
# whether the dot is filled; and the thickness of the two forms drawn with a bar.
POINT_STYLE: dict[str, tuple[float, float, float, float]] = {
    "exact": (80, 220, 0.0, 1.0),
    "about": (80, 220, 2.0, 0.0),
    "lower": (110, 240, 2.2, 0.0),
    "upper": (110, 240, 2.2, 0.0),
}
POINT_FORMS = tuple(POINT_STYLE)
BAR_THICKNESS = {"about": 14, "range": 6}
# The about band is faint; a range's bar is its figure, so it shows (and fades) like a point.
BAR_OPACITY = {"about": 0.22, "range": 0.9}
BAR_OPACITY_EMPHASISED = {
    "about": 0.15,
    "range": 0.25,
    "highlighted about": 0.15,
    "highlighted range": 1.0,
}
# Marks' opacity: every figure, or with some highlighted, those and the faded rest.
MARK_OPACITY = 0.9
FADED_OPACITY = 0.25
# The red ring round a figure in a conflict (size, outline), normal and highlighted; and the
# dashed line joining two figures that cannot both be true.
RING = {"size": (330, 640), "strokeWidth": (2.2, 3.4)}
PAIR_LOOK: Spec = {"color": CONFLICT_RED, "strokeWidth": 1.8, "strokeDash": [5, 3]}
# The line through one source's updates of a running total.
RUNNING_TOTAL_LOOK: Spec = {"strokeWidth": 1.6, "opacity": 0.5}
# The key's "in a conflict" symbol: a grey dot in a red ring.
KEY_DOT_SIZE = 60

# Tick values for the log scale: Vega's own symlog ticks crowd and overlap. Powers of ten,
# plus 2 and 5 for panels of small counts (five to six detained); each panel keeps those
# inside its own domain, and labels that would overlap are dropped.
LOG_TICKS = [0, 1, 2, 5, *(10**power for power in range(1, 10))]


# ---------------------------------------------------------------------------------------------
# Palettes.


def unique_sorted(names: Iterable[str]) -> list[str]:
    """Distinct names, sorted: a reporter's colour depends only on the set of reporters,
    never on the order a caller lists them in, so the dashboard and the exports agree."""
    return sorted({str(name) for name in names}, key=lambda name: (name.casefold(), name))


def reporter_palette(reporters: Sequence[str]) -> dict[str, str]:
    """A colour per reporter, fixed for a given set of reporters, each different while there
    are at most ten; past ten, see `chart_palette` (the ten with the most figures keep a hue).

    The dashboard passes every reporter in the data, so while the file has at most ten a
    reporter keeps its colour when the filters change.
    """
    names = unique_sorted(reporters)
    return {
        name: REPORTER_COLOURS[index % len(REPORTER_COLOURS)] for index, name in enumerate(names)
    }


def hued_reporters(counts: Mapping[str, int], limit: int = len(REPORTER_COLOURS)) -> set[str]:
    """The reporters that get a hue of their own in a chart: all of them while they fit the
    palette; else the `limit` with the most figures (by name on a tie)."""
    if len(counts) <= limit:
        return set(counts)
    ranked = sorted(counts, key=lambda name: (-counts[name], name.casefold(), name))
    return set(ranked[:limit])


def chart_palette(counts: Mapping[str, int], everyone: Sequence[str] = ()) -> dict[str, str]:
    """A colour per reporter drawn in one chart (`counts`: figures per reporter), no two the
    same: `reporter_palette(everyone)` while every reporter in the data fits the palette (a
    reporter keeps its colour across views), else the palette over the reporters that get a
    hue (`hued_reporters`), and OTHER_REPORTERS_GREY for the rest."""
    hued = hued_reporters(counts)
    known = unique_sorted([*everyone, *counts])
    if len(known) <= len(REPORTER_COLOURS):
        stable = reporter_palette(known)
        return {name: stable[name] for name in counts}
    own = reporter_palette(list(hued))
    return {name: own.get(name, OTHER_REPORTERS_GREY) for name in counts}


def side_palette(sides: Sequence[str], given: Mapping[str, str] | None = None) -> dict[str, str]:
    """A colour per side: `given` (side -> colour, from the dataset's sides.csv) first, then
    the reporters' hues no side has yet, so no two sides share a colour; past those, grey."""
    given = dict(given or {})
    palette = {side: given[side] for side in sides if side in given}
    taken = {colour.lower() for colour in palette.values()}
    spare = iter([c for c in SIDE_COLOURS if c.lower() not in taken])
    for side in sides:
        if side not in palette:
            palette[side] = next(spare, SIDE_GREY)
    return palette


def reporter_dashes(reporters: Sequence[str]) -> dict[str, list[int]]:
    """A solid line for every reporter: colours no longer repeat in a chart (kept for
    callers of the older API)."""
    return {name: list(DASHES[0]) for name in unique_sorted(reporters)}
