"""How the pages word things: the title, Markdown escaping, dates, figures and counts.

Two rules for text that comes from outside the program (a data cell, a vocabulary word, a
query value, an error message, a file path):
- it reaches Streamlit's Markdown (st.markdown, st.caption, st.info/warning/error/success,
  labels, help texts) only through `md`, which shows it as typed: no link, no image, no
  emphasis, no maths; widgets whose options Streamlit draws as plain text (selectbox,
  multiselect) and st.text/st.code take it as it is;
- it reaches a table (st.dataframe, whose toolbar downloads CSV and whose cells can be copied
  into a spreadsheet) only through `table_cells`, the exports' own formula escaper.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, cast

import pandas as pd

from figures.cells import escape_formula, is_url
from figures.dataset import GENERIC_DESCRIPTION, GENERIC_TITLE, ROOT
from figures.wording import date_text, value_as_written

# The product's own words; a dataset's page takes its title and introduction from its
# datapackage.json (Vocabulary.about), so no crisis is named here.
TITLE = GENERIC_TITLE
BRIEFING_TITLE = f"Briefing · {TITLE}"
GUIDE_TITLE = f"Adding figures · {TITLE}"
DESCRIPTION = GENERIC_DESCRIPTION
# The analysts' guide, shown in the app (Streamlit serves no files from the repository).
GUIDE = ROOT / "docs" / "adding-figures.md"

# Every character Markdown (CommonMark, GFM, Streamlit's directives) gives a meaning: `.` keeps
# a bare address or e-mail from becoming a link, `:` an emoji, icon or colour directive.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=&])")


# GFM turns bare addresses into links after escapes are resolved ("https\://a\.b" is still
# one), so escaping cannot stop it: an invisible WORD JOINER after "https:", "www" or "@"
# leaves no address for it to find, and the text reads the same.
_AUTOLINK_STARTS = re.compile(r"(?i)([a-z][a-z0-9+.-]*:(?=//)|\bwww(?=\.)|@)")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """Text shown as-is inside Markdown: no link, image, emphasis, directive or $-maths from
    the data or the address bar, and no bare address made a link. The one escaper for
    Streamlit's Markdown."""
    unlinked = _AUTOLINK_STARTS.sub(lambda found: found.group(1) + WORD_JOINER, str(text))
    return _MARKDOWN_SPECIALS.sub(r"\\\1", unlinked)


def is_link(url: str) -> bool:
    """Whether a source address may be shown as a link: the checker's URL rule
    (figures.cells), so a cell could never hold `javascript:` or break out of the link."""
    return is_url(url)


def table_cells(values: Iterable[object]) -> list[str]:
    """Text cells for st.dataframe, as safe as the CSV export: Streamlit's own "Download as
    CSV" and a copy to the clipboard hand the cells over as shown, so formula-like text is
    shown behind the exports' apostrophe (figures.cells.escape_formula)."""
    return [escape_formula("" if _missing(value) else str(value)) for value in values]


def _missing(value: object) -> bool:
    # cast: pandas-stubs' pd.isna has no overload for `object`, though it takes any cell
    # value and gives a bool for a scalar one.
    return value is None or (not isinstance(value, str) and bool(pd.isna(cast(Any, value))))


def day_text(moment: dt.date | None, with_time: bool = False) -> str:
    """'25 Sep 2023' (with ', 14:00' when the source gave the hour); '' for no date: the
    words are figures.wording's, a missing date left blank in the page's tables."""
    return date_text(moment, with_time, missing="")


def written(row: Mapping[Hashable, Any]) -> str:
    """A row's figure as its source worded it: 'more than 100,000'."""
    high = row["value_high"]
    return value_as_written(
        str(row["qualifier"]), int(row["value"]), None if pd.isna(high) else int(high)
    )
