"""Sort and sweep: finding pairs among the sorted rows without comparing all pairs.

Each check first finds, with whole-column numpy operations on the sorted rows, the few figures
that could take part in a flag (a superset); only their pairs are compared, here, in chunks.
Rows are sorted by quantity, day and minute, so every "same quantity and day" or "same moment"
set is a run of consecutive rows: its extremes are one reduceat, no hashing.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from figures.arrays import distinct
from figures.conflicts.table import FigureTable, starts_of_runs

# Candidate pairs are compared in chunks of about this many, to bound memory on odd files.
PAIR_CHUNK = 1 << 21
NO_PAIRS = np.empty((0, 2), dtype=np.int64)
NO_PAIRS.flags.writeable = False


def day_keys(table: FigureTable, margin: int) -> np.ndarray:
    """One integer per (quantity, day), with room for ±margin days between quantities; it
    does not decrease along the sorted rows."""
    if not len(table):
        return np.empty(0, dtype=np.int64)
    first = int(table.day.min())
    span = int(table.day.max()) - first + 1 + 2 * margin
    return table.quantity * span + (table.day - first + margin)


def window_extremes(table: FigureTable, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `rows` (sorted), max low and min high over its quantity's rows within
    ±window days."""
    widest = int(table.window[rows].max()) if len(rows) else 0
    keys = day_keys(table, widest)[rows]
    starts = starts_of_runs(keys)
    block_keys = keys[starts]
    block_low = np.maximum.reduceat(table.low[rows], starts)
    block_high = np.minimum.reduceat(table.high[rows], starts)
    near_low = np.full(len(rows), -np.inf)
    near_high = np.full(len(rows), np.inf)
    for offset in range(-widest, widest + 1):
        applies = np.abs(offset) <= table.window[rows]
        target = keys + offset
        where = np.clip(np.searchsorted(block_keys, target), 0, max(len(block_keys) - 1, 0))
        hit = applies & (block_keys[where] == target)
        near_low[hit] = np.maximum(near_low[hit], block_low[where[hit]])
        near_high[hit] = np.minimum(near_high[hit], block_high[where[hit]])
    return near_low, near_high


def unique_pairs(smaller: np.ndarray, larger: np.ndarray) -> np.ndarray:
    """Distinct pairs in sorted order, via one integer key (np.unique on rows is slow)."""
    span = int(larger.max()) + 1 if len(larger) else 1
    keys = distinct(smaller * span + larger)
    return np.stack([keys // span, keys % span], axis=1)


def pairs_in_ranges(
    anchors: np.ndarray,
    first: np.ndarray,
    end: np.ndarray,
    holds: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    """Distinct (smaller, larger) pairs (a, b), b in first[i]..end[i] for a = anchors[i], for
    which `holds(a, b)` is true: the pair-by-pair comparison of candidates, in numpy."""
    found = []
    counts = np.maximum(end - first, 0)
    start = 0
    while start < len(anchors):
        # As many anchors as fit in one chunk of pairs (at least one).
        totals = np.cumsum(counts[start:])
        stop = start + max(int(np.searchsorted(totals, PAIR_CHUNK, side="right")), 1)
        count = counts[start:stop]
        a = np.repeat(anchors[start:stop], count)
        offsets = np.arange(len(a)) - np.repeat(np.cumsum(count) - count, count)
        b = np.repeat(first[start:stop], count) + offsets
        keep = (a != b) & holds(a, b)
        found.append((a[keep], b[keep]))
        start = stop
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    a = np.concatenate([pair[0] for pair in found]).astype(np.int64)
    b = np.concatenate([pair[1] for pair in found]).astype(np.int64)
    return unique_pairs(np.minimum(a, b), np.maximum(a, b))


def rows_by_key(keys: np.ndarray, rows: np.ndarray) -> dict[object, np.ndarray]:
    """Group row indices by key, vectorised (a dict of index arrays)."""
    if not len(rows):
        return {}
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    boundaries = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [len(order)]))
    return {
        sorted_keys[start].item(): rows[order[start:end]]
        for start, end in zip(starts, ends, strict=True)
    }
