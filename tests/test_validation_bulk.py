"""The bulk path's shortcuts give what the rules they stand in for give.

The loader checks a million cells by reading arrow's bytes instead of calling a rule or a
regular expression per cell; each shortcut is tested here against what it replaces, on
strings picked to sit on its edges (multi-byte spaces, mixed case, sliced arrow chunks).
"""

from __future__ import annotations

import csv
import io
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from figures.validation import arrow_text as text_bytes
from figures.validation import empty_rows, repeats, table, urls
from tests.support import load


def arrow_text(strings: list[str], sliced: bool) -> pd.Series:
    """A text column as the loader gets it: arrow-backed, in chunks, sliced when asked."""
    if sliced:  # chunks that view part of a bigger buffer, as filtering and slicing leave
        padded = pa.array(["before", *strings, "after"], pa.large_string())
        chunks = [padded.slice(1, len(strings) // 2), padded.slice(1 + len(strings) // 2)]
        chunks[1] = chunks[1].slice(0, len(strings) - len(strings) // 2)
    else:
        chunks = [pa.array(strings, pa.large_string())]
    return pd.Series(pd.array(pa.chunked_array(chunks, pa.large_string()), dtype="str"))


# ---------------------------------------------------------------------------------------------
# Surrounding whitespace, read off the first and last bytes.


def test_the_space_characters_are_what_str_strip_removes() -> None:
    removed = {
        chr(code)
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF and chr(code).strip() == ""
    }
    assert removed == set(text_bytes.SPACE_CHARS)


_PIECES = st.sampled_from(
    [*text_bytes.SPACE_CHARS, "a", "é", "Ա", "։", "€", "\u2028x", "x\u200a", "", "'", "\u3001"]
)


@given(st.lists(st.lists(_PIECES, max_size=4).map("".join), min_size=1, max_size=8), st.booleans())
def test_edge_spaces_are_found_whenever_strip_would_change_a_string(
    strings: list[str], sliced: bool
) -> None:
    series = arrow_text(strings, sliced)
    may = text_bytes.edge_may_be_space(text_bytes.text_chunks(series))
    # Exact on valid UTF-8: an empty string reads its neighbours' edges, which are read anyway,
    # and no byte next to a string can complete a space at its edge.
    assert may == any(string.strip() != string for string in strings)


def test_no_edge_space_is_no_strip() -> None:
    series = arrow_text(["a b", "Գորիս", "Степанакерт", "", "x\u2009y", "é"], sliced=False)
    assert not text_bytes.edge_may_be_space(text_bytes.text_chunks(series))
    for space in ("\u2009", "\xa0", "\u3000", " ", "\u0085"):
        for string in (space + "a", "a" + space, "Ա" + space, space + "Գ"):
            series = arrow_text(["b", string, ""], sliced=True)
            assert text_bytes.edge_may_be_space(text_bytes.text_chunks(series)), string


@given(st.lists(st.text(max_size=5), min_size=1, max_size=8), st.booleans())
def test_a_leading_apostrophe_is_found_whenever_there_is_one(
    strings: list[str], sliced: bool
) -> None:
    chunks = text_bytes.text_chunks(arrow_text(strings, sliced))
    assert text_bytes.may_start_with(chunks, ord("'")) == any(s.startswith("'") for s in strings)


# ---------------------------------------------------------------------------------------------
# Plain http(s) addresses, told in bulk.

_URL_PIECES = st.sampled_from(
    [
        *("http", "HTTP", "hTtPs", "https", "://", ":/", "/", "?", "#", ".", "s", "S", ":"),
        *("a", "example.org", "~", "!", '"', " ", "\t", "é", "ſ", "\x1a", "\x7f", "%20"),
        *("(", ")", "[", "]", "<", ">", "'", "`", "\\", "{", "|"),
    ]
)


@given(
    st.lists(st.lists(_URL_PIECES, max_size=6).map("".join), min_size=1, max_size=8), st.booleans()
)
def test_plain_urls_are_what_the_regular_expression_says(strings: list[str], sliced: bool) -> None:
    series = arrow_text(strings, sliced)
    matched = series.str.fullmatch(urls.PLAIN_URL_RE).to_numpy(dtype=bool)
    plain = urls.plain_urls(series)
    assert plain is not None
    # The regular expression's case folding lets "ſ" stand for "s"; the bytes take ASCII only.
    ascii_only = [string.isascii() for string in strings]
    assert plain.tolist() == (matched & ascii_only).tolist()
    for string, accepted in zip(strings, plain, strict=True):
        if accepted:  # a subset of what the rule accepts
            assert urls.check_url(string) == string


# ---------------------------------------------------------------------------------------------
# What the bulk path gives back.


def test_loaded_rows_have_the_typed_columns_whatever_loads() -> None:
    expected = empty_rows().dtypes.to_dict()
    header = "as_of,metric,value,reported_by,affiliation,outlet,quote,published,url"
    for body in (
        "2023-09-30T20:00,fled,5,X,armenia,AFP,five,2023-10-01,https://a.org\n",
        "2023-09-30,fled,5,X,armenia,AFP,five,,\n2023-09-31,fled,x,X,armenia,AFP,six,,\n",
        "",
    ):
        result = load(f"{header}\n{body}")
        assert result.rows.dtypes.to_dict() == expected, body


# ---------------------------------------------------------------------------------------------
# Duplicate rows: only rows that share their codes and value with another are compared.

_CELLS = {
    "as_of": st.sampled_from(["2023-09-30", "2023-09-30 ", "2023-10-01", "x"]),
    "metric": st.sampled_from(["fled", "Fled", "arrived"]),
    "value": st.sampled_from(["1000", "1,000", "01000", "7", "", "x", "y"]),
    "reported_by": st.sampled_from(["A", "B", " A"]),
    "affiliation": st.sampled_from(["un", "ngo"]),
    "outlet": st.sampled_from(["O"]),
    "quote": st.sampled_from(["q", "r"]),
}


@given(
    st.lists(st.fixed_dictionaries(_CELLS), min_size=1, max_size=30),
    st.sampled_from([0, 10**9]),
)
def test_duplicate_rows_are_the_rows_written_exactly_as_an_earlier_one(
    records: list[dict[str, str]], threaded_rows: int
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CELLS)
    writer.writerows(record.values() for record in records)
    default = table.THREADED_ROWS
    table.THREADED_ROWS = threaded_rows  # 0: every check shared out between threads
    try:
        result = load(buffer.getvalue())
    finally:
        table.THREADED_ROWS = default
    written = [tuple(record.values()) for record in records]
    expected = {
        (index + 2, f"this row repeats line {written.index(cells) + 2} cell for cell")
        for index, cells in enumerate(written)
        if written.index(cells) != index
    }
    found = {
        (error.line, error.message.split(";")[0])
        for error in result.errors
        if error.code == "duplicate-row"
    }
    assert found == expected


def test_maybe_repeated_finds_every_row_that_shares_its_codes_and_numbers() -> None:
    rng = np.random.default_rng(5)
    count = 5000
    coded = [(rng.integers(0, size, count), size) for size in (3, 50, 7)]
    numbers = [rng.choice([0.0, 1.5, np.nan, 1e12], count)]
    rows = repeats.maybe_repeated(coded, numbers)
    keys = list(zip(*(codes for codes, _ in coded), numbers[0].view(np.uint64), strict=True))
    seen: dict[tuple[object, ...], int] = {}
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
    assert rows.tolist() == [index for index, key in enumerate(keys) if seen[key] > 1]


@given(
    st.lists(st.text(max_size=3), min_size=1, max_size=12),
    st.data(),
    st.booleans(),
)
def test_rows_of_a_column_in_chunks_are_the_rows_iloc_gives(
    strings: list[str], data: st.DataObject, sliced: bool
) -> None:
    series = arrow_text(strings, sliced)
    rows = sorted(data.draw(st.sets(st.integers(0, len(strings) - 1))))
    taken = text_bytes.rows_of(series, np.array(rows, dtype=np.int64))
    assert taken.tolist() == [strings[row] for row in rows]
    assert taken.dtype == series.dtype
