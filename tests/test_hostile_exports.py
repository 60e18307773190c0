"""Exports of hostile rows (issue 18): rows built in code, never checked, still give a Markdown
note with no raw HTML and no outsider's link or image, CSV and HXL with no formula and no
control character, a well-formed SVG and a PNG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from markdown_it import MarkdownIt
from marko.ext.gfm import gfm

from figures import exports
from figures.cells import link_target
from figures.conflicts import find_conflicts
from figures.filters import ViewFilters
from figures.validation import load_bytes, load_figures
from figures.vocabulary import load_vocabulary
from tests.support import VOCABULARY

ROOT_DATA = Path(__file__).resolve().parent.parent / "data"
# The shipped rows are drawn with the vocabularies beside them (data/), not the seed's.
SHIPPED_VOCABULARY = load_vocabulary(ROOT_DATA)

SMUGGLED_URL = (
    "https://a.example/>)[Click_me](javascript:alert(1))![px](https://evil.example/p1.png)"
)
HOSTILE_TEXT = {
    "reported_by": "<b>Ministry</b> [Click](javascript:alert(1)) https://evil.example/x",
    "outlet": '<img src="https://evil.example/o.png" onerror="alert(1)">',
    "place": "![px](https://evil.example/p2.png) www.evil.example",
    "quote": "<script>alert(1)</script> said a@evil.example",
    "notes": "&lt;b&gt; <iframe src=https://evil.example>",
}


def shipped_rows() -> pd.DataFrame:
    return load_figures(ROOT_DATA / "figures.csv").rows.copy()


def hostile_rows() -> pd.DataFrame:
    rows = shipped_rows()
    for name, text in HOSTILE_TEXT.items():
        rows[name] = text
    rows["url"] = SMUGGLED_URL
    return rows


class _Tags(HTMLParser):
    """Every tag of rendered HTML, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def rendered_tags(markdown: str) -> list[tuple[str, dict[str, str | None]]]:
    """The tags of the note as CommonMark and as GitHub's Markdown (autolinks on) render it."""
    tags = []
    for html in (MarkdownIt("commonmark").render(markdown), gfm.convert(markdown)):
        parser = _Tags()
        parser.feed(html)
        tags += parser.tags
    return tags


def note(rows: pd.DataFrame) -> str:
    conflicts = find_conflicts(rows, SHIPPED_VOCABULARY)
    return exports.briefing_markdown(rows, conflicts, ViewFilters(), SHIPPED_VOCABULARY)


def test_the_note_of_hostile_rows_has_no_raw_html_and_no_outsiders_link_or_image() -> None:
    text = note(hostile_rows())
    tags = rendered_tags(text)
    names = {name for name, _ in tags}
    # `code`: the note's own flag ids ("flagged: `contradiction:12:…`"), never a cell's text.
    assert names <= {"h1", "h2", "h3", "p", "ul", "li", "strong", "em", "br", "code"}, names
    for _, attributes in tags:
        assert not any(
            "evil.example" in str(v) or "javascript" in str(v) for v in attributes.values()
        )
    # Each code span is one of the note's flag ids, never a cell's text.
    spans = re.findall(r"(?<!\\)`([^`]*)`", text)
    assert all(re.fullmatch(r"[a-z-]+:[0-9]+:[0-9a-f]+", span) for span in spans), spans
    # Each hostile text is still there, as text a reader can see.
    assert "\\<b\\>Ministry\\</b\\>" in text


def test_a_url_that_passes_the_rule_is_a_link_percent_encoded() -> None:
    rows = shipped_rows()
    rows["url"] = "https://en.wikipedia.org/wiki/Lachin_(town)"
    text = note(rows)
    target = "https://en.wikipedia.org/wiki/Lachin_%28town%29"
    assert f"](<{target}>)" in text
    hrefs = [attrs.get("href") for name, attrs in rendered_tags(text) if name == "a"]
    assert hrefs and set(hrefs) == {target}


def test_link_target_is_none_for_what_the_rule_refuses() -> None:
    assert link_target(SMUGGLED_URL) is None
    assert link_target("javascript:alert(1)") is None
    assert link_target("https://hy.wikipedia.org/wiki/Ստեփանակերտ") == (
        "https://hy.wikipedia.org/wiki/%D5%8D%D5%BF%D5%A5%D6%83%D5%A1%D5%B6%D5%A1%D5%AF%D5%A5%D6%80%D5%BF"
    )
    assert link_target("http://[2001:db8::1]:8080/x%20y") == "http://[2001:db8::1]:8080/x%20y"


def test_a_line_break_in_text_cannot_start_a_new_block() -> None:
    rows = shipped_rows()
    rows["reported_by"] = "Someone\r---\r\n<div>x</div>\u2028# Heading"
    names = [name for name, _ in rendered_tags(note(rows))]
    assert {"hr", "div"}.isdisjoint(names)
    assert names.count("h1") == 2  # the note's own title, once per renderer


# ---------------------------------------------------------------------------------------------
# Control characters and formulas, in rows that never went through the checker.

CONTROL_TEXT = "Bad\x00Name\x1b\x07 \x7fend\ufffe"


def control_rows() -> pd.DataFrame:
    rows = shipped_rows()
    for name in ("reported_by", "outlet", "place", "quote", "notes"):
        rows[name] = rows[name] + CONTROL_TEXT
    return rows


@pytest.mark.parametrize("kind", ["timeline", "by-source"])
def test_images_of_rows_with_control_characters_render_and_the_svg_is_xml(kind) -> None:
    rows = control_rows()
    conflicts = find_conflicts(rows, SHIPPED_VOCABULARY)
    chart = exports.view_chart(kind, rows, conflicts, ViewFilters(), SHIPPED_VOCABULARY)
    svg = exports.chart_svg(chart)
    ET.fromstring(svg)  # raises on a character XML forbids
    assert "BadName end" in svg  # the text drawn, without its control characters
    assert exports.chart_png(chart).startswith(b"\x89PNG\r\n\x1a\n")


def test_tables_and_the_note_of_rows_with_control_characters_hold_none() -> None:
    rows = control_rows()
    forbidden = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\ufffe]")
    for data in (exports.figures_csv(rows), exports.figures_hxl(rows)):
        assert not forbidden.search(data.decode("utf-8"))
    assert not forbidden.search(note(rows))
    again = load_bytes(exports.figures_csv(rows), SHIPPED_VOCABULARY)
    assert again.errors == [] and len(again.rows) == len(rows)


def test_every_exported_cell_a_spreadsheet_would_run_is_escaped() -> None:
    rows = shipped_rows()
    rows["metric"] = '=HYPERLINK("https://evil.example","x")'
    rows["group"] = "+cmd|' /C calc'!A0"
    rows["affiliation"] = "@SUM(1)"
    rows["qualifier"] = "-1"
    for data in (exports.figures_csv(rows), exports.figures_hxl(rows)):
        cells = [cell for line in data.decode("utf-8-sig").splitlines() for cell in line.split(",")]
        assert not [cell for cell in cells if cell.lstrip('"').startswith(("=", "+", "-", "@"))]


def test_the_shipped_vocabulary_still_exports_unchanged() -> None:
    rows = shipped_rows()
    text = exports.figures_csv(rows).decode("utf-8-sig")
    assert "\n2023-09-24,evacuated,all,up_to,311," in text
    assert load_vocabulary().metrics.keys() == VOCABULARY.metrics.keys()
