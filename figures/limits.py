"""What the loader refuses to read, and the file-level errors that say so (docs/guarantees.md).

Each limit is checked before the work it would cost: what is not a regular file and what is
too large before a byte is read, a header too wide from its first 64 KiB, a line too long
from the positions of the line breaks the reader finds anyway.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np

from figures.errors import ValidationError

# Limits on what is read, each refused with a file-level error before the work it would cost
# (docs/guarantees.md). A figures file is thousands of rows typed by people; the benchmark's
# million synthetic rows (bench/run.py) take about 350 MB, so 512 MiB leaves room for that and
# refuses anything larger before a byte is read. The contract has 14 columns, and spreadsheets
# add a few blank ones: 200 is far above any real header and far below what makes checking a
# header slow (100,000 columns took 71 s). A line holds one record or part of a quoted cell:
# the longest real quote is a paragraph, and 1 MiB is a thousand of them.
MAX_FILE_BYTES = 512 * 2**20
MAX_COLUMNS = 200
MAX_LINE_BYTES = 2**20

_LF, _CR = ord("\n"), ord("\r")


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_refusal(path: Path, seen: os.stat_result) -> ValidationError | None:
    """Why a file is not read at all: not a regular file (a device or a pipe may never end),
    or larger than MAX_FILE_BYTES. None when it may be read."""
    if not stat.S_ISREG(seen.st_mode):
        kind = next((name for test, name in _KINDS if test(seen.st_mode)), "not a regular file")
        return ValidationError(
            "unreadable-file",
            None,
            "",
            str(path),
            f"cannot read {path}: it is {kind}, not a regular file; give the path of a figures CSV",
        )
    if seen.st_size > MAX_FILE_BYTES:
        return too_large(seen.st_size)
    return None


def too_large(size: int) -> ValidationError:
    return ValidationError(
        "file-too-large",
        None,
        "",
        f"{size} bytes",
        f"the file is {size / 2**20:,.0f} MiB; the checker reads files of at most "
        f"{MAX_FILE_BYTES // 2**20:,} MiB (about 1.5 million rows): split it, or check that "
        "it is a figures file",
    )


def too_many_columns(count: int) -> ValidationError:
    return ValidationError(
        "too-many-columns",
        1,
        "",
        f"{count} cells",
        f"the header has at least {count:,} cells; a figures file has at most {MAX_COLUMNS} "
        "columns (the contract has 14): is this a figures file?",
    )


def line_too_long(line: int, length: int) -> ValidationError:
    return ValidationError(
        "line-too-long",
        line,
        "",
        f"{length} bytes",
        f"this line is {length:,} bytes long; a line of a figures file is at most "
        f"{MAX_LINE_BYTES:,} bytes (1 MiB): is this a figures file, or was something pasted "
        "into a cell by mistake?",
    )


def longest_line(raw: bytes) -> ValidationError | None:
    """The first line longer than MAX_LINE_BYTES, as an error (a line ends at LF, CR or CRLF)."""
    if len(raw) <= MAX_LINE_BYTES:
        return None
    data = np.frombuffer(raw, dtype=np.uint8)
    breaks = np.flatnonzero((data == _LF) | (data == _CR))
    edges = np.concatenate(([-1], breaks, [len(raw)]))
    lengths = np.diff(edges) - 1
    longest = int(np.argmax(lengths))
    if lengths[longest] <= MAX_LINE_BYTES:
        return None
    start = int(edges[longest]) + 1
    before = raw[:start]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    return line_too_long(line, int(lengths[longest]))


def longest_line_at(text_start: int, size: int, line_feeds: np.ndarray) -> ValidationError | None:
    """The first line longer than MAX_LINE_BYTES of a file whose lines end at line feeds (no
    lone CR), read off the line feeds' offsets; the text starts at `text_start` (after a BOM)."""
    if size - text_start <= MAX_LINE_BYTES:
        return None
    edges = np.concatenate(([text_start - 1], line_feeds, [size]))
    lengths = np.diff(edges) - 1
    longest = int(np.argmax(lengths))
    if lengths[longest] <= MAX_LINE_BYTES:
        return None
    return line_too_long(longest + 1, int(lengths[longest]))
