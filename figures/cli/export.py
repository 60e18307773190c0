"""`python -m figures export`: a view of the figures as PNG, SVG, CSV, HXL or a Markdown note.

For scheduled reports: the options are the dashboard's filters (the same `ViewFilters` and
`apply_filters`), the output is deterministic, and the file is written atomically, so a
reader never sees half a report. Unknown filter values are an error (exit 2), not an empty
report: a misspelt reporter in a cron job should fail loudly. The output never goes over the
figures file or its vocabularies, and over an existing file only with `--force`
(`figures.cli.output`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import sys
from pathlib import Path

import pandas as pd

from figures.cli.loader import (
    DEFAULT_PATH,
    PATH_HELP,
    figures_path,
    load_or_report,
    note_rows_left_out,
)
from figures.cli.output import OutputRefused, check_output, write_atomically
from figures.filters import NO_PLACE, ViewFilters, apply_filters
from figures.vocabulary import Vocabulary, vocabulary_for

FORMATS = ("png", "svg", "csv", "hxl", "md")
TEXT_FORMATS = ("svg", "csv", "hxl", "md")


class UsageError(Exception):
    """A filter or option the data cannot satisfy; reported as `error: ...`, exit 2."""


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from exc


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `export` command to the CLI's subcommands."""
    export = subparsers.add_parser(
        "export",
        help="write a view of the figures as PNG, SVG, CSV, HXL or a Markdown briefing note",
        description=(
            "Export the figures in a view, filtered like the dashboard. Repeat a filter to "
            "allow several values (--metric fled --metric arrived). Images are rendered "
            "without a browser, with the title, as-of date and sources drawn in."
        ),
    )
    export.add_argument(
        "path",
        nargs="?",
        type=figures_path,
        default=DEFAULT_PATH,
        help=PATH_HELP,
    )
    export.add_argument("--format", required=True, choices=FORMATS, help="what to write")
    export.add_argument(
        "--out", required=True, metavar="FILE", help="where to write it ('-' for standard output)"
    )
    export.add_argument(
        "--force",
        action="store_true",
        help="replace --out when it exists (never the figures file or its vocabularies)",
    )
    export.add_argument(
        "--chart",
        choices=("timeline", "by-source"),
        default="timeline",
        help="which chart, for png and svg (default timeline)",
    )
    export.add_argument("--metric", action="append", default=[], metavar="NAME")
    export.add_argument("--group", action="append", default=[], metavar="NAME")
    export.add_argument(
        "--place", action="append", default=[], metavar="NAME", help=f"{NO_PLACE!r} for blank"
    )
    export.add_argument(
        "--affiliation",
        action="append",
        default=[],
        metavar="SIDE",
        help="a side's code (sides.csv)",
    )
    export.add_argument("--reporter", action="append", default=[], metavar="NAME")
    export.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD")
    export.add_argument(
        "--log-scale", action="store_true", help="log scale for the value axis of images"
    )
    export.add_argument(
        "--color-by",
        choices=("reported_by", "affiliation"),
        default="reported_by",
        help="colour images by reporter (default) or by side",
    )
    export.set_defaults(handler=run_export)


def _known(option: str, asked: list[str], allowed: list[str], where: str) -> tuple[str, ...]:
    """The asked values, each checked against what exists; the first unknown one is an error."""
    for value in asked:
        if value not in allowed:
            close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            known = ", ".join(allowed) if len(allowed) <= 12 else f"{len(allowed)} values"
            raise UsageError(
                f"--{option} {value!r}: no such {option} {where}{hint} (known: {known})"
            )
    return tuple(dict.fromkeys(asked))


def filters_from_args(
    args: argparse.Namespace, rows: pd.DataFrame, vocabulary: Vocabulary
) -> ViewFilters:
    """The view the options ask for.

    Metrics, groups and sides are checked against the vocabulary and the contract, so a
    scheduled report of a metric with no figures yet gives an empty report; places and
    reporters have no vocabulary, so they must occur in the data.
    """
    places = sorted({place if place else NO_PLACE for place in rows["place"]})
    filters = ViewFilters(
        metrics=_known("metric", args.metric, list(vocabulary.metrics), "in the vocabulary"),
        groups=_known("group", args.group, list(vocabulary.groups), "in the vocabulary"),
        places=_known("place", args.place, places, "in the data"),
        affiliations=_known(
            "affiliation", args.affiliation, list(vocabulary.sides), "in sides.csv"
        ),
        reporters=_known(
            "reporter", args.reporter, sorted(set(rows["reported_by"])), "in the data"
        ),
        start=args.start,
        end=args.end,
    )
    if filters.start and filters.end and filters.start > filters.end:
        raise UsageError(f"--from {filters.start} is after --to {filters.end}")
    return filters


def build_export(
    fmt: str,
    rows: pd.DataFrame,
    filters: ViewFilters,
    vocabulary: Vocabulary,
    *,
    chart: str = "timeline",
    log_scale: bool = False,
    color_by: str = "reported_by",
) -> bytes:
    """The bytes of one export of a view; conflicts are decided on all rows, as on the page."""
    # Imported here so `check` and `add` stay quick to start (altair, vl-convert).
    from figures import exports
    from figures.conflicts import find_conflicts

    conflicts = find_conflicts(rows, vocabulary)
    in_view = apply_filters(rows, filters)
    if fmt == "csv":
        return exports.figures_csv(in_view)
    if fmt == "hxl":
        return exports.figures_hxl(in_view)
    if fmt == "md":
        return exports.briefing_markdown(in_view, conflicts, filters, vocabulary).encode("utf-8")
    framed = exports.view_chart(
        "timeline" if chart == "timeline" else "by-source",
        rows,
        conflicts,
        filters,
        vocabulary,
        log_scale=log_scale,
        color_by=color_by,
    )
    if fmt == "png":
        return exports.chart_png(framed, scale=2)
    return exports.chart_svg(framed).encode("utf-8")


def run_export(args: argparse.Namespace) -> int:
    path: Path = args.path
    # Where it goes is settled first: a refused --out costs no loading and no rendering.
    try:
        if args.out != "-":
            check_output(Path(args.out), path, force=args.force)
    except OutputRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = load_or_report(path)
    if result is None:
        return 2
    vocabulary = vocabulary_for(path)
    try:
        filters = filters_from_args(args, result.rows, vocabulary)
        if args.out == "-" and args.format not in TEXT_FORMATS:
            raise UsageError("a PNG cannot go to standard output; give --out FILE")
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    note_rows_left_out(path, result)
    data = build_export(
        args.format,
        result.rows,
        filters,
        vocabulary,
        chart=args.chart,
        log_scale=args.log_scale,
        color_by=args.color_by,
    )
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    out = Path(args.out)
    try:
        check_output(out, path, force=args.force)  # again: the folder may have changed
        write_atomically(out, data, replace=args.force)
    except (OutputRefused, FileExistsError) as exc:
        reason = exc if isinstance(exc, OutputRefused) else f"--out {out} appeared meanwhile"
        print(f"error: {reason}; nothing was written", file=sys.stderr)
        return 2
    count = len(apply_filters(result.rows, filters))
    print(f"{out}: {args.format}, {count} figure(s) in view", file=sys.stderr)
    return 0
