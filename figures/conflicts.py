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

Figures that disagree are grouped into one flag per connected set, with every pair listed;
a figure at odds with many others that agree among themselves is a flag of its own.
The work is sort-and-sweep: numpy finds the few rows that can possibly conflict (per quantity
and day), and only those are compared pair by pair.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from figures.arrays import distinct, isin
from figures.contract import Qualifier
from figures.vocabulary import METRIC_KINDS, WHOLE_GROUP, Metric, Vocabulary, compare_places
from figures.wording import value_as_written

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


class FigureRef(NamedTuple):
    """What a flag shows of one of its figures. A named tuple: a big table's flags carry
    thousands of these, and a tuple is several times cheaper to build than a frozen dataclass."""

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
            "figures": [ref._asdict() for ref in self.figures],
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


def _place_keys(places: pd.Series, vocabulary: Vocabulary) -> np.ndarray:
    """Each row's place as an integer: the rank of the name it is compared under, so the ids
    never depend on row order. 'North-Valdoria' and 'north valdoria' are one place, and
    so are the names places.csv declares one place; other spellings are not.

    Only the distinct names are normalised and ranked, in pyarrow: a big file names tens of
    thousands of places, and a Python loop over them cost more than the factorising."""
    code, names = pd.factorize(places, use_na_sentinel=False)
    names = np.asarray(names, dtype=object)
    compared = compare_places(pa.array(names, type=pa.string(), from_pandas=True))
    if vocabulary.places:
        linked = pc.index_in(compared, value_set=pa.array(list(vocabulary.places)))
        joined = pc.take(pa.array(list(vocabulary.places.values())), linked)
        compared = pc.if_else(pc.is_null(linked), compared, joined)
    if not len(compared):
        return np.zeros(len(code), dtype=np.int64)
    rank = pc.rank(compared, sort_keys="ascending", tiebreaker="dense")
    return (rank.to_numpy().astype(np.int64) - 1)[code]


# Qualifiers and kinds as small integer codes: whole-column comparisons of integers are
# many times cheaper than of strings, and a million rows are compared several times.
_QUALIFIERS: tuple[str, ...] = tuple(qualifier.value for qualifier in Qualifier)
_Q = {name: code for code, name in enumerate(_QUALIFIERS)}
_SAME_CLAIM = {"at_least": "more_than", "less_than": "up_to"}
# Qualifiers that claim the same interval: "more than" and "at least", "up to" and "less than".
_CLAIM = np.array([_Q[_SAME_CLAIM.get(name, name)] for name in _QUALIFIERS], dtype=np.int64)
_CUMULATIVE, _EVENT = METRIC_KINDS.index("cumulative"), METRIC_KINDS.index("event")


@dataclass
class _Figures:
    """The rows as parallel numpy arrays, sorted by quantity, day, time and line."""

    rows: pd.DataFrame  # the caller's table, untouched
    position: np.ndarray  # each sorted figure's position in `rows`
    line: np.ndarray
    quantity: np.ndarray  # dense id of (metric, group, place), in sorted order
    quantity_raw: np.ndarray  # the same as one order-independent integer (see _prepare)
    metric: np.ndarray  # index into metric_names
    metric_names: np.ndarray
    group: np.ndarray  # index into group_names
    group_names: np.ndarray
    place_key: np.ndarray  # id of the normalised place
    qualifier: np.ndarray  # index into _QUALIFIERS
    value: np.ndarray
    value_high: np.ndarray  # NaN unless a range
    day: np.ndarray  # days since epoch
    minute: np.ndarray  # minute of day, or _UNTIMED
    low: np.ndarray
    high: np.ndarray
    kind: np.ndarray  # index into METRIC_KINDS
    intraday: np.ndarray
    window: np.ndarray  # same-time window in days (0 = same moment rules)
    quantity_start: np.ndarray  # first index of each quantity id
    quantity_end: np.ndarray
    day_block: np.ndarray  # id of (quantity, day), non-decreasing in sorted order
    day_start: np.ndarray  # first index of each day_block
    moment_block: np.ndarray  # id of (quantity, day, minute); untimed figures share minute -1
    moment_start: np.ndarray
    day_low: np.ndarray  # highest low and lowest high of each day_block ...
    day_high: np.ndarray
    moment_low: np.ndarray  # ... and of each moment_block
    moment_high: np.ndarray
    # per bounded metric: the first day of its figures above zero in each place (see
    # _bound_pairs)
    first_day_of: dict[int, pd.Series] = field(default_factory=dict)
    first_any_day_of: dict[int, pd.Series] = field(default_factory=dict)  # zeros included
    _source_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    _reporter_ids: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.line)

    def __post_init__(self) -> None:
        self.timed = self.minute != _UNTIMED
        # Filled in by fetch_sources for the figures that take part in flags.
        self.source_id = np.full(len(self.line), -1, dtype=np.int64)
        self.reporter_id = np.full(len(self.line), -1, dtype=np.int64)
        self.primary = np.zeros(len(self.line), dtype=bool)  # published by its originator

    def rows_of_quantity(self, quantity: int) -> np.ndarray:
        return np.arange(self.quantity_start[quantity], self.quantity_end[quantity])

    def metric_name(self, row: int) -> str:
        return str(self.metric_names[self.metric[row]])

    def group_name(self, row: int) -> str:
        return str(self.group_names[self.group[row]])

    def qualifier_name(self, row: int) -> str:
        return _QUALIFIERS[self.qualifier[row]]

    def fetch_sources(self, rows: Iterable[int] | np.ndarray) -> None:
        """Number the sources (reporter, outlet) of the given figures, read in one take. Only
        figures in flags are ever asked about, so this is never done for a whole column.

        A source contradicts itself only in its own words: the same originator through the
        same outlet. Two wires relaying one ministry differently is a relay error, not the
        ministry's."""
        wanted = np.asarray(rows if isinstance(rows, np.ndarray) else list(rows), np.int64)
        # Most calls ask about figures already numbered: find that out before any sorting.
        missing = distinct(wanted[self.source_id[wanted] < 0]) if len(wanted) else wanted
        if not len(missing):
            return
        positions = self.position[missing]
        reporters = self.rows["reported_by"].take(positions).astype(str).str.casefold().tolist()
        outlets = self.rows["outlet"].take(positions).astype(str).str.casefold().tolist()
        for row, reporter, outlet in zip(missing.tolist(), reporters, outlets, strict=True):
            self.source_id[row] = self._source_ids.setdefault(
                (reporter, outlet), len(self._source_ids)
            )
            self.reporter_id[row] = self._reporter_ids.setdefault(reporter, len(self._reporter_ids))
            self.primary[row] = reporter == outlet


def _codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Factorisation with sorted ids, so ids never depend on row order; a missing value is "".

    Hash first, then rank the few distinct values: much faster than a sorting factorize on
    a million strings.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    names = pd.Series(uniques, dtype=object).fillna("").tolist()
    in_order = sorted(set(names))  # a missing value and "" are one
    index = {name: rank for rank, name in enumerate(in_order)}
    rank = np.array([index[name] for name in names], dtype=np.int64)
    return rank[codes], np.array(in_order, dtype=object)


def _starts(keys: np.ndarray) -> np.ndarray:
    """Where each run of equal keys begins, in an array sorted by key."""
    if not len(keys):
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])


def _blocks(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs of equal keys in a sorted array: each run's start, and each element's run."""
    starts = _starts(keys)
    run = np.zeros(len(keys), dtype=np.int64)
    run[starts[1:]] = 1
    return starts, np.cumsum(run)


def _sort_order(
    quantity: np.ndarray, day: np.ndarray, minute: np.ndarray, line: np.ndarray
) -> np.ndarray:
    """Indices that sort by quantity, day, minute and line.

    One stable sort of one integer key, on rows already in line order (as loaded): several
    times faster than np.lexsort of four keys, and near-linear when the file is mostly in order.
    """
    by_line = None if (np.diff(line) > 0).all() else np.argsort(line, kind="stable")
    first_day = int(day.min())
    day_span = int(day.max()) - first_day + 1
    if (int(quantity.max()) + 1) * day_span * 1442 >= 2**62:
        return np.lexsort((line, minute, day, quantity))
    key = (quantity * day_span + (day - first_day)) * 1442 + (minute + 1)
    if by_line is None:
        return np.argsort(key, kind="stable")
    return by_line[np.argsort(key[by_line], kind="stable")]


# Stands in for a metric the vocabulary lacks while arrays are built; its rows are left out.
_UNKNOWN_METRIC = Metric(name="", label="", unit="", kind="event")


def _moments(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each figure's day (days since 1970) and minute of the day (or _UNTIMED)."""
    as_of = rows["as_of"].to_numpy("datetime64[ns]")
    day_stamp = as_of.astype("datetime64[D]")
    minute = (as_of - day_stamp.astype("datetime64[ns]")) // np.timedelta64(1, "m")
    timed = rows["as_of_has_time"].to_numpy(bool)
    return day_stamp.astype(np.int64), np.where(timed, minute.astype(np.int64), _UNTIMED)


def _prepare(rows: pd.DataFrame, vocabulary: Vocabulary, settings: ConflictSettings) -> _Figures:
    metrics = vocabulary.metrics
    # Hashing the text columns dominates; pandas and pyarrow release the interpreter lock
    # while they hash, so on a big table the columns are factorised side by side.
    with ThreadPoolExecutor(max_workers=2 if len(rows) >= _PARALLEL_ROWS else 1) as pool:
        places = pool.submit(_place_keys, rows["place"], vocabulary)
        coded = [pool.submit(_codes, rows[name]) for name in ("metric", "group")]
        qualifiers = pool.submit(pd.factorize, rows["qualifier"])
        moments = pool.submit(_moments, rows)
        (metric_code, metric_names), (group_code, group_names) = (
            future.result() for future in coded
        )
        qualifier_code, qualifier_names = qualifiers.result()
        day, minute = moments.result()
        place_key = places.result()
    place_span = int(place_key.max()) + 1 if len(place_key) else 1
    # One integer per (metric, group, place): built from sorted ranks, so it does not depend
    # on the order of the rows.
    quantity_raw = (metric_code * len(group_names) + group_code) * place_span + place_key
    qualifier = np.array([_Q.get(str(name), _Q["exact"]) for name in qualifier_names])[
        qualifier_code
    ]
    line = rows["line"].to_numpy(np.int64)
    order = _sort_order(quantity_raw, day, minute, line)
    # Figures of a metric the vocabulary does not know are left out (the checker reports
    # them); dropping them from the order spares copying the table.
    known = np.array([name in metrics for name in metric_names], dtype=bool)
    if not known.all():
        order = order[known[metric_code[order]]]
        metrics = {name: metrics.get(name, _UNKNOWN_METRIC) for name in metric_names}

    kind_of = np.array([METRIC_KINDS.index(metrics[name].kind) for name in metric_names], np.int8)
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
    qualifier = qualifier[order]
    low, high = value.copy(), value.copy()
    about = qualifier == _Q["about"]
    low[about] = value[about] * (1 - settings.tolerance)
    high[about] = value[about] * (1 + settings.tolerance)
    high[(qualifier == _Q["more_than"]) | (qualifier == _Q["at_least"])] = np.inf
    low[(qualifier == _Q["up_to"]) | (qualifier == _Q["less_than"])] = 0.0
    ranged = qualifier == _Q["range"]
    high[ranged] = np.where(np.isnan(value_high[ranged]), value[ranged], value_high[ranged])
    metric_sorted = metric_code[order]
    quantity_raw = quantity_raw[order]
    day = day[order]
    quantity_start = _starts(quantity_raw)
    quantity = np.zeros(len(order), dtype=np.int64)
    quantity[quantity_start[1:]] = 1
    quantity = np.cumsum(quantity)
    # A new (quantity, day) block wherever either changes.
    day_change = np.zeros(len(order), dtype=np.int64)
    day_change[quantity_start] = 1
    day_change[1:] |= day[1:] != day[:-1]
    minute = minute[order]
    moment_change = day_change.copy()
    moment_change[1:] |= minute[1:] != minute[:-1]
    day_start, moment_start = np.flatnonzero(day_change), np.flatnonzero(moment_change)
    return _Figures(
        rows=rows,
        position=order,
        line=line[order],
        quantity=quantity,
        quantity_raw=quantity_raw,
        metric=metric_sorted,
        metric_names=metric_names,
        group=group_code[order],
        group_names=group_names,
        place_key=place_key[order],
        qualifier=qualifier,
        value=value,
        value_high=value_high,
        day=day,
        minute=minute,
        low=low,
        high=high,
        kind=kind_of[metric_sorted],
        intraday=intraday_of[metric_sorted],
        window=window_of[metric_sorted],
        quantity_start=quantity_start,
        quantity_end=np.r_[quantity_start[1:], len(order)].astype(np.int64),
        day_block=np.cumsum(day_change) - 1,
        day_start=day_start,
        moment_block=np.cumsum(moment_change) - 1,
        moment_start=moment_start,
        # The extremes of each (quantity, day) and (quantity, day, minute) run: what the
        # contradiction and decrease checks compare each figure with.
        day_low=np.maximum.reduceat(low, day_start) if len(low) else low,
        day_high=np.minimum.reduceat(high, day_start) if len(high) else high,
        moment_low=np.maximum.reduceat(low, moment_start) if len(low) else low,
        moment_high=np.minimum.reduceat(high, moment_start) if len(high) else high,
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
        np.where(f.kind[a] == _EVENT, same_day, same_moment(f, a, b)),
    )


def certainly_before(f: _Figures, a, b):  # type: ignore[no-untyped-def]
    """Whether figure a certainly describes an earlier moment than figure b."""
    same_day_earlier = f.timed[a] & f.timed[b] & (f.minute[a] < f.minute[b])
    return (f.day[a] < f.day[b]) | ((f.day[a] == f.day[b]) & same_day_earlier)


def not_after(f: _Figures, a, b):  # type: ignore[no-untyped-def]
    """Whether figure a is certainly not later than figure b (earlier or the same moment)."""
    return certainly_before(f, a, b) | same_moment(f, a, b)


def disjoint(f: _Figures, a, b):  # type: ignore[no-untyped-def]
    """Whether two figures' intervals cannot both hold. Touching intervals overlap: "up to
    3,000" and "3,000" agree. The epsilon absorbs float noise at an `about` figure's edge."""
    return (f.high[a] < f.low[b] * (1 - _EPSILON)) | (f.high[b] < f.low[a] * (1 - _EPSILON))


# ---------------------------------------------------------------------------------------------
# Candidate search. Each check first finds, with whole-column numpy operations on the sorted
# rows, the few figures that could take part in a flag (a superset); only their pairs are
# compared. Rows are sorted by quantity, day and minute, so every "same quantity and day" or
# "same moment" set is a run of consecutive rows: its extremes are one reduceat, no hashing.

# A relative tolerance for float noise, so `about` at exactly its edge still agrees. Small
# enough that a fall of one at the largest value the checker accepts (10**12) still shows.
_EPSILON = 1e-14
# Candidate pairs are compared in chunks of about this many, to bound memory on odd files.
_PAIR_CHUNK = 1 << 21


def _day_keys(f: _Figures, margin: int) -> np.ndarray:
    """One integer per (quantity, day), with room for ±margin days between quantities; it
    does not decrease along the sorted rows."""
    if not len(f):
        return np.empty(0, dtype=np.int64)
    first = int(f.day.min())
    span = int(f.day.max()) - first + 1 + 2 * margin
    return f.quantity * span + (f.day - first + margin)


def _window_extremes(f: _Figures, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `rows` (sorted), max low and min high over its quantity's rows within
    ±window days."""
    widest = int(f.window[rows].max()) if len(rows) else 0
    keys = _day_keys(f, widest)[rows]
    starts = _starts(keys)
    block_keys = keys[starts]
    block_low = np.maximum.reduceat(f.low[rows], starts)
    block_high = np.minimum.reduceat(f.high[rows], starts)
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


def _ordered(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def _unique_pairs(smaller: np.ndarray, larger: np.ndarray) -> np.ndarray:
    """Distinct pairs in sorted order, via one integer key (np.unique on rows is slow)."""
    span = int(larger.max()) + 1 if len(larger) else 1
    keys = distinct(smaller * span + larger)
    return np.stack([keys // span, keys % span], axis=1)


def _pairs_in_ranges(
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
        stop = start + max(int(np.searchsorted(totals, _PAIR_CHUNK, side="right")), 1)
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
    return _unique_pairs(np.minimum(a, b), np.maximum(a, b))


# ---------------------------------------------------------------------------------------------
# The four checks; each returns pairs of (sorted) row indices.

Pair = tuple[int, int]


def contradiction_candidates(f: _Figures) -> np.ndarray:
    candidate = np.zeros(len(f), dtype=bool)
    # Stocks with a window: anything within ±window days of the same quantity.
    windowed = np.flatnonzero(f.window > 0)
    if len(windowed):
        near_low, near_high = _window_extremes(f, windowed)
        candidate[windowed] = (f.high[windowed] < near_low) | (f.low[windowed] > near_high)
    # Same-moment kinds: an untimed intraday figure matches nothing; other figures are compared
    # within their day (daily metrics and events) or their minute (intraday metrics).
    # Kind, intraday and window are the metric's, so every run of a quantity's day is all
    # of one sort or the other.
    is_event = f.kind == _EVENT
    moment = (f.window == 0) & ~(f.intraday & ~f.timed & ~is_event)
    by_minute = f.intraday & ~is_event
    near_low = np.where(by_minute, f.moment_low[f.moment_block], f.day_low[f.day_block])
    near_high = np.where(by_minute, f.moment_high[f.moment_block], f.day_high[f.day_block])
    candidate |= moment & ((f.high < near_low) | (f.low > near_high))
    return np.flatnonzero(candidate)


def contradiction_pairs(f: _Figures) -> np.ndarray:
    a = contradiction_candidates(f)
    if not len(a):
        return np.empty((0, 2), dtype=np.int64)
    widest = int(f.window.max())
    keys = _day_keys(f, widest)
    first = np.searchsorted(keys, keys[a] - f.window[a], side="left")
    end = np.searchsorted(keys, keys[a] + f.window[a], side="right")
    return _pairs_in_ranges(
        a, first, end, lambda a, b: disjoint(f, a, b) & same_time(f, a, b).astype(bool)
    )


def _exclusive_running_max(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For sorted blocks, the max of `values` over earlier blocks of the same group."""
    series = pd.Series(values)
    running = series.groupby(groups).cummax()
    return running.groupby(groups).shift(1).fillna(-np.inf).to_numpy(np.float64)


def decrease_candidates(f: _Figures) -> np.ndarray:
    cumulative = f.kind == _CUMULATIVE
    if not cumulative.any():
        return np.flatnonzero(cumulative)
    # The highest lower bound on any earlier day of the same quantity...
    before = _exclusive_running_max(f.quantity[f.day_start], f.day_low)[f.day_block]
    # ... and, for a timed figure, at an earlier minute of its own day (untimed figures,
    # minute -1, were taken at no known moment and set no bound here).
    stamped_low = np.where(f.timed[f.moment_start], f.moment_low, -np.inf)
    earlier = _exclusive_running_max(f.day_block[f.moment_start], stamped_low)[f.moment_block]
    threshold = np.maximum(before, np.where(f.timed, earlier, -np.inf))
    return np.flatnonzero(cumulative & (f.high < threshold * (1 - _EPSILON)))


# The decrease check narrows each candidate's range of earlier rows (see _first_above) once
# the plain ranges hold more than this many rows per row of the table.
_NARROW_FROM = 1


def _first_above(f: _Figures, candidates: np.ndarray) -> np.ndarray:
    """For each candidate, the first row of its quantity at which the quantity's running max
    of lows exceeds the candidate's high: no row before it can be above the candidate.

    A running total rises, so the rows above a late, low figure are the recent ones; starting
    there keeps a long total with many slips from comparing every figure with every other."""
    asked = np.zeros(int(f.quantity[-1]) + 1, dtype=bool)
    asked[f.quantity[candidates]] = True
    rows = np.flatnonzero(asked[f.quantity])  # whole quantities, in sorted order
    running = pd.Series(f.low[rows]).groupby(f.quantity[rows]).cummax().to_numpy(np.float64)
    # (quantity, running max) is sorted along `rows`: one integer key searches it.
    levels = distinct(running)
    key = f.quantity[rows] * (len(levels) + 1) + np.searchsorted(levels, running)
    wanted = f.quantity[candidates] * (len(levels) + 1) + np.searchsorted(
        levels, f.high[candidates], side="right"
    )
    return rows[np.minimum(np.searchsorted(key, wanted), len(rows) - 1)]


def decrease_pairs(f: _Figures) -> np.ndarray:
    b = decrease_candidates(f)
    keys = _day_keys(f, 0)
    first = f.quantity_start[f.quantity[b]]
    end = np.searchsorted(keys, keys[b], side="right")
    if len(b) and int((end - first).sum()) > _NARROW_FROM * len(f):  # long totals, many slips
        first = np.maximum(first, _first_above(f, b))
    return _pairs_in_ranges(
        b,
        first,
        end,
        # a is the candidate (the later, lower figure); b runs over the rows before it.
        lambda later, earlier: (
            (f.low[earlier] * (1 - _EPSILON) > f.high[later]) & certainly_before(f, earlier, later)
        ),
    )


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


def _code_of(names: np.ndarray, name: str) -> int | None:
    found = np.flatnonzero(names == name)
    return int(found[0]) if len(found) else None


def _subgroup_pairs(f: _Figures) -> np.ndarray:
    """A subgroup above its total at the same time. For running totals a part counted no
    later than the whole cannot exceed it either (the part only grows, and stays within the
    whole)."""
    whole = _code_of(f.group_names, WHOLE_GROUP)
    if whole is None:
        return np.empty((0, 2), dtype=np.int64)
    parts = np.flatnonzero(f.group != whole)
    place_span = int(f.place_key.max()) + 1
    # The whole's quantity for each part: the same metric and place, group `all`.
    whole_raw = (f.metric[parts] * len(f.group_names) + whole) * place_span + f.place_key[parts]
    quantity_raw = f.quantity_raw[f.quantity_start]
    where = np.clip(np.searchsorted(quantity_raw, whole_raw), 0, len(quantity_raw) - 1)
    has_whole = quantity_raw[where] == whole_raw
    parts, where = parts[has_whole], where[has_whole]
    lowest_high = np.minimum.reduceat(f.high, f.quantity_start)
    exceeding = f.low[parts] > lowest_high[where] * (1 + _EPSILON)
    parts, where = parts[exceeding], where[exceeding]

    def holds(part: np.ndarray, total: np.ndarray) -> np.ndarray:
        comparable = np.where(
            f.kind[part] == _CUMULATIVE, not_after(f, part, total), same_time(f, part, total)
        )
        return (f.high[total] * (1 + _EPSILON) < f.low[part]) & comparable.astype(bool)

    return _pairs_in_ranges(parts, f.quantity_start[where], f.quantity_end[where], holds)


def _bound_pairs(f: _Figures, vocabulary: Vocabulary) -> list[np.ndarray]:
    """A metric above the metric that bounds it, against the bounding figures dated before
    the bounded metric's first figure above zero in that place: the population before anyone
    left.
    Later figures of the bound (people remaining) are no bound on how many left."""
    found = []
    whole = _code_of(f.group_names, WHOLE_GROUP)
    for name, metric in vocabulary.metrics.items():
        bounded_code = _code_of(f.metric_names, name)
        bounding_code = _code_of(f.metric_names, metric.bounded_by or "")
        if bounded_code is None or bounding_code is None:
            continue
        bounded = np.flatnonzero(f.metric == bounded_code)
        bounding = np.flatnonzero(f.metric == bounding_code)
        # The first figure that allows anyone to have gone: "0 had left" dates a population
        # that still held everyone, so it does not move the cut-off.
        started = bounded[f.high[bounded] > 0]
        first_day = pd.Series(f.day[started]).groupby(f.place_key[started]).min()
        f.first_day_of[bounded_code] = first_day
        f.first_any_day_of[bounded_code] = (
            pd.Series(f.day[bounded]).groupby(f.place_key[bounded]).min()
        )
        starts = first_day.reindex(f.place_key[bounding]).to_numpy(np.float64)
        bounding = bounding[f.day[bounding] < np.nan_to_num(starts, nan=-np.inf)]
        if not len(bounding):
            continue
        key = f.place_key * (len(f.group_names) + 1) + f.group
        bounds = _rows_by_key(key[bounding], bounding)
        # A group is bounded by its own population and by everyone's: children who fled
        # cannot outnumber the whole population either.
        of_whole = bounding[f.group[bounding] == whole]
        whole_bounds = _rows_by_key(f.place_key[of_whole], of_whole)
        lowest = pd.Series(f.high[bounding]).groupby(key[bounding]).min()
        lowest_whole = pd.Series(f.high[of_whole]).groupby(f.place_key[of_whole]).min()
        floor = lowest.reindex(key[bounded]).fillna(np.inf).to_numpy(np.float64)
        whole_floor = lowest_whole.reindex(f.place_key[bounded]).fillna(np.inf).to_numpy(np.float64)
        floor = np.where(f.group[bounded] != whole, np.minimum(floor, whole_floor), floor)
        for row in bounded[f.low[bounded] > floor * (1 + _EPSILON)].tolist():
            own = bounds.get(key[row].item(), np.empty(0, dtype=np.int64))
            everyone = whole_bounds.get(f.place_key[row].item(), np.empty(0, dtype=np.int64))
            candidates = np.union1d(own, everyone) if f.group[row] != whole else own
            below = candidates[f.high[candidates] * (1 + _EPSILON) < f.low[row]]
            if len(below):
                found.append(np.stack([np.minimum(row, below), np.maximum(row, below)], axis=1))
    return found


def part_exceeds_whole_pairs(f: _Figures, vocabulary: Vocabulary) -> np.ndarray:
    pairs = np.concatenate([_subgroup_pairs(f), *_bound_pairs(f, vocabulary)]).astype(np.int64)
    return _unique_pairs(pairs[:, 0], pairs[:, 1])


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
    rounding sets.
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
            if _rounded_at(x, differ[0]) and _rounded_at(y, differ[0]):
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
    shorter, longer = (x, y) if len(x) < len(y) else (y, x)
    if len(longer) - len(shorter) == 1:
        for i in range(len(longer)):
            if longer[:i] + longer[i + 1 :] == shorter:
                return "one digit dropped or added"
    return None


def _rounded_at(digits: str, position: int) -> bool:
    """Whether a number's last significant digit is at `position` and at least two zeros
    follow it: a figure rounded to the hundred or coarser."""
    zeros = len(digits) - len(digits.rstrip("0"))
    return zeros >= 2 and position == len(digits) - zeros - 1


def _first_of_reading(f: _Figures, rows: np.ndarray) -> np.ndarray:
    """For each of `rows`, the first figure (earliest day and minute) of its quantity with the
    same reading: value and claim. A relay dated when it was published repeats such a
    reading a day late: that is staleness, not a miscopied digit.

    One sort over the figures of the quantities asked about, not a scan per row: late
    relays are common in real reporting."""
    if not len(rows):
        return rows
    asked = np.zeros(int(f.quantity[-1]) + 1, dtype=bool)  # quantity ids are 0..n in order
    asked[f.quantity[rows]] = True
    pool = np.flatnonzero(asked[f.quantity])
    # A reading is its value, its upper end (ranges) and its claim.
    value_code, _ = pd.factorize(f.value[pool])
    high_code, highs = pd.factorize(f.value_high[pool], use_na_sentinel=False)
    # Dense codes keep the key small: at most (rows x 7) x rows.
    reading, readings = pd.factorize(value_code.astype(np.int64) * len(highs) + high_code)
    claims = len(_QUALIFIERS)
    key = (f.quantity[pool] * claims + _CLAIM[f.qualifier[pool]]) * len(readings) + reading
    # Earliest day first; within that day a figure with its hour before one without, so a
    # note can name the update itself rather than a relay of it.
    minute = f.minute[pool]
    order = np.lexsort((np.where(minute == _UNTIMED, 1441, minute), f.day[pool], key))
    starts = _starts(key[order])
    keys_once = key[order][starts]
    where = np.searchsorted(pool, rows)  # rows are among the pool
    return pool[order[starts[np.searchsorted(keys_once, key[where])]]]


def _typo_groups(f: _Figures) -> tuple[np.ndarray, np.ndarray]:
    """The rows that may hold a slip, sorted by group (quantity, day, claim), and the start
    of each group among them.

    A group can hold a slip only if it has two distinct values not all told apart by their
    hours: some value was never published with an hour, or one hour carries two values.
    Whole-column numpy on runs of the sorted rows: this runs on every row.
    """
    rows = np.flatnonzero((f.qualifier != _Q["range"]) & (f.value > 0))
    # Rows are sorted by (quantity, day, minute); a stable sort on (day block, claim) keeps
    # the minutes in order within a group, and is near-linear since most days hold one claim.
    key = f.day_block[rows] * len(_QUALIFIERS) + _CLAIM[f.qualifier[rows]]
    order = np.argsort(key, kind="stable")
    rows, key = rows[order], key[order]
    starts, group = _blocks(key)
    if not len(starts):
        return rows, starts
    value = f.value[rows]
    varied = np.minimum.reduceat(value, starts) != np.maximum.reduceat(value, starts)
    keep = varied[group]
    rows, group, value = rows[keep], group[keep], value[keep]
    minute = f.minute[rows]
    timed = minute != _UNTIMED
    may_hold = np.zeros(len(starts), dtype=bool)
    # Hours that carry two values.
    stamped = np.flatnonzero(timed)
    if len(stamped):
        hour_starts = _starts(group[stamped] * 1441 + minute[stamped])
        two = np.minimum.reduceat(value[stamped], hour_starts) != np.maximum.reduceat(
            value[stamped], hour_starts
        )
        may_hold[group[stamped][hour_starts][two]] = True
    # Values never published with an hour: an untimed figure whose value no timed figure of
    # its group has (a relay that repeats a stamped update is no evidence of a slip), nor any
    # figure of its quantity on an earlier day (a relay of yesterday's update, dated today).
    untimed = np.flatnonzero(~timed)
    if len(untimed):
        if (int(group.max()) + 1) * (int(value.max()) + 1) < 2**62:
            pair_key = group * (int(value.max()) + 1) + value.astype(np.int64)
        else:
            pair_key = group * len(value) + pd.factorize(value)[0]
        stamped_value = pd.Series(pair_key[untimed]).isin(pair_key[stamped]).to_numpy(bool)
        unexplained = untimed[~stamped_value]
        asked = rows[unexplained]
        late = f.day[_first_of_reading(f, asked)] < f.day[asked]
        may_hold[group[unexplained[~late]]] = True
    keep = may_hold[group]
    rows, group = rows[keep], group[keep]
    return rows, _starts(group)


def typo_pairs(f: _Figures) -> dict[Pair, str]:
    """Pairs of one quantity, day and qualifier whose numbers look like one number miscopied.

    Two readings that were each published with an hour, never the same one, are two updates
    of a count that changes during the day, not copies: a relay without the hour that repeats
    one of them is no evidence of a slip.
    """
    rows, starts = _typo_groups(f)
    first_of = dict(zip(rows.tolist(), _first_of_reading(f, rows).tolist(), strict=True))
    pairs: dict[Pair, str] = {}
    for members in np.split(rows, starts[1:]) if len(starts) else []:
        by_value: dict[int, list[int]] = defaultdict(list)
        for row in members.tolist():
            by_value[int(f.value[row])].append(row)
        # When each reading was published with an hour that day; a reading the quantity
        # already had on an earlier day counts as stamped then (the earlier moment itself).
        hours: dict[int, set[object]] = {
            value: {int(f.minute[r]) for r in rows_of if f.minute[r] != _UNTIMED}
            for value, rows_of in by_value.items()
        }
        stale: dict[int, bool] = {}
        for value, rows_of in by_value.items():
            first = first_of[rows_of[0]]
            stale[value] = bool(f.day[first] < f.day[rows_of[0]])
            if stale[value]:
                hours[value].add((int(f.day[first]), int(f.minute[first])))
        total = f.kind[int(members[0])] == _CUMULATIVE
        ordered_values = sorted(by_value)
        for i, a_value in enumerate(ordered_values):
            for b_value in ordered_values[i + 1 :]:
                how = digit_slip(a_value, b_value)
                if how is None:
                    continue
                if hours[a_value] and hours[b_value] and not hours[a_value] & hours[b_value]:
                    continue  # two stamped updates
                # An earlier day's total relayed today, and the originator's own higher
                # reading of today: its update, whatever the digits (1,294 then 1,394).
                if (
                    total
                    and stale[a_value]
                    and not stale[b_value]
                    and _own_update(f, by_value[a_value], by_value[b_value])
                ):
                    continue
                for a in by_value[a_value]:
                    for b in by_value[b_value]:
                        if f.timed[a] and f.timed[b] and f.minute[a] != f.minute[b]:
                            continue
                        pairs[_ordered(a, b)] = how
    return pairs


def _own_update(f: _Figures, old: list[int], new: list[int]) -> bool:
    """Whether the originator named by the old reading's rows published the new reading
    itself (reporter and outlet one): then the new reading is its update, not a relay's slip."""
    f.fetch_sources([*old, *new])
    named = set(f.reporter_id[old].tolist())
    return any(f.primary[row] and f.reporter_id[row] in named for row in new)


# ---------------------------------------------------------------------------------------------
# From pairs to flags.


def _flag_groups(pairs: np.ndarray) -> list[np.ndarray]:
    """The pairs of one check grouped into flags: each connected set, except that a figure at
    odds with many others that agree among themselves (a figure misdated by nine days sits
    above every later one) is a flag of its own, and the clashes among the rest are flags of
    theirs. Otherwise one misdated row glues every unrelated late relay into one flag whose
    sentence can tell only one of them."""
    groups: list[np.ndarray] = []
    for component in _components(pairs):
        odd = _odd_figure(component)
        if odd is None:
            groups.append(component)
            continue
        involved = (component == odd).any(axis=1)
        groups.append(component[involved])
        # Once: the rest are grouped as connected sets again. Splitting them further would
        # make one flag per late relay of the same day, each listing the same figures.
        groups += _components(component[~involved])
    return groups


# A figure is the odd one out when it clashes with at least this many others, with at least
# twice as many as any other figure of its set (it is alone on its side: two sources against
# three stay one dispute), and at most this share of the pairs among those others clash too:
# the others agree, it does not.
_ODD_MIN_CLASHES = 3
_ODD_MAX_SHARE = 0.25


def _odd_figure(component: np.ndarray) -> int | None:
    """The figure that clashes with most others of a connected set, if it stands alone (twice
    the clashes of any other figure), those others mostly agree among themselves, and some
    clashes do not involve it; else None."""
    if len(component) <= _ODD_MIN_CLASHES:  # no room for its clashes and one more
        return None
    rows, clashes = np.unique(component, return_counts=True)
    ranked = np.sort(clashes)
    if ranked[-1] < _ODD_MIN_CLASHES or ranked[-1] < 2 * ranked[-2]:
        return None
    odd = int(rows[np.argmax(clashes)])
    involved = (component == odd).any(axis=1)
    rest = component[~involved]
    if not len(rest):
        return None
    others = component[involved]
    others = np.where(others[:, 0] == odd, others[:, 1], others[:, 0])
    among = np.count_nonzero(isin(rest[:, 0], others) & isin(rest[:, 1], others))
    possible = len(others) * (len(others) - 1) / 2
    return odd if among <= _ODD_MAX_SHARE * possible else None


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
    relative = np.divide(gap, upper, out=np.zeros_like(gap), where=upper > 0)
    return gap, relative


def _widest(f: _Figures, pairs: np.ndarray, suspect: np.ndarray | None = None) -> tuple[int, int]:
    """The pair with the widest gap, the one a sentence tells; not one with a figure that
    looks miscopied (`suspect`) while another pair will do: a suspected slip must not be the
    headline of another flag."""
    if suspect is not None:
        clean = pairs[~(suspect[pairs[:, 0]] | suspect[pairs[:, 1]])]
        pairs = clean if len(clean) else pairs
    gap, _ = _gaps(f, pairs[:, 0], pairs[:, 1])
    a, b = pairs[int(np.argmax(gap))]
    return int(a), int(b)


def _dates_text(moments: pd.Series, with_time: np.ndarray) -> list[str]:
    """'25 Sep 2023', or '26 Sep 2023, 20:00' where the figure gives the hour; '' for none.

    Formatted once per distinct moment: flagged figures share few dates, and pandas'
    strftime costs about ten microseconds a value.
    """
    stamps = pd.to_datetime(moments).to_numpy("datetime64[m]")
    stamps_once, index = np.unique(stamps, return_inverse=True)
    texts = {}
    for position, stamp in enumerate(stamps_once.tolist()):
        if stamp is None:
            texts[position] = ("", "")
        else:
            texts[position] = (f"{stamp.day} {stamp:%b %Y}", f", {stamp:%H:%M}")
    return [
        day + time if timed else day
        for (day, time), timed in zip(
            (texts[i] for i in index.ravel().tolist()), with_time.tolist(), strict=True
        )
    ]


def _in_sentence(label: str) -> str:
    """A label as it reads mid-sentence: 'Children' -> 'children', but 'UN staff' stays."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]


class _Describer:
    """Builds the sentences of flags from the rows (who, where, when, what)."""

    _COLUMNS = ("reported_by", "outlet", "affiliation", "place")

    def __init__(self, f: _Figures, vocabulary: Vocabulary, members: Iterable[int]):
        self.f = f
        self.vocabulary = vocabulary
        # Each figure's first appearance with its reading (see _first_of_reading); filled in
        # by find_conflicts for the flagged figures.
        self.first_reading: dict[int, int] = {}
        # Figures that look miscopied (in a likely-typo flag): never a sentence's headline
        # while another pair will do. Filled in by find_conflicts.
        self.suspect: np.ndarray | None = None
        # Only flagged rows are ever described: read their cells (column by column, since
        # selecting columns first would copy them whole), word their values and format their
        # dates in one take, since a figure is described in several sentences and flags.
        members = sorted(set(members))
        positions = f.position[members]
        cells = {
            name: [str(cell) for cell in f.rows[name].take(positions).tolist()]
            for name in self._COLUMNS
        }
        self._cells = {name: dict(zip(members, cells[name], strict=True)) for name in cells}
        has_time = f.rows["as_of_has_time"].take(positions).to_numpy(bool)
        as_of = _dates_text(f.rows["as_of"].take(positions), has_time)
        published = _dates_text(f.rows["published"].take(positions), np.zeros_like(has_time))
        self._as_of_text = dict(zip(members, as_of, strict=True))
        self._published_text = dict(zip(members, published, strict=True))
        published_days = f.rows["published"].take(positions).to_numpy("datetime64[D]")
        self._published_day = dict(zip(members, published_days.tolist(), strict=True))
        highs = [None if math.isnan(high) else int(high) for high in f.value_high[members]]
        written = [
            value_as_written(_QUALIFIERS[qualifier], value, high)
            for qualifier, value, high in zip(
                f.qualifier[members].tolist(),
                f.value[members].astype(np.int64).tolist(),
                highs,
                strict=True,
            )
        ]
        self._written = dict(zip(members, written, strict=True))
        refs = map(
            FigureRef,  # fields in order: line, reported_by, outlet, affiliation, as_of, ...
            f.line[members].tolist(),
            cells["reported_by"],
            cells["outlet"],
            cells["affiliation"],
            as_of,
            published,
            written,
            f.metric_names[f.metric[members]].tolist(),
            f.group_names[f.group[members]].tolist(),
            cells["place"],
        )
        self._refs = dict(zip(members, refs, strict=True))

    def cell(self, name: str, row: int) -> object:
        return self._cells[name][row]

    def reporter(self, row: int) -> str:
        return str(self.cell("reported_by", row))

    def written(self, row: int) -> str:
        return self._written[row]

    def speaker(self, row: int) -> str:
        """Whose words a figure is: the reporter, or the reporter as an outlet relayed it
        (a relay's two readings are the relay's inconsistency, not the originator's)."""
        outlet = self.cell("outlet", row)
        if not outlet or str(outlet).casefold() == self.reporter(row).casefold():
            return self.reporter(row)
        return f"{self.reporter(row)}, as reported by {outlet},"

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
        """For 'more than the …': '4,000', 'figure of up to 311', 'figure of zero' (a source
        that said there were none)."""
        if self.none(row):
            return "figure of zero"
        if self.f.qualifier_name(row) == "exact":
            return self.written(row)
        return f"figure of {self.written(row)}"

    def who(self, row: int) -> str:
        source = self.source(row)
        return f"{self.reporter(row)} {source}" if source else self.reporter(row)

    def quantity(self, row: int, include_group: bool = True, article: bool = True) -> str:
        """'children who fled Valdoria', 'the population of Valdoria',
        'people killed in Merrow': the metric's label, the group in place of 'people'
        (or after the label), and the place with the metric's preposition."""
        f = self.f
        metric = self.vocabulary.metrics[f.metric_name(row)]
        text = metric.label[:1].lower() + metric.label[1:]
        counts_people = text.startswith("people ")
        if include_group and f.group_name(row) != WHOLE_GROUP:
            group = _in_sentence(self.vocabulary.group_label(f.group_name(row)))
            text = group + text[len("people") :] if counts_people else f"{text} ({group})"
        if article and metric.place_preposition == "of" and not counts_people:
            # Something the place has: 'put the population of …', but 'put troops in …'.
            text = f"the {text}"
        place = self.cell("place", row)
        if place:
            text += f" {metric.place_preposition} {place}"
        return text

    def at(self, row: int) -> str:
        """'at 4,000', 'at about 10,000', 'at no fewer than 7' (not 'at at least 7'), 'at
        zero'."""
        if self.none(row):
            return "at zero"
        written = self.written(row)
        if written.startswith("at least "):
            return f"at no fewer than {written[len('at least ') :]}"
        return f"at {written}"

    def claim(self, row: int) -> str:
        if self.none(row):
            return "said there were none"
        return f"put it {self.at(row)}"

    def ref(self, row: int) -> FigureRef:
        return self._refs[row]

    def sources(self, rows: list[int]) -> list[str]:
        """Who gave one reading, a reporter once however many outlets relayed it: 'Government
        of Valdoria (itself, BBC and UNHCR, 29 Sep 2023)', not the reporter's name per outlet."""
        by_reporter: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            by_reporter[self.reporter(row)].append(row)
        names = []
        for reporter, mine in by_reporter.items():
            if len(mine) == 1:
                names.append(self.who(mine[0]))
                continue
            outlets: list[str] = []
            for row in mine:
                outlet = str(self.cell("outlet", row) or "")
                own = not outlet or outlet.casefold() == reporter.casefold()
                outlet = "itself" if own else outlet
                if outlet not in outlets:
                    outlets.append(outlet)
            if "itself" in outlets:  # its own release first
                outlets.remove("itself")
                outlets.insert(0, "itself")
            listed = outlets if len(outlets) <= 3 else [*outlets[:2], f"{len(outlets) - 2} more"]
            parts = [
                listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + f" and {listed[-1]}"
            ]
            if listed == ["itself"]:  # its own releases only: the name says it
                parts = []
            days = sorted({self._published_day[row] for row in mine} - {None})
            if days:
                first, last = (_day_label_of(day) for day in (days[0], days[-1]))
                parts.append(first if first == last else f"{first} to {last}")
            names.append(f"{reporter} ({', '.join(parts)})" if parts else reporter)
        return names

    def by_reading(self, rows: list[int]) -> list[int]:
        """Rows from the highest reading to the lowest (then by line): the order of clauses."""
        return sorted(rows, key=lambda r: (-self.f.high[r], -self.f.low[r], self.f.line[r]))

    def claims_by_value(self, rows: list[int]) -> list[str]:
        """'A and B said there were none', 'C put it at about 10,000': one clause per reading."""
        readings: dict[str, list[int]] = defaultdict(list)
        for row in self.by_reading(rows):
            readings[self.written(row)].append(row)
        clauses = []
        for reading_rows in readings.values():
            names = self.sources(reading_rows)
            if len(names) > 3:
                # Ten relays of one wire story should not make a paragraph; the lines list all.
                names = [*names[:2], f"{len(names) - 2} others"]
            subject = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
            clauses.append(f"{subject} {self.claim(reading_rows[0])}")
        if len(clauses) > 5:
            # Sixty readings are no sentence: the two highest, the two lowest, and a count.
            between = len(clauses) - 4
            clauses = [*clauses[:2], f"{between} other readings lie between", *clauses[-2:]]
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


def _explain_contradiction(d: _Describer, rows: list[int], same_source: str | None) -> str:
    clauses = d.claims_by_value(rows)
    # The first clause is the highest reading, which cannot be "none" in a contradiction; it
    # names the quantity as that reading's source wrote the place.
    highest = d.by_reading(rows)[0]
    first = clauses[0].replace(" put it at ", f" put {d.quantity(highest)} at ", 1)
    sentence = "; ".join([first, *clauses[1:]])
    every = "both" if len(rows) == 2 else "all"
    sentence += f". The figures describe {d.time_span(rows)} and cannot {every} be true."
    # A late relay of a running total carries an older, lower reading: only a figure below
    # another can be one (the higher figure may simply be the total that had not moved).
    top = max(float(d.f.low[row]) for row in rows)
    lower = [row for row in rows if d.f.high[row] < top]
    return sentence + _late_relay_note(d, lower) + _self_sentence(same_source)


def _some(lines: Sequence[int] | np.ndarray, shown: int = 5) -> str:
    """'103, 104, 105 and 12 more': a sentence read aloud names a few lines; the flag itself
    (lines, pairs, explained_pairs) lists every one."""
    listed = ", ".join(str(int(line)) for line in lines[:shown])
    return listed + (f" and {len(lines) - shown} more" if len(lines) > shown else "")


def _more(count: int) -> str:
    if count <= 0:
        return ""
    return " 1 more figure takes part." if count == 1 else f" {count} more figures take part."


def _self_sentence(same_source: str | None) -> str:
    return f" {same_source} gave figures that contradict each other." if same_source else ""


def _day_label_of(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _day_label(day: int) -> str:
    return _day_label_of(dt.date(1970, 1, 1) + dt.timedelta(days=int(day)))


def _explain_decrease(d: _Describer, pairs: np.ndarray, same_source: str | None) -> str:
    f = d.f
    odd = _in_every_pair(pairs)
    if odd is not None and not _mostly_late_relays(d, odd, pairs):
        return _explain_odd_total(d, odd, pairs) + _self_sentence(same_source)
    a, b = _widest(f, pairs, d.suspect)
    earlier, later = (a, b) if certainly_before(f, a, b) else (b, a)
    text = (
        f"{d.who(later)} put {d.quantity(later)} {d.at(later)} as of "
        f"{d.as_of_text(later)}, below the {d.figure_of(earlier)} that {d.who(earlier)} gave "
        f"as of {d.as_of_text(earlier)}; a running total cannot fall."
    )
    return (
        text
        + _late_relay_note(d, [later], "The lower figure")
        + _more(len(distinct(pairs)) - 2)
        + _self_sentence(same_source)
    )


def _in_every_pair(pairs: np.ndarray) -> int | None:
    """The figure every one of three or more pairs involves (the odd one out), if any."""
    if len(pairs) < 3:
        return None
    for candidate in (int(pairs[0, 0]), int(pairs[0, 1])):
        if ((pairs[:, 0] == candidate) | (pairs[:, 1] == candidate)).all():
            return candidate
    return None


def _mostly_late_relays(d: _Describer, odd: int, pairs: np.ndarray) -> bool:
    """Whether most figures below an earlier odd one repeat readings the total had before:
    then they are late relays of older updates, and the odd figure is no fault of its own."""
    f = d.f
    others = np.where(pairs[:, 0] == odd, pairs[:, 1], pairs[:, 0]).tolist()
    if not certainly_before(f, odd, others[0]):
        return False
    late = [row for row in others if certainly_before(f, d.first_reading.get(row, row), row)]
    return len(late) * 2 > len(others)


def _explain_odd_total(d: _Describer, odd: int, pairs: np.ndarray) -> str:
    """One figure of a running total at odds with many others: it is the subject, and the
    others are counted, with the farthest named."""
    f = d.f
    others = np.where(pairs[:, 0] == odd, pairs[:, 1], pairs[:, 0])
    if certainly_before(f, odd, int(others[0])):
        side, reach, farthest = "above", "down to", int(others[np.argmin(f.high[others])])
        when, fault = "later", "its date or its number may be wrong"
    else:
        side, reach, farthest = "below", "up to", int(others[np.argmax(f.low[others])])
        when, fault = "earlier", "it may be an earlier figure relayed later, or miscopied"
    note = _late_relay_note(d, [odd], "It") if side == "below" else ""
    return (
        f"{d.who(odd)} put {d.quantity(odd)} {d.at(odd)} as of {d.as_of_text(odd)}, {side} "
        f"{len(others)} {when} figures of it, {reach} the {d.figure_of(farthest)} that "
        f"{d.who(farthest)} gave as of {d.as_of_text(farthest)}. A running total cannot fall"
        + (f".{note}" if note else f": {fault}.")
    )


def _late_relay_note(d: _Describer, rows: list[int], subject: str = "") -> str:
    """' Line 9 repeats one given as of 26 Sep 2023 (line 4): perhaps an earlier figure
    relayed later.' For a running total, an earlier figure relayed later and dated when it
    was published looks like a fall, or like a second figure for its day; the first such row
    is named. (A stock's estimate may well come back to an earlier level.)"""
    f = d.f
    for row in sorted(rows, key=lambda r: int(f.line[r])):
        first = d.first_reading.get(row, row)
        if f.kind[row] == _CUMULATIVE and certainly_before(f, first, row):
            who = subject or f"Line {int(f.line[row])}"
            when = _day_label(int(f.day[first]))
            if f.timed[first]:
                minute = int(f.minute[first])
                when += f", {minute // 60:02d}:{minute % 60:02d}"
            return (
                f" {who} repeats one given as of {when} (line {int(f.line[first])}): perhaps an "
                "earlier figure relayed later."
            )
    return ""


def _explain_part(
    d: _Describer, vocabulary: Vocabulary, pairs: np.ndarray, same_source: str | None
) -> str:
    f = d.f
    a, b = _widest(f, pairs, d.suspect)
    part, whole = (a, b) if f.low[a] > f.high[b] else (b, a)
    if f.metric[part] == f.metric[whole]:
        text = (
            f"{d.who(part)} put {d.quantity(part)} {d.at(part)} as of "
            f"{d.as_of_text(part)}, more than the {d.figure_of(whole)} that {d.who(whole)} "
            f"gave for {d.quantity(whole)} as of {d.as_of_text(whole)}; a part cannot exceed "
            "its whole."
        )
    else:
        bound = vocabulary.metrics[f.metric_name(whole)].label.lower()
        if f.group_name(whole) != WHOLE_GROUP:
            bound += f" ({vocabulary.group_label(f.group_name(whole)).lower()})"
        first_day = f.first_day_of[int(f.metric[part])].loc[f.place_key[part]]
        first = _day_label(int(first_day))
        bounded_label = vocabulary.metrics[f.metric_name(part)].label.lower()
        if f.first_any_day_of[int(f.metric[part])].loc[f.place_key[part]] < first_day:
            bounded_label += " above zero"
        text = (
            f"{d.who(part)} put {d.quantity(part)} {d.at(part)} as of "
            f"{d.as_of_text(part)}, more than the {bound} of {d.written(whole)} that "
            f"{d.who(whole)} gave as of {d.as_of_text(whole)}, before anyone left (the first "
            f"figure of {bounded_label}{' there' if d.cell('place', part) else ''} is dated "
            f"{first})."
        )
    return text + _more(len(distinct(pairs)) - 2) + _self_sentence(same_source)


@dataclass(frozen=True)
class _Verdict:
    value: int | None  # the reading other figures support
    reason: str  # why, for the sentence
    # Whether the verdict stands on evidence a duplicated relay cannot change (the
    # originator's own publication, the running total): only then are the conflicts the
    # other reading causes folded into the miscopy's flag.
    firm: bool


def _evidence(f: _Figures, slips: list[np.ndarray], interval_pairs: list[np.ndarray]) -> np.ndarray:
    """Which figures may serve as evidence of a running total's course, when a slip's right
    reading is judged by which reading fits it: not a figure that itself clashes with a figure
    outside every slip (a total that seems to fall, two readings at one moment), and not a
    late relay (its reading first appeared on an earlier day, so its date is when it was
    relayed, not when the total stood there). Judged on such figures, the right reading
    would be blamed."""
    usable = np.ones(len(f), dtype=bool)
    in_slip = np.zeros(len(f), dtype=bool)
    in_slip[np.concatenate(slips).ravel()] = True
    for pairs in interval_pairs:
        if len(pairs):
            a, b = pairs[:, 0], pairs[:, 1]
            usable[a[~in_slip[b]]] = False
            usable[b[~in_slip[a]]] = False
    quantities = distinct(f.quantity[[int(pairs[0, 0]) for pairs in slips]])
    totals = quantities[f.kind[f.quantity_start[quantities]] == _CUMULATIVE]
    if len(totals):
        pool = np.concatenate([f.rows_of_quantity(int(q)) for q in totals.tolist()])
        first = _first_of_reading(f, pool)
        usable[pool[f.day[first] < f.day[pool]]] = False
    return usable


class _TotalCourse:
    """Where a running total stood, from the figures that may serve as evidence: for each
    day, the highest low before it and the lowest high after it, one pass per quantity asked
    about. A slip's readings are then checked against the other days in constant time and
    against their own day's few figures: a scan of the whole quantity per slip grew with the
    square of a long total's figures."""

    def __init__(self, f: _Figures, evidence: np.ndarray):
        self.f, self.evidence = f, evidence
        self._days: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}

    def _of(self, quantity: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if quantity not in self._days:
            f, rows = self.f, self.f.rows_of_quantity(quantity)
            usable = self.evidence[rows]
            low = np.where(usable, f.low[rows], -np.inf)
            high = np.where(usable, f.high[rows], np.inf)
            starts = _starts(f.day[rows])  # the quantity's rows are sorted by day
            day_low = np.maximum.reduceat(low, starts)
            day_high = np.minimum.reduceat(high, starts)
            before = np.r_[-np.inf, np.maximum.accumulate(day_low)[:-1]]
            after = np.r_[np.minimum.accumulate(day_high[::-1])[::-1][1:], np.inf]
            self._days[quantity] = (f.day[rows][starts], rows[0] + starts, before, after)
        return self._days[quantity]

    def fits(self, row: int, slip: list[int]) -> bool:
        """Whether a reading fits the total's other figures: none certainly before it is
        above it, none certainly after it is below it (the slip's own rows aside)."""
        f = self.f
        days, starts, before, after = self._of(int(f.quantity[row]))
        day = int(np.searchsorted(days, f.day[row]))
        if before[day] > f.high[row] or after[day] < f.low[row]:
            return False
        end = starts[day + 1] if day + 1 < len(starts) else f.quantity_end[f.quantity[row]]
        same = np.arange(starts[day], end)
        same = same[self.evidence[same] & ~isin(same, np.asarray(slip))]
        higher_before = certainly_before(f, same, row) & (f.low[same] > f.high[row])
        lower_after = certainly_before(f, row, same) & (f.high[same] < f.low[row])
        return not (higher_before | lower_after).any()


def _probable_reading(f: _Figures, rows: list[int], course: _TotalCourse) -> _Verdict:
    """The reading other figures support, if any.

    In order: the only reading the originator published itself (relays copy each other, so
    they are no independent support); the only reading that fits the running total's other
    figures (those `course` takes as evidence); the reading most outlets give.

    The originator is the reporter a relay of another reading names: a ministry's own 218
    outranks a wire's 281 attributed to that ministry, but an outlet's own unattributed 281
    says nothing about what the ministry published.
    """
    by_value: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_value[int(f.value[row])].append(row)
    f.fetch_sources(rows)
    primary = []
    for value, members in by_value.items():
        others = [row for row in rows if int(f.value[row]) != value]
        named = set(f.reporter_id[others].tolist())
        if any(f.primary[row] and f.reporter_id[row] in named for row in members):
            primary.append(value)
    if len(primary) == 1:
        return _Verdict(primary[0], "the source itself published it", True)
    if f.kind[rows[0]] == _CUMULATIVE:
        fits = [value for value, value_rows in by_value.items() if course.fits(value_rows[0], rows)]
        if len(fits) == 1:
            return _Verdict(fits[0], "it is the only reading that fits the running total", True)
    outlets = {
        value: len({int(f.source_id[row]) for row in members})
        for value, members in by_value.items()
    }
    ranked = sorted(outlets.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[0][1] > ranked[1][1]:
        return _Verdict(ranked[0][0], f"{ranked[0][1]} outlets give it", False)
    return _Verdict(None, "", False)


def _explain_typo(
    d: _Describer,
    rows: list[int],
    how: str,
    verdict: _Verdict,
    explained: np.ndarray,
    same_source: str | None,
) -> tuple[str, str | None]:
    f = d.f
    clauses = d.claims_by_value(rows)
    highest = d.by_reading(rows)[0]
    first = clauses[0].replace(" put it at ", f" put {d.quantity(highest)} at ", 1)
    text = (
        f"{'; '.join([first, *clauses[1:]])}. For {d.time_span(rows)} these look like one "
        f"number copied wrongly ({how})."
    )
    probable = None
    # Updated several times a day: a reading without an hour may be another update. Not
    # said of a reading that, read as written, clashes with other figures too.
    hedge = " A reading given without an hour may instead be another of that day's updates."
    if verdict.value is None:
        text += " The data does not show which reading is right."
        if f.intraday[rows[0]] and not f.timed[rows].all() and not len(explained):
            text += hedge
    else:
        probable_rows = [r for r in rows if int(f.value[r]) == verdict.value]
        other_rows = [r for r in rows if int(f.value[r]) != verdict.value]
        row = probable_rows[0]
        probable = d.written(row)
        text += f" {probable[:1].upper()}{probable[1:]} is probably right: {verdict.reason}."
        stamped = f.timed[probable_rows].any()
        if f.intraday[row] and stamped and not f.timed[other_rows].all() and not len(explained):
            text += hedge
    others = len({int(f.value[r]) for r in rows}) - 1
    other = "the other reading" if others == 1 else "the other readings"
    if len(explained):
        lines = sorted({int(line) for line in f.line[explained].ravel()} - set(f.line[rows]))
        if lines:
            text += (
                f" Read as written, {other} also clashes with line(s) {_some(lines, 3)}; those "
                "clashes are told here, not flagged apart."
            )
        else:
            every = "both" if others == 1 else "all"
            text += (
                f" Read as written, the readings also cannot {every} be true at that moment; "
                "that is told here, not as a flag of its own."
            )
    # Two readings of one source are a slip in its copy or two of its updates, not a
    # contradiction: say whose they are.
    mine = f" {same_source} gave more than one of these readings." if same_source else ""
    return text + mine, probable


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
    # The four checks are independent, and spend their time in numpy, which lets go of the
    # interpreter lock: on a big table they run side by side.
    with ThreadPoolExecutor(max_workers=2 if len(f) >= _PARALLEL_ROWS else 1) as pool:
        found_typos = pool.submit(typo_pairs, f)
        interval_pairs = [
            (CONTRADICTION, pool.submit(contradiction_pairs, f)),
            (DECREASE, pool.submit(decrease_pairs, f)),
            (PART_EXCEEDS_WHOLE, pool.submit(part_exceeds_whole_pairs, f, vocabulary)),
        ]
        typos = found_typos.result()
        slips = _components(np.array(sorted(typos), dtype=np.int64).reshape(-1, 2))
        found_pairs = [(code, future.result()) for code, future in interval_pairs]
    # Which reading of each slip other figures support.
    verdicts: list[_Verdict] = []
    if slips:
        f.fetch_sources(np.concatenate(slips).ravel())
        evidence = _evidence(f, slips, [pairs for _, pairs in found_pairs])
        course = _TotalCourse(f, evidence)
        verdicts = [_probable_reading(f, distinct(pairs).tolist(), course) for pairs in slips]
    # A miscopied figure makes the interval checks fire too (a total that seems to fall, two
    # figures that cannot both be true); when the right reading is firmly known, those are
    # symptoms of the one slip and are told in its flag instead of as flags of their own.
    miscopy_of = np.full(len(f), -1, dtype=np.int64)
    for index, (pairs, verdict) in enumerate(zip(slips, verdicts, strict=True)):
        if verdict.firm:
            rows_of_slip = distinct(pairs)
            miscopy_of[rows_of_slip[f.value[rows_of_slip] != verdict.value]] = index
    explained: list[list[np.ndarray]] = [[] for _ in slips]
    flags: list[tuple[str, np.ndarray]] = []
    for code, pairs in found_pairs:
        if verdicts and len(pairs):
            slip = _symptom_of(f, pairs, miscopy_of, verdicts)
            for index in distinct(slip[slip >= 0]).tolist():
                explained[index].append(pairs[slip == index])
            pairs = pairs[slip < 0]
        flags += [(code, group) for group in _flag_groups(pairs)]
    flags += [(LIKELY_TYPO, pairs) for pairs in slips]
    folded = [np.concatenate(chunks) if chunks else _NO_PAIRS for chunks in explained]
    if not flags:
        return []
    numbers = _FlagNumbers(f, [pairs for _, pairs in flags])
    members = distinct(np.concatenate([*numbers.rows, *(pairs.ravel() for pairs in folded)]))
    d = _Describer(f, vocabulary, members.tolist())
    if slips:
        # The readings a verdict calls wrong, or every reading of a slip with none.
        d.suspect = np.zeros(len(f), dtype=bool)
        for pairs, verdict in zip(slips, verdicts, strict=True):
            rows_of_slip = distinct(pairs)
            if verdict.value is not None:
                rows_of_slip = rows_of_slip[f.value[rows_of_slip] != verdict.value]
            d.suspect[rows_of_slip] = True
    # Each flagged figure's first appearance, for the notes on late relays: one pass.
    d.first_reading = dict(
        zip(members.tolist(), _first_of_reading(f, members).tolist(), strict=True)
    )
    # Where a slip's pairs are also flagged by an interval check (the reading is not firmly
    # known, so nothing was folded), the two flags point at each other.
    first_typo = len(flags) - len(slips)
    related, wholly = _shared_pairs(len(f), [pairs for _, pairs in flags], first_typo)
    found: list[Conflict] = []
    for index, (code, pairs) in enumerate(flags):
        rows = numbers.rows[index].tolist()
        self_row = numbers.self_row[index]
        same_source = d.speaker(self_row) if self_row >= 0 else None
        probable = None
        folded_lines: tuple[tuple[int, int], ...] = ()
        if code == CONTRADICTION:
            text = _explain_contradiction(d, rows, same_source)
        elif code == DECREASE:
            text = _explain_decrease(d, pairs, same_source)
        elif code == PART_EXCEEDS_WHOLE:
            text = _explain_part(d, vocabulary, pairs, same_source)
        if code != LIKELY_TYPO and index in related:
            one = len(related[index]) == 1
            text += f" Lines {numbers.lines_text(f, related[index])} also look like " + (
                "one number copied wrongly; if it is a slip, "
                if one
                else "numbers copied wrongly; if they are slips, "
            )
            # A flag whose every pair a slip explains is its symptom; a dispute that a slip
            # only joins is not, and must not read as one.
            if index in wholly:
                text += "this flag is its symptom." if one else "this flag is their symptom."
            else:
                text += "the disagreements they take part in may be " + (
                    "its symptom." if one else "their symptoms."
                )
        if code == LIKELY_TYPO:
            slip = index - first_typo
            hows = "; ".join(sorted({typos[(a, b)] for a, b in pairs.tolist()}))
            text, probable = _explain_typo(d, rows, hows, verdicts[slip], folded[slip], same_source)
            if index in related:
                titles = sorted({CODE_TITLES[flags[other][0]].lower() for other in related[index]})
                one = len(related[index]) == 1
                whole = all(other in wholly for other in related[index])
                text += (
                    f" {'The same' if whole else 'These'} figures are also flagged as "
                    f"{' and as '.join(titles)} (lines {numbers.lines_text(f, related[index])}); "
                    "if this is a slip, "
                    + (
                        ("that flag is its symptom." if one else "those flags are its symptoms.")
                        if whole
                        else "their disagreements with these figures are its symptoms."
                    )
                )
            ends = f.line[folded[slip]]
            folded_lines = _line_pairs(ends.min(axis=1), ends.max(axis=1))
        by_line = numbers.by_line[index]
        found.append(
            Conflict(
                code=code,
                lines=tuple(f.line[by_line].tolist()),
                pairs=numbers.line_pairs[index],
                explanation=text,
                severity=numbers.relative[index],
                gap_absolute=numbers.gap[index],
                gap_relative=numbers.relative[index],
                figures=tuple(d.ref(row) for row in by_line.tolist()),
                self_contradiction=same_source is not None,
                probable_value=probable,
                explained_pairs=folded_lines,
            )
        )
    found.sort(key=lambda c: (-c.severity, CODES.index(c.code), c.lines))
    return found


_NO_PAIRS = np.empty((0, 2), dtype=np.int64)
# Below this many rows the checks take milliseconds; threads would only add noise.
_PARALLEL_ROWS = 100_000


def _symptom_of(
    f: _Figures, pairs: np.ndarray, miscopy_of: np.ndarray, verdicts: list[_Verdict]
) -> np.ndarray:
    """For each pair, the slip it is a symptom of (-1 for none): the slip of a miscopied
    figure in it whose right reading would not clash. A miscopy's clash that its right reading
    has too (a stale relay below both) is no symptom and stays a flag of its own; when both
    figures are miscopies, the pair goes to the one whose right reading ends the clash."""
    slip = np.full(len(pairs), -1, dtype=np.int64)
    for end, other in ((1, 0), (0, 1)):  # the first end wins where both would
        mine = miscopy_of[pairs[:, end]]
        where = np.flatnonzero(mine >= 0)
        if not len(where):
            continue
        a, b = pairs[where, end], pairs[where, other]
        right = np.array([verdicts[index].value for index in mine[where].tolist()], float)
        # Every interval a typo can have scales with its value (ranges never slip).
        scale = np.divide(right, f.value[a], out=np.ones(len(a)), where=f.value[a] > 0)
        # Every flagged pair has one figure wholly above the other; read right, the miscopy
        # either stays on its side (the clash is not its doing) or does not.
        above = f.low[a] > f.high[b]
        still = np.where(above, f.low[a] * scale > f.high[b], f.high[a] * scale < f.low[b])
        slip[where[~still]] = mine[where[~still]]
    return slip


def _shared_pairs(
    rows: int, flags: list[np.ndarray], first_typo: int
) -> tuple[dict[int, list[int]], set[int]]:
    """For each flag, the flags of the other family (slips from `first_typo` on, interval
    flags before) that hold one of its pairs; and the interval flags all of whose pairs are
    slips' pairs (wholly a slip's symptom). Whole-array: a big file has a million pairs and
    only a few slips."""
    if first_typo == len(flags):
        return {}, set()
    sizes = np.array([len(pairs) for pairs in flags])
    flag = np.repeat(np.arange(len(flags)), sizes)
    pairs = np.concatenate(flags)
    keys = pairs[:, 0] * rows + pairs[:, 1]
    is_typo = flag >= first_typo
    typo_keys, typo_flag = keys[is_typo], flag[is_typo]
    shared = np.flatnonzero(~is_typo & isin(keys, typo_keys))
    order = np.argsort(typo_keys, kind="stable")
    where = np.searchsorted(typo_keys[order], keys[shared])
    found: dict[int, set[int]] = defaultdict(set)
    for interval, slip in zip(flag[shared].tolist(), typo_flag[order][where].tolist(), strict=True):
        found[interval].add(slip)
        found[slip].add(interval)
    counted = np.bincount(flag[shared], minlength=len(flags))
    wholly = {int(index) for index in np.flatnonzero(counted[:first_typo] == sizes[:first_typo])}
    return {index: sorted(others) for index, others in found.items()}, wholly


def _line_pairs(smaller: np.ndarray, larger: np.ndarray) -> tuple[tuple[int, int], ...]:
    return tuple(map(tuple, _unique_pairs(smaller, larger).tolist()))


class _FlagNumbers:
    """What every flag carries that is plain arithmetic on its pairs (rows, line pairs, gaps,
    whether a source contradicts itself), computed for all flags at once: a thousand flags
    cost a few numpy calls, not a thousand."""

    def __init__(self, f: _Figures, flags: list[np.ndarray]):
        sizes = np.array([len(pairs) for pairs in flags])
        starts = np.r_[0, np.cumsum(sizes)[:-1]]
        pairs = np.concatenate(flags)
        flag = np.repeat(np.arange(len(flags)), sizes)
        gap, relative = _gaps(f, pairs[:, 0], pairs[:, 1])
        self.gap: list[float] = np.maximum.reduceat(gap, starts).tolist()
        self.relative: list[float] = np.maximum.reduceat(relative, starts).tolist()
        # The first pair, if any, in which a source contradicts itself.
        f.fetch_sources(pairs.ravel())
        same = np.flatnonzero(f.source_id[pairs[:, 0]] == f.source_id[pairs[:, 1]])
        if len(same):
            # An outlet repeating a running total's old reading in a later article is a late
            # relay (the sentence says so), not a source contradicting itself.
            rows = distinct(pairs[same].ravel())
            first = _first_of_reading(f, rows)
            late = rows[(f.kind[rows] == _CUMULATIVE) & (f.day[first] < f.day[rows])]
            if len(late):
                # Only the lower figure of a pair can be the old reading relayed late.
                a, b = pairs[same, 0], pairs[same, 1]
                lower = np.where(f.high[a] < f.low[b], a, b)
                same = same[~isin(lower, late)]
        self.self_row: list[int] = [-1] * len(flags)
        with_same, first = np.unique(flag[same], return_index=True)
        for index, row in zip(with_same.tolist(), pairs[same[first], 0].tolist(), strict=True):
            self.self_row[index] = row
        # Each flag's rows, in row order (for the sentences) and in line order (for people).
        ends, end_flag = pairs.ravel(), np.repeat(flag, 2)
        self.rows = self._split(ends, end_flag, ends, len(f), len(flags))
        self.by_line = self._split(ends, end_flag, f.line[ends], int(f.line.max()) + 1, len(flags))
        lines = f.line[pairs]
        smaller, larger = lines.min(axis=1), lines.max(axis=1)
        span = int(larger.max()) + 1
        if len(flags) * span * span < 2**62:
            # Every flag's distinct line pairs from one sort of one integer key.
            keys = distinct((flag * span + smaller) * span + larger)
            flag_of, rest = np.divmod(keys, span * span)
            low, high = np.divmod(rest, span)
            ends = list(zip(low.tolist(), high.tolist(), strict=True))
            bounds = np.searchsorted(flag_of, np.arange(len(flags) + 1)).tolist()
            self.line_pairs = [
                tuple(ends[bounds[index] : bounds[index + 1]]) for index in range(len(flags))
            ]
        else:
            self.line_pairs = [
                _line_pairs(smaller[start:end], larger[start:end])
                for start, end in zip(starts.tolist(), (starts + sizes).tolist(), strict=True)
            ]

    def lines_text(self, f: _Figures, flags: list[int]) -> str:
        """The CSV lines of some flags, for a sentence that points at them."""
        return _some(distinct(np.concatenate([f.line[self.by_line[flag]] for flag in flags])))

    @staticmethod
    def _split(
        rows: np.ndarray, flag: np.ndarray, order: np.ndarray, span: int, count: int
    ) -> list[np.ndarray]:
        """Each flag's distinct rows, sorted by `order` (a distinct integer per row, < span)."""
        key = flag * span + order
        first = np.argsort(key, kind="stable")  # sorted by flag, then order
        first = first[np.r_[True, key[first][1:] != key[first][:-1]]] if len(key) else first
        bounds = np.searchsorted(flag[first], np.arange(1, count))
        return np.split(rows[first], bounds)


def conflicts_by_line(conflicts: Iterable[Conflict]) -> dict[int, list[Conflict]]:
    """Which flags each CSV line takes part in (the dashboard marks these rows)."""
    index: dict[int, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        for line in conflict.lines:
            index[line].append(conflict)
    return dict(index)
