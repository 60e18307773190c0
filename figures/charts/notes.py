"""The short texts a chart prints about what it leaves out or draws from: the panels not
shown, the figures outside its time axis, and its sources, each reporter once.

They are sized to the chart: each fits a fixed number of lines at the chart's width
(`fit_lines`), ending in how many more there are and where to see them, so a chart's notes
never grow longer than the chart, whatever the file holds.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence

import pandas as pd

from figures.vocabulary import WHOLE_GROUP, Vocabulary
from figures.wording import date_text, plural, value_as_written

# A chart's source line and its "not shown" line take at most this many lines.
MAX_SOURCE_LINES = 3
MAX_OUTSIDE_LINES = 2
SOURCES_MORE = "{count} more: the CSV export lists every source."
OUTSIDE_MORE = "and {count} more"


def panels_left_out_note(shown: int, total: int) -> str:
    """The note of a chart showing only some of its panels, saying how to see the others."""
    return (
        f"Showing {shown} of {total} metric panels (one per metric, group and place); filter "
        f"by metric, group or place to see the other {total - shown}."
    )


def reporter_sources(reporters: Sequence[str], outlets: Sequence[str]) -> list[str]:
    """Each reporter once, with the outlets it reached readers through: 'UNHCR' (its own
    channel), 'UNHCR (Reuters)', 'Government of Valdoria (via 12 outlets)'; the reporters
    with the most figures first, then by name."""
    figures = Counter(reporters)
    relays: dict[str, set[str]] = {}
    for reporter, outlet in zip(reporters, outlets, strict=True):
        found = relays.setdefault(reporter, set())
        if outlet and outlet != reporter:
            found.add(outlet)
    labels = []
    for reporter in sorted(figures, key=lambda name: (-figures[name], name.casefold(), name)):
        via = relays[reporter]
        if len(via) == 1:
            labels.append(f"{reporter} ({next(iter(via))})")
        elif via:
            labels.append(f"{reporter} (via {len(via)} outlets)")
        else:
            labels.append(reporter)
    return labels


def fit_lines(
    lead: str,
    items: Sequence[str],
    more: str,
    chars: int,
    max_lines: int,
    end: str = ".",
    whole: bool = True,
) -> list[str]:
    """`lead` then `items` joined by '; ', wrapped at `chars` characters a line, in at most
    `max_lines` lines: as many items as fit, then `more` (formatted with the count left out).
    `whole` items are never broken across lines (one longer than a line is cut with an
    ellipsis), so a name stays whole and searchable; otherwise lines break between words."""
    for shown in range(len(items), -1, -1):
        tail = [more.format(count=len(items) - shown)] if shown < len(items) else []
        entries = [*items[:shown], *tail]
        if whole:
            lines = _wrapped(lead, entries, chars, end)
        else:
            lines = textwrap.wrap(f"{lead} {'; '.join(entries)}{end}", chars)
        if len(lines) <= max_lines:
            return lines
    return _wrapped(lead, [more.format(count=len(items))], chars, end)[:max_lines]


def _wrapped(lead: str, entries: Sequence[str], chars: int, end: str) -> list[str]:
    lines: list[str] = []
    current = lead
    for number, entry in enumerate(entries):
        last = number == len(entries) - 1
        text = entry if last or entry.endswith(".") else f"{entry};"
        if last and not text.endswith("."):
            text += end
        if len(text) > chars:
            text = text[: chars - 1].rstrip() + "…"
        if current and len(current) + 1 + len(text) > chars:
            lines.append(current)
            current = text
        else:
            current = f"{current} {text}" if current else text
    lines.append(current)
    return lines


def outside_items(rows: pd.DataFrame, vocabulary: Vocabulary) -> list[str]:
    """Each figure of `rows` (those outside a chart's time axis) in a few words, in date
    order: '31 Dec 2015 population 145,053 (2015 census of Valdoria)'."""
    if rows.empty:
        return []
    ordered = rows.sort_values(["as_of", "line"], kind="stable")
    items = []
    for row in ordered.to_dict("records"):
        what = vocabulary.metric_label(row["metric"]).lower()
        if row["group"] != WHOLE_GROUP:
            what += f" ({vocabulary.group_label(row['group']).lower()})"
        high = None if pd.isna(row["value_high"]) else int(row["value_high"])
        value = value_as_written(row["qualifier"], int(row["value"]), high)
        day = date_text(pd.Timestamp(row["as_of"]))
        items.append(f"{day} {what} {value} ({row['reported_by']})")
    return items


def outside_lines(items: Sequence[str], first_day: str, last_day: str, chars: int) -> list[str]:
    """'Not shown: 3 figures outside 18 Sep–12 Oct 2023: …; and 2 more — set the dates in
    the filters to see them.' in at most MAX_OUTSIDE_LINES lines of `chars` characters."""
    if not items:
        return []
    lead = f"Not shown: {plural(len(items), 'figure')} outside {first_day}–{last_day}:"
    end = " — set the dates in the filters to see them."
    lines = fit_lines(lead, list(items), OUTSIDE_MORE, chars, MAX_OUTSIDE_LINES, end, False)
    if OUTSIDE_MORE.format(count=len(items)) in " ".join(lines):
        # Not even one fits two lines: the first, cut short, says what kind they are.
        rest = f"; {OUTSIDE_MORE.format(count=len(items) - 1)}" if len(items) > 1 else ""
        first = f"{lead} {items[0]}{rest}{end}"
        lines = textwrap.wrap(first, chars)
        if len(items) == 1 or len(lines) > MAX_OUTSIDE_LINES:
            lines = textwrap.wrap(first, chars, max_lines=MAX_OUTSIDE_LINES, placeholder=" …")
    return lines
