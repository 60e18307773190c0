"""From a quote to its candidate figures, most likely first.

`parse_quote` finds the numbers (`scan`), pairs range ends ("between 30 and 34 million"),
reads the bound phrases around each figure, and ranks: a figure next to a people noun or a
bound phrase ranks above a bare number, a sub-count ("including 102 children") after its
total, the start of a change ("rose from 5 to 9") after its end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from figures.quotes.candidate import Candidate
from figures.quotes.numerals import normalise
from figures.quotes.scan import Mention, Scanner
from figures.quotes.tables import Tables, load_tables
from figures.quotes.words import WordReader
from figures.validation.rules import MAX_VALUE

# Characters between two range ends that may hold a joiner ("to", " - ", " et ").
_JOIN_REACH = 12
# How far around a figure a people noun or a sub-count word is looked for.
_PEOPLE_NEXT = 24
_PEOPLE_AFTER = 56
_PEOPLE_BEFORE = 64
_PART_BEFORE = 120
_SENTENCE_BREAK = re.compile(r"[.;:!?]")
# A loose bound: a bound word a few words before the number, not next to it.
_LOOSE_BEFORE = 40
# Punctuation or a digit between a loose bound and its number: the bound belongs elsewhere.
_CLAUSE_BREAK = re.compile(r"[,.;:!?()\"\d]")
# A bare count that is a multiple of this may be a round estimate (`about`, ranked last).
_ROUND = 1000


@dataclass
class Figure:
    """One proposed figure while it is being ranked."""

    low: Mention
    high: Mention | None = None
    qualifier: str = "exact"
    start: int = 0
    end: int = 0
    score: float = 0.0
    bounded: bool = False
    notes: list[str] = field(default_factory=list)

    def candidate(self) -> Candidate:
        high = _whole(self.high.value) if self.high else None
        return Candidate(
            value=_whole(self.low.value),
            value_high=high,
            qualifier=self.qualifier,
            start=self.start,
            end=self.end,
            vague=self.low.vague,
        )


def _whole(value: Decimal) -> int:
    # to_integral_value, not quantize: quantize fails past Decimal's 28-digit precision.
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


@cache
def _reader() -> tuple[Tables, Scanner]:
    tables = load_tables()
    return tables, Scanner(tables, WordReader(tables))


class _Quote:
    """One quote being read: its normalised and reversed text and the tables."""

    def __init__(self, text: str, tables: Tables, scanner: Scanner) -> None:
        self.original = text
        self.text = normalise(text)
        self.rev = self.text[::-1]
        self.tables = tables
        self.scanner = scanner

    def before(self, kind: str, position: int) -> tuple[str, int] | None:
        """The phrase of `kind` ending right before `position`: (its value, its start)."""
        phrases = self.tables.get(kind)
        match = phrases.before.match(self.rev, len(self.text) - position)
        if match is None:
            return None
        start = len(self.text) - match.end(1)
        return phrases.value(self.text[start : len(self.text) - match.start(1)]), start

    def after(self, kind: str, position: int) -> tuple[str, int] | None:
        """The phrase of `kind` starting right after `position`: (its value, its end)."""
        phrases = self.tables.get(kind)
        match = phrases.after.match(self.text, position)
        if match is None:
            return None
        return phrases.value(match.group(1)), match.end(1)

    def near(self, kind: str, start: int, end: int) -> bool:
        """Whether a phrase of `kind` starts between `start` and `end`."""
        return self.tables.get(kind).anywhere.search(self.text, max(0, start), end) is not None

    def figures(self) -> list[Figure]:
        mentions = self.scanner.mentions(self.text, self.original)
        figures: list[Figure] = []
        index = 0
        while index < len(mentions):
            mention = mentions[index]
            following = mentions[index + 1] if index + 1 < len(mentions) else None
            pair = self._range(mention, following) if following else None
            if pair is not None:
                figures.extend(pair)
                index += 2
            else:
                figures.append(self._single(mention))
                index += 1
        return figures

    def _range(self, low: Mention, high: Mention) -> list[Figure] | None:
        """ "5 to 6", "between 30 and 34 million"; "rose from 5 to 9" gives 9, then 5."""
        if low.vague or high.vague or high.start - low.end > _JOIN_REACH:
            return None
        gap = self.text[low.end : high.start].strip()
        joins = self.tables.get("range_join").values
        join = joins.get(" ".join(gap.split()))
        if join is None:
            return None
        opener = self.before("range_open", low.start)
        if join == "pair" and (opener is None or opener[0] != "pair"):
            return None
        if opener and self.before("change", opener[1]):
            change_to = self._single(high)
            change_from = self._single(low)
            change_from.score -= 3
            change_from.notes.append("start of a change")
            return [change_to, change_from]
        low = _share_multiplier(low, high)
        if low.value >= high.value:
            return None
        start = opener[1] if opener else low.start
        figure = Figure(low, high, "range", start, high.end)
        self._score(figure)
        figure.score += 1
        return [figure]

    def _single(self, mention: Mention) -> Figure:
        figure = Figure(mention, None, "exact", mention.start, mention.end)
        if mention.vague:
            self._vague_bound(figure)
        else:
            self._bound(figure)
        self._score(figure)
        return figure

    def _vague_bound(self, figure: Figure) -> None:
        """ "thousands" is at least 2000; "tout au plus quelques centaines" is up to 200; and
        "не больше тысячи", a bound before a word that is also a multiplier, is up to 1000."""
        figure.qualifier = "at_least"
        before = self.before("before", figure.start)
        if before is None:
            return
        figure.qualifier, figure.start = before
        figure.bounded = True
        words = " ".join(self.text[figure.low.start : figure.low.end].split())
        factor = self.tables.numeric["multiplier"].get(words)
        if factor is not None:
            low = figure.low
            figure.low = Mention(low.start, low.end, factor, factor, vague=False, digits=False)

    def _bound(self, figure: Figure) -> None:
        before = self.before("before", figure.start)
        if before and self._change_to(before[1], figure.start):
            before = None
        after = self.after("after", figure.end)
        if before:
            figure.qualifier, figure.start = before
        elif after:
            figure.qualifier, figure.end = after
        # Words that frame the figure ("a total of", "more than") mark it as the one reported.
        figure.bounded = bool(before or after)

    def _change_to(self, start: int, end: int) -> bool:
        """Whether the bound word at `start`..`end` is a change's "to": "возросло до 47 115".

        A word that both bounds ("до", up to) and joins a range ("от 5 до 9") means "to" right
        after a change verb; the figure is what the change reached, unbounded. A real bound
        after the change ("opgelopen tot bijna 110 miljoen") is kept.
        """
        words = " ".join(self.text[start:end].split())
        if self.tables.get("range_join").values.get(words) != "span":
            return False
        return self.before("change", start) is not None

    def _score(self, figure: Figure) -> None:
        start, end = figure.start, figure.end
        if figure.bounded or figure.low.vague:
            figure.score += 2
        # A people noun right after the number says most ("311 civilians"); one further on,
        # or a displacement word before ("displaced over 1.2 million"), says less.
        if self.near("people", end, end + _PEOPLE_NEXT):
            figure.score += 3
        elif self.near("people", end, end + _PEOPLE_AFTER):
            figure.score += 1.5
        if self.near("people", start - _PEOPLE_BEFORE, start):
            figure.score += 1.5
        if self._in_part(start):
            figure.score -= 4
            figure.notes.append("sub-count")
        if figure.low.value >= 100 or figure.low.multiplier:
            figure.score += 1
        if not figure.low.digits and figure.low.value < 10:
            figure.score -= 0.5

    def _in_part(self, start: int) -> bool:
        """Whether the figure follows "including", "of whom" in its clause (a sub-count)."""
        window = max(0, start - _PART_BEFORE)
        matches = list(self.tables.get("part").anywhere.finditer(self.text, window, start))
        if not matches:
            return False
        return not _SENTENCE_BREAK.search(self.text, matches[-1].end(1), start)

    def loose_bounds(self, figures: list[Figure]) -> list[Figure]:
        """A bound word a few words before an unbounded number ("talking about the 10,000")."""
        loose = []
        for figure in figures:
            if figure.qualifier != "exact" or figure.high is not None:
                continue
            found = self.tables.get("before").anywhere.search(
                self.text, max(0, figure.start - _LOOSE_BEFORE), figure.start
            )
            if found is None or _CLAUSE_BREAK.search(self.text, found.end(1), figure.start):
                continue
            qualifier = self.tables.get("before").value(found.group(1))
            extra = Figure(figure.low, None, qualifier, found.start(1), figure.end, -10)
            loose.append(extra)
        return loose

    def single_parts(self) -> list[Figure]:
        """ "darunter ein Kind, und elf Verletzte": in a sub-count, "one" or "a" before a single
        word that ends the item counts that word, 1. Ranked as a sub-count, after its total."""
        ones = [w for w, v in self.tables.numeric["weak_number"].items() if v == 1]
        if not ones:
            return []
        one = _alternation_of(ones)
        item = re.compile(rf"[^\S\n]+({one})[^\S\n]+[^\W\d_]+{_ITEM_END}")
        found = []
        for part in self.tables.get("part").anywhere.finditer(self.text):
            match = item.match(self.text, part.end(1))
            if match is None:
                continue
            mention = Mention(match.start(1), match.end(1), Decimal(1), digits=False)
            figure = Figure(mention, None, "exact", mention.start, match.end(1))
            self._score(figure)
            found.append(figure)
        return found

    def zero(self) -> list[Figure]:
        """ "No foreign forces", "are not deployed": 0, when the quote has no number at all."""
        found = self.tables.get("zero").anywhere.search(self.text)
        if found is None:
            return []
        zero = Mention(found.start(1), found.end(1), Decimal(0), digits=False)
        return [Figure(zero, None, "exact", zero.start, zero.end)]


# The end of an item in a list: a comma, a clause's end, or "and" before the next item.
_ITEM_END = r"(?=[^\S\n]*(?:[,;.)]|$)|[^\S\n]+(?:and|und|et|и|і|e|y|ve|og|en)(?!\w))"


def _alternation_of(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _share_multiplier(low: Mention, high: Mention) -> Mention:
    """ "between 30 and 34 million": the low end takes the high end's multiplier."""
    if low.multiplier is None and high.multiplier is not None:
        shared = low.value * high.multiplier
        if shared <= high.value:
            return Mention(low.start, low.end, shared, high.multiplier, low.vague, low.digits)
    return low


def _round_abouts(figures: list[Figure]) -> list[Figure]:
    """A bare round thousand ("120,000", "85 mila") may be an estimate given as one.

    The contract records "a round figure given as one" as `about`; whether it is one is the
    analyst's reading, so `about` is proposed after every other candidate, never instead of
    `exact` (the labelled quotes label a bare round number `exact`).
    """
    extra = []
    for figure in figures:
        value = figure.low.value
        if (
            figure.qualifier == "exact"
            and figure.high is None
            and not figure.low.vague
            and _ROUND <= value <= MAX_VALUE  # past it, % fails on Decimal's precision
            and value % _ROUND == 0
        ):
            extra.append(Figure(figure.low, None, "about", figure.start, figure.end, -20))
    return extra


def parse_quote(text: str) -> list[Candidate]:
    """The figures `text` may give, most likely first; [] when it gives none."""
    tables, scanner = _reader()
    quote = _Quote(text, tables, scanner)
    figures = quote.figures()
    figures += quote.single_parts()
    if not figures:
        figures = quote.zero()
    ranked = sorted(figures, key=lambda f: (-f.score, f.start))
    figures = ranked + quote.loose_bounds(figures) + _round_abouts(ranked)
    seen: set[tuple[int, int | None, str | None]] = set()
    candidates = []
    for figure in figures:
        if figure.low.value > MAX_VALUE:
            continue  # past the contract's largest count: a serial number, not people
        candidate = figure.candidate()
        if candidate.key() not in seen:
            seen.add(candidate.key())
            candidates.append(candidate)
    return candidates
