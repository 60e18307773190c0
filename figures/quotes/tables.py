"""The phrase tables (`phrases/*.csv`), loaded once and compiled into matchers.

Words live in data files so a language is added by an analyst, not a programmer: see
`phrases/README.md` for the kinds. Every table is loaded together; the reader never guesses
the quote's language, so a phrase that is a common word elsewhere must be a `weak_number` or
longer.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

PHRASES_DIR = Path(__file__).with_name("phrases")

# Kinds whose value is a number (kept exact as Decimal: "полтора" is 1.5).
NUMERIC_KINDS = frozenset({"number", "weak_number", "multiplier", "suffix", "vague"})
KINDS = NUMERIC_KINDS | {
    "before",
    "after",
    "range_open",
    "range_join",
    "change",
    "people",
    "part",
    "not_count_before",
    "not_count_after",
    "month",
    "zero",
    "connector",
    "spaced_unit",
    "ordinal",
    "half",
}


class TableError(ValueError):
    """A phrase table row that cannot be read; names the file and line."""


def is_word_char(char: str) -> bool:
    """A letter or digit that needs a word boundary; not CJK, written without spaces."""
    if "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff":
        return False
    return char.isalnum() or char == "_"


def _alternation(phrases: Iterable[str], *, reverse: bool, end_boundary: bool) -> str:
    """A regex alternation of literal phrases, longest first, so the longest phrase wins.

    With `reverse`, each phrase is spelled backwards, for matching leftwards from a number in
    the reversed text. A phrase that ends (in reading order) with a letter gets a boundary, so
    `over` does not match inside `overall`; with `end_boundary` False it is a word's start
    (`refugee` matches `refugees`).
    """
    parts = []
    for phrase in sorted(set(phrases), key=lambda p: (-len(p), p)):
        edge = phrase[0] if reverse else phrase[-1]
        body = re.escape(phrase[::-1] if reverse else phrase)
        body = body.replace(r"\ ", r"\s+")
        if end_boundary and is_word_char(edge):
            body += r"(?!\w)"
        parts.append(body)
    return "|".join(parts) if parts else "(?!)"


@dataclass(frozen=True)
class Phrases:
    """One kind of phrase: its values by phrase, and the regexes that find it."""

    values: dict[str, str]
    # Matches at a position, reading rightwards: the phrase right after a number.
    after: re.Pattern[str]
    # Matches at a position in the reversed text: the phrase right before a number.
    before: re.Pattern[str]
    # Finds the phrase anywhere (starting at a word's start).
    anywhere: re.Pattern[str]

    def value(self, matched: str) -> str:
        return self.values[" ".join(matched.split())]


def _compile(values: dict[str, str], *, prefix: bool) -> Phrases:
    boundary = not prefix
    forward = _alternation(values, reverse=False, end_boundary=boundary)
    backward = _alternation(values, reverse=True, end_boundary=True)
    starts_with_word = r"(?<!\w)" if values else ""
    return Phrases(
        values=values,
        after=re.compile(rf"[^\S\n]*({forward})"),
        before=re.compile(rf"[^\S\n]*({backward})"),
        anywhere=re.compile(rf"{starts_with_word}({forward})"),
    )


@dataclass(frozen=True)
class Tables:
    """Every kind of phrase, compiled; `get` returns one kind."""

    kinds: dict[str, Phrases]
    # Month names with a capital ("May") are matched in the unlowered text only.
    capital_months: re.Pattern[str]
    number_word: re.Pattern[str]
    # A multiplier right after digits, without a boundary: "mindən" (min + dən çox) is checked
    # against the `after` phrases by the scanner.
    multiplier_glued: re.Pattern[str]
    numeric: dict[str, dict[str, Decimal]]
    # The tables (languages) each number word comes from: a glued compound is read only from
    # words of one language ("zweihunderttausend"), so "Staten" is not sta (cs) + ten (en).
    languages: dict[str, frozenset[str]]

    def get(self, kind: str) -> Phrases:
        return self.kinds[kind]


def read_rows(
    paths: Iterable[Path], languages: dict[str, set[str]] | None = None
) -> dict[str, dict[str, str]]:
    """Phrase -> value for each kind, over all files; phrases lowercased, spaces collapsed.

    `languages`, when given, collects the files (by stem) each number word appears in.
    """
    by_kind: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                kind = (row.get("kind") or "").strip()
                if kind.startswith("#"):
                    continue
                phrase = " ".join((row.get("phrase") or "").split())
                if kind not in KINDS or not phrase:
                    raise TableError(f"{path}:{line}: unknown kind {kind!r} or empty phrase")
                value = (row.get("value") or "").strip()
                if kind in NUMERIC_KINDS:
                    try:
                        Decimal(value)
                    except ArithmeticError as exc:
                        raise TableError(f"{path}:{line}: {value!r} is not a number") from exc
                key = phrase if kind == "month" and phrase != phrase.lower() else phrase.lower()
                known = by_kind[kind].get(key)
                if known is not None and known != value:
                    # Tables are loaded together: one phrase cannot mean two things.
                    raise TableError(
                        f"{path}:{line}: {kind} {phrase!r} is {value!r} here, {known!r} elsewhere"
                    )
                by_kind[kind][key] = value
                if languages is not None and kind in (
                    "number",
                    "weak_number",
                    "multiplier",
                    "connector",
                ):
                    languages.setdefault(key, set()).add(path.stem)
    return by_kind


def _number_word_pattern(by_kind: dict[str, dict[str, str]]) -> re.Pattern[str]:
    """A run of number words: "one hundred and five", "quatre-vingt-dix", "zweihunderttausend".

    Words may be glued into one (German, Italian: "duemila", "einundzwanzig") or joined by
    spaces, hyphens or a connector ("and", "et", "y"). Which runs make a number is decided by
    `words.read_words`.
    """
    single = [
        p for kind in ("number", "weak_number", "multiplier") for p in by_kind[kind] if " " not in p
    ]
    multi = [p for kind in ("number", "weak_number") for p in by_kind[kind] if " " in p]
    glued = _alternation(single, reverse=False, end_boundary=False)
    phrase = _alternation(multi, reverse=False, end_boundary=True)
    # Glued words may hold a connector between number words: "einundzwanzig".
    inner = _alternation(by_kind["connector"], reverse=False, end_boundary=False)
    word = rf"(?:{phrase}|(?:{glued})(?:(?:{inner})?(?:{glued}))*(?!\w))"
    connector = _alternation(by_kind["connector"], reverse=False, end_boundary=True)
    gap = rf"(?:[^\S\n]+(?:{connector})[^\S\n]+|[^\S\n]+|-)"
    # Not right after a digit and an apostrophe: "2023'ten" is a year with a suffix.
    return re.compile(rf"(?<!\w)(?<!\d'){word}(?:{gap}{word})*")


@cache
def load_tables(directory: Path = PHRASES_DIR) -> Tables:
    """All tables in `directory`, compiled. Cached: the reader compiles them once a process."""
    languages: dict[str, set[str]] = {}
    by_kind = read_rows(sorted(directory.glob("*.csv")), languages)
    prefix_kinds = {"people", "month"}
    months = by_kind["month"]
    lower_months = {p: v for p, v in months.items() if p == p.lower()}
    capitals = [p for p in months if p != p.lower()]
    by_kind["month"] = lower_months
    kinds = {
        kind: _compile(values, prefix=kind in prefix_kinds) for kind, values in by_kind.items()
    }
    capital = _alternation(capitals, reverse=False, end_boundary=False)
    numeric = {
        kind: {phrase: Decimal(value) for phrase, value in by_kind[kind].items()}
        for kind in NUMERIC_KINDS
    }
    return Tables(
        kinds=kinds,
        capital_months=re.compile(rf"(?<!\w)(?:{capital})"),
        number_word=_number_word_pattern(by_kind),
        multiplier_glued=re.compile(
            r"[^\S\n]*("
            + _alternation(by_kind["multiplier"], reverse=False, end_boundary=False)
            + ")"
        ),
        numeric=numeric,
        languages={word: frozenset(files) for word, files in languages.items()},
    )
