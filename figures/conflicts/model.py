"""What the engine answers: a flag (`Conflict`), the figures it shows, its kinds and settings."""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

CONTRADICTION = "contradiction"
DECREASE = "decrease"
PART_EXCEEDS_WHOLE = "part-exceeds-whole"
LIKELY_TYPO = "likely-typo"
# The order flags of equal severity are listed in.
CODES = (CONTRADICTION, DECREASE, PART_EXCEEDS_WHOLE, LIKELY_TYPO)

CODE_TITLES = {
    CONTRADICTION: "Figures that cannot both be true",
    DECREASE: "A running total that falls",
    PART_EXCEEDS_WHOLE: "A part larger than its whole",
    LIKELY_TYPO: "Digits that look miscopied",
}


@dataclass(frozen=True)
class ConflictSettings:
    # `about` v means v·(1−t) to v·(1+t).
    tolerance: float = 0.10
    # Two figures of a stock within this many days describe the same time (a metric's own
    # window_days in metrics.csv takes precedence).
    window_days: int = 3

    def __post_init__(self) -> None:
        if not 0 <= self.tolerance < 1:
            raise ValueError("tolerance must be at least 0 and below 1")
        if self.window_days < 0:
            raise ValueError("window_days cannot be negative")


class FigureRef(NamedTuple):
    """What a flag shows of one of its figures. A named tuple: a big table's flags carry
    thousands of these, and a tuple is several times cheaper to build than a frozen dataclass."""

    line: int
    reported_by: str
    outlet: str
    affiliation: str
    as_of: str
    published: str
    value: str  # as written: "more than 100,000"
    metric: str
    group: str
    place: str


@dataclass(frozen=True)
class Conflict:
    code: str
    lines: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]
    explanation: str
    severity: float  # 0..1: the relative gap of the worst pair (0.002 ranks below 0.5)
    gap_absolute: float
    gap_relative: float
    figures: tuple[FigureRef, ...]
    self_contradiction: bool = False
    probable_value: str | None = None  # likely-typo: the reading other figures support
    # likely-typo: pairs of lines the miscopy also sets against each other (a total that seems
    # to fall, figures that cannot both be true), told here rather than as flags of their own
    explained_pairs: tuple[tuple[int, int], ...] = ()

    @property
    def severity_label(self) -> str:
        if self.severity >= 0.5:
            return "high"
        if self.severity >= 0.1:
            return "medium"
        return "low"

    @property
    def id(self) -> str:
        """How a flag is named in links, widget keys and the headline's JSON."""
        # Code, first line and a checksum of every line: short enough for a URL, stable while
        # rows are appended unless one joins this flag, and unique even where two flags of one
        # code start on the same line (a figure at odds with many is a flag of its own, and a
        # figure it clashes with may head another flag).
        lines = ",".join(map(str, self.lines)).encode()
        return f"{self.code}:{self.lines[0]}:{zlib.crc32(lines):08x}"

    @property
    def title(self) -> str:
        return CODE_TITLES[self.code]

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "title": self.title,
            "lines": list(self.lines),
            "pairs": [list(pair) for pair in self.pairs],
            "explanation": self.explanation,
            "severity": round(self.severity, 6),
            "severity_label": self.severity_label,
            "gap_absolute": None if math.isinf(self.gap_absolute) else self.gap_absolute,
            "gap_relative": round(self.gap_relative, 6),
            "self_contradiction": self.self_contradiction,
            "probable_value": self.probable_value,
            "explained_pairs": [list(pair) for pair in self.explained_pairs],
            "figures": [ref._asdict() for ref in self.figures],
        }


def conflicts_by_line(conflicts: Iterable[Conflict]) -> dict[int, list[Conflict]]:
    """Which flags each CSV line takes part in (the dashboard marks these rows)."""
    index: dict[int, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        for line in conflict.lines:
            index[line].append(conflict)
    return dict(index)
