"""The optional timing columns: `as_of_margin_days` (how approximate a date is) and `since`
(when a running total starts counting).

Both are optional: a file without them, or a blank cell, means an exact as_of (margin 0) and a
total whose start is not stated. Each rule runs once per distinct value (`apply_rule`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from figures.validation.collector import Collector, apply_rule
from figures.validation.rules import check_margin, check_since


def parse_margins(cells: pd.Series, collector: Collector) -> np.ndarray:
    """as_of_margin_days as whole days (0 where blank or invalid)."""
    codes, parsed = apply_rule(cells, check_margin, "as_of_margin_days", collector, strip=True)
    days = np.array([0 if value is None else int(value) for value in parsed], dtype=np.int64)
    return days[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def parse_since(cells: pd.Series, collector: Collector) -> np.ndarray:
    """since as datetime64[ns] days (NaT where blank or invalid)."""
    codes, parsed = apply_rule(cells, check_since, "since", collector, strip=True)
    stamps = pd.DatetimeIndex(parsed, dtype="datetime64[ns]").to_numpy()
    return stamps[codes] if len(codes) else np.empty(0, dtype="datetime64[ns]")


def check_since_order(
    since: np.ndarray, as_of: np.ndarray, since_given: pd.Series, collector: Collector
) -> None:
    """A total cannot start counting after the day it holds."""
    as_of_day = as_of.astype("datetime64[D]")
    late = (~np.isnat(since)) & (~np.isnat(as_of)) & (since.astype("datetime64[D]") > as_of_day)
    for index in np.flatnonzero(late):
        collector.add(
            int(index),
            "since-after-as-of",
            "since",
            str(since_given.iloc[index]).strip(),
            f"since {str(since[index])[:10]} is after as_of {as_of_day[index]!s}; since is the "
            "day the total starts counting, so it is on or before the day the total holds",
        )
