"""The briefing page (`/briefing`, or `?view=briefing`): one screen, made to be screenshotted.

No sidebar, no widgets, no Streamlit chrome. Top to bottom on one 1600×900 screen: the title
with the view and its as-of date; the headline (figures/headline.py), the quantities most
reporters give, with "N more" and a link to the dashboard for the rest; the two charts and
the conflicts as sentences side by side; the sources in a footnote. The view's filters are
read from the URL as the dashboard writes them, so a link to a view and a screenshot of it
show the same figures. The words come from figures.exports, the same as the downloaded note
and images.

What gives way so that it fits (issue 14): the headline shows at most `HEADLINE_ROWS`
quantities, one line each (a long source name is cut, in full on hover); the charts show at
most `MAX_PANELS` panels, conflicting ones first, sized to the room left and never drawn
taller than it (a chart that would be is scaled down, keeping its proportions); at most
`MAX_CONFLICTS_SHOWN` sentences; and the footnote names every source when they fit two lines,
else each reporter once, as many as fit, and how many more the CSV export lists.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from figures import charts
from figures.conflicts import Conflict
from figures.exports import (
    CHART_TITLES,
    BriefingParts,
    ChartKind,
    briefing_parts,
    conflict_sentence,
    panels_to_chart,
    split_title,
)
from figures.exports.briefing import reporters_line
from figures.filters import ViewFilters, apply_filters, filters_from_query, filters_to_query
from figures.headline import first_movement, lead_headlines
from figures.ui.sections.headline import STYLE as HEADLINE_STYLE
from figures.ui.sections.headline import headline_html
from figures.ui.sections.load_problems import load_or_explain
from figures.ui.state import data_path, flags_future, wait_for_flags
from figures.ui.text import BRIEFING_TITLE
from figures.ui.url import CONFLICT_KEY, query_mapping
from figures.vocabulary import Vocabulary

if TYPE_CHECKING:
    # Not imported at run time: every page's module is imported when the server starts, and
    # Altair's import (about 0.2 s) would delay the dashboard's first chart.
    from altair.typing import ChartType

# How long the page waits for the conflict check: as long as it takes.
BRIEFING_WAIT_S = 3600
# What one 1600x900 screen holds next to the rest (see the module's docstring).
HEADLINE_ROWS = 6
MAX_PANELS = 2
MAX_CONFLICTS_SHOWN = 3
CONFLICT_CHARS = 750  # the sentences' room in their column, under the headline
FOOTNOTE_CHARS = 600  # three lines of the footnote's type across the screen
# The charts' row: the timeline and the by-source chart in two columns of about 560 px and
# the conflicts in a narrower third. No chart is drawn taller than CHART_HEIGHT: what the
# title, headline, chart titles and footnote leave of 900 px.
COLUMNS = (0.37, 0.37, 0.26)
TIMELINE_WIDTH = 500
BY_SOURCE_WIDTH = 300
CHART_HEIGHT = 410
PANEL_HEIGHT = {1: 220, 2: 110}
ROW_HEIGHT = (12, 26)  # the by-source chart's row height: fitted to its rows, within these

# Streamlit's header, toolbar and sidebar are for working, not for a slide; the padding
# Streamlit keeps for its header is given back to the content. Streamlit pulls each Markdown
# block 1rem up to cancel its paragraphs' bottom margin; these paragraphs have none.
_BRIEFING_CSS = f"""
<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stStatusWidget"], footer {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 0.75rem 2.5rem 0.25rem !important;
  max-width: none; }}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {{ gap: 0.4rem; }}
[data-testid="stMarkdownContainer"] {{ margin-bottom: 0 !important; }}
.briefing p, .briefing ul {{ margin: 0 !important; }}
.briefing .title {{ font-size: 1.6rem !important; font-weight: 700; line-height: 1.2; }}
.briefing .sub {{ color: #333; font-size: 0.95rem !important; }}
.briefing .note, .briefing .chart-sub {{ color: #555; font-size: 0.8rem !important;
  line-height: 1.3; display: -webkit-box; -webkit-box-orient: vertical;
  -webkit-line-clamp: 2; overflow: hidden; }}
.briefing .note {{ -webkit-line-clamp: 1; }}
.briefing .chart-title {{ font-weight: 700; font-size: 1.05rem !important; }}
.briefing .heading {{ font-weight: 700; font-size: 1rem !important; }}
.briefing ul {{ padding-left: 1.2rem; }}
.briefing li {{ font-size: 0.88rem !important; line-height: 1.35; margin: 0 0 0.2rem !important; }}
.briefing .foot {{ color: #333; font-size: 0.8rem !important; line-height: 1.3; }}
.briefing table.lead {{ table-layout: fixed; }}  /* a long name is cut, not wider */
.briefing table.lead th, .briefing table.lead td {{ white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; padding-top: 0.1rem; padding-bottom: 0.1rem; }}
.briefing .lead-more {{ font-size: 0.85rem; color: #444; margin: 0.15rem 0 0 !important; }}
[data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas {{
  max-height: {CHART_HEIGHT}px !important; max-width: 100% !important;
  width: auto !important; height: auto !important; }}
</style>
"""


def _html(text: str) -> str:
    """Text for the page's HTML snippets: escaped, and kept from Streamlit's $-maths."""
    return html.escape(text).replace("$", "&#36;")


def _show(snippet: str) -> None:
    # One class on a wrapper scopes the page's styles; Streamlit's own markdown rules are more
    # specific than a bare class, hence the "!important"s above.
    st.markdown(f'<div class="briefing">{snippet}</div>', unsafe_allow_html=True)


def _chart(column: DeltaGenerator, kind: ChartKind, chart: ChartType) -> None:
    # The page draws the chart's title in its own type, and its subtitle lines (what the
    # marks mean, what a sample leaves out) small under it: one title block per chart.
    untitled, _, lines = split_title(chart)
    with column:
        _show(
            f'<p class="chart-title">{_html(CHART_TITLES[kind])}</p>'
            f'<p class="chart-sub" title="{_html(" ".join(lines))}">{_html(" ".join(lines))}</p>'
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

    `rows` and `conflicts` are all valid rows and all flags (flags are decided on all rows,
    so hiding one side never hides a dispute; the pre-crisis line is dated by the whole
    file's first movement). `reporters` fixes the colours (default: every reporter in
    `rows`), so a reporter keeps its dashboard colour.
    """
    st.set_page_config(
        page_title=BRIEFING_TITLE,
        layout="wide",
        initial_sidebar_state="collapsed",
    )
    st.markdown(_BRIEFING_CSS, unsafe_allow_html=True)
    parts = briefing_parts(
        rows, conflicts, filters, vocabulary, movement_start=first_movement(rows, vocabulary)
    )
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
        _headline(parts, filters, vocabulary)
        _charts(in_view, flags, vocabulary, palette)
    _show(f'<p class="foot">{_footnote(parts)}</p>')


def _headline(parts: BriefingParts, filters: ViewFilters, vocabulary: Vocabulary) -> None:
    """The quantities most reporters give, one line each, and how many more the dashboard
    lists; each flag links to the dashboard with it highlighted."""
    query = filters_to_query(filters)

    def dashboard(more: dict[str, list[str]] | None = None) -> str:
        params = urlencode({**query, **(more or {})}, doseq=True)
        return f"dashboard?{params}" if params else "dashboard"

    shown, rest = lead_headlines(parts.headlines, HEADLINE_ROWS)
    table = headline_html(
        shown, vocabulary, flag_link=lambda flag: dashboard({CONFLICT_KEY: [flag]})
    )
    more = ""
    if rest:
        noun = "quantity" if len(rest) == 1 else "quantities"
        more = (
            f'<p class="lead-more">{len(rest)} more {noun} in '
            f'<a href="{html.escape(dashboard())}" target="_self">the dashboard</a>, with '
            "every figure and its source.</p>"
        )
    _show(HEADLINE_STYLE + table + more)


def _footnote(parts: BriefingParts) -> str:
    """Every source on the page when they fit three lines; else each reporter once."""
    labels = [source.label for source in parts.sources]
    listed = "; ".join(labels)
    if len(listed) <= FOOTNOTE_CHARS:
        return (
            f"<b>Sources</b> (reporter, outlet, date): {_html(listed or 'none')}. "
            "Each figure as its source worded it; this page takes no side."
        )
    reporters = reporters_line(parts.sources, FOOTNOTE_CHARS - 120)
    return (
        f"<b>Sources</b> ({len(labels)}, by reporter): {_html(reporters)}. The CSV export "
        "lists every source. Each figure as its source worded it; this page takes no side."
    )


def _by_source_row_height(rows: pd.DataFrame, panels: int) -> int:
    """A row height that fits the by-source chart's rows (a reporter per panel) in the room."""
    lines = int(rows.groupby(["metric", "group", "place"])["reported_by"].nunique().sum())
    room = CHART_HEIGHT - 70 * panels - 40
    low, high = ROW_HEIGHT
    return max(low, min(high, room // max(lines, 1)))


def _charts(
    in_view: pd.DataFrame, flags: list[Conflict], vocabulary: Vocabulary, palette: list[str]
) -> None:
    """The two charts and the conflicts side by side, at most MAX_PANELS panels each."""
    panels = panels_to_chart(in_view, flags, vocabulary, MAX_PANELS)
    if panels.left_out:
        _show(
            f'<p class="note">The charts show {len(panels.shown)} of '
            f"{len(panels.shown) + len(panels.left_out)} panels, conflicting figures "
            f"first. Not charted: {_html(', '.join(panels.left_out))}; choose fewer "
            "metrics to chart them.</p>"
        )
    count = len(panels.shown)
    timeline_column, source_column, conflict_column = st.columns(COLUMNS, gap="medium")
    _chart(
        timeline_column,
        "timeline",
        charts.timeline_chart(
            panels.rows,
            flags,
            vocabulary,
            reporters=palette,
            width=TIMELINE_WIDTH,
            panel_height=PANEL_HEIGHT.get(count, min(PANEL_HEIGHT.values())),
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
            row_height=_by_source_row_height(panels.rows, count),
        ),
    )
    with conflict_column:
        _conflicts(flags)


def _conflicts(flags: list[Conflict]) -> None:
    """The conflicts in view as sentences, most severe first."""
    if not flags:
        _show(
            '<p class="heading">Conflicting figures</p>'
            '<p class="sub">No conflicting figures in this view.</p>'
        )
        return
    sentences = [conflict_sentence(flag) for flag in flags]
    # At most MAX_CONFLICTS_SHOWN, and as many as fit the column (always the first).
    shown = 1
    while shown < min(len(sentences), MAX_CONFLICTS_SHOWN) and (
        sum(map(len, sentences[: shown + 1])) <= CONFLICT_CHARS
    ):
        shown += 1
    items = [f"<li>{_html(sentence)}</li>" for sentence in sentences[:shown]]
    if len(sentences) > shown:
        items.append(f"<li>… and {len(sentences) - shown} more in the dashboard.</li>")
    _show(f'<p class="heading">Conflicting figures</p><ul>{"".join(items)}</ul>')
