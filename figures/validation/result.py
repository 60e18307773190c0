"""What loading a figures file gives back: the valid rows as a typed table, and the errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from figures.errors import ValidationError


@dataclass
class LoadResult:
    rows: pd.DataFrame  # the valid rows, typed; see `empty_rows` for the columns
    errors: list[ValidationError] = field(default_factory=list)
    path: Path | None = None
    record_count: int = 0  # records read, valid or not

    @property
    def file_errors(self) -> list[ValidationError]:
        return [error for error in self.errors if error.file_level]

    @property
    def ok(self) -> bool:
        return not self.errors


def empty_rows() -> pd.DataFrame:
    """The typed table's columns, with no rows."""
    return pd.DataFrame(
        {
            "line": pd.Series([], dtype="int64"),
            "as_of": pd.Series([], dtype="datetime64[ns]"),
            "as_of_has_time": pd.Series([], dtype="bool"),
            "metric": pd.Series([], dtype="str"),
            "group": pd.Series([], dtype="str"),
            "qualifier": pd.Series([], dtype="str"),
            "value": pd.Series([], dtype="int64"),
            "value_high": pd.Series([], dtype="Int64"),
            "place": pd.Series([], dtype="str"),
            "reported_by": pd.Series([], dtype="str"),
            "affiliation": pd.Series([], dtype="str"),
            "outlet": pd.Series([], dtype="str"),
            "published": pd.Series([], dtype="datetime64[ns]"),
            "url": pd.Series([], dtype="str"),
            "quote": pd.Series([], dtype="str"),
            "notes": pd.Series([], dtype="str"),
            # Optional columns: 0 and NaT when a file lacks them or a cell is blank.
            "as_of_margin_days": pd.Series([], dtype="int64"),
            "since": pd.Series([], dtype="datetime64[ns]"),
        }
    )
