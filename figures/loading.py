"""Reading a figures CSV into a table of strings with the line number of every record.

Two readers give the same table:

- a fast one, pandas' C parser, used when the file is well formed;
- a careful one, Python's `csv` module, which knows the exact line each record starts on and
  reports ragged or broken records. The fast reader hands over to it whenever anything is odd
  (a parser warning, a quote pandas would read leniently, blank lines in the middle, lone CR
  line endings), so line numbers and verdicts are always the ones the careful reader gives.

A file is read by `read_file`: surveyed block by block and parsed by pandas from disk when it
is well formed, so it is never held whole in memory on that route; bytes already in memory
are read by `read_table`. Both routes give the same table and errors.

Both readers accept what spreadsheets write: UTF-8 with or without BOM, CRLF or LF, quoted
commas and newlines, any column order, trailing blank or all-empty rows. Every cell comes back
exactly as written (no number parsing), so the rules in `figures.validation` see what the
analyst typed.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import sys
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from figures.errors import ValidationError
from figures.limits import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    file_refusal,
    longest_line,
    longest_line_at,
    too_large,
    too_many_columns,
)

csv.field_size_limit(sys.maxsize)

_BOM = b"\xef\xbb\xbf"
_BLANK_FILE_RE = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*\Z")
_WHITESPACE = b" \t\r\n"
_QUOTE, _COMMA, _LF, _CR = (ord(char) for char in '",\n\r')


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


def _refused(error: ValidationError) -> RawTable:
    """An empty table carrying the file-level error that stopped the read."""
    empty = RawTable(header=[], frame=pd.DataFrame(), lines=np.empty(0, dtype=np.int64))
    empty.errors.append(error)
    return empty


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


_HEADER_BYTES = 65536  # a header is short: its first 64 KiB are plenty


def first_record(raw: bytes) -> list[str]:
    """The header cells as written."""
    text_start = raw[:_HEADER_BYTES].removeprefix(_BOM).decode("utf-8", errors="ignore")
    return next(csv.reader(io.StringIO(text_start, newline="")), [])


def read_table(raw: bytes) -> RawTable:
    """Parse CSV bytes. File-level problems come back as errors with an empty table."""
    empty = RawTable(header=[], frame=pd.DataFrame(), lines=np.empty(0, dtype=np.int64))
    if len(raw) > MAX_FILE_BYTES:
        return _refused(too_large(len(raw)))
    if _BLANK_FILE_RE.match(raw):
        empty.errors.append(
            ValidationError(
                "empty-file", None, "", "", "the file is empty; it needs at least a header row"
            )
        )
        return empty
    raw_header = first_record(raw)
    if len(raw_header) > MAX_COLUMNS:
        return _refused(too_many_columns(len(raw_header)))
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
    return _without_blank_columns(table)


def read_file(path: Path) -> RawTable:
    """Parse a CSV file: what `read_table` gives for its bytes, usually without holding them.

    A well-formed file is surveyed block by block and then parsed by pandas from the file
    itself, which it does on several threads (a buffer it reads on one); reading the whole
    file into memory first would cost about as much as the survey. Anything else (an odd
    file, a file-level problem, a file that changed while it was read) is read whole and goes
    through `read_table`, so both routes give the same table and errors. Raises OSError when
    the file cannot be opened or read.

    What is not a regular file (a folder, a pipe, a device such as /dev/zero) or is larger
    than MAX_FILE_BYTES is refused before a byte is read. The file is opened without waiting
    (a FIFO would otherwise block the open until some writer came) and judged by what was
    opened, so a name swapped between a look and the open cannot slip a pipe in.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        seen = os.fstat(descriptor)
        refusal = file_refusal(path, seen)
    except OSError:
        os.close(descriptor)
        raise
    if refusal is not None:
        os.close(descriptor)
        return _refused(refusal)
    with io.FileIO(descriptor, "rb", closefd=True) as handle:
        source = _OnDisk(handle, path, seen)
        table = _read_file_fast(source)
        if table is not None:
            return table
        handle.seek(0)
        raw = _read_at_most(handle, MAX_FILE_BYTES + 1)
    return read_table(raw)


def _read_at_most(handle: io.FileIO, limit: int) -> bytes:
    """Up to `limit` bytes from the handle's position (the file may have grown since fstat)."""
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = handle.read(min(left, 1 << 26))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_file_fast(source: _OnDisk) -> RawTable | None:
    """The fast reader on a file, or None when `read_table` must see its bytes."""
    try:
        prefix = source.bytes(0, min(source.size, _HEADER_BYTES))
        if _BLANK_FILE_RE.match(prefix):
            return None  # empty, or blank for 64 KiB: read_table tells which
        raw_header = first_record(prefix)
        if len(raw_header) > MAX_COLUMNS:
            return _refused(too_many_columns(len(raw_header)))
        header = [normalise_header(name) for name in raw_header]
        if _header_check(header):
            return None
        table = _fast_table(source, header, raw_header)
    except (_Changed, OSError):
        return None  # read_table on the bytes as they are now gives the answer
    return None if table is None else _without_blank_columns(table)


def _without_blank_columns(table: RawTable) -> RawTable:
    # Cells under a blank header name (spreadsheets leave such columns) belong to no column.
    if "" in table.header:
        table.frame = table.frame[[name for name in table.frame.columns if name != ""]]
    return table


# ---------------------------------------------------------------------------------------------
# The bytes the fast reader surveys: in memory, or a file read block by block.

# One buffer of this size, reused, costs far less than a fresh allocation (and its page
# faults) the size of the file. Measured at 1M rows: 2 MiB blocks cost about 7% less than
# 4 MiB ones (the block and its mask stay in cache between the passes), and smaller blocks
# cost more again in calls per block.
_BLOCK = 1 << 21


class _Changed(Exception):
    """The file is shorter than when it was opened: it is being rewritten."""


class _InMemory:
    """Bytes already in memory: blocks are read in place, nothing is copied."""

    def __init__(self, raw: bytes):
        self.raw = raw
        self.size = len(raw)
        self.text_start = len(_BOM) if raw.startswith(_BOM) else 0

    def buffer(self) -> bytearray:
        return bytearray()  # blocks are read in place

    def read(self, start: int, stop: int, buffer: bytearray) -> tuple[bytes | bytearray, int]:
        """The bytes from `start` to `stop`, as (where they are, their offset there)."""
        return self.raw, start

    def bytes(self, start: int, stop: int) -> bytes:
        return self.raw[start:stop]

    def csv_input(self) -> io.BytesIO:
        return io.BytesIO(self.raw)

    def unchanged(self) -> bool:
        return True


class _OnDisk:
    """An open file, read block by block into the reader's buffer; pandas reads it by path.

    Threads share the handle, so a lock keeps each seek with its read; copying a block from
    the page cache is short next to the numpy work on it, which runs outside the lock.
    """

    def __init__(self, handle: io.FileIO, path: Path, seen: os.stat_result):
        self.handle = handle
        self.path = path
        self.seen = seen
        self.size = seen.st_size
        self.lock = threading.Lock()
        self.text_start = len(_BOM) if self.bytes(0, min(self.size, len(_BOM))) == _BOM else 0

    def buffer(self) -> bytearray:
        return bytearray(min(_BLOCK, self.size) + 2)  # a block and a byte either side

    def read(self, start: int, stop: int, buffer: bytearray) -> tuple[bytes | bytearray, int]:
        """The bytes from `start` to `stop`, read into `buffer`: (buffer, 0)."""
        view = memoryview(buffer)[: stop - start]
        done = 0
        with self.lock:
            self.handle.seek(start)
            while done < len(view):
                got = self.handle.readinto(view[done:])
                if not got:
                    raise _Changed
                done += got
        return buffer, 0

    def bytes(self, start: int, stop: int) -> bytes:
        buffer, _ = self.read(start, stop, bytearray(stop - start))
        return bytes(buffer)

    def csv_input(self) -> str:
        # The file that was opened and judged, by its descriptor where the system names one
        # (Linux): a name swapped for another file (or a pipe) after the open is not read.
        by_descriptor = f"/proc/self/fd/{self.handle.fileno()}"
        return by_descriptor if os.path.exists(by_descriptor) else str(self.path)

    def unchanged(self) -> bool:
        """Whether the path still names the file, as it was, that was opened and surveyed."""
        try:
            return _same_file(os.stat(self.path), self.seen)
        except OSError:
            return False


_Bytes = _InMemory | _OnDisk


def _same_file(now: os.stat_result, seen: os.stat_result) -> bool:
    fields = ("st_dev", "st_ino", "st_size", "st_mtime_ns")
    return all(getattr(now, name) == getattr(seen, name) for name in fields)


def _view(source: _Bytes, start: int, stop: int, buffer: bytearray) -> np.ndarray:
    held, offset = source.read(start, stop, buffer)
    return np.frombuffer(held, dtype=np.uint8, count=stop - start, offset=offset)


def _content_end(source: _Bytes) -> int:
    """The offset just past the last character that is not blank (spaces, tabs, newlines)."""
    end = source.size
    while end > source.text_start:
        begin = max(source.text_start, end - 4096)
        kept = len(source.bytes(begin, end).rstrip(_WHITESPACE))
        if kept:
            return begin + kept
        end = begin
    return source.text_start


def _count_byte(source: _Bytes, byte: int) -> int:
    """How often `byte` occurs after the BOM (block by block; bytes.count is slower)."""
    total = 0
    buffer = source.buffer()
    for start in range(source.text_start, source.size, _BLOCK):
        block = _view(source, start, min(start + _BLOCK, source.size), buffer)
        total += int(np.count_nonzero(block == byte))
    return total


class _Marks(NamedTuple):
    """What one block of the text holds for the survey; positions are offsets in the file."""

    quotes: np.ndarray
    before: np.ndarray  # the byte before each quote (a line feed at the start of the text)
    after: np.ndarray  # the byte after each quote (a line feed at the end of the file)
    line_feeds: np.ndarray
    carriage_returns: np.ndarray
    lone_cr: bool  # a CR not followed by LF: a line break to an editor, not to the fast reader
    controls: bool  # a byte below a space other than LF and CR, or DEL


def _scan_block(
    source: _Bytes, start: int, stop: int, buffer: bytearray, mask: np.ndarray
) -> _Marks:
    # A byte either side of the block comes along, so that a quote or a CR at its edge is
    # judged by its real neighbour.
    lead = 1 if start > source.text_start else 0
    trail = 1 if stop < source.size else 0
    held, offset = source.read(start - lead, stop + trail, buffer)
    view = np.frombuffer(held, dtype=np.uint8, count=stop + trail - start + lead, offset=offset)
    body = view[lead : len(view) - trail]
    hits = mask[: len(body)]
    np.equal(body, _QUOTE, out=hits)
    quotes = np.flatnonzero(hits)
    before = view[np.maximum(quotes + lead - 1, 0)]
    after = view[np.minimum(quotes + lead + 1, len(view) - 1)]
    if len(quotes) and not lead and quotes[0] == 0:
        before[0] = _LF  # the start of the text is the start of a line
    if len(quotes) and not trail and quotes[-1] == len(body) - 1:
        after[-1] = _LF  # and the end of the file the end of one
    # Every byte below a space in one pass: the line feeds, the carriage returns and any
    # control character. In a well-formed file nearly all are line feeds, so this costs what
    # looking for the line feeds alone did, and the rest are sorted out among a few.
    np.less(body, 0x20, out=hits)
    low = np.flatnonzero(hits)
    low_bytes = body[low]
    feeds = low_bytes == _LF
    line_feeds = low[feeds] + start
    rest, rest_bytes = low[~feeds], low_bytes[~feeds]
    returns, lone_cr = rest[rest_bytes == _CR], False
    if len(returns):
        # A CR that ends the file is its own "next byte" here, which is not a line feed.
        following = view[np.minimum(returns + lead + 1, len(view) - 1)]
        lone_cr = bool((following != _LF).any())
    controls = len(returns) != len(rest)
    controls = controls or held.find(b"\x7f", offset + lead, offset + lead + len(body)) != -1
    return _Marks(quotes + start, before, after, line_feeds, returns + start, lone_cr, controls)


def _scan(source: _Bytes) -> list[_Marks]:
    """Every block's marks, in order, scanned on two threads (numpy and reads release the
    GIL), each taking the next block when it is free, so a busy core holds up neither."""
    starts = range(source.text_start, source.size, _BLOCK)
    found: dict[int, _Marks] = {}
    claims = itertools.count()  # next() on it is atomic, so a block goes to one thread

    def work() -> None:
        buffer, mask = source.buffer(), np.empty(min(_BLOCK, source.size), dtype=bool)
        while (index := next(claims)) < len(starts):
            start = starts[index]
            found[index] = _scan_block(
                source, start, min(start + _BLOCK, source.size), buffer, mask
            )

    if len(starts) > 1:
        with ThreadPoolExecutor(max_workers=1) as pool:
            other = pool.submit(work)
            work()
            other.result()
    else:
        work()
    return [found[index] for index in range(len(starts))]


class _Survey(NamedTuple):
    odd: bool  # only the careful reader reads the file right
    # For each line break between records (not inside a quoted cell), the editor line that
    # follows it: where the next record starts. Trailing blank lines are left out.
    record_lines: np.ndarray
    quote_bytes: int  # quote characters that are not content: two per quoted cell
    line_ends: int  # LF and CR bytes between records (not inside cells), trailing ones too
    too_long: ValidationError | None = None  # the first line over MAX_LINE_BYTES
    controls: bool = True  # some block holds a control character (see _Marks)


def _joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def _survey(source: _Bytes) -> _Survey:
    """What one pass over the bytes tells the fast reader.

    The fast reader takes a file only when both readers must read it alike: every quote opens
    a cell (first character, after a comma, a line break or the start), closes one (followed by
    a comma, a line break or the end) or is doubled inside one, and every CR is part of a CRLF.
    pandas would read a closing quote followed by more text ('"five to six" people')
    leniently where the csv module (strict) reports it, and a lone CR is a line to an editor
    but not to the fast reader's arithmetic. Quotes pair up in order, so with their positions
    and neighbours (one vectorised pass, which finds the line feeds on the way) the check is a
    few comparisons per quote, and a line feed is inside a cell when an odd number of quotes
    come before it.
    """
    marks = _scan(source)
    odd = _Survey(True, np.empty(0, dtype=np.int64), 0, 0)
    controls = any(mark.controls for mark in marks)
    if any(mark.lone_cr for mark in marks):
        return odd
    quotes = _joined([mark.quotes for mark in marks], np.int64)
    line_feeds = _joined([mark.line_feeds for mark in marks], np.int64)
    returns = _joined([mark.carriage_returns for mark in marks], np.int64)
    end = np.searchsorted(line_feeds, _content_end(source))  # the rest are trailing
    too_long = longest_line_at(source.text_start, source.size, line_feeds)
    if not len(quotes):  # no quoted cells: every line feed ends a record
        line_ends = len(line_feeds) + len(returns)
        lines = np.arange(end, dtype=np.int64) + 2
        return _Survey(False, lines, 0, line_ends, too_long, controls)
    if len(quotes) % 2:
        return odd  # a quote never closed, or one in a plain cell
    before = _joined([mark.before for mark in marks], np.uint8)[0::2]  # of opening quotes
    after = _joined([mark.after for mark in marks], np.uint8)[1::2]  # of closing quotes
    opening, closing = quotes[0::2], quotes[1::2]
    doubled = closing[:-1] + 1 == opening[1:]  # '""' inside a quoted cell
    starts_cell = (before == _COMMA) | (before == _LF)
    starts_cell[1:] |= doubled
    ends_cell = (after == _COMMA) | (after == _LF) | (after == _CR)
    ends_cell[:-1] |= doubled
    if not (starts_cell.all() and ends_cell.all()):
        return odd
    between = np.searchsorted(quotes, line_feeds) % 2 == 0
    # Each doubled pair stands for one quote of content; the rest open and close cells.
    quote_bytes = len(quotes) - int(doubled.sum())
    # Line breaks inside quoted cells are the cells' own text, not line endings.
    returns_between = int(np.count_nonzero(np.searchsorted(quotes, returns) % 2 == 0))
    line_ends = int(np.count_nonzero(between)) + returns_between
    lines = np.flatnonzero(between[:end]) + 2
    return _Survey(False, lines, quote_bytes, line_ends, too_long, controls)


def _read_fast(raw: bytes, header: list[str], raw_header: list[str]) -> RawTable | None:
    return _fast_table(_InMemory(raw), header, raw_header)


def _fast_table(source: _Bytes, header: list[str], raw_header: list[str]) -> RawTable | None:
    # The survey first, then pandas: run at once on two cores, each with two threads, they
    # cost more in all (sharing caches and memory bandwidth) than they gain in overlap.
    survey = _survey(source)
    if survey.odd:
        return None
    if survey.too_long is not None:
        return _refused(survey.too_long)
    frame = _parse(source)
    if frame is None or len(frame.columns) != len(header):
        return None
    if not source.unchanged():  # pandas may have read a newer file than the survey did
        return None
    frame.columns = pd.Index(range(len(header)))
    strings = _as_strings(
        frame, source, lambda table: _sizes_add_up(source, raw_header, table, survey)
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
    return RawTable(header, strings, lines, may_hold_controls=survey.controls)


def _parse(source: _Bytes) -> pd.DataFrame | None:
    """pandas' C parser on the bytes, or None when it refuses them or warns about them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # "utf-8", not "utf-8-sig": pandas' C parser skips a BOM itself, while the
            # "-sig" codec decodes the whole file in Python first (about half again the time).
            frame = pd.read_csv(
                source.csv_input(),
                encoding="utf-8",
                na_filter=False,  # empty cells stay "", as the careful reader gives them
                index_col=False,
                skip_blank_lines=True,
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeError):
            return None
    return None if caught else frame


def _as_strings(
    frame: pd.DataFrame, source: _Bytes, written_as_shown: Callable[[pd.DataFrame], bool]
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
    for position in range(len(frame.columns)):  # `frame`'s labels are its positions
        series = frame[position]
        if pd.api.types.is_integer_dtype(series.dtype):
            digits = pc.cast(pa.array(series), pa.large_string())
            frame[position] = pd.Series(pd.array(digits, dtype="str"), index=series.index)
            integers.append(position)
        elif series.dtype == object:
            frame[position] = series.astype("str")
        elif not pd.api.types.is_string_dtype(series.dtype):
            reread.append(position)
        elif _has_missing(series):
            frame[position] = series.fillna("")
    if integers and (reread or not written_as_shown(frame)):
        reread += integers
    if reread:
        reread.sort()  # pandas gives the columns in the file's order, whatever usecols says
        again = pd.read_csv(
            source.csv_input(),
            encoding="utf-8",
            header=0,
            usecols=reread,
            dtype=dict.fromkeys(reread, object),
            na_filter=False,
            index_col=False,
            skip_blank_lines=True,
        )
        if len(again) != len(frame) or not source.unchanged():
            return None
        for offset, position in enumerate(reread):
            frame[position] = again.iloc[:, offset].astype("str")
    return frame


def _has_missing(series: pd.Series) -> bool:
    # Arrow counts its nulls as it builds an array; Series.hasnans builds a mask to count.
    if getattr(series.dtype, "storage", None) == "pyarrow":
        return pa.array(series).null_count > 0
    return bool(series.hasnans)


def _sizes_add_up(
    source: _Bytes, raw_header: list[str], table: pd.DataFrame, survey: _Survey
) -> bool:
    """Whether the cells, as the table holds them, account for every byte of the file.

    In a file the survey passed, the bytes are the cells' text, two quotes per quoted cell
    plus one per quote inside one (`survey.quote_bytes` counts all but the latter, which are
    the content's own), the commas between cells (all commas but those inside cells) and
    the line endings between records (line breaks inside quoted cells are their text). Each
    term is exact except the integers written back as digits, which are as short as the
    number can be written: a sign, a leading zero or a space in the file makes the file
    longer than the sum.
    """
    text = sum(len(name.encode()) for name in raw_header)
    commas_inside = sum(name.count(",") for name in raw_header)
    for position in table.columns:
        length, commas = _length_and_commas(table[position])
        text += length
        commas_inside += commas
    commas = _count_byte(source, _COMMA) - commas_inside
    accounted = text + survey.quote_bytes + commas + survey.line_ends
    return source.size - source.text_start == accounted


def _length_and_commas(series: pd.Series) -> tuple[int, int]:
    """The column's text in bytes, and the commas in it, read off arrow's buffers.

    Arrow's substring count costs about a nanosecond per byte of text; a comparison over
    the buffer costs a tenth of that, and a column of quotes is most of the file.
    """
    data = pa.array(series)
    chunks = data.chunks if isinstance(data, pa.ChunkedArray) else [data]
    length = commas = 0
    for chunk in chunks:
        if chunk.type not in (pa.string(), pa.large_string()) or not len(chunk):
            length += int(pc.sum(pc.binary_length(chunk)).as_py() or 0)
            commas += int(pc.sum(pc.count_substring(chunk, ",")).as_py() or 0)
            continue
        offset_type = np.int64 if chunk.type == pa.large_string() else np.int32
        _, offsets_buffer, data_buffer = chunk.buffers()
        offsets = np.frombuffer(offsets_buffer, dtype=offset_type)
        first, last = offsets[chunk.offset], offsets[chunk.offset + len(chunk)]
        if data_buffer is not None and last > first:
            cells = np.frombuffer(data_buffer, dtype=np.uint8)[first:last]
            length += int(last - first)
            commas += int(np.count_nonzero(cells == _COMMA))
    return length, commas


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
    too_long = longest_line(raw)
    if too_long is not None:
        return _refused(too_long)
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
            error, stop = _quote_error(exc, start, previous_line, text)
            errors.append(error)
            if stop:
                break
            continue
        previous_line = reader.line_num
        if header is None:
            if len(record) > MAX_COLUMNS:  # a header longer than the first look read
                return _refused(too_many_columns(len(record)))
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
