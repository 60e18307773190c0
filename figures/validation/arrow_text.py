"""Text columns read in place from their arrow bytes: cheap looks at the first and last bytes.

Stripping or matching a million strings copies or scans every one; most files need neither,
and reading each string's first and last bytes from the arrow buffers tells which do.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa


def stripped(series: pd.Series, chunks: list[TextChunk] | None = None) -> pd.Series:
    """The column without surrounding whitespace; untouched (no copy) when none has any.

    Stripping copies every string, which for a column of long quotes costs as much as
    reading it; looking at the first and last characters of each string first costs next to
    nothing, and spreadsheets rarely leave spaces, so the copy is usually skipped. `chunks`
    is the column's arrow data when the caller has already read it.
    """
    if not pd.api.types.is_string_dtype(series.dtype) or not len(series):
        return series
    if chunks is None:
        chunks = text_chunks(series)
    return series.str.strip() if edge_may_be_space(chunks) else series


# Every character Python's str.strip() (and arrow's, the same set) removes, by the length of
# its UTF-8 encoding; tests check the list against all of Unicode.
SPACE_CHARS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPACE_BYTE = np.zeros(256, dtype=bool)
_SPACE_BYTE[[ord(char) for char in SPACE_CHARS if ord(char) < 0x80]] = True
# The multi-byte spaces as big-endian integers of their UTF-8 bytes, by width (2 or 3).
_WIDE_SPACES = {
    width: np.array(
        sorted(
            int.from_bytes(char.encode(), "big")
            for char in SPACE_CHARS
            if len(char.encode()) == width
        ),
        dtype=np.int64,
    )
    for width in (2, 3)
}
# The bytes at either end of the multi-byte spaces, and the ones next to those: a string's
# first or last two or three bytes are looked at only when they could belong to one.
_WIDE_ENCODED = [char.encode() for char in SPACE_CHARS if ord(char) >= 0x80]
_WIDE_FIRST, _WIDE_SECOND, _WIDE_PENULTIMATE, _WIDE_LAST = (
    np.isin(np.arange(256), [encoded[index] for encoded in _WIDE_ENCODED])
    for index in (0, 1, -2, -1)
)
# ASCII whitespace is all at or below the space; a byte above it rules a string end out.
_HIGHEST_ASCII_SPACE = max(ord(char) for char in SPACE_CHARS if ord(char) < 0x80)


class TextChunk(NamedTuple):
    """A chunk of an arrow text column, read in place."""

    text: np.ndarray  # its bytes, up to the end of its last string
    starts: np.ndarray  # where each of its strings starts in `text`
    ends: np.ndarray  # and ends


def text_chunks(series: pd.Series) -> list[TextChunk] | None:
    """The column's arrow data, chunk by chunk, or None when it is not plain arrow text."""
    if getattr(series.dtype, "storage", None) != "pyarrow":
        return None
    data = pa.array(series)  # the arrow data itself, no copy
    chunks = []
    for chunk in data.chunks if isinstance(data, pa.ChunkedArray) else [data]:
        if chunk.type not in (pa.string(), pa.large_string()) or chunk.null_count:
            return None
        offset_type = np.int64 if chunk.type == pa.large_string() else np.int32
        _, offsets_buffer, data_buffer = chunk.buffers()
        offsets = np.frombuffer(offsets_buffer, dtype=offset_type)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        text = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer else np.empty(0, np.uint8)
        chunks.append(TextChunk(text[: offsets[-1]], offsets[:-1], offsets[1:]))
    return chunks


def _edges(chunk: TextChunk) -> tuple[np.ndarray, np.ndarray]:
    """Where the chunk's strings start and end, leaving out empty ones at either end.

    Offsets never decrease, so an empty string between others reads the first byte of the
    next one or the last byte of the one before: bytes that are read anyway, which costs
    nothing in verdicts and saves picking the empty strings out.
    """
    if not len(chunk.starts):
        return chunk.starts, chunk.ends
    starts = chunk.starts[: np.searchsorted(chunk.starts, len(chunk.text))]
    ends = chunk.ends[np.searchsorted(chunk.ends, chunk.starts[0], side="right") :]
    return starts, ends


def may_start_with(chunks: list[TextChunk] | None, byte: int) -> bool:
    """Whether some string starts with this (ASCII) byte; True when that cannot be read off."""
    if chunks is None:
        return True
    return any(bool((chunk.text[_edges(chunk)[0]] == byte).any()) for chunk in chunks)


def edge_may_be_space(chunks: list[TextChunk] | None) -> bool:
    """Whether some string starts or ends with whitespace, read off its first and last bytes."""
    if chunks is None:
        return True  # not plain arrow text: let strip decide
    return any(_chunk_edge_may_be_space(chunk.text, *_edges(chunk)) for chunk in chunks)


def _chunk_edge_may_be_space(text: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> bool:
    # Reading the two bytes is most of the cost (each is in a cache line of its own); after
    # that, plain comparisons over the whole column, and table lookups only for strings that
    # pass them: non-ASCII ends, or ASCII ones low enough to be a space.
    for at_start, where in ((True, starts), (False, ends - 1)):
        edge = text[where]
        low = edge <= _HIGHEST_ASCII_SPACE
        if low.any() and _SPACE_BYTE[edge[low]].any():
            return True
        wide = np.flatnonzero(edge >= 0x80)
        if len(wide) and _wide_space_at_edge(text, where[wide], at_start):
            return True
    return False


def _wide_space_at_edge(text: np.ndarray, where: np.ndarray, at_start: bool) -> bool:
    """Whether a string starts (or ends) with a multi-byte space; `where` is the position of
    each string's first (or last) byte, which is not ASCII."""
    if at_start:
        outer, inner, step = _WIDE_FIRST, _WIDE_SECOND, 1
    else:
        outer, inner, step = _WIDE_LAST, _WIDE_PENULTIMATE, -1
    where = where[outer[text[where]]]
    where = where[inner[text[np.clip(where + step, 0, len(text) - 1)]]]
    for width, spaces in _WIDE_SPACES.items():
        begin = where if at_start else where - (width - 1)
        if len(begin) and np.isin(_bytes_as_integer(text, begin, width), spaces).any():
            return True
    return False


def _bytes_as_integer(text: np.ndarray, begin: np.ndarray, width: int) -> np.ndarray:
    """The `width` bytes from each of `begin`, as a big-endian integer.

    A string shorter than `width` has bytes of a neighbour (or a repeated first or last
    byte) read into its integer, which can only make a caller's answer "maybe", never a
    wrong "no": a string that holds a space at its edge holds all of its bytes.
    """
    code = np.zeros(len(begin), dtype=np.int64)
    for step in range(width):
        code = (code << 8) | text[np.clip(begin + step, 0, len(text) - 1)]
    return code


def rows_of(series: pd.Series, rows: np.ndarray) -> pd.Series:
    """The cells at `rows` (ascending), indexed from 0.

    Arrow's take on a column in chunks (as pandas reads a big file) first joins the chunks,
    a copy of the whole column: for a few rows of the quotes that is most of the cost. Each
    chunk gives its own rows here instead.
    """
    data = pa.array(series) if getattr(series.dtype, "storage", None) == "pyarrow" else None
    if not isinstance(data, pa.ChunkedArray) or data.num_chunks < 2:
        return series.iloc[rows].reset_index(drop=True)
    bounds = np.cumsum([0, *(len(chunk) for chunk in data.chunks)])
    cuts = np.searchsorted(rows, bounds)  # rows[cuts[i]:cuts[i + 1]] are in chunk i
    pieces = [
        data.chunk(index).take(pa.array(rows[cuts[index] : cuts[index + 1]] - bounds[index]))
        for index in range(data.num_chunks)
        if cuts[index + 1] > cuts[index]
    ]
    # One chunk: what is taken is small, and every later arrow call pays per chunk.
    taken = pa.concat_arrays(pieces) if pieces else pa.array([], type=data.type)
    return pd.Series(pd.array(taken, dtype=series.dtype))


def column_or_blank(frame: pd.DataFrame, name: str, count: int) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([""] * count, dtype="str")
