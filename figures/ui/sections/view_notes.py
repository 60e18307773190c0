"""The line naming the view under the title, the URL's notices, and the state of the
conflict check."""

from __future__ import annotations

import streamlit as st

from figures.filters import describe_filters
from figures.ui.keys import NOTICES
from figures.ui.text import md
from figures.ui.view import View
from figures.wording import plural


def view_notes(view: View, total: int, ready: bool, engine_error: BaseException | None) -> None:
    """The line naming the view (of `total` figures in the file), the URL's notices, and the
    state of the conflict check (`ready` once the flags are known)."""
    st.caption(
        f"**View:** {md(describe_filters(view.filters, view.vocabulary))} · "
        f"{plural(len(view.rows), 'figure')} of {total:,} · "
        + (plural(len(view.conflicts), "conflict") if ready else "conflicts being checked")
    )
    for notice in st.session_state.get(NOTICES, []):
        # A notice quotes the address bar, which anyone who shares a link writes.
        st.warning(md(notice))
    if engine_error is not None:
        st.error(
            "The conflict check failed, so no conflicts are marked: "
            f"{md(type(engine_error).__name__)}: {md(engine_error)}"
        )
    elif not ready:
        st.info(
            f"Checking {total:,} figures for conflicts. The charts below do not mark "
            "conflicts yet; the page completes itself when the check is done."
        )
