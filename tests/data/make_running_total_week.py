"""Writes running_total_week.csv: a synthetic, realistic week of one running total.

An official count of arrivals is published three times a day and grows by 5,000-25,000 a day;
three wires relay each update hours later, one with the hour, two without (one of those dates
an evening figure to the next morning, when it was published). Values are invented for tests;
the shape is that of the 2023 reporting. Run it to regenerate: python tests/data/make_...py
"""

import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere
from figures.contract import COLUMNS

OFFICIAL = "Government of Armenia"


def rows() -> list[list[str]]:
    rng = random.Random(2023)
    total = 1050
    out: list[list[str]] = []
    for day in range(24, 31):
        date = f"2023-09-{day:02d}"
        for hour in (8, 14, 20):
            total += rng.randrange(1500, 8500)
            stamp = f"{date}T{hour:02d}:00"
            words = f"{total:,} forcibly displaced persons have entered Armenia"
            out.append(
                [
                    stamp,
                    "arrived",
                    "",
                    "",
                    str(total),
                    "",
                    "Armenia",
                    OFFICIAL,
                    "armenia",
                    "Government of Armenia",
                    date,
                    "",
                    words,
                    "synthetic test row",
                ]
            )
            out.append(
                [
                    stamp,
                    "arrived",
                    "",
                    "",
                    str(total),
                    "",
                    "Armenia",
                    OFFICIAL,
                    "armenia",
                    "Wire A",
                    date,
                    "",
                    f"As of {hour}:00, {words}",
                    "relayed with the hour",
                ]
            )
            out.append(
                [
                    date,
                    "arrived",
                    "",
                    "",
                    str(total),
                    "",
                    "Armenia",
                    OFFICIAL,
                    "armenia",
                    "Wire B",
                    date,
                    "",
                    words,
                    "relayed without the hour",
                ]
            )
            if hour == 20 and day < 30:
                next_day = f"2023-09-{day + 1:02d}"
                out.append(
                    [
                        next_day,
                        "arrived",
                        "",
                        "more_than",
                        str(total // 1000 * 1000),
                        "",
                        "Armenia",
                        OFFICIAL,
                        "armenia",
                        "Wire C",
                        next_day,
                        "",
                        f"more than {total // 1000 * 1000:,} refugees",
                        "relayed next morning",
                    ]
                )
    return out


if __name__ == "__main__":
    path = Path(__file__).with_name("running_total_week.csv")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows())
