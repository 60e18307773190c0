"""Where reported figures cannot all be true: the conflict engine.

A figure claims an interval of values (from its qualifier) at a time (from `as_of`). Two figures
describe the same quantity when metric, group and place agree. The engine flags:

- `contradiction`: two figures of one quantity that hold at the same time and whose intervals
  are disjoint. "Same time" depends on the metric's kind: a `stock` within a window of days
  (default 3, per metric in metrics.csv), an `event` the same day, a `cumulative` total the same
  moment. An untimed figure of an intraday metric (updated several times a day) was taken at an
  unknown moment of its day, so it is never compared with another figure of that day.
- `decrease`: a running total that is certainly later than another and certainly below it.
- `part-exceeds-whole`: a subgroup above its total (children above everyone), or a metric above
  the metric that bounds it (fled above the population before anyone left).
- `likely-typo`: two figures of one quantity, day and qualifier whose digits look like one
  number copied wrongly (one digit changed, dropped, added or two swapped, or ten times).

Figures that disagree are grouped into one flag per connected set, with every pair listed.
The work is sort-and-sweep: numpy finds the few rows that can possibly conflict (per quantity
and day), and only those are compared pair by pair.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from figures.contract import value_as_written
from figures.vocabulary import WHOLE_GROUP, Vocabulary

CONTRADICTION = "contradiction"
DECREASE = "decrease"
PART_EXCEEDS_WHOLE = "part-exceeds-whole"
LIKELY_TYPO = "likely-typo"
CODES = (CONTRADICTION, DECREASE, PART_EXCEEDS_WHOLE, LIKELY_TYPO)

CODE_TITLES = {
    CONTRADICTION: "Figures that cannot both be true",
    DECREASE: "A running total that falls",
    PART_EXCEEDS_WHOLE: "A part larger than its whole",
    LIKELY_TYPO: "Digits that look miscopied",
}

_UNTIMED = -1


@dataclass(frozen=True)
class ConflictSettings:
    # `about` v means v·(1−t) to v·(1+t).
    tolerance: float = 0.10
    # Two figures of a stock within this many days describe the same time (a metric's own
    # window_days in metrics.csv takes precedence).
    window_days: int = 3

    def __post_init__(self) -> None:
        if not 0 <= self.tolerance < 1:
            raise ValueError("tolerance must be at least 0 and below 1")
        if self.window_days < 0:
            raise ValueError("window_days cannot be negative")


@dataclass(frozen=True)
class FigureRef:
    """What a flag shows of one of its figures."""

    line: int
    reported_by: str
    outlet: str
    affiliation: str
    as_of: str
    published: str
    value: str  # as written: "more than 100,000"
    metric: str
    group: str
    place: str


@dataclass(frozen=True)
class Conflict:
    code: str
    lines: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]
    explanation: str
    severity: float  # 0..1: the relative gap of the worst pair (0.002 ranks below 0.5)
    gap_absolute: float
    gap_relative: float
    figures: tuple[FigureRef, ...]
    self_contradiction: bool = False
    probable_value: str | None = None  # likely-typo: the reading other figures support
    # likely-typo: pairs of lines the miscopy also sets against each other (a total that seems
    # to fall, figures that cannot both be true), told here rather than as flags of their own
    explained_pairs: tuple[tuple[int, int], ...] = ()

    @property
    def severity_label(self) -> str:
        if self.severity >= 0.5:
            return "high"
        if self.severity >= 0.1:
            return "medium"
        return "low"

    @property
    def title(self) -> str:
        return CODE_TITLES[self.code]

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "title": self.title,
            "lines": list(self.lines),
            "pairs": [list(pair) for pair in self.pairs],
            "explanation": self.explanation,
            "severity": round(self.severity, 6),
            "severity_label": self.severity_label,
            "gap_absolute": None if math.isinf(self.gap_absolute) else self.gap_absolute,
            "gap_relative": round(self.gap_relative, 6),
            "self_contradiction": self.self_contradiction,
            "probable_value": self.probable_value,
            "explained_pairs": [list(pair) for pair in self.explained_pairs],
            "figures": [ref.__dict__ for ref in self.figures],
        }


# ---------------------------------------------------------------------------------------------
# What a figure claims.


def interval(
    qualifier: str, value: float, value_high: float | None, tolerance: float
) -> tuple[float, float]:
    """The values a figure allows, as a closed interval."""
    match qualifier:
        case "about":
            return value * (1 - tolerance), value * (1 + tolerance)
        case "more_than" | "at_least":
            return float(value), math.inf
        case "up_to" | "less_than":
            return 0.0, float(value)
        case "range":
            high = value if value_high is None or pd.isna(value_high) else value_high
            return float(value), float(high)
        case _:
            return float(value), float(value)


def normalise_place(place: str) -> str:
    """'Nagorno-Karabakh' and 'nagorno karabakh' are one place; spelling variants are not."""
    return re.sub(r"[\s\-\u2010-\u2015\u2212]+", " ", str(place)).strip().casefold()


@dataclass
class _Figures:
    """The rows as parallel numpy arrays, sorted by quantity, day, time and line."""

    rows: pd.DataFrame  # the caller's table, untouched
    position: np.ndarray  # each sorted figure's position in `rows`
    line: np.ndarray
    quantity: np.ndarray  # id of (metric, group, place)
    metric: np.ndarray  # metric names (object)
    group: np.ndarray
    place_key: np.ndarray  # id of the normalised place
    qualifier: np.ndarray
    value: np.ndarray
    value_high: np.ndarray  # NaN unless a range
    day: np.ndarray  # days since epoch
    minute: np.ndarray  # minute of day, or _UNTIMED
    low: np.ndarray
    high: np.ndarray
    kind: np.ndarray
    intraday: np.ndarray
    window: np.ndarray  # same-time window in days (0 = same moment rules)
    quantity_start: np.ndarray  # first index of each quantity id
    quantity_end: np.ndarray
    reporter: np.ndarray  # id of (reported_by, outlet): one source's own publication
    primary: np.ndarray  # published by its originator (outlet is the reporter itself)

    def __len__(self) -> int:
        return len(self.line)

    def __post_init__(self) -> None:
        self.timed = self.minute != _UNTIMED

    def rows_of_quantity(self, quantity: int) -> range:
        return range(int(self.quantity_start[quantity]), int(self.quantity_end[quantity]))


def _codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Factorisation with sorted ids, so ids never depend on row order.

    Hash first, then rank the few distinct values: much faster than a sorting factorize on
    a million strings.
    """
    codes, uniques = pd.factorize(series)
    uniques = np.asarray(uniques, dtype=object)
    rank = np.empty(len(uniques), dtype=np.int64)
    order = sorted(range(len(uniques)), key=lambda index: uniques[index])
    rank[order] = np.arange(len(uniques))
    return rank[codes], uniques[order]


def _prepare(rows: pd.DataFrame, vocabulary: Vocabulary, settings: ConflictSettings) -> _Figures:
    metrics = vocabulary.metrics
    rows = rows.loc[rows["metric"].isin(list(metrics))]
    metric_code, metric_names = _codes(rows["metric"])
    group_code, group_names = _codes(rows["group"])
    place_code, place_names = _codes(rows["place"].fillna(""))
    place_key_code, _ = _codes(pd.Series([normalise_place(name) for name in place_names]))
    place_key = place_key_code[place_code] if len(place_code) else place_code
    quantity_raw = (metric_code * (len(group_names) + 1) + group_code) * (
        int(place_key.max()) + 2 if len(place_key) else 1
    ) + place_key
    quantity, _ = _codes(pd.Series(quantity_raw))
    as_of = rows["as_of"].to_numpy("datetime64[ns]")
    day_stamp = as_of.astype("datetime64[D]")
    day = day_stamp.astype(np.int64)
    minute = ((as_of - day_stamp.astype("datetime64[ns]")) // np.timedelta64(1, "m")).astype(
        np.int64
    )
    minute = np.where(rows["as_of_has_time"].to_numpy(bool), minute, _UNTIMED)
    line = rows["line"].to_numpy(np.int64)
    order = np.lexsort((line, minute, day, quantity))
    # A source contradicts itself only in its own words: the same originator through the same
    # outlet. Two wires relaying one ministry differently is a relay error, not the ministry's.
    reporter, _ = _codes(
        rows["reported_by"].str.casefold() + "\x1f" + rows["outlet"].str.casefold()
    )

    kind_of = np.array([metrics[name].kind for name in metric_names], dtype=object)
    intraday_of = np.array([metrics[name].intraday for name in metric_names], dtype=bool)
    window_of = np.array(
        [
            (
                settings.window_days
                if metrics[name].window_days is None
                else metrics[name].window_days
            )
            if metrics[name].kind == "stock"
            else 0
            for name in metric_names
        ],
        dtype=np.int64,
    )
    value = rows["value"].to_numpy(np.float64)[order]
    value_high = rows["value_high"].astype("Float64").to_numpy(np.float64, na_value=np.nan)[order]
    qualifier = rows["qualifier"].to_numpy(object)[order]
    low, high = value.copy(), value.copy()
    about = qualifier == "about"
    low[about] = value[about] * (1 - settings.tolerance)
    high[about] = value[about] * (1 + settings.tolerance)
    high[(qualifier == "more_than") | (qualifier == "at_least")] = np.inf
    low[(qualifier == "up_to") | (qualifier == "less_than")] = 0.0
    ranged = qualifier == "range"
    high[ranged] = np.where(np.isnan(value_high[ranged]), value[ranged], value_high[ranged])
    metric_sorted = metric_code[order]
    quantity = quantity[order]
    count = int(quantity.max()) + 1 if len(quantity) else 0
    return _Figures(
        rows=rows,
        position=order,
        line=line[order],
        quantity=quantity,
        metric=metric_names[metric_sorted] if len(order) else np.empty(0, dtype=object),
        group=group_names[group_code[order]] if len(order) else np.empty(0, dtype=object),
        place_key=place_key[order],
        qualifier=qualifier,
        value=value,
        value_high=value_high,
        day=day[order],
        minute=minute[order],
        low=low,
        high=high,
        kind=kind_of[metric_sorted] if len(order) else np.empty(0, dtype=object),
        intraday=intraday_of[metric_sorted] if len(order) else np.empty(0, dtype=bool),
        window=window_of[metric_sorted] if len(order) else np.empty(0, dtype=np.int64),
        quantity_start=np.searchsorted(quantity, np.arange(count), side="left"),
        quantity_end=np.searchsorted(quantity, np.arange(count), side="right"),
        reporter=reporter[order],
        primary=(
            rows["reported_by"].str.casefold().to_numpy()
            == rows["outlet"].str.casefold().to_numpy()
        )[order],
    )


# ---------------------------------------------------------------------------------------------
# Time: when two figures describe the same moment, and when one is certainly later.


# Each predicate takes row indices, single or as arrays (numpy broadcasts them), and answers
# for each pair: the same rules serve one pair in an explanation and a million in a sweep.


def same_moment(f: _Figures, a, b):  # type: ignore[no-untyped-def]
    """Same day, and not known to be different moments of it.

    Two timed figures are the same moment only at the same minute. For an intraday metric an
    untimed figure was taken at an unknown moment of its day, so it matches nothing; for a
    daily metric it holds for the whole day, so it matches anything that day.
    """
    both_timed = f.timed[a] & f.timed[b]
    return (f.day[a] == f.day[b]) & np.where(both_timed, f.minute[a] == f.minute[b], ~f.intraday[a])


def same_time(f: _Figures, a, b):  # type: ignore[no-untyped-def]
    """Whether figures of one quantity describe the same time, by the metric's kind: a stock
    within its window of days, an event the same day (the occasion, whatever the hour), a
    running total the same moment."""
    window = f.window[a]
    same_day = f.day[a] == f.day[b]
    return np.where(
        window > 0,
        np.abs(f.day[a] - f.day[b]) <= window,
        np.where(f.kind[a] == "event", same_day, same_moment(f, a, b)),
    )


def certainly_before(f: _Figures, a, b):  # type: ignore[no-untyped-def]
    """Whether figure a certainly describes an earlier moment than figure b."""
    same_day_earlier = f.timed[a] & f.timed[b] & (f.minute[a] < f.minute[b])
    return (f.day[a] < f.day[b]) | ((f.day[a] == f.day[b]) & same_day_earlier)


def not_after(f: _Figures, a, b):  # type: ignore[no-untyped-def]
    """Whether figure a is certainly not later than figure b (earlier or the same moment)."""
    return certainly_before(f, a, b) | same_moment(f, a, b)


# ---------------------------------------------------------------------------------------------
# Candidate search. Each check first finds, with whole-column numpy and pandas operations, the
# few figures that could take part in a flag (a superset); only those are compared in pairs.

# A relative tolerance for float noise, so `about` at exactly its edge still agrees.
_EPSILON = 1e-9


def _group_max(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    return pd.Series(values).groupby(keys).transform("max").to_numpy(np.float64)


def _group_min(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    return pd.Series(values).groupby(keys).transform("min").to_numpy(np.float64)


def _day_keys(f: _Figures, margin: int) -> np.ndarray:
    """One integer per (quantity, day), with room for ±margin days between quantities."""
    if not len(f):
        return np.empty(0, dtype=np.int64)
    first = int(f.day.min())
    span = int(f.day.max()) - first + 1 + 2 * margin
    return f.quantity * span + (f.day - first + margin)


def _window_extremes(f: _Figures, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `rows`, max low and min high over its quantity's rows within ±window days."""
    widest = int(f.window[rows].max()) if len(rows) else 0
    keys = _day_keys(f, widest)[rows]
    block_keys, block_of_row = np.unique(keys, return_inverse=True)
    block_low = np.full(len(block_keys), -np.inf)
    block_high = np.full(len(block_keys), np.inf)
    np.maximum.at(block_low, block_of_row, f.low[rows])
    np.minimum.at(block_high, block_of_row, f.high[rows])
    near_low = np.full(len(rows), -np.inf)
    near_high = np.full(len(rows), np.inf)
    for offset in range(-widest, widest + 1):
        applies = np.abs(offset) <= f.window[rows]
        target = keys + offset
        where = np.clip(np.searchsorted(block_keys, target), 0, max(len(block_keys) - 1, 0))
        hit = applies & (block_keys[where] == target)
        near_low[hit] = np.maximum(near_low[hit], block_low[where[hit]])
        near_high[hit] = np.minimum(near_high[hit], block_high[where[hit]])
    return near_low, near_high


def _disjoint(f: _Figures, a: int, b: int) -> bool:
    # Touching intervals overlap: "up to 3,000" and "3,000" agree. The epsilon absorbs float
    # noise at an `about` figure's exact edge.
    return bool(f.high[a] < f.low[b] * (1 - _EPSILON) or f.high[b] < f.low[a] * (1 - _EPSILON))


def _day_range(f: _Figures, quantity: int, first_day: int, last_day: int) -> np.ndarray:
    """Indices of a quantity's rows dated first_day..last_day (rows are sorted by day)."""
    start, end = int(f.quantity_start[quantity]), int(f.quantity_end[quantity])
    days = f.day[start:end]
    return np.arange(
        start + int(np.searchsorted(days, first_day, side="left")),
        start + int(np.searchsorted(days, last_day, side="right")),
    )


# ---------------------------------------------------------------------------------------------
# The four checks; each returns pairs of (sorted) row indices.

Pair = tuple[int, int]


def _ordered(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def _pair_array(chunks: list[tuple[int | np.ndarray, np.ndarray]]) -> np.ndarray:
    """Distinct (smaller, larger) index pairs, shape (k, 2), from (row, partners) chunks."""
    if not chunks:
        return np.empty((0, 2), dtype=np.int64)
    firsts = np.concatenate([np.broadcast_to(a, len(b)) for a, b in chunks]).astype(np.int64)
    seconds = np.concatenate([b for _, b in chunks]).astype(np.int64)
    return _unique_pairs(np.minimum(firsts, seconds), np.maximum(firsts, seconds))


def _unique_pairs(smaller: np.ndarray, larger: np.ndarray) -> np.ndarray:
    """Distinct pairs in sorted order, via one integer key (np.unique on rows is slow)."""
    span = int(larger.max()) + 1 if len(larger) else 1
    keys = np.unique(smaller * span + larger)
    return np.stack([keys // span, keys % span], axis=1)


def contradiction_candidates(f: _Figures) -> np.ndarray:
    candidate = np.zeros(len(f), dtype=bool)
    # Stocks with a window: anything within ±window days of the same quantity.
    windowed = np.flatnonzero(f.window > 0)
    if len(windowed):
        near_low, near_high = _window_extremes(f, windowed)
        candidate[windowed] = (f.high[windowed] < near_low) | (f.low[windowed] > near_high)
    # Same-moment kinds: an untimed intraday figure matches nothing; other figures are compared
    # within their day (daily metrics) or their minute (intraday metrics).
    is_event = f.kind == "event"
    moment = np.flatnonzero((f.window == 0) & ~(f.intraday & ~f.timed & ~is_event))
    if len(moment):
        by_minute = f.intraday[moment] & (f.kind[moment] != "event")
        minute_key = np.where(by_minute, f.minute[moment], _UNTIMED)
        keys = _day_keys(f, 0)[moment] * 1441 + (minute_key + 1)
        block_low = _group_max(keys, f.low[moment])
        block_high = _group_min(keys, f.high[moment])
        candidate[moment] = (f.high[moment] < block_low) | (f.low[moment] > block_high)
    return np.flatnonzero(candidate)


def contradiction_pairs(f: _Figures) -> np.ndarray:
    chunks = []
    for a in contradiction_candidates(f):
        a = int(a)
        window = int(f.window[a])
        near = _day_range(f, int(f.quantity[a]), int(f.day[a]) - window, int(f.day[a]) + window)
        apart = near[
            (f.high[near] < f.low[a] * (1 - _EPSILON)) | (f.high[a] < f.low[near] * (1 - _EPSILON))
        ]
        chunks.append((a, apart[same_time(f, a, apart)]))
    return _pair_array(chunks)


def _exclusive_running_max(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For sorted blocks, the max of `values` over earlier blocks of the same group."""
    series = pd.Series(values)
    running = series.groupby(groups).cummax()
    return running.groupby(groups).shift(1).fillna(-np.inf).to_numpy(np.float64)


def decrease_candidates(f: _Figures) -> np.ndarray:
    rows = np.flatnonzero(f.kind == "cumulative")
    if not len(rows):
        return rows
    # The highest lower bound on any earlier day of the same quantity...
    day_keys = _day_keys(f, 0)[rows]
    blocks, block_of_row = np.unique(day_keys, return_inverse=True)
    block_low = np.full(len(blocks), -np.inf)
    np.maximum.at(block_low, block_of_row, f.low[rows])
    block_quantity = f.quantity[rows][np.unique(block_of_row, return_index=True)[1]]
    before = _exclusive_running_max(block_quantity, block_low)[block_of_row]
    # ... and, for a timed figure, at an earlier minute of its own day.
    timed = rows[f.timed[rows]]
    earlier_today = np.full(len(rows), -np.inf)
    if len(timed):
        minute_keys = _day_keys(f, 0)[timed] * 1441 + f.minute[timed]
        minute_blocks, minute_of_row = np.unique(minute_keys, return_inverse=True)
        minute_low = np.full(len(minute_blocks), -np.inf)
        np.maximum.at(minute_low, minute_of_row, f.low[timed])
        minute_day = minute_blocks // 1441
        earlier = _exclusive_running_max(minute_day, minute_low)[minute_of_row]
        earlier_today[np.searchsorted(rows, timed)] = earlier
    threshold = np.maximum(before, earlier_today)
    return rows[f.high[rows] < threshold * (1 - _EPSILON)]


def decrease_pairs(f: _Figures) -> np.ndarray:
    chunks = []
    for b in decrease_candidates(f):
        b = int(b)
        earlier = _day_range(f, int(f.quantity[b]), -(2**62), int(f.day[b]))
        earlier = earlier[f.low[earlier] * (1 - _EPSILON) > f.high[b]]
        chunks.append((b, earlier[certainly_before(f, earlier, b)]))
    return _pair_array(chunks)


def _rows_by_key(keys: np.ndarray, rows: np.ndarray) -> dict[object, np.ndarray]:
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


def part_exceeds_whole_pairs(f: _Figures, vocabulary: Vocabulary) -> np.ndarray:
    chunks: list[tuple[int | np.ndarray, np.ndarray]] = []
    metric_key = pd.factorize(f.metric, sort=True)[0].astype(np.int64)
    place_span = int(f.place_key.max()) + 1 if len(f) else 1
    quantity_key = metric_key * place_span + f.place_key
    # A subgroup above its total at the same time. For running totals a part counted no later
    # than the whole cannot exceed it either (the part only grows, and stays within the whole).
    is_whole = f.group == WHOLE_GROUP
    wholes = np.flatnonzero(is_whole)
    parts = np.flatnonzero(~is_whole)
    if len(wholes) and len(parts):
        whole_rows = _rows_by_key(quantity_key[wholes], wholes)
        lowest_whole = {key: float(f.high[rows].min()) for key, rows in whole_rows.items()}
        floor = np.array([lowest_whole.get(key, np.inf) for key in quantity_key[parts].tolist()])
        for part in parts[f.low[parts] > floor * (1 + _EPSILON)]:
            part = int(part)
            candidates = whole_rows[quantity_key[part].item()]
            below = candidates[f.high[candidates] * (1 + _EPSILON) < f.low[part]]
            if f.kind[part] == "cumulative":
                comparable = not_after(f, part, below)
            else:
                comparable = same_time(f, part, below)
            chunks.append((part, below[comparable]))
    # A metric above the metric that bounds it, against the bounding figures dated before the
    # bounded metric's first figure in that place: the population before anyone left. Later
    # figures of the bound (people remaining) are no bound on how many left.
    for name, metric in vocabulary.metrics.items():
        if not metric.bounded_by:
            continue
        bounded = np.flatnonzero(f.metric == name)
        bounding = np.flatnonzero(f.metric == metric.bounded_by)
        if not len(bounded) or not len(bounding):
            continue
        first_day = pd.Series(f.day[bounded]).groupby(f.place_key[bounded]).min()
        starts = first_day.reindex(f.place_key[bounding]).to_numpy(np.float64)
        bounding = bounding[f.day[bounding] < np.nan_to_num(starts, nan=-np.inf)]
        if not len(bounding):
            continue
        group_key = pd.factorize(f.group, sort=True)[0].astype(np.int64)
        key = f.place_key * (int(group_key.max()) + 1) + group_key
        bounds = _rows_by_key(key[bounding], bounding)
        # A group is bounded by its own population and by everyone's: children who fled
        # cannot outnumber the whole population either.
        whole_bounds = _rows_by_key(
            f.place_key[bounding][f.group[bounding] == WHOLE_GROUP],
            bounding[f.group[bounding] == WHOLE_GROUP],
        )
        lowest = {k: float(f.high[rows].min()) for k, rows in bounds.items()}
        lowest_whole = {k: float(f.high[rows].min()) for k, rows in whole_bounds.items()}
        floor = np.array([lowest.get(k, np.inf) for k in key[bounded].tolist()])
        whole_floor = np.array([lowest_whole.get(k, np.inf) for k in f.place_key[bounded].tolist()])
        floor = np.where(f.group[bounded] != WHOLE_GROUP, np.minimum(floor, whole_floor), floor)
        for row in bounded[f.low[bounded] > floor * (1 + _EPSILON)]:
            row = int(row)
            own = bounds.get(key[row].item(), np.empty(0, dtype=np.int64))
            whole = whole_bounds.get(f.place_key[row].item(), np.empty(0, dtype=np.int64))
            candidates = np.union1d(own, whole) if f.group[row] != WHOLE_GROUP else own
            chunks.append((row, candidates[f.high[candidates] * (1 + _EPSILON) < f.low[row]]))
    return _pair_array(chunks)


def significant_digits(number: int) -> int:
    return len(str(number).rstrip("0")) if number else 0


def digit_slip(a: int, b: int) -> str | None:
    """How two numbers look like one copied wrongly, or None.

    One digit changed, dropped or added, or two adjacent digits swapped, when both have at
    least three significant digits (round figures such as 45,000 and 48,000 are estimates, not
    copies); or one exactly ten times the other, a zero dropped or added, when the smaller has
    at least two (1,000 and 10,000 are two round estimates as often as one slip).
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
        differ = [i for i in range(len(x)) if x[i] != y[i]]
        if len(differ) == 1:
            return "one digit changed"
        if (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and x[differ[0]] == y[differ[1]]
            and x[differ[1]] == y[differ[0]]
        ):
            return "two adjacent digits swapped"
        return None
    shorter, longer = (x, y) if len(x) < len(y) else (y, x)
    if len(longer) - len(shorter) == 1:
        for i in range(len(longer)):
            if longer[:i] + longer[i + 1 :] == shorter:
                return "one digit dropped or added"
    return None


def _runs(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort by keys (last key first, as np.lexsort) and number the runs of equal keys."""
    order = np.lexsort(keys)
    change = np.zeros(len(order), dtype=bool)
    if len(order):
        change[0] = True
    for key in keys:
        ordered = key[order]
        change[1:] |= ordered[1:] != ordered[:-1]
    return order, np.cumsum(change) - 1


def _groups_that_may_hold_a_slip(
    group: np.ndarray, value: np.ndarray, minute: np.ndarray
) -> np.ndarray:
    """Rows whose group has two distinct values not all told apart by their hours.

    A group can hold a slip only if some value was never published with an hour, or one hour
    carries two values. Sorted runs in numpy: this runs on every row.
    """
    timed = minute != _UNTIMED
    # Distinct values per group, and whether each (group, value) was ever timed.
    order, value_run = _runs(value, group)
    run_count = int(value_run[-1]) + 1 if len(value_run) else 0
    run_group = np.empty(run_count, dtype=np.int64)
    run_group[value_run] = group[order]
    run_timed = np.zeros(run_count, dtype=bool)
    np.logical_or.at(run_timed, value_run, timed[order])
    group_ids, group_of_run = np.unique(run_group, return_inverse=True)
    distinct = np.bincount(group_of_run, minlength=len(group_ids))
    has_untimed_value = np.zeros(len(group_ids), dtype=bool)
    np.logical_or.at(has_untimed_value, group_of_run, ~run_timed)
    # Hours that carry two values.
    shared = np.zeros(len(group_ids), dtype=bool)
    timed_rows = np.flatnonzero(timed)
    if len(timed_rows):
        t_order, t_value_run = _runs(value[timed_rows], minute[timed_rows], group[timed_rows])
        t_hour_order, t_hour_run = _runs(minute[timed_rows], group[timed_rows])
        values_per_hour = np.zeros(int(t_hour_run[-1]) + 1, dtype=np.int64)
        hour_of_row = np.empty(len(timed_rows), dtype=np.int64)
        hour_of_row[t_hour_order] = t_hour_run
        first_of_value_run = np.r_[True, t_value_run[1:] != t_value_run[:-1]]
        np.add.at(values_per_hour, hour_of_row[t_order][first_of_value_run], 1)
        busy = values_per_hour[hour_of_row] > 1
        shared[np.searchsorted(group_ids, group[timed_rows][busy])] = True
    may_hold = (distinct > 1) & (has_untimed_value | shared)
    return may_hold[np.searchsorted(group_ids, group)]


def typo_pairs(f: _Figures) -> dict[Pair, str]:
    """Pairs of one quantity, day and qualifier whose numbers look like one number miscopied.

    Two readings that were each published with an hour, never the same one, are two updates
    of a count that changes during the day, not copies: a relay without the hour that repeats
    one of them is no evidence of a slip.
    """
    rows = np.flatnonzero((f.qualifier != "range") & (f.value > 0))
    if not len(rows):
        return {}
    # "more than" and "at least" (and "up to" and "less than") claim the same interval.
    same_claim = pd.Series(f.qualifier[rows]).replace(
        {"at_least": "more_than", "less_than": "up_to"}
    )
    qualifier_code = pd.factorize(same_claim, sort=True)[0]
    group = _day_keys(f, 0)[rows] * 8 + qualifier_code
    keep = _groups_that_may_hold_a_slip(group, f.value[rows].astype(np.int64), f.minute[rows])
    if not keep.any():
        return {}
    pairs: dict[Pair, str] = {}
    for members in _rows_by_key(group[keep], rows[keep]).values():
        by_value: dict[int, list[int]] = defaultdict(list)
        for row in members.tolist():
            by_value[int(f.value[row])].append(row)
        hours = {
            value: {int(f.minute[r]) for r in rows_of if f.minute[r] != _UNTIMED}
            for value, rows_of in by_value.items()
        }
        ordered_values = sorted(by_value)
        for i, a_value in enumerate(ordered_values):
            for b_value in ordered_values[i + 1 :]:
                how = digit_slip(a_value, b_value)
                if how is None:
                    continue
                if hours[a_value] and hours[b_value] and not hours[a_value] & hours[b_value]:
                    continue  # two stamped updates
                for a in by_value[a_value]:
                    for b in by_value[b_value]:
                        if f.timed[a] and f.timed[b] and f.minute[a] != f.minute[b]:
                            continue
                        pairs[_ordered(a, b)] = how
    return pairs


# ---------------------------------------------------------------------------------------------
# From pairs to flags.


def _components(pairs: np.ndarray) -> list[np.ndarray]:
    """Connected sets of pairs: a list of (k, 2) arrays, one per flag, in a stable order.

    Label propagation with pointer jumping, in numpy: every figure takes the smallest label
    among its neighbours until nothing changes.
    """
    if not len(pairs):
        return []
    nodes, inverse = np.unique(pairs, return_inverse=True)
    ends = inverse.reshape(-1, 2)
    label = np.arange(len(nodes))
    while True:
        smallest = np.minimum(label[ends[:, 0]], label[ends[:, 1]])
        updated = label.copy()
        np.minimum.at(updated, ends[:, 0], smallest)
        np.minimum.at(updated, ends[:, 1], smallest)
        updated = updated[updated]
        if np.array_equal(updated, label):
            break
        label = updated
    component = label[ends[:, 0]]
    order = np.argsort(component, kind="stable")
    boundaries = np.flatnonzero(np.diff(component[order])) + 1
    return [pairs[chunk] for chunk in np.split(order, boundaries)]


def _gaps(f: _Figures, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Absolute and relative gaps between the intervals of pairs (relative to the larger end);
    for overlapping pairs (miscopies), between the two values."""
    a_below = f.high[a] < f.low[b]
    b_below = f.high[b] < f.low[a]
    lower = np.where(
        a_below, f.high[a], np.where(b_below, f.high[b], np.minimum(f.value[a], f.value[b]))
    )
    upper = np.where(
        a_below, f.low[b], np.where(b_below, f.low[a], np.maximum(f.value[a], f.value[b]))
    )
    gap = upper - lower
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(upper > 0, gap / upper, 0.0)
    return gap, relative


def _widest(f: _Figures, pairs: np.ndarray) -> tuple[int, int]:
    gap, _ = _gaps(f, pairs[:, 0], pairs[:, 1])
    a, b = pairs[int(np.argmax(gap))]
    return int(a), int(b)


def _dates_text(moments: pd.Series, with_time: np.ndarray) -> list[str]:
    """'25 Sep 2023', or '26 Sep 2023, 20:00' where the figure gives the hour; '' for none."""
    stamps = pd.to_datetime(moments)
    days = stamps.dt.day.astype("Int64").astype(str) + stamps.dt.strftime(" %b %Y")
    times = stamps.dt.strftime(", %H:%M")
    text = days.where(~pd.Series(with_time, index=days.index), days + times)
    return [
        value if isinstance(value, str) and not pd.isna(stamp) else ""
        for value, stamp in zip(text.tolist(), stamps.tolist(), strict=True)
    ]


class _Describer:
    """Builds the sentences of flags from the rows (who, where, when, what)."""

    _COLUMNS = ("reported_by", "outlet", "affiliation", "place", "as_of", "published")

    def __init__(self, f: _Figures, vocabulary: Vocabulary, members: Iterable[int]):
        self.f = f
        self.vocabulary = vocabulary
        # Only flagged rows are ever described: read their cells, and format their dates,
        # column-wise in one take.
        members = sorted(set(members))
        taken = f.rows.iloc[f.position[members]]
        self._cells: dict[str, dict[int, object]] = {
            name: dict(zip(members, taken[name].tolist(), strict=True)) for name in self._COLUMNS
        }
        as_of = _dates_text(taken["as_of"], taken["as_of_has_time"].to_numpy(bool))
        published = _dates_text(taken["published"], np.zeros(len(taken), dtype=bool))
        self._as_of_text = dict(zip(members, as_of, strict=True))
        self._published_text = dict(zip(members, published, strict=True))

    def cell(self, name: str, row: int) -> object:
        return self._cells[name][row]

    def reporter(self, row: int) -> str:
        return str(self.cell("reported_by", row))

    def written(self, row: int) -> str:
        high = self.f.value_high[row]
        return value_as_written(
            str(self.f.qualifier[row]),
            int(self.f.value[row]),
            None if np.isnan(high) else int(high),
        )

    def as_of_text(self, row: int) -> str:
        return self._as_of_text[row]

    def day_text(self, row: int) -> str:
        return self._as_of_text[row].split(",")[0]

    def source(self, row: int) -> str:
        """'(Brussels Signal, 25 Sep 2023)': outlet and publication date, where they add."""
        outlet = self.cell("outlet", row)
        parts = [str(outlet)] if outlet and outlet != self.cell("reported_by", row) else []
        if self._published_text[row]:
            parts.append(self._published_text[row])
        return f"({', '.join(parts)})" if parts else ""

    def none(self, row: int) -> bool:
        """'0' or 'up to 0': the source said there were none."""
        return self.f.high[row] == 0

    def figure_of(self, row: int) -> str:
        """For 'more than the …': '4,000', 'the figure of up to 311', 'none'."""
        if self.none(row):
            return "none"
        if self.f.qualifier[row] == "exact":
            return self.written(row)
        return f"figure of {self.written(row)}"

    def who(self, row: int) -> str:
        source = self.source(row)
        return f"{self.reporter(row)} {source}" if source else self.reporter(row)

    def quantity(self, row: int, include_group: bool = True) -> str:
        f = self.f
        metric = self.vocabulary.metrics[f.metric[row]]
        text = metric.label[:1].lower() + metric.label[1:]
        if include_group and f.group[row] != WHOLE_GROUP:
            text += f" ({self.vocabulary.group_label(f.group[row]).lower()})"
        place = self.cell("place", row)
        if place:
            text += f" in {place}"
        return text

    def claim(self, row: int) -> str:
        if self.none(row):
            return "said there were none"
        return f"put it at {self.written(row)}"

    def ref(self, row: int) -> FigureRef:
        return FigureRef(
            line=int(self.f.line[row]),
            reported_by=str(self.cell("reported_by", row)),
            outlet=str(self.cell("outlet", row)),
            affiliation=str(self.cell("affiliation", row)),
            as_of=self.as_of_text(row),
            published=self._published_text[row],
            value=self.written(row),
            metric=str(self.f.metric[row]),
            group=str(self.f.group[row]),
            place=str(self.cell("place", row)),
        )

    def claims_by_value(self, rows: list[int]) -> list[str]:
        """'A and B said there were none', 'C put it at about 10,000': one clause per reading."""
        readings: dict[str, list[int]] = defaultdict(list)
        for row in sorted(rows, key=lambda r: (-self.f.high[r], -self.f.low[r], self.f.line[r])):
            readings[self.written(row)].append(row)
        clauses = []
        for reading_rows in readings.values():
            names = [self.who(row) for row in reading_rows]
            if len(names) > 3:
                # Ten relays of one wire story should not make a paragraph; the lines list all.
                names = [*names[:2], f"{len(names) - 2} others"]
            subject = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
            clauses.append(f"{subject} {self.claim(reading_rows[0])}")
        return clauses

    def time_span(self, rows: list[int]) -> str:
        """When the figures hold: one day, or the first and last moments."""
        days = {int(self.f.day[row]) for row in rows}
        first = min(rows, key=lambda r: (self.f.day[r], self.f.minute[r]))
        last = max(rows, key=lambda r: (self.f.day[r], self.f.minute[r]))
        if len(days) == 1:
            moments = {int(self.f.minute[row]) for row in rows}
            if len(moments) == 1:
                return self.as_of_text(first)
            return self.day_text(first)
        return f"{self.as_of_text(first)} to {self.as_of_text(last)}"


def _self_contradiction(describer: _Describer, pairs: np.ndarray) -> str | None:
    f = describer.f
    same = np.flatnonzero(f.reporter[pairs[:, 0]] == f.reporter[pairs[:, 1]])
    return describer.reporter(int(pairs[same[0], 0])) if len(same) else None


def _explain_contradiction(d: _Describer, rows: list[int], pairs: np.ndarray) -> str:
    clauses = d.claims_by_value(rows)
    first = clauses[0].replace(" put it at ", f" put {d.quantity(rows[0])} at ", 1)
    if " said there were none" in first:
        first = first.replace(" said there were none", f" said there were no {d.quantity(rows[0])}")
    sentence = "; ".join([first, *clauses[1:]])
    every = "both" if len(rows) == 2 else "all"
    sentence += f". The figures describe {d.time_span(rows)} and cannot {every} be true."
    same_source = _self_contradiction(d, pairs)
    if same_source:
        sentence += f" {same_source} gave figures that contradict each other."
    return sentence


def _more(count: int) -> str:
    if count <= 0:
        return ""
    return " 1 more figure takes part." if count == 1 else f" {count} more figures take part."


def _self_sentence(d: _Describer, pairs: np.ndarray) -> str:
    same_source = _self_contradiction(d, pairs)
    return f" {same_source} gave figures that contradict each other." if same_source else ""


def _day_label(day: int) -> str:
    moment = dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
    return f"{moment.day} {moment:%b %Y}"


def _explain_decrease(d: _Describer, pairs: np.ndarray) -> str:
    f = d.f
    a, b = _widest(f, pairs)
    earlier, later = (a, b) if certainly_before(f, a, b) else (b, a)
    later_claim = "none" if d.none(later) else d.written(later)
    text = (
        f"{d.who(later)} put {d.quantity(later)} at {later_claim} as of "
        f"{d.as_of_text(later)}, below the {d.figure_of(earlier)} that {d.who(earlier)} gave "
        f"as of {d.as_of_text(earlier)}; a running total cannot fall."
    )
    # An earlier figure relayed later and dated when it was published looks like a fall.
    quantity_rows = np.asarray(f.rows_of_quantity(int(f.quantity[later])))
    repeats = quantity_rows[
        (f.value[quantity_rows] == f.value[later])
        & (f.qualifier[quantity_rows] == f.qualifier[later])
        & certainly_before(f, quantity_rows, later)
    ]
    if len(repeats):
        text += (
            f" The lower figure repeats one given as of {_day_label(int(f.day[repeats[0]]))} "
            f"(line {int(f.line[repeats[0]])}): perhaps an earlier figure relayed later."
        )
    return text + _more(len(np.unique(pairs)) - 2) + _self_sentence(d, pairs)


def _explain_part(d: _Describer, vocabulary: Vocabulary, pairs: np.ndarray) -> str:
    f = d.f
    a, b = _widest(f, pairs)
    part, whole = (a, b) if f.low[a] > f.high[b] else (b, a)
    if f.metric[part] == f.metric[whole]:
        text = (
            f"{d.who(part)} put {d.quantity(part)} at {d.written(part)} as of "
            f"{d.as_of_text(part)}, more than the {d.figure_of(whole)} that {d.who(whole)} "
            f"gave for {d.quantity(whole)} as of {d.as_of_text(whole)}; a part cannot exceed "
            "its whole."
        )
    else:
        bound = vocabulary.metrics[f.metric[whole]].label.lower()
        if f.group[whole] != WHOLE_GROUP:
            bound += f" ({vocabulary.group_label(f.group[whole]).lower()})"
        same_place = np.flatnonzero(
            (f.metric == f.metric[part]) & (f.place_key == f.place_key[part])
        )
        first = _day_label(int(f.day[same_place].min()))
        bounded_label = vocabulary.metrics[f.metric[part]].label.lower()
        text = (
            f"{d.who(part)} put {d.quantity(part)} at {d.written(part)} as of "
            f"{d.as_of_text(part)}, more than the {bound} of {d.written(whole)} that "
            f"{d.who(whole)} gave as of {d.as_of_text(whole)}, before anyone left (the first "
            f"figure of {bounded_label} there is dated {first})."
        )
    return text + _more(len(np.unique(pairs)) - 2) + _self_sentence(d, pairs)


@dataclass(frozen=True)
class _Verdict:
    value: int | None  # the reading other figures support
    reason: str  # why, for the sentence
    # Whether the verdict stands on evidence a duplicated relay cannot change (the
    # originator's own publication, the running total): only then are the conflicts the
    # other reading causes folded into the miscopy's flag.
    firm: bool


def _probable_reading(f: _Figures, rows: list[int]) -> _Verdict:
    """The reading other figures support, if any.

    In order: the only reading the originator published itself (relays copy each other, so
    they are no independent support); the only reading that fits the running total's other
    figures; the reading most outlets give.
    """
    by_value: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_value[int(f.value[row])].append(row)
    primary = [value for value, members in by_value.items() if f.primary[members].any()]
    if len(primary) == 1:
        return _Verdict(primary[0], "the source itself published it", True)
    if f.kind[rows[0]] == "cumulative":
        members = set(rows)
        others = np.asarray(
            [o for o in f.rows_of_quantity(int(f.quantity[rows[0]])) if o not in members],
            dtype=np.int64,
        )
        fits = []
        for value, value_rows in by_value.items():
            row = value_rows[0]
            higher_before = certainly_before(f, others, row) & (f.low[others] > f.high[row])
            lower_after = certainly_before(f, row, others) & (f.high[others] < f.low[row])
            if not (higher_before | lower_after).any():
                fits.append(value)
        if len(fits) == 1:
            return _Verdict(fits[0], "it is the only reading that fits the running total", True)
    outlets = {
        value: len({int(f.reporter[row]) for row in members}) for value, members in by_value.items()
    }
    ranked = sorted(outlets.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[0][1] > ranked[1][1]:
        return _Verdict(ranked[0][0], f"{ranked[0][1]} sources give it", False)
    return _Verdict(None, "", False)


def _explain_typo(
    d: _Describer,
    rows: list[int],
    pairs: np.ndarray,
    how: str,
    verdict: _Verdict,
    explained: np.ndarray,
) -> tuple[str, str | None]:
    f = d.f
    clauses = d.claims_by_value(rows)
    first = clauses[0].replace(" put it at ", f" put {d.quantity(rows[0])} at ", 1)
    text = (
        f"{'; '.join([first, *clauses[1:]])}. For {d.time_span(rows)} these look like one "
        f"number copied wrongly ({how})."
    )
    probable = None
    if verdict.value is None:
        text += " The data does not show which reading is right."
    else:
        row = next(r for r in rows if int(f.value[r]) == verdict.value)
        probable = d.written(row)
        text += f" {probable} is probably right: {verdict.reason}."
    if len(explained):
        lines = sorted({int(line) for line in f.line[explained].ravel()} - set(f.line[rows]))
        listed = ", ".join(str(line) for line in lines)
        text += (
            f" Read as written, the other reading would also disagree with line(s) {listed}; "
            "those disagreements are listed here, not as flags of their own."
        )
    return text + _self_sentence(d, pairs), probable


def find_conflicts(
    rows: pd.DataFrame, vocabulary: Vocabulary, settings: ConflictSettings | None = None
) -> list[Conflict]:
    """Every flag in a table of valid rows, most severe first. Pure: no I/O."""
    settings = settings or ConflictSettings()
    if rows.empty:
        return []
    f = _prepare(rows, vocabulary, settings)
    if not len(f):
        return []
    typos = typo_pairs(f)
    slips = _components(np.array(sorted(typos), dtype=np.int64).reshape(-1, 2))
    verdicts = [_probable_reading(f, np.unique(pairs).tolist()) for pairs in slips]
    # A miscopied figure makes the interval checks fire too (a total that seems to fall, two
    # figures that cannot both be true); when the right reading is firmly known, those are
    # symptoms of the one slip and are told in its flag instead of as flags of their own.
    miscopy_of: dict[int, int] = {}
    for index, (pairs, verdict) in enumerate(zip(slips, verdicts, strict=True)):
        if verdict.firm:
            for row in np.unique(pairs).tolist():
                if int(f.value[row]) != verdict.value:
                    miscopy_of[row] = index
    explained: list[list[np.ndarray]] = [[] for _ in slips]
    interval_flags: list[tuple[str, list[np.ndarray]]] = []
    for code, pairs in (
        (CONTRADICTION, contradiction_pairs(f)),
        (DECREASE, decrease_pairs(f)),
        (PART_EXCEEDS_WHOLE, part_exceeds_whole_pairs(f, vocabulary)),
    ):
        if miscopy_of and len(pairs):
            slip = np.array(
                [miscopy_of.get(int(a), miscopy_of.get(int(b), -1)) for a, b in pairs.tolist()]
            )
            for index in np.unique(slip[slip >= 0]).tolist():
                explained[index].append(pairs[slip == index])
            pairs = pairs[slip < 0]
        interval_flags.append((code, _components(pairs)))
    everything = [c for _, group in interval_flags for c in group] + slips
    everything += [chunk for chunks in explained for chunk in chunks]
    members = np.unique(np.concatenate(everything)) if everything else np.empty(0, np.int64)
    d = _Describer(f, vocabulary, members.tolist())
    found: list[Conflict] = []

    def build(
        code: str,
        pairs: np.ndarray,
        explanation: str,
        probable: str | None = None,
        folded: np.ndarray | None = None,
    ) -> None:
        rows_in = np.unique(pairs)
        rows_in = rows_in[np.argsort(f.line[rows_in], kind="stable")]
        gap, relative = _gaps(f, pairs[:, 0], pairs[:, 1])
        lines = f.line[pairs]
        line_pairs = _unique_pairs(lines.min(axis=1), lines.max(axis=1))
        folded_lines = np.empty((0, 2), dtype=np.int64)
        if folded is not None and len(folded):
            ends = f.line[folded]
            folded_lines = _unique_pairs(ends.min(axis=1), ends.max(axis=1))
        found.append(
            Conflict(
                code=code,
                lines=tuple(int(line) for line in f.line[rows_in]),
                pairs=tuple(map(tuple, line_pairs.tolist())),
                explanation=explanation,
                severity=float(relative.max()),
                gap_absolute=float(gap.max()),
                gap_relative=float(relative.max()),
                figures=tuple(d.ref(int(row)) for row in rows_in),
                self_contradiction=_self_contradiction(d, pairs) is not None,
                probable_value=probable,
                explained_pairs=tuple(map(tuple, folded_lines.tolist())),
            )
        )

    for code, components in interval_flags:
        for pairs in components:
            if code == CONTRADICTION:
                text = _explain_contradiction(d, np.unique(pairs).tolist(), pairs)
            elif code == DECREASE:
                text = _explain_decrease(d, pairs)
            else:
                text = _explain_part(d, vocabulary, pairs)
            build(code, pairs, text)
    for index, pairs in enumerate(slips):
        hows = "; ".join(sorted({typos[(int(a), int(b))] for a, b in pairs}))
        folded = (
            np.concatenate(explained[index]) if explained[index] else np.empty((0, 2), np.int64)
        )
        text, probable = _explain_typo(
            d, np.unique(pairs).tolist(), pairs, hows, verdicts[index], folded
        )
        build(LIKELY_TYPO, pairs, text, probable, folded)
    found.sort(key=lambda c: (-c.severity, CODES.index(c.code), c.lines))
    return found


def conflicts_by_line(conflicts: Iterable[Conflict]) -> dict[int, list[Conflict]]:
    """Which flags each CSV line takes part in (the dashboard marks these rows)."""
    index: dict[int, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        for line in conflict.lines:
            index[line].append(conflict)
    return dict(index)
