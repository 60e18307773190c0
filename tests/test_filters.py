"""Views: filtering rows, and reading and writing them as URL query parameters."""

from __future__ import annotations

import datetime as dt

from figures.conflicts import find_conflicts
from figures.filters import (
    NO_PLACE,
    ViewFilters,
    apply_filters,
    conflicts_in_view,
    describe_filters,
    filter_choices,
    filters_from_query,
    filters_to_query,
)
from tests.conflict_cases import VOCABULARY, figure, table

ROWS = table(
    figure("2023-09-19", "troops", 0, reporter="Ministry A", affiliation="armenia"),
    figure("2023-09-19", "troops", 10000, "about", reporter="Envoy B", affiliation="azerbaijan"),
    figure("2023-09-30", "fled", 100000, "more_than", reporter="Premier", affiliation="armenia"),
    figure("2023-09-28", "arrived", 2000, "at_least", place="", reporter="Wire"),
)


def test_each_filter_narrows_the_rows():
    assert apply_filters(ROWS, ViewFilters()).equals(ROWS)
    assert list(apply_filters(ROWS, ViewFilters(metrics=("troops",)))["line"]) == [2, 3]
    assert list(apply_filters(ROWS, ViewFilters(affiliations=("armenia",)))["line"]) == [2, 4]
    assert list(apply_filters(ROWS, ViewFilters(reporters=("Wire",)))["line"]) == [5]
    assert list(apply_filters(ROWS, ViewFilters(places=(NO_PLACE,)))["line"]) == [5]
    dated = ViewFilters(start=dt.date(2023, 9, 28), end=dt.date(2023, 9, 30))
    assert list(apply_filters(ROWS, dated)["line"]) == [4, 5]


def test_a_view_round_trips_through_the_url():
    view = ViewFilters(
        metrics=("troops", "fled"), affiliations=("armenia",), start=dt.date(2023, 9, 19)
    )
    params = filters_to_query(view)
    assert params == {
        "metric": ["troops", "fled"],
        "affiliation": ["armenia"],
        "from": ["2023-09-19"],
    }
    restored, notices = filters_from_query(params, filter_choices(ROWS, VOCABULARY))
    assert restored == view and notices == []


def test_unknown_or_malformed_url_values_are_ignored_with_a_notice():
    params = {"metric": ["troops", "fleed"], "from": ["19/09/2023"], "place": ["Atlantis"]}
    restored, notices = filters_from_query(params, filter_choices(ROWS, VOCABULARY))
    assert restored == ViewFilters(metrics=("troops",))
    assert len(notices) == 3
    assert any("fleed" in notice for notice in notices)


def test_an_inverted_date_range_is_ignored():
    params = {"from": ["2023-09-30"], "to": ["2023-09-19"]}
    restored, notices = filters_from_query(params, filter_choices(ROWS, VOCABULARY))
    assert restored == ViewFilters()
    assert notices


def test_a_dispute_stays_visible_when_one_side_is_filtered_out():
    found = find_conflicts(ROWS, VOCABULARY)
    armenian_view = apply_filters(ROWS, ViewFilters(affiliations=("armenia",)))
    assert [c.lines for c in conflicts_in_view(found, armenian_view)] == [(2, 3)]
    arrivals_view = apply_filters(ROWS, ViewFilters(metrics=("arrived",)))
    assert conflicts_in_view(found, arrivals_view) == []


def test_a_view_is_described_in_words():
    view = ViewFilters(metrics=("fled",), places=("Nagorno-Karabakh",), start=dt.date(2023, 9, 19))
    assert describe_filters(view, VOCABULARY) == (
        "People who fled · Nagorno-Karabakh · from 19 Sep 2023"
    )
