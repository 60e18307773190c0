"""Every shipped row's own quote gives the row's figure among the reader's candidates."""

from __future__ import annotations

import csv

import pytest

from figures.quotes import parse_quote
from tests.support import SEED_FIGURES

SHIPPED = SEED_FIGURES  # the seed rows, frozen (tests/data/seed)


def _rows() -> list[dict[str, str]]:
    with SHIPPED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("row", _rows(), ids=lambda row: f"{row['value']}-{row['quote'][:30]}")
def test_shipped_quote_gives_its_rows_value_and_qualifier(row: dict[str, str]) -> None:
    value = int(row["value"])
    high = int(row["value_high"]) if row["value_high"].strip() else None
    qualifier = row["qualifier"].strip() or "exact"  # blank is exact in the contract
    proposed = [(c.value, c.value_high, c.qualifier) for c in parse_quote(row["quote"])]
    assert (value, high, qualifier) in proposed


def test_the_shipped_file_has_quotes_to_check() -> None:
    assert len(_rows()) >= 10
