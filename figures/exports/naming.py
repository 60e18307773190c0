"""File names of exports: one view and one export, one stable name."""

from __future__ import annotations

import re

from figures.filters import ViewFilters


def _slug(text: str, limit: int = 24) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return slug[:limit].rstrip("-") or "x"


def view_slug(filters: ViewFilters) -> str:
    """A short, stable name for a view: 'all', 'troops', 'fled_un_2023-09-19-2023-09-30'."""
    parts: list[str] = []
    for values in (
        filters.metrics,
        filters.groups,
        filters.places,
        filters.affiliations,
        filters.reporters,
    ):
        if values:
            parts.append("-".join(_slug(value, 16) for value in values))
    if filters.start or filters.end:
        start = filters.start.isoformat() if filters.start else "start"
        end = filters.end.isoformat() if filters.end else "end"
        parts.append(f"{start}-{end}")
    slug = "_".join(parts) or "all"
    return slug[:80].rstrip("-_")


def export_filename(filters: ViewFilters, what: str, extension: str) -> str:
    """'figures_troops_timeline.png', 'figures_all.csv': one view and export, one name."""
    suffix = f"_{what}" if what else ""
    return f"figures_{view_slug(filters)}{suffix}.{extension}"
