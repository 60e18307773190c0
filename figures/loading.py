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
import os
import re
import sys
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


# A file the bytes were read from, with its os.stat() from before the read.
Source = tuple[Path, os.stat_result]


def read_table(raw: bytes, source: Source | None = None) -> RawTable:
    """Parse CSV bytes. File-level problems come back as errors with an empty table.

    With `source`, the file the bytes came from, pandas may read the file itself, which it
    does on several threads (a buffer it reads on one); it is only used while the file is
    unchanged since the bytes were read.
    """
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
        fast = _read_fast(raw, header, raw_header, source)
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


class _Survey(NamedTuple):
    odd: bool  # only the careful reader reads the file right
    # For each line break between records (not inside a quoted cell), the editor line that
    # follows it: where the next record starts. Trailing blank lines are left out.
    record_lines: np.ndarray
    quote_bytes: int  # quote characters that are not content: two per quoted cell


def _survey(raw: bytes) -> _Survey:
    """What one pass over the bytes tells the fast reader.

    The fast reader takes a file only when both readers must read it alike: every quote opens
    a cell (first character, after a comma, a line break or the start), closes one (followed by
    a comma, a line break or the end) or is doubled inside one, and every CR is part of a CRLF.
    pandas would read a closing quote followed by more text ('"five to six" people')
    leniently where the csv module (strict) reports it, and a lone CR is a line to an editor
    but not to the fast reader's arithmetic. Quotes pair up in order, so with their positions
    (one vectorised pass, which finds the line feeds on the way) the check is a few
    comparisons per quote, and a line feed is inside a cell when an odd number of quotes
    come before it.
    """
    end = _content_end(raw)
    none = np.empty(0, dtype=np.int64)
    if raw.find(b"\r") != -1 and raw.count(b"\r") != raw.count(b"\r\n"):
        return _Survey(True, none, 0)
    if raw.find(b'"') == -1:  # no quoted cells: every line feed ends a record
        return _Survey(False, np.arange(raw.count(b"\n", 0, end), dtype=np.int64) + 2, 0)
    data = np.frombuffer(raw, dtype=np.uint8)[len(_BOM) if raw.startswith(_BOM) else 0 :]
    quotes, line_feeds = _quotes_and_line_feeds(data[: end - (len(raw) - len(data))])
    if len(quotes) % 2:
        return _Survey(True, none, 0)  # a quote never closed, or one in a plain cell
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
    if not (starts_cell.all() and ends_cell.all()):
        return _Survey(True, none, 0)
    between = np.searchsorted(quotes, line_feeds) % 2 == 0
    # Each doubled pair stands for one quote of content; the rest open and close cells.
    return _Survey(False, np.flatnonzero(between) + 2, len(quotes) - int(doubled.sum()))


def _quotes_and_line_feeds(data: np.ndarray, block: int = 1 << 22) -> tuple[np.ndarray, np.ndarray]:
    """Where the quotes and the LFs are in `data`, found block by block on two threads.

    One comparison over the whole file would allocate a mask as large as the file, and on a
    big file the page faults of that fresh allocation cost more than the comparison itself;
    a block also stays in cache for the second comparison. numpy releases the GIL while it
    compares, so two threads take half the blocks each.
    """
    starts = range(0, len(data), block)

    def scan(first: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        mask = np.empty(min(block, len(data)), dtype=bool)
        quotes, line_feeds = [], []
        for start in starts[first::2]:
            chunk = data[start : start + block]
            np.equal(chunk, _QUOTE, out=mask[: len(chunk)])
            quotes.append(np.flatnonzero(mask[: len(chunk)]) + start)
            np.equal(chunk, _LF, out=mask[: len(chunk)])
            line_feeds.append(np.flatnonzero(mask[: len(chunk)]) + start)
        return quotes, line_feeds

    if len(starts) > 1:
        with ThreadPoolExecutor(max_workers=1) as pool:
            odd_blocks = pool.submit(scan, 1)
            even = scan(0)
            odd = odd_blocks.result()
    else:
        even, odd = scan(0), ([], [])
    # Back in file order: blocks 0, 1, 2, ... alternate between the two lists.
    quotes = [piece for pair in zip_longest(even[0], odd[0]) for piece in pair if piece is not None]
    feeds = [piece for pair in zip_longest(even[1], odd[1]) for piece in pair if piece is not None]
    none = np.empty(0, dtype=np.int64)
    return (
        np.concatenate(quotes) if quotes else none,
        np.concatenate(feeds) if feeds else none,
    )


def _parse(raw: bytes, source: Source | None, **options: object) -> pd.DataFrame:
    """pandas.read_csv of the bytes, or of their file while it still holds exactly them."""
    if source is not None:
        path, seen = source
        if seen.st_size == len(raw):
            try:
                frame = pd.read_csv(path, **options)  # type: ignore[call-overload]
                if _same_file(os.stat(path), seen):
                    return frame
            except OSError:
                pass  # gone or unreadable since: the bytes in hand are the file
    return pd.read_csv(io.BytesIO(raw), **options)  # type: ignore[call-overload]


def _same_file(now: os.stat_result, seen: os.stat_result) -> bool:
    fields = ("st_dev", "st_ino", "st_size", "st_mtime_ns")
    return all(getattr(now, name) == getattr(seen, name) for name in fields)


def _read_fast(
    raw: bytes, header: list[str], raw_header: list[str], source: Source | None = None
) -> RawTable | None:
    survey = _survey(raw)
    if survey.odd:
        return None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # "utf-8", not "utf-8-sig": pandas' C parser skips a BOM itself, while the
            # "-sig" codec decodes the whole file in Python first (about half again the time).
            frame = _parse(
                raw,
                source,
                encoding="utf-8",
                na_filter=False,  # empty cells stay "", as the careful reader gives them
                index_col=False,
                skip_blank_lines=True,
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeError):
            return None
    if caught or len(frame.columns) != len(header):
        return None
    frame.columns = pd.Index(range(len(header)))
    strings = _as_strings(
        frame, raw, lambda table: _sizes_add_up(raw, raw_header, table, survey.quote_bytes)
    )
    if strings is None:
        return None
    # Line numbers: one line break between records, none of them blank (pandas would skip a
    # blank line, and every later number would be off by one); else the careful reader.
    count = len(strings)
    if len(survey.record_lines) != count:
        return None
    lines = survey.record_lines.astype(np.int64)
    blank = _all_empty(strings)
    if blank.any():
        strings = strings.loc[~blank].reset_index(drop=True)
        lines = lines[~blank]
    strings.columns = header
    return RawTable(header=header, frame=strings, lines=lines)


def _as_strings(
    frame: pd.DataFrame, raw: bytes, written_as_shown: Callable[[pd.DataFrame], bool]
) -> pd.DataFrame | None:
    """Make every column arrow-backed text as written, re-reading what pandas changed.

    Inferring types is what keeps pandas' reader fast, but it turns "007", "+5" and " 5"
    into 5-ish integers. Integer columns are written back as digits, which is what the file
    says unless a cell had a sign, leading zeros or spaces: `written_as_shown` tells, by
    adding up the file's bytes. Those, and any other non-text column (floats, booleans),
    are read again as text. `frame` is indexed by position and changed in place.
    """
    reread: list[int] = []
    integers: list[int] = []
    for position in frame.columns:
        series = frame[position]
        if pd.api.types.is_integer_dtype(series.dtype):
            digits = pc.cast(pa.array(series), pa.large_string())
            frame[position] = pd.Series(pd.array(digits, dtype="str"), index=series.index)
            integers.append(position)
        elif series.dtype == object:
            frame[position] = series.astype("str")
        elif not pd.api.types.is_string_dtype(series.dtype):
            reread.append(position)
        elif series.hasnans:
            frame[position] = series.fillna("")
    if integers and (reread or not written_as_shown(frame)):
        reread += integers
    if reread:
        reread.sort()  # pandas gives the columns in the file's order, whatever usecols says
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


def _sizes_add_up(raw: bytes, raw_header: list[str], table: pd.DataFrame, quote_bytes: int) -> bool:
    """Whether the cells, as the table holds them, account for every byte of the file.

    In a file the survey passed, the bytes are the cells' text, two quotes per quoted cell
    plus one per quote inside one (`quote_bytes` counts all but the latter, which are
    the content's own), the commas between cells (all commas but those inside cells) and
    the line endings. Each term is exact except the integers written back as digits, which
    are as short as the number can be written: a sign, a leading zero or a space in the file
    makes the file longer than the sum.
    """
    bom = len(_BOM) if raw.startswith(_BOM) else 0
    text = sum(len(name.encode()) for name in raw_header)
    commas_inside = sum(name.count(",") for name in raw_header)
    for position in table.columns:
        cells = pa.array(table[position])
        text += int(pc.sum(pc.binary_length(cells)).as_py() or 0)
        commas_inside += int(pc.sum(pc.count_substring(cells, ",")).as_py() or 0)
    commas = raw.count(b",", bom) - commas_inside
    # Every line ending counts here, trailing ones too: the last cell may end in spaces.
    line_ends = raw.count(b"\n", bom) + raw.count(b"\r", bom)
    return len(raw) - bom == text + quote_bytes + commas + line_ends


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
