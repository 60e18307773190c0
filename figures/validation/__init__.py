"""Validating a figures file column by column: the valid rows as a typed table, and the errors.

The rooms, in the order a file goes through them:

- `rules`: the cell rules (`check_*`), one text value in, parsed value or `CellError` out;
- `arrow_text`: cheap looks at text columns' arrow bytes (stripping, first bytes);
- `collector`: errors gathered per check, and a rule applied once per distinct value;
- `columns`: counts, dates and vocabulary words in bulk; `urls`: the url column in bulk;
- `rows`: rules across cells (ranges, publication day) and repeated rows (`repeats`);
- `table`: the driver, `validate_table`, and the ways in, `load_figures` and `load_bytes`;
- `result`: what comes back, `LoadResult` and the typed table's columns (`empty_rows`).
"""

from figures.validation.result import LoadResult, empty_rows
from figures.validation.rules import (
    MAX_VALUE,
    QUALIFIERS,
    CellError,
    check_choice,
    check_count,
    check_moment,
    check_url,
)
from figures.validation.table import load_bytes, load_figures, validate_table

__all__ = [
    "MAX_VALUE",
    "QUALIFIERS",
    "CellError",
    "LoadResult",
    "check_choice",
    "check_count",
    "check_moment",
    "check_url",
    "empty_rows",
    "load_bytes",
    "load_figures",
    "validate_table",
]
