"""The briefing view in a real browser: it draws both charts and fits a 1600x900 screenshot.

Starts `streamlit run app.py` on a free loopback port and opens `/?view=briefing` in Debian's
headless Chromium through Playwright. Skipped where /usr/bin/chromium is absent, unless
REQUIRE_BROWSER=1 (CI), where that is a failure. Screenshots go to artifacts/ (gitignored);
their paths are printed (`pytest -s` shows them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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

WIDTH, HEIGHT = 1600, 900
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_server(SEED_FIGURES, log) as url:  # the 13 seed rows (tests/data/seed)
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    with chromium() as launched:
        yield launched


# Streamlit's main scroll container, its app view, and the document itself: none may scroll.
SCROLL_SIZES = """() => {
  const sizes = {};
  for (const id of ["stMain", "stAppViewContainer"]) {
    const element = document.querySelector(`[data-testid="${id}"]`);
    if (element) sizes[id] = [element.scrollWidth, element.scrollHeight];
  }
  const root = document.scrollingElement || document.documentElement;
  sizes.document = [root.scrollWidth, root.scrollHeight];
  return sizes;
}"""

# Anything a person could click or type into, besides the charts themselves.
WIDGETS = (
    '[data-testid="stWidgetLabel"], [data-testid="stButton"], [data-testid="stDownloadButton"]'
)

# Both charts drawn: each Vega-Lite element holds a canvas or SVG with a size.
CHARTS_DRAWN = """() => {
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  return charts.length >= 2 && charts.every(chart => {
    const drawn = chart.querySelector("canvas, svg.marks");
    return drawn && drawn.getBoundingClientRect().height > 50;
  });
}"""


@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        ("all", "", ["All metrics", "Figures as reported up to 30 Sep 2023"]),
        ("troops", "&metric=troops", ["Troops", "Figures as reported up to 19 Sep 2023"]),
    ],
)
def test_the_briefing_view_fits_one_screen_without_scrolling(
    browser, server, name, query, expected
):
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})  # type: ignore[attr-defined]
    try:
        page.goto(f"{server}/?view=briefing{query}")
        # The footnote is drawn last, so the script has run to its end once it is there.
        page.locator(".briefing .foot").wait_for(timeout=60_000)
        page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
        page.evaluate("() => document.fonts.ready")
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"briefing-{name}-{WIDTH}x{HEIGHT}.png"
        page.screenshot(path=str(shot))
        print(f"briefing screenshot: {shot}")

        sizes = page.evaluate(SCROLL_SIZES)
        assert "stMain" in sizes, "Streamlit's main container was not found"
        for where, (width, height) in sizes.items():
            assert height <= HEIGHT, f"{where} is {height} px high: the view needs scrolling"
            assert width <= WIDTH, f"{where} is {width} px wide: the view needs scrolling"

        # The last thing on the page, the footnote, is inside the screenshot.
        bottom = page.locator(".briefing .foot").evaluate("e => e.getBoundingClientRect().bottom")
        assert bottom <= HEIGHT, f"the footnote ends at {bottom} px, below the screen"
        print(f"briefing {name}: content ends at {bottom:.0f} px of {HEIGHT}")

        assert not page.get_by_test_id("stSidebar").is_visible()
        assert not page.get_by_test_id("stHeader").is_visible()
        assert page.locator(WIDGETS).count() == 0, "the briefing view has no widgets"
        text = page.locator(".briefing").all_inner_texts()
        joined = " ".join(text)
        for words in expected:
            assert words in joined
        assert "Figures that cannot both be true" in joined
        assert (
            "Vagif Sadigov, Azerbaijan's Ambassador to the EU (Brussels Signal, 25 Sep 2023)"
            in (page.locator(".briefing .foot").inner_text())
        )
    finally:
        page.close()


# ---------------------------------------------------------------------------------------------
# Real reporting (issue 14): browser_harness.DATA, a file of hundreds of figures from dozens of
# reporters. The slide must still be one screen, and lead with the headline.

# Where the headline and the first chart start, and how far the page reaches.
BRIEFING_LAYOUT = """() => {
  const top = (selector) => {
    const element = document.querySelector(selector);
    return element ? element.getBoundingClientRect().top : null;
  };
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    title: top(".briefing .title"), lead: top("table.lead"),
    chart: top('[data-testid="stVegaLiteChart"]'),
    foot: document.querySelector(".briefing .foot").getBoundingClientRect().bottom,
    height: main.scrollHeight, width: main.scrollWidth,
    documentWidth: document.documentElement.scrollWidth,
  };
}"""
# Streamlit rounds its blocks' heights; a pixel or two past the screen is not a scroll bar.
TOLERANCE = 2


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    folder = tmp_path_factory.mktemp("real")
    with streamlit_server(copy_data(DATA, folder), folder / "server.log") as url:
        yield url


def test_on_real_reporting_the_briefing_is_one_screen_that_leads_with_the_headline(
    browser, real_server
):
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})  # type: ignore[attr-defined]
    try:
        page.goto(f"{real_server}/?view=briefing")
        page.locator(".briefing .foot").wait_for(timeout=90_000)
        page.wait_for_function(CHARTS_DRAWN, timeout=90_000)
        page.evaluate("() => document.fonts.ready")
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"briefing-real-{WIDTH}x{HEIGHT}.png"
        page.screenshot(path=str(shot))
        layout = page.evaluate(BRIEFING_LAYOUT)
        print(f"briefing on {DATA}: {shot}; {layout}")
        assert layout["title"] < layout["lead"] < layout["chart"], layout
        assert layout["height"] <= HEIGHT + TOLERANCE, f"{layout['height']} px: it scrolls"
        assert layout["foot"] <= HEIGHT + TOLERANCE, "the footnote is below the screen"
        assert max(layout["width"], layout["documentWidth"]) <= WIDTH, layout
        # What gave way is said on the slide: the quantities not shown are counted.
        more = page.locator(".briefing .lead-more")
        if more.count():
            assert re.search(r"\d+ more quantit", more.inner_text())
    finally:
        page.close()
