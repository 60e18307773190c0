"""Reading a figures CSV into a table of strings with the line number of every record.

Two readers give the same table:

- a fast one, pandas' C parser, used when the file is well formed;
- a careful one, Python's `csv` module, which knows the exact line each record starts on and
  reports ragged or broken records. The fast reader hands over to it whenever anything is odd
  (a parser warning, a quote pandas would read leniently, blank lines in the middle, lone CR
  line endings), so line numbers and verdicts are always the ones the careful reader gives.

Both accept what spreadsheets write: UTF-8 with or without BOM, CRLF or LF, quoted commas and
newlines, any column order, trailing blank or all-empty rows. Every cell comes back exactly as
written (no number parsing), so the rules in `figures.validation` see what the analyst typed.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from figures.errors import ValidationError

csv.field_size_limit(sys.maxsize)

_BOM = b"\xef\xbb\xbf"
_BLANK_FILE_RE = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*\Z")
_WHITESPACE = b" \t\r\n"
# Columns pandas must not parse as numbers: "+5", "-0" and "007" would all become plain
# integers there, and the rules must see the text to judge it the same way on both paths.
_COUNT_COLUMNS = ("value", "value_high")
_QUOTE, _COMMA, _LF, _CR = (ord(char) for char in '",\n\r')


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
    """The first byte that is not UTF-8, with its line (None when the file is UTF-8)."""
    try:
        raw.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(_BOM) if raw.startswith(_BOM) else 0)
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


def first_record(raw: bytes) -> list[str]:
    """The header cells as written (a header is short: its first 64 KiB are plenty)."""
    text_start = raw[:65536].removeprefix(_BOM).decode("utf-8", errors="ignore")
    return next(csv.reader(io.StringIO(text_start, newline="")), [])


def read_table(raw: bytes) -> RawTable:
    """Parse CSV bytes. File-level problems come back as errors with an empty table."""
    empty = RawTable(header=[], frame=pd.DataFrame(), lines=np.empty(0, dtype=np.int64))
    if _BLANK_FILE_RE.match(raw):
        empty.errors.append(
            ValidationError(
                "empty-file", None, "", "", "the file is empty; it needs at least a header row"
            )
        )
        return empty
    raw_header = first_record(raw)
    header = [normalise_header(name) for name in raw_header]
    header_errors = _header_check(header)
    try:
        if header_errors:
            raw.decode("utf-8")  # a file that is not text is reported as that first
            empty.header = header
            empty.errors.extend(header_errors)
            return empty
        # Both readers decode every cell strictly, so text that is not UTF-8 stops them here
        # and is then located; checking the whole file up front would cost a pass of its own.
        fast = _read_fast(raw, header, raw_header)
        table = fast if fast is not None else _read_careful(raw)
    except UnicodeDecodeError:
        encoding_error = _encoding_error(raw)
        assert encoding_error is not None  # the decoder just failed on these bytes
        empty.errors.append(encoding_error)
        return empty
    # Cells under a blank header name (spreadsheets leave such columns) belong to no column.
    if "" in table.header:
        table.frame = table.frame[[name for name in table.frame.columns if name != ""]]
    return table


def _content_end(raw: bytes) -> int:
    """The offset just past the last character that is not blank (spaces, tabs, newlines)."""
    end = len(raw)
    while end:
        chunk = raw[max(0, end - 4096) : end]
        kept = len(chunk.rstrip(_WHITESPACE))
        if kept:
            return end - len(chunk) + kept
        end -= len(chunk)
    return 0


def _odd(raw: bytes) -> bool:
    """Whether the file has quotes or line endings that only the careful reader reads right.

    The fast reader takes a file only when both readers must read it alike: every quote opens
    a cell (first character, after a comma, a line break or the start), closes one (followed by
    a comma, a line break or the end) or is doubled inside one, and every CR is part of a CRLF.
    pandas would read a closing quote followed by more text ('"five to six" people')
    leniently where the csv module (strict) reports it, and a lone CR is a line to an editor
    but not to the fast reader's arithmetic. Quotes pair up in order, so with their positions
    (one vectorised pass) the check is a few comparisons per quote.
    """
    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):
        return True
    if b'"' not in raw:
        return False
    data = np.frombuffer(raw, dtype=np.uint8)[len(_BOM) if raw.startswith(_BOM) else 0 :]
    quotes = _positions(data, _QUOTE)
    if len(quotes) % 2:
        return True  # a quote is never closed (or a lone quote sits inside a plain cell)
    opening, closing = quotes[0::2], quotes[1::2]
    doubled = closing[:-1] + 1 == opening[1:]  # '""' inside a quoted cell
    before = data[np.maximum(opening - 1, 0)]
    starts_cell = (before == _COMMA) | (before == _LF)
    starts_cell[0] |= opening[0] == 0
    starts_cell[1:] |= doubled
    after = data[np.minimum(closing + 1, len(data) - 1)]
    ends_cell = (after == _COMMA) | (after == _LF) | (after == _CR)
    ends_cell[-1] |= closing[-1] == len(data) - 1
    ends_cell[:-1] |= doubled
    return not (starts_cell.all() and ends_cell.all())


def _positions(data: np.ndarray, byte: int, block: int = 1 << 22) -> np.ndarray:
    """Where `byte` occurs in `data`, found block by block.

    One comparison over the whole file would allocate a mask as large as the file, and on a
    big file the page faults of that fresh allocation cost more than the comparison itself.
    """
    mask = np.empty(min(block, len(data)), dtype=bool)
    found = []
    for start in range(0, len(data), block):
        chunk = data[start : start + block]
        np.equal(chunk, byte, out=mask[: len(chunk)])
        found.append(np.flatnonzero(mask[: len(chunk)]) + start)
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def _read_fast(raw: bytes, header: list[str], raw_header: list[str]) -> RawTable | None:
    if _odd(raw):
        return None
    as_text = {
        name: object for name, key in zip(raw_header, header, strict=True) if key in _COUNT_COLUMNS
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # "utf-8", not "utf-8-sig": pandas' C parser skips a BOM itself, while the
            # "-sig" codec decodes the whole file in Python first (about half again the time).
            frame = pd.read_csv(
                io.BytesIO(raw),
                encoding="utf-8",
                na_filter=False,  # empty cells stay "", as the careful reader gives them
                # Counts as written, as objects: pandas' "str" conversion is slower here.
                dtype=as_text,
                index_col=False,
                skip_blank_lines=True,
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeError):
            return None
    if caught or len(frame.columns) != len(header):
        return None
    frame.columns = pd.Index(range(len(header)))
    strings = _as_strings(frame, raw)
    if strings is None:
        return None
    # Line numbers: the file's newlines must be exactly the records' own, or something (a
    # blank line mid-file) would shift them; then the careful reader decides.
    newlines = raw.count(b"\n", 0, _content_end(raw))
    header_lines = 1 + sum(name.count("\n") for name in raw_header)
    count = len(strings)
    embedded = np.zeros(count, dtype=np.int64)
    if newlines != header_lines - 1 + count:
        for position in strings.columns:
            embedded += strings[position].str.count("\n").to_numpy(dtype=np.int64)
        if newlines != header_lines - 1 + count + int(embedded.sum()):
            return None
    lines = header_lines + 1 + np.arange(count, dtype=np.int64)
    if embedded.any():
        lines += np.concatenate(([0], np.cumsum(embedded)[:-1]))
    blank = _all_empty(strings)
    if blank.any():
        strings = strings.loc[~blank].reset_index(drop=True)
        lines = lines[~blank]
    strings.columns = header
    return RawTable(header=header, frame=strings, lines=lines)


def _as_strings(frame: pd.DataFrame, raw: bytes) -> pd.DataFrame | None:
    """Make every column arrow-backed text, re-reading any column pandas made non-text.

    Inferring types is what keeps pandas' reader fast on text, but it turns a quote of "007"
    into 7; such columns (rare) are read again as text. `frame` is indexed by position and
    changed in place.
    """
    reread: list[int] = []
    for position in frame.columns:
        series = frame[position]
        if series.dtype == object:  # read as objects on purpose (the counts): all str
            frame[position] = series.astype("str")
        elif not pd.api.types.is_string_dtype(series.dtype):
            reread.append(position)
        elif series.hasnans:
            frame[position] = series.fillna("")
    if reread:
        again = pd.read_csv(
            io.BytesIO(raw),
            encoding="utf-8",
            header=0,
            usecols=reread,
            dtype=dict.fromkeys(reread, object),
            na_filter=False,
            index_col=False,
            skip_blank_lines=True,
        )
        if len(again) != len(frame):
            return None
        for offset, position in enumerate(reread):
            frame[position] = again.iloc[:, offset].astype("str")
    return frame


def _all_empty(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty or blank (spreadsheets pad files with them)."""
    candidates = np.ones(len(frame), dtype=bool)
    for position in frame.columns:
        if not candidates.any():
            break
        # Only rows still in the running are stripped: usually the first column settles it.
        if candidates.all():
            candidates = frame[position].str.strip().eq("").to_numpy().copy()
            continue
        rows = np.flatnonzero(candidates)
        candidates[rows] = frame[position].iloc[rows].str.strip().eq("").to_numpy()
    return candidates


def _line_count(text: str) -> int:
    """Lines as the csv module counts them (CRLF, LF or a lone CR ends one)."""
    return sum(1 for _ in io.StringIO(text, newline=""))


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
            # A quoted value that runs to the end of the file was never closed (strict mode
            # may notice only at a later quote on the last line): report it once, then stop.
            ran_to_end = previous_line > start and previous_line >= _line_count(text)
            if "unexpected end of data" in str(exc) or ran_to_end:
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
