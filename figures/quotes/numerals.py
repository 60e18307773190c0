"""Numbers written in digits, in every grouping convention reporting uses.

100,417 (English), 1,00,417 (Indian), 84 770 with a thin, narrow or no-break space (French,
Polish, Norwegian), 100.417 (German, Norwegian, Turkish), 100'417 (Swiss), Arabic-Indic
digits; a decimal comma or point before a multiplier (2,5 млн; 1.2 million).

A separator followed by exactly three digits groups thousands; followed by one, two or four
and more digits it is a decimal mark. "1.200 millones" and "2,500 million" are both
thousands-grouped, which is what their writers mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# One character for one, so offsets in the normalised text are offsets in the quote.
_SAME_LENGTH = str.maketrans(
    {
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": ",",  # Arabic thousands separator
        "\u060c": ",",  # Arabic comma, a thousands separator between Persian digits
        "\u2019": "'",
        "\u02bc": "'",
        "\u0640": " ",  # tatweel, as in الـ100
        "\u00ad": "-",  # soft hyphen
        "\u2011": "-",  # non-breaking hyphen
    }
)

_SPACES = "\u0020\u00a0\u2009\u202f\u2007"
_DIGITS = re.compile(
    rf"""
    (?<!\d)(?<!\d[.,])(?<![A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u0530-\u058f])
    (?P<int>
        \d{{1,3}}(?P<sep>[,.'{_SPACES}])\d{{3}}(?:(?P=sep)\d{{3}})*(?!\d)
      | \d{{1,2}}(?:,\d\d)+,\d{{3}}(?!\d)
      | \d+
    )
    (?:(?P<dec>[.,])(?P<frac>\d{{1,2}}|\d{{4,}})(?!\d))?
    """,
    re.VERBOSE,
)


def normalise(text: str) -> str:
    """The quote with digits in ASCII and look-alike marks unified, same length, lowercased.

    `str.lower` only ever lengthens a character (Turkish İ), so when the length is kept every
    offset is kept; otherwise such characters are left as they are.
    """
    plain = text.translate(_SAME_LENGTH)
    lowered = plain.lower()
    if len(lowered) == len(plain):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in plain)


@dataclass(frozen=True)
class DigitNumber:
    """A number read from digits: `value` may have a fraction until a multiplier is applied."""

    start: int
    end: int
    value: Decimal
    grouped: bool  # written with a thousands separator (so never a year or a day)
    digits: str  # the integer part as written, without separators


def find_digit_numbers(text: str) -> list[DigitNumber]:
    """Every number written in digits in the normalised text, left to right."""
    found = []
    for match in _DIGITS.finditer(text):
        sep = match.group("sep")
        digits = re.sub(r"\D", "", match.group("int"))
        dec = match.group("dec")
        if dec and sep and dec == sep:
            # "1.000.5" is no number a writer means; read the grouped part only.
            dec = None
        value = Decimal(digits)
        end = match.end("int")
        if dec:
            value = Decimal(f"{digits}.{match.group('frac')}")
            end = match.end()
        grouped = sep is not None or "," in match.group("int")
        found.append(DigitNumber(match.start(), end, value, grouped, digits))
    return found
