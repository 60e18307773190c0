"""Which dates a chart's time axis spans, and its ticks.

The rule (stated in docs/charts.md too): a chart shows the DENSE SPAN of its figures' dates,
the shortest stretch of time holding nine tenths of them (`densest_span`), widened by
`PAD_SHARE` of its length on each side, at least `MIN_PAD_DAYS`. Every figure inside the
widened span is drawn. The axis is trimmed only when that at least halves the axis (the full
span is more than `WORTH_TRIMMING` times the widened dense span): a week of figures with one
a few days late is drawn whole, a month of figures with a census from eight years earlier is
not. With fewer than ten figures nine tenths is all of them, so a small view is never
trimmed. Figures a chart must show (highlighted ones) widen the span to include them, and a
view whose dates the user set (`from`, `to`) is never trimmed: those dates are the axis.

Ticks (`time_ticks`) fall at even steps (days, weeks, months or years), at most as many as
the axis has room for, and are labelled '19 Sep' with the year under the first tick and
under every tick where the year changes, so no label is ambiguous.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

DAY_MS = 86_400_000
# The share of a view's figures the dense span holds.
DENSE_SHARE = 0.9
# The dense span is widened by this share of its length on each side, at least MIN_PAD_DAYS.
PAD_SHARE = 0.05
MIN_PAD_DAYS = 2
# Trim only when the full span is more than this many times the widened dense span.
WORTH_TRIMMING = 2.0
# Steps between ticks, in days, then in months; the first that gives few enough ticks.
DAY_STEPS = (1, 2, 3, 7, 14)
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)


@dataclass(frozen=True)
class TimeSpan:
    """The time axis of a chart, in milliseconds since the epoch (UTC wall-clock dates)."""

    start: int
    end: int
    trimmed: bool  # some of the view's figures fall outside it


def densest_span(times: np.ndarray, share: float = DENSE_SHARE) -> tuple[int, int]:
    """The shortest [first, last] holding at least `share` of `times` (at least one figure);
    of several equally short, the earliest. `times` need not be sorted."""
    ordered = np.sort(np.asarray(times, dtype=np.int64))
    count = len(ordered)
    if count == 0:
        raise ValueError("no times to span")
    held = min(count, max(1, math.ceil(share * count - 1e-9)))
    widths = ordered[held - 1 :] - ordered[: count - held + 1]
    first = int(np.argmin(widths))  # argmin gives the earliest of equal widths
    return int(ordered[first]), int(ordered[first + held - 1])


def _padded(start: int, end: int) -> tuple[int, int]:
    pad = max(MIN_PAD_DAYS * DAY_MS, int((end - start) * PAD_SHARE))
    return start - pad, end + pad


def _day_ms(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * DAY_MS


def chart_span(
    times: np.ndarray,
    *,
    must_show: np.ndarray | None = None,
    dates: tuple[dt.date | None, dt.date | None] | None = None,
) -> TimeSpan:
    """The span a chart of figures at `times` shows (see the module's rule).

    `must_show` are times that must be inside (highlighted figures); `dates` are the view's
    own from/to when the user set them: then the axis runs from the first to the last of
    them (the figures' own first or last where one is not set) and nothing is trimmed.
    """
    times = np.asarray(times, dtype=np.int64)
    first, last = int(times.min()), int(times.max())
    start_day, end_day = dates or (None, None)
    if start_day is not None or end_day is not None:
        low = _day_ms(start_day) if start_day is not None else first
        high = _day_ms(end_day) + DAY_MS - 1 if end_day is not None else last
        return TimeSpan(*_padded(min(low, first), max(high, last)), trimmed=False)
    whole = _padded(first, last)
    low, high = densest_span(times)
    if must_show is not None and len(must_show):
        low, high = min(low, int(np.min(must_show))), max(high, int(np.max(must_show)))
    dense = _padded(low, high)
    outside = bool(((times < dense[0]) | (times > dense[1])).any())
    if not outside or (whole[1] - whole[0]) <= WORTH_TRIMMING * (dense[1] - dense[0]):
        return TimeSpan(*whole, trimmed=False)
    return TimeSpan(*dense, trimmed=True)


# ---------------------------------------------------------------------------------------------
# Ticks.


@dataclass(frozen=True)
class TimeTicks:
    """Tick positions (ms) and the ticks whose label carries the year under it."""

    values: list[int]
    with_year: list[int]
    monthly: bool  # ticks fall on months: labelled 'Sep', not '1 Sep'
    yearly: bool = False  # ticks fall on years: labelled '2016' alone


def _month_ticks(start: dt.date, end: dt.date, step: int) -> list[dt.date]:
    index = start.year * 12 + start.month - 1
    index += -index % step  # the first month at or after start that is a multiple of step
    ticks: list[dt.date] = []
    while True:
        day = dt.date(index // 12, index % 12 + 1, 1)
        if day > end:
            return ticks
        if day >= start:
            ticks.append(day)
        index += step


def _day_ticks(start: dt.date, end: dt.date, step: int) -> list[dt.date]:
    count = (end - start).days // step + 1
    return [start + dt.timedelta(days=step * index) for index in range(count)]


def time_ticks(start_ms: int, end_ms: int, max_ticks: int) -> TimeTicks:
    """Evenly stepped ticks between two times, at most `max_ticks` (at least two)."""
    max_ticks = max(2, max_ticks)
    start = (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=start_ms)).date()
    end = (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=end_ms)).date()
    if _day_ms(start) < start_ms:
        start += dt.timedelta(days=1)  # the first whole day inside the span
    days: list[dt.date] = []
    monthly = False
    for step in DAY_STEPS:
        days = _day_ticks(start, end, step)
        if len(days) <= max_ticks:
            break
    else:
        monthly = True
        for step in MONTH_STEPS:
            days = _month_ticks(start, end, step)
            if len(days) <= max_ticks:
                break
    values = [_day_ms(day) for day in days]
    with_year = [
        _day_ms(day)
        for index, day in enumerate(days)
        if index == 0 or days[index - 1].year != day.year
    ]
    return TimeTicks(values, with_year, monthly, monthly and step % 12 == 0)


def tick_label_expression(ticks: TimeTicks) -> str:
    """A Vega expression labelling a tick '19 Sep' (or 'Sep' on monthly ticks), with the year
    on a second line under the ticks that carry it."""
    if ticks.yearly:
        return "utcFormat(datum.value, '%Y')"
    day_format = "%b" if ticks.monthly else "%-d %b"
    years = ",".join(str(value) for value in ticks.with_year)
    label = f"utcFormat(datum.value, '{day_format}')"
    return (
        f"indexof([{years}], +datum.value) >= 0 ? [{label}, utcFormat(datum.value, '%Y')] : {label}"
    )
