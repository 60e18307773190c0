"""Files big enough for the fast paths that small examples never reach.

pandas reads a file of 5 MB or more on several threads when given its path, splitting it at
line breaks; `load_figures` lets it, and must give exactly what reading the same bytes from
memory gives, line numbers and all, even when a split lands inside a quoted line break.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bench.synthetic import write_synthetic
from figures.validation import load_bytes, load_figures, table
from figures.vocabulary import load_vocabulary
from tests.support import VOCABULARY, flat


def test_the_synthetic_benchmark_file_is_valid_and_the_same_every_time(tmp_path: Path) -> None:
    first = write_synthetic(tmp_path / "a.csv", 2000, seed=3)
    second = write_synthetic(tmp_path / "b.csv", 2000, seed=3)
    assert first.read_bytes() == second.read_bytes()
    result = load_figures(first)
    assert flat(result.errors) == []
    assert len(result.rows) == 2000
    # What makes it a fair benchmark: every qualifier, hours, thousands commas, line breaks.
    assert set(result.rows["qualifier"]) == {
        "exact",
        "about",
        "more_than",
        "at_least",
        "up_to",
        "less_than",
        "range",
    }
    assert result.rows["as_of_has_time"].any()
    raw = first.read_text(encoding="utf-8")
    assert '"1,' in raw or '"2,' in raw
    assert result.rows["quote"].str.contains("\n").any()


def test_reading_a_big_file_from_disk_gives_what_reading_its_bytes_gives(
    tmp_path: Path,
) -> None:
    path = write_synthetic(tmp_path / "big.csv", 20_000, seed=1)
    assert path.stat().st_size > 5 * 2**20  # pandas' threshold for reading on threads
    from_disk = load_figures(path)
    # The synthetic file is drawn from the shipped vocabulary, which its path reads with.
    from_memory = load_bytes(path.read_bytes(), load_vocabulary())
    assert flat(from_disk.errors) == flat(from_memory.errors) == []
    pd.testing.assert_frame_equal(from_disk.rows, from_memory.rows)
    # Quoted line breaks push later rows down: the last row is past line 20,001.
    assert int(from_disk.rows["line"].iloc[-1]) > 20_001


def test_a_big_file_with_a_problem_deep_inside_reports_the_right_line(tmp_path: Path) -> None:
    path = write_synthetic(tmp_path / "big.csv", 20_000, seed=2)
    lines = path.read_bytes().split(b"\n")
    # Spoil a record far into the file: its metric becomes a typo (a record starts with a
    # date, so a line that does is the first line of one).
    target = next(i for i in range(15_000, len(lines)) if lines[i][:4] == b"2023")
    cells = lines[target].split(b",", 2)
    lines[target] = b",".join([cells[0], b"fleed", cells[2]])
    path.write_bytes(b"\n".join(lines))
    result = load_figures(path)
    assert flat(result.errors) == [[target + 1, "metric", "unknown-metric"]]
    assert len(result.rows) == 19_999


def test_checking_on_two_threads_gives_what_checking_on_one_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Big tables check their text columns on a second thread; nothing may depend on it.
    path = write_synthetic(tmp_path / "mixed.csv", 3000, seed=4)
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for old, new in ((",fled,", ",fleed,"), (",https://", ",ftp://"), (",about,", ",approx,")):
        index = next(i for i, line in enumerate(text) if i > 0 and old in line)
        text[index] = text[index].replace(old, new, 1)
    text.insert(100, text[99])  # a duplicate row (or part of one, then a broken record)
    raw = "".join(text).encode()
    monkeypatch.setattr(table, "THREADED_ROWS", 10**9)
    alone = load_bytes(raw, VOCABULARY)
    monkeypatch.setattr(table, "THREADED_ROWS", 0)
    threaded = load_bytes(raw, VOCABULARY)
    assert [e.to_dict() for e in threaded.errors] == [e.to_dict() for e in alone.errors]
    assert {e.code for e in alone.errors} >= {"unknown-metric", "bad-url", "unknown-qualifier"}
    pd.testing.assert_frame_equal(threaded.rows, alone.rows)
