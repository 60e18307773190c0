"""The driver: a parsed table checked against the contract, column by column, then across rows.

`load_figures` (a file) and `load_bytes` (bytes in memory) are the two ways in; both never
raise on bad input. The header is checked first, then each column by its own rules (on two
threads for a big table), then the rules across cells and rows; the rows with no error become
the typed table of `figures.validation.result.empty_rows`.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from figures.cells import unescape_formulas
from figures.contract import COLUMNS, REQUIRED_COLUMNS, TEXT_COLUMNS
from figures.errors import ValidationError
from figures.loading import RawTable, read_file, read_table
from figures.validation.arrow_text import column_or_blank, may_start_with, stripped, text_chunks
from figures.validation.collector import Collector
from figures.validation.columns import (
    Dates,
    Words,
    check_dates,
    check_vocabulary,
    parse_counts,
    report_controls,
    report_missing,
)
from figures.validation.repeats import REPEAT_ORDER, first_copies, maybe_repeated
from figures.validation.result import LoadResult, empty_rows
from figures.validation.rows import check_publication, check_ranges, report_repeats
from figures.validation.timing import check_since_order, parse_margins, parse_since
from figures.validation.urls import check_urls
from figures.vocabulary import Vocabulary, vocabulary_for

# Below this many rows a second thread costs more than it saves.
THREADED_ROWS = 50_000
_APOSTROPHE = ord("'")
# The checks whose results the duplicate search reads.
_NEEDED_BY_REPEATS = ("dates", "vocabulary", "value")


def header_errors(header: list[str]) -> list[ValidationError]:
    """Required columns the header lacks (file-level) or, when none is missing, unknown ones."""
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        errors = []
        for name in missing:
            close = difflib.get_close_matches(name, header, n=1, cutoff=0.6)
            hint = f"; is {close[0]!r} meant to be {name!r}?" if close else ""
            message = f"the header has no {name!r} column, which every row needs{hint}"
            errors.append(ValidationError("missing-column", 1, name, "", message))
        return errors
    errors = []
    for name in header:
        if name not in COLUMNS and name != "":
            close = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = f"{name!r} is not a column of the contract, so its values are ignored{hint}"
            errors.append(ValidationError("unknown-column", 1, name, name, message))
    return errors


@dataclass
class Checked:
    """Every column as the rules read it, and the errors each column's rules found."""

    dates: Dates
    words: Words
    text: dict[str, pd.Series]  # text and count columns, stripped, formula marks removed
    counts: dict[str, np.ndarray]  # value and value_high, NaN where empty or invalid
    timing: dict[str, np.ndarray]  # as_of_margin_days (0 when blank) and since (NaT)
    first: np.ndarray  # each row's first copy (itself when it repeats no earlier row)
    collector: Collector


class _ColumnChecks:
    """The independent per-column checks of one table, each with its own errors.

    Each check gathers its own errors (joined in a fixed order after), so on a big table two
    threads can share them out as each comes free: their work is in arrow and numpy, which
    release the GIL. The duplicate search waits for the three it needs, which go first.
    """

    def __init__(self, table: RawTable, vocabulary: Vocabulary):
        self.frame = table.frame
        self.lines = table.lines
        self.count = len(table.frame)
        self.may_hold_controls = table.may_hold_controls
        self.vocabulary = vocabulary
        self.text: dict[str, pd.Series] = {}
        self.counts: dict[str, np.ndarray] = {}
        self.timing: dict[str, np.ndarray] = {}

    def column(self, name: str) -> pd.Series:
        return column_or_blank(self.frame, name, self.count)

    # Every cell as the rules see it. Text columns are stripped, without a formula apostrophe
    # (removed before stripping, as the writer added it before the text); counts are
    # stripped; date and vocabulary columns stay as written and each distinct value is
    # stripped by its rule, which is cheaper than stripping a million cells that repeat.

    def text_column(self, name: str, errors: Collector) -> None:
        series = self.column(name)
        chunks = text_chunks(series)  # read once for both looks at first bytes
        if may_start_with(chunks, _APOSTROPHE):
            series = unescape_formulas(series)
            chunks = None
        self.text[name] = stripped(series, chunks)
        if name in REQUIRED_COLUMNS:
            report_missing(self.text[name].eq("").to_numpy(dtype=bool), name, errors)
        if name == "url":
            check_urls(self.text[name], errors)  # the URL rule refuses control characters
        elif self.may_hold_controls:
            report_controls(self.text[name], name, errors)

    def count_column(self, name: str, errors: Collector) -> None:
        self.text[name] = stripped(self.column(name))
        if name in REQUIRED_COLUMNS:
            report_missing(self.text[name].eq("").to_numpy(dtype=bool), name, errors)
        self.counts[name] = parse_counts(self.text[name], name, errors)

    def timing_column(self, name: str, errors: Collector) -> None:
        # Most files lack these optional columns: then every row is exact and unstated,
        # without building and coding a blank column of a million cells.
        if name not in self.frame.columns:
            self.timing[name] = (
                np.zeros(self.count, dtype=np.int64)
                if name == "as_of_margin_days"
                else np.full(self.count, np.datetime64("NaT"), dtype="datetime64[ns]")
            )
            return
        parse = parse_margins if name == "as_of_margin_days" else parse_since
        self.timing[name] = parse(self.column(name), errors)

    def first_copies(self, words: Words, dates: Dates) -> np.ndarray:
        # Exact repeats of an earlier record (as written) are kept out: the first copy
        # counts. Only rows that share their date and vocabulary codes (as written) and
        # their value with another row can be one, and on a big file those are few.
        factorized = {**words.factorized, **dates.factorized}
        coded = {name: (codes, len(uniques)) for name, (codes, uniques) in factorized.items()}
        rows = maybe_repeated(list(coded.values()), [self.counts["value"]])
        columns = [coded.get(name, self.frame[name]) for name in REPEAT_ORDER if name in self.frame]
        return first_copies(columns, rows)

    def run(self) -> Checked:
        checks: dict[str, Callable[[Collector], object]] = {
            "dates": lambda errors: check_dates(self.column, errors),
            "vocabulary": lambda errors: check_vocabulary(self.column, self.vocabulary, errors),
            "value": lambda errors: self.count_column("value", errors),
            **{name: functools.partial(self.text_column, name) for name in TEXT_COLUMNS},
            "value_high": lambda errors: self.count_column("value_high", errors),
            "as_of_margin_days": functools.partial(self.timing_column, "as_of_margin_days"),
            "since": functools.partial(self.timing_column, "since"),
        }
        found = {name: Collector(self.lines) for name in checks}
        if self.count >= THREADED_ROWS:
            with ThreadPoolExecutor(max_workers=2) as pool:
                pending = {name: pool.submit(check, found[name]) for name, check in checks.items()}
                results = {name: pending[name].result() for name in _NEEDED_BY_REPEATS}
                first = self.first_copies(*_words_and_dates(results))
                results.update((name, future.result()) for name, future in pending.items())
        else:
            results = {name: check(found[name]) for name, check in checks.items()}
            first = self.first_copies(*_words_and_dates(results))
        collector = Collector(self.lines)
        for check_errors in found.values():
            collector.absorb(check_errors)
        words, dates = _words_and_dates(results)
        return Checked(dates, words, self.text, self.counts, self.timing, first, collector)


def _words_and_dates(results: dict[str, object]) -> tuple[Words, Dates]:
    """The vocabulary and dates checks' results, out of the checks' results by name."""
    words, dates = results["vocabulary"], results["dates"]
    assert isinstance(words, Words) and isinstance(dates, Dates)  # what those checks return
    return words, dates


def validate_table(table: RawTable, vocabulary: Vocabulary) -> LoadResult:
    """Check every record of a parsed table against the contract."""
    errors = list(table.errors)
    if not any(error.file_level for error in errors):
        errors += header_errors(table.header)
    if any(error.file_level for error in errors):
        return LoadResult(rows=empty_rows(), errors=errors)
    count = len(table.frame)
    if count == 0:
        return LoadResult(rows=empty_rows(), errors=errors, record_count=0)
    checked = _ColumnChecks(table, vocabulary).run()
    collector = checked.collector
    words, dates = checked.words.words, checked.dates
    check_ranges(
        words["qualifier"],
        checked.text["value_high"],
        column_or_blank(table.frame, "value_high", count),
        checked.counts["value"],
        checked.counts["value_high"],
        collector,
    )
    published_given = column_or_blank(table.frame, "published", count)
    check_publication(dates.published, dates.as_of, published_given, collector)
    if "since" in table.frame.columns:
        since_given = column_or_blank(table.frame, "since", count)
        check_since_order(checked.timing["since"], dates.as_of, since_given, collector)
    report_repeats(checked.first, table.lines, collector)
    rows = _typed_rows(checked, table.lines, ~collector.bad)
    errors += sorted(collector.errors, key=lambda error: (error.line or 0, error.column))
    return LoadResult(rows=rows, errors=errors, record_count=count)


def _typed_rows(checked: Checked, lines: np.ndarray, good: np.ndarray) -> pd.DataFrame:
    """The rows with no error, as the typed table."""
    everything = bool(good.all())

    def kept(series: pd.Series) -> pd.Series:
        # Arrow-backed columns are filtered in arrow; nothing to do when every row is good.
        return series if everything else series[good].reset_index(drop=True)

    def kept_array(values: np.ndarray) -> np.ndarray:
        return values if everything else values[good]

    dates, words, text = checked.dates, checked.words.words, checked.text
    high = kept_array(checked.counts["value_high"])
    return pd.DataFrame(
        copy=False,  # the columns are fresh or unchanged arrow data; copying costs a pass
        data={
            "line": kept_array(lines).astype(np.int64, copy=False),
            "as_of": kept_array(dates.as_of),
            "as_of_has_time": kept_array(dates.as_of_has_time),
            "metric": kept(words["metric"]),
            "group": kept(words["group"]),
            "qualifier": kept(words["qualifier"]),
            "value": kept_array(checked.counts["value"]).astype(np.int64),
            "value_high": pd.arrays.IntegerArray(
                np.where(np.isnan(high), 0, high).astype(np.int64), np.isnan(high)
            ),
            "place": kept(text["place"]),
            "reported_by": kept(text["reported_by"]),
            "affiliation": kept(words["affiliation"]),
            "outlet": kept(text["outlet"]),
            "published": kept_array(dates.published),
            "url": kept(text["url"]),
            "quote": kept(text["quote"]),
            "notes": kept(text["notes"]),
            "as_of_margin_days": kept_array(checked.timing["as_of_margin_days"]),
            "since": kept_array(checked.timing["since"]),
        },
    )


def load_figures(path: str | Path, vocabulary: Vocabulary | None = None) -> LoadResult:
    """Load a figures CSV: the valid rows as a typed DataFrame, and every error found.

    Never raises on bad input: a missing, unreadable, empty or non-UTF-8 file comes back as a
    file-level error with no rows.
    """
    path = Path(path)
    if vocabulary is None:
        vocabulary = vocabulary_for(path)
    try:
        table = read_file(path)
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
    result = validate_table(table, vocabulary)
    result.path = path
    return result


def load_bytes(raw: bytes, vocabulary: Vocabulary) -> LoadResult:
    """Load CSV bytes: what `load_figures` gives for a file holding them."""
    return validate_table(read_table(raw), vocabulary)
