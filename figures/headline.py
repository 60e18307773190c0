"""One best-supported figure per quantity: what a stakeholder can quote.

A quantity is a metric, a group and a place (compared as the conflict engine compares them), so a
headline never mixes places or groups: children are their own line under their total. The rule
depends on the metric's kind (docs/headline.md says it in words):

- a running total (`cumulative`): the latest figure that no flag marks as a likely miscopy or as a
  late relay (the later, lower figure of a `decrease`), preferring the originator's own figure over
  relays of the same reading; with the range of every reporter's latest figure;
- a level (`stock`) or one occasion (`event`): the estimates of the latest window (the metric's
  `window_days`; the latest day for an event) as a range, naming the reporters at each end; the
  reading most reporters give is the figure, and a level dated before the first movement of people
  is labelled as the pre-crisis figure;
- a quantity whose candidates cannot all be true and come from different sides is *disputed*: the
  headline names both ends and picks neither.

Pure functions of the valid rows, the vocabulary and the flags: no I/O, no Streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from figures.conflicts import CONTRADICTION, DECREASE, LIKELY_TYPO, Conflict, ConflictSettings
from figures.vocabulary import WHOLE_GROUP, Vocabulary, compare_place
from figures.wording import date_text, plural, source_label, value_as_written

CUMULATIVE = "cumulative"
PRE_CRISIS = "pre-crisis"
LATEST = "latest"
LATEST_WINDOW = "latest window"
DISPUTED = "disputed"
# Sides disagree enough to call a quantity disputed when their figures cannot both be true and
# the worst pair is this far apart (relative gap): the reach of "about". Below it, the spread
# is reporting noise, and the headline picks the best-supported figure and shows the range.
DISPUTE_GAP = 0.10


@dataclass(frozen=True)
class Claim:
    """One end of a headline's range, or one side of a dispute: a figure with its source."""

    line: int
    reported_by: str
    affiliation: str
    outlet: str
    qualifier: str
    value: int
    value_high: int | None
    as_of: pd.Timestamp
    as_of_has_time: bool


@dataclass(frozen=True)
class Headline:
    metric: str
    group: str
    place: str
    basis: str  # LATEST, LATEST_WINDOW, PRE_CRISIS or DISPUTED: which part of the rule chose it
    chosen: Claim | None  # None when disputed: the headline picks no side
    low: Claim  # the lowest figure among the reporters' latest (or the window's)
    high: Claim  # the highest
    reporters: int  # distinct reporters that give the chosen reading
    outlets: int  # distinct outlets that publish it
    conflicts: tuple[str, ...]  # ids of the flags that touch the chosen reading (or the dispute)
    candidates: int  # how many figures the range is taken over
    supporting_lines: tuple[int, ...] = field(default=())

    @property
    def disputed(self) -> bool:
        return self.basis == DISPUTED

    @property
    def is_subgroup(self) -> bool:
        return self.group != WHOLE_GROUP

    def to_dict(self) -> dict[str, object]:
        """The command's JSON: one object per quantity."""
        chosen = self.chosen
        latest = max((self.low, self.high), key=lambda claim: claim.as_of)
        return {
            "metric": self.metric,
            "group": self.group,
            "place": self.place,
            "basis": self.basis,
            "qualifier": chosen.qualifier if chosen else None,
            "value": chosen.value if chosen else None,
            "value_high": chosen.value_high if chosen else None,
            "as_of": _iso(chosen or latest),
            "reported_by": chosen.reported_by if chosen else None,
            "outlet": chosen.outlet if chosen else None,
            "line": chosen.line if chosen else None,
            "low": self.low.value,
            "high": _upper(self.high),
            "low_reported_by": self.low.reported_by,
            "high_reported_by": self.high.reported_by,
            "low_line": self.low.line,
            "high_line": self.high.line,
            "reporters": self.reporters,
            "outlets": self.outlets,
            "disputed": self.disputed,
            "conflicts": list(self.conflicts),
        }


def flag_id(conflict: Conflict) -> str:
    """The id a flag is linked by, as the dashboard links it."""
    return conflict.id


def _iso(claim: Claim) -> str:
    pattern = "%Y-%m-%dT%H:%M" if claim.as_of_has_time else "%Y-%m-%d"
    return claim.as_of.strftime(pattern)


def _upper(claim: Claim) -> int:
    return claim.value_high if claim.value_high is not None else claim.value


@dataclass(frozen=True)
class _Marks:
    """What the flags say about single lines: suspected miscopies, stale relays, and which flags
    each line takes part in."""

    miscopied: frozenset[int]
    stale: frozenset[int]
    flags_of_line: dict[int, list[Conflict]]


def _marks(rows: pd.DataFrame, conflicts: Sequence[Conflict]) -> _Marks:
    as_of = dict(zip(rows["line"].tolist(), rows["as_of"].tolist(), strict=True))
    miscopied: set[int] = set()
    stale: set[int] = set()
    flags_of_line: dict[int, list[Conflict]] = {}
    for conflict in conflicts:
        for line in conflict.lines:
            flags_of_line.setdefault(line, []).append(conflict)
        if conflict.code == LIKELY_TYPO and conflict.probable_value is not None:
            # Only a reading other figures contradict is marked; without a verdict neither is.
            miscopied.update(
                ref.line for ref in conflict.figures if ref.value != conflict.probable_value
            )
        if conflict.code == DECREASE:
            # A running total cannot fall: of a pair, the later figure is the stale one (a relay
            # of an older reading dated by when it was repeated).
            for a, b in conflict.pairs:
                if a in as_of and b in as_of:
                    stale.add(b if as_of[b] >= as_of[a] else a)
    return _Marks(frozenset(miscopied), frozenset(stale), flags_of_line)


def first_movement(rows: pd.DataFrame, vocabulary: Vocabulary) -> pd.Timestamp | None:
    """When people first moved: the earliest figure of a metric that counts movement
    (`movement` in metrics.csv). A level dated before it is the pre-crisis figure."""
    moving = [name for name, metric in vocabulary.metrics.items() if metric.movement]
    dates = rows.loc[rows["metric"].isin(moving), "as_of"]
    return None if dates.empty else dates.min().normalize()


def headlines(
    rows: pd.DataFrame,
    vocabulary: Vocabulary,
    conflicts: Sequence[Conflict],
    settings: ConflictSettings | None = None,
    *,
    movement_start: pd.Timestamp | None = None,
) -> list[Headline]:
    """One headline per quantity in `rows`, in the vocabulary's metric order, each place's
    total before its groups. `movement_start` is when people first moved (by default taken
    from `rows`; pass it from the whole file when `rows` is a filtered view)."""
    if rows.empty:
        return []
    settings = settings or ConflictSettings()
    if movement_start is None:
        movement_start = first_movement(rows, vocabulary)
    marks = _marks(rows, conflicts)
    keyed = rows.assign(_place_key=[_place_key(vocabulary, place) for place in rows["place"]])
    found: list[Headline] = []
    for (metric, group, _), quantity in keyed.groupby(
        ["metric", "group", "_place_key"], sort=False
    ):
        found.append(
            _headline(quantity, vocabulary, marks, settings, movement_start, str(metric), group)
        )
    order = {name: rank for rank, name in enumerate(vocabulary.metrics)}
    return sorted(
        found,
        key=lambda h: (
            order.get(h.metric, len(order)),
            compare_place(h.place),
            h.group != WHOLE_GROUP,
            h.group,
        ),
    )


def _place_key(vocabulary: Vocabulary, place: str) -> str:
    return vocabulary.same_place_key(compare_place(place))


def _headline(
    quantity: pd.DataFrame,
    vocabulary: Vocabulary,
    marks: _Marks,
    settings: ConflictSettings,
    movement_start: pd.Timestamp | None,
    metric: str,
    group: object,
) -> Headline:
    sound = quantity[~quantity["line"].isin(marks.miscopied)]
    if sound.empty:
        sound = quantity
    known = vocabulary.metrics.get(metric)
    if known is not None and known.kind == CUMULATIVE:
        candidates = _latest_per_reporter(_without(sound, marks.stale))
        basis = LATEST
    else:
        window = known.window_days if known and known.window_days is not None else None
        days = settings.window_days if window is None else window
        if known is not None and known.kind == "event":
            days = 0
        candidates = _latest_window(sound, days)
        before = movement_start is not None and candidates["as_of"].max() < movement_start
        basis = PRE_CRISIS if before else LATEST_WINDOW
    claims = [_claim(row) for row in candidates.itertuples(index=False)]
    low = min(claims, key=lambda claim: (claim.value, -claim.line))
    high = max(claims, key=lambda claim: (_upper(claim), claim.line))
    dispute = _dispute(candidates, marks)
    chosen = None if dispute else _choose(candidates, quantity, cumulative=basis == LATEST)
    supporting = quantity if chosen is None else _same_reading(quantity, chosen)
    touched = dispute or _flags_touching(supporting["line"].tolist(), marks)
    return Headline(
        metric=metric,
        group=str(group),
        place=chosen_place(quantity, chosen),
        basis=DISPUTED if dispute else basis,
        chosen=chosen,
        low=low,
        high=high,
        reporters=(supporting if chosen else candidates)["reported_by"].nunique(),
        outlets=(supporting if chosen else candidates)["outlet"].nunique(),
        conflicts=tuple(dict.fromkeys(flag_id(conflict) for conflict in touched)),
        candidates=len(candidates),
        supporting_lines=tuple(sorted(supporting["line"].tolist())) if chosen else (),
    )


def chosen_place(quantity: pd.DataFrame, chosen: Claim | None) -> str:
    """The place as its chosen figure's source wrote it, else the most common spelling."""
    if chosen is not None:
        return str(quantity.loc[quantity["line"] == chosen.line, "place"].iloc[0])
    return str(quantity["place"].value_counts().index[0])


def _without(rows: pd.DataFrame, lines: frozenset[int]) -> pd.DataFrame:
    kept = rows[~rows["line"].isin(lines)]
    return rows if kept.empty else kept


def _latest_per_reporter(rows: pd.DataFrame) -> pd.DataFrame:
    """Each reporter's latest figure; at one moment, the higher reading is the newer update."""
    ordered = rows.sort_values(["as_of", "value", "line"])
    return ordered.drop_duplicates("reported_by", keep="last")


def _latest_window(rows: pd.DataFrame, days: int) -> pd.DataFrame:
    latest = rows["as_of"].max().normalize()
    start = latest - pd.Timedelta(days=days)
    return rows[rows["as_of"] >= start]


def _claim(row: Any) -> Claim:  # a row of DataFrame.itertuples
    high = row.value_high
    return Claim(
        line=int(row.line),
        reported_by=str(row.reported_by),
        affiliation=str(row.affiliation),
        outlet=str(row.outlet),
        qualifier=str(row.qualifier),
        value=int(row.value),
        value_high=None if pd.isna(high) else int(high),
        as_of=pd.Timestamp(row.as_of),
        as_of_has_time=bool(row.as_of_has_time),
    )


def _reading(rows: pd.DataFrame) -> pd.Series:
    """Each row's reading as one key: two rows give the same figure when qualifier, value
    and upper end agree (-1 stands for no upper end)."""
    high = rows["value_high"].astype("Int64").fillna(-1).astype("int64")
    keys = zip(rows["qualifier"].tolist(), rows["value"].tolist(), high.tolist(), strict=True)
    return pd.Series(list(keys), index=rows.index, dtype=object)


def _same_reading(quantity: pd.DataFrame, chosen: Claim) -> pd.DataFrame:
    high = -1 if chosen.value_high is None else chosen.value_high
    wanted = (chosen.qualifier, chosen.value, high)
    return quantity[_reading(quantity).map(lambda key: key == wanted).astype(bool)]


def _choose(candidates: pd.DataFrame, quantity: pd.DataFrame, *, cumulative: bool) -> Claim:
    """The figure to quote. A running total: the latest reading. A level or an occasion: the
    reading most reporters give in the window, then the latest, then the lower (the more
    conservative, as ACLED takes it). Of the rows that carry it, the originator's own
    publication first, then the earliest published."""
    readings = _reading(candidates)
    support = candidates.groupby(readings)["reported_by"].nunique()
    ranked = candidates.assign(
        _support=readings.map(support).to_numpy(),
        _negative_value=-candidates["value"],
    )
    order = ["as_of", "value"] if cumulative else ["_support", "as_of", "_negative_value"]
    best = _claim(next(ranked.sort_values(order).iloc[[-1]].itertuples(index=False)))
    same = _same_reading(quantity, best)
    same = same[same["reported_by"] == best.reported_by]
    if cumulative:
        same = same[same["as_of"] == best.as_of]
    own = same[_is_own_outlet(same)]
    pool = own if not own.empty else same
    if pool.empty:
        return best
    by_age = pool.sort_values(["published", "line"], na_position="last")
    return _claim(next(by_age.iloc[[0]].itertuples(index=False)))


def _is_own_outlet(rows: pd.DataFrame) -> pd.Series:
    """Whether a row was published by the reporter itself (the outlet names it, or the
    reporter's name contains the outlet's): an originator's own statement, not a relay."""
    outlets = rows["outlet"].str.casefold()
    reporters = rows["reported_by"].str.casefold()
    return pd.Series(
        [
            bool(outlet) and (outlet in reporter or reporter in outlet)
            for outlet, reporter in zip(outlets, reporters, strict=True)
        ],
        index=rows.index,
        dtype=bool,
    )


def _dispute(candidates: pd.DataFrame, marks: _Marks) -> list[Conflict]:
    """The contradiction flags between candidates of different sides: figures of one quantity
    at one time that cannot both be true, given by opposing reporters, at least DISPUTE_GAP
    apart."""
    side = dict(zip(candidates["line"].tolist(), candidates["affiliation"].tolist(), strict=True))
    found: list[Conflict] = []
    for line in side:
        for conflict in marks.flags_of_line.get(line, []):
            if conflict.code != CONTRADICTION or conflict.severity < DISPUTE_GAP:
                continue
            if conflict in found:
                continue
            if any(a in side and b in side and side[a] != side[b] for a, b in conflict.pairs):
                found.append(conflict)
    return found


def _flags_touching(lines: Sequence[int], marks: _Marks) -> list[Conflict]:
    found: list[Conflict] = []
    for line in lines:
        for conflict in marks.flags_of_line.get(line, []):
            if conflict not in found:
                found.append(conflict)
    return found


def day_of(claim: Claim) -> dt.date:
    return claim.as_of.date()


def _claim_text(claim: Claim) -> str:
    return value_as_written(claim.qualifier, claim.value, claim.value_high)


def quantity_label(headline: Headline, vocabulary: Vocabulary) -> str:
    """'People who fled from Valdoria'; a group after its total's label:
    'People evacuated from Valdoria — Children'."""
    metric = vocabulary.metrics.get(headline.metric)
    label = vocabulary.metric_label(headline.metric)
    if headline.place:
        preposition = metric.place_preposition if metric else "in"
        label = f"{label} {preposition} {headline.place}"
    if headline.is_subgroup:
        label = f"{label} — {vocabulary.group_label(headline.group)}"
    return label


def headline_sentence(headline: Headline, side_labels: Mapping[str, str]) -> str:
    """The figure and its support in words, without the quantity's label:
    'more than 100,000 — Ana Lind (AFP), 30 Sep 2023; from 2 reporters in 5 outlets;
    the reporters' latest figures run from 28,120 to 100,417', or, disputed,
    'disputed: 0 (Valdoria) against about 10,000 (Merrowland), 19 Sep 2023'."""
    low, high = headline.low, headline.high
    if headline.chosen is None:
        sides = [side_labels.get(c.affiliation, c.affiliation) for c in (low, high)]
        day = date_text(max(low.as_of, high.as_of))
        return (
            f"disputed: {_claim_text(low)} ({sides[0]}) against "
            f"{_claim_text(high)} ({sides[1]}), {day}"
        )
    chosen = headline.chosen
    source = source_label(chosen.reported_by, chosen.outlet, "")
    text = f"{_claim_text(chosen)} — {source}, {date_text(chosen.as_of, chosen.as_of_has_time)}"
    if headline.basis == PRE_CRISIS:
        text += " (before the crisis)"
    text += f"; from {plural(headline.reporters, 'reporter')}"
    text += f" in {plural(headline.outlets, 'outlet')}"
    if low.line != high.line and (low.value, _upper(low)) != (high.value, _upper(high)):
        span = "reporters' latest figures" if headline.basis == LATEST else "figures of the window"
        text += f"; the {span} run from {_claim_text(low)} to {_claim_text(high)}"
    return text
