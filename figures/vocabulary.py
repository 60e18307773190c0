"""The vocabularies analysts may extend without touching code: metrics, groups, places, sides.

They live as CSV files beside the figures file (`metrics.csv`, `groups.csv`, `places.csv`,
`sides.csv`); when a figures file has none beside it (a scratch copy, a test fixture) the
shipped ones in `data/` are used. A new crisis brings its own sides and places as data.
The metric's `kind` drives the conflict checks:

- `cumulative`: a running total that should not fall (fled, arrived, killed, ...);
- `stock`: a level at a time, which may rise or fall (population, troops, missing);
- `event`: a count for one occasion (evacuated in one convoy).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from figures.dataset import FIGURES_FILE, About, about
from figures.errors import ValidationError
from figures.vocabulary_csv import Unreadable, bad_vocabulary, cell_problem, read_rows

MetricKind = Literal["cumulative", "stock", "event"]
METRIC_KINDS: tuple[MetricKind, ...] = ("cumulative", "stock", "event")
SHIPPED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
METRICS_FILE = "metrics.csv"
GROUPS_FILE = "groups.csv"
PLACES_FILE = "places.csv"
SIDES_FILE = "sides.csv"
VOCABULARY_FILES = (METRICS_FILE, GROUPS_FILE, PLACES_FILE, SIDES_FILE)
WHOLE_GROUP = "all"
_COLOUR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

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
    # The group this one is a part of (groups.csv `part_of`; blank means `all`); None only for
    # `all` itself. A figure of a group is compared with its ancestors' as part with whole,
    # never with a sibling's: soldiers of one side and civilians are not parts of each other.
    part_of: str | None = WHOLE_GROUP
    # The side whose people the group counts (groups.csv `side`, optional): "one side's forces".
    side: str = ""


@dataclass(frozen=True)
class Side:
    """A reporter's side (`affiliation`): its code in the figures file, the label people read,
    and its colour in charts ("" = one from the charts' palette)."""

    code: str
    label: str
    colour: str = ""
    description: str = ""


def _shipped_sides() -> dict[str, Side]:
    # A typed function, not a lambda: mypy cannot tell the type of the cached `shipped_sides`
    # from the class body above its definition.
    return dict(shipped_sides())


@dataclass(frozen=True)
class Vocabulary:
    metrics: dict[str, Metric]
    groups: dict[str, Group]
    # Names that are one place (see places.csv): each name, in compare_place form, to the one
    # name that stands for its place when figures are compared. Empty: every name its own.
    places: dict[str, str] = field(default_factory=dict)
    # The sides reporters take, in the file's order (the order tables and legends list them).
    sides: dict[str, Side] = field(default_factory=_shipped_sides)
    # What the dataset calls itself (datapackage.json): the pages' and exports' titles.
    about: About = field(default_factory=About)
    # Places that nest (places.csv `part_of`): a place's compared name to its wider place's,
    # both in the form `same_place_key` gives. Empty: no place is part of another.
    place_parents: dict[str, str] = field(default_factory=dict)

    def group_ancestors(self, name: str) -> tuple[str, ...]:
        """The groups a group is part of, nearest first, ending with `all` (empty for `all`).
        A group the vocabulary lacks is part of `all` only."""
        chain: list[str] = []
        parent = self.groups[name].part_of if name in self.groups else WHOLE_GROUP
        while parent is not None and parent not in chain and parent != name:
            chain.append(parent)
            parent = self.groups[parent].part_of if parent in self.groups else None
        return tuple(chain) if name != WHOLE_GROUP else ()

    def place_ancestors(self, key: str) -> tuple[str, ...]:
        """The wider places a place (its `same_place_key`) is part of, nearest first."""
        chain: list[str] = []
        parent = self.place_parents.get(key)
        while parent is not None and parent not in chain and parent != key:
            chain.append(parent)
            parent = self.place_parents.get(parent)
        return tuple(chain)

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

    def side_label(self, code: str) -> str:
        side = self.sides.get(code)
        return side.label if side else code

    def side_labels(self) -> dict[str, str]:
        """Each side's code to its label, in the file's order."""
        return {code: side.label for code, side in self.sides.items()}

    def side_colours(self) -> dict[str, str]:
        """The colours sides.csv gives, by side code; a side without one is left out, for the
        charts' side palette to give it a hue distinct from these."""
        return {code: side.colour for code, side in self.sides.items() if side.colour}


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


def parse_metrics(path: Path) -> tuple[dict[str, Metric], list[ValidationError]]:
    metrics: dict[str, Metric] = {}
    errors: list[ValidationError] = []
    try:
        rows = read_rows(path, required=("metric", "kind"))
    except Unreadable as exc:
        return metrics, [exc.error]
    for line, row in rows:
        name = row.get("metric", "")
        kind = row.get("kind", "")
        problem = cell_problem(line, row, ("metric", "bounded_by"))
        if problem is not None:
            errors.append(problem)
            continue
        intraday_text = row.get("intraday", "").lower()
        movement_text = row.get("movement", "").lower()
        window_text = row.get("window_days", "")
        if not name:
            errors.append(bad_vocabulary(line, "metric", name, "a metric needs a name"))
            continue
        if name in metrics:
            errors.append(bad_vocabulary(line, "metric", name, f"metric {name!r} is listed twice"))
            continue
        if kind not in METRIC_KINDS:
            errors.append(
                bad_vocabulary(line, "kind", kind, f"kind must be one of {', '.join(METRIC_KINDS)}")
            )
            continue
        if intraday_text not in _TRUE | _FALSE:
            errors.append(
                bad_vocabulary(line, "intraday", intraday_text, "intraday is true or false")
            )
            continue
        if movement_text not in _TRUE | _FALSE:
            errors.append(
                bad_vocabulary(line, "movement", movement_text, "movement is true or false")
            )
            continue
        if window_text and not window_text.isdigit():
            errors.append(
                bad_vocabulary(line, "window_days", window_text, "window_days is a whole number")
            )
            continue
        metrics[name] = Metric(
            name=name,
            label=row.get("label") or name,
            unit=row.get("unit") or "people",
            kind=kind,  # narrowed to a MetricKind by the METRIC_KINDS check above
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
            errors.append(
                bad_vocabulary(line, "bounded_by", bound, f"bounded_by names no metric: {bound!r}")
            )
    return metrics, errors


def parse_groups(
    path: Path, sides: Collection[str] | None = None
) -> tuple[dict[str, Group], list[ValidationError]]:
    """groups.csv: `group,label,description`, and optionally `part_of` (the group this one is
    a part of; blank means `all`) and `side` (whose people it counts; checked against `sides`
    when a sides vocabulary exists, any code otherwise)."""
    groups: dict[str, Group] = {}
    errors: list[ValidationError] = []
    lines: dict[str, int] = {}
    try:
        rows = read_rows(path, required=("group",))
    except Unreadable as exc:
        rows, errors = [], [exc.error]
    for line, row in rows:
        name = row.get("group", "")
        problem = cell_problem(line, row, ("group",))
        if problem is not None:
            errors.append(problem)
            continue
        if not name:
            errors.append(bad_vocabulary(line, "group", name, "a group needs a name"))
            continue
        if name in groups:
            errors.append(bad_vocabulary(line, "group", name, f"group {name!r} is listed twice"))
            continue
        side = row.get("side", "")
        if side and sides is not None and side not in sides:
            known = ", ".join(sorted(sides))
            errors.append(
                bad_vocabulary(line, "side", side, f"side {side!r} is not a side ({known})")
            )
            continue
        part_of = row.get("part_of", "") or WHOLE_GROUP
        if name == WHOLE_GROUP and row.get("part_of", ""):
            errors.append(
                bad_vocabulary(
                    line, "part_of", part_of, "`all` is the whole: it is part of nothing"
                )
            )
            continue
        lines[name] = line
        groups[name] = Group(
            name,
            row.get("label") or name,
            row.get("description", ""),
            part_of=None if name == WHOLE_GROUP else part_of,
            side=side,
        )
    if WHOLE_GROUP not in groups:
        groups[WHOLE_GROUP] = Group(WHOLE_GROUP, "Everyone", "The whole count", part_of=None)
    errors += _group_chain_errors(groups, lines)
    return groups, errors


def _group_chain_errors(groups: dict[str, Group], lines: dict[str, int]) -> list[ValidationError]:
    """A part_of that names no group, or a chain of part_of that comes back to where it began
    (a group cannot be a part of its own part)."""
    errors = []
    for name, line in lines.items():
        parent = groups[name].part_of
        if parent is not None and parent not in groups:
            errors.append(
                bad_vocabulary(line, "part_of", parent, f"part_of names no group: {parent!r}")
            )
            continue
        seen = [name]
        while parent is not None and parent in groups and parent not in seen:
            seen.append(parent)
            parent = groups[parent].part_of
        if parent == name:
            cycle = " -> ".join([*seen, name])
            errors.append(
                bad_vocabulary(
                    line,
                    "part_of",
                    groups[name].part_of or "",
                    f"part_of goes round in a circle: {cycle}",
                )
            )
    return errors


def parse_sides(path: Path) -> tuple[dict[str, Side], list[ValidationError]]:
    """sides.csv: `code,label,colour,description`, one row per side a reporter may take."""
    sides: dict[str, Side] = {}
    errors: list[ValidationError] = []
    try:
        rows = read_rows(path, required=("code", "label"))
    except Unreadable as exc:
        return sides, [exc.error]
    colours: dict[str, str] = {}
    for line, row in rows:
        code, colour = row.get("code", ""), row.get("colour", "")
        problem = ""
        if not code:
            problem, column = "a side needs a code", "code"
        elif code != code.lower() or not code.replace("_", "").isalnum():
            problem, column = "a side's code is lower-case letters, digits and _", "code"
        elif code in sides:
            problem, column = f"side {code!r} is listed twice", "code"
        elif colour and not _COLOUR_RE.match(colour):
            problem, column = f"colour {colour!r} is not #RRGGBB", "colour"
        elif colour and colour.lower() in colours:
            problem = f"colour {colour} is already side {colours[colour.lower()]!r}'s"
            column = "colour"
        if problem:
            errors.append(
                bad_vocabulary(line, column, code if column == "code" else colour, problem)
            )
            continue
        if colour:
            colours[colour.lower()] = code
        sides[code] = Side(code, row.get("label") or code, colour, row.get("description", ""))
    if not sides and not errors:
        errors.append(bad_vocabulary(1, "code", "", "sides.csv lists no side"))
    return sides, errors


@functools.cache
def shipped_sides() -> tuple[tuple[str, Side], ...]:
    """The shipped sides.csv, for a Vocabulary built in code without sides of its own."""
    sides, errors = parse_sides(SHIPPED_DATA_DIR / SIDES_FILE)
    if errors:
        raise VocabularyError([(SHIPPED_DATA_DIR / SIDES_FILE, error) for error in errors])
    return tuple(sides.items())


# Files beside a figures file that describe it: the vocabularies, and a Frictionless data
# package descriptor should one be added. No command ever writes over one of them.
DESCRIPTOR_FILES = (METRICS_FILE, GROUPS_FILE, PLACES_FILE, SIDES_FILE, "datapackage.json")


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
    """The form in which place names are compared: 'North-Valdoria' and 'north valdoria'
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
    """places.csv's names that are one place (see `parse_place_file`), and its errors."""
    aliases, _, errors = parse_place_file(path)
    return aliases, errors


def parse_place_file(
    path: Path,
) -> tuple[dict[str, str], dict[str, str], list[ValidationError]]:
    """places.csv: rows `name,same_place_as,part_of,description`.

    `same_place_as` says two names are one place. The pairs link into sets; each set is
    compared under its alphabetically first name (in compare_place form), so which name a row
    puts first carries no meaning. `part_of` (optional) names the wider place this one lies
    in (a district's region, a region's country): returned as the second mapping, from each
    place's compared name to its wider place's. A row gives same_place_as, part_of or both.
    """
    try:
        rows = read_rows(path, required=("name", "same_place_as"))
    except Unreadable as exc:
        return {}, {}, [exc.error]
    errors: list[ValidationError] = []
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    wider: list[tuple[int, str, str]] = []  # (line, place, wider place), as written
    for line, row in rows:
        problem = cell_problem(line, row, ())
        if problem is not None:
            errors.append(problem)
            continue
        name, other, part_of = (
            compare_place(row.get(column, "")) for column in ("name", "same_place_as", "part_of")
        )
        if not name or not (other or part_of):
            column = "name" if not name else "same_place_as"
            message = (
                "a row names two places: a place and another name of it (same_place_as), "
                "or the wider place it lies in (part_of)"
            )
            errors.append(bad_vocabulary(line, column, "", message))
            continue
        if part_of:
            wider.append((line, row.get("name", "").strip(), row.get("part_of", "").strip()))
        if other:
            first, second = sorted((root(name), root(other)))
            parent[second] = first
    aliases = {name: root(name) for name in parent}
    parents, parent_errors = _place_parents(
        wider, lambda name: aliases.get(compare_place(name), compare_place(name))
    )
    return aliases, parents, errors + parent_errors


def _place_parents(
    wider: list[tuple[int, str, str]], key: Callable[[str], str]
) -> tuple[dict[str, str], list[ValidationError]]:
    """Each place's wider place, by compared name; a place lies in one wider place, and a
    chain of part_of never comes back to where it began. `wider` holds the names as
    written, and a message quotes them so."""
    parents: dict[str, str] = {}
    written: dict[str, str] = {}  # each place's wider place, as its row wrote it
    errors = []
    for line, name, part_of in wider:
        place, whole = key(name), key(part_of)
        if parents.get(place, whole) != whole:
            message = (
                f"{name!r} is already part of {written[place]!r}; a place lies in one wider place"
            )
            errors.append(bad_vocabulary(line, "part_of", part_of, message))
            continue
        chain = [place, whole]
        while chain[-1] in parents and chain[-1] != place:
            chain.append(parents[chain[-1]])
        if chain[-1] == place:
            cycle = " -> ".join(chain)
            errors.append(
                bad_vocabulary(line, "part_of", part_of, f"part_of goes round in a circle: {cycle}")
            )
            continue
        parents[place] = whole
        written[place] = part_of
    return parents, errors


def _vocabulary_file(folder: Path, name: str) -> Path:
    """The file a vocabulary is read from: the folder's own, else the shipped one."""
    own = folder / name
    return own if own.is_file() else SHIPPED_DATA_DIR / name


def load_vocabulary(folder: Path | None = None) -> Vocabulary:
    """Load metrics.csv, groups.csv, places.csv and sides.csv from `folder` (default: the
    shipped `data/`); each but metrics.csv falls back to the shipped one when `folder` has
    none.

    Raises VocabularyError when any file is malformed: a wrong vocabulary would silently
    change every conflict decision, so it is better to stop.
    """
    folder = folder or SHIPPED_DATA_DIR
    metrics_path = folder / METRICS_FILE
    metrics, errors = parse_metrics(metrics_path)
    problems = [(metrics_path, error) for error in errors]
    sides_path = _vocabulary_file(folder, SIDES_FILE)
    sides, side_errors = parse_sides(sides_path)
    problems += [(sides_path, error) for error in side_errors]
    groups_path = _vocabulary_file(folder, GROUPS_FILE)
    groups, group_errors = parse_groups(groups_path, sides)
    problems += [(groups_path, error) for error in group_errors]
    places_path = _vocabulary_file(folder, PLACES_FILE)
    places, place_parents, place_errors = (
        parse_place_file(places_path) if places_path.is_file() else ({}, {}, [])
    )
    problems += [(places_path, error) for error in place_errors]
    if problems:
        raise VocabularyError(problems)
    return Vocabulary(
        metrics=metrics,
        groups=groups,
        places=places,
        sides=sides,
        place_parents=place_parents,
        about=about(folder / FIGURES_FILE),
    )


def vocabulary_for(figures_path: Path) -> Vocabulary:
    """The vocabulary a figures file is read with (`vocabulary_dir_for`), with the title of
    the dataset it belongs to: a CSV outside any dataset takes the shipped vocabularies but
    not the shipped dataset's name."""
    vocabulary = load_vocabulary(vocabulary_dir_for(figures_path))
    return dataclasses.replace(vocabulary, about=about(figures_path))
