"""How the pages word things: the title, Markdown escaping, dates, figures and counts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from figures.dataset import GENERIC_DESCRIPTION, GENERIC_TITLE, ROOT
from figures.wording import value_as_written

# The product's own words; a dataset's page takes its title and introduction from its
# datapackage.json (Vocabulary.about), so no crisis is named here.
TITLE = GENERIC_TITLE
BRIEFING_TITLE = f"Briefing · {TITLE}"
GUIDE_TITLE = f"Adding figures · {TITLE}"
DESCRIPTION = GENERIC_DESCRIPTION
# The analysts' guide, shown in the app (Streamlit serves no files from the repository).
GUIDE = ROOT / "docs" / "adding-figures.md"

# Only these addresses become links: a data cell could hold `javascript:` or worse.
_URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")


def md(text: object) -> str:
    """Text shown as-is inside Markdown: no stray emphasis, links or $-maths from the data."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def is_link(url: str) -> bool:
    """Whether a source address may be shown as a link (http or https, no spaces)."""
    return bool(_URL_RE.match(url))


def day_text(moment: object, with_time: bool = False) -> str:
    """'25 Sep 2023' (with ', 14:00' when the source gave the hour); '' for no date."""
    if moment is None or pd.isna(moment):
        return ""
    stamp = pd.Timestamp(moment)
    text = f"{stamp.day} {stamp:%b %Y}"
    return f"{text}, {stamp:%H:%M}" if with_time else text


def written(row: Mapping[str, Any]) -> str:
    """A row's figure as its source worded it: 'more than 100,000'."""
    high = row["value_high"]
    return value_as_written(
        str(row["qualifier"]), int(row["value"]), None if pd.isna(high) else int(high)
    )


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"
