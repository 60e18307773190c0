"""An oracle for the conflict engine: the documented rules, stated pair by pair, in plain Python.

docs/conflicts.md says which pairs of figures cannot both be true. Here those rules are written
again the slow, obvious way, a loop over every pair of rows with exact fractions and no numpy,
and compared with the pairs of the engine's flags on small random tables (2 to 8 rows: metrics
of every kind from the shipped vocabulary, the groups `all` and `children`, one or two places
under several spellings, every qualifier, days within a week with and without an hour, two or
three reporters).

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
from figures.vocabulary import load_vocabulary

VOCABULARY = load_vocabulary()
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
# Mostly round figures, with a few exact counts; `about` edges at 90 and 110 of 100.
VALUES = [0, 1, 5, 9, 10, 11, 30, 89, 90, 100, 110, 111, 120, 300, 1000, 3017, 40000]
QUALIFIERS = ["exact", "about", "more_than", "at_least", "up_to", "less_than", "range"]


@st.composite
def tables(draw: st.DrawFn) -> tuple[pd.DataFrame, ConflictSettings]:
    metrics = draw(st.lists(st.sampled_from(METRICS), min_size=1, max_size=3, unique=True))
    if draw(st.booleans()):  # a bounded metric beside its bound, so the bound rule has work
        metrics += ["population", draw(st.sampled_from(["fled", "remaining"]))]
    places = draw(st.lists(st.sampled_from(PLACES), min_size=1, max_size=2, unique=True))
    reporters = ["Ministry", "Agency", "Wire"][: draw(st.integers(2, 3))]
    records = []
    for index in range(draw(st.integers(2, 8))):
        qualifier = draw(st.sampled_from(QUALIFIERS))
        value = draw(st.sampled_from(VALUES))
        hour = draw(st.sampled_from([None, None, 8, 20]))
        day = dt.datetime(2023, 9, 19) + dt.timedelta(days=draw(st.integers(0, 6)))
        reporter = draw(st.sampled_from(reporters))
        records.append(
            {
                "line": index + 2,
                "as_of": day + dt.timedelta(hours=hour or 0),
                "as_of_has_time": hour is not None,
                "metric": draw(st.sampled_from(metrics)),
                "group": draw(st.sampled_from(["all", "children"])),
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
            }
        )
    frame = pd.DataFrame(records)
    typed = empty_rows()
    for name in typed.columns:
        frame[name] = frame[name].astype(typed[name].dtype)
    chosen = ConflictSettings(
        tolerance=draw(st.sampled_from([0.0, 0.1, 0.25])), window_days=draw(st.integers(0, 3))
    )
    return frame[list(typed.columns)], chosen


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


def same_moment(a: dict, b: dict) -> bool:
    """Equal times; or the same day when the metric is not updated during the day and at
    least one of the two has no time (it holds for its whole day)."""
    if a["day"] != b["day"]:
        return False
    if minute(a) is not None and minute(b) is not None:
        return minute(a) == minute(b)
    return not VOCABULARY.metrics[a["metric"]].intraday


def same_time(a: dict, b: dict, window_days: int) -> bool:
    """By the metric's kind: a stock within its window of days (a window of 0 follows the
    running totals' rule), an event the same day, a running total the same moment."""
    metric = VOCABULARY.metrics[a["metric"]]
    window = metric.window_days if metric.window_days is not None else window_days
    if metric.kind == "stock" and window > 0:
        return abs((a["day"] - b["day"]).days) <= window
    if metric.kind == "event":
        return a["day"] == b["day"]
    return same_moment(a, b)


def certainly_before(a: dict, b: dict) -> bool:
    """A later day, or a later time the same day when both give the hour."""
    if a["day"] != b["day"]:
        return a["day"] < b["day"]
    return minute(a) is not None and minute(b) is not None and minute(a) < minute(b)


def first_departure(rows: list[dict], metric: str, place: str) -> dt.date | None:
    """The day of a bounded metric's first figure above zero (one that allows anyone to have
    gone: its upper end above zero) in a place, any group."""
    days = [
        row["day"]
        for row in rows
        if row["metric"] == metric and row["where"] == place and row["interval"][1] != 0
    ]
    return min(days, default=None)


def exceeds_bound(part: dict, bound: dict, rows: list[dict]) -> bool:
    """A metric above the metric that bounds it (fled above population), against the bounding
    figures dated before the bounded metric's first figure above zero in that place. A group is
    bounded by its own population and by everyone's."""
    if VOCABULARY.metrics[part["metric"]].bounded_by != bound["metric"]:
        return False
    if part["where"] != bound["where"] or bound["group"] not in (part["group"], "all"):
        return False
    start = first_departure(rows, part["metric"], part["where"])
    return start is not None and bound["day"] < start and below(bound["interval"], part["interval"])


def part_above_whole(part: dict, whole: dict, rows: list[dict], window_days: int) -> bool:
    """A subgroup above the `all` figure of its metric and place at the same time (for a
    running total, a part counted no later than the whole); or a metric above its bound."""
    if part["metric"] != whole["metric"]:
        return exceeds_bound(part, whole, rows)
    if part["where"] != whole["where"] or part["group"] == "all" or whole["group"] != "all":
        return False
    if VOCABULARY.metrics[part["metric"]].kind == "cumulative":
        comparable = certainly_before(part, whole) or same_moment(part, whole)
    else:
        comparable = same_time(part, whole, window_days)
    return comparable and below(whole["interval"], part["interval"])


def oracle(rows: list[dict], chosen: ConflictSettings) -> set[tuple[str, int, int]]:
    found = set()
    for a in rows:
        for b in rows:
            if a["line"] >= b["line"]:
                continue
            pair = (a["line"], b["line"])
            same_quantity = (a["metric"], a["group"], a["where"]) == (
                b["metric"],
                b["group"],
                b["where"],
            )
            disjoint = below(a["interval"], b["interval"]) or below(b["interval"], a["interval"])
            if same_quantity and disjoint and same_time(a, b, chosen.window_days):
                found.add((CONTRADICTION, *pair))
            cumulative = VOCABULARY.metrics[a["metric"]].kind == "cumulative"
            for earlier, later in ((a, b), (b, a)):
                falls = below(later["interval"], earlier["interval"])
                if same_quantity and cumulative and falls and certainly_before(earlier, later):
                    found.add((DECREASE, *pair))
                if part_above_whole(earlier, later, rows, chosen.window_days):
                    found.add((PART_EXCEEDS_WHOLE, *pair))
    return found


def could_look_miscopied(rows: list[dict]) -> bool:
    """Wider than the engine's rule: two different values of one quantity and day, each of
    three or more significant digits, or one ten times the other."""
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


@settings(max_examples=200, deadline=None)
@given(tables())
def test_the_engine_finds_exactly_the_pairs_the_rules_state(drawn):
    frame, chosen = drawn
    rows = frame.to_dict("records")
    tolerance = Fraction(str(chosen.tolerance))
    for row in rows:
        row["day"] = row["as_of"].date()
        row["where"] = place_of(row["place"])
        row["interval"] = interval(row, tolerance)
    assume(not could_look_miscopied(rows))

    flags = find_conflicts(frame, VOCABULARY, chosen)

    assert [flag for flag in flags if flag.code == LIKELY_TYPO] == []
    assert all(flag.explained_pairs == () for flag in flags)
    engine = {(flag.code, a, b) for flag in flags for a, b in flag.pairs}
    assert engine == oracle(rows, chosen)
