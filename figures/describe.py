"""The dataset's Frictionless Data Package descriptor, generated from the contract.

`datapackage.json` names a dataset (name, title, description, sources, licences: written by
hand) and lists its files as resources, each with a Table Schema. The resources are generated
here, from the row contract (`figures.contract`) and the vocabulary files, so the descriptor
never states a rule the checker does not: `python -m figures describe FOLDER` rewrites them
and keeps the hand-written keys.

What the schema says is the *canonical* form of a row, the form `figures add` writes and the
shipped files hold. The checker (`figures check`) is the analysts' tool and reads a little
more, correcting it (docs/data-contract.md, "The descriptor and the checker"):

- it reads vocabulary words in any case (`Fled` as `fled`) and trims spaces around them;
- it reads counts with spreadsheet thousands commas (`100,000`);

and it checks what no Table Schema can say: rules across cells (a range has an upper end
above its lower one, a figure is not published before it holds), that a date is a real day,
that a URL's brackets pair up, and repeated rows. Blank `group` (= `all`) and blank
`qualifier` (= `exact`) are blank to both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from figures.contract import COLUMNS, REQUIRED_COLUMNS, FigureRow, Qualifier
from figures.dataset import DESCRIPTOR_FILE, FIGURES_FILE, FIGURES_RESOURCE, read_descriptor
from figures.validation.rules import MAX_MARGIN_DAYS, MAX_VALUE
from figures.vocabulary import GROUPS_FILE, METRICS_FILE, PLACES_FILE, SIDES_FILE

Schema = dict[str, Any]

# The keys of a descriptor a person writes; `describe` keeps them and rewrites the rest.
HAND_WRITTEN = ("$schema", "name", "title", "description", "homepage", "version", "keywords")
HAND_WRITTEN_LISTS = ("sources", "licenses", "contributors")
PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"

# A moment as the contract writes it: a day, or a day and a time of day ('T' or a space).
MOMENT_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?"
# A day, no time of day (since).
DAY_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
# An http(s) address, scheme in any case, with no space, quote, backtick, angle bracket or
# backslash (figures.cells.url_problem; brackets that must pair up are the checker's).
URL_PATTERN = "[Hh][Tt][Tt][Pp][Ss]?://[^\\s\"'`<>\\\\]+"
COLOUR_PATTERN = "#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})"
# The words metrics.csv takes for true and false in its yes/no columns (vocabulary._TRUE).
TRUE_WORDS = ["true", "True", "TRUE", "yes", "Yes", "YES", "y", "Y", "1"]
FALSE_WORDS = ["false", "False", "FALSE", "no", "No", "NO", "n", "N", "0"]

# Each vocabulary file: its resource name, key column, and its columns (name, type, extras).
VOCABULARY_RESOURCES: dict[str, tuple[str, str]] = {
    METRICS_FILE: ("metrics", "metric"),
    GROUPS_FILE: ("groups", "group"),
    PLACES_FILE: ("places", "name"),
    SIDES_FILE: ("sides", "code"),
}
# The figures columns whose words a vocabulary file lists: column -> (file, its key column).
FIGURE_LINKS = {
    "metric": METRICS_FILE,
    "group": GROUPS_FILE,
    "affiliation": SIDES_FILE,
}


def _text(name: str, description: str, **constraints: Any) -> Schema:
    field: Schema = {"name": name, "type": "string", "description": description}
    if constraints:
        field["constraints"] = constraints
    return field


def _count(name: str, description: str, required: bool) -> Schema:
    constraints: Schema = {"minimum": 0, "maximum": MAX_VALUE}
    if required:
        constraints["required"] = True
    return {
        "name": name,
        "type": "integer",
        "bareNumber": True,
        "description": description,
        "constraints": constraints,
    }


def _figure_field(name: str) -> Schema:
    """One column of figures.csv, from the contract's field of that name."""
    description = FigureRow.model_fields[name].description or ""
    required = {"required": True} if name in REQUIRED_COLUMNS else {}
    if name in ("value", "value_high"):
        return _count(name, description, name in REQUIRED_COLUMNS)
    if name in ("as_of", "published"):
        return _text(name, description, pattern=MOMENT_PATTERN, **required)
    if name == "as_of_margin_days":
        return {
            "name": name,
            "type": "integer",
            "bareNumber": True,
            "description": description,
            "constraints": {"minimum": 0, "maximum": MAX_MARGIN_DAYS},
        }
    if name == "since":
        return _text(name, description, pattern=DAY_PATTERN)
    if name == "qualifier":
        return _text(name, description, enum=[q.value for q in Qualifier])
    if name == "url":
        return _text(name, description, pattern=URL_PATTERN)
    return _text(name, description, **required)


def _foreign_key(column: str, resource: str, key: str) -> Schema:
    return {"fields": [column], "reference": {"resource": resource, "fields": [key]}}


def figures_schema(vocabulary_files: set[str]) -> Schema:
    """The Table Schema of figures.csv; its vocabulary columns point at the vocabulary files
    the dataset holds (`vocabulary_files`, file names)."""
    links = [
        _foreign_key(column, *VOCABULARY_RESOURCES[file])
        for column, file in FIGURE_LINKS.items()
        if file in vocabulary_files
    ]
    # Columns match by name, and a file may leave out the optional ones (the timing columns
    # most files lack); the required ones must be there (Table Schema 2.0's "superset").
    schema: Schema = {
        "fields": [_figure_field(name) for name in COLUMNS],
        "fieldsMatch": "superset",
        "missingValues": [""],
    }
    if links:
        schema["foreignKeys"] = links
    return schema


def _metrics_schema() -> Schema:
    boolean = {"type": "boolean", "trueValues": TRUE_WORDS, "falseValues": FALSE_WORDS}
    return {
        "fields": [
            _text("metric", "What is counted: the name figures.csv uses", required=True),
            _text("label", "The metric's name on the page"),
            _text("unit", "What one counts (people, vehicles); blank means people"),
            _text(
                "kind",
                "cumulative (a running total), stock (a level at a time) or event",
                required=True,
                enum=["cumulative", "stock", "event"],
            ),
            {"name": "intraday", **boolean, "description": "Updated several times a day"},
            {"name": "movement", **boolean, "description": "Counts people moving"},
            _text("bounded_by", "A metric this one never exceeds in the same place"),
            {
                "name": "window_days",
                "type": "integer",
                "description": "Days either side within which two figures are the same time",
                "constraints": {"minimum": 0},
            },
            _text("place_preposition", "How a sentence puts a place after the metric"),
            _text("description", "What the metric counts"),
        ],
        "primaryKey": ["metric"],
        "foreignKeys": [_foreign_key("bounded_by", "", "metric")],
        "missingValues": [""],
    }


def _groups_schema(with_sides: bool) -> Schema:
    schema: Schema = {
        "fields": [
            _text("group", "Who among the counted: the name figures.csv uses", required=True),
            _text("label", "The group's name on the page"),
            _text("description", "Who the group counts"),
            _text("part_of", "The group this one is a part of; blank = the whole count"),
            _text("side", "The side whose forces the group counts (sides.csv), if one"),
        ],
        "primaryKey": ["group"],
        "foreignKeys": [_foreign_key("part_of", "", "group")],
        "missingValues": [""],
    }
    if with_sides:
        schema["foreignKeys"].append(_foreign_key("side", "sides", "code"))
    return schema


def _places_schema() -> Schema:
    return {
        "fields": [
            _text("name", "A place as sources write it", required=True),
            _text("same_place_as", "Another name of the same place"),
            _text("part_of", "The place this one lies within"),
            _text("description", "Why the names are linked"),
        ],
        "missingValues": [""],
    }


def _sides_schema() -> Schema:
    return {
        "fields": [
            _text("code", "The side's code in figures.csv", required=True, pattern="[a-z0-9_]+"),
            _text("label", "The side's name on the page", required=True),
            _text(
                "colour",
                "The side's colour in charts; blank = one of the palette's",
                pattern=COLOUR_PATTERN,
            ),
            _text("description", "Who the side holds"),
        ],
        "primaryKey": ["code"],
        "missingValues": [""],
    }


def _header(path: Path) -> list[str]:
    first = path.read_text(encoding="utf-8-sig").splitlines()[:1]
    return [cell.strip() for cell in first[0].split(",")] if first else []


def _vocabulary_schema(file: str, present: set[str]) -> Schema:
    if file == METRICS_FILE:
        return _metrics_schema()
    if file == GROUPS_FILE:
        return _groups_schema(SIDES_FILE in present)
    if file == PLACES_FILE:
        return _places_schema()
    return _sides_schema()


def _resource(name: str, path: str, title: str, schema: Schema) -> Schema:
    return {
        "name": name,
        "type": "table",
        "path": path,
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": title,
        "schema": schema,
    }


def resources(folder: Path) -> list[Schema]:
    """The resources of the dataset in `folder`: figures.csv and each vocabulary file it has.

    A vocabulary file's schema keeps only the columns its header has (an older groups.csv
    without `part_of`), in the header's order, so the descriptor describes the file as it is.
    """
    present = {file for file in VOCABULARY_RESOURCES if (folder / file).is_file()}
    out = [_resource(FIGURES_RESOURCE, FIGURES_FILE, "Reported figures", figures_schema(present))]
    for file, (name, _) in VOCABULARY_RESOURCES.items():
        if file not in present:
            continue
        schema = _vocabulary_schema(file, present)
        header = _header(folder / file)
        by_name = {field["name"]: field for field in schema["fields"]}
        schema["fields"] = [by_name[column] for column in header if column in by_name]
        kept = {field["name"] for field in schema["fields"]}
        schema["foreignKeys"] = [
            key for key in schema.get("foreignKeys", []) if key["fields"][0] in kept
        ]
        if not schema["foreignKeys"]:
            del schema["foreignKeys"]
        out.append(_resource(name, file, f"Vocabulary: {name}", schema))
    return out


def describe(folder: Path) -> Schema:
    """The descriptor of the dataset in `folder`: its hand-written keys as they are (a title
    from the folder's name when there are none yet), and the generated resources."""
    current = read_descriptor(folder / DESCRIPTOR_FILE)
    descriptor: Schema = {"$schema": PACKAGE_PROFILE}
    for key in HAND_WRITTEN:
        if key in current:
            descriptor[key] = current[key]
    descriptor.setdefault("name", _package_name(folder))
    descriptor.setdefault("title", f"Reported figures: {folder.resolve().name}")
    for key in HAND_WRITTEN_LISTS:
        if key in current:
            descriptor[key] = current[key]
    descriptor["resources"] = resources(folder)
    return descriptor


def _package_name(folder: Path) -> str:
    """A package name is lower-case letters, digits and - . _ (the Data Package spec)."""
    name = "".join(c if c.isalnum() or c in "-._" else "-" for c in folder.resolve().name.lower())
    return name.strip("-") or "figures"


def descriptor_text(folder: Path) -> str:
    """The descriptor as written to disk: two-space indented JSON, UTF-8, one final newline."""
    return json.dumps(describe(folder), ensure_ascii=False, indent=2) + "\n"


def write_descriptor(folder: Path) -> tuple[Path, bool]:
    """Rewrite the folder's datapackage.json; returns its path and whether it changed."""
    path = folder / DESCRIPTOR_FILE
    text = descriptor_text(folder)
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    if old != text:
        path.write_text(text, encoding="utf-8")
    return path, old != text
