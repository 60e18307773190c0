"""The optional timing columns of the contract: `as_of_margin_days` and `since` (issue 15).

An approximate date says how many days either way it may be off; a running total may say the
day it starts counting. Both are optional: old files stay valid, and blank means exact / not
stated. Bad values get their own codes and say what to write instead.
"""

from __future__ import annotations

from pathlib import Path

from figures import exports
from figures.append import append_figure
from figures.contract import COLUMNS
from tests.support import HEADER, column, contract_row, flat, lines, load

TIMED = HEADER + ",as_of_margin_days,since"
ROW = "2023-09-30,fled,all,,100,,Goris,Agency,other,Wire,,,words,"


def test_a_file_without_the_timing_columns_loads_as_exact_and_unstated() -> None:
    result = load(f"{HEADER}\n{ROW}\n")
    assert result.ok
    assert column(result, "as_of_margin_days") == [0]
    assert column(result, "since") == [None]


def test_margins_and_since_are_read_and_blank_means_exact() -> None:
    result = load(f"{TIMED}\n{ROW},3,2023-09-19\n{ROW},,\n")
    assert result.ok  # the rows differ in their timing cells, so neither repeats the other
    assert column(result, "as_of_margin_days") == [3, 0]
    assert [str(day)[:10] if day else None for day in column(result, "since")] == [
        "2023-09-19",
        None,
    ]
    model = contract_row(result.rows.to_dict("records")[0])
    assert (model.as_of_margin_days, str(model.since)) == (3, "2023-09-19")


def test_bad_margin_negative_or_not_a_number() -> None:
    result = load(f"{TIMED}\n{ROW},-2,\n{ROW},about 3,\n{ROW},99999,\n{ROW},2,\n")
    assert flat(result.errors) == [
        [2, "as_of_margin_days", "bad-margin"],
        [3, "as_of_margin_days", "bad-margin"],
        [4, "as_of_margin_days", "bad-margin"],
    ]
    assert "is below zero" in result.errors[0].message
    assert "not a whole number of days" in result.errors[1].message
    assert lines(result) == [5]


def test_bad_date_in_since_names_the_form_to_write() -> None:
    result = load(f"{TIMED}\n{ROW},,25 August\n{ROW},,2023-09-19T10:00\n")
    assert flat(result.errors) == [[2, "since", "bad-date"], [3, "since", "bad-date"]]
    assert "YYYY-MM-DD" in result.errors[0].message
    assert "has a time" in result.errors[1].message


def test_since_after_as_of_is_an_error() -> None:
    result = load(f"{TIMED}\n{ROW},,2023-10-01\n{ROW},,2023-09-30\n")
    assert flat(result.errors) == [[2, "since", "since-after-as-of"]]
    assert result.errors[0].message.startswith("since 2023-10-01 is after as_of 2023-09-30")
    assert lines(result) == [3]


def test_rows_that_differ_only_in_since_are_not_repeats() -> None:
    result = load(f"{TIMED}\n{ROW},,2023-09-19\n{ROW},,2016-10-01\n")
    assert result.ok
    assert lines(result) == [2, 3]


def test_the_export_carries_the_timing_columns_and_loads_back() -> None:
    loaded = load(f"{TIMED}\n{ROW},3,2023-09-19\n2023-09-29,fled,all,,90,,Goris,A,other,W,,,w,\n")
    written = exports.figures_csv(loaded.rows)
    assert written.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
    again = load(written)
    assert again.ok
    assert column(again, "as_of_margin_days") == [0, 3]
    assert [str(day)[:10] if day else None for day in column(again, "since")] == [
        None,
        "2023-09-19",
    ]


def test_the_add_path_carries_the_timing_columns(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    fields = {
        "as_of": "2023-09-30",
        "metric": "fled",
        "value": "100",
        "reported_by": "Agency",
        "affiliation": "other",
        "outlet": "Wire",
        "quote": "words",
        "as_of_margin_days": "3",
        "since": "2023-09-19",
    }
    result = append_figure(path, fields)
    assert result.written, result.errors
    assert result.figure is not None
    assert (result.figure.as_of_margin_days, str(result.figure.since)) == (3, "2023-09-19")
    refused = append_figure(path, {**fields, "value": "101", "as_of_margin_days": "-1"})
    assert [error.code for error in refused.errors] == ["bad-margin"]


def test_a_margin_for_a_file_without_the_column_is_refused_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    fields = {
        "as_of": "2023-09-30",
        "metric": "fled",
        "value": "7",
        "reported_by": "Agency",
        "affiliation": "other",
        "outlet": "Wire",
        "quote": "words",
        "as_of_margin_days": "3",
    }
    result = append_figure(path, fields)
    assert not result.written
    assert [(error.code, error.column) for error in result.errors] == [
        ("missing-column", "as_of_margin_days")
    ]
