"""places.csv: names that are one place, so figures under either name are compared."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from figures.conflicts import find_conflicts
from figures.vocabulary import (
    VocabularyError,
    compare_place,
    compare_places,
    load_vocabulary,
    parse_places,
)
from tests.conflict_cases import VOCABULARY, figure, summary, table

HEADER = "name,same_place_as,description\n"


def places_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "places.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_names_linked_in_any_order_are_compared_under_one_name(tmp_path):
    forwards, _ = parse_places(
        places_file(tmp_path, "Stepanakert,Khankendi,\nKhankendi,Xankəndi,\n")
    )
    backwards, _ = parse_places(
        places_file(tmp_path, "Xankəndi,Khankendi,\nKhankendi,Stepanakert,\n")
    )
    assert forwards == backwards
    assert (
        len({forwards[compare_place(name)] for name in ("Stepanakert", "Khankendi", "Xankəndi")})
        == 1
    )


def test_a_figure_under_another_name_of_its_place_is_compared():
    rows = table(
        figure("2023-09-19", "troops", 0, place="Nagorno-Karabakh", outlet="MFA"),
        figure("2023-09-19", "troops", 10000, "about", place="Nagorny Karabakh", outlet="TASS"),
    )
    places = {compare_place("Nagorny Karabakh"): compare_place("Nagorno-Karabakh")}
    assert find_conflicts(rows, replace(VOCABULARY, places={})) == []  # two places
    found = find_conflicts(rows, replace(VOCABULARY, places=places))
    assert summary(found) == [["contradiction", [2, 3], [[2, 3]]]]
    # The sentence keeps each source's own name for the place.
    assert [ref.place for ref in found[0].figures] == ["Nagorno-Karabakh", "Nagorny Karabakh"]


def test_the_shipped_places_join_the_two_names_of_the_city():
    rows = table(
        figure("2023-09-27", "killed", 125, place="Stepanakert", outlet="Armenpress"),
        figure("2023-09-27", "killed", 152, place="Khankendi", outlet="APA"),
        figure("2023-09-27", "killed", 40, place="Goris", outlet="Other"),
    )
    # The shipped places, with the seed metrics (there `killed` is a daily total).
    found = find_conflicts(rows, replace(VOCABULARY, places=load_vocabulary().places))
    assert {code for code, *_ in summary(found)} == {"contradiction", "likely-typo"}
    assert all(4 not in flag.lines for flag in found)  # Goris is another place


def test_places_beside_the_figures_file_replace_the_shipped_ones(tmp_path):
    (tmp_path / "metrics.csv").write_text(
        (Path(__file__).resolve().parents[1] / "data" / "metrics.csv").read_text()
    )
    places_file(tmp_path, "Goris,Syunik,\n")
    vocabulary = load_vocabulary(tmp_path)
    assert vocabulary.same_place_key("goris") == vocabulary.same_place_key("syunik")
    assert vocabulary.same_place_key("stepanakert") == "stepanakert"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Goris,,\n", ":2: same_place_as: a row names two places"),
        (",Goris,\n", ":2: name: a row names two places"),
    ],
)
def test_a_row_without_two_names_is_an_error_with_its_line(tmp_path, text, expected):
    (tmp_path / "metrics.csv").write_text(
        (Path(__file__).resolve().parents[1] / "data" / "metrics.csv").read_text()
    )
    places_file(tmp_path, text)
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(tmp_path)
    assert any(expected in line for line in caught.value.lines())


def test_a_places_file_without_its_columns_is_an_error(tmp_path):
    (tmp_path / "metrics.csv").write_text(
        (Path(__file__).resolve().parents[1] / "data" / "metrics.csv").read_text()
    )
    (tmp_path / "places.csv").write_text("place,alias\nGoris,Syunik\n")
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(tmp_path)
    assert "the header has no 'name', 'same_place_as' columns" in caught.value.lines()[0]


def test_a_vocabulary_file_with_a_byte_order_mark_names_the_right_byte_and_line(tmp_path):
    from figures.vocabulary import parse_metrics

    path = tmp_path / "metrics.csv"
    path.write_bytes(b"\xef\xbb\xbfmetric,label,unit,kind\nfled,Tu\xe9s,people,cumulative\n")
    _, errors = parse_metrics(path)
    assert [(error.line, error.message[:24]) for error in errors] == [
        (2, "byte 0xe9 is not UTF-8 t")
    ]


# Names as spreadsheets hold them: mostly ASCII with dashes and odd spaces, sometimes Armenian,
# Azerbaijani or Cyrillic letters, Unicode dashes and spaces, or letters whose case folding
# is not lower-casing (ß, ſ, Σ).
_NAME_CHARACTERS = st.sampled_from(
    list("aZ -\t\n\x0b\x1c\x1f\r") + list("ß\u017fΣςİəƏԱաНн\u2013\u2212\u00a0\u2009\u3000")
)


@given(st.lists(st.one_of(st.text(_NAME_CHARACTERS, max_size=8), st.text(max_size=8))))
def test_names_compared_in_bulk_as_one_at_a_time(names):
    """The engine normalises a file's distinct places in one pyarrow pass; a place must be
    compared under the same name as compare_place gives it, or figures of one place would
    not meet (or figures of two places would)."""
    assert compare_places(pa.array(names, type=pa.string())).to_pylist() == [
        compare_place(name) for name in names
    ]
