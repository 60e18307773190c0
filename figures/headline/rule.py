"""The headline rule: one best-supported figure per quantity (docs/headline.md).

A quantity is a metric, a group and a place (compared as the conflict engine compares them), so
a headline never mixes places or groups. Pure functions of the valid rows, the vocabulary and
the flags: no I/O, no Streamlit. The rows are read once into plain arrays and each quantity is
worked out in Python over its few rows: per-quantity pandas calls cost ~30 ms each, which a
file of a few hundred quantities cannot afford.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from figures.conflicts import CONTRADICTION, DECREASE, LIKELY_TYPO, Conflict, ConflictSettings
from figures.contract import format_as_of
from figures.vocabulary import WHOLE_GROUP, Metric, Vocabulary, compare_place

CUMULATIVE = "cumulative"
EVENT = "event"
PRE_CRISIS = "pre-crisis"
LATEST = "latest"
LATEST_WINDOW = "latest window"
DISPUTED = "disputed"
# Sides disagree enough to call a quantity disputed when their figures cannot both be true and
# the worst pair is this far apart (relative gap): the reach of "about". Below it, the spread
# is reporting noise, and the headline picks the best-supported figure and shows the range.
DISPUTE_GAP = 0.10
_DAY_NS = 86_400 * 10**9


@dataclass(frozen=True)
class Claim:
    """One figure with its source: the chosen one, an end of the range, a side of a dispute."""

    line: int
    reported_by: str
    affiliation: str
    outlet: str
    qualifier: str
    value: int
    value_high: int | None
    as_of: pd.Timestamp
    as_of_has_time: bool
    place: str


@dataclass(frozen=True)
class Headline:
    metric: str
    group: str
    place: str
    basis: str  # LATEST, LATEST_WINDOW, PRE_CRISIS or DISPUTED: which part of the rule chose it
    chosen: Claim | None  # None when disputed: the headline picks no side
    low: Claim  # the lowest figure among the reporters' latest (or the window's)
    high: Claim  # the highest
    reporters: int  # distinct reporters that give the chosen reading (the candidates' if none)
    outlets: int  # distinct outlets that publish it
    conflicts: tuple[str, ...]  # ids of the flags that touch the chosen reading (or the dispute)
    candidates: int  # how many figures the range is taken over
    # The two figures from opposing sides that cannot both be true, lower first.
    dispute: tuple[Claim, Claim] | None = None
    supporting_lines: tuple[int, ...] = field(default=())

    @property
    def disputed(self) -> bool:
        return self.dispute is not None

    @property
    def is_subgroup(self) -> bool:
        return self.group != WHOLE_GROUP

    def to_dict(self) -> dict[str, object]:
        """The command's JSON: one object per quantity (docs/headline.md lists the keys)."""
        chosen = self.chosen
        ends = self.dispute or (self.low, self.high)
        return {
            "metric": self.metric,
            "group": self.group,
            "place": self.place,
            "basis": self.basis,
            "qualifier": chosen.qualifier if chosen else None,
            "value": chosen.value if chosen else None,
            "value_high": chosen.value_high if chosen else None,
            "as_of": _iso(chosen or max(ends, key=lambda claim: claim.as_of)),
            "reported_by": chosen.reported_by if chosen else None,
            "outlet": chosen.outlet if chosen else None,
            "line": chosen.line if chosen else None,
            "low": self.low.value,
            "high": upper(self.high),
            "low_reported_by": self.low.reported_by,
            "high_reported_by": self.high.reported_by,
            "low_line": self.low.line,
            "high_line": self.high.line,
            "reporters": self.reporters,
            "outlets": self.outlets,
            "disputed": self.disputed,
            "dispute_lines": [claim.line for claim in self.dispute] if self.dispute else [],
            "conflicts": list(self.conflicts),
        }


def _iso(claim: Claim) -> str:
    return format_as_of(claim.as_of, claim.as_of_has_time)


def upper(claim: Claim) -> int:
    """The figure's upper number: a range's high end, else its value."""
    return claim.value_high if claim.value_high is not None else claim.value


# ---------------------------------------------------------------------------------------------
# The rows as plain arrays, and what the flags say about single lines.


@dataclass(frozen=True)
class _Table:
    line: list[int]
    as_of: list[int]  # nanoseconds
    timed: list[bool]
    qualifier: list[str]
    value: list[int]
    high: list[int]  # -1: no upper end
    reported_by: list[str]
    affiliation: list[str]
    outlet: list[str]
    published: list[int]  # nanoseconds; the largest int64 where not given (sorts last)
    place: list[str]

    @classmethod
    def of(cls, rows: pd.DataFrame) -> _Table:
        published = rows["published"].to_numpy("datetime64[ns]").view(np.int64)
        published = np.where(
            np.isnat(rows["published"].to_numpy("datetime64[ns]")),
            np.iinfo(np.int64).max,
            published,
        )
        return cls(
            line=rows["line"].astype("int64").tolist(),
            as_of=rows["as_of"].to_numpy("datetime64[ns]").view(np.int64).tolist(),
            timed=rows["as_of_has_time"].astype(bool).tolist(),
            qualifier=rows["qualifier"].astype(str).tolist(),
            value=rows["value"].astype("int64").tolist(),
            high=rows["value_high"].astype("Int64").fillna(-1).astype("int64").tolist(),
            reported_by=rows["reported_by"].astype(str).tolist(),
            affiliation=rows["affiliation"].astype(str).tolist(),
            outlet=rows["outlet"].astype(str).tolist(),
            published=published.tolist(),
            place=rows["place"].astype(str).tolist(),
        )

    def claim(self, i: int) -> Claim:
        return Claim(
            line=self.line[i],
            reported_by=self.reported_by[i],
            affiliation=self.affiliation[i],
            outlet=self.outlet[i],
            qualifier=self.qualifier[i],
            value=self.value[i],
            value_high=None if self.high[i] < 0 else self.high[i],
            as_of=pd.Timestamp(self.as_of[i]),
            as_of_has_time=self.timed[i],
            place=self.place[i],
        )

    def reading(self, i: int) -> tuple[str, int, int]:
        return (self.qualifier[i], self.value[i], self.high[i])

    def interval(self, i: int, tolerance: float) -> tuple[float, float]:
        """What the figure claims, as the engine reads it (docs/conflicts.md)."""
        value, qualifier = self.value[i], self.qualifier[i]
        if qualifier == "about":
            return value * (1 - tolerance), value * (1 + tolerance)
        if qualifier in ("more_than", "at_least"):
            return value, math.inf
        if qualifier in ("up_to", "less_than"):
            return 0, value
        if qualifier == "range" and self.high[i] >= 0:
            return value, self.high[i]
        return value, value


@dataclass(frozen=True)
class _Marks:
    miscopied: frozenset[int]  # lines a likely-typo flag names as the miscopied reading
    stale: frozenset[int]  # the later, lower line of each decrease pair
    flags_of_line: dict[int, list[Conflict]]


def _marks(table: _Table, conflicts: Sequence[Conflict]) -> _Marks:
    as_of = dict(zip(table.line, table.as_of, strict=True))
    miscopied: set[int] = set()
    stale: set[int] = set()
    flags_of_line: dict[int, list[Conflict]] = {}
    for conflict in conflicts:
        for line in conflict.lines:
            flags_of_line.setdefault(line, []).append(conflict)
        if conflict.code == LIKELY_TYPO and conflict.probable_value is not None:
            # Only a reading other figures contradict is marked; without a verdict neither is.
            miscopied.update(
                ref.line for ref in conflict.figures if ref.value != conflict.probable_value
            )
        if conflict.code == DECREASE:
            # A running total cannot fall: of a pair, the later figure is the stale one (a relay
            # of an older reading dated by when it was repeated).
            for a, b in conflict.pairs:
                if a in as_of and b in as_of:
                    stale.add(b if as_of[b] >= as_of[a] else a)
    return _Marks(frozenset(miscopied), frozenset(stale), flags_of_line)


# ---------------------------------------------------------------------------------------------
# The rule.


def first_movement(rows: pd.DataFrame, vocabulary: Vocabulary) -> pd.Timestamp | None:
    """When people first moved: the earliest figure of a metric that counts movement
    (`movement` in metrics.csv). A level dated before it is the pre-crisis figure."""
    moving = [name for name, metric in vocabulary.metrics.items() if metric.movement]
    dates = rows.loc[rows["metric"].isin(moving), "as_of"]
    return None if dates.empty else pd.Timestamp(dates.min()).normalize()


@dataclass(frozen=True)
class _Context:
    table: _Table
    marks: _Marks
    vocabulary: Vocabulary
    settings: ConflictSettings
    movement_start: int | None  # nanoseconds


def headlines(
    rows: pd.DataFrame,
    vocabulary: Vocabulary,
    conflicts: Sequence[Conflict],
    settings: ConflictSettings | None = None,
    *,
    movement_start: pd.Timestamp | None = None,
) -> list[Headline]:
    """One headline per quantity in `rows`, in the vocabulary's metric order, each place's
    total before its groups. `movement_start` is when people first moved (by default taken
    from `rows`; pass it from the whole file when `rows` is a filtered view)."""
    if rows.empty:
        return []
    if movement_start is None:
        movement_start = first_movement(rows, vocabulary)
    table = _Table.of(rows)
    context = _Context(
        table,
        _marks(table, conflicts),
        vocabulary,
        settings or ConflictSettings(),
        None if movement_start is None else pd.Timestamp(movement_start).value,
    )
    places = {name: vocabulary.same_place_key(compare_place(name)) for name in set(table.place)}
    # A running total that says when it starts counting (`since`) is its own quantity.
    since = rows["since"].astype(str).tolist() if "since" in rows else [""] * len(rows)
    quantities: dict[tuple[str, str, str, str], list[int]] = {}
    keys = zip(
        rows["metric"].astype(str), rows["group"].astype(str), table.place, since, strict=True
    )
    for index, (metric, group, place, start) in enumerate(keys):
        quantities.setdefault((metric, group, places[place], start), []).append(index)
    found = [
        _headline(context, metric, group, indices)
        for (metric, group, _, _), indices in quantities.items()
    ]
    order = {name: rank for rank, name in enumerate(vocabulary.metrics)}
    return sorted(
        found,
        key=lambda h: (
            order.get(h.metric, len(order)),
            compare_place(h.place),
            h.group != WHOLE_GROUP,
            h.group,
        ),
    )


def _headline(context: _Context, metric: str, group: str, indices: list[int]) -> Headline:
    table, marks = context.table, context.marks
    sound = [i for i in indices if table.line[i] not in marks.miscopied] or indices
    known = context.vocabulary.metrics.get(metric)
    if known is not None and known.kind == CUMULATIVE:
        best, candidates = _running_total(context, sound, _window_days(context, known))
        basis = LATEST
    else:
        days = 0 if known is not None and known.kind == EVENT else _window_days(context, known)
        candidates = _latest_window(table, sound, days)
        best = _most_supported(table, candidates)
        start = context.movement_start
        before = start is not None and max(table.as_of[i] for i in candidates) < start
        basis = PRE_CRISIS if before else LATEST_WINDOW
    dispute = _dispute(context, candidates)
    low = min(candidates, key=lambda i: (table.value[i], -table.line[i]))
    high = max(candidates, key=lambda i: (upper_of(table, i), table.line[i]))
    chosen = None if dispute else _carrier(table, best, indices, same_moment=basis == LATEST)
    supporting = (
        [i for i in indices if table.reading(i) == table.reading(chosen)]
        if chosen is not None
        else candidates
    )
    touched = dispute[2] if dispute else _flags_touching(supporting, context)
    return Headline(
        metric=metric,
        group=group,
        place=_commonest(table, indices),
        basis=DISPUTED if dispute else basis,
        chosen=None if chosen is None else table.claim(chosen),
        low=table.claim(low),
        high=table.claim(high),
        reporters=len({table.reported_by[i] for i in supporting}),
        outlets=len({table.outlet[i] for i in supporting}),
        conflicts=tuple(dict.fromkeys(conflict.id for conflict in touched)),
        candidates=len(candidates),
        dispute=(table.claim(dispute[0]), table.claim(dispute[1])) if dispute else None,
        supporting_lines=tuple(sorted(table.line[i] for i in supporting)) if chosen else (),
    )


def _running_total(context: _Context, sound: list[int], days: int) -> tuple[int, list[int]]:
    """A running total's best figure, and the figures its range is taken over: each
    reporter's latest that is not a stale relay, from `days` before the best figure's day
    on (a reporter that stopped counting weeks earlier is no spread of the current total)."""
    table = context.table
    pool = [i for i in sound if table.line[i] not in context.marks.stale] or sound
    best = _most_informative_latest(context, pool)
    start = table.as_of[best] - table.as_of[best] % _DAY_NS - days * _DAY_NS
    latest = _latest_per_reporter(table, pool)
    candidates = [i for i in latest if table.as_of[i] >= start and i != best]
    return best, [best, *candidates]


def _window_days(context: _Context, metric: Metric | None) -> int:
    """Days before the latest figure that still describe the same time: the metric's own
    window_days, else the engine's setting."""
    if metric is not None and metric.window_days is not None:
        return metric.window_days
    return context.settings.window_days


def _commonest(table: _Table, indices: list[int]) -> str:
    """The quantity's place as most of its sources spell it (the charts' panel titles too)."""
    names = [table.place[i] for i in indices]
    return max(dict.fromkeys(names), key=names.count)


def _latest_per_reporter(table: _Table, indices: list[int]) -> list[int]:
    """Each reporter's latest figure; at one moment, the higher reading is the newer update."""
    latest: dict[str, int] = {}
    for i in sorted(indices, key=lambda i: (table.as_of[i], table.value[i], table.line[i])):
        latest[table.reported_by[i]] = i
    return list(latest.values())


def _latest_window(table: _Table, indices: list[int], days: int) -> list[int]:
    last = max(table.as_of[i] for i in indices)
    start = last - last % _DAY_NS - days * _DAY_NS
    return [i for i in indices if table.as_of[i] >= start]


def _most_informative_latest(context: _Context, pool: list[int]) -> int:
    """A running total's latest figure, unless it only restates more coarsely what an earlier
    figure said more precisely: "more than 100,000" in 2025 does not displace the 100,514 it
    rounds. Walk back while an earlier figure is narrower and lies inside the later one."""
    table, tolerance = context.table, context.settings.tolerance
    ordered = sorted(pool, key=lambda i: (table.as_of[i], table.value[i], table.line[i]))
    best = ordered[-1]
    for i in reversed(ordered[:-1]):
        low, high = table.interval(i, tolerance)
        best_low, best_high = table.interval(best, tolerance)
        if best_low <= low and high <= best_high and high - low < best_high - best_low:
            best = i
    return best


def _most_supported(table: _Table, candidates: list[int]) -> int:
    """A level or an occasion: the reading most reporters give in the window, then the
    latest, then the lower (the more conservative, as ACLED takes it)."""
    support: dict[tuple[str, int, int], set[str]] = {}
    for i in candidates:
        support.setdefault(table.reading(i), set()).add(table.reported_by[i])
    return max(
        candidates,
        key=lambda i: (len(support[table.reading(i)]), table.as_of[i], -table.value[i]),
    )


def _carrier(table: _Table, best: int, indices: list[int], *, same_moment: bool) -> int:
    """Of the rows giving the chosen reporter's reading, the originator's own publication
    (the outlet is the reporter), then the earliest published."""
    same = [
        i
        for i in indices
        if table.reading(i) == table.reading(best)
        and table.reported_by[i] == table.reported_by[best]
        and (not same_moment or table.as_of[i] == table.as_of[best])
    ]
    own = [i for i in same if _own_outlet(table.outlet[i], table.reported_by[i])]
    return min(own or same or [best], key=lambda i: (table.published[i], table.line[i]))


def _own_outlet(outlet: str, reporter: str) -> bool:
    """The reporter published it itself: the outlet names it, or its name holds the outlet's."""
    outlet, reporter = outlet.casefold(), reporter.casefold()
    return bool(outlet) and (outlet in reporter or reporter in outlet)


def _dispute(context: _Context, candidates: list[int]) -> tuple[int, int, list[Conflict]] | None:
    """The widest pair of candidates from different sides that a contradiction flag says
    cannot both be true, at least DISPUTE_GAP apart: (lower, higher, the flags)."""
    table = context.table
    at = {table.line[i]: i for i in candidates}
    flags: dict[str, Conflict] = {}
    widest: tuple[float, int, int] | None = None
    for line in at:
        for conflict in context.marks.flags_of_line.get(line, []):
            if conflict.code != CONTRADICTION or conflict.severity < DISPUTE_GAP:
                continue
            for a, b in conflict.pairs:
                if a not in at or b not in at:
                    continue
                i, j = sorted((at[a], at[b]), key=lambda k: (table.value[k], table.line[k]))
                if table.affiliation[i] == table.affiliation[j]:
                    continue
                flags.setdefault(conflict.id, conflict)
                gap = upper_of(table, j) - table.value[i]
                if widest is None or gap > widest[0]:
                    widest = (gap, i, j)
    return None if widest is None else (widest[1], widest[2], list(flags.values()))


def upper_of(table: _Table, i: int) -> int:
    return max(table.value[i], table.high[i])


def _flags_touching(indices: list[int], context: _Context) -> list[Conflict]:
    found: dict[str, Conflict] = {}
    for i in indices:
        for conflict in context.marks.flags_of_line.get(context.table.line[i], []):
            found.setdefault(conflict.id, conflict)
    return list(found.values())
