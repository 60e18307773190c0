"""Who published a figure: its source (reporter and outlet), read only for the figures asked.

A source contradicts itself only in its own words: the same originator through the same
outlet. Two wires relaying one ministry differently is a relay error, not the ministry's.
Reporters and outlets are text; only figures that take part in a finding are ever asked
about, so this is never done for a whole column of a big file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from figures.arrays import distinct
from figures.conflicts.table import FigureTable


@dataclass(frozen=True)
class Sources:
    """Per figure of the table (-1 or False for a figure not read): an id of its source
    (reporter, outlet) and of its reporter, ignoring case, and whether it was published by its
    originator (reporter and outlet one). Ids are only ever compared with each other."""

    source_id: np.ndarray
    reporter_id: np.ndarray
    primary: np.ndarray


def read_sources(table: FigureTable, rows: np.ndarray) -> Sources:
    """The sources of the given figures, read in one take."""
    source_id = np.full(len(table), -1, dtype=np.int64)
    reporter_id = np.full(len(table), -1, dtype=np.int64)
    primary = np.zeros(len(table), dtype=bool)
    wanted = distinct(np.asarray(rows, dtype=np.int64))
    positions = table.position[wanted]
    reporters = table.rows["reported_by"].take(positions).astype(str).str.casefold().tolist()
    outlets = table.rows["outlet"].take(positions).astype(str).str.casefold().tolist()
    source_ids: dict[tuple[str, str], int] = {}
    reporter_ids: dict[str, int] = {}
    for row, reporter, outlet in zip(wanted.tolist(), reporters, outlets, strict=True):
        source_id[row] = source_ids.setdefault((reporter, outlet), len(source_ids))
        reporter_id[row] = reporter_ids.setdefault(reporter, len(reporter_ids))
        primary[row] = reporter == outlet
    for array in (source_id, reporter_id, primary):
        array.flags.writeable = False
    return Sources(source_id, reporter_id, primary)
