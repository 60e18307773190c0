"""Validating a figures file column by column: the valid rows as a typed table, and the errors.

Each cell rule is a small function of one text value (`check_*`), so one rule and one message
serve both a single row (the add path) and a million (the bulk path, which applies each rule to
the column's distinct values only and spreads the verdicts back with `factorize`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from figures.contract import (
    COLUMNS,
    DEFAULT_GROUP,
    DEFAULT_QUALIFIER,
    REQUIRED_COLUMNS,
    TEXT_COLUMNS,
    Affiliation,
    Qualifier,
)
from figures.errors import ValidationError
from figures.loading import RawTable, read_table
from figures.vocabulary import Vocabulary, load_vocabulary, vocabulary_dir_for

MAX_VALUE = 10**12  # far above any count of people; larger is a slip of the keyboard
# Digits are ASCII only: `\d` would also take Arabic-Indic or Devanagari digits, which int()
# reads but no reader of the file would expect in a count.
_DATE_RE = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?$"
)
_NUMBER_RE = re.compile(r"^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)$")
_URL_RE = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
# Text a spreadsheet would run as a formula (=, +, -, @ first) is stored behind one
# apostrophe, which loading removes, as a spreadsheet does. Apostrophes before such text are
# the same marker plus text: "''=1" reads as "'=1", so any text can be written by adding one.
_FORMULA_ESCAPE_RE = r"^'(?='*[=+\-@])"

QUALIFIERS = tuple(q.value for q in Qualifier)
AFFILIATIONS = tuple(a.value for a in Affiliation)


class CellError(Exception):
    """A cell's value breaks the contract; `code` is from the error catalogue."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------------------------------------
# Cell rules: text in, parsed value out, or CellError.


def check_moment(text: str, column: str = "as_of") -> tuple[dt.datetime, bool]:
    """An ISO date with an optional time of day: (the moment, whether a time was given)."""
    match = _DATE_RE.match(text)
    if not match:
        hint = ""
        if re.match(r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}$", text):
            hint = " (a spreadsheet may have reformatted it; set the column to text)"
        raise CellError(
            "bad-date",
            f"{text!r} is not a date; write it as YYYY-MM-DD, or YYYY-MM-DDTHH:MM when the "
            f"source gives the hour{hint}",
        )
    year, month, day, hour, minute, second = match.groups()
    try:
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError as exc:
        raise CellError("bad-date", f"{text!r} is not a real date or time ({exc})") from exc
    return moment, hour is not None


def check_count(text: str) -> int:
    """A non-negative whole number, digits only, with spreadsheet thousands commas allowed."""
    cleaned = text.strip()
    if _NUMBER_RE.match(cleaned):
        number = int(cleaned.replace(",", ""))
        if number > MAX_VALUE:
            raise CellError("bad-number", f"{text!r} is implausibly large; check the digits")
        return number
    if re.match(r"^-\s*[0-9,]+$", cleaned):
        raise CellError(
            "negative-value", f"{text!r} is below zero; a count of people cannot be negative"
        )
    raise CellError(
        "bad-number",
        f"{text!r} is not a whole number; write the number in digits, in full "
        "(100000, not 100k or 1e5), without words such as 'about' (use the qualifier column)",
    )


def _suggest(text: str, choices: tuple[str, ...] | list[str], where: str = "") -> str:
    close = difflib.get_close_matches(text.lower(), list(choices), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; known values: {', '.join(choices)}{where}"


def check_choice(text: str, choices: tuple[str, ...], code: str, what: str, where: str) -> str:
    if text in choices:
        return text
    if text.lower() in choices:
        return text.lower()
    raise CellError(code, f"{text!r} is not a known {what}{_suggest(text, choices, where)}")


def check_url(text: str) -> str:
    if _URL_RE.match(text):
        return text
    raise CellError(
        "bad-url",
        f"{text!r} is not a web address; only http:// or https:// addresses are allowed "
        "(leave the cell empty when there is none)",
    )


def unescape_formula(text: str) -> str:
    """Undo the apostrophe the tool puts before text a spreadsheet would run as a formula."""
    return re.sub(_FORMULA_ESCAPE_RE, "", text)


# ---------------------------------------------------------------------------------------------
# The bulk path.


@dataclass
class LoadResult:
    rows: pd.DataFrame  # the valid rows, typed; see `empty_rows` for the columns
    errors: list[ValidationError] = field(default_factory=list)
    path: Path | None = None
    record_count: int = 0  # records read, valid or not

    @property
    def file_errors(self) -> list[ValidationError]:
        return [error for error in self.errors if error.file_level]

    @property
    def ok(self) -> bool:
        return not self.errors


def empty_rows() -> pd.DataFrame:
    """The typed table's columns, with no rows."""
    return pd.DataFrame(
        {
            "line": pd.Series([], dtype="int64"),
            "as_of": pd.Series([], dtype="datetime64[ns]"),
            "as_of_has_time": pd.Series([], dtype="bool"),
            "metric": pd.Series([], dtype="str"),
            "group": pd.Series([], dtype="str"),
            "qualifier": pd.Series([], dtype="str"),
            "value": pd.Series([], dtype="int64"),
            "value_high": pd.Series([], dtype="Int64"),
            "place": pd.Series([], dtype="str"),
            "reported_by": pd.Series([], dtype="str"),
            "affiliation": pd.Series([], dtype="str"),
            "outlet": pd.Series([], dtype="str"),
            "published": pd.Series([], dtype="datetime64[ns]"),
            "url": pd.Series([], dtype="str"),
            "quote": pd.Series([], dtype="str"),
            "notes": pd.Series([], dtype="str"),
        }
    )


class _Collector:
    """Gathers errors and the mask of rows that have at least one."""

    def __init__(self, lines: np.ndarray):
        self.lines = lines
        self.bad = np.zeros(len(lines), dtype=bool)
        self.errors: list[ValidationError] = []

    def add(self, index: int, code: str, column: str, value: str, message: str) -> None:
        self.bad[index] = True
        self.errors.append(ValidationError(code, int(self.lines[index]), column, value, message))


def _apply_rule(
    series: pd.Series,
    rule: Callable[[str], object],
    column: str,
    collector: _Collector,
    skip_empty: bool = True,
) -> tuple[np.ndarray, list[object]]:
    """Run `rule` once per distinct value; returns (codes, parsed values per distinct value).

    A distinct value that fails gets parsed value None and an error for each of its rows.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    parsed: list[object] = []
    failures: dict[int, CellError] = {}
    for position, text in enumerate(uniques):
        if skip_empty and text == "":
            parsed.append(None)
            continue
        try:
            parsed.append(rule(text))
        except CellError as exc:
            parsed.append(None)
            failures[position] = exc
    if failures:
        failing = np.isin(codes, list(failures))
        for index in np.flatnonzero(failing):
            exc = failures[int(codes[index])]
            collector.add(int(index), exc.code, column, str(uniques[codes[index]]), exc.message)
    return codes, parsed


def _stripped(series: pd.Series) -> pd.Series:
    return series.str.strip() if pd.api.types.is_string_dtype(series.dtype) else series


def _column_or_blank(frame: pd.DataFrame, name: str, count: int) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([""] * count, dtype="str")


def _counts(series: pd.Series, column: str, collector: _Collector) -> np.ndarray:
    """Parse a count column into float64 (NaN where empty or invalid)."""
    if pd.api.types.is_integer_dtype(series.dtype):
        values = series.to_numpy(dtype=np.int64)
        negative = values < 0
        large = values > MAX_VALUE
        for index in np.flatnonzero(negative | large):
            try:
                check_count(str(values[index]))
            except CellError as exc:
                collector.add(int(index), exc.code, column, str(values[index]), exc.message)
        out = values.astype(np.float64)
        out[negative | large] = np.nan
        return out
    codes, parsed = _apply_rule(_stripped(series), check_count, column, collector)
    lookup = np.array([np.nan if p is None else float(p) for p in parsed], dtype=np.float64)
    return lookup[codes] if len(codes) else np.empty(0)


def _moments(
    series: pd.Series, column: str, collector: _Collector
) -> tuple[np.ndarray, np.ndarray]:
    codes, parsed = _apply_rule(
        _stripped(series), lambda text: check_moment(text, column), column, collector
    )
    stamps = np.array(
        [np.datetime64("NaT") if p is None else np.datetime64(p[0], "ns") for p in parsed],
        dtype="datetime64[ns]",
    )
    timed = np.array([bool(p and p[1]) for p in parsed], dtype=bool)
    if not len(codes):
        return np.empty(0, dtype="datetime64[ns]"), np.empty(0, dtype=bool)
    return stamps[codes], timed[codes]


def _choices(
    series: pd.Series,
    choices: tuple[str, ...],
    code: str,
    what: str,
    where: str,
    default: str | None,
    column: str,
    collector: _Collector,
) -> pd.Series:
    def rule(text: str) -> str:
        return check_choice(text, choices, code, what, where)

    stripped = _stripped(series)
    codes, parsed = _apply_rule(stripped, rule, column, collector)
    resolved = np.array([default if p is None else p for p in parsed], dtype=object)
    return pd.Series(resolved[codes] if len(codes) else [], dtype="str")


def validate_table(table: RawTable, vocabulary: Vocabulary) -> LoadResult:
    """Check every record of a parsed table against the contract."""
    errors = list(table.errors)
    if any(error.file_level for error in errors):
        return LoadResult(rows=empty_rows(), errors=errors)
    missing = [name for name in REQUIRED_COLUMNS if name not in table.header]
    if missing:
        for name in missing:
            close = difflib.get_close_matches(name, table.header, n=1, cutoff=0.6)
            hint = f"; is {close[0]!r} meant to be {name!r}?" if close else ""
            errors.append(
                ValidationError(
                    "missing-column",
                    1,
                    name,
                    "",
                    f"the header has no {name!r} column, which every row needs{hint}",
                )
            )
        return LoadResult(rows=empty_rows(), errors=errors)
    for name in table.header:
        if name not in COLUMNS and name != "":
            close = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            errors.append(
                ValidationError(
                    "unknown-column",
                    1,
                    name,
                    name,
                    f"{name!r} is not a column of the contract, so its values are ignored{hint}",
                )
            )
    frame = table.frame
    count = len(frame)
    collector = _Collector(table.lines)
    if count == 0:
        return LoadResult(rows=empty_rows(), errors=errors, record_count=0)

    def column(name: str) -> pd.Series:
        return _column_or_blank(frame, name, count)

    text = {name: column(name) for name in COLUMNS if name not in ("value", "value_high")}
    for name in TEXT_COLUMNS:
        series = text[name]
        if series.str.startswith("'").any():
            text[name] = series.str.replace(_FORMULA_ESCAPE_RE, "", regex=True)
        text[name] = text[name].str.strip()

    # Required cells first: an empty required cell gets one clear error, not two.
    empty_required = {}
    for name in REQUIRED_COLUMNS:
        series = column(name)
        if pd.api.types.is_string_dtype(series.dtype):
            empty = series.str.strip().eq("").to_numpy()
        else:
            empty = np.zeros(count, dtype=bool)
        empty_required[name] = empty
        for index in np.flatnonzero(empty):
            collector.add(
                int(index), "missing-value", name, "", f"{name} is empty; every row needs one"
            )

    as_of, as_of_has_time = _moments(text["as_of"], "as_of", collector)
    published, _ = _moments(text["published"], "published", collector)
    metric_names = tuple(vocabulary.metrics)
    metric = _choices(
        text["metric"],
        metric_names,
        "unknown-metric",
        "metric",
        " (add it to data/metrics.csv if it is new)",
        None,
        "metric",
        collector,
    )
    group = _choices(
        text["group"],
        tuple(vocabulary.groups),
        "unknown-group",
        "group",
        " (add it to data/groups.csv if it is new)",
        DEFAULT_GROUP,
        "group",
        collector,
    )
    qualifier = _choices(
        text["qualifier"],
        QUALIFIERS,
        "unknown-qualifier",
        "qualifier",
        "",
        DEFAULT_QUALIFIER.value,
        "qualifier",
        collector,
    )
    affiliation = _choices(
        text["affiliation"],
        AFFILIATIONS,
        "unknown-affiliation",
        "affiliation",
        "",
        None,
        "affiliation",
        collector,
    )
    value = _counts(column("value"), "value", collector)
    value_high = _counts(column("value_high"), "value_high", collector)
    _apply_rule(text["url"], check_url, "url", collector)

    # Rules across cells.
    is_range = qualifier.to_numpy() == Qualifier.RANGE.value
    high_given = column("value_high")
    if pd.api.types.is_string_dtype(high_given.dtype):
        high_present = high_given.str.strip().ne("").to_numpy()
    else:
        high_present = np.ones(count, dtype=bool)
    for index in np.flatnonzero(is_range & ~high_present):
        collector.add(
            int(index),
            "range-without-high",
            "value_high",
            "",
            "qualifier is 'range' but value_high is empty; put the upper end there "
            "('five to six' is value 5, value_high 6)",
        )
    for index in np.flatnonzero(~is_range & high_present):
        collector.add(
            int(index),
            "high-without-range",
            "value_high",
            str(high_given.iloc[index]),
            "value_high is only for qualifier 'range'; clear it or set qualifier to 'range'",
        )
    with np.errstate(invalid="ignore"):
        inverted = is_range & (value_high < value)
    for index in np.flatnonzero(inverted):
        collector.add(
            int(index),
            "bad-range",
            "value_high",
            f"{int(value_high[index])}",
            f"the range's upper end {int(value_high[index]):,} is below its lower end "
            f"{int(value[index]):,}; swap them",
        )
    as_of_day = as_of.astype("datetime64[D]")
    early = (~np.isnat(published)) & (~np.isnat(as_of)) & (published < as_of_day)
    for index in np.flatnonzero(early):
        collector.add(
            int(index),
            "published-before-as-of",
            "published",
            str(text["published"].iloc[index]),
            f"published {str(published[index])[:10]} is before as_of {as_of_day[index]!s}; "
            "as_of is when the figure holds, so it cannot be after its publication",
        )

    # Exact repeats of an earlier record (as written) are kept out: the first copy counts.
    written = frame[[name for name in COLUMNS if name in frame.columns]]
    repeated = written.duplicated(keep="first").to_numpy()
    if repeated.any():
        first_line = _first_lines(written, table.lines)
        for index in np.flatnonzero(repeated):
            collector.add(
                int(index),
                "duplicate-row",
                "",
                "",
                f"this row repeats line {first_line[index]} cell for cell; delete one copy",
            )

    good = ~collector.bad
    rows = pd.DataFrame(
        {
            "line": table.lines[good].astype(np.int64),
            "as_of": as_of[good],
            "as_of_has_time": as_of_has_time[good],
            "metric": metric[good].to_numpy(),
            "group": group[good].to_numpy(),
            "qualifier": qualifier[good].to_numpy(),
            "value": value[good].astype(np.int64),
            "value_high": pd.array(
                np.where(np.isnan(value_high[good]), 0, value_high[good]).astype(np.int64),
                dtype="Int64",
            ),
            "place": text["place"].to_numpy()[good],
            "reported_by": text["reported_by"].to_numpy()[good],
            "affiliation": affiliation[good].to_numpy(),
            "outlet": text["outlet"].to_numpy()[good],
            "published": published[good],
            "url": text["url"].to_numpy()[good],
            "quote": text["quote"].to_numpy()[good],
            "notes": text["notes"].to_numpy()[good],
        }
    )
    rows.loc[np.isnan(value_high[good]), "value_high"] = pd.NA
    for name in ("metric", "group", "qualifier", "place", "reported_by", "affiliation"):
        rows[name] = rows[name].astype("str")
    for name in ("outlet", "url", "quote", "notes"):
        rows[name] = rows[name].astype("str")
    errors += sorted(collector.errors, key=lambda error: (error.line or 0, error.column))
    return LoadResult(rows=rows, errors=errors, record_count=count)


def _first_lines(written: pd.DataFrame, lines: np.ndarray) -> np.ndarray:
    """For each record, the line of the first record identical to it."""
    keys = pd.MultiIndex.from_frame(written.astype("str"))
    codes, _ = pd.factorize(keys)
    first_position: dict[int, int] = {}
    for position, code in enumerate(codes):
        first_position.setdefault(int(code), position)
    return np.array([lines[first_position[int(code)]] for code in codes], dtype=np.int64)


def load_figures(path: str | Path, vocabulary: Vocabulary | None = None) -> LoadResult:
    """Load a figures CSV: the valid rows as a typed DataFrame, and every error found.

    Never raises on bad input: a missing, unreadable, empty or non-UTF-8 file comes back as a
    file-level error with no rows.
    """
    path = Path(path)
    if vocabulary is None:
        vocabulary = load_vocabulary(vocabulary_dir_for(path))
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        error = ValidationError(
            "file-not-found", None, "", str(path), f"there is no file at {path}"
        )
        return LoadResult(rows=empty_rows(), errors=[error], path=path)
    except OSError as exc:
        error = ValidationError(
            "unreadable-file", None, "", str(path), f"cannot read {path}: {exc.strerror}"
        )
        return LoadResult(rows=empty_rows(), errors=[error], path=path)
    result = load_bytes(raw, vocabulary)
    result.path = path
    return result


def load_bytes(raw: bytes, vocabulary: Vocabulary) -> LoadResult:
    return validate_table(read_table(raw), vocabulary)
