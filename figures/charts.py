"""Charts of reported figures: pure functions from rows to Altair charts (no Streamlit here).

The dashboard, the briefing view and the image exports all draw with these functions, so a
figure looks the same wherever it is shown. Every figure is drawn as what its source claimed:

- exact: a filled dot;
- about: a hollow diamond on a shaded band of ±tolerance (the conflict engine's reading);
- range ("five to six"): a solid bar from the lower to the upper end;
- more than / at least: a line at the value with an arrow into the open side (up);
- up to / less than: a line at the value with an arrow pointing down.

A key drawn with the same marks sits at the top of each chart, so an image carries its own
legend. Conflicting figures get a red ring, and a red dashed line joins each pair that cannot
both be true. Charts never embed more than `MAX_ROWS` figures: above that they show a stable
sample (highlighted and conflicting figures first) and say so in the subtitle.

The Vega-Lite spec is built as plain dicts (`timeline_spec`, `by_source_spec`) and wrapped as
an Altair chart only at the end: building the same chart from Altair objects took over a
second for a dozen panels, because Altair copies and validates every sub-chart it makes. The
dashboard draws the spec directly; exports use the Altair chart (`.save`, `.to_dict`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from figures.arrays import isin
from figures.conflicts import Conflict, ConflictSettings
from figures.contract import AFFILIATION_LABELS, value_as_written
from figures.filters import NO_PLACE
from figures.vocabulary import WHOLE_GROUP, Vocabulary

if TYPE_CHECKING:
    import altair as alt

Spec = dict[str, Any]

# Okabe & Ito's colour-blind-safe palette first. Order matters: the hues most distinct on white
# go to the first reporters.
REPORTER_COLOURS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    # Okabe-Ito's yellow is left out: it is barely visible on white, on a screen or projector.
    # So is its black: the charts' key draws its neutral symbols in dark grey, and a reporter
    # in black reads as part of the key. Paul Tol's "muted" hues extend the set, so eleven
    # reporters (the shipped data has nine) each get a colour of their own; past eleven,
    # dashes tell their lines apart.
    "#332288",  # indigo
    "#882255",  # wine
    "#999933",  # olive
    "#44AA99",  # teal
    "#AA4499",  # purple
)
# Past eleven reporters colours repeat; the line joining a reporter's figures then changes its
# dash pattern, so two reporters share both colour and dash only past 44 reporters.
DASHES: tuple[tuple[int, ...], ...] = ((1, 0), (6, 3), (2, 2), (8, 3, 2, 3))
# Fixed per side so a side keeps its colour in every view and export. No side gets a colour
# with a national connotation; "other" is grey because it is the least specific.
AFFILIATION_COLOURS: dict[str, str] = {
    "armenia": "#0072B2",
    "azerbaijan": "#E69F00",
    "russia": "#009E73",
    "un": "#56B4E9",
    "ngo": "#CC79A7",
    "media": "#882255",  # wine, not black: black reads as the key's neutral symbols
    "other": "#8C8C8C",
}
CONFLICT_RED = "#C4001A"
KEY_GREY = "#4D4D4D"
TEXT_COLOUR = "#1B1B1B"
COLOR_BY = ("reported_by", "affiliation")
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"

# Above this many figures a chart shows a sample: Altair refuses more than 5,000 rows per
# dataset, and a browser slows down well before the marks stop being readable anyway (with
# 3,000 figures Chromium took about 2 s longer to show the first chart than with 500).
MAX_ROWS = 2_000
# A conflict pair is one dashed line; thousands of them are a red smear, not information.
MAX_PAIRS = 1_000
# Beyond a dozen panels nobody reads them; the subtitle says how many were left out.
MAX_PANELS = 12
QUOTE_CHARS = 160

# Legible at 1280x800 and from the back of a room: nothing below 12 px.
TITLE_SIZE = 20
SUBTITLE_SIZE = 13
PANEL_TITLE_SIZE = 15
LABEL_SIZE = 12
AXIS_TITLE_SIZE = 13
FONT = "Helvetica, Arial, sans-serif"
# Footnotes in images list sources up to this many; a longer list would bury the chart, and
# the CSV export lists every figure with its source anyway.
MAX_SOURCES_IN_IMAGE = 40
# Average glyph width of an 11 px sans-serif font (measured on Liberation Sans, vl-convert's
# sans-serif here), used to wrap footnotes to the chart's width.
FOOTNOTE_FONT_SIZE = 11
_CHAR_WIDTH_PX = 5.2
# A footnote line is never shorter than this, so a narrow chart does not get a tall footnote.
_MIN_FOOTNOTE_CHARS = 80

# Point shapes as SVG paths in Vega's unit square (y grows downwards): a bound is a line at
# the value with an arrow into the open side, so "more than 2,900" reads "2,900 and up".
ARROW_UP = "M-1,0 L1,0 M0,0 L0,-2.4 M-0.7,-1.6 L0,-2.4 L0.7,-1.6"
ARROW_DOWN = "M-1,0 L1,0 M0,0 L0,2.4 M-0.7,1.6 L0,2.4 L0.7,1.6"
ARROW_RIGHT = "M0,-1 L0,1 M0,0 L2.4,0 M1.6,-0.7 L2.4,0 L1.6,0.7"
ARROW_LEFT = "M0,-1 L0,1 M0,0 L-2.4,0 M-1.6,-0.7 L-2.4,0 L-1.6,0.7"

# How each qualifier is drawn.
FORMS: dict[str, str] = {
    "exact": "exact",
    "about": "about",
    "more_than": "lower",
    "at_least": "lower",
    "up_to": "upper",
    "less_than": "upper",
    "range": "range",
}
# Tick values for the log scale: Vega's own symlog ticks crowd and overlap. Powers of ten,
# plus 2 and 5 for panels of small counts (five to six detained); each panel keeps those
# inside its own domain, and labels that would overlap are dropped.
LOG_TICKS = [0, 1, 2, 5, *(10**power for power in range(1, 10))]


# ---------------------------------------------------------------------------------------------
# Palettes.


def _unique_sorted(names: Iterable[str]) -> list[str]:
    # Sorted, so a reporter's colour depends only on the set of reporters, never on the order
    # a caller lists them in: the dashboard and the exports must agree.
    return sorted({str(name) for name in names}, key=lambda name: (name.casefold(), name))


def reporter_palette(reporters: Sequence[str]) -> dict[str, str]:
    """A colour per reporter, from Okabe–Ito, fixed for a given set of reporters.

    Pass every reporter in the data, not only those in view, so a reporter keeps its colour
    when the filters change. Colours repeat past eleven reporters; `reporter_dashes` then tells
    their lines apart.
    """
    names = _unique_sorted(reporters)
    return {
        name: REPORTER_COLOURS[index % len(REPORTER_COLOURS)] for index, name in enumerate(names)
    }


def reporter_dashes(reporters: Sequence[str]) -> dict[str, list[int]]:
    """A dash pattern per reporter: solid for the first eleven, then one pattern per cycle."""
    names = _unique_sorted(reporters)
    return {
        name: list(DASHES[(index // len(REPORTER_COLOURS)) % len(DASHES)])
        for index, name in enumerate(names)
    }


def affiliation_palette() -> dict[str, str]:
    """A fixed colour per affiliation code (armenia, azerbaijan, ...)."""
    return dict(AFFILIATION_COLOURS)


# ---------------------------------------------------------------------------------------------
# From rows to the table the marks are drawn from.


@dataclass(frozen=True)
class ChartData:
    """What one chart draws: a row per figure shown, the conflict pairs, and notes."""

    marks: pd.DataFrame
    pairs: pd.DataFrame
    panels: list[tuple[str, str, str]]  # (key, title, unit) in display order
    notes: list[str] = field(default_factory=list)  # samples, panels left out: the subtitle
    total: int = 0  # figures given, before any sampling

    @cached_property
    def table(self) -> tuple[str, pd.DataFrame]:
        """Marks and pairs in one named table; built once for both charts of a view."""
        table = _table(self)
        return _dataset_name("figures", table), table


def _date_text(moment: pd.Timestamp, with_time: bool = False) -> str:
    if pd.isna(moment):
        return "not given"
    text = f"{moment.day} {moment:%b %Y}"
    return f"{text}, {moment:%H:%M}" if with_time else text


def date_texts(
    moments: pd.Series, with_time: np.ndarray | None = None, missing: str = "not given"
) -> np.ndarray:
    """'19 Sep 2023' (or '26 Sep 2023, 20:00' where `with_time`) for each moment, column-wise;
    `missing` where there is none."""
    stamps = pd.to_datetime(moments).to_numpy("datetime64[ns]")
    timed = np.zeros(len(stamps), bool) if with_time is None else np.asarray(with_time, bool)
    absent = np.isnat(stamps)
    # Few distinct dates in many rows: format each distinct (minute, timed) once. Two bits
    # of key per minute: even without the time of day, odd with it.
    minutes = np.where(absent, 0, stamps.view(np.int64) // 60_000_000_000)
    keys, codes = np.unique(minutes * 2 + timed, return_inverse=True)
    texts = np.array([_minute_text(key) for key in keys.tolist()], dtype=object)
    out = texts[codes.reshape(-1)] if len(keys) else np.array([], dtype=object)
    out[absent] = missing
    return out


@lru_cache(maxsize=1 << 16)
def _minute_text(key: int) -> str:
    """`_date_text` of a minute since the epoch (key // 2), with its time if key is odd: the
    same few thousand minutes recur in every view of a file."""
    return _date_text(pd.Timestamp(int(key // 2) * 60_000_000_000), bool(key % 2))


def _texts(column: pd.Series) -> np.ndarray:
    return column.astype(str).to_numpy(dtype=object)


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """Text cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def _percent(tolerance: float) -> str:
    return f"{tolerance * 100:g}%"


def _panel_title(vocabulary: Vocabulary, metric: str, group: str) -> str:
    label = vocabulary.metric_label(metric)
    if group != WHOLE_GROUP:
        label += f" — {vocabulary.group_label(group)}"
    metric_def = vocabulary.metrics.get(metric)
    # One facet cannot give each panel its own axis title, so a unit other than people goes
    # into the panel's title.
    if metric_def is not None and metric_def.unit != "people":
        label += f" ({metric_def.unit})"
    return label


def _stable_order(lines: np.ndarray) -> np.ndarray:
    # A fixed pseudo-random number per CSV line (Knuth's multiplicative hash): the sample keeps
    # the same figures across reruns and views, so narrowing a filter never reshuffles it.
    return (lines.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)


def _panel_codes(
    rows: pd.DataFrame, positions: np.ndarray
) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """A panel number for each row at `positions`, and the (metric, group) of each number."""
    metric_codes, metrics = pd.factorize(rows["metric"])
    group_codes, groups = pd.factorize(rows["group"])
    width = max(len(groups), 1)
    combined = metric_codes[positions].astype(np.int64) * width + group_codes[positions]
    codes, uniques = pd.factorize(combined)
    panels = [(str(metrics[u // width]), str(groups[u % width])) for u in uniques]
    return codes.astype(np.int64), panels


def sample_positions(
    panel: np.ndarray,
    lines: np.ndarray,
    limit: int,
    keep: np.ndarray | None = None,
    prefer: np.ndarray | None = None,
) -> np.ndarray:
    """Positions of at most `limit` rows to draw, in their original order.

    `keep` rows (booleans) always stay, then `prefer` rows, then a stable sample in which every
    panel gets its first ten figures before any panel gets more, so a small panel is never
    sampled away entirely.
    """
    count = len(lines)
    if count <= limit:
        return np.arange(count)
    order = _stable_order(lines)
    by_panel = np.lexsort((order, panel))
    sorted_panel = panel[by_panel]
    starts = np.searchsorted(sorted_panel, sorted_panel, side="left")
    rank = np.empty(count, dtype=np.float64)
    rank[by_panel] = np.arange(count) - starts + 1
    size = np.bincount(panel)[panel].astype(np.float64)
    share = rank / size
    priority = np.where(rank <= 10, 1.0, 2.0) + share
    if prefer is not None:
        priority = np.where(prefer, 0.5 + share, priority)
    if keep is not None:
        priority = np.where(keep, 0.0, priority)
    return np.sort(np.argsort(priority, kind="stable")[:limit])


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
) -> ChartData:
    """The figures as chart rows: positions, bounds, colour key and tooltip texts.

    `index` is `ConflictIndex.of(conflicts)` made once for many calls (the dashboard keeps
    one per file version): without it, each call walks every line of every conflict.
    """
    if color_by not in COLOR_BY:
        raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)}, not {color_by!r}")
    tolerance = ConflictSettings().tolerance if tolerance is None else tolerance
    highlighted = {int(line) for line in highlight}
    total = len(rows)
    # Work on positions and take the rows once at the end: copying 100,000 rows of text
    # for every step cost more than all the rest.
    positions = np.flatnonzero(rows["metric"].isin(list(vocabulary.metrics)).to_numpy())
    if not len(positions):
        empty = rows.iloc[positions]
        return ChartData(
            _mark_rows(empty, vocabulary, ConflictIndex.of(()), set(), color_by, tolerance),
            _NO_PAIRS.copy(),
            [],
        )
    lines = rows["line"].to_numpy(np.int64)[positions]
    panel, panel_names = _panel_codes(rows, positions)
    keep = np.isin(lines, list(highlighted)) if highlighted else None
    chosen = _choose_panels(panel, panel_names, vocabulary, keep, max_panels)
    notes: list[str] = []
    if len(chosen) < len(panel_names):
        notes.append(
            f"Showing {len(chosen)} of {len(panel_names)} metric panels; choose metrics or "
            "groups in the filters to see the others."
        )
        inside = np.isin(panel, chosen)
        positions, panel, lines = positions[inside], panel[inside], lines[inside]
        keep = keep[inside] if keep is not None else None
    index = index or ConflictIndex.of(conflicts)
    if len(positions) > max_rows:
        prefer = isin(lines, index.lines) if len(index.lines) else None
        picked = sample_positions(panel, lines, max_rows, keep, prefer)
        notes.append(
            f"Showing a sample of {len(picked):,} of the {len(positions):,} figures in view "
            "(highlighted and conflicting figures first); narrow the filters to see every one."
        )
        positions = positions[picked]
    known = rows.iloc[positions]
    touching = index.touching(known["line"].to_numpy(np.int64))
    marks = _mark_rows(known, vocabulary, index, highlighted, color_by, tolerance)
    pairs, complete = _pair_rows(marks, touching, MAX_PAIRS)
    if not complete:
        notes.append(
            f"Lines join the {MAX_PAIRS:,} disagreeing pairs of the most severe conflicts; "
            "the other conflicting figures keep their red rings."
        )
    panels = []
    for code in sorted(chosen, key=_vocabulary_rank(panel_names, vocabulary)):
        metric, group = panel_names[code]
        unit = vocabulary.metrics[metric].unit
        panels.append((f"{metric}|{group}", _panel_title(vocabulary, metric, group), unit))
    return ChartData(marks=marks, pairs=pairs, panels=panels, notes=notes, total=total)


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


def _vocabulary_rank(
    panel_names: list[tuple[str, str]], vocabulary: Vocabulary
) -> Any:  # a sort key function
    metric_order = {name: index for index, name in enumerate(vocabulary.metrics)}
    group_order = {name: index for index, name in enumerate(vocabulary.groups)}

    def rank(code: int) -> tuple[int, int, str, str]:
        metric, group = panel_names[code]
        return (
            metric_order.get(metric, len(metric_order)),
            group_order.get(group, len(group_order)),
            metric,
            group,
        )

    return rank


def _choose_panels(
    panel: np.ndarray,
    panel_names: list[tuple[str, str]],
    vocabulary: Vocabulary,
    keep: np.ndarray | None,
    limit: int,
) -> list[int]:
    """Panel numbers to draw: all if few; else those with highlighted figures, then whole
    counts (group "all"), then the fullest."""
    count = len(panel_names)
    if count <= limit:
        return list(range(count))
    sizes = np.bincount(panel, minlength=count)
    wanted = set(np.unique(panel[keep]).tolist()) if keep is not None and keep.any() else set()
    ranked = sorted(
        range(count),
        key=lambda code: (
            code not in wanted,
            panel_names[code][1] != WHOLE_GROUP,
            -int(sizes[code]),
            _vocabulary_rank(panel_names, vocabulary)(code),
        ),
    )
    return ranked[:limit]


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


def _mark_rows(
    rows: pd.DataFrame,
    vocabulary: Vocabulary,
    index: ConflictIndex,
    highlighted: set[int],
    color_by: str,
    tolerance: float,
) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame(columns=_MARK_COLUMNS)
    line = rows["line"].to_numpy(np.int64)
    flagged = isin(line, index.lines)  # every flagged line: many thousands on a big file
    # Text columns as numpy object arrays: iterating pyarrow-backed columns item by item in
    # Python is several times slower.
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
    as_of = pd.to_datetime(rows["as_of"])
    has_time = rows["as_of_has_time"].to_numpy(bool)
    # Milliseconds since the epoch, read on a UTC scale: the chart shows the wall-clock date
    # the source gave, whatever the viewer's time zone, and the same in server-side exports.
    epoch_ms = (as_of - pd.Timestamp("1970-01-01")) // pd.Timedelta(milliseconds=1)
    published = pd.to_datetime(rows["published"])
    metric = _texts(rows["metric"])
    group = _texts(rows["group"])
    reporter = _texts(rows["reported_by"])
    affiliation = _texts(rows["affiliation"])
    place = _texts(rows["place"])
    kinds = {name: metric_def.kind for name, metric_def in vocabulary.metrics.items()}
    side = np.array([AFFILIATION_LABELS.get(a, a) for a in affiliation], dtype=object)
    integer_high = [None if np.isnan(h) else int(h) for h in high]
    cumulative = np.array([kinds.get(m) == "cumulative" for m in metric], dtype=bool)
    # A running total's line joins one source's figures for one place in one panel; a line
    # through a single drawn figure shows nothing, so only figures with a partner are joined
    # (in a sample most have none, and each such line still cost the browser a mark).
    keys = zip(metric, group, reporter, place, strict=True)
    series, _ = pd.factorize(np.array([f"{m}\x1f{g}\x1f{r}\x1f{p}" for m, g, r, p in keys]))
    partners = np.bincount(series[cumulative], minlength=int(series.max(initial=-1)) + 1)
    joined = cumulative & (partners[series] >= 2)
    titles: dict[tuple[str, str], str] = {}
    for pair in zip(metric, group, strict=True):
        if pair not in titles:
            titles[pair] = _panel_title(vocabulary, *pair)
    frame = pd.DataFrame(
        {
            "line": line,
            "panel": [f"{m}|{g}" for m, g in zip(metric, group, strict=True)],
            "t": epoch_ms.to_numpy(np.int64),
            "y": anchor,
            "lo": low_end.astype(np.float64),
            "hi": high_end.astype(np.float64),
            "form": form,
            "colour": reporter if color_by == "reported_by" else side,
            "reporter": reporter,
            "side": side,
            "series": [f"{r} · {p}" for r, p in zip(reporter, place, strict=True)],
            "cumulative": cumulative,
            "joined": joined,
            "value_text": [
                value_as_written(q, int(v), h)
                for q, v, h in zip(qualifier, value, integer_high, strict=True)
            ],
            "outlet": _texts(rows["outlet"]),
            "as_of_text": date_texts(as_of, has_time),
            "published_text": date_texts(published),
            "metric_text": [titles[pair] for pair in zip(metric, group, strict=True)],
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
    return frame


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
            if a not in where or b not in where or where[a][0] != where[b][0]:
                continue
            first, second = where[a], where[b]
            out.append(
                (
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
            )
    return pd.DataFrame(out[:limit], columns=_PAIR_COLUMNS), complete and len(out) <= limit


# ---------------------------------------------------------------------------------------------
# Pieces of the spec.


def _tooltip() -> list[Spec]:
    fields = [
        ("value_text", "Figure"),
        ("reporter", "Reported by"),
        ("side", "Side"),
        ("outlet", "Outlet"),
        ("as_of_text", "As of"),
        ("published_text", "Published"),
        ("panel_title", "Metric"),
        ("place_text", "Place"),
        ("quote_short", "Quote"),
        ("conflict_text", "Conflicts"),
    ]
    tips: list[Spec] = [
        {"field": name, "type": "nominal", "title": title} for name, title in fields
    ]
    tips.append({"field": "line", "type": "quantitative", "title": "CSV line"})
    return tips


def _colour_encoding(
    marks: pd.DataFrame, color_by: str, reporters: Sequence[str] | None, legend: bool
) -> Spec:
    """The colour channel: the domain holds only what is shown, so the legend stays short,
    while the colours come from the palette of every reporter given."""
    # The column coloured by: the reporter, or the side's label (the same values as `colour`,
    # which the browser is not sent twice).
    field = "side" if color_by == "affiliation" else "reporter"
    if color_by == "affiliation":
        palette = {AFFILIATION_LABELS[k]: c for k, c in AFFILIATION_COLOURS.items()}
        shown = set(marks[field].unique())
        domain = [label for label in palette if label in shown]
        title = "Reporter's side"
    else:
        everyone = list(reporters) if reporters is not None else []
        palette = reporter_palette([*everyone, *marks["reporter"].unique()])
        domain = _unique_sorted(marks[field].unique())
        title = "Reported by"
    encoding: Spec = {
        "field": field,
        "type": "nominal",
        "scale": {"domain": domain, "range": [palette[name] for name in domain]},
        "title": title,
    }
    # Above the panels, not beside them: beside, long reporter names would take a third of a
    # 1280-pixel screen from the panels themselves.
    encoding["legend"] = (
        {
            "orient": "top",
            "direction": "horizontal",
            "columns": 2,
            "columnPadding": 18,
            "rowPadding": 4,
            "labelFontSize": LABEL_SIZE,
            "titleFontSize": AXIS_TITLE_SIZE,
            "labelFont": FONT,
            "titleFont": FONT,
            "labelLimit": 300,
            "symbolType": "circle",
            "symbolSize": 110,
            "symbolOpacity": 1,
            "symbolStrokeWidth": 0,
        }
        if legend
        else None
    )
    return encoding


def _dash_encoding(marks: pd.DataFrame, reporters: Sequence[str] | None) -> Spec | None:
    everyone = list(reporters) if reporters is not None else []
    shown = marks["reporter"].unique()
    dashes = reporter_dashes([*everyone, *shown])
    domain = _unique_sorted(shown)
    patterns = [dashes[name] for name in domain]
    if all(pattern == list(DASHES[0]) for pattern in patterns):
        return None
    return {
        "field": "reporter",
        "type": "nominal",
        "scale": {"domain": domain, "range": patterns},
        "legend": None,
    }


def _axis(title: str | None = None, **extra: Any) -> Spec:
    return {
        "title": title,
        "labelFontSize": LABEL_SIZE,
        "titleFontSize": AXIS_TITLE_SIZE,
        "labelFont": FONT,
        "titleFont": FONT,
        "titleFontWeight": "normal",
        "labelColor": TEXT_COLOUR,
        **extra,
    }


def _value_axis(log_scale: bool, **extra: Any) -> Spec:
    if log_scale:
        extra["values"] = LOG_TICKS
        extra["labelOverlap"] = "greedy"
    return _axis(None, format=",~f", **extra)


def _value_scale(log_scale: bool) -> Spec:
    # symlog, not log: "none deployed" is a real figure of 0, which a log scale cannot show.
    return {"type": "symlog", "constant": 1} if log_scale else {"zero": True, "nice": True}


def _title(text: str, lines: list[str]) -> Spec:
    return {
        "text": text,
        "subtitle": lines,
        "anchor": "start",
        "fontSize": TITLE_SIZE,
        "subtitleFontSize": SUBTITLE_SIZE,
        "subtitleColor": "#333333",
        "subtitlePadding": 6,
        "font": FONT,
        "subtitleFont": FONT,
        "color": TEXT_COLOUR,
        "offset": 12,
    }


def _header() -> Spec:
    return {
        "title": None,
        "labelFontSize": PANEL_TITLE_SIZE,
        "labelFont": FONT,
        "labelFontWeight": "bold",
        "labelColor": TEXT_COLOUR,
        "labelAngle": 0,
        "labelAlign": "left",
        "labelAnchor": "start",
        "labelOrient": "top",
        "labelPadding": 6,
        "labelLimit": 900,
    }


def _key(
    tolerance: float, horizontal: bool, with_conflicts: bool, width: int, margin: int = 0
) -> tuple[Spec, pd.DataFrame]:
    """A strip drawing each kind of mark with its meaning: the chart's own legend, drawn
    with the same marks as the panels so it stays true in every export.

    `margin` is how far the panels' axis labels reach left of their plots: the key starts
    there too (at negative x), so it uses the chart's whole width, not only the plots'.
    """
    items = [
        ("exact", "exact"),
        ("about", f"about (±{_percent(tolerance)} band)"),
        ("range", "range"),
        ("lower", "more than / at least"),
        ("upper", "up to / less than"),
    ]
    if with_conflicts:
        items.append(("conflict", "in a conflict"))
    # Each item takes its symbol plus its label (about 6.5 px a character at 12 px); items
    # wrap onto a second row rather than run past the panels.
    xs: list[float] = []
    rows: list[int] = []
    start = 8.0 - margin
    position, row = start, 0
    for _, label in items:
        extent = 22 + 6.5 * len(label) + 20
        if position + extent > width and position > start:
            position, row = start, row + 1
        xs.append(position)
        rows.append(row)
        position += extent
    across = 9 if horizontal else 0
    along = 0.0 if horizontal else 0.32
    frame = pd.DataFrame(
        {
            "form": [form for form, _ in items],
            "label": [label for _, label in items],
            "x": xs,
            "x_lo": [x - across for x in xs],
            "x_hi": [x + across for x in xs],
            "row": rows,
            "row_lo": [r - along for r in rows],
            "row_hi": [r + along for r in rows],
        }
    )
    x_scale = {"domain": [0, width]}
    y_scale = {"domain": [-0.5, row + 0.5], "reverse": True}
    x = {"field": "x", "type": "quantitative", "scale": x_scale, "axis": None}
    y = {"field": "row", "type": "quantitative", "scale": y_scale, "axis": None}
    if horizontal:
        bar = {
            "x": {"field": "x_lo", "type": "quantitative", "scale": x_scale, "axis": None},
            "x2": {"field": "x_hi"},
            "y": y,
        }
    else:
        bar = {
            "x": x,
            "y": {"field": "row_lo", "type": "quantitative", "scale": y_scale, "axis": None},
            "y2": {"field": "row_hi"},
        }
    point = {"x": x, "y": y}
    # The same marks as the panels (see `_layers`): one layer of bars, one of points.
    layers: list[Spec] = [
        {
            "transform": [{"filter": BARS_FILTER}],
            "mark": {"type": "bar", "color": KEY_GREY},
            "encoding": {**bar, **_bar_looks(False)},
        },
        {
            "transform": [{"filter": " || ".join(f"datum.form === '{f}'" for f in POINT_FORMS)}],
            "mark": {"type": "point", "filled": True, "color": KEY_GREY, "stroke": KEY_GREY},
            "encoding": {
                **point,
                "shape": _point_shapes(horizontal),
                **_point_looks(False),
            },
        },
    ]
    if with_conflicts:
        conflict = "datum.form === 'conflict'"
        layers += [
            {
                "transform": [{"filter": conflict}],
                "mark": {
                    "type": "point",
                    "shape": "circle",
                    "filled": True,
                    "size": 60,
                    "color": KEY_GREY,
                },
                "encoding": point,
            },
            {
                "transform": [{"filter": conflict}],
                "mark": {
                    "type": "point",
                    "shape": "circle",
                    "filled": False,
                    "size": 330,
                    "strokeWidth": 2.2,
                    "color": CONFLICT_RED,
                },
                "encoding": point,
            },
        ]
    layers.append(
        {
            "mark": {
                "type": "text",
                "align": "left",
                "dx": 20,
                "fontSize": LABEL_SIZE,
                "font": FONT,
                "color": TEXT_COLOUR,
            },
            "encoding": {**point, "text": {"field": "label", "type": "nominal"}},
        }
    )
    spec = {
        "width": width,
        "height": 30 * (row + 1),
        "view": {"stroke": None},
        "layer": layers,
        "resolve": SIZES_APART,
    }
    return spec, frame


# How each form of figure is drawn: point size (normal, highlighted), outline width, and
# whether the dot is filled; and the thickness of the two forms drawn with a bar. One layer
# draws every point and one every bar, their looks looked up by form in scales of the spec: a
# layer per form cost the browser a filter and a set of operators per form in every panel,
# the largest part of the time to draw a big view, and columns of sizes would cost it a
# decoded cell per figure each.
POINT_STYLE: dict[str, tuple[float, float, float, float]] = {
    "exact": (80, 220, 0.0, 1.0),
    "about": (80, 220, 2.0, 0.0),
    "lower": (110, 240, 2.2, 0.0),
    "upper": (110, 240, 2.2, 0.0),
}
BAR_THICKNESS = {"about": 14, "range": 6}
# The about band is faint; a range's bar is its figure, so it shows (and fades) like a point.
BAR_OPACITY = {"about": 0.22, "range": 0.9}
BAR_OPACITY_EMPHASISED = {
    "about": 0.15,
    "range": 0.25,
    "highlighted about": 0.15,
    "highlighted range": 1.0,
}
POINT_FORMS = tuple(POINT_STYLE)
POINTS_FILTER = "datum.kind === 'mark' && datum.form !== 'range'"
BARS_FILTER = "datum.form === 'about' || datum.form === 'range'"
# A bar's size is its thickness, a point's its area: each layer keeps its own scales of size
# and opacity, never merged with another layer's (or the key's) by Vega-Lite.
SIZES_APART = {"scale": {"size": "independent", "opacity": "independent"}}
# With a figure highlighted, the looks depend on the form and on whether it is highlighted.
LOOK = {"calculate": "datum.highlighted ? 'highlighted ' + datum.form : datum.form", "as": "look"}


def _by_form(values: Mapping[str, Any], field: str = "form") -> Spec:
    """A channel that looks its value up by the figure's form (or look), without a legend."""
    return {
        "field": field,
        "type": "nominal",
        "scale": {"type": "ordinal", "domain": list(values), "range": list(values.values())},
        "legend": None,
    }


def _point_shapes(horizontal: bool) -> Spec:
    up, down = (ARROW_RIGHT, ARROW_LEFT) if horizontal else (ARROW_UP, ARROW_DOWN)
    shapes = {"exact": "circle", "about": "diamond", "lower": up, "upper": down}
    return _by_form({form: shapes[form] for form in POINT_FORMS})


def _point_looks(emphasise: bool) -> Spec:
    """Size, outline width and fill of the points, by form (and highlight)."""
    sizes = {form: style[0] for form, style in POINT_STYLE.items()}
    if emphasise:
        sizes.update({f"highlighted {form}": style[1] for form, style in POINT_STYLE.items()})
    return {
        "size": _by_form(sizes, "look" if emphasise else "form"),
        "strokeWidth": _by_form({form: style[2] for form, style in POINT_STYLE.items()}),
        "fillOpacity": _by_form({form: style[3] for form, style in POINT_STYLE.items()}),
    }


def _bar_looks(emphasise: bool) -> Spec:
    """Thickness and opacity of the bars, by form (and highlight)."""
    if emphasise:
        return {
            "size": _by_form(BAR_THICKNESS),
            "opacity": _by_form(BAR_OPACITY_EMPHASISED, "look"),
        }
    return {"size": _by_form(BAR_THICKNESS), "opacity": _by_form(BAR_OPACITY)}


def _layers(
    horizontal: bool,
    category: Spec,
    value: Spec,
    colour: Spec,
    dash: Spec | None,
    emphasise: bool,
    present: Mapping[str, bool] | None = None,
) -> list[Spec]:
    """The layers of every panel, bottom to top: bars, lines, conflict lines, points, rings.

    Marks and conflict pairs share one table (a facet needs one); `kind` splits them. Points
    take their shape, size, outline and fill from their `form`, bars (the "about" band and
    the range) their thickness and opacity (see POINT_STYLE). `present` says which
    kinds of rows the table holds ("bars", "joined", "pairs", "conflicts"): a layer with
    nothing to draw is left out, since each still costs the browser work in every panel.
    """
    present = present or {}
    tooltip = _tooltip()
    value_channel, category_channel = ("x", "y") if horizontal else ("y", "x")
    at_value = {value_channel: value}
    opacity: Spec = (
        {"condition": {"test": "datum.highlighted", "value": 1.0}, "value": 0.25}
        if emphasise
        else {"value": 0.9}
    )

    def sized(normal: float, big: float) -> Spec:
        if emphasise:
            return {"condition": {"test": "datum.highlighted", "value": big}, "value": normal}
        return {"value": normal}

    common = {category_channel: category, "color": colour, "tooltip": tooltip}
    layers: list[Spec] = []
    if present.get("bars", True):
        layers.append(
            {
                "transform": [{"filter": BARS_FILTER}, *([LOOK] if emphasise else [])],
                "mark": {"type": "bar"},
                "encoding": {
                    **common,
                    value_channel: {**value, "field": "lo"},
                    f"{value_channel}2": {"field": "hi"},
                    **_bar_looks(emphasise),
                },
            }
        )
    if not horizontal and present.get("joined", True):
        line: Spec = {
            category_channel: category,
            **at_value,
            "color": colour,
            # One line per reporter and place.
            "detail": [
                {"field": "reporter", "type": "nominal"},
                {"field": "place_text", "type": "nominal"},
            ],
            "order": {"field": "t", "type": "quantitative"},
            # What is true of the whole line; each figure's own details are on its mark.
            "tooltip": [
                {"field": "reporter", "type": "nominal", "title": "Updates reported by"},
                {"field": "panel_title", "type": "nominal", "title": "Metric"},
                {"field": "place_text", "type": "nominal", "title": "Place"},
            ],
        }
        if dash is not None:
            line["strokeDash"] = dash
        layers.append(
            {
                "transform": [{"filter": "datum.kind === 'mark' && datum.joined"}],
                "mark": {"type": "line", "strokeWidth": 1.6, "opacity": 0.5},
                "encoding": line,
            }
        )
    if present.get("pairs", True):
        pair_tooltip = [{"field": "pair_text", "type": "nominal", "title": "Cannot both be true"}]
        pair_look = {"color": CONFLICT_RED, "strokeWidth": 1.8, "strokeDash": [5, 3]}
        if horizontal:
            # Each pair as a two-point line in the `reporter` field itself: a rule's y2 is a
            # second field with no sort, and Vega-Lite then dropped the rows' order by side.
            ends = [
                {"filter": "datum.kind === 'pair'"},
                {"calculate": "datum.line + '-' + datum.line2", "as": "pair_id"},
                {"calculate": "[datum.reporter, datum.reporter2]", "as": "end_reporter"},
                {"calculate": "[datum.y, datum.y2]", "as": "end_value"},
                {"flatten": ["end_reporter", "end_value"]},
                {"calculate": "datum.end_reporter", "as": "reporter"},
                {"calculate": "datum.end_value", "as": "y"},
            ]
            layers.append(
                {
                    "transform": ends,
                    "mark": {"type": "line", **pair_look},
                    "encoding": {
                        "x": {**value, "field": "y"},
                        "y": category,
                        "detail": {"field": "pair_id", "type": "nominal"},
                        "tooltip": pair_tooltip,
                    },
                }
            )
        else:
            rule = {"x": category, "x2": {"field": "t2"}, "y": value, "y2": {"field": "y2"}}
            layers.append(
                {
                    "transform": [{"filter": "datum.kind === 'pair'"}],
                    "mark": {"type": "rule", **pair_look},
                    "encoding": {**rule, "tooltip": pair_tooltip},
                }
            )
    # Filled: the colour fills an exact figure's dot; every other form is an outline in the
    # same colour (`stroke`, on a scale of its own without a legend) over no fill.
    layers.append(
        {
            "transform": [{"filter": POINTS_FILTER}, *([LOOK] if emphasise else [])],
            "mark": {"type": "point", "filled": True},
            "encoding": {
                **common,
                **at_value,
                "stroke": {**colour, "legend": None},
                "shape": _point_shapes(horizontal),
                **_point_looks(emphasise),
                "opacity": opacity,
            },
        }
    )
    if present.get("conflicts", True):
        layers.append(
            {
                "transform": [{"filter": "datum.kind === 'mark' && datum.in_conflict"}],
                "mark": {
                    "type": "point",
                    "shape": "circle",
                    "filled": False,
                    "color": CONFLICT_RED,
                },
                "encoding": {
                    category_channel: category,
                    **at_value,
                    "tooltip": tooltip,
                    "size": sized(330, 640),
                    "strokeWidth": sized(2.2, 3.4),
                },
            }
        )
    return layers


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
    unused = ["panel", "metric_text", "series", "colour", "severity", "cumulative"]
    unused += [name for name in ("in_conflict", "highlighted") if not table[name].any()]
    return table.drop(columns=[name for name in unused if name in table])


def _present(data: ChartData) -> dict[str, bool]:
    """Which kinds of rows the chart's table holds, so layers with nothing to draw are left
    out (see `_layers`)."""
    forms = set(data.marks["form"].unique())
    return {
        "bars": bool(forms & set(BAR_THICKNESS)),
        "joined": bool(data.marks["joined"].any()),
        "pairs": len(data.pairs) > 0,
        "conflicts": bool(data.marks["in_conflict"].any()),
    }


def _subtitle(data: ChartData, lead: str, highlight: set[int], log_scale: bool) -> list[str]:
    lines = [lead]
    if data.marks["in_conflict"].any():
        lines.append(
            "Red ring: a figure in a conflict; red dashed line: two figures that cannot both "
            "be true."
        )
    else:
        lines.append("No figure in this chart is in a conflict.")
    if log_scale:
        lines.append("Values on a log scale (symlog, so that zero can be shown).")
    shown = sorted(highlight.intersection(data.marks["line"].astype(int)))
    if shown:
        listed = ", ".join(str(line) for line in shown[:12])
        plural = "s" if len(shown) > 1 else ""
        lines.append(f"Highlighted, others faded: CSV line{plural} {listed}.")
    lines.extend(data.notes)
    return lines


def _dataset_name(prefix: str, frame: pd.DataFrame) -> str:
    # Named by content, as Altair names its datasets: two charts combined into one image
    # (the briefing) never overwrite each other's data, and the same data gives the same spec.
    digest = int(pd.util.hash_pandas_object(frame, index=False).sum()) & 0xFFFFFFFFFFFF
    return f"{prefix}-{digest:012x}"


def _empty_spec(title: str, message: str) -> Spec:
    frame = pd.DataFrame({"message": [message]})
    name = _dataset_name("empty", frame)
    return {
        "$schema": SCHEMA,
        "title": _title(title, []),
        "datasets": {name: frame},
        "data": {"name": name},
        "mark": {"type": "text", "fontSize": 16, "font": FONT, "color": KEY_GREY},
        "encoding": {"text": {"field": "message", "type": "nominal"}},
        "width": 400,
        "height": 60,
        "view": {"stroke": None},
    }


def _utc_text(epoch_ms: int) -> str:
    """A time-scale bound as ISO text: Streamlit's browser side misplaced every mark of a
    one-day view when the bounds were numbers (vl-convert drew them right)."""
    return pd.Timestamp(epoch_ms, unit="ms", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _day_step(first_ms: int, last_ms: int, ticks: int = 8) -> int:
    """Days between ticks so that a span shows about `ticks` of them."""
    days = (last_ms - first_ms) / 86_400_000
    return max(1, int(np.ceil(days / ticks)))


def _wrapped(lines: Sequence[str], width_px: int) -> list[str]:
    """Subtitle lines wrapped at words to about `width_px` (an average glyph of the subtitle
    font is about half its size wide)."""
    chars = max(40, int(width_px / (SUBTITLE_SIZE * 0.52)))
    return [piece for line in lines for piece in (textwrap.wrap(line, chars) or [line])]


def _browser_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with 64-bit integer columns as floats. Streamlit hands a chart's data to the
    browser as Arrow, where a 64-bit integer arrives as a JavaScript BigInt that Vega cannot
    place on a scale: a view whose times were all integers drew no time axis at all."""
    wide = [name for name, dtype in frame.dtypes.items() if str(dtype) in ("int64", "Int64")]
    if not wide:
        return frame
    return frame.astype({name: "float64" for name in wide})


def _assemble(
    title: str,
    subtitle: list[str],
    key: tuple[Spec, pd.DataFrame],
    data: ChartData,
    panel: Spec,
    resolve: Spec,
) -> Spec:
    figures_name, table = data.table
    key_spec, key_frame = key
    # Vega cuts a title line wider than the chart with an ellipsis; wrap at words instead.
    subtitle = _wrapped(subtitle, int(panel.get("width", 400)) + 50)
    key_name = _dataset_name("key", key_frame)
    facet = {
        "data": {"name": figures_name},
        "facet": {
            "row": {
                "field": "panel_title",
                "type": "nominal",
                "sort": [title for _, title, _ in data.panels],
                "header": _header(),
            }
        },
        "spacing": 22,
        "spec": panel,
        "resolve": resolve,
    }
    return {
        "$schema": SCHEMA,
        "title": _title(title, subtitle),
        "datasets": {key_name: _browser_numbers(key_frame), figures_name: _browser_numbers(table)},
        "vconcat": [{"name": "key", "data": {"name": key_name}, **key_spec}, facet],
        "spacing": 14,
    }


# ---------------------------------------------------------------------------------------------
# The charts.


class _ChartInput(NamedTuple):
    data: ChartData
    highlight: set[int]  # CSV lines to emphasise
    tolerance: float
    emphasise: bool  # a highlighted figure is among the drawn ones


def _chart_data(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    vocabulary: Vocabulary,
    color_by: str,
    highlight: Iterable[int],
    tolerance: float | None,
    max_rows: int,
    prepared: ChartData | None,
) -> _ChartInput:
    """What both charts start from: the drawn marks, prepared here unless the caller already
    did (the dashboard prepares once for both charts; `prepared` must match the arguments)."""
    highlight_set = {int(line) for line in highlight}
    tolerance = ConflictSettings().tolerance if tolerance is None else tolerance
    data = prepared or prepare(
        rows,
        conflicts,
        vocabulary,
        color_by=color_by,
        highlight=highlight_set,
        tolerance=tolerance,
        max_rows=max_rows,
    )
    emphasise = not data.marks.empty and bool(
        highlight_set.intersection(data.marks["line"].astype(int))
    )
    return _ChartInput(data, highlight_set, tolerance, emphasise)


def timeline_spec(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    vocabulary: Vocabulary,
    *,
    color_by: str = "reported_by",
    log_scale: bool = False,
    highlight: Iterable[int] = (),
    reporters: Sequence[str] | None = None,
    tolerance: float | None = None,
    width: int = 760,
    panel_height: int = 120,
    max_rows: int = MAX_ROWS,
    prepared: ChartData | None = None,
) -> Spec:
    """The timeline as a Vega-Lite spec whose datasets are DataFrames (see `timeline_chart`)."""
    title = "Reported figures over time"
    data, highlight_set, tolerance, emphasise = _chart_data(
        rows, conflicts, vocabulary, color_by, highlight, tolerance, max_rows, prepared
    )
    if data.marks.empty:
        return _empty_spec(title, "No figures in this view")
    colour = _colour_encoding(data.marks, color_by, reporters, legend=True)
    dash = _dash_encoding(data.marks, reporters)
    first, last = int(data.marks["t"].min()), int(data.marks["t"].max())
    pad = max((last - first) // 40, 12 * 3600 * 1000)
    time = {
        "field": "t",
        "type": "temporal",
        "scale": {"type": "utc", "domain": [_utc_text(first - pad), _utc_text(last + pad)]},
        # Ticks on whole days, about eight of them: a view of one or two days otherwise
        # gets several ticks a day, each labelled with the same date.
        "axis": _axis(
            None,
            format="%-d %b",
            labelAngle=0,
            tickCount={"interval": "day", "step": _day_step(first, last)},
        ),
    }
    value = {
        "field": "y",
        "type": "quantitative",
        "scale": _value_scale(log_scale),
        "axis": _value_axis(log_scale),
    }
    panel = {
        "width": width,
        "height": panel_height,
        "layer": _layers(False, time, value, colour, dash, emphasise, _present(data)),
        "resolve": SIZES_APART,
    }
    lead = (
        f"{len(data.marks):,} figures as reported, placed on the date each describes; colour: "
        f"{colour['title'].lower()}. Lines join one source's updates of a running total."
    )
    key = _key(tolerance, False, bool(data.marks["in_conflict"].any()), width, margin=50)
    # Dates under every panel: in a long stack the bottom axis is a scroll away.
    resolve = {"scale": {"y": "independent"}, "axis": {"x": "independent"}}
    subtitle = _subtitle(data, lead, highlight_set, log_scale)
    return _assemble(title, subtitle, key, data, panel, resolve)


def by_source_spec(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    vocabulary: Vocabulary,
    *,
    color_by: str = "reported_by",
    log_scale: bool = False,
    highlight: Iterable[int] = (),
    reporters: Sequence[str] | None = None,
    tolerance: float | None = None,
    width: int = 460,
    row_height: int = 26,
    max_rows: int = MAX_ROWS,
    prepared: ChartData | None = None,
) -> Spec:
    """The by-source chart as a Vega-Lite spec whose datasets are DataFrames."""
    title = "Figures by source"
    data, highlight_set, tolerance, emphasise = _chart_data(
        rows, conflicts, vocabulary, color_by, highlight, tolerance, max_rows, prepared
    )
    if data.marks.empty:
        return _empty_spec(title, "No figures in this view")
    # Reporters are named on the axis already; a legend repeating them would waste space.
    colour = _colour_encoding(data.marks, color_by, reporters, legend=color_by == "affiliation")
    side_rank = {label: index for index, label in enumerate(AFFILIATION_LABELS.values())}
    order = sorted(
        data.marks[["side", "reporter"]].drop_duplicates().itertuples(index=False, name=None),
        key=lambda pair: (side_rank.get(pair[0], len(side_rank)), pair[1].casefold(), pair[1]),
    )
    reporter_axis = {
        "field": "reporter",
        "type": "nominal",
        "sort": [reporter for _, reporter in order],
        "axis": _axis(None, labelLimit=320, labelPadding=8),
    }
    value = {
        "field": "y",
        "type": "quantitative",
        "scale": _value_scale(log_scale),
        "axis": _value_axis(log_scale, tickCount=6),
    }
    panel = {
        "width": width,
        "height": {"step": row_height},
        "layer": _layers(True, reporter_axis, value, colour, None, emphasise, _present(data)),
        "resolve": SIZES_APART,
    }
    lead = (
        f"{len(data.marks):,} figures, one row per reporter (grouped by side); a row holds "
        "every figure that reporter gave in this view."
    )
    # The reporters' names sit left of the panels: about 6.5 px a character, up to the
    # axis's label limit.
    longest = max((len(name) for name in data.marks["reporter"].unique()), default=0)
    margin = min(320, int(6.5 * longest) + 12)
    key = _key(tolerance, True, bool(data.marks["in_conflict"].any()), width, margin)
    # Each panel lists only its own reporters and spans only its own values.
    resolve = {"scale": {"y": "independent", "x": "independent"}}
    subtitle = _subtitle(data, lead, highlight_set, log_scale)
    return _assemble(title, subtitle, key, data, panel, resolve)


def footnote_lines(sources: Sequence[str], width_px: int) -> list[str]:
    """'Sources: a; b; c' wrapped to about width_px, never breaking inside one source's label,
    so every name stays whole and searchable in the SVG."""
    if not sources:
        return ["Sources: none (no figures in this view)."]
    shown = list(sources[:MAX_SOURCES_IN_IMAGE])
    left_out = len(sources) - len(shown)
    entries = [f"{label};" for label in shown[:-1]] + [f"{shown[-1]}."]
    if left_out:
        entries.append(f"… and {left_out} more (the CSV export lists every figure's source).")
    limit = max(_MIN_FOOTNOTE_CHARS, int(width_px / _CHAR_WIDTH_PX))
    lines: list[str] = []
    current = "Sources:"
    for entry in entries:
        if len(current) + 1 + len(entry) <= limit:
            current = f"{current} {entry}"
            continue
        lines.append(current)
        if len(entry) <= limit * 1.3:
            # A label a little longer than the line overflows it rather than being split.
            current = entry
            continue
        pieces = textwrap.wrap(entry, limit) or [entry]
        lines.extend(pieces[:-1])
        current = pieces[-1]
    lines.append(current)
    return lines


def drawn_sources(data: ChartData) -> list[str]:
    """'Reporter (Outlet, 25 Sep 2023)' for each source of the figures a chart draws, the
    style of the conflict sentences and the exports' footnotes; dated by publication, else
    by the figure's own day. Read off the drawn marks (at most a few thousand), so it costs
    nothing on a big file."""
    marks = data.marks
    if marks.empty:
        return []
    days = marks["published_text"].where(marks["published_text"] != "", marks["as_of_text"])
    found = {
        source_label(str(reporter), str(outlet), str(day).split(",")[0])
        for reporter, outlet, day in zip(
            marks["reporter"].tolist(), marks["outlet"].tolist(), days.tolist(), strict=True
        )
    }
    return sorted(found, key=lambda label: (label.casefold(), label))


def source_label(reporter: str, outlet: str, day: str) -> str:
    """'Nikol Pashinyan (AFP, 30 Sep 2023)', the style of the conflict sentences: the outlet
    where it is not the reporter, and the day when there is one."""
    where = [outlet] if outlet and outlet != reporter else []
    if day:
        where.append(day)
    return f"{reporter} ({', '.join(where)})" if where else reporter


def for_the_page(spec: Spec, *, dated: str, sources: Sequence[str], width: int) -> Spec:
    """The chart as the dashboard draws it: the view's date line first under its title and
    its sources under its panels, so that a screenshot of the chart alone is titled, dated
    and sourced (the image exports frame theirs the same way)."""
    if "vconcat" not in spec:
        return spec  # the empty state: a message, nothing to date or source
    title = dict(spec["title"])
    title["subtitle"] = [*_wrapped([dated], width + 50), *title.get("subtitle", [])]
    footnote = {
        "text": footnote_lines(sources, width),
        "orient": "bottom",
        "anchor": "start",
        "fontSize": FOOTNOTE_FONT_SIZE,
        "fontWeight": "normal",
        "font": FONT,
        "color": "#3a3a3a",
        "lineHeight": 14,
        "offset": 14,
    }
    inner = {"vconcat": spec["vconcat"], "spacing": spec.get("spacing", 14), "title": footnote}
    rest = {k: v for k, v in spec.items() if k not in ("vconcat", "title", "spacing")}
    return {**rest, "title": title, "vconcat": [inner]}


def _layer_chart(spec: Spec) -> alt.LayerChart:
    import altair as alt

    layers = [
        alt.Chart(**{**layer, "encoding": alt.FacetedEncoding(**layer.get("encoding", {}))})
        for layer in spec["layer"]
    ]
    return alt.LayerChart(layer=layers, **{k: v for k, v in spec.items() if k != "layer"})


def to_altair(spec: Spec) -> alt.TopLevelMixin:
    """An Altair chart of a spec from this module.

    Each part carries its own DataFrame as data, as a chart built with Altair's API would, so
    the chart can be nested in another (a briefing frame): Vega-Lite allows named datasets
    only at the top level, and Altair gathers them there itself in `to_dict()`. Altair's own
    `from_dict` validates each nested piece as it goes (seconds for one chart), so the chart
    is assembled from its parts with validation off; `to_dict()` still validates it whole.
    """
    # Imported here: the dashboard draws specs and never needs Altair, whose import is a
    # noticeable part of the time to the first chart.
    import altair as alt
    from altair.utils.schemapi import debug_mode

    datasets: Mapping[str, pd.DataFrame] = spec["datasets"]

    def data_of(part: Spec) -> pd.DataFrame:
        return datasets[part["data"]["name"]]

    rest = {k: v for k, v in spec.items() if k not in ("datasets", "vconcat", "$schema", "data")}
    with debug_mode(False):
        if "vconcat" not in spec:
            rest["encoding"] = alt.FacetedEncoding(**rest.get("encoding", {}))
            return alt.Chart(data=data_of(spec), **rest)
        parts: list[alt.TopLevelMixin] = []
        for part in spec["vconcat"]:
            outer = {k: v for k, v in part.items() if k not in ("spec", "data", "layer")}
            if "facet" in part:
                inner = _layer_chart(part["spec"])
                parts.append(alt.FacetChart(data=data_of(part), spec=inner, **outer))
            else:
                layers = _layer_chart({"layer": part["layer"]}).layer
                parts.append(alt.LayerChart(data=data_of(part), layer=layers, **outer))
        return alt.VConcatChart(vconcat=parts, **rest)


def timeline_chart(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    vocabulary: Vocabulary,
    *,
    color_by: str = "reported_by",
    log_scale: bool = False,
    highlight: Iterable[int] = (),
    reporters: Sequence[str] | None = None,
    tolerance: float | None = None,
    width: int = 760,
    panel_height: int = 120,
    max_rows: int = MAX_ROWS,
) -> alt.TopLevelMixin:
    """Figures over their as-of dates, one panel per metric (and group), each on its own scale.

    `reporters` is the palette's domain: pass every reporter in the data so colours hold
    across views (default: the reporters in `rows`). `highlight` holds CSV line numbers to
    enlarge (the others fade). A cumulative metric's figures from one reporter and place are
    joined by a line. `color_by` is "reported_by" or "affiliation".
    """
    return to_altair(
        timeline_spec(
            rows,
            conflicts,
            vocabulary,
            color_by=color_by,
            log_scale=log_scale,
            highlight=highlight,
            reporters=reporters,
            tolerance=tolerance,
            width=width,
            panel_height=panel_height,
            max_rows=max_rows,
        )
    )


def by_source_chart(
    rows: pd.DataFrame,
    conflicts: Sequence[Conflict],
    vocabulary: Vocabulary,
    *,
    color_by: str = "reported_by",
    log_scale: bool = False,
    highlight: Iterable[int] = (),
    reporters: Sequence[str] | None = None,
    tolerance: float | None = None,
    width: int = 460,
    row_height: int = 26,
    max_rows: int = MAX_ROWS,
) -> alt.TopLevelMixin:
    """Each reporter's figures side by side, one panel per metric (and group).

    Reporters are rows (grouped by side) and values run along the x axis, so the spread
    between sides shows at a glance; the marks are the timeline's, turned on their side.
    """
    return to_altair(
        by_source_spec(
            rows,
            conflicts,
            vocabulary,
            color_by=color_by,
            log_scale=log_scale,
            highlight=highlight,
            reporters=reporters,
            tolerance=tolerance,
            width=width,
            row_height=row_height,
            max_rows=max_rows,
        )
    )


def embedded_rows(spec_or_chart: Spec | alt.TopLevelMixin) -> int:
    """Rows embedded in a chart's datasets: what a browser receives, for tests and benches."""
    spec = spec_or_chart if isinstance(spec_or_chart, dict) else spec_or_chart.to_dict()
    return sum(len(values) for values in spec.get("datasets", {}).values())
