"""An outsider's link on the dashboard, in a real browser (issue 18 item 4): a shared URL with
hostile values in every query key, and data cells holding links and images, put no link to
evil.example on the page and make the browser fetch nothing from it.

Runs like tests/test_browser.py (Debian's Chromium through Playwright; skipped without it
unless REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from tests.browser_harness import ROOT, chromium, require_browser, streamlit_server

pytestmark = pytest.mark.browser

LINK = "[The data moved: sign in here](https://evil.example/login)"
IMAGE = "![i](https://evil.example/q.png)"
BARE = "https://evil.example/x www.evil.example mail@evil.example"
KEYS = [
    *["metric", "group", "place", "affiliation", "reporter", "from", "to"],
    *["color", "log", "conflict"],
]
# A row whose text cells are links, images and bare addresses (line 15).
HOSTILE_ROW = (
    f'2023-09-26,fled,,,4000,,"{LINK}","{IMAGE}",armenia,"{BARE}",,,'
    f'"{IMAGE} {LINK}","{BARE} {IMAGE}"\n'
)
EVIL_ON_PAGE = """() => [...document.querySelectorAll('a[href], img[src], [srcset]')]
  .map(el => el.href || el.src || el.getAttribute('srcset'))
  .filter(value => /^[a-z]+:[/][/]([^/?#]*[.])?evil[.]example/i.test(value))"""


def _outside(url: str) -> bool:
    return (urlsplit(url).hostname or "").endswith("evil.example")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "figures.csv"
    shutil.copy(ROOT / "data" / "figures.csv", data)
    with data.open("a", encoding="utf-8") as handle:
        handle.write(HOSTILE_ROW)
    with streamlit_server(data, folder / "server.log") as url:
        yield url


@pytest.fixture
def page(server: str) -> Iterator[Any]:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        yield context.new_page()
        context.close()


def test_a_hostile_link_and_hostile_cells_put_no_outside_link_or_fetch_on_the_page(
    page: Any, server: str
) -> None:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    # Nothing may leave the machine anyway: a request there is recorded, then refused.
    page.route(
        "**/*",
        lambda route: route.abort() if _outside(route.request.url) else route.continue_(),
    )
    params = [(key, value) for key in KEYS for value in (LINK, IMAGE, BARE)]
    params += [(IMAGE, LINK), (LINK, IMAGE)]
    page.goto(f"{server}/?{urlencode(params)}")
    # The notices quote the hostile values: once they are drawn, so is the text around them.
    page.get_by_text("Ignored reporter=").first.wait_for(state="visible", timeout=60_000)
    page.get_by_test_id("stVegaLiteChart").first.wait_for(state="visible", timeout=60_000)
    page.get_by_text("sign in here", exact=False).first.wait_for(timeout=30_000)
    # Open the sections drawn only on request, so their text is on the page too.
    for name in ("Download these charts, the figures and a briefing note", "Add a figure"):
        page.get_by_text(name, exact=True).first.click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate(EVIL_ON_PAGE) == []
    assert [url for url in asked if _outside(url)] == []
