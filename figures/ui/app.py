"""The app's pages and how a link reaches each: `streamlit run app.py` calls `main`.

Pages are routed with `st.navigation`; each is a plain function in figures/ui/pages/. The
navigation menu is hidden: the dashboard is the page people use, and its sidebar holds the
view's filters, as it did before the app had pages. The other pages are reached by links:
the guide from the sidebar and the add form, the briefing from a shared link.

Links made before the pages had paths of their own name the page in the query string
(`?view=briefing`, `?view=adding-figures`); they still open it, with the rest of the query
(the briefing's filters) kept, and the address bar then shows the page's own path.
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from figures.ui.pages.adding_figures import adding_figures
from figures.ui.pages.briefing import briefing
from figures.ui.pages.dashboard import dashboard
from figures.ui.text import BRIEFING_TITLE, GUIDE_TITLE, TITLE
from figures.ui.url import VIEW_KEY, query_mapping


def pages() -> list[StreamlitPage]:
    """Every page; the first is the default, served at the app's root."""
    return [
        st.Page(dashboard, title=TITLE, url_path="dashboard", default=True),
        st.Page(briefing, title=BRIEFING_TITLE, url_path="briefing"),
        st.Page(adding_figures, title=GUIDE_TITLE, url_path="adding-figures"),
    ]


def main() -> None:
    every = pages()
    page = st.navigation(every, position="hidden")
    view = st.query_params.get(VIEW_KEY, "")
    # `?view=` names a page by its path; an unknown name is ignored, as it always was.
    named = next((p for p in every if view and p.url_path == view), None)
    if named is not None and named is not page:
        rest = {key: values for key, values in query_mapping().items() if key != VIEW_KEY}
        st.switch_page(named, query_params=rest)
    page.run()
