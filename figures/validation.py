"""Validating a figures file column by column: the valid rows as a typed table, and the errors.

Each cell rule is a small function of one text value (`check_*`), so one rule and one message
serve both a single row (the add path) and a million (the bulk path, which applies each rule to
the column's distinct values only and spreads the verdicts back with `factorize`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from figures.contract import (
    COLUMNS,
    DEFAULT_GROUP,
    DEFAULT_QUALIFIER,
    REQUIRED_COLUMNS,
    TEXT_COLUMNS,
    Affiliation,
    Qualifier,
)
from figures.errors import ValidationError
from figures.loading import RawTable, read_file, read_table
from figures.vocabulary import Vocabulary, load_vocabulary, vocabulary_dir_for

MAX_VALUE = 10**12  # far above any count of people; larger is a slip of the keyboard
# Digits are ASCII only: `\d` would also take Arabic-Indic or Devanagari digits, which int()
# reads but no reader of the file would expect in a count.
_DATE_RE = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?$"
)
# A moment with a time zone ('2023-09-30T20:00+04:00', '…Z'): group 1 is it without the zone.
_ZONED_RE = re.compile(
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)"
    r"\s*(?:Z|[+-][0-9]{2}:?[0-9]{2})$"
)
# Two counts with a dash between them: a range typed into one cell.
_SPAN_RE = re.compile(r"^[0-9][0-9,]*\s*(?:-|–|—|to)\s*[0-9][0-9,]*$")
_NUMBER_RE = re.compile(r"^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)$")
_URL_RE = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
# Text a spreadsheet would run as a formula (=, +, -, @ first) is stored behind one
# apostrophe, which loading removes, as a spreadsheet does. Apostrophes before such text are
# the same marker plus text: "''=1" reads as "'=1", so any text can be written by adding one.
_FORMULA_ESCAPE_RE = r"^'(?='*[=+\-@])"
_APOSTROPHE = ord("'")

QUALIFIERS = tuple(q.value for q in Qualifier)
AFFILIATIONS = tuple(a.value for a in Affiliation)


class CellError(Exception):
    """A cell's value breaks the contract; `code` is from the error catalogue."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------------------------------------
# Cell rules: text in, parsed value out, or CellError.


def check_moment(text: str, column: str = "as_of") -> tuple[dt.datetime, bool]:
    """An ISO date with an optional time of day: (the moment, whether a time was given)."""
    match = _DATE_RE.match(text)
    if not match:
        zoned = _ZONED_RE.match(text)
        if zoned:
            # With an offset, the time before it is the local time; 'Z' is UTC, not local.
            local = "" if text.rstrip().endswith("Z") else f" ({zoned.group(1)})"
            raise CellError(
                "bad-date",
                f"{text!r} has a time zone; write the local time the source gives{local} "
                "and name the zone in notes if it matters",
            )
        hint = ""
        if re.match(r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}$", text):
            hint = " (a spreadsheet may have reformatted it; set the column to text)"
        raise CellError(
            "bad-date",
            f"{text!r} is not a date; write it as YYYY-MM-DD, or YYYY-MM-DDTHH:MM when the "
            f"source gives the hour{hint}",
        )
    year, month, day, hour, minute, second = match.groups()
    try:
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError as exc:
        raise CellError("bad-date", f"{text!r} is not a real date or time ({exc})") from exc
    return moment, hour is not None


def check_count(text: str) -> int:
    """A non-negative whole number, digits only, with spreadsheet thousands commas allowed."""
    cleaned = text.strip()
    if _NUMBER_RE.match(cleaned):
        number = int(cleaned.replace(",", ""))
        if number > MAX_VALUE:
            raise CellError("bad-number", f"{text!r} is implausibly large; check the digits")
        return number
    if re.match(r"^-\s*[0-9,]+$", cleaned):
        raise CellError(
            "negative-value", f"{text!r} is below zero; a count of people cannot be negative"
        )
    if _SPAN_RE.match(cleaned):
        raise CellError(
            "bad-number",
            f"{text!r} is two numbers; for a range such as '50 to 1,000' put the lower end in "
            "value, the upper end in value_high, and set qualifier to 'range'",
        )
    raise CellError(
        "bad-number",
        f"{text!r} is not a whole number; write the number in digits, in full "
        "(100000, not 100k or 1e5), without words such as 'about' (use the qualifier column)",
    )


# Words sources use, as analysts type them into the qualifier column, and the qualifier that
# records them. 'nearly' and 'almost' are up_to: below the number, and never claim above it.
_QUALIFIER_WORDS = {
    **dict.fromkeys(("over", "above", "more than", "in excess of", "upwards of"), "more_than"),
    **dict.fromkeys(("no fewer than", "no less than", "minimum", "at minimum"), "at_least"),
    **dict.fromkeys(
        (
            "approximately",
            "approx",
            "approx.",
            "around",
            "roughly",
            "some",
            "circa",
            "c.",
            "estimated",
            "an estimated",
            "~",
            "about",
        ),
        "about",
    ),
    **dict.fromkeys(
        ("nearly", "almost", "as many as", "at most", "no more than", "maximum", "up to"),
        "up_to",
    ),
    **dict.fromkeys(("under", "below", "fewer than", "less than"), "less_than"),
    **dict.fromkeys(("between", "from", "to"), "range"),
    **dict.fromkeys(("exactly", "precisely"), "exact"),
}


def _suggest(text: str, choices: tuple[str, ...] | list[str], where: str = "") -> str:
    said = _QUALIFIER_WORDS.get(" ".join(text.replace("_", " ").lower().split()))
    if said in choices:
        return f"; did you mean {said!r}?"
    close = difflib.get_close_matches(text.lower(), list(choices), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; known values: {', '.join(choices)}{where}"


def check_choice(text: str, choices: tuple[str, ...], code: str, what: str, where: str) -> str:
    if text in choices:
        return text
    if text.lower() in choices:
        return text.lower()
    raise CellError(code, f"{text!r} is not a known {what}{_suggest(text, choices, where)}")


def check_url(text: str) -> str:
    if _URL_RE.match(text):
        return text
    raise CellError(
        "bad-url",
        f"{text!r} is not a web address; only http:// or https:// addresses are allowed "
        "(leave the cell empty when there is none)",
    )


def unescape_formula(text: str) -> str:
    """Undo the apostrophe the tool puts before text a spreadsheet would run as a formula."""
    return re.sub(_FORMULA_ESCAPE_RE, "", text)


# ---------------------------------------------------------------------------------------------
# The bulk path.


@dataclass
class LoadResult:
    rows: pd.DataFrame  # the valid rows, typed; see `empty_rows` for the columns
    errors: list[ValidationError] = field(default_factory=list)
    path: Path | None = None
    record_count: int = 0  # records read, valid or not

    @property
    def file_errors(self) -> list[ValidationError]:
        return [error for error in self.errors if error.file_level]

    @property
    def ok(self) -> bool:
        return not self.errors


def empty_rows() -> pd.DataFrame:
    """The typed table's columns, with no rows."""
    return pd.DataFrame(
        {
            "line": pd.Series([], dtype="int64"),
            "as_of": pd.Series([], dtype="datetime64[ns]"),
            "as_of_has_time": pd.Series([], dtype="bool"),
            "metric": pd.Series([], dtype="str"),
            "group": pd.Series([], dtype="str"),
            "qualifier": pd.Series([], dtype="str"),
            "value": pd.Series([], dtype="int64"),
            "value_high": pd.Series([], dtype="Int64"),
            "place": pd.Series([], dtype="str"),
            "reported_by": pd.Series([], dtype="str"),
            "affiliation": pd.Series([], dtype="str"),
            "outlet": pd.Series([], dtype="str"),
            "published": pd.Series([], dtype="datetime64[ns]"),
            "url": pd.Series([], dtype="str"),
            "quote": pd.Series([], dtype="str"),
            "notes": pd.Series([], dtype="str"),
        }
    )


class _Collector:
    """Gathers errors and the mask of rows that have at least one."""

    def __init__(self, lines: np.ndarray):
        self.lines = lines
        self.errors: list[ValidationError] = []
        self._bad: np.ndarray | None = None  # made at the first error: most checks find none

    @property
    def bad(self) -> np.ndarray:
        if self._bad is None:
            self._bad = np.zeros(len(self.lines), dtype=bool)
        return self._bad

    def add(self, index: int, code: str, column: str, value: str, message: str) -> None:
        self.bad[index] = True
        self.errors.append(ValidationError(code, int(self.lines[index]), column, value, message))

    def absorb(self, other: _Collector) -> None:
        if other._bad is not None:
            np.logical_or(self.bad, other._bad, out=self.bad)
        self.errors.extend(other.errors)


def _apply_rule(
    series: pd.Series,
    rule: Callable[[str], object],
    column: str,
    collector: _Collector,
    skip_empty: bool = True,
    positions: np.ndarray | None = None,
    coded: tuple[np.ndarray, pd.Index] | None = None,
    strip: bool = False,
) -> tuple[np.ndarray, list[object]]:
    """Run `rule` once per distinct value; returns (codes, parsed values per distinct value).

    A distinct value that fails gets parsed value None and an error for each of its rows.
    `positions` maps the series' rows to the table's when it holds only some of them;
    `coded` is the series' factorization when the caller already has it; `strip` strips each
    distinct value before the rule sees it (cheaper than stripping the column when values
    repeat), and errors then show the stripped value, as if the column had been stripped.
    """
    codes, uniques = coded or pd.factorize(series, use_na_sentinel=False)
    texts = uniques.tolist()  # one conversion; iterating an arrow-backed index is slow
    if strip:
        texts = [text.strip() for text in texts]
    parsed: list[object] = []
    failures: dict[int, CellError] = {}
    for position, text in enumerate(texts):
        if skip_empty and text == "":
            parsed.append(None)
            continue
        try:
            parsed.append(rule(text))
        except CellError as exc:
            parsed.append(None)
            failures[position] = exc
    if failures:
        failing = np.flatnonzero(np.isin(codes, list(failures)))
        for index in failing:
            exc = failures[int(codes[index])]
            row = int(index) if positions is None else int(positions[index])
            collector.add(row, exc.code, column, str(texts[codes[index]]), exc.message)
    return codes, parsed


def _stripped(series: pd.Series, chunks: list[_TextChunk] | None = None) -> pd.Series:
    """The column without surrounding whitespace; untouched (no copy) when none has any.

    Stripping copies every string, which for a column of long quotes costs as much as
    reading it; looking at the first and last characters of each string first costs next to
    nothing, and spreadsheets rarely leave spaces, so the copy is usually skipped. `chunks`
    is the column's arrow data when the caller has already read it.
    """
    if not pd.api.types.is_string_dtype(series.dtype) or not len(series):
        return series
    if chunks is None:
        chunks = _text_chunks(series)
    return series.str.strip() if _edge_may_be_space(chunks) else series


# Every character Python's str.strip() (and arrow's, the same set) removes, by the length of
# its UTF-8 encoding; tests check the list against all of Unicode.
_SPACE_CHARS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPACE_BYTE = np.zeros(256, dtype=bool)
_SPACE_BYTE[[ord(char) for char in _SPACE_CHARS if ord(char) < 0x80]] = True
# The multi-byte spaces as big-endian integers of their UTF-8 bytes, by width (2 or 3).
_WIDE_SPACES = {
    width: np.array(
        sorted(
            int.from_bytes(char.encode(), "big")
            for char in _SPACE_CHARS
            if len(char.encode()) == width
        ),
        dtype=np.int64,
    )
    for width in (2, 3)
}
# The bytes at either end of the multi-byte spaces, and the ones next to those: a string's
# first or last two or three bytes are looked at only when they could belong to one.
_WIDE_ENCODED = [char.encode() for char in _SPACE_CHARS if ord(char) >= 0x80]
_WIDE_FIRST, _WIDE_SECOND, _WIDE_PENULTIMATE, _WIDE_LAST = (
    np.isin(np.arange(256), [encoded[index] for encoded in _WIDE_ENCODED])
    for index in (0, 1, -2, -1)
)
# ASCII whitespace is all at or below the space; a byte above it rules a string end out.
_HIGHEST_ASCII_SPACE = max(ord(char) for char in _SPACE_CHARS if ord(char) < 0x80)


class _TextChunk(NamedTuple):
    """A chunk of an arrow text column, read in place."""

    text: np.ndarray  # its bytes, up to the end of its last string
    starts: np.ndarray  # where each of its strings starts in `text`
    ends: np.ndarray  # and ends


def _text_chunks(series: pd.Series) -> list[_TextChunk] | None:
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
        chunks.append(_TextChunk(text[: offsets[-1]], offsets[:-1], offsets[1:]))
    return chunks


def _edges(chunk: _TextChunk) -> tuple[np.ndarray, np.ndarray]:
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


def _may_start_with(chunks: list[_TextChunk] | None, byte: int) -> bool:
    """Whether some string starts with this (ASCII) byte; True when that cannot be read off."""
    if chunks is None:
        return True
    return any(bool((chunk.text[_edges(chunk)[0]] == byte).any()) for chunk in chunks)


def _edge_may_be_space(chunks: list[_TextChunk] | None) -> bool:
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


def _rows_of(series: pd.Series, rows: np.ndarray) -> pd.Series:
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


def _column_or_blank(frame: pd.DataFrame, name: str, count: int) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([""] * count, dtype="str")


# Codes of a column's distinct values (as pandas.factorize gives them) and how many there are.
Coded = tuple[np.ndarray, int]
# Columns of a few distinct values (dates, vocabulary words): coded once, checked per value.
_DATE_COLUMNS = ("as_of", "published")
_VOCABULARY_COLUMNS = ("metric", "group", "qualifier", "affiliation")


def _counts(text: pd.Series, column: str, collector: _Collector) -> np.ndarray:
    """Parse a (stripped) count column into float64 (NaN where empty or invalid)."""
    out = np.full(len(text), np.nan)
    filled = np.flatnonzero(np.asarray(pc.greater(pc.binary_length(pa.array(text)), 0)))
    if len(filled) < len(text) // 2:  # mostly empty, as value_high is: look at the rest only
        out[filled] = _filled_counts(_rows_of(text, filled), column, collector, filled)
    else:
        out[:] = _filled_counts(text, column, collector, None)
    return out


def _filled_counts(
    text: pd.Series, column: str, collector: _Collector, positions: np.ndarray | None
) -> np.ndarray:
    """`_counts` of cells whose table rows are `positions` (None: all of them, in order)."""
    out = np.full(len(text), np.nan)
    # Plain digits, and digits with spreadsheet thousands commas, are converted in bulk: at
    # most 12 digits is always within MAX_VALUE, so check_count would accept each of them and
    # give the same number. Anything else goes through check_count for its verdict. Plain
    # digits, nearly every cell, are told by arrow's digit test and length, which cost far
    # less than a regular expression per cell.
    cells = pa.array(text)
    lengths = pc.binary_length(cells)
    plain = pc.and_(pc.ascii_is_decimal(cells), pc.less_equal(lengths, 12))
    bulk = np.asarray(plain, dtype=bool)
    if bulk.all():
        return pc.cast(cells, pa.int64()).to_numpy().astype(np.float64)
    if bulk.any():
        out[bulk] = pc.cast(pc.filter(cells, plain), pa.int64()).to_numpy()
    rest = np.flatnonzero(~bulk & np.asarray(pc.greater(lengths, 0), dtype=bool))
    if len(rest):
        thousands = _rows_of(text, rest).str.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3}){1,3}")
        bulk = thousands.to_numpy(dtype=bool)
        if bulk.any():
            digits = pc.replace_substring(pa.array(_rows_of(text, rest[bulk])), ",", "")
            out[rest[bulk]] = pc.cast(digits, pa.int64()).to_numpy()
            rest = rest[~bulk]
    if len(rest):
        rows = rest if positions is None else positions[rest]
        cells = _rows_of(text, rest)
        codes, parsed = _apply_rule(cells, check_count, column, collector, positions=rows)
        lookup = np.array([np.nan if p is None else float(p) for p in parsed])
        out[rest] = lookup[codes]
    return out


def _moments(
    cells: pd.Series, column: str, collector: _Collector, coded: tuple[np.ndarray, pd.Index]
) -> tuple[np.ndarray, np.ndarray]:
    """Parse a date column (as written): the moments, and whether each has a time of day."""
    codes, parsed = _apply_rule(
        cells,
        lambda cell: check_moment(cell, column),
        column,
        collector,
        coded=coded,
        strip=True,
    )
    # One conversion of the distinct moments (None is NaT); numpy's per-datetime one is slow.
    moments = [None if p is None else p[0] for p in parsed]
    stamps = pd.DatetimeIndex(moments, dtype="datetime64[ns]").to_numpy()
    timed = np.array([bool(p and p[1]) for p in parsed], dtype=bool)
    return stamps[codes], timed[codes]


def _choices(
    cells: pd.Series,
    choices: tuple[str, ...],
    code: str,
    what: str,
    where: str,
    default: str | None,
    column: str,
    collector: _Collector,
    coded: tuple[np.ndarray, pd.Index],
) -> pd.Series:
    """Resolve a vocabulary column (as written) to the vocabulary's words."""

    def rule(cell: str) -> str:
        return check_choice(cell, choices, code, what, where)

    codes, parsed = _apply_rule(cells, rule, column, collector, coded=coded, strip=True)
    words = [default if p is None else p for p in parsed]
    if words == coded[1].tolist():
        return cells  # every cell already reads as its word
    # Spread the few resolved words back with a take in arrow; building the column from
    # Python strings would cost a conversion per row.
    taken = pa.array(words, pa.large_string()).take(pa.array(codes))
    return pd.Series(pd.array(taken, dtype="str"))


def _urls(series: pd.Series, collector: _Collector) -> None:
    plain = _plain_urls(series)
    if plain is None:  # not plain arrow text: a regular expression tells the same
        plain = series.str.fullmatch(_PLAIN_URL_RE).to_numpy(dtype=bool)
    rest = np.flatnonzero(series.ne("").to_numpy(dtype=bool) & ~plain)
    if len(rest):
        _apply_rule(_rows_of(series, rest), check_url, "url", collector, positions=rest)


# Plain printable-ASCII http(s) addresses: a subset of what check_url accepts, picked out in
# bulk; every other non-empty cell goes through check_url itself.
_PLAIN_URL_RE = r"(?i)https?://[!-\"$-.0-9:->@-~]+[!-~]*"


def _plain_urls(series: pd.Series) -> np.ndarray | None:
    """Which cells are plain http(s) addresses, read off the arrow bytes (None: not arrow text).

    These are the ASCII cells _PLAIN_URL_RE matches (its case folding also lets in a few
    non-ASCII letters, such as the long s for "s"; those go to check_url like any other
    cell). A regular expression per cell costs several times what these few comparisons on
    the bytes do: "http://" or "https://" in any case, then a byte that is not "/", "?" or
    "#", and no byte outside printable ASCII (space excluded) anywhere.
    """
    chunks = _text_chunks(series)
    if chunks is None:
        return None
    return np.concatenate([_chunk_plain_urls(chunk) for chunk in chunks] or [np.empty(0, bool)])


def _chunk_plain_urls(chunk: _TextChunk) -> np.ndarray:
    text, starts = chunk.text, chunk.starts
    lengths = chunk.ends - starts
    plain = np.zeros(len(starts), dtype=bool)
    rows = np.flatnonzero(lengths >= len("http://x"))
    if not len(rows):
        return plain
    begin = starts[rows]

    def at(step: int) -> np.ndarray:
        return text[begin + step]

    def letter(step: int, char: str) -> np.ndarray:  # either case: only 'X' | 0x20 == 'x'
        return at(step) | 0x20 == ord(char)

    http = letter(0, "h") & letter(1, "t") & letter(2, "t") & letter(3, "p")
    insecure = http & (at(4) == ord(":")) & (at(5) == ord("/")) & (at(6) == ord("/"))
    secure = http & letter(4, "s") & (at(5) == ord(":")) & (at(6) == ord("/"))
    secure &= (at(7) == ord("/")) & (lengths[rows] > len("https://"))
    host = text[np.where(secure, begin + 8, begin + 7)]
    plain[rows] = (insecure | secure) & (host != ord("/")) & (host != ord("?")) & (host != ord("#"))
    first = int(starts[0])  # a sliced chunk's buffer may begin with others' strings
    outside = np.flatnonzero((text[first:] < ord("!")) | (text[first:] > ord("~"))) + first
    if len(outside):  # the strings holding a byte outside printable ASCII, or a space
        plain[np.searchsorted(chunk.ends, outside, side="right")] = False
    return plain


# Columns in the order the duplicate search looks at them: cheap ones that tell rows apart
# first, the long quote last, by which time few rows are left to compare.
_REPEAT_ORDER = (
    "as_of",
    "value",
    "metric",
    "place",
    "reported_by",
    "published",
    "group",
    "qualifier",
    "value_high",
    "affiliation",
    "outlet",
    "url",
    "notes",
    "quote",
)


def _repeats(columns: list[pd.Series | Coded], rows: np.ndarray | None = None) -> np.ndarray:
    """For each row, the position of the first row identical to it in every column.

    A column comes as its cells or, when the rules have already coded its distinct values,
    as those codes. The coded columns are combined first (plain arithmetic); then rows still
    equal to some other row are narrowed column by column: once a row differs from all others
    in one column it cannot repeat anything, and most rows drop out after a column or two, so
    the long text columns are compared for a handful of rows. `rows` (ascending), when
    given, are the only rows that may repeat another (see `_maybe_repeated`).
    """
    count = next(len(c[0]) if isinstance(c, tuple) else len(c) for c in columns)
    first = np.arange(count)
    candidates = first.copy() if rows is None else rows
    group, groups = np.zeros(len(candidates), dtype=np.int64), 1
    for codes, size in (c for c in columns if isinstance(c, tuple)):
        if groups * max(size, 1) >= 2**62:  # keep the mixed-radix key inside int64
            group, uniques = pd.factorize(group)
            groups = len(uniques)
        codes = codes if rows is None else codes[rows]
        group, groups = group * max(size, 1) + codes, groups * max(size, 1)
    cells = [c for c in columns if not isinstance(c, tuple)]
    for round_ in range(len(cells) + 1):
        if round_:  # the first round narrows by the coded columns only
            series = cells[round_ - 1]
            values = series if len(candidates) == count else _rows_of(series, candidates)
            codes, uniques = pd.factorize(values, use_na_sentinel=False)
            group = group * len(uniques) + codes
        group, _ = pd.factorize(group)
        shared = np.bincount(group)[group] > 1
        candidates, group = candidates[shared], group[shared]
        if len(candidates) < 2:
            return first
    _, first_index, inverse = np.unique(group, return_index=True, return_inverse=True)
    first[candidates] = candidates[first_index][inverse]
    return first


def _maybe_repeated(coded: list[Coded], numbers: list[np.ndarray]) -> np.ndarray:
    """The rows whose codes and numbers all equal another row's, and perhaps a few more.

    Rows identical as written share their codes and anything parsed from them, so this is
    every row that can repeat another; `_repeats` then compares just these, exactly. On a
    big file nearly every row is unique, and coding the combination of a million rows (a
    hash table the size of the file) costs several times what this does: each row's values
    are hashed into the high bits of one integer with the row's position in the low bits,
    one sort brings equal hashes together, and neighbours with the same hash are the rows
    wanted. A collision of two hashes only adds rows that the exact comparison then drops.
    """
    count = len(coded[0][0]) if coded else len(numbers[0])
    position_bits = max(1, (count - 1).bit_length())
    with np.errstate(over="ignore"):  # wrapping around is part of hashing
        key = np.zeros(count, dtype=np.uint64)
        for codes, size in coded:  # mixed radix, wrapping: equal rows still get equal keys
            key = key * np.uint64(max(size, 1)) + codes.astype(np.uint64)
        for values in numbers:
            key = _mixed(key) ^ values.view(np.uint64)
        key = _mixed(key) >> np.uint64(position_bits) << np.uint64(position_bits)
    key |= np.arange(count, dtype=np.uint64)
    key.sort()
    hashes = key >> np.uint64(position_bits)
    same = hashes[1:] == hashes[:-1]
    repeated = np.zeros(count, dtype=bool)
    repeated[1:] |= same
    repeated[:-1] |= same
    positions = key[repeated] & np.uint64((1 << position_bits) - 1)
    return np.sort(positions).astype(np.int64)


def _mixed(values: np.ndarray) -> np.ndarray:
    """A 64-bit mix of each value (splitmix64's finaliser): nearby inputs spread apart."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


# Below this many rows a second thread costs more than it saves.
_THREADED_ROWS = 50_000


# A column coded by pandas.factorize: each row's code, and the distinct values.
Factorized = tuple[np.ndarray, pd.Index]


@dataclass
class _Dates:
    """What the date rules give back."""

    factorized: dict[str, Factorized]  # as_of and published, as written
    as_of: np.ndarray
    as_of_has_time: np.ndarray
    published: np.ndarray


@dataclass
class _Words:
    """What the vocabulary rules give back."""

    factorized: dict[str, Factorized]  # metric, group, qualifier, affiliation, as written
    words: dict[str, pd.Series]  # the same columns resolved to the vocabulary's words


def _missing(empty: np.ndarray, name: str, collector: _Collector) -> None:
    for index in np.flatnonzero(empty):
        collector.add(
            int(index), "missing-value", name, "", f"{name} is empty; every row needs one"
        )


def _coded(
    column: Callable[[str], pd.Series], names: tuple[str, ...], collector: _Collector
) -> dict[str, Factorized]:
    """Columns coded as written, with an error for each empty required cell.

    Required cells are checked first: an empty required cell gets one clear error, not a
    second from its column's rule (which skips empty cells).
    """
    factorized = {name: pd.factorize(column(name), use_na_sentinel=False) for name in names}
    for name in names:
        if name in REQUIRED_COLUMNS:
            codes, uniques = factorized[name]
            blank = np.array([cell.strip() == "" for cell in uniques.tolist()], dtype=bool)
            _missing(blank[codes], name, collector)
    return factorized


def _check_dates(column: Callable[[str], pd.Series], collector: _Collector) -> _Dates:
    """The date columns: missing values, then each distinct date's rule."""
    factorized = _coded(column, _DATE_COLUMNS, collector)
    as_of, as_of_has_time = _moments(column("as_of"), "as_of", collector, factorized["as_of"])
    published, _ = _moments(column("published"), "published", collector, factorized["published"])
    return _Dates(factorized, as_of, as_of_has_time, published)


def _check_vocabulary(
    column: Callable[[str], pd.Series], vocabulary: Vocabulary, collector: _Collector
) -> _Words:
    """The vocabulary columns: missing values, then each distinct word's rule."""
    factorized = _coded(column, _VOCABULARY_COLUMNS, collector)
    vocabularies = {
        "metric": (tuple(vocabulary.metrics), " (add it to data/metrics.csv if it is new)", None),
        "group": (
            tuple(vocabulary.groups),
            " (add it to data/groups.csv if it is new)",
            DEFAULT_GROUP,
        ),
        "qualifier": (QUALIFIERS, "", DEFAULT_QUALIFIER.value),
        "affiliation": (AFFILIATIONS, "", None),
    }
    words = {
        name: _choices(
            column(name),
            choices,
            f"unknown-{name}",
            name,
            where,
            default,
            name,
            collector,
            factorized[name],
        )
        for name, (choices, where, default) in vocabularies.items()
    }
    return _Words(factorized, words)


def validate_table(table: RawTable, vocabulary: Vocabulary) -> LoadResult:
    """Check every record of a parsed table against the contract."""
    errors = list(table.errors)
    if any(error.file_level for error in errors):
        return LoadResult(rows=empty_rows(), errors=errors)
    missing = [name for name in REQUIRED_COLUMNS if name not in table.header]
    if missing:
        for name in missing:
            close = difflib.get_close_matches(name, table.header, n=1, cutoff=0.6)
            hint = f"; is {close[0]!r} meant to be {name!r}?" if close else ""
            errors.append(
                ValidationError(
                    "missing-column",
                    1,
                    name,
                    "",
                    f"the header has no {name!r} column, which every row needs{hint}",
                )
            )
        return LoadResult(rows=empty_rows(), errors=errors)
    for name in table.header:
        if name not in COLUMNS and name != "":
            close = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            errors.append(
                ValidationError(
                    "unknown-column",
                    1,
                    name,
                    name,
                    f"{name!r} is not a column of the contract, so its values are ignored{hint}",
                )
            )
    frame = table.frame
    count = len(frame)
    collector = _Collector(table.lines)
    if count == 0:
        return LoadResult(rows=empty_rows(), errors=errors, record_count=0)

    def column(name: str) -> pd.Series:
        return _column_or_blank(frame, name, count)

    # Every cell as the rules see it. Text columns are stripped, without a formula apostrophe
    # (removed before stripping, as the writer added it before the text); counts are
    # stripped; date and vocabulary columns stay as written and each distinct value is
    # stripped by its rule, which is cheaper than stripping a million cells that repeat.
    text: dict[str, pd.Series] = {}
    counts: dict[str, np.ndarray] = {}

    def check_text(name: str, errors: _Collector) -> None:
        series = column(name)
        chunks = _text_chunks(series)  # read once for both looks at first bytes
        if _may_start_with(chunks, _APOSTROPHE):
            series = series.str.replace(_FORMULA_ESCAPE_RE, "", regex=True)
            chunks = None
        text[name] = _stripped(series, chunks)
        if name in REQUIRED_COLUMNS:
            _missing(text[name].eq("").to_numpy(dtype=bool), name, errors)
        if name == "url":
            _urls(text[name], errors)

    def check_count(name: str, errors: _Collector) -> None:
        text[name] = _stripped(column(name))
        if name in REQUIRED_COLUMNS:
            _missing(text[name].eq("").to_numpy(dtype=bool), name, errors)
        counts[name] = _counts(text[name], name, errors)

    def find_repeats(words: _Words, dates: _Dates) -> np.ndarray:
        # Exact repeats of an earlier record (as written) are kept out: the first copy
        # counts. Only rows that share their date and vocabulary codes (as written) and
        # their value with another row can be one, and on a big file those are few.
        factorized = {**words.factorized, **dates.factorized}
        coded = {name: (codes, len(uniques)) for name, (codes, uniques) in factorized.items()}
        rows = _maybe_repeated(list(coded.values()), [counts["value"]])
        return _repeats(
            [coded.get(name, frame[name]) for name in _REPEAT_ORDER if name in frame.columns],
            rows,
        )

    # Independent checks, each with its own errors (joined in a fixed order after), so that
    # on a big table two threads can share them out as each comes free: their work is in
    # arrow and numpy, which release the GIL. The duplicate search waits for the three it
    # needs, which go first.
    checks: dict[str, Callable[[_Collector], object]] = {
        "dates": lambda errors: _check_dates(column, errors),
        "vocabulary": lambda errors: _check_vocabulary(column, vocabulary, errors),
        "value": lambda errors: check_count("value", errors),
        **{name: functools.partial(check_text, name) for name in TEXT_COLUMNS},
        "value_high": lambda errors: check_count("value_high", errors),
    }
    found = {name: _Collector(table.lines) for name in checks}
    if count >= _THREADED_ROWS:
        with ThreadPoolExecutor(max_workers=2) as pool:
            pending = {name: pool.submit(check, found[name]) for name, check in checks.items()}
            results = {name: pending[name].result() for name in ("dates", "vocabulary", "value")}
            first = find_repeats(results["vocabulary"], results["dates"])
            results.update((name, future.result()) for name, future in pending.items())
    else:
        results = {name: check(found[name]) for name, check in checks.items()}
        first = find_repeats(results["vocabulary"], results["dates"])
    for check_errors in found.values():
        collector.absorb(check_errors)
    dates, words = results["dates"], results["vocabulary"]
    assert isinstance(dates, _Dates) and isinstance(words, _Words)
    as_of, as_of_has_time = dates.as_of, dates.as_of_has_time
    published, value, value_high = dates.published, counts["value"], counts["value_high"]
    metric, group, qualifier, affiliation = (
        words.words["metric"],
        words.words["group"],
        words.words["qualifier"],
        words.words["affiliation"],
    )

    # Rules across cells.
    is_range = qualifier.eq(Qualifier.RANGE.value).to_numpy(dtype=bool)
    high_given = column("value_high")
    high_present = text["value_high"].ne("").to_numpy(dtype=bool)
    for index in np.flatnonzero(is_range & ~high_present):
        collector.add(
            int(index),
            "range-without-high",
            "value_high",
            "",
            "qualifier is 'range' but value_high is empty; put the upper end there "
            "('five to six' is value 5, value_high 6)",
        )
    for index in np.flatnonzero(~is_range & high_present):
        collector.add(
            int(index),
            "high-without-range",
            "value_high",
            str(high_given.iloc[index]),
            "value_high is only for qualifier 'range'; clear it or set qualifier to 'range'",
        )
    with np.errstate(invalid="ignore"):
        inverted = is_range & (value_high < value)
    for index in np.flatnonzero(inverted):
        collector.add(
            int(index),
            "bad-range",
            "value_high",
            f"{int(value_high[index])}",
            f"the range's upper end {int(value_high[index]):,} is below its lower end "
            f"{int(value[index]):,}; swap them",
        )
    as_of_day = as_of.astype("datetime64[D]")
    early = (~np.isnat(published)) & (~np.isnat(as_of)) & (published < as_of_day)
    for index in np.flatnonzero(early):
        collector.add(
            int(index),
            "published-before-as-of",
            "published",
            str(column("published").iloc[index]),
            f"published {str(published[index])[:10]} is before as_of {as_of_day[index]!s}; "
            "as_of is when the figure holds, so it cannot be after its publication",
        )

    for index in np.flatnonzero(first != np.arange(count)):
        collector.add(
            int(index),
            "duplicate-row",
            "",
            "",
            f"this row repeats line {table.lines[first[index]]} cell for cell; delete one copy",
        )

    good = ~collector.bad
    everything = bool(good.all())

    def kept(series: pd.Series) -> pd.Series:
        # Arrow-backed columns are filtered in arrow; nothing to do when every row is good.
        return series if everything else series[good].reset_index(drop=True)

    def kept_array(values: np.ndarray) -> np.ndarray:
        return values if everything else values[good]

    high = kept_array(value_high)
    rows = pd.DataFrame(
        copy=False,  # the columns are fresh or unchanged arrow data; copying costs a pass
        data={
            "line": kept_array(table.lines).astype(np.int64, copy=False),
            "as_of": kept_array(as_of),
            "as_of_has_time": kept_array(as_of_has_time),
            "metric": kept(metric),
            "group": kept(group),
            "qualifier": kept(qualifier),
            "value": kept_array(value).astype(np.int64),
            "value_high": pd.arrays.IntegerArray(
                np.where(np.isnan(high), 0, high).astype(np.int64), np.isnan(high)
            ),
            "place": kept(text["place"]),
            "reported_by": kept(text["reported_by"]),
            "affiliation": kept(affiliation),
            "outlet": kept(text["outlet"]),
            "published": kept_array(published),
            "url": kept(text["url"]),
            "quote": kept(text["quote"]),
            "notes": kept(text["notes"]),
        },
    )
    errors += sorted(collector.errors, key=lambda error: (error.line or 0, error.column))
    return LoadResult(rows=rows, errors=errors, record_count=count)


def load_figures(path: str | Path, vocabulary: Vocabulary | None = None) -> LoadResult:
    """Load a figures CSV: the valid rows as a typed DataFrame, and every error found.

    Never raises on bad input: a missing, unreadable, empty or non-UTF-8 file comes back as a
    file-level error with no rows.
    """
    path = Path(path)
    if vocabulary is None:
        vocabulary = load_vocabulary(vocabulary_dir_for(path))
    try:
        table = read_file(path)
    except FileNotFoundError:
        error = ValidationError(
            "file-not-found", None, "", str(path), f"there is no file at {path}"
        )
        return LoadResult(rows=empty_rows(), errors=[error], path=path)
    except OSError as exc:
        error = ValidationError(
            "unreadable-file", None, "", str(path), f"cannot read {path}: {exc.strerror}"
        )
        return LoadResult(rows=empty_rows(), errors=[error], path=path)
    result = validate_table(table, vocabulary)
    result.path = path
    return result


def load_bytes(raw: bytes, vocabulary: Vocabulary) -> LoadResult:
    """Load CSV bytes: what `load_figures` gives for a file holding them."""
    return validate_table(read_table(raw), vocabulary)
