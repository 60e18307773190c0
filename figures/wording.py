"""The words the product prints about a figure, each written in one place.

Every printed word of a figure lives here: its value as written ('more than 100,000'), its
dates ('25 Sep 2023'), plurals, shares, short quotes and source labels. The machine formats
of the contract (ISO dates in the CSV) are `figures.contract`'s.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

QUOTE_CHARS = 160
NOT_GIVEN = "not given"


def day_text(moment: Any) -> str:
    """'30 Sep 2023': the date style of the conflict sentences and filter descriptions."""
    return f"{moment.day} {moment:%b %Y}"


def date_text(moment: Any, with_time: bool = False, missing: str = NOT_GIVEN) -> str:
    """'19 Sep 2023', or '26 Sep 2023, 20:00' `with_time`; `missing` for a missing date."""
    if moment is None or pd.isna(moment):
        return missing
    moment = pd.Timestamp(moment)
    text = day_text(moment)
    return f"{text}, {moment:%H:%M}" if with_time else text


def day_of_text(text: str) -> dt.date | None:
    """The day a date text names ('25 Sep 2023' or '25 Sep 2023, 14:30'), if it names one."""
    try:
        return dt.datetime.strptime(text.split(",")[0].strip(), "%d %b %Y").date()
    except ValueError:
        return None


def date_texts(
    moments: pd.Series, with_time: np.ndarray | None = None, missing: str = NOT_GIVEN
) -> np.ndarray:
    """'19 Sep 2023' (or '26 Sep 2023, 20:00' where `with_time`) for each moment, column-wise;
    `missing` where there is none."""
    stamps = pd.to_datetime(moments).to_numpy("datetime64[ns]")
    timed = np.zeros(len(stamps), bool) if with_time is None else np.asarray(with_time, bool)
    absent = np.isnat(stamps)
    # Few distinct dates in many rows: format each distinct (minute, timed) once. Two bits
    # of key per minute: even without the time of day, odd with it.
    minutes = np.where(absent, 0, stamps.view(np.int64) // 60_000_000_000)
    keys, codes = np.unique(minutes * 2 + timed, return_inverse=True)
    texts = np.array([_minute_text(key) for key in keys.tolist()], dtype=object)
    out = texts[codes.reshape(-1)] if len(keys) else np.array([], dtype=object)
    out[absent] = missing
    return out


@lru_cache(maxsize=1 << 16)
def _minute_text(key: int) -> str:
    """`date_text` of a minute since the epoch (key // 2), with its time if key is odd: the
    same few thousand minutes recur in every view of a file."""
    return date_text(pd.Timestamp(int(key // 2) * 60_000_000_000), bool(key % 2))


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 figure', '13 figures', '1,200 figures'; `many` for an irregular plural."""
    return f"{count:,} {word_for(count, word, many)}"


def word_for(count: int, word: str, many: str | None = None) -> str:
    """The word as it goes with `count`: 'line' for one, 'lines' for more (or none)."""
    return word if count == 1 else (many or f"{word}s")


def percent(share: float) -> str:
    """'10%' for 0.1."""
    return f"{share * 100:g}%"


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """Text cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def source_label(reporter: str, outlet: str, day: str) -> str:
    """'Ana Lind (AFP, 30 Sep 2023)', the style of the conflict sentences: the outlet
    where it is not the reporter, and the day when there is one."""
    where = [outlet] if outlet and outlet != reporter else []
    if day:
        where.append(day)
    return f"{reporter} ({', '.join(where)})" if where else reporter


def _grouped(number: int) -> str:
    return f"{number:,}"


def value_as_written(qualifier: str, value: int, value_high: int | None = None) -> str:
    """The figure in words, the way a briefing would quote it: 'more than 100,000'."""
    number = _grouped(value)
    match qualifier:
        case "about":
            return f"about {number}"
        case "more_than":
            return f"more than {number}"
        case "at_least":
            return f"at least {number}"
        case "up_to":
            return f"up to {number}"
        case "less_than":
            return f"less than {number}"
        case "range":
            high = _grouped(value_high) if value_high is not None else "?"
            return f"{number} to {high}"
        case _:
            return number
