"""`read_table` (bytes in memory) and `read_file` (a path): the fast reader where it can, the
careful one where anything is odd; both give the same table and errors."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from figures.errors import ValidationError
from figures.limits import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    file_refusal,
    too_large,
    too_many_columns,
)
from figures.loading.careful import read_careful
from figures.loading.fast import FileChanged, OnDisk, fast_table, read_fast
from figures.loading.raw import (
    BLANK_FILE,
    HEADER_BYTES,
    RawTable,
    encoding_error,
    first_record,
    header_problems,
    normalise_header,
    refused,
    without_blank_columns,
)


def read_table(raw: bytes) -> RawTable:
    """Parse CSV bytes. File-level problems come back as errors with an empty table."""
    empty = RawTable(header=[], frame=pd.DataFrame(), lines=np.empty(0, dtype=np.int64))
    if len(raw) > MAX_FILE_BYTES:
        return refused(too_large(len(raw)))
    if BLANK_FILE.match(raw):
        empty.errors.append(
            ValidationError(
                "empty-file", None, "", "", "the file is empty; it needs at least a header row"
            )
        )
        return empty
    raw_header = first_record(raw)
    if len(raw_header) > MAX_COLUMNS:
        return refused(too_many_columns(len(raw_header)))
    header = [normalise_header(name) for name in raw_header]
    header_errors = header_problems(header)
    try:
        if header_errors:
            raw.decode("utf-8")  # a file that is not text is reported as that first
            empty.header = header
            empty.errors.extend(header_errors)
            return empty
        # Both readers decode every cell strictly, so text that is not UTF-8 stops them here
        # and is then located; checking the whole file up front would cost a pass of its own.
        fast = read_fast(raw, header, raw_header)
        table = fast if fast is not None else read_careful(raw)
    except UnicodeDecodeError:
        undecodable = encoding_error(raw)
        assert undecodable is not None  # the decoder just failed on these bytes
        empty.errors.append(undecodable)
        return empty
    return without_blank_columns(table)


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
        return refused(refusal)
    with io.FileIO(descriptor, "rb", closefd=True) as handle:
        source = OnDisk(handle, path, seen)
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


def _read_file_fast(source: OnDisk) -> RawTable | None:
    """The fast reader on a file, or None when `read_table` must see its bytes."""
    try:
        prefix = source.bytes(0, min(source.size, HEADER_BYTES))
        if BLANK_FILE.match(prefix):
            return None  # empty, or blank for 64 KiB: read_table tells which
        raw_header = first_record(prefix)
        if len(raw_header) > MAX_COLUMNS:
            return refused(too_many_columns(len(raw_header)))
        header = [normalise_header(name) for name in raw_header]
        if header_problems(header):
            return None
        table = fast_table(source, header, raw_header)
    except (FileChanged, OSError):
        return None  # read_table on the bytes as they are now gives the answer
    return None if table is None else without_blank_columns(table)
