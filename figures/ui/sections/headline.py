"""The headline: for each metric in view, the latest figure per side, and its conflicts.

An HTML table, not Markdown: a browser parsing a Markdown table of seventy rows spent a
quarter of a second of a big file's first page on it, before the charts. Every cell from the
data is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from figures.ui.text import day_text, written
from figures.vocabulary import WHOLE_GROUP, Vocabulary

MAX_HEADLINE_METRICS = 12
HEADLINE_COLUMNS = ("Metric", "Side", "Latest figure", "As of", "Place", "Reported by", "Conflicts")
HEADLINE_STYLE = """<style>
table.headline { border-collapse: collapse; width: 100%; font-size: 0.95rem; margin: 0 0 1rem; }
table.headline th, table.headline td {
  border: 1px solid rgba(49, 51, 63, 0.1); padding: 0.25rem 0.75rem; text-align: left;
  vertical-align: top; }
table.headline th { font-weight: 600; }
table.headline .keep { white-space: nowrap; }
table.headline .flags { color: #C4001A; font-weight: 700; }
</style>"""


def headline(rows: pd.DataFrame, vocabulary: Vocabulary, by_line: Mapping[int, list]) -> None:
    """For each metric in view, the latest figure per side, and the conflicts touching it."""
    st.subheader("Latest figure per side")
    present = set(rows["metric"].unique())
    metrics = [name for name in vocabulary.metrics if name in present]
    if len(metrics) > MAX_HEADLINE_METRICS:
        st.caption(
            f"The first {MAX_HEADLINE_METRICS} of {len(metrics)} metrics; choose metrics in "
            "the filters to see others."
        )
        metrics = metrics[:MAX_HEADLINE_METRICS]
    # One table, not a box per metric: figures line up in a column, and ten metrics fit in
    # a third of a 1280x800 screen.
    body: list[str] = []
    order = {code: rank for rank, code in enumerate(vocabulary.sides)}
    newest = rows.iloc[latest_positions(rows)]
    group_rank = {name: rank for rank, name in enumerate([WHOLE_GROUP, *vocabulary.groups])}
    for metric, group in _headline_blocks(newest, metrics, group_rank):
        of_block = newest[(newest["metric"] == metric) & (newest["group"] == group)]
        latest = of_block.sort_values("affiliation", key=lambda col: col.map(order), kind="stable")
        title = vocabulary.metric_label(metric)
        if group != WHOLE_GROUP:
            title += f" ({vocabulary.group_label(group).lower()})"
        for index, row in enumerate(latest.to_dict("records")):
            flags = len(by_line.get(int(row["line"]), []))
            side = vocabulary.side_label(str(row["affiliation"]))
            body.append(_headline_row(title, row, flags, side, first=index == 0))
    head = "".join(f"<th>{name}</th>" for name in HEADLINE_COLUMNS)
    st.html(
        f'{HEADLINE_STYLE}<table class="headline"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _headline_row(title: str, row: Mapping[str, Any], flags: int, side: str, *, first: bool) -> str:
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
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _headline_blocks(
    newest: pd.DataFrame, metrics: list[str], group_rank: Mapping[str, int]
) -> list[tuple[str, str]]:
    """(metric, group) blocks of the headline: every group in view, the whole count first.
    A side that reported only a subgroup (combatants killed) still gets its row."""
    blocks = []
    for metric in metrics:
        groups = set(newest.loc[newest["metric"] == metric, "group"])
        for group in sorted(groups, key=lambda name: (group_rank.get(name, len(group_rank)), name)):
            blocks.append((metric, str(group)))
    return blocks


def latest_positions(rows: pd.DataFrame) -> np.ndarray:
    """Positions of the latest row of each (metric, group, side): latest as-of, then latest
    publication, then last line. Column-wise: a sort of 100,000 rows of text took 0.1 s."""
    if rows.empty:
        return np.array([], dtype=np.int64)
    codes = np.zeros(len(rows), dtype=np.int64)
    for name in ("metric", "group", "affiliation"):
        column_codes, uniques = pd.factorize(rows[name])
        codes = codes * (len(uniques) + 1) + column_codes
    as_of = rows["as_of"].to_numpy("datetime64[ns]").astype(np.int64)
    published = rows["published"].to_numpy("datetime64[ns]").astype(np.int64)  # NaT lowest
    order = np.lexsort((rows["line"].to_numpy(np.int64), published, as_of, codes))
    # In that order the last row of each key's run is its latest.
    sorted_codes = codes[order]
    last = np.flatnonzero(np.append(sorted_codes[1:] != sorted_codes[:-1], True))
    return np.sort(order[last])
