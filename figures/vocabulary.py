"""The vocabularies analysts may extend without touching code: metrics and groups.

They live as CSV files beside the figures file (`metrics.csv`, `groups.csv`); when a figures
file has none beside it (a scratch copy, a test fixture) the shipped ones in `data/` are used.
The metric's `kind` drives the conflict checks:

- `cumulative`: a running total that should not fall (fled, arrived, killed, ...);
- `stock`: a level at a time, which may rise or fall (population, troops, missing);
- `event`: a count for one occasion (evacuated in one convoy).
"""

from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from figures.cells import FORMULA_STARTS, control_problem
from figures.errors import ValidationError

MetricKind = Literal["cumulative", "stock", "event"]
METRIC_KINDS: tuple[MetricKind, ...] = ("cumulative", "stock", "event")
SHIPPED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
METRICS_FILE = "metrics.csv"
GROUPS_FILE = "groups.csv"
PLACES_FILE = "places.csv"
WHOLE_GROUP = "all"

_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str
    kind: MetricKind
    # Sources update it several times a day, so an untimed figure was taken at an unknown
    # moment of its day rather than holding for the whole day.
    intraday: bool = False
    # It counts people moving (fled, arrived, evacuated): the first such figure marks when
    # the crisis began, and a level dated before it is the pre-crisis figure.
    movement: bool = False
    # The metric this one can never exceed in the same place (fled <= population).
    bounded_by: str | None = None
    # Days either side within which two figures of a stock describe the same time; None means
    # the engine's default. A stock that moves daily (missing, remaining) sets 0.
    window_days: int | None = None
    description: str = ""
    # The word that puts a place after the metric in a sentence: people who fled *from* a
    # place, the population *of* it, people killed *in* it.
    place_preposition: str = "in"


@dataclass(frozen=True)
class Group:
    name: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Vocabulary:
    metrics: dict[str, Metric]
    groups: dict[str, Group]
    # Names that are one place (see places.csv): each name, in compare_place form, to the one
    # name that stands for its place when figures are compared. Empty: every name its own.
    places: dict[str, str] = field(default_factory=dict)

    def same_place_key(self, normalised_place: str) -> str:
        """The name a place is compared under (the input is in `compare_place` form)."""
        return self.places.get(normalised_place, normalised_place)

    def metric(self, name: str) -> Metric:
        return self.metrics[name]

    def metric_label(self, name: str) -> str:
        metric = self.metrics.get(name)
        return metric.label if metric else name

    def group_label(self, name: str) -> str:
        group = self.groups.get(name)
        return group.label if group else name


class VocabularyError(Exception):
    """A vocabulary file is malformed; carries the errors found in it, each with its file."""

    def __init__(self, problems: list[tuple[Path, ValidationError]]):
        self.problems = problems
        self.errors = [error for _, error in problems]
        super().__init__("; ".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per error, as the figures checker prints them: `path:line: column: ...`."""
        return [
            f"{path}:{error.line}: {error.column or 'file'}: {error.message}"
            for path, error in self.problems
        ]


class _Unreadable(Exception):
    def __init__(self, error: ValidationError):
        self.error = error


# A vocabulary is a few dozen lines; anything near this size is not one.
MAX_VOCABULARY_BYTES = 10 * 2**20


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; raises _Unreadable for what is not a regular file (a pipe or a device
    would block or never end) or is larger than MAX_VOCABULARY_BYTES, before reading it."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as handle:
        seen = os.fstat(descriptor)
        if not stat.S_ISREG(seen.st_mode):
            raise _Unreadable(_bad(1, "", "", "it is not a regular file (a pipe, a device?)"))
        if seen.st_size > MAX_VOCABULARY_BYTES:
            message = f"it is {seen.st_size:,} bytes; a vocabulary is at most 10 MiB"
            raise _Unreadable(_bad(1, "", "", message))
        return handle.read(MAX_VOCABULARY_BYTES + 1)


def _cell_problem(line: int, row: dict[str, str], names: tuple[str, ...]) -> ValidationError | None:
    """A cell no vocabulary may hold: a control character anywhere, or a name (a word written
    into figures files, `names`) that a spreadsheet would run as a formula (= + - @)."""
    for column, text in row.items():
        problem = control_problem(text)
        if problem is not None:
            return _bad(line, column, text, f"{column} {problem}")
    for column in names:
        text = row.get(column, "")
        if text.startswith(tuple(FORMULA_STARTS)):
            return _bad(
                line,
                column,
                text,
                f"{column} {text[:40]!r} starts with {text[0]!r}, which a spreadsheet runs as a "
                "formula; a name is a plain word (letters, digits, _)",
            )
    return None


def _read_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows with any cell filled, each with the line it starts on. Raises _Unreadable for
    a file a person must fix before any row can be trusted: not UTF-8, or a column missing."""
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The decoder counts from after a byte-order mark: index what it decoded.
        decoded = bytes(exc.object)
        line = decoded[: exc.start].count(b"\n") + 1
        raise _Unreadable(
            _bad(
                line,
                "",
                "",
                f"byte 0x{decoded[exc.start]:02x} is not UTF-8 text; save the file as "
                "'CSV UTF-8' from the spreadsheet",
            )
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip() for name in reader.fieldnames or []]
    absent = [name for name in required if name not in header]
    if absent:
        raise _Unreadable(
            _bad(
                1,
                absent[0],
                "",
                f"the header has no {', '.join(map(repr, absent))} "
                + ("column" if len(absent) == 1 else "columns"),
            )
        )
    rows = []
    previous_line = 1
    for row in reader:
        line = previous_line + 1
        previous_line = reader.line_num
        cleaned = {(key or "").strip(): (value or "").strip() for key, value in row.items()}
        if any(cleaned.values()):
            rows.append((line, cleaned))
    return rows


def _bad(line: int, column: str, value: str, message: str) -> ValidationError:
    return ValidationError("bad-vocabulary", line, column, value, message)


def parse_metrics(path: Path) -> tuple[dict[str, Metric], list[ValidationError]]:
    metrics: dict[str, Metric] = {}
    errors: list[ValidationError] = []
    try:
        rows = _read_rows(path, required=("metric", "kind"))
    except _Unreadable as exc:
        return metrics, [exc.error]
    for line, row in rows:
        name = row.get("metric", "")
        kind = row.get("kind", "")
        problem = _cell_problem(line, row, ("metric", "bounded_by"))
        if problem is not None:
            errors.append(problem)
            continue
        intraday_text = row.get("intraday", "").lower()
        movement_text = row.get("movement", "").lower()
        window_text = row.get("window_days", "")
        if not name:
            errors.append(_bad(line, "metric", name, "a metric needs a name"))
            continue
        if name in metrics:
            errors.append(_bad(line, "metric", name, f"metric {name!r} is listed twice"))
            continue
        if kind not in METRIC_KINDS:
            errors.append(
                _bad(line, "kind", kind, f"kind must be one of {', '.join(METRIC_KINDS)}")
            )
            continue
        if intraday_text not in _TRUE | _FALSE:
            errors.append(_bad(line, "intraday", intraday_text, "intraday is true or false"))
            continue
        if movement_text not in _TRUE | _FALSE:
            errors.append(_bad(line, "movement", movement_text, "movement is true or false"))
            continue
        if window_text and not window_text.isdigit():
            errors.append(_bad(line, "window_days", window_text, "window_days is a whole number"))
            continue
        metrics[name] = Metric(
            name=name,
            label=row.get("label") or name,
            unit=row.get("unit") or "people",
            kind=kind,  # type: ignore[arg-type]  # checked against METRIC_KINDS above
            intraday=intraday_text in _TRUE,
            movement=movement_text in _TRUE,
            bounded_by=row.get("bounded_by") or None,
            window_days=int(window_text) if window_text else None,
            description=row.get("description", ""),
            place_preposition=row.get("place_preposition", "").strip().lower() or "in",
        )
    for line, row in rows:
        bound = row.get("bounded_by", "")
        if bound and bound not in metrics:
            errors.append(_bad(line, "bounded_by", bound, f"bounded_by names no metric: {bound!r}"))
    return metrics, errors


def parse_groups(path: Path) -> tuple[dict[str, Group], list[ValidationError]]:
    groups: dict[str, Group] = {}
    errors: list[ValidationError] = []
    try:
        rows = _read_rows(path, required=("group",))
    except _Unreadable as exc:
        rows, errors = [], [exc.error]
    for line, row in rows:
        name = row.get("group", "")
        problem = _cell_problem(line, row, ("group",))
        if problem is not None:
            errors.append(problem)
            continue
        if not name:
            errors.append(_bad(line, "group", name, "a group needs a name"))
            continue
        groups[name] = Group(name, row.get("label") or name, row.get("description", ""))
    if WHOLE_GROUP not in groups:
        groups[WHOLE_GROUP] = Group(WHOLE_GROUP, "Everyone", "The whole count")
    return groups, errors


# Files beside a figures file that describe it: the vocabularies, and a Frictionless data
# package descriptor should one be added. No command ever writes over one of them.
DESCRIPTOR_FILES = (METRICS_FILE, GROUPS_FILE, PLACES_FILE, "datapackage.json")


def vocabulary_files(figures_path: Path) -> list[Path]:
    """Every file that describes a figures file: those beside it, those of the folder whose
    vocabulary governs it, and the shipped ones it falls back to (existing or not)."""
    folders = dict.fromkeys(
        (
            Path(figures_path).resolve().parent,
            vocabulary_dir_for(figures_path).resolve(),
            SHIPPED_DATA_DIR,
        )
    )
    return [folder / name for folder in folders for name in DESCRIPTOR_FILES]


def vocabulary_dir_for(figures_path: Path | None) -> Path:
    """The folder whose metrics.csv governs a figures file: its own folder if it has one."""
    if figures_path is not None:
        folder = Path(figures_path).resolve().parent
        if (folder / METRICS_FILE).is_file():
            return folder
    return SHIPPED_DATA_DIR


_DASHES_TO_SPACES = str.maketrans(dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212", " "))


def compare_place(place: str) -> str:
    """The form in which place names are compared: 'Nagorno-Karabakh' and 'nagorno karabakh'
    are one place (dashes become spaces, runs of spaces one space, case folded); spellings
    that differ otherwise are one place only when places.csv says so."""
    return " ".join(place.translate(_DASHES_TO_SPACES).split()).casefold()


# The characters str.split() treats as white space among ASCII, plus the hyphen: in an ASCII
# name these are all compare_place turns into single spaces.
_ASCII_GAPS = r"[-\t\n\x0b\x0c\r\x1c-\x1f ]+"


def compare_places(places: pa.Array) -> pa.Array:
    """compare_place over an array of names, in C: the conflict engine meets tens of
    thousands of distinct places in a big file. ASCII names (nearly all) are lower-cased
    with their dashes and white-space runs made single spaces, which is what casefold and
    split do to ASCII; the rest go through compare_place itself, so the result is the same."""
    places = places.cast(pa.string()).fill_null("")
    ascii_names = pc.string_is_ascii(places)
    spaced = pc.utf8_trim(pc.replace_substring_regex(places, _ASCII_GAPS, " "), " ")
    compared = pc.utf8_lower(spaced)
    if pc.all(ascii_names).as_py() is not False:
        return compared
    others = np.flatnonzero(~ascii_names.to_numpy(zero_copy_only=False))
    names = compared.to_pylist()
    for index, name in zip(others.tolist(), places.take(others).to_pylist(), strict=True):
        names[index] = compare_place(name)
    return pa.array(names, type=pa.string())


def parse_places(path: Path) -> tuple[dict[str, str], list[ValidationError]]:
    """places.csv: rows `name,same_place_as,description`, each saying two names are one
    place. The pairs link into sets; each set is compared under its alphabetically first
    name (in compare_place form), so which name a row puts first carries no meaning."""
    errors: list[ValidationError] = []
    try:
        rows = _read_rows(path, required=("name", "same_place_as"))
    except _Unreadable as exc:
        return {}, [exc.error]
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    for line, row in rows:
        problem = _cell_problem(line, row, ())
        if problem is not None:
            errors.append(problem)
            continue
        name, other = (
            compare_place(row.get("name", "")),
            compare_place(row.get("same_place_as", "")),
        )
        if not name or not other:
            column = "name" if not name else "same_place_as"
            errors.append(_bad(line, column, "", "a row names two places: name and same_place_as"))
            continue
        first, second = sorted((root(name), root(other)))
        parent[second] = first
    return {name: root(name) for name in parent}, errors


def load_vocabulary(folder: Path | None = None) -> Vocabulary:
    """Load metrics.csv, groups.csv and places.csv from `folder` (default: the shipped
    `data/`); groups.csv and places.csv fall back to the shipped ones when `folder` has none.

    Raises VocabularyError when either file is malformed: a wrong vocabulary would silently
    change every conflict decision, so it is better to stop.
    """
    folder = folder or SHIPPED_DATA_DIR
    metrics_path = folder / METRICS_FILE
    metrics, errors = parse_metrics(metrics_path)
    groups_path = folder / GROUPS_FILE
    if not groups_path.is_file():
        groups_path = SHIPPED_DATA_DIR / GROUPS_FILE
    groups, group_errors = parse_groups(groups_path)
    places_path = folder / PLACES_FILE
    if not places_path.is_file():
        places_path = SHIPPED_DATA_DIR / PLACES_FILE
    places, place_errors = parse_places(places_path) if places_path.is_file() else ({}, [])
    problems = [(metrics_path, error) for error in errors]
    problems += [(groups_path, error) for error in group_errors]
    problems += [(places_path, error) for error in place_errors]
    if problems:
        raise VocabularyError(problems)
    return Vocabulary(metrics=metrics, groups=groups, places=places)
