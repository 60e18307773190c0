"""Reading a figures CSV into a table of strings with the line number of every record.

Two readers give the same table:

- a fast one, pandas' C parser, used when the file is well formed;
- a careful one, Python's `csv` module, which knows the exact line each record starts on and
  reports ragged or broken records. The fast reader hands over to it whenever anything is odd
  (a parser warning, an unclosed quote, blank lines in the middle, lone CR line endings), so
  line numbers are always the ones an editor shows.

Both accept what spreadsheets write: UTF-8 with or without BOM, CRLF or LF, quoted commas and
newlines, any column order, trailing blank or all-empty rows.
"""

from __future__ import annotations

import csv
import io
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from figures.errors import ValidationError

csv.field_size_limit(sys.maxsize)

_BOM = b"\xef\xbb\xbf"


@dataclass
class RawTable:
    """Every record as strings ("" for empty), under normalised header names."""

    header: list[str]
    frame: pd.DataFrame
    lines: np.ndarray  # 1-based line each record starts on
    errors: list[ValidationError] = field(default_factory=list)


def normalise_header(name: str) -> str:
    return name.strip().lower()


def _encoding_error(raw: bytes) -> ValidationError | None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1].hex()
        return ValidationError(
            "encoding-error",
            line,
            "",
            f"0x{byte}",
            f"byte 0x{byte} is not UTF-8 text; in the spreadsheet use "
            "'Save as… CSV UTF-8 (comma delimited)'",
        )
    return None


def _header_check(header: list[str]) -> list[ValidationError]:
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


def read_table(raw: bytes) -> RawTable:
    """Parse CSV bytes. File-level problems come back as errors with an empty table."""
    empty = RawTable(header=[], frame=pd.DataFrame(), lines=np.empty(0, dtype=np.int64))
    if not raw.strip(b" \t\r\n" + _BOM):
        empty.errors.append(
            ValidationError(
                "empty-file", None, "", "", "the file is empty; it needs at least a header row"
            )
        )
        return empty
    encoding_error = _encoding_error(raw.removeprefix(_BOM))
    if encoding_error:
        empty.errors.append(encoding_error)
        return empty
    text_start = raw[:65536].removeprefix(_BOM).decode("utf-8", errors="ignore")
    first_record = next(csv.reader(io.StringIO(text_start, newline="")), [])
    header = [normalise_header(name) for name in first_record]
    header_errors = _header_check(header)
    if header_errors:
        empty.header = header
        empty.errors.extend(header_errors)
        return empty
    fast = _read_fast(raw, header)
    return fast if fast is not None else _read_careful(raw)


def _as_strings(frame: pd.DataFrame, raw: bytes, keep_numeric: set[str]) -> pd.DataFrame | None:
    """Make every column text ("" for empty), re-reading any column pandas made numeric.

    Numeric inference is what makes pandas' reader fast, but it would turn a quote of "007"
    into 7; such columns are read again as text. Integer `value` columns are kept as numbers,
    which validation accepts directly.
    """
    columns: dict[str, pd.Series] = {}
    reread: list[str] = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
            columns[name] = series.fillna("")
        elif name in keep_numeric and pd.api.types.is_integer_dtype(series.dtype):
            columns[name] = series
        elif series.isna().all():
            columns[name] = pd.Series("", index=series.index, dtype="str")
        else:
            reread.append(name)
    if reread:
        again = pd.read_csv(
            io.BytesIO(raw),
            encoding="utf-8-sig",
            usecols=lambda name: normalise_header(name) in reread,
            dtype="str",
            keep_default_na=False,
            index_col=False,
            skip_blank_lines=True,
        )
        again.columns = [normalise_header(name) for name in again.columns]
        if len(again) != len(frame):
            return None
        for name in reread:
            columns[name] = again[name].fillna("").astype("str")
    return pd.DataFrame({name: columns[name] for name in frame.columns})


def _read_fast(raw: bytes, header: list[str]) -> RawTable | None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(
                io.BytesIO(raw),
                encoding="utf-8-sig",
                keep_default_na=False,
                na_values=[""],
                index_col=False,
                skip_blank_lines=True,
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeError):
            return None
    if caught or len(frame.columns) != len(header):
        return None
    frame.columns = header
    strings = _as_strings(frame, raw, keep_numeric={"value", "value_high"})
    if strings is None:
        return None
    # Line numbers: the file's newlines must be exactly the records' own, or something (a
    # blank line mid-file, a lone CR) would shift them; then the careful reader decides.
    newlines = raw.rstrip(b" \t\r\n").count(b"\n")
    header_lines = 1 + sum(name.count("\n") for name in header)
    count = len(strings)
    embedded = np.zeros(count, dtype=np.int64)
    if newlines != header_lines - 1 + count:
        for name in strings.columns:
            series = strings[name]
            if pd.api.types.is_string_dtype(series.dtype):
                embedded += series.str.count("\n").to_numpy(dtype=np.int64)
        if newlines != header_lines - 1 + count + int(embedded.sum()):
            return None
    lines = header_lines + 1 + np.arange(count, dtype=np.int64)
    if embedded.any():
        lines += np.concatenate(([0], np.cumsum(embedded)[:-1]))
    blank = _all_empty(strings)
    if blank.any():
        strings = strings.loc[~blank].reset_index(drop=True)
        lines = lines[~blank]
    return RawTable(header=header, frame=strings, lines=lines)


def _all_empty(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty (spreadsheets pad files with them)."""
    candidates = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        series = frame[name]
        if not pd.api.types.is_string_dtype(series.dtype):
            return np.zeros(len(frame), dtype=bool) if len(frame) else candidates
        candidates &= series.str.strip().eq("").to_numpy() if candidates.any() else candidates
        if not candidates.any():
            break
    return candidates


def _read_careful(raw: bytes) -> RawTable:
    text = raw.removeprefix(_BOM).decode("utf-8")
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
            if "unexpected end of data" in str(exc) or previous_line >= text.count("\n") + 1:
                errors.append(
                    ValidationError(
                        "unclosed-quote",
                        start,
                        "",
                        "",
                        f"a quoted value that starts on line {start} is never closed, so "
                        f"lines {start} to {previous_line} were read as one value; add the "
                        "closing quote",
                    )
                )
                break
            errors.append(
                ValidationError(
                    "unclosed-quote",
                    start,
                    "",
                    "",
                    f"the quotes on this line are unbalanced ({exc}); a value containing "
                    'quotes must be wrapped in quotes and each inner quote doubled ("")',
                )
            )
            continue
        previous_line = reader.line_num
        if header is None:
            header = [normalise_header(name) for name in record]
            continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            extra = record[len(header) :]
            if any(cell.strip() for cell in extra):
                errors.append(
                    ValidationError(
                        "extra-cell",
                        start,
                        "",
                        ",".join(extra),
                        f"this row has {len(record)} cells but the header has {len(header)}; "
                        "a value containing a comma must be wrapped in double quotes",
                    )
                )
                continue
            record = record[: len(header)]
        records.append(record + [""] * (len(header) - len(record)))
        lines.append(start)
    header = header or []
    frame = pd.DataFrame(records, columns=header, dtype="str")
    if frame.empty:
        frame = pd.DataFrame({name: pd.Series([], dtype="str") for name in header})
    return RawTable(
        header=header, frame=frame, lines=np.asarray(lines, dtype=np.int64), errors=errors
    )
