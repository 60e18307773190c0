"""The briefing of a view: its parts (title, view, date, counts, headline figures, conflict
sentences, sources), and the Markdown note made of them.

Text for people is built once in `briefing_parts`; the Markdown note, the framed chart images
(`figures.exports.images`) and the briefing page (`figures.ui_briefing`) each render those
parts, so a download and a screenshot say the same thing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from figures.cells import link_target, without_controls
from figures.conflicts import Conflict
from figures.contract import AFFILIATION_LABELS
from figures.filters import ViewFilters, apply_filters, conflicts_in_view, describe_filters
from figures.vocabulary import WHOLE_GROUP, Vocabulary
from figures.wording import date_text, day_of_text, day_text, plural, source_label, value_as_written

PRODUCT_TITLE = "Reported refugee-flow figures"

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
        day = day_text(self.date) if self.date is not None else ""
        return source_label(self.reported_by, self.outlet, day)


def _source_key(source: Source) -> tuple[str, str, dt.date]:
    return (source.reported_by.casefold(), source.outlet.casefold(), source.date or dt.date.min)


def _source_of(row: Any) -> Source:
    """A row's source, dated by publication, else by the figure's own day."""
    when = row.published if not pd.isna(row.published) else row.as_of
    return Source(str(row.reported_by), str(row.outlet), when.date())


def sources_in(rows: pd.DataFrame) -> list[Source]:
    """Every distinct source of the rows, sorted by reporter, outlet and date."""
    return sorted({_source_of(row) for row in rows.itertuples(index=False)}, key=_source_key)


def conflict_sources(conflicts: Sequence[Conflict]) -> list[Source]:
    """The sources a set of conflict sentences names, dated as the sentences date them.

    A sentence can name a figure outside the view (the other side of a dispute), and a
    source a page names must be in its footnote.
    """
    found = {
        Source(ref.reported_by, ref.outlet, day_of_text(ref.published or ref.as_of))
        for conflict in conflicts
        for ref in conflict.figures
    }
    return sorted(found, key=_source_key)


def as_of_line(rows: pd.DataFrame) -> str:
    """'Figures as reported up to 30 Sep 2023': the latest day the figures describe."""
    if rows.empty:
        return "No figures in this view"
    return f"Figures as reported up to {day_text(rows['as_of'].max())}"


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
    high = None if pd.isna(row.value_high) else int(row.value_high)
    return Headline(
        metric_label=vocabulary.metric_label(row.metric),
        affiliation=AFFILIATION_LABELS.get(row.affiliation, row.affiliation),
        value=value_as_written(row.qualifier, int(row.value), high),
        group="" if row.group == WHOLE_GROUP else vocabulary.group_label(row.group),
        place=row.place,
        as_of=date_text(row.as_of, bool(row.as_of_has_time)),
        source=_source_of(row),
        url=row.url,
    )


def _latest_of_each_side(of_metric: pd.DataFrame, vocabulary: Vocabulary) -> pd.DataFrame:
    """Every figure of each side's latest day, by side, group, place, reporter and line."""
    group_order = {name: index for index, name in enumerate(vocabulary.groups)}
    side_order = {name: index for index, name in enumerate(AFFILIATION_LABELS)}
    latest_day = of_metric["as_of"].dt.normalize()
    newest = of_metric.loc[
        latest_day == latest_day.groupby(of_metric["affiliation"]).transform("max")
    ]
    return newest.assign(
        _side=newest["affiliation"].map(lambda name: side_order.get(name, len(side_order))),
        _group=newest["group"].map(lambda name: group_order.get(name, len(group_order))),
    ).sort_values(["_side", "_group", "place", "reported_by", "line"], kind="stable")


def _headlines(
    rows: pd.DataFrame, conflicts: Sequence[Conflict], vocabulary: Vocabulary
) -> tuple[MetricHeadlines, ...]:
    """Per metric, each side's latest figures: every figure of that side's latest day.

    All figures of the latest day are kept rather than one picked, so two ministries that
    agree both appear and a total and its subgroup (311 evacuated, 102 of them children) both
    stay visible; nothing is chosen arbitrarily.
    """
    order = {name: index for index, name in enumerate(vocabulary.metrics)}
    lines_by_metric: dict[str, set[int]] = {}
    for row in rows.itertuples(index=False):
        lines_by_metric.setdefault(str(row.metric), set()).add(int(row.line))
    out = []
    for metric in sorted(lines_by_metric, key=lambda name: (order.get(name, len(order)), name)):
        ranked = _latest_of_each_side(rows.loc[rows["metric"] == metric], vocabulary)
        touching = sum(1 for c in conflicts if lines_by_metric[metric].intersection(c.lines))
        out.append(
            MetricHeadlines(
                metric=metric,
                label=vocabulary.metric_label(metric),
                figures=tuple(_headline(row, vocabulary) for row in ranked.itertuples(index=False)),
                conflicts=touching,
            )
        )
    return tuple(out)


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
        f"{plural(len(in_view), 'figure')} from {plural(len(in_view_sources), 'source')}; "
        f"{plural(len(flags), 'conflict')}"
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

# Characters Markdown (and Streamlit's Markdown, which adds $ for maths) would read as markup:
# emphasis, code, links and images ([ ] !), raw HTML (< >), entities (&), headings, tables,
# strike-through, and the e-mail autolinks of GitHub's Markdown (@).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|$~&!@])")
# GitHub's Markdown also links bare addresses ("https://x.example", "www.x.example"): an
# escaped ":" or "." breaks the pattern and reads the same.
_BARE_LINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=\bwww)(\.)")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029]")


def markdown_text(text: str) -> str:
    """Text shown literally in Markdown: a reporter called '*X*' stays '*X*', not italics.

    Nothing in it can become markup, a link, an image or raw HTML, in CommonMark or in
    GitHub's Markdown; control characters are dropped (`figures.cells.without_controls`) and
    line breaks become spaces, so the text stays on the line it was put on.
    """
    text = _LINE_BREAKS.sub(" ", without_controls(text))
    return _BARE_LINK.sub(r"\\\1\2", _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def _headline_line(figure: Headline) -> str:
    what = [figure.group] if figure.group else []
    if figure.place:
        what.append(figure.place)
    where = f" ({', '.join(what)})" if what else ""
    source = markdown_text(figure.source.label)
    # A link only to an address that passes the URL rule, percent-encoded where it must be;
    # a row that never went through the checker may hold anything in url.
    target = link_target(figure.url)
    if target is not None:
        source = f"[{source}](<{target}>)"
    return (
        f"- {markdown_text(figure.affiliation)}: **{markdown_text(figure.value)}**"
        f"{markdown_text(where)} as of {figure.as_of} — {source}"
    )


def _headline_section(parts: BriefingParts) -> list[str]:
    out = [
        "## Headline figures",
        "",
        "The latest figures each side gave for each metric.",
        "",
    ]
    if not parts.headlines:
        out += ["No figures in this view.", ""]
    for metric in parts.headlines:
        touching = f" ({plural(metric.conflicts, 'conflict')})" if metric.conflicts else ""
        out += [f"### {markdown_text(metric.label)}{touching}", ""]
        out += [_headline_line(figure) for figure in metric.figures]
        out.append("")
    return out


def _conflict_section(parts: BriefingParts) -> list[str]:
    out = ["## Conflicting figures", ""]
    if not parts.conflicts:
        return [*out, "No conflicting figures in this view.", ""]
    for conflict in parts.conflicts:
        lines = ", ".join(str(line) for line in conflict.lines)
        out.append(
            f"- **{markdown_text(conflict.title)}** ({conflict.severity_label}): "
            f"{markdown_text(conflict.explanation)} _(lines {lines} of the figures file)_"
        )
    return [*out, ""]


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
        *_headline_section(parts),
        *_conflict_section(parts),
        "## Sources",
        "",
    ]
    out += [f"- {markdown_text(source.label)}" for source in parts.sources] or ["None."]
    out.append("")
    return "\n".join(out)
