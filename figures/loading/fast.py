"""The fast reader: the bytes surveyed block by block (in memory, or a file read without
holding it whole), then pandas' C parser when the survey finds the file well formed."""

from __future__ import annotations

import io
import itertools
import os
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from figures.errors import ValidationError
from figures.limits import (
    longest_line_at,
)
from figures.loading.raw import BOM, COMMA, CR, LF, QUOTE, WHITESPACE, RawTable, refused

# ---------------------------------------------------------------------------------------------
# The bytes the fast reader surveys: in memory, or a file read block by block.

# One buffer of this size, reused, costs far less than a fresh allocation (and its page
# faults) the size of the file. Measured at 1M rows: 2 MiB blocks cost about 7% less than
# 4 MiB ones (the block and its mask stay in cache between the passes), and smaller blocks
# cost more again in calls per block.
_BLOCK = 1 << 21


class FileChanged(Exception):
    """The file is shorter than when it was opened: it is being rewritten."""


class InMemory:
    """Bytes already in memory: blocks are read in place, nothing is copied."""

    def __init__(self, raw: bytes):
        self.raw = raw
        self.size = len(raw)
        self.text_start = len(BOM) if raw.startswith(BOM) else 0

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


class OnDisk:
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
        self.text_start = len(BOM) if self.bytes(0, min(self.size, len(BOM))) == BOM else 0

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
                    raise FileChanged
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


Bytes = InMemory | OnDisk


def _same_file(now: os.stat_result, seen: os.stat_result) -> bool:
    fields = ("st_dev", "st_ino", "st_size", "st_mtime_ns")
    return all(getattr(now, name) == getattr(seen, name) for name in fields)


def _view(source: Bytes, start: int, stop: int, buffer: bytearray) -> np.ndarray:
    held, offset = source.read(start, stop, buffer)
    return np.frombuffer(held, dtype=np.uint8, count=stop - start, offset=offset)


def _content_end(source: Bytes) -> int:
    """The offset just past the last character that is not blank (spaces, tabs, newlines)."""
    end = source.size
    while end > source.text_start:
        begin = max(source.text_start, end - 4096)
        kept = len(source.bytes(begin, end).rstrip(WHITESPACE))
        if kept:
            return begin + kept
        end = begin
    return source.text_start


def _count_byte(source: Bytes, byte: int) -> int:
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
    source: Bytes, start: int, stop: int, buffer: bytearray, mask: np.ndarray
) -> _Marks:
    # A byte either side of the block comes along, so that a quote or a CR at its edge is
    # judged by its real neighbour.
    lead = 1 if start > source.text_start else 0
    trail = 1 if stop < source.size else 0
    held, offset = source.read(start - lead, stop + trail, buffer)
    view = np.frombuffer(held, dtype=np.uint8, count=stop + trail - start + lead, offset=offset)
    body = view[lead : len(view) - trail]
    hits = mask[: len(body)]
    np.equal(body, QUOTE, out=hits)
    quotes = np.flatnonzero(hits)
    before = view[np.maximum(quotes + lead - 1, 0)]
    after = view[np.minimum(quotes + lead + 1, len(view) - 1)]
    if len(quotes) and not lead and quotes[0] == 0:
        before[0] = LF  # the start of the text is the start of a line
    if len(quotes) and not trail and quotes[-1] == len(body) - 1:
        after[-1] = LF  # and the end of the file the end of one
    # Every byte below a space in one pass: the line feeds, the carriage returns and any
    # control character. In a well-formed file nearly all are line feeds, so this costs what
    # looking for the line feeds alone did, and the rest are sorted out among a few.
    np.less(body, 0x20, out=hits)
    low = np.flatnonzero(hits)
    low_bytes = body[low]
    feeds = low_bytes == LF
    line_feeds = low[feeds] + start
    rest, rest_bytes = low[~feeds], low_bytes[~feeds]
    returns, lone_cr = rest[rest_bytes == CR], False
    if len(returns):
        # A CR that ends the file is its own "next byte" here, which is not a line feed.
        following = view[np.minimum(returns + lead + 1, len(view) - 1)]
        lone_cr = bool((following != LF).any())
    controls = len(returns) != len(rest)
    controls = controls or held.find(b"\x7f", offset + lead, offset + lead + len(body)) != -1
    return _Marks(quotes + start, before, after, line_feeds, returns + start, lone_cr, controls)


def _scan(source: Bytes) -> list[_Marks]:
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


def _survey(source: Bytes) -> _Survey:
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
    starts_cell = (before == COMMA) | (before == LF)
    starts_cell[1:] |= doubled
    ends_cell = (after == COMMA) | (after == LF) | (after == CR)
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


def read_fast(raw: bytes, header: list[str], raw_header: list[str]) -> RawTable | None:
    return fast_table(InMemory(raw), header, raw_header)


def fast_table(source: Bytes, header: list[str], raw_header: list[str]) -> RawTable | None:
    # The survey first, then pandas: run at once on two cores, each with two threads, they
    # cost more in all (sharing caches and memory bandwidth) than they gain in overlap.
    survey = _survey(source)
    if survey.odd:
        return None
    if survey.too_long is not None:
        return refused(survey.too_long)
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


def _parse(source: Bytes) -> pd.DataFrame | None:
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
    frame: pd.DataFrame, source: Bytes, written_as_shown: Callable[[pd.DataFrame], bool]
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
    source: Bytes, raw_header: list[str], table: pd.DataFrame, survey: _Survey
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
    commas = _count_byte(source, COMMA) - commas_inside
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
            commas += int(np.count_nonzero(cells == COMMA))
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
