"""The two charts of a view as Vega-Lite specs: the timeline and the figures by source.

A chart is a key (`figures.charts.layers.key`) above one panel per metric and group, each
on its own scale, under a title whose subtitle says what the marks mean and what a sample
leaves out; its `config` is the theme (`figures.charts.style.THEME`).

The spec is built as plain dicts (`timeline_spec`, `by_source_spec`) and wrapped as an Altair
chart only at the end (`to_altair`): building the same chart from Altair objects took over a
second for a dozen panels, because Altair copies and validates every sub-chart it makes. The
dashboard draws the spec directly; exports use the Altair chart (`.save`, `.to_dict`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from figures.charts.data import MAX_PANELS, MAX_ROWS, ChartData, dataset_name, prepare
from figures.charts.framing import SUBTITLE_OVERHANG_PX, footnote_chars, wrapped
from figures.charts.layers import (
    SIZES_APART,
    Channels,
    colour_encoding,
    key,
    panel_layers,
)
from figures.charts.notes import outside_lines
from figures.charts.style import (
    BAR_THICKNESS,
    FOOTNOTE_TITLE,
    LABEL_CHAR_WIDTH_PX,
    LOG_TICKS,
    MESSAGE_LOOK,
    THEME,
    Spec,
    themed,
)
from figures.charts.timespan import DAY_MS, TimeSpan, tick_label_expression, time_ticks
from figures.conflicts import Conflict, ConflictSettings
from figures.vocabulary import Vocabulary
from figures.wording import day_text, word_for

if TYPE_CHECKING:
    import altair as alt
    from altair.typing import ChartType

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
TIMELINE_TITLE = "Reported figures over time"
BY_SOURCE_TITLE = "Figures by source"
EMPTY_MESSAGE = "No figures in this view"
# The widest a reporter's name is drawn on the by-source chart's axis.
REPORTER_LABEL_LIMIT = 320
# ... and when panels stand side by side (on a slide), where two columns of names must fit.
REPORTER_LABEL_LIMIT_SIDE_BY_SIDE = 190
# A tick of the time axis per this many pixels at most: a '19 Sep' label and room round it.
TICK_SPACING_PX = 80
# The y axis's labels left of each panel ('100,000'), between panels side by side.
VALUE_AXIS_PX = 60


# ---------------------------------------------------------------------------------------------
# Pieces of the spec.


def _axis(title: str | None = None, **extra: Any) -> Spec:
    """An axis; its type and colours are the theme's."""
    return {"title": title, **extra}


def _value_axis(log_scale: bool, **extra: Any) -> Spec:
    if log_scale:
        extra["values"] = LOG_TICKS
        extra["labelOverlap"] = "greedy"
    return _axis(None, format=",~f", **extra)


def _value_scale(log_scale: bool) -> Spec:
    # symlog, not log: "none deployed" is a real figure of 0, which a log scale cannot show.
    return {"type": "symlog", "constant": 1} if log_scale else {"zero": True, "nice": True}


def _values(log_scale: bool, **axis: Any) -> Spec:
    """The figures' values, on a linear scale from zero or on symlog."""
    return {
        "field": "y",
        "type": "quantitative",
        "scale": _value_scale(log_scale),
        "axis": _value_axis(log_scale, **axis),
    }


def _header() -> Spec:
    """Each panel's title, above its plot, left-aligned; its type is the theme's."""
    return {
        "title": None,
        "labelAngle": 0,
        "labelAlign": "left",
        "labelAnchor": "start",
        "labelOrient": "top",
        "labelPadding": 6,
        "labelLimit": 900,
    }


def _utc_text(epoch_ms: int) -> str:
    """A time-scale bound as ISO text: Streamlit's browser side misplaced every mark of a
    one-day view when the bounds were numbers (vl-convert drew them right)."""
    return pd.Timestamp(epoch_ms, unit="ms", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _times(data: ChartData, width: int) -> Spec:
    """The time axis: the chart's span (`figures.charts.timespan`) on a UTC scale, ticks at
    even steps, each labelled with its day and the year under the first and at each change."""
    span = data.span
    if span is None:  # no figure: any span will do
        first = last = int(data.marks["t"].min()) if len(data.marks) else 0
        span = TimeSpan(first - DAY_MS, last + DAY_MS, False)
    ticks = time_ticks(span.start, span.end, max(2, width // TICK_SPACING_PX))
    return {
        "field": "t",
        "type": "temporal",
        "scale": {"type": "utc", "domain": [_utc_text(span.start), _utc_text(span.end)]},
        "axis": _axis(
            None,
            # As ISO text, as the bounds: the browser drew no tick at all from numbers.
            values=[_utc_text(value) for value in ticks.values],
            labelExpr=tick_label_expression(ticks),
            labelAngle=0,
            labelOverlap=False,
            labelBaseline="top",
        ),
    }


def _reporters(
    marks: pd.DataFrame, side_labels: Sequence[str], label_limit: int = REPORTER_LABEL_LIMIT
) -> Spec:
    """The by-source chart's rows: one per reporter, grouped by side."""
    side_rank = {label: index for index, label in enumerate(side_labels)}
    order = sorted(
        marks[["side", "reporter"]].drop_duplicates().itertuples(index=False, name=None),
        key=lambda pair: (side_rank.get(pair[0], len(side_rank)), pair[1].casefold(), pair[1]),
    )
    return {
        "field": "reporter",
        "type": "nominal",
        "sort": [reporter for _, reporter in order],
        "axis": _axis(None, labelLimit=label_limit, labelPadding=8),
    }


def _present(data: ChartData) -> dict[str, bool]:
    """Which kinds of rows the chart's table holds, so layers with nothing to draw are left
    out (see `panel_layers`)."""
    forms = set(data.marks["form"].unique())
    return {
        "bars": bool(forms & set(BAR_THICKNESS)),
        "joined": bool(data.marks["joined"].any()),
        "pairs": len(data.pairs) > 0,
        "conflicts": bool(data.marks["in_conflict"].any()),
    }


def _subtitle(data: ChartData, lead: str, highlight: set[int], log_scale: bool) -> list[str]:
    lines = [lead]
    if data.marks["in_conflict"].any():
        lines.append(
            "Red ring: a figure in a conflict; red dashed line: two figures that cannot both "
            "be true."
        )
    else:
        lines.append("No figure in this chart is in a conflict.")
    if log_scale:
        lines.append("Values on a log scale (symlog, so that zero can be shown).")
    shown = sorted(highlight.intersection(data.marks["line"].astype(int)))
    if shown:
        listed = ", ".join(str(line) for line in shown[:12])
        lines.append(f"Highlighted, others faded: CSV {word_for(len(shown), 'line')} {listed}.")
    lines.extend(data.notes)
    return lines


def _empty_spec(title: str, message: str) -> Spec:
    frame = pd.DataFrame({"message": [message]})
    name = dataset_name("empty", frame)
    return {
        "$schema": SCHEMA,
        "config": THEME,
        "title": {"text": title, "subtitle": []},
        "datasets": {name: frame},
        "data": {"name": name},
        "mark": {"type": "text", **MESSAGE_LOOK},
        "encoding": {"text": {"field": "message", "type": "nominal"}},
        "width": 400,
        "height": 60,
        "view": {"stroke": None},
    }


def _browser_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with 64-bit integer columns as floats. Streamlit hands a chart's data to the
    browser as Arrow, where a 64-bit integer arrives as a JavaScript BigInt that Vega cannot
    place on a scale: a view whose times were all integers drew no time axis at all."""
    wide = [name for name, dtype in frame.dtypes.items() if str(dtype) in ("int64", "Int64")]
    if not wide:
        return frame
    return frame.astype({name: "float64" for name in wide})


@dataclass(frozen=True)
class Layout:
    """How a chart's panels are laid out: in `columns` side by side (one under the other by
    default, as on the dashboard), each `width` wide; `legend` overrides the theme's legend
    (e.g. to the right of the panels on a slide)."""

    width: int
    columns: int = 1
    legend: Spec | None = None
    text_width: int | None = None  # what the subtitle and notes wrap to, if not the panels'
    legend_beside: bool = False  # a legend stands right of the panels (and of notes under them)

    @property
    def wrap_width(self) -> int:
        return self.text_width or self.total_width

    @property
    def total_width(self) -> int:
        """About how wide the panels and their axes are: what notes wrap to."""
        return self.columns * (self.width + VALUE_AXIS_PX) - VALUE_AXIS_PX

    def facet(self, titles: list[str]) -> Spec:
        """The facet's field: a panel per title, in rows or wrapped in columns."""
        header = _header()
        if self.columns > 1:
            # Side by side, a title longer than its panel is cut rather than pushing the
            # next column away.
            header["labelLimit"] = self.width + VALUE_AXIS_PX - 8
        field = {"field": "panel_title", "type": "nominal", "sort": titles, "header": header}
        if self.columns <= 1:
            return {"facet": {"row": field}}
        return {"facet": field, "columns": self.columns}


def _outside_note(data: ChartData, width: int) -> list[str]:
    """'Not shown: 3 figures outside 18 Sep–12 Oct 2023: …' under the panels, if any are."""
    if not data.outside or data.span is None:
        return []
    start = pd.Timestamp(data.span.start, unit="ms")
    end = pd.Timestamp(data.span.end, unit="ms")
    first = f"{start.day} {start:%b}" if start.year == end.year else day_text(start)
    return outside_lines(data.outside, first, day_text(end), footnote_chars(width))


def _assemble(
    title: str,
    subtitle: list[str],
    chart_key: tuple[Spec, pd.DataFrame],
    data: ChartData,
    panel: Spec,
    resolve: Spec,
    layout: Layout,
) -> Spec:
    """The chart: its title, the key above the panels, both tables as named datasets, and
    under the panels the figures its time axis leaves out."""
    figures_name, table = data.table
    key_spec, key_frame = chart_key
    subtitle = wrapped(subtitle, layout.wrap_width + SUBTITLE_OVERHANG_PX)
    key_name = dataset_name("key", key_frame)
    facet = {
        "data": {"name": figures_name},
        **layout.facet([title for _, title, _ in data.panels]),
        # Side by side (on a slide), rows of panels sit closer: the height is the frame's.
        "spacing": 22 if layout.columns <= 1 else {"row": 10, "column": 22},
        "spec": panel,
        "resolve": resolve,
    }
    # Under the panels, left of a legend beside them: then only as wide as the panels.
    note = _outside_note(data, layout.total_width if layout.legend_beside else layout.wrap_width)
    if note:
        facet["title"] = {"text": note, **FOOTNOTE_TITLE}
    return {
        "$schema": SCHEMA,
        "config": THEME if layout.legend is None else themed({"legend": layout.legend}),
        "title": {"text": title, "subtitle": subtitle},
        "datasets": {key_name: _browser_numbers(key_frame), figures_name: _browser_numbers(table)},
        "vconcat": [{"name": "key", "data": {"name": key_name}, **key_spec}, facet],
        "spacing": 14,
    }


# ---------------------------------------------------------------------------------------------
# The charts.


class _ChartInput(NamedTuple):
    data: ChartData
    highlight: set[int]  # CSV lines to emphasise
    tolerance: float
    emphasise: bool  # a highlighted figure is among the drawn ones


class ChartOptions(NamedTuple):
    """What both chart functions take besides the rows (see `timeline_chart`)."""

    color_by: str = "reported_by"
    log_scale: bool = False
    highlight: Iterable[int] = ()
    reporters: Sequence[str] | None = None
    tolerance: float | None = None
    max_rows: int = MAX_ROWS
    prepared: ChartData | None = None
    dates: tuple[dt.date | None, dt.date | None] | None = None
    max_panels: int = MAX_PANELS
    columns: int = 1
    legend: Spec | None = None
    text_width: int | None = None


def _chart_data(
    rows: pd.DataFrame, conflicts: Sequence[Conflict], vocabulary: Vocabulary, on: ChartOptions
) -> _ChartInput:
    """What both charts start from: the drawn marks, prepared here unless the caller already
    did (the dashboard prepares once for both charts; `prepared` must match the arguments)."""
    highlight_set = {int(line) for line in on.highlight}
    tolerance = ConflictSettings().tolerance if on.tolerance is None else on.tolerance
    data = on.prepared or prepare(
        rows,
        conflicts,
        vocabulary,
        color_by=on.color_by,
        highlight=highlight_set,
        tolerance=tolerance,
        max_rows=on.max_rows,
        max_panels=on.max_panels,
        dates=on.dates,
    )
    emphasise = not data.marks.empty and bool(
        highlight_set.intersection(data.marks["line"].astype(int))
    )
    return _ChartInput(data, highlight_set, tolerance, emphasise)


def timeline_spec(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    vocabulary: Vocabulary,
    *,
    width: int = 760,
    panel_height: int = 120,
    **options: Any,
) -> Spec:
    """The timeline as a Vega-Lite spec whose datasets are DataFrames (see `timeline_chart`;
    `options` are `ChartOptions`' fields)."""
    on = ChartOptions(**options)
    data, highlight_set, tolerance, emphasise = _chart_data(rows, conflicts, vocabulary, on)
    if data.marks.empty:
        return _empty_spec(TIMELINE_TITLE, EMPTY_MESSAGE)
    colour = colour_encoding(data.marks, on.color_by, on.reporters, True, data.side_colours)
    channels = Channels(False, _times(data, width), _values(on.log_scale), colour, None, emphasise)
    panel = {
        "width": width,
        "height": panel_height,
        "layer": panel_layers(channels, _present(data)),
        "resolve": SIZES_APART,
    }
    lead = f"{len(data.marks):,} figures as reported, each on the date it describes"
    if data.marks["joined"].any():
        lead += "; a line joins one source's updates of a running total"
    layout = Layout(width, on.columns, on.legend, on.text_width, on.legend is not None)
    in_conflict = bool(data.marks["in_conflict"].any())
    chart_key = key(tolerance, False, in_conflict, layout.total_width, margin=50)
    # Dates under every panel: in a long stack the bottom axis is a scroll away.
    resolve = {"scale": {"y": "independent"}, "axis": {"x": "independent"}}
    subtitle = _subtitle(data, lead, highlight_set, on.log_scale)
    return _assemble(TIMELINE_TITLE, subtitle, chart_key, data, panel, resolve, layout)


def by_source_spec(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    vocabulary: Vocabulary,
    *,
    width: int = 460,
    row_height: int = 26,
    **options: Any,
) -> Spec:
    """The by-source chart as a Vega-Lite spec whose datasets are DataFrames (`options` are
    `ChartOptions`' fields)."""
    on = ChartOptions(**options)
    data, highlight_set, tolerance, emphasise = _chart_data(rows, conflicts, vocabulary, on)
    if data.marks.empty:
        return _empty_spec(BY_SOURCE_TITLE, EMPTY_MESSAGE)
    # Reporters are named on the axis already; a legend repeating them would waste space.
    legend = on.color_by == "affiliation"
    colour = colour_encoding(data.marks, on.color_by, on.reporters, legend, data.side_colours)
    values = _values(on.log_scale, tickCount=6)
    limit = REPORTER_LABEL_LIMIT if on.columns <= 1 else REPORTER_LABEL_LIMIT_SIDE_BY_SIDE
    sides = list(data.side_colours)
    channels = Channels(True, _reporters(data.marks, sides, limit), values, colour, None, emphasise)
    panel = {
        "width": width,
        "height": {"step": row_height},
        "layer": panel_layers(channels, _present(data)),
        "resolve": SIZES_APART,
    }
    lead = f"{len(data.marks):,} figures, a row per reporter (grouped by side)"
    # The reporters' names sit left of the panels, up to the axis's label limit.
    longest = max((len(name) for name in data.marks["reporter"].unique()), default=0)
    margin = min(limit, int(LABEL_CHAR_WIDTH_PX * longest) + 12)
    in_conflict = bool(data.marks["in_conflict"].any())
    layout = Layout(width, on.columns, on.legend, on.text_width, on.legend is not None and legend)
    chart_key = key(tolerance, True, in_conflict, layout.total_width, margin)
    # Each panel lists only its own reporters and spans only its own values.
    resolve = {"scale": {"y": "independent", "x": "independent"}}
    subtitle = _subtitle(data, lead, highlight_set, on.log_scale)
    return _assemble(BY_SOURCE_TITLE, subtitle, chart_key, data, panel, resolve, layout)


# ---------------------------------------------------------------------------------------------
# As Altair charts.


def _layer_chart(spec: Spec) -> alt.LayerChart:
    import altair as alt

    layers = [
        alt.Chart(**{**layer, "encoding": alt.FacetedEncoding(**layer.get("encoding", {}))})
        for layer in spec["layer"]
    ]
    return alt.LayerChart(layer=layers, **{k: v for k, v in spec.items() if k != "layer"})


def _altair_part(part: Spec, datasets: Mapping[str, pd.DataFrame]) -> ChartType:
    """One part of a spec (a stack, a facet, a layer or a single view) as an Altair chart,
    with its own DataFrame as data."""
    import altair as alt

    data = datasets[part["data"]["name"]] if "data" in part else alt.Undefined
    outer = {k: v for k, v in part.items() if k not in ("data", "vconcat", "spec", "layer")}
    if "vconcat" in part:
        stack = [_altair_part(inner, datasets) for inner in part["vconcat"]]
        return alt.VConcatChart(vconcat=stack, **outer)
    if "facet" in part:
        return alt.FacetChart(data=data, spec=_layer_chart(part["spec"]), **outer)
    if "layer" in part:
        return alt.LayerChart(data=data, layer=_layer_chart(part).layer, **outer)
    outer["encoding"] = alt.FacetedEncoding(**outer.get("encoding", {}))
    return alt.Chart(data=data, **outer)


def to_altair(spec: Spec) -> ChartType:
    """An Altair chart of a spec from this package (a chart, or a chart in its frame).

    Each part carries its own DataFrame as data, as a chart built with Altair's API would, so
    the chart can be nested in another: Vega-Lite allows named datasets only at the top
    level, and Altair gathers them there itself in `to_dict()`. Altair's own `from_dict`
    validates each nested piece as it goes (seconds for one chart), so the chart is assembled
    from its parts with validation off; `to_dict()` still validates it whole.
    """
    # Imported here: the dashboard draws specs and never needs Altair, whose import is a
    # noticeable part of the time to the first chart.
    from altair.utils.schemapi import debug_mode

    datasets: Mapping[str, pd.DataFrame] = spec.get("datasets", {})
    top = {k: v for k, v in spec.items() if k not in ("datasets", "$schema")}
    with debug_mode(False):
        return _altair_part(top, datasets)


def timeline_chart(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    vocabulary: Vocabulary,
    *,
    color_by: str = "reported_by",
    log_scale: bool = False,
    highlight: Iterable[int] = (),
    reporters: Sequence[str] | None = None,
    tolerance: float | None = None,
    width: int = 760,
    panel_height: int = 120,
    max_rows: int = MAX_ROWS,
    dates: tuple[dt.date | None, dt.date | None] | None = None,
    max_panels: int = MAX_PANELS,
) -> ChartType:
    """Figures over their as-of dates, one panel per metric, group and place, each on its
    own scale.

    `reporters` is the palette's domain: pass every reporter in the data so colours hold
    across views while they fit the palette (default: the reporters in `rows`). `highlight`
    holds CSV line numbers to enlarge (the others fade). A cumulative metric's figures from
    one reporter and place are joined by a line. `color_by` is "reported_by" or
    "affiliation" (sides take their colours from the dataset's sides.csv). `dates` are the
    view's from/to when the user set them (then the time axis is not trimmed to the dense
    span of the figures' dates).
    """
    # Every option named, not passed on as **options: the briefing page offers a chart
    # function only the sizes its signature names.
    return to_altair(
        timeline_spec(
            rows,
            conflicts,
            vocabulary,
            color_by=color_by,
            log_scale=log_scale,
            highlight=highlight,
            reporters=reporters,
            tolerance=tolerance,
            width=width,
            panel_height=panel_height,
            max_rows=max_rows,
            dates=dates,
            max_panels=max_panels,
        )
    )


def by_source_chart(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    vocabulary: Vocabulary,
    *,
    color_by: str = "reported_by",
    log_scale: bool = False,
    highlight: Iterable[int] = (),
    reporters: Sequence[str] | None = None,
    tolerance: float | None = None,
    width: int = 460,
    row_height: int = 26,
    max_rows: int = MAX_ROWS,
    dates: tuple[dt.date | None, dt.date | None] | None = None,
    max_panels: int = MAX_PANELS,
) -> ChartType:
    """Each reporter's figures side by side, one panel per metric, group and place.

    Reporters are rows (grouped by side) and values run along the x axis, so the spread
    between sides shows at a glance; the marks are the timeline's, turned on their side.
    It draws the same figures as the timeline of the same view (`dates` as there).
    """
    return to_altair(
        by_source_spec(
            rows,
            conflicts,
            vocabulary,
            color_by=color_by,
            log_scale=log_scale,
            highlight=highlight,
            reporters=reporters,
            tolerance=tolerance,
            width=width,
            row_height=row_height,
            max_rows=max_rows,
            dates=dates,
            max_panels=max_panels,
        )
    )
