"""The careful reader: Python's `csv` module, which knows the exact line each record starts on
and reports ragged or broken records; the fast reader hands over to it whenever anything is odd."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from figures.errors import ValidationError
from figures.limits import (
    MAX_COLUMNS,
    longest_line,
    too_many_columns,
)
from figures.loading.raw import BOM, RawTable, normalise_header, refused


def _line_count(text: str) -> int:
    """Lines as the csv module counts them (CRLF, LF or a lone CR ends one)."""
    return sum(1 for _ in io.StringIO(text, newline=""))


def read_careful(raw: bytes) -> RawTable:
    too_long = longest_line(raw)
    if too_long is not None:
        return refused(too_long)
    text = raw.removeprefix(BOM).decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[ValidationError] = []
    header: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    previous_line = 0
    while True:
        start = previous_line + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            previous_line = reader.line_num
            error, stop = _quote_error(exc, start, previous_line, text)
            errors.append(error)
            if stop:
                break
            continue
        previous_line = reader.line_num
        if header is None:
            if len(record) > MAX_COLUMNS:  # a header longer than the first look read
                return refused(too_many_columns(len(record)))
            header = [normalise_header(name) for name in record]
            continue
        if not any(cell.strip() for cell in record):
            continue
        fitted = _fitted(record, len(header), start)
        if isinstance(fitted, ValidationError):
            errors.append(fitted)
            continue
        records.append(fitted)
        lines.append(start)
    header = header or []
    frame = pd.DataFrame(
        {
            position: pd.Series([record[position] for record in records], dtype="str")
            for position in range(len(header))
        }
    )
    frame.columns = header
    return RawTable(
        header=header, frame=frame, lines=np.asarray(lines, dtype=np.int64), errors=errors
    )


def _quote_error(exc: csv.Error, start: int, end: int, text: str) -> tuple[ValidationError, bool]:
    """The error for a record the csv module could not read, and whether reading stops."""
    # A quoted value that runs to the end of the file was never closed (strict mode may
    # notice only at a later quote on the last line): report it once, then stop.
    ran_to_end = end > start and end >= _line_count(text)
    if "unexpected end of data" in str(exc) or ran_to_end:
        message = (
            f"a quoted value that starts on line {start} is never closed, so lines {start} "
            f"to {end} were read as one value; add the closing quote"
        )
        return ValidationError("unclosed-quote", start, "", "", message), True
    message = (
        f"the quotes on this line are unbalanced ({exc}); a value containing quotes must be "
        'wrapped in quotes and each inner quote doubled ("")'
    )
    return ValidationError("unclosed-quote", start, "", "", message), False


def _fitted(record: list[str], width: int, start: int) -> list[str] | ValidationError:
    """The record padded or cut to the header's width; an error when cut cells hold text."""
    if len(record) > width:
        extra = record[width:]
        if any(cell.strip() for cell in extra):
            return ValidationError(
                "extra-cell",
                start,
                "",
                ",".join(extra),
                f"this row has {len(record)} cells but the header has {width}; "
                "a value containing a comma must be wrapped in double quotes",
            )
        record = record[:width]
    return record + [""] * (width - len(record))
