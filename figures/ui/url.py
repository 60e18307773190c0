"""The view in the query string: read once into widget state, written back on every run.

Later runs take the widgets as the truth and write them back to the URL, so the address bar
always holds a link to what is on screen. figures.filters owns the filter keys (metric,
group, place, affiliation, reporter, from and to); this module adds the chart settings and
the conflict to highlight.
"""

from __future__ import annotations

import streamlit as st

from figures.conflicts import Conflict
from figures.filters import (
    DATE_KEYS,
    MULTI_KEYS,
    FilterChoices,
    ViewFilters,
    filters_from_query,
    filters_to_query,
)
from figures.ui.keys import (
    FILTER_WIDGETS,
    NOTICES,
    PENDING_CONFLICT,
    URL_READ,
    W_CHART,
    W_COLOR,
    W_DATES,
    W_LOG,
)

# `view` names a page in links made before the app had pages of its own (?view=briefing);
# figures.ui.app routes it.
COLOR_KEY, LOG_KEY, CONFLICT_KEY, VIEW_KEY = "color", "log", "conflict", "view"
COLOR_VALUES = {"reporter": "reported_by", "affiliation": "affiliation"}
# Which chart the dashboard shows; the first is the default.
CHART_KEY = "chart"
CHART_VALUES = ("timeline", "by-source")
TRUE_VALUES, FALSE_VALUES = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}
KNOWN_KEYS = {*MULTI_KEYS, *DATE_KEYS, COLOR_KEY, LOG_KEY, CONFLICT_KEY, VIEW_KEY, CHART_KEY}


def query_mapping() -> dict[str, list[str]]:
    """Every query parameter with all its values."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def conflict_id(conflict: Conflict) -> str:
    """How a conflict is named in a link and in widget keys (see Conflict.id)."""
    return conflict.id


def _flag(text: str) -> bool | None:
    lowered = text.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    return None


def read_url_once(choices: FilterChoices) -> None:
    """Put the URL's view into widget state, once per browser session, with a notice for
    each part of it that was not understood."""
    if st.session_state.get(URL_READ):
        return
    st.session_state[URL_READ] = True
    params = query_mapping()
    filters, notices = filters_from_query(params, choices)
    for key in params:
        if key not in KNOWN_KEYS:
            notices.append(f"Ignored {key}=…: this page has no such setting.")
    for key in MULTI_KEYS:
        st.session_state[FILTER_WIDGETS[key]] = list(getattr(filters, MULTI_KEYS[key]))
    if filters.start or filters.end:
        first = filters.start or choices.first_day
        last = filters.end or choices.last_day
        st.session_state[W_DATES] = (first, last)
    notices += _read_chart_settings(params)
    st.session_state[NOTICES] = notices


def _read_chart_settings(params: dict[str, list[str]]) -> list[str]:
    """The chart, colour, log scale and the conflict to highlight into widget state; the
    notices."""
    notices = []
    chart = (params.get(CHART_KEY) or [""])[-1]
    if chart:
        if chart in CHART_VALUES:
            st.session_state[W_CHART] = chart
        else:
            notices.append(f"Ignored chart={chart!r}: use 'timeline' or 'by-source'.")
    color = (params.get(COLOR_KEY) or [""])[-1]
    if color:
        if color in COLOR_VALUES:
            st.session_state[W_COLOR] = COLOR_VALUES[color]
        else:
            notices.append(f"Ignored color={color!r}: use 'reporter' or 'affiliation'.")
    log = (params.get(LOG_KEY) or [""])[-1]
    if log:
        flag = _flag(log)
        if flag is None:
            notices.append(f"Ignored log={log!r}: use 1 or 0.")
        else:
            st.session_state[W_LOG] = flag
    chosen = (params.get(CONFLICT_KEY) or [""])[-1]
    if chosen:
        # Checked once the flags are known (they may still be computing).
        st.session_state[PENDING_CONFLICT] = chosen
    return notices


def clear_notices() -> None:
    """Forget the URL's notices: the user has changed the view since."""
    st.session_state[NOTICES] = []


def write_url(
    filters: ViewFilters, chart: str, color_by: str, log_scale: bool, chosen: str
) -> None:
    """The view as query parameters; only what differs from the default page."""
    params = filters_to_query(filters)
    if chart != CHART_VALUES[0]:
        params[CHART_KEY] = [chart]
    if color_by != "reported_by":
        params[COLOR_KEY] = ["affiliation"]
    if log_scale:
        params[LOG_KEY] = ["1"]
    if chosen:
        params[CONFLICT_KEY] = [chosen]
    if params != query_mapping():
        st.query_params.from_dict(params)
