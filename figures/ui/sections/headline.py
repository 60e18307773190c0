"""The headline: one figure per quantity in view (figures/headline.py, docs/headline.md), the
first thing the dashboard and the briefing page show.

One table for both pages: the quantity, the figure (or the dispute), its date, who gave it,
how many reporters and outlets give it, the range the others give, and its flags, each a link
that opens the flag highlighted in the dashboard. A group stands indented under its total.
A page with room for only a few rows shows the quantities most reporters give and says how
many more there are. On a phone the table becomes one block per quantity that keeps the
figure, its date and its reporter. An HTML table, every cell from the data escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path

import pandas as pd
import streamlit as st

from figures.conflicts import Conflict
from figures.filters import ViewFilters
from figures.headline import (
    Headline,
    first_movement,
    headline_cells,
    headlines,
    lead_headlines,
    under_total,
)
from figures.ui.state import file_key
from figures.vocabulary import Vocabulary

# Rows the dashboard shows before "N more quantities": the headline leads the page, and the
# first chart must still start on a 1400x900 screen's first half.
DASHBOARD_ROWS = 6
COLUMNS = ("Quantity", "Figure", "As of", "Reported by", "Support", "Reporters' range", "Flags")
# Each column's share of the width: the quantity and its source have the room to stay on one
# or two lines, the figure on one.
WIDTHS = (18, 24, 9, 19, 10, 11, 9)
# Under 640 px wide (a phone) each quantity is a block: its label on a line, then its figure,
# date and reporter; support and range give way (the dashboard's wider view keeps them).
STYLE = """<style>
table.lead { border-collapse: collapse; width: 100%; font-size: 0.95rem; margin: 0; }
table.lead th, table.lead td { border-bottom: 1px solid rgba(49, 51, 63, 0.12);
  padding: 0.2rem 0.6rem 0.2rem 0; text-align: left; vertical-align: top; }
table.lead th { font-weight: 600; font-size: 0.85rem; color: #444; }
table.lead .figure { font-weight: 700; white-space: nowrap; }
table.lead .disputed { color: #8a1c00; white-space: normal; }
table.lead .keep { white-space: nowrap; }
table.lead .group td:first-child { padding-left: 1.4rem; }
table.lead .small { color: #555; font-size: 0.85rem; }
table.lead .basis { color: #555; font-weight: 400; font-size: 0.8rem; }
table.lead a.flag { font-size: 0.85rem; }
table.lead a.flag { color: #C4001A; font-weight: 700; text-decoration: none; margin-right: 0.4rem; }
WIDTH_RULES
.lead-more { margin: 0.3rem 0 0; font-size: 0.85rem; color: #444; }
.lead-more summary { cursor: pointer; }
@media (max-width: 640px) {
  table.lead thead { display: none; }
  table.lead tr { display: block; border-bottom: 1px solid rgba(49, 51, 63, 0.12);
    padding: 0.3rem 0; }
  table.lead td { display: inline; border: none; padding: 0 0.4rem 0 0; }
  table.lead td:first-child { display: block; }
  table.lead .group td:first-child { padding-left: 0; }
  table.lead td.wide { display: none; }
  table.lead .figure, table.lead .keep { white-space: normal; }
}
</style>""".replace(
    "WIDTH_RULES",
    "\n".join(
        f"table.lead th:nth-child({index}) {{ width: {share}%; }}"
        for index, share in enumerate(WIDTHS, start=1)
    ),
)
# A flag's link, short enough for a table cell; its id is its tooltip.
FLAG_NAMES = {
    "contradiction": "contradicted",
    "decrease": "total fell",
    "part-exceeds-whole": "part > whole",
    "likely-typo": "miscopy?",
}


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached(
    _key: object,
    _rows: pd.DataFrame,
    _every: pd.DataFrame,
    _vocabulary: Vocabulary,
    _conflicts: Sequence[Conflict],
) -> tuple[Headline, ...]:
    # The key says everything the answer depends on; the frames are not hashed (hashing
    # 100,000 rows on every rerun would cost more than it saves).
    return _choose(_rows, _every, _vocabulary, _conflicts)


def _choose(
    rows: pd.DataFrame,
    every: pd.DataFrame,
    vocabulary: Vocabulary,
    conflicts: Sequence[Conflict],
) -> tuple[Headline, ...]:
    start = first_movement(every, vocabulary)
    return tuple(headlines(rows, vocabulary, conflicts, movement_start=start))


def view_headlines(
    path: Path,
    filters: ViewFilters,
    rows: pd.DataFrame,
    every: pd.DataFrame,
    vocabulary: Vocabulary,
    conflicts: Sequence[Conflict] | None,
) -> tuple[Headline, ...]:
    """The headline of each quantity in view (`rows`, of all the file's rows `every`), the
    pre-crisis line dated by the whole file's first movement, so a view of the population
    alone still labels the pre-crisis figure. `conflicts` is None while the check runs.

    Kept per version of the file, view and state of the check: a rerun of the same view (a
    click on a chart setting) never chooses again; choosing took a second on 240 rows."""
    version = file_key(path)
    flags = list(conflicts or [])
    if version is None:
        return _choose(rows, every, vocabulary, flags)
    return _cached((version, filters, conflicts is not None), rows, every, vocabulary, flags)


def headline_html(
    found: Sequence[Headline],
    vocabulary: Vocabulary,
    *,
    flag_link: Callable[[str], str],
    css_class: str = "lead",
) -> str:
    """The table of these headlines (in the order given). `flag_link` gives each flag id's
    address: the dashboard with that flag highlighted."""
    body = []
    for headline, indented in zip(found, under_total(found), strict=True):
        cells = headline_cells(headline, vocabulary, vocabulary.side_labels())
        label = escape(cells.group if indented else cells.label)
        figure_class = "figure disputed" if cells.disputed else "figure"
        note = f' <span class="basis">({escape(cells.note)})</span>' if cells.note else ""
        flags = "".join(
            f'<a class="flag" href="{escape(flag_link(flag), quote=True)}" target="_self" '
            f'title="{escape(flag)}">⚑ {escape(FLAG_NAMES.get(flag.split(":")[0], "flag"))}</a>'
            for flag in cells.conflicts
        )
        row = [
            f'<td title="{escape(cells.label, quote=True)}">{label}</td>',
            f'<td class="{figure_class}" title="{escape(cells.figure, quote=True)}">'
            f"{escape(cells.figure)}{note}</td>",
            f'<td class="keep">{escape(cells.as_of)}</td>',
            f'<td title="{escape(cells.source, quote=True)}">{escape(cells.source)}</td>',
            f'<td class="wide small">{escape(cells.support)}</td>',
            f'<td class="wide small" title="{escape(cells.spread, quote=True)}">'
            f"{escape(cells.spread)}</td>",
            f"<td>{flags}</td>",
        ]
        group = ' class="group"' if indented else ""
        body.append(f"<tr{group}>{''.join(row)}</tr>")
    head = "".join(
        f'<th class="wide">{name}</th>' if name in COLUMNS[4:6] else f"<th>{name}</th>"
        for name in COLUMNS
    )
    return (
        f'<table class="{css_class}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def headline(
    found: Sequence[Headline],
    vocabulary: Vocabulary,
    *,
    flag_link: Callable[[str], str],
    limit: int = DASHBOARD_ROWS,
) -> None:
    """The dashboard's headline: the `limit` best-supported quantities, then the rest
    folded under "N more quantities" (an HTML <details>, built with the page: no widget)."""
    st.subheader("Headline")
    st.caption(
        "One figure per quantity: the latest that no flag doubts (a level: the latest "
        "estimates), with how many reporters give it and the range the others give; where "
        "the sides contradict each other it says so. The rule: docs/headline.md."
    )
    shown, rest = lead_headlines(found, limit)
    html = STYLE + headline_html(shown, vocabulary, flag_link=flag_link)
    if rest:
        html += (
            f'<details class="lead-more"><summary>{len(rest)} more '
            f"{'quantity' if len(rest) == 1 else 'quantities'}</summary>"
            f"{headline_html(rest, vocabulary, flag_link=flag_link)}</details>"
        )
    st.html(html)
