"""Helpers shared by the loader tests: load a CSV text, flatten its errors for comparison."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from figures.contract import FigureRow
from figures.errors import ValidationError
from figures.validation import LoadResult, load_bytes
from figures.vocabulary import Vocabulary, load_vocabulary

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent

# The seed dataset, frozen for tests (tests/data/seed/README.md): its 13 rows and the
# vocabularies the tests were written against, while data/ grows with real reporting.
SEED = Path(__file__).resolve().parent / "data" / "seed"
SEED_FIGURES = SEED / "figures.csv"
VOCABULARY: Vocabulary = load_vocabulary(SEED)

# The shipped file's header; tests that only need the required columns spell out their own.
HEADER = (
    "as_of,metric,group,qualifier,value,value_high,place,reported_by,affiliation,outlet,"
    "published,url,quote,notes"
)


def load(text: str | bytes) -> LoadResult:
    """Load CSV text (str is encoded as UTF-8) against the shipped vocabulary."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return load_bytes(raw, VOCABULARY)


def flat(errors: list[ValidationError]) -> list[list[object]]:
    """Errors as [[line, column, code], ...], the way frictionless' tests compare them."""
    return [[error.line, error.column, error.code] for error in errors]


def lines(result: LoadResult) -> list[int]:
    """The editor line of every row that loaded."""
    return [int(line) for line in result.rows["line"]]


def column(result: LoadResult, name: str) -> list[object]:
    """One column of the loaded rows as plain Python values (None for missing)."""
    return [None if pd.isna(value) else value for value in result.rows[name]]


def contract_row(record: dict[str, object]) -> FigureRow:
    """A loaded row (one record of `LoadResult.rows`) as the pydantic contract's model."""
    values = {key: None if _missing(value) else value for key, value in record.items()}
    published = values["published"]
    if isinstance(published, pd.Timestamp):
        values["published"] = published.date()
    return FigureRow.model_validate(values)


def _missing(value: object) -> bool:
    return value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value))


def app_test(**params: str | list[str]) -> AppTest:
    """The dashboard (app.py) in AppTest with these query parameters, not yet run, on the file
    FIGURES_DATA names (the `data_file` fixture sets it).

    Its session holds what a browser reports once it has drawn the chart (the state of
    figures/ui/first_paint.py's component; AppTest runs no JavaScript), so its first run
    draws the whole page, as every run after a browser's first does. The first paint itself
    is tested on its own (test_first_paint.py)."""
    from streamlit.testing.v1 import AppTest

    from figures.ui.keys import CHART_DRAWN

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[CHART_DRAWN] = {"drawn": True}
    for key, value in params.items():
        at.query_params[key] = value
    return at


def app(**params: str | list[str]) -> AppTest:
    """The dashboard run once (see `app_test`)."""
    return app_test(**params).run()


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail the test (SIGALRM, main thread only) rather than hang the suite when the block takes
    longer than `seconds`."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
