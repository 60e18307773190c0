"""The cell rules: one text value in, its parsed value out, or a `CellError` saying why not.

Each rule is a small function of one value, so one rule and one message serve both a single
row (the add path) and a million (the bulk path applies each rule to a column's distinct
values only). The rules here are the contract's one statement of what a cell may hold.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re

from figures.cells import url_problem
from figures.contract import Qualifier

MAX_VALUE = 10**12  # far above any count of people; larger is a slip of the keyboard
# More digits than this can only be above MAX_VALUE: such text is refused before int() reads
# it (Python refuses to convert over 4,300 digits, and reading a long one costs quadratic time).
_MAX_DIGITS = len(str(MAX_VALUE))
# The years a date may fall in. Every figure the tool records was reported in living memory,
# so a year outside this span is a slip of the keyboard (0023 for 2023, 9999 for "unknown");
# the span also lies well inside what the typed table can hold (pandas' nanosecond dates run
# from 1677 to 2262), so a date the checker accepts never fails later (docs/data-contract.md).
FIRST_YEAR = 1900
LAST_YEAR = 2100
# Digits are ASCII only: `\d` would also take Arabic-Indic or Devanagari digits, which int()
# reads but no reader of the file would expect in a count.
_DATE_RE = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?$"
)
# A moment with a time zone ('2023-09-30T20:00+04:00', '…Z'): group 1 is it without the zone.
_ZONED_RE = re.compile(
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)"
    r"\s*(?:Z|[+-][0-9]{2}:?[0-9]{2})$"
)
# Two counts with a dash between them: a range typed into one cell.
_SPAN_RE = re.compile(r"^[0-9][0-9,]*\s*(?:-|–|—|to)\s*[0-9][0-9,]*$")
_NUMBER_RE = re.compile(r"^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)$")

QUALIFIERS = tuple(q.value for q in Qualifier)


class CellError(Exception):
    """A cell's value breaks the contract; `code` is from the error catalogue."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------------------------------------
# Cell rules: text in, parsed value out, or CellError.

_SHOWN_CHARS = 60  # a message quotes at most this much of a cell: enough to find it


def shown(text: str) -> str:
    """A cell as a message quotes it: in quotes, cut short when long (the full value travels
    with the error as its `value`), so a 5,000-digit number gives a readable message."""
    if len(text) <= _SHOWN_CHARS:
        return repr(text)
    return f"{text[:_SHOWN_CHARS]!r}… ({len(text):,} characters)"


def check_moment(text: str, column: str = "as_of") -> tuple[dt.datetime, bool]:
    """An ISO date with an optional time of day: (the moment, whether a time was given)."""
    match = _DATE_RE.match(text)
    if not match:
        zoned = _ZONED_RE.match(text)
        if zoned:
            # With an offset, the time before it is the local time; 'Z' is UTC, not local.
            local = "" if text.rstrip().endswith("Z") else f" ({zoned.group(1)})"
            raise CellError(
                "bad-date",
                f"{shown(text)} has a time zone; write the local time the source gives{local} "
                "and name the zone in notes if it matters",
            )
        hint = ""
        if re.match(r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}$", text):
            hint = " (a spreadsheet may have reformatted it; set the column to text)"
        raise CellError(
            "bad-date",
            f"{shown(text)} is not a date; write it as YYYY-MM-DD, or YYYY-MM-DDTHH:MM when the "
            f"source gives the hour{hint}",
        )
    year, month, day, hour, minute, second = match.groups()
    try:
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError as exc:
        raise CellError("bad-date", f"{shown(text)} is not a real date or time ({exc})") from exc
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise CellError(
            "bad-date",
            f"{shown(text)} is out of range: dates must fall between {FIRST_YEAR} and {LAST_YEAR}; "
            "check the year",
        )
    return moment, hour is not None


def check_count(text: str) -> int:
    """A non-negative whole number, digits only, with spreadsheet thousands commas allowed."""
    cleaned = text.strip()
    if _NUMBER_RE.match(cleaned):
        digits = cleaned.replace(",", "").lstrip("0") or "0"
        number = int(digits) if len(digits) <= _MAX_DIGITS else MAX_VALUE + 1
        if number > MAX_VALUE:
            raise CellError("bad-number", f"{shown(text)} is implausibly large; check the digits")
        return number
    if re.match(r"^-\s*[0-9,]+$", cleaned):
        raise CellError(
            "negative-value", f"{shown(text)} is below zero; a count of people cannot be negative"
        )
    if _SPAN_RE.match(cleaned):
        raise CellError(
            "bad-number",
            f"{shown(text)} is two numbers; for a range such as '50 to 1,000' put the lower end in "
            "value, the upper end in value_high, and set qualifier to 'range'",
        )
    raise CellError(
        "bad-number",
        f"{shown(text)} is not a whole number; write the number in digits, in full "
        "(100000, not 100k or 1e5), without words such as 'about' (use the qualifier column)",
    )


# Words sources use, as analysts type them into the qualifier column, and the qualifier that
# records them. 'nearly' and 'almost' are up_to: below the number, and never claim above it.
_QUALIFIER_WORDS = {
    **dict.fromkeys(("over", "above", "more than", "in excess of", "upwards of"), "more_than"),
    **dict.fromkeys(("no fewer than", "no less than", "minimum", "at minimum"), "at_least"),
    **dict.fromkeys(
        (
            "approximately",
            "approx",
            "approx.",
            "around",
            "roughly",
            "some",
            "circa",
            "c.",
            "estimated",
            "an estimated",
            "~",
            "about",
        ),
        "about",
    ),
    **dict.fromkeys(
        ("nearly", "almost", "as many as", "at most", "no more than", "maximum", "up to"),
        "up_to",
    ),
    **dict.fromkeys(("under", "below", "fewer than", "less than"), "less_than"),
    **dict.fromkeys(("between", "from", "to"), "range"),
    **dict.fromkeys(("exactly", "precisely"), "exact"),
}


def _suggest(text: str, choices: tuple[str, ...] | list[str], where: str = "") -> str:
    said = _QUALIFIER_WORDS.get(" ".join(text.replace("_", " ").lower().split()))
    if said in choices:
        return f"; did you mean {said!r}?"
    close = difflib.get_close_matches(text.lower(), list(choices), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; known values: {', '.join(choices)}{where}"


def check_choice(text: str, choices: tuple[str, ...], code: str, what: str, where: str) -> str:
    if text in choices:
        return text
    if text.lower() in choices:
        return text.lower()
    raise CellError(code, f"{shown(text)} is not a known {what}{_suggest(text, choices, where)}")


def check_url(text: str) -> str:
    """A source's address: the one URL rule (`figures.cells.url_problem`), as a cell rule."""
    problem = url_problem(text)
    if problem is None:
        return text
    raise CellError(
        "bad-url",
        f"{shown(text)} is not a web address; {problem} (leave the cell empty when there is none)",
    )


# The widest margin a date may have: ten years either way is already no date at all.
MAX_MARGIN_DAYS = 3650


def check_margin(text: str) -> int:
    """as_of_margin_days: how many days either way the as_of may be off, a whole number >= 0."""
    cleaned = text.strip()
    if cleaned.isascii() and cleaned.isdigit() and int(cleaned) <= MAX_MARGIN_DAYS:
        return int(cleaned)
    if re.fullmatch(r"-\s*[0-9]+", cleaned):
        problem = "is below zero; the margin is days either way, 0 or more"
    elif cleaned.isascii() and cleaned.isdigit():
        problem = f"is more than {MAX_MARGIN_DAYS:,} days; that is no date at all"
    else:
        problem = "is not a whole number of days"
    raise CellError(
        "bad-margin",
        f"{text!r} {problem} (write 3 for 'last week' dated to its middle; leave it empty "
        "when the date is exact)",
    )


def check_since(text: str) -> dt.datetime:
    """since: the day a running total starts counting, YYYY-MM-DD (a day, no hour)."""
    moment, has_time = check_moment(text, "since")
    if has_time:
        raise CellError("bad-date", f"{text!r} has a time; since is a day, written YYYY-MM-DD")
    return moment
