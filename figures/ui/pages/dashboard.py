"""The dashboard, the app's default page.

The page, top to bottom: title and what the data is; the headline (one figure per quantity,
figures/headline.py); the conflict list; one chart, the timeline or the by-source chart
(chosen above it, with colour, log-scale and conflict-highlight controls); downloads; the
latest figure per side; the figures table, a page at a time; the validation report; the form
to add a figure. The sidebar holds the view's filters, which live in the URL (with the chart
settings) so a copied link reopens the view.

What the browser gets first, and why (issues 4 and 14: the first chart within 1.5x of a
bare one-chart page, a rerun under 300 ms):
- A session's first run sends the title, the headline, the conflicts, the chart controls and
  the chart, and nothing else; the filters, the downloads and everything under the chart
  follow once the browser reports the chart drawn (figures/ui/first_paint.py). Their code
  in the browser (the table's grid, the date picker) otherwise delayed the chart by about
  half a second.
- Within a run the chart is sent before anything else; every other part is filled into its
  place after it (containers made in page order, filled later). Widgets read their state
  before they are drawn, so the view is known first.
- One chart at a time: with both charts on the page, the browser drew the second alongside
  the first, and the first showed about a quarter of a second later (bench_dashboard.py).
- The headline tables are HTML, not Markdown; the downloads, the form and the conflicts
  past the first three are in expanders that build their content only once opened.
- Chart datasets go to Streamlit as Arrow bytes made once per content-named dataset.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from figures.conflicts import Conflict
from figures.filters import ViewFilters, apply_filters, filters_to_query
from figures.ui.first_paint import HIDDEN_CSS, chart_drawn, complete_without_report
from figures.ui.keys import SERVER_SECONDS
from figures.ui.sections.add_figure import add_figure_entry, add_figure_section
from figures.ui.sections.chart_controls import chart_controls, chosen_conflict, control_values
from figures.ui.sections.chart_display import draw_by_source, draw_timeline, prepare
from figures.ui.sections.conflict_list import conflict_list
from figures.ui.sections.downloads import downloads
from figures.ui.sections.figures_table import figures_table
from figures.ui.sections.headline import headline, view_headlines
from figures.ui.sections.load_problems import load_or_explain
from figures.ui.sections.per_side import per_side_table
from figures.ui.sections.sidebar import (
    sidebar_filters,
    sidebar_footer,
    sidebar_waiting,
    view_filters,
)
from figures.ui.sections.validation_report import validation_report
from figures.ui.sections.view_notes import view_notes
from figures.ui.state import (
    Flags,
    Loaded,
    data_path,
    finish_when_flagged,
    flags_future,
    flags_started,
    wait_for_flags,
)
from figures.ui.text import TITLE, md
from figures.ui.url import CONFLICT_KEY, conflict_id, read_url_once, write_url
from figures.ui.view import View

# How long a page waits for the conflict engine before drawing without its marks.
CONFLICT_WAIT_S = 1.0
# Up to this many rows the engine takes well under CONFLICT_WAIT_S, so it starts at once.
SMALL_FILE_ROWS = 20_000
# On a phone (under 640 px) nothing may run off the side of the screen: a chart drawn wider
# than the screen is scaled down to its width (Vega's SVG keeps its proportions), and
# Streamlit's padding shrinks so the figures get the room.
NARROW_CSS = """
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem; padding-right: 0.75rem; }
  [data-testid="stVegaLiteChart"], [data-testid="stVegaLiteChart"] > div { max-width: 100%; }
  [data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas {
    max-width: 100% !important; height: auto !important; }
  [data-testid="stVegaLiteChart"] .vega-embed { width: 100% !important; }
}
"""


def dashboard() -> None:
    started = time.perf_counter()
    # "auto": the filters open beside the page on a wide screen, and start closed on a phone,
    # where an open sidebar covers the title and the headline.
    st.set_page_config(page_title=TITLE, layout="wide", initial_sidebar_state="auto")
    st.html(f"<style>{HIDDEN_CSS}{NARROW_CSS}</style>")
    path = data_path()
    loaded = load_or_explain(path)
    if loaded is None:
        return
    # A small file's flags come within CONFLICT_WAIT_S, so its page waits for them. A big
    # file's take seconds: its engine starts only once the first visitor's page is drawn (so
    # that chart does not share the processor with it), and a page takes its flags only if
    # they are done, else draws at once and runs again when they are.
    small = len(loaded.result.rows) <= SMALL_FILE_ROWS
    future = flags_future(path) if small or flags_started(path) else None
    flags, engine_error = wait_for_flags(future, CONFLICT_WAIT_S if small else 0.0)
    _draw(_Run(path, loaded, flags, engine_error))
    # The whole run on the server, from the first line of the page: what a benchmark reads.
    st.session_state[SERVER_SECONDS] = time.perf_counter() - started
    if future is None:
        future = flags_future(path)
    if future is not None and flags is None and engine_error is None:
        finish_when_flagged(future)


def server_seconds() -> float | None:
    """How long the last run of the dashboard took on the server (for benchmarks)."""
    value = st.session_state.get(SERVER_SECONDS)
    return float(value) if value is not None else None


@dataclass(frozen=True)
class _Run:
    """What a run of the page starts from: the file, and the conflict check's state."""

    path: Path
    loaded: Loaded
    flags: Flags | None  # None while the check runs, or if it failed
    engine_error: BaseException | None


@dataclass(frozen=True)
class _Slots:
    """Places on the page in page order, filled later (see `_draw`)."""

    title: DeltaGenerator
    view: DeltaGenerator
    headline: DeltaGenerator
    conflicts: DeltaGenerator
    charts_title: DeltaGenerator
    controls: DeltaGenerator


def _draw(run: _Run) -> None:
    """The page for the view in the widgets' state (and, on a first visit, in the URL).

    The page top to bottom is title, view, headline, conflicts, chart controls, charts, then
    the rest; the sidebar holds the filters. But the timeline is sent first and every other
    part is filled into its place after it (containers made in page order, filled later): the
    page reads the same, and the charts, the slowest part for a browser to draw, do not wait
    behind the rest. A browser drawing a big file's first page spent over a second on the
    widgets and the text before it started on the chart. The widgets come last of all, and
    are drawn even if a part of the page fails: a run that does not draw a widget drops its
    state, and the view with it.

    Until the browser reports the chart drawn (`chart_drawn`), the run stops after the text
    above the chart, the controls and the chart: the sidebar says its filters are on the
    way. The filters' state is then only what the URL put there, which no run drops.
    """
    loaded = run.loaded
    read_url_once(loaded.choices)
    filters = view_filters(loaded)
    slots = _Slots(*(st.container() for _ in range(6)))
    in_view = _in_view(loaded, filters)
    view_conflicts: list[Conflict] = []
    if run.flags is not None and len(in_view):
        # `conflicts_in_view`, through the index kept with the flags.
        view_conflicts = run.flags.index.touching(in_view["line"].to_numpy(np.int64))
    chosen_conflict(view_conflicts, run.flags is not None)
    chart, color_by, log_scale, chosen = control_values()
    write_url(filters, chart, color_by, log_scale, chosen)
    picked = [c for c in view_conflicts if conflict_id(c) == chosen] if chosen else []
    view = View(
        rows=in_view,
        conflicts=view_conflicts,
        filters=filters,
        vocabulary=loaded.vocabulary,
        reporters=loaded.reporters,
        chart=chart,
        color_by=color_by,
        log_scale=log_scale,
        highlight=picked[0].lines if picked else (),
    )
    whole_page = chart_drawn(chart=not in_view.empty)
    try:
        _fill(run, view, slots, chosen, whole_page)
    finally:
        with slots.controls:
            chart_controls(view_conflicts)
        if whole_page:
            sidebar_filters(loaded)
            sidebar_footer(run.path, loaded)
        else:
            sidebar_waiting()
            with st.sidebar:
                complete_without_report()


def _in_view(loaded: Loaded, filters: ViewFilters) -> pd.DataFrame:
    rows = loaded.result.rows
    # An unfiltered view is the rows themselves: no copy of 100,000 rows for nothing.
    return apply_filters(rows, filters) if len(rows) and filters != ViewFilters() else rows


def _fill(run: _Run, view: View, slots: _Slots, chosen: str, whole_page: bool) -> None:
    """Every part of the page but the widgets, the chart first; without `whole_page`, only
    what is above the chart."""
    rows = run.loaded.result.rows
    ready = run.flags is not None
    by_line = run.flags.by_line if run.flags else {}
    prepared = None
    if not view.rows.empty:
        prepared = prepare(view, run.flags.index if run.flags else None)
        (draw_by_source if view.chart == "by-source" else draw_timeline)(view, prepared)
    else:
        st.caption("No figures to chart in this view.")
    with slots.title:
        st.title(run.loaded.vocabulary.about.title)
        st.markdown(md(run.loaded.vocabulary.about.description))
        add_figure_entry(run.path, view.vocabulary)  # the form, reachable from the top
    slots.charts_title.subheader("The figures on charts")
    with slots.view:
        view_notes(view, len(rows), ready, run.engine_error)
    if prepared is not None and whole_page:
        downloads(view)
    with slots.headline:
        if rows.empty:
            st.info(
                f"{md(run.path.name)} holds no valid figures yet. Add rows to it (see the "
                "guide in the sidebar); they appear here on the next interaction."
            )
        elif view.rows.empty:
            st.info("No figures match these filters. Widen them, or use *Clear filters*.")
        else:
            _headline(run, view)
    with slots.conflicts:
        conflict_list(view.conflicts, rows, chosen, ready)
    if not whole_page:
        return
    per_side_slot = st.container()
    figures_table(view.rows, view.vocabulary, by_line, view=view.filters)
    validation_report(run.loaded.result, run.path)
    add_figure_section(run.path, view.vocabulary)
    if not view.rows.empty:
        with per_side_slot:
            per_side_table(view.rows, view.vocabulary, by_line)


def _headline(run: _Run, view: View) -> None:
    """The headline of the view, each flag linked to this page with the flag highlighted."""
    found = view_headlines(
        run.path,
        view.filters,
        view.rows,
        run.loaded.result.rows,
        view.vocabulary,
        view.conflicts if run.flags is not None else None,
    )
    query = filters_to_query(view.filters)
    headline(
        found,
        view.vocabulary,
        flag_link=lambda flag: "?" + urlencode({**query, CONFLICT_KEY: [flag]}, doseq=True),
    )
