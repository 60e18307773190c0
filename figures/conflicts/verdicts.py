"""Which reading of a slip is probably right, and which other clashes the slip explains.

A slip (a set of figures that look like one number miscopied) is judged by other figures: the
reading its originator published itself, else the only reading that fits the running total,
else the reading more outlets give. When the right reading is firmly known, the clashes its
wrong reading causes are told inside the slip's flag instead of as flags of their own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from figures.arrays import distinct, isin
from figures.conflicts.rules import certainly_before
from figures.conflicts.sources import Sources
from figures.conflicts.sweep import NO_PAIRS
from figures.conflicts.table import CUMULATIVE, FigureTable, first_of_reading, starts_of_runs


@dataclass(frozen=True)
class Verdict:
    value: int | None  # the reading other figures support
    reason: str  # why, for the sentence
    # Whether the verdict stands on evidence a duplicated relay cannot change (the
    # originator's own publication, the running total): only then are the conflicts the
    # other reading causes folded into the miscopy's flag.
    firm: bool


def judge_slips(
    table: FigureTable, slips: list[np.ndarray], interval_pairs: list[np.ndarray], sources: Sources
) -> list[Verdict]:
    """Which reading of each slip other figures support (`interval_pairs`: every pair the
    interval checks found; `sources` holds at least every figure of the slips)."""
    if not slips:
        return []
    course = _TotalCourse(table, _evidence(table, slips, interval_pairs))
    return [_probable_reading(table, distinct(pairs).tolist(), course, sources) for pairs in slips]


def _evidence(
    table: FigureTable, slips: list[np.ndarray], interval_pairs: list[np.ndarray]
) -> np.ndarray:
    """Which figures may serve as evidence of a running total's course, when a slip's right
    reading is judged by which reading fits it: not a figure that itself clashes with a figure
    outside every slip (a total that seems to fall, two readings at one moment), and not a
    late relay (its reading first appeared on an earlier day, so its date is when it was
    relayed, not when the total stood there). Judged on such figures, the right reading
    would be blamed."""
    t = table
    usable = np.ones(len(t), dtype=bool)
    in_slip = np.zeros(len(t), dtype=bool)
    in_slip[np.concatenate(slips).ravel()] = True
    for pairs in interval_pairs:
        if len(pairs):
            a, b = pairs[:, 0], pairs[:, 1]
            usable[a[~in_slip[b]]] = False
            usable[b[~in_slip[a]]] = False
    quantities = distinct(t.quantity[[int(pairs[0, 0]) for pairs in slips]])
    totals = quantities[t.kind[t.quantity_start[quantities]] == CUMULATIVE]
    if len(totals):
        pool = np.concatenate([t.rows_of_quantity(int(q)) for q in totals.tolist()])
        first = first_of_reading(t, pool)
        usable[pool[t.day[first] < t.day[pool]]] = False
    return usable


class _TotalCourse:
    """Where a running total stood, from the figures that may serve as evidence: for each
    day, the highest low before it and the lowest high after it, one pass per quantity asked
    about. A slip's readings are then checked against the other days in constant time and
    against their own day's few figures: a scan of the whole quantity per slip grew with the
    square of a long total's figures."""

    def __init__(self, table: FigureTable, evidence: np.ndarray):
        self.table, self.evidence = table, evidence
        # A memo of _of: each quantity's course is worked out once, when first asked about.
        self._days: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}

    def _of(self, quantity: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if quantity not in self._days:
            t, rows = self.table, self.table.rows_of_quantity(quantity)
            usable = self.evidence[rows]
            low = np.where(usable, t.low[rows], -np.inf)
            high = np.where(usable, t.high[rows], np.inf)
            starts = starts_of_runs(t.day[rows])  # the quantity's rows are sorted by day
            day_low = np.maximum.reduceat(low, starts)
            day_high = np.minimum.reduceat(high, starts)
            before = np.r_[-np.inf, np.maximum.accumulate(day_low)[:-1]]
            after = np.r_[np.minimum.accumulate(day_high[::-1])[::-1][1:], np.inf]
            self._days[quantity] = (t.day[rows][starts], rows[0] + starts, before, after)
        return self._days[quantity]

    def fits(self, row: int, slip: list[int]) -> bool:
        """Whether a reading fits the total's other figures: none certainly before it is
        above it, none certainly after it is below it (the slip's own rows aside)."""
        t = self.table
        days, starts, before, after = self._of(int(t.quantity[row]))
        day = int(np.searchsorted(days, t.day[row]))
        if before[day] > t.high[row] or after[day] < t.low[row]:
            return False
        end = starts[day + 1] if day + 1 < len(starts) else t.quantity_end[t.quantity[row]]
        same = np.arange(starts[day], end)
        same = same[self.evidence[same] & ~isin(same, np.asarray(slip))]
        higher_before = certainly_before(t, same, row) & (t.low[same] > t.high[row])
        lower_after = certainly_before(t, row, same) & (t.high[same] < t.low[row])
        return not (higher_before | lower_after).any()


def _probable_reading(
    table: FigureTable, rows: list[int], course: _TotalCourse, sources: Sources
) -> Verdict:
    """The reading other figures support, if any.

    In order: the only reading the originator published itself (relays copy each other, so
    they are no independent support); the only reading that fits the running total's other
    figures (those `course` takes as evidence); the reading most outlets give.

    The originator is the reporter a relay of another reading names: a ministry's own 218
    outranks a wire's 281 attributed to that ministry, but an outlet's own unattributed 281
    says nothing about what the ministry published.
    """
    t = table
    by_value: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_value[int(t.value[row])].append(row)
    primary = []
    for value, members in by_value.items():
        others = [row for row in rows if int(t.value[row]) != value]
        named = set(sources.reporter_id[others].tolist())
        if any(sources.primary[row] and sources.reporter_id[row] in named for row in members):
            primary.append(value)
    if len(primary) == 1:
        return Verdict(primary[0], "the source itself published it", True)
    if t.kind[rows[0]] == CUMULATIVE:
        fits = [value for value, value_rows in by_value.items() if course.fits(value_rows[0], rows)]
        if len(fits) == 1:
            return Verdict(fits[0], "it is the only reading that fits the running total", True)
    outlets = {
        value: len({int(sources.source_id[row]) for row in members})
        for value, members in by_value.items()
    }
    ranked = sorted(outlets.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[0][1] > ranked[1][1]:
        return Verdict(ranked[0][0], f"{ranked[0][1]} outlets give it", False)
    return Verdict(None, "", False)


# ---------------------------------------------------------------------------------------------
# What a slip explains.


def fold_symptoms(
    table: FigureTable,
    found_pairs: list[tuple[str, np.ndarray]],
    slips: list[np.ndarray],
    verdicts: list[Verdict],
) -> tuple[list[tuple[str, np.ndarray]], list[np.ndarray]]:
    """The interval checks' pairs (per code) less those a slip explains, and the pairs each
    slip explains.

    A miscopied figure makes the interval checks fire too (a total that seems to fall, two
    figures that cannot both be true); when the right reading is firmly known, those are
    symptoms of the one slip and are told in its flag instead of as flags of their own."""
    miscopy_of = np.full(len(table), -1, dtype=np.int64)
    for index, (pairs, verdict) in enumerate(zip(slips, verdicts, strict=True)):
        if verdict.firm:
            rows_of_slip = distinct(pairs)
            miscopy_of[rows_of_slip[table.value[rows_of_slip] != verdict.value]] = index
    explained: list[list[np.ndarray]] = [[] for _ in slips]
    remaining = []
    for code, pairs in found_pairs:
        if verdicts and len(pairs):
            slip = _symptom_of(table, pairs, miscopy_of, verdicts)
            for index in distinct(slip[slip >= 0]).tolist():
                explained[index].append(pairs[slip == index])
            pairs = pairs[slip < 0]
        remaining.append((code, pairs))
    return remaining, [np.concatenate(chunks) if chunks else NO_PAIRS for chunks in explained]


def _symptom_of(
    table: FigureTable, pairs: np.ndarray, miscopy_of: np.ndarray, verdicts: list[Verdict]
) -> np.ndarray:
    """For each pair, the slip it is a symptom of (-1 for none): the slip of a miscopied
    figure in it whose right reading would not clash. A miscopy's clash that its right reading
    has too (a stale relay below both) is no symptom and stays a flag of its own; when both
    figures are miscopies, the pair goes to the one whose right reading ends the clash."""
    t = table
    slip = np.full(len(pairs), -1, dtype=np.int64)
    for end, other in ((1, 0), (0, 1)):  # the first end wins where both would
        mine = miscopy_of[pairs[:, end]]
        where = np.flatnonzero(mine >= 0)
        if not len(where):
            continue
        a, b = pairs[where, end], pairs[where, other]
        right = np.array([verdicts[index].value for index in mine[where].tolist()], float)
        # Every interval a typo can have scales with its value (ranges never slip).
        scale = np.divide(right, t.value[a], out=np.ones(len(a)), where=t.value[a] > 0)
        # Every flagged pair has one figure wholly above the other; read right, the miscopy
        # either stays on its side (the clash is not its doing) or does not.
        above = t.low[a] > t.high[b]
        still = np.where(above, t.low[a] * scale > t.high[b], t.high[a] * scale < t.low[b])
        slip[where[~still]] = mine[where[~still]]
    return slip


def suspects(
    table: FigureTable, slips: list[np.ndarray], verdicts: list[Verdict]
) -> np.ndarray | None:
    """Figures that look miscopied: the readings a verdict calls wrong, or every reading of a
    slip with none (None when there are no slips). A sentence never makes one its headline
    while another pair will do."""
    if not slips:
        return None
    suspect = np.zeros(len(table), dtype=bool)
    for pairs, verdict in zip(slips, verdicts, strict=True):
        rows_of_slip = distinct(pairs)
        if verdict.value is not None:
            rows_of_slip = rows_of_slip[table.value[rows_of_slip] != verdict.value]
        suspect[rows_of_slip] = True
    return suspect
