"""The headline rule on tiny hand-built tables: one quotable figure per quantity."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from figures.cli import main
from figures.conflicts import find_conflicts
from figures.headline import DISPUTED, LATEST, LATEST_WINDOW, PRE_CRISIS, Headline, headlines
from tests.support import HEADER, VOCABULARY, load


def _rows(*records: str) -> pd.DataFrame:
    result = load("\n".join([HEADER, *records]) + "\n")
    assert result.ok, result.errors
    return result.rows


def _headlines(rows: pd.DataFrame) -> list[Headline]:
    return headlines(rows, VOCABULARY, find_conflicts(rows, VOCABULARY))


def _one(found: list[Headline], metric: str, group: str = "all") -> Headline:
    (match,) = [h for h in found if h.metric == metric and h.group == group]
    return match


GOV = "Government of Armenia,armenia"


def test_a_late_relay_of_an_old_total_is_not_the_headline() -> None:
    # The government's own count passed 100,000; an outlet repeated its 28,120 a day later.
    rows = _rows(
        f"2023-09-27,fled,all,,28120,,Nagorno-Karabakh,{GOV},Reuters,2023-09-27,,q,",
        f"2023-10-01,fled,all,,100417,,Nagorno-Karabakh,{GOV},Reuters,2023-10-01,,q,",
        f"2023-10-02,fled,all,,28120,,Nagorno-Karabakh,{GOV},Daily Relay,2023-10-02,,q,",
    )
    found = _one(_headlines(rows), "fled")
    assert found.basis == LATEST
    assert found.chosen is not None and found.chosen.value == 100417
    assert found.chosen.line == 3


def test_the_originators_own_publication_is_chosen_over_a_relay_of_it() -> None:
    rows = _rows(
        f"2023-10-01,fled,all,,100417,,Nagorno-Karabakh,{GOV},Reuters,2023-10-01,,q,",
        f"2023-10-01,fled,all,,100417,,Nagorno-Karabakh,{GOV},Government of Armenia,2023-10-02,,q,",
        f"2023-10-01,fled,all,,100417,,Nagorno-Karabakh,{GOV},BBC,2023-10-01,,q,",
    )
    found = _one(_headlines(rows), "fled")
    assert found.chosen is not None and found.chosen.line == 3
    assert (found.reporters, found.outlets) == (1, 3)


def test_a_suspected_miscopy_is_not_the_headline_even_when_higher() -> None:
    rows = _rows(
        f"2023-10-01,fled,all,,100417,,Nagorno-Karabakh,{GOV},Government of Armenia,2023-10-01,,q,",
        f"2023-10-01,fled,all,,100417,,Nagorno-Karabakh,{GOV},Reuters,2023-10-01,,q,",
        f"2023-10-01,fled,all,,100417,,Nagorno-Karabakh,{GOV},AP,2023-10-01,,q,",
        f"2023-10-01,fled,all,,100471,,Nagorno-Karabakh,{GOV},Daily Slip,2023-10-01,,q,",
    )
    found = _one(_headlines(rows), "fled")
    assert found.chosen is not None and found.chosen.value == 100417
    assert found.conflicts, "the flag that touches the figure is named"


def test_children_are_their_own_line_under_their_total() -> None:
    rows = _rows(
        "2023-09-24,evacuated,children,,102,,Nagorno-Karabakh,MoD,russia,TASS,2023-09-24,,q,",
        "2023-09-24,evacuated,all,up_to,311,,Nagorno-Karabakh,MoD,russia,TASS,2023-09-24,,q,",
    )
    found = _headlines(rows)
    assert [(h.metric, h.group) for h in found] == [
        ("evacuated", "all"),
        ("evacuated", "children"),
    ]
    assert found[1].is_subgroup and not found[0].is_subgroup


def test_a_panel_of_places_is_never_mixed_into_one_headline() -> None:
    rows = _rows(
        "2023-09-26,killed,all,,68,,Fuel depot,Ombudsman,armenia,AP,2023-09-26,,q,",
        "2023-09-21,killed,all,,192,,Nagorno-Karabakh,MoD,azerbaijan,AP,2023-09-21,,q,",
    )
    found = [h for h in _headlines(rows) if h.metric == "killed"]
    assert sorted(h.place for h in found) == ["Fuel depot", "Nagorno-Karabakh"]
    assert all(h.chosen is not None for h in found)


def test_a_population_estimate_before_anyone_left_is_the_pre_crisis_figure() -> None:
    rows = _rows(
        "2015-12-01,population,all,,145053,,Nagorno-Karabakh,Census,armenia,Stat,2016-01-01,,q,",
        f"2023-09-19,population,all,about,120000,,Nagorno-Karabakh,{GOV},AFP,2023-09-30,,q,",
        f"2023-09-24,fled,all,,1050,,Nagorno-Karabakh,{GOV},AFP,2023-09-24,,q,",
    )
    found = _one(_headlines(rows), "population")
    assert found.basis == PRE_CRISIS
    assert found.chosen is not None and found.chosen.value == 120000


def test_people_remaining_are_never_the_population() -> None:
    rows = _rows(
        f"2023-09-19,population,all,about,120000,,Nagorno-Karabakh,{GOV},AFP,2023-09-30,,q,",
        f"2023-09-24,fled,all,,1050,,Nagorno-Karabakh,{GOV},AFP,2023-09-24,,q,",
        "2023-10-02,remaining,all,up_to,1000,,Nagorno-Karabakh,UN,un,UN,2023-10-02,,q,",
    )
    population = _one(_headlines(rows), "population")
    remaining = _one(_headlines(rows), "remaining")
    assert population.chosen is not None and population.chosen.value == 120000
    assert remaining.basis == LATEST_WINDOW
    assert remaining.chosen is not None and remaining.chosen.value == 1000


def test_a_quantity_in_dispute_between_sides_picks_no_side() -> None:
    rows = _rows(
        "2023-09-19,troops,all,about,10000,,Nagorno-Karabakh,Ambassador,azerbaijan,AFP,2023-09-20,,q,",
        f"2023-09-19,troops,all,,0,,Nagorno-Karabakh,{GOV},Armenpress,2023-09-19,,q,",
    )
    found = _one(_headlines(rows), "troops")
    assert found.basis == DISPUTED and found.disputed
    assert found.chosen is None
    assert (found.low.value, found.high.value) == (0, 10000)
    assert {found.low.affiliation, found.high.affiliation} == {"armenia", "azerbaijan"}
    assert found.to_dict()["value"] is None and found.conflicts


def test_a_stock_headline_is_the_reading_most_reporters_give_in_the_latest_window() -> None:
    rows = _rows(
        "2023-09-28,missing,all,,105,,Fuel depot,Ombudsman,armenia,AP,2023-09-28,,q,",
        "2023-09-30,missing,all,,120,,Fuel depot,Health ministry,armenia,AP,2023-09-30,,q,",
        "2023-09-30,missing,all,,120,,Fuel depot,Red Cross,ngo,AP,2023-09-30,,q,",
        "2023-09-30,missing,all,,119,,Fuel depot,A reporter,media,Daily,2023-09-30,,q,",
    )
    found = _one(_headlines(rows), "missing")
    assert found.chosen is not None and found.chosen.value == 120
    assert found.reporters == 2
    assert (found.low.value, found.high.value) == (119, 120)


_QUALIFIERS = ["", "about", "more_than", "up_to"]
_REPORTERS = [("A", "armenia"), ("B", "azerbaijan"), ("C", "un")]


@st.composite
def _tables(draw: st.DrawFn) -> list[str]:
    count = draw(st.integers(1, 8))
    records = []
    for _ in range(count):
        metric = draw(st.sampled_from(["fled", "population", "evacuated", "troops"]))
        group = draw(st.sampled_from(["all", "children"]))
        place = draw(st.sampled_from(["Karabakh", "Goris"]))
        qualifier = draw(st.sampled_from(_QUALIFIERS))
        value = draw(st.integers(0, 2000))
        day = draw(st.integers(18, 30))
        reporter, side = draw(st.sampled_from(_REPORTERS))
        records.append(
            f"2023-09-{day},{metric},{group},{qualifier},{value},,{place},{reporter},{side},"
            f"Outlet {reporter},2023-09-30,,q,"
        )
    return records


@settings(max_examples=60, deadline=None)
@given(_tables())
def test_one_headline_per_quantity_and_its_figure_lies_in_its_range(records: list[str]) -> None:
    # A repeated row is an error of its own: the headline sees the valid rows, as pages do.
    rows = load("\n".join([HEADER, *records]) + "\n").rows
    found = _headlines(rows)
    keys = [(h.metric, h.group, h.place.casefold()) for h in found]
    assert len(keys) == len(set(keys))
    assert len(found) == rows.groupby(["metric", "group", "place"]).ngroups
    lines = set(rows["line"].tolist())
    for headline in found:
        assert headline.low.value <= headline.high.value or headline.high.value_high
        if headline.chosen is not None:
            assert headline.chosen.line in lines
            assert headline.low.value <= headline.chosen.value
            assert headline.chosen.value <= max(headline.high.value, headline.high.value_high or 0)


def test_the_command_gives_one_object_per_quantity_with_the_documented_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                "2023-09-19,troops,all,about,10000,,Karabakh,Envoy,azerbaijan,AFP,2023-09-20,,q,",
                f"2023-09-19,troops,all,,0,,Karabakh,{GOV},Armenpress,2023-09-19,,q,",
                f"2023-10-01,fled,all,,100417,,Karabakh,{GOV},Reuters,2023-10-01,,q,",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    assert main(["headline", str(path), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    keys = {"metric", "group", "place", "qualifier", "value", "value_high", "as_of"}
    keys |= {"reported_by", "outlet", "line", "low", "high", "reporters", "outlets"}
    keys |= {"disputed", "conflicts"}
    assert all(keys <= set(item) for item in found)
    by_metric = {item["metric"]: item for item in found}
    assert by_metric["fled"]["value"] == 100417 and by_metric["fled"]["line"] == 4
    assert by_metric["troops"]["disputed"] is True and by_metric["troops"]["value"] is None
    assert (by_metric["troops"]["low"], by_metric["troops"]["high"]) == (0, 10000)


def test_a_later_coarser_restatement_does_not_displace_the_precise_count() -> None:
    rows = _rows(
        f"2023-10-01,fled,all,,100514,,Karabakh,{GOV},Government of Armenia,2023-10-01,,q,",
        "2025-07-30,fled,all,more_than,100000,,Karabakh,A weekly,media,A weekly,2025-07-30,,q,",
    )
    found = _one(_headlines(rows), "fled")
    assert found.chosen is not None and found.chosen.value == 100514
    # A later figure that says more than the earlier one does displace it.
    rows = _rows(
        f"2023-10-01,fled,all,,100514,,Karabakh,{GOV},Government of Armenia,2023-10-01,,q,",
        "2024-04-26,fled,all,more_than,115000,,Karabakh,WHO,un,WHO,2024-04-26,,q,",
    )
    found = _one(_headlines(rows), "fled")
    assert found.chosen is not None and found.chosen.value == 115000


def test_the_range_of_a_running_total_leaves_out_reporters_that_stopped_counting() -> None:
    rows = _rows(
        "2023-09-25,fled,all,up_to,3000,,Karabakh,A paper,media,A paper,2023-09-25,,q,",
        f"2023-10-01,fled,all,,100417,,Karabakh,{GOV},Government of Armenia,2023-10-01,,q,",
        "2023-09-30,fled,all,about,100000,,Karabakh,UNHCR,un,UNHCR,2023-09-30,,q,",
    )
    found = _one(_headlines(rows), "fled")
    assert found.chosen is not None and found.chosen.value == 100417
    assert (found.low.value, found.high.value) == (100000, 100417)


def test_a_dispute_names_the_opposing_pair_not_the_ends_of_one_side() -> None:
    rows = _rows(
        "2023-09-20,troops,all,,4,,Karabakh,Ministry A,russia,A,2023-09-20,,q,",
        "2023-09-20,troops,all,,5,,Karabakh,Ministry B,russia,B,2023-09-20,,q,",
        "2023-09-20,troops,all,,9000,,Karabakh,Envoy,azerbaijan,C,2023-09-20,,q,",
    )
    found = _one(_headlines(rows), "troops")
    assert found.dispute is not None
    sides = {claim.affiliation for claim in found.dispute}
    assert sides == {"russia", "azerbaijan"}
