"""The add path's assistant, without Streamlit: what a quote proposes, and what a row would do.

`figures add` and the dashboard's "Add a figure" form both draw from here, so they propose the
same figures and warn about the same things:

- `propose(quote)`: the figures the quote reader (`figures.quotes`) finds, most likely first,
  each with the words it was read from and the quote with those words marked, as plain text;
- `source_problem(url, notes)`: a row needs its source's address, or a reason in notes;
- `would_be(rows, candidate, vocabulary)`: the conflicts the row would take part in (the
  engine run on the file plus the row, through `find_conflicts` only) and the rows that
  already record the same figure;
- `editor_note(notes, editor, when)`: who added a row on the dashboard, kept in `notes`, so
  the file's columns stay those of the contract.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from figures.append import FieldValue, candidate_cells, landing_line, matching_lines
from figures.cells import encode_record
from figures.conflicts import Conflict, find_conflicts
from figures.contract import COLUMNS
from figures.errors import ValidationError
from figures.quotes import Candidate, parse_quote
from figures.validation import load_bytes
from figures.vocabulary import Vocabulary
from figures.wording import value_as_written

LOG = logging.getLogger(__name__)
# What makes two rows the same figure for the warning (issue 16): the same quantity, number,
# reporter and moment, whatever the qualifier, outlet or words.
SAME_FIGURE = ("metric", "group", "place", "value", "reported_by", "as_of")
# How the words a proposal was read from are marked in the quote: characters a quote does not
# hold, and that no renderer reads as markup.
MARK_OPEN, MARK_CLOSE = "⟦", "⟧"
# Characters of context kept either side of the marked words in a long quote.
CONTEXT = 60
MAX_PROPOSALS = 6
# An editor's name as kept in notes: one line, no invisible characters, not a paragraph.
MAX_EDITOR = 80


@dataclass(frozen=True)
class Proposal:
    """One figure a quote proposes, and where in the quote it was read."""

    candidate: Candidate
    words: str  # the quote's words it was read from
    marked: str  # the quote (or the part around the words) with the words between ⟦ ⟧

    @property
    def qualifier(self) -> str:
        return self.candidate.qualifier or "exact"

    @property
    def said(self) -> str:
        """The figure as the contract words it: 'more than 100,000'."""
        return value_as_written(self.qualifier, self.candidate.value, self.candidate.value_high)

    @property
    def label(self) -> str:
        """One line for a person: 'more than 100,000 (from "more than 100,000")'."""
        vague = "; vague words: the least they allow" if self.candidate.vague else ""
        return f'{self.said} (from "{self.words}"{vague})'

    def fields(self) -> dict[str, str]:
        """The row's value, qualifier and upper end, as the add path takes them."""
        high = self.candidate.value_high
        return {
            "qualifier": self.qualifier,
            "value": str(self.candidate.value),
            "value_high": "" if high is None else str(high),
        }


def mark(quote: str, start: int, end: int, context: int = CONTEXT) -> str:
    """The quote with quote[start:end] between ⟦ and ⟧; a long quote is cut to `context`
    characters either side, with … where it was cut."""
    before = quote[max(0, start - context) : start]
    after = quote[end : end + context]
    head = "…" if start - context > 0 else ""
    tail = "…" if end + context < len(quote) else ""
    return f"{head}{before}{MARK_OPEN}{quote[start:end]}{MARK_CLOSE}{after}{tail}"


def propose(quote: str, limit: int = MAX_PROPOSALS) -> list[Proposal]:
    """The figures `quote` may give, most likely first, one per distinct figure."""
    proposals: list[Proposal] = []
    seen: set[tuple[int, int | None, str | None]] = set()
    try:
        candidates = parse_quote(quote)
    except Exception:  # the assistant is a help: a fault in it must never stop an addition
        LOG.exception("the quote reader failed on %r", quote[:200])
        return []
    for candidate in candidates:
        if candidate.key() in seen:
            continue
        seen.add(candidate.key())
        words = quote[candidate.start : candidate.end]
        proposals.append(Proposal(candidate, words, mark(quote, candidate.start, candidate.end)))
        if len(proposals) == limit:
            break
    return proposals


def source_problem(url: str | None, notes: str | None) -> str | None:
    """Why a row may not be added without a source address, or None when it may.

    A reader of the file must be able to find the words again: a row without a URL says in
    notes why there is none (a broadcast, a paper copy, a briefing in a closed channel).
    """
    if (url or "").strip() or (notes or "").strip():
        return None
    return (
        "no source URL: give the address of the article, or say in notes why there is none "
        "(e.g. 'TV broadcast, no web copy')"
    )


def clean_editor(name: str | None) -> str:
    """An editor's name as kept in notes: one line of visible characters, at most MAX_EDITOR."""
    text = "".join(
        " " if char.isspace() else char
        for char in (name or "")
        if not unicodedata.category(char).startswith("C") or char.isspace()
    )
    return " ".join(text.split())[:MAX_EDITOR]


def editor_note(notes: str | None, editor: str, when: dt.datetime) -> str:
    """`notes` with who added the row on the dashboard, and when (in UTC), at the end."""
    moment = when.astimezone(dt.UTC) if when.tzinfo else when
    said = f"Added on the dashboard by {clean_editor(editor)}, {moment:%Y-%m-%d %H:%M} UTC."
    text = (notes or "").strip()
    return f"{text} {said}" if text else said


# ---------------------------------------------------------------------------------------------
# What the row would do to the file.


@dataclass(frozen=True)
class WouldBe:
    """The candidate row read as the loader reads it, and what it would take part in."""

    line: int  # where it would land
    errors: tuple[ValidationError, ...] = ()  # the checker's errors for the row on its own
    conflicts: tuple[Conflict, ...] = ()  # the flags the row would be part of
    same_figure: tuple[int, ...] = ()  # lines that already record the same figure
    # Of those, the lines it would repeat in every column (the append itself refuses these,
    # and says so in its own words).
    repeats: tuple[int, ...] = ()
    row: pd.DataFrame | None = field(default=None, compare=False)


def candidate_row(
    fields: Mapping[str, FieldValue], vocabulary: Vocabulary, line: int
) -> tuple[pd.DataFrame, list[ValidationError]]:
    """The row as the loader reads it (0 or 1 rows, numbered `line`), and its errors."""
    cells = candidate_cells(fields, vocabulary)
    raw = encode_record(list(COLUMNS), "\n") + encode_record(list(cells.values()), "\n")
    result = load_bytes(raw, vocabulary)
    errors = [
        ValidationError(error.code, line, error.column, error.value, error.message)
        for error in result.errors
        if error.line == 2
    ]
    rows = result.rows.copy()
    rows["line"] = line
    return rows, errors


def same_figure_lines(rows: pd.DataFrame, row: pd.Series) -> tuple[int, ...]:
    """Lines of `rows` recording the same figure as `row` (see SAME_FIGURE)."""
    if rows.empty:
        return ()
    return matching_lines(rows, row, int(row["line"]), SAME_FIGURE)


def would_be(
    rows: pd.DataFrame, fields: Mapping[str, FieldValue], vocabulary: Vocabulary, line: int
) -> WouldBe:
    """What adding `fields` as line `line` under the valid `rows` of a file would do."""
    row, errors = candidate_row(fields, vocabulary, line)
    if errors or row.empty:
        return WouldBe(line=line, errors=tuple(errors))
    together = pd.concat([rows, row], ignore_index=True) if len(rows) else row
    conflicts = tuple(c for c in find_conflicts(together, vocabulary) if line in c.lines)
    same = same_figure_lines(rows, row.iloc[0])
    repeats = matching_lines(rows, row.iloc[0], line) if same else ()
    return WouldBe(line=line, conflicts=conflicts, same_figure=same, repeats=repeats, row=row)


def would_be_in_file(
    path: Path, rows: pd.DataFrame, fields: Mapping[str, FieldValue], vocabulary: Vocabulary
) -> WouldBe:
    """`would_be` for the file at `path`, whose valid rows are `rows`, at its landing line."""
    return would_be(rows, fields, vocabulary, landing_line(path))


def same_figure_warning(lines: tuple[int, ...]) -> str | None:
    """The sentence warning that the file already records the figure, or None."""
    if not lines:
        return None
    where = (
        f"line {lines[0]} already records"
        if len(lines) == 1
        else "lines " + ", ".join(map(str, lines)) + " already record"
    )
    return (
        f"{where} this figure (the same metric, group, place, value, reporter and as-of "
        "date); add it only if it is a separate report"
    )


def conflict_sentences(would: WouldBe) -> list[str]:
    """One sentence per conflict the row would take part in, naming the other lines."""
    out = []
    for conflict in would.conflicts:
        others = [str(other) for other in conflict.lines if other != would.line]
        with_whom = f" with line{'s' if len(others) > 1 else ''} {', '.join(others)}"
        out.append(f"{conflict.code}{with_whom if others else ''}: {conflict.explanation}")
    return out
