"""Rows that repeat an earlier row cell for cell, found without comparing every pair."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from figures.validation.arrow_text import rows_of

# Codes of a column's distinct values (as pandas.factorize gives them) and how many there are.
Coded = tuple[np.ndarray, int]

# Columns in the order the duplicate search looks at them: cheap ones that tell rows apart
# first, the long quote last, by which time few rows are left to compare.
REPEAT_ORDER = (
    "as_of",
    "value",
    "metric",
    "place",
    "reported_by",
    "published",
    "group",
    "qualifier",
    "value_high",
    "affiliation",
    "outlet",
    "url",
    "notes",
    "as_of_margin_days",
    "since",
    "quote",
)


def first_copies(columns: list[pd.Series | Coded], rows: np.ndarray | None = None) -> np.ndarray:
    """For each row, the position of the first row identical to it in every column.

    A column comes as its cells or, when the rules have already coded its distinct values,
    as those codes. The coded columns are combined first (plain arithmetic); then rows still
    equal to some other row are narrowed column by column: once a row differs from all others
    in one column it cannot repeat anything, and most rows drop out after a column or two, so
    the long text columns are compared for a handful of rows. `rows` (ascending), when
    given, are the only rows that may repeat another (see `maybe_repeated`).
    """
    count = next(len(c[0]) if isinstance(c, tuple) else len(c) for c in columns)
    first = np.arange(count)
    candidates = first.copy() if rows is None else rows
    group, groups = np.zeros(len(candidates), dtype=np.int64), 1
    for codes, size in (c for c in columns if isinstance(c, tuple)):
        if groups * max(size, 1) >= 2**62:  # keep the mixed-radix key inside int64
            group, uniques = pd.factorize(group)
            groups = len(uniques)
        codes = codes if rows is None else codes[rows]
        group, groups = group * max(size, 1) + codes, groups * max(size, 1)
    cells = [c for c in columns if not isinstance(c, tuple)]
    for round_ in range(len(cells) + 1):
        if round_:  # the first round narrows by the coded columns only
            series = cells[round_ - 1]
            values = series if len(candidates) == count else rows_of(series, candidates)
            codes, distinct = pd.factorize(values, use_na_sentinel=False)
            group = group * len(distinct) + codes
        group, _ = pd.factorize(group)
        shared = np.bincount(group)[group] > 1
        candidates, group = candidates[shared], group[shared]
        if len(candidates) < 2:
            return first
    _, first_index, inverse = np.unique(group, return_index=True, return_inverse=True)
    first[candidates] = candidates[first_index][inverse]
    return first


def maybe_repeated(coded: list[Coded], numbers: list[np.ndarray]) -> np.ndarray:
    """The rows whose codes and numbers all equal another row's, and perhaps a few more.

    Rows identical as written share their codes and anything parsed from them, so this is
    every row that can repeat another; `first_copies` then compares just these, exactly. On a
    big file nearly every row is unique, and coding the combination of a million rows (a
    hash table the size of the file) costs several times what this does: each row's values
    are hashed into the high bits of one integer with the row's position in the low bits,
    one sort brings equal hashes together, and neighbours with the same hash are the rows
    wanted. A collision of two hashes only adds rows that the exact comparison then drops.
    """
    count = len(coded[0][0]) if coded else len(numbers[0])
    position_bits = max(1, (count - 1).bit_length())
    with np.errstate(over="ignore"):  # wrapping around is part of hashing
        key = np.zeros(count, dtype=np.uint64)
        for codes, size in coded:  # mixed radix, wrapping: equal rows still get equal keys
            key = key * np.uint64(max(size, 1)) + codes.astype(np.uint64)
        for values in numbers:
            key = _mixed(key) ^ values.view(np.uint64)
        key = _mixed(key) >> np.uint64(position_bits) << np.uint64(position_bits)
    key |= np.arange(count, dtype=np.uint64)
    key.sort()
    hashes = key >> np.uint64(position_bits)
    same = hashes[1:] == hashes[:-1]
    repeated = np.zeros(count, dtype=bool)
    repeated[1:] |= same
    repeated[:-1] |= same
    positions = key[repeated] & np.uint64((1 << position_bits) - 1)
    return np.sort(positions).astype(np.int64)


def _mixed(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """A 64-bit mix of each value (splitmix64's finaliser): nearby inputs spread apart."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))
