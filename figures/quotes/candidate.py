"""What the quote reader proposes: one figure of a quote, and the words it was read from."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# The contract's qualifiers (figures.contract.Qualifier), as the reader writes them.
QUALIFIERS = ("exact", "about", "more_than", "at_least", "up_to", "less_than", "range")


@dataclass(frozen=True)
class Candidate:
    """A figure the quote may give, for an analyst to confirm.

    `qualifier` is `exact` for a number stated with no bound: the contract reads a blank
    qualifier as exact, and the add path writes what the analyst confirms. A vague plural
    ("thousands") has `vague` true and the least value its words allow, as `at_least`.
    `start`/`end` are the character offsets (Python string indices) of the words read,
    bound phrase included.
    """

    value: int
    value_high: int | None
    qualifier: str | None
    start: int
    end: int
    vague: bool = False

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def key(self) -> tuple[int, int | None, str | None]:
        """What makes two candidates the same proposal, wherever their words are."""
        return (self.value, self.value_high, self.qualifier)
