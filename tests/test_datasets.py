"""Every shipped dataset folder works end to end: it checks clean, its conflicts, headline and
exports run, its descriptor is current and valid, and it is read with its own vocabularies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from figures.cli import main
from figures.dataset import GENERIC_TITLE, about, figures_path, resolve_dataset
from figures.validation import load_figures
from figures.vocabulary import vocabulary_for

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"
DATASETS = [ROOT / "data", *sorted(path for path in EXAMPLES.iterdir() if path.is_dir())]
EXAMPLE = EXAMPLES / "lebanon-syria-2024"


def test_there_is_a_second_worked_example() -> None:
    assert EXAMPLE in DATASETS
    assert len(load_figures(EXAMPLE / "figures.csv").rows) >= 40


@pytest.fixture(params=DATASETS, ids=lambda path: path.name)
def dataset(request: pytest.FixtureRequest) -> Path:
    return request.param


def test_the_dataset_checks_clean(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(dataset)]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_its_conflicts_and_headline_run(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conflicts", str(dataset), "--json"]) == 0
    flags = json.loads(capsys.readouterr().out)
    assert flags["figures"] == len(load_figures(dataset / "figures.csv").rows)
    assert main(["headline", str(dataset), "--json"]) == 0
    headlines = json.loads(capsys.readouterr().out)
    assert headlines and all(item["metric"] for item in headlines)


@pytest.mark.parametrize("form", ["csv", "md", "svg"])
def test_its_exports_run(dataset: Path, form: str, tmp_path: Path) -> None:
    out = tmp_path / f"export.{form}"
    assert main(["export", str(dataset), "--format", form, "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    if form == "md":
        # The note is titled with the dataset's own title, from its descriptor.
        title = json.loads((dataset / "datapackage.json").read_text(encoding="utf-8"))["title"]
        assert text.startswith(f"# {title}")
    if form == "svg":
        assert text.lstrip().startswith("<svg")


def test_its_figures_are_read_with_its_own_sides(dataset: Path) -> None:
    vocabulary = vocabulary_for(dataset / "figures.csv")
    rows = load_figures(dataset / "figures.csv").rows
    assert set(rows["affiliation"]) <= set(vocabulary.sides)
    assert set(rows["group"]) <= set(vocabulary.groups)


def test_the_example_has_sides_of_its_own() -> None:
    vocabulary = vocabulary_for(EXAMPLE / "figures.csv")
    assert list(vocabulary.sides) == ["lebanon", "syria", "israel", "un", "ngo", "media", "other"]
    rows = load_figures(EXAMPLE / "figures.csv").rows
    assert {"lebanon", "syria", "israel"} <= set(rows["affiliation"])
    # The first crisis's sides are not the second's.
    assert "armenia" not in vocabulary.sides
    colours = vocabulary.side_colours()
    assert len(set(colours.values())) == len(colours) == 7


def test_its_descriptor_is_current(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", str(dataset), "--check"]) == 0, capsys.readouterr().err


def test_frictionless_finds_the_dataset_valid(dataset: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(dataset / "datapackage.json"))
    errors = [error.message for task in report.tasks for error in task.errors]
    assert report.valid, errors[:5]


# ---------------------------------------------------------------------------------------------
# A dataset is a folder, its descriptor or a bare CSV.


def test_a_folder_and_its_descriptor_name_its_figures_file() -> None:
    assert figures_path(EXAMPLE) == EXAMPLE / "figures.csv"
    assert figures_path(EXAMPLE / "datapackage.json") == EXAMPLE / "figures.csv"
    assert figures_path(EXAMPLE / "figures.csv") == EXAMPLE / "figures.csv"
    assert resolve_dataset(EXAMPLE / "figures.csv").descriptor == EXAMPLE / "datapackage.json"


def test_every_command_takes_a_folder_or_its_descriptor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for path in (EXAMPLE, EXAMPLE / "datapackage.json"):
        assert main(["check", str(path)]) == 0
        assert str(EXAMPLE / "figures.csv") in capsys.readouterr().out


def test_the_app_takes_a_folder_from_the_command_line_or_the_environment() -> None:
    pytest.importorskip("streamlit")
    from figures.ui.state import data_path

    assert data_path(["--data", str(EXAMPLE)], {}) == EXAMPLE / "figures.csv"
    environ = {"FIGURES_DATA": str(EXAMPLE / "datapackage.json")}
    assert data_path([], environ) == EXAMPLE / "figures.csv"


def test_a_bare_csv_uses_the_shipped_vocabularies_but_not_the_shipped_title(
    tmp_path: Path,
) -> None:
    scratch = tmp_path / "scratch.csv"
    scratch.write_text((ROOT / "data" / "figures.csv").read_text(encoding="utf-8"))
    vocabulary = vocabulary_for(scratch)
    assert "armenia" in vocabulary.sides  # the shipped sides
    assert vocabulary.about.title == GENERIC_TITLE == about(scratch).title
    shipped = vocabulary_for(ROOT / "data" / "figures.csv").about.title
    assert shipped != GENERIC_TITLE
    assert figures_path(scratch) == scratch


@pytest.mark.integration
def test_the_dashboard_of_a_dataset_folder_is_titled_and_introduced_by_its_descriptor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    st = pytest.importorskip("streamlit")
    from tests.support import app_test

    monkeypatch.setenv("FIGURES_DATA", str(EXAMPLE))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = app_test().run()
        assert not at.exception
        descriptor = json.loads((EXAMPLE / "datapackage.json").read_text(encoding="utf-8"))
        assert at.title[0].value == descriptor["title"]
        shown = " ".join(block.value.replace("\\", "") for block in at.markdown)
        assert descriptor["description"][:60] in shown
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
