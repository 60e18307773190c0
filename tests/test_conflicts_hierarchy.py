"""Whose people and which place a figure counts, and how approximate its time is (issues 14, 15).

Groups nest (groups.csv `part_of`), places nest (places.csv `part_of`), a date may be known to
within some days (`as_of_margin_days`), a running total may say when it starts counting
(`since`). A part is compared with its wholes only; siblings, undeclared places and totals
with another start are other quantities. Places here are made up.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from figures.conflicts import digit_slip
from figures.vocabulary import (
    Group,
    VocabularyError,
    compare_place,
    load_vocabulary,
    parse_groups,
    parse_place_file,
)
from tests.conflict_cases import VOCABULARY, figure, flags, summary, timed_flags, timing

DATA = Path(__file__).resolve().parents[1] / "data"

GROUPS = {
    "all": Group("all", "Everyone", part_of=None),
    "combatants": Group("combatants", "Combatants"),
    "side_a_forces": Group("side_a_forces", "Side A's forces", part_of="combatants", side="a"),
    "side_b_forces": Group("side_b_forces", "Side B's forces", part_of="combatants", side="b"),
    "civilians": Group("civilians", "Civilians"),
    "children": Group("children", "Children"),
}
# Northdale and Southdale are districts of Westshire, a region of Ruritania.
PLACES = {
    "northdale": "westshire",
    "southdale": "westshire",
    "westshire": "ruritania",
}
NESTED = replace(VOCABULARY, groups=GROUPS, place_parents=PLACES)


def nested(*lines: str) -> list[list[object]]:
    return summary(timed_flags(*(timing(line) for line in lines), vocabulary=NESTED))


# ---------------------------------------------------------------------------------------------
# Parsing groups.csv and places.csv.


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_groups_declare_the_group_they_are_part_of_and_a_side(tmp_path: Path) -> None:
    groups, errors = parse_groups(
        write(
            tmp_path / "groups.csv",
            "group,label,part_of,side\nall,Everyone,,\ncombatants,Combatants,,\n"
            "side_a_forces,Side A's forces,combatants,a\nchildren,Children,,\n",
        )
    )
    assert errors == []
    assert (groups["side_a_forces"].part_of, groups["side_a_forces"].side) == ("combatants", "a")
    assert groups["children"].part_of == "all"  # blank is the whole
    assert groups["all"].part_of is None
    vocabulary = replace(VOCABULARY, groups=groups)
    assert vocabulary.group_ancestors("side_a_forces") == ("combatants", "all")
    assert vocabulary.group_ancestors("all") == ()
    assert vocabulary.group_ancestors("not_declared") == ("all",)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("a,A,nobody,\n", "part_of names no group: 'nobody'"),
        ("a,A,b,\nb,B,a,\n", "part_of goes round in a circle: a -> b -> a"),
        ("a,A,a,\n", "part_of goes round in a circle: a -> a"),
        ("all,Everyone,a,\na,A,,\n", "`all` is the whole: it is part of nothing"),
    ],
)
def test_a_group_chain_that_leads_nowhere_is_an_error(tmp_path, rows, message) -> None:
    _, errors = parse_groups(write(tmp_path / "groups.csv", "group,label,part_of,side\n" + rows))
    assert [error.message for error in errors][:1] == [message]
    assert errors[0].column == "part_of"


def test_a_side_must_be_a_known_side_when_there_is_a_sides_vocabulary(tmp_path) -> None:
    path = write(tmp_path / "groups.csv", "group,label,part_of,side\nx,X,,mars\n")
    assert parse_groups(path)[1] == []  # no sides vocabulary: any code is taken
    _, errors = parse_groups(path, sides={"a", "b"})
    assert [(error.line, error.column, error.message) for error in errors] == [
        (2, "side", "side 'mars' is not a side (a, b)")
    ]


def test_places_declare_the_wider_place_they_lie_in(tmp_path: Path) -> None:
    aliases, parents, errors = parse_place_file(
        write(
            tmp_path / "places.csv",
            "name,same_place_as,part_of,description\n"
            "Northdale,North Dale,Westshire,a district\n"
            "Westshire,,Ruritania,a region\n"
            "West-shire,Westshire,,a spelling\n",
        )
    )
    assert errors == []
    key = aliases.get  # every name to the one it is compared under
    assert key("north dale") == key("northdale")
    assert parents[key("northdale")] == key("westshire", "westshire")
    vocabulary = replace(VOCABULARY, places=aliases, place_parents=parents)
    assert vocabulary.place_ancestors(vocabulary.same_place_key("north dale")) == (
        vocabulary.same_place_key("west shire"),
        "ruritania",
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("A,,B,\nB,,A,\n", "part_of goes round in a circle: b -> a -> b"),
        ("A,,B,\nA,,C,\n", "'A' is already part of 'B'; a place lies in one wider place"),
        ("A,,a,\n", "part_of goes round in a circle: a -> a"),
    ],
)
def test_a_place_chain_that_goes_round_is_an_error(tmp_path, rows, message) -> None:
    text = "name,same_place_as,part_of,description\n" + rows
    _, _, errors = parse_place_file(write(tmp_path / "places.csv", text))
    assert [error.message for error in errors] == [message]


def test_a_bad_hierarchy_stops_the_vocabulary_with_its_line(tmp_path: Path) -> None:
    write(tmp_path / "metrics.csv", (DATA / "metrics.csv").read_text())
    write(tmp_path / "groups.csv", "group,label,part_of\nall,Everyone,\na,A,b\nb,B,a\n")
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(tmp_path)
    assert any(":3: part_of: part_of goes round" in line for line in caught.value.lines())


# ---------------------------------------------------------------------------------------------
# Whose people: a group is compared with the groups it is part of, never with a sibling.


def test_one_sides_forces_above_all_combatants_is_a_part_above_its_whole() -> None:
    assert nested(
        figure("2023-09-27", "killed", 250, group="side_a_forces", place="Northdale"),
        figure("2023-09-27", "killed", 200, group="combatants", place="Northdale"),
    ) == [["part-exceeds-whole", [2, 3], [[2, 3]]]]


def test_a_part_is_compared_with_every_whole_up_its_chain() -> None:
    assert nested(
        figure("2023-09-27", "killed", 500, group="side_a_forces", place="Northdale"),
        figure("2023-09-27", "killed", 600, group="combatants", place="Northdale"),
        figure("2023-09-27", "killed", 300, place="Northdale"),
    ) == [["part-exceeds-whole", [2, 3, 4], [[2, 4], [3, 4]]]]


def test_sibling_groups_are_never_compared() -> None:
    # 192 of one side's servicemen and "more than 200" of the other side's dead, the same
    # week: two different quantities, neither a part of the other.
    assert nested(
        figure("2023-09-27", "killed", 192, group="side_a_forces", place="Northdale"),
        figure("2023-09-27", "killed", 200, "more_than", group="side_b_forces", place="Northdale"),
        figure("2023-09-27", "killed", 400, group="civilians", place="Northdale"),
        figure("2023-09-27", "killed", 10, group="combatants", place="Northdale"),
        figure("2023-09-27", "killed", 50, group="children", place="Northdale"),
    ) == [
        ["part-exceeds-whole", [2, 3, 5], [[2, 5], [3, 5]]],
    ]


def test_children_are_not_a_part_of_civilians_unless_declared() -> None:
    lines = (
        figure("2023-09-20", "killed", 50, group="children"),
        figure("2023-09-20", "killed", 10, group="civilians"),
    )
    assert nested(*lines) == []
    declared = dict(GROUPS, children=Group("children", "Children", part_of="civilians"))
    found = timed_flags(*map(timing, lines), vocabulary=replace(NESTED, groups=declared))
    assert summary(found) == [["part-exceeds-whole", [2, 3], [[2, 3]]]]


def test_without_part_of_every_group_is_a_part_of_everyone_as_before() -> None:
    assert summary(
        flags(
            figure("2023-09-20", "killed", 50, group="children"),
            figure("2023-09-20", "killed", 10),
            figure("2023-09-20", "killed", 500, group="civilians"),
        )
    ) == [["part-exceeds-whole", [2, 3, 4], [[2, 3], [3, 4]]]]


def test_fled_of_a_group_is_bounded_by_the_population_of_every_group_it_is_part_of() -> None:
    assert nested(
        figure("2023-09-01", "population", 300, group="combatants", place="Northdale"),
        figure("2023-09-25", "fled", 350, group="side_a_forces", place="Northdale"),
        # The other side's forces bound neither: 350 is above them, and that is no conflict.
        figure("2023-09-01", "population", 120, group="side_b_forces", place="Northdale"),
    ) == [["part-exceeds-whole", [2, 3], [[2, 3]]]]


# ---------------------------------------------------------------------------------------------
# Places nest: a district's figure is part of its region's, and of its country's.


def test_a_district_above_its_region_and_its_country() -> None:
    assert nested(
        figure("2023-09-20", "killed", 300, place="Northdale"),
        figure("2023-09-20", "killed", 200, place="Westshire"),
        figure("2023-09-20", "killed", 250, place="Ruritania"),
    ) == [["part-exceeds-whole", [2, 3, 4], [[2, 3], [2, 4]]]]


def test_a_district_is_never_taken_for_its_region_nor_for_a_sibling() -> None:
    assert (
        nested(
            figure("2023-09-20", "population", 4000, place="Northdale"),
            figure("2023-09-20", "population", 90000, place="Westshire"),
            figure("2023-09-20", "population", 10000, place="Southdale"),
            figure("2023-09-20", "population", 900000, place="Elsewhere"),
        )
        == []
    )


def test_a_place_not_declared_part_of_another_is_never_its_part() -> None:
    assert (
        nested(
            figure("2023-09-20", "evacuated", 300, place="Eastdale"),
            figure("2023-09-20", "evacuated", 200, place="Westshire"),
        )
        == []
    )


def test_a_group_in_a_district_against_everyone_in_its_region() -> None:
    assert nested(
        figure("2023-09-20", "killed", 30, group="children", place="Northdale"),
        figure("2023-09-20", "killed", 20, place="Westshire"),
        figure("2023-09-20", "killed", 10, group="civilians", place="Westshire"),
    ) == [["part-exceeds-whole", [2, 3], [[2, 3]]]]


def test_the_shipped_places_file_may_nest_places() -> None:
    shipped = load_vocabulary()
    for name, wider in shipped.place_parents.items():
        assert shipped.place_ancestors(name)[0] == wider
        assert compare_place(name) == name


# ---------------------------------------------------------------------------------------------
# Counting since: two starts are two quantities.


def test_totals_counted_from_different_days_are_never_compared() -> None:
    assert summary(
        timed_flags(
            timing(figure("2023-09-30", "arrived", 100000, place="Westshire"), since="2023-08-25"),
            timing(figure("2023-09-30", "arrived", 950000, place="Westshire"), since="2016-10-01"),
            timing(figure("2023-10-01", "arrived", 90000, place="Westshire"), since="2016-10-01"),
        )
    ) == [["decrease", [3, 4], [[3, 4]]]]


def test_the_same_since_is_the_same_quantity() -> None:
    assert summary(
        timed_flags(
            timing(figure("2023-09-30", "killed", 100, place="Westshire"), since="2023-08-25"),
            timing(figure("2023-09-30", "killed", 900, place="Westshire"), since="2023-08-25"),
        )
    ) == [["contradiction", [2, 3], [[2, 3]]]]


def test_a_part_is_compared_only_with_a_whole_counted_from_the_same_day() -> None:
    lines = [
        timing(
            figure("2023-09-30", "killed", 30, group="children", place="Westshire"),
            since="2023-08-25",
        ),
        timing(figure("2023-09-30", "killed", 20, place="Westshire"), since="2016-10-01"),
    ]
    assert summary(timed_flags(*lines)) == []
    lines[1] = timing(figure("2023-09-30", "killed", 20, place="Westshire"), since="2023-08-25")
    assert summary(timed_flags(*lines)) == [["part-exceeds-whole", [2, 3], [[2, 3]]]]


# ---------------------------------------------------------------------------------------------
# Approximate dates: "same time" widens by the margins, "certainly before" narrows.


def test_a_stocks_window_widens_by_the_margins() -> None:
    # population's window is 3 days: 5 days apart is another time, unless a date is +-2.
    far = (
        figure("2023-09-20", "population", 100000, place="Westshire"),
        figure("2023-09-25", "population", 50000, place="Westshire"),
    )
    assert summary(timed_flags(*map(timing, far))) == []
    approximate = timing(far[0], margin=2)
    assert summary(timed_flags(approximate, timing(far[1]))) == [
        ["contradiction", [2, 3], [[2, 3]]]
    ]
    assert summary(timed_flags(timing(far[0], margin=1), timing(far[1]))) == []


def test_an_event_on_an_approximate_day_may_be_the_same_occasion() -> None:
    lines = (
        figure("2023-09-24", "evacuated", 311, place="Westshire"),
        figure("2023-09-26", "evacuated", 900, place="Westshire"),
    )
    assert summary(timed_flags(*map(timing, lines))) == []
    assert summary(timed_flags(timing(lines[0], margin=1), timing(lines[1], margin=1))) == [
        ["contradiction", [2, 3], [[2, 3]]]
    ]


def test_a_running_total_falls_only_when_certainly_later_beyond_the_margins() -> None:
    earlier = timing(figure("2023-09-20", "killed", 1000, place="Westshire"), margin=2)
    assert (
        summary(
            timed_flags(earlier, timing(figure("2023-09-22", "killed", 500, place="Westshire")))
        )
        == []
    )
    assert summary(
        timed_flags(earlier, timing(figure("2023-09-23", "killed", 500, place="Westshire")))
    ) == [["decrease", [2, 3], [[2, 3]]]]


def test_a_running_total_on_an_approximate_day_is_never_the_same_moment() -> None:
    # "last week" dated to its middle: the same day's lower figure may be from before it.
    assert (
        summary(
            timed_flags(
                timing(figure("2023-09-20", "killed", 1000, place="Westshire"), margin=3),
                timing(figure("2023-09-20", "killed", 500, place="Westshire")),
            )
        )
        == []
    )


def test_a_population_is_a_pre_crisis_bound_only_when_certainly_before_departures() -> None:
    fled = timing(figure("2023-09-25", "fled", 150, place="Westshire"))
    census = figure("2023-09-20", "population", 100, place="Westshire")
    assert summary(timed_flags(timing(census), fled)) == [["part-exceeds-whole", [2, 3], [[2, 3]]]]
    assert summary(timed_flags(timing(census, margin=5), fled)) == []


# ---------------------------------------------------------------------------------------------
# Rounding is no slip; a dropped zero from one reporter is.


def test_a_digit_where_the_other_figure_has_its_rounding_zeros_is_a_rounding() -> None:
    assert digit_slip(48000, 48700) is None
    assert digit_slip(148000, 148700) is None
    assert digit_slip(1480000, 1487000) is None
    assert digit_slip(148700, 148000) is None
    # A count beside a round figure that differs only in the round figure's zeros: an outlet
    # rounding the count it relays (42,500 for the government's 42,502), not a miscopy.
    assert digit_slip(148000, 148007) is None
    assert digit_slip(42500, 42502) is None
    # A digit the round figure did write is still compared.
    assert digit_slip(148000, 149007) is None  # two digits differ: no one-digit slip
    assert digit_slip(148000, 158000) == "one digit changed"
    # A digit changed where both figures wrote digits is still a slip.
    assert digit_slip(148170, 148190) == "one digit changed"
    assert digit_slip(148700, 147800) == "two adjacent digits swapped"
    assert (
        summary(
            flags(
                figure("2023-10-02", "arrived", 148000, "about", place="Westshire", reporter="UN"),
                figure("2023-10-02", "arrived", 148700, "about", place="Westshire", reporter="Gov"),
            )
        )
        == []
    )


def test_likely_typo_dropped_zero_from_one_reporter_in_one_evening() -> None:
    # An ombudsman's "more than 400 injured" and, the same evening, "more than 40 injured".
    found = flags(
        figure("2023-09-20T21:30", "injured", 400, "more_than", reporter="Ombudsman"),
        figure("2023-09-20T21:30", "injured", 40, "more_than", reporter="Ombudsman", outlet="Wire"),
    )
    assert summary(found) == [["likely-typo", [2, 3], [[2, 3]]]]
    assert "ten times" in found[0].explanation


def test_a_round_figure_ten_times_another_reporters_is_two_estimates() -> None:
    assert (
        summary(
            flags(
                figure("2023-09-20T21:30", "injured", 400, "more_than", reporter="Ombudsman"),
                figure("2023-09-20T21:30", "injured", 40, "more_than", reporter="Agency"),
            )
        )
        == []
    )
