"""Properties every answer of the conflict engine must have, whatever the figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from figures.conflicts import CONTRADICTION, DECREASE, PART_EXCEEDS_WHOLE, find_conflicts
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
