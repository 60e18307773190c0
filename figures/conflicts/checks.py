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
    # Approximate dates widen a stock's window and an event's day past the runs above: every
    # figure of a quantity that has one is a candidate (such dates are rare).
    if t.margin.any():
        widening = _widens(t)
        rough = np.zeros(int(t.quantity[-1]) + 1, dtype=bool)
        rough[t.quantity[(t.margin > 0) & widening]] = True
        candidate |= rough[t.quantity] & widening
    return np.flatnonzero(candidate)


def _widens(table: FigureTable) -> np.ndarray:
    """The figures whose "same time" a margin widens: stocks with a window, and events."""
    return (table.window > 0) | (table.kind == EVENT)


def _reach(table: FigureTable, rows: np.ndarray) -> np.ndarray:
    """How many days from each of `rows` a figure of the same time may lie: the window, and
    where margins widen it, its own margin and the widest of any other."""
    reach = table.window[rows]
    widest = int(table.margin.max()) if len(table) else 0
    if widest:
        reach = np.where(_widens(table)[rows], reach + table.margin[rows] + widest, reach)
    return reach


def contradiction_pairs(table: FigureTable) -> np.ndarray:
    a = contradiction_candidates(table)
    if not len(a):
        return np.empty((0, 2), dtype=np.int64)
    reach = _reach(table, a)
    keys = day_keys(table, int(reach.max()))
    first = np.searchsorted(keys, keys[a] - reach, side="left")
    end = np.searchsorted(keys, keys[a] + reach, side="right")
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
    """A part above its whole at the same time: a group above a group it is part of (children
    above everyone), a place above a wider place it lies in (a district above its region),
    or both. For running totals a part counted no later than the whole cannot exceed it
    either (the part only grows, and stays within the whole). Figures of two groups or
    places neither of which contains the other are never compared."""
    t = table
    found = [
        _pairs_with_whole(t, group_level, place_level)
        for group_level in range(len(t.group_chain) + 1)
        for place_level in range(len(t.place_chain) + 1)
        if group_level or place_level
    ]
    return np.concatenate(found) if found else np.empty((0, 2), dtype=np.int64)


def _pairs_with_whole(table: FigureTable, group_level: int, place_level: int) -> np.ndarray:
    """Pairs of a figure and one of its whole's: the whole's group is the figure's ancestor
    `group_level` steps up (0: its own), its place `place_level` steps up."""
    t = table
    group = t.group_chain[group_level - 1][t.group] if group_level else t.group
    place = t.place_chain[place_level - 1][t.place_key] if place_level else t.place_key
    parts = np.flatnonzero((group >= 0) & (place >= 0))
    # The whole's quantity for each part: the same metric and since, the wider group and place.
    whole_raw = t.quantity_key(t.metric[parts], group[parts], place[parts], t.since[parts])
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
    left (certainly before: an approximate date counts at its latest).
    Later figures of the bound (people remaining) are no bound on how many left."""
    t = table
    found = []
    for bounded_code, start in t.bounds.items():
        bounded = np.flatnonzero(t.metric == bounded_code)
        bounding = np.flatnonzero(t.metric == start.bounding)
        starts = start.first_day.reindex(t.place_key[bounding]).to_numpy(np.float64)
        latest = t.day[bounding] + t.margin[bounding]
        bounding = bounding[latest < np.nan_to_num(starts, nan=-np.inf)]
        if len(bounding):
            found += _above_bounds(t, bounded, bounding)
    return found


def _above_bounds(
    table: FigureTable, bounded: np.ndarray, bounding: np.ndarray
) -> list[np.ndarray]:
    """Pairs of a bounded figure and a bounding one (already cut to before departures began)
    that it exceeds. A group is bounded by its own population and by that of every group it
    is part of: children who fled cannot outnumber the whole population either."""
    t = table
    found = []
    span = len(t.group_names) + 1
    key = t.place_key[bounding] * span + t.group[bounding]
    bounds = rows_by_key(key, bounding)
    lowest = pd.Series(t.high[bounding]).groupby(key).min()
    # The bounding groups of each bounded figure: its own, then its ancestors (-1: none).
    levels = [t.group[bounded], *(chain[t.group[bounded]] for chain in t.group_chain)]
    keys = [np.where(group >= 0, t.place_key[bounded] * span + group, -1) for group in levels]
    floor = np.full(len(bounded), np.inf)
    for level in keys:
        floor = np.minimum(floor, lowest.reindex(level).fillna(np.inf).to_numpy(np.float64))
    exceeding = np.flatnonzero(t.low[bounded] > floor * (1 + EPSILON))
    for index, row in zip(exceeding.tolist(), bounded[exceeding].tolist(), strict=True):
        own = [bounds.get(level[index].item()) for level in keys]
        candidates = distinct(np.concatenate([rows for rows in own if rows is not None]))
        below = candidates[t.high[candidates] * (1 + EPSILON) < t.low[row]]
        if len(below):
            found.append(np.stack([np.minimum(row, below), np.maximum(row, below)], axis=1))
    return found


def part_exceeds_whole_pairs(table: FigureTable) -> np.ndarray:
    pairs = np.concatenate([_subgroup_pairs(table), *_bound_pairs(table)]).astype(np.int64)
    return unique_pairs(pairs[:, 0], pairs[:, 1])
