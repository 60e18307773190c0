"""Benchmark of the quote reader (`figures.quotes.parse_quote`) on labelled real quotes.

    .venv/bin/python bench/bench_quotes.py [--data tests/data/quotes_labelled.csv]
    .venv/bin/python bench/bench_quotes.py --misses dev     # the dev quotes it gets wrong

The labelled set (tests/data/quotes_labelled.md says how it was built) has a `split` column:
`dev` quotes may be looked at while tuning the reader; `holdout` quotes never are, and only
their totals are printed (`--misses holdout` is refused). Printed for each split:

- value among candidates: some candidate has the labelled value;
- value first: the first candidate has it;
- qualifier right: the first candidate with the labelled value has the labelled qualifier
  (a blank label is `exact`, as in the contract); a quote whose value is not found counts wrong;
- range ends right: of the labelled ranges, a candidate has both ends;
- vague caught: of the labels marked vague, a candidate with that value is marked vague;
- milliseconds per quote: the best of `--repeat` passes over the split, divided by its size.

Targets (issue 16), on the holdout: 90% among candidates, 80% first, 85% qualifier, < 1 ms.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from figures.quotes import Candidate, parse_quote

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "tests/data/quotes_labelled.csv"
SPLITS = ("dev", "holdout")


@dataclass(frozen=True)
class Label:
    id: str
    language: str
    quote: str
    value: int
    value_high: int | None
    qualifier: str
    vague: bool


def load_labels(path: Path, split: str) -> list[Label]:
    """The labelled quotes of one split."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Label(
                id=row["id"],
                language=row["language"],
                quote=row["quote"],
                value=int(row["value"]),
                value_high=int(row["value_high"]) if row["value_high"].strip() else None,
                qualifier=row["qualifier"].strip() or "exact",
                vague=row["vague"].strip().lower() == "true",
            )
            for row in csv.DictReader(handle)
            if row["split"] == split
        ]


@dataclass(frozen=True)
class Verdict:
    among: bool
    first: bool
    qualifier: bool
    range_right: bool
    vague_caught: bool


def judge(label: Label, candidates: list[Candidate]) -> Verdict:
    """How the candidates of one quote compare with its label."""
    matching = [c for c in candidates if c.value == label.value]
    qualifier = bool(matching) and matching[0].qualifier == label.qualifier
    range_right = any(
        c.value == label.value and c.value_high == label.value_high for c in candidates
    )
    return Verdict(
        among=bool(matching),
        first=bool(candidates) and candidates[0].value == label.value,
        qualifier=qualifier,
        range_right=range_right,
        vague_caught=any(c.vague for c in matching),
    )


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}% ({part}/{whole})" if whole else "   - (0/0)"


def report(labels: list[Label], repeat: int) -> dict[str, str]:
    verdicts = [judge(label, parse_quote(label.quote)) for label in labels]
    ranges = [v for v, label in zip(verdicts, labels, strict=True) if label.qualifier == "range"]
    vague = [v for v, label in zip(verdicts, labels, strict=True) if label.vague]
    best = min(_timed(labels) for _ in range(repeat))
    count = len(labels)
    return {
        "quotes": str(count),
        "value among candidates": _percent(sum(v.among for v in verdicts), count),
        "value first": _percent(sum(v.first for v in verdicts), count),
        "qualifier right": _percent(sum(v.qualifier for v in verdicts), count),
        "range ends right": _percent(sum(v.range_right for v in ranges), len(ranges)),
        "vague caught": _percent(sum(v.vague_caught for v in vague), len(vague)),
        "ms per quote": f"{1000 * best / max(count, 1):.3f}",
    }


def _timed(labels: list[Label]) -> float:
    began = time.perf_counter()
    for label in labels:
        parse_quote(label.quote)
    return time.perf_counter() - began


def print_misses(labels: list[Label]) -> None:
    """Each quote whose first candidate is not its label, with what was proposed."""
    for label in labels:
        candidates = parse_quote(label.quote)
        verdict = judge(label, candidates)
        if verdict.first and verdict.qualifier:
            continue
        high = f"-{label.value_high}" if label.value_high is not None else ""
        print(f"{label.id} [{label.language}] want {label.value}{high} {label.qualifier}")
        print(f"   {label.quote}")
        for candidate in candidates[:4]:
            words = label.quote[candidate.start : candidate.end]
            high = f"-{candidate.value_high}" if candidate.value_high is not None else ""
            print(f"   -> {candidate.value}{high} {candidate.qualifier}  «{words}»")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--misses", choices=SPLITS, help="list one split's misses (dev only)")
    args = parser.parse_args(argv)
    if args.misses:
        if args.misses != "dev":
            print("error: the holdout quotes are never looked at; use --misses dev")
            return 2
        print_misses(load_labels(args.data, "dev"))
        return 0
    parse_quote("warm up: 1,000 people")  # load and compile the phrase tables outside the timing
    results = {split: report(load_labels(args.data, split), args.repeat) for split in SPLITS}
    width = max(len(name) for name in results["dev"])
    print(f"{'':{width}}  {'dev':>18}  {'holdout':>18}")
    for name in results["dev"]:
        print(f"{name:{width}}  {results['dev'][name]:>18}  {results['holdout'][name]:>18}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
