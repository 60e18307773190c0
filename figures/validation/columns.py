"""The per-column bulk checks: counts, dates and vocabulary words, each rule run once per
distinct value and its verdict spread back to the rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from figures.cells import CONTROL_CHARS, control_problem
from figures.contract import DEFAULT_GROUP, DEFAULT_QUALIFIER, REQUIRED_COLUMNS
from figures.validation.arrow_text import rows_of
from figures.validation.collector import Collector, apply_rule
from figures.validation.rules import (
    QUALIFIERS,
    check_choice,
    check_count,
    check_moment,
    shown,
)
from figures.vocabulary import Vocabulary

# Columns of a few distinct values (dates, vocabulary words): coded once, checked per value.
DATE_COLUMNS = ("as_of", "published")
VOCABULARY_COLUMNS = ("metric", "group", "qualifier", "affiliation")


def parse_counts(text: pd.Series, column: str, collector: Collector) -> np.ndarray:
    """Parse a (stripped) count column into float64 (NaN where empty or invalid)."""
    out = np.full(len(text), np.nan)
    filled = np.flatnonzero(np.asarray(pc.greater(pc.binary_length(pa.array(text)), 0)))
    if len(filled) < len(text) // 2:  # mostly empty, as value_high is: look at the rest only
        out[filled] = _filled_counts(rows_of(text, filled), column, collector, filled)
    else:
        out[:] = _filled_counts(text, column, collector, None)
    return out


def _filled_counts(
    text: pd.Series, column: str, collector: Collector, positions: np.ndarray | None
) -> np.ndarray:
    """`parse_counts` of cells whose table rows are `positions` (None: all of them, in order)."""
    out = np.full(len(text), np.nan)
    # Plain digits, and digits with spreadsheet thousands commas, are converted in bulk: at
    # most 12 digits is always within MAX_VALUE, so check_count would accept each of them and
    # give the same number. Anything else goes through check_count for its verdict. Plain
    # digits, nearly every cell, are told by arrow's digit test and length, which cost far
    # less than a regular expression per cell.
    cells = pa.array(text)
    lengths = pc.binary_length(cells)
    plain = pc.and_(pc.ascii_is_decimal(cells), pc.less_equal(lengths, 12))
    bulk = np.asarray(plain, dtype=bool)
    if bulk.all():
        return pc.cast(cells, pa.int64()).to_numpy().astype(np.float64)
    if bulk.any():
        out[bulk] = pc.cast(pc.filter(cells, plain), pa.int64()).to_numpy()
    rest = np.flatnonzero(~bulk & np.asarray(pc.greater(lengths, 0), dtype=bool))
    if len(rest):
        thousands = rows_of(text, rest).str.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3}){1,3}")
        bulk = thousands.to_numpy(dtype=bool)
        if bulk.any():
            digits = pc.replace_substring(pa.array(rows_of(text, rest[bulk])), ",", "")
            out[rest[bulk]] = pc.cast(digits, pa.int64()).to_numpy()
            rest = rest[~bulk]
    if len(rest):
        rows = rest if positions is None else positions[rest]
        cells = rows_of(text, rest)
        codes, parsed = apply_rule(cells, check_count, column, collector, positions=rows)
        lookup = np.array([np.nan if p is None else float(p) for p in parsed])
        out[rest] = lookup[codes]
    return out


def _moments(
    cells: pd.Series, column: str, collector: Collector, coded: tuple[np.ndarray, pd.Index]
) -> tuple[np.ndarray, np.ndarray]:
    """Parse a date column (as written): the moments, and whether each has a time of day."""
    codes, parsed = apply_rule(
        cells,
        lambda cell: check_moment(cell, column),
        column,
        collector,
        coded=coded,
        strip=True,
    )
    # One conversion of the distinct moments (None is NaT); numpy's per-datetime one is slow.
    moments = [None if p is None else p[0] for p in parsed]
    stamps = pd.DatetimeIndex(moments, dtype="datetime64[ns]").to_numpy()
    timed = np.array([bool(p and p[1]) for p in parsed], dtype=bool)
    return stamps[codes], timed[codes]


def _choices(
    cells: pd.Series,
    choices: tuple[str, ...],
    code: str,
    what: str,
    where: str,
    default: str | None,
    column: str,
    collector: Collector,
    coded: tuple[np.ndarray, pd.Index],
) -> pd.Series:
    """Resolve a vocabulary column (as written) to the vocabulary's words."""

    def rule(cell: str) -> str:
        return check_choice(cell, choices, code, what, where)

    codes, parsed = apply_rule(cells, rule, column, collector, coded=coded, strip=True)
    words = [default if p is None else p for p in parsed]
    if words == coded[1].tolist():
        return cells  # every cell already reads as its word
    # Spread the few resolved words back with a take in arrow; building the column from
    # Python strings would cost a conversion per row.
    taken = pa.array(words, pa.large_string()).take(pa.array(codes))
    return pd.Series(pd.array(taken, dtype="str"))


# A column coded by pandas.factorize: each row's code, and the distinct values.
Factorized = tuple[np.ndarray, pd.Index]


@dataclass
class Dates:
    """What the date rules give back."""

    factorized: dict[str, Factorized]  # as_of and published, as written
    as_of: np.ndarray
    as_of_has_time: np.ndarray
    published: np.ndarray


@dataclass
class Words:
    """What the vocabulary rules give back."""

    factorized: dict[str, Factorized]  # metric, group, qualifier, affiliation, as written
    words: dict[str, pd.Series]  # the same columns resolved to the vocabulary's words


def report_controls(text: pd.Series, column: str, collector: Collector) -> None:
    """Each cell of a text column that holds a control character (`figures.cells`)."""
    holding = text.str.contains(CONTROL_CHARS, regex=True).to_numpy(dtype=bool)
    for index in np.flatnonzero(holding):
        cell = str(text.iloc[index])
        problem = control_problem(cell)
        assert problem is not None  # the column's pattern and the cell's rule are one
        collector.add(int(index), "control-character", column, cell, f"{shown(cell)} {problem}")


def report_missing(empty: np.ndarray, name: str, collector: Collector) -> None:
    for index in np.flatnonzero(empty):
        collector.add(
            int(index), "missing-value", name, "", f"{name} is empty; every row needs one"
        )


def _coded(
    column: Callable[[str], pd.Series], names: tuple[str, ...], collector: Collector
) -> dict[str, Factorized]:
    """Columns coded as written, with an error for each empty required cell.

    Required cells are checked first: an empty required cell gets one clear error, not a
    second from its column's rule (which skips empty cells).
    """
    factorized = {name: pd.factorize(column(name), use_na_sentinel=False) for name in names}
    for name in names:
        if name in REQUIRED_COLUMNS:
            codes, uniques = factorized[name]
            blank = np.array([cell.strip() == "" for cell in uniques.tolist()], dtype=bool)
            report_missing(blank[codes], name, collector)
    return factorized


def check_dates(column: Callable[[str], pd.Series], collector: Collector) -> Dates:
    """The date columns: missing values, then each distinct date's rule."""
    factorized = _coded(column, DATE_COLUMNS, collector)
    as_of, as_of_has_time = _moments(column("as_of"), "as_of", collector, factorized["as_of"])
    published, _ = _moments(column("published"), "published", collector, factorized["published"])
    return Dates(factorized, as_of, as_of_has_time, published)


def check_vocabulary(
    column: Callable[[str], pd.Series], vocabulary: Vocabulary, collector: Collector
) -> Words:
    """The vocabulary columns: missing values, then each distinct word's rule."""
    factorized = _coded(column, VOCABULARY_COLUMNS, collector)
    vocabularies = {
        "metric": (tuple(vocabulary.metrics), " (add it to data/metrics.csv if it is new)", None),
        "group": (
            tuple(vocabulary.groups),
            " (add it to data/groups.csv if it is new)",
            DEFAULT_GROUP,
        ),
        "qualifier": (QUALIFIERS, "", DEFAULT_QUALIFIER.value),
        "affiliation": (tuple(vocabulary.sides), " (add a side to sides.csv if it is new)", None),
    }
    words = {
        name: _choices(
            column(name),
            choices,
            f"unknown-{name}",
            name,
            where,
            default,
            name,
            collector,
            factorized[name],
        )
        for name, (choices, where, default) in vocabularies.items()
    }
    return Words(factorized, words)
