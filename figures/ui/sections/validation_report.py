"""The rows that failed the data contract, as the checker words them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from figures.ui.text import md, table_cells
from figures.validation import LoadResult
from figures.wording import plural

MAX_ERRORS_LISTED = 2_000


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
                # A header cell or a value quoted in a message is the file's text.
                "Column": table_cells(error.column for error in shown),
                "Problem": table_cells(error.message for error in shown),
            }
        ),
        hide_index=True,
        column_config={"Problem": st.column_config.TextColumn(width="large")},
    )
    if len(errors) > MAX_ERRORS_LISTED:
        st.caption(f"The first {MAX_ERRORS_LISTED:,} of {len(errors):,} problems.")
