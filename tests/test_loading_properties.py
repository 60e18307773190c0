"""Properties of the loader over inputs nobody would think to write by hand.

- Arbitrary bytes never make it raise: whatever the file, the answer is rows and errors.
- Arbitrary valid rows, written the way a spreadsheet or the csv module writes them (any
  column order, LF or CRLF, with or without BOM, any Unicode text), all come back, with the
  values written and the line each starts on in an editor.
- Whenever the fast reader accepts a file, the careful reader reads the same table with the
  same line numbers, so which reader ran never changes a verdict.
- A file loads as its bytes do, however the survey cuts them into blocks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from figures import loading

# How the tool writes text a spreadsheet would run (one apostrophe, which the loader removes).
from figures.cells import escape_formula
from figures.contract import COLUMNS, Qualifier
from figures.errors import CATALOGUE
from figures.loading import fast, first_record, normalise_header, read_careful, read_fast, reader
from figures.validation import MAX_VALUE, LoadResult, load_figures
from figures.validation.rules import FIRST_YEAR, LAST_YEAR
from tests.support import VOCABULARY, contract_row, flat, load

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# ---------------------------------------------------------------------------------------------
# Any bytes.

# Bytes that make CSV structure (separators, quotes, line ends, BOM, bad UTF-8) far more often
# than uniform bytes would, glued to a real header so the row paths run too.
_CSV_BYTES = st.lists(
    st.sampled_from(
        [
            *(b",", b'"', b"\n", b"\r", b"\r\n", b" ", b"a", b"1", b"-", b"'", b"="),
            *(b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\xd5\xa1"),
            *(b"2023-09-30", b"fled", b"armenia", b"range"),
        ]
    ),
    max_size=60,
).map(b"".join)
_HEADERS = st.sampled_from(
    [b"", b"as_of,metric,value,reported_by,affiliation,outlet,quote\n", ",".join(COLUMNS).encode()]
)


def assert_well_formed(result: LoadResult) -> None:
    for error in result.errors:
        assert error.code in CATALOGUE
        assert error.line is None or error.line >= 1
        assert isinstance(error.message, str) and error.message
    assert list(result.rows["line"]) == sorted(set(result.rows["line"]))
    assert len(result.rows) <= result.record_count or result.record_count == 0


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    assert_well_formed(load(raw))


@given(_HEADERS, _CSV_BYTES)
def test_csv_like_bytes_never_raise(header: bytes, body: bytes) -> None:
    result = load(header + b"\n" + body if header and not header.endswith(b"\n") else header + body)
    assert_well_formed(result)


# ---------------------------------------------------------------------------------------------
# Any valid rows.


@dataclass(frozen=True)
class Figure:
    cells: dict[str, str]  # as written to the file
    as_of: dt.datetime
    has_time: bool
    value: int
    value_high: int | None
    published: dt.date | None
    texts: dict[str, str]  # as the loader must give them back


_TEXT_COLUMNS = ("place", "reported_by", "outlet", "quote", "notes")
_REQUIRED_TEXT = ("reported_by", "outlet", "quote")
# Any character a valid cell may hold: all but control characters (line breaks aside), which
# the checker refuses (figures.cells.CONTROL_CHARS).
_CONTROLS = [chr(code) for code in (*range(0x20), 0x7F) if chr(code) not in "\r\n"]
_CELL_CHARS = st.characters(codec="utf-8", exclude_characters=_CONTROLS)
# Any text with at least one character that is not blank, so a required cell is never empty.
_REQUIRED = st.tuples(
    st.text(_CELL_CHARS, max_size=20),
    _CELL_CHARS.filter(lambda c: not c.isspace()),
    st.text(_CELL_CHARS, max_size=20),
).map("".join)
_HOSTS = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z]{2,6}){1,2}", fullmatch=True)
# Brackets come in pairs, as in a Wikipedia title; quotes never (see figures.cells).
_PATHS = st.from_regex(
    r"(/[A-Za-z0-9._~%!$&*+,;=:@-]{0,12}(\([A-Za-z0-9_]{0,6}\))?){0,3}(\?[a-z=&0-9]{0,10})?",
    fullmatch=True,
)


@st.composite
def figures(draw: st.DrawFn) -> Figure:
    # Every day the contract accepts (docs/data-contract.md: years 1900 to 2100).
    day = draw(st.dates(min_value=dt.date(FIRST_YEAR, 1, 1), max_value=dt.date(LAST_YEAR, 12, 31)))
    has_time = draw(st.booleans())
    as_of = dt.datetime(day.year, day.month, day.day)
    as_of_text = day.isoformat()
    if has_time:
        as_of = as_of.replace(hour=draw(st.integers(0, 23)), minute=draw(st.integers(0, 59)))
        as_of_text += draw(st.sampled_from("T ")) + as_of.strftime("%H:%M")
    qualifier = draw(st.sampled_from([*(q.value for q in Qualifier), ""]))
    value = draw(st.integers(0, MAX_VALUE))
    value_high = draw(st.integers(value, MAX_VALUE)) if qualifier == "range" else None

    def count_text(number: int | None) -> str:
        if number is None:
            return ""
        return draw(st.sampled_from([str(number), f"{number:,}"]))

    published = None
    if draw(st.booleans()):
        last = (dt.date(LAST_YEAR, 12, 31) - day).days  # published also falls in the span
        published = day + dt.timedelta(days=draw(st.integers(0, min(400, last))))
    url = ""
    if draw(st.booleans()):
        url = (
            draw(st.sampled_from(["http://", "https://", "HTTPS://"])) + draw(_HOSTS) + draw(_PATHS)
        )
    texts = {
        name: draw(_REQUIRED if name in _REQUIRED_TEXT else st.text(_CELL_CHARS, max_size=40))
        for name in _TEXT_COLUMNS
    }
    cells = {
        "as_of": as_of_text,
        "metric": draw(st.sampled_from(sorted(VOCABULARY.metrics))),
        "group": draw(st.sampled_from(["", *sorted(VOCABULARY.groups)])),
        "qualifier": qualifier,
        "value": count_text(value),
        "value_high": count_text(value_high),
        "affiliation": draw(st.sampled_from(list(VOCABULARY.sides))),
        "published": published.isoformat() if published else "",
        "url": url,
        **{name: escape_formula(text) for name, text in texts.items()},
    }
    return Figure(
        cells=cells,
        as_of=as_of,
        has_time=has_time,
        value=value,
        value_high=value_high,
        published=published,
        texts={name: text.strip() for name, text in texts.items()},
    )


@dataclass(frozen=True)
class WrittenFile:
    raw: bytes
    figures: list[Figure]
    lines: list[int]  # where each figure's record starts, counted as an editor counts


@st.composite
def written_files(draw: st.DrawFn) -> WrittenFile:
    rows = draw(
        st.lists(figures(), min_size=1, max_size=6, unique_by=lambda f: tuple(f.cells.items()))
    )
    order = draw(st.permutations(COLUMNS))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=ending).writerow(order)
    starts = []
    for figure in rows:
        starts.append(buffer.tell())
        cells = [figure.cells.get(name, "") for name in order]
        # Python's writer quotes a cell with a line ending only if it is in its own line
        # terminator, so a lone CR in an LF file would go out bare and end the record there.
        bare_cr = ending == "\n" and any("\r" in cell for cell in cells)
        quoting = csv.QUOTE_ALL if bare_cr else csv.QUOTE_MINIMAL
        csv.writer(buffer, lineterminator=ending, quoting=quoting).writerow(cells)
    text = buffer.getvalue()
    lines = [len(_LINE_BREAK.findall(text[:start])) + 1 for start in starts]
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    return WrittenFile(raw=bom + text.encode("utf-8"), figures=rows, lines=lines)


@given(written_files())
def test_valid_rows_all_come_back_with_their_values_and_lines(written: WrittenFile) -> None:
    result = load(written.raw)
    assert flat(result.errors) == []
    assert list(result.rows["line"]) == written.lines
    for figure, record in zip(written.figures, result.rows.to_dict("records"), strict=True):
        assert record["as_of"] == figure.as_of
        assert record["as_of_has_time"] == figure.has_time
        assert record["metric"] == figure.cells["metric"]
        assert record["group"] == (figure.cells["group"] or "all")
        assert record["qualifier"] == (figure.cells["qualifier"] or "exact")
        assert record["value"] == figure.value
        high = record["value_high"]
        assert (None if high is None or high != high else high) == figure.value_high
        published = record["published"]
        assert (None if published != published else published.date()) == figure.published
        assert record["affiliation"] == figure.cells["affiliation"]
        assert record["url"] == figure.cells["url"]
        for name, text in figure.texts.items():
            assert record[name] == text, name
        # And the row is one the pydantic contract accepts.
        assert contract_row(record).value == figure.value


# ---------------------------------------------------------------------------------------------
# The fast reader and the careful reader agree.


def assert_readers_agree(raw: bytes) -> bool:
    """True when the fast reader took the file (and then read it as the careful one does)."""
    raw_header = first_record(raw)
    header = [normalise_header(name) for name in raw_header]
    fast = read_fast(raw, header, raw_header)
    if fast is None:
        return False
    careful = read_careful(raw)
    assert careful.errors == []
    assert fast.header == careful.header
    assert list(fast.lines) == list(careful.lines)
    assert fast.frame.to_dict("split") == careful.frame.to_dict("split")
    return True


# Pieces of CSV, numbers among them: pandas reads "+5", "007" or " 7" as integers, and the
# fast reader must still give them back as written.
_CSV_TEXT = st.lists(
    st.sampled_from(
        [
            *(",", '"', '""', "\n", "\r\n", "\r", " ", "\t", "a", "é", "Ա", "'"),
            *("7", "0", "-", "+", "1.5", "True", "7\n", ",7", "\n7,0"),
        ]
    ),
    max_size=80,
).map("".join)


@given(st.sampled_from(["a,b,c\n", "as_of,value,quote\n", "x\n", '"h,1",h2\n']), _CSV_TEXT)
def test_fast_and_careful_readers_agree_on_any_text_the_fast_one_accepts(
    header: str, body: str
) -> None:
    raw = (header + body).encode("utf-8")
    assume(len(set(first_record(raw))) == len(first_record(raw)))
    assert_readers_agree(raw)


@given(written_files())
def test_fast_and_careful_readers_agree_on_valid_files(written: WrittenFile) -> None:
    assert_readers_agree(written.raw)


def test_ordinary_files_take_the_fast_path() -> None:
    # The property above would hold vacuously if the fast reader refused everything.
    for raw in (
        b"as_of,value,quote\n2023-09-30,5,five\n",
        b'\xef\xbb\xbfas_of,value,quote\r\n2023-09-30,"1,000","a, b\r\nc"\r\n',
        b'as_of,value,quote\n2023-09-30,5,"said ""five"" twice"\n,,\n\n',
    ):
        assert assert_readers_agree(raw), raw


# Cells pandas would read as numbers or booleans, in files the fast reader takes: whatever it
# infers, each must come back as written ("+7", "007" and " 7" are not 7).
_NUMBER_CELLS = st.sampled_from(
    [
        *("7", "007", "+7", "-7", "-0", " 7", "7 ", "0", "12", "", "x", '"7"', '"+7"'),
        *('"a,b"', '"q""q"', "1.5", "True"),
        # Line breaks inside quoted cells are text, not line endings, to the byte count.
        *('"a\nb"', '"a\r\nb"', '"7\n"', '"\n,\n"'),
    ]
)


@given(
    st.lists(st.lists(_NUMBER_CELLS, min_size=1, max_size=4).map(",".join), min_size=1, max_size=6),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_fast_and_careful_readers_agree_on_numbers(
    rows: list[str], ending: str, trailing: bool
) -> None:
    raw = ("a,v,b" + ending + ending.join(rows) + (ending if trailing else "")).encode()
    assert_readers_agree(raw)


# ---------------------------------------------------------------------------------------------
# A file loads as its bytes do: read from disk block by block, or whole from memory.


@contextmanager
def blocks_of(size: int) -> Iterator[None]:
    """Survey in blocks of `size` bytes, so quotes, CRs and line feeds land on their edges."""
    default = fast._BLOCK
    fast._BLOCK = size
    try:
        yield
    finally:
        fast._BLOCK = default


def load_file(raw: bytes) -> LoadResult:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "figures.csv"
        path.write_bytes(raw)
        return load_figures(path, VOCABULARY)


def assert_same_result(result: LoadResult, expected: LoadResult) -> None:
    assert [e.to_dict() for e in result.errors] == [e.to_dict() for e in expected.errors]
    assert result.record_count == expected.record_count
    pd.testing.assert_frame_equal(result.rows, expected.rows)


def assert_file_loads_as_its_bytes(raw: bytes, block: int) -> None:
    expected = load(raw)  # from memory, in blocks bigger than any example
    with blocks_of(block):
        assert_same_result(load(raw), expected)
        assert_same_result(load_file(raw), expected)


_BLOCK_SIZES = st.sampled_from([1, 2, 3, 4, 7, 64])


@given(_HEADERS, _CSV_BYTES, _BLOCK_SIZES)
def test_any_file_loads_as_its_bytes_do_in_blocks_of_any_size(
    header: bytes, body: bytes, block: int
) -> None:
    raw = header + b"\n" + body if header and not header.endswith(b"\n") else header + body
    assert_file_loads_as_its_bytes(raw, block)


@given(written_files(), _BLOCK_SIZES)
def test_valid_files_load_as_their_bytes_do_in_blocks_of_any_size(
    written: WrittenFile, block: int
) -> None:
    assert_file_loads_as_its_bytes(written.raw, block)


def test_an_ordinary_file_is_read_by_the_fast_reader_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The properties above would hold vacuously if every file were read whole.
    def whole(raw: bytes) -> loading.RawTable:
        raise AssertionError("read whole")

    monkeypatch.setattr(reader, "read_table", whole)
    path = tmp_path / "figures.csv"
    for raw, cells in (
        (b"as_of,value,quote\n2023-09-30,5,five\n", ["2023-09-30", "5", "five"]),
        (
            b'\xef\xbb\xbfas_of,value,quote\r\n2023-09-30,"1,000","a, b\r\nc"\r\n',
            ["2023-09-30", "1,000", "a, b\r\nc"],
        ),
    ):
        path.write_bytes(raw)
        with blocks_of(3):
            table = loading.read_file(path)
        assert table.frame.values.tolist() == [cells]
        assert list(table.lines) == [2]


def test_a_file_that_shrinks_while_it_is_read_is_read_again_whole(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_bytes(b"as_of,value,quote\n2023-09-30,5,five\n2023-09-30,6,six\n")
    with path.open("rb", buffering=0) as handle:
        seen = os.fstat(handle.fileno())
        path.write_bytes(b"as_of,value,quote\n")  # rewritten in place, shorter
        assert reader._read_file_fast(fast.OnDisk(handle, path, seen)) is None
    assert loading.read_file(path).frame.empty


def test_integers_beside_quoted_line_breaks_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # pandas reads "12" as an integer; the file's bytes prove it was written "12" (so no
    # second read as text) unless it was not, and a line break inside a quoted cell is the
    # cell's text, not a line ending, in that count.
    reads: list[object] = []
    read_csv = pd.read_csv

    def counted(*args: object, **options: object) -> pd.DataFrame:
        reads.append(options.get("usecols"))
        return read_csv(*args, **options)

    monkeypatch.setattr(pd, "read_csv", counted)
    for ending in ("\n", "\r\n"):
        for value, again in (("12", []), ("012", [[0, 1]])):
            reads.clear()
            raw = f'a,v,b{ending}7,{value},"x{ending}y"{ending}8,13,z{ending}'.encode()
            table = loading.read_table(raw)
            assert table.frame["v"].tolist() == [value, "13"]
            assert list(table.lines) == [2, 4]
            assert reads == [None, *again], (ending, value)
