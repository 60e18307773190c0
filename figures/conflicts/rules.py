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
    daily metric it holds for the whole day, so it matches anything that day. A figure whose
    date is only approximate (a margin of days) is at no known moment, so it matches nothing:
    a total that grows can differ from itself a day either way.
    """
    both_timed = table.timed[a] & table.timed[b]
    same_minute = table.minute[a] == table.minute[b]
    exact = (table.margin[a] == 0) & (table.margin[b] == 0)
    same_day = (table.day[a] == table.day[b]) & exact
    return same_day & np.where(both_timed, same_minute, ~table.intraday[a])


def same_time(table: FigureTable, a: Rows, b: Rows) -> Truth:
    """Whether figures of one quantity describe the same time, by the metric's kind: a stock
    within its window of days, an event the same day (the occasion, whatever the hour), a
    running total the same moment. The window and the day widen by the figures' margins
    (their dates may be that many days off either way): an approximate date may be the
    other's; a running total's moment does not widen (see same_moment)."""
    window = table.window[a]
    apart = np.abs(table.day[a] - table.day[b])
    reach = table.margin[a] + table.margin[b]
    return np.where(
        window > 0,
        apart <= window + reach,
        np.where(table.kind[a] == EVENT, apart <= reach, same_moment(table, a, b)),
    )


def certainly_before(table: FigureTable, a: Rows, b: Rows) -> Truth:
    """Whether figure a certainly describes an earlier moment than figure b: its latest
    possible day (as_of plus its margin) before b's earliest, or the same exact day at an
    earlier minute."""
    same_day_earlier = table.timed[a] & table.timed[b] & (table.minute[a] < table.minute[b])
    margin_a, margin_b = table.margin[a], table.margin[b]
    exact = (margin_a == 0) & (margin_b == 0)
    return (table.day[a] + margin_a < table.day[b] - margin_b) | (
        (table.day[a] == table.day[b]) & exact & same_day_earlier
    )


def not_after(table: FigureTable, a: Rows, b: Rows) -> Truth:
    """Whether figure a is certainly not later than figure b (earlier or the same moment)."""
    return certainly_before(table, a, b) | same_moment(table, a, b)


def disjoint(table: FigureTable, a: Rows, b: Rows) -> Truth:
    """Whether two figures' intervals cannot both hold. Touching intervals overlap: "up to
    3,000" and "3,000" agree. The epsilon absorbs float noise at an `about` figure's edge."""
    low, high = table.low, table.high
    return (high[a] < low[b] * (1 - EPSILON)) | (high[b] < low[a] * (1 - EPSILON))
