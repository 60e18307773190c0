"""The labelled quotes measure the reader on sentences it was not built from (issue 16).

The shipped rows' quotes are checked on their own (tests/test_quotes_shipped.py); a labelled quote
that is also a shipped quote would be counted twice and would no longer be unseen.
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "data" / "quotes_labelled.csv"
SHIPPED = ROOT / "data" / "figures.csv"


def _column(path: Path, name: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row[name] for row in csv.DictReader(handle)]


def test_no_labelled_quote_is_a_shipped_quote() -> None:
    shipped = {quote.strip() for quote in _column(SHIPPED, "quote")}
    ids = _column(LABELLED, "id")
    quotes = _column(LABELLED, "quote")
    # Equal, or one inside the other: a quote overlapping a shipped one is not unseen either.
    taken = [
        id_
        for id_, quote in zip(ids, quotes, strict=True)
        if any(quote.strip() in other or other in quote.strip() for other in shipped)
    ]
    assert taken == []  # ids only: a holdout quote is never printed


def test_both_splits_are_labelled() -> None:
    splits = _column(LABELLED, "split")
    assert set(splits) == {"dev", "holdout"}
    assert splits.count("dev") >= 150 and splits.count("holdout") >= 100
