"""docs/data-contract.md stays true: its example rows load, and it documents every error code."""

from __future__ import annotations

import re
from pathlib import Path

from figures.contract import COLUMNS, Qualifier
from figures.errors import CATALOGUE
from tests.support import HEADER, flat, load

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-contract.md"
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "figures.csv"


def example_rows() -> list[str]:
    return re.findall(r"```csv\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_every_example_row_is_a_valid_row() -> None:
    rows = example_rows()
    assert rows
    result = load(HEADER + "\n" + "\n".join(rows) + "\n")
    assert flat(result.errors) == []
    assert len(result.rows) == len(rows)


def test_there_is_an_example_row_for_every_qualifier() -> None:
    result = load(HEADER + "\n" + "\n".join(example_rows()) + "\n")
    assert set(result.rows["qualifier"]) == {qualifier.value for qualifier in Qualifier}


def test_unshortened_examples_are_lines_of_the_shipped_file() -> None:
    shipped = SHIPPED.read_text(encoding="utf-8").splitlines()
    whole = [row for row in example_rows() if "…" not in row and "Illustration" not in row]
    assert whole and all(row in shipped for row in whole)


def test_every_column_and_error_code_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert [name for name in COLUMNS if f"| `{name}` |" not in text] == []
    assert [code for code in CATALOGUE if f"| `{code}` |" not in text] == []
