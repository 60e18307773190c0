"""The add path's assistant (figures.proposal): proposals from a quote, the source rule, the
editor's note, and what a would-be row does to the shipped file (issue 16, issue 18 item 8)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from figures.proposal import (
    MARK_CLOSE,
    MARK_OPEN,
    clean_editor,
    editor_note,
    mark,
    propose,
    same_figure_warning,
    source_problem,
    would_be,
    would_be_in_file,
)
from figures.validation import load_figures
from tests.support import SEED_FIGURES, VOCABULARY

# The 13 seed rows the tests name by line (a new row is line 15), not the growing data file.
SHIPPED = SEED_FIGURES
ROWS = load_figures(SHIPPED, VOCABULARY).rows
NEXT_LINE = 15

# Line 9 of the shipped file: AFP, 30 September, "more than 100,000 ... had fled".
LINE_9 = {
    "as_of": "2023-09-30",
    "metric": "fled",
    "qualifier": "more_than",
    "value": "100000",
    "place": "Nagorno-Karabakh",
    "reported_by": "Nikol Pashinyan, Prime Minister of Armenia",
    "affiliation": "armenia",
    "outlet": "AFP",
    "quote": "more than 100,000 had fled",
}


def test_a_quote_proposes_its_figures_with_the_words_they_came_from() -> None:
    quote = "Pashinyan said more than 100,000 of the estimated 120,000 inhabitants had fled"
    proposals = propose(quote)
    said = {p.said: p for p in proposals}
    assert "more than 100,000" in said and "about 120,000" in said
    more = said["more than 100,000"]
    assert more.words == "more than 100,000"
    assert more.marked == f"Pashinyan said {MARK_OPEN}more than 100,000{MARK_CLOSE} of the " + (
        "estimated 120,000 inhabitants had fled"
    )
    assert more.fields() == {"qualifier": "more_than", "value": "100000", "value_high": ""}
    assert more.label == 'more than 100,000 (from "more than 100,000")'


def test_a_range_proposes_both_ends_and_vague_words_say_so() -> None:
    (five,) = propose("five to six buses left")
    assert five.fields() == {"qualifier": "range", "value": "5", "value_high": "6"}
    (thousands,) = propose("thousands fled overnight")
    assert thousands.fields()["qualifier"] == "at_least"
    assert "vague words" in thousands.label


def test_no_number_no_proposal() -> None:
    assert propose("the convoy left at dawn") == []


def test_a_long_quote_is_cut_around_the_marked_words() -> None:
    quote = "x" * 200 + " 311 civilians " + "y" * 200
    start = quote.index("311")
    marked = mark(quote, start, start + 3, context=10)
    assert marked == "…" + "x" * 9 + " " + MARK_OPEN + "311" + MARK_CLOSE + " civilians…"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120) | st.from_regex(r"[0-9 ,.]{1,40}", fullmatch=True))
def test_every_proposal_marks_words_of_the_quote(quote: str) -> None:
    # Never raises, even where the reader itself fails ("10000000000000000000000000000").
    for proposal in propose(quote):
        start, end = proposal.candidate.start, proposal.candidate.end
        assert proposal.words == quote[start:end]
        assert MARK_OPEN + proposal.words + MARK_CLOSE in proposal.marked


def test_a_row_without_a_url_needs_a_reason_in_notes() -> None:
    assert "no source URL" in (source_problem("", "") or "")
    assert "no source URL" in (source_problem("  ", None) or "")
    assert source_problem("https://example.org/a", "") is None
    assert source_problem("", "TV broadcast, no web copy") is None


def test_the_editor_note_is_added_to_notes_in_utc() -> None:
    when = dt.datetime(2026, 12, 7, 15, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert editor_note("", "Ana", when) == "Added on the dashboard by Ana, 2026-12-07 14:05 UTC."
    assert editor_note(" Read from the map. ", "Ana", when) == (
        "Read from the map. Added on the dashboard by Ana, 2026-12-07 14:05 UTC."
    )


def test_an_editor_name_is_one_short_line_of_visible_text() -> None:
    assert clean_editor("  Ana\n\tMaria\x00\u202e ") == "Ana Maria"
    assert len(clean_editor("a" * 500)) == 80


def test_a_row_that_contradicts_the_file_shows_its_conflicts_before_it_is_written() -> None:
    # Lines 12-14 say 0 and about 10,000 Armenian troops on 19 September; 5,000 disagrees.
    fields = {
        "as_of": "2023-09-19",
        "metric": "troops",
        "value": "5000",
        "place": "Nagorno-Karabakh",
        "reported_by": "A reporter",
        "affiliation": "media",
        "outlet": "An outlet",
        "quote": "5,000 troops",
    }
    would = would_be(ROWS, fields, VOCABULARY, NEXT_LINE)
    assert not would.errors
    assert would.conflicts
    assert all(NEXT_LINE in conflict.lines for conflict in would.conflicts)
    assert {12, 13} <= {line for c in would.conflicts for line in c.lines}
    assert would.same_figure == ()


def test_the_same_figure_already_in_the_file_is_named_by_its_line() -> None:
    # The same quantity, number, reporter and day as line 9, in other words and another outlet.
    fields = {**LINE_9, "outlet": "Reuters", "qualifier": "exact"}
    would = would_be_in_file(SHIPPED, ROWS, fields, VOCABULARY)
    assert would.line == NEXT_LINE
    lines = [int(line) for line in ROWS.loc[ROWS["value"] == 100000, "line"]]
    assert would.same_figure and set(would.same_figure) <= set(lines)
    warning = same_figure_warning(would.same_figure) or ""
    assert f"line {would.same_figure[0]} already records this figure (the same metric" in warning
    # Another day is another figure.
    other_day = would_be(ROWS, {**fields, "as_of": "2023-10-02"}, VOCABULARY, NEXT_LINE)
    assert other_day.same_figure == ()


def test_a_row_the_checker_rejects_reports_its_errors_not_conflicts() -> None:
    would = would_be(ROWS, {**LINE_9, "value": "100k"}, VOCABULARY, NEXT_LINE)
    assert [(e.line, e.column) for e in would.errors] == [(NEXT_LINE, "value")]
    assert would.conflicts == ()


def test_a_row_repeating_one_in_every_column_is_told_apart_from_the_same_figure() -> None:
    row = ROWS[ROWS["line"] == 9].iloc[0]
    fields = {
        name: ("" if str(row[name]) in ("nan", "NaT", "<NA>") else str(row[name]))
        for name in ("metric", "group", "qualifier", "value", "place", "reported_by")
    }
    fields |= {
        "as_of": "2023-09-30",
        "affiliation": row["affiliation"],
        "outlet": row["outlet"],
        "published": "2023-09-30",
        "url": row["url"],
        "quote": row["quote"],
        "notes": row["notes"],
    }
    would = would_be(ROWS, fields, VOCABULARY, NEXT_LINE)
    assert 9 in would.same_figure and would.repeats == (9,)
    other_outlet = would_be(ROWS, {**fields, "outlet": "Reuters"}, VOCABULARY, NEXT_LINE)
    assert 9 in other_outlet.same_figure and other_outlet.repeats == ()
