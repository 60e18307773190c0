"""Rules across the cells of a row, and across rows: ranges, publication after as_of, repeats.

Each rule reads columns the per-column checks have already parsed (NaN or NaT where a cell was
empty or invalid), so a row whose own cells are wrong is not blamed a second time here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from figures.contract import Qualifier
from figures.validation.collector import Collector


def check_ranges(
    qualifier: pd.Series,
    high_text: pd.Series,
    high_given: pd.Series,
    value: np.ndarray,
    value_high: np.ndarray,
    collector: Collector,
) -> None:
    """value_high belongs to ranges only, every range has one, and it is not below value.

    `high_text` is value_high as the rules read it (stripped), `high_given` as written.
    """
    is_range = qualifier.eq(Qualifier.RANGE.value).to_numpy(dtype=bool)
    high_present = high_text.ne("").to_numpy(dtype=bool)
    for index in np.flatnonzero(is_range & ~high_present):
        collector.add(
            int(index),
            "range-without-high",
            "value_high",
            "",
            "qualifier is 'range' but value_high is empty; put the upper end there "
            "('five to six' is value 5, value_high 6)",
        )
    for index in np.flatnonzero(~is_range & high_present):
        collector.add(
            int(index),
            "high-without-range",
            "value_high",
            str(high_given.iloc[index]),
            "value_high is only for qualifier 'range'; clear it or set qualifier to 'range'",
        )
    with np.errstate(invalid="ignore"):
        inverted = is_range & (value_high < value)
    for index in np.flatnonzero(inverted):
        collector.add(
            int(index),
            "bad-range",
            "value_high",
            f"{int(value_high[index])}",
            f"the range's upper end {int(value_high[index]):,} is below its lower end "
            f"{int(value[index]):,}; swap them",
        )


def check_publication(
    published: np.ndarray, as_of: np.ndarray, published_given: pd.Series, collector: Collector
) -> None:
    """A figure is not published before the day it holds (a time of day on as_of aside)."""
    as_of_day = as_of.astype("datetime64[D]")
    early = (~np.isnat(published)) & (~np.isnat(as_of)) & (published < as_of_day)
    for index in np.flatnonzero(early):
        collector.add(
            int(index),
            "published-before-as-of",
            "published",
            str(published_given.iloc[index]),
            f"published {str(published[index])[:10]} is before as_of {as_of_day[index]!s}; "
            "as_of is when the figure holds, so it cannot be after its publication",
        )


def report_repeats(first: np.ndarray, lines: np.ndarray, collector: Collector) -> None:
    """Every row that repeats an earlier one cell for cell; `first[i]` is its first copy."""
    for index in np.flatnonzero(first != np.arange(len(first))):
        collector.add(
            int(index),
            "duplicate-row",
            "",
            "",
            f"this row repeats line {lines[first[index]]} cell for cell; delete one copy",
        )
