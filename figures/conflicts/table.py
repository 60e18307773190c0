"""The figures as one immutable table of parallel numpy arrays: what every check reads.

`prepare` turns the loaded rows into integer codes and intervals, sorts them once by quantity,
day, minute and line, and marks the runs of equal quantity, day and moment. Everything a
later step needs about the whole table (the extremes of each run, where a bounded metric's
figures start) is computed here, so no step writes to the table after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace
from typing import NamedTuple, TypedDict

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from figures.conflicts.model import ConflictSettings
from figures.contract import Qualifier
from figures.vocabulary import METRIC_KINDS, WHOLE_GROUP, Metric, Vocabulary, compare_places

# The minute of a figure whose as_of gives no time of day.
UNTIMED = -1

# Qualifiers and kinds as small integer codes: whole-column comparisons of integers are
# many times cheaper than of strings, and a million rows are compared several times.
QUALIFIERS: tuple[str, ...] = tuple(qualifier.value for qualifier in Qualifier)
QUALIFIER_CODE = {name: code for code, name in enumerate(QUALIFIERS)}
_SAME_CLAIM = {"at_least": "more_than", "less_than": "up_to"}
# Qualifiers that claim the same interval: "more than" and "at least", "up to" and "less than".
CLAIM = np.array(
    [QUALIFIER_CODE[_SAME_CLAIM.get(name, name)] for name in QUALIFIERS], dtype=np.int64
)
CUMULATIVE, EVENT = METRIC_KINDS.index("cumulative"), METRIC_KINDS.index("event")

# Below this many rows the work takes milliseconds; threads would only add noise.
PARALLEL_ROWS = 100_000


def workers(rows: int) -> int:
    """Threads for work on a table of `rows`: numpy, pandas and pyarrow let go of the
    interpreter lock, so a big table is worked on side by side."""
    return 2 if rows >= PARALLEL_ROWS else 1


class BoundStart(NamedTuple):
    """Where a bounded metric (fled, bounded by population) starts in each place."""

    bounding: int  # the bounding metric's code
    # Place key -> the first day of a figure above zero: bounding figures dated before it
    # are the population before anyone left.
    first_day: pd.Series
    first_any_day: pd.Series  # the same, zeros included


@dataclass(frozen=True)
class FigureTable:
    """The rows as parallel numpy arrays, sorted by quantity, day, time and line. Read-only:
    every array is frozen once prepared."""

    rows: pd.DataFrame  # the caller's table, untouched (sentences read its text cells)
    position: np.ndarray  # each sorted figure's position in `rows`
    line: np.ndarray
    quantity: np.ndarray  # dense id of (metric, group, place), in sorted order
    quantity_raw: np.ndarray  # the same as one order-independent integer (see prepare)
    metric: np.ndarray  # index into metric_names
    metric_names: np.ndarray
    group: np.ndarray  # index into group_names
    group_names: np.ndarray
    place_key: np.ndarray  # id of the normalised place
    qualifier: np.ndarray  # index into QUALIFIERS
    value: np.ndarray
    value_high: np.ndarray  # NaN unless a range
    day: np.ndarray  # days since epoch
    minute: np.ndarray  # minute of day, or UNTIMED
    timed: np.ndarray  # minute != UNTIMED
    low: np.ndarray
    high: np.ndarray
    kind: np.ndarray  # index into METRIC_KINDS
    intraday: np.ndarray
    window: np.ndarray  # same-time window in days (0 = same moment rules)
    margin: np.ndarray  # days either way the as_of may be off (0 = exact)
    since: np.ndarray  # code of the day a running total starts counting (0 = not stated)
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
    # Per bounded metric's code, in the vocabulary's order: where its figures start.
    bounds: Mapping[int, BoundStart] = field(default_factory=dict)
    # The wholes a figure's group and place are part of, level by level: group_chain[i][g] is
    # the code of group g's (i+1)-th ancestor (nearest first; -1 when it has none or no figure
    # has it), place_chain[j][p] the key of place p's (j+1)-th wider place. Without declared
    # hierarchies every group's one ancestor is `all` and no place has a wider one.
    group_chain: tuple[np.ndarray, ...] = ()
    place_chain: tuple[np.ndarray, ...] = ()
    place_span: int = 1  # place keys are 0..place_span - 1
    since_span: int = 1  # since codes are 0..since_span - 1

    def __len__(self) -> int:
        return len(self.line)

    def rows_of_quantity(self, quantity: int) -> np.ndarray:
        return np.arange(self.quantity_start[quantity], self.quantity_end[quantity])

    def metric_name(self, row: int) -> str:
        return str(self.metric_names[self.metric[row]])

    def group_name(self, row: int) -> str:
        return str(self.group_names[self.group[row]])

    def qualifier_name(self, row: int) -> str:
        return QUALIFIERS[self.qualifier[row]]

    def quantity_key(
        self, metric: np.ndarray, group: np.ndarray, place: np.ndarray, since: np.ndarray
    ) -> np.ndarray:
        """The integer `quantity_raw` of (metric, group, place, since): how a check finds the
        figures of another quantity (a part's whole) among the sorted rows."""
        raw = (metric * len(self.group_names) + group) * self.place_span + place
        return raw * self.since_span + since if self.since_span > 1 else raw

    def whole_group(self) -> int | None:
        """The code of the group `all`, if any figure has it."""
        return code_of(self.group_names, WHOLE_GROUP)


def code_of(names: np.ndarray, name: str) -> int | None:
    found = np.flatnonzero(names == name)
    return int(found[0]) if len(found) else None


def starts_of_runs(keys: np.ndarray) -> np.ndarray:
    """Where each run of equal keys begins, in an array sorted by key."""
    if not len(keys):
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])


def runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs of equal keys in a sorted array: each run's start, and each element's run."""
    starts = starts_of_runs(keys)
    run = np.zeros(len(keys), dtype=np.int64)
    run[starts[1:]] = 1
    return starts, np.cumsum(run)


# ---------------------------------------------------------------------------------------------
# Text columns as integer codes.


def _place_keys(places: pd.Series, vocabulary: Vocabulary) -> tuple[np.ndarray, list[str]]:
    """Each row's place as an integer: the rank of the name it is compared under, so the ids
    never depend on row order. 'North Valdoria' and 'north valdoria' are one place, and
    so are the names places.csv declares one place; other spellings are not.

    Only the distinct names are normalised and ranked, in pyarrow: a big file names tens of
    thousands of places, and a Python loop over them cost more than the factorising.

    Also gives the compared names by key, when places.csv nests places (else empty): the
    wider places are found by name."""
    code, uniques = pd.factorize(places, use_na_sentinel=False)
    names = np.asarray(uniques, dtype=object)
    compared = compare_places(pa.array(names, type=pa.string(), from_pandas=True))
    if vocabulary.places:
        linked = pc.index_in(compared, value_set=pa.array(list(vocabulary.places)))
        joined = pc.take(pa.array(list(vocabulary.places.values())), linked)
        compared = pc.if_else(pc.is_null(linked), compared, joined)
    if not len(compared):
        return np.zeros(len(code), dtype=np.int64), []
    rank = pc.rank(compared, sort_keys="ascending", tiebreaker="dense")
    named = sorted(set(compared.to_pylist())) if vocabulary.place_parents else []
    return (rank.to_numpy().astype(np.int64) - 1)[code], named


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


def _moments(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each figure's day (days since 1970) and minute of the day (or UNTIMED)."""
    as_of = rows["as_of"].to_numpy("datetime64[ns]")
    day_stamp = as_of.astype("datetime64[D]")
    minute = (as_of - day_stamp.astype("datetime64[ns]")) // np.timedelta64(1, "m")
    timed = rows["as_of_has_time"].to_numpy(bool)
    return day_stamp.astype(np.int64), np.where(timed, minute.astype(np.int64), UNTIMED)


class _Columns(NamedTuple):
    """The rows' columns as integers, in the rows' own order."""

    metric: np.ndarray
    metric_names: np.ndarray
    group: np.ndarray
    group_names: np.ndarray
    place_key: np.ndarray
    place_names: list[str]  # compared name by place key (only when places nest)
    qualifier: np.ndarray  # index into QUALIFIERS
    day: np.ndarray
    minute: np.ndarray
    margin: np.ndarray  # as_of_margin_days, 0 when absent
    since: np.ndarray  # dense code of since, 0 when blank or absent


def _timing(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each figure's margin in days and a code of its `since` (0: not stated; the others by
    date, so codes never depend on row order). Tables without the columns are all 0."""
    count = len(rows)
    margin = (
        rows["as_of_margin_days"].to_numpy(np.int64)
        if "as_of_margin_days" in rows
        else np.zeros(count, dtype=np.int64)
    )
    if "since" not in rows:
        return margin, np.zeros(count, dtype=np.int64)
    since = rows["since"].to_numpy("datetime64[ns]")
    stated = ~np.isnat(since)
    if not stated.any():
        return margin, np.zeros(count, dtype=np.int64)
    days = since.astype("datetime64[D]").astype(np.int64)
    code = np.zeros(count, dtype=np.int64)
    code[stated] = np.searchsorted(np.unique(days[stated]), days[stated]) + 1
    return margin, code


def _columns(rows: pd.DataFrame, vocabulary: Vocabulary) -> _Columns:
    # Hashing the text columns dominates; pandas and pyarrow release the interpreter lock
    # while they hash, so on a big table the columns are factorised side by side.
    with ThreadPoolExecutor(max_workers=workers(len(rows))) as pool:
        places = pool.submit(_place_keys, rows["place"], vocabulary)
        coded = [pool.submit(_codes, rows[name]) for name in ("metric", "group")]
        qualifiers = pool.submit(pd.factorize, rows["qualifier"])
        moments = pool.submit(_moments, rows)
        (metric_code, metric_names), (group_code, group_names) = (
            future.result() for future in coded
        )
        qualifier_code, qualifier_names = qualifiers.result()
        day, minute = moments.result()
        place_key, place_names = places.result()
    margin, since = _timing(rows)
    qualifier = np.array(
        [QUALIFIER_CODE.get(str(name), QUALIFIER_CODE["exact"]) for name in qualifier_names]
    )[qualifier_code]
    return _Columns(
        metric_code,
        metric_names,
        group_code,
        group_names,
        place_key,
        place_names,
        qualifier,
        day,
        minute,
        margin,
        since,
    )


# ---------------------------------------------------------------------------------------------
# The sort, the metrics' rules and the intervals.


def sort_order(
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


def _metric_rules(
    metric_names: np.ndarray, metrics: Mapping[str, Metric], settings: ConflictSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per metric code: its kind, whether it is updated several times a day, and its
    same-time window in days (a stock's own, else the setting's; 0 for other kinds)."""
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
    return kind_of, intraday_of, window_of


def _intervals(
    qualifier: np.ndarray, value: np.ndarray, value_high: np.ndarray, tolerance: float
) -> tuple[np.ndarray, np.ndarray]:
    """The values each figure allows, from its qualifier: `about` v is v·(1−t) to v·(1+t),
    "more than" has no upper end, "up to" starts at zero, a range is its two ends."""
    code = QUALIFIER_CODE
    low, high = value.copy(), value.copy()
    about = qualifier == code["about"]
    low[about] = value[about] * (1 - tolerance)
    high[about] = value[about] * (1 + tolerance)
    high[(qualifier == code["more_than"]) | (qualifier == code["at_least"])] = np.inf
    low[(qualifier == code["up_to"]) | (qualifier == code["less_than"])] = 0.0
    ranged = qualifier == code["range"]
    high[ranged] = np.where(np.isnan(value_high[ranged]), value[ranged], value_high[ranged])
    return low, high


# ---------------------------------------------------------------------------------------------
# The table.


def prepare(rows: pd.DataFrame, vocabulary: Vocabulary, settings: ConflictSettings) -> FigureTable:
    """The figures of known metrics as a sorted, read-only table."""
    columns = _columns(rows, vocabulary)
    metric_names, group_names = columns.metric_names, columns.group_names
    place_span = int(columns.place_key.max()) + 1 if len(columns.place_key) else 1
    # One integer per (metric, group, place): built from sorted ranks, so it does not depend
    # on the order of the rows.
    quantity_raw = (columns.metric * len(group_names) + columns.group) * place_span
    quantity_raw = quantity_raw + columns.place_key
    # A running total's start is part of what it counts: "since 25 August" and "since October
    # 2016" are two quantities. Without any `since` the key is the one it always was.
    since_span = int(columns.since.max()) + 1 if len(columns.since) else 1
    if since_span > 1:
        quantity_raw = quantity_raw * since_span + columns.since
    line = rows["line"].to_numpy(np.int64)
    order = sort_order(quantity_raw, columns.day, columns.minute, line)
    # Figures of a metric the vocabulary does not know are left out (the checker reports
    # them); dropping them from the order spares copying the table.
    metrics: Mapping[str, Metric] = vocabulary.metrics
    known = np.array([name in metrics for name in metric_names], dtype=bool)
    if not known.all():
        order = order[known[columns.metric[order]]]
        metrics = {name: metrics.get(name, _UNKNOWN_METRIC) for name in metric_names}
    kind_of, intraday_of, window_of = _metric_rules(metric_names, metrics, settings)
    value = rows["value"].to_numpy(np.float64)[order]
    value_high = rows["value_high"].astype("Float64").to_numpy(np.float64, na_value=np.nan)[order]
    qualifier = columns.qualifier[order]
    low, high = _intervals(qualifier, value, value_high, settings.tolerance)
    metric = columns.metric[order]
    day, minute = columns.day[order], columns.minute[order]
    table = FigureTable(
        rows=rows,
        position=order,
        line=line[order],
        metric=metric,
        metric_names=metric_names,
        group=columns.group[order],
        group_names=group_names,
        place_key=columns.place_key[order],
        qualifier=qualifier,
        value=value,
        value_high=value_high,
        day=day,
        minute=minute,
        timed=minute != UNTIMED,
        low=low,
        high=high,
        kind=kind_of[metric],
        intraday=intraday_of[metric],
        window=window_of[metric],
        margin=columns.margin[order],
        since=columns.since[order],
        group_chain=_group_chain(group_names, vocabulary),
        place_chain=_place_chain(columns.place_names, vocabulary),
        place_span=place_span,
        since_span=since_span,
        **_runs_of(quantity_raw[order], day, minute, low, high),
    )
    table = replace(table, bounds=_bound_starts(table, vocabulary))
    for column in fields(table):
        value = getattr(table, column.name)
        for array in value if isinstance(value, tuple) else (value,):
            if isinstance(array, np.ndarray):
                array.flags.writeable = False
    return table


def _chain_levels(ancestors: list[list[int]]) -> tuple[np.ndarray, ...]:
    """Per-item ancestor lists as levels: level i holds each item's (i+1)-th ancestor or -1."""
    depth = max((len(chain) for chain in ancestors), default=0)
    return tuple(
        np.array([chain[i] if i < len(chain) else -1 for chain in ancestors], dtype=np.int64)
        for i in range(depth)
    )


def _group_chain(group_names: np.ndarray, vocabulary: Vocabulary) -> tuple[np.ndarray, ...]:
    """The groups each group is part of (groups.csv part_of), as codes of this table's groups
    (-1 for one no figure has: the chain goes on past it)."""
    code = {str(name): index for index, name in enumerate(group_names.tolist())}
    return _chain_levels(
        [
            [code.get(parent, -1) for parent in vocabulary.group_ancestors(str(name))]
            for name in group_names.tolist()
        ]
    )


def _place_chain(place_names: list[str], vocabulary: Vocabulary) -> tuple[np.ndarray, ...]:
    """The wider places each place lies in (places.csv part_of), as this table's place keys."""
    if not place_names:
        return ()
    key = {name: index for index, name in enumerate(place_names)}
    return _chain_levels(
        [[key.get(wider, -1) for wider in vocabulary.place_ancestors(name)] for name in place_names]
    )


class _Runs(TypedDict):
    """What `_runs_of` gives: FigureTable's run fields, by name."""

    quantity: np.ndarray
    quantity_raw: np.ndarray
    quantity_start: np.ndarray
    quantity_end: np.ndarray
    day_block: np.ndarray
    day_start: np.ndarray
    moment_block: np.ndarray
    moment_start: np.ndarray
    day_low: np.ndarray
    day_high: np.ndarray
    moment_low: np.ndarray
    moment_high: np.ndarray


def _runs_of(
    quantity_raw: np.ndarray, day: np.ndarray, minute: np.ndarray, low: np.ndarray, high: np.ndarray
) -> _Runs:
    """The runs of equal quantity, (quantity, day) and (quantity, day, minute) along the sorted
    rows, and the extremes of each run: what the contradiction and decrease checks compare
    each figure with."""
    quantity_start = starts_of_runs(quantity_raw)
    quantity = np.zeros(len(quantity_raw), dtype=np.int64)
    quantity[quantity_start[1:]] = 1
    quantity = np.cumsum(quantity)
    # A new (quantity, day) block wherever either changes.
    day_change = np.zeros(len(quantity_raw), dtype=np.int64)
    day_change[quantity_start] = 1
    day_change[1:] |= day[1:] != day[:-1]
    moment_change = day_change.copy()
    moment_change[1:] |= minute[1:] != minute[:-1]
    day_start, moment_start = np.flatnonzero(day_change), np.flatnonzero(moment_change)
    return {
        "quantity": quantity,
        "quantity_raw": quantity_raw,
        "quantity_start": quantity_start,
        "quantity_end": np.r_[quantity_start[1:], len(quantity_raw)].astype(np.int64),
        "day_block": np.cumsum(day_change) - 1,
        "day_start": day_start,
        "moment_block": np.cumsum(moment_change) - 1,
        "moment_start": moment_start,
        "day_low": np.maximum.reduceat(low, day_start) if len(low) else low,
        "day_high": np.minimum.reduceat(high, day_start) if len(high) else high,
        "moment_low": np.maximum.reduceat(low, moment_start) if len(low) else low,
        "moment_high": np.minimum.reduceat(high, moment_start) if len(high) else high,
    }


def _bound_starts(table: FigureTable, vocabulary: Vocabulary) -> dict[int, BoundStart]:
    """For each metric bounded by another (both in the table), the first day of its figures
    above zero in each place: "0 had left" dates a population that still held everyone, so
    it does not move the cut-off."""
    found = {}
    for name, metric in vocabulary.metrics.items():
        bounded_code = code_of(table.metric_names, name)
        bounding_code = code_of(table.metric_names, metric.bounded_by or "")
        if bounded_code is None or bounding_code is None:
            continue
        bounded = np.flatnonzero(table.metric == bounded_code)
        started = bounded[table.high[bounded] > 0]
        # A date known only to within some days may be as early as its margin allows.
        earliest = table.day - table.margin
        found[bounded_code] = BoundStart(
            bounding=bounding_code,
            first_day=pd.Series(earliest[started]).groupby(table.place_key[started]).min(),
            first_any_day=pd.Series(earliest[bounded]).groupby(table.place_key[bounded]).min(),
        )
    return found


def first_of_reading(table: FigureTable, rows: np.ndarray) -> np.ndarray:
    """For each of `rows`, the first figure (earliest day and minute) of its quantity with the
    same reading: value and claim. A relay dated when it was published repeats such a
    reading a day late: that is staleness, not a miscopied digit.

    One sort over the figures of the quantities asked about, not a scan per row: late
    relays are common in real reporting."""
    if not len(rows):
        return rows
    asked = np.zeros(int(table.quantity[-1]) + 1, dtype=bool)  # quantity ids are 0..n in order
    asked[table.quantity[rows]] = True
    pool = np.flatnonzero(asked[table.quantity])
    # A reading is its value, its upper end (ranges) and its claim.
    value_code, _ = pd.factorize(table.value[pool])
    high_code, highs = pd.factorize(table.value_high[pool], use_na_sentinel=False)
    # Dense codes keep the key small: at most (rows x 7) x rows.
    reading, readings = pd.factorize(value_code.astype(np.int64) * len(highs) + high_code)
    claims = len(QUALIFIERS)
    claim = CLAIM[table.qualifier[pool]]
    key = (table.quantity[pool] * claims + claim) * len(readings) + reading
    # Earliest day first; within that day a figure with its hour before one without, so a
    # note can name the update itself rather than a relay of it.
    minute = table.minute[pool]
    order = np.lexsort((np.where(minute == UNTIMED, 1441, minute), table.day[pool], key))
    starts = starts_of_runs(key[order])
    keys_once = key[order][starts]
    where = np.searchsorted(pool, rows)  # rows are among the pool
    return pool[order[starts[np.searchsorted(keys_once, key[where])]]]
