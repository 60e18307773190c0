"""The marks of every panel, and the key drawn with the same marks: each figure as what its
source claimed.

- exact: a filled dot;
- about: a hollow diamond on a shaded band of ±tolerance (the conflict engine's reading);
- range ("five to six"): a solid bar from the lower to the upper end;
- more than / at least: a line at the value with an arrow into the open side (up);
- up to / less than: a line at the value with an arrow pointing down.

Conflicting figures get a red ring, and a red dashed line joins each pair that cannot both be
true. One layer draws every point and one every bar, their looks looked up by form in scales
of the spec: a layer per form cost the browser a filter and a set of operators per form in
every panel, the largest part of the time to draw a big view, and columns of sizes would cost
it a decoded cell per figure each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import pandas as pd

from figures.charts.style import (
    ARROW_DOWN,
    ARROW_LEFT,
    ARROW_RIGHT,
    ARROW_UP,
    BAR_OPACITY,
    BAR_OPACITY_EMPHASISED,
    BAR_THICKNESS,
    CONFLICT_RED,
    FADED_OPACITY,
    KEY_DOT_SIZE,
    KEY_GREY,
    LABEL_CHAR_WIDTH_PX,
    MARK_OPACITY,
    OTHER_REPORTERS,
    OTHER_REPORTERS_GREY,
    PAIR_LOOK,
    POINT_FORMS,
    POINT_STYLE,
    RING,
    RUNNING_TOTAL_LOOK,
    Spec,
    chart_palette,
    unique_sorted,
)
from figures.wording import percent

POINTS_FILTER = "datum.kind === 'mark' && datum.form !== 'range'"
BARS_FILTER = "datum.form === 'about' || datum.form === 'range'"
# A bar's size is its thickness, a point's its area: each layer keeps its own scales of size
# and opacity, never merged with another layer's (or the key's) by Vega-Lite.
SIZES_APART = {"scale": {"size": "independent", "opacity": "independent"}}
# Below this width the key names the bounds by their first word (see `key`).
KEY_SHORT_BELOW_PX = 700
# With a figure highlighted, the looks depend on the form and on whether it is highlighted.
LOOK = {"calculate": "datum.highlighted ? 'highlighted ' + datum.form : datum.form", "as": "look"}


# ---------------------------------------------------------------------------------------------
# Channels.


def tooltip() -> list[Spec]:
    """What hovering a figure shows: the figure as written, who said it, when, and its flags."""
    fields = [
        ("value_text", "Figure"),
        ("reporter", "Reported by"),
        ("side", "Side"),
        ("outlet", "Outlet"),
        ("as_of_text", "As of"),
        ("published_text", "Published"),
        ("panel_title", "Metric"),
        ("place_text", "Place"),
        ("quote_short", "Quote"),
        ("conflict_text", "Conflicts"),
    ]
    tips: list[Spec] = [
        {"field": name, "type": "nominal", "title": title} for name, title in fields
    ]
    tips.append({"field": "line", "type": "quantitative", "title": "CSV line"})
    return tips


def colour_encoding(
    marks: pd.DataFrame,
    color_by: str,
    reporters: Sequence[str] | None,
    legend: bool,
    side_colours: Mapping[str, str] | None = None,
) -> Spec:
    """The colour channel: no two reporters (or sides) in the chart share a colour. The
    domain holds only what is shown, so the legend stays short; past the palette's ten hues
    the reporters with the most figures keep theirs and the rest are one grey, named once
    ('Other reporters'). The legend's look is the theme's (`figures.charts.style.THEME`)."""
    if color_by == "affiliation":
        palette = dict(side_colours or {})  # side label to colour (ChartData.side_colours)
        field = "side"
        shown = set(marks[field].unique())
        domain = [label for label in palette if label in shown]
        domain += sorted(shown - set(domain))
        colours = [palette.get(label, OTHER_REPORTERS_GREY) for label in domain]
        title = "Reporter's side"
    else:
        counts = marks["reporter"].value_counts().to_dict()
        palette = chart_palette({str(k): int(v) for k, v in counts.items()}, reporters or ())
        hued = [name for name in unique_sorted(palette) if palette[name] != OTHER_REPORTERS_GREY]
        others = len(palette) - len(hued)
        field = "colour" if others else "reporter"
        domain = [*hued, *([OTHER_REPORTERS] if others else [])]
        colours = [palette[name] for name in hued] + ([OTHER_REPORTERS_GREY] if others else [])
        title = "Reported by"
    encoding: Spec = {
        "field": field,
        "type": "nominal",
        "scale": {"domain": domain, "range": colours},
        "title": title,
    }
    # An explicit legend (its look is the theme's): left implicit, Vega-Lite merged it with
    # the points' `stroke`, whose legend is off, and drew none.
    encoding["legend"] = {} if legend else None
    return encoding


def dash_encoding(marks: pd.DataFrame, reporters: Sequence[str] | None) -> Spec | None:
    """None: every reporter's line is solid now that no two reporters share a colour (kept
    for callers of the older API)."""
    return None


def _by_form(values: Mapping[str, Any], field: str = "form") -> Spec:
    """A channel that looks its value up by the figure's form (or look), without a legend."""
    return {
        "field": field,
        "type": "nominal",
        "scale": {"type": "ordinal", "domain": list(values), "range": list(values.values())},
        "legend": None,
    }


def _point_shapes(horizontal: bool) -> Spec:
    up, down = (ARROW_RIGHT, ARROW_LEFT) if horizontal else (ARROW_UP, ARROW_DOWN)
    shapes = {"exact": "circle", "about": "diamond", "lower": up, "upper": down}
    return _by_form({form: shapes[form] for form in POINT_FORMS})


def _point_looks(emphasise: bool) -> Spec:
    """Size, outline width and fill of the points, by form (and highlight)."""
    sizes = {form: style[0] for form, style in POINT_STYLE.items()}
    if emphasise:
        sizes.update({f"highlighted {form}": style[1] for form, style in POINT_STYLE.items()})
    return {
        "size": _by_form(sizes, "look" if emphasise else "form"),
        "strokeWidth": _by_form({form: style[2] for form, style in POINT_STYLE.items()}),
        "fillOpacity": _by_form({form: style[3] for form, style in POINT_STYLE.items()}),
    }


def _bar_looks(emphasise: bool) -> Spec:
    """Thickness and opacity of the bars, by form (and highlight)."""
    if emphasise:
        return {
            "size": _by_form(BAR_THICKNESS),
            "opacity": _by_form(BAR_OPACITY_EMPHASISED, "look"),
        }
    return {"size": _by_form(BAR_THICKNESS), "opacity": _by_form(BAR_OPACITY)}


# ---------------------------------------------------------------------------------------------
# The layers of a panel.


class Channels(NamedTuple):
    """What a panel's layers place their marks by."""

    horizontal: bool  # values along x, categories (reporters) along y
    category: Spec  # time, or the reporter
    value: Spec
    colour: Spec
    dash: Spec | None
    emphasise: bool  # some figures are highlighted, the others fade

    @property
    def value_channel(self) -> str:
        return "x" if self.horizontal else "y"

    @property
    def category_channel(self) -> str:
        return "y" if self.horizontal else "x"


def _emphasised(on: Channels, normal: float, big: float) -> Spec:
    if on.emphasise:
        return {"condition": {"test": "datum.highlighted", "value": big}, "value": normal}
    return {"value": normal}


def _bars(on: Channels) -> Spec:
    """The about band and the range's bar, from `lo` to `hi`."""
    value = on.value_channel
    return {
        "transform": [{"filter": BARS_FILTER}, *([LOOK] if on.emphasise else [])],
        "mark": {"type": "bar"},
        "encoding": {
            on.category_channel: on.category,
            "color": on.colour,
            "tooltip": tooltip(),
            value: {**on.value, "field": "lo"},
            f"{value}2": {"field": "hi"},
            **_bar_looks(on.emphasise),
        },
    }


def _running_total_lines(on: Channels) -> Spec:
    """A line through one reporter's updates of a running total, for one place."""
    line: Spec = {
        on.category_channel: on.category,
        on.value_channel: on.value,
        "color": on.colour,
        "detail": [
            {"field": "reporter", "type": "nominal"},
            {"field": "place_text", "type": "nominal"},
        ],
        "order": {"field": "t", "type": "quantitative"},
        # What is true of the whole line; each figure's own details are on its mark.
        "tooltip": [
            {"field": "reporter", "type": "nominal", "title": "Updates reported by"},
            {"field": "panel_title", "type": "nominal", "title": "Metric"},
            {"field": "place_text", "type": "nominal", "title": "Place"},
        ],
    }
    if on.dash is not None:
        line["strokeDash"] = on.dash
    return {
        "transform": [{"filter": "datum.kind === 'mark' && datum.joined"}],
        "mark": {"type": "line", **RUNNING_TOTAL_LOOK},
        "encoding": line,
    }


def _pair_lines(on: Channels) -> Spec:
    """A red dashed line joining two figures that cannot both be true."""
    pair_tooltip = [{"field": "pair_text", "type": "nominal", "title": "Cannot both be true"}]
    if not on.horizontal:
        rule = {"x": on.category, "x2": {"field": "t2"}, "y": on.value, "y2": {"field": "y2"}}
        return {
            "transform": [{"filter": "datum.kind === 'pair'"}],
            "mark": {"type": "rule", **PAIR_LOOK},
            "encoding": {**rule, "tooltip": pair_tooltip},
        }
    # Each pair as a two-point line in the `reporter` field itself: a rule's y2 is a second
    # field with no sort, and Vega-Lite then dropped the rows' order by side.
    ends = [
        {"filter": "datum.kind === 'pair'"},
        {"calculate": "datum.line + '-' + datum.line2", "as": "pair_id"},
        {"calculate": "[datum.reporter, datum.reporter2]", "as": "end_reporter"},
        {"calculate": "[datum.y, datum.y2]", "as": "end_value"},
        {"flatten": ["end_reporter", "end_value"]},
        {"calculate": "datum.end_reporter", "as": "reporter"},
        {"calculate": "datum.end_value", "as": "y"},
    ]
    return {
        "transform": ends,
        "mark": {"type": "line", **PAIR_LOOK},
        "encoding": {
            "x": {**on.value, "field": "y"},
            "y": on.category,
            "detail": {"field": "pair_id", "type": "nominal"},
            "tooltip": pair_tooltip,
        },
    }


def _points(on: Channels) -> Spec:
    """Every figure's point. Filled: the colour fills an exact figure's dot; every other form
    is an outline in the same colour (`stroke`, on a scale of its own without a legend) over
    no fill."""
    opacity: Spec = (
        {"condition": {"test": "datum.highlighted", "value": 1.0}, "value": FADED_OPACITY}
        if on.emphasise
        else {"value": MARK_OPACITY}
    )
    return {
        "transform": [{"filter": POINTS_FILTER}, *([LOOK] if on.emphasise else [])],
        "mark": {"type": "point", "filled": True},
        "encoding": {
            on.category_channel: on.category,
            "color": on.colour,
            "tooltip": tooltip(),
            on.value_channel: on.value,
            "stroke": {**on.colour, "legend": None},
            "shape": _point_shapes(on.horizontal),
            **_point_looks(on.emphasise),
            "opacity": opacity,
        },
    }


def _rings(on: Channels) -> Spec:
    """A red ring round each figure in a conflict."""
    return {
        "transform": [{"filter": "datum.kind === 'mark' && datum.in_conflict"}],
        "mark": {"type": "point", "shape": "circle", "filled": False, "color": CONFLICT_RED},
        "encoding": {
            on.category_channel: on.category,
            on.value_channel: on.value,
            "tooltip": tooltip(),
            "size": _emphasised(on, *RING["size"]),
            "strokeWidth": _emphasised(on, *RING["strokeWidth"]),
        },
    }


def panel_layers(on: Channels, present: Mapping[str, bool] | None = None) -> list[Spec]:
    """The layers of every panel, bottom to top: bars, lines, conflict lines, points, rings.

    Marks and conflict pairs share one table (a facet needs one); `kind` splits them. Points
    take their shape, size, outline and fill from their `form`, bars (the "about" band and
    the range) their thickness and opacity (see `POINT_STYLE`). `present` says which
    kinds of rows the table holds ("bars", "joined", "pairs", "conflicts"): a layer with
    nothing to draw is left out, since each still costs the browser work in every panel.
    """
    present = present or {}
    layers: list[Spec] = []
    if present.get("bars", True):
        layers.append(_bars(on))
    if not on.horizontal and present.get("joined", True):
        layers.append(_running_total_lines(on))
    if present.get("pairs", True):
        layers.append(_pair_lines(on))
    layers.append(_points(on))
    if present.get("conflicts", True):
        layers.append(_rings(on))
    return layers


# ---------------------------------------------------------------------------------------------
# The key: the chart's own legend, drawn with the panels' marks.


def _key_frame(
    items: list[tuple[str, str]], width: int, margin: int, horizontal: bool
) -> pd.DataFrame:
    """Where each item of the key sits: its symbol plus its label, items wrapping onto a
    second row rather than running past the panels; and the ends of its bar."""
    xs: list[float] = []
    rows: list[int] = []
    start = 8.0 - margin
    position, row = start, 0
    for _, label in items:
        extent = 22 + LABEL_CHAR_WIDTH_PX * len(label) + 14
        if position + extent > width and position > start:
            position, row = start, row + 1
        xs.append(position)
        rows.append(row)
        position += extent
    # A bar is drawn across its row (by-source) or along it (timeline), as in the panels.
    across, along = (9, 0.0) if horizontal else (0, 0.32)
    return pd.DataFrame(
        {
            "form": [form for form, _ in items],
            "label": [label for _, label in items],
            "x": xs,
            "x_lo": [x - across for x in xs],
            "x_hi": [x + across for x in xs],
            "row": rows,
            "row_lo": [r - along for r in rows],
            "row_hi": [r + along for r in rows],
        }
    )


def _key_conflict_symbol(point: Spec) -> list[Spec]:
    """The key's "in a conflict": a grey dot in the panels' red ring."""
    conflict = [{"filter": "datum.form === 'conflict'"}]
    ring = {"type": "point", "shape": "circle", "filled": False, "color": CONFLICT_RED}
    return [
        {
            "transform": conflict,
            "mark": {
                "type": "point",
                "shape": "circle",
                "filled": True,
                "size": KEY_DOT_SIZE,
                "color": KEY_GREY,
            },
            "encoding": point,
        },
        {
            "transform": conflict,
            "mark": {**ring, "size": RING["size"][0], "strokeWidth": RING["strokeWidth"][0]},
            "encoding": point,
        },
    ]


def _key_layers(horizontal: bool, with_conflicts: bool, width: int, rows: int) -> list[Spec]:
    """The key's layers: the panels' bars and points (see `panel_layers`) in grey, the
    conflict ring, and each item's label."""
    x_scale = {"domain": [0, width]}
    y_scale = {"domain": [-0.5, rows - 0.5], "reverse": True}
    x = {"field": "x", "type": "quantitative", "scale": x_scale, "axis": None}
    y = {"field": "row", "type": "quantitative", "scale": y_scale, "axis": None}
    if horizontal:
        bar = {"x": {**x, "field": "x_lo"}, "x2": {"field": "x_hi"}, "y": y}
    else:
        bar = {"x": x, "y": {**y, "field": "row_lo"}, "y2": {"field": "row_hi"}}
    point = {"x": x, "y": y}
    layers: list[Spec] = [
        {
            "transform": [{"filter": BARS_FILTER}],
            "mark": {"type": "bar", "color": KEY_GREY},
            "encoding": {**bar, **_bar_looks(False)},
        },
        {
            "transform": [{"filter": " || ".join(f"datum.form === '{f}'" for f in POINT_FORMS)}],
            "mark": {"type": "point", "filled": True, "color": KEY_GREY, "stroke": KEY_GREY},
            "encoding": {**point, "shape": _point_shapes(horizontal), **_point_looks(False)},
        },
    ]
    if with_conflicts:
        layers += _key_conflict_symbol(point)
    layers.append(
        {
            "mark": {"type": "text", "align": "left", "dx": 20},
            "encoding": {**point, "text": {"field": "label", "type": "nominal"}},
        }
    )
    return layers


def key(
    tolerance: float, horizontal: bool, with_conflicts: bool, width: int, margin: int = 0
) -> tuple[Spec, pd.DataFrame]:
    """A strip drawing each kind of mark with its meaning: the chart's own legend, drawn
    with the same marks as the panels so it stays true in every export.

    `margin` is how far the panels' axis labels reach left of their plots: the key starts
    there too (at negative x), so it uses the chart's whole width, not only the plots'.
    """
    # A narrow key (two columns of panels on a slide) names each bound by its first word,
    # so that the key stays one row: "more than" stands for "at least" too.
    short = width < KEY_SHORT_BELOW_PX
    items = [
        ("exact", "exact"),
        ("about", f"about (±{percent(tolerance)})"),
        ("range", "range"),
        ("lower", "more than" if short else "more than / at least"),
        ("upper", "up to" if short else "up to / less than"),
    ]
    if with_conflicts:
        items.append(("conflict", "in a conflict"))
    frame = _key_frame(items, width, margin, horizontal)
    rows = int(frame["row"].max()) + 1
    spec = {
        "width": width,
        "height": 30 * rows,
        "view": {"stroke": None},
        "layer": _key_layers(horizontal, with_conflicts, width, rows),
        "resolve": SIZES_APART,
    }
    return spec, frame
