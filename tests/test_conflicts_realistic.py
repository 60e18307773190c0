"""The engine on realistic reporting: a week of a running total, and the shipped data."""

from __future__ import annotations

from pathlib import Path

from figures.conflicts import find_conflicts
from figures.validation import load_bytes, load_figures
from figures.vocabulary import load_vocabulary
from tests.conflict_cases import summary
from tests.support import SEED_FIGURES

DATA = Path(__file__).parent / "data"
WEEK = DATA / "running_total_week.csv"
SHIPPED = SEED_FIGURES  # the seed rows, frozen (tests/data/seed)
VOCABULARY = load_vocabulary(SEED_FIGURES.parent)


def _week_with(*extra_lines: str) -> tuple[list, int]:
    """The week's rows plus extra CSV lines; returns flags and the first extra line's number."""
    text = WEEK.read_text(encoding="utf-8")
    first_extra = text.count("\n") + 1
    result = load_bytes((text + "".join(f"{line}\n" for line in extra_lines)).encode(), VOCABULARY)
    assert not result.errors, result.errors
    return find_conflicts(result.rows, VOCABULARY), first_extra


def test_a_week_of_updates_relayed_with_and_without_hours_gives_no_flag():
    result = load_figures(WEEK)
    assert not result.errors
    assert len(result.rows) > 60
    # Several updates a day, relays with and without the hour, one dated the next morning.
    assert result.rows["as_of_has_time"].any() and (~result.rows["as_of_has_time"]).any()
    assert find_conflicts(result.rows, VOCABULARY) == []


def test_one_wrong_copy_in_the_week_is_flagged_as_a_likely_typo():
    rows = load_figures(WEEK).rows
    official = rows[(rows["outlet"] == "Government of Armenia") & (rows["as_of"].dt.day == 27)]
    correct = int(official["value"].iloc[1])
    digits = str(correct)
    swapped = int(digits[:-3] + digits[-2] + digits[-3] + digits[-1])
    assert swapped != correct
    wrong = (
        f"2023-09-27,arrived,,,{swapped},,Armenia,Government of Armenia,armenia,Wire D,"
        f"2023-09-27,,{swapped} refugees,"
    )
    found, wrong_line = _week_with(wrong)
    assert [flag.code for flag in found] == ["likely-typo"]
    copies = rows.loc[(rows["value"] == correct) & (rows["as_of"].dt.day == 27), "line"]
    assert set(found[0].lines) == {wrong_line, *copies}
    assert all(wrong_line in pair for pair in found[0].pairs)
    assert found[0].probable_value == f"{correct:,}"


def test_one_real_dispute_in_the_week_is_flagged_as_a_contradiction():
    found, first = _week_with(
        "2023-09-19,population,,about,120000,,Nagorno-Karabakh,Armenian officials,armenia,"
        "AFP,2023-09-30,,estimated 120000 inhabitants,",
        "2023-09-20,population,,,40000,,Nagorno-Karabakh,Azerbaijani media,media,"
        "Outlet Z,2023-09-21,,40000 inhabitants,",
    )
    assert summary(found) == [["contradiction", [first, first + 1], [[first, first + 1]]]]


def test_the_shipped_data_flags_the_troops_dispute_and_nothing_else():
    result = load_figures(SHIPPED)
    found = find_conflicts(result.rows, VOCABULARY)
    troops = result.rows[result.rows["metric"] == "troops"]
    ambassador = int(troops.loc[troops["affiliation"] == "azerbaijan", "line"].iloc[0])
    denials = sorted(troops.loc[troops["affiliation"] == "armenia", "line"])
    assert len(denials) >= 1
    assert summary(found) == [
        [
            "contradiction",
            sorted([ambassador, *denials]),
            sorted(sorted([ambassador, denial]) for denial in denials),
        ]
    ]
    sentence = found[0].explanation
    assert "Ambassador to the EU (Brussels Signal, 25 Sep 2023) put troops" in sentence
    assert "about 10,000" in sentence and "said there were none" in sentence
    assert "19 Sep 2023" in sentence
