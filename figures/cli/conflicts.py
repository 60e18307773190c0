"""`python -m figures conflicts`: the figures that disagree, as a readable list or JSON.

Conflicts are findings, not errors: the command exits 0 whatever it finds (2 when the file
cannot be read or the settings are impossible).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from figures.cli.loader import (
    DEFAULT_PATH,
    PATH_HELP,
    figures_path,
    load_or_report,
    note_rows_left_out,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `conflicts` command to the CLI's subcommands."""
    conflicts = subparsers.add_parser(
        "conflicts", help="list the figures that disagree (findings, not errors: exit 0)"
    )
    conflicts.add_argument(
        "path", nargs="?", type=figures_path, default=DEFAULT_PATH, help=PATH_HELP
    )
    conflicts.add_argument("--json", action="store_true", help="print the flags as JSON")
    conflicts.add_argument(
        "--tolerance",
        type=float,
        default=0.10,
        help="how far 'about' reaches either side, as a fraction (default 0.1)",
    )
    conflicts.add_argument(
        "--window-days",
        type=int,
        default=3,
        help="days within which two figures of a stock describe the same time (default 3)",
    )
    conflicts.set_defaults(handler=run_conflicts)


def run_conflicts(args: argparse.Namespace) -> int:
    # Imported here so `check` stays quick to start.
    from figures.conflicts import ConflictSettings, find_conflicts
    from figures.vocabulary import vocabulary_for

    path: Path = args.path
    result = load_or_report(path)
    if result is None:
        return 2
    try:
        settings = ConflictSettings(tolerance=args.tolerance, window_days=args.window_days)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    found = find_conflicts(result.rows, vocabulary_for(path), settings)
    note_rows_left_out(path, result)
    if args.json:
        payload = {
            "path": str(path),
            "settings": {"tolerance": settings.tolerance, "window_days": settings.window_days},
            "figures": len(result.rows),
            "conflicts": [conflict.to_dict() for conflict in found],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    print(f"{path}: {len(found)} conflict(s) among {len(result.rows)} figure(s)")
    for conflict in found:
        lines = ", ".join(str(line) for line in conflict.lines)
        print(f"\n[{conflict.severity_label}] {conflict.code}: {conflict.title} (lines {lines})")
        print(f"  {conflict.explanation}")
        pairs = ", ".join(f"{a}-{b}" for a, b in conflict.pairs)
        kind = "look like one copied number" if conflict.code == "likely-typo" else "disagree"
        print(f"  pairs that {kind}: {pairs}")
    return 0
