"""The dashboard's first paint (figures/ui/first_paint.py), run with AppTest: until the browser
reports its chart drawn, a session's page is the text above the chart, the controls and the
chart; the report brings the rest, with the view the link asked for. What a real browser does
with it is in test_browser.py."""

from __future__ import annotations

import json
import time
from concurrent.futures import Future
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import figures.ui.pages.dashboard as dashboard
from figures.ui.first_paint import FALLBACK_S, REPORT_AFTER_MS
from figures.ui.keys import CHART_DRAWN, FIRST_PAINT_SINCE
from tests.support import VOCABULARY, app_test


def _first_run(**params: str) -> AppTest:
    """A session's first run, as a browser that has not drawn a chart yet gets it."""
    at = app_test(**params)
    del at.session_state[CHART_DRAWN]
    return at.run()


def _report(at: AppTest) -> AppTest:
    """What the browser sends once its chart is drawn: the component's state, and a rerun."""
    at.session_state[CHART_DRAWN] = {"drawn": True}
    return at.run()


def _asked(at: AppTest) -> dict[str, Any]:
    """What this run asks the browser to report (the component's data)."""
    (reporter,) = at.get("bidi_component")
    return json.loads(reporter.proto.json)


def _chart_titles(at: AppTest) -> list[str]:
    return [json.loads(chart.proto.spec)["title"]["text"] for chart in at.get("vega_lite_chart")]


def test_the_first_run_sends_the_chart_and_the_text_above_it_and_no_more(data_file):
    at = _first_run()
    assert not at.exception
    assert _chart_titles(at) == ["Reported figures over time"]
    assert [title.value for title in at.title] == [VOCABULARY.about.title]
    assert 'table class="lead' in " ".join(str(html.proto.body) for html in at.get("html"))
    # The chart's controls come in the same run as the chart, not with the rest.
    assert [control.label for control in at.get("button_group")][:1] == ["Chart"]
    # The filters, the table, the downloads and the form wait for the browser's report.
    assert not at.multiselect and not at.date_input and not at.dataframe
    assert not [expander for expander in at.expander if "Download" in expander.label]
    assert [header.value for header in at.sidebar.get("header")] == ["Filters"]
    assert "as soon as the chart is drawn" in at.sidebar.caption[0].value
    assert _asked(at) == {"chart": True, "reported": False, "report_after_ms": REPORT_AFTER_MS}


def test_the_report_brings_the_whole_page_with_the_linked_view(data_file):
    at = _first_run(metric="troops")
    first_chart = at.get("vega_lite_chart")[0].proto.spec
    at = _report(at)
    assert not at.exception
    # The view the link asked for is kept through the first paint: in the filter, the chart
    # and the table.
    assert at.multiselect(key="f_metric").value == ["troops"]
    assert at.get("vega_lite_chart")[0].proto.spec == first_chart
    assert sorted(at.dataframe[0].value["Line"]) == [12, 13, 14]
    assert any("Download" in expander.label for expander in at.expander)
    # (AppTest gives a single value bare.)
    assert at.query_params["metric"] in ("troops", ["troops"])
    # Once reported, the component asks for nothing more, and later runs draw everything.
    assert _asked(at)["reported"] is True
    at.multiselect(key="f_metric").set_value(["troops", "fled"]).run()
    assert at.multiselect(key="f_metric").value == ["troops", "fled"]
    assert at.dataframe and at.multiselect


def test_without_a_report_the_page_completes_itself_after_the_fallback_time(data_file):
    # The browser never reports (its component could not load). Until FALLBACK_S have
    # passed, reruns of the fallback part keep the first paint; then the page is whole.
    at = _first_run(metric="troops")
    assert not at.multiselect
    at.run()  # a rerun before the time is up (Streamlit reruns the part every FALLBACK_S)
    assert not at.multiselect and not at.dataframe
    at.session_state[FIRST_PAINT_SINCE] = time.monotonic() - FALLBACK_S - 1
    at.run()
    assert not at.exception
    assert at.multiselect(key="f_metric").value == ["troops"]
    assert sorted(at.dataframe[0].value["Line"]) == [12, 13, 14]


def test_a_view_without_a_chart_asks_for_no_wait(data_file):
    at = _first_run(metric="troops", affiliation="russia")
    assert not at.exception
    assert not at.get("vega_lite_chart")
    assert _asked(at)["chart"] is False
    assert not at.multiselect
    at = _report(at)
    assert at.multiselect(key="f_affiliation").value == ["russia"]


@pytest.mark.parametrize(
    ("small_file_rows", "waits"), [(10_000, dashboard.CONFLICT_WAIT_S), (1, 0)]
)
def test_only_a_small_files_page_waits_for_the_conflict_engine(
    data_file, monkeypatch, small_file_rows, waits
):
    # The engine has started (a visitor before this one) and has not finished: a small
    # file's flags come within the wait; a big file's take seconds, and waiting for them
    # only delayed the chart, so its page draws at once and runs again when they are done.
    monkeypatch.setattr(dashboard, "SMALL_FILE_ROWS", small_file_rows)
    running: Future[Any] = Future()
    monkeypatch.setattr(dashboard, "flags_started", lambda path: True)
    monkeypatch.setattr(dashboard, "flags_future", lambda path: running)
    waited: list[float] = []

    def wait(future: Future[Any] | None, seconds: float) -> tuple[None, None]:
        assert future is running
        waited.append(seconds)
        return None, None

    monkeypatch.setattr(dashboard, "wait_for_flags", wait)
    finished: list[Future[Any]] = []
    monkeypatch.setattr(dashboard, "finish_when_flagged", finished.append)
    at = app_test().run()
    assert not at.exception
    assert waited == [waits]
    # Drawn without flags, and set to run again once the engine is done.
    assert at.get("vega_lite_chart") and finished == [running]
