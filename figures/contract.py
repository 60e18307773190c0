"""The row contract of data/figures.csv: one row = one figure as one source reported it.

The pydantic model `FigureRow` is the contract's single definition: its fields, their types and
their documentation. The bulk loader (`figures.validation`) checks a whole file column-wise for
speed, with the same rules and the same messages; `FigureRow` is what one validated row becomes
in code (the add path, exports), and `docs/data-contract.md` documents it.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Qualifier(StrEnum):
    """How the source bounded its number. Blank in the CSV means `exact`."""

    EXACT = "exact"
    ABOUT = "about"
    MORE_THAN = "more_than"
    AT_LEAST = "at_least"
    UP_TO = "up_to"
    LESS_THAN = "less_than"
    RANGE = "range"


class Affiliation(StrEnum):
    """The reporter's side. Neutral labels: the product takes no side."""

    ARMENIA = "armenia"
    AZERBAIJAN = "azerbaijan"
    RUSSIA = "russia"
    UN = "un"
    NGO = "ngo"
    MEDIA = "media"
    OTHER = "other"


AFFILIATION_LABELS: dict[str, str] = {
    "armenia": "Armenia",
    "azerbaijan": "Azerbaijan",
    "russia": "Russia",
    "un": "UN",
    "ngo": "NGO",
    "media": "Media",
    "other": "Other",
}

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
    """One figure as one source reported it."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    as_of: dt.datetime = Field(
        description="When the figure holds (YYYY-MM-DD, or YYYY-MM-DDTHH:MM when the source "
        "gives the hour); not when it was published."
    )
    as_of_has_time: bool = Field(False, description="Whether as_of carries a time of day.")
    metric: str = Field(description="What is counted; a name from data/metrics.csv.")
    group: str = Field(DEFAULT_GROUP, description="Who among them; a name from data/groups.csv.")
    qualifier: Qualifier = Field(DEFAULT_QUALIFIER, description="How the source bounded it.")
    value: int = Field(ge=0, description="The number reported, a whole number.")
    value_high: int | None = Field(None, ge=0, description="Upper end, only for `range`.")
    place: str = Field("", description="The area the count refers to.")
    reported_by: str = Field(min_length=1, description="Who gave the figure (the originator).")
    affiliation: Affiliation = Field(description="The reporter's side.")
    outlet: str = Field(min_length=1, description="Where it was published.")
    published: dt.date | None = Field(None, description="Publication date; not before as_of.")
    # The bulk rule's pattern (figures.validation._URL_RE): any case of scheme, then a host.
    url: str = Field(
        "", pattern=r"^((?i:https?)://[^\s/?#]+\S*)?$", description="http(s) address or blank."
    )
    quote: str = Field(min_length=1, description="The words that carry the figure, verbatim.")
    notes: str = Field("", description="Anything an analyst should know.")
    line: int | None = Field(None, description="CSV line the row starts on, when loaded.")

    @model_validator(mode="after")
    def _consistent(self) -> FigureRow:
        if self.qualifier == Qualifier.RANGE:
            if self.value_high is None:
                raise ValueError("a range needs value_high")
            if self.value_high < self.value:
                raise ValueError("value_high is below value")
        elif self.value_high is not None:
            raise ValueError("value_high is only for qualifier 'range'")
        if self.published is not None and self.published < self.as_of.date():
            raise ValueError("published is before as_of")
        return self


# Text a spreadsheet would run as a formula, including text that already starts with the
# protecting apostrophe (so "'=x" typed by a person is kept as written, not unescaped).
FORMULA_LIKE = re.compile(r"^'*[=+\-@]")


def escape_formula(text: str) -> str:
    """Store formula-like text behind one apostrophe; the loader removes exactly one."""
    return "'" + text if FORMULA_LIKE.match(text) else text


def _grouped(number: int) -> str:
    return f"{number:,}"


def value_as_written(qualifier: str, value: int, value_high: int | None = None) -> str:
    """The figure in words, the way a briefing would quote it: 'more than 100,000'."""
    number = _grouped(value)
    match qualifier:
        case "about":
            return f"about {number}"
        case "more_than":
            return f"more than {number}"
        case "at_least":
            return f"at least {number}"
        case "up_to":
            return f"up to {number}"
        case "less_than":
            return f"less than {number}"
        case "range":
            high = _grouped(value_high) if value_high is not None else "?"
            return f"{number} to {high}"
        case _:
            return number


def format_as_of(moment: dt.datetime, has_time: bool) -> str:
    """ISO text of an as_of value, the way the contract writes it."""
    return moment.strftime("%Y-%m-%dT%H:%M") if has_time else moment.strftime("%Y-%m-%d")
