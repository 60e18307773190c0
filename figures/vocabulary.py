"""The vocabularies analysts may extend without touching code: metrics and groups.

They live as CSV files beside the figures file (`metrics.csv`, `groups.csv`); when a figures
file has none beside it (a scratch copy, a test fixture) the shipped ones in `data/` are used.
The metric's `kind` drives the conflict checks:

- `cumulative`: a running total that should not fall (fled, arrived, killed, ...);
- `stock`: a level at a time, which may rise or fall (population, troops, missing);
- `event`: a count for one occasion (evacuated in one convoy).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from figures.errors import ValidationError

MetricKind = Literal["cumulative", "stock", "event"]
METRIC_KINDS: tuple[MetricKind, ...] = ("cumulative", "stock", "event")
SHIPPED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
METRICS_FILE = "metrics.csv"
GROUPS_FILE = "groups.csv"
WHOLE_GROUP = "all"

_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str
    kind: MetricKind
    # Sources update it several times a day, so an untimed figure was taken at an unknown
    # moment of its day rather than holding for the whole day.
    intraday: bool = False
    # The metric this one can never exceed in the same place (fled <= population).
    bounded_by: str | None = None
    # Days either side within which two figures of a stock describe the same time; None means
    # the engine's default. A stock that moves daily (missing, remaining) sets 0.
    window_days: int | None = None
    description: str = ""


@dataclass(frozen=True)
class Group:
    name: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Vocabulary:
    metrics: dict[str, Metric]
    groups: dict[str, Group]

    def metric(self, name: str) -> Metric:
        return self.metrics[name]

    def metric_label(self, name: str) -> str:
        metric = self.metrics.get(name)
        return metric.label if metric else name

    def group_label(self, name: str) -> str:
        group = self.groups.get(name)
        return group.label if group else name


class VocabularyError(Exception):
    """A vocabulary file is malformed; carries the errors found in it."""

    def __init__(self, errors: list[ValidationError]):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    previous_line = 1
    for row in reader:
        line = previous_line + 1
        previous_line = reader.line_num
        cleaned = {(key or "").strip(): (value or "").strip() for key, value in row.items()}
        if any(cleaned.values()):
            rows.append((line, cleaned))
    return rows


def _bad(path: Path, line: int, column: str, value: str, message: str) -> ValidationError:
    return ValidationError("bad-vocabulary", line, column, value, f"{path.name}: {message}")


def parse_metrics(path: Path) -> tuple[dict[str, Metric], list[ValidationError]]:
    metrics: dict[str, Metric] = {}
    errors: list[ValidationError] = []
    rows = _read_rows(path)
    for line, row in rows:
        name = row.get("metric", "")
        kind = row.get("kind", "")
        intraday_text = row.get("intraday", "").lower()
        window_text = row.get("window_days", "")
        if not name:
            errors.append(_bad(path, line, "metric", name, "a metric needs a name"))
            continue
        if name in metrics:
            errors.append(_bad(path, line, "metric", name, f"metric {name!r} is listed twice"))
            continue
        if kind not in METRIC_KINDS:
            errors.append(
                _bad(path, line, "kind", kind, f"kind must be one of {', '.join(METRIC_KINDS)}")
            )
            continue
        if intraday_text not in _TRUE | _FALSE:
            errors.append(_bad(path, line, "intraday", intraday_text, "intraday is true or false"))
            continue
        if window_text and not window_text.isdigit():
            errors.append(
                _bad(path, line, "window_days", window_text, "window_days is a whole number")
            )
            continue
        metrics[name] = Metric(
            name=name,
            label=row.get("label") or name,
            unit=row.get("unit") or "people",
            kind=kind,  # type: ignore[arg-type]  # checked against METRIC_KINDS above
            intraday=intraday_text in _TRUE,
            bounded_by=row.get("bounded_by") or None,
            window_days=int(window_text) if window_text else None,
            description=row.get("description", ""),
        )
    for line, row in rows:
        bound = row.get("bounded_by", "")
        if bound and bound not in metrics:
            errors.append(
                _bad(path, line, "bounded_by", bound, f"bounded_by names no metric: {bound!r}")
            )
    return metrics, errors


def parse_groups(path: Path) -> tuple[dict[str, Group], list[ValidationError]]:
    groups: dict[str, Group] = {}
    errors: list[ValidationError] = []
    for line, row in _read_rows(path):
        name = row.get("group", "")
        if not name:
            errors.append(_bad(path, line, "group", name, "a group needs a name"))
            continue
        groups[name] = Group(name, row.get("label") or name, row.get("description", ""))
    if WHOLE_GROUP not in groups:
        groups[WHOLE_GROUP] = Group(WHOLE_GROUP, "Everyone", "The whole count")
    return groups, errors


def vocabulary_dir_for(figures_path: Path | None) -> Path:
    """The folder whose metrics.csv governs a figures file: its own folder if it has one."""
    if figures_path is not None:
        folder = Path(figures_path).resolve().parent
        if (folder / METRICS_FILE).is_file():
            return folder
    return SHIPPED_DATA_DIR


def load_vocabulary(folder: Path | None = None) -> Vocabulary:
    """Load metrics.csv and groups.csv from `folder` (default: the shipped `data/`).

    Raises VocabularyError when either file is malformed: a wrong vocabulary would silently
    change every conflict decision, so it is better to stop.
    """
    folder = folder or SHIPPED_DATA_DIR
    metrics, errors = parse_metrics(folder / METRICS_FILE)
    groups_path = folder / GROUPS_FILE
    if not groups_path.is_file():
        groups_path = SHIPPED_DATA_DIR / GROUPS_FILE
    groups, group_errors = parse_groups(groups_path)
    errors += group_errors
    if errors:
        raise VocabularyError(errors)
    return Vocabulary(metrics=metrics, groups=groups)
