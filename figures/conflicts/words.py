"""The words for flagged figures: who said it, what it counts, where, when, and how much.

Only flagged figures are ever described; their text cells are read, their values worded and
their dates formatted once, in one take, since a figure is described in several sentences.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from figures.conflicts.model import FigureRef
from figures.conflicts.table import QUALIFIERS, FigureTable
from figures.vocabulary import WHOLE_GROUP, Vocabulary
from figures.wording import day_text, value_as_written


def dates_text(moments: pd.Series, with_time: np.ndarray) -> list[str]:
    """'25 Sep 2023', or '26 Sep 2023, 20:00' where the figure gives the hour; '' for none.

    Formatted once per distinct moment: flagged figures share few dates, and pandas'
    strftime costs about ten microseconds a value.
    """
    stamps = pd.to_datetime(moments).to_numpy("datetime64[m]")
    stamps_once, index = np.unique(stamps, return_inverse=True)
    texts = {}
    for position, stamp in enumerate(stamps_once.tolist()):
        if stamp is None:
            texts[position] = ("", "")
        else:
            texts[position] = (day_text(stamp), f", {stamp:%H:%M}")
    return [
        day + time if timed else day
        for (day, time), timed in zip(
            (texts[i] for i in index.ravel().tolist()), with_time.tolist(), strict=True
        )
    ]


def day_label_of(day: dt.date) -> str:
    return day_text(day)


def day_label(day: int) -> str:
    """A day given as days since 1970, as a sentence names it: '25 Sep 2023'."""
    return day_label_of(dt.date(1970, 1, 1) + dt.timedelta(days=int(day)))


def some(lines: Sequence[int] | np.ndarray, shown: int = 5) -> str:
    """'103, 104, 105 and 12 more': a sentence read aloud names a few lines; the flag itself
    (lines, pairs, explained_pairs) lists every one."""
    listed = ", ".join(str(int(line)) for line in lines[:shown])
    return listed + (f" and {len(lines) - shown} more" if len(lines) > shown else "")


def _in_sentence(label: str) -> str:
    """A label as it reads mid-sentence: 'Children' -> 'children', but 'UN staff' stays."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]


class Describer:
    """The words of the flagged figures (who, where, when, what), read from the rows.

    `suspect`: figures that look miscopied (never a sentence's headline while another pair
    will do), or None. `first_reading`: each flagged figure's first appearance with its
    reading (see first_of_reading), for the notes on late relays."""

    _COLUMNS = ("reported_by", "outlet", "affiliation", "place")

    def __init__(
        self,
        table: FigureTable,
        vocabulary: Vocabulary,
        members: Iterable[int],
        suspect: np.ndarray | None = None,
        first_reading: dict[int, int] | None = None,
    ):
        self.table = table
        self.vocabulary = vocabulary
        self.suspect = suspect
        self.first_reading = first_reading or {}
        # Read cells column by column, since selecting columns first would copy them whole.
        members = sorted(set(members))
        positions = table.position[members]
        cells = {
            name: [str(cell) for cell in table.rows[name].take(positions).tolist()]
            for name in self._COLUMNS
        }
        self._cells = {name: dict(zip(members, cells[name], strict=True)) for name in cells}
        has_time = table.rows["as_of_has_time"].take(positions).to_numpy(bool)
        as_of = dates_text(table.rows["as_of"].take(positions), has_time)
        published = dates_text(table.rows["published"].take(positions), np.zeros_like(has_time))
        self._as_of_text = dict(zip(members, as_of, strict=True))
        self._published_text = dict(zip(members, published, strict=True))
        published_days = table.rows["published"].take(positions).to_numpy("datetime64[D]")
        self._published_day = dict(zip(members, published_days.tolist(), strict=True))
        written = self._values_as_written(members)
        self._written = dict(zip(members, written, strict=True))
        refs = map(
            FigureRef,  # fields in order: line, reported_by, outlet, affiliation, as_of, ...
            table.line[members].tolist(),
            cells["reported_by"],
            cells["outlet"],
            cells["affiliation"],
            as_of,
            published,
            written,
            table.metric_names[table.metric[members]].tolist(),
            table.group_names[table.group[members]].tolist(),
            cells["place"],
        )
        self._refs = dict(zip(members, refs, strict=True))

    def _values_as_written(self, members: list[int]) -> list[str]:
        t = self.table
        highs = [None if math.isnan(high) else int(high) for high in t.value_high[members]]
        return [
            value_as_written(QUALIFIERS[qualifier], value, high)
            for qualifier, value, high in zip(
                t.qualifier[members].tolist(),
                t.value[members].astype(np.int64).tolist(),
                highs,
                strict=True,
            )
        ]

    def cell(self, name: str, row: int) -> object:
        return self._cells[name][row]

    def reporter(self, row: int) -> str:
        return str(self.cell("reported_by", row))

    def written(self, row: int) -> str:
        return self._written[row]

    def speaker(self, row: int) -> str:
        """Whose words a figure is: the reporter, or the reporter as an outlet relayed it
        (a relay's two readings are the relay's inconsistency, not the originator's)."""
        outlet = self.cell("outlet", row)
        if not outlet or str(outlet).casefold() == self.reporter(row).casefold():
            return self.reporter(row)
        return f"{self.reporter(row)}, as reported by {outlet},"

    def as_of_text(self, row: int) -> str:
        return self._as_of_text[row]

    def day_text(self, row: int) -> str:
        return self._as_of_text[row].split(",")[0]

    def source(self, row: int) -> str:
        """'(Brussels Signal, 25 Sep 2023)': outlet and publication date, where they add."""
        outlet = self.cell("outlet", row)
        parts = [str(outlet)] if outlet and outlet != self.cell("reported_by", row) else []
        if self._published_text[row]:
            parts.append(self._published_text[row])
        return f"({', '.join(parts)})" if parts else ""

    def none(self, row: int) -> bool:
        """'0' or 'up to 0': the source said there were none."""
        return bool(self.table.high[row] == 0)

    def figure_of(self, row: int) -> str:
        """For 'more than the …': '4,000', 'figure of up to 311', 'figure of zero' (a source
        that said there were none)."""
        if self.none(row):
            return "figure of zero"
        if self.table.qualifier_name(row) == "exact":
            return self.written(row)
        return f"figure of {self.written(row)}"

    def who(self, row: int) -> str:
        source = self.source(row)
        return f"{self.reporter(row)} {source}" if source else self.reporter(row)

    def quantity(self, row: int) -> str:
        """'children who fled Valdoria', 'the population of Valdoria',
        'people killed in Port Valdor': the metric's label, the group in place of 'people'
        (or after the label), and the place with the metric's preposition."""
        t = self.table
        metric = self.vocabulary.metrics[t.metric_name(row)]
        text = metric.label[:1].lower() + metric.label[1:]
        counts_people = text.startswith("people ")
        if t.group_name(row) != WHOLE_GROUP:
            group = _in_sentence(self.vocabulary.group_label(t.group_name(row)))
            text = group + text[len("people") :] if counts_people else f"{text} ({group})"
        if metric.place_preposition == "of" and not counts_people:
            # Something the place has: 'put the population of …', but 'put troops in …'.
            text = f"the {text}"
        place = self.cell("place", row)
        if place:
            text += f" {metric.place_preposition} {place}"
        return text

    def at(self, row: int) -> str:
        """'at 4,000', 'at about 10,000', 'at no fewer than 7' (not 'at at least 7'), 'at
        zero'."""
        if self.none(row):
            return "at zero"
        written = self.written(row)
        if written.startswith("at least "):
            return f"at no fewer than {written[len('at least ') :]}"
        return f"at {written}"

    def claim(self, row: int) -> str:
        if self.none(row):
            return "said there were none"
        return f"put it {self.at(row)}"

    def ref(self, row: int) -> FigureRef:
        return self._refs[row]

    def sources(self, rows: list[int]) -> list[str]:
        """Who gave one reading, a reporter once however many outlets relayed it: 'Government
        of Valdoria (itself, BBC and UNHCR, 29 Sep 2023)', not the reporter's name per outlet."""
        by_reporter: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            by_reporter[self.reporter(row)].append(row)
        names = []
        for reporter, mine in by_reporter.items():
            if len(mine) == 1:
                names.append(self.who(mine[0]))
                continue
            parts = self._relays(reporter, mine)
            days = sorted({self._published_day[row] for row in mine} - {None})
            if days:
                first, last = (day_label_of(day) for day in (days[0], days[-1]))
                parts.append(first if first == last else f"{first} to {last}")
            names.append(f"{reporter} ({', '.join(parts)})" if parts else reporter)
        return names

    def _relays(self, reporter: str, rows: list[int]) -> list[str]:
        """['itself, BBC and 2 more']: the outlets that carried one reporter's reading, its
        own release first; nothing when it only published the reading itself."""
        outlets: list[str] = []
        for row in rows:
            outlet = str(self.cell("outlet", row) or "")
            own = not outlet or outlet.casefold() == reporter.casefold()
            outlet = "itself" if own else outlet
            if outlet not in outlets:
                outlets.append(outlet)
        if "itself" in outlets:  # its own release first
            outlets.remove("itself")
            outlets.insert(0, "itself")
        if outlets == ["itself"]:  # its own releases only: the name says it
            return []
        listed = outlets if len(outlets) <= 3 else [*outlets[:2], f"{len(outlets) - 2} more"]
        return [listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + f" and {listed[-1]}"]

    def by_reading(self, rows: list[int]) -> list[int]:
        """Rows from the highest reading to the lowest (then by line): the order of clauses."""
        t = self.table
        return sorted(rows, key=lambda r: (-t.high[r], -t.low[r], t.line[r]))

    def claims_by_value(self, rows: list[int]) -> list[str]:
        """'A and B said there were none', 'C put it at about 10,000': one clause per reading."""
        readings: dict[str, list[int]] = defaultdict(list)
        for row in self.by_reading(rows):
            readings[self.written(row)].append(row)
        clauses = []
        for reading_rows in readings.values():
            names = self.sources(reading_rows)
            if len(names) > 3:
                # Ten relays of one wire story should not make a paragraph; the lines list all.
                names = [*names[:2], f"{len(names) - 2} others"]
            subject = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
            clauses.append(f"{subject} {self.claim(reading_rows[0])}")
        if len(clauses) > 5:
            # Sixty readings are no sentence: the two highest, the two lowest, and a count.
            between = len(clauses) - 4
            clauses = [*clauses[:2], f"{between} other readings lie between", *clauses[-2:]]
        return clauses

    def time_span(self, rows: list[int]) -> str:
        """When the figures hold: one day, or the first and last moments."""
        t = self.table
        days = {int(t.day[row]) for row in rows}
        first = min(rows, key=lambda r: (t.day[r], t.minute[r]))
        last = max(rows, key=lambda r: (t.day[r], t.minute[r]))
        if len(days) == 1:
            moments = {int(t.minute[row]) for row in rows}
            if len(moments) == 1:
                return self.as_of_text(first)
            return self.day_text(first)
        return f"{self.as_of_text(first)} to {self.as_of_text(last)}"
