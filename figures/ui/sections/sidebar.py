"""The sidebar: the view's filters (which live in the URL) and a footer naming the file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st

from figures.filters import MULTI_KEYS, FilterChoices, ViewFilters
from figures.ui.keys import DATES_EXTENT, FILTER_WIDGETS, W_CONFLICT, W_DATES
from figures.ui.state import Loaded
from figures.ui.text import md
from figures.ui.url import clear_notices
from figures.wording import plural

# The sidebar's heading, the same while its filters are on the way (`sidebar_waiting`).
HEADING = "Filters"
TITLES = {
    "metric": "Metric",
    "group": "Group",
    "place": "Place",
    "affiliation": "Reporter's side",
    "reporter": "Reported by",
}


def _keep_known(key: str, options: Sequence[str]) -> None:
    # A value can leave the options when the file changes (a row edited away); Streamlit
    # rejects a widget whose state holds an unknown option, so drop it first.
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in set(options)]


def _date_bounds(choices: FilterChoices) -> None:
    """Keep an open-ended date range open when the data grows.

    A range that ran to the last day of the data keeps running to its last day when rows with
    later dates are appended (likewise for the first day); a range the user narrowed stays put.
    """
    extent = (choices.first_day, choices.last_day)
    previous = st.session_state.get(DATES_EXTENT)
    chosen = st.session_state.get(W_DATES)
    if previous and chosen and previous != extent and len(chosen) == 2:
        start, end = chosen
        if start == previous[0]:
            start = extent[0]
        if end == previous[1]:
            end = extent[1]
        st.session_state[W_DATES] = (start, end)
    st.session_state[DATES_EXTENT] = extent


def _reset_filters() -> None:
    for key in MULTI_KEYS:
        st.session_state[FILTER_WIDGETS[key]] = []
    st.session_state.pop(W_DATES, None)
    st.session_state[W_CONFLICT] = ""
    clear_notices()


def view_filters(loaded: Loaded) -> ViewFilters:
    """The view the sidebar's filters hold, read from their state.

    The widgets themselves are drawn later in the run (`sidebar_filters`), after the charts:
    a widget's value is its state, which Streamlit has updated before the run starts, so the
    view is known first and the page the browser gets is the same, charts first.
    """
    choices = loaded.choices
    values: dict[str, tuple[str, ...]] = {}
    for key, attribute in MULTI_KEYS.items():
        _keep_known(FILTER_WIDGETS[key], getattr(choices, attribute))
        values[attribute] = tuple(st.session_state.get(FILTER_WIDGETS[key], ()))
    start = end = None
    if choices.first_day and choices.last_day:
        _date_bounds(choices)
        if W_DATES not in st.session_state:
            st.session_state[W_DATES] = (choices.first_day, choices.last_day)
        picked = st.session_state[W_DATES]
        dates = tuple(picked) if isinstance(picked, tuple | list) else (picked,)
        # Only a narrowed end is a filter: a range covering the data stays open, so rows
        # appended later with new dates are in view.
        if dates and dates[0] and dates[0] > choices.first_day:
            start = dates[0]
        if len(dates) == 2 and dates[1] and dates[1] < choices.last_day:
            end = dates[1]
    return ViewFilters(start=start, end=end, **values)


def sidebar_filters(loaded: Loaded) -> None:
    """The filter widgets, on the state `view_filters` read."""
    choices = loaded.choices
    vocabulary = loaded.vocabulary
    sidebar = st.sidebar
    sidebar.header(HEADING)
    labels: dict[str, Callable[[str], str]] = {
        "metric": vocabulary.metric_label,
        "group": vocabulary.group_label,
        "place": str,
        "affiliation": vocabulary.side_label,
        "reporter": str,
    }
    for key, attribute in MULTI_KEYS.items():
        sidebar.multiselect(
            TITLES[key],
            list(getattr(choices, attribute)),
            format_func=labels[key],
            key=FILTER_WIDGETS[key],
            placeholder="All",
            on_change=clear_notices,
        )
    if choices.first_day and choices.last_day:
        _date_input(choices)
    sidebar.button("Clear filters", key="clear_filters", on_click=_reset_filters, width="stretch")
    sidebar.caption("The address bar holds this view: copy it to share exactly what you see.")


def sidebar_waiting() -> None:
    """The sidebar while the browser draws the first chart (figures/ui/first_paint.py): its
    heading in place, so the page does not shift when the filters come."""
    st.sidebar.header(HEADING)
    st.sidebar.caption("The filters appear as soon as the chart is drawn.")


def _date_input(choices: FilterChoices) -> None:
    # The bounds take in a chosen date outside the data (a link made before rows changed).
    chosen_dates = st.session_state[W_DATES]
    if not isinstance(chosen_dates, tuple | list):
        chosen_dates = (chosen_dates,)
    st.sidebar.date_input(
        "As-of dates",
        min_value=min(choices.first_day, *[d for d in chosen_dates if d]),
        max_value=max(choices.last_day, *[d for d in chosen_dates if d]),
        key=W_DATES,
        format="YYYY-MM-DD",
        help="The dates the figures describe, not when they were published.",
        on_change=clear_notices,
    )


def sidebar_footer(path: Path, loaded: Loaded) -> None:
    """The file shown and how many of its rows, and the way to the analysts' guide."""
    sidebar = st.sidebar
    sidebar.divider()
    result = loaded.result
    sidebar.caption(
        f"Data: {md(path.name)} · {plural(len(result.rows), 'valid figure')}"
        + (
            f" · {plural(result.record_count - len(result.rows), 'row')} left out"
            if result.record_count > len(result.rows)
            else ""
        )
    )
    sidebar.markdown(
        "**For analysts:** [how to add or correct a figure](?view=adding-figures) "
        "(docs/adding-figures.md)."
    )
