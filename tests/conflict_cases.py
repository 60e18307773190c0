"""Building tiny figure tables for conflict tests: one CSV line per figure, loaded for real."""

from __future__ import annotations

import pandas as pd

from figures.conflicts import Conflict, ConflictSettings, find_conflicts
from figures.validation import load_bytes
from figures.vocabulary import Vocabulary, load_vocabulary
from tests.support import SEED

HEADER = "as_of,metric,group,qualifier,value,value_high,place,reported_by,affiliation,outlet,quote"
VOCABULARY = load_vocabulary(SEED)


def table(*lines: str) -> pd.DataFrame:
    """Rows from CSV lines after HEADER; the first figure is on CSV line 2."""
    text = "\n".join([HEADER, *lines]) + "\n"
    result = load_bytes(text.encode(), VOCABULARY)
    assert not result.errors, result.errors
    return result.rows


def flags(*lines: str, settings: ConflictSettings | None = None) -> list[Conflict]:
    return find_conflicts(table(*lines), VOCABULARY, settings)


def summary(found: list[Conflict]) -> list[list[object]]:
    """[[code, lines, pairs], ...]: what a test states exactly, sorted for comparison."""
    return sorted([[c.code, list(c.lines), [list(p) for p in c.pairs]] for c in found])


def figure(
    as_of: str,
    metric: str,
    value: int | str,
    qualifier: str = "",
    *,
    group: str = "",
    place: str = "Nagorno-Karabakh",
    reporter: str = "Reporter A",
    affiliation: str = "other",
    outlet: str = "Outlet A",
    high: str = "",
) -> str:
    return (
        f"{as_of},{metric},{group},{qualifier},{value},{high},{place},{reporter},"
        f"{affiliation},{outlet},words"
    )


# Figures with the optional timing columns (issue 15): `figure(...)` followed by `timing(...)`.
TIMED_HEADER = HEADER + ",as_of_margin_days,since"


def timing(line: str, margin: int | str = "", since: str = "") -> str:
    """A figure line with its as_of_margin_days and since cells (read under TIMED_HEADER)."""
    return f"{line},{margin},{since}"


def timed_table(*lines: str, vocabulary: Vocabulary = VOCABULARY) -> pd.DataFrame:
    """Rows from CSV lines after TIMED_HEADER; the first figure is on CSV line 2."""
    text = "\n".join([TIMED_HEADER, *lines]) + "\n"
    result = load_bytes(text.encode(), vocabulary)
    assert not result.errors, result.errors
    return result.rows


def timed_flags(
    *lines: str, vocabulary: Vocabulary = VOCABULARY, settings: ConflictSettings | None = None
) -> list[Conflict]:
    return find_conflicts(timed_table(*lines, vocabulary=vocabulary), vocabulary, settings)
