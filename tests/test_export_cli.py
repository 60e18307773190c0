"""`python -m figures export`: every format, byte-identical reruns, the dashboard's filters,
and clean failures on values the data does not have."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from figures.cli import main
from figures.contract import COLUMNS
from tests.support import SEED_FIGURES

ROOT = Path(__file__).resolve().parent.parent
DATA = SEED_FIGURES  # the seed rows, frozen (tests/data/seed)
FORMATS = ("png", "svg", "csv", "hxl", "md")


def export(tmp_path: Path, fmt: str, *options: str, name: str = "out") -> tuple[int, Path]:
    out = tmp_path / f"{name}.{fmt}"
    code = main(["export", str(DATA), "--format", fmt, "--out", str(out), *options])
    return code, out


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_written_and_two_runs_are_byte_identical(tmp_path, fmt):
    code, first = export(tmp_path, fmt, "--metric", "troops", name="first")
    assert code == 0
    code, second = export(tmp_path, fmt, "--metric", "troops", name="second")
    assert code == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.stat().st_size > 0
    assert not list(tmp_path.glob(".*")), "no temporary file is left behind"


def test_the_png_is_an_image_at_twice_the_svgs_size(tmp_path):
    import xml.etree.ElementTree as ET

    _, png = export(tmp_path, "png", "--chart", "by-source")
    _, svg = export(tmp_path, "svg", "--chart", "by-source")
    root = ET.fromstring(svg.read_text(encoding="utf-8"))
    with Image.open(png) as image:
        assert image.format == "PNG"
        assert image.size == (
            round(2 * float(root.get("width", 0))),
            round(2 * float(root.get("height", 0))),
        )


def test_the_two_charts_differ(tmp_path):
    _, timeline = export(tmp_path, "svg", "--chart", "timeline", name="timeline")
    _, by_source = export(tmp_path, "svg", "--chart", "by-source", name="by-source")
    assert timeline.read_bytes() != by_source.read_bytes()


def test_filters_narrow_the_figures_like_the_dashboards(tmp_path):
    _, everything = export(tmp_path, "csv", name="all")
    assert len(csv_rows(everything)) == 13
    _, troops = export(tmp_path, "csv", "--metric", "troops", name="troops")
    assert {row["metric"] for row in csv_rows(troops)} == {"troops"}
    assert len(csv_rows(troops)) == 3
    _, armenian = export(
        tmp_path,
        "csv",
        "--affiliation",
        "armenia",
        "--from",
        "2023-09-25",
        "--to",
        "2023-09-30",
        name="armenian",
    )
    rows = csv_rows(armenian)
    assert {row["affiliation"] for row in rows} == {"armenia"}
    assert sorted(row["as_of"] for row in rows) == ["2023-09-25", "2023-09-30"]
    _, two = export(
        tmp_path, "csv", "--reporter", "TASS", "--reporter", "Brussels Signal", name="two"
    )
    assert sorted(row["reported_by"] for row in csv_rows(two)) == ["Brussels Signal", "TASS"]
    _, places = export(tmp_path, "hxl", "--place", "Goris", name="goris")
    lines = places.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and lines[1].startswith("#date,")


def test_the_note_and_the_images_follow_the_filters(tmp_path):
    _, note = export(tmp_path, "md", "--metric", "troops")
    text = note.read_text(encoding="utf-8")
    assert "**Troops**" in text and "People who fled" not in text
    _, svg = export(tmp_path, "svg", "--metric", "troops")
    drawn = svg.read_text(encoding="utf-8")
    assert "Figures as reported up to 19 Sep 2023" in drawn
    assert "Government of Armenia (TASS)" in drawn
    assert "Pashinyan" not in drawn


def test_a_metric_without_figures_yet_gives_an_empty_report_not_an_error(tmp_path):
    code, out = export(tmp_path, "csv", "--metric", "killed")
    assert code == 0
    assert out.read_text(encoding="utf-8-sig").splitlines() == [",".join(COLUMNS)]


@pytest.mark.parametrize(
    ("option", "value", "hint"),
    [
        ("--metric", "fleed", "did you mean 'fled'"),
        ("--group", "kids", "no such group"),
        ("--affiliation", "Armenia", "did you mean 'armenia'"),
        ("--place", "Atlantis", "no such place in the data"),
        ("--reporter", "Nobody at all", "no such reporter in the data"),
    ],
)
def test_unknown_filter_values_fail_with_a_message_and_exit_2(
    tmp_path, capsys, option, value, hint
):
    code, out = export(tmp_path, "csv", option, value)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("error: ")
    assert repr(value) in captured.err and hint in captured.err
    assert "Traceback" not in captured.err
    assert not out.exists()


def test_bad_dates_and_inverted_ranges_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        export(tmp_path, "csv", "--from", "19/09/2023")
    assert stopped.value.code == 2
    assert "write YYYY-MM-DD" in capsys.readouterr().err
    code, _ = export(tmp_path, "csv", "--from", "2023-09-30", "--to", "2023-09-19")
    assert code == 2
    assert "is after" in capsys.readouterr().err


def test_a_missing_data_file_or_folder_exits_2(tmp_path, capsys):
    code = main(["export", str(tmp_path / "none.csv"), "--format", "md", "--out", "x.md"])
    assert code == 2
    assert "there is no file" in capsys.readouterr().err
    code = main(["export", str(DATA), "--format", "md", "--out", str(tmp_path / "a" / "b.md")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_command_runs_as_a_module_and_can_write_to_standard_output():
    command = [sys.executable, "-m", "figures", "export", "--format", "md", "--out", "-"]
    done = subprocess.run(
        [*command, "--metric", "troops"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # The default dataset's note is titled with its descriptor's title.
    title = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))["title"]
    assert done.stdout.startswith(f"# {title}\n")
    refused = subprocess.run(
        [sys.executable, "-m", "figures", "export", "--format", "png", "--out", "-"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 2 and "standard output" in refused.stderr
