"""Charts of reported figures: pure functions from rows to Vega-Lite specs and Altair charts
(no Streamlit here).

The dashboard, the briefing page and the image exports all draw with these functions, so a
figure looks the same wherever it is shown. The rooms, in the order a chart is made:

- `style`: colours, palettes, type sizes, the marks' looks, and THEME, the one Vega-Lite
  `config` every chart carries;
- `wording`: the dates, plurals and labels the charts and exports print;
- `panels`: which panels (metric and group) and which figures a size-limited chart draws;
- `data`: rows to the table the marks are drawn from (`prepare`), with the conflict index;
- `layers`: the marks of each panel and the key drawn with the same marks;
- `spec`: the timeline and by-source charts as specs, and as Altair charts;
- `framing`: the frame (title, view and date, sources) shared by the page and the exports.

This module only gathers the names other modules use; the modules import each other directly.
"""

from __future__ import annotations

from figures.charts.data import (
    MAX_PANELS,
    MAX_ROWS,
    ChartData,
    ConflictIndex,
    drawn_sources,
    prepare,
)
from figures.charts.framing import (
    footnote_lines,
    for_the_page,
    frame,
    split_title,
)
from figures.charts.layers import BARS_FILTER, LOOK, POINTS_FILTER
from figures.charts.notes import MAX_SOURCE_LINES
from figures.charts.panels import ChartPanels, panels_to_chart
from figures.charts.spec import (
    by_source_chart,
    by_source_spec,
    timeline_chart,
    timeline_spec,
    to_altair,
)
from figures.charts.style import (
    ARROW_DOWN,
    ARROW_LEFT,
    ARROW_RIGHT,
    ARROW_UP,
    CONFLICT_RED,
    KEY_GREY,
    OTHER_REPORTERS,
    OTHER_REPORTERS_GREY,
    POINT_STYLE,
    REPORTER_COLOURS,
    THEME,
    chart_palette,
    hued_reporters,
    reporter_dashes,
    reporter_palette,
    side_palette,
)
from figures.charts.timespan import (
    TimeSpan,
    chart_span,
    densest_span,
    tick_label_expression,
    time_ticks,
)
from figures.wording import date_texts, shorten

__all__ = [
    "ARROW_DOWN",
    "ARROW_LEFT",
    "ARROW_RIGHT",
    "ARROW_UP",
    "BARS_FILTER",
    "CONFLICT_RED",
    "KEY_GREY",
    "LOOK",
    "MAX_PANELS",
    "MAX_ROWS",
    "MAX_SOURCE_LINES",
    "OTHER_REPORTERS",
    "OTHER_REPORTERS_GREY",
    "POINTS_FILTER",
    "POINT_STYLE",
    "REPORTER_COLOURS",
    "THEME",
    "ChartData",
    "ChartPanels",
    "ConflictIndex",
    "TimeSpan",
    "by_source_chart",
    "by_source_spec",
    "chart_palette",
    "chart_span",
    "date_texts",
    "densest_span",
    "drawn_sources",
    "footnote_lines",
    "for_the_page",
    "frame",
    "hued_reporters",
    "panels_to_chart",
    "prepare",
    "reporter_dashes",
    "reporter_palette",
    "shorten",
    "side_palette",
    "split_title",
    "tick_label_expression",
    "time_ticks",
    "timeline_chart",
    "timeline_spec",
    "to_altair",
]
