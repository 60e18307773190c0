"""No crisis in the code: the places, sides and people of the shipped datasets live in data/.

A new crisis brings its own sides, places and title as data (sides.csv, places.csv,
datapackage.json); code that names the last one would mislabel the next. Examples in
docstrings use a made-up place (Valdoria).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASETS = [ROOT / "data", *sorted(p for p in (ROOT / "data" / "examples").iterdir() if p.is_dir())]
# Capitalised words of place names and side labels that are ordinary English, not a name.
ORDINARY = {"Fuel", "North", "East", "South", "West", "Media", "NGOs", "Other", "Everyone"}
ORDINARY |= {
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}
# A reporter who is a person: "Firstname Lastname, role". The surname is the name.
_PERSON = re.compile(r"^([A-Z][a-z]+) ([A-Z][a-z]{4,}),")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _proper_words(text: str) -> set[str]:
    words = set()
    for word in re.findall(r"\w+", text):
        if len(word) >= 4 and word[0].isupper() and word not in ORDINARY:
            words.add(word)
    return words


def crisis_names() -> set[str]:
    """Places, side labels, titles' names and people's surnames of every shipped dataset."""
    names: set[str] = set()
    for folder in DATASETS:
        for row in _rows(folder / "figures.csv"):
            names |= _proper_words(row["place"])
            person = _PERSON.match(row["reported_by"])
            if person:
                names.add(person.group(2))
        for row in _rows(folder / "places.csv"):
            for column in ("name", "same_place_as", "part_of"):
                names |= _proper_words(row.get(column, ""))
        for row in _rows(folder / "sides.csv"):
            names |= _proper_words(row["label"])
        title = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["title"]
        names |= {word for word in _proper_words(title) if word != "Reported"}
    return names


def test_the_shipped_data_names_its_crises() -> None:
    # The check below can only fail if it knows the names: these come from data/.
    names = crisis_names()
    assert {"Armenia", "Azerbaijan", "Russia", "Karabakh", "Stepanakert"} <= names
    assert {"Lebanon", "Syria", "Israel", "Masnaa", "Pashinyan"} <= names


def code_lines() -> list[tuple[Path, int, str]]:
    return [
        (path, number, line)
        for path in sorted((ROOT / "figures").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    ]


def test_no_place_side_or_person_of_a_shipped_crisis_is_named_in_the_code() -> None:
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(crisis_names()))) + r")\b")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {match.group(1)}"
        for path, number, line in code_lines()
        for match in pattern.finditer(line)
    ]
    assert found == []


@pytest.mark.parametrize("line", ["title = 'Exodus from Nagorno-Karabakh'", "# as Armenia said"])
def test_the_check_would_catch_a_name(line: str) -> None:
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(crisis_names()))) + r")\b")
    assert pattern.search(line)
