"""The conflicts in view, most severe first: each with its sentence, its figures, their
sources and quotes, and a button that highlights it in the charts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from figures import charts
from figures.conflicts import Conflict
from figures.ui.keys import W_CONFLICT
from figures.ui.text import is_link, md
from figures.ui.url import clear_notices, conflict_id
from figures.wording import plural

# What the page lists in full (and offers to highlight); beyond this it says how many more
# there are. The first screen shows CONFLICTS_FIRST; the rest of those listed are a click away.
MAX_CONFLICTS_LISTED = 12
CONFLICTS_FIRST = 3
MAX_FIGURES_PER_CONFLICT = 12


def _highlight(conflict_key: str) -> None:
    st.session_state[W_CONFLICT] = conflict_key
    clear_notices()


def conflict_list(
    conflicts: Sequence[Conflict], all_rows: pd.DataFrame, chosen: str, ready: bool
) -> None:
    """The conflicts in view. A flag may name figures outside the view (the other side of a
    dispute), so their links and quotes come from all rows, not only those in view."""
    st.subheader("Where the reports disagree")
    if not ready:
        st.info("Still checking the figures for conflicts; the list appears when that is done.")
        return
    if not conflicts:
        st.info("No conflicting figures in this view.")
        return
    st.caption(
        f"{plural(len(conflicts), 'conflict')} in view, most severe first. "
        "Each is decided on all figures, so hiding one side never hides a dispute."
    )
    listed = list(conflicts[:MAX_CONFLICTS_LISTED])
    urls, quotes = _cited(listed, all_rows)
    for conflict in listed[:CONFLICTS_FIRST]:
        _conflict_box(conflict, chosen, urls, quotes)
    rest = listed[CONFLICTS_FIRST:]
    if rest:
        # The page's first screen is for the worst disagreements; the rest are a click away,
        # and built only once opened (a rerun), not on every rerun of the page.
        more = st.expander(
            f"{plural(len(rest), 'more conflict')}, by severity",
            key="more_conflicts",
            on_change="rerun",
        )
        if more.open:
            with more:
                for conflict in rest:
                    _conflict_box(conflict, chosen, urls, quotes)
    if len(conflicts) > MAX_CONFLICTS_LISTED:
        st.caption(
            f"Listing the {MAX_CONFLICTS_LISTED} most severe of {len(conflicts):,}; narrow the "
            "filters to see the others (the downloads hold every one)."
        )


def _cited(
    listed: Sequence[Conflict], all_rows: pd.DataFrame
) -> tuple[dict[int, str], dict[int, str]]:
    """Sources and quotes of the listed figures only, by line, looked up in one pass."""
    needed = {figure.line for conflict in listed for figure in conflict.figures}
    cited = all_rows.loc[all_rows["line"].isin(needed).to_numpy(), ["line", "url", "quote"]]
    cited_lines = cited["line"].to_numpy(np.int64).tolist()
    urls = dict(zip(cited_lines, cited["url"].to_numpy(dtype=object).tolist(), strict=True))
    quotes = dict(zip(cited_lines, cited["quote"].to_numpy(dtype=object).tolist(), strict=True))
    return urls, quotes


def _conflict_box(
    conflict: Conflict, chosen: str, urls: Mapping[int, str], quotes: Mapping[int, str]
) -> None:
    key = conflict_id(conflict)
    with st.container(border=True):
        head, button = st.columns([5, 1.3], vertical_alignment="center")
        head.markdown(
            f"**{conflict.severity_label.capitalize()} severity** · {md(conflict.title)} · "
            f"lines {', '.join(str(line) for line in conflict.lines)}"
        )
        if chosen == key:
            button.button(
                "Stop highlighting",
                key=f"unhighlight-{key}",
                on_click=_highlight,
                args=("",),
                width="stretch",
            )
        else:
            button.button(
                "Highlight in the chart",
                key=f"highlight-{key}",
                on_click=_highlight,
                args=(key,),
                width="stretch",
            )
        # The sentence and the figures in one block of text: one element, not two, per box.
        st.markdown(
            md(conflict.explanation) + "\n\n" + "\n".join(_figure_items(conflict, urls, quotes))
        )


def _figure_items(
    conflict: Conflict, urls: Mapping[int, str], quotes: Mapping[int, str]
) -> list[str]:
    """One Markdown list item per figure of the conflict, with its source and quote."""
    items = []
    # A big group of disagreeing figures can hold hundreds; the first dozen make the
    # point, and every line is still named.
    for figure in conflict.figures[:MAX_FIGURES_PER_CONFLICT]:
        url = str(urls.get(figure.line, "") or "")
        link = f" · [source]({url})" if is_link(url) else ""
        quote = quotes.get(figure.line)
        said = f" — “{md(charts.shorten(quote, 140))}”" if quote else ""
        # "(Outlet, published 25 Sep 2023)"; a reporter that is its own outlet is named once.
        where = [] if figure.outlet == figure.reported_by else [figure.outlet]
        where += [f"published {figure.published}"] if figure.published else []
        source = f" ({md(', '.join(where))})" if where else ""
        items.append(
            f"- line {figure.line}: **{md(figure.value)}** as of {md(figure.as_of)} — "
            f"{md(figure.reported_by)}{source}{link}{said}"
        )
    left_out = conflict.figures[MAX_FIGURES_PER_CONFLICT:]
    if left_out:
        lines = ", ".join(str(figure.line) for figure in left_out)
        items.append(f"- and {plural(len(left_out), 'more figure')}: lines {lines}")
    return items
