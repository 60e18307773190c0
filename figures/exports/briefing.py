"""The briefing of a view: its parts (title, view, date, counts, the headline, the latest figure
per side, conflict sentences, sources), and the Markdown note made of them.

Text for people is built once in `briefing_parts` and `headline_cells`; the Markdown note, the
framed chart images (`figures.exports.images`) and the briefing page
(`figures.ui.pages.briefing`) each render those parts, so a download and a screenshot say the
same thing. The headline itself is chosen by `figures.headline` (docs/headline.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from figures.cells import link_target, without_controls
from figures.conflicts import Conflict
from figures.filters import ViewFilters, apply_filters, conflicts_in_view, describe_filters
from figures.headline import Headline as QuantityHeadline
from figures.headline import (
    first_movement,
    headline_cells,
    headline_sentence,
    headlines,
    quantity_label,
    under_total,
)
from figures.per_side import latest_per_side
from figures.vocabulary import WHOLE_GROUP, Vocabulary
from figures.wording import date_text, day_of_text, day_text, plural, source_label, value_as_written

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
        """'Ana Lind (AFP, 30 Sep 2023)', the style of the conflict sentences."""
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


def reporters_line(sources: Sequence[Source], limit: int) -> str:
    """The sources as one short line for a page that has no room for each: every reporter
    once, with how many outlets published it ('UNHCR (3 outlets)'), the most published
    first, at most `limit` characters, then 'and N more reporters'."""
    outlets: dict[str, set[str]] = {}
    for source in sources:
        outlets.setdefault(source.reported_by, set()).add(source.outlet.casefold())
    ranked = sorted(outlets, key=lambda name: (-len(outlets[name]), name.casefold()))
    names = [
        f"{name} ({plural(len(outlets[name]), 'outlet')})" if len(outlets[name]) > 1 else name
        for name in ranked
    ]
    shown: list[str] = []
    for index, name in enumerate(names):
        rest = len(names) - index - 1
        tail = f"; and {plural(rest, 'more reporter')}" if rest else ""
        if shown and len("; ".join([*shown, name])) + len(tail) > limit:
            break
        shown.append(name)
    left = len(names) - len(shown)
    return "; ".join(shown) + (f"; and {plural(left, 'more reporter')}" if left else "")


def as_of_line(rows: pd.DataFrame) -> str:
    """'Figures as reported up to 30 Sep 2023': the latest day the figures describe."""
    if rows.empty:
        return "No figures in this view"
    return f"Figures as reported up to {day_text(rows['as_of'].max())}"


# ---------------------------------------------------------------------------------------------
# The headline in words: one quantity's figure, date, source, support, range and flags.


# ---------------------------------------------------------------------------------------------
# The briefing in parts, shared by the Markdown note, the framed charts and the briefing view.


@dataclass(frozen=True)
class SideFigure:
    """The latest figure one side gave for a metric and group (figures.per_side)."""

    metric_label: str
    affiliation: str  # the side's label (sides.csv): 'UN', 'NGO', ...
    value: str  # as written: 'more than 100,000'
    group: str  # label, '' for the whole count
    place: str
    as_of: str
    source: Source
    url: str


@dataclass(frozen=True)
class MetricSides:
    metric: str
    label: str
    figures: tuple[SideFigure, ...]
    conflicts: int  # flags in view that touch a figure of this metric


@dataclass(frozen=True)
class BriefingParts:
    title: str
    view: str  # the filters in words
    as_of: str  # 'Figures as reported up to 30 Sep 2023'
    counts: str  # '13 figures from 9 sources; 1 conflict'
    headlines: tuple[QuantityHeadline, ...]  # one per quantity in view (figures.headline)
    per_side: tuple[MetricSides, ...]  # the latest figure of each side
    conflicts: tuple[Conflict, ...]
    sources: tuple[Source, ...]  # of the figures in view and of every figure a conflict names
    urls: Mapping[int, str]  # the address of each line in view, for the note's links


def _side_figure(row: Any, vocabulary: Vocabulary) -> SideFigure:
    high = None if pd.isna(row.value_high) else int(row.value_high)
    return SideFigure(
        metric_label=vocabulary.metric_label(row.metric),
        affiliation=vocabulary.side_label(row.affiliation),
        value=value_as_written(row.qualifier, int(row.value), high),
        group="" if row.group == WHOLE_GROUP else vocabulary.group_label(row.group),
        place=row.place,
        as_of=date_text(row.as_of, bool(row.as_of_has_time)),
        source=_source_of(row),
        url=row.url,
    )


def _per_side(
    rows: pd.DataFrame, conflicts: Sequence[Conflict], vocabulary: Vocabulary
) -> tuple[MetricSides, ...]:
    """Per metric, the latest figure of each side and group (figures.per_side)."""
    newest = latest_per_side(rows, vocabulary)
    out = []
    for metric in dict.fromkeys(newest["metric"].tolist()):
        lines = set(rows.loc[rows["metric"] == metric, "line"].tolist())
        out.append(
            MetricSides(
                metric=metric,
                label=vocabulary.metric_label(metric),
                figures=tuple(
                    _side_figure(row, vocabulary)
                    for row in newest[newest["metric"] == metric].itertuples(index=False)
                ),
                conflicts=sum(1 for c in conflicts if lines.intersection(c.lines)),
            )
        )
    return tuple(out)


def briefing_parts(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    filters: ViewFilters,
    vocabulary: Vocabulary,
    *,
    movement_start: pd.Timestamp | None = None,
) -> BriefingParts:
    """The briefing of a view, in parts.

    `rows` may be all rows or the rows in view and `conflicts` all flags or those in view:
    filtering again is a no-op, so every caller gets the same view of the same data.
    `movement_start` dates the pre-crisis line; by default it is taken from `rows`, so pass
    it (figures.headline.first_movement of the whole file) when `rows` is already a view.
    """
    if movement_start is None:
        movement_start = first_movement(rows, vocabulary)
    in_view = apply_filters(rows, filters)
    flags = tuple(conflicts_in_view(conflicts, in_view))
    in_view_sources = sources_in(in_view)
    sources = tuple(sorted({*in_view_sources, *conflict_sources(flags)}, key=_source_key))
    counts = (
        f"{plural(len(in_view), 'figure')} from {plural(len(in_view_sources), 'source')}; "
        f"{plural(len(flags), 'conflict')}"
    )
    return BriefingParts(
        title=vocabulary.about.title,
        view=describe_filters(filters, vocabulary),
        as_of=as_of_line(in_view),
        counts=counts,
        headlines=tuple(headlines(in_view, vocabulary, flags, movement_start=movement_start)),
        per_side=_per_side(in_view, flags, vocabulary),
        conflicts=flags,
        sources=sources,
        urls=dict(zip(in_view["line"].tolist(), in_view["url"].tolist(), strict=True)),
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


def _headline_item(
    headline: QuantityHeadline, indented: bool, parts: BriefingParts, vocabulary: Vocabulary
) -> str:
    """'- **People who fled from Valdoria**: more than 100,000 — UNHCR (AFP), …',
    a group indented under its total, the chosen figure's source linked, its flags named."""
    label = markdown_text(quantity_label(headline, vocabulary))
    cells = headline_cells(headline, vocabulary, vocabulary.side_labels())
    sentence = markdown_text(headline_sentence(cells))
    item = f"{'  ' if indented else ''}- **{label}**: {sentence}"
    url = parts.urls.get(headline.chosen.line, "") if headline.chosen else ""
    # As for every link of the note: only an address that passes the URL rule, encoded.
    target = link_target(url) if url else None
    if target is not None:
        item += f" [(source)](<{target}>)"
    if headline.conflicts:
        names = ", ".join(f"`{flag}`" for flag in headline.conflicts)
        item += f" — flagged: {names}"
    return item


def _headline_section(parts: BriefingParts, vocabulary: Vocabulary) -> list[str]:
    out = [
        "## Headline",
        "",
        "One figure per quantity, chosen by the rule in docs/headline.md: the best-supported "
        "figure with the range the other reporters give; a quantity the sides dispute says so.",
        "",
    ]
    if not parts.headlines:
        return [*out, "No figures in this view.", ""]
    indented = under_total(parts.headlines)
    out += [
        _headline_item(headline, indent, parts, vocabulary)
        for headline, indent in zip(parts.headlines, indented, strict=True)
    ]
    return [*out, ""]


def _side_line(figure: SideFigure) -> str:
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


def _per_side_section(parts: BriefingParts) -> list[str]:
    out = ["## Latest figure per side", "", "The latest figure each side gave, per metric.", ""]
    if not parts.per_side:
        return [*out, "No figures in this view.", ""]
    for metric in parts.per_side:
        touching = f" ({plural(metric.conflicts, 'conflict')})" if metric.conflicts else ""
        out += [f"### {markdown_text(metric.label)}{touching}", ""]
        out += [_side_line(figure) for figure in metric.figures]
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
    *,
    movement_start: pd.Timestamp | None = None,
) -> str:
    """A short briefing note: the view, the headline, each side's latest figure, the
    conflicts and the sources. `movement_start` as for `briefing_parts`."""
    parts = briefing_parts(rows, conflicts, filters, vocabulary, movement_start=movement_start)
    out = [
        f"# {markdown_text(parts.title)}",
        "",
        f"**{markdown_text(parts.view)}**  ",
        f"{parts.as_of}. {parts.counts}.",
        "",
        "Each figure is given as its source worded it, with who said it and when; this note "
        "takes no side.",
        "",
        *_headline_section(parts, vocabulary),
        *_conflict_section(parts),
        *_per_side_section(parts),
        "## Sources",
        "",
    ]
    out += [f"- {markdown_text(source.label)}" for source in parts.sources] or ["None."]
    out.append("")
    return "\n".join(out)
