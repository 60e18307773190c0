"""The dashboard's two charts, one shown at a time: built from one preparation of the view,
dated and sourced for a screenshot, and sent to the browser the way it draws them fastest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from figures import charts
from figures.filters import describe_filters
from figures.ui.text import day_text
from figures.ui.view import View

# Past this many figures a chart is drawn on a canvas (see `browser_ready`).
CANVAS_FROM_FIGURES = 500
# Sizes that fit the main column at 1280x800 with the sidebar open.
PAGE_WIDTH, TIMELINE_PANEL_HEIGHT, BY_SOURCE_WIDTH = 680, 100, 440


@dataclass(frozen=True)
class Prepared:
    """What either chart of a view starts from: one preparation (the sample and the
    tooltips are the costly part) and the frame that dates and sources them."""

    data: charts.ChartData
    frame: dict[str, Any]


def prepare(view: View, index: charts.ConflictIndex | None) -> Prepared:
    data = charts.prepare(
        view.rows,
        view.conflicts,
        view.vocabulary,
        color_by=view.color_by,
        highlight=view.highlight,
        index=index,
        # Dates the user narrowed are the axis; otherwise the dense span, with the rest listed.
        dates=(view.filters.start, view.filters.end),
    )
    # A chart screenshotted alone must say what it shows, as of when, from whom.
    frame = {
        "dated": (
            f"{describe_filters(view.filters, view.vocabulary)} · figures as reported up to "
            f"{day_text(view.rows['as_of'].max())}"
        ),
        "sources": charts.drawn_sources(data),
    }
    return Prepared(data, frame)


def _options(view: View, prepared: Prepared) -> dict[str, Any]:
    return {**view.settings(), "reporters": list(view.reporters), "prepared": prepared.data}


def draw_timeline(view: View, prepared: Prepared) -> None:
    spec = charts.timeline_spec(
        view.rows,
        view.conflicts,
        view.vocabulary,
        width=PAGE_WIDTH,
        panel_height=TIMELINE_PANEL_HEIGHT,
        **_options(view, prepared),
    )
    timeline = charts.for_the_page(spec, width=PAGE_WIDTH, **prepared.frame)
    st.vega_lite_chart(
        spec=browser_ready(timeline, len(prepared.data.marks)), theme=None, width="content"
    )


def draw_by_source(view: View, prepared: Prepared) -> None:
    spec = charts.by_source_spec(
        view.rows,
        view.conflicts,
        view.vocabulary,
        width=BY_SOURCE_WIDTH,
        **_options(view, prepared),
    )
    by_source = charts.for_the_page(spec, width=PAGE_WIDTH, **prepared.frame)
    st.vega_lite_chart(
        spec=browser_ready(by_source, len(prepared.data.marks)), theme=None, width="content"
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def _arrow_bytes(name: str, _frame: pd.DataFrame) -> bytes:
    """A chart dataset as the Arrow bytes Streamlit sends, by the dataset's name: the charts
    name each dataset by a hash of its content, so the two charts of a view, which share
    their table, a switch from one to the other and a rerun of the same view convert it
    once."""
    return dataframe_util.convert_anything_to_arrow_bytes(_frame)


def browser_ready(spec: dict[str, Any], figures: int) -> dict[str, Any]:
    """The spec as the browser should draw it: its datasets as Arrow bytes (converted once,
    see `_arrow_bytes`); and past a few hundred figures, on a canvas and without a
    screen-reader label per mark, which made the browser take seconds longer to show a big
    view's chart. The charts' own text (titles, key, axes, legend) is unchanged."""
    if spec.get("datasets"):
        spec = {
            **spec,
            "datasets": {
                name: frame if isinstance(frame, bytes) else _arrow_bytes(name, frame)
                for name, frame in spec["datasets"].items()
            },
        }
    if figures <= CANVAS_FROM_FIGURES:
        return spec
    config = dict(spec.get("config", {}))
    config["mark"] = {**config.get("mark", {}), "aria": False}
    return {**spec, "config": config, "usermeta": {"embedOptions": {"renderer": "canvas"}}}
