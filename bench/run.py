"""Benchmarks, one section per part of the product; each prints a table.

    .venv/bin/python bench/run.py                      # every section, 10k, 100k and 1M rows
    .venv/bin/python bench/run.py --rows 10000 100000 --only load

Sections:
- load: `load_figures` (read + validate) against plain `pandas.read_csv` on the same synthetic
  file (bench/synthetic.py), in the same run. Target (issue 2): 1M rows validated in under 3x
  the time of `pandas.read_csv`.
- conflicts: bench/bench_conflicts.py (its own table) at the same sizes.
- dashboard: bench/bench_dashboard.py (browser and rerun times) at the smallest size.

Add a section by writing `def bench_<name>(args) -> None` and listing it in SECTIONS.

Timing: both functions run alternately in one fresh process, `--repeat` times each, and the
best time of each counts, so a busy moment on the machine does not land on one side only.
Memory: peak resident set size (`resource.getrusage(...).ru_maxrss`) of a fresh process that
does nothing but the one call, next to the same process's size after its imports (baseline).
tracemalloc is not used: it misses what pyarrow allocates, which is most of the data.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: `figures` and `bench` import from the repo

DEFAULT_ROWS = (10_000, 100_000, 1_000_000)
TARGET_RATIO = 3.0


def synthetic_file(n_rows: int, seed: int = 0) -> Path:
    """The synthetic file of `n_rows`, written once per version of the generator."""
    from bench.synthetic import write_synthetic

    version = hashlib.sha256((ROOT / "bench" / "synthetic.py").read_bytes()).hexdigest()[:8]
    path = OUT / f"figures-{n_rows}-seed{seed}-{version}.csv"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".partial")
        write_synthetic(partial, n_rows, seed=seed)
        partial.replace(path)  # an interrupted run never leaves a half file under the real name
        print(f"  wrote {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def _rss_mb() -> float:
    """Current resident set size of this process, in MB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


# ---------------------------------------------------------------------------------------------
# Work done in child processes: `python bench/run.py --child KIND PATH [REPEAT]`.


def _child(kind: str, path: str, repeat: int) -> dict[str, object]:
    import pandas as pd

    from figures.validation import load_figures

    def read_csv() -> int:
        return len(pd.read_csv(path))

    def read_csv_one_thread() -> int:
        # pandas 3.1 reads a local file of 5 MB or more on several threads; this is the
        # single-threaded read that older pandas (and any buffer) gets, for comparison.
        with pd.option_context("mode.max_threads", 1):
            return len(pd.read_csv(path))

    def load() -> int:
        result = load_figures(path)
        if result.errors:  # the synthetic rows are all valid; anything else is a bug
            raise SystemExit(f"unexpected errors: {[str(e) for e in result.errors[:5]]}")
        return len(result.rows)

    if kind == "time":
        timed = {"read_csv": read_csv, "read_csv_1": read_csv_one_thread, "load": load}
        best = dict.fromkeys(timed, float("inf"))
        rows = 0
        for _ in range(repeat):
            for name, function in timed.items():
                gc.collect()
                started = time.perf_counter()
                rows = function()
                best[name] = min(best[name], time.perf_counter() - started)
        return {"rows": rows, **best}
    function = {"memory-read_csv": read_csv, "memory-load": load}[kind]
    baseline = _rss_mb()
    function()
    return {"baseline_mb": baseline, "peak_mb": _peak_mb()}


def _run_child(kind: str, path: Path, repeat: int = 1) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", kind, str(path), str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} on {path.name} failed:\n{done.stderr}")
    return json.loads(done.stdout)


# ---------------------------------------------------------------------------------------------
# Sections.


def bench_load(args: argparse.Namespace) -> None:
    print("load: figures.validation.load_figures (read + validate) vs pandas.read_csv(path)")
    print(f"  best of {args.repeat}, alternating in one process; 'read_csv 1 thread' is the same")
    print("  read with pandas' mode.max_threads = 1 (pandas 3.1 reads files of 5 MB or more on")
    print("  several threads); memory: ru_maxrss of a fresh process doing only that call")
    print(f"  (baseline = such a process after its imports); {os.cpu_count()} CPUs, load average")
    print(f"  {' '.join(f'{load:.2f}' for load in os.getloadavg())} at the start")
    header = (
        f"{'rows':>10} {'read_csv s':>11} {'1 thread s':>11} {'load+validate s':>16} "
        f"{'ratio':>7} {'vs 1 thread':>12} {'peak MB load':>13} {'peak MB read_csv':>17} "
        f"{'baseline MB':>12} {'file MB':>8}"
    )
    print(header)
    ratios = {}
    for n_rows in args.rows:
        path = synthetic_file(n_rows)
        timing = _run_child("time", path, args.repeat)
        memory_load = _run_child("memory-load", path)
        memory_read = _run_child("memory-read_csv", path)
        ratio = timing["load"] / timing["read_csv"]
        ratios[n_rows] = ratio
        print(
            f"{int(timing['rows']):>10,} {timing['read_csv']:>11.3f} {timing['read_csv_1']:>11.3f} "
            f"{timing['load']:>16.3f} {ratio:>6.2f}x "
            f"{timing['load'] / timing['read_csv_1']:>11.2f}x "
            f"{memory_load['peak_mb']:>13.0f} {memory_read['peak_mb']:>17.0f} "
            f"{memory_load['baseline_mb']:>12.0f} {path.stat().st_size / 2**20:>8.0f}",
            flush=True,
        )
    largest = max(ratios)
    verdict = "meets" if ratios[largest] < TARGET_RATIO else "MISSES"
    print(
        f"  {largest:,} rows: {ratios[largest]:.2f}x read_csv, {verdict} the target of "
        f"< {TARGET_RATIO:.0f}x"
    )


def _script(name: str, *arguments: str) -> None:
    """Run a section that lives in its own script, in a fresh process, printing as it goes."""
    command = [sys.executable, str(ROOT / "bench" / name), *arguments]
    done = subprocess.run(command, cwd=ROOT, check=False)
    if done.returncode != 0:
        print(f"  {name} exited with {done.returncode}", file=sys.stderr)


def bench_conflicts(args: argparse.Namespace) -> None:
    # The conflict engine's benchmark (issue 8) keeps its own generator and table.
    _script("bench_conflicts.py", "--rows", *map(str, args.rows))


def bench_dashboard(args: argparse.Namespace) -> None:
    # A browser round per size is slow: the dashboard's benchmark runs at the smallest size.
    _script("bench_dashboard.py", "--rows", str(min(args.rows)))


SECTIONS: dict[str, Callable[[argparse.Namespace], None]] = {
    "load": bench_load,
    "conflicts": bench_conflicts,
    "dashboard": bench_dashboard,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        kind, path, repeat = argv[1], argv[2], int(argv[3]) if len(argv) > 3 else 1
        print(json.dumps(_child(kind, path, repeat)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=list(DEFAULT_ROWS))
    parser.add_argument(
        "--only", nargs="+", choices=sorted(SECTIONS), default=None, help="sections to run"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timings per function (best)")
    args = parser.parse_args(argv)
    for name in args.only or SECTIONS:
        SECTIONS[name](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
