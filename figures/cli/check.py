"""`python -m figures check`: validate a figures CSV against the contract.

One line per problem, `path:line: column: message` (the compiler style editors jump to), then
a summary; `--json` gives the same as data. Exit 1 when there is any error.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from figures.cli.loader import DEFAULT_PATH, PATH_HELP, figures_path
from figures.validation import load_figures


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `check` command to the CLI's subcommands."""
    check = subparsers.add_parser("check", help="validate a figures CSV against the contract")
    check.add_argument("path", nargs="?", type=figures_path, default=DEFAULT_PATH, help=PATH_HELP)
    check.add_argument("--json", action="store_true", help="print the errors as JSON")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    path: Path = args.path
    result = load_figures(path)
    if args.json:
        payload = {
            "path": str(path),
            "records": result.record_count,
            "valid_rows": len(result.rows),
            "errors": [error.to_dict() for error in result.errors],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for error in result.errors:
            print(error.located(str(path)))
        if result.file_errors:
            summary = f"{path}: not loaded: {len(result.errors)} error(s)"
        else:
            bad = result.record_count - len(result.rows)
            summary = (
                f"{path}: {result.record_count} row(s), {len(result.rows)} valid, "
                f"{bad} with errors; {len(result.errors)} error(s)"
            )
        print(summary)
    return 1 if result.errors else 0
