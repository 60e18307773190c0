"""An oracle for the conflict engine: the documented rules, stated pair by pair, in plain Python.

docs/conflicts.md says which pairs of figures cannot both be true. Here those rules are written
again the slow, obvious way, a loop over every pair of rows with exact fractions and no numpy,
and compared with the pairs of the engine's flags on small random tables (2 to 8 rows: metrics
of every kind from the shipped vocabulary, groups from a small drawn hierarchy (`all` and three
groups, each part of `all` or of an earlier one), one to three places under several spellings
with a drawn nesting (each place perhaps part of an earlier one), every qualifier, one to
three days within a week with and without an hour, date margins of 0 to 2 days, running totals
with and without a `since`, two or three reporters).

Restricted to tables where no figure can look miscopied: when a slip's right reading is known,
the engine tells the clashes it causes inside the `likely-typo` flag rather than as flags of
their own, and restating which reading is right (originators, relays, a total's course) would
be a second engine. So a table is only drawn where no two figures of one quantity and day
could be one number miscopied even by a wider rule than the engine's (different values with
three or more significant digits each, or one ten times the other); on those tables the
engine must give no `likely-typo` flag, and every pair it finds must be an interval rule's.
How pairs are grouped into flags (connected sets, an odd figure's own flag) never changes
which pairs are found, so the oracle compares the set of (code, line, line) only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from fractions import Fraction

import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from figures.conflicts import (
    CONTRADICTION,
    DECREASE,
    LIKELY_TYPO,
    PART_EXCEEDS_WHOLE,
    ConflictSettings,
    find_conflicts,
)
from figures.validation import empty_rows
from figures.vocabulary import Group, Vocabulary, compare_place
from tests.support import VOCABULARY  # the seed's: killed is the daily running total here

# One of each kind: running totals updated during the day (fled, bounded by population) or
# daily (killed), an event, stocks with the default window (population, troops) and with a
# window of 0 (remaining, intraday and bounded by population; missing).
METRICS = ["fled", "killed", "evacuated", "population", "troops", "remaining", "missing"]
# Each place under the spellings sources use; data/places.csv makes the first two sets one
# place each.
PLACES = [
    ("Nagorno-Karabakh", "nagorno  karabakh", "Nagorno–Karabakh", "Nagorny Karabakh"),
    ("Stepanakert", "Khankendi"),
    ("Armenia", "ARMENIA"),
    ("",),
]
# The places as the oracle names them (place_of), in an order where a place may lie only in
# an earlier one, so a drawn nesting never goes round.
PLACE_KEYS = ["armenia", "nagorno karabakh", "stepanakert", ""]
GROUPS = ["children", "civilians", "combatants"]
SINCE = [None, None, None, None, dt.datetime(2023, 9, 1), dt.datetime(2023, 8, 25)]
# Mostly round figures, with a few exact counts; `about` edges at 90 and 110 of 100.
VALUES = [0, 1, 5, 9, 10, 11, 30, 89, 90, 100, 110, 111, 120, 300, 1000, 3017, 40000]
QUALIFIERS = ["exact", "about", "more_than", "at_least", "up_to", "less_than", "range"]


@st.composite
def hierarchies(draw: st.DrawFn) -> tuple[dict[str, str], dict[str, str]]:
    """A drawn group hierarchy (group -> the group it is part of) and place nesting (place ->
    the wider place), in the oracle's names; each points only to an earlier one."""
    groups = {}
    for index, name in enumerate(GROUPS):
        groups[name] = draw(st.sampled_from(["all", "all", *GROUPS[:index]]))
    places = {}
    for index, name in enumerate(PLACE_KEYS[:-1]):  # the blank place lies in nothing
        wider = draw(st.sampled_from([None, *PLACE_KEYS[:index]]))
        if wider is not None:
            places[name] = wider
    return groups, places


def vocabulary_of(groups: dict[str, str], places: dict[str, str]) -> Vocabulary:
    """The drawn hierarchies as the engine's vocabulary (places under its own compared names)."""

    def key(name: str) -> str:
        return VOCABULARY.same_place_key(compare_place(name))

    return replace(
        VOCABULARY,
        groups={
            "all": Group("all", "Everyone", part_of=None),
            **{name: Group(name, name, part_of=whole) for name, whole in groups.items()},
        },
        place_parents={key(name): key(wider) for name, wider in places.items()},
    )


@st.composite
def tables(
    draw: st.DrawFn, focused: bool = False
) -> tuple[pd.DataFrame, ConflictSettings, tuple[dict[str, str], dict[str, str]]]:
    """A small random table, its settings and its hierarchies. `focused`: one metric, one
    day and one start, so figures of nested groups and places meet their wholes often."""
    metrics = draw(st.lists(st.sampled_from(METRICS), min_size=1, max_size=3, unique=True))
    if draw(st.booleans()):  # a bounded metric beside its bound, so the bound rule has work
        metrics += ["population", draw(st.sampled_from(["fled", "remaining"]))]
    starts = SINCE
    if focused:
        metrics, starts = metrics[:1], [draw(st.sampled_from(SINCE))]
    places = draw(st.lists(st.sampled_from(PLACES), min_size=1, max_size=3, unique=True))
    reporters = ["Ministry", "Agency", "Wire"][: draw(st.integers(2, 3))]
    # A few days and groups per table, so figures meet their wholes and each other often.
    days = draw(st.lists(st.integers(0, 6), min_size=1, max_size=1 if focused else 3, unique=True))
    groups = draw(st.lists(st.sampled_from(["all", *GROUPS]), min_size=1, max_size=3, unique=True))
    records = []
    for index in range(draw(st.integers(2, 8))):
        qualifier = draw(st.sampled_from(QUALIFIERS))
        value = draw(st.sampled_from(VALUES))
        hour = draw(st.sampled_from([None, None, 8, 20]))
        day = dt.datetime(2023, 9, 19) + dt.timedelta(days=draw(st.sampled_from(days)))
        reporter = draw(st.sampled_from(reporters))
        records.append(
            {
                "line": index + 2,
                "as_of": day + dt.timedelta(hours=hour or 0),
                "as_of_has_time": hour is not None,
                "metric": draw(st.sampled_from(metrics)),
                "group": draw(st.sampled_from(groups)),
                "qualifier": qualifier,
                "value": value,
                "value_high": value + draw(st.sampled_from([0, 1, 10, 100]))
                if qualifier == "range"
                else None,
                "place": draw(st.sampled_from(draw(st.sampled_from(places)))),
                "reported_by": reporter,
                "affiliation": "other",
                "outlet": draw(st.sampled_from([reporter, "Paper"])),
                "published": pd.NaT,
                "url": "",
                "quote": "words",
                "notes": "",
                "as_of_margin_days": draw(st.sampled_from([0, 0, 0, 1, 2])),
                "since": draw(st.sampled_from(starts)),
            }
        )
    frame = pd.DataFrame(records)
    typed = empty_rows()
    for name in typed.columns:
        frame[name] = frame[name].astype(typed[name].dtype)
    chosen = ConflictSettings(
        tolerance=draw(st.sampled_from([0.0, 0.1, 0.25])), window_days=draw(st.integers(0, 3))
    )
    return frame[list(typed.columns)], chosen, draw(hierarchies())


# ---------------------------------------------------------------------------------------------
# The rules of docs/conflicts.md, one pair at a time.


def place_of(name: str) -> str:
    """Places compare ignoring case, hyphens and dashes, and repeated spaces; data/places.csv
    makes other names one place."""
    plain = " ".join(re.sub(r"[-\u2010-\u2015]", " ", name).casefold().split())
    same = {"nagorny karabakh": "nagorno karabakh", "khankendi": "stepanakert"}
    return same.get(plain, plain)


def interval(row: dict, tolerance: Fraction) -> tuple[Fraction, Fraction | None]:
    """The values a figure allows, from its qualifier; None for no upper end."""
    value = Fraction(int(row["value"]))
    match row["qualifier"]:
        case "about":
            return value * (1 - tolerance), value * (1 + tolerance)
        case "more_than" | "at_least":
            return value, None
        case "up_to" | "less_than":
            return Fraction(0), value
        case "range":
            return value, Fraction(int(row["value_high"]))
    return value, value


def below(a: tuple, b: tuple) -> bool:
    """Whether interval a lies wholly below interval b (touching intervals overlap)."""
    return a[1] is not None and a[1] < b[0]


def minute(row: dict) -> int | None:
    return row["as_of"].hour * 60 + row["as_of"].minute if row["as_of_has_time"] else None


def margin(row: dict) -> int:
    return int(row["as_of_margin_days"])


def same_moment(a: dict, b: dict) -> bool:
    """Equal times; or the same day when the metric is not updated during the day and at
    least one of the two has no time (it holds for its whole day). A date with a margin is at
    no known moment."""
    if a["day"] != b["day"] or margin(a) or margin(b):
        return False
    if minute(a) is not None and minute(b) is not None:
        return minute(a) == minute(b)
    return not VOCABULARY.metrics[a["metric"]].intraday


def same_time(a: dict, b: dict, window_days: int) -> bool:
    """By the metric's kind: a stock within its window of days (a window of 0 follows the
    running totals' rule), an event the same day, a running total the same moment; the
    window and the day widen by both margins."""
    metric = VOCABULARY.metrics[a["metric"]]
    window = metric.window_days if metric.window_days is not None else window_days
    apart = abs((a["day"] - b["day"]).days)
    if metric.kind == "stock" and window > 0:
        return apart <= window + margin(a) + margin(b)
    if metric.kind == "event":
        return apart <= margin(a) + margin(b)
    return same_moment(a, b)


def certainly_before(a: dict, b: dict) -> bool:
    """a's latest possible day before b's earliest; or, both exact, a later time the same day
    when both give the hour."""
    if margin(a) or margin(b):
        return (a["day"] - b["day"]).days + margin(a) + margin(b) < 0
    if a["day"] != b["day"]:
        return a["day"] < b["day"]
    return minute(a) is not None and minute(b) is not None and minute(a) < minute(b)


def ancestors(name: str, parents: dict[str, str]) -> list[str]:
    """What a group or place is part of, following the drawn parents (nearest first)."""
    chain = []
    while name in parents:
        name = parents[name]
        chain.append(name)
    return chain


def group_ancestors(group: str, hierarchy: tuple) -> list[str]:
    return [] if group == "all" else ancestors(group, hierarchy[0])


def first_departure(rows: list[dict], metric: str, place: str) -> dt.date | None:
    """The earliest possible day of a bounded metric's first figure above zero (one that
    allows anyone to have gone: its upper end above zero) in a place, any group or start."""
    days = [
        row["day"] - dt.timedelta(days=margin(row))
        for row in rows
        if row["metric"] == metric and row["where"] == place and row["interval"][1] != 0
    ]
    return min(days, default=None)


def exceeds_bound(part: dict, bound: dict, rows: list[dict], hierarchy: tuple) -> bool:
    """A metric above the metric that bounds it (fled above population), against the bounding
    figures certainly dated before the bounded metric's first figure above zero in that place.
    A group is bounded by its own population and by that of every group it is part of."""
    if VOCABULARY.metrics[part["metric"]].bounded_by != bound["metric"]:
        return False
    bounding_groups = [part["group"], *group_ancestors(part["group"], hierarchy)]
    if part["where"] != bound["where"] or bound["group"] not in bounding_groups:
        return False
    start = first_departure(rows, part["metric"], part["where"])
    latest = bound["day"] + dt.timedelta(days=margin(bound))
    return start is not None and latest < start and below(bound["interval"], part["interval"])


def part_above_whole(part: dict, whole: dict, rows: list[dict], settings: tuple) -> bool:
    """A figure above a figure of its metric and start whose group is its group or one it is
    part of, and whose place is its place or one it lies in (not both its own), at the same
    time (for a running total, a part counted no later than the whole); or a metric above its
    bound."""
    window_days, hierarchy = settings
    if part["metric"] != whole["metric"]:
        return exceeds_bound(part, whole, rows, hierarchy)
    groups = [part["group"], *group_ancestors(part["group"], hierarchy)]
    places = [part["where"], *ancestors(part["where"], hierarchy[1])]
    if (
        whole["group"] not in groups
        or whole["where"] not in places
        or whole["since"] != part["since"]
    ):
        return False
    if (whole["group"], whole["where"]) == (part["group"], part["where"]):
        return False
    if VOCABULARY.metrics[part["metric"]].kind == "cumulative":
        comparable = certainly_before(part, whole) or same_moment(part, whole)
    else:
        comparable = same_time(part, whole, window_days)
    return comparable and below(whole["interval"], part["interval"])


def oracle(
    rows: list[dict], chosen: ConflictSettings, hierarchy: tuple
) -> set[tuple[str, int, int]]:
    found = set()
    for a in rows:
        for b in rows:
            if a["line"] >= b["line"]:
                continue
            pair = (a["line"], b["line"])
            quantity = ("metric", "group", "where", "since")
            same_quantity = all(a[name] == b[name] for name in quantity)
            disjoint = below(a["interval"], b["interval"]) or below(b["interval"], a["interval"])
            if same_quantity and disjoint and same_time(a, b, chosen.window_days):
                found.add((CONTRADICTION, *pair))
            cumulative = VOCABULARY.metrics[a["metric"]].kind == "cumulative"
            for earlier, later in ((a, b), (b, a)):
                falls = below(later["interval"], earlier["interval"])
                if same_quantity and cumulative and falls and certainly_before(earlier, later):
                    found.add((DECREASE, *pair))
                if part_above_whole(earlier, later, rows, (chosen.window_days, hierarchy)):
                    found.add((PART_EXCEEDS_WHOLE, *pair))
    return found


def could_look_miscopied(rows: list[dict]) -> bool:
    """Wider than the engine's rule: two different values of one quantity and day (whatever
    their start), each of three or more significant digits, or one ten times the other."""
    for a in rows:
        for b in rows:
            x, y = sorted((int(a["value"]), int(b["value"])))
            same = (a["metric"], a["group"], a["where"], a["day"]) == (
                b["metric"],
                b["group"],
                b["where"],
                b["day"],
            )
            digits = [len(str(v).rstrip("0")) if v else 0 for v in (x, y)]
            if same and x != y and (min(digits) >= 3 or (x and y == 10 * x)):
                return True
    return False


@settings(max_examples=300, deadline=None)
@given(tables())
def test_the_engine_finds_exactly_the_pairs_the_rules_state(drawn):
    check_against_the_oracle(drawn)


@settings(max_examples=150, deadline=None)
@given(tables(focused=True))
def test_nested_groups_and_places_meet_their_wholes_as_the_rules_state(drawn):
    check_against_the_oracle(drawn)


def check_against_the_oracle(
    drawn: tuple[pd.DataFrame, ConflictSettings, tuple[dict[str, str], dict[str, str]]],
) -> None:
    frame, chosen, hierarchy = drawn
    rows = frame.to_dict("records")
    tolerance = Fraction(str(chosen.tolerance))
    for row in rows:
        row["day"] = row["as_of"].date()
        row["where"] = place_of(row["place"])
        row["interval"] = interval(row, tolerance)
        row["since"] = None if pd.isna(row["since"]) else row["since"].date()
    assume(not could_look_miscopied(rows))

    flags = find_conflicts(frame, vocabulary_of(*hierarchy), chosen)

    assert [flag for flag in flags if flag.code == LIKELY_TYPO] == []
    assert all(flag.explained_pairs == () for flag in flags)
    engine = {(flag.code, a, b) for flag in flags for a, b in flag.pairs}
    assert engine == oracle(rows, chosen, hierarchy)


def test_the_oracle_sees_the_hierarchies_and_the_timing_columns():
    """The drawn hierarchies and timing columns change what the rules say (so the property
    above covers them): a nested place, a group's chain, a margin and a start each decide a
    pair here."""
    day = dt.datetime(2023, 9, 20)
    base = {
        "as_of": day,
        "as_of_has_time": False,
        "metric": "killed",
        "group": "all",
        "qualifier": "exact",
        "value_high": None,
        "place": "Armenia",
        "as_of_margin_days": 0,
        "since": None,
    }
    rows = [
        # Children above combatants, in a place none of the others is in.
        {**base, "line": 2, "value": 10, "group": "combatants", "place": "Goris"},
        {**base, "line": 3, "value": 50, "group": "children", "place": "Goris"},
        {**base, "line": 4, "value": 30, "place": "Stepanakert"},
        {
            **base,
            "line": 5,
            "value": 5,
            "as_of": day + dt.timedelta(days=3),
            "as_of_margin_days": 1,
        },
    ]
    for row in rows:
        row["day"] = row["as_of"].date()
        row["where"] = place_of(row["place"])
        row["interval"] = interval(row, Fraction(0))
    flat = ({"children": "combatants", "combatants": "all", "civilians": "all"}, {})
    nested = (flat[0], {"stepanakert": "armenia"})
    chosen = ConflictSettings()
    assert oracle(rows, chosen, flat) == {(PART_EXCEEDS_WHOLE, 2, 3)}
    assert oracle(rows, chosen, nested) == {(PART_EXCEEDS_WHOLE, 2, 3), (PART_EXCEEDS_WHOLE, 4, 5)}
    rows[3]["as_of_margin_days"] = 0
    assert (DECREASE, 4, 5) not in oracle(rows, chosen, nested)  # another place
    rows[2]["place"], rows[2]["where"] = "Armenia", "armenia"
    assert (DECREASE, 4, 5) in oracle(rows, chosen, flat)
    rows[3]["since"] = dt.date(2023, 9, 1)
    assert (DECREASE, 4, 5) not in oracle(rows, chosen, flat)  # another start
