"""No command writes over the data it reads (issue 18): `export` never writes the figures file
or the files that describe it, however they are named, replaces an existing output only with
`--force` and then atomically; `add` never writes a row into a vocabulary or a device."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from figures.append import append_figure
from figures.cli import main
from figures.cli.output import protected_files, write_atomically
from figures.locking import AppendError
from figures.vocabulary import SHIPPED_DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_FILES = ("figures.csv", "metrics.csv", "groups.csv", "places.csv")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the shipped data folder; returns its figures file."""
    for name in SHIPPED_FILES:
        shutil.copyfile(ROOT / "data" / name, tmp_path / name)
    (tmp_path / "datapackage.json").write_text("{}\n")
    return tmp_path / "figures.csv"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def export(data: Path, out: str | Path, fmt: str = "csv", *options: str) -> int:
    return main(["export", str(data), "--format", fmt, "--out", str(out), *options])


@pytest.mark.parametrize("fmt", ["png", "csv", "md"])
@pytest.mark.parametrize("force", [[], ["--force"]])
def test_export_over_its_own_figures_file_is_refused(data, capsys, fmt, force):
    before = snapshot(data.parent)
    assert export(data, data, fmt, "--metric", "troops", *force) == 2
    assert "is the figures file being read" in capsys.readouterr().err
    assert snapshot(data.parent) == before


@pytest.mark.parametrize(
    "name", ["metrics.csv", "groups.csv", "places.csv", "datapackage.json", "figures.csv.lock"]
)
def test_export_over_a_file_that_describes_the_figures_is_refused(data, capsys, name):
    (data.parent / "figures.csv.lock").write_bytes(b"")
    before = snapshot(data.parent)
    assert export(data, data.parent / name, "csv", "--force") == 2
    assert snapshot(data.parent) == before
    assert "never writes over the data it reads" in capsys.readouterr().err


def test_a_vocabulary_that_does_not_exist_yet_is_not_created_either(data, capsys):
    (data.parent / "places.csv").unlink()
    assert export(data, data.parent / "places.csv") == 2
    assert not (data.parent / "places.csv").exists()


@pytest.mark.parametrize("link", ["symlink", "hardlink", "dotted", "relative"])
def test_export_through_another_name_for_the_figures_file_is_refused(
    data, capsys, monkeypatch, link
):
    other = data.parent / "sub"
    other.mkdir()
    if link == "symlink":
        out = other / "view.csv"
        out.symlink_to(data)
    elif link == "hardlink":
        out = other / "view.csv"
        os.link(data, out)
    elif link == "dotted":
        out = other / ".." / "figures.csv"
    else:
        monkeypatch.chdir(other)
        out = Path("../metrics.csv")
    before = snapshot(data.parent)
    assert export(data, out, "png", "--force") == 2
    assert snapshot(data.parent) == before
    if link in ("symlink", "hardlink"):
        assert os.path.samefile(other / "view.csv", data)  # the link itself is left alone too


def test_reading_through_a_link_still_protects_the_real_file(data, capsys, tmp_path):
    alias = tmp_path / "sub" / "alias.csv"
    alias.parent.mkdir()
    alias.symlink_to(data)
    before = data.read_bytes()
    assert export(alias, data, "csv", "--force") == 2
    assert data.read_bytes() == before


def test_the_shipped_data_and_vocabularies_are_always_protected(tmp_path):
    protected = {path.resolve() for path in protected_files(tmp_path / "figures.csv")}
    for name in SHIPPED_FILES:
        assert (SHIPPED_DATA_DIR / name).resolve() in protected


def test_an_existing_output_is_replaced_only_with_force(data, capsys):
    out = data.parent / "view.md"
    out.write_text("an older report\n")
    assert export(data, out, "md") == 2
    assert "exists; add --force to replace it" in capsys.readouterr().err
    assert out.read_text() == "an older report\n"
    assert export(data, out, "md", "--force") == 0
    assert out.read_text().startswith("# Reported refugee-flow figures")
    assert not [path for path in data.parent.iterdir() if path.name.startswith(".")]


def test_a_new_output_gets_ordinary_permissions_and_no_temporary_file_is_left(data):
    out = data.parent / "view.csv"
    old_umask = os.umask(0o022)
    try:
        assert export(data, out) == 0
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert not [path for path in data.parent.iterdir() if path.name.startswith(".view")]


def test_without_force_a_file_that_appears_meanwhile_is_not_replaced(tmp_path):
    out = tmp_path / "view.csv"
    out.write_bytes(b"someone else's\n")
    with pytest.raises(FileExistsError):
        write_atomically(out, b"ours\n", replace=False)
    assert out.read_bytes() == b"someone else's\n"
    assert [path.name for path in tmp_path.iterdir()] == ["view.csv"]


def test_an_output_that_is_not_a_regular_file_is_refused(data, capsys):
    fifo = data.parent / "pipe.csv"
    os.mkfifo(fifo)
    folder = data.parent / "folder.csv"
    folder.mkdir()
    for out in (fifo, folder):
        assert export(data, out, "csv", "--force") == 2
        assert "is not a regular file" in capsys.readouterr().err
    assert stat.S_ISFIFO(fifo.stat().st_mode) and folder.is_dir()


FIELDS = {
    "as_of": "2023-10-01",
    "metric": "fled",
    "value": "5",
    "reported_by": "X",
    "affiliation": "un",
    "outlet": "Y",
    "quote": "5 fled",
}


@pytest.mark.parametrize("name", ["metrics.csv", "groups.csv", "places.csv", "figures.csv.lock"])
def test_add_never_writes_a_row_into_a_vocabulary_or_a_lock_file(data, name):
    target = data.parent / name
    target.touch()
    before = snapshot(data.parent)
    with pytest.raises(AppendError, match="nothing was written"):
        append_figure(target, FIELDS)
    assert snapshot(data.parent) == before


def test_add_refuses_a_fifo_without_blocking_or_making_a_lock_beside_it(tmp_path, capsys):
    fifo = tmp_path / "figures.csv"
    os.mkfifo(fifo)
    argv = ["add", "--file", str(fifo)] + [
        part for name, value in FIELDS.items() for part in (f"--{name.replace('_', '-')}", value)
    ]
    assert main(argv) == 1
    assert "is not a regular file" in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["figures.csv"]


# ---------------------------------------------------------------------------------------------
# Vocabulary words are plain words: one that a spreadsheet would run never reaches an export.


@pytest.mark.parametrize(
    ("file", "line_text", "column"),
    [
        (
            "metrics.csv",
            '"=HYPERLINK(""https://evil.example"",""x"")",Bad,people,stock,,,,,,',
            "metric",
        ),
        ("metrics.csv", "+cmd,Bad,people,stock,,,,,,", "metric"),
        ("groups.csv", "@SUM(1),Bad,", "group"),
        ("metrics.csv", "ok,Bad\x00label,people,stock,,,,,,", "label"),
    ],
)
def test_a_vocabulary_word_a_spreadsheet_would_run_is_refused(
    data, capsys, file, line_text, column
):
    path = data.parent / file
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, line_text]) + "\n")
    assert main(["check", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{len(lines) + 1}: {column}: " in err
    assert export(data, data.parent / "view.csv") == 2
    assert not (data.parent / "view.csv").exists()


def test_a_vocabulary_that_is_a_pipe_is_refused_without_blocking(tmp_path):
    from figures.vocabulary import VocabularyError, load_vocabulary

    os.mkfifo(tmp_path / "metrics.csv")
    with pytest.raises(VocabularyError, match="not a regular file"):
        load_vocabulary(tmp_path)
