"""A headline in words, cell by cell, and which headlines lead a page with little room: one
definition for the dashboard, the briefing page, the Markdown note and the command."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from figures.headline.rule import LATEST, PRE_CRISIS, Claim, Headline, upper
from figures.vocabulary import Vocabulary
from figures.wording import date_text, plural, source_label, value_as_written


@dataclass(frozen=True)
class HeadlineCells:
    """One headline as every page shows it, each cell plain text (escape to show)."""

    label: str  # 'People who fled from Valdoria' ('… — Children' for a group)
    group: str  # the group's label ('Children'), '' for a whole count
    figure: str  # 'more than 100,000', or 'disputed: 0 (North) against about 10,000 (South)'
    note: str  # 'before the crisis' for a pre-crisis level, else ''
    as_of: str
    source: str  # 'The prime minister (AFP)'; a dispute names both reporters
    support: str  # '7 reporters, 9 outlets'
    spread: str  # 'up to 3,000 – about 105,000' across the reporters, '' when they agree
    spread_of: str  # "reporters' latest figures" or "figures of the window"
    conflicts: tuple[str, ...]  # flag ids, as the dashboard links them
    disputed: bool
    metric: str
    place: str


def claim_text(claim: Claim) -> str:
    """The figure as its source worded it: 'more than 100,000'."""
    return value_as_written(claim.qualifier, claim.value, claim.value_high)


def quantity_label(headline: Headline, vocabulary: Vocabulary) -> str:
    """'People who fled from Valdoria'; a group after its total's label:
    'People evacuated from Valdoria — Children'."""
    metric = vocabulary.metrics.get(headline.metric)
    label = vocabulary.metric_label(headline.metric)
    if headline.place:
        preposition = metric.place_preposition if metric else "in"
        label = f"{label} {preposition} {headline.place}"
    if headline.is_subgroup:
        label = f"{label} — {vocabulary.group_label(headline.group)}"
    return label


def _spread(headline: Headline) -> str:
    low, high = headline.low, headline.high
    if headline.disputed or (low.value, upper(low)) == (high.value, upper(high)):
        return ""
    return f"{claim_text(low)} – {claim_text(high)}"


def headline_cells(
    headline: Headline, vocabulary: Vocabulary, side_labels: Mapping[str, str]
) -> HeadlineCells:
    """The headline's words, cell by cell."""
    chosen = headline.chosen
    if headline.dispute is not None:
        low, high = headline.dispute
        sides = [side_labels.get(c.affiliation, c.affiliation) for c in (low, high)]
        figure = f"disputed: {claim_text(low)} ({sides[0]}) against {claim_text(high)} ({sides[1]})"
        source = f"{low.reported_by} against {high.reported_by}"
        as_of = date_text(max(low.as_of, high.as_of))
    else:
        assert chosen is not None  # a headline picks a figure unless it is disputed
        figure = claim_text(chosen)
        source = source_label(chosen.reported_by, chosen.outlet, "")
        as_of = date_text(chosen.as_of, chosen.as_of_has_time)
    return HeadlineCells(
        label=quantity_label(headline, vocabulary),
        group=vocabulary.group_label(headline.group) if headline.is_subgroup else "",
        figure=figure,
        note="before the crisis" if headline.basis == PRE_CRISIS else "",
        as_of=as_of,
        source=source,
        support=f"{plural(headline.reporters, 'reporter')}, {plural(headline.outlets, 'outlet')}",
        spread=_spread(headline),
        spread_of=(
            "reporters' latest figures" if headline.basis == LATEST else "figures of the window"
        ),
        conflicts=headline.conflicts,
        disputed=headline.disputed,
        metric=headline.metric,
        place=headline.place,
    )


def headline_sentence(cells: HeadlineCells) -> str:
    """The cells as one line of text, after the quantity's label:
    'more than 100,000 — The prime minister (AFP), 30 Sep 2023; 2 reporters, 5 outlets; the
    reporters' latest figures run from 28,120 to more than 100,000'."""
    if cells.disputed:
        return f"{cells.figure}, {cells.as_of}"
    text = f"{cells.figure} — {cells.source}, {cells.as_of}"
    if cells.note:
        text += f" ({cells.note})"
    text += f"; {cells.support}"
    if cells.spread:
        text += f"; the {cells.spread_of} run from {cells.spread.replace(' – ', ' to ')}"
    return text


def under_total(shown: Sequence[Headline]) -> list[bool]:
    """Which headlines stand indented under their total: a group whose quantity's whole count
    (or a sibling group under it) is the line before it. A group shown without its total
    stands alone, with its full label."""
    indented: list[bool] = []
    for index, headline in enumerate(shown):
        before = shown[index - 1] if index else None
        indented.append(
            headline.is_subgroup
            and before is not None
            and (before.metric, before.place) == (headline.metric, headline.place)
            and (not before.is_subgroup or indented[-1])
        )
    return indented


def lead_headlines(found: Sequence[Headline], limit: int) -> tuple[list[Headline], list[Headline]]:
    """The headlines a page with room for `limit` leads with, and the rest, each in the
    headline's own order: the quantities the most reporters (then outlets) give, so the
    figures everyone talks about come first and a one-outlet relay waits for the dashboard."""
    if len(found) <= limit:
        return list(found), []
    ranked = sorted(
        range(len(found)), key=lambda index: (-found[index].reporters, -found[index].outlets)
    )
    kept = set(ranked[:limit])
    return (
        [h for index, h in enumerate(found) if index in kept],
        [h for index, h in enumerate(found) if index not in kept],
    )
