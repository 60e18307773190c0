"""The shipped data/figures.csv: it checks clean and says nothing its sources do not say."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from figures.validation import LoadResult, load_figures

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "data" / "figures.csv"
# The source texts of the seed rows live beside the repository (../shared/sources), not inside
# it; a git worktree sits one folder deeper, so the nearest such folder above is taken.
SOURCES = next(
    (
        folder / "shared" / "sources"
        for folder in Path(__file__).resolve().parents[1:]
        if (folder / "shared" / "sources").is_dir()
    ),
    Path(__file__).resolve().parents[2] / "shared" / "sources",
)
# The first 13 rows are the seed texts' figures, kept unchanged at the top of the file; the
# researched rows after them carry their page's URL instead (docs/data-sources.md).
SEED_ROWS = 13


@pytest.fixture(scope="module")
def whole_file() -> LoadResult:
    return load_figures(SHIPPED)


@pytest.fixture(scope="module")
def shipped(whole_file: LoadResult) -> LoadResult:
    """The seed rows: what the tests of the seed texts' figures read."""
    seed = whole_file.rows[whole_file.rows["line"] <= SEED_ROWS + 1]
    return LoadResult(rows=seed, errors=whole_file.errors, record_count=len(seed))


@pytest.fixture(scope="module")
def source_texts() -> dict[str, str]:
    if not SOURCES.is_dir():
        pytest.skip(f"the source texts are not at {SOURCES} (a checkout without ../shared)")
    texts = {path.name: path.read_text(encoding="utf-8") for path in SOURCES.glob("*.txt")}
    if not texts:
        pytest.skip(f"no source texts (*.txt) in {SOURCES}")
    return texts


def test_shipped_file_checks_clean(whole_file: LoadResult) -> None:
    assert [str(error) for error in whole_file.errors] == []
    assert len(whole_file.rows) == whole_file.record_count >= 150


def test_the_seed_rows_stay_first_and_unchanged(shipped: LoadResult) -> None:
    assert list(shipped.rows["line"]) == list(range(2, SEED_ROWS + 2))
    assert shipped.rows["reported_by"].iloc[0] == "Russian Ministry of Defence"
    assert shipped.rows["value"].tolist()[-3:] == [0, 10000, 0]


def test_every_researched_row_names_its_page_and_its_words(whole_file: LoadResult) -> None:
    researched = whole_file.rows[whole_file.rows["line"] > SEED_ROWS + 1]
    assert len(researched) >= 150
    assert researched["url"].str.match(r"^https?://").all()
    for column in ("quote", "outlet", "reported_by"):
        assert researched[column].str.strip().ne("").all(), column


def test_real_reporting_has_many_voices_and_places(whole_file: LoadResult) -> None:
    rows = whole_file.rows
    assert rows["reported_by"].nunique() >= 30
    assert rows["outlet"].nunique() >= 30
    killed_places = rows.loc[rows["metric"] == "killed", "place"].nunique()
    assert killed_places >= 3  # the offensive, the fuel depot, the road out
    census = rows[(rows["metric"] == "population") & (rows["as_of"] < pd.Timestamp("2023-01-01"))]
    assert not census.empty  # a pre-crisis census
    late = rows[rows["as_of"] >= pd.Timestamp("2023-12-01")]
    assert not late.empty  # late revisions


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
