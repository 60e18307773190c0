"""`python -m figures add`: append one checked figure, from options or by answering prompts.

Every column is an option named after it (`--as-of`, `--reported-by`, ...). In a terminal, the
fields not given are asked for one by one, with the vocabulary shown and each answer checked
by the same rules as the checker; anywhere else (a script, CI) missing fields are an error.
The row goes through `figures.append.append_figure`, the function the dashboard's form uses.

The quote assistant (`figures.proposal`, shared with the form): with `--quote` and no
`--value`, the figures the quote gives are listed with the words each was read from; in a
terminal the analyst picks one (or types the figure), in a script `--pick N` takes the Nth.
`as_of` defaults to the publication date. A row needs `--url`, or a reason in `--notes`.
Before writing, the command prints the conflicts the row would take part in, and refuses a
figure the file already records (same metric, group, place, value, reporter and as-of date)
unless the analyst confirms it, or `--allow-duplicate` says it is a separate report.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from figures.append import (
    AppendError,
    AppendResult,
    append_figure,
    check_target,
    landing_line,
    validate_fields,
)
from figures.cli.loader import DEFAULT_PATH, figures_path
from figures.contract import (
    COLUMNS,
    REQUIRED_COLUMNS,
    TIMING_COLUMNS,
    Qualifier,
)
from figures.errors import ValidationError
from figures.proposal import (
    Proposal,
    WouldBe,
    conflict_sentences,
    propose,
    same_figure_warning,
    source_problem,
    would_be_in_file,
)
from figures.validation import load_figures
from figures.vocabulary import Vocabulary, vocabulary_for
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


def register(subparsers: argparse._SubParsersAction) -> None:
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
        type=figures_path,
        default=DEFAULT_PATH,
        metavar="PATH",
        help=f"the figures CSV to append to (default {DEFAULT_PATH}; created if absent)",
    )
    add.add_argument(
        "--pick",
        type=int,
        metavar="N",
        help="take value, qualifier and upper end from the Nth figure --quote gives (1 = the "
        "first listed); without it a terminal asks, and a script must give --value",
    )
    add.add_argument(
        "--allow-duplicate",
        action="store_true",
        help="add the figure even when the file already records it (the same figure, or a "
        "row that reads the same in every column)",
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
        return [f"  {key:<18} {label}" for key, label in vocabulary.side_labels().items()]
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
        reason = source_problem(answers.get("url"), answers.get("notes"))
        if reason and not pending:
            say(f"  url: {reason}")
            pending += ["url", "notes"]
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
    if name == "as_of" and not current:
        current = answers.get("published", "").strip()  # as_of defaults to the publication
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
    try:
        # Before anything reads it: a pipe would block the reader, a vocabulary is no target.
        check_target(path)
    except AppendError as exc:
        print(exc, file=sys.stderr)
        return 1
    vocabulary = vocabulary_for(path)
    given = {name: getattr(args, name) for name in COLUMNS if getattr(args, name) is not None}
    interactive = _stdin_is_terminal()
    try:
        given = _from_quote(given, args.pick, interactive)
        if not given.get("as_of", "").strip() and given.get("published", "").strip():
            given["as_of"] = given["published"]
            print(f"as_of: the publication date, {given['as_of']} (--as-of for another day)")
        missing = [name for name in REQUIRED_COLUMNS if not given.get(name, "").strip()]
        unsourced = source_problem(given.get("url"), given.get("notes"))
        if interactive and (missing or unsourced or _problems(given, vocabulary)):
            given = prompt_fields(given, vocabulary)
    except (EOFError, KeyboardInterrupt):
        print("\nstopped; nothing was written", file=sys.stderr)
        return 1
    except _Refused as refusal:
        print(f"{path}: {refusal}", file=sys.stderr)
        return 1
    unsourced = source_problem(given.get("url"), given.get("notes"))
    if unsourced:
        print(f"{path}:{landing_line(path)}: url: {unsourced}", file=sys.stderr)
        if not validate_fields(given, vocabulary):
            print(f"{path}: nothing written", file=sys.stderr)
            return 1
        # Otherwise the append refuses the row too, and reports its other errors.
    would = _before_writing(path, given, vocabulary)
    allow_duplicate = bool(args.allow_duplicate)
    if would is not None and not allow_duplicate and _same_but_not_repeated(would):
        if not (interactive and _confirm_or_no("Add it anyway, as a separate report? [y/N] ")):
            print("use --allow-duplicate to add it anyway", file=sys.stderr)
            print(f"{path}: nothing written", file=sys.stderr)
            return 1
        allow_duplicate = True
    return _append(_Plan(path, given, vocabulary, interactive, missing), allow_duplicate, would)


@dataclass(frozen=True)
class _Plan:
    """The row the command is about to add, and how it was run."""

    path: Path
    given: dict[str, str]
    vocabulary: Vocabulary
    interactive: bool
    missing: list[str]


def _append(plan: _Plan, allow_duplicate: bool, would: WouldBe | None) -> int:
    path, given, vocabulary = plan.path, plan.given, plan.vocabulary
    interactive, missing = plan.interactive, plan.missing
    try:
        result = append_figure(path, given, allow_duplicate=allow_duplicate, vocabulary=vocabulary)
        if interactive and result.duplicate_can_be_allowed and not allow_duplicate:
            for warning in result.warnings:
                print(warning)
            if _confirm_or_no("Add it anyway, as a separate report? [y/N] "):
                result = append_figure(path, given, allow_duplicate=True, vocabulary=vocabulary)
    except AppendError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    if not result.written:
        _report_refusal(path, result, missing, interactive)
        return 1
    # The conflicts were shown before writing; only a row that landed elsewhere (another
    # writer appended meanwhile) has them worked out again.
    _report_success(path, result, vocabulary, shown=would is not None and would.line == result.line)
    return 0


class _Refused(Exception):
    """The command cannot go on with what it was given (the message says why)."""


def _from_quote(given: dict[str, str], pick: int | None, interactive: bool) -> dict[str, str]:
    """Value, qualifier and upper end proposed from --quote, where --value is not given."""
    quote = given.get("quote", "")
    if not quote.strip() or given.get("value", "").strip():
        if pick is not None:
            raise _Refused("--pick takes a figure from --quote, and --value was given too")
        return given
    proposals = propose(quote)
    if not proposals:
        print("the quote gives no figure the reader recognises: give --value")
        return given
    print("figures the quote gives, most likely first:")
    for number, proposal in enumerate(proposals, start=1):
        print(f"  {number}. {proposal.label}")
        print(f"     {proposal.marked}")
    if pick is None and interactive:
        pick = _ask_pick(len(proposals))
    if pick is None:
        return given  # a script gives --pick N or --value; "missing --value" says so
    if not 1 <= pick <= len(proposals):
        raise _Refused(f"--pick {pick}: the quote gives {len(proposals)} figure(s)")
    chosen = _chosen(proposals[pick - 1], given)
    print(f"took {pick}. {proposals[pick - 1].said}")
    return chosen


def _chosen(proposal: Proposal, given: dict[str, str]) -> dict[str, str]:
    # What the analyst gave as an option wins over what the quote proposes.
    fields = {name: text for name, text in proposal.fields().items() if text}
    return {**fields, **given}


def _ask_pick(count: int) -> int | None:
    while True:
        answer = input(f"which figure (1-{count}, Enter for 1, 0 to type it yourself): ").strip()
        if not answer:
            return 1
        if answer.isdigit() and 0 <= int(answer) <= count:
            return int(answer) or None
        print(f"  answer a number from 0 to {count}")


def _before_writing(path: Path, given: dict[str, str], vocabulary: Vocabulary) -> WouldBe | None:
    """Print the conflicts the row would take part in and the same figure in the file."""
    if validate_fields(given, vocabulary):
        return None  # the append reports the row's errors
    try:
        rows = load_figures(path, vocabulary).rows
        would = would_be_in_file(path, rows, given, vocabulary)
    except Exception as exc:  # a help before writing: a fault in it never stops an addition
        print(f"{path}: conflicts not checked before writing: {type(exc).__name__}: {exc}")
        return None
    where = f"{path}:{would.line}"
    sentences = conflict_sentences(would)
    for sentence in sentences:
        print(f"{where}: conflict {sentence}")
    if not sentences and not would.errors:
        print(f"{where}: no conflict with other figures")
    if _same_but_not_repeated(would):
        print(f"{where}: {same_figure_warning(would.same_figure)}", file=sys.stderr)
    return would


def _same_but_not_repeated(would: WouldBe) -> bool:
    # A row repeating one in every column is the append's to refuse, in its own words.
    return bool(would.same_figure) and not would.repeats


def _confirm(question: str) -> bool:
    return input(question).strip().lower() in ("y", "yes")


def _confirm_or_no(question: str) -> bool:
    try:
        return _confirm(question)
    except (EOFError, KeyboardInterrupt):
        return False


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


def _report_success(
    path: Path, result: AppendResult, vocabulary: Vocabulary, shown: bool = False
) -> None:
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
    if not shown:
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
