"""Names in `st.session_state`, in one place: the URL, the sidebar and the chart controls
read and write the same widget state."""

from __future__ import annotations

from figures.filters import MULTI_KEYS

# The filter widgets, by query key ("metric" -> "f_metric").
FILTER_WIDGETS = {key: f"f_{key}" for key in MULTI_KEYS}
W_DATES, W_COLOR, W_LOG, W_CONFLICT = "f_dates", "f_color", "f_log", "f_conflict"
W_CHART = "f_chart"
W_TABLE_PAGE = "table_page"
# The browser's report that the dashboard's chart is drawn (figures/ui/first_paint.py).
CHART_DRAWN = "chart_drawn"
# When the first paint began, and whether it gave up waiting for that report.
FIRST_PAINT_SINCE, FIRST_PAINT_TIMED_OUT = "_first_paint_since", "_first_paint_timed_out"
# Page state that is not a widget's.
URL_READ, NOTICES, DATES_EXTENT = "_url_read", "_url_notices", "_dates_extent"
PENDING_CONFLICT = "_url_conflict"
TABLE_VIEW = "_table_view"
SERVER_SECONDS = "_server_seconds"
