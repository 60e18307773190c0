"""Charts at real density (issue 14): one panel per quantity, a time axis on the crisis with
the figures outside it listed, colours that tell reporters and sides apart, sources that fit
three lines, and exports that are 16:9 slides."""

from __future__ import annotations

import colorsys
import datetime as dt
import io
import itertools
import math
import re
from pathlib import Path

import numpy as np
import pytest
import vl_convert
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from figures import charts, exports
from figures.exports import images
from figures.filters import ViewFilters
from figures.validation import load_figures
from figures.vocabulary import WHOLE_GROUP, Vocabulary, load_vocabulary
from tests.support import HEADER, VOCABULARY, load
from tests.test_charts import figures_data, marks_of, pairs_of, points_layer
from tests.test_exports import svg_lines, svg_size, svg_type

DAY = 86_400_000
SHIPPED = Path(__file__).resolve().parent.parent / "data" / "figures.csv"
times_strategy = st.lists(st.integers(0, 4_000).map(lambda day: day * DAY), min_size=1, max_size=80)


# ---------------------------------------------------------------------------------------------
# The dense span.


def _holds(times: list[int], span: tuple[int, int]) -> int:
    return sum(span[0] <= t <= span[1] for t in times)


@given(times_strategy)
def test_the_dense_span_holds_nine_tenths_and_no_shorter_span_does(times):
    low, high = charts.densest_span(np.array(times))
    needed = math.ceil(0.9 * len(times) - 1e-9)
    assert _holds(times, (low, high)) >= needed
    ordered = sorted(times)
    # Every span holding as many figures is at least as long (a shortest one starts and ends
    # on figures, so trying every pair of figures is exhaustive).
    for first in range(len(ordered)):
        last = first + needed - 1
        if last < len(ordered):
            assert ordered[last] - ordered[first] >= high - low


@given(times_strategy)
def test_the_axis_holds_every_figure_it_keeps_and_trims_only_to_at_least_halve_itself(times):
    span = charts.chart_span(np.array(times))
    inside = _holds(times, (span.start, span.end))
    assert inside >= math.ceil(0.9 * len(times) - 1e-9)
    if len(times) < 10:
        assert not span.trimmed and inside == len(times), "a small view is never trimmed"
    if span.trimmed:
        assert inside < len(times)
        # Trimmed only when the whole span, widened as the rule widens it, is more than
        # twice the axis.
        whole = max(times) - min(times)
        assert whole + 2 * max(2 * DAY, int(whole * 0.05)) > 2 * (span.end - span.start)
    else:
        assert inside == len(times)


@given(times_strategy, st.integers(0, 4_000))
def test_a_highlighted_figure_and_the_views_own_dates_are_always_on_the_axis(times, day):
    must = np.array([day * DAY])
    span = charts.chart_span(np.array([*times, day * DAY]), must_show=must)
    assert span.start <= day * DAY <= span.end
    start = dt.date(1970, 1, 1) + dt.timedelta(days=min(times) // DAY)
    chosen = charts.chart_span(np.array(times), dates=(start, None))
    assert not chosen.trimmed and _holds(times, (chosen.start, chosen.end)) == len(times)


@given(st.integers(0, 20_000), st.integers(1, 4_000), st.integers(2, 14))
def test_ticks_are_evenly_stepped_few_enough_and_name_the_year(start_day, days, most):
    start, end = start_day * DAY, (start_day + days) * DAY
    ticks = charts.time_ticks(start, end, most)
    assert 1 <= len(ticks.values) <= most
    assert all(start <= value <= end for value in ticks.values)
    if not ticks.monthly:
        assert len({b - a for a, b in itertools.pairwise(ticks.values)}) <= 1
    years = [dt.datetime.utcfromtimestamp(v / 1000).year for v in ticks.values]
    expected = [v for i, v in enumerate(ticks.values) if i == 0 or years[i] != years[i - 1]]
    assert ticks.with_year == expected


def census_and_crisis_rows() -> str:
    lines = [HEADER, "2015-12-31,population,,,145053,,Nagorno-Karabakh,Census,other,Stat,,,c,"]
    for index in range(30):
        day = dt.date(2023, 9, 19) + dt.timedelta(days=index % 12)
        lines.append(f"{day},arrived,,,{1000 * (index + 1)},,Armenia,Gov,armenia,Out,,,q,")
    lines.append("2023-12-22,killed,,,200,,Nagorno-Karabakh,Committee,armenia,Out,,,k,")
    return "\n".join(lines)


def test_figures_far_from_the_crisis_are_listed_under_the_chart_and_the_dates_bring_them_back():
    rows = load(census_and_crisis_rows()).rows
    spec = charts.timeline_chart(rows, [], VOCABULARY).to_dict()
    drawn = {row["line"] for row in figures_data(spec) if row["kind"] == "mark"}
    assert 2 not in drawn and 33 not in drawn, "the 2015 census and the December toll"
    low, high = points_layer(spec)["encoding"]["x"]["scale"]["domain"]
    assert "2023-09-1" in low and "2023-10" in high
    facet = next(part for part in spec["vconcat"] if "facet" in part)
    note = " ".join(facet["title"]["text"])
    assert note.startswith("Not shown: 2 figures outside ")
    assert "31 Dec 2015 population 145,053 (Census)" in note
    assert "22 Dec 2023 people killed 200 (Committee)" in note
    assert note.endswith("set the dates in the filters to see them.")
    dated = charts.timeline_chart(rows, [], VOCABULARY, dates=(dt.date(2015, 1, 1), None))
    assert {2, 33} <= set(marks_of(dated.to_dict()))
    assert "Not shown" not in str(dated.to_dict().get("vconcat"))


def test_tick_labels_carry_the_year_so_no_two_read_alike():
    rows = load(census_and_crisis_rows()).rows
    chart = charts.timeline_chart(rows, [], VOCABULARY)
    texts = svg_lines(vl_convert.vegalite_to_svg(chart.to_json(), allowed_base_urls=[]))
    labels = [t for t in texts if re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", t)]
    # One panel (arrivals: the census and the December toll are off the axis), its ticks
    # each named once, the year under the first.
    assert labels and texts.count("2023") >= 1
    assert len(set(labels)) == len(labels) // texts.count("2023"), "no label repeats in a panel"
    years = charts.time_ticks(0, 3_000 * DAY, 6)
    assert years.yearly and "'%Y')" in charts.tick_label_expression(years)


# ---------------------------------------------------------------------------------------------
# One panel per quantity.


def test_each_place_is_a_panel_of_its_own_titled_with_its_most_common_spelling():
    vocabulary = Vocabulary(
        metrics=VOCABULARY.metrics,
        groups=VOCABULARY.groups,
        places={"nagorny karabakh": "nagorno karabakh"},
    )
    text = "\n".join(
        [
            HEADER,
            "2023-09-25,killed,,,200,,Nagorno-Karabakh,A,armenia,Out,,,a,",
            "2023-09-26,killed,,,190,,nagorno karabakh,B,azerbaijan,Out,,,b,",
            "2023-09-26,killed,,,180,,Nagorny Karabakh,C,russia,Out,,,c,",
            "2023-09-25,killed,,,68,,Fuel depot near Stepanakert,A,armenia,Out,,,d,",
            "2023-09-26,killed,civilians,,25,,Nagorno-Karabakh,A,armenia,Out,,,e,",
        ]
    )
    rows = load(text).rows
    spec = charts.timeline_chart(rows, [], vocabulary).to_dict()
    facet = next(part for part in spec["vconcat"] if "facet" in part)
    assert facet["facet"]["row"]["sort"] == [
        "People killed · Fuel depot near Stepanakert",
        "People killed · Nagorno-Karabakh",
        "People killed — Civilians · Nagorno-Karabakh",
    ]
    panel = {line: row["panel_title"] for line, row in marks_of(spec).items()}
    assert panel[2] == panel[3] == panel[4] == "People killed · Nagorno-Karabakh"
    assert panel[5] != panel[2] and panel[6] != panel[2]


def test_no_conflict_line_crosses_from_one_place_to_another():
    text = "\n".join(
        [
            HEADER,
            "2023-09-25,killed,,,200,,Nagorno-Karabakh,A,armenia,Out,,,a,",
            "2023-09-25,killed,,,20,,Fuel depot,B,azerbaijan,Out,,,b,",
        ]
    )
    rows = load(text).rows
    from figures.conflicts import find_conflicts

    flags = find_conflicts(rows, VOCABULARY)
    spec = charts.timeline_chart(rows, flags, VOCABULARY).to_dict()
    assert pairs_of(spec) == set()


def test_more_panels_than_fit_say_how_many_are_not_shown_and_which_filter_shows_them():
    lines = [HEADER]
    for index in range(15):
        lines.append(f"2023-09-25,killed,,,{index + 1},,Place {index},R,armenia,Out,,,q,")
    spec = charts.timeline_chart(load("\n".join(lines)).rows, [], VOCABULARY).to_dict()
    note = " ".join(spec["title"]["subtitle"])
    assert f"Showing {charts.MAX_PANELS} of 15 metric panels" in note
    assert f"see the other {15 - charts.MAX_PANELS}" in note and "place" in note


# ---------------------------------------------------------------------------------------------
# Colours.


def legend_colours(spec: dict) -> dict[str, str]:
    scale = points_layer(spec)["encoding"]["color"]["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))


@given(st.lists(st.integers(1, 40), min_size=1, max_size=40))
def test_no_two_reporters_in_a_chart_share_a_colour(figures_per_reporter):
    counts = {f"R{index:02d}": count for index, count in enumerate(figures_per_reporter)}
    colours = charts.chart_palette(counts)
    hued = [name for name in counts if colours[name] != charts.OTHER_REPORTERS_GREY]
    assert len({colours[name] for name in hued}) == len(hued) == min(len(counts), 10)
    # The reporters with the most figures keep a hue.
    if len(counts) > 10:
        fewest_hued = min(counts[name] for name in hued)
        assert all(counts[name] <= fewest_hued for name in counts if name not in hued)


def test_a_chart_of_many_reporters_names_other_reporters_once_in_grey():
    lines = [HEADER]
    for index in range(14):
        for repeat in range(14 - index):
            lines.append(
                f"2023-09-{20 + repeat % 5},arrived,,,{100 * index + repeat},,Armenia,"
                f"Reporter {index:02d},armenia,Out,,,q,"
            )
    spec = charts.timeline_chart(load("\n".join(lines)).rows, [], VOCABULARY).to_dict()
    colours = legend_colours(spec)
    assert list(colours)[-1] == charts.OTHER_REPORTERS
    assert len(colours) == 11 and len(set(colours.values())) == 11
    assert {f"Reporter {index:02d}" for index in range(10)} == set(list(colours)[:-1])
    assert points_layer(spec)["encoding"]["color"]["field"] == "colour"


def test_the_shipped_file_draws_every_reporter_in_a_colour_of_its_own():
    rows = load_figures(SHIPPED).rows
    for build in (charts.timeline_chart, charts.by_source_chart):
        colours = legend_colours(build(rows, [], VOCABULARY).to_dict())
        assert len(set(colours.values())) == len(colours)


def _hue(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hsv(red, green, blue)[0] * 360


def test_sides_get_clearly_different_hues_and_a_given_mapping_comes_first():
    # No colours given (a new crisis' sides.csv without any): the fallback hues are distinct.
    palette = charts.side_palette(["a", "b", "c", "d", "e", "f", "other"])
    chromatic = [colour for side, colour in palette.items() if side != "other"]
    assert len(set(palette.values())) == len(palette)
    blues = [colour for colour in chromatic if 185 <= _hue(colour) <= 250]
    assert len(blues) == 1, f"one blue at most: {blues}"
    hues = sorted(_hue(colour) for colour in chromatic)
    assert min(b - a for a, b in itertools.pairwise(hues)) >= 10
    given_colours = {"armenia": "#E69F00", "militia": "#123456"}
    mixed = charts.side_palette(["armenia", "azerbaijan", "militia", "un"], given_colours)
    assert mixed["armenia"] == "#E69F00" and mixed["militia"] == "#123456"
    assert len(set(mixed.values())) == 4, "a side whose colour was given away gets another"
    shipped = charts.side_palette(list(VOCABULARY.sides), VOCABULARY.side_colours())
    assert len(set(shipped.values())) == len(shipped)


# ---------------------------------------------------------------------------------------------
# Sources and slides.


def test_the_source_line_stays_within_three_lines_at_the_charts_width():
    lines = [HEADER]
    for index in range(60):
        lines.append(
            f"2023-09-2{index % 8},arrived,,,{100 + index},,Armenia,"
            f"A reporter with a long official title number {index},armenia,Outlet {index},,,q,"
        )
    rows = load("\n".join(lines)).rows
    data = charts.prepare(rows, [], VOCABULARY)
    spec = charts.timeline_spec(rows, [], VOCABULARY, prepared=data, width=680)
    sources = charts.drawn_sources(data)
    framed = charts.for_the_page(spec, dated="All", sources=sources, width=680)
    bare = charts.for_the_page(spec, dated="All", sources=sources[:1], width=680)
    svg = vl_convert.vegalite_to_svg(charts.to_altair(framed).to_json(), allowed_base_urls=[])
    footnote = [line for line, size in svg_type(svg).items() if size == "11px"]
    assert footnote[0].startswith("Sources: ") and len(footnote) == charts.MAX_SOURCE_LINES
    assert footnote[-1].endswith("more: the CSV export lists every source.")
    bare_svg = vl_convert.vegalite_to_svg(charts.to_altair(bare).to_json(), allowed_base_urls=[])
    assert svg_size(svg)[0] == svg_size(bare_svg)[0], "the footnote never widens the chart"


def test_sources_name_each_reporter_once_with_the_outlets_that_relayed_it():
    text = "\n".join(
        [HEADER]
        + [f"2023-09-2{i},fled,,,{1000 * i},,NK,Gov,armenia,Outlet {i},,,q," for i in range(5)]
        + ["2023-09-25,fled,,,900,,NK,UN,un,Reuters,,,q,", "2023-09-25,fled,,,9,,NK,X,un,X,,,q,"]
    )
    data = charts.prepare(load(text).rows, [], VOCABULARY)
    assert charts.drawn_sources(data) == ["Gov (via 5 outlets)", "UN (Reuters)", "X"]


def test_an_exported_chart_is_a_16_by_9_slide_that_says_when_panels_are_left_out():
    lines = [HEADER]
    for index in range(7):
        for day in range(19, 30):
            lines.append(f"2023-09-{day},killed,,,{day + index},,Place {index},R{day % 3},"
                         "armenia,Out,,,q,")  # fmt: skip
    rows = load("\n".join(lines)).rows
    for kind in exports.CHART_KINDS:
        framed = exports.view_chart(kind, rows, [], ViewFilters(), VOCABULARY)
        svg = exports.chart_svg(framed)
        assert svg_size(svg) == (960, 540)
        texts = " ".join(svg_lines(svg))
        assert f"Showing {exports.SLIDE_PANELS} of 7 metric panels" in texts
        with Image.open(io.BytesIO(exports.chart_png(framed, scale=2))) as image:
            assert image.size == (1920, 1080)
    assert WHOLE_GROUP == "all"


def test_a_panel_of_more_reporters_than_a_slide_holds_keeps_those_with_most_figures():
    # One quantity given by 40 reporters: 40 rows do not fit 540 px with the text round them.
    lines = [HEADER]
    for index in range(40):
        for day in range(20, 20 + (3 if index < 5 else 1)):
            lines.append(f"2023-09-{day},fled,,,{1000 + index},,Armenia,Reporter {index:02d},"
                         "armenia,Out,,,q,")  # fmt: skip
    framed = exports.view_chart("by-source", load("\n".join(lines)).rows, [], ViewFilters(),
                                VOCABULARY)  # fmt: skip
    svg = exports.chart_svg(framed)
    assert svg_size(svg) == (960, 540)
    texts = svg_lines(svg)
    shown = re.search(r"Showing (\d+) of the 40 reporters in this panel", " ".join(texts))
    assert shown, texts
    # The five reporters with three figures each are among those kept.
    assert all(f"Reporter {index:02d}" in texts for index in range(5))
    # A row per reporter kept: its name alone on the axis (the sources line names them too).
    rows = [text for text in texts if re.fullmatch(r"Reporter \d\d", text)]
    assert len(rows) == int(shown.group(1)), rows


def test_a_panel_left_alone_after_a_wrong_guess_is_cut_to_the_reporters_that_fit(monkeypatch):
    # Two places of 40 reporters each. The height the export guesses before measuring is an
    # estimate; where it wrongly said two panels fit, the measured slide was too tall, one
    # panel was dropped, and the panel left was drawn whole: 40 rows, taller than a slide.
    real_guess = images._by_source_height
    monkeypatch.setattr(
        images, "_by_source_height", lambda data: 0 if len(data.panels) > 1 else real_guess(data)
    )
    lines = [HEADER]
    for place, index in itertools.product(("Armenia", "Goris"), range(40)):
        lines.append(f"2023-09-20,fled,,,{1000 + index},,{place},Reporter {index:02d},"
                     "armenia,Out,,,q,")  # fmt: skip
    rows = load("\n".join(lines)).rows
    svg = exports.chart_svg(exports.view_chart("by-source", rows, [], ViewFilters(), VOCABULARY))
    assert svg_size(svg) == (960, 540)
    texts = " ".join(svg_lines(svg))
    assert re.search(r"Showing \d+ of the 40 reporters in this panel", texts), texts


@pytest.mark.parametrize("kind", exports.CHART_KINDS)
def test_every_metric_of_the_shipped_file_exports_as_exactly_one_slide(kind):
    # Real views, whose text round the panels can grow as the panels shrink: the injured
    # timeline came out 4 px too tall before the slide was measured once more.
    rows = load_figures(SHIPPED).rows
    vocabulary = load_vocabulary(SHIPPED.parent)
    for metric in sorted(set(rows["metric"])):
        filters = ViewFilters(metrics=(metric,))
        svg = exports.chart_svg(exports.view_chart(kind, rows, [], filters, vocabulary))
        assert svg_size(svg) == (960, 540), metric
