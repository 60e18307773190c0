"""Streamlit glue: the only module of the package that imports Streamlit (with the ui_* pages).

The page, top to bottom: title and what the data is; headline figures; the conflict list;
the timeline and the by-source chart (with colour, log-scale and conflict-highlight
controls); downloads; the figures table, a page at a time; the validation report; the form
to add a figure. The sidebar holds the view's filters, which live in the URL so a copied
link reopens the view.

What the browser gets first, and why (issue 4: the first chart within 1.5x of a bare
one-chart page, a rerun under 300 ms on 100,000 rows):
- The timeline is sent before anything else; every other part is filled into its place
  after it (containers made in page order, filled later), and the by-source chart last of
  all. Widgets read their state before they are drawn, so the view is known first.
- The headline is an HTML table, not Markdown; the downloads, the form and the conflicts
  past the first three are in expanders that build their content only once opened.
- Chart datasets go to Streamlit as Arrow bytes made once per content-named dataset.

Data handling, and why:
- The parsed file is cached with `st.cache_resource` keyed on (path, mtime_ns, size) and the
  vocabulary files' stats: an appended row changes the key, so it shows on the next
  interaction, and an unchanged file is never parsed again. Resource, not data, for the
  reason below: `cache_data` unpickled 100,000 rows on every rerun (20 ms of it). Nothing
  changes the rows in place; every view is a new frame.
- Conflicts are cached with `st.cache_resource` under the same key, as a Future computed on a
  worker thread. Resource, not data: `cache_data` unpickles its value on every rerun, and the
  flags of 100,000 figures took 1.7 s to unpickle, far over a 300 ms rerun; `Conflict` is a
  frozen dataclass, so sharing one copy between sessions is safe. Future, because the engine
  can take many seconds on a big file: the page is drawn without conflict marks first, then
  redrawn when the engine is done, so the first chart never waits for it.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import logging
import os
import re
import sys
import threading
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from figures import charts
from figures.conflicts import Conflict, ConflictSettings, conflicts_by_line, find_conflicts
from figures.contract import AFFILIATION_LABELS, value_as_written
from figures.filters import (
    DATE_KEYS,
    MULTI_KEYS,
    NO_PLACE,
    FilterChoices,
    ViewFilters,
    apply_filters,
    describe_filters,
    filter_choices,
    filters_from_query,
    filters_to_query,
)
from figures.validation import LoadResult, load_figures
from figures.vocabulary import (
    GROUPS_FILE,
    METRICS_FILE,
    PLACES_FILE,
    SHIPPED_DATA_DIR,
    WHOLE_GROUP,
    Vocabulary,
    VocabularyError,
    load_vocabulary,
    vocabulary_dir_for,
)

LOG = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "data" / "figures.csv"
GUIDE = ROOT / "docs" / "adding-figures.md"
TITLE = "Reported refugee-flow figures"
DESCRIPTION = (
    "Figures on people who fled, arrived, were evacuated or detained during the September "
    "2023 exodus from Nagorno-Karabakh, each as one source reported it, with the places where "
    "reports disagree. The page takes no side: it shows who said what, and when."
)
# Query parameters besides the filters (figures.filters owns metric, group, place,
# affiliation, reporter, from and to).
COLOR_KEY, LOG_KEY, CONFLICT_KEY, VIEW_KEY = "color", "log", "conflict", "view"
COLOR_VALUES = {"reporter": "reported_by", "affiliation": "affiliation"}
TRUE_VALUES, FALSE_VALUES = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}
KNOWN_KEYS = {*MULTI_KEYS, *DATE_KEYS, COLOR_KEY, LOG_KEY, CONFLICT_KEY, VIEW_KEY}
# Widget keys in session state.
W = {key: f"f_{key}" for key in MULTI_KEYS}
W_DATES, W_COLOR, W_LOG, W_CONFLICT = "f_dates", "f_color", "f_log", "f_conflict"
URL_READ, NOTICES, DATES_EXTENT = "_url_read", "_url_notices", "_dates_extent"
PENDING_CONFLICT = "_url_conflict"
W_TABLE_PAGE, TABLE_VIEW = "table_page", "_table_view"
SERVER_SECONDS = "_server_seconds"

# How long a page waits for the conflict engine before drawing without its marks.
CONFLICT_WAIT_S = 1.0
# Up to this many rows the engine takes well under CONFLICT_WAIT_S, so it starts at once.
SMALL_FILE_ROWS = 20_000
# What the page lists in full; beyond this it says how many more there are.
MAX_CONFLICTS_LISTED = 12
CONFLICTS_FIRST = 3
MAX_FIGURES_PER_CONFLICT = 12
# The figures table shows a page at a time, latest first: a page of 1,000 rows took the
# server 70 ms of each rerun and the browser half a megabyte to decode.
TABLE_PAGE_ROWS = 100
MAX_ERRORS_LISTED = 2_000
MAX_HEADLINE_METRICS = 12
CANVAS_FROM_FIGURES = 500

_URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")

# Conflicts are computed on a daemon thread: a worker of a ThreadPoolExecutor would keep
# `streamlit run` from stopping (Ctrl-C) until the engine finished a big file. One job at a
# time, so a second file version waits its turn instead of competing for the processor.
_ENGINE_LOCK = threading.Lock()


def _run_job(future: Future[Flags], job: Callable[[], Flags]) -> None:
    if not future.set_running_or_notify_cancel():
        return
    with _ENGINE_LOCK:
        try:
            future.set_result(job())
        except BaseException as exc:  # handed to the page, which shows it
            future.set_exception(exc)


def _start(job: Callable[[], Flags]) -> Future[Flags]:
    future: Future[Flags] = Future()
    threading.Thread(
        target=_run_job, args=(future, job), name="conflict-engine", daemon=True
    ).start()
    return future


# ---------------------------------------------------------------------------------------------
# Where the data is, and loading it.


def data_path(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """`--data PATH` after `streamlit run app.py --`, else FIGURES_DATA, else data/figures.csv."""
    environ = os.environ if environ is None else environ
    if argv is None:
        # Only the command line `streamlit run app.py -- ...` is ours; under a test runner
        # sys.argv holds the runner's own options.
        argv = sys.argv[1:] if Path(sys.argv[0]).name == "app.py" else []
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data")
    known, _ = parser.parse_known_args(list(argv))
    if known.data:
        return Path(known.data)
    if environ.get("FIGURES_DATA"):
        return Path(environ["FIGURES_DATA"])
    return DEFAULT_DATA


@dataclass(frozen=True)
class FileKey:
    """What identifies one version of the data: its path, and the stats of it and its
    vocabulary files (editing metrics.csv changes how rows are read)."""

    path: str
    mtime_ns: int
    size: int
    vocabulary: tuple[tuple[str, int, int], ...]


def file_key(path: Path) -> FileKey | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    folder = vocabulary_dir_for(path)
    stats = []
    for name in (METRICS_FILE, GROUPS_FILE, PLACES_FILE):
        # The file the vocabulary is read from: the folder's own, else the shipped one.
        used = folder / name if (folder / name).is_file() else SHIPPED_DATA_DIR / name
        try:
            vocab_stat = used.stat()
            stats.append((str(used), vocab_stat.st_mtime_ns, vocab_stat.st_size))
        except OSError:
            stats.append((str(used), 0, 0))
    return FileKey(str(path), stat.st_mtime_ns, stat.st_size, tuple(stats))


def choices_for(rows: pd.DataFrame, vocabulary: Vocabulary) -> FilterChoices:
    """`figures.filters.filter_choices`, column-wise: the same answer (tests compare them)
    from each column's distinct values, where walking 100,000 Python objects took 0.6 s."""
    if rows.empty:
        return filter_choices(rows, vocabulary)
    metrics = set(rows["metric"].unique())
    groups = set(rows["group"].unique())
    places = {NO_PLACE if place == "" else str(place) for place in rows["place"].unique()}
    sides = set(rows["affiliation"].unique())
    first, last = rows["as_of"].min(), rows["as_of"].max()
    return FilterChoices(
        metrics=tuple(name for name in vocabulary.metrics if name in metrics),
        groups=tuple(name for name in vocabulary.groups if name in groups),
        places=tuple(sorted(places)),
        affiliations=tuple(name for name in AFFILIATION_LABELS if name in sides),
        reporters=tuple(sorted(str(name) for name in rows["reported_by"].unique())),
        first_day=first.date(),
        last_day=last.date(),
    )


@dataclass(frozen=True)
class Loaded:
    result: LoadResult
    vocabulary: Vocabulary
    choices: FilterChoices
    reporters: tuple[str, ...]  # every reporter in the file: the palette's domain


@st.cache_resource(show_spinner="Reading the figures file…", max_entries=4)
def _load_cached(path: str, mtime_ns: int, size: int, vocab: tuple) -> Loaded:
    # mtime, size and the vocabulary stats are the cache key: an edited file reloads, an
    # unchanged one never re-parses. The arguments are used only as the key.
    del mtime_ns, size, vocab
    vocabulary = load_vocabulary(vocabulary_dir_for(Path(path)))
    result = load_figures(path, vocabulary)
    choices = choices_for(result.rows, vocabulary)
    return Loaded(result, vocabulary, choices, tuple(choices.reporters))


def load(path: Path) -> Loaded | LoadResult:
    """The loaded file, or a LoadResult holding only the file-level error that stopped it."""
    key = file_key(path)
    if key is None:
        return load_figures(path)  # the loader words the missing or unreadable file
    return _load_cached(key.path, key.mtime_ns, key.size, key.vocabulary)


@dataclass(frozen=True)
class Flags:
    conflicts: list[Conflict]
    by_line: dict[int, list[Conflict]]
    index: charts.ConflictIndex  # the same, as the charts look it up on every rerun


def _find_flags(rows: pd.DataFrame, vocabulary: Vocabulary, settings: ConflictSettings) -> Flags:
    conflicts = find_conflicts(rows, vocabulary, settings)
    index = charts.ConflictIndex.of(conflicts)
    # The words each flagged figure's tooltip gives on its conflicts: made here, on the
    # engine's thread, rather than a few thousand at a time on the reruns that draw them.
    for line in index.lines.tolist():
        index.text(line)
    return Flags(conflicts, conflicts_by_line(conflicts), index)


@st.cache_resource(show_spinner=False, max_entries=4)
def _flags_job(
    path: str, mtime_ns: int, size: int, vocab: tuple, tolerance: float, window_days: int
) -> Future[Flags]:
    loaded = _load_cached(path, mtime_ns, size, vocab)
    settings = ConflictSettings(tolerance=tolerance, window_days=window_days)
    rows, vocabulary = loaded.result.rows, loaded.vocabulary
    return _start(lambda: _find_flags(rows, vocabulary, settings))


def flags_future(path: Path) -> Future[Flags] | None:
    """The conflict job of this version of the file, started if need be."""
    key = file_key(path)
    if key is None:
        return None
    settings = ConflictSettings()
    _STARTED.add(key)
    return _flags_job(
        key.path, key.mtime_ns, key.size, key.vocabulary, settings.tolerance, settings.window_days
    )


def flags_started(path: Path) -> bool:
    """Whether this process has started the conflict job of this version of the file."""
    return file_key(path) in _STARTED


# Versions of files whose conflict job this process has started: only a hint for when to
# start one (see `main`), so a stale entry (after a cache clear) costs nothing but that.
_STARTED: set[FileKey] = set()


# ---------------------------------------------------------------------------------------------
# Small helpers.


def md(text: object) -> str:
    """Text shown as-is inside Markdown: no stray emphasis, links or $-maths from the data."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def day_text(moment: object, with_time: bool = False) -> str:
    if moment is None or pd.isna(moment):
        return ""
    stamp = pd.Timestamp(moment)
    text = f"{stamp.day} {stamp:%b %Y}"
    return f"{text}, {stamp:%H:%M}" if with_time else text


def written(row: Mapping[str, Any]) -> str:
    high = row["value_high"]
    return value_as_written(
        str(row["qualifier"]), int(row["value"]), None if pd.isna(high) else int(high)
    )


def conflict_id(conflict: Conflict) -> str:
    # Code, first line and a checksum of every line: short enough for a URL, stable while
    # rows are appended unless one joins this flag, and unique even where two flags of one
    # code start on the same line (a figure at odds with many is a flag of its own, and a
    # figure it clashes with may head another flag).
    lines = ",".join(map(str, conflict.lines)).encode()
    return f"{conflict.code}:{conflict.lines[0]}:{zlib.crc32(lines):08x}"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def optional_hook(module: str, function: str) -> Callable[..., Any] | None:
    """A function from a module other sessions are writing, or None until it exists.

    Found by `importlib.util.find_spec` and imported lazily, so the dashboard runs (and its
    tests pass) before those modules land, and a slow import costs only pages that use it.
    """
    if importlib.util.find_spec(module) is None:
        return None
    return getattr(importlib.import_module(module), function, None)


def call_accepting(function: Callable[..., Any], *args: Any, **optional: Any) -> Any:
    """Call with the positional arguments, plus those keyword options the function takes."""
    parameters = inspect.signature(function).parameters
    return function(*args, **{k: v for k, v in optional.items() if k in parameters})


# ---------------------------------------------------------------------------------------------
# The view in the URL.


def _query_mapping() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _flag(text: str) -> bool | None:
    lowered = text.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    return None


def read_url_once(choices: FilterChoices) -> None:
    """Put the URL's view into widget state, once per browser session.

    Later runs take the widgets as the truth and write them back to the URL, so the address
    bar always holds a link to what is on screen.
    """
    if st.session_state.get(URL_READ):
        return
    st.session_state[URL_READ] = True
    params = _query_mapping()
    filters, notices = filters_from_query(params, choices)
    for key in params:
        if key not in KNOWN_KEYS:
            notices.append(f"Ignored {key}=…: this page has no such setting.")
    for key in MULTI_KEYS:
        st.session_state[W[key]] = list(getattr(filters, MULTI_KEYS[key]))
    if filters.start or filters.end:
        first = filters.start or choices.first_day
        last = filters.end or choices.last_day
        st.session_state[W_DATES] = (first, last)
    color = (params.get(COLOR_KEY) or [""])[-1]
    if color:
        if color in COLOR_VALUES:
            st.session_state[W_COLOR] = COLOR_VALUES[color]
        else:
            notices.append(f"Ignored color={color!r}: use 'reporter' or 'affiliation'.")
    log = (params.get(LOG_KEY) or [""])[-1]
    if log:
        flag = _flag(log)
        if flag is None:
            notices.append(f"Ignored log={log!r}: use 1 or 0.")
        else:
            st.session_state[W_LOG] = flag
    chosen = (params.get(CONFLICT_KEY) or [""])[-1]
    if chosen:
        # Checked once the flags are known (they may still be computing).
        st.session_state[PENDING_CONFLICT] = chosen
    st.session_state[NOTICES] = notices


def _clear_notices() -> None:
    st.session_state[NOTICES] = []


def write_url(filters: ViewFilters, color_by: str, log_scale: bool, chosen: str) -> None:
    """The view as query parameters; only what differs from the default page."""
    params = filters_to_query(filters)
    if color_by != "reported_by":
        params[COLOR_KEY] = ["affiliation"]
    if log_scale:
        params[LOG_KEY] = ["1"]
    if chosen:
        params[CONFLICT_KEY] = [chosen]
    if params != _query_mapping():
        st.query_params.from_dict(params)


# ---------------------------------------------------------------------------------------------
# The sidebar.


def _keep_known(key: str, options: Sequence[str]) -> None:
    # A value can leave the options when the file changes (a row edited away); Streamlit
    # rejects a widget whose state holds an unknown option, so drop it first.
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in set(options)]


def _date_bounds(choices: FilterChoices) -> None:
    """Keep an open-ended date range open when the data grows.

    A range that ran to the last day of the data keeps running to its last day when rows with
    later dates are appended (likewise for the first day); a range the user narrowed stays put.
    """
    extent = (choices.first_day, choices.last_day)
    previous = st.session_state.get(DATES_EXTENT)
    chosen = st.session_state.get(W_DATES)
    if previous and chosen and previous != extent and len(chosen) == 2:
        start, end = chosen
        if start == previous[0]:
            start = extent[0]
        if end == previous[1]:
            end = extent[1]
        st.session_state[W_DATES] = (start, end)
    st.session_state[DATES_EXTENT] = extent


def _reset_filters() -> None:
    for key in MULTI_KEYS:
        st.session_state[W[key]] = []
    st.session_state.pop(W_DATES, None)
    st.session_state[W_CONFLICT] = ""
    _clear_notices()


def view_filters(loaded: Loaded) -> ViewFilters:
    """The view the sidebar's filters hold, read from their state.

    The widgets themselves are drawn later in the run (`sidebar_filters`), after the charts:
    a widget's value is its state, which Streamlit has updated before the run starts, so the
    view is known first and the page the browser gets is the same, charts first.
    """
    choices = loaded.choices
    values: dict[str, tuple[str, ...]] = {}
    for key, attribute in MULTI_KEYS.items():
        _keep_known(W[key], getattr(choices, attribute))
        values[attribute] = tuple(st.session_state.get(W[key], ()))
    start = end = None
    if choices.first_day and choices.last_day:
        _date_bounds(choices)
        if W_DATES not in st.session_state:
            st.session_state[W_DATES] = (choices.first_day, choices.last_day)
        picked = st.session_state[W_DATES]
        dates = tuple(picked) if isinstance(picked, tuple | list) else (picked,)
        # Only a narrowed end is a filter: a range covering the data stays open, so rows
        # appended later with new dates are in view.
        if dates and dates[0] and dates[0] > choices.first_day:
            start = dates[0]
        if len(dates) == 2 and dates[1] and dates[1] < choices.last_day:
            end = dates[1]
    return ViewFilters(start=start, end=end, **values)


def sidebar_filters(loaded: Loaded) -> None:
    """The filter widgets, on the state `view_filters` read."""
    choices = loaded.choices
    vocabulary = loaded.vocabulary
    sidebar = st.sidebar
    sidebar.header("Filters")
    labels: dict[str, Callable[[str], str]] = {
        "metric": vocabulary.metric_label,
        "group": vocabulary.group_label,
        "place": str,
        "affiliation": lambda code: AFFILIATION_LABELS.get(code, code),
        "reporter": str,
    }
    titles = {
        "metric": "Metric",
        "group": "Group",
        "place": "Place",
        "affiliation": "Reporter's side",
        "reporter": "Reported by",
    }
    for key, attribute in MULTI_KEYS.items():
        sidebar.multiselect(
            titles[key],
            list(getattr(choices, attribute)),
            format_func=labels[key],
            key=W[key],
            placeholder="All",
            on_change=_clear_notices,
        )
    if choices.first_day and choices.last_day:
        chosen_dates = st.session_state[W_DATES]
        if not isinstance(chosen_dates, tuple | list):
            chosen_dates = (chosen_dates,)
        sidebar.date_input(
            "As-of dates",
            min_value=min(choices.first_day, *[d for d in chosen_dates if d]),
            max_value=max(choices.last_day, *[d for d in chosen_dates if d]),
            key=W_DATES,
            format="YYYY-MM-DD",
            help="The dates the figures describe, not when they were published.",
            on_change=_clear_notices,
        )
    sidebar.button("Clear filters", key="clear_filters", on_click=_reset_filters, width="stretch")
    sidebar.caption("The address bar holds this view: copy it to share exactly what you see.")


def sidebar_footer(path: Path, loaded: Loaded) -> None:
    sidebar = st.sidebar
    sidebar.divider()
    result = loaded.result
    sidebar.caption(
        f"Data: `{path.name.replace('`', '')}` · {plural(len(result.rows), 'valid figure')}"
        + (
            f" · {plural(result.record_count - len(result.rows), 'row')} left out"
            if result.record_count > len(result.rows)
            else ""
        )
    )
    sidebar.markdown(
        "**For analysts:** [how to add or correct a figure](?view=adding-figures) "
        "(docs/adding-figures.md)."
    )


# ---------------------------------------------------------------------------------------------
# Sections of the page.


HEADLINE_COLUMNS = ("Metric", "Side", "Latest figure", "As of", "Place", "Reported by", "Conflicts")
# The headline is an HTML table, not Markdown: a browser parsing a Markdown table of seventy
# rows spent a quarter of a second of a big file's first page on it, before the charts.
HEADLINE_STYLE = """<style>
table.headline { border-collapse: collapse; width: 100%; font-size: 0.95rem; margin: 0 0 1rem; }
table.headline th, table.headline td {
  border: 1px solid rgba(49, 51, 63, 0.1); padding: 0.25rem 0.75rem; text-align: left;
  vertical-align: top; }
table.headline th { font-weight: 600; }
table.headline .keep { white-space: nowrap; }
table.headline .flags { color: #C4001A; font-weight: 700; }
</style>"""


def headline(rows: pd.DataFrame, vocabulary: Vocabulary, by_line: Mapping[int, list]) -> None:
    """For each metric in view, the latest figure per side, and the conflicts touching it."""
    st.subheader("Latest figure per side")
    present = set(rows["metric"].unique())
    metrics = [name for name in vocabulary.metrics if name in present]
    if len(metrics) > MAX_HEADLINE_METRICS:
        st.caption(
            f"The first {MAX_HEADLINE_METRICS} of {len(metrics)} metrics; choose metrics in "
            "the filters to see others."
        )
        metrics = metrics[:MAX_HEADLINE_METRICS]
    # One table, not a box per metric: figures line up in a column, and ten metrics fit in
    # a third of a 1280x800 screen.
    body: list[str] = []
    order = {code: rank for rank, code in enumerate(AFFILIATION_LABELS)}
    newest = rows.iloc[latest_positions(rows)]
    group_rank = {name: rank for rank, name in enumerate([WHOLE_GROUP, *vocabulary.groups])}
    for metric, group in _headline_blocks(newest, metrics, group_rank):
        of_block = newest[(newest["metric"] == metric) & (newest["group"] == group)]
        latest = of_block.sort_values("affiliation", key=lambda col: col.map(order), kind="stable")
        title = vocabulary.metric_label(metric)
        if group != WHOLE_GROUP:
            title += f" ({vocabulary.group_label(group).lower()})"
        for index, row in enumerate(latest.to_dict("records")):
            flags = len(by_line.get(int(row["line"]), []))
            side = AFFILIATION_LABELS.get(row["affiliation"], row["affiliation"])
            # Figures and dates never break across lines: "more than / 100,000" misreads.
            cells = [
                f"<strong>{escape(title)}</strong>" if index == 0 else "",
                escape(side),
                f'<strong class="keep">{escape(written(row))}</strong>',
                f'<span class="keep">{day_text(row["as_of"], bool(row["as_of_has_time"]))}</span>',
                escape(str(row["place"])),
                escape(str(row["reported_by"])),
                f'<span class="flags">{flags}</span>' if flags else "",
            ]
            body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    head = "".join(f"<th>{name}</th>" for name in HEADLINE_COLUMNS)
    st.html(
        f'{HEADLINE_STYLE}<table class="headline"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _headline_blocks(
    newest: pd.DataFrame, metrics: list[str], group_rank: Mapping[str, int]
) -> list[tuple[str, str]]:
    """(metric, group) blocks of the headline: every group in view, the whole count first.
    A side that reported only a subgroup (combatants killed) still gets its row."""
    blocks = []
    for metric in metrics:
        groups = set(newest.loc[newest["metric"] == metric, "group"])
        for group in sorted(groups, key=lambda name: (group_rank.get(name, len(group_rank)), name)):
            blocks.append((metric, str(group)))
    return blocks


def latest_positions(rows: pd.DataFrame) -> np.ndarray:
    """Positions of the latest row of each (metric, group, side): latest as-of, then latest
    publication, then last line. Column-wise: a sort of 100,000 rows of text took 0.1 s."""
    if rows.empty:
        return np.array([], dtype=np.int64)
    codes = np.zeros(len(rows), dtype=np.int64)
    for name in ("metric", "group", "affiliation"):
        column_codes, uniques = pd.factorize(rows[name])
        codes = codes * (len(uniques) + 1) + column_codes
    as_of = rows["as_of"].to_numpy("datetime64[ns]").astype(np.int64)
    published = rows["published"].to_numpy("datetime64[ns]").astype(np.int64)  # NaT lowest
    order = np.lexsort((rows["line"].to_numpy(np.int64), published, as_of, codes))
    # In that order the last row of each key's run is its latest.
    sorted_codes = codes[order]
    last = np.flatnonzero(np.append(sorted_codes[1:] != sorted_codes[:-1], True))
    return np.sort(order[last])


def control_values() -> tuple[str, bool, str]:
    """Colour, log scale and the conflict to highlight, from the state of their widgets (drawn
    after the charts by `chart_controls`, in a slot above them)."""
    # Defaults go into session state (not the widgets' `default`), since the URL may have put
    # a value there first; Streamlit warns when both are given.
    st.session_state.setdefault(W_COLOR, "reported_by")
    st.session_state.setdefault(W_LOG, False)
    color_by = st.session_state[W_COLOR]
    return (
        str(color_by or "reported_by"),
        bool(st.session_state[W_LOG]),
        str(st.session_state.get(W_CONFLICT) or ""),
    )


def chart_controls(conflicts: Sequence[Conflict]) -> None:
    """The widgets for colour, log scale and the conflict to highlight."""
    colour_column, log_column, conflict_column = st.columns([2, 1.2, 4])
    colour_column.segmented_control(
        "Colour marks by",
        options=list(COLOR_VALUES.values()),
        format_func=lambda value: "Reporter" if value == "reported_by" else "Reporter's side",
        key=W_COLOR,
        required=True,
    )
    log_column.toggle(
        "Log scale",
        key=W_LOG,
        help="For views where small and large figures share a panel (102 and 120,000). "
        "Symlog, so that a figure of zero still shows.",
    )
    # The choices are the conflicts the page lists (and the one chosen, wherever it ranks):
    # thousands of options would cost every rerun and help nobody choose.
    offered = list(conflicts[:MAX_CONFLICTS_LISTED])
    current = st.session_state.get(W_CONFLICT, "")
    offered += [c for c in conflicts[MAX_CONFLICTS_LISTED:] if conflict_id(c) == current]
    ids = [conflict_id(conflict) for conflict in offered]
    labels = {conflict_id(c): _conflict_label(c) for c in offered}
    conflict_column.selectbox(
        "Highlight a conflict in the charts",
        options=["", *ids],
        format_func=lambda value: labels.get(value, "None"),
        key=W_CONFLICT,
        disabled=not ids,
        help="Its figures are enlarged in both charts and the others faded.",
    )


def chosen_conflict(conflicts: Sequence[Conflict], ready: bool) -> str:
    """The conflict to highlight: from the URL once the flags are known, else the widget's."""
    ids = [conflict_id(conflict) for conflict in conflicts]
    st.session_state.setdefault(W_CONFLICT, "")
    pending = st.session_state.get(PENDING_CONFLICT)
    if pending and ready:
        st.session_state.pop(PENDING_CONFLICT)
        # A link made before flags carried a checksum says only 'code:first line'.
        pending = next((i for i in ids if i == pending or i.startswith(f"{pending}:")), pending)
        if pending in ids:
            st.session_state[W_CONFLICT] = pending
        else:
            st.session_state.setdefault(NOTICES, []).append(
                f"Ignored conflict={pending!r}: no such conflict in this view."
            )
    # A conflict can leave the view when a filter changes; the widget would reject it.
    if st.session_state.get(W_CONFLICT) not in ["", *ids]:
        st.session_state[W_CONFLICT] = ""
    return str(st.session_state[W_CONFLICT])


def _conflict_label(conflict: Conflict) -> str:
    first = conflict.figures[0] if conflict.figures else None
    what = ""
    if first is not None:
        what = f"{first.metric}{'' if first.group == WHOLE_GROUP else ' ' + first.group}"
        what += f", {first.place}" if first.place else ""
    lines = ", ".join(str(line) for line in conflict.lines[:6])
    more = "…" if len(conflict.lines) > 6 else ""
    return f"{conflict.severity_label.capitalize()}: {conflict.title} ({what}; lines {lines}{more})"


def _highlight(conflict_key: str) -> None:
    st.session_state[W_CONFLICT] = conflict_key
    _clear_notices()


def conflict_list(
    conflicts: Sequence[Conflict], all_rows: pd.DataFrame, chosen: str, ready: bool
) -> None:
    """The conflicts in view. A flag may name figures outside the view (the other side of a
    dispute), so their links and quotes come from all rows, not only those in view."""
    st.subheader("Where the reports disagree")
    if not ready:
        st.info("Still checking the figures for conflicts; the list appears when that is done.")
        return
    if not conflicts:
        st.info("No conflicting figures in this view.")
        return
    st.caption(
        f"{plural(len(conflicts), 'conflict')} in view, most severe first. "
        "Each is decided on all figures, so hiding one side never hides a dispute."
    )
    listed = list(conflicts[:MAX_CONFLICTS_LISTED])
    # Sources and quotes of the listed figures only, looked up by line in one pass.
    needed = {figure.line for conflict in listed for figure in conflict.figures}
    cited = all_rows.loc[all_rows["line"].isin(needed).to_numpy(), ["line", "url", "quote"]]
    cited_lines = cited["line"].to_numpy(np.int64).tolist()
    urls = dict(zip(cited_lines, cited["url"].to_numpy(dtype=object).tolist(), strict=True))
    quotes = dict(zip(cited_lines, cited["quote"].to_numpy(dtype=object).tolist(), strict=True))
    for conflict in listed[:CONFLICTS_FIRST]:
        _conflict_box(conflict, chosen, urls, quotes)
    rest = listed[CONFLICTS_FIRST:]
    if rest:
        # The page's first screen is for the worst disagreements; the rest are a click away,
        # and built only once opened (a rerun), not on every rerun of the page.
        more = st.expander(
            f"{plural(len(rest), 'more conflict')}, by severity",
            key="more_conflicts",
            on_change="rerun",
        )
        if more.open:
            with more:
                for conflict in rest:
                    _conflict_box(conflict, chosen, urls, quotes)
    if len(conflicts) > MAX_CONFLICTS_LISTED:
        st.caption(
            f"Listing the {MAX_CONFLICTS_LISTED} most severe of {len(conflicts):,}; narrow the "
            "filters to see the others (the downloads hold every one)."
        )


def _conflict_box(
    conflict: Conflict, chosen: str, urls: Mapping[int, str], quotes: Mapping[int, str]
) -> None:
    key = conflict_id(conflict)
    with st.container(border=True):
        head, button = st.columns([5, 1.3], vertical_alignment="center")
        head.markdown(
            f"**{conflict.severity_label.capitalize()} severity** · {md(conflict.title)} · "
            f"lines {', '.join(str(line) for line in conflict.lines)}"
        )
        if chosen == key:
            button.button(
                "Stop highlighting",
                key=f"unhighlight-{key}",
                on_click=_highlight,
                args=("",),
                width="stretch",
            )
        else:
            button.button(
                "Highlight in charts",
                key=f"highlight-{key}",
                on_click=_highlight,
                args=(key,),
                width="stretch",
            )
        items = []
        # A big group of disagreeing figures can hold hundreds; the first dozen make the
        # point, and every line is still named.
        for figure in conflict.figures[:MAX_FIGURES_PER_CONFLICT]:
            url = str(urls.get(figure.line, "") or "")
            link = f" · [source]({url})" if _URL_RE.match(url) else ""
            quote = quotes.get(figure.line)
            said = f" — “{md(charts.shorten(quote, 140))}”" if quote else ""
            # "(Outlet, published 25 Sep 2023)"; a reporter that is its own outlet is named once.
            where = [] if figure.outlet == figure.reported_by else [figure.outlet]
            where += [f"published {figure.published}"] if figure.published else []
            source = f" ({md(', '.join(where))})" if where else ""
            items.append(
                f"- line {figure.line}: **{md(figure.value)}** as of {md(figure.as_of)} — "
                f"{md(figure.reported_by)}{source}{link}{said}"
            )
        left_out = conflict.figures[MAX_FIGURES_PER_CONFLICT:]
        if left_out:
            lines = ", ".join(str(figure.line) for figure in left_out)
            items.append(f"- and {plural(len(left_out), 'more figure')}: lines {lines}")
        # The sentence and the figures in one block of text: one element, not two, per box.
        st.markdown(md(conflict.explanation) + "\n\n" + "\n".join(items))


def figures_table(
    rows: pd.DataFrame,
    vocabulary: Vocabulary,
    by_line: Mapping[int, list],
    view: object = None,
) -> None:
    """The figures in view, latest first, a page of TABLE_PAGE_ROWS at a time. `view` names
    the view (its filters): a new view starts at its first page."""
    st.subheader("The figures in view")
    if rows.empty:
        st.info("No figures in this view.")
        return
    pages = -(-len(rows) // TABLE_PAGE_ROWS)
    if st.session_state.get(TABLE_VIEW) != repr(view):
        st.session_state[TABLE_VIEW] = repr(view)
        st.session_state[W_TABLE_PAGE] = 1
    page = 1
    if pages > 1:
        st.session_state[W_TABLE_PAGE] = min(max(1, st.session_state.get(W_TABLE_PAGE, 1)), pages)
        number, note = st.columns([1, 5], vertical_alignment="bottom")
        page = int(
            number.number_input("Page", min_value=1, max_value=pages, step=1, key=W_TABLE_PAGE)
        )
        first = (page - 1) * TABLE_PAGE_ROWS
        note.caption(
            f"Figures {first + 1:,} to {min(first + TABLE_PAGE_ROWS, len(rows)):,} of "
            f"{len(rows):,}, latest first (page {page:,} of {pages:,}). Narrow the filters to "
            "find a figure, or download the CSV for every one."
        )
    shown = rows.iloc[latest_first(rows, (page - 1) * TABLE_PAGE_ROWS, TABLE_PAGE_ROWS)]
    lines = shown["line"].astype(int).to_numpy()
    urls = shown["url"].astype(str).to_numpy(dtype=object)
    metric_labels = {name: vocabulary.metric_label(name) for name in vocabulary.metrics}
    group_labels = {name: vocabulary.group_label(name) for name in vocabulary.groups}
    table = pd.DataFrame(
        {
            "Line": lines,
            "As of": charts.date_texts(shown["as_of"], shown["as_of_has_time"].to_numpy(bool)),
            "Metric": shown["metric"].map(metric_labels).fillna(shown["metric"]).to_numpy(),
            "Group": shown["group"].map(group_labels).fillna(shown["group"]).to_numpy(),
            "Figure": [
                value_as_written(str(q), int(v), None if pd.isna(h) else int(h))
                for q, v, h in zip(
                    shown["qualifier"].to_numpy(dtype=object),
                    shown["value"].to_numpy(),
                    shown["value_high"].to_numpy(dtype=object),
                    strict=True,
                )
            ],
            "Place": shown["place"].replace("", NO_PLACE).to_numpy(),
            "Reported by": shown["reported_by"].to_numpy(),
            "Outlet": shown["outlet"].to_numpy(),
            # Only checked http(s) addresses become links; anything else is no link at all.
            "Source": [u if _URL_RE.match(u) else None for u in urls],
            "Published": charts.date_texts(shown["published"], missing=""),
            "Quote": shown["quote"].to_numpy(),
            "Side": shown["affiliation"].map(AFFILIATION_LABELS).fillna("").to_numpy(),
            "Conflicts": [len(by_line.get(int(line), [])) for line in lines],
            "Notes": shown["notes"].to_numpy(),
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "Line": st.column_config.NumberColumn(help="Line in the CSV file", format="%d"),
            "Source": st.column_config.LinkColumn(display_text="open source", width="medium"),
            "Quote": st.column_config.TextColumn(width="large"),
            "Conflicts": st.column_config.NumberColumn(help="Conflicts this figure is part of"),
        },
    )


def latest_first(rows: pd.DataFrame, start: int, count: int) -> np.ndarray:
    """Positions of rows start to start + count, ordered latest as-of first (then the last
    line first). Only rows at least as late as the last one wanted are sorted."""
    as_of = rows["as_of"].to_numpy("datetime64[ns]").view(np.int64)
    lines = rows["line"].to_numpy(np.int64)
    wanted = min(start + count, len(rows))
    if wanted <= 0:
        return np.array([], dtype=np.int64)
    candidates = np.arange(len(rows))
    if wanted < len(rows):
        cutoff = np.partition(as_of, len(rows) - wanted)[len(rows) - wanted]
        candidates = np.flatnonzero(as_of >= cutoff)
    order = candidates[np.lexsort((lines[candidates], as_of[candidates]))[::-1]]
    return order[start:wanted]


def validation_report(result: LoadResult, path: Path) -> None:
    st.subheader("Rows that failed the data contract")
    errors = result.errors
    if not errors:
        st.caption(f"Every row of {md(path.name)} passes the data contract.")
        return
    bad_rows = len({error.line for error in errors if error.line is not None})
    st.warning(
        f"{plural(len(errors), 'problem')} in {plural(bad_rows, 'row')} of {md(path.name)}: "
        "those rows are left out of the charts and tables; every other row is shown. "
        "Check the file with `python -m figures check`."
    )
    shown = errors[:MAX_ERRORS_LISTED]
    st.dataframe(
        pd.DataFrame(
            {
                "Line": [error.line for error in shown],
                "Column": [error.column for error in shown],
                "Problem": [error.message for error in shown],
            }
        ),
        hide_index=True,
        column_config={"Problem": st.column_config.TextColumn(width="large")},
    )
    if len(errors) > MAX_ERRORS_LISTED:
        st.caption(f"The first {MAX_ERRORS_LISTED:,} of {len(errors):,} problems.")


def add_figure_section(path: Path, vocabulary: Vocabulary) -> None:
    # Built only once opened, like the other expanders of the page.
    section = st.expander("Add a figure", key="add_figure", on_change="rerun")
    if not section.open:
        return
    with section:
        st.caption(
            "Analysts add figures with `python -m figures add` or, where an editor password "
            "is configured, with this form; see [the guide](?view=adding-figures)."
        )
        # figures/ui_add.py belongs to another session; until it exists, the guide and the
        # command line are the way in.
        render = optional_hook("figures.ui_add", "render_add_form")
        if render is not None:
            render(path, vocabulary)


# ---------------------------------------------------------------------------------------------
# Pages.


def render_guide() -> None:
    st.set_page_config(page_title=f"Adding figures · {TITLE}", layout="centered")
    st.markdown("[← Back to the dashboard](?)")
    if GUIDE.is_file():
        st.markdown(GUIDE.read_text(encoding="utf-8"))
    else:
        st.info("The analysts' guide (docs/adding-figures.md) has not been written yet.")


def stopped_by_file(path: Path, result: LoadResult) -> None:
    st.title(TITLE)
    st.caption(DESCRIPTION)
    messages = "\n".join(f"- {md(error.message)}" for error in result.file_errors)
    st.error(
        f"The figures file cannot be shown: {md(path)}\n\n{messages}\n\n"
        "Set the file with `streamlit run app.py -- --data PATH` or the FIGURES_DATA "
        "environment variable."
    )


def render_briefing_page(loaded: Loaded, flags: Flags | None) -> None:
    filters, _notices = filters_from_query(_query_mapping(), loaded.choices)
    render = optional_hook("figures.ui_briefing", "render_briefing")
    if render is None:
        # figures/ui_briefing.py belongs to another session; until it lands, say so.
        st.info("The briefing view is not available yet. [Open the dashboard](?)")
        return
    call_accepting(
        render,
        loaded.result.rows,
        flags.conflicts if flags else [],
        filters,
        loaded.vocabulary,
        reporters=list(loaded.reporters),
    )


def _wait_for(future: Future[Flags], seconds: float) -> Flags | None:
    try:
        return future.result(timeout=seconds)
    except FutureTimeout:
        return None


def main() -> None:
    started = time.perf_counter()
    view = st.query_params.get(VIEW_KEY, "")
    if view == "adding-figures":
        render_guide()
        return
    if view != "briefing":
        st.set_page_config(page_title=TITLE, layout="wide", initial_sidebar_state="expanded")
    path = data_path()
    try:
        loaded = load(path)
    except VocabularyError as exc:
        st.title(TITLE)
        problems = "\n".join(
            f"- {md(path.name)}, line {error.line}, {md(error.column or 'file')}: "
            f"{md(error.message)}"
            for path, error in exc.problems
        )
        st.error(f"The metric, group or place vocabulary cannot be read:\n\n{problems}")
        return
    except Exception as exc:
        # A fault in the loader itself, not in the file: the file's problems come back as
        # data. Stakeholders get a sentence; the traceback goes to the server's log.
        LOG.exception("loading %s failed", path)
        st.title(TITLE)
        st.error(
            f"The figures file {md(path)} could not be loaded because of a fault in the "
            f"program ({md(type(exc).__name__)}: {md(exc)}). The server log has the details."
        )
        return
    if isinstance(loaded, LoadResult):
        stopped_by_file(path, loaded)
        return
    # An empty file is a file with no figures yet: the page shows its empty state and the
    # validation report says what the file needs. Other file-level errors stop the page.
    if any(error.code != "empty-file" for error in loaded.result.file_errors):
        stopped_by_file(path, loaded.result)
        return
    # The engine holds the interpreter while it works: on a big file whose flags nobody has
    # asked for yet, it starts only once this run has drawn the page, so the first chart does
    # not share the processor with it.
    small = len(loaded.result.rows) <= SMALL_FILE_ROWS
    now = view == "briefing" or small or flags_started(path)
    future = flags_future(path) if now else None
    engine_error: BaseException | None = None
    flags: Flags | None = None
    if future is not None:
        try:
            flags = _wait_for(future, CONFLICT_WAIT_S if view != "briefing" else 3600)
        except Exception as exc:  # a broken engine must not take the figures down with it
            engine_error = exc
    if view == "briefing":
        render_briefing_page(loaded, flags)
        return
    dashboard(path, loaded, flags, engine_error, future, started)


def dashboard(
    path: Path,
    loaded: Loaded,
    flags: Flags | None,
    engine_error: BaseException | None,
    future: Future[Flags] | None,
    started: float,
) -> None:
    result, vocabulary, choices = loaded.result, loaded.vocabulary, loaded.choices
    read_url_once(choices)
    filters = view_filters(loaded)

    # The page top to bottom is title, view, headline, conflicts, chart controls, charts,
    # then the rest; the sidebar holds the filters. But the timeline is sent first and every
    # other part is filled into its place after it (containers made in page order, filled
    # later): the page reads the same, and the charts, the slowest part for a browser to draw,
    # do not wait behind the rest. A browser drawing a big file's first page spent over a
    # second on the widgets and the text before it started on the chart. The widgets come
    # last of all, and are drawn even if a part of the page fails: a run that does not draw
    # a widget drops its state, and the view with it.
    title_slot = st.container()
    view_slot = st.container()
    headline_slot = st.container()
    conflicts_slot = st.container()
    rows = result.rows
    # An unfiltered view is the rows themselves: no copy of 100,000 rows for nothing.
    in_view = apply_filters(rows, filters) if len(rows) and filters != ViewFilters() else rows
    ready = flags is not None
    by_line = flags.by_line if flags else {}
    view_conflicts: list[Conflict] = []
    if flags is not None and len(in_view):
        # `conflicts_in_view`, through the index kept with the flags.
        view_conflicts = flags.index.touching(in_view["line"].to_numpy(np.int64))
    chosen = chosen_conflict(view_conflicts, ready)

    charts_title_slot = st.container()
    controls_slot = st.container()
    color_by, log_scale, chosen = control_values()
    write_url(filters, color_by, log_scale, chosen)
    try:
        options: dict[str, Any] = {}
        by_source_slot = None
        page_frame: dict[str, Any] = {}
        if not in_view.empty:
            highlight: tuple[int, ...] = ()
            if chosen:
                picked = [c for c in view_conflicts if conflict_id(c) == chosen]
                highlight = picked[0].lines if picked else ()
            # One preparation serves both charts: the sample and the tooltips are the costly
            # part.
            prepared = charts.prepare(
                in_view,
                view_conflicts,
                vocabulary,
                color_by=color_by,
                highlight=highlight,
                index=flags.index if flags else None,
            )
            options = {
                "color_by": color_by,
                "log_scale": log_scale,
                "highlight": highlight,
                "reporters": list(loaded.reporters),
                "prepared": prepared,
            }
            # A chart screenshotted alone must say what it shows, as of when, from whom.
            page_frame = {
                "dated": (
                    f"{describe_filters(filters, vocabulary)} · figures as reported up to "
                    f"{day_text(in_view['as_of'].max())}"
                ),
                "sources": charts.drawn_sources(prepared),
            }
            # Sizes that fit the main column at 1280x800 with the sidebar open.
            timeline = charts.for_the_page(
                charts.timeline_spec(
                    in_view, view_conflicts, vocabulary, width=680, panel_height=100, **options
                ),
                width=680,
                **page_frame,
            )
            st.vega_lite_chart(
                spec=browser_ready(timeline, len(prepared.marks)), theme=None, width="content"
            )
            # The by-source chart is sent after the text of the page: sent right behind the
            # timeline, the browser worked on both charts together and showed neither until
            # both were done.
            by_source_slot = st.container()
        else:
            st.caption("No figures to chart in this view.")

        with title_slot:
            st.title(TITLE)
            st.markdown(DESCRIPTION)
        charts_title_slot.subheader("The figures on charts")
        with view_slot:
            view_notes(filters, in_view, rows, view_conflicts, vocabulary, ready, engine_error)
        if options:
            downloads(in_view, view_conflicts, filters, vocabulary, loaded, options)
        with headline_slot:
            if rows.empty:
                st.info(
                    f"{md(path.name)} holds no valid figures yet. Add rows to it (see the "
                    "guide in the sidebar); they appear here on the next interaction."
                )
            elif in_view.empty:
                st.info("No figures match these filters. Widen them, or use *Clear filters*.")
            else:
                headline(in_view, vocabulary, by_line)
        with conflicts_slot:
            conflict_list(view_conflicts, rows, chosen, ready)
        figures_table(in_view, vocabulary, by_line, view=filters)
        validation_report(result, path)
        add_figure_section(path, vocabulary)
        if by_source_slot is not None:
            by_source = charts.for_the_page(
                charts.by_source_spec(in_view, view_conflicts, vocabulary, width=440, **options),
                width=680,
                **page_frame,
            )
            by_source_slot.vega_lite_chart(
                spec=browser_ready(by_source, len(options["prepared"].marks)),
                theme=None,
                width="content",
            )
    finally:
        with controls_slot:
            chart_controls(view_conflicts)
        sidebar_filters(loaded)
        sidebar_footer(path, loaded)
    # The whole run on the server, from the first line of main(): what a benchmark reads.
    st.session_state[SERVER_SECONDS] = time.perf_counter() - started
    if future is None:
        future = flags_future(path)
    if future is not None and not ready and engine_error is None:
        _finish_when_flagged(future)


def view_notes(
    filters: ViewFilters,
    in_view: pd.DataFrame,
    rows: pd.DataFrame,
    view_conflicts: Sequence[Conflict],
    vocabulary: Vocabulary,
    ready: bool,
    engine_error: BaseException | None,
) -> None:
    """The line naming the view, the URL's notices, and the state of the conflict check."""
    st.caption(
        f"**View:** {md(describe_filters(filters, vocabulary))} · "
        f"{plural(len(in_view), 'figure')} of {len(rows):,} · "
        + (plural(len(view_conflicts), "conflict") if ready else "conflicts being checked")
    )
    for notice in st.session_state.get(NOTICES, []):
        st.warning(notice)
    if engine_error is not None:
        st.error(
            "The conflict check failed, so no conflicts are marked: "
            f"{md(type(engine_error).__name__)}: {md(engine_error)}"
        )
    elif not ready:
        st.info(
            f"Checking {len(rows):,} figures for conflicts. The charts below do not mark "
            "conflicts yet; the page completes itself when the check is done."
        )


@st.cache_resource(show_spinner=False, max_entries=16)
def _arrow_bytes(name: str, _frame: pd.DataFrame) -> bytes:
    """A chart dataset as the Arrow bytes Streamlit sends, by the dataset's name: the charts
    name each dataset by a hash of its content, so the two charts of a view, which share
    their table, and a rerun of the same view convert it once."""
    return dataframe_util.convert_anything_to_arrow_bytes(_frame)


def browser_ready(spec: dict[str, Any], figures: int) -> dict[str, Any]:
    """The spec as the browser should draw it: its datasets as Arrow bytes (converted once,
    see `_arrow_bytes`); and past a few hundred figures, on a canvas and without a
    screen-reader label per mark, which made the browser take seconds longer to show a big
    view's chart. The charts' own text (titles, key, axes, legend) is unchanged."""
    if spec.get("datasets"):
        spec = {
            **spec,
            "datasets": {
                name: frame if isinstance(frame, bytes) else _arrow_bytes(name, frame)
                for name, frame in spec["datasets"].items()
            },
        }
    if figures <= CANVAS_FROM_FIGURES:
        return spec
    config = dict(spec.get("config", {}))
    config["mark"] = {**config.get("mark", {}), "aria": False}
    return {**spec, "config": config, "usermeta": {"embedOptions": {"renderer": "canvas"}}}


def downloads(
    in_view: pd.DataFrame,
    view_conflicts: Sequence[Conflict],
    filters: ViewFilters,
    vocabulary: Vocabulary,
    loaded: Loaded,
    options: Mapping[str, Any],
) -> None:
    # figures/ui_downloads.py belongs to another session; until it lands, there are none.
    render = optional_hook("figures.ui_downloads", "render_downloads")
    if render is None:
        return
    section = st.expander(
        "Download these charts, the figures and a briefing note",
        key="downloads",
        on_change="rerun",
    )
    if not section.open:
        return
    with section:
        call_accepting(
            render,
            in_view,
            view_conflicts,
            filters,
            vocabulary,
            reporters=list(loaded.reporters),
            chart_options={
                "color_by": options["color_by"],
                "log_scale": options["log_scale"],
                "highlight": options["highlight"],
            },
        )


def _finish_when_flagged(future: Future[Flags]) -> None:
    """Wait for the conflict engine, then run the page again with its flags.

    The wait updates a line of text every half second: each update lets Streamlit stop this
    run at once if the user changes a filter meanwhile.
    """
    status = st.empty()
    waited = 0.0
    while not future.done():
        status.caption(f"Checking for conflicts… {waited:.0f} s")
        try:
            future.result(timeout=0.5)
        except FutureTimeout:
            waited += 0.5
        except Exception:  # reported on the rerun, where the page shows the error
            break
    st.rerun()


def server_seconds() -> float | None:
    """How long the last run of the dashboard took on the server (for benchmarks)."""
    value = st.session_state.get(SERVER_SECONDS)
    return float(value) if value is not None else None


__all__ = ["data_path", "main", "server_seconds"]
