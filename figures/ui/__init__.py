"""The Streamlit app: the only part of `figures` that imports Streamlit.

- `app.py`: the pages, routed with `st.navigation`, and the old `?view=` links to them.
- `pages/`: one plain function per page: the dashboard, the briefing, the analysts' guide.
- `sections/`: the parts of the dashboard (headline, conflict list, charts, downloads,
  figures table, validation report, add form, sidebar), each drawn by its own module.
- `state.py`: where the data is, loading it once per version of the file, the conflict job.
- `first_paint.py`: a session's first dashboard run sends the chart and the text above it;
  the browser's report that the chart is drawn brings the rest.
- `url.py`: the view in the query string; `keys.py`: names in session state;
  `view.py`: the view the dashboard's sections draw; `text.py`: the page's words.

`streamlit run app.py` (at the repository's root) calls `main`.
"""

from figures.ui.app import main
from figures.ui.keys import SERVER_SECONDS
from figures.ui.pages.dashboard import server_seconds
from figures.ui.state import data_path

__all__ = ["SERVER_SECONDS", "data_path", "main", "server_seconds"]
