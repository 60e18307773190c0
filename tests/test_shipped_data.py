"""The shipped data/figures.csv: it checks clean and says nothing its sources do not say."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from figures.validation import LoadResult, load_figures

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "data" / "figures.csv"
# The source texts live beside the repository (../shared/sources), not inside it.
SOURCES = Path(__file__).resolve().parents[2] / "shared" / "sources"


@pytest.fixture(scope="module")
def shipped() -> LoadResult:
    return load_figures(SHIPPED)


@pytest.fixture(scope="module")
def source_texts() -> dict[str, str]:
    if not SOURCES.is_dir():
        pytest.skip(f"the source texts are not at {SOURCES} (a checkout without ../shared)")
    texts = {path.name: path.read_text(encoding="utf-8") for path in SOURCES.glob("*.txt")}
    if not texts:
        pytest.skip(f"no source texts (*.txt) in {SOURCES}")
    return texts


def test_shipped_file_checks_clean(shipped: LoadResult) -> None:
    assert [str(error) for error in shipped.errors] == []
    assert len(shipped.rows) == shipped.record_count >= 12


def test_every_quote_is_verbatim_in_a_source_text(
    shipped: LoadResult, source_texts: dict[str, str]
) -> None:
    not_found = [
        (int(row.line), row.quote)
        for row in shipped.rows.itertuples()
        if not any(row.quote in text for text in source_texts.values())
    ]
    assert not_found == []


def test_both_sides_of_the_troops_claim_are_there(shipped: LoadResult) -> None:
    troops = shipped.rows[shipped.rows["metric"] == "troops"]
    armenia = troops[troops["affiliation"] == "armenia"]
    azerbaijan = troops[troops["affiliation"] == "azerbaijan"]
    assert not armenia.empty and set(armenia["value"]) == {0}
    assert len(azerbaijan) == 1
    claim = azerbaijan.iloc[0]
    assert claim["value"] == 10000 and claim["qualifier"] in ("about", "exact", "up_to")
    assert "Sadigov" in claim["reported_by"]
    # Both describe the region at the time of the 19 September operation.
    assert claim["as_of"] == pd.Timestamp("2023-09-19")
    assert set(armenia["as_of"]) == {pd.Timestamp("2023-09-19")}


def test_the_102_children_are_part_of_the_311_evacuated(shipped: LoadResult) -> None:
    evacuated = shipped.rows[shipped.rows["metric"] == "evacuated"]
    children = evacuated[evacuated["group"] == "children"]
    everyone = evacuated[evacuated["group"] == "all"]
    assert list(children["value"]) == [102]
    assert list(everyone["value"]) == [311]
    # The same report of the same day and place: the part sits beside its whole.
    for name in ("as_of", "place", "reported_by", "outlet"):
        assert children.iloc[0][name] == everyone.iloc[0][name], name


def test_the_pre_exodus_population_is_dated_before_the_exodus(shipped: LoadResult) -> None:
    population = shipped.rows[shipped.rows["metric"] == "population"]
    assert list(population["value"]) == [120000]
    estimate = population.iloc[0]
    assert estimate["as_of"] < pd.Timestamp("2023-09-24")  # departures began on 24 September
    assert estimate["published"] == pd.Timestamp("2023-09-30")
