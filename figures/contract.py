"""The row contract of data/figures.csv: one row = one figure as one source reported it.

`FigureRow` names the contract's fields, their types and their documentation: it is what one
valid row becomes in code (the add path returns one). The rules a cell must follow, with the
messages that explain them, are stated once, in `figures.validation.rules` (cells) and
`figures.validation.rows` (across cells); the loader applies them to a whole file column-wise
and the add path to one row through the same loader, so the model repeats none of them.
`docs/data-contract.md` documents both.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Qualifier(StrEnum):
    """How the source bounded its number. Blank in the CSV means `exact`."""

    EXACT = "exact"
    ABOUT = "about"
    MORE_THAN = "more_than"
    AT_LEAST = "at_least"
    UP_TO = "up_to"
    LESS_THAN = "less_than"
    RANGE = "range"


# The optional timing columns (issue 15): how approximate as_of is, and when a running total
# starts counting. Blank (or absent) means an exact as_of and an unstated start.
TIMING_COLUMNS: tuple[str, ...] = ("as_of_margin_days", "since")
# Column order of the shipped file and of every file the tool creates.
COLUMNS: tuple[str, ...] = (
    "as_of",
    "metric",
    "group",
    "qualifier",
    "value",
    "value_high",
    "place",
    "reported_by",
    "affiliation",
    "outlet",
    "published",
    "url",
    "quote",
    "notes",
    # Last, so files written before them keep their columns where they were.
    *TIMING_COLUMNS,
)
REQUIRED_COLUMNS: tuple[str, ...] = (
    "as_of",
    "metric",
    "value",
    "reported_by",
    "affiliation",
    "outlet",
    "quote",
)
TEXT_COLUMNS: tuple[str, ...] = ("place", "reported_by", "outlet", "url", "quote", "notes")
DEFAULT_GROUP = "all"
DEFAULT_QUALIFIER = Qualifier.EXACT


class FigureRow(BaseModel):
    """One figure as one source reported it, as the loader reads it.

    Types only: the rules (a count is not negative, a range has an upper end, published is
    not before as_of, a URL is an http(s) address, ...) belong to the checker, which gives
    each its own code and message. Stating them here too, with pydantic's messages, made a
    second statement that no product path ran and that could drift from the first.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    as_of: dt.datetime = Field(
        description="When the figure holds (YYYY-MM-DD, or YYYY-MM-DDTHH:MM when the source "
        "gives the hour); not when it was published."
    )
    as_of_has_time: bool = Field(False, description="Whether as_of carries a time of day.")
    metric: str = Field(description="What is counted; a name from data/metrics.csv.")
    group: str = Field(DEFAULT_GROUP, description="Who among them; a name from data/groups.csv.")
    qualifier: Qualifier = Field(DEFAULT_QUALIFIER, description="How the source bounded it.")
    value: int = Field(description="The number reported, a whole number, not below zero.")
    value_high: int | None = Field(None, description="Upper end, only for `range`.")
    place: str = Field("", description="The area the count refers to.")
    reported_by: str = Field(description="Who gave the figure (the originator).")
    affiliation: str = Field(description="The reporter's side; a code from sides.csv.")
    outlet: str = Field(description="Where it was published.")
    published: dt.date | None = Field(None, description="Publication date; not before as_of.")
    url: str = Field("", description="The source's http(s) address (figures.cells), or blank.")
    quote: str = Field(description="The words that carry the figure, verbatim.")
    notes: str = Field("", description="Anything an analyst should know.")
    as_of_margin_days: int = Field(
        0, description="Days either way the as_of may be off (0: exact); a whole number >= 0."
    )
    since: dt.date | None = Field(
        None,
        description="The day a running total starts counting; figures with another "
        "since are another quantity.",
    )
    line: int | None = Field(None, description="CSV line the row starts on, when loaded.")


def format_as_of(moment: dt.datetime, has_time: bool) -> str:
    """ISO text of an as_of value, the way the contract writes it."""
    return moment.strftime("%Y-%m-%dT%H:%M") if has_time else moment.strftime("%Y-%m-%d")
