"""Fuzzing the commands (issue 18): whatever bytes or cell text a figures file holds, `check`,
`conflicts`, `headline` and `export` (csv, md, svg) never raise, never hang, and report every
bad row by its line. Each command runs in-process through `figures.cli.main`, under an alarm."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from figures.cli import main
from figures.contract import COLUMNS
from figures.validation import load_figures
from tests.support import within

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "figures.csv"
SHIPPED_RECORDS = list(csv.reader(io.StringIO(SHIPPED.read_text(encoding="utf-8"), newline="")))
CASE_SECONDS = 20  # far above what a case takes (about a second); a hang fails, not stalls

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def run(*argv: str) -> tuple[int, bytes, str]:
    """`python -m figures ARGV` in-process: exit code, standard output (bytes), standard error."""
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    with within(CASE_SECONDS), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    out.flush()
    return code, out.buffer.getvalue(), err.getvalue()  # type: ignore[attr-defined]


def every_command(path: Path) -> dict[str, object]:
    """Run every command on the file; each must end with a documented exit code. Returns
    `check --json`'s report (None when the file could not be read at all)."""
    code, out, _ = run("check", str(path), "--json")
    assert code in (0, 1)
    report = json.loads(out)
    readable = not any(e["code"] in _FILE_LEVEL for e in report["errors"])
    for argv in (
        ("conflicts", str(path)),
        ("headline", str(path)),
        ("export", str(path), "--format", "csv", "--out", "-"),
        ("export", str(path), "--format", "md", "--out", "-"),
        ("export", str(path), "--format", "svg", "--out", "-"),
    ):
        code, out, err = run(*argv)
        assert "Traceback" not in err
        assert code == (0 if readable else 2), (argv, err)
        if readable and "svg" in argv:
            assert out.startswith(b"<svg")
    return report


_FILE_LEVEL = {
    "empty-file",
    "encoding-error",
    "missing-column",
    "duplicate-column",
    "unreadable-file",
    "file-too-large",
    "too-many-columns",
    "line-too-long",
}


def written(records: list[list[str]], ending: str = "\n") -> tuple[bytes, list[int]]:
    """The records as CSV bytes, and the line each record after the header starts on."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=ending)
    starts, line = [], 1
    for index, record in enumerate(records):
        before = out.tell()
        writer.writerow(record)
        text = out.getvalue()[before:]
        if index:
            starts.append(line)
        line += text.count("\n") + text.count("\r") - text.count("\r\n")
    return out.getvalue().encode("utf-8", "surrogatepass"), starts


def assert_every_row_is_loaded_or_reported(path: Path, report: dict, starts: list[int]) -> None:
    if any(e["code"] in _FILE_LEVEL for e in report["errors"]):
        return  # nothing loads, and the file-level error says why
    loaded = {int(line) for line in load_figures(path).rows["line"]}
    reported = {e["line"] for e in report["errors"]}
    # The records written here are never blank, so each is a row: loaded, or reported.
    missing = [line for line in starts if line not in loaded | reported]
    assert not missing, (missing, report["errors"])


# ---------------------------------------------------------------------------------------------
# Arbitrary bytes, alone or under the contract's header.

_HEADER = (",".join(COLUMNS) + "\n").encode()
_BYTES = st.one_of(
    st.binary(max_size=400),
    st.binary(max_size=400).map(lambda raw: _HEADER + raw),
    st.lists(st.sampled_from([b",", b'"', b"\n", b"\r", b"\x00", b"2023-09-30", b"fled", b"5"]))
    .map(b"".join)
    .map(lambda raw: _HEADER + raw),
)


@FUZZ
@given(raw=_BYTES)
def test_any_bytes_never_crash_or_hang_a_command(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "figures.csv"
        path.write_bytes(raw)
        report = every_command(path)
        lines = raw.count(b"\n") + raw.count(b"\r") - raw.count(b"\r\n") + 1
        for error in report["errors"]:
            assert error["line"] is None or 1 <= error["line"] <= lines, error
            assert error["message"]


# ---------------------------------------------------------------------------------------------
# Arbitrary text in one cell of each of a few valid rows.

_CELL_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "\x00",
            '=HYPERLINK("https://evil.example")',
            "https://a.example/>)[x](javascript:alert(1))",
            "<img src=x>",
            "9" * 5000,
            "0001-01-01",
            "2262-04-12",
            "1e5",
            "\r",
            '"',
        ]
    ),
)


@FUZZ
@given(
    cells=st.lists(st.tuples(st.sampled_from(COLUMNS), _CELL_TEXT), min_size=1, max_size=4),
    ending=st.sampled_from(["\n", "\r\n"]),
)
def test_any_cell_text_is_loaded_or_reported_by_line(
    cells: list[tuple[str, str]], ending: str
) -> None:
    # The shipped header, with the contract's optional columns it lacks (the timing columns)
    # added blank, so every column of the contract can take the text.
    extra = [name for name in COLUMNS if name not in SHIPPED_RECORDS[0]]
    header = SHIPPED_RECORDS[0] + extra
    records = [header] + [[*record, *[""] * len(extra)] for record in SHIPPED_RECORDS[1:4]]
    for index, (column, text) in enumerate(cells):
        records[1 + index % 3][header.index(column)] = text
    raw, starts = written(records, ending)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "figures.csv"
        path.write_bytes(raw)
        report = every_command(path)
        assert_every_row_is_loaded_or_reported(path, report, starts)


# ---------------------------------------------------------------------------------------------
# Dates out of range and huge numbers in otherwise valid rows.

_DATES = st.builds(
    lambda year, month, day, time: f"{year:04d}-{month:02d}-{day:02d}{time}",
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.one_of(
        st.just(""), st.builds("T{:02d}:{:02d}".format, st.integers(0, 99), st.integers(0, 99))
    ),
)
_NUMBERS = st.one_of(
    st.integers(0, 10**40).map(str),
    st.integers(4000, 6000).map(lambda digits: "9" * digits),
    st.integers(0, 10**15).map("{:,}".format),
)


@FUZZ
@given(
    as_of=_DATES,
    published=_DATES,
    value=_NUMBERS,
    value_high=_NUMBERS,
)
def test_dates_out_of_range_and_huge_numbers_are_row_errors(
    as_of: str, published: str, value: str, value_high: str
) -> None:
    # Three shipped rows are enough company for the two bad ones: the whole file made each
    # case's SVG export take seconds and proved nothing more.
    header = SHIPPED_RECORDS[0]
    records = [list(record) for record in SHIPPED_RECORDS[:4]]
    bad = list(records[1])
    for column, text in (("as_of", as_of), ("published", published), ("value", value)):
        bad[header.index(column)] = text
    ranged = list(records[2])
    ranged[header.index("qualifier")] = "range"
    ranged[header.index("value_high")] = value_high
    records += [bad, ranged]
    raw, starts = written(records)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "figures.csv"
        path.write_bytes(raw)
        report = every_command(path)
        assert_every_row_is_loaded_or_reported(path, report, starts)
        # The shipped rows above the two are all still there.
        assert report["valid_rows"] >= len(records) - 3
