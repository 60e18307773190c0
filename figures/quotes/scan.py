"""Finding the numbers of a quote: digits with their multiplier, number words, vague plurals.

Dates, times, years, percentages, money and lengths are set aside here, so no later step can
turn "26 September", "8:00", "in 2015" or "80%" into a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from figures.quotes.numerals import DigitNumber, find_digit_numbers
from figures.quotes.tables import Tables, is_word_char
from figures.quotes.words import WordReader

_NUMERIC_DATE = re.compile(r"(?<![\d.,])(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{4}-\d\d)(?![\d])")
_TIME_AFTER = re.compile(r"[:h]\d\d(?!\d)")
_TIME_BEFORE = re.compile(r"\d[:h]$")
# Between a day and its month: "26th", "1er", "26-го", "26.", "26 of", "26 de".
_DAY_LINK = re.compile(r"(?:st|nd|rd|th|er|e|-?го|-?е|\.|[^\S\n]+of|[^\S\n]+de|[^\S\n]+di)?")
_PREVIOUS_WORD = re.compile(r"([^\W\d_]+)\.?[^\S\n]*$")
YEARS = range(1900, 2101)


@dataclass(frozen=True)
class Mention:
    """One number of the quote as read: `end` includes its multiplier."""

    start: int
    end: int
    value: Decimal
    multiplier: Decimal | None = None
    vague: bool = False
    digits: bool = True


class Scanner:
    """Finds the mentions of a number in one normalised quote."""

    def __init__(self, tables: Tables, reader: WordReader) -> None:
        self.tables = tables
        self.reader = reader

    def mentions(self, text: str, original: str) -> list[Mention]:
        """Every number and vague plural that may be a count, left to right."""
        rev = text[::-1]
        dates = [m.span() for m in _NUMERIC_DATE.finditer(text)]
        found: list[Mention] = []
        taken: list[tuple[int, int]] = list(dates)
        for number in find_digit_numbers(text):
            if _overlaps(number.start, number.end, dates):
                continue
            mention = self._digit_mention(number, text)
            end = mention.end if mention else number.end
            if mention:
                end = max(end, self._not_count_end(mention, text, rev) or end)
            taken.append((number.start, end))
            if mention and self._is_count(mention, text, rev, original, number):
                found.append(mention)
        vague = [m for m in self._vague(text) if not _overlaps(m.start, m.end, taken)]
        months = self.tables.get("month").anywhere.finditer(text)
        taken.extend(m.span() for m in months)  # "Sept." and "mai" are months, not numbers
        words = self._words(text, rev, taken)
        found.extend(_longest(vague, words))
        found.sort(key=lambda m: m.start)
        return _compounds(found, text, self.tables)

    def _digit_mention(self, number: DigitNumber, text: str) -> Mention | None:
        """The number with the multiplier after it; None for a fraction with none (3.5 km)."""
        tables = self.tables
        ordinal = tables.get("ordinal").after.match(text, number.end)
        if ordinal and ordinal.start(1) == number.end:
            return None  # "26th", "1er", "26-го"
        suffix = tables.get("suffix").after.match(text, number.end)
        if suffix and suffix.start(1) == number.end:
            factor = tables.numeric["suffix"][suffix.group(1)]
            return Mention(number.start, suffix.end(1), number.value * factor, factor)
        word = tables.multiplier_glued.match(text, number.end)
        if word and self._word_ends(text, word.end(1)):
            factor = tables.numeric["multiplier"][" ".join(word.group(1).split())]
            value, end = number.value * factor, word.end(1)
            half = tables.get("half").after.match(text, end)
            if half:  # "6 millones y medio"
                value, end = value + factor / 2, half.end(1)
            return Mention(number.start, end, value, factor)
        if number.value != number.value.to_integral_value():  # % 1 overflows 28 digits
            return None
        return Mention(number.start, number.end, number.value)

    def _word_ends(self, text: str, end: int) -> bool:
        """A multiplier ends its word, or a glued bound follows ("mindən çox": min + dən çox)."""
        if end >= len(text) or not is_word_char(text[end]):
            return True
        return self.tables.get("after").after.match(text, end) is not None

    def _is_count(
        self, mention: Mention, text: str, rev: str, original: str, number: DigitNumber
    ) -> bool:
        if self._not_count_around(mention, text, rev):
            return False
        if mention.multiplier is not None or number.grouped:
            return True
        if _TIME_AFTER.match(text, number.end) or _TIME_BEFORE.search(text, 0, number.start):
            return False
        value = int(mention.value)
        if value <= 31 and self._next_to_month(number, text, original):
            return False
        if value in YEARS and len(number.digits) == 4:
            return self._year_is_count(mention, text, rev)
        return True

    def _not_count_around(self, mention: Mention, text: str, rev: str) -> bool:
        return self._not_count_end(mention, text, rev) is not None

    def _not_count_end(self, mention: Mention, text: str, rev: str) -> int | None:
        """Where the words that make the number no count end ("80 per cent"), or None."""
        after = self.tables.get("not_count_after").after.match(text, mention.end)
        if after:
            return after.end(1)
        before = self.tables.get("not_count_before").before.match(rev, len(text) - mention.start)
        return mention.end if before is not None else None

    def _next_to_month(self, number: DigitNumber, text: str, original: str) -> bool:
        months = self.tables.get("month").anywhere
        link = _DAY_LINK.match(text, number.end)
        position = link.end() if link else number.end
        while position < len(text) and text[position].isspace():
            position += 1
        if months.match(text, position) or self.tables.capital_months.match(original, position):
            return True
        previous = _PREVIOUS_WORD.search(text, max(0, number.start - 24), number.start)
        if previous is None:
            return False
        at = previous.start(1)
        return bool(months.match(text, at) or self.tables.capital_months.match(original, at))

    def _year_is_count(self, mention: Mention, text: str, rev: str) -> bool:
        """A bare 1900-2100 is a year unless bounded ("over 2000") or counting people."""
        if self.tables.get("before").before.match(rev, len(text) - mention.start):
            return True
        people = self.tables.get("people").after.match(text, mention.end)
        return people is not None

    def _vague(self, text: str) -> list[Mention]:
        vague = self.tables.get("vague")
        least = self.tables.numeric["vague"]
        return [
            Mention(m.start(1), m.end(1), least[" ".join(m.group(1).split())], vague=True)
            for m in vague.anywhere.finditer(text)
        ]

    def _words(self, text: str, rev: str, taken: list[tuple[int, int]]) -> list[Mention]:
        found = []
        position = 0
        pattern = self.tables.number_word
        while match := pattern.search(text, position):
            number = self.reader.read(match.group(), match.start())
            if number is None:
                position = match.start() + 1
                continue
            position = number.end
            if _overlaps(number.start, number.end, taken):
                continue
            value, end = number.value, number.end
            half = self.tables.get("half").after.match(text, end) if number.multiplier else None
            if half and number.multiplier:  # "seis millones y medio"
                value, end = value + number.multiplier / 2, half.end(1)
            mention = Mention(number.start, end, value, number.multiplier, False, False)
            if value % 1 == 0 and not self._not_count_around(mention, text, rev):
                found.append(mention)
        return found


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < span_end and span_start < end for span_start, span_end in spans)


def _longest(vague: list[Mention], words: list[Mention]) -> list[Mention]:
    """Vague plurals and numbers in words, the longer reading winning where they overlap.

    "seis millones" is six million, not "millones" (at least two million); "a few thousand"
    is vague, not "thousand"; alone, "millones" is vague, not "a million".
    """
    kept_words = [
        w
        for w in words
        if not any(
            w.start < v.end and v.start < w.end and w.end - w.start <= v.end - v.start
            for v in vague
        )
    ]
    kept_vague = [
        v for v in vague if not _overlaps(v.start, v.end, [(w.start, w.end) for w in kept_words])
    ]
    return kept_vague + kept_words


_COMPOUND_GAP = re.compile(r"[^\S\n]*(?:(?:and|и|i|e|y|و|und|ve|və)[^\S\n]*)?")


def _compounds(mentions: list[Mention], text: str, tables: Tables) -> list[Mention]:
    """ "1 milion 85 tys.", "381 bin 289", "৪ লাখ ৮০ হাজার", "۱ هزار و ۸۹۱": one number each."""
    merged: list[Mention] = []
    for mention in mentions:
        previous = merged[-1] if merged else None
        if previous is not None and _continues(previous, mention, text):
            merged[-1] = Mention(
                previous.start,
                mention.end,
                previous.value + mention.value,
                previous.multiplier,
                digits=previous.digits,
            )
        else:
            merged.append(mention)
    return merged


def _continues(big: Mention, small: Mention, text: str) -> bool:
    if big.vague or small.vague or big.multiplier is None or big.multiplier < 1000:
        return False
    if small.value >= big.multiplier or small.value % 1:
        return False
    if small.multiplier is not None and small.multiplier >= big.multiplier:
        return False
    gap = _COMPOUND_GAP.match(text, big.end)
    return gap is not None and gap.end() == small.start
