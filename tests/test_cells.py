"""A cell's text makes the round trip: written by the add path or an export, read by the loader.

One module (`figures.cells`) decides how text is escaped on the way out and read on the way
in; these properties hold it to "what was typed is what is read", for any text, including
text that starts with apostrophes, = + - @, whitespace, quotes and line breaks.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from figures.append import append_figure
from figures.cells import (
    escape_formula,
    escape_formulas,
    is_url,
    unescape_formulas,
    url_problem,
)
from figures.validation import load_bytes, load_figures
from tests.support import HEADER, VOCABULARY, load

# Characters that sit on the edges of the rules, mixed into any Unicode text a cell may hold:
# everything but control characters, which the checker refuses (line breaks aside), and halves
# of surrogate pairs, which no UTF-8 file can hold (codec="utf-8").
_CONTROLS = [chr(code) for code in (*range(0x20), 0x7F) if chr(code) not in "\r\n"]
_EDGES = st.sampled_from(["'", "=", "+", "-", "@", "\r", "\n", "\r\n", '"', ",", " "])
_CELL_CHARS = st.characters(codec="utf-8", exclude_characters=_CONTROLS)
ANY_TEXT = st.lists(st.one_of(_EDGES, st.text(alphabet=_CELL_CHARS, max_size=3)), max_size=12).map(
    "".join
)
# Any text with a control character inside it (not at an edge, where it is trimmed away).
WITH_CONTROL = st.tuples(ANY_TEXT, st.sampled_from(_CONTROLS), ANY_TEXT).map(
    lambda parts: f"a{parts[0]}{parts[1]}{parts[2]}z"
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

FIGURE = {
    "as_of": "2023-10-01",
    "metric": "fled",
    "value": "100417",
    "reported_by": "Government of Armenia",
    "affiliation": "armenia",
    "outlet": "Armenpress",
}


def as_kept(text: str) -> str:
    """What the contract keeps of a typed value: line breaks as LF, no surrounding spaces."""
    return _LINE_BREAK.sub("\n", text).strip()


@given(ANY_TEXT)
def test_the_loader_reads_back_exactly_what_the_escape_wrote(text: str) -> None:
    stored = escape_formula(text)
    assert unescape_formulas(pd.Series([stored], dtype="str")).tolist() == [text]
    # What a spreadsheet would run is never stored as it is.
    assert not stored.startswith(("=", "+", "-", "@"))


@given(ANY_TEXT, ANY_TEXT)
def test_any_text_added_through_the_add_path_reads_back_as_typed(text: str, other: str) -> None:
    quote = text if as_kept(text) else "the words"  # required: blank is refused, rightly
    outlet = other if as_kept(other) else "AFP"
    fields = {**FIGURE, "quote": quote, "notes": other, "place": text, "outlet": outlet}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "figures.csv"
        result = append_figure(path, fields, vocabulary=VOCABULARY)
        assert result.written, result.errors
        loaded = load_figures(path, VOCABULARY)
    assert loaded.errors == []
    row = loaded.rows.iloc[0]
    for name in ("quote", "notes", "place", "outlet"):
        assert row[name] == as_kept(fields[name])
    assert result.figure is not None
    assert (result.figure.quote, result.figure.notes) == (as_kept(quote), as_kept(other))


@given(ANY_TEXT)
def test_any_loaded_text_survives_a_csv_export_and_reload(text: str) -> None:
    # Imported here: the exports pull in the charts, which the other tests do not need.
    from figures.exports import figures_csv

    rows = load(HEADER + "\n2023-10-01,fled,,,5,,,A,armenia,AFP,,,words,\n").rows
    # Loaded text has no surrounding whitespace; within it, every character comes back.
    names = ("place", "notes", "quote", "reported_by") if text.strip() else ("place", "notes")
    for name in names:
        rows.loc[0, name] = text
    again = load_bytes(figures_csv(rows), VOCABULARY)
    assert again.errors == []
    for name in names:
        assert again.rows.loc[0, name] == text.strip()


@given(WITH_CONTROL)
def test_text_with_a_control_character_is_refused_by_the_add_path(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "figures.csv"
        result = append_figure(path, {**FIGURE, "quote": text}, vocabulary=VOCABULARY)
        assert not path.exists()
    assert not result.written
    assert [(e.line, e.column, e.code) for e in result.errors] == [
        (2, "quote", "control-character")
    ]


@given(WITH_CONTROL)
def test_a_csv_export_drops_control_characters_and_keeps_the_rest(text: str) -> None:
    from figures.cells import without_controls
    from figures.exports import figures_csv

    rows = load(HEADER + "\n2023-10-01,fled,,,5,,,A,armenia,AFP,,,words,\n").rows
    names = ("place", "notes", "quote", "reported_by")
    for name in names:
        rows.loc[0, name] = text  # rows built in code, never checked
    written = figures_csv(rows)
    assert not any(char.encode() in written for char in _CONTROLS)
    again = load_bytes(written, VOCABULARY)
    assert again.errors == []
    for name in names:
        assert again.rows.loc[0, name] == without_controls(text)


def test_the_spreadsheet_examples_of_the_data_contract() -> None:
    # docs/data-contract.md, "Text a spreadsheet would run: the apostrophe".
    stored = ["'=1+1", "'-5 is not a count", "''=x", "'Thousands' recorded as …"]
    read = ["=1+1", "-5 is not a count", "'=x", "'Thousands' recorded as …"]
    assert unescape_formulas(pd.Series(stored, dtype="str")).tolist() == read
    assert [escape_formula(text) for text in read] == stored


# ---------------------------------------------------------------------------------------------
# The URL rule.


def test_a_link_smuggled_after_an_address_is_refused_with_the_reason() -> None:
    problem = url_problem("https://a.example/>)[Click_me](javascript:alert(1))")
    assert problem is not None and "angle bracket (>)" in problem
    assert "brackets do not pair up" in str(url_problem("https://a.example/)[x](javascript:y)"))
    for text in ('https://a.example/"x', "https://a.example/'x", "https://a.example/a b"):
        assert not is_url(text), text


def test_addresses_people_copy_from_a_browser_are_urls() -> None:
    for text in (
        "https://en.wikipedia.org/wiki/Lachin_(town)",
        "HTTPS://Example.org/path?q=1&r=%20#part",
        "https://hy.wikipedia.org/wiki/Ստեփանակերտ",
        "http://[2001:db8::1]:8080/x",
    ):
        assert url_problem(text) is None, text
    for text in ("javascript:alert(1)", "ftp://example.org", "www.example.org", "https://"):
        assert url_problem(text) == "only http:// or https:// addresses are allowed", text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(), max_size=8))
def test_the_column_escaper_escapes_as_the_cell_escaper(texts: list[str]) -> None:
    column = pd.Series(texts, dtype="str")
    assert escape_formulas(column).tolist() == [escape_formula(text) for text in texts]
