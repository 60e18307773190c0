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

from figures.charts.style import (
    FOOTNOTE_CHAR_WIDTH_PX,
    FOOTNOTE_TITLE,
    FRAME_PADDING,
    SUBTITLE_CHAR_WIDTH_PX,
    Spec,
    themed,
)

if TYPE_CHECKING:
    import altair as alt

# Footnotes in images list sources up to this many; a longer list would bury the chart, and
# the CSV export lists every figure with its source anyway.
MAX_SOURCES_IN_IMAGE = 40
# A footnote line is never shorter than this, so a narrow chart does not get a tall footnote.
_MIN_FOOTNOTE_CHARS = 80
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


def footnote_lines(sources: Sequence[str], width_px: int) -> list[str]:
    """'Sources: a; b; c' wrapped to about width_px, never breaking inside one source's label,
    so every name stays whole and searchable in the SVG."""
    if not sources:
        return ["Sources: none (no figures in this view)."]
    shown = list(sources[:MAX_SOURCES_IN_IMAGE])
    left_out = len(sources) - len(shown)
    entries = [f"{label};" for label in shown[:-1]] + [f"{shown[-1]}."]
    if left_out:
        entries.append(f"… and {left_out} more (the CSV export lists every figure's source).")
    limit = max(_MIN_FOOTNOTE_CHARS, int(width_px / FOOTNOTE_CHAR_WIDTH_PX))
    lines: list[str] = []
    current = "Sources:"
    for entry in entries:
        if len(current) + 1 + len(entry) <= limit:
            current = f"{current} {entry}"
            continue
        lines.append(current)
        if len(entry) <= limit * 1.3:
            # A label a little longer than the line overflows it rather than being split.
            current = entry
            continue
        pieces = textwrap.wrap(entry, limit) or [entry]
        lines.extend(pieces[:-1])
        current = pieces[-1]
    lines.append(current)
    return lines


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
) -> Spec:
    """The chart framed: `title` (default: the chart's own) over `subtitle_lines` and then the
    chart's own subtitle lines, and a footnote naming `sources` under the chart.

    `sources` are labels ('Reporter (Outlet, 30 Sep 2023)'); `width` is what the frame's
    text wraps to (default: the chart's own width). The chart's top-level settings (its
    data, its `config` over the theme) move up to the frame, where Vega-Lite wants them.
    """
    own_text, own_lines = _title_parts(spec.get("title"))
    chart = {k: v for k, v in spec.items() if k not in (*_TOP_LEVEL_ONLY, "title")}
    wrap_width = width or declared_width(chart)
    footnote = {"text": footnote_lines(sources, wrap_width), **FOOTNOTE_TITLE}
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


def split_title(chart: alt.TopLevelMixin) -> tuple[Any, str, list[str]]:
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
