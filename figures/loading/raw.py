"""The raw table both readers give, its header rules, and the little they share."""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from figures.errors import ValidationError

csv.field_size_limit(sys.maxsize)

BOM = b"\xef\xbb\xbf"
BLANK_FILE = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*\Z")
WHITESPACE = b" \t\r\n"
QUOTE, COMMA, LF, CR = (ord(char) for char in '",\n\r')


@dataclass
class RawTable:
    """Every record as strings ("" for empty), under normalised header names."""

    header: list[str]
    frame: pd.DataFrame
    lines: np.ndarray  # 1-based line each record starts on
    errors: list[ValidationError] = field(default_factory=list)
    # Whether some cell may hold a control character (a byte below a space other than a line
    # break, or DEL): read off the bytes on the way, so the checker looks for them in the
    # cells only when there may be some. True when unknown.
    may_hold_controls: bool = True


def normalise_header(name: str) -> str:
    return name.strip().lower()


def refused(error: ValidationError) -> RawTable:
    """An empty table carrying the file-level error that stopped the read."""
    empty = RawTable(header=[], frame=pd.DataFrame(), lines=np.empty(0, dtype=np.int64))
    empty.errors.append(error)
    return empty


def encoding_error(raw: bytes) -> ValidationError | None:
    """The first byte that is not UTF-8, with its line (None when the file is UTF-8)."""
    try:
        raw.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(BOM) if raw.startswith(BOM) else 0)
        line = raw.count(b"\n", 0, offset) + 1
        byte = raw[offset : offset + 1].hex()
        return ValidationError(
            "encoding-error",
            line,
            "",
            f"0x{byte}",
            f"byte 0x{byte} is not UTF-8 text; in the spreadsheet use "
            "'Save as… CSV UTF-8 (comma delimited)'",
        )
    return None


def header_problems(header: list[str]) -> list[ValidationError]:
    errors = []
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            errors.append(
                ValidationError(
                    "duplicate-column",
                    1,
                    name,
                    name,
                    f"column {name!r} appears twice in the header; delete one of them",
                )
            )
        seen.add(name)
    return errors


HEADER_BYTES = 65536  # a header is short: its first 64 KiB are plenty


def first_record(raw: bytes) -> list[str]:
    """The header cells as written."""
    text_start = raw[:HEADER_BYTES].removeprefix(BOM).decode("utf-8", errors="ignore")
    return next(csv.reader(io.StringIO(text_start, newline="")), [])


def without_blank_columns(table: RawTable) -> RawTable:
    # Cells under a blank header name (spreadsheets leave such columns) belong to no column.
    if "" in table.header:
        table.frame = table.frame[[name for name in table.frame.columns if name != ""]]
    return table
