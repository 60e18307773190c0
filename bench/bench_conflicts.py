"""Benchmark of the conflict engine: rows, seconds, peak memory, against pandas.read_csv.

    .venv/bin/python bench/bench_conflicts.py [--rows 10000 100000 1000000]

The rows look like real reporting at scale: many quantities (metric × group × place), each a
running total updated several times a day and relayed by wires with and without the hour, or a
stock estimated now and then; about one quantity in fifty has a real dispute and one in fifty a
miscopied digit, so the engine has flags to build, as it would on real data. Each row carries a
quote and a note as long as the shipped rows' (about 285 bytes a row against the shipped
file's 300), since the comparison is with reading the file; the same rows with placeholder
text (a bare number as the quote, no notes) are read too, and that ratio printed. Each size runs in
a fresh process so peak memory (ru_maxrss) is that size's own. Target (issue 8): 1M rows in
less time than pandas.read_csv takes to read the same file, measured in the same run.

Timing: read_csv and the engine run alternately `--repeat` times (default 3) and the best time
of each counts, as in bench/run.py: a busy moment on the machine, or the first call's page
faults, then land on neither side only. pandas 3.1 reads a file of 5 MB or more on several
threads, so the read is also timed with `mode.max_threads = 1`; both ratios are printed.

Where the engine's time goes is printed as CPU seconds (process_time, both threads summed) of
its three phases: preparing the arrays (factorising, sorting), the four checks, and building
the flags (grouping, numbers and the sentences).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from figures.conflicts import ConflictSettings, find_conflicts  # noqa: E402
from figures.conflicts import checks as engine_checks  # noqa: E402
from figures.conflicts import slips as engine_slips  # noqa: E402
from figures.conflicts import table as engine_table  # noqa: E402
from figures.contract import COLUMNS, TIMING_COLUMNS  # noqa: E402
from figures.validation import empty_rows  # noqa: E402
from figures.vocabulary import load_vocabulary  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
# The roles the generator plays, and the names they are written under. The names, and the
# quote and note each row carries, are as long as the shipped rows' (data/figures.csv: about
# 300 bytes a row, quotes of ~100 characters, notes of ~90): the target compares the engine with
# reading the file, and a file of placeholder text reads several times faster than a real one.
REPORTERS = {
    "Government": "Government of Armenia",
    "Wire A": "Reuters",
    "Wire B": "Associated Press",
    "Wire C": "Agence France-Presse",
    "Ministry": "Ministry of Foreign Affairs of Azerbaijan",
    "Agency": "UNHCR",
    "NGO": "International Committee of the Red Cross",
    "Paper": "Azatutyun",
}
NOTES = (
    "",
    "Relayed from the government's evening update; the hour is the update's, not the wire's.",
    "The report gives no day of its own: as_of is the day of publication, as the contract says.",
)
CUMULATIVE = ["fled", "arrived", "killed", "injured", "detained"]
STOCKS = ["population", "troops", "missing"]


def _append(
    records: dict[str, list],
    quantity: tuple[str, str, str],
    moment: pd.Timestamp,
    timed: bool,
    value: int,
    qualifier: str,
    who: str,
) -> None:
    metric, group, place = quantity
    who = REPORTERS[who]
    count = f"{value:,}" if qualifier == "exact" else f"{qualifier.replace('_', ' ')} {value:,}"
    cells = {
        "line": len(records["line"]) + 2,
        "as_of": moment if timed else moment.normalize(),
        "as_of_has_time": timed,
        "metric": metric,
        "group": group,
        "qualifier": qualifier,
        "value": value,
        "value_high": None,
        "place": place,
        "reported_by": who,
        "affiliation": "other",
        "outlet": who,
        "published": moment.normalize(),
        "url": "",
        "quote": (
            f"{who} said {count} people, including women, children and the elderly, "
            f"had been counted in {place} by then."
        ),
        "notes": NOTES[len(records["line"]) % len(NOTES)],
        "as_of_margin_days": 0,  # exact dates and unstated starts, as the loader reads a file
        "since": pd.NaT,  # without the optional timing columns
    }
    for name, cell in cells.items():
        records[name].append(cell)


def synthetic_rows(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """A typed table like the loader's, built directly (this times the engine, not the loader)."""
    rng = random.Random(seed)
    records: dict[str, list] = {name: [] for name in empty_rows().columns}
    quantity = 0
    while len(records["line"]) < n_rows:
        quantity += 1
        place = f"Place {quantity}"
        metric = rng.choice(CUMULATIVE + STOCKS)
        group = "children" if quantity % 7 == 0 else "all"
        start = pd.Timestamp("2023-09-01") + pd.Timedelta(days=rng.randrange(0, 60))
        days = rng.randrange(3, 20)
        level = rng.randrange(500, 50000)
        dispute = quantity % 50 == 0
        typo = quantity % 50 == 25

        series = (metric, group, place)
        for day in range(days):
            moment = start + pd.Timedelta(days=day)
            if metric in STOCKS:
                if rng.random() < 0.5:
                    _append(
                        records,
                        series,
                        moment,
                        False,
                        int(level * rng.uniform(0.95, 1.05)),
                        "about",
                        "Agency",
                    )
                continue
            # Only intraday totals (fled, arrived) are updated several times a day.
            intraday = metric in ("fled", "arrived") and rng.random() < 0.7
            for hour in (8, 14, 20) if intraday else (20,):
                level += rng.randrange(50, 2000)
                stamp = moment + pd.Timedelta(hours=hour)
                _append(records, series, stamp, True, level, "exact", "Government")
                _append(records, series, stamp, True, level, "exact", "Wire A")
                _append(
                    records, series, stamp, False, level, "exact", rng.choice(["Wire B", "Wire C"])
                )
            if typo and day == days // 2:
                digits = str(level)
                swapped = digits[:-3] + digits[-2] + digits[-3] + digits[-1]
                _append(records, series, moment, False, int(swapped), "exact", "Paper")
            if dispute and day == days // 2:
                _append(records, series, moment, False, level // 3, "less_than", "Ministry")
        if dispute and metric in STOCKS:
            _append(records, series, start, False, level * 3, "exact", "Ministry")
    frame = pd.DataFrame(records).iloc[:n_rows]
    typed = empty_rows()
    for name in typed.columns:
        frame[name] = frame[name].astype(typed[name].dtype)
    return frame.reset_index(drop=True)


def measure(n_rows: int, repeat: int) -> dict[str, float]:
    rows = synthetic_rows(n_rows)
    path = OUT / f"conflicts-{n_rows}.csv"
    OUT.mkdir(exist_ok=True)
    written = rows.assign(as_of=rows["as_of"].dt.strftime("%Y-%m-%dT%H:%M"))
    # The file has the columns the rows fill: the optional timing ones are left out.
    columns = [name for name in COLUMNS if name not in TIMING_COLUMNS]
    written[columns].to_csv(path, index=False)
    # The same rows with placeholder text (a bare number as the quote, no notes): how the
    # file looked in this benchmark until 2026-12-04, kept so the two comparisons can be read
    # side by side. The engine never reads these columns, so its time is the same for both.
    placeholder = OUT / f"conflicts-{n_rows}-placeholder-text.csv"
    placeholder_rows = written.assign(quote=written["value"].astype(str) + " people", notes="")
    placeholder_rows[columns].to_csv(placeholder, index=False)
    vocabulary = load_vocabulary()
    read_seconds = read_one_thread = read_placeholder = float("inf")
    engine_seconds = engine_cpu = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        pd.read_csv(path)
        read_seconds = min(read_seconds, time.perf_counter() - started)
        with pd.option_context("mode.max_threads", 1):
            started = time.perf_counter()
            pd.read_csv(path)
            read_one_thread = min(read_one_thread, time.perf_counter() - started)
        started = time.perf_counter()
        pd.read_csv(placeholder)
        read_placeholder = min(read_placeholder, time.perf_counter() - started)
        started, started_cpu = time.perf_counter(), time.process_time()
        flags = find_conflicts(rows, vocabulary)
        engine_seconds = min(engine_seconds, time.perf_counter() - started)
        engine_cpu = min(engine_cpu, time.process_time() - started_cpu)
    prepare_cpu, checks_cpu = _phase_cpu(rows, vocabulary, repeat)
    return {
        "rows": n_rows,
        "quantities": int(rows.groupby(["metric", "group", "place"]).ngroups),
        "flags": len(flags),
        "read_csv_s": read_seconds,
        "conflicts_s": engine_seconds,
        "ratio": engine_seconds / read_seconds,
        "read_one_thread_s": read_one_thread,
        "ratio_one_thread": engine_seconds / read_one_thread,
        "bytes_per_row": path.stat().st_size / max(n_rows, 1),
        "read_placeholder_s": read_placeholder,
        "ratio_placeholder": engine_seconds / read_placeholder,
        "prepare_cpu_s": prepare_cpu,
        "checks_cpu_s": checks_cpu,
        "flags_cpu_s": max(engine_cpu - prepare_cpu - checks_cpu, 0.0),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _phase_cpu(rows: pd.DataFrame, vocabulary: object, repeat: int) -> tuple[float, float]:
    """Best CPU seconds of the engine's preparation and of its four checks, one after another."""
    settings = ConflictSettings()
    prepare = checks = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        prepared = engine_table.prepare(rows, vocabulary, settings)  # type: ignore[arg-type]
        prepare = min(prepare, time.process_time() - started)
        started = time.process_time()
        engine_slips.typo_pairs(prepared)
        engine_checks.contradiction_pairs(prepared)
        engine_checks.decrease_pairs(prepared)
        engine_checks.part_exceeds_whole_pairs(prepared)
        checks = min(checks, time.process_time() - started)
    return prepare, checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process's size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.repeat)))
        return
    print(
        f"conflict engine, best of {args.repeat} (peak = the process's max RSS, ru_maxrss, "
        "including the test data)"
    )
    print(
        f"{'rows':>9} {'quantities':>10} {'flags':>6} {'bytes/row':>9} {'read_csv s':>10} "
        f"{'1 thread s':>10} {'conflicts s':>11} {'ratio':>6} {'vs 1 thread':>11} "
        f"{'vs placeholder':>14} {'peak MB':>8}   engine CPU s: prepare / checks / flags"
    )
    for n_rows in args.rows:
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(n_rows), "--repeat", str(args.repeat)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(child.stdout)
        print(
            f"{result['rows']:>9} {result['quantities']:>10} {result['flags']:>6} "
            f"{result['bytes_per_row']:>9.0f} {result['read_csv_s']:>10.3f} "
            f"{result['read_one_thread_s']:>10.3f} {result['conflicts_s']:>11.3f} "
            f"{result['ratio']:>6.2f} {result['ratio_one_thread']:>11.2f} "
            f"{result['ratio_placeholder']:>14.2f} {result['peak_mb']:>8.0f}   "
            f"{result['prepare_cpu_s']:.3f} / {result['checks_cpu_s']:.3f} / "
            f"{result['flags_cpu_s']:.3f}"
        )
    print(
        "ratio = conflicts seconds / read_csv seconds (target: below 1 at 1M rows); "
        "'vs 1 thread' against the one-thread read; 'vs placeholder' against reading the same "
        "rows with a bare number as the quote and no notes (the file before 2026-12-04)"
    )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
