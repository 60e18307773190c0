"""The frame round a chart: a title, subtitle lines (the view, the date the figures run to,
then what the chart's marks mean), the chart, and a footnote naming every source it draws.

One frame for the dashboard's charts (`for_the_page`) and the exported images (`frame`, used
by `figures.exports`), so a screenshot of a chart and its download say the same thing in the
same type: a chart cut out of either is titled, dated and sourced.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from figures.charts.notes import MAX_SOURCE_LINES, SOURCES_MORE, fit_lines
from figures.charts.style import (
    FOOTNOTE_CHAR_WIDTH_PX,
    FOOTNOTE_TITLE,
    FRAME_PADDING,
    SUBTITLE_CHAR_WIDTH_PX,
    Spec,
    themed,
)

if TYPE_CHECKING:
    from altair.typing import ChartType

# A footnote line is never shorter than this: a narrow chart's footnote may run past it.
_MIN_FOOTNOTE_CHARS = 60
# What the text wraps to when a chart states no width.
DEFAULT_CHART_WIDTH = 640
# Subtitle lines may run this far past the plots' width: the key and the axis labels do.
SUBTITLE_OVERHANG_PX = 50
# Vega-Lite allows these only at the top level of a spec, so they move out to the frame.
_TOP_LEVEL_ONLY = ("$schema", "datasets", "config", "autosize", "padding", "background", "usermeta")


def wrapped(lines: Sequence[str], width_px: int) -> list[str]:
    """Subtitle lines wrapped at words to about `width_px`: Vega cuts a title line wider than
    the chart with an ellipsis."""
    chars = max(40, int(width_px / SUBTITLE_CHAR_WIDTH_PX))
    return [piece for line in lines for piece in (textwrap.wrap(line, chars) or [line])]


def footnote_chars(width_px: int) -> int:
    """How many characters of footnote type fit on a line `width_px` wide."""
    return max(_MIN_FOOTNOTE_CHARS, int(width_px / FOOTNOTE_CHAR_WIDTH_PX))


def footnote_lines(sources: Sequence[str], width_px: int) -> list[str]:
    """'Sources: a; b; c' in at most three lines of about `width_px`, never breaking inside
    one source's label, so every name shown stays whole and searchable in the SVG; past what
    fits, 'N more: the CSV export lists every source.'"""
    if not sources:
        return ["Sources: none (no figures in this view)."]
    return fit_lines(
        "Sources:", list(sources), SOURCES_MORE, footnote_chars(width_px), MAX_SOURCE_LINES
    )


def declared_width(spec: Spec) -> int:
    """The chart's width in pixels if it states one, for wrapping the frame's text to it."""
    width = spec.get("width")
    if isinstance(width, int | float):
        return int(width)
    for name in ("hconcat", "concat"):
        if spec.get(name):
            return sum(declared_width(part) for part in spec[name])
    for name in ("vconcat", "layer"):
        if spec.get(name):
            return max(declared_width(part) for part in spec[name])
    return DEFAULT_CHART_WIDTH


def _title_parts(title: Any) -> tuple[str, list[str]]:
    """A Vega-Lite title's text and subtitle lines, whichever form it is given in."""
    if not title:
        return "", []
    if isinstance(title, str):
        return title, []
    text = title.get("text", "")
    subtitle = title.get("subtitle", [])
    text = " ".join(text) if isinstance(text, list) else str(text)
    lines = [subtitle] if isinstance(subtitle, str) else [str(line) for line in subtitle]
    return text, lines


def frame(
    spec: Spec,
    *,
    subtitle_lines: Sequence[str],
    sources: Sequence[str],
    title: str | None = None,
    width: int | None = None,
    footnote_width: int | None = None,
) -> Spec:
    """The chart framed: `title` (default: the chart's own) over `subtitle_lines` and then the
    chart's own subtitle lines, and a footnote naming `sources` under the chart.

    `sources` are labels ('UNHCR (via 3 outlets)', see `drawn_sources`); `width` is what
    the frame's
    text wraps to (default: the chart's own width), `footnote_width` what the footnote wraps
    to (default: `width`). The chart's top-level settings (its
    data, its `config` over the theme) move up to the frame, where Vega-Lite wants them.
    """
    own_text, own_lines = _title_parts(spec.get("title"))
    chart = {k: v for k, v in spec.items() if k not in (*_TOP_LEVEL_ONLY, "title")}
    wrap_width = width or declared_width(chart)
    # A legend beside the panels sits right of the footnote too: `footnote_width` keeps the
    # footnote from pushing it off a fixed-size frame.
    footnote = {"text": footnote_lines(sources, footnote_width or wrap_width), **FOOTNOTE_TITLE}
    if set(chart) <= {"vconcat", "spacing"}:
        footed = {**chart, "title": footnote}  # a stack of parts gets the footnote itself
    else:
        footed = {"vconcat": [chart], "title": footnote}
    subtitle = [*wrapped(subtitle_lines, wrap_width + SUBTITLE_OVERHANG_PX), *own_lines]
    top = {k: spec[k] for k in _TOP_LEVEL_ONLY if k in spec}
    return {
        **top,
        "config": themed(spec.get("config")),
        "padding": FRAME_PADDING,
        "title": {"text": own_text if title is None else title, "subtitle": subtitle},
        "vconcat": [footed],
    }


def for_the_page(spec: Spec, *, dated: str, sources: Sequence[str], width: int) -> Spec:
    """The chart as the dashboard draws it: the view's date line first under its title and
    its sources under its panels, in the frame the image exports use."""
    if "vconcat" not in spec:
        return spec  # the empty state: a message, nothing to date or source
    return frame(spec, subtitle_lines=[dated], sources=sources, width=width)


def split_title(chart: ChartType) -> tuple[Any, str, list[str]]:
    """A copy of the chart without its title, and that title's text and subtitle lines.

    A page that draws its own title block (the briefing page) shows the chart's subtitle
    lines (what the marks mean, what a sample leaves out) under it.
    """
    import altair as alt

    inner = chart.copy(deep=True)
    own = getattr(inner, "title", alt.Undefined)
    if own is alt.Undefined:
        return inner, "", []
    inner.title = alt.Undefined
    text, lines = _title_parts(own.to_dict() if hasattr(own, "to_dict") else own)
    return inner, text, lines
