"""The figures of a view as files for spreadsheets and HDX: the contract CSV and HXL.

Rows are written in as_of order, then file line, the way the contract writes them, so an
export loads back through the loader to the same rows and two runs give the same bytes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from figures.cells import encode_record, escape_formula, without_controls
from figures.contract import COLUMNS, format_as_of

# Files are written with LF line ends, like data/figures.csv, so an export can be diffed
# against the data file; every spreadsheet and the loader read LF.
NEWLINE = "\n"
# The plain CSV is for people who open it in a spreadsheet: Excel reads UTF-8 without a BOM as
# a legacy code page and garbles names in other scripts and curly quotes. The loader ignores a BOM.
UTF8_BOM = b"\xef\xbb\xbf"

# HXL: one hashtag per contract column (https://hxlstandard.org/standard/dictionary/).
#
# Core hashtags only, refined with attributes. The value column is the generic
# `#indicator+value+num` (the HDX convention for "the number of this indicator"), not
# `#affected`: the metrics include troops and vehicles, which are not people affected.
# Provenance columns are `#meta+source...` so HDX tools see who the figure comes from.
HXL_TAGS: dict[str, str] = {
    "as_of": "#date",
    "metric": "#indicator+code",
    "group": "#indicator+group+code",
    "qualifier": "#indicator+qualifier+code",
    "value": "#indicator+value+num",
    "value_high": "#indicator+value+high+num",
    "place": "#loc+name",
    "reported_by": "#meta+source",
    "affiliation": "#meta+source+affiliation+code",
    "outlet": "#meta+source+outlet",
    "published": "#date+reported",
    "url": "#meta+url",
    "quote": "#description+quote",
    "notes": "#description+notes",
    "as_of_margin_days": "#date+margin+num",
    "since": "#date+start",
}


# Cells the export writes itself, from typed values: dates and counts.
_WRITTEN_BY_US = ("as_of", "value", "value_high", "published")


def _ordered(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows by as_of, then by their line in the file: chronological and stable."""
    return rows.sort_values(["as_of", "line"], kind="stable")


def _cells(row: Any) -> list[str]:
    """One row's cells in contract order, as the contract writes them.

    Every cell the tool did not write itself (all but dates and counts, so the vocabulary
    words too) goes through `figures.cells`: text a spreadsheet would run as a formula
    (starting = + - @) is written behind an apostrophe (`escape_formula`), safe to open and
    read back unchanged by the loader; control characters are dropped (`without_controls`).
    Rows that never went through the checker (built in code) are as safe as checked ones.
    """
    high = row.value_high
    published = row.published
    cells = {
        "as_of": format_as_of(row.as_of, bool(row.as_of_has_time)),
        "metric": row.metric,
        "group": row.group,
        "qualifier": row.qualifier,
        "value": str(int(row.value)),
        "value_high": "" if pd.isna(high) else str(int(high)),
        "place": row.place,
        "reported_by": row.reported_by,
        "affiliation": row.affiliation,
        "outlet": row.outlet,
        "published": "" if pd.isna(published) else format_as_of(published, False),
        "url": row.url,
        "quote": row.quote,
        "notes": row.notes,
        "as_of_margin_days": str(int(row.as_of_margin_days)) if row.as_of_margin_days else "",
        "since": "" if pd.isna(row.since) else format_as_of(row.since, False),
    }
    for name in COLUMNS:
        if name not in _WRITTEN_BY_US:
            cells[name] = escape_formula(without_controls(str(cells[name])))
    return [str(cells[name]) for name in COLUMNS]


def _records(rows: pd.DataFrame) -> list[bytes]:
    return [encode_record(_cells(row), NEWLINE) for row in _ordered(rows).itertuples(index=False)]


def figures_csv(rows: pd.DataFrame) -> bytes:
    """The figures as a contract CSV: loads back through the loader to the same rows."""
    return UTF8_BOM + encode_record(list(COLUMNS), NEWLINE) + b"".join(_records(rows))


def figures_hxl(rows: pd.DataFrame) -> bytes:
    """The figures as HXL: the contract header, a row of hashtags (HXL_TAGS), then the data."""
    header = encode_record(list(COLUMNS), NEWLINE)
    tags = encode_record([HXL_TAGS[name] for name in COLUMNS], NEWLINE)
    return header + tags + b"".join(_records(rows))
