"""Numbers written in words: "four", "deux millions", "one hundred thousand", "duemila".

A run of number words (found by `Tables.number_word`) is read left to right the usual way:
small numbers add up within a group, "hundred" multiplies the group, a larger multiplier
closes it. The run stops at the first word that cannot continue the number ("five six" is
two numbers, not eleven), so "between five and six" reads five, then six.

Units written before their tens inside one word, joined by the language's "and" (German
"einundzwanzig", Dutch "eenentwintig"), are read as the tens and then the units. A word that
is also an article or a common word ("one", "due", "один") counts as the units of a number
only when joined to its tens: by a hyphen or "and" ("twenty-one", "vingt et un"), glued
("trentadue"), or, in languages that write it so, after a space ("двадцать один", "yirmi
bir": the table kind `spaced_unit`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from figures.quotes.tables import Tables

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class WordNumber:
    start: int
    end: int
    value: Decimal
    multiplier: Decimal | None  # the last multiplier read ("thirty-four million" -> 10**6)


@dataclass
class _Reading:
    """The number read so far in a run of words."""

    total: Decimal = Decimal(0)
    group: Decimal = Decimal(0)
    last_big: Decimal | None = None
    multiplier: Decimal | None = None
    strong: bool = False  # a word that is a number on its own has been read

    @property
    def value(self) -> Decimal:
        return self.total + self.group

    def add(self, value: Decimal, weak: bool) -> bool:
        if self.group and not _fits(self.group, value):
            return False
        self.group += value
        self.strong = self.strong or not weak
        return True

    def multiply(self, factor: Decimal) -> bool:
        base = self.group or Decimal(1)
        if factor < 1000:  # "hundred" multiplies the group: "five hundred", "fifteen hundred"
            if base >= HUNDRED:
                return False
            self.group = base * factor
        else:
            if self.last_big is not None and base * factor >= self.last_big:
                return False
            self.total += base * factor
            self.group = Decimal(0)
            self.last_big = factor
        self.multiplier = factor
        self.strong = True
        return True


def _fits(group: Decimal, value: Decimal) -> bool:
    """Whether `value` can follow `group` in one number: 20 + 5, 100 + 40, not 5 + 6 or 15 + 5.

    French counts in twenties: soixante-dix (60 + 10), quatre-vingt-treize (80 + 13).
    """
    if group % 1:
        return False
    place = 1
    while group % (place * 10) == 0:
        place *= 10
    if value < place:
        return True
    return group in (60, 80) and value < 20


_KINDS = ("number", "weak_number", "multiplier")


class WordReader:
    """Reads runs of number words with one set of tables; remembers how it split each word."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.kinds: dict[str, str] = {}
        for kind in _KINDS:
            for phrase in tables.numeric[kind]:
                self.kinds.setdefault(phrase, kind)
        self.connectors = frozenset(tables.get("connector").values)
        for phrase in self.connectors:
            self.kinds.setdefault(phrase, "connector")
        self.spaced_units = frozenset(tables.get("spaced_unit").values)
        self.phrases = sorted((p for p in self.kinds if " " in p), key=len, reverse=True)
        self._tiles: dict[str, tuple[tuple[str, str], ...] | None] = {}

    def tile(self, word: str) -> tuple[tuple[str, str], ...] | None:
        """`word` split into number words ("zweihunderttausend" -> zwei, hundert, tausend)."""
        if word in self._tiles:
            return self._tiles[word]
        found = None
        for size in range(len(word), 0, -1):
            kind = self.kinds.get(word[:size])
            if kind is None:
                continue
            rest = () if size == len(word) else self.tile(word[size:])
            if rest is not None:
                found = ((kind, word[:size]), *rest)
                break
        if found is not None and len(found) > 1:
            found = self._tens_first(found) if self._one_language(found) else None
        self._tiles[word] = found
        return found

    def _tens_first(self, tiles: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        """ "ein", "und", "zwanzig" as "zwanzig", "und", "ein": units before their tens."""
        numeric = self.tables.numeric
        ordered = list(tiles)
        for index in range(len(ordered) - 2):
            (unit_kind, unit), (joint_kind, joint), (tens_kind, tens) = ordered[index : index + 3]
            # Dutch "en" is also Norwegian "one": between units and tens it is the "and".
            if joint_kind != "connector" and joint not in self.connectors:
                continue
            if unit_kind not in ("number", "weak_number") or tens_kind != "number":
                continue
            if 1 <= numeric[unit_kind][unit] <= 9 and numeric["number"][tens] in _TENS:
                ordered[index : index + 3] = [
                    ordered[index + 2],
                    ("connector", joint),
                    ordered[index],
                ]
        return tuple(ordered)

    def _one_language(self, tiles: tuple[tuple[str, str], ...]) -> bool:
        common = None
        for _, tile in tiles:
            languages = self.tables.languages.get(tile, frozenset())
            common = languages if common is None else common & languages
        return bool(common)

    def pieces(self, run: str) -> list[tuple[str, str, int]]:
        """(kind, word, end offset in run) of each number word; a table phrase stays whole."""
        pieces: list[tuple[str, str, int]] = []
        position = 0
        for phrase in self.phrases:
            if run.startswith(phrase):
                pieces.append((self.kinds[phrase], phrase, len(phrase)))
                position = len(phrase)
                break
        for match in _WORD.finditer(run, position):
            found = self._chunk_pieces(match.group(), match.start())
            if found is None:
                break
            pieces.extend(found)
        return pieces

    def _chunk_pieces(self, chunk: str, offset: int) -> list[tuple[str, str, int]] | None:
        """The pieces of one hyphenated chunk: "quatre-vingt-dix" is 80 + 10, not 4, 20, 10."""
        parts = chunk.split("-")
        ends = []
        position = offset
        for part in parts:
            position += len(part)
            ends.append(position)
            position += 1
        pieces: list[tuple[str, str, int]] = []
        index = 0
        while index < len(parts):
            for stop in range(len(parts), index, -1):
                joined = "-".join(parts[index:stop])
                if joined in self.kinds:
                    pieces.append((self.kinds[joined], joined, ends[stop - 1]))
                    index = stop
                    break
            else:
                tiles = self.tile(parts[index])
                if tiles is None:
                    return pieces or None
                pieces.extend((kind, word, ends[index]) for kind, word in tiles)
                index += 1
        return pieces

    def read(self, run: str, start: int) -> WordNumber | None:
        """The number at the start of a run, or None ("one" or "a" on their own)."""
        reading = _Reading()
        end = None
        numeric = self.tables.numeric
        pieces = self.pieces(run)
        for index, (kind, word, word_end) in enumerate(pieces):
            if kind == "connector":
                continue
            if (
                kind == "weak_number"
                and not _multiplier_follows(pieces, index)
                and not (reading.group and _joined(run, pieces, index))
                and not (reading.group % 100 in _TENS and word in self.spaced_units)
            ):
                # "one", "a", "en" count only before a multiplier ("a thousand") or as the
                # units of a number joined to them ("twenty-one", "vingt et un",
                # "двадцать один").
                break
            if kind == "multiplier":
                accepted = reading.multiply(numeric["multiplier"][word])
            else:
                accepted = reading.add(numeric[kind][word], weak=kind == "weak_number")
            if not accepted:
                break
            if reading.strong:
                end = word_end
        if end is None:
            return None
        return WordNumber(start, start + end, reading.value, reading.multiplier)


_TENS = frozenset(Decimal(tens) for tens in range(20, 100, 10))
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


def _multiplier_follows(pieces: list[tuple[str, str, int]], index: int) -> bool:
    for kind, _, _ in pieces[index + 1 :]:
        if kind != "connector":
            return kind == "multiplier"
    return False


def _joined(run: str, pieces: list[tuple[str, str, int]], index: int) -> bool:
    """Whether piece `index` is joined to the one before by a hyphen or a connector, or glued
    to it in one word (pieces of one word share its end)."""
    if index and pieces[index - 1][0] == "connector":
        return True
    _, word, end = pieces[index]
    if index and pieces[index - 1][2] == end:
        return True
    start = end - len(word)
    return start > 0 and run[start - 1] == "-"
