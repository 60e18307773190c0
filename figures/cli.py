"""Command line: `python -m figures check|conflicts|add|export`.

Output follows compilers: `path:line: column: message`, so editors and CI can jump to a row.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from figures.validation import load_figures
from figures.vocabulary import VocabularyError

DEFAULT_PATH = Path("data/figures.csv")


def _check(args: argparse.Namespace) -> int:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m figures", description="Check, compare and export reported figures."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate a figures CSV against the contract")
    check.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    check.add_argument("--json", action="store_true", help="print the errors as JSON")
    check.set_defaults(handler=_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except VocabularyError as exc:
        for error in exc.errors:
            print(f"{error.line}: {error.column}: {error.message}", file=sys.stderr)
        print("the metric or group vocabulary is malformed; fix it first", file=sys.stderr)
        return 2
