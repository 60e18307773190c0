"""Where the data is, loading it once per version of the file, and the conflict job.

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
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from figures import charts
from figures.conflicts import Conflict, ConflictSettings, conflicts_by_line, find_conflicts
from figures.dataset import DESCRIPTOR_FILE, default_data_path, figures_path
from figures.filters import NO_PLACE, FilterChoices, filter_choices
from figures.validation import LoadResult, load_figures
from figures.vocabulary import (
    SHIPPED_DATA_DIR,
    VOCABULARY_FILES,
    Vocabulary,
    vocabulary_dir_for,
    vocabulary_for,
)

# ---------------------------------------------------------------------------------------------
# Where the data is, and loading it.


def data_path(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """`--data PATH` after `streamlit run app.py --`, else FIGURES_DATA, else data/figures.csv;
    a folder or its datapackage.json names the dataset's figures file."""
    environ = os.environ if environ is None else environ
    if argv is None:
        # Only the command line `streamlit run app.py -- ...` is ours; under a test runner
        # sys.argv holds the runner's own options.
        argv = sys.argv[1:] if Path(sys.argv[0]).name == "app.py" else []
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data")
    known, _ = parser.parse_known_args(list(argv))
    if known.data:
        return figures_path(known.data)
    if environ.get("FIGURES_DATA"):
        return figures_path(environ["FIGURES_DATA"])
    return default_data_path()


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
    for name in (*VOCABULARY_FILES, DESCRIPTOR_FILE):
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
        affiliations=tuple(name for name in vocabulary.sides if name in sides),
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
def _load_cached(key: FileKey) -> Loaded:
    # The whole key (mtime, size and the vocabulary's stats with the path) is the cache key:
    # an edited file reloads, an unchanged one never re-parses.
    vocabulary = vocabulary_for(Path(key.path))
    result = load_figures(key.path, vocabulary)
    choices = choices_for(result.rows, vocabulary)
    return Loaded(result, vocabulary, choices, tuple(choices.reporters))


def load(path: Path) -> Loaded | LoadResult:
    """The loaded file, or a LoadResult holding only the file-level error that stopped it."""
    key = file_key(path)
    if key is None:
        return load_figures(path)  # the loader words the missing or unreadable file
    return _load_cached(key)


# ---------------------------------------------------------------------------------------------
# The conflict job.


@dataclass(frozen=True)
class Flags:
    conflicts: list[Conflict]
    by_line: dict[int, list[Conflict]]
    index: charts.ConflictIndex  # the same, as the charts look it up on every rerun


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


def _find_flags(rows: pd.DataFrame, vocabulary: Vocabulary, settings: ConflictSettings) -> Flags:
    conflicts = find_conflicts(rows, vocabulary, settings)
    index = charts.ConflictIndex.of(conflicts)
    # The words each flagged figure's tooltip gives on its conflicts: made here, on the
    # engine's thread, rather than a few thousand at a time on the reruns that draw them.
    for line in index.lines.tolist():
        index.text(line)
    return Flags(conflicts, conflicts_by_line(conflicts), index)


@st.cache_resource(show_spinner=False, max_entries=4)
def _flags_job(key: FileKey, settings: ConflictSettings) -> Future[Flags]:
    loaded = _load_cached(key)
    rows, vocabulary = loaded.result.rows, loaded.vocabulary
    return _start(lambda: _find_flags(rows, vocabulary, settings))


def flags_future(path: Path) -> Future[Flags] | None:
    """The conflict job of this version of the file, started if need be."""
    key = file_key(path)
    if key is None:
        return None
    _STARTED.add(key)
    return _flags_job(key, ConflictSettings())


def flags_started(path: Path) -> bool:
    """Whether this process has started the conflict job of this version of the file."""
    return file_key(path) in _STARTED


# Versions of files whose conflict job this process has started: only a hint for when to
# start one (see the dashboard page), so a stale entry (after a cache clear) costs nothing.
_STARTED: set[FileKey] = set()


def wait_for_flags(
    future: Future[Flags] | None, seconds: float
) -> tuple[Flags | None, BaseException | None]:
    """The flags if the job is done within `seconds`, else None; and the job's error, if it
    failed (a broken engine must not take the figures down with it)."""
    if future is None:
        return None, None
    try:
        return future.result(timeout=seconds), None
    except FutureTimeout:
        return None, None
    except Exception as exc:
        return None, exc


def finish_when_flagged(future: Future[Flags]) -> None:
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
