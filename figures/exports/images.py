"""The dashboard's charts of a view, framed for a briefing and rendered without a browser.

A chart image is the chart the dashboard draws, in the frame the dashboard draws round it
(`figures.charts.framing`): a title, the view and the date its figures run to with their
counts, and a footnote naming the sources the image draws.

By default an image is a slide: a 16:9 landscape frame of SLIDE_SIZE (960 x 540 CSS pixels,
so the PNG at the exports' scale of 2 is 1920 x 1080, a projector's resolution), in the type
the dashboard uses: an 18 px title, 12 px subtitle and axis labels, 15 px panel titles and
an 11 px footnote; at 1600 x 900 that is a 30 px title, 20 px axis labels and an 18 px
footnote, legible from the back of a room. It holds at most SLIDE_PANELS panels (two
columns of two); a view with more says in its subtitle how many are not shown and how to
see them. A by-source panel whose reporters' rows cannot fit keeps those with the most
figures and says so; a timeline too tall at its smallest panels shows one panel fewer. The
panels are sized to fill the frame: the image is rendered, measured, and the panels resized
(once more when the text round them grew), then the frame's padding takes up the last
pixels, so every slide of every view is exactly the same size.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from figures.cells import without_controls
from figures.charts.data import ChartData, drawn_sources, prepare
from figures.charts.framing import frame
from figures.charts.spec import VALUE_AXIS_PX, by_source_spec, timeline_spec, to_altair
from figures.charts.style import FRAME_PADDING, Spec
from figures.conflicts import Conflict
from figures.exports.briefing import briefing_parts
from figures.filters import ViewFilters, apply_filters
from figures.vocabulary import Vocabulary
from figures.wording import plural

if TYPE_CHECKING:
    # Altair is imported where a chart is rendered, not here: the dashboard imports this
    # module for its download buttons, and Altair's import (about 0.2 s) would delay the
    # first chart of every new server.
    import altair as alt

ChartKind = Literal["timeline", "by-source"]
CHART_KINDS: tuple[ChartKind, ...] = ("timeline", "by-source")
CHART_TITLES: dict[ChartKind, str] = {
    "timeline": "Reported figures over time",
    "by-source": "Reported figures by source",
}
# A slide, in CSS pixels: 16:9, 1920 x 1080 at the PNG's scale of 2.
SLIDE_SIZE = (960, 540)
# Panels a slide holds at legible sizes: two columns of two.
SLIDE_PANELS = 4
# On a slide the reporters' legend sits right of the panels, one name a line: a slide is
# wide, and a legend above would take the height the panels need.
SLIDE_LEGEND: Spec = {"orient": "right", "direction": "vertical", "columns": 1, "labelLimit": 210}
# Room the legend takes at the right, for the first guess of the panels' width.
_LEGEND_PX = 250
# The text round a by-source slide (title, subtitle, key, notes, sources), and each row of
# panels' own (title and axis), measured on real views, for choosing how many panels fit.
_BY_SOURCE_TEXT_PX, _BY_SOURCE_PANEL_PX = 300, 50
# The smallest a panel is drawn: below this its marks and ticks crowd.
_MIN_PANEL_HEIGHT, _MIN_ROW_STEP, _MIN_PANEL_WIDTH = 44, 13, 160
# One more line of the subtitle (12 px type, 16 px lines).
_SUBTITLE_LINE_PX = 16


def view_chart(
    kind: ChartKind,
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    filters: ViewFilters,
    vocabulary: Vocabulary,
    *,
    reporters: Sequence[str] | None = None,
    size: tuple[int, int] | None = SLIDE_SIZE,
    **options: Any,
) -> alt.TopLevelMixin:
    """One of the dashboard's charts of a view, framed for a briefing (title, as-of, sources).

    `reporters` fixes the colours (default: every reporter in `rows`, so when `rows` is the
    whole data a reporter keeps its colour from one view to the next, as on the dashboard);
    `size` is the frame's (default a 16:9 slide; None: as tall as the panels need, one under
    the other, as on the dashboard); `options` go to the chart function (color_by,
    log_scale, highlight). The view's own dates, when set, are the time axis.
    """
    parts = briefing_parts(rows, conflicts, filters, vocabulary)
    in_view = apply_filters(rows, filters)
    palette = list(reporters) if reporters is not None else sorted(set(rows["reported_by"]))
    dates = (filters.start, filters.end) if filters.start or filters.end else None

    def prepared(max_panels: int) -> ChartData:
        return prepare(
            in_view,
            list(parts.conflicts),
            vocabulary,
            color_by=options.get("color_by", "reported_by"),
            highlight=options.get("highlight", ()),
            tolerance=options.get("tolerance"),
            max_panels=max_panels,
            dates=dates,
        )

    # The dataset's own title (datapackage.json) first: an image names what it shows.
    subtitle = [parts.title, parts.view, f"{parts.as_of} · {parts.counts}"]

    def chart_of(max_panels: int) -> _Chart:
        data = prepared(max_panels)
        notes: list[str] = []
        if size and kind == "by-source":
            # A by-source panel is a row per reporter: fewer panels when theirs do not fit.
            panels = len(data.panels)
            while panels > 1 and _by_source_height(data) > size[1]:
                panels -= 1
                data = prepared(panels)
            if len(data.panels) <= 1 and _by_source_height(data) > size[1]:
                # One panel whose reporters alone overflow the slide: those with the most
                # figures keep a row, and the subtitle says how to see the rest.
                data, note = _most_reported(data, size[1])
                notes.append(note)
        return _Chart(
            kind,
            in_view,
            data,
            list(parts.conflicts),
            vocabulary,
            {**options, "reporters": palette, "prepared": data},
            CHART_TITLES[kind],
            subtitle + notes,
        )

    chart = chart_of(SLIDE_PANELS if size else options.get("max_panels", 12))
    if not size:
        return to_altair(without_controls_in(chart.framed(chart.free_sizes())))
    framed = chart.on_slide(size)
    while framed is None:
        # Too tall even with the smallest panels: one panel fewer (the subtitle says so), and
        # a by-source panel left alone is cut to the reporters that fit, as above.
        chart = chart_of(len(chart.data.panels) - 1)
        framed = chart.on_slide(size)
    return to_altair(without_controls_in(framed))


def without_controls_in(spec: Any) -> Any:
    """The spec with every text in it (titles, labels, data) stripped of control characters
    (`figures.cells.without_controls`): XML forbids them, so an SVG holding one is not an SVG
    and a PNG cannot be drawn from it. Checked rows hold none; rows built in code may."""
    if isinstance(spec, str):
        return without_controls(spec)
    if isinstance(spec, dict):
        return {key: without_controls_in(value) for key, value in spec.items()}
    if isinstance(spec, list):
        return [without_controls_in(value) for value in spec]
    if isinstance(spec, pd.DataFrame):
        return spec.assign(
            **{
                str(name): column.map(without_controls_in)  # chart fields: Vega-Lite names, str
                for name, column in spec.items()
                if column.dtype == object or pd.api.types.is_string_dtype(column.dtype)
            }
        )
    return spec


def _by_source_height(data: ChartData) -> int:
    """About how tall a slide of the by-source chart of `data` is at the smallest rows."""
    columns = 1 if len(data.panels) <= 1 else 2
    rows = data.marks.groupby("panel")["reporter"].nunique().to_dict()
    counts = [int(rows.get(key, 1)) for key, _, _ in data.panels]
    stacked = sum(max(counts[i : i + columns]) for i in range(0, len(counts), columns))
    grid_rows = math.ceil(len(counts) / columns)
    return _BY_SOURCE_TEXT_PX + grid_rows * _BY_SOURCE_PANEL_PX + stacked * _MIN_ROW_STEP


def _most_reported(data: ChartData, height: int) -> tuple[ChartData, str]:
    """A one-panel by-source chart cut to the reporters with the most figures that fit a
    slide `height` tall (ties by name), with the subtitle line that says so. Conflict lines
    stay only between figures still drawn; their rings stay with the figures."""
    room = height - _BY_SOURCE_TEXT_PX - _BY_SOURCE_PANEL_PX - _SUBTITLE_LINE_PX
    fits = max(1, room // _MIN_ROW_STEP)
    counts = data.marks["reporter"].value_counts()
    ranked = sorted(counts.index, key=lambda name: (-int(counts[name]), str(name)))
    kept = set(ranked[:fits])
    marks = data.marks[data.marks["reporter"].isin(kept)]
    pairs = data.pairs[data.pairs["reporter"].isin(kept) & data.pairs["reporter2"].isin(kept)]
    note = (
        f"Showing {len(kept):,} of the {plural(len(ranked), 'reporter')} in this panel (those "
        "with the most figures); filter by reporter to see the others."
    )
    return replace(data, marks=marks, pairs=pairs), note


@dataclass(frozen=True)
class _Sizes:
    width: int  # of a panel
    height: int  # of a timeline panel, or of a by-source row
    columns: int


@dataclass(frozen=True)
class _Chart:
    """One chart of a view, ready to be framed at any size."""

    kind: ChartKind
    rows: pd.DataFrame  # in view
    data: ChartData  # prepared from them
    conflicts: list[Conflict]
    vocabulary: Vocabulary
    options: dict[str, Any]
    title: str
    subtitle: list[str]

    def framed(self, sizes: _Sizes, width: int | None = None) -> Spec:
        options = {k: v for k, v in self.options.items() if k not in ("max_panels",)}
        if width:
            options.update(columns=sizes.columns, legend=SLIDE_LEGEND, text_width=width)
        rows = self.rows
        if self.kind == "timeline":
            spec = timeline_spec(
                rows, self.conflicts, self.vocabulary, width=sizes.width,
                panel_height=sizes.height, **options,
            )  # fmt: skip
        else:
            spec = by_source_spec(
                rows, self.conflicts, self.vocabulary, width=sizes.width,
                row_height=sizes.height, **options,
            )  # fmt: skip
        return frame(
            spec,
            title=self.title,
            subtitle_lines=self.subtitle,
            sources=drawn_sources(self.data),
            width=width,
            footnote_width=width + 50 - _LEGEND_PX if width else None,
        )

    def free_sizes(self) -> _Sizes:
        return _Sizes(760, 120, 1) if self.kind == "timeline" else _Sizes(460, 26, 1)

    def grid_rows(self, columns: int) -> list[int]:
        """How many rows of values each row of panels stacks: one for a timeline panel, its
        reporters for a by-source panel (the tallest panel of the grid row)."""
        panels = [key for key, _, _ in self.data.panels]
        if self.kind == "timeline":
            return [1] * math.ceil(len(panels) / columns)
        reporters = self.data.marks.groupby("panel")["reporter"].nunique().to_dict()
        counts = [int(reporters.get(key, 1)) for key in panels]
        return [max(counts[i : i + columns]) for i in range(0, len(counts), columns)]

    def on_slide(self, size: tuple[int, int]) -> Spec | None:
        """The chart framed at exactly `size` where it fits: panels sized to fill the frame
        (measured, resized, and lowered once more if the text round them grew), the rest
        taken up by the frame's padding. None when
        its panels, at their smallest, leave the frame too tall and one could be left out."""
        target_width, target_height = size
        columns = 1 if len(self.data.panels) <= 1 else 2
        inner = target_width - FRAME_PADDING["left"] - FRAME_PADDING["right"]
        guess_width = (inner - _LEGEND_PX - columns * VALUE_AXIS_PX) // columns
        sizes = _Sizes(
            max(guess_width, _MIN_PANEL_WIDTH), 60 if self.kind == "timeline" else 16, columns
        )
        text_width = inner - 50  # the subtitle may run 50 px past it (see `frame`)
        spec = self.framed(sizes, text_width)
        # The resize below also narrows panels whose labels took more than guessed, so the
        # guess is measured once (each measure is a full render, about 0.15 s).
        width, height = measure(spec)
        stacked = sum(self.grid_rows(columns)) or 1
        lowest = _MIN_PANEL_HEIGHT if self.kind == "timeline" else _MIN_ROW_STEP
        sizes = _Sizes(
            max(_MIN_PANEL_WIDTH, sizes.width + (target_width - width) // columns),
            max(lowest, sizes.height + (target_height - height) // stacked),
            columns,
        )
        spec = self.framed(sizes, text_width)
        width, height = measure(spec)
        if width > target_width and sizes.width > _MIN_PANEL_WIDTH:
            # Labels beside the panels (a second column's names) took more than guessed.
            narrower = max(
                _MIN_PANEL_WIDTH, sizes.width - math.ceil((width - target_width) / columns)
            )
            sizes = _Sizes(narrower, sizes.height, columns)
            spec = self.framed(sizes, text_width)
            width, height = measure(spec)
        if height > target_height and sizes.height > lowest:
            # The text round the panels grew as they were resized: lower them by what is
            # left over, once more.
            lower = max(lowest, sizes.height - math.ceil((height - target_height) / stacked))
            sizes = _Sizes(sizes.width, lower, columns)
            spec = self.framed(sizes, text_width)
            width, height = measure(spec)
        if height > target_height and len(self.data.panels) > 1:
            return None
        padding = dict(FRAME_PADDING)
        padding["right"] = max(0, padding["right"] + target_width - width)
        padding["bottom"] = max(0, padding["bottom"] + target_height - height)
        return {**spec, "padding": padding}


def measure(spec: Spec) -> tuple[int, int]:
    """The width and height a framed spec renders at, in CSS pixels (drawn as the export
    draws it: without control characters, which the SVG renderer cannot take)."""
    # Not validated: the spec is validated once, when the framed chart itself is drawn; a
    # measuring pass validating it too spent about a second of each export.
    chart = to_altair(without_controls_in(spec))
    root = ET.fromstring(chart_svg(chart, validate=False))
    return round(float(root.get("width", 0))), round(float(root.get("height", 0)))


def _vl_version() -> str:
    # The Vega-Lite release altair writes its specs for, in vl-convert's spelling ('6.4').
    import altair as alt

    return ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def _spec(chart: alt.TopLevelMixin, *, validate: bool = True) -> str:
    return chart.to_json(validate=validate, sort_keys=True)


def chart_svg(chart: alt.TopLevelMixin, *, validate: bool = True) -> str:
    """The chart as SVG, rendered by vl-convert: no browser, and no network (external data is
    refused, so a spec pointing at a URL fails instead of fetching). `validate=False` skips
    Altair's schema check, for a spec already checked or drawn only to be measured."""
    import vl_convert

    return vl_convert.vegalite_to_svg(
        _spec(chart, validate=validate), vl_version=_vl_version(), allowed_base_urls=[]
    )


def chart_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """The chart as PNG at `scale` times its size (2 by default: a slide is 1920 x 1080)."""
    import vl_convert

    return vl_convert.vegalite_to_png(
        _spec(chart), vl_version=_vl_version(), scale=scale, allowed_base_urls=[]
    )
