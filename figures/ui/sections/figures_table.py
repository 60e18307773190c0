"""The figures in view as a table, latest first, a page at a time.

A page of TABLE_PAGE_ROWS rows: a page of 1,000 rows took the server 70 ms of each rerun and
the browser half a megabyte to decode.

The table is a way out of the app like the exports: Streamlit's toolbar downloads it as CSV
and its cells copy into a spreadsheet, as shown, with no escaping of its own (Streamlit 1.67's
exporter quotes cells and nothing else). So every text cell is shown as the CSV export writes
it: text a spreadsheet would run as a formula (= + - @) behind one apostrophe.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import streamlit as st

from figures import charts
from figures.filters import NO_PLACE
from figures.ui.keys import TABLE_VIEW, W_TABLE_PAGE
from figures.ui.text import is_link, table_cells
from figures.vocabulary import Vocabulary
from figures.wording import value_as_written

TABLE_PAGE_ROWS = 100
FORMULA_HELP = (
    "{what} that starts with = + - or @ is shown behind an apostrophe, as in the CSV "
    "download, so that a spreadsheet never runs it as a formula."
)


def figures_table(
    rows: pd.DataFrame,
    vocabulary: Vocabulary,
    by_line: Mapping[int, list],
    view: object = None,
) -> None:
    """The figures in view, latest first, a page of TABLE_PAGE_ROWS at a time. `view` names
    the view (its filters): a new view starts at its first page."""
    st.subheader("The figures in view")
    if rows.empty:
        st.info("No figures in this view.")
        return
    page = _page_number(len(rows), view)
    shown = rows.iloc[latest_first(rows, (page - 1) * TABLE_PAGE_ROWS, TABLE_PAGE_ROWS)]
    table = _table(shown, vocabulary, by_line)
    # A phone shows the first three columns: the figure, its date and its reporter first.
    first = ("As of", "Figure", "Reported by")
    st.dataframe(
        table,
        hide_index=True,
        column_order=[*first, *(name for name in table.columns if name not in first)],
        column_config={
            "Line": st.column_config.NumberColumn(help="Line in the CSV file", format="%d"),
            "Source": st.column_config.LinkColumn(display_text="open source", width="medium"),
            "Quote": st.column_config.TextColumn(
                width="large", help=FORMULA_HELP.format(what="A quote")
            ),
            "Notes": st.column_config.TextColumn(help=FORMULA_HELP.format(what="A note")),
            "Conflicts": st.column_config.NumberColumn(help="Conflicts this figure is part of"),
        },
    )


def _page_number(count: int, view: object) -> int:
    """The page to show, from its widget (drawn here when there is more than one page)."""
    pages = -(-count // TABLE_PAGE_ROWS)
    if st.session_state.get(TABLE_VIEW) != repr(view):
        st.session_state[TABLE_VIEW] = repr(view)
        st.session_state[W_TABLE_PAGE] = 1
    if pages <= 1:
        return 1
    st.session_state[W_TABLE_PAGE] = min(max(1, st.session_state.get(W_TABLE_PAGE, 1)), pages)
    number, note = st.columns([1, 5], vertical_alignment="bottom")
    page = int(number.number_input("Page", min_value=1, max_value=pages, step=1, key=W_TABLE_PAGE))
    first = (page - 1) * TABLE_PAGE_ROWS
    note.caption(
        f"Figures {first + 1:,} to {min(first + TABLE_PAGE_ROWS, count):,} of "
        f"{count:,}, latest first (page {page:,} of {pages:,}). Narrow the filters to "
        "find a figure, or download the CSV for every one."
    )
    return page


def _table(
    shown: pd.DataFrame, vocabulary: Vocabulary, by_line: Mapping[int, list]
) -> pd.DataFrame:
    """The rows shown, in the words of the page."""
    lines = shown["line"].astype(int).to_numpy()
    urls = shown["url"].astype(str).to_numpy(dtype=object)
    metric_labels = {name: vocabulary.metric_label(name) for name in vocabulary.metrics}
    group_labels = {name: vocabulary.group_label(name) for name in vocabulary.groups}
    # Every text from the file or its vocabularies goes through table_cells (see above).
    return pd.DataFrame(
        {
            "Line": lines,
            "As of": charts.date_texts(shown["as_of"], shown["as_of_has_time"].to_numpy(bool)),
            "Metric": table_cells(shown["metric"].map(metric_labels).fillna(shown["metric"])),
            "Group": table_cells(shown["group"].map(group_labels).fillna(shown["group"])),
            "Figure": [
                value_as_written(str(q), int(v), None if pd.isna(h) else int(h))
                for q, v, h in zip(
                    shown["qualifier"].to_numpy(dtype=object),
                    shown["value"].to_numpy(),
                    shown["value_high"].to_numpy(dtype=object),
                    strict=True,
                )
            ],
            "Place": table_cells(shown["place"].replace("", NO_PLACE)),
            "Reported by": table_cells(shown["reported_by"]),
            "Outlet": table_cells(shown["outlet"]),
            # Only checked http(s) addresses become links; anything else is no link at all.
            "Source": [u if is_link(u) else None for u in urls],
            "Published": charts.date_texts(shown["published"], missing=""),
            "Quote": table_cells(shown["quote"]),
            "Side": shown["affiliation"].map(vocabulary.side_labels()).fillna("").to_numpy(),
            "Conflicts": [len(by_line.get(int(line), [])) for line in lines],
            "Notes": table_cells(shown["notes"]),
        }
    )


def latest_first(rows: pd.DataFrame, start: int, count: int) -> np.ndarray:
    """Positions of rows start to start + count, ordered latest as-of first (then the last
    line first). Only rows at least as late as the last one wanted are sorted."""
    as_of = rows["as_of"].to_numpy("datetime64[ns]").view(np.int64)
    lines = rows["line"].to_numpy(np.int64)
    wanted = min(start + count, len(rows))
    if wanted <= 0:
        return np.array([], dtype=np.int64)
    candidates = np.arange(len(rows))
    if wanted < len(rows):
        cutoff = np.partition(as_of, len(rows) - wanted)[len(rows) - wanted]
        candidates = np.flatnonzero(as_of >= cutoff)
    order = candidates[np.lexsort((lines[candidates], as_of[candidates]))[::-1]]
    return order[start:wanted]
