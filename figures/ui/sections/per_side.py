"""The latest figure each side gave, per metric and group (figures.per_side), as a table.

It sits below the charts: the headline (sections/headline.py) is what the page leads with.
An HTML table, not Markdown: a browser parsing a Markdown table of seventy rows spent a
quarter of a second of a big file's first page on it. Every cell from the data is escaped.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from html import escape
from typing import Any

import pandas as pd
import streamlit as st

from figures.per_side import latest_per_side, latest_positions
from figures.ui.text import day_text, written
from figures.vocabulary import WHOLE_GROUP, Vocabulary

__all__ = ["latest_positions", "per_side_table"]

MAX_METRICS = 12
COLUMNS = ("Metric", "Side", "Latest figure", "As of", "Place", "Reported by", "Conflicts")
# Columns a phone keeps (the figure, its date and its reporter; the block's title), the rest
# hidden under 640 px, where seven columns would not fit 390 px without running off screen.
NARROW_HIDDEN = (4, 6)  # Place, Conflicts
STYLE = """<style>
table.per-side { border-collapse: collapse; width: 100%; font-size: 0.95rem; margin: 0 0 1rem; }
table.per-side th, table.per-side td {
  border: 1px solid rgba(49, 51, 63, 0.1); padding: 0.25rem 0.75rem; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
table.per-side th { font-weight: 600; }
table.per-side .keep { white-space: nowrap; }
table.per-side .flags { color: #C4001A; font-weight: 700; }
@media (max-width: 640px) {
  table.per-side { font-size: 0.85rem; }
  table.per-side th, table.per-side td { padding: 0.2rem 0.3rem; }
  table.per-side .wide { display: none; }
  table.per-side .keep { white-space: normal; }
}
</style>"""


def per_side_table(rows: pd.DataFrame, vocabulary: Vocabulary, by_line: Mapping[int, list]) -> None:
    """For each metric in view, the latest figure per side, and the conflicts touching it."""
    st.subheader("Latest figure per side")
    present = set(rows["metric"].unique())
    metrics = [name for name in vocabulary.metrics if name in present]
    if len(metrics) > MAX_METRICS:
        st.caption(
            f"The first {MAX_METRICS} of {len(metrics)} metrics; choose metrics in "
            "the filters to see others."
        )
        metrics = metrics[:MAX_METRICS]
    newest = latest_per_side(rows[rows["metric"].isin(metrics)], vocabulary)
    body: list[str] = []
    block = None
    for row in newest.to_dict("records"):
        title = vocabulary.metric_label(row["metric"])
        if row["group"] != WHOLE_GROUP:
            title += f" ({vocabulary.group_label(row['group']).lower()})"
        flags = len(by_line.get(int(row["line"]), []))
        side = vocabulary.side_label(str(row["affiliation"]))
        body.append(_row(title, row, flags, side, first=title != block))
        block = title
    head = "".join(_cell("th", index, name) for index, name in enumerate(COLUMNS))
    st.html(
        f'{STYLE}<table class="per-side"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _cell(tag: str, index: int, content: str) -> str:
    wide = ' class="wide"' if index in NARROW_HIDDEN else ""
    return f"<{tag}{wide}>{content}</{tag}>"


def _row(title: str, row: Mapping[Hashable, Any], flags: int, side: str, *, first: bool) -> str:
    """One side's latest figure as a table row; the block's first row carries its title."""
    # Figures and dates never break across lines: "more than / 100,000" misreads.
    cells = [
        f"<strong>{escape(title)}</strong>" if first else "",
        escape(side),
        f'<strong class="keep">{escape(written(row))}</strong>',
        f'<span class="keep">{day_text(row["as_of"], bool(row["as_of_has_time"]))}</span>',
        escape(str(row["place"])),
        escape(str(row["reported_by"])),
        f'<span class="flags">{flags}</span>' if flags else "",
    ]
    return "<tr>" + "".join(_cell("td", i, cell) for i, cell in enumerate(cells)) + "</tr>"
