"""The quote reader: from a sentence of reporting to the figures it may give.

`parse_quote(text)` returns `Candidate`s, most likely first. Domain code only (no Streamlit):
the command is `figures.cli.parse_quote`, the phrase tables are `phrases/*.csv`.
"""

from figures.quotes.candidate import QUALIFIERS, Candidate
from figures.quotes.parser import parse_quote

__all__ = ["QUALIFIERS", "Candidate", "parse_quote"]
