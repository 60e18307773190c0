"""Command line: `python -m figures check|conflicts|add|export`.

Output follows compilers: `path:line: column: message`, so editors and CI can jump to a row.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from figures import add_command, export_command, parse_quote_command
from figures.validation import LoadResult, load_figures
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


def load_or_report(path: Path) -> LoadResult | None:
    """The file's rows, or None after printing why the file cannot be read at all."""
    result = load_figures(path)
    if result.file_errors:
        for error in result.file_errors:
            print(error.located(str(path)), file=sys.stderr)
        return None
    return result


def _conflicts(args: argparse.Namespace) -> int:
    # Imported here so `check` stays quick to start.
    from figures.conflicts import ConflictSettings, find_conflicts
    from figures.vocabulary import load_vocabulary, vocabulary_dir_for

    path: Path = args.path
    result = load_or_report(path)
    if result is None:
        return 2
    try:
        settings = ConflictSettings(tolerance=args.tolerance, window_days=args.window_days)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    found = find_conflicts(result.rows, load_vocabulary(vocabulary_dir_for(path)), settings)
    left_out = result.record_count - len(result.rows)
    if left_out:
        print(
            f"note: {left_out} row(s) with errors were left out; run `python -m figures check "
            f"{path}` to see them",
            file=sys.stderr,
        )
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m figures", description="Check, compare and export reported figures."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate a figures CSV against the contract")
    check.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    check.add_argument("--json", action="store_true", help="print the errors as JSON")
    check.set_defaults(handler=_check)
    add_command.register(commands)
    conflicts = commands.add_parser(
        "conflicts", help="list the figures that disagree (findings, not errors: exit 0)"
    )
    conflicts.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
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
    conflicts.set_defaults(handler=_conflicts)
    export_command.register(commands)
    parse_quote_command.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status = args.handler(args)
        sys.stdout.flush()  # inside the try: with buffered output the pipe breaks here
        return status
    except BrokenPipeError:
        # The reader went away (`... | head`): what it wanted it has; say nothing more. Python
        # would print a second error flushing stdout at exit, so stdout points at devnull.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except VocabularyError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        print("the metric, group or place vocabulary is malformed; fix it first", file=sys.stderr)
        return 2
