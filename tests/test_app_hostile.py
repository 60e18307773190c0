"""Hostile text on the dashboard, run with AppTest (issue 18 items 3 and 4).

A shared link writes the query string and a data file is typed by many hands: neither may put
a link or an image on the page (Streamlit renders Markdown), and the table, which Streamlit
lets every viewer download as CSV or copy into a spreadsheet, must be as safe as the exports.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from figures.ui.text import md
from tests.support import SEED_FIGURES, app_test

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "figures.csv"
LINK = "[The data moved: sign in here](https://evil.example/login)"
IMAGE = "![i](https://evil.example/q.png)"
BARE = "https://evil.example/x www.evil.example mail@evil.example"
HOSTILE = [LINK, IMAGE, BARE]
QUERY_KEYS = [
    *["metric", "group", "place", "affiliation", "reporter", "from", "to"],
    *["chart", "color", "log", "conflict", "view"],
]
# Proto fields that hold data for charts and tables, not text Streamlit renders as Markdown.
DATA_FIELDS = {"data", "spec", "datasets", "arrowData", "columns", "styler", "vegaLiteChart"}
# An address at evil.example that Markdown would turn into a link or an image. Escapes do not
# count: GFM finds bare addresses in the text after resolving them ("https\\://evil\\.example"
# is a link), so the check reads the text as Markdown shows it.
LIVE = re.compile(r"(?i)(?:[a-z]+://|www\.|@)(?:[-\w]+\.)*evil\.example")


def _as_shown(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.fixture
def data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "figures.csv"
    shutil.copy(SHIPPED, target)
    monkeypatch.setenv("FIGURES_DATA", str(target))
    return target


def _strings(value: Any, key: str = "") -> list[str]:
    if key in DATA_FIELDS:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for k, v in value.items() for text in _strings(v, k)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item, key)]
    return []


def rendered_texts(at: AppTest) -> list[str]:
    """Every text of every element on the page (bodies, labels, help texts, options,
    placeholders), except the data of tables and charts."""
    found: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.extend(_strings(MessageToDict(proto)))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def test_no_query_value_or_key_puts_a_link_or_an_image_on_the_page(data_file: Path) -> None:
    at = app_test()
    for key in QUERY_KEYS:
        at.query_params[key] = HOSTILE
    at.query_params[IMAGE] = LINK
    at.query_params[LINK] = IMAGE
    at = at.run()
    assert not at.exception
    texts = rendered_texts(at)
    live = [text for text in texts if LIVE.search(_as_shown(text))]
    assert live == []
    # The values are on the page, as text: the check above looked at the right place.
    notices = "\n".join(str(warning.value) for warning in at.warning)
    assert md(LINK) in notices and md(IMAGE) in notices
    assert "Ignored reporter\\=" in notices


def test_md_leaves_no_markdown_to_read() -> None:
    for text in [*HOSTILE, "*bold* _it_ `code` $x$ :red[x] :material/home: <b>x</b> ~~s~~"]:
        # Every character Markdown gives a meaning is preceded by a backslash, so Markdown
        # shows each as itself: with the escaped pairs taken out, none is left.
        bare = re.sub(r"\\.", "", md(text))
        assert not set(bare) & set("\\`*_{}[]()<>#+-.!|~$:=&"), bare


def _with_formulas(path: Path) -> None:
    row = (
        '2023-09-26,fled,,,7,,"@SUM(A1:A9)",'
        '"\'=HYPERLINK(""https://evil.example"",""x"")",armenia,'
        '"+cmd|\' /C calc\'!A0",,https://example.org/a,"-2+3","=1+1"\n'
    )
    with path.open("a", encoding="utf-8") as handle:
        handle.write(row)


def test_the_tables_cells_are_as_safe_as_the_csv_export(data_file: Path) -> None:
    # The 13 seed rows and the formula row as line 15: all on the table's first page (latest
    # first, 100 rows a page), which the grown shipped file would push the row off.
    shutil.copy(SEED_FIGURES, data_file)
    _with_formulas(data_file)
    at = app_test().run()
    assert not at.exception
    table = at.dataframe[0].value
    added = table[table["Line"] == 15].iloc[0]
    # What Streamlit's "Download as CSV" and a copy would hand over: no cell a spreadsheet runs.
    assert added["Place"] == "'@SUM(A1:A9)"
    assert added["Reported by"] == '\'=HYPERLINK("https://evil.example","x")'
    assert added["Outlet"] == "'+cmd|' /C calc'!A0"
    assert added["Quote"] == "'-2+3"
    assert added["Notes"] == "'=1+1"
    for name in table.columns:
        cells = [cell for cell in table[name] if isinstance(cell, str)]
        assert not [cell for cell in cells if cell.startswith(tuple("=+-@"))], name
