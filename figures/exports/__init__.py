"""Briefing-ready exports of a view: CSV, HXL-tagged CSV, a Markdown note and framed chart images.

Everything here is pure (no Streamlit, no clock, no network): the same rows, conflicts and
filters always give byte-identical files, so a scheduled report only changes when the data
does. The dashboard's download buttons, its briefing view and `python -m figures export` all
build their files here, so a screenshot, a download and a cron job say the same thing.

- `tables`: the figures as the contract CSV and as HXL;
- `briefing`: the briefing's parts (built once) and the Markdown note made of them;
- `images`: the dashboard's charts framed for a briefing, as SVG and PNG;
- `naming`: the file name of each export of a view.

This module only gathers the names other modules use; the modules import each other directly.
"""

from __future__ import annotations

# The briefing page takes its panel choice and title split from here, with the rest of its
# words; both belong to the charts (one rule for the dashboard, the page and the images).
from figures.charts.framing import split_title
from figures.charts.panels import ChartPanels, panels_to_chart
from figures.exports.briefing import (
    BriefingParts,
    briefing_markdown,
    briefing_parts,
    conflict_sentence,
    markdown_text,
    sources_in,
)
from figures.exports.images import (
    CHART_KINDS,
    CHART_TITLES,
    SLIDE_PANELS,
    SLIDE_SIZE,
    ChartKind,
    chart_png,
    chart_svg,
    view_chart,
)
from figures.exports.naming import export_filename
from figures.exports.tables import figures_csv, figures_hxl

__all__ = [
    "CHART_KINDS",
    "CHART_TITLES",
    "SLIDE_PANELS",
    "SLIDE_SIZE",
    "BriefingParts",
    "ChartKind",
    "ChartPanels",
    "briefing_markdown",
    "briefing_parts",
    "chart_png",
    "chart_svg",
    "conflict_sentence",
    "export_filename",
    "figures_csv",
    "figures_hxl",
    "markdown_text",
    "panels_to_chart",
    "sources_in",
    "split_title",
    "view_chart",
]
