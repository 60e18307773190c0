"""A view of the figures: which metrics, groups, places, sides, reporters and dates.

One definition serves the dashboard (where the view lives in the URL's query parameters), the
briefing view and the export command, so a link, a screenshot and a scheduled report of the
same view show the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import cast

import numpy as np
import pandas as pd

from figures.conflicts import Conflict
from figures.vocabulary import Vocabulary
from figures.wording import day_text

# Query parameter names; multi-valued ones repeat (?metric=fled&metric=arrived).
MULTI_KEYS = {
    "metric": "metrics",
    "group": "groups",
    "place": "places",
    "affiliation": "affiliations",
    "reporter": "reporters",
}
DATE_KEYS = {"from": "start", "to": "end"}
NO_PLACE = "(no place)"  # how a blank place is named in filters and legends


@dataclass(frozen=True)
class ViewFilters:
    """Empty tuples mean "all"."""

    metrics: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    reporters: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None

    def with_changes(self, **changes: object) -> ViewFilters:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class FilterChoices:
    """What each filter can be set to, given the data and the vocabulary."""

    metrics: tuple[str, ...]
    groups: tuple[str, ...]
    places: tuple[str, ...]
    affiliations: tuple[str, ...]
    reporters: tuple[str, ...]
    first_day: dt.date | None
    last_day: dt.date | None
    notices: list[str] = field(default_factory=list)


def _place_names(places: Iterable[str]) -> list[str]:
    return [place if place else NO_PLACE for place in places]


def filter_choices(rows: pd.DataFrame, vocabulary: Vocabulary) -> FilterChoices:
    """Values present in the data (metrics in vocabulary order), for widgets and URL checks."""
    present_metrics = set(rows["metric"]) if len(rows) else set()
    present_groups = set(rows["group"]) if len(rows) else set()
    # cast: pandas-stubs match an empty list to Series' `Sequence[str]` overload, whatever the
    # dtype, and type this empty object column of days as Series[str].
    days = (
        rows["as_of"].dt.date
        if len(rows)
        else cast("pd.Series[dt.date]", pd.Series([], dtype=object))
    )
    return FilterChoices(
        metrics=tuple(name for name in vocabulary.metrics if name in present_metrics),
        groups=tuple(name for name in vocabulary.groups if name in present_groups),
        places=tuple(sorted(set(_place_names(rows["place"])))) if len(rows) else (),
        affiliations=tuple(
            name for name in vocabulary.sides if len(rows) and (rows["affiliation"] == name).any()
        ),
        reporters=tuple(sorted(set(rows["reported_by"]))) if len(rows) else (),
        first_day=min(days) if len(days) else None,
        last_day=max(days) if len(days) else None,
    )


def apply_filters(rows: pd.DataFrame, filters: ViewFilters) -> pd.DataFrame:
    """The rows in view, in their original order."""
    # Plain boolean arrays: combining pandas Series aligned their indexes at every step.
    keep = np.ones(len(rows), dtype=bool)
    if filters.metrics:
        keep &= rows["metric"].isin(filters.metrics).to_numpy(bool)
    if filters.groups:
        keep &= rows["group"].isin(filters.groups).to_numpy(bool)
    if filters.places:
        places = rows["place"].where(rows["place"] != "", NO_PLACE)
        keep &= places.isin(filters.places).to_numpy(bool)
    if filters.affiliations:
        keep &= rows["affiliation"].isin(filters.affiliations).to_numpy(bool)
    if filters.reporters:
        keep &= rows["reported_by"].isin(filters.reporters).to_numpy(bool)
    if filters.start is not None:
        keep &= (rows["as_of"] >= pd.Timestamp(filters.start)).to_numpy(bool)
    if filters.end is not None:
        keep &= (rows["as_of"] < pd.Timestamp(filters.end) + pd.Timedelta(days=1)).to_numpy(bool)
    return rows.iloc[np.flatnonzero(keep)]


def conflicts_in_view(conflicts: Sequence[Conflict], rows_in_view: pd.DataFrame) -> list[Conflict]:
    """Flags that touch at least one figure in view.

    Flags are decided on all valid rows, never on the view: hiding one side of a dispute must
    not make the dispute disappear from the figures that remain.
    """
    lines = set(rows_in_view["line"].tolist())
    return [conflict for conflict in conflicts if lines.intersection(conflict.lines)]


def _parse_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def filters_from_query(
    params: Mapping[str, Sequence[str]], choices: FilterChoices
) -> tuple[ViewFilters, list[str]]:
    """Read a view from query parameters; unknown values are dropped with a notice each."""
    notices: list[str] = []
    values: dict[str, object] = {}
    for key, attribute in MULTI_KEYS.items():
        allowed = getattr(choices, attribute)
        asked = [value for value in params.get(key, []) if value != ""]
        known = tuple(dict.fromkeys(value for value in asked if value in allowed))
        for value in asked:
            if value not in allowed:
                notices.append(f"Ignored {key}={value!r}: no such {key} in the data.")
        values[attribute] = known
    for key, attribute in DATE_KEYS.items():
        asked = list(params.get(key, []))
        if not asked:
            continue
        day = _parse_day(asked[-1])
        if day is None:
            notices.append(f"Ignored {key}={asked[-1]!r}: dates are written YYYY-MM-DD.")
            continue
        values[attribute] = day
    filters = ViewFilters(**values)  # type: ignore[arg-type]
    if filters.start and filters.end and filters.start > filters.end:
        notices.append("Ignored the date range: 'from' is after 'to'.")
        filters = filters.with_changes(start=None, end=None)
    return filters, notices


def filters_to_query(filters: ViewFilters) -> dict[str, list[str]]:
    """The query parameters of a view (only what differs from "all")."""
    params: dict[str, list[str]] = {}
    for key, attribute in MULTI_KEYS.items():
        chosen = getattr(filters, attribute)
        if chosen:
            params[key] = list(chosen)
    if filters.start:
        params["from"] = [filters.start.isoformat()]
    if filters.end:
        params["to"] = [filters.end.isoformat()]
    return params


def _day_text(day: dt.date) -> str:
    return day_text(day)


def describe_filters(filters: ViewFilters, vocabulary: Vocabulary) -> str:
    """One line for titles: 'People who fled · Valdoria · from 19 Sep 2023'."""
    parts: list[str] = []
    if filters.metrics:
        parts.append(", ".join(vocabulary.metric_label(name) for name in filters.metrics))
    else:
        parts.append("All metrics")
    if filters.groups:
        parts.append(", ".join(vocabulary.group_label(name) for name in filters.groups))
    if filters.places:
        parts.append(", ".join(filters.places))
    if filters.affiliations:
        labels = [vocabulary.side_label(name) for name in filters.affiliations]
        parts.append("reported by " + ", ".join(labels) + " sources")
    if filters.reporters:
        parts.append("reported by " + ", ".join(filters.reporters))
    if filters.start and filters.end:
        parts.append(f"{_day_text(filters.start)} to {_day_text(filters.end)}")
    elif filters.start:
        parts.append(f"from {_day_text(filters.start)}")
    elif filters.end:
        parts.append(f"up to {_day_text(filters.end)}")
    return " · ".join(parts)
