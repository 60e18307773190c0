"""The one way to add a figure to a figures CSV: checked, locked, appended, synced.

The CLI (`python -m figures add`) and the dashboard's form both call `append_figure`, so a row
added either way gets the same checks and lands the same way. The file is the only record of
what was reported, so the rules are conservative:

- The candidate row is checked by the loader itself, on the file as it will be after the
  append: the messages are the checker's own and the line numbers are where the row lands.
- Existing bytes are never rewritten or reordered: the file is opened for appending and the
  whole row goes down in one `write`, so the old file is an exact prefix of the new one.
- Writers take an exclusive `flock` on a lock file beside the data file (`figures.csv.lock`,
  see `figures.locking`); a killed writer's lock dies with it.
- The row follows the file's own conventions: its header order (unknown extra columns left
  empty), its line endings (CRLF, LF or CR), its BOM or lack of one.
- Text a spreadsheet would run as a formula (starting with = + - @, perhaps after
  apostrophes) is stored behind one more apostrophe, which the loader removes again
  (`figures.cells`): whatever the analyst typed reads back as typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from figures.cells import encode_record, escape_formula
from figures.contract import COLUMNS, TEXT_COLUMNS, FigureRow
from figures.errors import ValidationError
from figures.loading import normalise_header
from figures.locking import DEFAULT_LOCK_TIMEOUT, LOCK_SUFFIX, AppendError, file_lock, same_file
from figures.validation import (
    QUALIFIERS,
    CellError,
    LoadResult,
    check_choice,
    check_count,
    load_bytes,
)
from figures.vocabulary import Vocabulary, vocabulary_files, vocabulary_for

BOM = b"\xef\xbb\xbf"
# Columns whose cells decide whether two rows report the same figure; as_of_has_time keeps
# "2023-09-30" and "2023-09-30T00:00" apart, as the loader does.
IDENTITY = ("as_of", "as_of_has_time", *COLUMNS[1:])
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A file changed by another program between our read and our write is read again; more than a
# few changes in a row means something keeps rewriting it, and a person should look.
_MAX_ATTEMPTS = 3

FieldValue = str | int | dt.date | None


@dataclass(frozen=True)
class AppendResult:
    """What happened to one candidate row.

    `line` is the 1-based line the row starts on in the file (where it would have landed when
    refused; 0 when the file is unusable, e.g. not UTF-8). `cells` holds the row exactly as
    stored, keyed by the file's (normalised) header names in the file's order; formula-like
    text carries its protecting apostrophe there, while `figure` holds the values as the
    loader reads them back.
    """

    path: Path
    written: bool
    line: int
    cells: dict[str, str]
    errors: tuple[ValidationError, ...] = ()
    duplicate_of: tuple[int, ...] = ()  # lines of rows that read the same in every column
    # The row repeats one cell for cell: the checker would report it (duplicate-row) and keep
    # only the first copy, so allow_duplicate cannot add it.
    identical: bool = False
    created: bool = False  # the file was missing (or empty) and now starts with the header
    figure: FigureRow | None = None
    notes: tuple[str, ...] = field(default=())  # things done to the file besides the row

    @property
    def ok(self) -> bool:
        return self.written

    @property
    def duplicate_can_be_allowed(self) -> bool:
        """Refused only as a duplicate, and allow_duplicate=True would add it."""
        refused_as_duplicate = bool(self.errors) and all(
            error.code == "duplicate-row" for error in self.errors
        )
        return not self.written and refused_as_duplicate and not self.identical

    @property
    def warnings(self) -> list[str]:
        """Sentences for a person: a duplicate that was written anyway, or refused."""
        if not self.duplicate_of:
            return []
        verb = "was added anyway" if self.written else "was not added"
        return [f"{_already(self.duplicate_of)} this figure in every column; the row {verb}"]


def _already(numbers: tuple[int, ...]) -> str:
    if len(numbers) == 1:
        return f"line {numbers[0]} already records"
    return "lines " + ", ".join(str(number) for number in numbers) + " already record"


# ---------------------------------------------------------------------------------------------
# Turning fields into cells.


def _text(value: FieldValue) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        # The contract's two forms: a day, or a day with hour and minute.
        has_time = (value.hour, value.minute, value.second) != (0, 0, 0)
        return value.strftime("%Y-%m-%dT%H:%M" if has_time else "%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def candidate_cells(fields: Mapping[str, FieldValue], vocabulary: Vocabulary) -> dict[str, str]:
    """The contract's cells for a candidate row, as they will be stored.

    Values are stripped (the loader strips them too), vocabulary words take the vocabulary's
    spelling, counts lose spreadsheet thousands commas, line breaks inside a value become "\\n"
    (what the loader counts as a line), and formula-like text is escaped. Anything the rules
    reject is left as given, for the validator to report.
    """
    unknown = [name for name in fields if name not in COLUMNS]
    if unknown:
        raise ValueError(f"not columns of the contract: {', '.join(map(repr, unknown))}")
    cells: dict[str, str] = {}
    for name in COLUMNS:
        text = _LINE_BREAK.sub("\n", _text(fields.get(name))).strip()
        if text:
            text = _canonical(name, text, vocabulary)
        if name in TEXT_COLUMNS:
            text = escape_formula(text)
        cells[name] = text
    return cells


def _canonical(name: str, text: str, vocabulary: Vocabulary) -> str:
    choices: dict[str, tuple[str, ...]] = {
        "metric": tuple(vocabulary.metrics),
        "group": tuple(vocabulary.groups),
        "qualifier": QUALIFIERS,
        "affiliation": tuple(vocabulary.sides),
    }
    try:
        if name in choices:
            return check_choice(text, choices[name], "unknown-" + name, name, "")
        if name in ("value", "value_high"):
            return str(check_count(text))
    except CellError:
        pass
    return text


def validate_fields(
    fields: Mapping[str, FieldValue], vocabulary: Vocabulary, line: int = 2
) -> list[ValidationError]:
    """The checker's errors for one candidate row on its own, reported at `line`.

    For checking answers one at a time (the CLI's prompts, a form's live hints); the append
    itself checks the row again inside the file it joins.
    """
    cells = candidate_cells(fields, vocabulary)
    raw = encode_record(list(COLUMNS), "\n") + encode_record(list(cells.values()), "\n")
    errors = load_bytes(raw, vocabulary).errors
    return [_moved(error, line) for error in errors if error.line == 2]


def _moved(error: ValidationError, line: int) -> ValidationError:
    return ValidationError(error.code, line, error.column, error.value, error.message)


# ---------------------------------------------------------------------------------------------
# The file's own conventions.


@dataclass(frozen=True)
class _Layout:
    header: list[str]  # normalised names, in the file's order
    newline: str  # the file's line ending
    separator: bytes  # what completes the file's last line before a new record
    next_line: int  # the line a record appended after `separator` starts on


def _layout(raw: bytes) -> _Layout:
    text = raw.removeprefix(BOM).decode("utf-8")
    first = _LINE_BREAK.search(text)
    # The header's own line ending is outside any quotes in every real file; a file with
    # no line ending at all gets the tool's own style.
    newline = first.group(0) if first else "\n"
    header_record = next(csv.reader(io.StringIO(text, newline="")), [])
    header = [normalise_header(name) for name in header_record]
    if text.endswith(("\n", "\r\n")) or (text.endswith("\r") and newline == "\r"):
        separator = ""
    elif text.endswith("\r"):
        # A CRLF line ending cut after its CR: finish it rather than start another line.
        separator = "\n"
    else:
        separator = newline
    lines_before = len(_LINE_BREAK.findall(text + separator))
    return _Layout(header, newline, separator.encode(), lines_before + 1)


def landing_line(path: str | Path) -> int:
    """The line a row appended to `path` now would start on (2 for a missing or empty file).

    For showing what a row would do before it is written; the append itself works it out
    again under the lock.
    """
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return 2
    if raw in (b"", BOM):
        return 2
    try:
        return _layout(raw).next_line
    except UnicodeDecodeError:
        return 0


# ---------------------------------------------------------------------------------------------
# Appending.


def append_figure(
    path: str | Path,
    fields: Mapping[str, FieldValue],
    *,
    allow_duplicate: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    vocabulary: Vocabulary | None = None,
) -> AppendResult:
    """Append one figure to a figures CSV, or refuse it and write nothing.

    `fields` maps contract column names to values (missing or None = empty). The row is
    refused, with the checker's own errors at the line it would take, when the checker would
    reject it, or when another row reads the same in every column (unless `allow_duplicate`;
    a row identical cell for cell is refused even then, because the checker would report it as
    `duplicate-row` and keep only the first copy). A missing file is created with the contract
    header. Raises `LockTimeout` when another writer holds the lock for `lock_timeout` seconds,
    and `AppendError` when the file system gets in the way.
    """
    path = Path(path)
    check_target(path)
    if vocabulary is None:
        vocabulary = vocabulary_for(path)
    cells = candidate_cells(fields, vocabulary)
    # The row read on its own does not depend on the file, so it is read before locking: the
    # lock is held only for what must be serial.
    alone = load_bytes(
        encode_record(list(COLUMNS), "\n") + encode_record(list(cells.values()), "\n"),
        vocabulary,
    ).rows
    with file_lock(path, lock_timeout):
        for _ in range(_MAX_ATTEMPTS):
            result = _append_locked(path, cells, alone, vocabulary, allow_duplicate)
            if result is not None:
                return result
    raise AppendError(
        f"{path} kept changing while the row was being added (is it open in another program "
        "that saves it?); nothing was written"
    )


def check_target(path: Path) -> None:
    """Refuse a path no row may go to: a file that describes the figures (a vocabulary), a
    lock file, or something that is not a regular file (a folder, a pipe, a device), before
    any lock file is made beside it."""
    for described in vocabulary_files(path):
        if same_file(path, described):
            raise AppendError(
                f"{path} is a file that describes the figures ({described.name}); rows are "
                "added to a figures file only, so nothing was written"
            )
    if path.name.endswith(LOCK_SUFFIX):
        raise AppendError(f"{path} is a lock file, not a figures file; nothing was written")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise AppendError(f"cannot add to {path}: {exc.strerror}") from exc
    if not stat.S_ISREG(mode):
        raise AppendError(
            f"{path} is not a regular file (a folder, a pipe or a device); nothing was written"
        )


def _open_existing(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDWR | os.O_APPEND)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AppendError(f"cannot open {path} for appending: {exc.strerror}") from exc


def _read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    chunks = []
    offset = 0
    while offset < size:
        chunk = os.pread(fd, size - offset, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _append_locked(
    path: Path,
    cells: dict[str, str],
    alone: pd.DataFrame,
    vocabulary: Vocabulary,
    allow_duplicate: bool,
) -> AppendResult | None:
    """One read-check-write under the lock; None when the file changed under us (read again)."""
    fd = _open_existing(path)
    try:
        existing = _read_all(fd) if fd is not None else b""
        created = fd is None or existing in (b"", BOM)
        if created:
            # A new (or zero-length) file gets the contract header in the tool's own style.
            prefix = encode_record(list(COLUMNS), "\n")
            layout = _Layout(list(COLUMNS), "\n", prefix, 2)
        else:
            refusal = _unusable(path, existing, vocabulary)
            if refusal is not None:
                return refusal
            layout = _layout(existing)
        stored = _in_file_order(cells, layout.header)
        record = encode_record(list(stored.values()), layout.newline)
        addition = layout.separator + record
        verdict = _check_in_place(
            path, existing + addition, layout, cells, stored, alone, vocabulary, allow_duplicate
        )
        if isinstance(verdict, AppendResult):
            return verdict
        figure, duplicates = verdict
        if fd is None:
            fd = _create(path)
            if fd is None:  # someone created it between our look and now, without the lock
                return None
        if os.fstat(fd).st_size != len(existing):
            return None
        _write_all(fd, addition, len(existing), path)
        notes: tuple[str, ...] = ()
        if layout.separator and not created:
            notes = ("the file's last line had no line ending; one was added before the row",)
        return AppendResult(
            path=path,
            written=True,
            line=layout.next_line,
            cells=stored,
            duplicate_of=duplicates,
            created=created,
            figure=figure,
            notes=notes,
        )
    finally:
        if fd is not None:
            os.close(fd)


def _unusable(path: Path, existing: bytes, vocabulary: Vocabulary) -> AppendResult | None:
    """Refuse files a row cannot safely join: no header, not UTF-8 text."""
    try:
        existing.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError:
        errors = load_bytes(existing, vocabulary).errors
        return AppendResult(path=path, written=False, line=0, cells={}, errors=tuple(errors))
    if not existing.strip(b" \t\r\n" + BOM):
        error = ValidationError(
            "empty-file",
            None,
            "",
            "",
            "the file holds only blank lines, so it has no header to add a row under; "
            "delete it (the tool then creates it) or write the header line",
        )
        return AppendResult(path=path, written=False, line=0, cells={}, errors=(error,))
    return None


def _in_file_order(cells: dict[str, str], header: list[str]) -> dict[str, str]:
    # Unknown extra columns stay empty: the tool has no value for them.
    return {name: cells.get(name, "") for name in header}


def _check_in_place(
    path: Path,
    combined: bytes,
    layout: _Layout,
    cells: dict[str, str],
    stored: dict[str, str],
    alone: pd.DataFrame,
    vocabulary: Vocabulary,
    allow_duplicate: bool,
) -> AppendResult | tuple[FigureRow, tuple[int, ...]]:
    """Load the file as it would be after the append and judge the new row by the loader."""
    line = layout.next_line

    def refuse(
        *errors: ValidationError, duplicates: tuple[int, ...] = (), identical: bool = False
    ) -> AppendResult:
        return AppendResult(
            path=path,
            written=False,
            line=line,
            cells=stored,
            errors=tuple(errors),
            duplicate_of=duplicates,
            identical=identical,
        )

    lost = _lost_values(cells, layout.header, line)
    if lost:
        return refuse(*lost)
    result = load_bytes(combined, vocabulary)
    if result.file_errors:
        return refuse(*result.file_errors)
    own = [error for error in result.errors if error.line == line]
    as_written_twice = [error for error in own if error.code == "duplicate-row"]
    own = [error for error in own if error.code != "duplicate-row"]
    if own:
        return refuse(*own)
    # `alone` is the row read on its own by the same loader: what the file must give back.
    if len(alone) != 1:
        return refuse(_swallowed(result, line))
    expected = alone.iloc[0]
    duplicates = matching_lines(result.rows, expected, line)
    if as_written_twice:
        error = _identical(as_written_twice[0], line)
        return refuse(error, duplicates=duplicates, identical=True)
    if duplicates and not allow_duplicate:
        message = (
            f"{_already(duplicates)} this figure (every column reads the same), so it "
            "was not added; add it anyway only if it is a separate report"
        )
        return refuse(
            ValidationError("duplicate-row", line, "", "", message), duplicates=duplicates
        )
    loaded = result.rows[result.rows["line"] == line]
    if len(loaded) != 1 or not matching_lines(loaded, expected, -1):
        # Something earlier in the file (an unclosed quote) would swallow or bend the row.
        return refuse(_swallowed(result, line))
    return _figure(expected, line), duplicates


def _lost_values(cells: dict[str, str], header: list[str], line: int) -> list[ValidationError]:
    """A value for a column the file's header lacks would be silently dropped: refuse it."""
    return [
        ValidationError(
            "missing-column",
            line,
            name,
            text,
            f"the file's header has no {name!r} column, so this value would be lost; "
            f"add a {name!r} column to the header first, or leave the value empty",
        )
        for name, text in cells.items()
        if text and name not in header
    ]


def _identical(loaders_error: ValidationError, line: int) -> ValidationError:
    """The loader's duplicate-row error for the new row, told as a refusal to add it."""
    # The loader names the copy that is identical as written (its message says which).
    named = re.search(r"repeats line (\d+)", loaders_error.message)
    first = named.group(1) if named else "an earlier line"
    return ValidationError(
        "duplicate-row",
        line,
        "",
        "",
        f"this row repeats line {first} cell for cell; the checker keeps only the first "
        "copy, so it was not added. If it is a separate report, say how it differs in notes",
    )


def _swallowed(result: LoadResult, line: int) -> ValidationError:
    """Why the appended record did not come back as a row of its own."""
    unclosed = [error for error in result.errors if error.code == "unclosed-quote"]
    if unclosed:
        start = unclosed[-1].line
        return ValidationError(
            "unclosed-quote",
            start,
            "",
            "",
            f"line {start} opens a quoted value that is never closed, so a row added after it "
            f"would be read as part of that value; close the quote on line {start} (or delete "
            "that unfinished row) and add again",
        )
    return ValidationError(
        "unclosed-quote",
        line,
        "",
        "",
        "the row would not read back as a row of its own at the end of this file; run "
        "`python -m figures check` on the file and fix what it reports first",
    )


def matching_lines(
    rows: pd.DataFrame, expected: pd.Series, line: int, columns: tuple[str, ...] = IDENTITY
) -> tuple[int, ...]:
    """Lines of `rows` (other than `line`) whose `columns` all read as in `expected` (by
    default every column: the row would repeat them)."""
    # Narrow by value first (numpy, cheap); only the few rows left are compared column by column.
    candidates = rows[
        (rows["value"].to_numpy() == int(expected["value"])) & (rows["line"].to_numpy() != line)
    ]
    same = pd.Series(True, index=candidates.index)
    for name in columns:
        if candidates.empty:
            break
        column = candidates[name]
        if pd.isna(expected[name]):
            same &= column.isna()
        else:
            same &= column.eq(expected[name]).fillna(False).astype(bool)
        candidates = candidates[same]
        same = same[same]
    return tuple(int(number) for number in candidates["line"])


def _figure(row: pd.Series, line: int) -> FigureRow:
    high = row["value_high"]
    published = row["published"]
    # Built without re-validation: the loader has just accepted these values, and its rules
    # are the ones files are held to.
    return FigureRow.model_construct(
        as_of=row["as_of"].to_pydatetime(),
        as_of_has_time=bool(row["as_of_has_time"]),
        metric=row["metric"],
        group=row["group"],
        qualifier=row["qualifier"],
        value=int(row["value"]),
        value_high=None if pd.isna(high) else int(high),
        place=row["place"],
        reported_by=row["reported_by"],
        affiliation=row["affiliation"],
        outlet=row["outlet"],
        published=None if pd.isna(published) else published.date(),
        url=row["url"],
        quote=row["quote"],
        notes=row["notes"],
        as_of_margin_days=int(row["as_of_margin_days"]),
        since=None if pd.isna(row["since"]) else row["since"].date(),
        line=line,
    )


def _create(path: Path) -> int | None:
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return None
    except OSError as exc:
        raise AppendError(f"cannot create {path}: {exc.strerror}") from exc
    # The new name must survive a crash too, not only the bytes.
    directory = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return fd


def _write_all(fd: int, data: bytes, original_size: int, path: Path) -> None:
    """Write `data` at the end, whole, and make it durable; on failure leave the file as it was.

    One `write` on an O_APPEND descriptor puts a row down in one piece (the loop only matters
    if the kernel ever writes less, e.g. on a full disk).
    """
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except OSError as exc:
        # Cutting back to the old length restores the old bytes exactly; we hold the lock, so
        # no other row can have landed after them.
        try:
            os.ftruncate(fd, original_size)
            os.fsync(fd)
        except OSError:
            pass
        raise AppendError(f"could not write to {path}: {exc.strerror}; nothing was added") from exc
    stat = os.fstat(fd)
    try:
        current = os.stat(path)
    except FileNotFoundError:
        current = None
    if current is None or (current.st_ino, current.st_dev) != (stat.st_ino, stat.st_dev):
        raise AppendError(
            f"{path} was replaced by another program (a spreadsheet saving it?) while the row "
            "was being added, so the row went to the old copy; add it again"
        )
