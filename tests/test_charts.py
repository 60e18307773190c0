"""The charts, read through their Vega-Lite specs (`chart.to_dict()`): what each figure is
drawn as, where conflicts are marked, which colour a reporter gets, and how much data a chart
may carry. Rows are built from small CSV texts, so each test reads like an example."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import xml.etree.ElementTree as ET
from typing import Any

import pandas as pd
import pytest
import vl_convert

from figures import charts
from figures.conflicts import find_conflicts
from figures.filters import conflicts_in_view
from figures.validation import load_figures
from tests.support import HEADER, SEED_FIGURES, VOCABULARY, load

SHIPPED = SEED_FIGURES  # the seed rows, frozen (tests/data/seed)

# One figure per qualifier, each its own metric so each gets a panel of its own.
QUALIFIER_ROWS = "\n".join(
    [
        HEADER,
        "2023-09-25,arrived,,,2900,,Armenia,A,armenia,Out,2023-09-25,,exact,",  # line 2
        "2023-09-25,population,,about,120000,,NK,B,armenia,Out,2023-09-25,,about,",  # 3
        "2023-09-25,fled,,more_than,100000,,NK,C,armenia,Out,2023-09-25,,more,",  # 4
        "2023-09-25,killed,,at_least,200,,NK,D,azerbaijan,Out,2023-09-25,,least,",  # 5
        "2023-09-25,evacuated,,up_to,311,,NK,E,russia,Out,2023-09-25,,upto,",  # 6
        "2023-09-25,injured,,less_than,400,,NK,F,un,Out,2023-09-25,,less,",  # 7
        "2023-09-25,detained,,range,5,6,NK,G,azerbaijan,Out,2023-09-25,,range,",  # 8
    ]
)


def shipped() -> tuple[pd.DataFrame, list]:
    rows = load_figures(SHIPPED).rows
    return rows, find_conflicts(rows, VOCABULARY)


def figures_data(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the chart's figures table (marks and conflict pairs)."""
    tables = [
        values
        for values in spec["datasets"].values()
        if values and "kind" in values[0] and "panel_title" in values[0]
    ]
    assert len(tables) == 1, "one table holds every figure of a chart"
    return tables[0]


def marks_of(spec: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {row["line"]: row for row in figures_data(spec) if row["kind"] == "mark"}


def pairs_of(spec: dict[str, Any]) -> set[tuple[int, int]]:
    return {(row["line"], row["line2"]) for row in figures_data(spec) if row["kind"] == "pair"}


def panel_layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    facet = next(part for part in spec["vconcat"] if "facet" in part)
    return facet["spec"]["layer"]


def layer_for(spec: dict[str, Any], test: str) -> dict[str, Any]:
    """The layer whose filter mentions `test` (e.g. "datum.form === 'lower'")."""
    found = [
        layer
        for layer in panel_layers(spec)
        if any(test in str(step.get("filter", "")) for step in layer.get("transform", []))
    ]
    assert len(found) >= 1, f"no layer filters on {test}"
    return found[-1]


def mark(layer: dict[str, Any]) -> dict[str, Any]:
    return layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}


def points_layer(spec: dict[str, Any]) -> dict[str, Any]:
    """The one layer that draws every figure's point (exact, about, more/less than)."""
    return layer_for(spec, charts.POINTS_FILTER)


def bars_layer(spec: dict[str, Any]) -> dict[str, Any]:
    """The one layer that draws the bars: the about band and the range."""
    return layer_for(spec, charts.BARS_FILTER)


def looks(layer: dict[str, Any], channel: str) -> dict[str, Any]:
    """What a channel of a layer draws for each form (or look), from its scale."""
    scale = layer["encoding"][channel]["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))


def shapes(spec: dict[str, Any]) -> dict[str, str]:
    return looks(points_layer(spec), "shape")


def embedded_rows(spec: dict[str, Any]) -> int:
    """Rows embedded in a chart's datasets: what a browser receives."""
    return sum(len(values) for values in spec.get("datasets", {}).values())


# ---------------------------------------------------------------------------------------------
# Palettes.


def test_a_reporters_colour_depends_on_the_set_of_reporters_not_their_order():
    names = ["TASS", "Government of Armenia", "UNHCR", "AFP"]
    assert charts.reporter_palette(names) == charts.reporter_palette(list(reversed(names)))
    assert set(charts.reporter_palette(names).values()) <= set(charts.REPORTER_COLOURS)
    assert len(set(charts.reporter_palette(names).values())) == len(names)


def test_every_shipped_reporter_has_a_colour_of_its_own():
    reporters = load_figures(SHIPPED).rows["reported_by"].unique().tolist()
    assert len(set(charts.reporter_palette(reporters).values())) == len(reporters)


def test_past_ten_reporters_the_ten_with_most_figures_keep_a_hue_and_the_rest_are_grey():
    counts = {f"Reporter {index:02d}": 100 - index for index in range(14)}
    colours = charts.chart_palette(counts)
    hued = {name for name, colour in colours.items() if colour != charts.OTHER_REPORTERS_GREY}
    assert hued == {f"Reporter {index:02d}" for index in range(10)}
    assert len({colours[name] for name in hued}) == 10
    assert {colours[f"Reporter {index:02d}"] for index in range(10, 14)} == {
        charts.OTHER_REPORTERS_GREY
    }
    assert charts.OTHER_REPORTERS_GREY not in charts.REPORTER_COLOURS


def _chroma(colour: str) -> int:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return max(red, green, blue) - min(red, green, blue)


# The shipped sides' colours, as the charts take them (sides.csv, else the side palette).
SIDE_COLOURS = charts.side_palette(list(VOCABULARY.sides), VOCABULARY.side_colours())


def test_no_reporter_or_news_outlet_is_drawn_in_the_keys_neutral_grey_or_black():
    # The key draws its symbols (a figure, a conflict's span) in dark grey; a reporter drawn in
    # black or grey would read as part of the key. Only 'other', the least specific side, is
    # grey, and a light one.
    assert all(_chroma(colour) >= 60 for colour in charts.REPORTER_COLOURS)
    sides = SIDE_COLOURS
    assert all(_chroma(colour) >= 60 for side, colour in sides.items() if side != "other")
    assert _chroma(charts.KEY_GREY) < 10


def test_every_side_has_its_own_fixed_colour():
    palette = SIDE_COLOURS
    assert set(palette) == {"armenia", "azerbaijan", "russia", "un", "ngo", "media", "other"}
    assert len(set(palette.values())) == len(palette)


def colour_scale(spec: dict[str, Any]) -> dict[str, str]:
    scale = points_layer(spec)["encoding"]["color"]["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))


def test_a_reporter_keeps_its_colour_when_the_view_narrows():
    rows, conflicts = shipped()
    everyone = sorted(set(rows["reported_by"]))
    whole = colour_scale(charts.timeline_chart(rows, conflicts, VOCABULARY).to_dict())
    troops = rows[rows["metric"] == "troops"]
    narrow = colour_scale(
        charts.timeline_chart(troops, conflicts, VOCABULARY, reporters=everyone).to_dict()
    )
    assert set(narrow) == set(troops["reported_by"]), "the legend lists only what is shown"
    for reporter, colour in narrow.items():
        assert whole[reporter] == colour == charts.reporter_palette(everyone)[reporter]
    by_source = colour_scale(
        charts.by_source_chart(troops, conflicts, VOCABULARY, reporters=everyone).to_dict()
    )
    assert by_source == narrow


def test_without_the_full_list_of_reporters_colours_follow_the_view():
    # The reason the dashboard passes every reporter: left to itself, a narrow view would
    # recolour its reporters.
    rows, conflicts = shipped()
    troops = rows[rows["metric"] == "troops"]
    alone = colour_scale(charts.timeline_chart(troops, conflicts, VOCABULARY).to_dict())
    whole = colour_scale(charts.timeline_chart(rows, conflicts, VOCABULARY).to_dict())
    assert any(alone[name] != whole[name] for name in alone)


def test_colour_by_affiliation_uses_the_sides_palette():
    rows, conflicts = shipped()
    spec = charts.timeline_chart(rows, conflicts, VOCABULARY, color_by="affiliation").to_dict()
    scale = colour_scale(spec)
    assert scale["Armenia"] == SIDE_COLOURS["armenia"]
    assert scale["Azerbaijan"] == SIDE_COLOURS["azerbaijan"]
    assert points_layer(spec)["encoding"]["color"]["field"] == "side"
    assert marks_of(spec)[13]["side"] == "Azerbaijan"
    with pytest.raises(ValueError, match="color_by"):
        charts.timeline_chart(rows, conflicts, VOCABULARY, color_by="outlet")


# ---------------------------------------------------------------------------------------------
# What each figure is drawn as.


def test_each_qualifier_is_drawn_as_what_it_claims():
    rows = load(QUALIFIER_ROWS).rows
    spec = charts.timeline_chart(rows, [], VOCABULARY, tolerance=0.1).to_dict()
    drawn = marks_of(spec)
    assert {line: drawn[line]["form"] for line in drawn} == {
        2: "exact",
        3: "about",
        4: "lower",
        5: "lower",
        6: "upper",
        7: "upper",
        8: "range",
    }
    # about: a band of ±tolerance around the value; range: a bar from value to value_high.
    assert (drawn[3]["lo"], drawn[3]["hi"]) == pytest.approx((108_000, 132_000))
    assert (drawn[8]["lo"], drawn[8]["hi"]) == (5, 6)
    assert drawn[2]["lo"] is None and drawn[4]["hi"] is None
    # Bounds sit at their value; a range's marker sits in its middle.
    assert drawn[4]["y"] == 100_000 and drawn[6]["y"] == 311 and drawn[8]["y"] == 5.5

    # One layer of points, its shape from the form: a dot, a diamond, an arrow up or down.
    points = points_layer(spec)
    assert mark(points)["type"] == "point"
    assert shapes(spec) == {
        "exact": "circle",
        "about": "diamond",
        "lower": charts.ARROW_UP,
        "upper": charts.ARROW_DOWN,
    }
    # Only an exact figure's dot is filled; the others are outlines. A range has no point.
    assert looks(points, "fillOpacity") == {"exact": 1, "about": 0, "lower": 0, "upper": 0}
    assert looks(points, "strokeWidth")["exact"] == 0
    assert all(looks(points, "strokeWidth")[form] > 0 for form in ("about", "lower", "upper"))
    assert "datum.form !== 'range'" in charts.POINTS_FILTER
    # One layer of bars: about's band is wide and faint, a range's bar narrow and solid.
    bars = bars_layer(spec)
    assert mark(bars)["type"] == "bar"
    assert bars["encoding"]["y"]["field"] == "lo" and bars["encoding"]["y2"]["field"] == "hi"
    assert looks(bars, "size")["about"] > looks(bars, "size")["range"]
    assert looks(bars, "opacity")["about"] < 0.5 < looks(bars, "opacity")["range"]
    assert {row["form"] for row in drawn.values() if row["lo"] is not None} == {"about", "range"}


def test_by_source_turns_the_marks_on_their_side():
    rows = load(QUALIFIER_ROWS).rows
    spec = charts.by_source_chart(rows, [], VOCABULARY).to_dict()
    assert shapes(spec)["lower"] == charts.ARROW_RIGHT
    assert shapes(spec)["upper"] == charts.ARROW_LEFT
    points = points_layer(spec)
    assert points["encoding"]["y"]["field"] == "reporter"
    assert points["encoding"]["x"]["field"] == "y"
    encoding = bars_layer(spec)["encoding"]
    assert encoding["x"]["field"] == "lo" and encoding["x2"]["field"] == "hi"


def test_reporters_are_grouped_by_side_in_the_by_source_chart():
    rows, conflicts = shipped()
    troops = rows[rows["metric"] == "troops"]
    spec = charts.by_source_chart(troops, conflicts, VOCABULARY).to_dict()
    order = points_layer(spec)["encoding"]["y"]["sort"]
    assert order == [
        "Government of Armenia",
        "Ministry of Foreign Affairs of Armenia",
        "Vagif Sadigov, Azerbaijan's Ambassador to the EU",
    ]


def test_one_panel_per_metric_and_group_each_on_its_own_scale():
    rows, conflicts = shipped()
    spec = charts.timeline_chart(rows, conflicts, VOCABULARY).to_dict()
    facet = next(part for part in spec["vconcat"] if "facet" in part)
    assert facet["resolve"]["scale"]["y"] == "independent"
    titles = facet["facet"]["row"]["sort"]
    # One panel per quantity: arrivals in Armenia and in Goris are two panels, each titled
    # with its place.
    assert titles[:4] == [
        "People who fled · Nagorno-Karabakh",
        "People who arrived · Armenia",
        "People who arrived · Goris",
        "People evacuated · Nagorno-Karabakh",
    ]
    assert "People evacuated — Children · Nagorno-Karabakh" in titles
    assert "Vehicles escorted — Buses · Nagorno-Karabakh (vehicles)" in titles
    quantities = set(zip(rows["metric"], rows["group"], rows["place"], strict=True))
    assert len(titles) == len(quantities)


def test_a_running_total_from_one_source_is_joined_by_a_line():
    text = "\n".join(
        [
            HEADER,
            "2023-09-25,arrived,,,6500,,Armenia,Gov,armenia,Out,,,a,",
            "2023-09-26,arrived,,,28000,,Armenia,Gov,armenia,Out,,,b,",
            "2023-09-25,troops,,,0,,NK,Gov,armenia,Out,,,c,",
            "2023-09-27,arrived,,,9000,,Armenia,UN,un,Out,,,d,",
        ]
    )
    spec = charts.timeline_chart(load(text).rows, [], VOCABULARY).to_dict()
    line = layer_for(spec, "datum.joined")
    assert mark(line)["type"] == "line"
    assert [d["field"] for d in line["encoding"]["detail"]] == ["reporter", "place_text"]
    drawn = marks_of(spec)
    assert drawn[2]["joined"] and drawn[3]["joined"] and not drawn[4]["joined"]
    # A running total with a single figure drawn has no line to draw.
    assert not drawn[5]["joined"]


def test_dates_are_the_sources_wall_clock_dates_in_any_time_zone():
    text = "\n".join([HEADER, "2023-09-26T20:00,arrived,,,28000,,Armenia,Gov,armenia,Out,,,a,"])
    spec = charts.timeline_chart(load(text).rows, [], VOCABULARY).to_dict()
    expected = dt.datetime(2023, 9, 26, 20, 0, tzinfo=dt.UTC).timestamp() * 1000
    assert marks_of(spec)[2]["t"] == expected
    time = points_layer(spec)["encoding"]["x"]
    assert time["scale"]["type"] == "utc"
    assert marks_of(spec)[2]["as_of_text"] == "26 Sep 2023, 20:00"


def test_log_scale_is_symlog_so_that_zero_shows():
    rows, conflicts = shipped()
    for build in (charts.timeline_chart, charts.by_source_chart):
        plain = points_layer(build(rows, conflicts, VOCABULARY).to_dict())
        logged = points_layer(build(rows, conflicts, VOCABULARY, log_scale=True).to_dict())
        channel = "y" if build is charts.timeline_chart else "x"
        assert plain["encoding"][channel]["scale"].get("type") is None
        assert logged["encoding"][channel]["scale"]["type"] == "symlog"


def test_every_mark_has_a_tooltip_naming_its_source():
    rows, conflicts = shipped()
    spec = charts.timeline_chart(rows, conflicts, VOCABULARY).to_dict()
    for layer in panel_layers(spec):
        titles = [tip["title"] for tip in layer["encoding"]["tooltip"]]
        if mark(layer)["type"] in ("point", "bar"):
            assert {"Figure", "Reported by", "Outlet", "As of", "Published", "Quote"} <= set(titles)
            assert {"Metric", "Place", "CSV line"} <= set(titles)
        else:
            assert titles, f"the {mark(layer)['type']} layer has a tooltip"
    row = marks_of(spec)[13]
    assert row["value_text"] == "about 10,000"
    assert row["reporter"] == "Vagif Sadigov, Azerbaijan's Ambassador to the EU"
    assert row["outlet"] == "Brussels Signal"
    assert (row["as_of_text"], row["published_text"]) == ("19 Sep 2023", "25 Sep 2023")
    assert row["quote_short"].startswith("We’re talking about the presence")


def test_long_quotes_are_cut_at_a_word_with_an_ellipsis():
    quote = "word " * 100
    short = charts.shorten(quote, 60)
    assert len(short) <= 60 and short.endswith("…") and " wor…" not in short
    assert charts.shorten("short enough") == "short enough"


# ---------------------------------------------------------------------------------------------
# Conflicts and highlights.


def test_conflicting_figures_are_ringed_and_each_pair_joined():
    rows, conflicts = shipped()
    for build in (charts.timeline_chart, charts.by_source_chart):
        spec = build(rows, conflicts, VOCABULARY).to_dict()
        drawn = marks_of(spec)
        assert {line for line, row in drawn.items() if row["in_conflict"]} == {12, 13, 14}
        assert pairs_of(spec) == {(12, 13), (13, 14)}
        ring = layer_for(spec, "datum.in_conflict")
        assert mark(ring)["color"] == charts.CONFLICT_RED and mark(ring)["filled"] is False
        rule = layer_for(spec, "datum.kind === 'pair'")
        # A rule over time; across the reporters' rows, a two-point line (see the next test).
        joining = "rule" if build is charts.timeline_chart else "line"
        assert mark(rule)["type"] == joining and mark(rule)["color"] == charts.CONFLICT_RED
        assert "cannot both be true" in " ".join(spec["title"]["subtitle"])


def test_without_conflicts_nothing_is_ringed_and_the_subtitle_says_so():
    rows, _ = shipped()
    spec = charts.timeline_chart(rows, [], VOCABULARY).to_dict()
    assert not any(row.get("in_conflict") for row in marks_of(spec).values())
    assert pairs_of(spec) == set()
    assert "No figure in this chart is in a conflict." in spec["title"]["subtitle"]
    # Layers with nothing to draw are left out: each costs the browser work in every panel.
    filters = [str(layer.get("transform")) for layer in panel_layers(spec)]
    assert not any("datum.in_conflict" in text or "'pair'" in text for text in filters)


def test_highlighted_figures_are_enlarged_and_the_others_faded():
    rows, conflicts = shipped()
    spec = charts.timeline_chart(rows, conflicts, VOCABULARY, highlight=(12, 13, 14)).to_dict()
    drawn = marks_of(spec)
    assert {line for line, row in drawn.items() if row["highlighted"]} == {12, 13, 14}
    points = points_layer(spec)["encoding"]
    assert points["opacity"]["condition"]["test"] == "datum.highlighted"
    assert (
        looks(bars_layer(spec), "opacity")["range"]
        < looks(bars_layer(spec), "opacity")["highlighted range"]
    )
    # Highlighted figures are drawn larger than the same form otherwise.
    sizes = looks(points_layer(spec), "size")
    for form, (normal, big, _, _) in charts.POINT_STYLE.items():
        assert sizes[form] == normal < big == sizes[f"highlighted {form}"]
    assert charts.LOOK in points_layer(spec)["transform"]
    assert any("CSV lines 12, 13, 14" in line for line in spec["title"]["subtitle"])
    plain = charts.timeline_chart(rows, conflicts, VOCABULARY).to_dict()
    assert "condition" not in points_layer(plain)["encoding"]["opacity"]
    assert charts.LOOK not in points_layer(plain)["transform"]


# ---------------------------------------------------------------------------------------------
# Size limits.


def many_rows(count: int, metric: str = "arrived") -> pd.DataFrame:
    lines = [HEADER]
    for index in range(count):
        day = dt.date(2023, 9, 1) + dt.timedelta(days=index % 60)
        lines.append(
            f"{day.isoformat()},{metric},,about,{1000 + index},,Place {index % 7},"
            f"Reporter {index % 11},armenia,Out,,,q {index},"
        )
    return load("\n".join(lines)).rows


def test_a_big_view_is_sampled_below_altairs_limit_and_the_subtitle_says_so():
    rows = many_rows(6_000)
    assert len(rows) == 6_000
    unsampled = set(rows["line"]) - set(
        marks_of(charts.timeline_chart(rows, [], VOCABULARY).to_dict())
    )
    left_out = min(unsampled)
    for build in (charts.timeline_chart, charts.by_source_chart):
        spec = build(rows, [], VOCABULARY, highlight=(left_out,)).to_dict()  # no MaxRowsError
        drawn = marks_of(spec)
        assert len(drawn) == charts.MAX_ROWS
        assert left_out in drawn, "a highlighted figure is always drawn"
        assert any(
            f"sample of {charts.MAX_ROWS:,} of the 6,000 figures" in line
            for line in spec["title"]["subtitle"]
        )
        assert embedded_rows(spec) <= charts.MAX_ROWS + 10


def test_a_small_view_is_drawn_whole_and_says_nothing_about_samples():
    rows = many_rows(300)
    spec = charts.timeline_chart(rows, [], VOCABULARY).to_dict()
    assert len(marks_of(spec)) == 300
    assert not any("sample" in line for line in spec["title"]["subtitle"])


def test_the_sample_is_stable_and_keeps_a_share_of_every_panel():
    rows = pd.concat([many_rows(5_000), many_rows(20, metric="killed")], ignore_index=True)
    first = marks_of(charts.timeline_chart(rows, [], VOCABULARY, max_rows=1_000).to_dict())
    again = marks_of(charts.timeline_chart(rows, [], VOCABULARY, max_rows=1_000).to_dict())
    assert set(first) == set(again)
    # Each place of the killed figures is a panel of its own; each one drawn keeps all of
    # its few figures in the sample.
    drawn = pd.Series([row["panel_title"] for row in first.values()]).value_counts()
    killed = rows[rows["metric"] == "killed"]["place"].value_counts()
    shown = [place for place in killed.index if f"People killed · {place}" in drawn]
    assert shown and all(drawn[f"People killed · {place}"] == killed[place] for place in shown)


def test_more_panels_than_fit_are_left_out_with_a_note():
    lines = [HEADER]
    groups = [g for g in VOCABULARY.groups if g not in ("buses", "private_cars")]
    for metric in ("fled", "arrived", "killed"):
        for group in groups:
            lines.append(f"2023-09-25,{metric},{group},,10,,NK,R,armenia,Out,,,q,")
    rows = load("\n".join(lines)).rows
    spec = charts.timeline_chart(rows, [], VOCABULARY).to_dict()
    facet = next(part for part in spec["vconcat"] if "facet" in part)
    assert len(facet["facet"]["row"]["sort"]) == charts.MAX_PANELS
    assert any(
        f"Showing {charts.MAX_PANELS} of {3 * len(groups)} metric panels" in line
        for line in spec["title"]["subtitle"]
    )


def test_an_empty_view_gives_a_chart_that_says_so():
    rows = load(HEADER).rows
    for build in (charts.timeline_chart, charts.by_source_chart):
        spec = build(rows, [], VOCABULARY).to_dict()
        assert spec["mark"]["type"] == "text"
        values = next(iter(spec["datasets"].values()))
        assert values == [{"message": "No figures in this view"}]


# ---------------------------------------------------------------------------------------------
# The specs are real Vega-Lite.


def test_the_charts_render_to_svg_with_their_titles():
    rows, conflicts = shipped()
    for build, title in (
        (charts.timeline_chart, "Reported figures over time"),
        (charts.by_source_chart, "Figures by source"),
    ):
        chart = build(rows, conflicts, VOCABULARY, log_scale=True, highlight=(12, 13))
        svg = vl_convert.vegalite_to_svg(chart.to_json(), allowed_base_urls=[])
        assert title in svg and "Troops" in svg


def svg_texts(chart: Any) -> set[str]:
    """Every line of text a chart draws, rendered by vl-convert."""
    root = ET.fromstring(vl_convert.vegalite_to_svg(chart.to_json(), allowed_base_urls=[]))
    return {html.unescape(node.text) for node in root.iter() if node.text and node.text.strip()}


def test_the_timeline_has_a_colour_legend_and_the_by_source_chart_names_reporters_once():
    rows, conflicts = shipped()
    troops = rows[rows["metric"] == "troops"]
    reporters = set(troops["reported_by"])
    timeline = svg_texts(charts.timeline_chart(troops, conflicts, VOCABULARY))
    assert "Reported by" in timeline and reporters <= timeline
    # Reporters are the by-source chart's rows: a legend would name them twice.
    by_source = svg_texts(charts.by_source_chart(troops, conflicts, VOCABULARY))
    assert "Reported by" not in by_source and reporters <= by_source
    by_side = charts.by_source_chart(troops, conflicts, VOCABULARY, color_by="affiliation")
    assert {"Reporter's side", "Armenia", "Azerbaijan"} <= svg_texts(by_side)


def test_the_dashboards_spec_and_the_altair_chart_say_the_same():
    rows, conflicts = shipped()
    spec = charts.timeline_spec(rows, conflicts, VOCABULARY, reporters=None)
    chart = charts.timeline_chart(rows, conflicts, VOCABULARY).to_dict()
    assert spec["title"] == chart["title"]
    table = next(frame for name, frame in spec["datasets"].items() if name.startswith("figures"))
    assert sorted(table.loc[table["kind"] == "mark", "line"]) == sorted(marks_of(chart))


def test_the_conflict_index_finds_a_views_conflicts_as_the_filters_do():
    rows, conflicts = shipped()
    index = charts.ConflictIndex.of(conflicts)
    views = [
        rows,
        rows[rows["metric"] == "troops"],
        rows[rows["affiliation"] == "armenia"],
        rows[rows["metric"] == "arrived"],
        rows.iloc[:0],
    ]
    for view in views:
        lines = view["line"].to_numpy()
        assert index.touching(lines) == conflicts_in_view(conflicts, view)


def test_chart_data_sends_no_64_bit_integers_and_the_time_axis_ticks_on_whole_days():
    rows, conflicts = shipped()
    troops = rows[rows["metric"] == "troops"]
    for build in (charts.timeline_spec, charts.by_source_spec):
        spec = build(troops, conflicts, VOCABULARY)
        for name, frame in spec["datasets"].items():
            # Arrow hands a 64-bit integer to the browser as a BigInt, which Vega cannot scale.
            assert "int64" not in {str(dtype).lower() for dtype in frame.dtypes}, name
    time = points_layer(charts.timeline_spec(troops, conflicts, VOCABULARY))["encoding"]["x"]
    low, high = time["scale"]["domain"]
    assert low < "2023-09-19T00:00:00Z" < high  # ISO text, around the one day of the view
    # Ticks as ISO text too (the browser draws no tick from numbers), each on a whole day.
    ticks = [pd.Timestamp(value) for value in time["axis"]["values"]]
    assert all(tick == tick.normalize() for tick in ticks), "ticks on whole days"
    every = points_layer(charts.timeline_spec(rows, conflicts, VOCABULARY))["encoding"]["x"]
    stamps = [pd.Timestamp(value) for value in every["axis"]["values"]]
    steps = {b - a for a, b in itertools.pairwise(stamps)}
    assert len(steps) == 1 and 2 <= len(every["axis"]["values"]) <= 760 // 80


def test_the_page_frames_a_chart_with_its_date_and_the_sources_of_what_it_draws():
    rows, conflicts = shipped()
    troops = rows[rows["metric"] == "troops"]
    data = charts.prepare(troops, conflicts, VOCABULARY)
    sources = charts.drawn_sources(data)
    # Each reporter once, with the outlet that relayed it (none: its own channel).
    assert sources == [
        "Government of Armenia (TASS)",
        "Ministry of Foreign Affairs of Armenia",
        "Vagif Sadigov, Azerbaijan's Ambassador to the EU (Brussels Signal)",
    ]
    spec = charts.timeline_spec(troops, conflicts, VOCABULARY, prepared=data)
    framed = charts.for_the_page(
        spec, dated="Troops · up to 19 Sep 2023", sources=sources, width=680
    )
    assert framed["title"]["text"] == "Reported figures over time"
    assert framed["title"]["subtitle"][0] == "Troops · up to 19 Sep 2023"
    footnote = " ".join(framed["vconcat"][0]["title"]["text"])
    assert footnote.startswith("Sources: Government of Armenia (TASS);")
    assert all(source in footnote for source in sources)
    # The chart inside is unchanged, and its data still sits at the top level.
    assert framed["vconcat"][0]["vconcat"] == spec["vconcat"]
    assert framed["datasets"] is spec["datasets"]
    # Every subtitle line fits the chart rather than widening the image, the view's
    # description too, however many filters it lists: at the frame's 12 px subtitle type
    # (about 6.2 px a character), a line may run 50 px past the 760 px plots: 130 characters.
    assert all(len(line) <= 130 for line in framed["title"]["subtitle"])
    long_view = "Troops · " + ", ".join(f"Reporter number {n}" for n in range(20))
    narrow = charts.for_the_page(spec, dated=long_view, sources=sources, width=300)
    assert all(len(line) <= 60 for line in narrow["title"]["subtitle"][:3])


def test_by_source_rows_stay_grouped_by_side_when_pairs_join_them():
    # Vega-Lite drops an explicit row order when another channel (a rule's y2) brings the
    # same rows unsorted; every layer must place rows by the one sorted `reporter` field.
    rows, conflicts = shipped()
    spec = charts.by_source_chart(rows[rows["metric"] == "troops"], conflicts, VOCABULARY)
    layers = panel_layers(spec.to_dict())
    orders = [layer["encoding"]["y"].get("sort") for layer in layers if "y" in layer["encoding"]]
    assert orders and all(order == orders[0] for order in orders)
    assert orders[0] == [
        "Government of Armenia",
        "Ministry of Foreign Affairs of Armenia",
        "Vagif Sadigov, Azerbaijan's Ambassador to the EU",
    ]
    assert not any("y2" in layer["encoding"] for layer in layers)


def test_the_charts_data_table_escapes_formula_like_text_as_the_exports_do() -> None:
    # Streamlit's "Show data" hands the chart's dataset to viewers as a CSV download.
    hostile = '=HYPERLINK("https://evil.example","x")'
    text = "\n".join(
        [
            HEADER,
            f'2023-09-24,fled,all,,10,,Place,"{hostile.replace(chr(34), chr(34) * 2)}",media,'
            "+cmd|' /C calc'!A0,2023-09-24,,@SUM(1),",
        ]
    )
    rows = load(text).rows
    assert rows["reported_by"].iloc[0] == hostile
    marks = charts.prepare(rows, [], VOCABULARY).marks
    for column in ("reporter", "outlet", "quote_short"):
        assert marks[column].iloc[0].startswith("'"), column
