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
    return re.sub(r"[\s\-]+", " ", str(place)).strip().casefold()


@dataclass
class _Figures:
    """The rows as parallel numpy arrays, sorted by quantity, day, time and line."""

    frame: pd.DataFrame
    line: np.ndarray
    quantity: np.ndarray  # id of (metric, group, place)
    metric: np.ndarray  # metric names (object)
    group: np.ndarray
    place_key: np.ndarray
    qualifier: np.ndarray
    value: np.ndarray
    day: np.ndarray  # days since epoch
    minute: np.ndarray  # minute of day, or _UNTIMED
    low: np.ndarray
    high: np.ndarray
    kind: np.ndarray
    intraday: np.ndarray
    window: np.ndarray  # same-time window in days (0 = same day)
    quantity_start: np.ndarray  # first index of each quantity id
    quantity_end: np.ndarray

    def __len__(self) -> int:
        return len(self.line)

    def rows_of_quantity(self, quantity: int) -> range:
        return range(int(self.quantity_start[quantity]), int(self.quantity_end[quantity]))


def _prepare(rows: pd.DataFrame, vocabulary: Vocabulary, settings: ConflictSettings) -> _Figures:
    known = rows["metric"].isin(list(vocabulary.metrics))
    frame = rows.loc[known].copy()
    frame["place_key"] = frame["place"].map(normalise_place)
    as_of = pd.to_datetime(frame["as_of"])
    frame["day"] = (as_of.dt.normalize() - pd.Timestamp("1970-01-01")).dt.days.astype(np.int64)
    minute = (as_of.dt.hour * 60 + as_of.dt.minute).astype(np.int64)
    frame["minute"] = np.where(frame["as_of_has_time"].to_numpy(bool), minute, _UNTIMED)
    frame["quantity"] = pd.factorize(
        pd.MultiIndex.from_frame(frame[["metric", "group", "place_key"]].astype(str)),
        sort=True,
    )[0]
    frame = frame.sort_values(["quantity", "day", "minute", "line"], kind="stable")
    frame = frame.reset_index(drop=True)
    metrics = vocabulary.metrics
    kind = frame["metric"].map(lambda name: metrics[name].kind).to_numpy(object)
    intraday = frame["metric"].map(lambda name: metrics[name].intraday).to_numpy(bool)
    own_window = frame["metric"].map(lambda name: metrics[name].window_days)
    window = np.where(
        kind == "stock",
        own_window.fillna(settings.window_days).to_numpy(np.float64),
        0,
    ).astype(np.int64)
    value = frame["value"].to_numpy(np.float64)
    high_given = frame["value_high"].astype("Float64").to_numpy(np.float64, na_value=np.nan)
    qualifier = frame["qualifier"].to_numpy(object)
    tolerance = settings.tolerance
    low = value.copy()
    high = value.copy()
    about = qualifier == "about"
    low[about] = value[about] * (1 - tolerance)
    high[about] = value[about] * (1 + tolerance)
    lower_bounds = (qualifier == "more_than") | (qualifier == "at_least")
    high[lower_bounds] = np.inf
    upper_bounds = (qualifier == "up_to") | (qualifier == "less_than")
    low[upper_bounds] = 0.0
    ranged = qualifier == "range"
    high[ranged] = np.where(np.isnan(high_given[ranged]), value[ranged], high_given[ranged])
    quantity = frame["quantity"].to_numpy(np.int64)
    count = int(quantity.max()) + 1 if len(quantity) else 0
    starts = np.searchsorted(quantity, np.arange(count), side="left")
    ends = np.searchsorted(quantity, np.arange(count), side="right")
    return _Figures(
        frame=frame,
        line=frame["line"].to_numpy(np.int64),
        quantity=quantity,
        metric=frame["metric"].to_numpy(object),
        group=frame["group"].to_numpy(object),
        place_key=frame["place_key"].to_numpy(object),
        qualifier=qualifier,
        value=value,
        day=frame["day"].to_numpy(np.int64),
        minute=frame["minute"].to_numpy(np.int64),
        low=low,
        high=high,
        kind=kind,
        intraday=intraday,
        window=window,
        quantity_start=starts,
        quantity_end=ends,
    )


# ---------------------------------------------------------------------------------------------
# Time: when two figures describe the same moment, and when one is certainly later.


def same_moment(f: _Figures, a: int, b: int) -> bool:
    """Same day, and not known to be different moments of it.

    Two timed figures are the same moment only at the same minute. For an intraday metric an
    untimed figure was taken at an unknown moment of its day, so it matches nothing; for a
    daily metric it holds for the whole day, so it matches anything that day.
    """
    if f.day[a] != f.day[b]:
        return False
    timed_a, timed_b = f.minute[a] != _UNTIMED, f.minute[b] != _UNTIMED
    if timed_a and timed_b:
        return bool(f.minute[a] == f.minute[b])
    return not f.intraday[a]


def same_time(f: _Figures, a: int, b: int) -> bool:
    """Whether two figures of one quantity describe the same time, by the metric's kind."""
    window = int(f.window[a])
    if window > 0:
        return abs(int(f.day[a]) - int(f.day[b])) <= window
    return same_moment(f, a, b)


def certainly_before(f: _Figures, a: int, b: int) -> bool:
    """Whether figure a certainly describes an earlier moment than figure b."""
    if f.day[a] != f.day[b]:
        return bool(f.day[a] < f.day[b])
    return bool(f.minute[a] != _UNTIMED and f.minute[b] != _UNTIMED and f.minute[a] < f.minute[b])


def not_after(f: _Figures, a: int, b: int) -> bool:
    """Whether figure a is certainly not later than figure b (earlier or the same moment)."""
    return certainly_before(f, a, b) or same_moment(f, a, b)


# ---------------------------------------------------------------------------------------------
# Candidate search: per quantity and day, the extreme bounds nearby.


def _block_extremes(f: _Figures) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per (quantity, day) block: keys, max low, min high; plus each row's block index."""
    key = f.quantity * 1_000_000 + (f.day - f.day.min() if len(f) else f.day)
    block_keys, block_of_row = np.unique(key, return_inverse=True)
    max_low = np.full(len(block_keys), -np.inf)
    min_high = np.full(len(block_keys), np.inf)
    np.maximum.at(max_low, block_of_row, f.low)
    np.minimum.at(min_high, block_of_row, f.high)
    return block_keys, max_low, min_high, block_of_row


def _window_extremes(f: _Figures, offsets_for_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row, max low and min high over the blocks of its quantity within ±window days."""
    block_keys, max_low, min_high, _ = _block_extremes(f)
    base = f.quantity * 1_000_000 + (f.day - f.day.min() if len(f) else f.day)
    near_max_low = np.full(len(f), -np.inf)
    near_min_high = np.full(len(f), np.inf)
    widest = int(offsets_for_row.max()) if len(f) else 0
    for offset in range(-widest, widest + 1):
        applies = np.abs(offset) <= offsets_for_row
        target = base + offset
        position = np.searchsorted(block_keys, target)
        position = np.clip(position, 0, max(len(block_keys) - 1, 0))
        hit = applies & (block_keys[position] == target) if len(block_keys) else applies & False
        near_max_low[hit] = np.maximum(near_max_low[hit], max_low[position[hit]])
        near_min_high[hit] = np.minimum(near_min_high[hit], min_high[position[hit]])
    return near_max_low, near_min_high


def _day_range(f: _Figures, quantity: int, first_day: int, last_day: int) -> range:
    """Indices of a quantity's rows dated first_day..last_day (rows are sorted by day)."""
    start, end = int(f.quantity_start[quantity]), int(f.quantity_end[quantity])
    days = f.day[start:end]
    return range(
        start + int(np.searchsorted(days, first_day, side="left")),
        start + int(np.searchsorted(days, last_day, side="right")),
    )


def _disjoint(f: _Figures, a: int, b: int) -> bool:
    # Touching intervals overlap: a figure of "up to 3,000" and one of "3,000" agree.
    return bool(f.high[a] < f.low[b] or f.high[b] < f.low[a])


# ---------------------------------------------------------------------------------------------
# The four checks; each returns pairs of row indices.

Pair = tuple[int, int]


def _ordered(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def contradiction_pairs(f: _Figures) -> set[Pair]:
    near_max_low, near_min_high = _window_extremes(f, f.window)
    candidates = np.flatnonzero((f.high < near_max_low) | (f.low > near_min_high))
    pairs: set[Pair] = set()
    for a in candidates:
        a = int(a)
        window = int(f.window[a])
        for b in _day_range(f, int(f.quantity[a]), f.day[a] - window, f.day[a] + window):
            if b != a and _disjoint(f, a, b) and same_time(f, a, b):
                pairs.add(_ordered(a, b))
    return pairs


def decrease_pairs(f: _Figures) -> set[Pair]:
    cumulative = f.kind == "cumulative"
    if not cumulative.any():
        return set()
    # Highest lower bound seen on any earlier day of the same quantity (a running max).
    block_keys, max_low, _, block_of_row = _block_extremes(f)
    block_quantity = block_keys // 1_000_000
    earlier_max = np.full(len(block_keys), -np.inf)
    running = -np.inf
    for index in range(len(block_keys)):
        if index and block_quantity[index] != block_quantity[index - 1]:
            running = -np.inf
        earlier_max[index] = running
        running = max(running, max_low[index])
    # Same day, timed: the block's max low is a superset bound for earlier-timed figures.
    same_day_max = max_low[block_of_row]
    timed = f.minute != _UNTIMED
    possible = np.maximum(earlier_max[block_of_row], np.where(timed, same_day_max, -np.inf))
    candidates = np.flatnonzero(cumulative & (f.high < possible))
    pairs: set[Pair] = set()
    for b in candidates:
        b = int(b)
        for a in _day_range(f, int(f.quantity[b]), -(2**62), int(f.day[b])):
            if f.low[a] > f.high[b] and certainly_before(f, a, b):
                pairs.add(_ordered(a, b))
    return pairs


def _index_by(f: _Figures, key_of: Iterable[tuple[object, ...]]) -> dict[tuple, list[int]]:
    index: dict[tuple, list[int]] = defaultdict(list)
    for row, key in enumerate(key_of):
        index[key].append(row)
    return index


def part_exceeds_whole_pairs(f: _Figures, vocabulary: Vocabulary) -> set[Pair]:
    pairs: set[Pair] = set()
    # A subgroup above its total at the same time. For running totals a part counted earlier
    # than the whole cannot exceed it either (the part only grows, and stays within the whole).
    whole_rows = _index_by(
        f,
        (
            (f.metric[i], f.place_key[i]) if f.group[i] == WHOLE_GROUP else None
            for i in range(len(f))
        ),
    )
    whole_rows.pop(None, None)  # type: ignore[call-overload]
    for part in range(len(f)):
        if f.group[part] == WHOLE_GROUP:
            continue
        for whole in whole_rows.get((f.metric[part], f.place_key[part]), ()):
            if f.low[part] <= f.high[whole]:
                continue
            if f.kind[part] == "cumulative":
                comparable = not_after(f, part, whole)
            else:
                comparable = same_time(f, part, whole)
            if comparable:
                pairs.add(_ordered(part, whole))
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
        first_day: dict[str, int] = {}
        for row in bounded:
            place = f.place_key[row]
            first_day[place] = min(first_day.get(place, 2**62), int(f.day[row]))
        bounds = _index_by(
            f,
            (
                (f.place_key[i], f.group[i])
                if f.metric[i] == metric.bounded_by
                and f.day[i] < first_day.get(f.place_key[i], -(2**62))
                else None
                for i in range(len(f))
            ),
        )
        for row in bounded:
            for bound in bounds.get((f.place_key[row], f.group[row]), ()):
                if f.low[row] > f.high[bound]:
                    pairs.add(_ordered(row, bound))
    return pairs


def significant_digits(number: int) -> int:
    return len(str(number).rstrip("0")) if number else 0


def digit_slip(a: int, b: int) -> str | None:
    """How two numbers look like one copied wrongly, or None.

    One digit changed, dropped or added, or two adjacent digits swapped, when both have at
    least three significant digits (round figures such as 45,000 and 48,000 are estimates, not
    copies); or one exactly ten times the other when the smaller has at least two.
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


def typo_pairs(f: _Figures) -> dict[Pair, str]:
    groups: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    eligible = (f.qualifier != "range") & (f.value >= 10)
    for row in np.flatnonzero(eligible):
        groups[(int(f.quantity[row]), int(f.day[row]), str(f.qualifier[row]))].append(int(row))
    pairs: dict[Pair, str] = {}
    for rows in groups.values():
        if len(rows) < 2:
            continue
        by_value: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            by_value[int(f.value[row])].append(row)
        values = sorted(by_value)
        for i, a_value in enumerate(values):
            for b_value in values[i + 1 :]:
                how = digit_slip(a_value, b_value)
                if how is None:
                    continue
                for a in by_value[a_value]:
                    for b in by_value[b_value]:
                        # Two figures stamped with different hours are two updates, not copies.
                        if (
                            f.minute[a] != _UNTIMED
                            and f.minute[b] != _UNTIMED
                            and f.minute[a] != f.minute[b]
                        ):
                            continue
                        pairs[_ordered(a, b)] = how
    return pairs


# ---------------------------------------------------------------------------------------------
# From pairs to flags.


def _components(pairs: Iterable[Pair]) -> list[list[Pair]]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pair_list = sorted(pairs)
    for a, b in pair_list:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    grouped: dict[int, list[Pair]] = defaultdict(list)
    for pair in pair_list:
        grouped[find(pair[0])].append(pair)
    return list(grouped.values())


def _gap(f: _Figures, a: int, b: int) -> tuple[float, float]:
    """Absolute and relative gap between two disjoint intervals (relative to the larger end)."""
    if f.high[a] < f.low[b]:
        lower, upper = f.high[a], f.low[b]
    elif f.high[b] < f.low[a]:
        lower, upper = f.high[b], f.low[a]
    else:
        lower, upper = sorted((f.value[a], f.value[b]))
    gap = float(upper - lower)
    return gap, (gap / float(upper) if upper > 0 else 0.0)


def _date_text(moment: pd.Timestamp | dt.datetime | None, with_time: bool = False) -> str:
    if moment is None or pd.isna(moment):
        return ""
    text = f"{moment.day} {moment:%b %Y}"
    return f"{text}, {moment:%H:%M}" if with_time else text


class _Describer:
    """Builds the sentences of flags from the rows (who, where, when, what)."""

    def __init__(self, f: _Figures, vocabulary: Vocabulary):
        self.f = f
        self.vocabulary = vocabulary
        frame = f.frame
        self.reported_by = frame["reported_by"].to_numpy(object)
        self.outlet = frame["outlet"].to_numpy(object)
        self.affiliation = frame["affiliation"].to_numpy(object)
        self.place = frame["place"].to_numpy(object)
        self.as_of = pd.to_datetime(frame["as_of"]).to_numpy()
        self.has_time = frame["as_of_has_time"].to_numpy(bool)
        self.published = pd.to_datetime(frame["published"]).to_numpy()
        self.value_high = (
            frame["value_high"].astype("Float64").to_numpy(np.float64, na_value=np.nan)
        )

    def written(self, row: int) -> str:
        high = self.value_high[row]
        return value_as_written(
            str(self.f.qualifier[row]),
            int(self.f.value[row]),
            None if np.isnan(high) else int(high),
        )

    def as_of_text(self, row: int) -> str:
        return _date_text(pd.Timestamp(self.as_of[row]), bool(self.has_time[row]))

    def source(self, row: int) -> str:
        """'(Brussels Signal, 25 Sep 2023)': outlet and publication date, when they add."""
        when = self.published[row]
        date = _date_text(pd.Timestamp(when)) if not pd.isna(when) else self.as_of_text(row)
        outlet = self.outlet[row]
        if outlet and outlet != self.reported_by[row]:
            return f"({outlet}, {date})"
        return f"({date})"

    def who(self, row: int) -> str:
        return f"{self.reported_by[row]} {self.source(row)}"

    def quantity(self, row: int, include_group: bool = True) -> str:
        f = self.f
        metric = self.vocabulary.metrics[f.metric[row]]
        text = metric.label[:1].lower() + metric.label[1:]
        if include_group and f.group[row] != WHOLE_GROUP:
            text += f" ({self.vocabulary.group_label(f.group[row]).lower()})"
        if self.place[row]:
            text += f" in {self.place[row]}"
        return text

    def claim(self, row: int) -> str:
        if self.f.value[row] == 0 and self.f.qualifier[row] == "exact":
            return "said there were none"
        return f"put it at {self.written(row)}"

    def ref(self, row: int) -> FigureRef:
        published = self.published[row]
        return FigureRef(
            line=int(self.f.line[row]),
            reported_by=str(self.reported_by[row]),
            outlet=str(self.outlet[row]),
            affiliation=str(self.affiliation[row]),
            as_of=self.as_of_text(row),
            published="" if pd.isna(published) else _date_text(pd.Timestamp(published)),
            value=self.written(row),
            metric=str(self.f.metric[row]),
            group=str(self.f.group[row]),
            place=str(self.place[row]),
        )

    def claims_by_value(self, rows: list[int]) -> list[str]:
        """'A and B said there were none', 'C put it at about 10,000': one clause per reading."""
        readings: dict[str, list[int]] = defaultdict(list)
        for row in sorted(rows, key=lambda r: (-self.f.high[r], -self.f.low[r], self.f.line[r])):
            readings[self.written(row)].append(row)
        clauses = []
        for reading_rows in readings.values():
            names = [self.who(row) for row in reading_rows]
            subject = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
            clauses.append(f"{subject} {self.claim(reading_rows[0])}")
        return clauses

    def time_span(self, rows: list[int]) -> str:
        texts = sorted({self.as_of_text(row) for row in rows}, key=lambda t: t)
        days = sorted({int(self.f.day[row]) for row in rows})
        if len(texts) == 1:
            return texts[0]
        first = min(rows, key=lambda r: (self.f.day[r], self.f.minute[r]))
        last = max(rows, key=lambda r: (self.f.day[r], self.f.minute[r]))
        if len(days) == 1:
            return f"{self.as_of_text(first)} and {self.as_of_text(last)}"
        return f"{self.as_of_text(first)} to {self.as_of_text(last)}"


def _self_contradiction(describer: _Describer, pairs: list[Pair]) -> str | None:
    for a, b in pairs:
        if describer.reported_by[a] == describer.reported_by[b]:
            return str(describer.reported_by[a])
    return None


def _explain_contradiction(d: _Describer, rows: list[int], pairs: list[Pair]) -> str:
    clauses = d.claims_by_value(rows)
    first = clauses[0].replace(" put it at ", f" put {d.quantity(rows[0])} at ", 1)
    if " said there were none" in first:
        first = first.replace(" said there were none", f" said there were no {d.quantity(rows[0])}")
    sentence = "; ".join([first, *clauses[1:]])
    sentence += f". The figures describe {d.time_span(rows)} and cannot all be true."
    same_source = _self_contradiction(d, pairs)
    if same_source:
        sentence += f" {same_source} gave figures that contradict each other."
    return sentence


def _explain_decrease(d: _Describer, pairs: list[Pair]) -> str:
    f = d.f
    a, b = max(pairs, key=lambda p: _gap(f, *p)[0])
    earlier, later = (a, b) if certainly_before(f, a, b) else (b, a)
    text = (
        f"{d.who(later)} put {d.quantity(later)} at {d.written(later)} as of "
        f"{d.as_of_text(later)}, below the {d.written(earlier)} that {d.who(earlier)} gave "
        f"as of {d.as_of_text(earlier)}; a running total cannot fall."
    )
    others = len({row for pair in pairs for row in pair}) - 2
    if others > 0:
        text += f" {others} more figure(s) take part (see the lines)."
    same_source = _self_contradiction(d, pairs)
    if same_source:
        text += f" {same_source} gave figures that contradict each other."
    return text


def _explain_part(d: _Describer, vocabulary: Vocabulary, pairs: list[Pair]) -> str:
    f = d.f
    a, b = max(pairs, key=lambda p: _gap(f, *p)[0])
    part, whole = (a, b) if f.low[a] > f.high[b] else (b, a)
    if f.metric[part] == f.metric[whole]:
        text = (
            f"{d.who(part)} put {d.quantity(part)} at {d.written(part)}, more than the "
            f"{d.written(whole)} that {d.who(whole)} gave for {d.quantity(whole)}; "
            "a part cannot exceed its whole."
        )
    else:
        bound_label = vocabulary.metrics[f.metric[whole]].label.lower()
        text = (
            f"{d.who(part)} put {d.quantity(part)} at {d.written(part)}, more than the "
            f"{bound_label} of {d.written(whole)} that {d.who(whole)} gave as of "
            f"{d.as_of_text(whole)}, before the first such figure for that place."
        )
    others = len({row for pair in pairs for row in pair}) - 2
    if others > 0:
        text += f" {others} more figure(s) take part (see the lines)."
    return text


def _probable_reading(d: _Describer, rows: list[int]) -> tuple[str | None, str]:
    """The reading other figures support: given more often, or the only one a running total
    allows."""
    f = d.f
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        counts[int(f.value[row])] += 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[0][1] > ranked[1][1]:
        value, count = ranked[0]
        row = next(r for r in rows if f.value[r] == value)
        return d.written(row), f"{d.written(row)} is probably right: {count} reports give it."
    quantity = int(f.quantity[rows[0]])
    if f.kind[rows[0]] == "cumulative":
        plausible = []
        for value in counts:
            row = next(r for r in rows if f.value[r] == value)
            earlier = [
                o
                for o in f.rows_of_quantity(quantity)
                if o not in rows and certainly_before(f, o, row) and f.low[o] > f.high[row]
            ]
            later = [
                o
                for o in f.rows_of_quantity(quantity)
                if o not in rows and certainly_before(f, row, o) and f.high[o] < f.low[row]
            ]
            if not earlier and not later:
                plausible.append(row)
        if len(plausible) == 1:
            reading = d.written(plausible[0])
            return reading, (
                f"{reading} is probably right: it is the only reading that fits the "
                "running total's other figures."
            )
    return None, "The data does not show which reading is right."


def _explain_typo(
    d: _Describer, rows: list[int], pairs: list[Pair], how: str
) -> tuple[str, str | None]:
    clauses = d.claims_by_value(rows)
    first = clauses[0].replace(" put it at ", f" put {d.quantity(rows[0])} at ", 1)
    span = d.time_span(rows)
    probable, verdict = _probable_reading(d, rows)
    text = (
        f"{'; '.join([first, *clauses[1:]])}. For {span} these look like one number copied "
        f"wrongly ({how}). {verdict}"
    )
    return text, probable


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
    d = _Describer(f, vocabulary)
    found: list[Conflict] = []

    def build(code: str, component: list[Pair], explanation: str, probable: str | None = None):
        members = sorted({row for pair in component for row in pair}, key=lambda r: f.line[r])
        gaps = [_gap(f, a, b) for a, b in component]
        gap_absolute = max(gap for gap, _ in gaps)
        gap_relative = max(rel for _, rel in gaps)
        line_pairs = tuple(
            sorted({tuple(sorted((int(f.line[a]), int(f.line[b])))) for a, b in component})
        )
        found.append(
            Conflict(
                code=code,
                lines=tuple(int(f.line[row]) for row in members),
                pairs=line_pairs,  # type: ignore[arg-type]
                explanation=explanation,
                severity=gap_relative,
                gap_absolute=gap_absolute,
                gap_relative=gap_relative,
                figures=tuple(d.ref(row) for row in members),
                self_contradiction=_self_contradiction(d, component) is not None,
                probable_value=probable,
            )
        )

    for component in _components(contradiction_pairs(f)):
        rows_in = sorted({row for pair in component for row in pair})
        build(CONTRADICTION, component, _explain_contradiction(d, rows_in, component))
    for component in _components(decrease_pairs(f)):
        build(DECREASE, component, _explain_decrease(d, component))
    for component in _components(part_exceeds_whole_pairs(f, vocabulary)):
        build(PART_EXCEEDS_WHOLE, component, _explain_part(d, vocabulary, component))
    typos = typo_pairs(f)
    for component in _components(typos):
        rows_in = sorted({row for pair in component for row in pair})
        hows = sorted({typos[pair] for pair in component})
        text, probable = _explain_typo(d, rows_in, component, "; ".join(hows))
        build(LIKELY_TYPO, component, text, probable)
    found.sort(key=lambda c: (-c.severity, CODES.index(c.code), c.lines))
    return found


def conflicts_by_line(conflicts: Iterable[Conflict]) -> dict[int, list[Conflict]]:
    """Which flags each CSV line takes part in (the dashboard marks these rows)."""
    index: dict[int, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        for line in conflict.lines:
            index[line].append(conflict)
    return dict(index)
