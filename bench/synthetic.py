"""A synthetic figures file that looks like a big real one, for benchmarks.

Every row is valid under the shipped vocabulary (data/metrics.csv, data/groups.csv), so the
benchmark times the whole happy path: reading, every cell rule, the cross-cell rules and the
duplicate check. The mix mirrors the shipped data at scale: many places and reporters, dates
over a few months with some times of day, every qualifier including ranges, optional URLs, and
long quotes with commas, doubled quotes, line breaks and non-Latin text (the slow cases for a
CSV reader).

The output depends only on (n_rows, seed, n_quantities): the same call writes the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from figures.contract import COLUMNS, TIMING_COLUMNS
from figures.vocabulary import load_vocabulary

START = dt.date(2023, 9, 1)
DAYS = 120  # "a few months"

_PLACES = (
    "Nagorno-Karabakh",
    "Stepanakert",
    "Armenia",
    "Goris",
    "Kornidzor",
    "Yerevan",
    "Lachin corridor",
    "Syunik",
    "Vayots Dzor",
    "Ararat",
    "Kotayk",
    "Shirak",
    "Lori",
    "Tavush",
    "Gegharkunik",
    "Aragatsotn",
    "Armavir",
    "Yevlakh",
    "Agdam",
    "Martakert",
    "Askeran",
    "Hadrut",
    "Shusha",
    "Ստեփանակերտ",
    "Գորիս",
    "Степанакерт",
    "Ağdam",
    "Xankəndi",
)
_REPORTERS: tuple[tuple[str, str, str], ...] = (
    # (reported_by, affiliation, the outlet that usually carries it)
    ("Government of Armenia", "armenia", "Armenpress"),
    ("Nikol Pashinyan, Prime Minister of Armenia", "armenia", "AFP"),
    ("Ministry of Foreign Affairs of Armenia", "armenia", "Ministry of Foreign Affairs of Armenia"),
    ("Armenian authorities in Yerevan", "armenia", "Brussels Signal"),
    ("Հայաստանի կառավարություն", "armenia", "Armenpress"),
    ("Hikmet Hajiyev, adviser to the President of Azerbaijan", "azerbaijan", "AFP"),
    ("Ministry of Foreign Affairs of Azerbaijan", "azerbaijan", "News.az"),
    ("Azərbaycan Respublikası Prezidentinin Administrasiyası", "azerbaijan", "APA"),
    ("Russian Ministry of Defence", "russia", "TASS"),
    ("Министерство обороны России", "russia", "РИА Новости"),
    ("UNHCR", "un", "UNHCR"),
    ("OCHA", "un", "ReliefWeb"),
    ("International Committee of the Red Cross", "ngo", "ICRC"),
    ("Médecins Sans Frontières", "ngo", "MSF"),
    ("Brussels Signal", "media", "Brussels Signal"),
    ("Reuters", "media", "Reuters"),
    ("Local residents", "other", "Civilnet"),
)
_OUTLETS = ("TASS", "AFP", "Reuters", "BBC", "Brussels Signal", "News.az", "Azatutyun", "JAMnews")
_HOSTS = ("www.example.org", "news.example.com", "mfa.example.am", "mod.example.ru")
_QUALIFIER_WEIGHTS = {
    "": 30,
    "exact": 10,
    "about": 20,
    "more_than": 15,
    "at_least": 8,
    "up_to": 8,
    "less_than": 4,
    "range": 5,
}
_QUALIFIER_WORDS = {
    "": "",
    "exact": "",
    "about": "about ",
    "more_than": "more than ",
    "at_least": "at least ",
    "up_to": "as many as ",
    "less_than": "fewer than ",
}
_QUOTES = (
    "{reporter} said {amount} people, including women, children and the elderly, had been "
    "counted in {place} by the evening, and that more were expected in the coming days.",
    'Officials in {place} put the number at {amount}, adding that "the registration continues" '
    "at the reception centres, where volunteers, doctors and police are on duty.",
    "According to {reporter}, {amount} people were recorded in {place}; the figure, which "
    'could not be independently verified, was described as "preliminary" by the source.',
    "{amount} человек, по данным {reporter}, зарегистрированы в пункте {place}, сообщили в "
    "ведомстве, добавив, что работа продолжается.",
    "{reporter}-ի տվյալներով՝ {place}-ում գրանցվել է {amount} մարդ, այդ թվում՝ երեխաներ, "
    "կանայք և տարեցներ։",
    "{reporter} bildirib ki, {place} ərazisində {amount} nəfər qeydə alınıb, o cümlədən "
    "uşaqlar, qadınlar və yaşlılar.",
)


@dataclass(frozen=True)
class _Quantity:
    """One thing counted: a metric of a group in a place, followed through time."""

    metric: str
    kind: str
    group: str
    place: str
    base: int


def _quantities(rng: random.Random, count: int) -> list[_Quantity]:
    vocabulary = load_vocabulary()
    metrics = sorted(vocabulary.metrics.values(), key=lambda metric: metric.name)
    people_groups = sorted(g for g in vocabulary.groups if g not in ("buses", "private_cars"))
    quantities = []
    for _ in range(count):
        metric = rng.choice(metrics)
        if metric.unit == "vehicles":
            group = rng.choice(("all", "buses", "private_cars"))
        else:
            group = "all" if rng.random() < 0.6 else rng.choice(people_groups)
        base = int(10 ** rng.uniform(1, 5.3))
        quantities.append(_Quantity(metric.name, metric.kind, group, rng.choice(_PLACES), base))
    return quantities


def _value(rng: random.Random, quantity: _Quantity, day: int) -> int:
    # Running totals grow over the period; levels and one-off counts wobble around their base.
    if quantity.kind == "cumulative":
        growth = 1 + 9 * day / DAYS
        return max(0, int(quantity.base * growth * rng.uniform(0.85, 1.15)))
    return max(0, int(quantity.base * rng.uniform(0.7, 1.3)))


def _round(rng: random.Random, value: int, qualifier: str) -> int:
    # Hedged figures are round figures ("about 3,000"); exact ones are not.
    if qualifier in ("", "exact") or value < 100:
        return value
    step = 10 ** max(1, len(str(value)) - rng.choice((1, 2)))
    return max(step, round(value / step) * step)


def _as_of(rng: random.Random, day: int) -> str:
    date = START + dt.timedelta(days=day)
    if rng.random() < 0.15:  # some sources give the hour
        separator = "T" if rng.random() < 0.8 else " "
        return f"{date.isoformat()}{separator}{rng.randrange(24):02d}:{rng.choice((0, 30)):02d}"
    return date.isoformat()


def rows(n_rows: int, seed: int = 0, n_quantities: int | None = None) -> list[list[str]]:
    """The synthetic records (cells as written, in contract column order)."""
    rng = random.Random(seed)
    quantities = _quantities(rng, n_quantities or max(1, n_rows // 40))
    qualifiers = list(_QUALIFIER_WEIGHTS)
    weights = list(_QUALIFIER_WEIGHTS.values())
    affiliations = set(load_vocabulary().sides)
    records = []
    for number in range(1, n_rows + 1):
        quantity = rng.choice(quantities)
        reported_by, affiliation, outlet = rng.choice(_REPORTERS)
        assert affiliation in affiliations
        if rng.random() < 0.3:
            outlet = rng.choice(_OUTLETS)
        day = rng.randrange(DAYS)
        qualifier = rng.choices(qualifiers, weights)[0]
        value = _round(rng, _value(rng, quantity, day), qualifier)
        value_high = ""
        if qualifier == "range":
            high = value + max(1, int(value * rng.uniform(0.05, 0.5)))
            value_high = f"{high:,}" if rng.random() < 0.2 else str(high)
            amount = f"{value:,} to {high:,}"
        else:
            amount = f"{_QUALIFIER_WORDS[qualifier]}{value:,}"
        # Spreadsheets write thousands separators when the cell is formatted as a number.
        value_text = f"{value:,}" if rng.random() < 0.1 else str(value)
        published = ""
        if rng.random() < 0.8:
            published = (START + dt.timedelta(days=day + rng.choice((0, 0, 1, 2, 7)))).isoformat()
        url = ""
        if rng.random() < 0.5:
            url = f"https://{rng.choice(_HOSTS)}/news/{day:03d}/{rng.randrange(10**6):06d}"
        template = rng.choice(_QUOTES)
        quote = template.format(reporter=reported_by, amount=amount, place=quantity.place)
        if rng.random() < 0.02:  # pasted from a document with its line break
            quote = quote.replace(", ", ",\n", 1)
        notes = f"Synthetic row {number}."
        if rng.random() < 0.2:
            notes += " As of the report's date, since the source gives no day of its own."
        records.append(
            [
                _as_of(rng, day),
                quantity.metric,
                quantity.group if rng.random() < 0.9 or quantity.group != "all" else "",
                qualifier,
                value_text,
                value_high,
                quantity.place,
                reported_by,
                affiliation,
                outlet,
                published,
                url,
                quote,
                notes,
            ]
        )
    return records


def write_synthetic(
    path: str | Path, n_rows: int, seed: int = 0, n_quantities: int | None = None
) -> Path:
    """Write `n_rows` valid synthetic figures to `path` (CSV UTF-8, LF, shipped column order).

    `n_quantities` is how many distinct things are counted (metric x group x place), each
    reported many times by different sources; default one per 40 rows, so that a figure has
    a few dozen others to agree or conflict with.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        # The rows fill the columns before the optional timing ones, which they leave out.
        writer.writerow([name for name in COLUMNS if name not in TIMING_COLUMNS])
        writer.writerows(rows(n_rows, seed, n_quantities))
    return path
