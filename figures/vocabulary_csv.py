"""Reading one vocabulary CSV (metrics.csv, groups.csv, places.csv, sides.csv) before any of
its rows is trusted: a regular file of at most MAX_VOCABULARY_BYTES, UTF-8, with the columns
its parser needs; each filled row with the line it starts on; and the cells no vocabulary may
hold (control characters, a name a spreadsheet would run as a formula). Every problem is a
`bad-vocabulary` error with its line, for `figures check` to print. The parsers of each file
are in `figures.vocabulary`.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

from figures.cells import FORMULA_STARTS, control_problem
from figures.errors import ValidationError


class Unreadable(Exception):
    """A vocabulary file a person must fix before any of its rows can be trusted."""

    def __init__(self, error: ValidationError):
        self.error = error


# A vocabulary is a few dozen lines; anything near this size is not one.
MAX_VOCABULARY_BYTES = 10 * 2**20


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; raises Unreadable for what is not a regular file (a pipe or a device
    would block or never end) or is larger than MAX_VOCABULARY_BYTES, before reading it."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as handle:
        seen = os.fstat(descriptor)
        if not stat.S_ISREG(seen.st_mode):
            raise Unreadable(
                bad_vocabulary(1, "", "", "it is not a regular file (a pipe, a device?)")
            )
        if seen.st_size > MAX_VOCABULARY_BYTES:
            message = f"it is {seen.st_size:,} bytes; a vocabulary is at most 10 MiB"
            raise Unreadable(bad_vocabulary(1, "", "", message))
        return handle.read(MAX_VOCABULARY_BYTES + 1)


def cell_problem(line: int, row: dict[str, str], names: tuple[str, ...]) -> ValidationError | None:
    """A cell no vocabulary may hold: a control character anywhere, or a name (a word written
    into figures files, `names`) that a spreadsheet would run as a formula (= + - @)."""
    for column, text in row.items():
        problem = control_problem(text)
        if problem is not None:
            return bad_vocabulary(line, column, text, f"{column} {problem}")
    for column in names:
        text = row.get(column, "")
        if text.startswith(tuple(FORMULA_STARTS)):
            return bad_vocabulary(
                line,
                column,
                text,
                f"{column} {text[:40]!r} starts with {text[0]!r}, which a spreadsheet runs as a "
                "formula; a name is a plain word (letters, digits, _)",
            )
    return None


def read_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows with any cell filled, each with the line it starts on. Raises Unreadable for
    a file a person must fix before any row can be trusted: not UTF-8, or a column missing."""
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The decoder counts from after a byte-order mark: index what it decoded.
        decoded = bytes(exc.object)
        line = decoded[: exc.start].count(b"\n") + 1
        raise Unreadable(
            bad_vocabulary(
                line,
                "",
                "",
                f"byte 0x{decoded[exc.start]:02x} is not UTF-8 text; save the file as "
                "'CSV UTF-8' from the spreadsheet",
            )
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip() for name in reader.fieldnames or []]
    absent = [name for name in required if name not in header]
    if absent:
        raise Unreadable(
            bad_vocabulary(
                1,
                absent[0],
                "",
                f"the header has no {', '.join(map(repr, absent))} "
                + ("column" if len(absent) == 1 else "columns"),
            )
        )
    rows = []
    previous_line = 1
    for row in reader:
        line = previous_line + 1
        previous_line = reader.line_num
        cleaned = {(key or "").strip(): (value or "").strip() for key, value in row.items()}
        if any(cleaned.values()):
            rows.append((line, cleaned))
    return rows


def bad_vocabulary(line: int, column: str, value: str, message: str) -> ValidationError:
    return ValidationError("bad-vocabulary", line, column, value, message)
