"""Properties every answer of the conflict engine must have, whatever the figures."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from figures.conflicts import (
    CONTRADICTION,
    DECREASE,
    PART_EXCEEDS_WHOLE,
    ConflictSettings,
    find_conflicts,
)
from figures.conflicts import checks as engine_checks
from figures.conflicts import table as engine_table
from figures.validation import empty_rows
from figures.vocabulary import load_vocabulary

VOCABULARY = load_vocabulary()
INTERVAL_CODES = {CONTRADICTION, DECREASE, PART_EXCEEDS_WHOLE}
# Values that make every rule fire now and then: digit slips, factors of ten, round figures.
VALUES = [0, 35, 102, 311, 350, 1294, 1924, 3000, 3017, 3107, 10000, 45000, 48000, 120000]


@st.composite
def figure_rows(draw: st.DrawFn) -> pd.DataFrame:
    count = draw(st.integers(min_value=1, max_value=14))
    records = []
    for index in range(count):
        qualifier = draw(
            st.sampled_from(
                ["exact", "about", "more_than", "at_least", "up_to", "less_than", "range"]
            )
        )
        value = draw(st.one_of(st.sampled_from(VALUES), st.integers(0, 200000)))
        high = value + draw(st.integers(0, 5000)) if qualifier == "range" else None
        day = dt.datetime(2023, 9, 19) + dt.timedelta(days=draw(st.integers(0, 6)))
        hour = draw(st.sampled_from([None, 8, 20]))
        records.append(
            {
                "line": index + 2,
                "as_of": day + dt.timedelta(hours=hour or 0),
                "as_of_has_time": hour is not None,
                "metric": draw(
                    st.sampled_from(
                        ["fled", "arrived", "troops", "evacuated", "population", "missing"]
                    )
                ),
                "group": draw(st.sampled_from(["all", "all", "children"])),
                "qualifier": qualifier,
                "value": value,
                "value_high": high,
                "place": draw(st.sampled_from(["Nagorno-Karabakh", "Armenia", ""])),
                "reported_by": draw(st.sampled_from(["A", "B", "C"])),
                "affiliation": "other",
                "outlet": draw(st.sampled_from(["Wire", "Paper"])),
                "published": pd.NaT,
                "url": "",
                "quote": "words",
                "notes": "",
                # Mostly exact dates and unstated starts, as in real files.
                "as_of_margin_days": draw(st.sampled_from([0, 0, 0, 1, 3])),
                "since": draw(st.sampled_from([pd.NaT, pd.NaT, pd.NaT, dt.datetime(2023, 9, 1)])),
            }
        )
    frame = pd.DataFrame(records)
    typed = empty_rows()
    for name in typed.columns:
        frame[name] = frame[name].astype(typed[name].dtype)
    return frame[list(typed.columns)]


def _answer(rows: pd.DataFrame) -> list[dict]:
    return [flag.to_dict() for flag in find_conflicts(rows, VOCABULARY)]


def _interval_pairs(rows: pd.DataFrame) -> set[tuple[int, int]]:
    """Pairs that cannot both be true: flagged, or told inside a miscopy's flag."""
    found = find_conflicts(rows, VOCABULARY)
    flagged = {pair for flag in found if flag.code in INTERVAL_CODES for pair in flag.pairs}
    told = {pair for flag in found for pair in flag.explained_pairs}
    return flagged | told


@settings(max_examples=150, deadline=None)
@given(figure_rows(), st.randoms(use_true_random=False))
def test_the_answer_does_not_depend_on_row_order(rows, random):
    order = list(range(len(rows)))
    random.shuffle(order)
    assert _answer(rows.iloc[order].reset_index(drop=True)) == _answer(rows)


@settings(max_examples=150, deadline=None)
@given(figure_rows())
def test_a_row_never_conflicts_with_itself_and_pairs_stay_within_their_flag(rows):
    for flag in find_conflicts(rows, VOCABULARY):
        assert list(flag.lines) == sorted(set(flag.lines))
        assert flag.pairs, flag
        for a, b in flag.pairs:
            assert a < b
            assert a in flag.lines and b in flag.lines
        assert {line for pair in flag.pairs for line in pair} == set(flag.lines)
        assert flag.explanation.strip()


@settings(max_examples=200, deadline=None)
@given(figure_rows(), st.data())
def test_widening_an_interval_never_creates_an_interval_conflict(rows, data):
    index = data.draw(st.integers(0, len(rows) - 1))
    widened = rows.copy()
    qualifier = widened.at[index, "qualifier"]
    value = int(widened.at[index, "value"])
    choices = {
        "exact": ["about", "more_than", "at_least", "up_to", "less_than", "range"],
        "about": ["more_than", "up_to"] if value else ["more_than"],
        "range": ["range"],
    }.get(qualifier, [])
    if not choices:
        return  # one-sided bounds are as wide as they go on that side
    new = data.draw(st.sampled_from(choices))
    if new == "range":
        low = value if qualifier == "exact" else max(0, value - data.draw(st.integers(0, 100)))
        high = int(widened.at[index, "value_high"] if qualifier == "range" else value)
        widened.at[index, "value"] = low
        widened.at[index, "value_high"] = high + data.draw(st.integers(0, 100))
    elif qualifier == "about":
        # about v is [0.9v, 1.1v]; more_than/up_to must start from its ends to contain it.
        bound = int(value * 0.9) if new == "more_than" else int(value * 1.1) + 1
        widened.at[index, "value"] = bound
    widened.at[index, "qualifier"] = new
    assert _interval_pairs(widened) <= _interval_pairs(rows)


@settings(max_examples=150, deadline=None)
@given(figure_rows(), st.data())
def test_duplicating_a_row_adds_no_new_kind_of_flag(rows, data):
    index = data.draw(st.integers(0, len(rows) - 1))
    copy = rows.iloc[[index]].copy()
    copy["line"] = int(rows["line"].max()) + 1
    doubled = pd.concat([rows, copy], ignore_index=True)
    before = {flag.code for flag in find_conflicts(rows, VOCABULARY)}
    after = {flag.code for flag in find_conflicts(doubled, VOCABULARY)}
    assert after <= before


@settings(max_examples=100, deadline=None)
@given(figure_rows())
def test_the_checks_give_the_same_flags_side_by_side_as_one_after_another(rows):
    # Big tables run the four checks on two threads; small ones on one. Force each way.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine_table, "PARALLEL_ROWS", 0)
        side_by_side = _answer(rows)
        patch.setattr(engine_table, "PARALLEL_ROWS", 10**12)
        one_after_another = _answer(rows)
    assert side_by_side == one_after_another


@settings(max_examples=100, deadline=None)
@given(figure_rows(), st.sampled_from([1, 70_000, 3_000_000_000]))
def test_line_numbers_of_any_size_give_the_same_flags(rows, offset):
    # Line numbers in the billions overflow the one-integer keys used for speed (flag, line,
    # line); the fallback must agree.
    shifted = rows.assign(line=rows["line"] + offset)

    def lines_and_pairs(flags: list[dict], by: int) -> list[tuple]:
        return [
            (
                flag["code"],
                [line + by for line in flag["lines"]],
                [[a + by, b + by] for a, b in flag["pairs"]],
                [[a + by, b + by] for a, b in flag["explained_pairs"]],
            )
            for flag in flags
        ]

    assert lines_and_pairs(_answer(shifted), 0) == lines_and_pairs(_answer(rows), offset)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0, 1, 2**40, 2**50]), st.integers(0, 3), st.integers(-1, 3)),
        min_size=1,
        max_size=30,
    ),
    st.randoms(use_true_random=False),
)
def test_the_sort_by_quantity_day_minute_and_line_holds_for_keys_of_any_size(keys, random):
    # Quantity ids past 2**40 make the one-integer sort key overflow; lexsort takes over.
    quantity, day, minute = (np.array(column, dtype=np.int64) for column in zip(*keys, strict=True))
    line = np.arange(2, len(keys) + 2, dtype=np.int64)
    shuffled = np.array(random.sample(range(len(keys)), len(keys)))
    order = engine_table.sort_order(
        quantity[shuffled], day[shuffled], minute[shuffled], line[shuffled]
    )
    expected = np.lexsort((line, minute, day, quantity))
    assert (line[shuffled][order] == line[expected]).all()


@settings(max_examples=200, deadline=None)
@given(figure_rows())
def test_narrowing_a_long_totals_ranges_finds_the_same_decreases(rows):
    # On a big file the decrease check skips the earlier rows that cannot be above a
    # candidate; it must find exactly the pairs the full comparison finds.
    prepared = engine_table.prepare(rows, VOCABULARY, ConflictSettings())
    if not len(prepared):
        return
    full = engine_checks.decrease_pairs(prepared)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine_checks, "NARROW_FROM", -1)
        narrowed = engine_checks.decrease_pairs(prepared)
    assert np.array_equal(full, narrowed)
