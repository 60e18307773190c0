"""Validation errors as data: a catalogue of stable codes and the error record itself.

Modelled on frictionless-py's error catalogue: every code has a title and a description that
say what went wrong in general, and each error carries its own message that says what to do
about this particular cell. Codes are part of the product's contract; tools and tests match on
them, so never rename one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ErrorType:
    code: str
    title: str
    description: str
    # File-level errors stop the whole file from loading; row errors drop only their row.
    file_level: bool = False


_CATALOGUE: tuple[ErrorType, ...] = (
    # File-level
    ErrorType("empty-file", "Empty file", "The file has no header row.", file_level=True),
    ErrorType(
        "encoding-error",
        "Not UTF-8 text",
        "The file is not UTF-8 text; save it as 'CSV UTF-8' from the spreadsheet.",
        file_level=True,
    ),
    ErrorType(
        "missing-column",
        "Missing required column",
        "A column every row needs is absent from the header.",
        file_level=True,
    ),
    ErrorType(
        "duplicate-column",
        "Duplicate column",
        "Two header cells have the same name, so it is unclear which one holds the data.",
        file_level=True,
    ),
    ErrorType(
        "file-not-found", "File not found", "The figures file does not exist.", file_level=True
    ),
    ErrorType(
        "unreadable-file",
        "Unreadable file",
        "The file cannot be read: it is a folder, a pipe or a device rather than a regular "
        "file, or permissions forbid reading it.",
        file_level=True,
    ),
    ErrorType(
        "file-too-large",
        "File too large",
        "The file is larger than the checker reads (figures.limits.MAX_FILE_BYTES).",
        file_level=True,
    ),
    ErrorType(
        "too-many-columns",
        "Too many columns",
        "The header has more cells than the checker reads (figures.limits.MAX_COLUMNS).",
        file_level=True,
    ),
    ErrorType(
        "line-too-long",
        "Line too long",
        "A line is longer than the checker reads (figures.limits.MAX_LINE_BYTES).",
        file_level=True,
    ),
    ErrorType(
        "bad-vocabulary",
        "Bad vocabulary file",
        "A row of the metric, group or place vocabulary is malformed.",
        file_level=True,
    ),
    # Header-level, but the rows still load
    ErrorType(
        "unknown-column",
        "Unknown column",
        "A header cell names no column of the contract; its values are ignored.",
    ),
    # Structure of a record
    ErrorType(
        "extra-cell",
        "Extra cell",
        "The row has more cells than the header; a comma inside a value needs quotes.",
    ),
    ErrorType(
        "unclosed-quote",
        "Unclosed quote",
        "A quoted value is never closed, so everything after it is read as one value.",
    ),
    # Cells
    ErrorType("missing-value", "Missing value", "A required cell is empty."),
    ErrorType("bad-date", "Bad date", "A date is not an ISO date (YYYY-MM-DD, optional time)."),
    ErrorType("bad-number", "Bad number", "A count is not a whole number written in digits."),
    ErrorType("negative-value", "Negative value", "A count is below zero."),
    ErrorType("unknown-metric", "Unknown metric", "The metric is not in data/metrics.csv."),
    ErrorType("unknown-group", "Unknown group", "The group is not in data/groups.csv."),
    ErrorType("unknown-qualifier", "Unknown qualifier", "The qualifier is not in the contract."),
    ErrorType(
        "unknown-affiliation", "Unknown affiliation", "The affiliation is not in the contract."
    ),
    ErrorType(
        "range-without-high",
        "Range without upper end",
        "A `range` figure needs value_high, its upper end.",
    ),
    ErrorType(
        "high-without-range",
        "Upper end without range",
        "value_high is only meaningful when the qualifier is `range`.",
    ),
    ErrorType("bad-range", "Bad range", "A range's upper end is below its lower end."),
    ErrorType("bad-url", "Bad URL", "A URL is not an http:// or https:// address."),
    ErrorType(
        "control-character",
        "Control character",
        "A text cell holds a control character (NUL, a tab, ...) other than a line break.",
    ),
    ErrorType(
        "published-before-as-of",
        "Published before as_of",
        "A figure cannot be published before the day it describes.",
    ),
    ErrorType(
        "duplicate-row",
        "Duplicate row",
        "The row repeats an earlier row cell for cell; only the first is kept.",
    ),
    ErrorType(
        "bad-margin",
        "Bad date margin",
        "as_of_margin_days is not a whole number of days, 0 or more.",
    ),
    ErrorType(
        "since-after-as-of",
        "Counting starts after as_of",
        "A running total cannot start counting (since) after the day it holds (as_of).",
    ),
)

CATALOGUE: dict[str, ErrorType] = {error_type.code: error_type for error_type in _CATALOGUE}


@dataclass(frozen=True)
class ValidationError:
    """One problem found in a figures file.

    `line` is the 1-based line number an editor shows for the start of the record (None for
    problems of the whole file); `column` is the contract's column name, or "" when the problem
    is not about one column.
    """

    code: str
    line: int | None
    column: str
    value: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise ValueError(f"unknown validation error code {self.code!r}")

    @property
    def file_level(self) -> bool:
        return CATALOGUE[self.code].file_level

    @property
    def title(self) -> str:
        return CATALOGUE[self.code].title

    def located(self, path: str) -> str:
        """`path:line: column: message`, the compiler style editors can jump to."""
        where = f"{path}:{self.line}" if self.line is not None else path
        column = f" {self.column}:" if self.column else ""
        return f"{where}:{column} {self.message}"

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        column = f", {self.column}" if self.column else ""
        return f"{where}{column}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
