"""The dashboard's view: what the filters and chart settings select, as the sections draw it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from figures.conflicts import Conflict
from figures.filters import ViewFilters
from figures.vocabulary import Vocabulary


@dataclass(frozen=True)
class View:
    """The figures and conflicts in view, the filters that chose them, and the chart settings
    chosen above the charts."""

    rows: pd.DataFrame  # the figures in view
    conflicts: Sequence[Conflict]  # the conflicts touching them (empty while being checked)
    filters: ViewFilters
    vocabulary: Vocabulary
    reporters: tuple[str, ...]  # every reporter in the file: each keeps its colour
    chart: str = "timeline"  # the chart shown: "timeline" or "by-source"
    color_by: str = "reported_by"
    log_scale: bool = False
    highlight: tuple[int, ...] = ()  # lines of the conflict chosen for highlighting

    def settings(self) -> dict[str, Any]:
        """The chart options besides the data and the sizes, as the charts and exports take
        them."""
        return {"color_by": self.color_by, "log_scale": self.log_scale, "highlight": self.highlight}
