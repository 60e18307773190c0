"""Reading a figures CSV into a table of strings with the line number of every record.

Two readers give the same table:

- a fast one, pandas' C parser, used when the file is well formed;
- a careful one, Python's `csv` module, which knows the exact line each record starts on and
  reports ragged or broken records. The fast reader hands over to it whenever anything is odd
  (a parser warning, a quote pandas would read leniently, blank lines in the middle, lone CR
  line endings), so line numbers and verdicts are always the ones the careful reader gives.

A file is read by `read_file`: surveyed block by block and parsed by pandas from disk when it
is well formed, so it is never held whole in memory on that route; bytes already in memory
are read by `read_table`. Both routes give the same table and errors.

Both readers accept what spreadsheets write: UTF-8 with or without BOM, CRLF or LF, quoted
commas and newlines, any column order, trailing blank or all-empty rows. Every cell comes back
exactly as written (no number parsing), so the rules in `figures.validation` see what the
analyst typed.
"""

from figures.loading.careful import read_careful
from figures.loading.fast import read_fast
from figures.loading.raw import RawTable, first_record, normalise_header
from figures.loading.reader import read_file, read_table

__all__ = [
    "RawTable",
    "first_record",
    "normalise_header",
    "read_careful",
    "read_fast",
    "read_file",
    "read_table",
]
