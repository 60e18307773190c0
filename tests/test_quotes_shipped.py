"""Every shipped row's own quote gives the row's figure among the reader's candidates.

The rows are those of `data/figures.csv` (real reporting). A few rows carry a qualifier that is
the analyst's reading by the contract's rules, not words of the quote; they are listed in
`ANALYSTS_READING` with the reason, and for them the reader must at least find the value.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from figures.quotes import parse_quote

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "figures.csv"

# (value, the quote's first words) -> why the row's qualifier is not in the quote's words.
ANALYSTS_READING = {
    (25, "At least 198 soldiers and 25 civilian"): (
        "'at least' is read as bounding both counts of the list; the words bound 198"
    ),
    (220, "Since the military escalation which began"): (
        "bodies recovered are recorded at_least (more may be found); the quote says 220"
    ),
    (125, "Armenian authorities also said that they brought 125 bodies"): (
        "bodies recovered are recorded at_least (more may be found); the quote says 125"
    ),
}


def _rows() -> list[dict[str, str]]:
    with SHIPPED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _reading(row: dict[str, str]) -> str | None:
    for (value, opening), reason in ANALYSTS_READING.items():
        if int(row["value"]) == value and row["quote"].startswith(opening):
            return reason
    return None


@pytest.mark.parametrize("row", _rows(), ids=lambda row: f"{row['value']}-{row['quote'][:30]}")
def test_shipped_quote_gives_its_rows_value_and_qualifier(row: dict[str, str]) -> None:
    value = int(row["value"])
    high = int(row["value_high"]) if row["value_high"].strip() else None
    qualifier = row["qualifier"].strip() or "exact"  # blank is exact in the contract
    proposed = [(c.value, c.value_high, c.qualifier) for c in parse_quote(row["quote"])]
    if _reading(row) is not None:
        assert value in [found for found, _, _ in proposed]
    else:
        assert (value, high, qualifier) in proposed


def test_each_analysts_reading_names_a_shipped_row_the_reader_cannot_give() -> None:
    """The list stays short: an entry whose row the reader now gives, or that matches no
    row, is removed."""
    rows = _rows()
    for value, opening in ANALYSTS_READING:
        matching = [r for r in rows if int(r["value"]) == value and r["quote"].startswith(opening)]
        assert matching, (value, opening)
        for row in matching:
            qualifier = row["qualifier"].strip() or "exact"
            proposed = [(c.value, c.qualifier) for c in parse_quote(row["quote"])]
            assert (value, qualifier) not in proposed


def test_the_shipped_file_has_quotes_to_check() -> None:
    assert len(_rows()) >= 200
