"""The url column in bulk: plain addresses told from their bytes, the rest by the URL rule."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from figures.validation.arrow_text import TextChunk, rows_of, text_chunks
from figures.validation.collector import Collector, apply_rule
from figures.validation.rules import check_url


def check_urls(series: pd.Series, collector: Collector) -> None:
    plain = plain_urls(series)
    if plain is None:  # not plain arrow text: a regular expression tells the same
        plain = series.str.fullmatch(PLAIN_URL_RE).to_numpy(dtype=bool)
    rest = np.flatnonzero(series.ne("").to_numpy(dtype=bool) & ~plain)
    if len(rest):
        apply_rule(rows_of(series, rest), check_url, "url", collector, positions=rest)


# Plain printable-ASCII http(s) addresses: a subset of what check_url accepts, picked out in
# bulk; every other non-empty cell goes through check_url itself. Plain bytes are printable
# ASCII but for the quotes, angle brackets, backslash and brackets the URL rule looks at
# (brackets must pair up, which bytes alone cannot tell); the host starts with none of / ? #.
_PLAIN_BYTES = bytes(
    byte for byte in range(ord("!"), ord("~") + 1) if chr(byte) not in "\"'`<>\\()[]"
)
_HOST_BYTES = bytes(byte for byte in _PLAIN_BYTES if chr(byte) not in "/?#")
_PLAIN_BYTE = np.zeros(256, dtype=bool)
_PLAIN_BYTE[list(_PLAIN_BYTES)] = True


def _one_of(chars: bytes) -> str:
    return "[" + "".join(re.escape(chr(byte)) for byte in chars) + "]"


PLAIN_URL_RE = f"(?i)https?://{_one_of(_HOST_BYTES)}{_one_of(_PLAIN_BYTES)}*"


def plain_urls(series: pd.Series) -> np.ndarray | None:
    """Which cells are plain http(s) addresses, read off the arrow bytes (None: not arrow text).

    These are the ASCII cells PLAIN_URL_RE matches (its case folding also lets in a few
    non-ASCII letters, such as the long s for "s"; those go to check_url like any other
    cell). A regular expression per cell costs several times what these few comparisons on
    the bytes do: "http://" or "https://" in any case, then a byte that is not "/", "?" or
    "#", and no byte that is not a plain byte (see _PLAIN_BYTES) anywhere.
    """
    chunks = text_chunks(series)
    if chunks is None:
        return None
    return np.concatenate([_chunk_plain_urls(chunk) for chunk in chunks] or [np.empty(0, bool)])


def _chunk_plain_urls(chunk: TextChunk) -> np.ndarray:
    text, starts = chunk.text, chunk.starts
    lengths = chunk.ends - starts
    plain = np.zeros(len(starts), dtype=bool)
    rows = np.flatnonzero(lengths >= len("http://x"))
    if not len(rows):
        return plain
    begin = starts[rows]

    def at(step: int) -> np.ndarray:
        return text[begin + step]

    def letter(step: int, char: str) -> np.ndarray:  # either case: only 'X' | 0x20 == 'x'
        return at(step) | 0x20 == ord(char)

    http = letter(0, "h") & letter(1, "t") & letter(2, "t") & letter(3, "p")
    insecure = http & (at(4) == ord(":")) & (at(5) == ord("/")) & (at(6) == ord("/"))
    secure = http & letter(4, "s") & (at(5) == ord(":")) & (at(6) == ord("/"))
    secure &= (at(7) == ord("/")) & (lengths[rows] > len("https://"))
    host = text[np.where(secure, begin + 8, begin + 7)]
    plain[rows] = (insecure | secure) & (host != ord("/")) & (host != ord("?")) & (host != ord("#"))
    first = int(starts[0])  # a sliced chunk's buffer may begin with others' strings
    outside = np.flatnonzero(~_PLAIN_BYTE[text[first:]]) + first
    if len(outside):  # the strings holding a byte that is not plain
        plain[np.searchsorted(chunk.ends, outside, side="right")] = False
    return plain
