"""What every command that reads a figures file shares: the default file, and loading it."""

from __future__ import annotations

import sys
from pathlib import Path

from figures.dataset import default_data_path, figures_path
from figures.validation import LoadResult, load_figures

# Commands that read or write the dataset take this file when given none. From the repository
# root it prints as "data/figures.csv", as every message and help text names it.
DEFAULT_PATH: Path = default_data_path()
PATH_HELP = (
    f"a dataset: its folder, its datapackage.json, or a figures CSV (default {DEFAULT_PATH})"
)
__all__ = ["DEFAULT_PATH", "PATH_HELP", "figures_path", "load_or_report", "note_rows_left_out"]


def load_or_report(path: Path) -> LoadResult | None:
    """The file's rows, or None after printing why the file cannot be read at all."""
    result = load_figures(path)
    if result.file_errors:
        for error in result.file_errors:
            print(error.located(str(path)), file=sys.stderr)
        return None
    return result


def note_rows_left_out(path: Path, result: LoadResult) -> None:
    """Say on stderr how many rows with errors a command left out, and how to see them."""
    left_out = result.record_count - len(result.rows)
    if left_out:
        print(
            f"note: {left_out} row(s) with errors were left out; run `python -m figures check "
            f"{path}` to see them",
            file=sys.stderr,
        )
