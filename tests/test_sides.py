"""Sides are data (sides.csv), like metrics and groups; groups and places say how they nest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from figures import charts
from figures.cli import main
from figures.vocabulary import VocabularyError, load_vocabulary
from tests.support import HEADER

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "examples" / "lebanon-syria-2024"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A dataset folder with copies of the shipped vocabularies."""
    for name in ("metrics.csv", "groups.csv", "places.csv", "sides.csv"):
        shutil.copy(ROOT / "data" / name, tmp_path / name)
    return tmp_path


def problems(folder: Path) -> list[str]:
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(folder)
    return caught.value.lines()


def test_a_new_side_is_a_line_of_sides_csv(folder: Path) -> None:
    with (folder / "sides.csv").open("a", encoding="utf-8") as handle:
        handle.write("valdoria,Valdoria,,The government of Valdoria\n")
    vocabulary = load_vocabulary(folder)
    assert vocabulary.side_label("valdoria") == "Valdoria"
    assert list(vocabulary.sides)[-1] == "valdoria"
    # Without a colour of its own it takes a hue no other side has.
    palette = charts.side_palette(list(vocabulary.sides), vocabulary.side_colours())
    assert len(set(palette.values())) == len(palette)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("un,Again,#123456,\n", "side 'un' is listed twice"),
        ("blue,Blue,navy,\n", "colour 'navy' is not #RRGGBB"),
        ("twin,Twin,#0072B2,\n", "colour #0072B2 is already side 'armenia''s"),
        ("Big Side,Big,,\n", "lower-case letters, digits and _"),
    ],
)
def test_a_bad_side_is_named_with_its_line(folder: Path, line: str, expected: str) -> None:
    with (folder / "sides.csv").open("a", encoding="utf-8") as handle:
        handle.write(line)
    found = problems(folder)
    assert any(":9: " in text and expected in text for text in found), found


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "rebels,Rebels,,combatants,valdoria\n",
            "side 'valdoria' is not a side (armenia, azerbaijan, media, ngo, other, russia, un)",
        ),
        ("rebels,Rebels,,militias,\n", "part_of names no group: 'militias'"),
        ("loop,Loop,,loop,\n", "part_of goes round in a circle"),
    ],
)
def test_a_group_links_only_to_known_groups_and_sides(
    folder: Path, line: str, expected: str
) -> None:
    with (folder / "groups.csv").open("a", encoding="utf-8") as handle:
        handle.write(line)
    assert any(expected in text for text in problems(folder))


def test_groups_and_places_say_how_they_nest() -> None:
    vocabulary = load_vocabulary()
    forces = vocabulary.groups["azerbaijani_forces"]
    assert (forces.part_of, forces.side) == ("combatants", "azerbaijan")
    assert vocabulary.groups["azerbaijani_army"].part_of == "azerbaijani_forces"
    assert vocabulary.groups["russian_peacekeepers"].side == "russia"
    assert vocabulary.place_ancestors("goris") == ("syunik", "armenia")
    # Translations are one place; a wider area is never the narrower one.
    assert vocabulary.same_place_key("artsakh") == vocabulary.same_place_key("berg karabach")
    assert vocabulary.same_place_key("karabakh") != vocabulary.same_place_key("nagorno karabakh")


def test_a_place_is_part_of_one_place_only(folder: Path) -> None:
    with (folder / "places.csv").open("a", encoding="utf-8") as handle:
        handle.write("Goris,,Armenia,\n")
    assert any("'Goris' is already part of 'Syunik'" in text for text in problems(folder))


def test_an_unknown_side_lists_the_datasets_own_sides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("metrics.csv", "groups.csv", "places.csv", "sides.csv", "datapackage.json"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    row = "2024-10-01,arrived,,,100,,Syria,Someone,valdoria,Outlet,2024-10-02,,words,"
    (tmp_path / "figures.csv").write_text(HEADER + "\n" + row + "\n", encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "'valdoria' is not a known affiliation" in out
    assert "lebanon, syria, israel, un, ngo, media, other" in out


def test_charts_colour_sides_with_the_datasets_own_colours() -> None:
    from figures.conflicts import find_conflicts
    from figures.validation import load_figures
    from figures.vocabulary import vocabulary_for

    vocabulary = vocabulary_for(EXAMPLE / "figures.csv")
    rows = load_figures(EXAMPLE / "figures.csv").rows
    spec = charts.timeline_spec(
        rows, find_conflicts(rows, vocabulary), vocabulary, color_by="affiliation"
    )
    scales = [
        layer["encoding"]["color"]["scale"]
        for layer in _layers(spec)
        if "color" in layer.get("encoding", {})
    ]
    assert scales
    colours = dict(zip(scales[0]["domain"], scales[0]["range"], strict=True))
    assert colours["Lebanon"] == "#C0392B"
    assert colours["UN agencies"] == "#4AA3DF"


def _layers(spec: dict) -> list[dict]:
    found = []
    for key in ("layer", "spec", "vconcat", "hconcat", "concat"):
        value = spec.get(key)
        parts = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        for part in parts:
            found.append(part)
            found += _layers(part)
    return found
