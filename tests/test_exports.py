"""Exports: CSV and HXL read back to the same rows, the note names every conflict and source,
and framed images carry their title, as-of line and sources."""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import altair as alt
import pandas as pd
import pytest
from PIL import Image

from figures import charts, exports
from figures.conflicts import find_conflicts
from figures.contract import COLUMNS
from figures.filters import ViewFilters, apply_filters, conflicts_in_view
from figures.validation import load_bytes, load_figures
from figures.vocabulary import load_vocabulary
from tests.support import SEED_FIGURES

DATA = SEED_FIGURES  # the seed rows, frozen (tests/data/seed)
VOCABULARY = load_vocabulary(SEED_FIGURES.parent)
ROWS = load_figures(DATA).rows
CONFLICTS = find_conflicts(ROWS, VOCABULARY)
# Written here, not imported, so a wrong pattern in the module cannot pass its own test:
# a hashtag, then attributes, each a letter followed by letters, digits or underscores.
HXL_TAG = re.compile(r"^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$", re.IGNORECASE)

HEADER = ",".join(COLUMNS)
# Text a spreadsheet would run: stored behind the loader's apostrophe, or (as a careless
# editor might leave it) bare; both load as the text itself.
FORMULA_ROWS = (
    HEADER
    + "\n"
    + "2023-09-20,fled,,,10,,Nagorno-Karabakh,'+Reporter,media,'@outlet,2023-09-21,,"
    + '\'=HYPERLINK("http://x.example";"click"),\'-3 not counted\n'
    + '2023-09-21T14:30,fled,,about,20,,,Wire,media,Wire,,https://example.org/a,"=1+1",\n'
    # Text that itself starts with an apostrophe before "=": stored with one more.
    + "2023-09-22,fled,,,30,,,Wire,media,Wire,,,words,''=not a formula\n"
)


def comparable(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows without their file line numbers, in export order, for comparing contents."""
    ordered = rows.sort_values(["as_of", "line"], kind="stable")
    return ordered.drop(columns="line").reset_index(drop=True)


def cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def loaded(text: str) -> pd.DataFrame:
    result = load_bytes(text.encode(), VOCABULARY)
    assert not result.errors, result.errors
    return result.rows


# ---------------------------------------------------------------------------------------------
# CSV and HXL


def test_the_csv_round_trips_through_the_loader_to_equal_rows():
    data = exports.figures_csv(ROWS)
    back = load_bytes(data, VOCABULARY)
    assert back.errors == []
    pd.testing.assert_frame_equal(comparable(back.rows), comparable(ROWS))
    assert cells(data)[0] == list(COLUMNS)


def test_the_csv_writes_values_the_way_the_contract_does():
    rows = loaded(FORMULA_ROWS)
    written = {row[COLUMNS.index("value")]: row for row in cells(exports.figures_csv(rows))[1:]}
    timed = written["20"]
    assert timed[COLUMNS.index("as_of")] == "2023-09-21T14:30"
    assert timed[COLUMNS.index("qualifier")] == "about"
    assert written["10"][COLUMNS.index("as_of")] == "2023-09-20"
    assert written["10"][COLUMNS.index("published")] == "2023-09-21"


def test_formula_text_is_neutralised_in_csv_and_hxl_and_loads_back_as_written():
    rows = loaded(FORMULA_ROWS)
    assert list(rows["quote"]) == ['=HYPERLINK("http://x.example";"click")', "=1+1", "words"]
    assert list(rows["notes"])[2] == "'=not a formula"
    for data, skip in ((exports.figures_csv(rows), 1), (exports.figures_hxl(rows), 2)):
        table = cells(data)
        body = table[skip:]
        for name in ("quote", "reported_by", "outlet", "notes"):
            column = [row[COLUMNS.index(name)] for row in body]
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in column), column
        assert [row[COLUMNS.index("quote")] for row in body] == [
            '\'=HYPERLINK("http://x.example";"click")',
            "'=1+1",
            "words",
        ]
        assert body[2][COLUMNS.index("notes")] == "''=not a formula"
        # Without its tag row an HXL file is the contract CSV, so the loader reads it too.
        plain = b"".join(line for i, line in enumerate(data.splitlines(True)) if i != skip - 1)
        back = load_bytes(plain if skip == 2 else data, VOCABULARY)
        assert back.errors == []
        pd.testing.assert_frame_equal(comparable(back.rows), comparable(rows))


def test_the_hxl_tag_row_has_one_valid_tag_per_column_and_the_rows_line_up():
    table = cells(exports.figures_hxl(ROWS))
    header, tags, *body = table
    assert header == list(COLUMNS)
    assert len(tags) == len(header)
    assert all(HXL_TAG.match(tag) for tag in tags), tags
    tag_of = dict(zip(header, tags, strict=True))
    assert tag_of["as_of"] == "#date"
    assert tag_of["published"].startswith("#date+")
    assert tag_of["reported_by"] == "#meta+source"
    assert tag_of["url"] == "#meta+url"
    assert tag_of["value"].endswith("+num") and tag_of["value_high"].endswith("+num")
    assert len(set(tags)) == len(tags), "two columns with one tag could not be told apart"
    assert len(body) == len(ROWS)
    assert all(len(row) == len(header) for row in body)
    # The data rows under the tags are the CSV's rows, cell for cell.
    assert body == cells(exports.figures_csv(ROWS))[1:]
    for row in body:
        assert re.match(r"^\d{4}-\d{2}-\d{2}", row[header.index("as_of")])
        assert row[header.index("value")].isdigit()


def test_exports_are_sorted_so_row_order_in_the_file_does_not_matter():
    shuffled = ROWS.sample(frac=1, random_state=7)
    assert exports.figures_csv(shuffled) == exports.figures_csv(ROWS)
    assert exports.figures_hxl(shuffled) == exports.figures_hxl(ROWS)
    assert exports.briefing_markdown(
        shuffled, CONFLICTS, ViewFilters(), VOCABULARY
    ) == exports.briefing_markdown(ROWS, CONFLICTS, ViewFilters(), VOCABULARY)


def test_an_empty_view_exports_a_header_only():
    empty = apply_filters(ROWS, ViewFilters(metrics=("killed",)))
    assert cells(exports.figures_csv(empty)) == [list(COLUMNS)]
    assert len(cells(exports.figures_hxl(empty))) == 2


# ---------------------------------------------------------------------------------------------
# The Markdown note


@pytest.mark.parametrize("filters", [ViewFilters(), ViewFilters(metrics=("troops",))])
def test_the_note_lists_every_conflict_sentence_and_every_source_in_view(filters):
    note = exports.briefing_markdown(ROWS, CONFLICTS, filters, VOCABULARY)
    in_view = apply_filters(ROWS, filters)
    flags = conflicts_in_view(CONFLICTS, in_view)
    assert flags, "the shipped data has the troops conflict in both views"
    for flag in flags:
        assert exports.markdown_text(flag.explanation) in note
    for reporter in set(in_view["reported_by"]):
        assert exports.markdown_text(reporter) in note
    sources = note.split("## Sources", 1)[1]
    assert sources.count("\n- ") == len(exports.sources_in(in_view))
    assert "Figures as reported up to" in note


def test_the_note_of_the_troops_view_names_only_its_sources_and_dates():
    note = exports.briefing_markdown(ROWS, CONFLICTS, ViewFilters(metrics=("troops",)), VOCABULARY)
    assert "**Troops**" in note
    assert "Figures as reported up to 19 Sep 2023." in note
    assert "Government of Armenia (TASS, 28 Sep 2023)" in note
    assert "Ministry of Foreign Affairs of Armenia (19 Sep 2023)" in note
    assert "TASS (28 Sep 2023)" not in note.replace("Armenia (TASS, 28 Sep 2023)", "")
    assert "People who fled" not in note
    assert "**about 10,000**" in note


def test_the_note_headlines_each_sides_latest_figure():
    note = exports.briefing_markdown(ROWS, CONFLICTS, ViewFilters(), VOCABULARY)
    fled = note.split("### People who fled", 1)[1].split("###", 1)[0]
    assert "Armenia: **more than 100,000**" in fled
    assert "Media: **up to 3,000**" in fled
    assert "Figures as reported up to 30 Sep 2023." in note


def test_the_note_shows_markup_in_names_literally():
    rows = loaded(
        HEADER + "\n2023-09-20,fled,,,10,,,*Star* [x](javascript:y),media,Outlet_A,,,words,\n"
    )
    note = exports.briefing_markdown(rows, [], ViewFilters(), VOCABULARY)
    assert r"\*Star\* \[x\](javascript:y)" in note
    assert "[x](javascript" not in note.replace(r"\[x\](javascript", "")
    assert "No conflicting figures in this view." in note


# ---------------------------------------------------------------------------------------------
# Framed images


def small_chart() -> dict[str, Any]:
    """A small chart's spec, its data a DataFrame as the charts' specs carry theirs, with a
    setting of its own the theme does not say (the theme's axis labels are 12 px)."""
    frame = pd.DataFrame({"day": ["2023-09-19", "2023-09-30"], "value": [3, 5]})
    return {
        "datasets": {"points": frame},
        "data": {"name": "points"},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "day", "type": "temporal"},
            "y": {"field": "value", "type": "quantitative"},
        },
        "width": 420,
        "height": 200,
        "config": {"axis": {"labelFontSize": 14}},  # top-level config must survive the framing
    }


SOURCES = [source.label for source in exports.sources_in(ROWS)]


def svg_lines(svg: str) -> list[str]:
    """Every line of text drawn in an SVG (a <text> or one of its <tspan> lines), decoded."""
    root = ET.fromstring(svg)
    return [html.unescape(node.text) for node in root.iter() if node.text and node.text.strip()]


def svg_size(svg: str) -> tuple[float, float]:
    root = ET.fromstring(svg)
    return float(root.get("width", 0)), float(root.get("height", 0))


@pytest.fixture(scope="module")
def framed() -> alt.TopLevelMixin:
    return charts.to_altair(
        charts.frame(
            small_chart(),
            title="Reported figures by date",
            subtitle_lines=["All metrics", "Figures as reported up to 30 Sep 2023"],
            sources=SOURCES,
        )
    )


def test_the_svg_draws_the_title_the_as_of_line_and_its_sources_in_three_lines(framed):
    lines = svg_lines(exports.chart_svg(framed))
    assert "Reported figures by date" in lines
    assert "Figures as reported up to 30 Sep 2023" in lines
    start = next(i for i, line in enumerate(lines) if line.startswith("Sources: "))
    footnote = lines[start : start + charts.MAX_SOURCE_LINES + 1]
    # Each source shown whole on one drawn line (a name split across lines is hard to read
    # or find), the rest counted, within three lines.
    shown = [label for label in SOURCES if any(label in line for line in footnote)]
    more = re.search(r"(\d+) more: the CSV export lists every source", " ".join(footnote))
    assert more and len(shown) + int(more.group(1)) == len(SOURCES)
    assert "the CSV export lists every source" in footnote[charts.MAX_SOURCE_LINES - 1]


def test_the_png_is_twice_the_charts_size(framed):
    width, height = svg_size(exports.chart_svg(framed))
    image = Image.open(io.BytesIO(exports.chart_png(framed, scale=2)))
    image.load()
    assert image.format == "PNG"
    assert image.size == (round(2 * width), round(2 * height))
    assert width > 420 and height > 200, "the frame adds title and footnote around the chart"


def test_images_are_deterministic(framed):
    assert exports.chart_svg(framed) == exports.chart_svg(framed)
    assert exports.chart_png(framed) == exports.chart_png(framed)


def test_framing_keeps_the_charts_own_settings():
    framed = charts.frame(
        small_chart(), title="T", subtitle_lines=["S"], sources=["A (B, 1 Oct 2023)"]
    )
    spec = charts.to_altair(framed).to_dict()
    assert spec["config"]["axis"]["labelFontSize"] == 14
    # The rest of the theme still types the frame: a chart's own config adds to it.
    assert spec["config"]["title"]["fontSize"] == charts.THEME["title"]["fontSize"]
    assert spec["config"]["axis"]["labelColor"] == charts.THEME["axis"]["labelColor"]
    assert spec["title"]["text"] == "T"


def test_footnote_lines_keep_each_source_whole_within_three_lines_and_count_the_rest():
    labels = [f"Reporter number {i} of a long list (via {i} outlets)" for i in range(60)]
    for width in (300, 600, 1200):
        lines = charts.footnote_lines(labels, width)
        assert len(lines) <= charts.MAX_SOURCE_LINES
        joined = " ".join(lines)
        shown = [label for label in labels if any(f"{label};" in line for line in lines)]
        assert shown == labels[: len(shown)], "the first sources, each whole on a line"
        assert f"{len(labels) - len(shown)} more: the CSV export lists every source." in joined
    wide = charts.footnote_lines(labels, 1200)
    assert all(len(line) <= 1200 / 5.2 for line in wide), "a line fits the chart's width"
    assert charts.footnote_lines(labels[:2], 1200) == [f"Sources: {labels[0]}; {labels[1]}."]
    assert charts.footnote_lines([], 600) == ["Sources: none (no figures in this view)."]


def test_file_names_follow_the_view():
    assert exports.export_filename(ViewFilters(), "timeline", "png") == "figures_all_timeline.png"
    view = ViewFilters(metrics=("troops",), reporters=("Nikol Pashinyan, Prime Minister",))
    name = exports.export_filename(view, "", "hxl.csv")
    assert name == "figures_troops_nikol-pashinyan.hxl.csv"
    assert re.fullmatch(r"[a-z0-9_.\-]+", name)


def test_the_note_names_in_its_sources_the_other_side_a_conflict_sentence_names():
    armenian = ViewFilters(affiliations=("armenia",))
    note = exports.briefing_markdown(ROWS, CONFLICTS, armenian, VOCABULARY)
    sources = note.split("## Sources", 1)[1]
    # Sadigov's figure is outside the view, but the troops sentence names him.
    assert "Vagif Sadigov" in note.split("## Conflicting figures", 1)[1].split("## Sources")[0]
    assert "- Vagif Sadigov, Azerbaijan's Ambassador to the EU (Brussels Signal, 25 Sep 2023)" in (
        sources
    )


def test_a_screen_sized_chart_keeps_the_disputed_panels_and_names_the_rest():
    panels = exports.panels_to_chart(ROWS, CONFLICTS, VOCABULARY, 3)
    assert panels.shown == (
        "People who fled · Nagorno-Karabakh",
        "People who arrived · Armenia",
        "Troops · Nagorno-Karabakh",
    )
    assert "People evacuated (Children) · Nagorno-Karabakh" in panels.left_out
    assert "People who arrived · Goris" in panels.left_out, "one panel per place"
    assert len(panels.shown) + len(panels.left_out) == 10
    assert set(panels.rows["metric"]) == {"fled", "arrived", "troops"}
    assert set(panels.rows["place"]) == {"Nagorno-Karabakh", "Armenia"}
    everything = exports.panels_to_chart(ROWS, CONFLICTS, VOCABULARY, 20)
    assert everything.left_out == () and len(everything.rows) == len(ROWS)


def test_a_dashboard_chart_framed_for_a_briefing_draws_its_view_and_sources():
    troops = ViewFilters(metrics=("troops",))
    framed = exports.view_chart("by-source", ROWS, CONFLICTS, troops, VOCABULARY)
    svg = exports.chart_svg(framed)
    lines = svg_lines(svg)
    assert "Reported figures by source" in lines
    assert "Troops" in lines
    assert any(line.startswith("Figures as reported up to 19 Sep 2023") for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("Sources: "))
    footnote = " ".join(lines[start : start + charts.MAX_SOURCE_LINES])
    for reporter in set(apply_filters(ROWS, troops)["reported_by"]):
        assert reporter in footnote, reporter
    assert not any("Pashinyan" in line for line in lines)
    # A slide: 16:9, 1920 x 1080 at the exports' scale.
    assert svg_size(svg) == exports.SLIDE_SIZE
    with Image.open(io.BytesIO(exports.chart_png(framed))) as image:
        assert image.size == (1920, 1080)


def svg_type(svg: str) -> dict[str, str]:
    """Each line of text drawn in an SVG, and the size of its type ('18px')."""
    sizes: dict[str, str] = {}

    def walk(node: ET.Element, size: str) -> None:
        size = node.get("font-size", size)
        if node.text and node.text.strip():
            sizes.setdefault(html.unescape(node.text), size)
        for child in node:
            walk(child, size)

    walk(ET.fromstring(svg), "")
    return sizes


def frame_type(svg: str, subtitle_start: str) -> tuple[str, str, str]:
    """The type of a framed chart's title, of its subtitle line starting `subtitle_start`, and
    of its footnote."""
    sizes = svg_type(svg)
    subtitle = next(size for line, size in sizes.items() if line.startswith(subtitle_start))
    footnote = next(size for line, size in sizes.items() if line.startswith("Sources: "))
    return sizes["Reported figures over time"], subtitle, footnote


def test_the_page_and_the_image_frame_a_chart_in_the_same_type():
    troops = ViewFilters(metrics=("troops",))
    in_view = apply_filters(ROWS, troops)
    flags = conflicts_in_view(CONFLICTS, in_view)
    spec = charts.timeline_spec(in_view, flags, VOCABULARY, width=680)
    page = charts.for_the_page(
        spec,
        dated="Troops · figures as reported up to 19 Sep 2023",
        sources=[source.label for source in exports.sources_in(in_view)],
        width=680,
    )
    page_svg = exports.chart_svg(charts.to_altair(page))
    image_svg = exports.chart_svg(
        exports.view_chart("timeline", ROWS, CONFLICTS, troops, VOCABULARY)
    )
    # The exported images' sizes are the one truth: an 18 px title, 12 px subtitle lines and
    # an 11 px footnote, on the page too; every word in the theme's one font.
    assert frame_type(page_svg, "Troops · figures") == ("18px", "12px", "11px")
    assert frame_type(image_svg, "Figures as reported up to") == ("18px", "12px", "11px")
    for svg in (page_svg, image_svg):
        fonts = {node.get("font-family") for node in ET.fromstring(svg).iter()} - {None}
        assert fonts == {charts.THEME["font"]}


# ---------------------------------------------------------------------------------------------
# Download buttons on the dashboard


class _Recorder:
    """Stands in for `streamlit` in figures.ui.sections.downloads: records each download button."""

    def __init__(self) -> None:
        self.buttons: list[dict[str, Any]] = []

    def columns(self, count: int) -> list[_Recorder]:
        return [self] * count

    def download_button(self, label: str, data: Any, **options: Any) -> bool:
        self.buttons.append({"label": label, "data": data, **options})
        return False


def test_download_buttons_build_nothing_until_pressed_and_name_files_by_view(monkeypatch):
    from figures.ui.sections import downloads as ui_downloads

    built: list[str] = []
    real_png, real_svg = exports.chart_png, exports.chart_svg
    monkeypatch.setattr(
        exports, "chart_png", lambda *a, **k: built.append("png") or real_png(*a, **k)
    )
    monkeypatch.setattr(
        exports, "chart_svg", lambda *a, **k: built.append("svg") or real_svg(*a, **k)
    )
    recorder = _Recorder()
    monkeypatch.setattr(ui_downloads, "st", recorder)
    view = ViewFilters(metrics=("troops",))
    in_view = apply_filters(ROWS, view)
    ui_downloads.render_downloads(in_view, conflicts_in_view(CONFLICTS, in_view), view, VOCABULARY)
    assert built == [], "rendering the page must not render images"
    names = [button["file_name"] for button in recorder.buttons]
    assert names == [
        "figures_troops_timeline.png",
        "figures_troops_timeline.svg",
        "figures_troops_by-source.png",
        "figures_troops_by-source.svg",
        "figures_troops.csv",
        "figures_troops.hxl.csv",
        "figures_troops_briefing.md",
    ]
    assert all(callable(button["data"]) for button in recorder.buttons)
    files: dict[str, bytes] = {b["file_name"]: b["data"]() for b in recorder.buttons}
    assert built == ["png", "svg", "png", "svg"]
    with Image.open(io.BytesIO(files["figures_troops_timeline.png"])) as image:
        width, height = svg_size(files["figures_troops_timeline.svg"].decode())
        assert image.size == (round(2 * width), round(2 * height))
    assert files["figures_troops.csv"] == exports.figures_csv(in_view)
    assert files["figures_troops.hxl.csv"] == exports.figures_hxl(in_view)
    note = files["figures_troops_briefing.md"].decode()
    assert note == exports.briefing_markdown(in_view, CONFLICTS, view, VOCABULARY)


@pytest.mark.integration
def test_streamlit_accepts_the_download_buttons_as_deferred_files():
    from streamlit.testing.v1 import AppTest

    def page(root: str, data: str) -> None:
        import sys

        sys.path.insert(0, root)  # AppTest runs the page as a script from a temporary file
        from figures.conflicts import find_conflicts
        from figures.filters import ViewFilters, apply_filters, conflicts_in_view
        from figures.ui.sections.downloads import render_downloads
        from figures.validation import load_figures
        from figures.vocabulary import load_vocabulary

        rows = load_figures(data).rows
        vocabulary = load_vocabulary()
        view = ViewFilters(metrics=("troops",))
        in_view = apply_filters(rows, view)
        flags = conflicts_in_view(find_conflicts(rows, vocabulary), in_view)
        render_downloads(
            in_view, flags, view, vocabulary, reporters=sorted(set(rows["reported_by"]))
        )

    root = str(DATA.parent.parent)
    at = AppTest.from_function(page, args=(root, str(DATA)), default_timeout=60)
    at.run()
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 7
    # A deferred file id means Streamlit holds the callable and builds the file on a click.
    assert all(button.proto.deferred_file_id for button in buttons)
