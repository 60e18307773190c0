"""Which chart, colour, log scale and the conflict to highlight: widgets above the chart.

Their values are read from widget state before the charts are drawn (`control_values`,
`chosen_conflict`) and the widgets drawn after them (`chart_controls`), into a slot above:
the charts, the slowest part for a browser, are sent first.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from figures.conflicts import Conflict
from figures.ui.keys import NOTICES, PENDING_CONFLICT, W_CHART, W_COLOR, W_CONFLICT, W_LOG
from figures.ui.sections.conflict_list import MAX_CONFLICTS_LISTED
from figures.ui.url import CHART_VALUES, COLOR_VALUES, conflict_id
from figures.vocabulary import WHOLE_GROUP

CHART_LABELS = {"timeline": "Over time", "by-source": "By source"}


def control_values() -> tuple[str, str, bool, str]:
    """The chart, colour, log scale and the conflict to highlight, from the state of their
    widgets (drawn after the chart by `chart_controls`, in a slot above it)."""
    # Defaults go into session state (not the widgets' `default`), since the URL may have put
    # a value there first; Streamlit warns when both are given.
    st.session_state.setdefault(W_CHART, CHART_VALUES[0])
    st.session_state.setdefault(W_COLOR, "reported_by")
    st.session_state.setdefault(W_LOG, False)
    color_by = st.session_state[W_COLOR]
    return (
        str(st.session_state[W_CHART] or CHART_VALUES[0]),
        str(color_by or "reported_by"),
        bool(st.session_state[W_LOG]),
        str(st.session_state.get(W_CONFLICT) or ""),
    )


def chart_controls(conflicts: Sequence[Conflict]) -> None:
    """The widgets for the chart, colour, log scale and the conflict to highlight."""
    # One chart at a time: a second chart drawn with the first kept a browser busy for a
    # quarter of a second more before either showed (bench/bench_dashboard.py). The choice
    # has a row of its own: beside the other controls its labels were cut off at 1280 px.
    st.segmented_control(
        "Chart",
        options=list(CHART_VALUES),
        format_func=CHART_LABELS.__getitem__,
        key=W_CHART,
        required=True,
        help="Over time: each figure on the date it describes. By source: each reporter's "
        "figures side by side, a row per reporter.",
    )
    colour_column, log_column, conflict_column = st.columns([2, 1.2, 4])
    colour_column.segmented_control(
        "Colour marks by",
        options=list(COLOR_VALUES.values()),
        format_func=lambda value: "Reporter" if value == "reported_by" else "Reporter's side",
        key=W_COLOR,
        required=True,
    )
    log_column.toggle(
        "Log scale",
        key=W_LOG,
        help="For views where small and large figures share a panel (102 and 120,000). "
        "Symlog, so that a figure of zero still shows.",
    )
    # The choices are the conflicts the page lists (and the one chosen, wherever it ranks):
    # thousands of options would cost every rerun and help nobody choose.
    offered = list(conflicts[:MAX_CONFLICTS_LISTED])
    current = st.session_state.get(W_CONFLICT, "")
    offered += [c for c in conflicts[MAX_CONFLICTS_LISTED:] if conflict_id(c) == current]
    ids = [conflict_id(conflict) for conflict in offered]
    labels = {conflict_id(c): _conflict_label(c) for c in offered}
    conflict_column.selectbox(
        "Highlight a conflict in the chart",
        options=["", *ids],
        format_func=lambda value: labels.get(value, "None"),
        key=W_CONFLICT,
        disabled=not ids,
        help="Its figures are enlarged in the chart and the others faded.",
    )


def chosen_conflict(conflicts: Sequence[Conflict], ready: bool) -> str:
    """The conflict to highlight: from the URL once the flags are known, else the widget's."""
    ids = [conflict_id(conflict) for conflict in conflicts]
    st.session_state.setdefault(W_CONFLICT, "")
    pending = st.session_state.get(PENDING_CONFLICT)
    if pending and ready:
        st.session_state.pop(PENDING_CONFLICT)
        # A link made before flags carried a checksum says only 'code:first line'.
        pending = next((i for i in ids if i == pending or i.startswith(f"{pending}:")), pending)
        if pending in ids:
            st.session_state[W_CONFLICT] = pending
        else:
            st.session_state.setdefault(NOTICES, []).append(
                f"Ignored conflict={pending!r}: no such conflict in this view."
            )
    # A conflict can leave the view when a filter changes; the widget would reject it.
    if st.session_state.get(W_CONFLICT) not in ["", *ids]:
        st.session_state[W_CONFLICT] = ""
    return str(st.session_state[W_CONFLICT])


def _conflict_label(conflict: Conflict) -> str:
    first = conflict.figures[0] if conflict.figures else None
    what = ""
    if first is not None:
        what = f"{first.metric}{'' if first.group == WHOLE_GROUP else ' ' + first.group}"
        what += f", {first.place}" if first.place else ""
    lines = ", ".join(str(line) for line in conflict.lines[:6])
    more = "…" if len(conflict.lines) > 6 else ""
    return f"{conflict.severity_label.capitalize()}: {conflict.title} ({what}; lines {lines}{more})"
