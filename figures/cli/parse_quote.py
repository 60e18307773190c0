"""`python -m figures parse-quote`: the figures a quote may give, most likely first.

`parse-quote TEXT` prints one line per candidate; `--json` prints them as a JSON array;
`--lines` reads quotes from standard input, one per line, and prints one JSON array per line,
so a file of quotes is read in one process (`python -m figures parse-quote --lines < q.txt`).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from figures.quotes import Candidate, parse_quote


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `parse-quote` command to the CLI's subcommands."""
    command = subparsers.add_parser(
        "parse-quote",
        help="propose the figures a quote gives (value, qualifier, range), most likely first",
        description=(
            "Read a sentence of reporting and propose its figures, most likely first, with "
            "the character offsets of the words each was read from. A vague plural "
            "('thousands') is proposed as the least it allows (at least 2000), marked vague."
        ),
    )
    command.add_argument("text", nargs="?", help="the quote (omit with --lines)")
    command.add_argument("--json", action="store_true", help="print the candidates as JSON")
    command.add_argument(
        "--lines",
        action="store_true",
        help="read quotes from standard input, one per line; print one JSON array per line",
    )
    command.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.lines:
        if args.text is not None:
            print("error: give the quote as TEXT or --lines, not both", file=sys.stderr)
            return 2
        return _run_lines(sys.stdin, sys.stdout)
    if args.text is None:
        print("error: give a quote, or --lines to read quotes from stdin", file=sys.stderr)
        return 2
    candidates = parse_quote(args.text)
    if args.json:
        print(_as_json(candidates))
        return 0
    if not candidates:
        print("no figure found")
    for rank, candidate in enumerate(candidates, start=1):
        print(f"{rank}. {describe(candidate, args.text)}")
    return 0


def _run_lines(source: TextIO, sink: TextIO) -> int:
    for line in source:
        sink.write(_as_json(parse_quote(line.rstrip("\r\n"))) + "\n")
    return 0


def _as_json(candidates: list[Candidate]) -> str:
    return json.dumps([c.to_dict() for c in candidates], ensure_ascii=False)


def describe(candidate: Candidate, text: str) -> str:
    """One line for a person: '100000 more_than (from "more than 100,000")'."""
    value = f"{candidate.value:,}"
    if candidate.value_high is not None:
        value += f" to {candidate.value_high:,}"
    words = text[candidate.start : candidate.end]
    vague = ", vague: the least the words allow" if candidate.vague else ""
    return f'{value} {candidate.qualifier} (from "{words}"{vague})'
