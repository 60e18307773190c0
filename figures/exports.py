"""Briefing-ready exports of a view: CSV, HXL-tagged CSV, a Markdown note and framed chart images.

Everything here is pure (no Streamlit, no clock, no network): the same rows, conflicts and
filters always give byte-identical files, so a scheduled report only changes when the data
does. The dashboard's download buttons, its briefing view and `python -m figures export` all
build their files here, so a screenshot, a download and a cron job say the same thing.

Text for people (titles, the as-of line, sources, conflict sentences) is built once in
`briefing_parts`, and each format renders those parts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import altair as alt
import pandas as pd

from figures.append import encode_record
from figures.charts.framing import footnote_lines
from figures.charts.style import FOOTNOTE_FONT_SIZE
from figures.charts.wording import source_label
from figures.conflicts import Conflict
from figures.contract import (
    AFFILIATION_LABELS,
    COLUMNS,
    TEXT_COLUMNS,
    escape_formula,
    format_as_of,
)
from figures.contract import value_as_written as _value_as_written
from figures.filters import ViewFilters, apply_filters, conflicts_in_view, describe_filters
from figures.vocabulary import WHOLE_GROUP, Vocabulary

PRODUCT_TITLE = "Reported refugee-flow figures"
ChartKind = Literal["timeline", "by-source"]
CHART_KINDS: tuple[ChartKind, ...] = ("timeline", "by-source")
CHART_TITLES: dict[ChartKind, str] = {
    "timeline": "Reported figures over time",
    "by-source": "Reported figures by source",
}

# Files are written with LF line ends, like data/figures.csv, so an export can be diffed
# against the data file; every spreadsheet and the loader read LF.
NEWLINE = "\n"
# The plain CSV is for people who open it in a spreadsheet: Excel reads UTF-8 without a BOM as
# a legacy code page and garbles Armenian names and curly quotes. The loader ignores a BOM.
UTF8_BOM = b"\xef\xbb\xbf"

# ---------------------------------------------------------------------------------------------
# HXL: one hashtag per contract column (https://hxlstandard.org/standard/dictionary/).
#
# Core hashtags only, refined with attributes. The value column is the generic
# `#indicator+value+num` (the HDX convention for "the number of this indicator"), not
# `#affected`: the metrics include troops and vehicles, which are not people affected.
# Provenance columns are `#meta+source...` so HDX tools see who the figure comes from.
HXL_TAGS: dict[str, str] = {
    "as_of": "#date",
    "metric": "#indicator+code",
    "group": "#indicator+group+code",
    "qualifier": "#indicator+qualifier+code",
    "value": "#indicator+value+num",
    "value_high": "#indicator+value+high+num",
    "place": "#loc+name",
    "reported_by": "#meta+source",
    "affiliation": "#meta+source+affiliation+code",
    "outlet": "#meta+source+outlet",
    "published": "#date+reported",
    "url": "#meta+url",
    "quote": "#description+quote",
    "notes": "#description+notes",
}
# A hashtag and its attributes, as libhxl parses them: letters, digits and underscores, each
# part starting with a letter.
HXL_TAG_PATTERN = re.compile(r"^#[A-Za-z][_0-9A-Za-z]*(?:\+[A-Za-z][_0-9A-Za-z]*)*$")

# Text a spreadsheet would run as a formula starts with = + - @. The loader removes one
# apostrophe from the front of text that is apostrophes and then such a character, so that
# text gets one more apostrophe in front: safe to open, and read back unchanged ("=1" is
# written "'=1", and "'=1" is written "''=1").

_DEFAULT_CHART_WIDTH = 640


# ---------------------------------------------------------------------------------------------
# Rows as the contract writes them.


def _ordered(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows by as_of, then by their line in the file: chronological and stable."""
    return rows.sort_values(["as_of", "line"], kind="stable")


def _day(moment: Any) -> str:
    """'30 Sep 2023', the date style of the conflict sentences and filter descriptions."""
    return f"{moment.day} {moment:%b %Y}"


def neutralise(text: str) -> str:
    """Text as an export writes it, so that a spreadsheet shows it instead of running it."""
    return escape_formula(text)


def _cells(row: Any) -> list[str]:
    """One row's cells in contract order, as the contract writes them."""
    high = row.value_high
    published = row.published
    cells = {
        "as_of": format_as_of(row.as_of, bool(row.as_of_has_time)),
        "metric": row.metric,
        "group": row.group,
        "qualifier": row.qualifier,
        "value": str(int(row.value)),
        "value_high": "" if pd.isna(high) else str(int(high)),
        "place": row.place,
        "reported_by": row.reported_by,
        "affiliation": row.affiliation,
        "outlet": row.outlet,
        "published": "" if pd.isna(published) else published.strftime("%Y-%m-%d"),
        "url": row.url,
        "quote": row.quote,
        "notes": row.notes,
    }
    for name in TEXT_COLUMNS:
        cells[name] = neutralise(str(cells[name]))
    return [str(cells[name]) for name in COLUMNS]


def _records(rows: pd.DataFrame) -> list[list[str]]:
    return [_cells(row) for row in _ordered(rows).itertuples(index=False)]


def figures_csv(rows: pd.DataFrame) -> bytes:
    """The figures as a contract CSV: loads back through the loader to the same rows."""
    out = [encode_record(list(COLUMNS), NEWLINE)]
    out += [encode_record(record, NEWLINE) for record in _records(rows)]
    return UTF8_BOM + b"".join(out)


def figures_hxl(rows: pd.DataFrame) -> bytes:
    """The figures as HXL: the contract header, a row of hashtags (HXL_TAGS), then the data."""
    out = [
        encode_record(list(COLUMNS), NEWLINE),
        encode_record([HXL_TAGS[name] for name in COLUMNS], NEWLINE),
    ]
    out += [encode_record(record, NEWLINE) for record in _records(rows)]
    return b"".join(out)


# ---------------------------------------------------------------------------------------------
# Sources and dates.


@dataclass(frozen=True)
class Source:
    """Who gave a figure, where it was published and when: what a footnote cites."""

    reported_by: str
    outlet: str
    date: dt.date | None  # publication date; the figure's as_of day when none is recorded

    @property
    def label(self) -> str:
        """'Nikol Pashinyan (AFP, 30 Sep 2023)', the style of the conflict sentences."""
        day = _day(self.date) if self.date is not None else ""
        return source_label(self.reported_by, self.outlet, day)


def sources_in(rows: pd.DataFrame) -> list[Source]:
    """Every distinct source of the rows, sorted by reporter, outlet and date."""
    found = set()
    for row in rows.itertuples(index=False):
        when = row.published if not pd.isna(row.published) else row.as_of
        found.add(Source(str(row.reported_by), str(row.outlet), when.date()))
    return sorted(found, key=_source_key)


def _ref_day(text: str) -> dt.date | None:
    """The day of a conflict figure's date text ('25 Sep 2023' or '25 Sep 2023, 14:30')."""
    try:
        return dt.datetime.strptime(text.split(",")[0].strip(), "%d %b %Y").date()
    except ValueError:
        return None


def conflict_sources(conflicts: Sequence[Conflict]) -> list[Source]:
    """The sources a set of conflict sentences names, dated as the sentences date them.

    A sentence can name a figure outside the view (the other side of a dispute), and a
    source a page names must be in its footnote.
    """
    found = {
        Source(ref.reported_by, ref.outlet, _ref_day(ref.published or ref.as_of))
        for conflict in conflicts
        for ref in conflict.figures
    }
    return sorted(found, key=_source_key)


def _source_key(source: Source) -> tuple[str, str, dt.date]:
    return (source.reported_by.casefold(), source.outlet.casefold(), source.date or dt.date.min)


def latest_as_of(rows: pd.DataFrame) -> dt.date | None:
    return None if rows.empty else rows["as_of"].max().date()


def as_of_line(rows: pd.DataFrame) -> str:
    latest = latest_as_of(rows)
    if latest is None:
        return "No figures in this view"
    return f"Figures as reported up to {_day(latest)}"


# ---------------------------------------------------------------------------------------------
# The briefing in parts, shared by the Markdown note, the framed charts and the briefing view.


@dataclass(frozen=True)
class Headline:
    """The latest figure one side gave for a metric (one of several if they share the day)."""

    metric_label: str
    affiliation: str  # label: 'Armenia', 'UN', ...
    value: str  # as written: 'more than 100,000'
    group: str  # label, '' for the whole count
    place: str
    as_of: str
    source: Source
    url: str


@dataclass(frozen=True)
class MetricHeadlines:
    metric: str
    label: str
    figures: tuple[Headline, ...]
    conflicts: int  # flags in view that touch a figure of this metric


@dataclass(frozen=True)
class BriefingParts:
    title: str
    view: str  # the filters in words
    as_of: str  # 'Figures as reported up to 30 Sep 2023'
    counts: str  # '13 figures from 9 sources; 1 conflict'
    headlines: tuple[MetricHeadlines, ...]
    conflicts: tuple[Conflict, ...]
    sources: tuple[Source, ...]  # of the figures in view and of every figure a conflict names


def _headline(row: Any, vocabulary: Vocabulary) -> Headline:
    when = row.published if not pd.isna(row.published) else row.as_of
    high = None if pd.isna(row.value_high) else int(row.value_high)
    as_of = _day(row.as_of) + (f", {row.as_of:%H:%M}" if row.as_of_has_time else "")
    return Headline(
        metric_label=vocabulary.metric_label(row.metric),
        affiliation=AFFILIATION_LABELS.get(row.affiliation, row.affiliation),
        value=_value_as_written(row.qualifier, int(row.value), high),
        group="" if row.group == WHOLE_GROUP else vocabulary.group_label(row.group),
        place=row.place,
        as_of=as_of,
        source=Source(row.reported_by, row.outlet, when.date()),
        url=row.url,
    )


def _headlines(
    rows: pd.DataFrame, conflicts: Sequence[Conflict], vocabulary: Vocabulary
) -> tuple[MetricHeadlines, ...]:
    """Per metric, each side's latest figures: every figure of that side's latest day.

    All figures of the latest day are kept rather than one picked, so two ministries that
    agree both appear and a total and its subgroup (311 evacuated, 102 of them children) both
    stay visible; nothing is chosen arbitrarily.
    """
    order = {name: index for index, name in enumerate(vocabulary.metrics)}
    group_order = {name: index for index, name in enumerate(vocabulary.groups)}
    side_order = {name: index for index, name in enumerate(AFFILIATION_LABELS)}
    lines_by_metric: dict[str, set[int]] = {}
    for row in rows.itertuples(index=False):
        lines_by_metric.setdefault(str(row.metric), set()).add(int(row.line))
    out = []
    for metric in sorted(lines_by_metric, key=lambda name: (order.get(name, len(order)), name)):
        of_metric = rows.loc[rows["metric"] == metric]
        latest_day = of_metric["as_of"].dt.normalize()
        newest = of_metric.loc[
            latest_day == latest_day.groupby(of_metric["affiliation"]).transform("max")
        ]
        ranked = newest.assign(
            _side=newest["affiliation"].map(lambda name: side_order.get(name, len(side_order))),
            _group=newest["group"].map(lambda name: group_order.get(name, len(group_order))),
        ).sort_values(["_side", "_group", "place", "reported_by", "line"], kind="stable")
        figures = tuple(_headline(row, vocabulary) for row in ranked.itertuples(index=False))
        touching = sum(1 for c in conflicts if lines_by_metric[metric].intersection(c.lines))
        out.append(
            MetricHeadlines(
                metric=metric,
                label=vocabulary.metric_label(metric),
                figures=figures,
                conflicts=touching,
            )
        )
    return tuple(out)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def briefing_parts(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    filters: ViewFilters,
    vocabulary: Vocabulary,
) -> BriefingParts:
    """The briefing of a view, in parts.

    `rows` may be all rows or the rows in view and `conflicts` all flags or those in view:
    filtering again is a no-op, so every caller gets the same view of the same data.
    """
    in_view = apply_filters(rows, filters)
    flags = tuple(conflicts_in_view(conflicts, in_view))
    in_view_sources = sources_in(in_view)
    sources = tuple(sorted({*in_view_sources, *conflict_sources(flags)}, key=_source_key))
    counts = (
        f"{_plural(len(in_view), 'figure')} from {_plural(len(in_view_sources), 'source')}; "
        f"{_plural(len(flags), 'conflict')}"
    )
    return BriefingParts(
        title=PRODUCT_TITLE,
        view=describe_filters(filters, vocabulary),
        as_of=as_of_line(in_view),
        counts=counts,
        headlines=_headlines(in_view, flags, vocabulary),
        conflicts=flags,
        sources=sources,
    )


def conflict_sentence(conflict: Conflict) -> str:
    """A flag as one sentence for a briefing: its title, then the engine's explanation."""
    return f"{conflict.title}: {conflict.explanation}"


# ---------------------------------------------------------------------------------------------
# The Markdown note.

# Characters Markdown (and Streamlit's Markdown, which adds $ for maths) would read as markup.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|$~])")


def markdown_text(text: str) -> str:
    """Text shown literally in Markdown: a reporter called '*X*' stays '*X*', not italics."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def _headline_line(figure: Headline) -> str:
    what = [figure.group] if figure.group else []
    if figure.place:
        what.append(figure.place)
    where = f" ({', '.join(what)})" if what else ""
    source = markdown_text(figure.source.label)
    if figure.url:
        source = f"[{source}](<{figure.url}>)"
    return (
        f"- {markdown_text(figure.affiliation)}: **{markdown_text(figure.value)}**"
        f"{markdown_text(where)} as of {figure.as_of} — {source}"
    )


def briefing_markdown(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    filters: ViewFilters,
    vocabulary: Vocabulary,
) -> str:
    """A short briefing note: the view, headline figures with sources, conflicts, sources."""
    parts = briefing_parts(rows, conflicts, filters, vocabulary)
    out = [
        f"# {markdown_text(parts.title)}",
        "",
        f"**{markdown_text(parts.view)}**  ",
        f"{parts.as_of}. {parts.counts}.",
        "",
        "Each figure is given as its source worded it, with who said it and when; this note "
        "takes no side.",
        "",
        "## Headline figures",
        "",
        "The latest figures each side gave for each metric.",
        "",
    ]
    if not parts.headlines:
        out += ["No figures in this view.", ""]
    for metric in parts.headlines:
        touching = f" ({_plural(metric.conflicts, 'conflict')})" if metric.conflicts else ""
        out += [f"### {markdown_text(metric.label)}{touching}", ""]
        out += [_headline_line(figure) for figure in metric.figures]
        out.append("")
    out += ["## Conflicting figures", ""]
    if not parts.conflicts:
        out += ["No conflicting figures in this view.", ""]
    for conflict in parts.conflicts:
        lines = ", ".join(str(line) for line in conflict.lines)
        out.append(
            f"- **{markdown_text(conflict.title)}** ({conflict.severity_label}): "
            f"{markdown_text(conflict.explanation)} _(lines {lines} of the figures file)_"
        )
    if parts.conflicts:
        out.append("")
    out += ["## Sources", ""]
    out += [f"- {markdown_text(source.label)}" for source in parts.sources] or ["None."]
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Charts framed for a briefing, and rendered without a browser.


def _declared_width(chart: alt.TopLevelMixin) -> int:
    """The chart's width in pixels if it states one, for wrapping the footnote to it."""
    width = getattr(chart, "width", alt.Undefined)
    if isinstance(width, int | float):
        return int(width)
    for part_name in ("hconcat", "concat"):
        parts = getattr(chart, part_name, alt.Undefined)
        if isinstance(parts, list) and parts:
            return sum(_declared_width(part) for part in parts)
    for part_name in ("vconcat", "layer"):
        parts = getattr(chart, part_name, alt.Undefined)
        if isinstance(parts, list) and parts:
            return max(_declared_width(part) for part in parts)
    return _DEFAULT_CHART_WIDTH


def _without_top_level_settings(chart: alt.TopLevelMixin) -> tuple[Any, dict[str, Any]]:
    """A copy of the chart that can sit inside a composition, and what had to come off it.

    Vega-Lite allows `config`, `autosize`, `padding`, `background` and `usermeta` only at the
    top level, so they move to the framing chart.
    """
    inner = chart.copy(deep=True)
    moved: dict[str, Any] = {}
    for name in ("config", "autosize", "padding", "background", "usermeta"):
        value = getattr(inner, name, alt.Undefined)
        if value is not alt.Undefined:
            moved[name] = value
            setattr(inner, name, alt.Undefined)
    if getattr(inner, "width", None) == "container":
        # No container exists when rendering server-side; a fixed width keeps the image stable.
        inner = inner.properties(width=_DEFAULT_CHART_WIDTH)
    return inner, moved


def split_title(chart: alt.TopLevelMixin) -> tuple[Any, str, list[str]]:
    """A copy of the chart without its title, and that title's text and subtitle lines.

    The frame (or a page) draws one title block; the chart's own subtitle lines (what the
    marks mean, what a sample leaves out) are kept and shown under it.
    """
    inner = chart.copy(deep=True)
    own = getattr(inner, "title", alt.Undefined)
    if own is alt.Undefined:
        return inner, "", []
    inner.title = alt.Undefined
    if isinstance(own, str):
        return inner, own, []
    params = own.to_dict() if hasattr(own, "to_dict") else dict(own)
    text = params.get("text", "")
    subtitle = params.get("subtitle", [])
    text = " ".join(text) if isinstance(text, list) else str(text)
    lines = [subtitle] if isinstance(subtitle, str) else [str(line) for line in subtitle]
    return inner, text, lines


def briefing_chart(
    chart: alt.TopLevelMixin,
    *,
    title: str,
    subtitle_lines: Sequence[str],
    sources: Sequence[str],
    width: int | None = None,
) -> alt.VConcatChart:
    """Frame any chart for a briefing: a title, subtitle lines (the view, the as-of line) above,
    and a footnote naming every source below, all drawn into the image itself. A title the
    chart has of its own is replaced, and its subtitle lines follow `subtitle_lines`.

    `sources` are labels ('Reporter (Outlet, 30 Sep 2023)'); `width` is what the footnote wraps
    to (default: the chart's own width).
    """
    untitled, _, own_lines = split_title(chart)
    inner, moved = _without_top_level_settings(untitled)
    wrap_width = width or _declared_width(inner)
    footed = alt.vconcat(inner).properties(
        title=alt.TitleParams(
            footnote_lines(sources, wrap_width),
            orient="bottom",
            anchor="start",
            fontSize=FOOTNOTE_FONT_SIZE,
            fontWeight="normal",
            color="#3a3a3a",
            lineHeight=14,
            offset=14,
        )
    )
    framed = alt.vconcat(footed).properties(
        title=alt.TitleParams(
            title,
            subtitle=[*subtitle_lines, *own_lines],
            anchor="start",
            fontSize=18,
            subtitleFontSize=12,
            subtitleColor="#3a3a3a",
            subtitleLineHeight=16,
            offset=14,
        ),
        background="white",
        padding={"left": 16, "right": 16, "top": 14, "bottom": 12},
    )
    for name, value in moved.items():
        if name == "config":
            framed.config = value
        elif name not in ("padding", "background"):
            setattr(framed, name, value)
    return framed


def _vl_version() -> str:
    # The Vega-Lite release altair writes its specs for, in vl-convert's spelling ('6.4').
    return ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def _spec(chart: alt.TopLevelMixin) -> str:
    return chart.to_json(sort_keys=True)


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG, rendered by vl-convert: no browser, and no network (external data is
    refused, so a spec pointing at a URL fails instead of fetching)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(_spec(chart), vl_version=_vl_version(), allowed_base_urls=[])


def chart_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """The chart as PNG at `scale` times its size (2 by default: sharp on slides and projectors)."""
    import vl_convert

    return vl_convert.vegalite_to_png(
        _spec(chart), vl_version=_vl_version(), scale=scale, allowed_base_urls=[]
    )


def view_chart(
    kind: ChartKind,
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    filters: ViewFilters,
    vocabulary: Vocabulary,
    *,
    reporters: Sequence[str] | None = None,
    **options: Any,
) -> alt.VConcatChart:
    """One of the dashboard's charts of a view, framed for a briefing (title, as-of, sources).

    `reporters` fixes the colours (default: every reporter in `rows`, so when `rows` is the
    whole data a reporter keeps its colour from one view to the next, as on the dashboard);
    `options` go to the chart function (color_by, log_scale, highlight).
    """
    from figures import charts  # the dashboard's charts; imported late, it pulls in more

    parts = briefing_parts(rows, conflicts, filters, vocabulary)
    in_view = apply_filters(rows, filters)
    build = charts.timeline_chart if kind == "timeline" else charts.by_source_chart
    palette = list(reporters) if reporters is not None else sorted(set(rows["reported_by"]))
    chart = build(in_view, list(parts.conflicts), vocabulary, reporters=palette, **options)
    return briefing_chart(
        chart,
        title=CHART_TITLES[kind],
        subtitle_lines=[parts.view, f"{parts.as_of} · {parts.counts}"],
        # What the image draws: figures in view (a pair half outside the view is not drawn).
        sources=[source.label for source in sources_in(in_view)],
    )


@dataclass(frozen=True)
class ChartPanels:
    """Which (metric, group) panels a size-limited chart shows, and which it leaves out."""

    rows: pd.DataFrame  # the rows of the panels shown
    shown: tuple[str, ...]  # panel labels, vocabulary order
    left_out: tuple[str, ...]


def _panel_label(vocabulary: Vocabulary, metric: str, group: str) -> str:
    label = vocabulary.metric_label(metric)
    return label if group == WHOLE_GROUP else f"{label} ({vocabulary.group_label(group)})"


def panels_to_chart(
    rows: pd.DataFrame, conflicts: Sequence[Conflict], vocabulary: Vocabulary, limit: int
) -> ChartPanels:
    """At most `limit` of the view's (metric, group) panels, for a chart that must fit a screen.

    Panels with a conflict in view come first (a briefing is about where reports disagree),
    then whole counts before subgroups, then those with more figures, then vocabulary order;
    so the choice is deterministic and the figures in dispute are always charted.
    """
    metric_order = {name: index for index, name in enumerate(vocabulary.metrics)}
    group_order = {name: index for index, name in enumerate(vocabulary.groups)}
    disputed = {line for conflict in conflicts for line in conflict.lines}
    panels: dict[tuple[str, str], list[int]] = {}
    for metric, group, line in zip(rows["metric"], rows["group"], rows["line"], strict=True):
        panels.setdefault((str(metric), str(group)), []).append(int(line))

    def vocabulary_rank(panel: tuple[str, str]) -> tuple[int, int, str, str]:
        metric, group = panel
        return (
            metric_order.get(metric, len(metric_order)),
            group_order.get(group, len(group_order)),
            metric,
            group,
        )

    def priority(panel: tuple[str, str]) -> tuple[bool, bool, int, tuple[int, int, str, str]]:
        lines = panels[panel]
        return (
            not disputed.intersection(lines),
            panel[1] != WHOLE_GROUP,
            -len(lines),
            vocabulary_rank(panel),
        )

    chosen = sorted(panels, key=priority)[: max(limit, 0)]
    shown = sorted(chosen, key=vocabulary_rank)
    left_out = sorted(set(panels) - set(chosen), key=vocabulary_rank)
    keep = pd.Series(list(zip(rows["metric"], rows["group"], strict=True)), index=rows.index)
    return ChartPanels(
        rows=rows.loc[keep.isin(set(chosen))],
        shown=tuple(_panel_label(vocabulary, *panel) for panel in shown),
        left_out=tuple(_panel_label(vocabulary, *panel) for panel in left_out),
    )


# ---------------------------------------------------------------------------------------------
# File names.


def _slug(text: str, limit: int = 24) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return slug[:limit].rstrip("-") or "x"


def view_slug(filters: ViewFilters) -> str:
    """A short, stable name for a view: 'all', 'troops', 'fled_armenia_2023-09-19-2023-09-30'."""
    parts: list[str] = []
    for values in (
        filters.metrics,
        filters.groups,
        filters.places,
        filters.affiliations,
        filters.reporters,
    ):
        if values:
            parts.append("-".join(_slug(value, 16) for value in values))
    if filters.start or filters.end:
        start = filters.start.isoformat() if filters.start else "start"
        end = filters.end.isoformat() if filters.end else "end"
        parts.append(f"{start}-{end}")
    slug = "_".join(parts) or "all"
    return slug[:80].rstrip("-_")


def export_filename(filters: ViewFilters, what: str, extension: str) -> str:
    """'figures_troops_timeline.png', 'figures_all.csv': one view and export, one name."""
    suffix = f"_{what}" if what else ""
    return f"figures_{view_slug(filters)}{suffix}.{extension}"
