"""The conflict engine, rule by rule, on tiny hand-built tables (figures start on CSV line 2)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from figures.conflicts import (
    ConflictSettings,
    conflicts_by_line,
    digit_slip,
    find_conflicts,
)
from figures.vocabulary import Vocabulary
from tests.conflict_cases import VOCABULARY, figure, flags, summary, table

# --- What a figure claims --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qualifier", "value", "high", "agree", "disagree"),
    [
        ("exact", 100, "", [100], [99, 101]),
        ("about", 100, "", [90, 110], [89, 111]),
        ("more_than", 100, "", [100, 10**9], [99]),
        ("at_least", 100, "", [100, 10**9], [99]),
        ("up_to", 100, "", [0, 100], [101]),
        ("less_than", 100, "", [0, 100], [101]),
        ("range", 5, "6", [5, 6], [4, 7]),
    ],
)
def test_each_qualifier_allows_its_interval_and_nothing_outside_it(
    qualifier, value, high, agree, disagree
):
    # A figure claims an interval (docs/conflicts.md): an exact figure of the same moment agrees
    # with it anywhere inside, ends included, and contradicts it just outside.
    claim = figure("2023-09-19", "troops", value, qualifier, high=high, reporter="A")
    for other in agree:
        assert flags(claim, figure("2023-09-19", "troops", other, reporter="B")) == [], other
    for other in disagree:
        found = flags(claim, figure("2023-09-19", "troops", other, reporter="B"))
        assert summary(found) == [["contradiction", [2, 3], [[2, 3]]]], other


# --- contradiction ---------------------------------------------------------------------------

TROOPS_NONE = figure("2023-09-19", "troops", 0, reporter="Ministry A", affiliation="armenia")
TROOPS_MANY = figure("2023-09-19", "troops", 10000, "about", reporter="Envoy B")


def test_stock_figures_of_one_day_that_disagree_are_a_contradiction():
    found = flags(TROOPS_NONE, TROOPS_MANY)
    assert summary(found) == [["contradiction", [2, 3], [[2, 3]]]]
    sentence = found[0].explanation
    assert "Envoy B (Outlet A) put troops in Nagorno-Karabakh at about 10,000" in sentence
    assert "Ministry A (Outlet A) said there were none" in sentence
    assert sentence.endswith("The figures describe 19 Sep 2023 and cannot both be true.")


def test_stock_window_is_three_days_by_default_and_settable():
    early = figure("2023-09-19", "population", 120000, "about", reporter="A")
    three_days = figure("2023-09-22", "population", 40000, reporter="B")
    four_days = figure("2023-09-23", "population", 40000, reporter="B")
    assert summary(flags(early, three_days)) == [["contradiction", [2, 3], [[2, 3]]]]
    assert flags(early, four_days) == []
    wider = ConflictSettings(window_days=4)
    assert summary(flags(early, four_days, settings=wider)) == [["contradiction", [2, 3], [[2, 3]]]]


def test_a_stock_that_moves_daily_compares_only_same_day_figures():
    # metrics.csv gives `missing` window_days 0: it falls as people are found.
    monday = figure("2023-09-25", "missing", 200)
    tuesday = figure("2023-09-26", "missing", 150)
    tuesday_other = figure("2023-09-26", "missing", 90, reporter="B")
    assert summary(flags(monday, tuesday, tuesday_other)) == [["contradiction", [3, 4], [[3, 4]]]]


def test_touching_intervals_overlap():
    assert (
        flags(figure("2023-09-19", "troops", 3000, "up_to"), figure("2023-09-19", "troops", 3000))
        == []
    )
    assert (
        flags(
            figure("2023-09-19", "troops", 3000, "up_to"),
            figure("2023-09-19", "troops", 3000, "more_than"),
        )
        == []
    )


def test_about_at_exactly_the_tolerance_still_agrees():
    assert (
        flags(figure("2023-09-19", "troops", 100, "about"), figure("2023-09-19", "troops", 110))
        == []
    )
    assert (
        flags(figure("2023-09-19", "troops", 100, "about"), figure("2023-09-19", "troops", 90))
        == []
    )
    assert summary(
        flags(figure("2023-09-19", "troops", 100, "about"), figure("2023-09-19", "troops", 111))
    ) == [["contradiction", [2, 3], [[2, 3]]]]


def test_tolerance_is_settable():
    rows = (figure("2023-09-19", "troops", 100, "about"), figure("2023-09-19", "troops", 120))
    assert len(flags(*rows)) == 1
    assert flags(*rows, settings=ConflictSettings(tolerance=0.2)) == []


def test_event_figures_conflict_only_on_the_same_day():
    convoy = figure("2023-09-24", "evacuated", 311)
    same_day = figure("2023-09-24", "evacuated", 500, reporter="B")
    next_day = figure("2023-09-25", "evacuated", 500, reporter="B")
    assert summary(flags(convoy, same_day)) == [["contradiction", [2, 3], [[2, 3]]]]
    assert flags(convoy, next_day) == []


def test_intraday_total_timed_and_untimed_on_one_day_never_contradict():
    # `arrived` is updated several times a day: the untimed figure may be the later update.
    timed = figure("2023-09-26T20:00", "arrived", 28120, place="Armenia")
    untimed = figure("2023-09-26", "arrived", 42500, place="Armenia", reporter="B")
    assert flags(timed, untimed) == []


def test_intraday_total_two_untimed_on_one_day_never_contradict():
    morning = figure("2023-09-26", "arrived", 28120, place="Armenia")
    evening = figure("2023-09-26", "arrived", 42500, place="Armenia", reporter="B")
    assert flags(morning, evening) == []


def test_intraday_total_at_the_same_minute_can_contradict():
    one = figure("2023-09-26T20:00", "arrived", 28120, place="Armenia")
    other = figure("2023-09-26T20:00", "arrived", 42500, place="Armenia", reporter="B")
    assert summary(flags(one, other)) == [["contradiction", [2, 3], [[2, 3]]]]


def test_daily_total_untimed_holds_for_the_whole_day():
    # `killed` is not intraday: an untimed toll holds for its whole day.
    timed = figure("2023-09-20T18:00", "killed", 200)
    untimed = figure("2023-09-20", "killed", 32, reporter="B")
    assert summary(flags(timed, untimed)) == [["contradiction", [2, 3], [[2, 3]]]]


def test_daily_total_at_two_different_hours_is_not_the_same_moment():
    morning = figure("2023-09-20T08:00", "killed", 32)
    evening = figure("2023-09-20T20:00", "killed", 200, reporter="B")
    assert flags(morning, evening) == []


def test_quantities_differ_by_group_and_place():
    assert flags(TROOPS_NONE, figure("2023-09-19", "troops", 10000, place="Lachin")) == []
    # Another group is another quantity: no contradiction, though a part above its whole is.
    other_group = flags(TROOPS_NONE, figure("2023-09-19", "troops", 10000, group="combatants"))
    assert summary(other_group) == [["part-exceeds-whole", [2, 3], [[2, 3]]]]
    # Blank place only matches blank place.
    assert flags(TROOPS_NONE, figure("2023-09-19", "troops", 10000, place="")) == []


def test_place_spelling_of_case_and_hyphen_is_one_place():
    found = flags(TROOPS_NONE, figure("2023-09-19", "troops", 10000, place="nagorno karabakh"))
    assert summary(found) == [["contradiction", [2, 3], [[2, 3]]]]


def test_a_source_that_contradicts_itself_is_flagged_and_said_so():
    found = flags(
        figure("2023-09-19", "troops", 0, reporter="Ministry A"),
        figure("2023-09-20", "troops", 500, reporter="Ministry A"),
    )
    assert summary(found) == [["contradiction", [2, 3], [[2, 3]]]]
    assert found[0].self_contradiction
    # Both came through Outlet A: the inconsistency may be the outlet's, so it is named.
    assert "Ministry A, as reported by Outlet A, gave figures that contradict each other" in (
        found[0].explanation
    )
    in_its_own_words = flags(
        figure("2023-09-19", "troops", 0, reporter="Ministry A", outlet="Ministry A"),
        figure("2023-09-20", "troops", 500, reporter="Ministry A", outlet="Ministry A"),
    )
    assert in_its_own_words[0].explanation.endswith(
        " Ministry A gave figures that contradict each other."
    )


def test_figures_that_disagree_are_grouped_with_every_pair_listed():
    found = flags(
        TROOPS_NONE,
        TROOPS_MANY,
        figure("2023-09-19", "troops", 0, reporter="Ministry C", affiliation="armenia"),
    )
    assert summary(found) == [["contradiction", [2, 3, 4], [[2, 3], [3, 4]]]]
    assert "Ministry A (Outlet A) and Ministry C (Outlet A) said" in found[0].explanation
    assert "cannot all be true" in found[0].explanation


# --- decrease --------------------------------------------------------------------------------


def test_a_running_total_that_falls_on_a_later_day():
    found = flags(
        figure("2023-09-26", "fled", 50000, "more_than"),
        figure("2023-09-27", "fled", 30000, reporter="B"),
    )
    assert summary(found) == [["decrease", [2, 3], [[2, 3]]]]
    assert "a running total cannot fall" in found[0].explanation


def test_a_running_total_that_rises_or_is_bounded_loosely_is_fine():
    assert (
        flags(
            figure("2023-09-25", "fled", 3000, "up_to"),
            figure("2023-09-30", "fled", 100000, "more_than"),
        )
        == []
    )
    assert (
        flags(
            figure("2023-09-26", "fled", 50000, "more_than"),
            figure("2023-09-27", "fled", 30000, "more_than"),  # two lower bounds never conflict
        )
        == []
    )


def test_a_later_hour_of_the_same_day_that_is_lower_is_a_decrease():
    found = flags(
        figure("2023-09-26T10:00", "arrived", 50000, place="Armenia"),
        figure("2023-09-26T20:00", "arrived", 45000, place="Armenia", reporter="B"),
    )
    assert summary(found) == [["decrease", [2, 3], [[2, 3]]]]


def test_an_untimed_figure_of_the_same_day_is_not_certainly_later():
    assert (
        flags(
            figure("2023-09-26T10:00", "arrived", 50000, place="Armenia"),
            figure("2023-09-26", "arrived", 45000, place="Armenia", reporter="B"),
        )
        == []
    )


def test_stocks_may_fall():
    assert flags(figure("2023-09-20", "missing", 200), figure("2023-09-28", "missing", 50)) == []


# --- part-exceeds-whole ----------------------------------------------------------------------


def test_children_above_everyone_at_the_same_time():
    found = flags(
        figure("2023-09-24", "evacuated", 311),
        figure("2023-09-24", "evacuated", 400, group="children"),
    )
    assert summary(found) == [["part-exceeds-whole", [2, 3], [[2, 3]]]]
    assert "a part cannot exceed its whole" in found[0].explanation


def test_children_within_everyone_is_fine():
    assert (
        flags(
            figure("2023-09-24", "evacuated", 311, "up_to"),
            figure("2023-09-24", "evacuated", 102, group="children"),
        )
        == []
    )


def test_a_running_total_of_children_counted_earlier_cannot_exceed_a_later_total():
    found = flags(
        figure("2023-09-26", "fled", 5000, group="children"),
        figure("2023-09-28", "fled", 4000, reporter="B"),
    )
    assert summary(found) == [["part-exceeds-whole", [2, 3], [[2, 3]]]]
    # ... but a later count of children may exceed an earlier total.
    assert (
        flags(
            figure("2023-09-28", "fled", 5000, group="children"),
            figure("2023-09-26", "fled", 4000, reporter="B"),
        )
        == []
    )


def test_fled_above_the_population_before_the_exodus():
    found = flags(
        figure("2023-09-19", "population", 40000, reporter="Media C", affiliation="media"),
        figure("2023-09-30", "fled", 100000, "more_than", reporter="Premier"),
    )
    assert summary(found) == [["part-exceeds-whole", [2, 3], [[2, 3]]]]
    assert "population" in found[0].explanation


def test_a_population_dated_after_departures_began_is_no_bound():
    # People remaining after others left say nothing of how many left.
    assert (
        flags(
            figure("2023-09-25", "fled", 3000, "up_to"),
            figure("2023-09-28", "population", 20000, reporter="B"),
            figure("2023-09-30", "fled", 100000, "more_than", reporter="Premier"),
        )
        == []
    )


def test_a_report_that_no_one_had_left_yet_does_not_end_the_population_before():
    # "0 fled" on the 19th: a population counted on the 20th is still everyone.
    found = flags(
        figure("2023-09-19", "fled", 0, reporter="A"),
        figure("2023-09-20", "population", 40000, reporter="Media C", affiliation="media"),
        figure("2023-09-30", "fled", 100000, "more_than", reporter="Premier"),
    )
    assert summary(found) == [["part-exceeds-whole", [3, 4], [[3, 4]]]]
    assert "before anyone left" in found[0].explanation
    assert "people who fled above zero there is dated 30 Sep 2023" in found[0].explanation


def test_the_shipped_population_bounds_the_shipped_fled():
    assert (
        flags(
            figure("2023-09-19", "population", 120000, "about"),
            figure("2023-09-30", "fled", 100000, "more_than"),
        )
        == []
    )


# --- likely-typo -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "how"),
    [
        (1294, 1924, "two adjacent digits swapped"),
        (3107, 3017, "two adjacent digits swapped"),
        (28120, 28170, "one digit changed"),
        (100417, 100517, "one digit changed"),
        (100400, 109400, "one digit changed"),  # a digit 100,400 wrote, not a rounding zero
        # ... but a digit that differs only where a round figure has its rounding zeros is a
        # rounding, not a slip (issue 15): 100,400 never wrote the 1 of 100,410.
        (100400, 100410, None),
        (42500, 42502, None),
        (100400, 104000, "two adjacent digits swapped"),
        (2906, 29060, "ten times the other"),
        (12906, 2906, "one digit dropped or added"),
        (350, 35, "ten times the other"),
        (120000, 12000, "ten times the other"),
    ],
)
def test_digit_slips(a, b, how):
    assert digit_slip(a, b) == how


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (45000, 48000),
        (1000, 1001),
        (3107, 3107),
        (1294, 4921),
        (40, 4000),
        (120000, 102000),
        (100000, 10000),  # round figures: estimates as often as slips
        (100400, 100500),  # two roundings to the hundred, of two updates or by two outlets
        (12300, 12400),
        (2190000, 2180000),
        (1, 10),
    ],
)
def test_round_or_unrelated_numbers_are_not_slips(a, b):
    assert digit_slip(a, b) is None


def test_two_copies_of_one_number_on_one_day_look_like_a_typo():
    found = flags(
        figure("2023-09-26", "arrived", 3107, place="Armenia", outlet="Wire A"),
        figure("2023-09-26", "arrived", 3107, place="Armenia", outlet="Wire B"),
        figure("2023-09-26", "arrived", 3017, place="Armenia", outlet="Wire C"),
    )
    assert summary(found) == [["likely-typo", [2, 3, 4], [[2, 4], [3, 4]]]]
    assert found[0].probable_value == "3,107"
    assert "3,107 is probably right" in found[0].explanation


def test_lower_bounds_that_look_miscopied_are_found_where_intervals_cannot():
    found = flags(
        figure("2023-09-25", "fled", 350, "more_than"),
        figure("2023-09-25", "fled", 35, "more_than", reporter="B"),
    )
    assert summary(found) == [["likely-typo", [2, 3], [[2, 3]]]]


def test_typos_need_the_same_day_and_qualifier_and_no_distinct_hours():
    assert flags(figure("2023-09-25", "fled", 1294), figure("2023-09-26", "fled", 1924)) == []
    assert (
        flags(figure("2023-09-25", "fled", 1294), figure("2023-09-25", "fled", 1924, "about")) == []
    )
    assert (
        flags(
            figure("2023-09-25T08:00", "arrived", 1294, place="Armenia"),
            figure("2023-09-25T20:00", "arrived", 1924, place="Armenia"),
        )
        == []
    )


def test_rounded_lower_bounds_of_two_updates_are_not_a_slip():
    # Reuters rounds the 14:00 update down to the hundred, AP the 20:00 one: both true.
    assert (
        flags(
            figure("2023-10-01", "arrived", 100400, "more_than", place="Armenia", outlet="Reuters"),
            figure("2023-10-01", "arrived", 100500, "more_than", place="Armenia", outlet="AP"),
        )
        == []
    )


def test_an_originators_two_readings_are_not_called_a_contradiction_in_a_typo_flag():
    gov = {"place": "Armenia", "reporter": "Gov", "outlet": "Gov"}
    found = flags(
        figure("2023-09-26", "arrived", 28120, **gov),
        figure("2023-09-26T20:00", "arrived", 28720, **gov),
    )
    assert summary(found) == [["likely-typo", [2, 3], [[2, 3]]]]
    assert "Gov gave more than one of these readings." in found[0].explanation
    assert "contradict each other" not in found[0].explanation


def test_a_slip_is_not_judged_on_figures_that_are_themselves_disputed_or_stale():
    # The 20:00 update was 100,514; Interfax miscopied it as 100,414. The later figures that
    # sit below 100,514 are a stale roundup (repeating the 11:00 update a day late) and a
    # figure that itself falls below the 11:00 update: no evidence against 100,514.
    found = flags(
        figure("2023-10-01T11:00", "arrived", 100483, place="Armenia", outlet="Gov"),
        figure("2023-10-01", "arrived", 100514, place="Armenia", outlet="AP"),
        figure("2023-10-01", "arrived", 100414, place="Armenia", outlet="Interfax"),
        figure("2023-10-02", "arrived", 100483, place="Armenia", outlet="Wikipedia"),
        figure("2023-10-02", "arrived", 100471, place="Armenia", outlet="AFP"),
    )
    typo = [flag for flag in found if flag.code == "likely-typo"]
    assert summary(typo) == [["likely-typo", [3, 4], [[3, 4]]]]
    assert typo[0].probable_value is None
    assert "does not show which reading is right" in typo[0].explanation


def test_a_clash_the_right_reading_has_too_stays_a_flag_of_its_own():
    # 50,234 is a swap of the 20:00 update 50,243; a roundup dated the next day repeats the
    # morning's 42,500. Both readings sit above it: that decrease is not the slip's doing.
    gov = {"place": "Armenia", "reporter": "Gov", "outlet": "Gov"}
    found = flags(
        figure("2023-09-27T05:00", "arrived", 42500, **gov),
        figure("2023-09-27T20:00", "arrived", 50243, **gov),
        figure("2023-09-27", "arrived", 50234, place="Armenia", reporter="Gov", outlet="AFP"),
        figure("2023-09-28", "arrived", 42500, place="Armenia", reporter="Gov", outlet="Wiki"),
    )
    assert summary(found) == [
        ["decrease", [3, 4, 5], [[3, 5], [4, 5]]],
        ["likely-typo", [3, 4], [[3, 4]]],
    ]
    assert found[1].explained_pairs == ()


def test_a_running_total_shows_which_reading_fits():
    found = flags(
        figure("2023-09-25", "fled", 3050, outlet="Wire A"),
        figure("2023-09-26", "fled", 3107, outlet="Wire B"),
        figure("2023-09-26", "fled", 3017, outlet="Wire C"),
    )
    typo = [c for c in found if c.code == "likely-typo"]
    assert summary(typo) == [["likely-typo", [3, 4], [[3, 4]]]]
    assert typo[0].probable_value == "3,107"


# --- the flag as a whole ---------------------------------------------------------------------


def test_severity_orders_a_small_gap_below_a_factor_of_two():
    found = flags(
        figure("2023-09-19", "troops", 1000),
        figure("2023-09-19", "troops", 1002, reporter="B"),
        figure("2023-09-19", "troops", 500, place="Lachin"),
        figure("2023-09-19", "troops", 1000, place="Lachin", reporter="B"),
    )
    assert [c.lines for c in found if c.code == "contradiction"] == [(4, 5), (2, 3)]
    assert found[0].severity_label == "high"
    assert found[-1].severity < 0.01


def test_every_row_can_be_asked_which_flags_it_takes_part_in():
    found = flags(TROOPS_NONE, TROOPS_MANY, figure("2023-09-24", "evacuated", 311))
    index = conflicts_by_line(found)
    assert [c.code for c in index[2]] == ["contradiction"]
    assert 4 not in index


def test_no_rows_no_flags():
    assert find_conflicts(table(), VOCABULARY) == []


def test_figures_of_a_metric_the_vocabulary_lacks_are_left_out_and_the_rest_still_flagged():
    rows = table(
        TROOPS_NONE,
        TROOPS_MANY,
        figure("2023-09-25", "fled", 50000, outlet="Wire"),
        figure("2023-09-26", "fled", 20000, outlet="Paper"),
    )
    without_troops = Vocabulary(
        metrics={name: m for name, m in VOCABULARY.metrics.items() if name != "troops"},
        groups=VOCABULARY.groups,
    )
    found = find_conflicts(rows, without_troops)
    assert summary(found) == [["decrease", [4, 5], [[4, 5]]]]
    assert [figure.outlet for figure in found[0].figures] == ["Wire", "Paper"]


def test_two_updates_each_stamped_with_an_hour_are_not_a_slip_even_when_relayed_untimed():
    # 15,287 at 14:00 and 15,387 at 20:00 differ by one digit, but both were published with
    # an hour: they are two updates. An untimed relay of the later one changes nothing.
    found = flags(
        figure("2023-10-10T14:00", "arrived", 15287, place="Armenia", outlet="Government"),
        figure("2023-10-10T20:00", "arrived", 15387, place="Armenia", outlet="Government"),
        figure("2023-10-10", "arrived", 15387, place="Armenia", outlet="Wire B"),
    )
    assert found == []


def test_a_slip_stamped_with_the_same_hour_as_the_original_is_flagged():
    found = flags(
        figure("2023-09-26T20:00", "arrived", 28120, place="Armenia", outlet="Government"),
        figure("2023-09-26T20:00", "arrived", 28210, place="Armenia", outlet="Wire A"),
    )
    assert sorted(c.code for c in found) == ["contradiction", "likely-typo"]


def test_many_relays_of_one_reading_are_summarised_in_the_sentence():
    relays = [figure("2023-09-19", "troops", 0, outlet=f"Wire {n}") for n in range(6)]
    found = flags(*relays, TROOPS_MANY)
    assert len(found) == 1 and len(found[0].lines) == 7
    # One reporter through six wires is named once, its outlets counted past two.
    assert "; Reporter A (Wire 0, Wire 1 and 4 more) said there were none." in (
        found[0].explanation
    )
    # Six reporters are two names and a count.
    others = [figure("2023-09-19", "troops", 0, reporter=f"Minister {n}") for n in range(6)]
    found = flags(*others, TROOPS_MANY)
    assert "Minister 0 (Outlet A), Minister 1 (Outlet A) and 4 others said there were none" in (
        found[0].explanation
    )


# --- findings of a review against realistic reporting ----------------------------------------


def test_one_miscopy_is_one_flag_even_when_it_also_makes_a_total_seem_to_fall():
    found = flags(
        figure("2023-09-20T20:00", "killed", 15296, reporter="Ministry", outlet="Ministry"),
        figure("2023-09-20T20:00", "killed", 15296, reporter="Ministry", outlet="Wire A"),
        figure("2023-09-20", "killed", 15926, reporter="Ministry", outlet="Paper"),
        figure("2023-09-21T20:00", "killed", 15619, reporter="Ministry", outlet="Ministry"),
    )
    assert summary(found) == [["likely-typo", [2, 3, 4], [[2, 4], [3, 4]]]]
    assert found[0].probable_value == "15,296"
    assert "the source itself published it" in found[0].explanation
    # The symptoms are kept and told, not dropped: 15,926 against the next day's 15,619 and
    # against the same day's 15,296.
    assert (4, 5) in found[0].explained_pairs and (2, 4) in found[0].explained_pairs
    assert "line(s) 5" in found[0].explanation


def test_a_relay_error_is_not_pinned_on_the_originator():
    found = flags(
        figure("2023-09-26T20:00", "arrived", 28120, place="Armenia", reporter="Gov", outlet="Gov"),
        figure(
            "2023-09-26T20:00", "arrived", 28210, place="Armenia", reporter="Gov", outlet="Wire"
        ),
    )
    assert found and all(not flag.self_contradiction for flag in found)
    assert all("contradict each other" not in flag.explanation for flag in found)


def test_the_originators_own_publication_outweighs_relays_of_a_slip():
    found = flags(
        figure("2023-09-26T20:00", "arrived", 28120, place="Armenia", reporter="Gov", outlet="Gov"),
        figure("2023-09-26", "arrived", 28210, place="Armenia", reporter="Gov", outlet="Wire B"),
        figure("2023-09-26", "arrived", 28210, place="Armenia", reporter="Gov", outlet="Wire C"),
    )
    typo = [flag for flag in found if flag.code == "likely-typo"]
    assert typo and typo[0].probable_value == "28,120"


def test_figures_of_one_event_at_two_hours_of_its_day_are_compared():
    found = flags(
        figure("2023-09-24T18:00", "evacuated", 311),
        figure("2023-09-24T20:00", "evacuated", 500, reporter="B"),
    )
    assert summary(found) == [["contradiction", [2, 3], [[2, 3]]]]


def test_a_group_that_fled_cannot_outnumber_the_whole_population_either():
    found = flags(
        figure("2023-09-19", "population", 120000, "about"),
        figure("2023-09-30", "fled", 140000, group="children", reporter="B"),
    )
    assert summary(found) == [["part-exceeds-whole", [2, 3], [[2, 3]]]]
    assert "before anyone left" in found[0].explanation


def test_places_written_with_other_dashes_are_one_place():
    found = flags(TROOPS_NONE, figure("2023-09-19", "troops", 10000, place="Nagorno–Karabakh"))
    assert summary(found) == [["contradiction", [2, 3], [[2, 3]]]]


def test_more_than_and_at_least_claim_the_same_and_are_compared_for_slips():
    found = flags(
        figure("2023-09-25", "fled", 350, "more_than"),
        figure("2023-09-25", "fled", 35, "at_least", reporter="B"),
    )
    assert summary(found) == [["likely-typo", [2, 3], [[2, 3]]]]


def test_a_stale_relay_dated_when_published_is_a_decrease_that_says_so():
    found = flags(
        figure("2023-09-27T20:00", "arrived", 42500, place="Armenia", reporter="Gov", outlet="Gov"),
        figure("2023-09-28T20:00", "arrived", 50243, place="Armenia", reporter="Gov", outlet="Gov"),
        figure("2023-09-29", "arrived", 42500, place="Armenia", reporter="Gov", outlet="Wire X"),
    )
    assert summary(found) == [["decrease", [3, 4], [[3, 4]]]]
    assert "repeats one given as of 27 Sep 2023, 20:00 (line 2)" in found[0].explanation
    assert "contradict each other" not in found[0].explanation


def test_a_late_relay_note_names_the_update_not_an_earlier_relay_of_it():
    # The relay without an hour comes first in the file and sorts first in its day; the note
    # must still name the government's 20:00 update that both repeat.
    found = flags(
        figure("2023-09-27", "arrived", 42500, place="Armenia", reporter="Gov", outlet="Wire Y"),
        figure("2023-09-27T20:00", "arrived", 42500, place="Armenia", reporter="Gov", outlet="Gov"),
        figure("2023-09-28T20:00", "arrived", 50243, place="Armenia", reporter="Gov", outlet="Gov"),
        figure("2023-09-29", "arrived", 42500, place="Armenia", reporter="Gov", outlet="Wire X"),
    )
    assert summary(found) == [["decrease", [4, 5], [[4, 5]]]]
    assert "repeats one given as of 27 Sep 2023, 20:00 (line 3)" in found[0].explanation


def test_a_relay_dated_the_next_day_that_repeats_the_last_update_is_not_a_miscopy():
    # 100,627 was the 20:00 update of 1 Oct; a wire dated 2 Oct repeats it beside the 11:00
    # update of 2 Oct, 100,637: one digit apart, but stale, not miscopied.
    gov = {"place": "Armenia", "reporter": "Gov", "outlet": "Gov"}
    found = flags(
        figure("2023-10-01T20:00", "arrived", 100627, **gov),
        figure("2023-10-02T11:00", "arrived", 100637, **gov),
        figure("2023-10-02", "arrived", 100627, place="Armenia", reporter="Gov", outlet="Wire"),
    )
    assert found == []


def test_a_miscopy_of_a_stale_reading_is_still_a_miscopy():
    # The wire repeats yesterday's 19,308 late; another prints it as 19,038, below the total
    # it had already reached: that reading is still a slip of the other.
    found = flags(
        figure("2023-09-26T20:00", "arrived", 19308, place="Armenia", reporter="Gov", outlet="Gov"),
        figure("2023-09-27", "arrived", 19308, place="Armenia", reporter="Gov", outlet="Wire A"),
        figure("2023-09-27", "arrived", 19038, place="Armenia", reporter="Gov", outlet="Wire B"),
    )
    assert [flag.code for flag in found if flag.code == "likely-typo"] == ["likely-typo"]
    typo = next(flag for flag in found if flag.code == "likely-typo")
    assert typo.lines == (3, 4) and typo.probable_value == "19,308"


def test_yesterdays_total_relayed_today_beside_a_higher_new_reading_is_no_slip():
    # A toll of 1,294 on the 21st, relayed again on the 22nd beside the ministry's 1,394 of
    # the 22nd: one digit apart, but an old total and its update (a daily metric, no hours).
    found = flags(
        figure("2023-09-21", "killed", 1294, reporter="Ministry", outlet="Ministry"),
        figure("2023-09-22", "killed", 1294, reporter="Ministry", outlet="Wire"),
        figure("2023-09-22", "killed", 1394, reporter="Ministry", outlet="Ministry"),
    )
    assert all(flag.code != "likely-typo" for flag in found)
    contradiction = next(flag for flag in found if flag.code == "contradiction")
    assert "Line 3 repeats one given as of 21 Sep 2023 (line 2)" in contradiction.explanation


def test_an_untimed_reading_beside_a_stamped_update_may_be_another_update_and_says_so():
    found = flags(
        figure(
            "2023-10-01T11:00", "arrived", 100617, place="Armenia", reporter="Gov", outlet="Gov"
        ),
        figure("2023-10-01", "arrived", 100627, place="Armenia", reporter="Gov", outlet="AP"),
    )
    assert summary(found) == [["likely-typo", [2, 3], [[2, 3]]]]
    assert found[0].probable_value == "100,617"
    assert "may instead be another of that day's updates" in found[0].explanation
    # An untimed relay of the stamped reading changes nothing.
    with_relay = flags(
        figure(
            "2023-10-01T11:00", "arrived", 100617, place="Armenia", reporter="Gov", outlet="Gov"
        ),
        figure("2023-10-01", "arrived", 100627, place="Armenia", reporter="Gov", outlet="AP"),
        figure("2023-10-01", "arrived", 100617, place="Armenia", reporter="Gov", outlet="Wire"),
    )
    assert "may instead be another of that day's updates" in with_relay[0].explanation


def test_a_running_total_is_said_to_repeat_an_earlier_figure_but_a_stock_is_not():
    # A stock's estimate may come back to an earlier level; that is no late relay.
    population = flags(
        figure("2023-09-19", "population", 120000, outlet="A"),
        figure("2023-09-21", "population", 40000, outlet="B"),
        figure("2023-09-23", "population", 120000, outlet="C"),
    )
    assert population and all("repeats one given" not in f.explanation for f in population)
    # A range repeats another only when both ends agree.
    killed = flags(
        figure("2023-09-26", "killed", 60, "range", high="70", place="Stepanakert", outlet="A"),
        figure("2023-09-27", "killed", 200, place="Stepanakert", outlet="B"),
        figure("2023-09-27", "killed", 60, "range", high="90", place="Stepanakert", outlet="C"),
    )
    assert killed and all("repeats one given" not in f.explanation for f in killed)


def test_a_slip_at_the_same_hour_says_the_readings_cannot_both_be_true_not_an_empty_list():
    found = flags(
        figure("2023-09-27T20:00", "arrived", 50243, place="Armenia", reporter="Gov", outlet="Gov"),
        figure("2023-09-27T20:00", "arrived", 50423, place="Armenia", reporter="Gov", outlet="AP"),
    )
    assert summary(found) == [["likely-typo", [2, 3], [[2, 3]]]]
    sentence = found[0].explanation
    assert "line(s) ;" not in sentence
    assert "the readings also cannot both be true at that moment" in sentence


def test_a_contradiction_says_when_one_side_repeats_an_earlier_figure():
    found = flags(
        figure("2023-09-26", "killed", 68, place="Stepanakert", outlet="Ministry"),
        figure("2023-09-27", "killed", 125, place="Stepanakert", outlet="Armenpress"),
        figure("2023-09-27", "killed", 68, place="Stepanakert", outlet="AP"),
    )
    assert summary(found) == [["contradiction", [3, 4], [[3, 4]]]]
    assert (
        "Line 4 repeats one given as of 26 Sep 2023 (line 2): perhaps an earlier figure "
        "relayed later." in found[0].explanation
    )


def test_a_miscopy_that_upsets_many_figures_names_a_few_and_keeps_every_pair():
    # 10,417 for 100,417 sits below every earlier update of the running total.
    gov = {"place": "Armenia", "reporter": "Gov", "outlet": "Gov"}
    earlier = [
        figure(f"2023-09-{day:02d}T20:00", "arrived", 10000 * (day - 20), **gov)
        for day in range(22, 30)
    ]
    found = flags(
        *earlier,
        figure("2023-09-30T20:00", "arrived", 100417, **gov),
        figure("2023-09-30T20:00", "arrived", 10417, place="Armenia", reporter="Gov", outlet="AP"),
    )
    assert [flag.code for flag in found] == ["likely-typo"]
    assert "line(s) 2, 3, 4 and 5 more" in found[0].explanation
    assert {(line, 11) for line in range(2, 10)} <= set(found[0].explained_pairs)


def test_a_slip_whose_reading_is_not_known_and_its_contradiction_point_at_each_other():
    found = flags(
        figure("2023-09-27", "killed", 125, place="Stepanakert", outlet="Armenpress"),
        figure("2023-09-27", "killed", 152, place="Stepanakert", outlet="news.am"),
    )
    by_code = {flag.code: flag for flag in found}
    assert set(by_code) == {"contradiction", "likely-typo"}
    assert by_code["likely-typo"].probable_value is None
    assert (
        "The same figures are also flagged as figures that cannot both be true (lines 2, 3); "
        "if this is a slip, that flag is its symptom." in by_code["likely-typo"].explanation
    )
    assert (
        "Lines 2, 3 also look like one number copied wrongly; if it is a slip, this flag is its "
        "symptom." in by_code["contradiction"].explanation
    )


def test_sentences_stay_short_when_many_slips_touch_one_large_dispute():
    # Two sources a day for 60 days, always one digit apart: one large contradiction and 60
    # slips that point at each other. Every sentence names a few lines and counts the rest.
    days = [f"2023-{month:02d}-{day:02d}" for month in (10, 11) for day in range(1, 31)]
    rows = [
        figure(day, "troops", 10294 + 1000 * index + shift, outlet=outlet)
        for index, day in enumerate(days)
        for shift, outlet in ((0, "A"), (600, "B"))  # 11,294 and 11,894: one digit apart
    ]
    found = flags(*rows)
    assert sum(flag.code == "likely-typo" for flag in found) == 60
    assert max(len(flag.explanation) for flag in found) < 1200
    assert any("and 115 more" in flag.explanation for flag in found)


def test_a_dropped_digit_that_clashes_with_earlier_figures_is_not_called_a_possible_update():
    gov = {"place": "Armenia", "reporter": "Gov", "outlet": "Gov"}
    found = flags(
        figure("2023-09-29T20:00", "arrived", 93000, **gov),
        figure("2023-09-30T20:00", "arrived", 100417, **gov),
        figure("2023-09-30", "arrived", 10417, place="Armenia", reporter="Gov", outlet="TASS"),
    )
    assert [flag.code for flag in found] == ["likely-typo"]
    assert "another of that day's updates" not in found[0].explanation
    assert "also clashes with line(s) 2;" in found[0].explanation


def test_people_remaining_move_during_the_day_as_people_leave():
    # 'About 30,000 remain' without an hour and 'about 22,000' at 21:00 the same day can both be
    # true; two readings at the same hour cannot.
    assert (
        flags(
            figure("2023-09-29", "remaining", 30000, "about", outlet="A"),
            figure("2023-09-29T21:00", "remaining", 22000, "about", outlet="B"),
        )
        == []
    )
    same_hour = flags(
        figure("2023-09-29T21:00", "remaining", 30000, "about", outlet="A"),
        figure("2023-09-29T21:00", "remaining", 22000, "about", outlet="B"),
    )
    assert [flag.code for flag in same_hour] == ["contradiction"]


# --- the words of a sentence -----------------------------------------------------------------


def test_sentences_name_the_group_the_place_and_the_claim_as_a_person_would():
    children = flags(
        figure("2023-09-25T20:00", "arrived", 30000, "at_least", group="children", place="Armenia"),
        figure("2023-09-25T20:00", "arrived", 13350, place="Armenia", reporter="B"),
    )
    assert "put children who arrived in Armenia at no fewer than 30,000" in (
        children[0].explanation
    )
    population = flags(
        figure("2023-09-19", "population", 120000, reporter="A"),
        figure("2023-09-19", "population", 50000, reporter="B"),
    )
    assert "put the population of Nagorno-Karabakh at 120,000" in population[0].explanation
    fled = flags(
        figure("2023-09-25", "fled", 5000, reporter="A"),
        figure("2023-09-26", "fled", 0, reporter="B"),
    )
    assert "put people who fled from Nagorno-Karabakh at zero as of 26 Sep 2023" in (
        fled[0].explanation
    )
    troops = flags(TROOPS_NONE, TROOPS_MANY)
    assert "put troops in Nagorno-Karabakh at about 10,000" in troops[0].explanation
    assert "said there were none" in troops[0].explanation
    for flag in (*children, *population, *fled, *troops):
        assert " at at " not in flag.explanation
        assert "at none" not in flag.explanation


def test_two_untimed_relays_of_an_intraday_total_are_hedged_as_possible_updates():
    found = flags(
        figure("2023-09-29", "arrived", 93778, place="Armenia", reporter="Gov", outlet="Reuters"),
        figure("2023-09-29", "arrived", 93718, place="Armenia", reporter="Gov", outlet="TASS"),
    )
    assert summary(found) == [["likely-typo", [2, 3], [[2, 3]]]]
    assert "may instead be another of that day's updates" in found[0].explanation
    # A toll is not updated during the day (intraday false): no such hedge.
    toll = flags(
        figure("2023-09-29", "killed", 1778, reporter="A", outlet="Reuters"),
        figure("2023-09-29", "killed", 1718, reporter="A", outlet="TASS"),
    )
    assert "updates" not in next(c for c in toll if c.code == "likely-typo").explanation


def test_the_source_itself_is_the_one_the_other_reading_names():
    # The ministry's own 218, and a wire that attributes 281 to the ministry: 218 is right.
    ministry = {"reporter": "Health Ministry", "place": "Stepanakert"}
    own = flags(
        figure("2023-10-01", "killed", 218, outlet="Health Ministry", **ministry),
        figure("2023-10-01", "killed", 281, outlet="Al Jazeera", **ministry),
    )
    typo = next(flag for flag in own if flag.code == "likely-typo")
    assert typo.probable_value == "218"
    assert "the source itself published it" in typo.explanation
    # An outlet's own unattributed 281 says nothing of what the ministry published.
    unattributed = flags(
        figure("2023-10-01", "killed", 218, outlet="Reuters", **ministry),
        figure(
            "2023-10-01",
            "killed",
            281,
            reporter="Al Jazeera",
            outlet="Al Jazeera",
            place="Stepanakert",
        ),
    )
    typo = next(flag for flag in unattributed if flag.code == "likely-typo")
    assert "the source itself published it" not in typo.explanation
    assert typo.probable_value is None


def test_a_total_that_had_not_moved_is_not_called_a_late_relay():
    # 290 injured on the 26th and again on the 27th: the total had not moved. The 209 beside
    # it on the 27th is the odd one; the repeated 290 is no late relay.
    found = flags(
        figure("2023-09-26", "injured", 290, reporter="Ministry", outlet="Ministry"),
        figure("2023-09-27", "injured", 290, reporter="Ministry", outlet="Ministry"),
        figure("2023-09-27", "injured", 209, reporter="Ombudsman", outlet="Armenpress"),
    )
    contradiction = next(flag for flag in found if flag.code == "contradiction")
    assert contradiction.lines == (3, 4)
    assert "repeats one given" not in contradiction.explanation


def test_an_outlet_repeating_an_old_total_later_is_a_late_relay_not_a_self_contradiction():
    gov = {"place": "Armenia", "reporter": "Gov"}
    found = flags(
        figure("2023-09-28T20:00", "arrived", 68000, outlet="Gov", **gov),
        figure("2023-09-30T20:00", "arrived", 100417, outlet="Azatutyun", **gov),
        figure("2023-10-01", "arrived", 68000, outlet="Azatutyun", **gov),
    )
    assert summary(found) == [["decrease", [3, 4], [[3, 4]]]]
    assert "repeats one given as of 28 Sep 2023, 20:00 (line 2)" in found[0].explanation
    assert "contradict each other" not in found[0].explanation
    assert found[0].self_contradiction is False


def test_a_misdated_figure_is_a_flag_of_its_own_not_glue_for_unrelated_ones():
    gov = {"place": "Armenia", "reporter": "Gov", "outlet": "Gov"}
    found = flags(
        figure("2023-09-20", "arrived", 97735, place="Armenia", reporter="Gov", outlet="CivilNet"),
        *(
            figure(f"2023-09-{day}T20:00", "arrived", total, **gov)
            for day, total in ((24, 1050), (25, 6650), (26, 28120), (27, 50243), (28, 65036))
        ),
        # A wire dated the 28th repeats the 26th's update: a late relay, unrelated to line 2.
        figure("2023-09-28", "arrived", 28120, place="Armenia", reporter="Gov", outlet="Wire"),
    )
    by_lines = {flag.lines: flag for flag in found}
    misdated = by_lines[(2, 3, 4, 5, 6, 7, 8)]
    assert {pair for pair in misdated.pairs if 2 not in pair} == set()
    assert "put people who arrived in Armenia at 97,735 as of 20 Sep 2023, above 6 later" in (
        misdated.explanation
    )
    assert "its date or its number may be wrong" in misdated.explanation
    late = by_lines[(6, 8)]
    assert late.code == "decrease" and "repeats one given as of 26 Sep 2023, 20:00" in (
        late.explanation
    )


def test_an_update_above_its_late_relays_is_not_called_wrong():
    gov = {"place": "Armenia", "reporter": "Gov"}
    found = flags(
        figure("2023-10-02T11:00", "arrived", 100617, outlet="Gov", **gov),
        figure("2023-10-02T20:00", "arrived", 100632, outlet="Gov", **gov),
        *(figure("2023-10-03", "arrived", 100617, outlet=name, **gov) for name in "ABC"),
    )
    assert summary(found) == [["decrease", [3, 4, 5, 6], [[3, 4], [3, 5], [3, 6]]]]
    assert "may be wrong" not in found[0].explanation
    assert "The lower figure repeats one given as of 2 Oct 2023, 11:00" in found[0].explanation


def test_a_source_that_repeats_a_total_and_then_falls_below_it_contradicts_itself():
    # S repeats O's 1,000 on the 22nd (a higher figure, so no late relay), then gives 800.
    found = flags(
        figure("2023-09-21", "killed", 1000, reporter="O", outlet="O"),
        figure("2023-09-22", "killed", 1000, reporter="S", outlet="S"),
        figure("2023-09-23", "killed", 800, reporter="S", outlet="S"),
    )
    decrease = next(flag for flag in found if flag.code == "decrease")
    assert decrease.self_contradiction is True
    assert "S gave figures that contradict each other" in decrease.explanation


def test_each_source_keeps_its_own_name_for_the_place_in_the_sentence():
    # Khankendi and Stepanakert are one place (places.csv); the higher reading is the
    # ombudsman's, who wrote Stepanakert.
    found = flags(
        figure("2023-09-20", "killed", 100, place="Khankendi", reporter="Azerbaijani MoD"),
        figure("2023-09-20", "killed", 500, place="Stepanakert", reporter="Armenian Ombudsman"),
    )
    assert "Armenian Ombudsman (Outlet A) put people killed in Stepanakert at 500" in (
        found[0].explanation
    )


def test_a_fall_of_one_is_seen_at_the_largest_values_the_checker_accepts():
    found = flags(
        figure("2023-09-20", "killed", 10**12),
        figure("2023-09-21", "killed", 10**12 - 1, reporter="B"),
    )
    assert [flag.code for flag in found] == ["decrease"]


def test_a_missing_place_in_a_table_built_by_hand_is_a_blank_place():
    rows = table(figure("2023-09-19", "troops", 0), figure("2023-09-19", "troops", 10000))
    rows["place"] = pd.Series([None, None], dtype=object).astype(rows["place"].dtype)
    assert [flag.code for flag in find_conflicts(rows, VOCABULARY)] == ["contradiction"]


def test_group_labels_read_as_words_in_a_sentence():
    # An analyst's label that starts with an acronym keeps its capitals.
    groups = dict(VOCABULARY.groups)
    groups["civilians"] = replace(groups["civilians"], label="UN staff")
    staff = find_conflicts(
        table(
            figure("2023-09-20", "killed", 5, group="civilians"),
            figure("2023-09-20", "killed", 2, group="civilians", reporter="B"),
        ),
        replace(VOCABULARY, groups=groups),
    )
    assert "put UN staff killed in Nagorno-Karabakh at 5" in staff[0].explanation
    elderly = flags(
        figure("2023-09-19", "population", 100, group="elderly"),
        figure("2023-09-19", "population", 10, group="elderly", reporter="B"),
    )
    assert "put the population (elderly people) of Nagorno-Karabakh at 100" in (
        elderly[0].explanation
    )


def test_one_reporter_relayed_by_several_outlets_is_named_once_with_its_dates():
    gov = {"place": "Armenia", "reporter": "Government of Armenia"}
    found = flags(
        figure("2023-09-26", "arrived", 28120, outlet="Government of Armenia", **gov),
        figure("2023-09-26", "arrived", 28120, outlet="Azatutyun", **gov),
        figure("2023-09-26", "arrived", 28210, outlet="news.am", **gov),
    )
    typo = next(flag for flag in found if flag.code == "likely-typo")
    assert "Government of Armenia (itself and Azatutyun) put it at 28,120" in typo.explanation


def test_a_relays_higher_reading_beside_a_relayed_old_total_is_still_a_likely_slip():
    # 97,735 was the 29th's 20:00 update, relayed again on the 30th; Azatutyun's 97,753 that
    # day is no update the government published itself: it looks like a swap.
    gov = {"place": "Armenia", "reporter": "Gov"}
    found = flags(
        figure("2023-09-29T20:00", "arrived", 97735, outlet="Gov", **gov),
        *(figure("2023-09-30", "arrived", 97735, outlet=name, **gov) for name in ("A", "B")),
        figure("2023-09-30", "arrived", 97753, outlet="Azatutyun", **gov),
    )
    typo = [flag for flag in found if flag.code == "likely-typo"]
    assert [flag.lines for flag in typo] == [(3, 4, 5)]
    assert "two adjacent digits swapped" in typo[0].explanation


def test_a_dispute_that_a_slip_only_joins_is_not_called_the_slips_symptom():
    # 120,000 against 50,000 is a dispute; 12,000 is a slip of 120,000 that joins it.
    found = flags(
        figure("2023-09-19", "population", 120000, "about", reporter="Armenia"),
        figure("2023-09-19", "population", 120000, "about", reporter="Armenia", outlet="B"),
        figure("2023-09-19", "population", 50000, "up_to", reporter="Azerbaijan"),
        figure("2023-09-19", "population", 12000, "about", reporter="Armenia", outlet="C"),
    )
    dispute = next(flag for flag in found if flag.code == "contradiction")
    assert "this flag is its symptom" not in dispute.explanation
    assert "the disagreements they take part in may be its symptom" in dispute.explanation
    typo = next(flag for flag in found if flag.code == "likely-typo")
    assert "their disagreements with these figures are its symptoms" in typo.explanation


def test_a_suspected_miscopy_is_not_the_headline_of_another_flag():
    # 50,248 is AFP's slip of the 20:00 update 50,243; a roundup dated the next day repeats
    # the morning's 42,500, below both. The decrease is told against the update, not the slip.
    gov = {"place": "Armenia", "reporter": "Gov", "outlet": "Gov"}
    found = flags(
        figure("2023-09-27T05:00", "arrived", 42500, **gov),
        figure("2023-09-27T20:00", "arrived", 50243, **gov),
        figure("2023-09-27", "arrived", 50248, place="Armenia", reporter="Gov", outlet="AFP"),
        figure("2023-09-28", "arrived", 42500, place="Armenia", reporter="Gov", outlet="Wiki"),
    )
    decrease = next(flag for flag in found if flag.code == "decrease")
    assert decrease.lines == (3, 4, 5)
    assert "below the 50,243 that Gov gave" in decrease.explanation
    assert "50,248" not in decrease.explanation
