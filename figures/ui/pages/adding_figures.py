"""The analysts' guide page (`/adding-figures`, or `?view=adding-figures`): how to turn a
sentence in an article into a row, from docs/adding-figures.md."""

from __future__ import annotations

import streamlit as st

from figures.ui.text import GUIDE, GUIDE_TITLE


def adding_figures() -> None:
    st.set_page_config(page_title=GUIDE_TITLE, layout="centered")
    # The dashboard is the app's root: "./" from /adding-figures (a bare "?" would reload
    # this page, which now has a path of its own).
    st.markdown("[← Back to the dashboard](./)")
    if GUIDE.is_file():
        st.markdown(GUIDE.read_text(encoding="utf-8"))
    else:
        st.info("The analysts' guide (docs/adding-figures.md) has not been written yet.")
