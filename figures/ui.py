"""Streamlit glue: the only module of the package that imports Streamlit."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from figures.validation import LoadResult, load_figures

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "figures.csv"


def data_path() -> Path:
    return Path(os.environ.get("FIGURES_DATA", DEFAULT_DATA))


@st.cache_data(show_spinner=False, max_entries=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> LoadResult:
    # mtime and size are the cache key: an edited file reloads, an unchanged one never re-parses.
    return load_figures(path)


def load(path: Path) -> LoadResult:
    try:
        stat = path.stat()
    except OSError:
        return load_figures(path)
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


def main() -> None:
    st.set_page_config(page_title="Reported refugee-flow figures", layout="wide")
    st.title("Reported refugee-flow figures")
    path = data_path()
    result = load(path)
    st.caption(f"{len(result.rows)} valid figures from {path.name}")
    st.dataframe(result.rows, hide_index=True)
    if result.errors:
        st.subheader("Rows that failed the contract")
        st.dataframe(pd.DataFrame([error.to_dict() for error in result.errors]), hide_index=True)
