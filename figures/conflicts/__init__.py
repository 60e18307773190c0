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

The rules, with the reasons for each, are in docs/conflicts.md. The modules, in the order the
work flows (each imports only those before it):

- model: what the engine answers (Conflict, FigureRef, ConflictSettings, the codes).
- table: the rows as one sorted, read-only table of numpy arrays (`prepare`).
- sources: who published a figure, read only for the figures found.
- rules: the pairwise rules (same time, certainly before, disjoint intervals).
- sweep: sort-and-sweep helpers that find pairs without comparing all of them.
- checks: contradiction, decrease and part-exceeds-whole pairs.
- slips: digits copied wrongly (likely-typo pairs).
- verdicts: which reading of a slip is right, and the clashes a slip explains.
- flags: grouping pairs into flags, and each flag's numbers.
- words, sentences: the words for a figure, and each flag's sentence.
- pipeline: find_conflicts, the straight line through them.
"""

from figures.conflicts.model import (
    CODE_TITLES,
    CODES,
    CONTRADICTION,
    DECREASE,
    LIKELY_TYPO,
    PART_EXCEEDS_WHOLE,
    Conflict,
    ConflictSettings,
    FigureRef,
    conflicts_by_line,
)
from figures.conflicts.pipeline import find_conflicts
from figures.conflicts.slips import digit_slip

__all__ = [
    "CODES",
    "CODE_TITLES",
    "CONTRADICTION",
    "DECREASE",
    "LIKELY_TYPO",
    "PART_EXCEEDS_WHOLE",
    "Conflict",
    "ConflictSettings",
    "FigureRef",
    "conflicts_by_line",
    "digit_slip",
    "find_conflicts",
]
