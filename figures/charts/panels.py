"""Which panels and which figures a size-limited chart draws.

A chart has one panel per quantity: (metric, group, place), places compared as the conflict
engine compares them, so a panel never mixes places or groups. Past a limit of panels the
same rule chooses them on the dashboard, in the exports and on the briefing page
(`choose_panels`): panels holding the figures that matter first (highlighted on the
dashboard, disputed in a briefing), then whole counts before subgroups, then the fullest,
then vocabulary order. Past a limit of figures, `sample_positions` keeps a stable sample.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from figures.conflicts import Conflict
from figures.vocabulary import WHOLE_GROUP, Vocabulary, compare_place

# A panel is one quantity: (metric, group, place key). The place key is the name places are
# compared under, as the conflict engine compares them (`compare_place`, then places.csv).
Panel = tuple[str, str, str]


class PanelCodes(NamedTuple):
    """A panel number for each row, the (metric, group, place key) of each number, and the
    spelling each place key is shown in (its most common spelling among the rows)."""

    codes: np.ndarray
    names: list[Panel]
    spellings: dict[str, str]

    def place(self, code: int) -> str:
        return self.spellings.get(self.names[code][2], self.names[code][2])


def panel_title(vocabulary: Vocabulary, metric: str, group: str, place: str = "") -> str:
    """A panel's title on a chart: 'People evacuated — Children · Valdoria',
    'Vehicles escorted — Buses · Valdoria (vehicles)'."""
    label = vocabulary.metric_label(metric)
    if group != WHOLE_GROUP:
        label += f" — {vocabulary.group_label(group)}"
    if place:
        label += f" · {place}"
    metric_def = vocabulary.metrics.get(metric)
    # One facet cannot give each panel its own axis title, so a unit other than people goes
    # into the panel's title.
    if metric_def is not None and metric_def.unit != "people":
        label += f" ({metric_def.unit})"
    return label


def panel_label(vocabulary: Vocabulary, metric: str, group: str, place: str = "") -> str:
    """A panel named in a sentence of the briefing page: 'People evacuated (Children) ·
    Valdoria'."""
    label = vocabulary.metric_label(metric)
    label = label if group == WHOLE_GROUP else f"{label} ({vocabulary.group_label(group)})"
    return f"{label} · {place}" if place else label


def place_keys(places: pd.Series, vocabulary: Vocabulary) -> tuple[np.ndarray, dict[str, str]]:
    """Each row's place key (the engine's comparison form, through places.csv), and the
    spelling each key is shown in: its most common spelling, alphabetically first on a tie."""
    codes, uniques = pd.factorize(places.astype(str), use_na_sentinel=False)
    keys = np.array(
        [vocabulary.same_place_key(compare_place(str(name))) for name in uniques], dtype=object
    )
    counts = np.bincount(codes, minlength=len(uniques))
    best: dict[str, tuple[int, str, str]] = {}
    for name, key_, count in zip(uniques.tolist(), keys.tolist(), counts.tolist(), strict=True):
        rank = (-count, str(name).casefold(), str(name))
        if key_ not in best or rank < best[key_]:
            best[key_] = rank
    return keys[codes], {key_: rank[2] for key_, rank in best.items()}


def panel_codes(rows: pd.DataFrame, positions: np.ndarray, vocabulary: Vocabulary) -> PanelCodes:
    """A panel number for each row at `positions`, and the (metric, group, place key) of each
    number."""
    chosen = rows.iloc[positions]
    keys, spellings = place_keys(chosen["place"], vocabulary)
    combined = pd.MultiIndex.from_arrays(
        [chosen["metric"].astype(str).to_numpy(), chosen["group"].astype(str).to_numpy(), keys]
    )
    codes, uniques = pd.factorize(combined)
    names = [(str(m), str(g), str(p)) for m, g, p in uniques]
    return PanelCodes(codes.astype(np.int64), names, spellings)


def vocabulary_rank(
    names: list[Panel], vocabulary: Vocabulary
) -> Callable[[int], tuple[int, int, str, str, str]]:
    """A sort key putting panel numbers in the vocabulary's order of metrics, then groups,
    then places alphabetically."""
    metric_order = {name: index for index, name in enumerate(vocabulary.metrics)}
    group_order = {name: index for index, name in enumerate(vocabulary.groups)}

    def rank(code: int) -> tuple[int, int, str, str, str]:
        metric, group, place = names[code]
        return (
            metric_order.get(metric, len(metric_order)),
            group_order.get(group, len(group_order)),
            metric,
            group,
            place,
        )

    return rank


def choose_panels(
    panels: PanelCodes,
    vocabulary: Vocabulary,
    wanted: np.ndarray | None,
    limit: int,
) -> list[int]:
    """Panel numbers to draw, at most `limit`: all if few; else those holding a `wanted` row
    (booleans per row), then whole counts (group "all"), then the fullest, then vocabulary
    order, so the choice is deterministic."""
    count = len(panels.names)
    if count <= limit:
        return list(range(count))
    sizes = np.bincount(panels.codes, minlength=count)
    chosen_by = (
        set(np.unique(panels.codes[wanted]).tolist())
        if wanted is not None and wanted.any()
        else set()
    )
    rank = vocabulary_rank(panels.names, vocabulary)
    ranked = sorted(
        range(count),
        key=lambda code: (
            code not in chosen_by,
            panels.names[code][1] != WHOLE_GROUP,
            -int(sizes[code]),
            rank(code),
        ),
    )
    return ranked[: max(limit, 0)]


@dataclass(frozen=True)
class ChartPanels:
    """Which (metric, group, place) panels a size-limited chart shows, and which it leaves out."""

    rows: pd.DataFrame  # the rows of the panels shown
    shown: tuple[str, ...]  # panel labels, vocabulary order
    left_out: tuple[str, ...]


def panels_to_chart(
    rows: pd.DataFrame, conflicts: Sequence[Conflict], vocabulary: Vocabulary, limit: int
) -> ChartPanels:
    """At most `limit` of the view's (metric, group, place) panels, for a chart that must fit
    a screen.

    Panels with a figure in one of `conflicts` come first: a briefing is about where reports
    disagree, so the figures in dispute are always charted.
    """
    panels = panel_codes(rows, np.arange(len(rows)), vocabulary)
    disputed_lines = sorted({line for conflict in conflicts for line in conflict.lines})
    disputed = np.isin(rows["line"].to_numpy(np.int64), np.array(disputed_lines, np.int64))
    chosen = choose_panels(panels, vocabulary, disputed, limit)
    rank = vocabulary_rank(panels.names, vocabulary)
    left_out = set(range(len(panels.names))) - set(chosen)
    return ChartPanels(
        rows=rows.iloc[np.flatnonzero(np.isin(panels.codes, chosen))],
        shown=tuple(_label(vocabulary, panels, c) for c in sorted(chosen, key=rank)),
        left_out=tuple(_label(vocabulary, panels, c) for c in sorted(left_out, key=rank)),
    )


def _label(vocabulary: Vocabulary, panels: PanelCodes, code: int) -> str:
    metric, group, _ = panels.names[code]
    return panel_label(vocabulary, metric, group, panels.place(code))


def _stable_order(lines: np.ndarray) -> np.ndarray:
    # A fixed pseudo-random number per CSV line (Knuth's multiplicative hash): the sample keeps
    # the same figures across reruns and views, so narrowing a filter never reshuffles it.
    return (lines.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)


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
