"""The contract's rules, one example per error code, as [[line, column, code], ...].

Every CSV here has the required columns only unless the example needs more, so each reads as
the smallest file that shows the rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from figures.errors import CATALOGUE, ValidationError
from figures.validation import load_figures
from figures.vocabulary import VocabularyError
from tests.support import column, contract_row, flat, lines, load

REQUIRED = "as_of,metric,value,reported_by,affiliation,outlet,quote"
GOOD = "2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,more than 100000 had fled"


def one_row(header: str, row: str) -> str:
    return f"{header}\n{row}\n"


# ---------------------------------------------------------------------------------------------
# The message the issue promises, word for word.

TYPO_ON_LINE_14 = (
    REQUIRED
    + "\n"
    + "".join(
        f"2023-09-{day:02d},arrived,{day * 100},UNHCR,un,UNHCR,{day * 100} arrived\n"
        for day in range(1, 13)
    )
    + "2023-09-30,fleed,100000,Nikol Pashinyan,armenia,AFP,more than 100000 had fled\n"
)


def test_unknown_metric_message_names_line_column_and_the_likely_metric() -> None:
    result = load(TYPO_ON_LINE_14)
    assert flat(result.errors) == [[14, "metric", "unknown-metric"]]
    assert (
        str(result.errors[0])
        == "line 14, metric: 'fleed' is not a known metric; did you mean 'fled'?"
    )
    assert result.errors[0].value == "fleed"
    assert len(result.rows) == 12


# ---------------------------------------------------------------------------------------------
# One test per cell and row rule.

MISSING_VALUES = f"""\
{REQUIRED}
2023-09-30,fled,100000,,armenia,AFP,more than 100000 had fled
2023-09-30,fled,,Nikol Pashinyan,armenia,AFP,"   "
{GOOD}
"""


def test_missing_value() -> None:
    result = load(MISSING_VALUES)
    assert flat(result.errors) == [
        [2, "reported_by", "missing-value"],
        [3, "quote", "missing-value"],
        [3, "value", "missing-value"],
    ]
    assert result.errors[0].message == "reported_by is empty; every row needs one"
    assert lines(result) == [4]


BAD_DATES = f"""\
{REQUIRED},published
30/09/2023,fled,1,X,armenia,AFP,day first,
2023-02-30,fled,2,X,armenia,AFP,no such day,
2023-09-30T25:00,fled,3,X,armenia,AFP,no such hour,
2023-09-30T20:61,fled,4,X,armenia,AFP,no such minute,
2023-9-30,fled,5,X,armenia,AFP,one-digit month,
Saturday,fled,6,X,armenia,AFP,a word,
2023-09-30,fled,7,X,armenia,AFP,bad publication date,2023-09-31
2023-09-30T20:00,fled,8,X,armenia,AFP,fine,2023-09-30
"""


def test_bad_date() -> None:
    result = load(BAD_DATES)
    assert flat(result.errors) == [
        [2, "as_of", "bad-date"],
        [3, "as_of", "bad-date"],
        [4, "as_of", "bad-date"],
        [5, "as_of", "bad-date"],
        [6, "as_of", "bad-date"],
        [7, "as_of", "bad-date"],
        [8, "published", "bad-date"],
    ]
    messages = [error.message for error in result.errors]
    assert "set the column to text" in messages[0]  # a spreadsheet reformatted it
    assert "not a real date" in messages[1]
    assert "hour must be in 0..23" in messages[2]
    assert lines(result) == [9]


BAD_NUMBERS = f"""\
{REQUIRED}
2023-09-30,fled,100k,X,armenia,AFP,abbreviated
2023-09-30,fled,1e5,X,armenia,AFP,exponent
2023-09-30,fled,about 3000,X,armenia,AFP,a word
2023-09-30,fled,3000.5,X,armenia,AFP,a fraction
2023-09-30,fled,"10,00",X,armenia,AFP,misplaced separator
2023-09-30,fled,١٢٣,X,armenia,AFP,Arabic-Indic digits
2023-09-30,fled,99999999999999,X,armenia,AFP,a slip of the keyboard
{GOOD}
"""


def test_bad_number() -> None:
    result = load(BAD_NUMBERS)
    assert flat(result.errors) == [[line, "value", "bad-number"] for line in range(2, 9)]
    assert [error.value for error in result.errors[:2]] == ["100k", "1e5"]
    assert "100000, not 100k" in result.errors[0].message
    assert "implausibly large" in result.errors[-1].message
    assert lines(result) == [9]


NEGATIVE = f"""\
{REQUIRED},qualifier,value_high
2023-09-30,fled,-5,X,armenia,AFP,below zero,,
2023-09-30,fled,5,X,armenia,AFP,negative upper end,range,-6
"""


def test_negative_value() -> None:
    result = load(NEGATIVE)
    assert flat(result.errors) == [
        [2, "value", "negative-value"],
        [3, "value_high", "negative-value"],
    ]
    assert result.errors[0].message == "'-5' is below zero; a count of people cannot be negative"


def test_unknown_metric_without_a_close_match_lists_the_vocabulary() -> None:
    result = load(one_row(REQUIRED, "2023-09-30,refugees,5,X,armenia,AFP,five"))
    assert flat(result.errors) == [[2, "metric", "unknown-metric"]]
    assert "known values: fled, arrived" in result.errors[0].message
    assert "add it to data/metrics.csv" in result.errors[0].message


def test_vocabulary_matches_ignore_case() -> None:
    result = load(one_row(REQUIRED + ",group", "2023-09-30,Fled,5,X,Armenia,AFP,five,Children"))
    assert flat(result.errors) == []
    assert (column(result, "metric"), column(result, "affiliation")) == (["fled"], ["armenia"])
    assert column(result, "group") == ["children"]


def test_unknown_group() -> None:
    result = load(one_row(REQUIRED + ",group", "2023-09-24,evacuated,102,X,russia,TASS,q,kids"))
    assert flat(result.errors) == [[2, "group", "unknown-group"]]
    assert "add it to data/groups.csv" in result.errors[0].message


def test_blank_group_and_qualifier_mean_all_and_exact() -> None:
    result = load(one_row(REQUIRED + ",group,qualifier", GOOD + ",,"))
    assert (column(result, "group"), column(result, "qualifier")) == (["all"], ["exact"])


def test_unknown_qualifier() -> None:
    result = load(one_row(REQUIRED + ",qualifier", GOOD + ",aproximately"))
    assert flat(result.errors) == [[2, "qualifier", "unknown-qualifier"]]
    assert "known values: exact, about, more_than" in result.errors[0].message


def test_unknown_affiliation() -> None:
    result = load(one_row(REQUIRED, "2023-09-30,fled,5,X,armenian,AFP,five"))
    assert flat(result.errors) == [[2, "affiliation", "unknown-affiliation"]]
    assert result.errors[0].message.endswith("did you mean 'armenia'?")


RANGES = f"""\
{REQUIRED},qualifier,value_high
2023-09-30,detained,5,Hikmet Hajiyev,azerbaijan,AFP,five to six,range,
2023-09-30,detained,5,Hikmet Hajiyev,azerbaijan,AFP,five or more,more_than,6
2023-09-30,detained,6,Hikmet Hajiyev,azerbaijan,AFP,six to five,range,5
2023-09-30,detained,5,Hikmet Hajiyev,azerbaijan,AFP,five to six,range,6
2023-09-30,detained,5,Hikmet Hajiyev,azerbaijan,AFP,exactly five,range,5
"""


def test_range_without_high() -> None:
    result = load(RANGES)
    assert flat(result.errors)[0] == [2, "value_high", "range-without-high"]
    assert "'five to six' is value 5, value_high 6" in result.errors[0].message


def test_high_without_range() -> None:
    result = load(RANGES)
    assert flat(result.errors)[1] == [3, "value_high", "high-without-range"]
    assert result.errors[1].value == "6"


def test_bad_range() -> None:
    result = load(RANGES)
    assert flat(result.errors) == [
        [2, "value_high", "range-without-high"],
        [3, "value_high", "high-without-range"],
        [4, "value_high", "bad-range"],
    ]
    assert result.errors[2].message == "the range's upper end 5 is below its lower end 6; swap them"
    assert lines(result) == [5, 6]
    assert column(result, "value_high") == [6, 5]


URLS = f"""\
{REQUIRED},url
{GOOD},ftp://example.org/report.pdf
{GOOD.replace("100000", "100001")},javascript:alert(1)
{GOOD.replace("100000", "100002")},www.example.org
{GOOD.replace("100000", "100003")},https://example.org/a page
{GOOD.replace("100000", "100004")},https://www.afp.com/en/news/1
{GOOD.replace("100000", "100005")},HTTP://EXAMPLE.ORG
"""


def test_bad_url() -> None:
    result = load(URLS)
    assert flat(result.errors) == [[line, "url", "bad-url"] for line in (2, 3, 4, 5)]
    assert result.errors[1].value == "javascript:alert(1)"
    assert "only http:// or https://" in result.errors[0].message
    assert column(result, "url") == ["https://www.afp.com/en/news/1", "HTTP://EXAMPLE.ORG"]


PUBLICATION = f"""\
{REQUIRED},published
2023-09-30,fled,1,X,armenia,AFP,published a day early,2023-09-29
2023-09-30T20:00,fled,2,X,armenia,AFP,published the same day at any hour,2023-09-30
2023-09-19,population,120000,X,armenia,AFP,an estimate quoted later,2023-09-30
"""


def test_published_before_as_of() -> None:
    result = load(PUBLICATION)
    assert flat(result.errors) == [[2, "published", "published-before-as-of"]]
    assert result.errors[0].message.startswith("published 2023-09-29 is before as_of 2023-09-30")
    assert lines(result) == [3, 4]


DUPLICATES = f"""\
{REQUIRED}
{GOOD}
2023-09-30,population,120000,Nikol Pashinyan,armenia,AFP,estimated 120000
{GOOD}
2023-09-30,fled,"100,000",Nikol Pashinyan,armenia,AFP,more than 100000 had fled
{GOOD}
"""


def test_duplicate_row() -> None:
    result = load(DUPLICATES)
    # "100,000" is written differently, so it is not a repeat cell for cell.
    assert flat(result.errors) == [[4, "", "duplicate-row"], [6, "", "duplicate-row"]]
    assert result.errors[0].message == "this row repeats line 2 cell for cell; delete one copy"
    assert result.errors[1].message == "this row repeats line 2 cell for cell; delete one copy"
    assert lines(result) == [2, 3, 5]


UNKNOWN_COLUMNS = f"""\
{REQUIRED},Source URL,comment
{GOOD},https://www.afp.com,checked
"""


def test_unknown_column() -> None:
    result = load(UNKNOWN_COLUMNS)
    assert flat(result.errors) == [
        [1, "source url", "unknown-column"],
        [1, "comment", "unknown-column"],
    ]
    assert "its values are ignored" in result.errors[0].message
    assert lines(result) == [2]  # the rows still load


def test_missing_column() -> None:
    result = load(
        "as_of,metric,value,reported_by,affiliaton,outlet\n"
        "2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP\n"
    )
    assert flat(result.errors) == [
        [1, "affiliation", "missing-column"],
        [1, "quote", "missing-column"],
    ]
    assert result.errors[0].message == (
        "the header has no 'affiliation' column, which every row needs; "
        "is 'affiliaton' meant to be 'affiliation'?"
    )
    assert len(result.rows) == 0


def test_file_not_found(tmp_path: Path) -> None:
    result = load_figures(tmp_path / "nowhere.csv")
    assert flat(result.errors) == [[None, "", "file-not-found"]]
    assert str(result.errors[0]) == f"file: there is no file at {tmp_path / 'nowhere.csv'}"


def test_unreadable_file(tmp_path: Path) -> None:
    result = load_figures(tmp_path)  # a folder, not a file
    assert flat(result.errors) == [[None, "", "unreadable-file"]]
    assert len(result.rows) == 0


def test_bad_vocabulary(tmp_path: Path) -> None:
    # A figures file takes its vocabulary from its own folder when one is there.
    (tmp_path / "metrics.csv").write_text(
        "metric,label,unit,kind,intraday,bounded_by,window_days,description\n"
        "fled,People who fled,people,cumulative,true,populaton,,\n"
        "arrived,People who arrived,people,running,false,,,\n"
    )
    (tmp_path / "figures.csv").write_text(one_row(REQUIRED, GOOD))
    with pytest.raises(VocabularyError) as caught:
        load_figures(tmp_path / "figures.csv")
    assert flat(caught.value.errors) == [
        [3, "kind", "bad-vocabulary"],
        [2, "bounded_by", "bad-vocabulary"],
    ]


def test_a_metric_added_to_the_vocabulary_beside_the_file_is_known(tmp_path: Path) -> None:
    (tmp_path / "metrics.csv").write_text(
        "metric,label,unit,kind,intraday,bounded_by,window_days,description\n"
        "fled,People who fled,people,cumulative,true,,,\n"
        "sheltered,People sheltered,people,stock,false,,,\n"
    )
    (tmp_path / "figures.csv").write_text(
        one_row(REQUIRED, "2023-09-30,sheltered,500,UNHCR,un,UNHCR,500 in shelters")
    )
    assert flat(load_figures(tmp_path / "figures.csv").errors) == []


# ---------------------------------------------------------------------------------------------
# Good rows load whatever else is wrong.

MIXED = f"""\
{REQUIRED},qualifier,value_high,url,published
2023-09-24,evacuated,311,Russian Ministry of Defence,russia,TASS,As many as 311,up_to,,,2023-09-25
2023-09-24,evacuatd,102,Russian Ministry of Defence,russia,TASS,including 102 children,,,,2023-09-25
2023-09-25,arrived,2900,Armenian authorities,armenia,Brussels Signal,more than 2900,more_than,,,2023-09-24
2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,"more than 100,000",more_than,,https://www.afp.com,2023-09-30
2023-09-30,detained,5,Hikmet Hajiyev,azerbaijan,AFP,five to six,range,six,,2023-09-30
"""  # noqa: E501


def test_good_rows_load_even_when_others_are_bad() -> None:
    result = load(MIXED)
    assert flat(result.errors) == [
        [3, "metric", "unknown-metric"],
        [4, "published", "published-before-as-of"],
        [6, "value_high", "bad-number"],
    ]
    assert lines(result) == [2, 5]
    assert result.record_count == 5
    assert column(result, "metric") == ["evacuated", "fled"]
    assert column(result, "qualifier") == ["up_to", "more_than"]


def test_every_error_has_a_value_and_a_message_a_person_can_act_on() -> None:
    for error in load(MIXED).errors:
        assert isinstance(error, ValidationError)
        assert error.message and error.title == CATALOGUE[error.code].title
        assert str(error).startswith(f"line {error.line}, {error.column}: ")


HEDGED_ROWS = (
    "2023-09-26T20:00,arrived,6650,Government of Armenia,armenia,Armenpress,6650 by 20:00,"
    "about,,https://armenpress.am/x,2023-09-27\n"
    '2023-09-19,troops,10000,Vagif Sadigov,azerbaijan,Brussels Signal,"the 10,000",about,,,'
    "2023-09-25\n"
    '2023-09-30,detained,5,Hikmet Hajiyev,azerbaijan,AFP,"""five to six""",range,6,,2023-09-30\n'
)


def test_loaded_rows_satisfy_the_pydantic_contract() -> None:
    # The bulk rules and the model agree: whatever loads column-wise is a valid FigureRow.
    result = load(MIXED + HEDGED_ROWS)
    assert len(result.rows) == 5
    models = [contract_row(record) for record in result.rows.to_dict("records")]
    assert [model.line for model in models] == [2, 5, 7, 8, 9]
    assert models[2].as_of_has_time and models[2].as_of.hour == 20
    assert (models[4].value, models[4].value_high, models[4].quote) == (5, 6, '"five to six"')


def test_every_error_code_a_csv_can_trigger_has_its_own_test() -> None:
    here = Path(__file__).parent
    names = set()
    for path in here.glob("test_*.py"):
        names |= set(re.findall(r"^def (test_\w+)\(", path.read_text(), re.MULTILINE))
    untested = [
        code
        for code in CATALOGUE
        if not any(re.fullmatch(f"test_{code.replace('-', '_')}(_.*)?", name) for name in names)
    ]
    assert untested == []


# ---------------------------------------------------------------------------------------------
# What people type into the wrong shape of cell, and the message that tells them the right one.

QUALIFIED = "as_of,metric,qualifier,value,value_high,reported_by,affiliation,outlet,quote"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("over", "more_than"),
        ("More than", "more_than"),
        ("nearly", "up_to"),
        ("as many as", "up_to"),
        ("approximately", "about"),
        ("fewer than", "less_than"),
        ("no fewer than", "at_least"),
        ("between", "range"),
        ("abuot", "about"),  # a slip of the keyboard, by spelling
    ],
)
def test_a_qualifier_in_words_is_pointed_to_the_qualifier_that_records_it(typed, meant) -> None:
    result = load(one_row(QUALIFIED, f"2023-09-30,fled,{typed},100000,,A,armenia,AFP,words"))
    assert flat(result.errors) == [[2, "qualifier", "unknown-qualifier"]]
    assert result.errors[0].message.endswith(f"did you mean {meant!r}?")


@pytest.mark.parametrize("typed", ["50-1000", "50 - 1,000", "50–1000", "50 to 1000"])
def test_a_range_typed_into_the_value_cell_is_pointed_to_value_high(typed) -> None:
    result = load(one_row(QUALIFIED, f'2023-10-01,remaining,,"{typed}",,A,un,UN,words'))
    assert flat(result.errors) == [[2, "value", "bad-number"]]
    assert "value_high" in result.errors[0].message
    assert "'range'" in result.errors[0].message


def test_a_time_with_a_zone_is_told_to_give_the_local_time() -> None:
    result = load(one_row(REQUIRED, "2023-09-30T20:00+04:00,fled,100000,A,armenia,AFP,words"))
    assert flat(result.errors) == [[2, "as_of", "bad-date"]]
    assert "time zone" in result.errors[0].message
    assert "(2023-09-30T20:00)" in result.errors[0].message


def test_a_utc_time_is_not_offered_as_the_local_time() -> None:
    result = load(one_row(REQUIRED, "2023-09-30T16:00Z,fled,100000,A,armenia,AFP,words"))
    assert flat(result.errors) == [[2, "as_of", "bad-date"]]
    assert "time zone" in result.errors[0].message
    assert "(2023-09-30T16:00)" not in result.errors[0].message
