"""The three interval checks: contradiction, decrease and part-exceeds-whole.

Each returns the pairs of (sorted) row indices that cannot both be true, as a (k, 2) array
with the smaller index first, distinct and sorted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from figures.arrays import distinct
from figures.conflicts.rules import EPSILON, certainly_before, disjoint, not_after, same_time
from figures.conflicts.sweep import (
    day_keys,
    pairs_in_ranges,
    rows_by_key,
    unique_pairs,
    window_extremes,
)
from figures.conflicts.table import CUMULATIVE, EVENT, FigureTable

# ---------------------------------------------------------------------------------------------
# contradiction: two figures of one quantity at the same time whose intervals are disjoint.


def contradiction_candidates(table: FigureTable) -> np.ndarray:
    t = table
    candidate = np.zeros(len(t), dtype=bool)
    # Stocks with a window: anything within ±window days of the same quantity.
    windowed = np.flatnonzero(t.window > 0)
    if len(windowed):
        near_low, near_high = window_extremes(t, windowed)
        candidate[windowed] = (t.high[windowed] < near_low) | (t.low[windowed] > near_high)
    # Same-moment kinds: an untimed intraday figure matches nothing; other figures are compared
    # within their day (daily metrics and events) or their minute (intraday metrics).
    # Kind, intraday and window are the metric's, so every run of a quantity's day is all
    # of one sort or the other.
    is_event = t.kind == EVENT
    moment = (t.window == 0) & ~(t.intraday & ~t.timed & ~is_event)
    by_minute = t.intraday & ~is_event
    near_low = np.where(by_minute, t.moment_low[t.moment_block], t.day_low[t.day_block])
    near_high = np.where(by_minute, t.moment_high[t.moment_block], t.day_high[t.day_block])
    candidate |= moment & ((t.high < near_low) | (t.low > near_high))
    return np.flatnonzero(candidate)


def contradiction_pairs(table: FigureTable) -> np.ndarray:
    a = contradiction_candidates(table)
    if not len(a):
        return np.empty((0, 2), dtype=np.int64)
    widest = int(table.window.max())
    keys = day_keys(table, widest)
    first = np.searchsorted(keys, keys[a] - table.window[a], side="left")
    end = np.searchsorted(keys, keys[a] + table.window[a], side="right")
    return pairs_in_ranges(
        a, first, end, lambda a, b: disjoint(table, a, b) & same_time(table, a, b).astype(bool)
    )


# ---------------------------------------------------------------------------------------------
# decrease: a running total certainly later than another and certainly below it.


def _exclusive_running_max(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For sorted blocks, the max of `values` over earlier blocks of the same group."""
    series = pd.Series(values)
    running = series.groupby(groups).cummax()
    return running.groupby(groups).shift(1).fillna(-np.inf).to_numpy(np.float64)


def decrease_candidates(table: FigureTable) -> np.ndarray:
    t = table
    cumulative = t.kind == CUMULATIVE
    if not cumulative.any():
        return np.flatnonzero(cumulative)
    # The highest lower bound on any earlier day of the same quantity...
    before = _exclusive_running_max(t.quantity[t.day_start], t.day_low)[t.day_block]
    # ... and, for a timed figure, at an earlier minute of its own day (untimed figures,
    # minute -1, were taken at no known moment and set no bound here).
    stamped_low = np.where(t.timed[t.moment_start], t.moment_low, -np.inf)
    earlier = _exclusive_running_max(t.day_block[t.moment_start], stamped_low)[t.moment_block]
    threshold = np.maximum(before, np.where(t.timed, earlier, -np.inf))
    return np.flatnonzero(cumulative & (t.high < threshold * (1 - EPSILON)))


# The decrease check narrows each candidate's range of earlier rows (see _first_above) once
# the plain ranges hold more than this many rows per row of the table.
NARROW_FROM = 1


def _first_above(table: FigureTable, candidates: np.ndarray) -> np.ndarray:
    """For each candidate, the first row of its quantity at which the quantity's running max
    of lows exceeds the candidate's high: no row before it can be above the candidate.

    A running total rises, so the rows above a late, low figure are the recent ones; starting
    there keeps a long total with many slips from comparing every figure with every other."""
    t = table
    asked = np.zeros(int(t.quantity[-1]) + 1, dtype=bool)
    asked[t.quantity[candidates]] = True
    rows = np.flatnonzero(asked[t.quantity])  # whole quantities, in sorted order
    running = pd.Series(t.low[rows]).groupby(t.quantity[rows]).cummax().to_numpy(np.float64)
    # (quantity, running max) is sorted along `rows`: one integer key searches it.
    levels = distinct(running)
    key = t.quantity[rows] * (len(levels) + 1) + np.searchsorted(levels, running)
    wanted = t.quantity[candidates] * (len(levels) + 1) + np.searchsorted(
        levels, t.high[candidates], side="right"
    )
    return rows[np.minimum(np.searchsorted(key, wanted), len(rows) - 1)]


def decrease_pairs(table: FigureTable) -> np.ndarray:
    t = table
    b = decrease_candidates(t)
    keys = day_keys(t, 0)
    first = t.quantity_start[t.quantity[b]]
    end = np.searchsorted(keys, keys[b], side="right")
    if len(b) and int((end - first).sum()) > NARROW_FROM * len(t):  # long totals, many slips
        first = np.maximum(first, _first_above(t, b))
    return pairs_in_ranges(
        b,
        first,
        end,
        # a is the candidate (the later, lower figure); b runs over the rows before it.
        lambda later, earlier: (
            (t.low[earlier] * (1 - EPSILON) > t.high[later]) & certainly_before(t, earlier, later)
        ),
    )


# ---------------------------------------------------------------------------------------------
# part-exceeds-whole: a subgroup above its total, or a metric above the one that bounds it.


def _subgroup_pairs(table: FigureTable) -> np.ndarray:
    """A subgroup above its total at the same time. For running totals a part counted no
    later than the whole cannot exceed it either (the part only grows, and stays within the
    whole)."""
    t = table
    whole = t.whole_group()
    if whole is None:
        return np.empty((0, 2), dtype=np.int64)
    parts = np.flatnonzero(t.group != whole)
    place_span = int(t.place_key.max()) + 1
    # The whole's quantity for each part: the same metric and place, group `all`.
    whole_raw = (t.metric[parts] * len(t.group_names) + whole) * place_span + t.place_key[parts]
    quantity_raw = t.quantity_raw[t.quantity_start]
    where = np.clip(np.searchsorted(quantity_raw, whole_raw), 0, len(quantity_raw) - 1)
    has_whole = quantity_raw[where] == whole_raw
    parts, where = parts[has_whole], where[has_whole]
    lowest_high = np.minimum.reduceat(t.high, t.quantity_start)
    exceeding = t.low[parts] > lowest_high[where] * (1 + EPSILON)
    parts, where = parts[exceeding], where[exceeding]

    def holds(part: np.ndarray, total: np.ndarray) -> np.ndarray:
        comparable = np.where(
            t.kind[part] == CUMULATIVE, not_after(t, part, total), same_time(t, part, total)
        )
        return (t.high[total] * (1 + EPSILON) < t.low[part]) & comparable.astype(bool)

    return pairs_in_ranges(parts, t.quantity_start[where], t.quantity_end[where], holds)


def _bound_pairs(table: FigureTable) -> list[np.ndarray]:
    """A metric above the metric that bounds it, against the bounding figures dated before
    the bounded metric's first figure above zero in that place: the population before anyone
    left.
    Later figures of the bound (people remaining) are no bound on how many left."""
    t = table
    found = []
    for bounded_code, start in t.bounds.items():
        bounded = np.flatnonzero(t.metric == bounded_code)
        bounding = np.flatnonzero(t.metric == start.bounding)
        starts = start.first_day.reindex(t.place_key[bounding]).to_numpy(np.float64)
        bounding = bounding[t.day[bounding] < np.nan_to_num(starts, nan=-np.inf)]
        if len(bounding):
            found += _above_bounds(t, bounded, bounding)
    return found


def _above_bounds(
    table: FigureTable, bounded: np.ndarray, bounding: np.ndarray
) -> list[np.ndarray]:
    """Pairs of a bounded figure and a bounding one (already cut to before departures began)
    that it exceeds."""
    t = table
    found = []
    whole = t.whole_group()
    key = t.place_key * (len(t.group_names) + 1) + t.group
    bounds = rows_by_key(key[bounding], bounding)
    # A group is bounded by its own population and by everyone's: children who fled
    # cannot outnumber the whole population either.
    of_whole = bounding[t.group[bounding] == whole]
    whole_bounds = rows_by_key(t.place_key[of_whole], of_whole)
    lowest = pd.Series(t.high[bounding]).groupby(key[bounding]).min()
    lowest_whole = pd.Series(t.high[of_whole]).groupby(t.place_key[of_whole]).min()
    floor = lowest.reindex(key[bounded]).fillna(np.inf).to_numpy(np.float64)
    whole_floor = lowest_whole.reindex(t.place_key[bounded]).fillna(np.inf).to_numpy(np.float64)
    floor = np.where(t.group[bounded] != whole, np.minimum(floor, whole_floor), floor)
    for row in bounded[t.low[bounded] > floor * (1 + EPSILON)].tolist():
        own = bounds.get(key[row].item(), np.empty(0, dtype=np.int64))
        everyone = whole_bounds.get(t.place_key[row].item(), np.empty(0, dtype=np.int64))
        candidates = np.union1d(own, everyone) if t.group[row] != whole else own
        below = candidates[t.high[candidates] * (1 + EPSILON) < t.low[row]]
        if len(below):
            found.append(np.stack([np.minimum(row, below), np.maximum(row, below)], axis=1))
    return found


def part_exceeds_whole_pairs(table: FigureTable) -> np.ndarray:
    pairs = np.concatenate([_subgroup_pairs(table), *_bound_pairs(table)]).astype(np.int64)
    return unique_pairs(pairs[:, 0], pairs[:, 1])
