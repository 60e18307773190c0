"""`python -m figures headline`: one best-supported figure per quantity (docs/headline.md)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from figures.cli.loader import (
    DEFAULT_PATH,
    PATH_HELP,
    figures_path,
    load_or_report,
    note_rows_left_out,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `headline` command to the CLI's subcommands."""
    command = subparsers.add_parser(
        "headline", help="one best-supported figure per quantity, with its range and sources"
    )
    command.add_argument("path", nargs="?", type=figures_path, default=DEFAULT_PATH, help=PATH_HELP)
    command.add_argument("--json", action="store_true", help="print the headlines as JSON")
    command.set_defaults(handler=run_headline)


def run_headline(args: argparse.Namespace) -> int:
    # Imported here so `check` stays quick to start.
    from figures.conflicts import find_conflicts
    from figures.headline import (
        headline_cells,
        headline_sentence,
        headlines,
        quantity_label,
        under_total,
    )
    from figures.vocabulary import vocabulary_for

    path: Path = args.path
    result = load_or_report(path)
    if result is None:
        return 2
    vocabulary = vocabulary_for(path)
    found = headlines(result.rows, vocabulary, find_conflicts(result.rows, vocabulary))
    note_rows_left_out(path, result)
    if args.json:
        print(json.dumps([h.to_dict() for h in found], ensure_ascii=False, indent=2))
        return 0
    for headline, indented in zip(found, under_total(found), strict=True):
        indent = "    " if indented else ""
        label = quantity_label(headline, vocabulary)
        where = f" (line {headline.chosen.line})" if headline.chosen else ""
        cells = headline_cells(headline, vocabulary, vocabulary.side_labels())
        print(f"{indent}{label}: {headline_sentence(cells)}{where}")
        if headline.conflicts:
            print(f"{indent}  flags: {', '.join(headline.conflicts)}")
    return 0
