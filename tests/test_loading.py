"""Reading a figures file as spreadsheets write it, and the file- and record-level errors.

Each test is one example: a small CSV text, what loads from it, and the errors as
[[line, column, code], ...] with lines numbered as an editor shows them.
"""

from __future__ import annotations

from figures.loading import read_table
from tests.support import HEADER, column, flat, lines, load

# ---------------------------------------------------------------------------------------------
# What spreadsheets produce loads.

TWO_ROWS = f"""\
{HEADER}
2023-09-25,arrived,,more_than,2900,,Armenia,Armenian authorities in Yerevan,armenia,Brussels Signal,2023-09-25,,"more than 2,900",
2023-09-30,fled,,more_than,100000,,Nagorno-Karabakh,Nikol Pashinyan,armenia,AFP,2023-09-30,,"more than 100,000 had fled",
"""  # noqa: E501


def test_plain_file_loads_every_row_with_its_line() -> None:
    result = load(TWO_ROWS)
    assert flat(result.errors) == []
    assert lines(result) == [2, 3]
    assert column(result, "value") == [2900, 100000]
    assert column(result, "quote") == ["more than 2,900", "more than 100,000 had fled"]


def test_utf8_bom_is_not_part_of_the_first_column_name() -> None:
    result = load(b"\xef\xbb\xbf" + TWO_ROWS.encode())
    assert flat(result.errors) == []
    assert lines(result) == [2, 3]
    assert column(result, "as_of")[0].isoformat() == "2023-09-25T00:00:00"


def test_crlf_line_endings_load_like_lf() -> None:
    crlf = load(TWO_ROWS.replace("\n", "\r\n"))
    assert flat(crlf.errors) == []
    assert lines(crlf) == [2, 3]
    assert column(crlf, "quote") == column(load(TWO_ROWS), "quote")


QUOTED_NEWLINES = """\
as_of,metric,value,reported_by,affiliation,outlet,quote
2023-09-24,evacuated,311,Russian Ministry of Defence,russia,TASS,"In all, five buses
and 41 private passenger cars were escorted.
As many as 311 civilians, including 102 children, were evacuated."
2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,"more than 100,000 had fled"
2023-09-30,population,fleed,Nikol Pashinyan,armenia,AFP,"estimated 120,000 inhabitants"
"""


def test_quoted_commas_and_newlines_stay_in_their_cell_and_later_lines_stay_right() -> None:
    result = load(QUOTED_NEWLINES)
    assert lines(result) == [2, 5]
    assert column(result, "quote")[0] == (
        "In all, five buses\nand 41 private passenger cars were escorted.\n"
        "As many as 311 civilians, including 102 children, were evacuated."
    )
    # The record after the three-line quote starts on line 5, the bad one on line 6.
    assert flat(result.errors) == [[6, "value", "bad-number"]]


def test_quoted_newlines_with_crlf_count_as_editor_lines() -> None:
    result = load(QUOTED_NEWLINES.replace("\n", "\r\n"))
    assert lines(result) == [2, 5]
    assert flat(result.errors) == [[6, "value", "bad-number"]]


NON_LATIN = """\
as_of,metric,place,value,reported_by,affiliation,outlet,quote
2023-09-26,arrived,Գորիս,6650,Հայաստանի կառավարություն,armenia,Armenpress,"Գորիսում գրանցվել է 6650 մարդ"
2023-09-26,arrived,Xankəndi,2000,Azərbaycan Respublikasının XİN,azerbaijan,APA,"2000 nəfər, o cümlədən uşaqlar"
2023-09-26,evacuated,Степанакерт,311,Минобороны России,russia,ТАСС,"Эвакуированы 311 мирных жителей, в том числе 102 ребенка"
"""  # noqa: E501


def test_armenian_azerbaijani_and_cyrillic_text_loads_unchanged() -> None:
    result = load(NON_LATIN)
    assert flat(result.errors) == []
    assert column(result, "place") == ["Գորիս", "Xankəndi", "Степанакерт"]
    assert column(result, "reported_by")[1] == "Azərbaycan Respublikasının XİN"
    assert column(result, "quote")[2] == "Эвакуированы 311 мирных жителей, в том числе 102 ребенка"


COLUMNS_REORDERED = """\
quote,outlet,affiliation,reported_by,value,metric,as_of,Group,QUALIFIER
five to six,AFP,azerbaijan,Hikmet Hajiyev,5,detained,2023-09-30,all,exact
"""


def test_columns_in_any_order_and_any_case() -> None:
    result = load(COLUMNS_REORDERED)
    assert flat(result.errors) == []
    row = result.rows.iloc[0]
    assert (row["metric"], row["value"], row["reported_by"], row["quote"]) == (
        "detained",
        5,
        "Hikmet Hajiyev",
        "five to six",
    )
    assert (row["group"], row["qualifier"]) == ("all", "exact")


TRAILING_EMPTIES = """\
as_of,metric,value,reported_by,affiliation,outlet,quote
2023-09-30,detained,5,Hikmet Hajiyev,azerbaijan,AFP,five to six
,,,,,,
,,,,

 \t
"""


def test_trailing_blank_lines_and_all_empty_rows_are_not_rows() -> None:
    result = load(TRAILING_EMPTIES)
    assert flat(result.errors) == []
    assert lines(result) == [2]
    assert result.record_count == 1


BLANK_LINES_MID_FILE = """\
as_of,metric,value,reported_by,affiliation,outlet,quote
2023-09-30,detained,5,Hikmet Hajiyev,azerbaijan,AFP,five to six

,,,,,,

2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,more than 100000
2023-09-30,fled,lots,Nikol Pashinyan,armenia,AFP,more than 100000
"""


def test_blank_lines_mid_file_are_skipped_and_line_numbers_stay_right() -> None:
    result = load(BLANK_LINES_MID_FILE)
    assert lines(result) == [2, 6]
    assert flat(result.errors) == [[7, "value", "bad-number"]]


THOUSANDS = """\
as_of,metric,qualifier,value,value_high,reported_by,affiliation,outlet,quote
2023-09-30,fled,more_than,"100,000",,Nikol Pashinyan,armenia,AFP,"more than 100,000"
2023-09-30,population,about,"120,000",,Nikol Pashinyan,armenia,AFP,"estimated 120,000"
2023-10-01,arrived,range,"1,000","1,200",UNHCR,un,UNHCR,"1,000 to 1,200"
"""


def test_thousands_separators_written_by_a_spreadsheet_are_numbers() -> None:
    result = load(THOUSANDS)
    assert flat(result.errors) == []
    assert column(result, "value") == [100000, 120000, 1000]
    assert column(result, "value_high") == [None, None, 1200]


AS_OF_WITH_TIME = """\
as_of,metric,value,reported_by,affiliation,outlet,quote
2023-09-26T20:00,arrived,6650,Government of Armenia,armenia,Armenpress,6650 as of 20:00
2023-09-26 21:30,arrived,7000,Government of Armenia,armenia,Armenpress,7000 as of 21:30
2023-09-26,arrived,4000,Government of Armenia,armenia,Armenpress,4000 that day
"""


def test_as_of_may_carry_a_time_of_day_with_t_or_a_space() -> None:
    result = load(AS_OF_WITH_TIME)
    assert flat(result.errors) == []
    assert [moment.isoformat() for moment in column(result, "as_of")] == [
        "2023-09-26T20:00:00",
        "2023-09-26T21:30:00",
        "2023-09-26T00:00:00",
    ]
    assert column(result, "as_of_has_time") == [True, True, False]


FORMULA_ESCAPED = """\
as_of,metric,value,reported_by,affiliation,outlet,quote,notes
2023-09-30,fled,100000,'@pashinyan,armenia,AFP,'=1+1,'-5 is not a count
2023-09-30,fled,100001,Nikol Pashinyan,armenia,AFP,'Thousands' is a word,'+ plus
"""


def test_formula_escaped_text_loads_without_its_apostrophe() -> None:
    result = load(FORMULA_ESCAPED)
    assert flat(result.errors) == []
    assert column(result, "quote") == ["=1+1", "'Thousands' is a word"]
    assert column(result, "reported_by") == ["@pashinyan", "Nikol Pashinyan"]
    assert column(result, "notes") == ["-5 is not a count", "+ plus"]


def test_text_that_starts_with_an_escaped_apostrophe_round_trips() -> None:
    # The tool escapes "'=x" as "''=x", so the loader removes exactly one apostrophe.
    result = load(
        "as_of,metric,value,reported_by,affiliation,outlet,quote\n"
        "2023-09-30,fled,1,X,armenia,AFP,''=not a formula\n"
    )
    assert column(result, "quote") == ["'=not a formula"]


def test_cells_are_trimmed_of_spaces_a_spreadsheet_adds() -> None:
    result = load(
        "as_of , metric,value,reported_by,affiliation,outlet,quote\n"
        " 2023-09-30 , fled , 100000 ,  Nikol Pashinyan , armenia , AFP , had fled \n"
    )
    assert flat(result.errors) == []
    row = result.rows.iloc[0]
    assert (row["metric"], row["value"], row["reported_by"], row["quote"]) == (
        "fled",
        100000,
        "Nikol Pashinyan",
        "had fled",
    )


def test_old_mac_line_endings_count_as_lines() -> None:
    result = load(BLANK_LINES_MID_FILE.replace("\n", "\r"))
    assert lines(result) == [2, 6]
    assert flat(result.errors) == [[7, "value", "bad-number"]]


def test_header_only_is_a_file_with_no_rows_and_no_errors() -> None:
    result = load("as_of,metric,value,reported_by,affiliation,outlet,quote\n")
    assert flat(result.errors) == []
    assert len(result.rows) == 0
    assert list(result.rows.columns)[:3] == ["line", "as_of", "as_of_has_time"]


def test_last_row_without_a_final_newline_loads() -> None:
    result = load(TWO_ROWS.rstrip("\n"))
    assert lines(result) == [2, 3]


# ---------------------------------------------------------------------------------------------
# Broken records: the row is reported, the rest of the file still loads.

EXTRA_CELL = """\
as_of,metric,value,reported_by,affiliation,outlet,quote
2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,more than 100,000 had fled
2023-09-30,population,120000,Nikol Pashinyan,armenia,AFP,"estimated 120,000"
"""


def test_extra_cell() -> None:
    result = load(EXTRA_CELL)
    assert flat(result.errors) == [[2, "", "extra-cell"]]
    assert result.errors[0].value == "000 had fled"
    assert "wrapped in double quotes" in result.errors[0].message
    assert lines(result) == [3]


def test_extra_cells_that_are_empty_are_ignored() -> None:
    # Spreadsheets pad rows with empty cells past the last column.
    result = load(
        "as_of,metric,value,reported_by,affiliation,outlet,quote\n"
        "2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,had fled,,,\n"
    )
    assert flat(result.errors) == []
    assert lines(result) == [2]


UNCLOSED_QUOTE_AT_END = """\
as_of,metric,value,reported_by,affiliation,outlet,quote
2023-09-30,detained,5,Hikmet Hajiyev,azerbaijan,AFP,five to six
2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,"more than 100,000 had fled
2023-09-30,population,120000,Nikol Pashinyan,armenia,AFP,estimated 120000
"""


def test_unclosed_quote() -> None:
    result = load(UNCLOSED_QUOTE_AT_END)
    assert flat(result.errors) == [[3, "", "unclosed-quote"]]
    assert "lines 3 to 4" in result.errors[0].message
    assert lines(result) == [2]


UNDOUBLED_INNER_QUOTES = """\
as_of,metric,qualifier,value,value_high,reported_by,affiliation,outlet,quote
2023-09-30,detained,range,5,6,Hikmet Hajiyev,azerbaijan,AFP,"Azerbaijan had detained "five to six" people"
2023-09-30,fled,more_than,100000,,Nikol Pashinyan,armenia,AFP,"more than 100,000"
"""  # noqa: E501


def test_inner_quotes_that_are_not_doubled_are_reported_not_silently_dropped() -> None:
    # A quote must stay verbatim: reading this as 'five to six" people"' would corrupt it.
    result = load(UNDOUBLED_INNER_QUOTES)
    assert flat(result.errors) == [[2, "", "unclosed-quote"]]
    assert '("")' in result.errors[0].message
    assert lines(result) == [3]


def test_characters_after_a_closing_quote_are_reported() -> None:
    result = load(
        "as_of,metric,value,reported_by,affiliation,outlet,quote\n"
        '2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,"more than"100000\n'
        "2023-09-30,population,120000,Nikol Pashinyan,armenia,AFP,estimated\n"
    )
    assert flat(result.errors) == [[2, "", "unclosed-quote"]]
    assert lines(result) == [3]


def test_a_quote_inside_an_unquoted_cell_is_kept_as_written() -> None:
    result = load(
        "as_of,metric,value,reported_by,affiliation,outlet,quote\n"
        '2023-09-30,detained,5,Hikmet Hajiyev,azerbaijan,AFP,detained "five to six" people\n'
    )
    assert flat(result.errors) == []
    assert column(result, "quote") == ['detained "five to six" people']


# ---------------------------------------------------------------------------------------------
# File-level errors: nothing loads, and the error says what to do.


def test_empty_file() -> None:
    for text in (b"", b"\n\n", b"\xef\xbb\xbf", b" \r\n\t"):
        result = load(text)
        assert flat(result.errors) == [[None, "", "empty-file"]], text
        assert "at least a header row" in result.errors[0].message
        assert len(result.rows) == 0


LATIN1 = (
    "as_of,metric,value,reported_by,affiliation,outlet,quote\n"
    "2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,had fled\n"
    "2023-09-30,fled,100001,Médecins Sans Frontières,ngo,MSF,had fled\n"
).encode("latin-1")


def test_encoding_error_names_its_line_and_byte() -> None:
    result = load(LATIN1)
    assert flat(result.errors) == [[3, "", "encoding-error"]]
    assert result.errors[0].value == "0xe9"
    assert "CSV UTF-8" in result.errors[0].message
    assert len(result.rows) == 0


def test_encoding_error_in_the_header_is_line_1() -> None:
    result = load("as_of,métric\n".encode("cp1252"))
    assert flat(result.errors) == [[1, "", "encoding-error"]]


def test_utf16_from_a_spreadsheet_is_an_encoding_error_not_a_crash() -> None:
    result = load(TWO_ROWS.encode("utf-16"))
    assert [error.code for error in result.errors] == ["encoding-error"]


DUPLICATE_COLUMN = """\
as_of,metric,value,reported_by,affiliation,outlet,quote,Value
2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,had fled,100001
"""


def test_duplicate_column() -> None:
    result = load(DUPLICATE_COLUMN)
    assert flat(result.errors) == [[1, "value", "duplicate-column"]]
    assert len(result.rows) == 0


# ---------------------------------------------------------------------------------------------
# The two readers agree on what they both read.


def test_signed_numbers_get_the_same_verdict_from_both_readers() -> None:
    # The fast reader must not let pandas' number parsing accept what the rules reject;
    # the blank line below sends the same rows through the careful reader.
    rows = (
        "2023-09-30,fled,+5,X,armenia,AFP,plus five\n"
        "2023-09-30,fled,-0,X,armenia,AFP,minus zero\n"
        "2023-09-30,fled,007,X,armenia,AFP,leading zeros\n"
    )
    header = "as_of,metric,value,reported_by,affiliation,outlet,quote\n"
    fast = load(header + rows)
    careful = load(header + "\n" + rows)
    assert flat(fast.errors) == [[2, "value", "bad-number"], [3, "value", "negative-value"]]
    assert flat(careful.errors) == [[3, "value", "bad-number"], [4, "value", "negative-value"]]
    assert column(fast, "value") == column(careful, "value") == [7]


def test_read_table_keeps_every_cell_as_written() -> None:
    table = read_table(b"as_of,value,quote\n2023-09-30,007,0042\n")
    assert table.frame.to_dict("records") == [
        {"as_of": "2023-09-30", "value": "007", "quote": "0042"}
    ]
    assert list(table.lines) == [2]
