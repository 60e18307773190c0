"""The pairwise rules: when two figures describe the same time, when one is certainly earlier,
and when their intervals cannot both hold.

Each rule takes row indices, single or as arrays (numpy broadcasts them), and answers for each
pair: the same rules serve one pair in a sentence and a million in a sweep.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

from figures.conflicts.table import EVENT, FigureTable

# Row indices into the table: one, or an array of them.
Rows: TypeAlias = int | np.integer | np.ndarray
# One answer (for one pair) or an array of them.
Truth: TypeAlias = np.bool_ | np.ndarray

# A relative tolerance for float noise, so `about` at exactly its edge still agrees. Small
# enough that a fall of one at the largest value the checker accepts (10**12) still shows.
EPSILON = 1e-14


def same_moment(table: FigureTable, a: Rows, b: Rows) -> Truth:
    """Same day, and not known to be different moments of it.

    Two timed figures are the same moment only at the same minute. For an intraday metric an
    untimed figure was taken at an unknown moment of its day, so it matches nothing; for a
    daily metric it holds for the whole day, so it matches anything that day.
    """
    both_timed = table.timed[a] & table.timed[b]
    same_minute = table.minute[a] == table.minute[b]
    return (table.day[a] == table.day[b]) & np.where(both_timed, same_minute, ~table.intraday[a])


def same_time(table: FigureTable, a: Rows, b: Rows) -> Truth:
    """Whether figures of one quantity describe the same time, by the metric's kind: a stock
    within its window of days, an event the same day (the occasion, whatever the hour), a
    running total the same moment."""
    window = table.window[a]
    same_day = table.day[a] == table.day[b]
    return np.where(
        window > 0,
        np.abs(table.day[a] - table.day[b]) <= window,
        np.where(table.kind[a] == EVENT, same_day, same_moment(table, a, b)),
    )


def certainly_before(table: FigureTable, a: Rows, b: Rows) -> Truth:
    """Whether figure a certainly describes an earlier moment than figure b."""
    same_day_earlier = table.timed[a] & table.timed[b] & (table.minute[a] < table.minute[b])
    return (table.day[a] < table.day[b]) | ((table.day[a] == table.day[b]) & same_day_earlier)


def not_after(table: FigureTable, a: Rows, b: Rows) -> Truth:
    """Whether figure a is certainly not later than figure b (earlier or the same moment)."""
    return certainly_before(table, a, b) | same_moment(table, a, b)


def disjoint(table: FigureTable, a: Rows, b: Rows) -> Truth:
    """Whether two figures' intervals cannot both hold. Touching intervals overlap: "up to
    3,000" and "3,000" agree. The epsilon absorbs float noise at an `about` figure's edge."""
    low, high = table.low, table.high
    return (high[a] < low[b] * (1 - EPSILON)) | (high[b] < low[a] * (1 - EPSILON))
