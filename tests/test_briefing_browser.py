"""The briefing view in a real browser: it draws both charts and fits a 1600x900 screenshot.

Starts `streamlit run app.py` on a free loopback port and opens `/?view=briefing` in Debian's
headless Chromium through Playwright. Skipped where /usr/bin/chromium is absent, unless
REQUIRE_BROWSER=1 (CI), where that is a failure. Screenshots go to artifacts/ (gitignored);
their paths are printed (`pytest -s` shows them).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
WIDTH, HEIGHT = 1600, 900
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The dashboard owns the routing of ?view=briefing (figures/ui.py); until it calls
# render_briefing the page at that address is not the briefing view.
ROUTED = "render_briefing" in (ROOT / "figures" / "ui.py").read_text(encoding="utf-8")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xfail(
        not ROUTED,
        reason="figures/ui.py does not route ?view=briefing to render_briefing yet",
        strict=True,
    ),
]


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is absent; install Debian's chromium to run the browser tests"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (REQUIRE_BROWSER=1)")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_browser()
    port = _free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py"]
    command += ["--server.headless", "true", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    environment = {**os.environ, "FIGURES_DATA": str(ROOT / "data" / "figures.csv")}
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer within 60 s:\n{log_path.read_text()}")
            # Waiting on the process, not sleeping: it also notices a server that died.
            try:
                process.wait(timeout=0.25)
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log_path.read_text()}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
