"""Hostile files on the dashboard, run with AppTest (issue 18): one bad cell never stops the
page. Each file holds the 13 seed rows plus one hostile row; the page must raise nothing, draw
the valid rows, and name the bad row by its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as strategy
from streamlit.testing.v1 import AppTest

from tests.support import SEED, SEED_FIGURES, app_test

pytestmark = pytest.mark.integration

GOOD = "2023-09-25,fled,all,,5000,,Valdoria,Someone,media,Daily,2023-09-25,,q,"
HOSTILE_ROWS = {
    "a year 1": "0001-01-01,fled,all,,10,,Valdoria,Someone,media,Daily,2023-09-25,,q,",
    "the last day pandas can hold": "2262-04-12,fled,all,,10,,V,Someone,media,D,2023-09-25,,q,",
    "a 5,000-digit count": "2023-09-25,fled,all,," + "9" * 5000 + ",,V,Someone,media,D,,,q,",
    "a NUL in a quote": '2023-09-25,fled,all,,10,,V,Someone,media,D,,,"a\x00b",',
    "an attacker's address": (
        "2023-09-25,fled,all,,10,,V,Someone,media,D,2023-09-25,"
        '"https://a.example/>)[Click_me](javascript:alert(1))",q,'
    ),
    "a formula everywhere": '=1+1,=2,=3,=4,=5,=6,=7,=8,=9,=10,=11,"=HYPERLINK(""x"")",=13,=14',
}


def _folder_with(tmp_path: Path, extra: str) -> Path:
    """The seed dataset (rows and vocabularies) with one more record."""
    folder = tmp_path / "dataset"
    shutil.copytree(SEED, folder, dirs_exist_ok=True)
    text = SEED_FIGURES.read_text(encoding="utf-8").rstrip("\n")
    (folder / "figures.csv").write_text(f"{text}\n{GOOD}\n{extra}\n", encoding="utf-8")
    return folder / "figures.csv"


def _page(path: Path) -> AppTest:
    at = app_test()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FIGURES_DATA", str(path))
        return at.run()


def _lines(at: AppTest, first_column: str) -> set[int]:
    """The CSV lines a table of the page lists (the figures table, or the rows that failed)."""
    found: set[int] = set()
    for table in at.dataframe:
        columns = list(table.value.columns)
        if columns and columns[0] == "Line" and first_column in columns:
            found |= {int(line) for line in table.value["Line"]}
    return found


@pytest.mark.parametrize("extra", list(HOSTILE_ROWS.values()), ids=list(HOSTILE_ROWS))
def test_one_hostile_row_never_stops_the_page(tmp_path: Path, extra: str) -> None:
    at = _page(_folder_with(tmp_path, extra))
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("vega_lite_chart"), "the valid rows are still charted"
    # Line 15 is the good row, line 16 the hostile one: the first shown, the second named.
    assert 15 in _lines(at, "Figure")
    assert 16 in _lines(at, "Problem")


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cell=strategy.text(max_size=40), column=strategy.integers(0, 13))
def test_any_text_in_any_cell_never_stops_the_page(tmp_path: Path, cell: str, column: int) -> None:
    cells = GOOD.split(",")
    cells[column] = '"' + cell.replace('"', '""') + '"'
    at = _page(_folder_with(tmp_path, ",".join(cells)))
    assert not at.exception, [e.value for e in at.exception]
