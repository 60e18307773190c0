"""`python -m figures add`: append one checked figure, from options or by answering prompts.

Every column is an option named after it (`--as-of`, `--reported-by`, ...). In a terminal, the
fields not given are asked for one by one, with the vocabulary shown and each answer checked
by the same rules as the checker; anywhere else (a script, CI) missing fields are an error.
The row goes through `figures.append.append_figure`, the function the dashboard's form uses.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from figures.append import AppendError, AppendResult, append_figure, validate_fields
from figures.cli.loader import DEFAULT_PATH
from figures.contract import (
    AFFILIATION_LABELS,
    COLUMNS,
    REQUIRED_COLUMNS,
    TIMING_COLUMNS,
    Qualifier,
)
from figures.errors import ValidationError
from figures.validation import load_figures
from figures.vocabulary import Vocabulary, load_vocabulary, vocabulary_dir_for
from figures.wording import value_as_written

HELP: dict[str, str] = {
    "as_of": "when the figure holds: YYYY-MM-DD, or YYYY-MM-DDTHH:MM if the source gives the hour",
    "metric": "what is counted, a name from metrics.csv (fled, arrived, ...)",
    "group": "who among them, from groups.csv (blank = all)",
    "qualifier": "how the source bounded the number (blank = exact)",
    "value": "the number, in digits (100000, not 100k)",
    "value_high": "upper end, only for qualifier range ('five to six' = 5 and 6)",
    "place": "the area the count refers to",
    "reported_by": "who gave the figure: the originator, not the outlet",
    "affiliation": "the reporter's side",
    "outlet": "where it was published",
    "published": "publication date, YYYY-MM-DD",
    "url": "the source's http(s) address",
    "quote": "the words that carry the figure, verbatim",
    "notes": "anything an analyst should know",
    "as_of_margin_days": "days either way as_of may be off, e.g. 3 for 'last week' (blank = exact)",
    "since": "for a running total, the day it starts counting, YYYY-MM-DD (blank = not stated)",
}

QUALIFIER_EXAMPLES: dict[str, str] = {
    Qualifier.EXACT: "the number as given ('102 children')",
    Qualifier.ABOUT: "'about', 'an estimated', 'some', 'around'",
    Qualifier.MORE_THAN: "'more than', 'over'",
    Qualifier.AT_LEAST: "'at least', 'thousands' (as at least 2000)",
    Qualifier.UP_TO: "'as many as', 'up to'",
    Qualifier.LESS_THAN: "'fewer than', 'under'",
    Qualifier.RANGE: "'five to six': value 5, value_high 6",
}

Ask = Callable[[str], str]
Say = Callable[[str], None]


# Options whose column name would make a long flag (and push every help line narrower).
_SHORT_OPTIONS = {"as_of_margin_days": "--margin-days"}


def _option(name: str) -> str:
    return _SHORT_OPTIONS.get(name) or "--" + name.replace("_", "-")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `add` command to the CLI's subcommands."""
    add = subparsers.add_parser(
        "add",
        help="append one checked figure to a figures CSV",
        description="Append one figure. Missing fields are asked for when run in a terminal.",
    )
    for name in COLUMNS:
        add.add_argument(_option(name), dest=name, metavar="TEXT", help=HELP[name])
    add.add_argument(
        "--file",
        type=Path,
        default=DEFAULT_PATH,
        metavar="PATH",
        help=f"the figures CSV to append to (default {DEFAULT_PATH}; created if absent)",
    )
    add.add_argument(
        "--allow-duplicate",
        action="store_true",
        help="add the figure even when another row reads the same in every column",
    )
    add.set_defaults(handler=run_add)


# ---------------------------------------------------------------------------------------------
# Prompting.


def _vocabulary_text(name: str, vocabulary: Vocabulary) -> list[str]:
    if name == "metric":
        return [
            f"  {metric.name:<18} {metric.label} ({metric.kind})"
            for metric in vocabulary.metrics.values()
        ]
    if name == "group":
        return [f"  {group.name:<18} {group.label}" for group in vocabulary.groups.values()]
    if name == "qualifier":
        return [f"  {key:<18} {text}" for key, text in QUALIFIER_EXAMPLES.items()]
    if name == "affiliation":
        return [f"  {key:<18} {label}" for key, label in AFFILIATION_LABELS.items()]
    return []


def _wanted(name: str, answers: dict[str, str]) -> bool:
    # value_high belongs to ranges only; asking it for every figure would invite stray values.
    if name == "value_high":
        return answers.get("qualifier", "").strip().lower() == Qualifier.RANGE
    return True


def prompt_fields(
    given: dict[str, str],
    vocabulary: Vocabulary,
    ask: Ask = input,
    say: Say = print,
) -> dict[str, str]:
    """Ask for every field not in `given` (and any given one the checker rejects).

    Each answer is checked on the spot with the checker's rules and message, and asked again
    until it passes; optional fields accept an empty answer. `ask` and `say` are `input` and
    `print` in a terminal and stand-ins in tests. End of input (Ctrl-D) raises EOFError.
    """
    answers = dict(given)
    # The optional timing columns are rare: given as options, never asked for.
    pending = [name for name in COLUMNS if name not in given and name not in TIMING_COLUMNS]
    for error in _problems(answers, vocabulary):
        if error.column in given:
            say(f"  {error.column}: {error.message}")
            pending.append(error.column)
    while pending:
        for name in COLUMNS:
            if name not in pending:
                continue
            if not _wanted(name, answers):
                answers.pop(name, None)
                continue
            answers[name] = _ask_one(name, answers, vocabulary, ask, say)
        # Rules across fields (published before as_of) can fault an earlier answer: say why,
        # and ask for it again.
        problems = _problems(answers, vocabulary)
        pending = []
        for error in problems:
            say(f"  {error.column}: {error.message}")
            pending += [error.column, *_RELATED.get(error.code, ())]
    return answers


# A rule across fields may be broken by either field: ask for both, Enter keeping the old one.
_RELATED: dict[str, tuple[str, ...]] = {
    "published-before-as-of": ("as_of",),
    "bad-range": ("value",),
    "range-without-high": ("qualifier",),
    "since-after-as-of": ("as_of",),
}


def _problems(answers: dict[str, str], vocabulary: Vocabulary) -> list[ValidationError]:
    """The checker's errors for the answers so far, ignoring fields not answered yet."""
    return [
        error
        for error in validate_fields(answers, vocabulary)
        if error.column in COLUMNS and (error.column in answers or error.column == "value_high")
    ]


def _ask_one(name: str, answers: dict[str, str], vocabulary: Vocabulary, ask: Ask, say: Say) -> str:
    required = name in REQUIRED_COLUMNS or name == "value_high"
    choices = _vocabulary_text(name, vocabulary)
    if choices:
        say(f"{name}: one of")
        for line in choices:
            say(line)
    current = answers.get(name, "").strip()
    hint = "" if required else ", Enter to leave empty"
    if current:
        hint = f", Enter keeps {current!r}"
    while True:
        answer = ask(f"{name} ({HELP[name]}{hint}): ").strip() or current
        trial = {**answers, name: answer}
        problems = [error for error in validate_fields(trial, vocabulary) if error.column == name]
        if not problems:
            return answer
        for error in problems:
            say(f"  {name}: {error.message}")


# ---------------------------------------------------------------------------------------------
# The command.


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def run_add(args: argparse.Namespace) -> int:
    path: Path = args.file
    vocabulary = load_vocabulary(vocabulary_dir_for(path))
    given = {name: getattr(args, name) for name in COLUMNS if getattr(args, name) is not None}
    interactive = _stdin_is_terminal()
    missing = [name for name in REQUIRED_COLUMNS if not given.get(name, "").strip()]
    if interactive and (missing or _problems(given, vocabulary)):
        try:
            given = prompt_fields(given, vocabulary)
        except (EOFError, KeyboardInterrupt):
            print("\nstopped; nothing was written", file=sys.stderr)
            return 1
    allow_duplicate = bool(args.allow_duplicate)
    try:
        result = append_figure(path, given, allow_duplicate=allow_duplicate, vocabulary=vocabulary)
        if interactive and result.duplicate_can_be_allowed and not allow_duplicate:
            for warning in result.warnings:
                print(warning)
            try:
                again = _confirm("Add it anyway, as a separate report? [y/N] ")
            except (EOFError, KeyboardInterrupt):
                again = False
            if again:
                result = append_figure(path, given, allow_duplicate=True, vocabulary=vocabulary)
    except AppendError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    if not result.written:
        _report_refusal(path, result, missing, interactive)
        return 1
    _report_success(path, result, vocabulary)
    return 0


def _confirm(question: str) -> bool:
    return input(question).strip().lower() in ("y", "yes")


def _report_refusal(
    path: Path, result: AppendResult, missing: list[str], interactive: bool
) -> None:
    for error in result.errors:
        print(error.located(str(path)), file=sys.stderr)
    if missing and not interactive:
        options = " ".join(_option(name) for name in missing)
        print(
            f"missing {options}: give them as options, or run in a terminal to be asked",
            file=sys.stderr,
        )
    if result.duplicate_can_be_allowed:
        print("use --allow-duplicate to add it anyway", file=sys.stderr)
    print(f"{path}: nothing written", file=sys.stderr)


def _report_success(path: Path, result: AppendResult, vocabulary: Vocabulary) -> None:
    figure = result.figure
    where = f"{path}:{result.line}"
    if result.created:
        print(f"{path}: created with the contract header")
    for note in result.notes:
        print(f"{path}: {note}")
    if figure is not None:
        said = value_as_written(figure.qualifier, figure.value, figure.value_high)
        group = "" if figure.group == "all" else f" ({vocabulary.group_label(figure.group)})"
        print(
            f"{where}: added as line {result.line}: {vocabulary.metric_label(figure.metric)}"
            f"{group}, {said}, as of {result.cells.get('as_of', '')}, "
            f"reported by {figure.reported_by} ({figure.outlet})"
        )
    else:
        print(f"{where}: added as line {result.line}")
    for warning in result.warnings:
        print(f"{where}: {warning}")
    for line in _conflict_lines(path, result.line, vocabulary):
        print(line)


def _conflict_lines(path: Path, line: int, vocabulary: Vocabulary) -> list[str]:
    """The conflicts the new figure takes part in, as `path:line: conflict ...` lines."""
    try:
        # Imported here: the engine is the heaviest part of the package and adding a row must
        # work even if it is missing or broken; the row is already safely written by now.
        from figures.conflicts import find_conflicts
    except ImportError as exc:
        return [f"{path}:{line}: conflicts not checked: the conflict engine is unavailable ({exc})"]
    try:
        rows = load_figures(path, vocabulary).rows
        conflicts = [c for c in find_conflicts(rows, vocabulary) if line in c.lines]
    except Exception as exc:  # the row is written; report the failure rather than a traceback
        return [f"{path}:{line}: conflicts not checked: {type(exc).__name__}: {exc}"]
    if not conflicts:
        return [f"{path}:{line}: no conflict with other figures"]
    out = []
    for conflict in conflicts:
        others = [str(other) for other in conflict.lines if other != line]
        with_whom = ""
        if others:
            with_whom = f" with line{'s' if len(others) > 1 else ''} {', '.join(others)}"
        out.append(f"{path}:{line}: conflict {conflict.code}{with_whom}: {conflict.explanation}")
    return out
