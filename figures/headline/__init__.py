"""One best-supported figure per quantity: what a stakeholder can quote (docs/headline.md).

`rule` chooses the figures; `display` words them for every page, the note and the command.
"""

from figures.headline.display import (
    HeadlineCells,
    claim_text,
    headline_cells,
    headline_sentence,
    lead_headlines,
    quantity_label,
    under_total,
)
from figures.headline.rule import (
    DISPUTE_GAP,
    DISPUTED,
    LATEST,
    LATEST_WINDOW,
    PRE_CRISIS,
    Claim,
    Headline,
    first_movement,
    headlines,
)

__all__ = [
    "DISPUTED",
    "DISPUTE_GAP",
    "LATEST",
    "LATEST_WINDOW",
    "PRE_CRISIS",
    "Claim",
    "Headline",
    "HeadlineCells",
    "claim_text",
    "first_movement",
    "headline_cells",
    "headline_sentence",
    "headlines",
    "lead_headlines",
    "quantity_label",
    "under_total",
]
