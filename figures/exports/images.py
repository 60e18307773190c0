"""The dashboard's charts of a view, framed for a briefing and rendered without a browser.

A chart image is the chart the dashboard draws, in the frame the dashboard draws round it
(`figures.charts.framing`): a title, the view and the date its figures run to with their
counts, and a footnote naming every source the image draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import altair as alt
import pandas as pd

from figures.cells import without_controls
from figures.charts.framing import frame
from figures.charts.spec import by_source_spec, timeline_spec, to_altair
from figures.conflicts import Conflict
from figures.exports.briefing import briefing_parts, sources_in
from figures.filters import ViewFilters, apply_filters
from figures.vocabulary import Vocabulary

ChartKind = Literal["timeline", "by-source"]
CHART_KINDS: tuple[ChartKind, ...] = ("timeline", "by-source")
CHART_TITLES: dict[ChartKind, str] = {
    "timeline": "Reported figures over time",
    "by-source": "Reported figures by source",
}


def view_chart(
    kind: ChartKind,
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    filters: ViewFilters,
    vocabulary: Vocabulary,
    *,
    reporters: Sequence[str] | None = None,
    **options: Any,
) -> alt.TopLevelMixin:
    """One of the dashboard's charts of a view, framed for a briefing (title, as-of, sources).

    `reporters` fixes the colours (default: every reporter in `rows`, so when `rows` is the
    whole data a reporter keeps its colour from one view to the next, as on the dashboard);
    `options` go to the chart function (color_by, log_scale, highlight).
    """
    parts = briefing_parts(rows, conflicts, filters, vocabulary)
    in_view = apply_filters(rows, filters)
    build = timeline_spec if kind == "timeline" else by_source_spec
    palette = list(reporters) if reporters is not None else sorted(set(rows["reported_by"]))
    spec = build(in_view, list(parts.conflicts), vocabulary, reporters=palette, **options)
    framed = frame(
        spec,
        title=CHART_TITLES[kind],
        subtitle_lines=[parts.view, f"{parts.as_of} · {parts.counts}"],
        # What the image draws: figures in view (a pair half outside the view is not drawn).
        sources=[source.label for source in sources_in(in_view)],
    )
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
                name: column.map(without_controls_in)
                for name, column in spec.items()
                if column.dtype == object or pd.api.types.is_string_dtype(column.dtype)
            }
        )
    return spec


def _vl_version() -> str:
    # The Vega-Lite release altair writes its specs for, in vl-convert's spelling ('6.4').
    return ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def _spec(chart: alt.TopLevelMixin) -> str:
    return chart.to_json(sort_keys=True)


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG, rendered by vl-convert: no browser, and no network (external data is
    refused, so a spec pointing at a URL fails instead of fetching)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(_spec(chart), vl_version=_vl_version(), allowed_base_urls=[])


def chart_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """The chart as PNG at `scale` times its size (2 by default: sharp on slides and projectors)."""
    import vl_convert

    return vl_convert.vegalite_to_png(
        _spec(chart), vl_version=_vl_version(), scale=scale, allowed_base_urls=[]
    )
