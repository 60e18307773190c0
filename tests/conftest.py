"""Fixtures every test gets, and the property tests' budget."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.support import SEED_FIGURES

# Property tests draw a bounded number of examples on every run, so the whole suite stays
# quick on a small machine; `pytest --hypothesis-profile=thorough` (or HYPOTHESIS_PROFILE=
# thorough) draws many more, for a change to the loader, the writer or the engine. No
# deadline: a shared machine's pauses are not the code's slowness.
settings.register_profile(
    "bounded", max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "bounded"))


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """Put `__main__` back after each test.

    Streamlit's AppTest runs a page as the `__main__` module and leaves it there; processes
    that later tests start with multiprocessing's "spawn" re-import `__main__`, and would run
    that page (or, for `AppTest.from_function`, a deleted temporary script) instead of pytest.
    """
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches() -> Iterator[None]:
    """Clear Streamlit's caches around each test that has loaded Streamlit: they live in the
    process and would carry one test's file into the next. Tests that never import Streamlit
    do not pay for importing it here."""
    streamlit = sys.modules.get("streamlit")
    if streamlit is not None:
        streamlit.cache_data.clear()
        streamlit.cache_resource.clear()
    yield
    streamlit = sys.modules.get("streamlit")
    if streamlit is not None:
        streamlit.cache_data.clear()
        streamlit.cache_resource.clear()


@pytest.fixture
def data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the 13 frozen seed rows that the app (FIGURES_DATA) reads. Modules testing
    another file define their own `data_file`."""
    target = tmp_path / "figures.csv"
    shutil.copy(SEED_FIGURES, target)
    monkeypatch.setenv("FIGURES_DATA", str(target))
    return target
