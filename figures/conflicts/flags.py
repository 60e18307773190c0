"""From pairs to flags: grouping the pairs of a check into flags, and each flag's numbers.

Figures that disagree are grouped into one flag per connected set, except that a figure at
odds with many others that agree among themselves is a flag of its own. A flag's numbers (its
rows, line pairs, gaps, whether a source contradicts itself) are computed for all flags at
once: a thousand flags cost a few numpy calls, not a thousand.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from figures.arrays import distinct, isin
from figures.conflicts.sources import Sources
from figures.conflicts.sweep import unique_pairs
from figures.conflicts.table import CUMULATIVE, FigureTable, first_of_reading

LinePairs = tuple[tuple[int, int], ...]


def flag_groups(pairs: np.ndarray) -> list[np.ndarray]:
    """The pairs of one check grouped into flags: each connected set, except that a figure at
    odds with many others that agree among themselves (a figure misdated by nine days sits
    above every later one) is a flag of its own, and the clashes among the rest are flags of
    theirs. Otherwise one misdated row glues every unrelated late relay into one flag whose
    sentence can tell only one of them."""
    groups: list[np.ndarray] = []
    for component in components(pairs):
        odd = _odd_figure(component)
        if odd is None:
            groups.append(component)
            continue
        involved = (component == odd).any(axis=1)
        groups.append(component[involved])
        # Once: the rest are grouped as connected sets again. Splitting them further would
        # make one flag per late relay of the same day, each listing the same figures.
        groups += components(component[~involved])
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


def components(pairs: np.ndarray) -> list[np.ndarray]:
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


def gaps(table: FigureTable, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Absolute and relative gaps between the intervals of pairs (relative to the larger end);
    for overlapping pairs (miscopies), between the two values."""
    t = table
    a_below = t.high[a] < t.low[b]
    b_below = t.high[b] < t.low[a]
    lower = np.where(
        a_below, t.high[a], np.where(b_below, t.high[b], np.minimum(t.value[a], t.value[b]))
    )
    upper = np.where(
        a_below, t.low[b], np.where(b_below, t.low[a], np.maximum(t.value[a], t.value[b]))
    )
    gap = upper - lower
    relative = np.divide(gap, upper, out=np.zeros_like(gap), where=upper > 0)
    return gap, relative


def shared_pairs(
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


def line_pairs(smaller: np.ndarray, larger: np.ndarray) -> LinePairs:
    return tuple(map(tuple, unique_pairs(smaller, larger).tolist()))


class FlagNumbers:
    """What every flag carries that is plain arithmetic on its pairs (rows, line pairs, gaps,
    whether a source contradicts itself), computed for all flags at once: a thousand flags
    cost a few numpy calls, not a thousand. `sources` holds every figure of the flags."""

    def __init__(self, table: FigureTable, flags: list[np.ndarray], sources: Sources):
        t = table
        sizes = np.array([len(pairs) for pairs in flags])
        starts = np.r_[0, np.cumsum(sizes)[:-1]]
        pairs = np.concatenate(flags)
        flag = np.repeat(np.arange(len(flags)), sizes)
        gap, relative = gaps(t, pairs[:, 0], pairs[:, 1])
        self.gap: list[float] = np.maximum.reduceat(gap, starts).tolist()
        self.relative: list[float] = np.maximum.reduceat(relative, starts).tolist()
        # The first pair of each flag, if any, in which a source contradicts itself.
        same = _self_contradicting(t, pairs, sources)
        self.self_row: list[int] = [-1] * len(flags)
        with_same, first = np.unique(flag[same], return_index=True)
        for index, row in zip(with_same.tolist(), pairs[same[first], 0].tolist(), strict=True):
            self.self_row[index] = row
        # Each flag's rows, in row order (for the sentences) and in line order (for people).
        ends, end_flag = pairs.ravel(), np.repeat(flag, 2)
        self.rows = _split(ends, end_flag, ends, len(t), len(flags))
        self.by_line = _split(ends, end_flag, t.line[ends], int(t.line.max()) + 1, len(flags))
        self.line_pairs = _line_pairs_of_flags(t, pairs, flag, starts, sizes)


def _self_contradicting(table: FigureTable, pairs: np.ndarray, sources: Sources) -> np.ndarray:
    """The pairs (indices into `pairs`) whose two figures come from one source. An outlet
    repeating a running total's old reading in a later article is a late relay (the sentence
    says so), not a source contradicting itself."""
    t = table
    same = np.flatnonzero(sources.source_id[pairs[:, 0]] == sources.source_id[pairs[:, 1]])
    if len(same):
        rows = distinct(pairs[same].ravel())
        first = first_of_reading(t, rows)
        late = rows[(t.kind[rows] == CUMULATIVE) & (t.day[first] < t.day[rows])]
        if len(late):
            # Only the lower figure of a pair can be the old reading relayed late.
            a, b = pairs[same, 0], pairs[same, 1]
            lower = np.where(t.high[a] < t.low[b], a, b)
            same = same[~isin(lower, late)]
    return same


def _line_pairs_of_flags(
    table: FigureTable, pairs: np.ndarray, flag: np.ndarray, starts: np.ndarray, sizes: np.ndarray
) -> list[LinePairs]:
    """Each flag's distinct pairs of CSV lines, sorted."""
    count = len(sizes)
    lines = table.line[pairs]
    smaller, larger = lines.min(axis=1), lines.max(axis=1)
    span = int(larger.max()) + 1
    if count * span * span >= 2**62:
        return [
            line_pairs(smaller[start:end], larger[start:end])
            for start, end in zip(starts.tolist(), (starts + sizes).tolist(), strict=True)
        ]
    # Every flag's distinct line pairs from one sort of one integer key.
    keys = distinct((flag * span + smaller) * span + larger)
    flag_of, rest = np.divmod(keys, span * span)
    low, high = np.divmod(rest, span)
    ends = list(zip(low.tolist(), high.tolist(), strict=True))
    bounds = np.searchsorted(flag_of, np.arange(count + 1)).tolist()
    return [tuple(ends[bounds[index] : bounds[index + 1]]) for index in range(count)]


def _split(
    rows: np.ndarray, flag: np.ndarray, order: np.ndarray, span: int, count: int
) -> list[np.ndarray]:
    """Each flag's distinct rows, sorted by `order` (a distinct integer per row, < span)."""
    key = flag * span + order
    first = np.argsort(key, kind="stable")  # sorted by flag, then order
    first = first[np.r_[True, key[first][1:] != key[first][:-1]]] if len(key) else first
    bounds = np.searchsorted(flag[first], np.arange(1, count))
    return np.split(rows[first], bounds)
