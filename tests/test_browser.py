"""The dashboard in a real browser: `streamlit run` on a free loopback port, opened in Debian's
headless Chromium through Playwright.

Skipped with a reason where /usr/bin/chromium is absent, unless REQUIRE_BROWSER=1 (CI), where
that is a failure. Saves a full-page screenshot at 1280 pixels wide under artifacts/ and
prints its path, so a person can look at what a stakeholder sees.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_harness import (
    ARTIFACTS,
    DATA,
    chromium,
    copy_data,
    require_browser,
    streamlit_server,
)
from tests.support import SEED_FIGURES

pytestmark = pytest.mark.browser

TROOPS_SENTENCE = "put troops in Nagorno-Karabakh at about 10,000"
# What a chart has drawn: its size, and how many data marks are in it. Streamlit draws Vega as
# SVG, where each mark is an element; on a canvas, count non-white pixels instead. The key
# strip at the top (the chart part named "key") does not count: axes and the key
# alone must not pass for a drawn chart.
DRAWN = """(chart) => {
  const svg = chart.querySelector("svg.marks");
  if (svg) {
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll('g.role-mark [role="graphics-symbol"]')]
      .filter(mark => !mark.closest('g[class*="key_"]'));
    return {width: box.width, height: box.height, marks: marks.length};
  }
  const canvas = chart.querySelector("canvas");
  if (!canvas) return {width: 0, height: 0, marks: 0};
  const {data} = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200)) inked++;
  }
  const box = canvas.getBoundingClientRect();
  return {width: box.width, height: box.height, marks: inked > 2000 ? 1000 : 0};
}"""
# Streamlit scrolls its main block, not the document: this is the height of the whole page.
PAGE_HEIGHT = """() => Math.max(...["stMain", "stAppViewContainer", "stMainBlockContainer"]
  .map(id => document.querySelector(`[data-testid="${id}"]`))
  .filter(Boolean).map(element => element.scrollHeight))"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    folder = tmp_path_factory.mktemp("browser")
    data = folder / "figures.csv"
    shutil.copy(SEED_FIGURES, data)  # the 13 seed rows (tests/data/seed), a copy to append to
    with streamlit_server(data, folder / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def _wait_for_charts(page: Any, count: int = 1, marks: int = 13) -> list[Any]:
    """The charts, once each has drawn at least `marks` data marks (waiting on the page's
    state, never for a fixed time)."""
    charts = page.get_by_test_id("stVegaLiteChart")
    charts.nth(count - 1).wait_for(state="visible", timeout=60_000)
    found = [charts.nth(index) for index in range(charts.count())]
    for chart in found:
        page.wait_for_function(
            f"(el) => ({DRAWN})(el).marks >= {marks}", arg=chart.element_handle(), timeout=60_000
        )
    return found


def test_the_charts_draw_their_marks(page, server):
    page.goto(server)
    for name, title in (("Over time", "Reported figures over time"), ("By source", BY_SOURCE)):
        page.get_by_role("radio", name=name).click()
        # The chart, once it is the one chosen (its title is drawn in its SVG).
        page.wait_for_function(
            f"() => [...document.querySelectorAll('[data-testid=stVegaLiteChart] text')]"
            f".some(text => text.textContent === {title!r})",
            timeout=60_000,
        )
        charts = _wait_for_charts(page)
        assert len(charts) == 1, "one chart at a time"
        drawn = charts[0].evaluate(DRAWN)
        # Thirteen figures, plus bands, rings and lines: at least one mark per figure.
        assert drawn["width"] > 300 and drawn["height"] > 300 and drawn["marks"] >= 13, drawn
    assert "chart=by-source" in page.url, "a copied link reopens the chart chosen"


def test_the_conflict_list_shows_the_troops_conflict(page, server):
    page.goto(server)
    _wait_for_charts(page)
    sentence = page.get_by_text(TROOPS_SENTENCE)
    sentence.wait_for(state="visible", timeout=30_000)
    assert page.get_by_text("Figures that cannot both be true").first.is_visible()
    # The button's code is fetched the first time a button is drawn, which can be a moment
    # after the text around it shows.
    button = page.get_by_role("button", name="Highlight in the chart")
    button.first.wait_for(state="visible", timeout=30_000)
    assert button.count() == 1


BY_SOURCE = "Figures by source"
# The time axis's tick labels of the timeline's panels.
TIME_LABELS = """(chart) => [...chart.querySelectorAll('g[aria-label^="X-axis"] text')]
  .map(text => text.textContent)"""
# Where each figure's dot sits across its panel, 0 (left edge) to 1 (right edge).
DOT_PLACES = """(chart) => {
  const axis = chart.querySelector('g[aria-label^="X-axis"] .role-axis-domain line');
  const panel = axis.getBoundingClientRect();
  return [...chart.querySelectorAll('g.role-mark [role="graphics-symbol"]')]
    .filter(mark => (mark.getAttribute("aria-roledescription") || "").includes("point"))
    .filter(mark => !mark.closest('g[class*="key_"]'))
    .map(mark => {
      const box = mark.getBoundingClientRect();
      return (box.x + box.width / 2 - panel.x) / panel.width;
    });
}"""


def test_a_view_of_one_day_has_its_date_on_its_axis_and_its_figures_on_that_date(page, server):
    # All three troops figures describe 19 September; Armenia's two are both 0. The browser
    # once drew such a view with no time axis and every figure on the left edge, and drew no
    # tick at all while the tick values were numbers. The axis steps by day around the view's
    # day (docs/charts.md: even steps, the year under the first tick).
    page.goto(f"{server}/?metric=troops&affiliation=armenia")
    timeline = _wait_for_charts(page, marks=2)[0]
    labels = timeline.evaluate(TIME_LABELS)  # a label's lines run together ("17 Sep" "2023")
    assert labels == ["17 Sep2023", "18 Sep", "19 Sep", "20 Sep", "21 Sep"]
    places = timeline.evaluate(DOT_PLACES)
    assert places and all(0.3 < place < 0.7 for place in places), places


def test_a_shared_link_restores_its_filter(page, server):
    page.goto(f"{server}/?metric=troops")
    _wait_for_charts(page, marks=3)
    metric_filter = page.get_by_test_id("stMultiSelect").first
    assert "Troops" in metric_filter.inner_text()
    assert page.get_by_text(re.compile(r"Troops · 3 figures of 13")).count() == 1
    # Three figures, each drawn at least once in each chart, and nothing else.
    for chart in page.get_by_test_id("stVegaLiteChart").all():
        assert chart.evaluate(DRAWN)["marks"] < 30
    # The headline lists only troops, and the charts hold only its three figures.
    assert page.get_by_text("People who fled", exact=True).count() == 0
    assert page.get_by_text("Troops", exact=True).count() >= 1
    assert "metric=troops" in page.url


# The page at the moment its first chart has data marks: what else is there, and where.
AT_FIRST_CHART = """() => {
  const chart = document.querySelector('[data-testid="stVegaLiteChart"]');
  const svg = chart && chart.querySelector("svg.marks");
  if (!svg || !svg.querySelector('[role="graphics-symbol"]')) return null;
  const count = (id) => document.querySelectorAll(`[data-testid="${id}"]`).length;
  return {
    filters: count("stMultiSelect"), table: count("stDataFrame"),
    sidebarHeading: [...document.querySelectorAll('[data-testid="stSidebar"] h2')]
      .map(heading => heading.textContent),
  };
}"""


# The most charts the page has held at once since it opened.
COUNT_CHARTS = """window.mostCharts = 0;
new MutationObserver(() => {
  const count = document.querySelectorAll('[data-testid="stVegaLiteChart"]').length;
  window.mostCharts = Math.max(window.mostCharts, count);
}).observe(document, {childList: true, subtree: true});"""


def test_the_chart_comes_first_and_the_rest_follows_without_a_click(page, server):
    page.add_init_script(COUNT_CHARTS)
    page.goto(f"{server}/?metric=troops")
    # Polled on every frame: the state of the page when the chart first shows its figures.
    first = page.wait_for_function(AT_FIRST_CHART, timeout=60_000, polling="raf").json_value()
    # The chart did not wait for the filters and the table (figures/ui/first_paint.py); the
    # sidebar already had its heading, so the page does not jump when they come.
    assert first["filters"] == 0 and first["table"] == 0, first
    assert first["sidebarHeading"] == ["Filters"], first
    # The browser reports the chart drawn and the rest of the page follows, with the view the
    # link asked for.
    page.get_by_test_id("stDataFrame").wait_for(timeout=60_000)
    metric_filter = page.get_by_test_id("stMultiSelect").first
    assert "Troops" in metric_filter.inner_text()
    assert page.get_by_text(re.compile(r"Troops · 3 figures of 13")).count() == 1
    # The reporting component takes no room on the page, and the chart was never shown
    # twice while the page became whole (a part that moved the chart's place in the page
    # left the old chart showing beside the new one for a moment).
    assert page.locator(".st-key-chart_drawn").bounding_box() is None
    assert page.evaluate("window.mostCharts") == 1
    assert "metric=troops" in page.url


def test_where_the_reporting_component_cannot_load_the_page_still_completes(page, server):
    # Streamlit loads a component's script from a blob: address; a strict Content-Security-
    # Policy forbids that, as does this page, whose blob: addresses lead nowhere.
    page.add_init_script("URL.createObjectURL = () => 'blob:http://127.0.0.1/forbidden'")
    page.goto(f"{server}/?metric=troops")
    first = page.wait_for_function(AT_FIRST_CHART, timeout=60_000, polling="raf").json_value()
    assert first["filters"] == 0 and first["table"] == 0, first
    # No report ever comes: the page completes itself (figures/ui/first_paint.py FALLBACK_S).
    page.get_by_test_id("stDataFrame").wait_for(timeout=60_000)
    assert "Troops" in page.get_by_test_id("stMultiSelect").first.inner_text()


def test_the_guide_link_opens_the_guide_and_its_back_link_the_dashboard(page, server):
    page.goto(server)
    _wait_for_charts(page)
    guide = page.get_by_role("link", name="how to add or correct a figure")
    page.goto(guide.evaluate("link => link.href"))  # the link opens a new tab; follow it here
    # The guide's own heading, drawn after the back link: waited for, never assumed.
    page.get_by_role("heading", name="Adding figures").first.wait_for(timeout=60_000)
    back = page.get_by_role("link", name="← Back to the dashboard")
    assert back.is_visible()
    page.goto(back.evaluate("link => link.href"))
    assert len(_wait_for_charts(page)) == 1, "the back link leads to the dashboard"


def test_a_full_page_screenshot_for_people_to_look_at(page, server):
    page.goto(server)
    charts = _wait_for_charts(page)
    page.get_by_text(TROOPS_SENTENCE).wait_for(state="visible", timeout=30_000)
    # The whole page: the table comes once the browser has reported the chart drawn.
    page.get_by_test_id("stDataFrame").wait_for(timeout=60_000)
    ARTIFACTS.mkdir(exist_ok=True)
    first_screen = ARTIFACTS / "dashboard-1280x800.png"
    page.screenshot(path=str(first_screen))
    # A taller window shows the whole page at the same width.
    height = int(page.evaluate(PAGE_HEIGHT))
    page.set_viewport_size({"width": 1280, "height": max(800, height + 40)})
    for chart in charts:
        page.wait_for_function(f"(el) => ({DRAWN})(el).marks >= 13", arg=chart.element_handle())
    whole = ARTIFACTS / "dashboard-1280-full.png"
    page.screenshot(path=str(whole), full_page=True)
    print(f"dashboard screenshots: {first_screen} (first screen), {whole} (whole page)")
    assert whole.stat().st_size > 50_000


# ---------------------------------------------------------------------------------------------
# Real reporting (issue 14), at a desktop width and a phone's: what a person checks first in
# the screenshots. The file is browser_harness.DATA (FIGURES_BROWSER_DATA may point at another).

SCREENS = {"desktop": (1400, 900), "phone": (390, 844)}
# Where the page's parts are and what would run off the screen sideways.
LAYOUT = """() => {
  const box = (element) => element ? element.getBoundingClientRect() : null;
  const title = document.querySelector("h1");
  const lead = document.querySelector("table.lead");
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  const drawn = charts.map(chart => chart.querySelector("svg.marks, canvas")).filter(Boolean);
  const main = document.querySelector('[data-testid="stMain"]');
  const t = box(title);
  const hit = t && document.elementFromPoint(t.x + 20, t.y + t.height / 2);
  return {
    title: t && t.top, lead: box(lead) && box(lead).top,
    chart: charts.length ? box(charts[0]).top : null,
    titleOnTop: Boolean(hit && title.contains(hit)),
    documentWidth: document.documentElement.scrollWidth,
    mainWidth: main ? main.scrollWidth : 0,
    chartRight: Math.max(0, ...drawn.map(d => d.getBoundingClientRect().right)),
  };
}"""
# For each table, whether a row's figure, date and reporter are on screen (a phone's table
# keeps them): the headline's first row and the latest-per-side table's first row.
KEPT_CELLS = """() => {
  const shown = (cell) => Boolean(cell) && cell.getBoundingClientRect().width > 0
    && cell.textContent.trim().length > 0;
  const lead = document.querySelector("table.lead tbody tr");
  const side = document.querySelector("table.per-side tbody tr");
  return {
    lead: lead ? [".figure", ".keep", "td:nth-child(4)"].map(s => shown(lead.querySelector(s)))
      : [],
    perSide: side ? [3, 4, 6].map(n => shown(side.querySelector(`td:nth-child(${n})`))) : [],
  };
}"""


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    folder = tmp_path_factory.mktemp("real")
    with streamlit_server(copy_data(DATA, folder), folder / "server.log") as url:
        yield url


def _open_real(browser: Any, url: str, screen: str) -> Any:
    width, height = SCREENS[screen]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    page.locator("table.lead").first.wait_for(timeout=90_000)
    _wait_for_charts(page, marks=1)
    page.locator("table.per-side").first.wait_for(state="attached", timeout=90_000)
    page.evaluate("() => document.fonts.ready")
    return page


@pytest.mark.parametrize("screen", list(SCREENS))
def test_on_real_reporting_the_headline_comes_first_and_nothing_runs_off_the_side(
    browser, real_server, screen
):
    width, height = SCREENS[screen]
    page = _open_real(browser, real_server, screen)
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"dashboard-real-{width}x{height}.png"
        page.screenshot(path=str(shot))
        print(f"dashboard on {DATA}: {shot}")
        layout = page.evaluate(LAYOUT)
        # The title, then the headline, then the charts; the title is not under the sidebar.
        assert layout["title"] < layout["lead"] < layout["chart"], layout
        assert layout["titleOnTop"], "something (the sidebar?) covers the title"
        assert layout["lead"] < height, "the headline starts below the first screen"
        # Nothing wider than the screen: not the page, not Streamlit's scrolling main block.
        assert layout["documentWidth"] <= width, layout
        assert layout["mainWidth"] <= width, layout
        assert layout["chartRight"] <= width + 1, "a chart runs off the screen"
        kept = page.evaluate(KEPT_CELLS)
        assert kept["lead"] == [True, True, True], kept
        assert kept["perSide"] == [True, True, True], kept
    finally:
        page.close()
