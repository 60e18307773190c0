"""The dashboard's first paint: the chart and the text around it first, the rest once the
browser says the chart is drawn.

A browser given the whole dashboard at once drew the chart about half a second later than
one given the chart and its text alone: the filters, the figures table, the downloads and
the validation report each load and run their own code in the browser (the table's grid
and the date picker are over a megabyte of it), and on a two-core machine that work
competed with drawing the chart (bench/bench_dashboard.py, issue 14). So a session's first
run of the dashboard sends the title, the headline, the conflicts, the chart controls and
the chart, and a small component in the page reports when the chart is drawn; that report
reruns the page, which then draws all of it. The report is kept in the session, so every
later run (a filter change, a click) draws the whole page at once.

The component reports after at most REPORT_AFTER_MS even if no chart shows, and at once when
the view has no chart: the rest of the page never waits on a chart that failed to draw.
The component's own element takes no room on the page (its key's class is hidden in the
dashboard's CSS). Where the component cannot run at all (Streamlit loads its script from a
blob: address, which a strict Content-Security-Policy forbids), a fragment that Streamlit
itself reruns after FALLBACK_S brings the rest of the page: it never stays half drawn.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import streamlit as st

from figures.ui.keys import CHART_DRAWN, FIRST_PAINT_SINCE, FIRST_PAINT_TIMED_OUT

# The longest the rest of the page waits for the chart; a chart takes well under a second.
REPORT_AFTER_MS = 4000
# When the page completes itself without the component's report (see above).
FALLBACK_S = 6.0
HIDDEN_CSS = f".st-key-{CHART_DRAWN} {{ display: none; }}"

# Polls with a timer rather than animation frames: a page opened in a background tab has no
# frames until it is shown, and its filters should still be there when it is.
_JS = """
export default function ({ data, setStateValue }) {
  if (data.reported) return;
  const started = performance.now();
  // An SVG with a mark, or a canvas with ink on it: a canvas exists, blank, before Vega
  // draws on it (big views are drawn on a canvas).
  const inked = (canvas) => {
    if (!canvas.width || !canvas.height) return false;
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 64) if (pixels[i] > 0) return true;
    return false;
  };
  const drawn = () => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .some((chart) => chart.querySelector('svg.marks [role="graphics-symbol"]')
      || [...chart.querySelectorAll("canvas")].some(inked));
  let timer = 0;
  const check = () => {
    if (!data.chart || drawn() || performance.now() - started > data.report_after_ms) {
      setStateValue("drawn", true);
    } else {
      timer = setTimeout(check, 40);
    }
  };
  check();
  return () => clearTimeout(timer);
}
"""

_REPORTER = st.components.v2.component("figures.chart_drawn", js=_JS)


def chart_drawn(chart: bool) -> bool:
    """Whether this session's browser has drawn the dashboard's chart (or has no chart to
    draw, or the wait is over): until then the page sends only what comes with the chart.
    `chart` says whether this run sends a chart at all; without one the browser reports at
    once."""
    state = st.session_state.get(CHART_DRAWN)  # the component's state, once it has one
    reported = isinstance(state, Mapping) and bool(state.get("drawn"))
    result = _REPORTER(
        key=CHART_DRAWN,
        data={"chart": chart, "reported": reported, "report_after_ms": REPORT_AFTER_MS},
        default={"drawn": False},
        on_drawn_change=lambda: None,  # the report reruns the page, nothing more
    )
    if result.drawn or st.session_state.get(FIRST_PAINT_TIMED_OUT):
        st.session_state.pop(FIRST_PAINT_SINCE, None)  # a later first paint waits afresh
        return True
    return False


@st.fragment(run_every=FALLBACK_S)
def complete_without_report() -> None:
    """Drawn with the first paint (only then), it writes nothing; Streamlit runs it again
    every FALLBACK_S while the page waits, and once FALLBACK_S have passed with no report it
    reruns the whole page, whole.

    A fragment is a container of its own: the page calls it in the sidebar, whose contents
    change with the first paint anyway. In the main column it moved every part after it
    down one place once the page was whole, and the browser briefly showed the old chart
    beside the new one."""
    since = st.session_state.setdefault(FIRST_PAINT_SINCE, time.monotonic())
    if time.monotonic() - since >= FALLBACK_S:
        st.session_state[FIRST_PAINT_TIMED_OUT] = True
        st.rerun(scope="app")
