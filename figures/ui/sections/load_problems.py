"""Opening the data for a page, or saying in a sentence why it cannot be shown."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from figures.ui.state import Loaded, load
from figures.ui.text import DESCRIPTION, TITLE, md
from figures.validation import LoadResult
from figures.vocabulary import VocabularyError

LOG = logging.getLogger(__name__)


def load_or_explain(path: Path) -> Loaded | None:
    """The loaded file, or None once the page says why it cannot be shown.

    An empty file is a file with no figures yet: the page shows its empty state and the
    validation report says what the file needs. Other file-level errors stop the page.
    """
    try:
        loaded = load(path)
    except VocabularyError as exc:
        st.title(TITLE)
        problems = "\n".join(
            f"- {md(where.name)}, line {error.line}, {md(error.column or 'file')}: "
            f"{md(error.message)}"
            for where, error in exc.problems
        )
        st.error(f"The metric, group or place vocabulary cannot be read:\n\n{problems}")
        return None
    except Exception as exc:
        # A fault in the loader itself, not in the file: the file's problems come back as
        # data. Stakeholders get a sentence; the traceback goes to the server's log.
        LOG.exception("loading %s failed", path)
        st.title(TITLE)
        st.error(
            f"The figures file {md(path)} could not be loaded because of a fault in the "
            f"program ({md(type(exc).__name__)}: {md(exc)}). The server log has the details."
        )
        return None
    result = loaded if isinstance(loaded, LoadResult) else loaded.result
    if isinstance(loaded, LoadResult) or any(
        error.code != "empty-file" for error in result.file_errors
    ):
        stopped_by_file(path, result)
        return None
    return loaded


def stopped_by_file(path: Path, result: LoadResult) -> None:
    st.title(TITLE)
    st.caption(DESCRIPTION)
    messages = "\n".join(f"- {md(error.message)}" for error in result.file_errors)
    st.error(
        f"The figures file cannot be shown: {md(path)}\n\n{messages}\n\n"
        "Set the file with `streamlit run app.py -- --data PATH` or the FIGURES_DATA "
        "environment variable."
    )
