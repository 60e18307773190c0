"""From rows to the table the marks are drawn from: `prepare` gives a chart's `ChartData`.

Every figure becomes one row of marks (its place on the scales, its bounds, its colour key and
the texts of its tooltip), each pair of figures that cannot both be true one row of pairs.
Above `MAX_ROWS` figures a chart draws a stable sample (highlighted and conflicting figures
first), above `MAX_PANELS` panels the most telling ones (see `figures.charts.panels`), and
its notes say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from figures.arrays import isin
from figures.cells import escape_formulas
from figures.charts.notes import outside_items, panels_left_out_note, reporter_sources
from figures.charts.panels import (
    PanelCodes,
    choose_panels,
    panel_codes,
    panel_title,
    sample_positions,
    vocabulary_rank,
)
from figures.charts.style import FORMS, OTHER_REPORTERS, hued_reporters, side_palette
from figures.charts.timespan import TimeSpan, chart_span
from figures.conflicts import Conflict, ConflictSettings
from figures.filters import NO_PLACE
from figures.vocabulary import Vocabulary
from figures.wording import date_texts, shorten, value_as_written

COLOR_BY = ("reported_by", "affiliation")
# Above this many figures a chart shows a sample: Altair refuses more than 5,000 rows per
# dataset, and a browser slows down well before the marks stop being readable anyway (with
# 3,000 figures Chromium took about 2 s longer to show the first chart than with 500).
MAX_ROWS = 2_000
# A conflict pair is one dashed line; thousands of them are a red smear, not information.
MAX_PAIRS = 1_000
# Beyond a dozen panels nobody reads them; the subtitle says how many were left out.
MAX_PANELS = 12


@dataclass(frozen=True)
class ChartData:
    """What one chart draws: a row per figure shown, the conflict pairs, and notes."""

    marks: pd.DataFrame
    pairs: pd.DataFrame
    panels: list[tuple[str, str, str]]  # (key, title, unit) in display order
    notes: list[str] = field(default_factory=list)  # samples, panels left out: the subtitle
    total: int = 0  # figures given, before any sampling
    span: TimeSpan | None = None  # the time axis
    # The figures of the view outside the time axis, one short text each, in date order.
    outside: list[str] = field(default_factory=list)
    # Each side's label to its colour, in the dataset's order of sides (sides.csv).
    side_colours: dict[str, str] = field(default_factory=dict)

    @cached_property
    def table(self) -> tuple[str, pd.DataFrame]:
        """Marks and pairs in one named table; built once for both charts of a view."""
        table = _table(self)
        return dataset_name("figures", table), table


# ---------------------------------------------------------------------------------------------
# The conflicts of each line.


def _conflict_text(flags: list[Conflict], line: int) -> str:
    if not flags:
        return "none"
    parts = []
    for conflict in flags[:3]:
        # A big group of figures can hold thousands of lines; four name it well enough.
        others = [str(other) for other in islice((o for o in conflict.lines if o != line), 4)]
        with_lines = f" with line {', '.join(others)}" if others else ""
        parts.append(f"{conflict.title.lower()} ({conflict.severity_label}){with_lines}")
    if len(flags) > 3:
        parts.append(f"and {len(flags) - 3} more")
    return "; ".join(parts)


@dataclass(frozen=True)
class ConflictIndex:
    """Which conflicts each CSV line takes part in, and every such line, for quick lookups."""

    by_line: Mapping[int, Sequence[Conflict]]
    lines: np.ndarray  # every line in a conflict, sorted
    conflicts: Sequence[Conflict] = ()  # in the engine's order
    # Each (conflict, line) membership: the line, and the conflict's position in `conflicts`.
    member_lines: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    member_owner: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    # Each flagged line's tooltip text (`_conflict_text`), made the first time it is drawn.
    texts: dict[int, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, conflicts: Iterable[Conflict]) -> ConflictIndex:
        listed = list(conflicts)
        by_line: dict[int, list[Conflict]] = {}
        for conflict in listed:
            for line in conflict.lines:
                by_line.setdefault(line, []).append(conflict)
        counts = [len(conflict.lines) for conflict in listed]
        members = [line for conflict in listed for line in conflict.lines]
        return cls(
            by_line,
            np.array(sorted(by_line), dtype=np.int64),
            tuple(listed),
            np.array(members, dtype=np.int64),
            np.repeat(np.arange(len(listed), dtype=np.int64), counts),
        )

    def text(self, line: int) -> str:
        """The tooltip's words on the conflicts of `line` (the same for every view)."""
        found = self.texts.get(line)
        if found is None:
            found = self.texts[line] = _conflict_text(list(self.by_line.get(line, ())), line)
        return found

    def touching(self, lines: np.ndarray) -> list[Conflict]:
        """The conflicts with a figure on one of `lines`, in the engine's order: what
        `figures.filters.conflicts_in_view` gives, without a set intersection per conflict."""
        hit = np.isin(self.member_lines, np.asarray(lines, dtype=np.int64))
        return [self.conflicts[int(i)] for i in np.unique(self.member_owner[hit])]


# ---------------------------------------------------------------------------------------------
# Which figures a chart draws.


class _Drawn(NamedTuple):
    positions: np.ndarray  # of the rows drawn, in `rows`
    panel: np.ndarray  # the panel number of each row drawn
    chosen: list[int]  # panel numbers drawn
    notes: list[str]
    span: TimeSpan | None  # the time axis
    outside: np.ndarray  # positions of the figures left outside the time axis, by date


def _within_panel_limit(
    panels: PanelCodes, keep: np.ndarray | None, vocabulary: Vocabulary, max_panels: int
) -> tuple[np.ndarray, list[int], list[str]]:
    """Which of the rows `panels` numbers are in the panels drawn (highlighted figures' panels
    first), the panels drawn, and a note if some were left out."""
    chosen = choose_panels(panels, vocabulary, keep, max_panels)
    if len(chosen) == len(panels.names):
        return np.arange(len(panels.codes)), chosen, []
    return (
        np.flatnonzero(np.isin(panels.codes, chosen)),
        chosen,
        [panels_left_out_note(len(chosen), len(panels.names))],
    )


def _on_the_axis(
    rows: pd.DataFrame,
    positions: np.ndarray,
    keep: np.ndarray | None,
    dates: tuple[dt.date | None, dt.date | None] | None,
) -> tuple[np.ndarray, TimeSpan | None]:
    """Which of the rows at `positions` fall on the chart's time axis (see
    `figures.charts.timespan`), and that axis."""
    if not len(positions):
        return np.ones(0, bool), None
    times = _epoch_ms(rows["as_of"].iloc[positions])
    must_show = times[keep] if keep is not None else None
    span = chart_span(times, must_show=must_show, dates=dates)
    return (times >= span.start) & (times <= span.end), span


def _drawn(
    rows: pd.DataFrame,
    vocabulary: Vocabulary,
    index: ConflictIndex,
    highlighted: set[int],
    limits: tuple[int, int],
    dates: tuple[dt.date | None, dt.date | None] | None,
) -> tuple[_Drawn, PanelCodes]:
    """The rows a chart draws: those of known metrics on its time axis, in the panels chosen,
    sampled down to `max_rows` (highlighted figures always, conflicting figures first); and
    every panel's (metric, group, place) by its number."""
    max_rows, max_panels = limits
    # Work on positions and take the rows once at the end: copying 100,000 rows of text
    # for every step cost more than all the rest.
    positions = np.flatnonzero(rows["metric"].isin(list(vocabulary.metrics)).to_numpy())
    lines = rows["line"].to_numpy(np.int64)[positions]
    keep = np.isin(lines, list(highlighted)) if highlighted else None
    on_axis, span = _on_the_axis(rows, positions, keep, dates)
    outside = positions[~on_axis]
    positions, lines = positions[on_axis], lines[on_axis]
    keep = keep[on_axis] if keep is not None else None
    panels = panel_codes(rows, positions, vocabulary)
    inside, chosen, notes = _within_panel_limit(panels, keep, vocabulary, max_panels)
    positions, lines, panel = positions[inside], lines[inside], panels.codes[inside]
    keep = keep[inside] if keep is not None else None
    if len(positions) > max_rows:
        prefer = isin(lines, index.lines) if len(index.lines) else None
        picked = sample_positions(panel, lines, max_rows, keep, prefer)
        notes.append(
            f"Showing a sample of {len(picked):,} of the {len(positions):,} figures in view "
            "(highlighted and conflicting figures first); narrow the filters to see every one."
        )
        positions, panel = positions[picked], panel[picked]
    return _Drawn(positions, panel, chosen, notes, span, outside), panels


def _epoch_ms(as_of: pd.Series) -> np.ndarray:
    """Milliseconds since the epoch, read on a UTC scale: the chart shows the wall-clock date
    the source gave, whatever the viewer's time zone, and the same in server-side exports."""
    stamps = pd.to_datetime(as_of)
    return ((stamps - pd.Timestamp("1970-01-01")) // pd.Timedelta(milliseconds=1)).to_numpy(
        np.int64
    )


def prepare(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    vocabulary: Vocabulary,
    *,
    color_by: str = "reported_by",
    highlight: Iterable[int] = (),
    tolerance: float | None = None,
    max_rows: int = MAX_ROWS,
    max_panels: int = MAX_PANELS,
    index: ConflictIndex | None = None,
    dates: tuple[dt.date | None, dt.date | None] | None = None,
) -> ChartData:
    """The figures as chart rows: positions, bounds, colour key and tooltip texts.

    `index` is `ConflictIndex.of(conflicts)` made once for many calls (the dashboard keeps
    one per file version): without it, each call walks every line of every conflict.
    `dates` are the view's from/to when the user set them: the time axis is then exactly
    those dates; otherwise it is the dense span of the figures' dates and the figures
    outside it are listed (`ChartData.outside`).
    """
    if color_by not in COLOR_BY:
        raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)}, not {color_by!r}")
    tolerance = ConflictSettings().tolerance if tolerance is None else tolerance
    highlighted = {int(line) for line in highlight}
    index = index or ConflictIndex.of(conflicts)
    drawn, panels = _drawn(rows, vocabulary, index, highlighted, (max_rows, max_panels), dates)
    known = rows.iloc[drawn.positions]
    shown = _PanelsShown.of(panels, drawn.panel, vocabulary)
    sides = vocabulary.side_labels()
    marks = _mark_rows(known, shown, index, highlighted, (color_by, sides), tolerance)
    outside = outside_items(rows.iloc[drawn.outside], vocabulary)
    if marks.empty:
        return ChartData(
            marks,
            _NO_PAIRS.copy(),
            [],
            span=drawn.span,
            outside=outside,
            side_colours=_side_colours(vocabulary),
        )
    touching = index.touching(known["line"].to_numpy(np.int64))
    pairs, complete = _pair_rows(marks, touching, MAX_PAIRS)
    notes = drawn.notes
    if not complete:
        notes.append(
            f"Lines join the {MAX_PAIRS:,} disagreeing pairs of the most severe conflicts; "
            "the other conflicting figures keep their red rings."
        )
    listed = []
    for code in sorted(drawn.chosen, key=vocabulary_rank(panels.names, vocabulary)):
        metric = panels.names[code][0]
        listed.append((shown.keys[code], shown.titles[code], vocabulary.metrics[metric].unit))
    return ChartData(
        marks=marks,
        pairs=pairs,
        panels=listed,
        notes=notes,
        total=len(rows),
        span=drawn.span,
        outside=outside,
        side_colours=_side_colours(vocabulary),
    )


def _side_colours(vocabulary: Vocabulary) -> dict[str, str]:
    """Side labels to colours: sides.csv's colours, the rest from the side palette."""
    palette = side_palette(list(vocabulary.sides), vocabulary.side_colours())
    return {vocabulary.side_label(code): colour for code, colour in palette.items()}


@dataclass(frozen=True)
class _PanelsShown:
    """Each drawn row's panel key and title, by panel number."""

    keys: list[str]
    titles: list[str]
    cumulative: np.ndarray  # by panel number: the panel's metric is a running total
    codes: np.ndarray  # the panel number of each drawn row

    @classmethod
    def of(cls, panels: PanelCodes, codes: np.ndarray, vocabulary: Vocabulary) -> _PanelsShown:
        keys = ["|".join(name) for name in panels.names]
        titles = [
            panel_title(vocabulary, metric, group, panels.place(code))
            for code, (metric, group, _) in enumerate(panels.names)
        ]
        kinds = {name: metric.kind for name, metric in vocabulary.metrics.items()}
        cumulative = np.array(
            [kinds.get(metric) == "cumulative" for metric, _, _ in panels.names], dtype=bool
        )
        return cls(keys, titles, cumulative, codes)

    def per_row(self, names: list[str]) -> np.ndarray:
        return np.array(names, dtype=object)[self.codes] if len(self.codes) else np.array([])


# ---------------------------------------------------------------------------------------------
# The marks: a row per figure drawn.

_MARK_COLUMNS = [
    "line",
    "panel",
    "t",
    "y",
    "lo",
    "hi",
    "form",
    "colour",
    "reporter",
    "side",
    "series",
    "cumulative",
    "joined",
    "value_text",
    "outlet",
    "as_of_text",
    "published_text",
    "metric_text",
    "place_text",
    "quote_short",
    "in_conflict",
    "conflict_text",
    "highlighted",
]
_PAIR_COLUMNS = [
    "panel",
    "t",
    "y",
    "t2",
    "y2",
    "reporter",
    "reporter2",
    "line",
    "line2",
    "severity",
    "pair_text",
]
_NO_PAIRS = pd.DataFrame(columns=_PAIR_COLUMNS)


def _texts(column: pd.Series) -> np.ndarray:
    # Text columns as numpy object arrays: iterating pyarrow-backed columns item by item in
    # Python is several times slower. Formula-like text is escaped as the exports escape it:
    # the chart's "Show data" table offers its own CSV download.
    return escape_formulas(column.astype(str)).to_numpy(dtype=object)


def _on_the_scale(rows: pd.DataFrame, tolerance: float) -> dict[str, np.ndarray]:
    """Each figure's form, where its marker sits (`y`), and the ends of its bar (`lo`, `hi`):
    the about band of ±tolerance, or a range's two ends."""
    qualifier = _texts(rows["qualifier"])
    value = rows["value"].to_numpy(np.float64)
    high = rows["value_high"].astype("Float64").to_numpy(np.float64, na_value=np.nan)
    form = np.array([FORMS.get(q, "exact") for q in qualifier], dtype=object)
    is_range = form == "range"
    is_about = form == "about"
    high = np.where(is_range & np.isnan(high), value, high)
    # Where a figure's marker sits: its value, or the middle of a range (where rings and
    # conflict lines attach, since a range claims no single value).
    anchor = np.where(is_range, (value + np.nan_to_num(high)) / 2, value)
    low_end = np.where(is_range, value, np.where(is_about, value * (1 - tolerance), np.nan))
    high_end = np.where(is_range, high, np.where(is_about, value * (1 + tolerance), np.nan))
    return {
        "form": form,
        "y": anchor,
        "lo": low_end.astype(np.float64),
        "hi": high_end.astype(np.float64),
        "value_text": np.array(
            [
                value_as_written(q, int(v), None if np.isnan(h) else int(h))
                for q, v, h in zip(qualifier, value, high, strict=True)
            ],
            dtype=object,
        ),
    }


def _running_totals(
    cumulative: np.ndarray, panel: np.ndarray, reporter: np.ndarray, place: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which figures are of a running total, and which of those a line joins.

    A running total's line joins one source's figures for one place in one panel; a line
    through a single drawn figure shows nothing, so only figures with a partner are joined
    (in a sample most have none, and each such line still cost the browser a mark).
    """
    keys = zip(panel, reporter, place, strict=True)
    series, _ = pd.factorize(np.array([f"{k}\x1f{r}\x1f{p}" for k, r, p in keys]))
    partners = np.bincount(series[cumulative], minlength=int(series.max(initial=-1)) + 1)
    return cumulative, cumulative & (partners[series] >= 2)


def _colour_keys(reporter: np.ndarray) -> np.ndarray:
    """What each figure is coloured by: its reporter, or OTHER_REPORTERS past the reporters
    with the most figures (see `figures.charts.style.hued_reporters`)."""
    names, counts = np.unique(reporter.astype(str), return_counts=True)
    hued = hued_reporters(dict(zip(names.tolist(), counts.tolist(), strict=True)))
    return np.array([r if r in hued else OTHER_REPORTERS for r in reporter], dtype=object)


def _mark_rows(
    rows: pd.DataFrame,
    shown: _PanelsShown,
    index: ConflictIndex,
    highlighted: set[int],
    colouring: tuple[str, Mapping[str, str]],  # colour by, and each side's label
    tolerance: float,
) -> pd.DataFrame:
    color_by, side_labels = colouring
    if rows.empty:
        return pd.DataFrame(columns=_MARK_COLUMNS)
    line = rows["line"].to_numpy(np.int64)
    flagged = isin(line, index.lines)  # every flagged line: many thousands on a big file
    # Milliseconds since the epoch, read on a UTC scale: the chart shows the wall-clock date
    # the source gave, whatever the viewer's time zone, and the same in server-side exports.
    as_of = pd.to_datetime(rows["as_of"])
    reporter, place = _texts(rows["reported_by"]), _texts(rows["place"])
    side = np.array([side_labels.get(a, a) for a in _texts(rows["affiliation"])], dtype=object)
    panel = shown.per_row(shown.keys)
    cumulative = shown.cumulative[shown.codes] if len(shown.codes) else np.zeros(0, bool)
    cumulative, joined = _running_totals(cumulative, panel, reporter, place)
    scale = _on_the_scale(rows, tolerance)
    return pd.DataFrame(
        {
            "line": line,
            "panel": panel,
            "t": _epoch_ms(rows["as_of"]),
            "y": scale["y"],
            "lo": scale["lo"],
            "hi": scale["hi"],
            "form": scale["form"],
            "colour": _colour_keys(reporter) if color_by == "reported_by" else side,
            "reporter": reporter,
            "side": side,
            "series": [f"{r} · {p}" for r, p in zip(reporter, place, strict=True)],
            "cumulative": cumulative,
            "joined": joined,
            "value_text": scale["value_text"],
            "outlet": _texts(rows["outlet"]),
            "as_of_text": date_texts(as_of, rows["as_of_has_time"].to_numpy(bool)),
            "published_text": date_texts(pd.to_datetime(rows["published"])),
            "metric_text": shown.per_row(shown.titles),
            "place_text": [p if p else NO_PLACE for p in place],
            "quote_short": [shorten(q) for q in _texts(rows["quote"])],
            "in_conflict": flagged,
            "conflict_text": [
                index.text(n) if hit else "none"
                for n, hit in zip(line.tolist(), flagged.tolist(), strict=True)
            ],
            "highlighted": np.isin(line, np.fromiter(highlighted, np.int64, len(highlighted))),
        }
    )


# ---------------------------------------------------------------------------------------------
# The pairs: a row per two drawn figures that cannot both be true.


def _pair_row(
    conflict: Conflict, a: int, b: int, first: tuple[Any, ...], second: tuple[Any, ...]
) -> tuple[Any, ...]:
    """A pair's row: where each end sits, who reported it, and the tooltip's sentence."""
    return (
        first[0],
        first[1],
        first[2],
        second[1],
        second[2],
        first[3],
        second[3],
        a,
        b,
        conflict.severity,
        f"{first[4]} (line {a}) and {second[4]} (line {b}): "
        f"{conflict.title.lower()}, {conflict.severity_label} severity",
    )


def _pair_rows(
    marks: pd.DataFrame, conflicts: Sequence[Conflict], limit: int = MAX_PAIRS
) -> tuple[pd.DataFrame, bool]:
    """One row per conflict pair whose two figures are both drawn in the same panel, most
    severe conflicts first, at most `limit`; and whether every such pair is there."""
    if marks.empty or not conflicts:
        return _NO_PAIRS.copy(), True
    where = {
        line: (panel, t, y, reporter, value_text)
        for line, panel, t, y, reporter, value_text in zip(
            marks["line"].to_numpy(np.int64).tolist(),
            marks["panel"].to_numpy(dtype=object).tolist(),
            marks["t"].to_numpy(np.int64).tolist(),
            marks["y"].to_numpy(np.float64).tolist(),
            marks["reporter"].to_numpy(dtype=object).tolist(),
            marks["value_text"].to_numpy(dtype=object).tolist(),
            strict=True,
        )
    }
    out: list[tuple[Any, ...]] = []
    complete = True
    # The engine lists conflicts most severe first; stopping at the limit keeps the worst.
    for conflict in sorted(conflicts, key=lambda flag: -flag.severity):
        if len(out) >= limit:
            complete = False
            break
        for a, b in conflict.pairs:
            if len(out) > limit:
                break
            # Pairs across panels (a part above its whole, fled above population) keep their
            # rings but get no line: a line cannot cross from one panel's scale to another's.
            if a in where and b in where and where[a][0] == where[b][0]:
                out.append(_pair_row(conflict, a, b, where[a], where[b]))
    return pd.DataFrame(out[:limit], columns=_PAIR_COLUMNS), complete and len(out) <= limit


# ---------------------------------------------------------------------------------------------
# The one table a chart's panels draw from.


def _table(data: ChartData) -> pd.DataFrame:
    """Marks and pairs in one table, with each row's panel title (the facet's field)."""
    titles = {key: title for key, title, _ in data.panels}
    marks = data.marks.assign(kind="mark")
    if len(data.pairs):
        table = pd.concat([marks, data.pairs.assign(kind="pair")], ignore_index=True)
    else:
        table = marks.reset_index(drop=True)
    table["panel_title"] = table["panel"].map(titles)
    for name in ("joined", "in_conflict", "highlighted"):
        table[name] = table[name].astype("boolean").fillna(False).astype(bool)
    # What the browser needs, no more: every cell is decoded there before the first chart
    # shows (the panel title is the metric; reporter and place make a line's series; colour
    # repeats the reporter or the side; flags nobody has are left out with their layers).
    unused = ["panel", "metric_text", "series", "severity", "cumulative"]
    if "colour" in table and not (table["colour"] == OTHER_REPORTERS).any():
        unused.append("colour")
    unused += [name for name in ("in_conflict", "highlighted") if not table[name].any()]
    return table.drop(columns=[name for name in unused if name in table])


def dataset_name(prefix: str, frame: pd.DataFrame) -> str:
    """A dataset's name, from its content, as Altair names its datasets: two charts combined
    into one image never overwrite each other's data, and the same data gives the same spec."""
    digest = int(pd.util.hash_pandas_object(frame, index=False).sum()) & 0xFFFFFFFFFFFF
    return f"{prefix}-{digest:012x}"


def drawn_sources(data: ChartData) -> list[str]:
    """The sources of the figures a chart draws, each reporter once with the outlets that
    relayed it ('Government of Valdoria (via 12 outlets)', 'UNHCR (Reuters)'), reporters with
    the most figures first: what the chart's source line lists, as many as fit. Read off the
    drawn marks (at most a few thousand), so it costs nothing on a big file."""
    marks = data.marks
    if marks.empty:
        return []
    return reporter_sources(marks["reporter"].tolist(), marks["outlet"].tolist())
