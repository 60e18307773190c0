"""Errors gathered while checking a table, and a cell rule applied to a whole column."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from figures.errors import ValidationError
from figures.validation.rules import CellError

_T = TypeVar("_T")


class Collector:
    """Gathers errors and the mask of rows that have at least one."""

    def __init__(self, lines: np.ndarray):
        self.lines = lines
        self.errors: list[ValidationError] = []
        self._bad: np.ndarray | None = None  # made at the first error: most checks find none

    @property
    def bad(self) -> np.ndarray:
        if self._bad is None:
            self._bad = np.zeros(len(self.lines), dtype=bool)
        return self._bad

    def add(self, index: int, code: str, column: str, value: str, message: str) -> None:
        self.bad[index] = True
        self.errors.append(ValidationError(code, int(self.lines[index]), column, value, message))

    def absorb(self, other: Collector) -> None:
        if other._bad is not None:
            np.logical_or(self.bad, other._bad, out=self.bad)
        self.errors.extend(other.errors)


def apply_rule(
    series: pd.Series,
    rule: Callable[[str], _T],
    column: str,
    collector: Collector,
    skip_empty: bool = True,
    positions: np.ndarray | None = None,
    coded: tuple[np.ndarray, pd.Index] | None = None,
    strip: bool = False,
) -> tuple[np.ndarray, list[_T | None]]:
    """Run `rule` once per distinct value; returns (codes, parsed values per distinct value).

    A distinct value that fails gets parsed value None and an error for each of its rows.
    `positions` maps the series' rows to the table's when it holds only some of them;
    `coded` is the series' factorization when the caller already has it; `strip` strips each
    distinct value before the rule sees it (cheaper than stripping the column when values
    repeat), and errors then show the stripped value, as if the column had been stripped.
    """
    codes, uniques = coded or pd.factorize(series, use_na_sentinel=False)
    texts = uniques.tolist()  # one conversion; iterating an arrow-backed index is slow
    if strip:
        texts = [text.strip() for text in texts]
    parsed: list[_T | None] = []
    failures: dict[int, CellError] = {}
    for position, text in enumerate(texts):
        if skip_empty and text == "":
            parsed.append(None)
            continue
        try:
            parsed.append(rule(text))
        except CellError as exc:
            parsed.append(None)
            failures[position] = exc
    if failures:
        failing = np.flatnonzero(np.isin(codes, list(failures)))
        for index in failing:
            failure = failures[int(codes[index])]
            row = int(index) if positions is None else int(positions[index])
            collector.add(row, failure.code, column, str(texts[codes[index]]), failure.message)
    return codes, parsed
