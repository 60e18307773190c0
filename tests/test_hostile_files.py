"""Hostile files (issue 18): what is not a regular file, or is too big, too wide or has a line
too long, is refused with a file-level error before the work it would cost, in seconds."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bench.synthetic import write_synthetic
from figures import limits, loading
from figures.cli import main
from figures.loading import reader
from figures.validation import load_bytes, load_figures
from tests.support import HEADER, VOCABULARY, within

GOOD_ROW = "2023-09-30,fled,all,,5,,,X,un,Y,,,five fled,"


def codes(path: Path) -> list[tuple[int | None, str]]:
    with within(10):
        return [(error.line, error.code) for error in load_figures(path).errors]


def test_dev_zero_is_refused_before_it_is_read() -> None:
    with within(10):
        result = load_figures(Path("/dev/zero"))
    assert [(e.code, e.file_level) for e in result.errors] == [("unreadable-file", True)]
    assert "character device, not a regular file" in result.errors[0].message


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "figures.csv"
    os.mkfifo(fifo)
    assert codes(fifo) == [(None, "unreadable-file")]
    assert "named pipe (FIFO)" in load_figures(fifo).errors[0].message


def test_a_folder_is_refused_as_a_folder(tmp_path: Path) -> None:
    assert codes(tmp_path) == [(None, "unreadable-file")]
    assert "it is a folder, not a regular file" in load_figures(tmp_path).errors[0].message


def test_file_too_large_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    with path.open("wb") as out:  # sparse: no disk is used, and reading it would take long
        out.truncate(limits.MAX_FILE_BYTES + 1)
    started = time.perf_counter()
    assert codes(path) == [(None, "file-too-large")]
    assert time.perf_counter() - started < 2


def test_bytes_over_the_size_cap_are_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = f"{HEADER}\n{GOOD_ROW}\n".encode()
    assert load_bytes(raw, VOCABULARY).errors == []
    # The cap as the reader of bytes in memory sees it (figures.loading is a package now).
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", len(raw) - 1)
    assert [e.code for e in load_bytes(raw, VOCABULARY).errors] == ["file-too-large"]


def test_the_1m_row_benchmark_file_is_under_the_size_cap(tmp_path: Path) -> None:
    # bench/run.py loads a million synthetic rows (about 350 MB): the cap must not refuse it.
    path = write_synthetic(tmp_path / "figures.csv", 20_000)
    assert path.stat().st_size * 50 * 1.2 < limits.MAX_FILE_BYTES  # with a fifth to spare


def test_too_many_columns_100000_are_refused_in_well_under_a_few_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + "1," * 99_999 + "1\n")
    started = time.perf_counter()
    with within(10):
        assert main(["check", str(path)]) == 1
    assert time.perf_counter() - started < 2
    out = capsys.readouterr().out
    assert f"{path}:1: the header has at least" in out
    assert "at most 200 columns" in out


def test_a_header_too_wide_for_the_first_look_is_refused_by_the_careful_reader(
    tmp_path: Path,
) -> None:
    # 201 long names: more than the first 64 KiB hold, so only the full header shows the count.
    names = [f"{'x' * 400}{i}" for i in range(limits.MAX_COLUMNS + 1)]
    path = tmp_path / "figures.csv"
    path.write_text(",".join(names) + "\n" + ",".join("1" for _ in names) + "\n")
    assert len(loading.first_record(path.read_bytes())) <= limits.MAX_COLUMNS
    assert codes(path) == [(1, "too-many-columns")]


def test_200_columns_are_still_read(tmp_path: Path) -> None:
    extra = [f"extra{i}" for i in range(limits.MAX_COLUMNS - 14)]
    path = tmp_path / "figures.csv"
    path.write_text(f"{HEADER},{','.join(extra)}\n{GOOD_ROW}{',' * len(extra)}\n")
    result = load_figures(path)
    assert {e.code for e in result.errors} == {"unknown-column"} and len(result.rows) == 1


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_too_long_over_a_mebibyte_is_refused_with_its_line(
    tmp_path: Path, ending: str
) -> None:
    long_quote = "x" * (limits.MAX_LINE_BYTES + 1)
    rows = [HEADER, GOOD_ROW, GOOD_ROW.replace("five fled", long_quote), GOOD_ROW]
    path = tmp_path / "figures.csv"
    path.write_bytes(ending.join(rows).encode() + ending.encode())
    assert codes(path) == [(3, "line-too-long")]
    assert codes(path) == [
        (e.line, e.code) for e in load_bytes(path.read_bytes(), VOCABULARY).errors
    ]


def test_a_long_quoted_cell_over_several_short_lines_is_read(tmp_path: Path) -> None:
    quote = "\n".join(["y" * 1000] * 1100)  # 1.1 MB in one cell, no line over 1 KB
    path = tmp_path / "figures.csv"
    path.write_text(f"{HEADER}\n{GOOD_ROW.replace('five fled', chr(34) + quote + chr(34))}\n")
    result = load_figures(path)
    assert result.errors == [] and result.rows["quote"].iloc[0] == quote
