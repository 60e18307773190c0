"""find_conflicts: the engine's straight line from rows to flags.

prepare the table -> run the four checks -> read the sources of the figures found -> judge
each slip -> fold the clashes a slip explains into it -> group pairs into flags -> number and
word each flag.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from figures.arrays import distinct
from figures.conflicts.checks import (
    contradiction_pairs,
    decrease_pairs,
    part_exceeds_whole_pairs,
)
from figures.conflicts.flags import FlagNumbers, components, flag_groups, line_pairs, shared_pairs
from figures.conflicts.model import (
    CODES,
    CONTRADICTION,
    DECREASE,
    LIKELY_TYPO,
    PART_EXCEEDS_WHOLE,
    Conflict,
    ConflictSettings,
)
from figures.conflicts.sentences import (
    explain_contradiction,
    explain_decrease,
    explain_part,
    explain_typo,
    flags_of_this_slip,
    lines_of_flags,
    same_source_readings,
    slips_in_this_flag,
)
from figures.conflicts.slips import Pair, typo_pairs
from figures.conflicts.sources import read_sources
from figures.conflicts.table import FigureTable, first_of_reading, prepare, workers
from figures.conflicts.verdicts import Verdict, fold_symptoms, judge_slips, suspects
from figures.conflicts.words import Describer
from figures.vocabulary import Vocabulary


def find_conflicts(
    rows: pd.DataFrame, vocabulary: Vocabulary, settings: ConflictSettings | None = None
) -> list[Conflict]:
    """Every flag in a table of valid rows, most severe first. Pure: no I/O."""
    settings = settings or ConflictSettings()
    if rows.empty:
        return []
    table = prepare(rows, vocabulary, settings)
    if not len(table):
        return []
    typos, clashes_by_code = _run_checks(table)
    clashes = [pairs for _, pairs in clashes_by_code]
    if not typos and not any(len(pairs) for pairs in clashes):
        return []
    slips = components(np.array(sorted(typos), dtype=np.int64).reshape(-1, 2))
    # Reporters and outlets are text: read once, for every figure in a slip or a clash.
    sources = read_sources(table, np.concatenate([pairs.ravel() for pairs in slips + clashes]))
    verdicts = judge_slips(table, slips, clashes, sources)
    remaining, folded = fold_symptoms(table, clashes_by_code, slips, verdicts)
    flags = [(code, group) for code, pairs in remaining for group in flag_groups(pairs)]
    flags += [(LIKELY_TYPO, pairs) for pairs in slips]
    if not flags:
        return []
    numbers = FlagNumbers(table, [pairs for _, pairs in flags], sources)
    members = distinct(np.concatenate([*numbers.rows, *(pairs.ravel() for pairs in folded)]))
    words = Describer(
        table,
        vocabulary,
        members.tolist(),
        suspect=suspects(table, slips, verdicts),
        # Each flagged figure's first appearance, for the notes on late relays: one pass.
        first_reading=dict(
            zip(members.tolist(), first_of_reading(table, members).tolist(), strict=True)
        ),
    )
    # Where a slip's pairs are also flagged by an interval check (the reading is not firmly
    # known, so nothing was folded), the two flags point at each other.
    first_typo = len(flags) - len(slips)
    related, wholly = shared_pairs(len(table), [pairs for _, pairs in flags], first_typo)
    decided = _Decided(flags, first_typo, typos, verdicts, folded, numbers, words, related, wholly)
    conflicts = [decided.conflict(index) for index in range(len(flags))]
    conflicts.sort(key=lambda c: (-c.severity, CODES.index(c.code), c.lines))
    return conflicts


def _run_checks(table: FigureTable) -> tuple[dict[Pair, str], list[tuple[str, np.ndarray]]]:
    """The typo pairs, and the pairs of each of the three interval checks (in CODES order)."""
    # The four checks are independent, and spend their time in numpy, which lets go of the
    # interpreter lock: on a big table they run side by side.
    with ThreadPoolExecutor(max_workers=workers(len(table))) as pool:
        found_typos = pool.submit(typo_pairs, table)
        interval_pairs = [
            (CONTRADICTION, pool.submit(contradiction_pairs, table)),
            (DECREASE, pool.submit(decrease_pairs, table)),
            (PART_EXCEEDS_WHOLE, pool.submit(part_exceeds_whole_pairs, table)),
        ]
        return found_typos.result(), [(code, future.result()) for code, future in interval_pairs]


@dataclass(frozen=True)
class _Decided:
    """Everything decided about the flags, from which each Conflict is written."""

    flags: list[tuple[str, np.ndarray]]  # (code, pairs): interval flags, then one per slip
    first_typo: int  # the index of the first slip's flag
    typos: dict[Pair, str]  # how each slip's pair looks miscopied
    verdicts: list[Verdict]  # per slip
    folded: list[np.ndarray]  # per slip: the other clashes it explains
    numbers: FlagNumbers
    words: Describer
    related: dict[int, list[int]]  # flags of the other family that share a pair
    wholly: set[int]  # interval flags whose every pair is a slip's

    def conflict(self, index: int) -> Conflict:
        code = self.flags[index][0]
        numbers, words, table = self.numbers, self.words, self.words.table
        self_row = numbers.self_row[index]
        same_source = words.speaker(self_row) if self_row >= 0 else None
        probable = None
        explained: tuple[tuple[int, int], ...] = ()
        if code == LIKELY_TYPO:
            text, probable = self._explain_slip(index, same_source)
            ends = table.line[self.folded[index - self.first_typo]]
            explained = line_pairs(ends.min(axis=1), ends.max(axis=1))
        else:
            text = self._explain_clash(index, same_source)
        by_line = numbers.by_line[index]
        return Conflict(
            code=code,
            lines=tuple(table.line[by_line].tolist()),
            pairs=numbers.line_pairs[index],
            explanation=text,
            severity=numbers.relative[index],
            gap_absolute=numbers.gap[index],
            gap_relative=numbers.relative[index],
            figures=tuple(words.ref(row) for row in by_line.tolist()),
            self_contradiction=same_source is not None,
            probable_value=probable,
            explained_pairs=explained,
        )

    def _explain_clash(self, index: int, same_source: str | None) -> str:
        """The sentence of an interval flag, and its note on slips that share its pairs."""
        code, pairs = self.flags[index]
        if code == CONTRADICTION:
            text = explain_contradiction(self.words, self.numbers.rows[index].tolist(), same_source)
        elif code == DECREASE:
            text = explain_decrease(self.words, pairs, same_source)
        else:
            text = explain_part(self.words, pairs, same_source)
        if index in self.related:
            slips = self.related[index]
            lines = lines_of_flags(self.words, self.numbers.by_line, slips)
            text += slips_in_this_flag(lines, len(slips), index in self.wholly)
        return text

    def _explain_slip(self, index: int, same_source: str | None) -> tuple[str, str | None]:
        """The sentence of a likely-typo flag, the reading it calls right, and its note on the
        interval flags that share its pairs."""
        slip = index - self.first_typo
        pairs = self.flags[index][1]
        how = "; ".join(sorted({self.typos[(a, b)] for a, b in pairs.tolist()}))
        rows = self.numbers.rows[index].tolist()
        text, probable = explain_typo(self.words, rows, how, self.verdicts[slip], self.folded[slip])
        text += same_source_readings(same_source)
        if index in self.related:
            others = self.related[index]
            lines = lines_of_flags(self.words, self.numbers.by_line, others)
            codes = [self.flags[other][0] for other in others]
            text += flags_of_this_slip(lines, codes, all(o in self.wholly for o in others))
        return text, probable
