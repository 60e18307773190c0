"""Where a dataset lives, and what it says about itself.

A dataset is a folder: `figures.csv`, its vocabularies (`metrics.csv`, `groups.csv`,
`places.csv`, `sides.csv`) and a Frictionless Data Package descriptor, `datapackage.json`,
which names it (title, description, sources, licence). Every command and page takes a
dataset as a folder, as its descriptor, or as a bare figures CSV (which uses the vocabularies
of its own folder when it has a `metrics.csv` there, else the shipped ones): `resolve_dataset`
is the one place that tells them apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# The repository root, so the app finds its data wherever `streamlit run` is started from.
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_PATH = Path("data") / "figures.csv"
FIGURES_FILE = "figures.csv"
DESCRIPTOR_FILE = "datapackage.json"
FIGURES_RESOURCE = "figures"

# What a dataset without a descriptor is called: the product's own words, no crisis.
GENERIC_TITLE = "Reported refugee-flow figures"
GENERIC_DESCRIPTION = (
    "Figures on people who fled, arrived, were evacuated or detained, each as one source "
    "reported it, with the places where reports disagree. The page takes no side: it shows "
    "who said what, and when."
)


def default_data_path() -> Path:
    """The shipped file: relative when run from the repository root (as messages print it)."""
    if (Path.cwd() / DEFAULT_DATA_PATH).resolve() == (ROOT / DEFAULT_DATA_PATH).resolve():
        return DEFAULT_DATA_PATH
    return ROOT / DEFAULT_DATA_PATH


@dataclass(frozen=True)
class About:
    """What a dataset says about itself: the title and introduction pages and exports show."""

    title: str = GENERIC_TITLE
    description: str = GENERIC_DESCRIPTION


@dataclass(frozen=True)
class Dataset:
    """A dataset as the commands and pages use it."""

    figures: Path  # the figures CSV
    descriptor: Path | None  # its datapackage.json, when it has one


def read_descriptor(path: Path) -> dict:
    """The descriptor's JSON object; {} when it is missing or not a JSON object (the
    frictionless check, not this reader, is where a broken descriptor is reported)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _figures_of(descriptor: Path) -> Path:
    """The path of the descriptor's `figures` resource (default `figures.csv` beside it)."""
    for resource in read_descriptor(descriptor).get("resources", []):
        if isinstance(resource, dict) and resource.get("name") == FIGURES_RESOURCE:
            relative = resource.get("path")
            if isinstance(relative, str) and relative and not Path(relative).is_absolute():
                return descriptor.parent / relative
    return descriptor.parent / FIGURES_FILE


def resolve_dataset(path: Path | str) -> Dataset:
    """A folder, a datapackage.json or a figures CSV, as the dataset it names.

    A folder's figures are its descriptor's `figures` resource, else its `figures.csv`; a CSV
    has the descriptor of its folder when that folder holds one.
    """
    path = Path(path)
    if path.is_dir():
        descriptor = path / DESCRIPTOR_FILE
        if descriptor.is_file():
            return Dataset(_figures_of(descriptor), descriptor)
        return Dataset(path / FIGURES_FILE, None)
    if path.name.endswith(".json"):
        return Dataset(_figures_of(path), path)
    beside = path.parent / DESCRIPTOR_FILE
    described = beside.is_file() and _figures_of(beside).resolve() == path.resolve()
    return Dataset(path, beside if described else None)


def figures_path(text: str | Path) -> Path:
    """The figures CSV a command's PATH names (a folder, a descriptor or a CSV): argparse's
    `type` for every command that reads a dataset."""
    return resolve_dataset(text).figures


def about(figures: Path | None) -> About:
    """Title and description of the dataset a figures CSV belongs to: its descriptor's, else
    the product's generic words (a scratch CSV is not the shipped crisis)."""
    if figures is None:
        return About()
    descriptor = resolve_dataset(figures).descriptor
    data = read_descriptor(descriptor) if descriptor else {}
    title, description = data.get("title"), data.get("description")
    return About(
        title=title if isinstance(title, str) and title.strip() else GENERIC_TITLE,
        description=(
            description
            if isinstance(description, str) and description.strip()
            else GENERIC_DESCRIPTION
        ),
    )
