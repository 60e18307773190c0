"""Properties of the quote reader: any count written any way reads back; dates never count."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from figures.quotes import parse_quote

# Thousands separators of real reporting: English, German/Norwegian, Swiss, French/Russian
# (space, thin space, narrow no-break space, no-break space).
SEPARATORS = [",", ".", "'", " ", "\u2009", "\u202f", "\u00a0"]


def grouped(value: int, separator: str) -> str:
    return f"{value:,}".replace(",", separator)


def indian(value: int) -> str:
    digits = str(value)
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    pairs = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *pairs, tail])


counts = st.integers(min_value=0, max_value=10**11)


@settings(max_examples=300, deadline=None)
@given(value=counts, separator=st.sampled_from(SEPARATORS))
def test_any_count_in_any_grouping_reads_back(value: int, separator: str) -> None:
    text = f"Officials said {grouped(value, separator)} people had left."
    assert parse_quote(text)[0].value == value


@settings(max_examples=200, deadline=None)
@given(value=counts)
def test_any_count_in_indian_grouping_reads_back(value: int) -> None:
    assert parse_quote(f"{indian(value)} people crossed")[0].value == value


@settings(max_examples=200, deadline=None)
@given(value=counts.filter(lambda v: v >= 10_000))
def test_a_grouped_count_is_read_with_its_bound(value: int) -> None:
    found = parse_quote(f"more than {value:,} refugees arrived")[0]
    assert (found.value, found.qualifier) == (value, "more_than")


MONTHS = ["September", "October", "septembre", "октября", "Eylül", "settembre", "Oktober"]


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_dates_never_become_counts(day: dt.date) -> None:
    month = MONTHS[day.month % len(MONTHS)]
    for text in (
        f"on {day.day} {month} {day.year}",
        f"on {month} {day.day}, {day.year}",
        f"on {day.isoformat()}",
        f"on {day:%d.%m.%Y}",
        f"on {day:%d/%m/%Y}",
        f"in {day.year}",
    ):
        assert parse_quote(text) == [], text


@settings(max_examples=200, deadline=None)
@given(hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_times_never_become_counts(hour: int, minute: int) -> None:
    assert parse_quote(f"at {hour}:{minute:02d} on Tuesday") == []


@settings(max_examples=200, deadline=None)
@given(share=st.integers(0, 100), sign=st.sampled_from(["%", " %", " per cent", " percent"]))
def test_percentages_never_become_counts(share: int, sign: str) -> None:
    assert parse_quote(f"{share}{sign} of the population") == []


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_gives_well_formed_candidates(text: str) -> None:
    for candidate in parse_quote(text):
        assert 0 <= candidate.start < candidate.end <= len(text)
        assert candidate.value >= 0
        if candidate.value_high is not None:
            assert candidate.qualifier == "range"
            assert candidate.value_high > candidate.value
