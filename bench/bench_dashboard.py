"""Benchmark of the dashboard: first chart in a browser, and one rerun after a filter change.

    .venv/bin/python bench/bench_dashboard.py                          # 100,000 synthetic rows
    .venv/bin/python bench/bench_dashboard.py --rows 10000 --repeat 3
    .venv/bin/python bench/bench_dashboard.py --data data/figures.csv  # a real file
    .venv/bin/python bench/bench_dashboard.py --data data/figures.csv --app ../other/app.py

Two measures (issues 4 and 14), on a synthetic file (bench/synthetic.py's `write_synthetic`)
or on the file `--data` names:

- First chart: what a stakeholder waits for. A fresh `streamlit run` per round (so the file
  is parsed and the page's modules imported in the round, as on a first visit), and, once it
  answers, seconds from Chromium's navigation to the first chart with data marks drawn (an
  SVG mark that is not the key, or a canvas with ink on it). Measured for the dashboard
  (app.py) and, alternating with it in the same run, for a bare one-chart page that reads the
  same file with pandas and draws one Altair chart of it. Target: the dashboard within 1.5x
  the bare page (goal 1.2x), on the medians of `--repeat` rounds (3 by default).
  Until issue 14 the benchmark timed from the process start instead: the two or three
  seconds both servers spend importing Python before they answer were in both numerator
  and denominator, which pulled the ratio towards 1 (1.14-1.21x where a person timing from
  navigation saw 1.34-1.72x). It also counted a canvas as drawn as soon as it existed, and
  kept the best round rather than a typical one. Both ratios are printed, so the
  difference stays visible. Both servers run with the same settings, the project's
  `fileWatcherType = "none"` among them (SERVER_FLAGS): the yardstick must not pay a
  Streamlit default the dashboard's config turns off.
- Rerun: the server-side time of one run of the page after a filter change, timed by the app
  itself (`figures.ui.server_seconds`: from the first line of `main()` to the end of the
  page), run in-process with Streamlit's AppTest once the page is warm (file parsed and
  conflicts computed). Several different filters; median and worst. Target: under 300 ms.
- Also printed: how many figures and conflict lines each chart of the warm page sends to the
  browser (a sample, said so on the chart; at most a few thousand rows, never the file).

`--app` times another checkout's app.py against the same bare page (its server runs in that
app's folder), to compare two versions of the page in the same conditions.

The machine's load average is printed with the results: other work on a shared machine
slows both pages and the reruns, and the numbers should be read with it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: `figures` and `bench` import from the repo

from tests.browser_harness import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

FIRST_CHART_TARGET = 1.5
# Server settings of the project's .streamlit/config.toml that change speed, given to both
# pages: the bare page runs in bench/out/, where that config does not apply.
SERVER_FLAGS = ["--server.fileWatcherType", "none"]
RERUN_TARGET_S = 0.300
RERUN_FILTERS = ("fled", "arrived", "population", "killed", "troops")

# A chart is drawn when its SVG holds a data mark, or its canvas has ink on it (a canvas
# exists, blank, before Vega draws on it). The dashboard's key strip (the part named "key")
# is drawn from constants and does not count.
FIRST_CHART_DRAWN = """() => {
  for (const chart of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
    const svg = chart.querySelector("svg.marks");
    if (svg) {
      const marks = [...svg.querySelectorAll('[role="graphics-symbol"]')]
        .filter(mark => !mark.closest('g[class*="key_"]'));
      if (marks.length > 0) return true;
    }
    const canvas = chart.querySelector("canvas");
    if (canvas && canvas.width > 0 && canvas.height > 0) {
      const {data} = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 3; i < data.length; i += 64) if (data[i] > 0) return true;
    }
  }
  return false;
}"""

BARE_PAGE = '''"""A bare one-chart Streamlit page on the same file: the dashboard's yardstick."""

import os

import altair as alt
import pandas as pd
import streamlit as st

rows = pd.read_csv(os.environ["FIGURES_DATA"], dtype=str, keep_default_na=False)
rows["day"] = rows["as_of"].str.slice(0, 10)
# One point per day and metric: what one plain chart of this file shows without sampling.
counts = rows.groupby(["day", "metric"]).size().reset_index(name="figures")
st.altair_chart(
    alt.Chart(counts).mark_line().encode(x="day:T", y="figures:Q", color="metric:N"),
    theme=None,
)
'''


# ---------------------------------------------------------------------------------------------
# Data.


def _own_synthetic(path: Path, n_rows: int, seed: int = 0) -> Path:
    """A plain generator, used only where bench/synthetic.py is missing."""
    from figures.contract import COLUMNS, TIMING_COLUMNS

    rng = random.Random(seed)
    metrics = ["fled", "arrived", "evacuated", "population", "killed", "troops", "missing"]
    reporters = [
        ("Government of Armenia", "armenia"),
        ("Ministry of Foreign Affairs of Azerbaijan", "azerbaijan"),
        ("Russian Ministry of Defence", "russia"),
        ("UNHCR", "un"),
        ("ICRC", "ngo"),
        ("Reuters", "media"),
    ]
    places = ["Nagorno-Karabakh", "Armenia", "Goris", "Stepanakert", "Kornidzor"]
    start = dt.date(2023, 9, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([name for name in COLUMNS if name not in TIMING_COLUMNS])
        for number in range(n_rows):
            reporter, side = rng.choice(reporters)
            day = start + dt.timedelta(days=rng.randrange(120))
            qualifier = rng.choice(["", "about", "more_than", "up_to"])
            value = rng.randrange(10, 150_000)
            writer.writerow(
                [
                    day.isoformat(),
                    rng.choice(metrics),
                    "",
                    qualifier,
                    value,
                    "",
                    rng.choice(places),
                    reporter,
                    side,
                    "Outlet",
                    day.isoformat(),
                    "",
                    f"{reporter} said {value} people.",
                    f"Synthetic row {number}.",
                ]
            )
    return path


def synthetic_file(n_rows: int, seed: int = 0) -> Path:
    """The synthetic file of `n_rows`, written once per version of its generator."""
    OUT.mkdir(parents=True, exist_ok=True)
    generator = ROOT / "bench" / "synthetic.py"
    try:
        from bench.synthetic import write_synthetic
    except ImportError:
        write_synthetic = None
    source = generator.read_bytes() if write_synthetic else Path(__file__).read_bytes()
    version = hashlib.sha256(source).hexdigest()[:8]
    path = OUT / f"dashboard-{n_rows}-seed{seed}-{version}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        if write_synthetic is not None:
            write_synthetic(partial, n_rows, seed=seed)
        else:
            _own_synthetic(partial, n_rows, seed)
        partial.replace(path)  # an interrupted run never leaves a half file under the name
    return path


# ---------------------------------------------------------------------------------------------
# First chart in a browser.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:
            process.wait(timeout=0.02)  # waits on the server, and notices if it died
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"streamlit exited with {process.returncode}")
    raise RuntimeError("streamlit did not answer in time")


def _time_to_first_chart(browser: object, url: str) -> float:
    """Seconds from a new page's navigation (a new session) to its first drawn chart."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    navigated = time.perf_counter()
    page.goto(url)
    page.wait_for_function(FIRST_CHART_DRAWN, timeout=300_000, polling="raf")
    seconds = time.perf_counter() - navigated
    page.close()
    return seconds


def first_chart_seconds(browser: object, script: Path, data: Path) -> tuple[float, float, float]:
    """On a fresh server: seconds from navigation to the first drawn chart for its first
    visitor (cold: the page's modules are imported and the file parsed in that visit), the
    same for a second visitor (warm), and from the process start to the first chart."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "streamlit", "run", str(script)]
    command += ["--server.headless", "true", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    command += SERVER_FLAGS
    environment = {**os.environ, "FIGURES_DATA": str(data)}
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=script.parent,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_healthy(url, process, time.monotonic() + 120)
        cold = _time_to_first_chart(browser, url)
        from_start = time.perf_counter() - started
        return cold, _time_to_first_chart(browser, url), from_start
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def bench_first_chart(
    data: Path, repeat: int, app: Path = ROOT / "app.py"
) -> dict[str, list[tuple[float, float, float]]]:
    import compileall

    from playwright.sync_api import sync_playwright

    # The app as `make run` serves it: with its bytecode compiled (where
    # PYTHONDONTWRITEBYTECODE is set, a server would otherwise compile the package each time).
    compileall.compile_dir(ROOT / "figures", quiet=1)
    compileall.compile_file(ROOT / "app.py", quiet=1)

    OUT.mkdir(parents=True, exist_ok=True)
    bare = OUT / "bare_page.py"
    bare.write_text(BARE_PAGE, encoding="utf-8")
    pages = {"bare page": bare, "dashboard": app}
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in pages}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(repeat):
                for name, script in pages.items():  # alternating, in the same run
                    results[name].append(first_chart_seconds(browser, script, data))
        finally:
            browser.close()
    return results


# ---------------------------------------------------------------------------------------------
# One rerun after a filter change, on the server.


def chart_rows(app: Any) -> list[tuple[str, int, int]]:
    """For each chart on the page: its title, and the figures and conflict lines its data
    holds, read from the Arrow bytes Streamlit sends to the browser."""
    import pyarrow as pa

    found = []
    for chart in app.get("vega_lite_chart"):
        title = json.loads(chart.proto.spec).get("title", {}).get("text", "?")
        marks = pairs = 0
        for dataset in chart.proto.datasets:
            table = pa.ipc.open_stream(dataset.data.data).read_all()
            if "kind" in table.column_names:
                kinds = table.column("kind").to_pylist()
                marks, pairs = kinds.count("mark"), kinds.count("pair")
        found.append((title, marks, pairs))
    return found


def bench_rerun(data: Path) -> tuple[list[float], float, list[tuple[str, int, int]]]:
    """Server-side seconds of one run after each filter change, of the warm-up, and what the
    warm page's charts send to the browser."""
    os.environ["FIGURES_DATA"] = str(data)
    from streamlit.testing.v1 import AppTest

    from figures.ui import SERVER_SECONDS
    from figures.ui.keys import CHART_DRAWN

    started = time.perf_counter()
    # The first run parses the file, draws the page, waits for the conflict engine and runs
    # the page again with its flags: the page a user then changes filters on. The session
    # holds the browser's report that the chart is drawn (figures/ui/first_paint.py), as a
    # browser's session does by the time anyone changes a filter.
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1200)
    app.session_state[CHART_DRAWN] = {"drawn": True}
    app = app.run()
    warm_up = time.perf_counter() - started
    if app.exception:
        raise RuntimeError(app.exception[0].value)
    sent = chart_rows(app)
    seconds = []
    for metric in RERUN_FILTERS:
        app.multiselect(key="f_metric").set_value([metric]).run()
        if app.exception:
            raise RuntimeError(app.exception[0].value)
        seconds.append(float(app.session_state[SERVER_SECONDS]))
    return seconds, warm_up, sent


# ---------------------------------------------------------------------------------------------


def _report_first_chart(results: dict[str, list[tuple[float, float, float]]]) -> None:
    """Each page's rounds and medians, and the ratios of the medians: from navigation, for a
    first visitor (cold) and a second (warm), and from the process start (what this
    benchmark timed before issue 14)."""
    kinds = ("cold", "warm", "from start")
    medians = {
        name: [statistics.median(round_[k] for round_ in times) for k in range(3)]
        for name, times in results.items()
    }
    for name, times in results.items():
        for k, kind in enumerate(kinds):
            listed = ", ".join(f"{round_[k]:.2f}" for round_ in times)
            print(f"first chart, {name:9}, {kind:10}: median {medians[name][k]:.2f} s ({listed})")
    for k, kind in enumerate(kinds):
        ratio = medians["dashboard"][k] / medians["bare page"][k]
        verdict = "meets" if ratio <= FIRST_CHART_TARGET else "misses"
        print(
            f"first chart ratio, {kind:10}: {ratio:.2f}x the bare page ({verdict} the "
            f"{FIRST_CHART_TARGET}x target)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="synthetic rows")
    parser.add_argument("--data", type=Path, help="a figures file to use instead")
    parser.add_argument("--repeat", type=int, default=3, help="browser rounds (medians count)")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument(
        "--app", type=Path, default=ROOT / "app.py", help="the app to time (default app.py)"
    )
    args = parser.parse_args()

    data = args.data.resolve() if args.data else synthetic_file(args.rows)
    with data.open("rb") as handle:
        rows = sum(1 for _ in handle) - 1  # lines, not rows, where a quote spans lines
    print(f"file: {data} ({rows:,} lines, {data.stat().st_size / 2**20:.1f} MB)")
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")

    if not args.skip_browser:
        if not CHROMIUM.exists():
            print(f"first chart: skipped, {CHROMIUM} is absent")
        else:
            _report_first_chart(bench_first_chart(data, args.repeat, args.app.resolve()))

    reruns, warm_up, sent = bench_rerun(data)
    median = statistics.median(reruns)
    verdict = "meets" if median < RERUN_TARGET_S else "misses"
    print(f"warm-up (parse, page, conflicts, page again), AppTest: {warm_up:.1f} s")
    # What the browser is sent: a sample of figures and the conflict lines between them,
    # never the whole file (issue 4: a few thousand marks at most).
    for title, marks, pairs in sent:
        print(f"chart data sent, {title}: {marks:,} figures + {pairs:,} conflict lines")
    print(
        "rerun after a filter change, server-side: "
        + ", ".join(
            f"{metric} {seconds * 1000:.0f} ms"
            for metric, seconds in zip(RERUN_FILTERS, reruns, strict=True)
        )
    )
    print(
        f"rerun median {median * 1000:.0f} ms, worst {max(reruns) * 1000:.0f} ms ({verdict} "
        f"the {RERUN_TARGET_S * 1000:.0f} ms target)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
