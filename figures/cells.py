"""One cell of a figures CSV: how its text is written out and read back, and what a URL is.

Every writer of a figures CSV (`figures add`, the dashboard's form, the CSV and HXL exports)
writes a cell through `escape_formula` and `encode_record`, and the loader reads it back
through `unescape_formulas`; they share one rule, so any text makes the round trip unchanged.

The formula rule. A spreadsheet runs a cell that starts with = + - or @ as a formula, so such
text is stored behind one apostrophe (the spreadsheet's own mark for "this is text"), and the
loader removes exactly one apostrophe from the front of text that is apostrophes followed by
one of those characters. Text that already starts with apostrophes and then such a character
gets one more apostrophe too: "'=1" is stored as "''=1" and reads back as "'=1". Any other
apostrophe is text and is left alone ("'Thousands' recorded as ...").

The URL rule. A URL is drawn as a link on the page and in exports, so it must be an http(s)
address and nothing that could break out of a link: see `url_problem`; `link_target` gives the
address as a link carries it.

The control rule. No cell may hold a control character other than a line break (the checker
refuses it, `control_problem`), and every export strips them (`without_controls`), so a row
that never went through the checker still gives a well-formed SVG and a PNG.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

import pandas as pd

FORMULA_STARTS = "=+-@"
# Apostrophes, then a character a spreadsheet would run: text the writer escapes.
_FORMULA_LIKE = re.compile(r"^'*[=+\-@]")
# The one apostrophe the writer added in front of such text: what the reader removes.
_ESCAPE_MARK = r"^'(?='*[=+\-@])"


def escape_formula(text: str) -> str:
    """Text as stored in a cell: formula-like text behind one more apostrophe."""
    return "'" + text if _FORMULA_LIKE.match(text) else text


def escape_formulas(cells: pd.Series) -> pd.Series:
    """`escape_formula` over a text column, column-wise: for text that leaves the program
    through a table a viewer can download (the chart's data, the figures table)."""
    return cells.str.replace(r"^(?='*[=+\-@])", "'", regex=True)


def unescape_formulas(cells: pd.Series) -> pd.Series:
    """A text column as stored, read back: one apostrophe removed where the writer added it."""
    return cells.str.replace(_ESCAPE_MARK, "", regex=True)


def encode_record(cells: list[str], newline: str) -> bytes:
    """One CSV record, quoted the way the loader reads it back (RFC 4180, minimal quoting).

    A cell is quoted when it holds a comma, a quote or a line break, or has surrounding
    whitespace (which a reader that trims unquoted cells would otherwise lose).
    """
    out = []
    for cell in cells:
        if any(char in cell for char in ',"\r\n') or cell != cell.strip():
            cell = '"' + cell.replace('"', '""') + '"'
        out.append(cell)
    return (",".join(out) + newline).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# URLs.

# Scheme in any case, "://", then at least one character of the host.
_WEB_ADDRESS = re.compile(r"^(?i:https?)://[^/?#]")
# Characters that end a link in Markdown, HTML or a chat message, or open a second one:
# an address holding them cannot be drawn as one safe link. Real addresses percent-encode them.
_LINK_BREAKERS = {
    '"': "a double quote",
    "'": "an apostrophe",
    "`": "a backtick",
    "<": "an angle bracket",
    ">": "an angle bracket",
    "\\": "a backslash",
}
_PAIRS = {")": "(", "]": "["}


def url_problem(text: str) -> str | None:
    """Why `text` is not a URL the product may link to, or None when it is one.

    A URL is an http:// or https:// address (scheme in any case) with a host, that parses,
    holds no whitespace or invisible character, no quote, backtick, angle bracket or
    backslash, and whose round and square brackets pair up: a Wikipedia title in brackets is
    fine, while "x)[text](javascript:...)" smuggles a second link in.
    """
    if not _WEB_ADDRESS.match(text):
        return "only http:// or https:// addresses are allowed"
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            return f"it holds {_named(char)}; an address has no spaces or invisible characters"
        if char in _LINK_BREAKERS:
            return f"it holds {_LINK_BREAKERS[char]} ({char}), which an address never does"
    if not _balanced(text):
        return "its brackets do not pair up, as they do in an address copied whole"
    try:
        urlsplit(text)
    except ValueError as exc:  # a bracketed host that is not an IPv6 address, for one
        return f"it does not read as an address ({exc})"
    return None


def is_url(text: str) -> bool:
    """Whether `text` is a URL the product may link to (see `url_problem`)."""
    return url_problem(text) is None


def _named(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"a {name.lower()} (U+{ord(char):04X})" if name else f"the character U+{ord(char):04X}"


def _balanced(text: str) -> bool:
    stack: list[str] = []
    for char in text:
        if char in "([":
            stack.append(char)
        elif char in _PAIRS and (not stack or stack.pop() != _PAIRS[char]):
            return False
    return not stack


def link_target(text: str) -> str | None:
    """The address a link may carry for `text`, or None when it is not a URL (`url_problem`).

    Past the rule, characters that mean something to Markdown or HTML around a link (round
    and square brackets, and anything outside printable ASCII) are percent-encoded, as a
    browser would send them: the link goes where the address says, and its text cannot be
    read as more markup. The host is kept as written (an IPv6 host keeps its brackets).
    """
    if url_problem(text) is not None:
        return None
    parts = urlsplit(text)
    # Reserved characters of an address, minus the brackets; "%" stays, so an address that is
    # already encoded is not encoded twice.
    safe = "/:@!$&*+,;=%~?#"
    return urlunsplit(
        (
            parts.scheme,
            parts.netloc,
            quote(parts.path, safe=safe),
            quote(parts.query, safe=safe),
            quote(parts.fragment, safe=safe),
        )
    )


# ---------------------------------------------------------------------------------------------
# Control characters.

# C0 control characters but the two line breaks a quoted cell may hold (LF, CR), and DEL. A
# tab is one of them: it is invisible in a cell, splits a pasted row into columns in a
# spreadsheet, and no source's words need it (a space does). NUL and the rest break exports:
# XML forbids them, so an SVG holding one is not an SVG.
CONTROL_CHARS = "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]"
_CONTROL = re.compile(CONTROL_CHARS)
# What exports take out: the same, and the characters XML 1.0 forbids besides (U+FFFE,
# U+FFFF, and halves of surrogate pairs, which only text built in code can hold).
_NOT_EXPORTED = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def control_problem(text: str) -> str | None:
    """Why `text` may not be a cell (the first control character it holds), or None."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    char = found.group()
    return (
        f"holds a control character ({_control_name(char)}) at character "
        f"{found.start() + 1}, which no text needs and which breaks exports; delete it"
        + (" (use a space for a tab)" if char == "\t" else "")
    )


def _control_name(char: str) -> str:
    names = {"\x00": "NUL", "\t": "a tab", "\x7f": "DEL"}
    return names.get(char, f"U+{ord(char):04X}")


def without_controls(text: str) -> str:
    """Text as an export writes it: without control characters (line breaks aside) and the
    characters XML forbids."""
    return _NOT_EXPORTED.sub("", text)
