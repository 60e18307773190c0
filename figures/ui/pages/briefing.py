"""The briefing page (`/briefing`, or `?view=briefing`): one screen, made to be screenshotted.

No sidebar, no widgets, no Streamlit chrome: a title, the view and its as-of date, the two
charts side by side, the conflicts as sentences and every source named on the page in a
footnote, all on one 1600×900 screen. The view's filters are read from the URL as the
dashboard writes them, so a link to a view and a screenshot of it show the same figures. The
words come from figures.exports, the same as the downloaded note and images.

A screen holds only a few chart panels (one per metric and group), so the charts show at most
`MAX_PANELS`, those with conflicting figures first, and the page names the ones left out.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from figures import charts
from figures.conflicts import Conflict
from figures.exports import (
    CHART_TITLES,
    ChartKind,
    briefing_parts,
    conflict_sentence,
    panels_to_chart,
    split_title,
)
from figures.filters import ViewFilters, apply_filters, filters_from_query
from figures.ui.sections.load_problems import load_or_explain
from figures.ui.state import data_path, flags_future, wait_for_flags
from figures.ui.text import BRIEFING_TITLE
from figures.ui.url import query_mapping
from figures.vocabulary import Vocabulary

# How long the page waits for the conflict check: as long as it takes.
BRIEFING_WAIT_S = 3600
# Panels per chart and sentences before "and N more": what fits 900 px next to the rest.
MAX_PANELS = 3
MAX_CONFLICTS_SHOWN = 3
# Sizes for a 1600 px wide screen with two equal columns (about 740 px each): the timeline's
# plot plus its value axis, and the by-source plot plus reporter names (up to 300 px) and the
# key, which runs 200 px past the plot, each fit one column.
TIMELINE_WIDTH = 640
BY_SOURCE_WIDTH = 420
PANEL_HEIGHT = {1: 260, 2: 120, 3: 56}
ROW_HEIGHT = {1: 34, 2: 28, 3: 22}

# Streamlit's header, toolbar and sidebar are for working, not for a slide; the padding
# Streamlit keeps for its header is given back to the content. Streamlit pulls each Markdown
# block 1rem up to cancel its paragraphs' bottom margin; these paragraphs have none.
_BRIEFING_CSS = """
<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stStatusWidget"], footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1rem 2.5rem 0.25rem !important; max-width: none; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.5rem; }
[data-testid="stMarkdownContainer"] { margin-bottom: 0 !important; }
.briefing p, .briefing ul { margin: 0 !important; }
.briefing .title { font-size: 1.75rem !important; font-weight: 700; line-height: 1.25; }
.briefing .sub { color: #333; font-size: 1rem !important; }
.briefing .note { color: #555; font-size: 0.85rem !important; }
.briefing .chart-title { font-weight: 700; font-size: 1.05rem !important; }
.briefing .chart-sub { color: #444; font-size: 0.8rem !important; line-height: 1.35; }
.briefing .heading { font-weight: 700; font-size: 1rem !important; }
.briefing ul { padding-left: 1.2rem; }
.briefing li { font-size: 0.95rem !important; line-height: 1.4; margin: 0 !important; }
.briefing .foot { color: #333; font-size: 0.84rem !important; line-height: 1.35; }
</style>
"""


def _html(text: str) -> str:
    """Text for the page's HTML snippets: escaped, and kept from Streamlit's $-maths."""
    return html.escape(text).replace("$", "&#36;")


def _show(snippet: str) -> None:
    # One class on a wrapper scopes the page's styles; Streamlit's own markdown rules are more
    # specific than a bare class, hence the "!important"s above.
    st.markdown(f'<div class="briefing">{snippet}</div>', unsafe_allow_html=True)


def _chart(column: DeltaGenerator, kind: ChartKind, chart: alt.TopLevelMixin) -> None:
    # The page draws the chart's title in its own type, and its subtitle lines (what the
    # marks mean, what a sample leaves out) small under it: one title block per chart.
    untitled, _, lines = split_title(chart)
    with column:
        _show(
            f'<p class="chart-title">{_html(CHART_TITLES[kind])}</p>'
            + "".join(f'<p class="chart-sub">{_html(line)}</p>' for line in lines)
        )
        # theme=None: the charts' own type sizes and colours, as in the exported images.
        st.altair_chart(untitled, theme=None)


def briefing() -> None:
    """The page: the view in the URL, once the conflict check is done (a briefing without
    its conflicts would mislead, so this page waits for them)."""
    path = data_path()
    loaded = load_or_explain(path)
    if loaded is None:
        return
    flags, _error = wait_for_flags(flags_future(path), BRIEFING_WAIT_S)
    filters, _notices = filters_from_query(query_mapping(), loaded.choices)
    render_briefing(
        loaded.result.rows,
        flags.conflicts if flags else [],
        filters,
        loaded.vocabulary,
        reporters=list(loaded.reporters),
    )


def render_briefing(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    filters: ViewFilters,
    vocabulary: Vocabulary,
    *,
    reporters: Sequence[str] | None = None,
) -> None:
    """Draw the briefing view of `filters`.

    `rows` and `conflicts` may be all valid rows and all flags (flags are decided on all rows,
    so hiding one side never hides a dispute) or already those in view. `reporters` fixes the
    colours (default: every reporter in `rows`), so a reporter keeps its dashboard colour.
    """
    st.set_page_config(
        page_title=BRIEFING_TITLE,
        layout="wide",
        initial_sidebar_state="collapsed",
    )
    st.markdown(_BRIEFING_CSS, unsafe_allow_html=True)
    parts = briefing_parts(rows, conflicts, filters, vocabulary)
    in_view = apply_filters(rows, filters)
    flags = list(parts.conflicts)
    palette = list(reporters) if reporters is not None else sorted(set(rows["reported_by"]))

    _show(
        f'<p class="title">{_html(parts.title)}</p>'
        f'<p class="sub"><b>{_html(parts.view)}</b> · {_html(parts.as_of)} · '
        f"{_html(parts.counts)}</p>"
    )
    if in_view.empty:
        _show('<p class="sub">No figures in this view.</p>')
        _conflicts(flags)
    else:
        _charts(in_view, flags, vocabulary, palette)

    sources = "; ".join(_html(source.label) for source in parts.sources) or "none"
    _show(
        f'<p class="foot"><b>Sources</b> (reporter, outlet, date): {sources}. '
        "Each figure as its source worded it; this page takes no side.</p>"
    )


def _charts(
    in_view: pd.DataFrame, flags: list[Conflict], vocabulary: Vocabulary, palette: list[str]
) -> None:
    """The two charts side by side, at most MAX_PANELS panels each, and the conflicts under
    the by-source chart, the shorter one, so the page stays one screen high."""
    panels = panels_to_chart(in_view, flags, vocabulary, MAX_PANELS)
    if panels.left_out:
        _show(
            f'<p class="note">The charts show {len(panels.shown)} of '
            f"{len(panels.shown) + len(panels.left_out)} panels, conflicting figures "
            f"first. Not charted: {_html(', '.join(panels.left_out))}; choose fewer "
            "metrics to chart them.</p>"
        )
    count = len(panels.shown)
    height = PANEL_HEIGHT.get(count, min(PANEL_HEIGHT.values()))
    row_height = ROW_HEIGHT.get(count, min(ROW_HEIGHT.values()))
    timeline_column, source_column = st.columns(2, gap="medium")
    _chart(
        timeline_column,
        "timeline",
        charts.timeline_chart(
            panels.rows,
            flags,
            vocabulary,
            reporters=palette,
            width=TIMELINE_WIDTH,
            panel_height=height,
        ),
    )
    _chart(
        source_column,
        "by-source",
        charts.by_source_chart(
            panels.rows,
            flags,
            vocabulary,
            reporters=palette,
            width=BY_SOURCE_WIDTH,
            row_height=row_height,
        ),
    )
    with source_column:
        _conflicts(flags)


def _conflicts(flags: list[Conflict]) -> None:
    """The conflicts in view as sentences, most severe first."""
    if not flags:
        _show(
            '<p class="heading">Conflicting figures</p>'
            '<p class="sub">No conflicting figures in this view.</p>'
        )
        return
    items = [f"<li>{_html(conflict_sentence(flag))}</li>" for flag in flags]
    if len(items) > MAX_CONFLICTS_SHOWN:
        more = len(items) - MAX_CONFLICTS_SHOWN
        items = [*items[:MAX_CONFLICTS_SHOWN], f"<li>… and {more} more in the dashboard.</li>"]
    _show(f'<p class="heading">Conflicting figures</p><ul>{"".join(items)}</ul>')
