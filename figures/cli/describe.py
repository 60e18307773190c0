"""`python -m figures describe [FOLDER]`: rewrite a dataset's datapackage.json from the contract.

The descriptor's name, title, description, sources and licences are written by hand and kept;
its resources (one per file, each with a Table Schema) are generated (`figures.describe`).
With `--check` nothing is written: the command says whether the descriptor is current, for CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from figures.cli.loader import DEFAULT_PATH


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `describe` command to the CLI's subcommands."""
    command = subparsers.add_parser(
        "describe", help="rewrite a dataset's datapackage.json (its files' Table Schemas)"
    )
    command.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=DEFAULT_PATH.parent,
        help=f"the dataset's folder (default {DEFAULT_PATH.parent})",
    )
    command.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the descriptor is stale"
    )
    command.set_defaults(handler=run_describe)


def run_describe(args: argparse.Namespace) -> int:
    from figures.dataset import DESCRIPTOR_FILE
    from figures.describe import descriptor_text, write_descriptor

    folder: Path = args.folder
    if folder.is_file():  # its datapackage.json, or its figures CSV
        folder = folder.parent
    if not folder.is_dir():
        print(f"error: {folder}: no such folder", file=sys.stderr)
        return 2
    if args.check:
        path = folder / DESCRIPTOR_FILE
        current = path.is_file() and path.read_text(encoding="utf-8") == descriptor_text(folder)
        if not current:
            print(f"{path}: stale; run `python -m figures describe {folder}`", file=sys.stderr)
        return 0 if current else 1
    path, changed = write_descriptor(folder)
    print(f"{path}: {'rewritten' if changed else 'already current'}", file=sys.stderr)
    return 0
