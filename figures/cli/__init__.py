"""Command line: `python -m figures check|add|conflicts|headline|export|describe|parse-quote`.

One module per command (`check`, `conflicts`, `headline`, `add`, `export`, `describe`,
`parse_quote`),
each with a `register` function that adds its subcommand and a handler; `loader` holds what
they share (the default file, and loading it or saying why it cannot be read). Output follows
compilers:
`path:line: column: message`, so editors and CI can jump to a row.
"""

from __future__ import annotations

import argparse
import os
import sys

from figures.cli import add, check, conflicts, describe, export, headline, parse_quote
from figures.vocabulary import VocabularyError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m figures", description="Check, compare and export reported figures."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    # Registration order is the order `--help` lists the commands in.
    check.register(commands)
    add.register(commands)
    conflicts.register(commands)
    headline.register(commands)
    export.register(commands)
    describe.register(commands)
    parse_quote.register(commands)
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
