"""Downloads of the view on the dashboard: charts as PNG and SVG, figures as CSV and HXL, and
the briefing note as Markdown, in a section built only once opened.

Every file is built by figures.exports only when its button is pressed (`data=callable`):
rendering an image takes about a second, and a page rerun must not pay that for seven files
nobody asked for. File names are derived from the view, so the same view always downloads
under the same name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from figures import exports
from figures.conflicts import Conflict
from figures.filters import ViewFilters
from figures.ui.view import View
from figures.vocabulary import Vocabulary

MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "csv": "text/csv",
    "md": "text/markdown",
}


@dataclass(frozen=True)
class _Files:
    """The files of one view, each built only when its button is pressed."""

    rows: pd.DataFrame
    conflicts: Sequence[Conflict]
    filters: ViewFilters
    vocabulary: Vocabulary
    options: Mapping[str, Any]  # the chart options, as exports.view_chart takes them

    def chart(self, kind: exports.ChartKind, fmt: str) -> Callable[[], bytes]:
        def build() -> bytes:
            framed = exports.view_chart(
                kind, self.rows, self.conflicts, self.filters, self.vocabulary, **self.options
            )
            if fmt == "png":
                return exports.chart_png(framed, scale=2)
            return exports.chart_svg(framed).encode("utf-8")

        return build

    def csv(self) -> bytes:
        return exports.figures_csv(self.rows)

    def hxl(self) -> bytes:
        return exports.figures_hxl(self.rows)

    def note(self) -> bytes:
        return exports.briefing_markdown(
            self.rows, self.conflicts, self.filters, self.vocabulary
        ).encode()


def render_downloads(
    rows_in_view: pd.DataFrame,
    conflicts_in_view: Sequence[Conflict],
    filters: ViewFilters,
    vocabulary: Vocabulary,
    *,
    reporters: Sequence[str] | None = None,
    chart_options: Mapping[str, Any] | None = None,
    key_prefix: str = "download",
) -> None:
    """Download buttons for the view.

    `reporters` (every reporter in the data) keeps each reporter's dashboard colour in the
    images; `chart_options` (color_by, log_scale, highlight) makes them match the charts on
    screen. `key_prefix` tells two sets of buttons on one page apart.
    """
    options: dict[str, Any] = dict(chart_options or {})
    if reporters is not None:
        options["reporters"] = list(reporters)
    files = _Files(rows_in_view, list(conflicts_in_view), filters, vocabulary, options)
    _chart_buttons(files, key_prefix)
    _table_buttons(files, key_prefix)


def _chart_buttons(files: _Files, key_prefix: str) -> None:
    """Each chart as PNG and SVG, framed with its title, date and sources."""
    for kind in exports.CHART_KINDS:
        title = exports.CHART_TITLES[kind]
        png_column, svg_column = st.columns(2)
        for column, fmt, label in ((png_column, "png", "PNG"), (svg_column, "svg", "SVG")):
            column.download_button(
                f"{title} · {label}",
                data=files.chart(kind, fmt),
                file_name=exports.export_filename(files.filters, kind, fmt),
                mime=MIME[fmt],
                key=f"{key_prefix}-{kind}-{fmt}",
                on_click="ignore",
                disabled=files.rows.empty,
                help="Title, as-of date and sources drawn in"
                + ("; 2× resolution for slides" if fmt == "png" else "; scales without blur"),
                width="stretch",
            )


def _table_buttons(files: _Files, key_prefix: str) -> None:
    """The figures as CSV and HXL, and the briefing note."""
    filters = files.filters
    csv_column, hxl_column = st.columns(2)
    csv_column.download_button(
        "Figures · CSV",
        data=files.csv,
        file_name=exports.export_filename(filters, "", "csv"),
        mime=MIME["csv"],
        key=f"{key_prefix}-csv",
        on_click="ignore",
        help="The figures in view in the data file's columns; opens safely in a spreadsheet",
        width="stretch",
    )
    hxl_column.download_button(
        "Figures · HXL",
        data=files.hxl,
        file_name=exports.export_filename(filters, "", "hxl.csv"),
        mime=MIME["csv"],
        key=f"{key_prefix}-hxl",
        on_click="ignore",
        help="The same CSV with a row of HXL hashtags, for the Humanitarian Data Exchange",
        width="stretch",
    )
    st.download_button(
        "Briefing note · Markdown",
        data=files.note,
        file_name=exports.export_filename(filters, "briefing", "md"),
        mime=MIME["md"],
        key=f"{key_prefix}-md",
        on_click="ignore",
        help="Headline figures with their sources, and the conflicts as sentences",
        width="stretch",
    )


def downloads(view: View) -> None:
    """The downloads section of the dashboard: its buttons are made only once it is opened."""
    section = st.expander(
        "Download these charts, the figures and a briefing note",
        key="downloads",
        on_change="rerun",
    )
    if not section.open:
        return
    with section:
        render_downloads(
            view.rows,
            view.conflicts,
            view.filters,
            view.vocabulary,
            reporters=list(view.reporters),
            chart_options=view.settings(),
        )
