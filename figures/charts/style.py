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

# Okabe & Ito's colour-blind-safe palette first. Order matters: the hues most distinct on white
# go to the first reporters.
REPORTER_COLOURS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    # Okabe-Ito's yellow is left out: it is barely visible on white, on a screen or projector.
    # So is its black: the charts' key draws its neutral symbols in dark grey, and a reporter
    # in black reads as part of the key. Paul Tol's "muted" hues extend the set, so eleven
    # reporters (the shipped data has nine) each get a colour of their own; past eleven,
    # dashes tell their lines apart.
    "#332288",  # indigo
    "#882255",  # wine
    "#999933",  # olive
    "#44AA99",  # teal
    "#AA4499",  # purple
)
# Past eleven reporters colours repeat; the line joining a reporter's figures then changes its
# dash pattern, so two reporters share both colour and dash only past 44 reporters.
DASHES: tuple[tuple[int, ...], ...] = ((1, 0), (6, 3), (2, 2), (8, 3, 2, 3))
# A side's colour comes from its dataset's sides.csv, so a side keeps its colour in every view
# and export; a side without one takes the first reporter hue no other side has. No shipped
# side has a colour with a national connotation; "other" is grey, the least specific.
SIDE_GREY = "#8C8C8C"


def side_palette(sides: Sequence[str], given: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each side (in order) its colour: the one `given` names, else the next of
    REPORTER_COLOURS that no side uses yet; past those, grey."""
    given = given or {}
    taken = {colour.lower() for colour in given.values()}
    spare = iter([colour for colour in REPORTER_COLOURS if colour.lower() not in taken])
    return {side: given.get(side) or next(spare, SIDE_GREY) for side in sides}


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
# Average glyph width of an 11 px sans-serif font (measured on Liberation Sans, vl-convert's
# sans-serif here), used to wrap footnotes to the chart's width.
FOOTNOTE_CHAR_WIDTH_PX = 5.2
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
    """A colour per reporter, from Okabe–Ito, fixed for a given set of reporters.

    Pass every reporter in the data, not only those in view, so a reporter keeps its colour
    when the filters change. Colours repeat past eleven reporters; `reporter_dashes` then tells
    their lines apart.
    """
    names = unique_sorted(reporters)
    return {
        name: REPORTER_COLOURS[index % len(REPORTER_COLOURS)] for index, name in enumerate(names)
    }


def reporter_dashes(reporters: Sequence[str]) -> dict[str, list[int]]:
    """A dash pattern per reporter: solid for the first eleven, then one pattern per cycle."""
    names = unique_sorted(reporters)
    return {
        name: list(DASHES[(index // len(REPORTER_COLOURS)) % len(DASHES)])
        for index, name in enumerate(names)
    }
