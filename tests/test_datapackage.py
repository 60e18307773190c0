"""The descriptor (datapackage.json) and the checker agree on what a valid row is, and the
exports are files the humanitarian tools read: the CSV against the descriptor's schema
(frictionless), the HXL with every hashtag recognised (libhxl)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from figures.contract import COLUMNS
from figures.describe import describe, write_descriptor
from figures.exports.tables import HXL_TAGS, figures_csv, figures_hxl
from figures.validation import load_figures

frictionless = pytest.importorskip("frictionless")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
VOCABULARY_FILES = ("metrics.csv", "groups.csv", "places.csv", "sides.csv")
DOC = ROOT / "docs" / "data-contract.md"

GOOD = {
    "as_of": "2023-09-24",
    "metric": "evacuated",
    "group": "children",
    "qualifier": "",
    "value": "102",
    "value_high": "",
    "place": "Valdoria",
    "reported_by": "Ministry of the Interior",
    "affiliation": "un",
    "outlet": "Daily Valdorian",
    "published": "2023-09-25",
    "url": "https://example.org/report",
    "quote": "102 children were evacuated",
    "notes": "",
    "as_of_margin_days": "",
    "since": "",
}
# One-row files, each GOOD with some cells changed, and what each tool says of it.
BOTH_ACCEPT = {
    "a plain row": {},
    "blank group and qualifier (all, exact)": {"group": "", "qualifier": ""},
    "a time of day": {"as_of": "2023-09-24T14:00"},
    "a range": {"qualifier": "range", "value": "50", "value_high": "1000"},
    "no url and no published day": {"url": "", "published": ""},
    "a date margin and a start": {"as_of_margin_days": "3", "since": "2023-09-19"},
}
BOTH_REJECT = {
    "an unknown metric": {"metric": "fleed"},
    "an unknown group": {"group": "martians"},
    "an unknown side": {"affiliation": "valdoria"},
    "an unknown qualifier": {"qualifier": "roughly"},
    "a negative count": {"value": "-5"},
    "a count in words": {"value": "100k"},
    "a date in another order": {"as_of": "24/09/2023"},
    "no as_of": {"as_of": ""},
    "no quote": {"quote": ""},
    "a script for a url": {"url": "javascript:alert(1)"},
    "a negative date margin": {"as_of_margin_days": "-3"},
    "a date margin in words": {"as_of_margin_days": "a week"},
    "a date margin of centuries": {"as_of_margin_days": "36500"},
    "a start in another order": {"since": "19/09/2023"},
}
# Forms the checker reads and corrects, which the descriptor's canonical form does not take.
ONLY_THE_CHECKER_ACCEPTS = {
    "words in another case": {"metric": "Evacuated", "group": "CHILDREN", "affiliation": "UN"},
    "a qualifier in another case": {"qualifier": "About"},
    "a count with thousands commas": {"value": "100,000"},
    "spaces around a word": {"metric": " evacuated "},
}
# Rules across cells, or beyond a Table Schema, that only the checker applies.
ONLY_THE_DESCRIPTOR_ACCEPTS = {
    "a day that does not exist": {"as_of": "2023-02-30"},
    "a range without its upper end": {"qualifier": "range"},
    "an upper end without a range": {"value_high": "200"},
    "published before it holds": {"published": "2023-09-20"},
    "a url whose brackets do not pair": {"url": "https://example.org/a)b"},
    "a total that starts after it holds": {"since": "2023-09-30"},
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset folder with the shipped vocabularies and descriptor, for one-row files."""
    folder = tmp_path_factory.mktemp("dataset")
    for name in (*VOCABULARY_FILES, "datapackage.json"):
        shutil.copy(DATA / name, folder / name)
    return folder


def _csv_line(cells: dict[str, str]) -> str:
    return ",".join(f'"{cells[name]}"' if "," in cells[name] else cells[name] for name in COLUMNS)


def verdicts(folder: Path, changes: dict[str, str]) -> tuple[bool, bool]:
    """(the checker accepts the row, frictionless accepts it)."""
    row = {**GOOD, **changes}
    (folder / "figures.csv").write_text(
        ",".join(COLUMNS) + "\n" + _csv_line(row) + "\n", encoding="utf-8"
    )
    checked = load_figures(folder / "figures.csv")
    report = frictionless.validate(str(folder / "datapackage.json"))
    return checked.ok and len(checked.rows) == 1, report.valid


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        *[pytest.param(c, (True, True), id=name) for name, c in BOTH_ACCEPT.items()],
        *[pytest.param(c, (False, False), id=name) for name, c in BOTH_REJECT.items()],
        *[pytest.param(c, (True, False), id=name) for name, c in ONLY_THE_CHECKER_ACCEPTS.items()],
        *[
            pytest.param(c, (False, True), id=name)
            for name, c in ONLY_THE_DESCRIPTOR_ACCEPTS.items()
        ],
    ],
)
def test_the_checker_and_frictionless_agree_but_where_documented(
    dataset: Path, changes: dict[str, str], expected: tuple[bool, bool]
) -> None:
    assert verdicts(dataset, changes) == expected


def _verdicts_with_header(folder: Path, columns: list[str]) -> tuple[bool, bool]:
    (folder / "figures.csv").write_text(
        ",".join(columns) + "\n" + ",".join(GOOD[name] for name in columns) + "\n",
        encoding="utf-8",
    )
    checked = load_figures(folder / "figures.csv")
    report = frictionless.validate(str(folder / "datapackage.json"))
    return checked.ok and len(checked.rows) == 1, report.valid


def test_both_take_a_file_without_the_optional_columns_in_any_order(dataset: Path) -> None:
    optional = ("as_of_margin_days", "since", "notes")
    columns = [name for name in COLUMNS if name not in optional]
    assert _verdicts_with_header(dataset, columns) == (True, True)
    assert _verdicts_with_header(dataset, list(reversed(COLUMNS))) == (True, True)


def test_both_refuse_a_file_without_a_required_column(dataset: Path) -> None:
    columns = [name for name in COLUMNS if name != "quote"]
    assert _verdicts_with_header(dataset, columns) == (False, False)


def test_the_differences_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = " ".join(text[text.index("## The descriptor and the checker") :].split())
    for phrase in (
        "any case",
        "thousands commas",
        "2023-02-30",
        "value_high",
        "published",
        "since",
        "brackets",
        "superset",
    ):
        assert phrase in section, phrase


# ---------------------------------------------------------------------------------------------
# The descriptor is generated, and keeps what a person wrote.


def test_describe_keeps_the_hand_written_keys_and_regenerates_the_resources(
    tmp_path: Path,
) -> None:
    for name in (*VOCABULARY_FILES, "figures.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    hand = {
        "name": "valdoria-2031",
        "title": "Reported figures: Valdoria, 2031",
        "description": "A made-up crisis.",
        "licenses": [{"name": "CC0-1.0"}],
        "sources": [{"title": "Valdorian press"}],
        "resources": [{"name": "stale", "path": "old.csv"}],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(hand), encoding="utf-8")
    path, changed = write_descriptor(tmp_path)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert changed
    for key in ("name", "title", "description", "licenses", "sources"):
        assert written[key] == hand[key]
    assert [r["name"] for r in written["resources"]] == [
        "figures",
        "metrics",
        "groups",
        "places",
        "sides",
    ]
    figures = written["resources"][0]["schema"]
    assert [field["name"] for field in figures["fields"]] == list(COLUMNS)
    assert {key["fields"][0] for key in figures["foreignKeys"]} == {
        "metric",
        "group",
        "affiliation",
    }
    assert write_descriptor(tmp_path) == (path, False)  # a second run changes nothing


def test_a_folder_without_vocabularies_gets_no_links_to_them(tmp_path: Path) -> None:
    shutil.copy(DATA / "figures.csv", tmp_path / "figures.csv")
    descriptor = describe(tmp_path)
    assert descriptor["name"] == tmp_path.name.lower()
    assert [r["name"] for r in descriptor["resources"]] == ["figures"]
    assert "foreignKeys" not in descriptor["resources"][0]["schema"]


def test_the_shipped_descriptor_is_what_describe_writes() -> None:
    committed = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert committed == describe(DATA)
    assert committed["licenses"] and committed["sources"] and committed["title"]


# ---------------------------------------------------------------------------------------------
# Exports the humanitarian tools read.


def test_the_csv_export_validates_against_the_descriptors_schema(dataset: Path) -> None:
    rows = load_figures(DATA / "figures.csv").rows
    (dataset / "figures.csv").write_bytes(figures_csv(rows))
    report = frictionless.validate(str(dataset / "datapackage.json"))
    errors = [error.message for task in report.tasks for error in task.errors]
    assert report.valid, errors[:5]
    assert report.tasks[0].stats["rows"] == len(rows)


def test_the_hxl_export_opens_in_libhxl_with_every_hashtag_recognised() -> None:
    hxl = pytest.importorskip("hxl")
    rows = load_figures(DATA / "figures.csv").rows
    data = hxl.data(io.BytesIO(figures_hxl(rows)))
    columns = data.columns
    assert [column.header for column in columns] == list(COLUMNS)
    # Every column tagged, with the hashtag and attributes the export wrote, and each
    # hashtag a core one of the HXL dictionary.
    assert [column.display_tag for column in columns] == [HXL_TAGS[name] for name in COLUMNS]
    core = {"#date", "#indicator", "#loc", "#meta", "#description"}
    assert {column.tag for column in columns} <= core
    read = list(data)
    assert len(read) == len(rows)
    values = sorted(int(row.get("#indicator+value+num")) for row in read)
    assert values == sorted(rows["value"].astype(int).tolist())
