"""Fixtures every test gets."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


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
