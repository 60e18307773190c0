"""Hostile or careless cells (issue 18): a date out of range or a number of 5,000 digits is a
row error with its line and column, in every command, and the valid rows still load."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from figures.cli import main
from figures.validation import load_figures

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "figures.csv"
# The shipped file grows with real reporting: its row count read from it, not written here.
SHIPPED_ROWS = len(load_figures(SHIPPED).rows)
BAD_LINE = SHIPPED_ROWS + 2  # the row appended under the shipped ones

OUT_OF_RANGE = ("0001-01-01", "9999-12-31", "1677-09-21", "2262-04-12", "1899-12-31", "2101-01-01")
# A time that does not exist, on a day at the very edge of the span.
IMPOSSIBLE = "1900-01-01T25:00"


def _shipped_records() -> list[list[str]]:
    return list(csv.reader(io.StringIO(SHIPPED.read_text(encoding="utf-8"), newline="")))


def with_bad_row(folder: Path, column: str, value: str) -> Path:
    """The shipped file with one more row: its first row, with `column` set to `value`."""
    records = _shipped_records()
    header, first = records[0], list(records[1])
    first[header.index(column)] = value
    if column == "as_of":  # published must not be before as_of: leave it out of the way
        first[header.index("published")] = ""
    path = folder / "figures.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([*records, first])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("column", ["as_of", "published"])
@pytest.mark.parametrize("value", [*OUT_OF_RANGE, IMPOSSIBLE])
def test_a_date_out_of_range_is_a_row_error_and_the_rest_loads(tmp_path, column, value):
    result = load_figures(with_bad_row(tmp_path, column, value))
    assert [(e.line, e.column, e.code) for e in result.errors] == [(BAD_LINE, column, "bad-date")]
    assert len(result.rows) == SHIPPED_ROWS
    if value in OUT_OF_RANGE:
        assert "dates must fall between 1900 and 2100" in result.errors[0].message


def test_the_edges_of_the_span_are_accepted(tmp_path):
    for value in ("1900-01-01", "2100-12-31T23:59"):
        result = load_figures(with_bad_row(tmp_path, "as_of", value))
        assert result.errors == [] and len(result.rows) == SHIPPED_ROWS + 1


@pytest.mark.parametrize("column", ["value", "value_high"])
def test_a_number_of_5000_digits_is_bad_number_with_a_short_message(tmp_path, column):
    path = with_bad_row(tmp_path, column, "9" * 5000)
    result = load_figures(path)
    codes = {(e.line, e.column, e.code) for e in result.errors}
    assert (BAD_LINE, column, "bad-number") in codes
    assert all(len(e.message) < 300 for e in result.errors)
    assert len(result.rows) == SHIPPED_ROWS


def test_many_leading_zeros_are_still_a_small_number(tmp_path):
    result = load_figures(with_bad_row(tmp_path, "value", "0" * 5000 + "7"))
    assert result.errors == []
    assert int(result.rows["value"].iloc[-1]) == 7


COMMANDS = {
    "check": ["check", "{path}"],
    "conflicts": ["conflicts", "{path}"],
    "headline": ["headline", "{path}"],
    "export-csv": ["export", "{path}", "--format", "csv", "--out", "{folder}/x.csv"],
    "export-md": ["export", "{path}", "--format", "md", "--out", "{folder}/x.md"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("as_of", "0001-01-01"),
        ("published", "9999-12-31"),
        ("as_of", "2262-04-12"),
        ("value", "9" * 5000),
    ],
)
def test_every_command_reports_the_row_and_carries_on(tmp_path, capsys, command, column, value):
    path = with_bad_row(tmp_path, column, value)
    argv = [part.format(path=path, folder=tmp_path) for part in COMMANDS[command]]
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if command == "check":
        assert code == 1
        assert f"{path}:{BAD_LINE}: {column}: " in out
        assert f"{SHIPPED_ROWS + 1} row(s), {SHIPPED_ROWS} valid, 1 with errors" in out
    else:
        assert code == 0
        assert "note: 1 row(s) with errors were left out" in err


@pytest.mark.parametrize(("option", "value"), [("--as-of", "0001-01-01"), ("--value", "9" * 5000)])
def test_add_refuses_the_row_with_the_checkers_message(tmp_path, capsys, option, value):
    path = tmp_path / "figures.csv"
    shutil.copyfile(SHIPPED, path)
    before = path.read_bytes()
    fields = {
        "--as-of": "2023-10-01",
        "--metric": "fled",
        "--value": "5",
        "--reported-by": "X",
        "--affiliation": "un",
        "--outlet": "Y",
        "--quote": "5 fled",
        option: value,
    }
    argv = ["add", "--file", str(path)] + [part for pair in fields.items() for part in pair]
    assert main(argv) == 1
    _, err = capsys.readouterr()
    column = option[2:].replace("-", "_")
    assert f"{path}:{BAD_LINE}: {column}: " in err and "Traceback" not in err
    assert path.read_bytes() == before


# ---------------------------------------------------------------------------------------------
# Control characters: refused by the checker, stripped by every export.

TEXT_COLUMNS = ("place", "reported_by", "outlet", "quote", "notes")
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\t", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"]


def _row_with(cells: dict[str, str]) -> list[str]:
    base = {
        "as_of": "2023-09-30",
        "metric": "fled",
        "value": "5",
        "reported_by": "X",
        "affiliation": "un",
        "outlet": "Y",
        "quote": "five fled",
    }
    merged = {**base, **cells}
    return [merged.get(name, "") for name in HEADER]


HEADER = _shipped_records()[0]


@pytest.mark.parametrize("ending", ["\n", "\r"])  # the fast reader, and the careful one
@pytest.mark.parametrize("char", CONTROLS)
def test_control_character_in_any_text_cell_is_refused_with_line_and_column(tmp_path, char, ending):
    records = [HEADER, _row_with({})]
    records += [
        _row_with({name: f"a{char}b", "value": str(i)}) for i, name in enumerate(TEXT_COLUMNS)
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator=ending).writerows(records)
    path = tmp_path / "figures.csv"
    path.write_bytes(out.getvalue().encode())
    result = load_figures(path)
    expected = [(line, name, "control-character") for line, name in enumerate(TEXT_COLUMNS, 3)]
    assert [(e.line, e.column, e.code) for e in result.errors] == expected
    assert len(result.rows) == 1
    assert "holds a control character" in result.errors[0].message


def test_control_character_message_names_it_and_the_check_exits_1(tmp_path, capsys):
    path = tmp_path / "figures.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER, _row_with({"quote": "five\x00 fled"})])
    path.write_text(out.getvalue())
    assert main(["check", str(path)]) == 1
    printed = capsys.readouterr().out
    assert f"{path}:2: quote: 'five\\x00 fled' holds a control character (NUL) at character 5" in (
        printed
    )


def test_tabs_and_line_breaks_a_spreadsheet_leaves_are_still_fine(tmp_path):
    cells = {"place": "\tGoris\t", "quote": "two\nlines", "notes": "CRLF\r\ninside"}
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER, _row_with(cells)])
    path = tmp_path / "figures.csv"
    path.write_text(out.getvalue())
    result = load_figures(path)
    assert result.errors == []
    assert result.rows.loc[0, "place"] == "Goris"


@pytest.mark.parametrize("char", ["", "\x00", "\t", "\x1f", "\x7f"])
def test_the_fast_reader_tells_when_a_cell_may_hold_a_control_character(char):
    from figures.loading import read_table

    raw = f'as_of,quote\n2023-09-30,"five {char}fled"\r\n2023-09-30,"six\r\nfled"\r\n'.encode()
    assert read_table(raw).may_hold_controls is (char != "")
