"""Digits copied wrongly (`likely-typo`): which figures look like one number miscopied.

Two figures of one quantity, day and claim whose numbers differ by one digit changed, dropped,
added or two swapped, or by a factor of ten, look like one number copied wrongly. Two lower
bounds never conflict as intervals, so this is the only way to catch a slip in them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import numpy as np
import pandas as pd

from figures.conflicts.sources import Sources, read_sources
from figures.conflicts.table import (
    CLAIM,
    CUMULATIVE,
    QUALIFIER_CODE,
    QUALIFIERS,
    UNTIMED,
    FigureTable,
    first_of_reading,
    runs,
    starts_of_runs,
)

Pair = tuple[int, int]


def significant_digits(number: int) -> int:
    return len(str(number).rstrip("0")) if number else 0


def digit_slip(a: int, b: int) -> str | None:
    """How two numbers look like one copied wrongly, or None.

    One digit changed, dropped or added, or two adjacent digits swapped, when both have at
    least three significant digits (round figures such as 45,000 and 48,000 are estimates, not
    copies); or one exactly ten times the other, a zero dropped or added, when the smaller has
    at least two (1,000 and 10,000 are two round estimates as often as one slip).

    Two figures rounded to the same hundred or coarser that differ only in their last
    significant digit ("more than 100,400" and "more than 100,500") are two roundings, of two
    updates or by two outlets, not one number miscopied: the digit that differs is the one
    rounding sets. So is any pair where the one digit that differs is a rounding zero of a
    figure rounded to the hundred or coarser ("around 148,000" and "an estimated 148,700";
    an outlet's "42,500" beside the government's 42,502): the round figure never wrote that
    digit (issue 15's rule).

    A round figure ten times another of one significant digit ("more than 400" and "more than
    40") is a slip only from one reporter (`dropped_zero`): across reporters they are as
    often two estimates.
    """
    if a == b:
        return None
    small, large = sorted((a, b))
    if small and large == small * 10 and significant_digits(small) >= 2:
        return "ten times the other"
    if significant_digits(a) < 3 or significant_digits(b) < 3:
        return None
    x, y = str(a), str(b)
    if len(x) == len(y):
        return _same_length_slip(x, y)
    shorter, longer = (x, y) if len(x) < len(y) else (y, x)
    if len(longer) - len(shorter) == 1:
        for i in range(len(longer)):
            if longer[:i] + longer[i + 1 :] == shorter:
                return "one digit dropped or added"
    return None


def _same_length_slip(x: str, y: str) -> str | None:
    """One digit changed (unless a round figure never wrote it) or two adjacent digits
    swapped."""
    differ = [i for i in range(len(x)) if x[i] != y[i]]
    if len(differ) == 1:
        if _rounded_at(x, differ[0]) or _rounded_at(y, differ[0]):
            return None
        return "one digit changed"
    if (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and x[differ[0]] == y[differ[1]]
        and x[differ[1]] == y[differ[0]]
    ):
        return "two adjacent digits swapped"
    return None


def dropped_zero(a: int, b: int) -> bool:
    """One exactly ten times the other, the smaller with one significant digit (40 and 400):
    a zero dropped or added when one reporter said both, two round estimates otherwise."""
    small, large = sorted((a, b))
    return small > 0 and large == small * 10 and significant_digits(small) == 1


def _rounded_at(digits: str, position: int) -> bool:
    """Whether a figure rounded to the hundred or coarser (at least two trailing zeros) was
    rounded at `position`: its last significant digit is there, or a rounding zero is (a
    coarser rounding says nothing about that digit)."""
    zeros = len(digits) - len(digits.rstrip("0"))
    return zeros >= 2 and position >= len(digits) - zeros - 1


# ---------------------------------------------------------------------------------------------
# Where a slip can be: groups of one quantity, day and claim.


def _typo_groups(table: FigureTable) -> tuple[np.ndarray, np.ndarray]:
    """The rows that may hold a slip, sorted by group (quantity, day, claim), and the start
    of each group among them.

    A group can hold a slip only if it has two distinct values not all told apart by their
    hours: some value was never published with an hour, or one hour carries two values.
    Whole-column numpy on runs of the sorted rows: this runs on every row.
    """
    t = table
    rows = np.flatnonzero((t.qualifier != QUALIFIER_CODE["range"]) & (t.value > 0))
    # Rows are sorted by (quantity, day, minute); a stable sort on (day block, claim) keeps
    # the minutes in order within a group, and is near-linear since most days hold one claim.
    key = t.day_block[rows] * len(QUALIFIERS) + CLAIM[t.qualifier[rows]]
    order = np.argsort(key, kind="stable")
    rows, key = rows[order], key[order]
    starts, group = runs(key)
    if not len(starts):
        return rows, starts
    value = t.value[rows]
    varied = np.minimum.reduceat(value, starts) != np.maximum.reduceat(value, starts)
    keep = varied[group]
    rows, group, value = rows[keep], group[keep], value[keep]
    timed = t.minute[rows] != UNTIMED
    may_hold = _two_values_at_one_hour(t, rows, group, value, len(starts))
    # Values never published with an hour: an untimed figure whose value no timed figure of
    # its group has (a relay that repeats a stamped update is no evidence of a slip), nor any
    # figure of its quantity on an earlier day (a relay of yesterday's update, dated today).
    untimed, stamped = np.flatnonzero(~timed), np.flatnonzero(timed)
    if len(untimed):
        if (int(group.max()) + 1) * (int(value.max()) + 1) < 2**62:
            pair_key = group * (int(value.max()) + 1) + value.astype(np.int64)
        else:
            pair_key = group * len(value) + pd.factorize(value)[0]
        stamped_value = pd.Series(pair_key[untimed]).isin(pair_key[stamped]).to_numpy(bool)
        unexplained = untimed[~stamped_value]
        asked = rows[unexplained]
        late = t.day[first_of_reading(t, asked)] < t.day[asked]
        may_hold[group[unexplained[~late]]] = True
    keep = may_hold[group]
    rows, group = rows[keep], group[keep]
    return rows, starts_of_runs(group)


def _two_values_at_one_hour(
    table: FigureTable, rows: np.ndarray, group: np.ndarray, value: np.ndarray, groups: int
) -> np.ndarray:
    """Per group (0..groups - 1), whether some hour of it carries two values."""
    may_hold = np.zeros(groups, dtype=bool)
    minute = table.minute[rows]
    stamped = np.flatnonzero(minute != UNTIMED)
    if len(stamped):
        hour_starts = starts_of_runs(group[stamped] * 1441 + minute[stamped])
        two = np.minimum.reduceat(value[stamped], hour_starts) != np.maximum.reduceat(
            value[stamped], hour_starts
        )
        may_hold[group[stamped][hour_starts][two]] = True
    return may_hold


# ---------------------------------------------------------------------------------------------
# The pairs.


class _Candidate(NamedTuple):
    """Two readings of one group whose digits look like one number miscopied."""

    how: str
    rows_a: list[int]  # the lower reading's figures
    rows_b: list[int]
    # An earlier day's total relayed today beside today's higher reading: a slip unless the
    # originator published that reading itself (its update, whatever the digits).
    ask_originator: bool
    # A dropped zero in a round figure (dropped_zero): a slip only between one reporter's rows.
    same_reporter: bool = False


def typo_pairs(table: FigureTable) -> dict[Pair, str]:
    """Pairs of one quantity, day and qualifier whose numbers look like one number miscopied.

    Two readings that were each published with an hour, never the same one, are two updates
    of a count that changes during the day, not copies: a relay without the hour that repeats
    one of them is no evidence of a slip.
    """
    t = table
    rows, starts = _typo_groups(t)
    first_of = dict(zip(rows.tolist(), first_of_reading(t, rows).tolist(), strict=True))
    candidates: list[_Candidate] = []
    for members in np.split(rows, starts[1:]) if len(starts) else []:
        candidates += _candidates_of_group(t, members, first_of)
    # Sources are text, read once for the few figures whose originator is asked about.
    asked = [
        row
        for c in candidates
        if c.ask_originator or c.same_reporter
        for row in (*c.rows_a, *c.rows_b)
    ]
    sources = read_sources(t, np.array(asked, dtype=np.int64)) if asked else None
    pairs: dict[Pair, str] = {}
    for candidate in candidates:
        if candidate.ask_originator:
            assert sources is not None  # read above for every candidate that asks
            if _own_update(sources, candidate.rows_a, candidate.rows_b):
                continue
        for a in candidate.rows_a:
            for b in candidate.rows_b:
                if t.timed[a] and t.timed[b] and t.minute[a] != t.minute[b]:
                    continue
                if candidate.same_reporter:
                    assert sources is not None  # read above for every candidate that asks
                    if sources.reporter_id[a] != sources.reporter_id[b]:
                        continue
                pairs[(a, b) if a < b else (b, a)] = candidate.how
    return pairs


def _candidates_of_group(
    table: FigureTable, members: np.ndarray, first_of: dict[int, int]
) -> list[_Candidate]:
    """The pairs of readings of one group (quantity, day, claim) that may be one miscopied."""
    t = table
    by_value: dict[int, list[int]] = defaultdict(list)
    for row in members.tolist():
        by_value[int(t.value[row])].append(row)
    # When each reading was published with an hour that day; a reading the quantity
    # already had on an earlier day counts as stamped then (the earlier moment itself).
    hours: dict[int, set[object]] = {
        value: {int(t.minute[r]) for r in rows_of if t.minute[r] != UNTIMED}
        for value, rows_of in by_value.items()
    }
    stale: dict[int, bool] = {}
    for value, rows_of in by_value.items():
        first = first_of[rows_of[0]]
        stale[value] = bool(t.day[first] < t.day[rows_of[0]])
        if stale[value]:
            hours[value].add((int(t.day[first]), int(t.minute[first])))
    total = t.kind[int(members[0])] == CUMULATIVE
    found = []
    ordered_values = sorted(by_value)
    for i, a_value in enumerate(ordered_values):
        for b_value in ordered_values[i + 1 :]:
            how = digit_slip(a_value, b_value)
            same_reporter = how is None and dropped_zero(a_value, b_value)
            if same_reporter:
                how = "ten times the other"
            if how is None:
                continue
            if hours[a_value] and hours[b_value] and not hours[a_value] & hours[b_value]:
                continue  # two stamped updates
            # An earlier day's total relayed today, and the originator's own higher
            # reading of today: its update, whatever the digits (1,294 then 1,394).
            ask = bool(total and stale[a_value] and not stale[b_value])
            found.append(_Candidate(how, by_value[a_value], by_value[b_value], ask, same_reporter))
    return found


def _own_update(sources: Sources, old: list[int], new: list[int]) -> bool:
    """Whether the originator named by the old reading's rows published the new reading
    itself (reporter and outlet one): then the new reading is its update, not a relay's slip."""
    named = set(sources.reporter_id[old].tolist())
    return any(sources.primary[row] and sources.reporter_id[row] in named for row in new)
